//! Sample AI gateways that answer the way the Foundry Agent Service expects a BYO gateway to
//! (byo-gateway.md §4): discovery, chat completions with tools and streaming, and auth.
//!
//! Two styles, each matching one connection setup:
//!
//! | style | target | deploymentInPath | discovery (list / get) | provider |
//! |---|---|---|---|---|
//! | [`GatewayStyle::OpenAi`] | `<base>/v1` | `false` | `/models`, `/models/{deploymentName}` | `OpenAI` |
//! | [`GatewayStyle::AzureOpenAi`] | `<base>/openai` | `true` | `/deployments`, `/deployments/{deploymentName}` | `AzureOpenAI` |

mod access;
mod chat;
mod discovery;
mod routes;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::demo;
use crate::faults::Faults;
use crate::server::{self, RecordedRequest, Server};
use crate::token::{RunningTokenEndpoint, TokenIssuer};

/// How the gateway lays out its API and words its errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayStyle {
    /// api.openai.com and OpenAI-compatible gateways: `/v1/models`, `/v1/chat/completions` with
    /// `model` in the body.
    OpenAi,
    /// Azure OpenAI behind APIM: `/openai/deployments/{name}/chat/completions?api-version=`.
    AzureOpenAi,
}

impl GatewayStyle {
    /// Path of the connection `target` under the gateway's base URL.
    pub fn target_path(self) -> &'static str {
        match self {
            GatewayStyle::OpenAi => "/v1",
            GatewayStyle::AzureOpenAi => "/openai",
        }
    }

    /// The connection's `deploymentInPath`.
    pub fn deployment_in_path(self) -> bool {
        self == GatewayStyle::AzureOpenAi
    }

    /// The connection's `modelDiscovery.deploymentProvider`.
    pub fn deployment_provider(self) -> &'static str {
        match self {
            GatewayStyle::OpenAi => "OpenAI",
            GatewayStyle::AzureOpenAi => "AzureOpenAI",
        }
    }

    /// `modelDiscovery.listModelsEndpoint`, relative to the target.
    pub fn list_models_endpoint(self) -> &'static str {
        match self {
            GatewayStyle::OpenAi => "/models",
            GatewayStyle::AzureOpenAi => "/deployments",
        }
    }

    /// `modelDiscovery.getModelEndpoint`, relative to the target.
    pub fn get_model_endpoint(self) -> &'static str {
        match self {
            GatewayStyle::OpenAi => "/models/{deploymentName}",
            GatewayStyle::AzureOpenAi => "/deployments/{deploymentName}",
        }
    }
}

/// Credentials the gateway demands on every route.
#[derive(Clone, Debug)]
pub enum GatewayAuth {
    /// No auth (a gateway inside a trusted network).
    None,
    /// A key in `header`, its value `format` with `{api_key}` replaced by `key`: the connection's
    /// `authConfig` (default `api-key: {api_key}`). The value must match exactly.
    ApiKey {
        header: String,
        format: String,
        key: String,
    },
    /// `Authorization: Bearer <token>` with this fixed token (stands in for an Entra token of the
    /// project's managed identity).
    Bearer { token: String },
    /// `Authorization: Bearer <token>` with a token from this issuer that has not expired.
    OAuth2 { issuer: TokenIssuer },
}

impl GatewayAuth {
    /// `api-key: <key>`, what the Agent Service sends without `authConfig`.
    pub fn api_key(key: impl Into<String>) -> Self {
        GatewayAuth::ApiKey {
            header: "api-key".to_string(),
            format: "{api_key}".to_string(),
            key: key.into(),
        }
    }

    /// `Authorization: Bearer <key>`, OpenAI's way (`authConfig` name `Authorization`, format
    /// `Bearer {api_key}`).
    pub fn bearer_api_key(key: impl Into<String>) -> Self {
        GatewayAuth::ApiKey {
            header: "Authorization".to_string(),
            format: "Bearer {api_key}".to_string(),
            key: key.into(),
        }
    }

    /// Accepts the tokens `endpoint` issues.
    pub fn oauth2(endpoint: &RunningTokenEndpoint) -> Self {
        GatewayAuth::OAuth2 {
            issuer: endpoint.issuer(),
        }
    }
}

/// One model the gateway serves, as discovery lists it (ModelInfo, byo-gateway.md §3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// Deployment name used in calls (`model` in the body, or the path segment).
    pub name: String,
    pub model_name: String,
    pub model_version: String,
    /// `OpenAI`, `Anthropic` or `NonOpenAI`.
    pub format: String,
}

impl Deployment {
    pub fn openai(
        name: impl Into<String>,
        model_name: impl Into<String>,
        model_version: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            model_name: model_name.into(),
            model_version: model_version.into(),
            format: "OpenAI".to_string(),
        }
    }
}

/// Everything a sample gateway does.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    pub style: GatewayStyle,
    pub auth: GatewayAuth,
    pub deployments: Vec<Deployment>,
    /// When set, discovery and chat must carry `?api-version=<this>`, else 404 (an APIM API
    /// versioned by query string answers "Resource not found").
    pub required_api_version: Option<String>,
    /// APIM "Subscription required": when set, every request must carry this key in
    /// `Ocp-Apim-Subscription-Key` (or the `subscription-key` query parameter), checked before
    /// the auth.
    pub required_subscription_key: Option<String>,
    /// Pause between streamed chunks.
    pub stream_chunk_delay: Duration,
}

impl GatewayConfig {
    /// A gateway of `style` with `auth`, the demo deployments, no api-version or subscription
    /// requirement, and 20 ms between streamed chunks.
    pub fn new(style: GatewayStyle, auth: GatewayAuth) -> Self {
        Self {
            style,
            auth,
            deployments: demo::demo_deployments(),
            required_api_version: None,
            required_subscription_key: None,
            stream_chunk_delay: Duration::from_millis(20),
        }
    }

    /// OpenAI-compatible gateway taking `Authorization: Bearer DEMO_API_KEY`.
    pub fn demo_openai() -> Self {
        Self::new(
            GatewayStyle::OpenAi,
            GatewayAuth::bearer_api_key(demo::DEMO_API_KEY),
        )
    }

    /// Azure OpenAI behind APIM taking `api-key: DEMO_API_KEY` and requiring
    /// `api-version=DEMO_API_VERSION`.
    pub fn demo_apim() -> Self {
        Self::new(
            GatewayStyle::AzureOpenAi,
            GatewayAuth::api_key(demo::DEMO_API_KEY),
        )
        .with_required_api_version(demo::DEMO_API_VERSION)
    }

    pub fn with_deployments(mut self, deployments: Vec<Deployment>) -> Self {
        self.deployments = deployments;
        self
    }

    pub fn with_required_api_version(mut self, api_version: impl Into<String>) -> Self {
        self.required_api_version = Some(api_version.into());
        self
    }

    pub fn with_required_subscription_key(mut self, key: impl Into<String>) -> Self {
        self.required_subscription_key = Some(key.into());
        self
    }

    pub fn with_stream_chunk_delay(mut self, delay: Duration) -> Self {
        self.stream_chunk_delay = delay;
        self
    }

    pub(crate) fn deployment(&self, name: &str) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.name == name)
    }
}

/// A gateway serving on loopback; stops on [`shutdown`](Self::shutdown) or drop.
pub struct RunningGateway {
    server: Server,
    style: GatewayStyle,
}

/// Starts a gateway on `127.0.0.1` at a free port.
pub async fn start_gateway(config: GatewayConfig) -> io::Result<RunningGateway> {
    start_gateway_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
}

/// Starts a gateway on `addr`.
pub async fn start_gateway_on(
    addr: SocketAddr,
    config: GatewayConfig,
) -> io::Result<RunningGateway> {
    let style = config.style;
    let server = server::serve(addr, routes::spec(Arc::new(config))).await?;
    Ok(RunningGateway { server, style })
}

impl RunningGateway {
    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> Url {
        self.server.base_url().clone()
    }

    /// The connection's `target`: `<base>/v1` or `<base>/openai`.
    pub fn target(&self) -> Url {
        let mut url = self.base_url();
        url.set_path(self.style.target_path());
        url
    }

    pub fn style(&self) -> GatewayStyle {
        self.style
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
