//! A streamed run (`stream: true`): the Responses API's server-sent events as they arrived,
//! the text deltas in order with their arrival times, and the final response from
//! `response.completed` (or why there is none).

use serde_json::Value;

use super::types::{self, AgentResponse, ResponseError};
use crate::net::SseEvent;

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamEvent {
    /// Milliseconds from the start of the exchange to the event's arrival.
    pub at_ms: u64,
    /// The payload's `type` (else the `event:` field), e.g. `response.output_text.delta`.
    pub kind: String,
    pub sequence_number: Option<u64>,
    /// The payload; a payload that is not JSON is kept as a string.
    pub data: Value,
}

/// One `response.output_text.delta`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextDelta {
    pub at_ms: u64,
    pub item_id: Option<String>,
    pub output_index: Option<u64>,
    pub content_index: Option<u64>,
    pub delta: String,
}

/// A streamed run that completed.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseStream {
    /// Every event, in arrival order.
    pub events: Vec<StreamEvent>,
    /// The text deltas, in arrival order.
    pub deltas: Vec<TextDelta>,
    /// From `response.completed` (or `response.incomplete`, `response.cancelled`: the
    /// status says which).
    pub response: AgentResponse,
}

impl ResponseStream {
    /// The deltas joined: what a user watching the stream read.
    pub fn streamed_text(&self) -> String {
        self.deltas.iter().map(|d| d.delta.as_str()).collect()
    }

    /// When the first text delta arrived (time to first token).
    pub fn first_delta_ms(&self) -> Option<u64> {
        self.deltas.first().map(|d| d.at_ms)
    }
}

/// How a stream ended.
#[derive(Debug)]
pub(super) enum Ending {
    /// `response.completed`, `.failed`, `.incomplete` or `.cancelled`: the response as it
    /// ended (a failed one is turned into an error by the client, as without streaming).
    Final(Box<AgentResponse>),
    /// An `error` event: the service gave up outside a response.
    Error(ResponseError),
    /// The events stopped before any of the above; the last event's kind, if any.
    Cut(Option<String>),
}

pub(super) struct Assembled {
    pub(super) events: Vec<StreamEvent>,
    pub(super) deltas: Vec<TextDelta>,
    pub(super) ending: Ending,
}

/// The text of a `response.output_text.delta` event, for a live view.
pub(super) fn text_delta(raw: &SseEvent) -> Option<String> {
    let data: Value = serde_json::from_str(&raw.data).ok()?;
    let kind = data
        .get("type")
        .and_then(Value::as_str)
        .or(raw.event.as_deref())?;
    (kind == "response.output_text.delta")
        .then(|| {
            data.get("delta")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .flatten()
}

fn event(raw: &SseEvent) -> StreamEvent {
    let data = serde_json::from_str::<Value>(&raw.data)
        .unwrap_or_else(|_| Value::String(raw.data.clone()));
    let kind = data
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| raw.event.clone())
        .unwrap_or_default();
    StreamEvent {
        at_ms: raw.at_ms,
        kind,
        sequence_number: data.get("sequence_number").and_then(Value::as_u64),
        data,
    }
}

/// Reads the events; `Err` names an event the client cannot read (for `WrongShape`). Events
/// after the final one are kept but change nothing.
pub(super) fn assemble(raw: &[SseEvent]) -> Result<Assembled, String> {
    let mut events = Vec::with_capacity(raw.len());
    let mut deltas = Vec::new();
    let mut ending = None;
    for (index, raw) in raw.iter().enumerate() {
        let event = event(raw);
        let final_response = || match event.data.get("response") {
            Some(response) => types::response(response)
                .map_err(|p| format!("event {index} ({}) carries {p}", event.kind)),
            None => Err(format!("event {index} ({}) has no `response`", event.kind)),
        };
        match event.kind.as_str() {
            "response.output_text.delta" => {
                let Some(delta) = event.data.get("delta").and_then(Value::as_str) else {
                    return Err(format!(
                        "event {index} (response.output_text.delta) has no `delta` string"
                    ));
                };
                deltas.push(TextDelta {
                    at_ms: event.at_ms,
                    item_id: event
                        .data
                        .get("item_id")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    output_index: event.data.get("output_index").and_then(Value::as_u64),
                    content_index: event.data.get("content_index").and_then(Value::as_u64),
                    delta: delta.to_string(),
                });
            }
            "response.completed"
            | "response.failed"
            | "response.incomplete"
            | "response.cancelled"
                if ending.is_none() =>
            {
                ending = Some(Ending::Final(Box::new(final_response()?)));
            }
            "error" if ending.is_none() => {
                // OpenAI's `error` event: `{code, message}` at the top (or under `error`).
                let body = event
                    .data
                    .get("error")
                    .filter(|e| e.is_object())
                    .unwrap_or(&event.data);
                ending = Some(Ending::Error(ResponseError {
                    code: body.get("code").and_then(Value::as_str).map(str::to_string),
                    message: body
                        .get("message")
                        .and_then(Value::as_str)
                        .map_or_else(|| raw.data.clone(), str::to_string),
                }));
            }
            _ => {}
        }
        events.push(event);
    }
    let ending = ending.unwrap_or_else(|| Ending::Cut(events.last().map(|e| e.kind.clone())));
    Ok(Assembled {
        events,
        deltas,
        ending,
    })
}
