//! The Sandbox cloud inside the app: the emulators of `gateway_studio_sandbox`, started on
//! demand in this process, with a draft per sample gateway whose demo key is in the keyring.

use std::sync::Arc;

use gateway_studio_core::drafts::{DraftError, Drafts};
use gateway_studio_core::net::NetworkOptions;
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::trace::TraceExchange;
use gateway_studio_sandbox::{
    RunningSandbox, SandboxInfo, SandboxOptions, SandboxPorts, start_sandbox,
};
use serde::Serialize;
use tokio::sync::Mutex;

/// First of five consecutive ports the in-app sandbox prefers (ARM, data plane, OpenAI-style
/// gateway, APIM-style gateway, token endpoint). Stable ports keep the seeded drafts' targets
/// the same from one start to the next; when one is taken, every server takes a free port.
pub const PREFERRED_FIRST_PORT: u16 = 47110;

#[derive(Clone)]
pub struct SandboxService {
    /// `None`: every server on a free port (tests that run many apps side by side, so one
    /// app's stopped sandbox is never mistaken for another's on the same ports).
    first_port: Option<u16>,
    running: Arc<Mutex<Option<Running>>>,
    /// Held by `cloud_select` across starting/stopping and saving the choice, so two choices in
    /// flight cannot leave the settings and the emulators disagreeing.
    choosing: Arc<Mutex<()>>,
}

struct Running {
    sandbox: RunningSandbox,
    view: SandboxView,
}

/// Why the sandbox is not running.
#[derive(Debug)]
pub enum SandboxError {
    /// A server could not start (the message names the address).
    Start(String),
    /// The emulators ran but the sample drafts could not be saved (keyring, database); the
    /// emulators were stopped again, so nothing half-seeded is left behind.
    Seed(DraftError),
}

/// What the window shows about the running sandbox. No key or token: the drafts hold the
/// demo keys (in the keyring) and the app uses its built-in sandbox credential.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SandboxView {
    pub arm_endpoint: String,
    pub subscription_id: String,
    pub resource_group: String,
    pub location: String,
    pub account: String,
    pub project: String,
    pub project_endpoint: String,
    pub token_url: String,
    pub gateways: Vec<SandboxGateway>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SandboxGateway {
    /// Also the name of its connection in the project and of its draft.
    pub name: String,
    /// `openai` or `apim`.
    pub style: String,
    pub target: String,
    /// Header and format of the key, e.g. `api-key: {api_key}`.
    pub auth_header: String,
    pub api_version: Option<String>,
    pub deployments: Vec<String>,
    /// The draft seeded for it (demo key in the keyring).
    pub draft_id: Option<String>,
}

impl Default for SandboxService {
    fn default() -> Self {
        Self {
            first_port: Some(PREFERRED_FIRST_PORT),
            running: Arc::default(),
            choosing: Arc::default(),
        }
    }
}

impl SandboxService {
    /// A service whose emulators always take free ports instead of the preferred ones.
    pub fn on_free_ports() -> Self {
        Self {
            first_port: None,
            ..Self::default()
        }
    }

    /// One cloud choice at a time (see `choosing`).
    pub async fn choosing(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.choosing.lock().await
    }

    /// The running sandbox, if any.
    pub async fn view(&self) -> Option<SandboxView> {
        self.running.lock().await.as_ref().map(|r| r.view.clone())
    }

    /// Starts the emulators (once) and seeds a draft per sample gateway.
    pub async fn start(
        &self,
        network: NetworkOptions,
        drafts: &Drafts<'_>,
    ) -> Result<SandboxView, SandboxError> {
        let mut running = self.running.lock().await;
        if let Some(r) = running.as_ref() {
            return Ok(r.view.clone());
        }
        let options = |ports| SandboxOptions {
            ports,
            network: network.clone(),
            ..SandboxOptions::default()
        };
        let preferred = match self.first_port {
            Some(port) => start_sandbox(options(SandboxPorts::from(port)))
                .await
                .inspect_err(|e| {
                    tracing::info!(error = %e, "preferred sandbox ports busy; using free ports")
                })
                .ok(),
            None => None,
        };
        let sandbox = match preferred {
            Some(sandbox) => sandbox,
            None => start_sandbox(options(SandboxPorts::default()))
                .await
                .map_err(|e| SandboxError::Start(format!("The sandbox could not start: {e}.")))?,
        };
        let mut view = view_of(sandbox.info());
        for body in sandbox.gateway_connections() {
            let draft = match drafts.seed(&body).await {
                Ok(draft) => draft,
                Err(e) => {
                    sandbox.shutdown().await;
                    return Err(SandboxError::Seed(e));
                }
            };
            if let Some(gateway) = view
                .gateways
                .iter_mut()
                .find(|g| Some(&g.name) == draft.connection.name.as_ref())
            {
                gateway.draft_id = Some(draft.id);
            }
        }
        tracing::info!(arm = %view.arm_endpoint, "sandbox started");
        *running = Some(Running {
            sandbox,
            view: view.clone(),
        });
        Ok(view)
    }

    /// The running sandbox's ARM endpoint and bearer token, for the app's ARM client.
    pub async fn arm_access(&self) -> Option<(String, Sensitive<String>)> {
        self.running.lock().await.as_ref().map(|r| {
            let info = r.sandbox.info();
            (
                info.arm_endpoint.clone(),
                Sensitive::new(info.token.clone()),
            )
        })
    }

    /// Data-plane exchanges of a Foundry-mode turn, each followed by the gateway calls the
    /// emulated Agent Service made for it (matched by its `x-ms-client-request-id`), in the
    /// same run: in the sandbox a Foundry turn shows what the gateway received, as a local
    /// turn does. Exchanges with another Foundry (Azure's) pass through unchanged.
    pub async fn with_gateway_calls(&self, exchanges: Vec<TraceExchange>) -> Vec<TraceExchange> {
        match self.running.lock().await.as_ref() {
            Some(r) => r.sandbox.foundry.with_gateway_calls(exchanges),
            None => exchanges,
        }
    }

    /// Stops the emulators (the seeded drafts stay).
    pub async fn stop(&self) {
        if let Some(r) = self.running.lock().await.take() {
            r.sandbox.shutdown().await;
            tracing::info!("sandbox stopped");
        }
    }
}

fn view_of(info: &SandboxInfo) -> SandboxView {
    SandboxView {
        arm_endpoint: info.arm_endpoint.clone(),
        subscription_id: info.subscription_id.clone(),
        resource_group: info.resource_group.clone(),
        location: info.location.clone(),
        account: info.account.clone(),
        project: info.project.clone(),
        project_endpoint: info.project_endpoint.clone(),
        token_url: info.oauth2.token_url.clone(),
        gateways: info
            .gateways
            .iter()
            .map(|g| SandboxGateway {
                name: g.name.clone(),
                style: g.style.clone(),
                target: g.target.clone(),
                auth_header: g.auth_header.clone(),
                api_version: g.api_version.clone(),
                deployments: g.deployments.clone(),
                draft_id: None,
            })
            .collect(),
    }
}
