//! Azure Resource Manager, as far as Gateway Studio uses it (byo-gateway.md §2, the ARM OpenAPI
//! excerpt in `core/tests-data/spec/`): subscriptions, resource groups, Foundry accounts and
//! projects, account- and project-level connections (list with filters and `nextLink` paging,
//! get, put, patch, delete) and account deployments.
//!
//! It answers the way ARM does: the same status codes, `{"error":{"code","message"}}` bodies
//! with ARM's codes, `x-ms-request-id` / `x-ms-correlation-request-id` on every response, and it
//! rejects what ARM rejects (a missing or wrong bearer token, a missing or unknown api-version,
//! a connection name outside the spec's pattern, metadata values that are not strings,
//! credentials that do not fit the auth type). The connection rules are read from the spec
//! excerpt at start-up (`spec`); GET, list, PUT and PATCH never show a secret.
//!
//! - `routes`: path splitting, the enforcement order, the read-only resources.
//! - `connections`: the connection operations.
//! - `spec`: what is taken from the OpenAPI excerpt.
//! - `validate`: connection bodies, stored and shown properties, PATCH merging.
//! - `resources`: the JSON shapes of each resource.
//! - `paging`: `nextLink` / `$skipToken`.
//! - `errors`: ARM's error codes and wording.
//!
//! Faults (429 with `Retry-After`, 5xx, delays) come from the shared guard in front of every
//! route ([`Route::Arm`](crate::Route::Arm)).

mod connections;
mod errors;
mod paging;
pub(crate) mod resources;
mod routes;
mod spec;
mod validate;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use url::Url;

use crate::faults::Faults;
use crate::server::{self, RecordedRequest, Server};
use crate::world::World;

/// How the emulator pages and what it accepts.
#[derive(Clone, Debug)]
pub struct ArmOptions {
    /// Items per page of a list; more items give a `nextLink`. Small on purpose, so clients
    /// meet paging.
    pub page_size: usize,
}

impl Default for ArmOptions {
    fn default() -> Self {
        Self { page_size: 2 }
    }
}

/// An ARM emulator serving on loopback; stops on [`shutdown`](Self::shutdown) or drop.
pub struct RunningArm {
    server: Server,
    world: World,
}

/// Starts the emulator on `127.0.0.1` at a free port.
pub async fn start_arm(world: World, options: ArmOptions) -> io::Result<RunningArm> {
    start_arm_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), world, options).await
}

/// Starts the emulator on `addr`.
pub async fn start_arm_on(
    addr: SocketAddr,
    world: World,
    options: ArmOptions,
) -> io::Result<RunningArm> {
    // A spec the emulator cannot read is a build problem; say what is missing.
    let spec = spec::ConnectionSpec::load()
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, format!("ARM spec: {err}")))?;
    let state = Arc::new(routes::ArmState::new(
        world.clone(),
        spec,
        options.page_size,
    ));
    let server = server::serve(addr, routes::server_spec(state.clone())).await?;
    state.set_base_url(server.base_url().clone());
    Ok(RunningArm { server, world })
}

impl RunningArm {
    /// `http://127.0.0.1:PORT/`: the ARM endpoint (`https://management.azure.com/` in Azure).
    pub fn base_url(&self) -> Url {
        self.server.base_url().clone()
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }

    /// Requests received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }

    pub fn clear_requests(&self) {
        self.server.clear_requests();
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
