//! The emulated Agent Service's own calls to gateways (an OAuth2 token, discovery, chat),
//! kept for whoever runs the sandbox in-process: the app then shows, in a Foundry-mode turn's
//! trace, what the gateway received, as a local run shows it. In Azure these calls happen
//! inside the service and cannot be seen; here they can, which is the point of the sandbox.
//!
//! Calls are keyed by the `x-ms-client-request-id` of the data-plane request that made them
//! (the app's Foundry client sends one on every request); a request without one is not kept.
//! Records are redacted with the connection's secrets, as the app's own traces are.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use gateway_studio_core::agent_service::model::trace_record;
use gateway_studio_core::net::Exchange;
use gateway_studio_core::trace::{Redactor, TraceExchange};

/// The header a data-plane request names itself by.
pub const CLIENT_REQUEST_ID: &str = "x-ms-client-request-id";

/// Calls nobody took are dropped beyond this many (oldest first).
const KEEP: usize = 256;

/// The log of gateway calls, shared by the handlers and [`super::RunningFoundry`].
#[derive(Clone, Default)]
pub struct GatewayCalls(Arc<Mutex<VecDeque<(String, TraceExchange)>>>);

impl GatewayCalls {
    pub(super) fn push(
        &self,
        client_request_id: &str,
        label: &str,
        exchange: &Exchange,
        redactor: &Redactor,
    ) {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if calls.len() == KEEP {
            calls.pop_front();
        }
        // The run id is the taker's to give.
        let record = trace_record("", label, exchange, redactor);
        calls.push_back((client_request_id.to_string(), record));
    }

    /// Takes the calls made for the data-plane request `client_request_id`, oldest first.
    pub fn take(&self, client_request_id: &str) -> Vec<TraceExchange> {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut taken = Vec::new();
        calls.retain(|(id, record)| {
            if id == client_request_id {
                taken.push(record.clone());
                false
            } else {
                true
            }
        });
        taken
    }
}
