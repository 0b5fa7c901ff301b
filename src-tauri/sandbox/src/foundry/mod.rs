//! The Foundry project data plane (Agent Service v1, byo-gateway.md §5–§6) for one account:
//! agent versions, conversations and `POST /openai/v1/responses` with `agent_reference`. It runs
//! prompt agents the way the Agent Service does, calling the gateway of the agent's
//! `<connection>/<deployment>` model through the app's own request builder
//! (`gateway_studio_core::gateway`) and HTTP client (`gateway_studio_core::net`).
//!
//! IMPLEMENTATION IN PROGRESS (helper): the bodies below are filled in by the Foundry work.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use gateway_studio_core::net::NetworkOptions;
use url::Url;

use crate::faults::Faults;
use crate::server::{RecordedRequest, Server};
use crate::world::World;

/// How the data plane reaches gateways.
#[derive(Clone, Debug, Default)]
pub struct FoundryOptions {
    /// Proxies and extra CAs for gateway calls (a connection may point at a real gateway).
    pub network: NetworkOptions,
}

/// One account's data plane on loopback; stops on [`shutdown`](Self::shutdown) or drop.
pub struct RunningFoundry {
    server: Server,
    account: String,
}

/// Starts the data plane of `account` on `127.0.0.1` at a free port, and records its base URL
/// as the account's `foundry_endpoint` in `world`.
pub async fn start_foundry(
    world: World,
    account: &str,
    options: FoundryOptions,
) -> io::Result<RunningFoundry> {
    start_foundry_on(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        world,
        account,
        options,
    )
    .await
}

/// Starts the data plane of `account` on `addr`.
pub async fn start_foundry_on(
    addr: SocketAddr,
    world: World,
    account: &str,
    options: FoundryOptions,
) -> io::Result<RunningFoundry> {
    let _ = (addr, &world, account, options);
    todo!("Foundry emulator")
}

impl RunningFoundry {
    /// `http://127.0.0.1:PORT/` (`https://{account}.services.ai.azure.com/` in Azure).
    pub fn base_url(&self) -> Url {
        self.server.base_url().clone()
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    /// `{base}/api/projects/{project}`.
    pub fn project_endpoint(&self, project: &str) -> Url {
        let mut url = self.base_url();
        url.set_path(&format!("/api/projects/{project}"));
        url
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
