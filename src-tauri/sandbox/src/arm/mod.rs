//! Azure Resource Manager, as far as Gateway Studio uses it (byo-gateway.md §2, the ARM OpenAPI
//! excerpt in `tests-data/spec/`): subscriptions, resource groups, Foundry accounts and projects,
//! account- and project-level connections (list with filters and `nextLink` paging, get, put,
//! patch, delete) and account deployments.
//!
//! IMPLEMENTATION IN PROGRESS (helper): the bodies below are filled in by the ARM emulator work.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use url::Url;

use crate::faults::Faults;
use crate::server::{RecordedRequest, Server};
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
    let _ = (addr, &world, options);
    todo!("ARM emulator")
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
