//! The Foundry project data plane (Agent Service v1, byo-gateway.md §5–§6) for one account:
//! agent versions, conversations and `POST /openai/v1/responses` with `agent_reference`. It runs
//! prompt agents the way the Agent Service does, calling the gateway of the agent's
//! `<connection>/<deployment>` model through the app's own request builder
//! (`gateway_studio_core::gateway`) and HTTP client (`gateway_studio_core::net`).
//!
//! Routes, under `/api/projects/{project}` (an unknown project is a 404):
//!
//! | route | api-version | errors |
//! |---|---|---|
//! | `POST\|GET agents/{name}/versions`, `GET\|DELETE agents/{name}/versions/{version}`, `GET\|DELETE agents/{name}`, `GET agents` | `v1`, required | Azure: `{"error":{"code","message"}}` |
//! | `openai/v1/conversations[...]`, `openai/v1/responses[...]` | none | OpenAI: `{"error":{"message","type","param","code"}}` |
//!
//! Every request needs `Authorization: Bearer <world token>` (401 otherwise, checked first).
//!
//! How a run fails, so the app's explanations can match it ([`errors`] has every code). The
//! reference only names `model not found` (§7 row 1) and "400 DeploymentNotFound" during an
//! agent run (§7 rows 3, 9); statuses, codes and the gateway-failure rows are \[I\]:
//! - resolution errors are 400s because the request is well formed but the agent cannot run
//!   as configured; 404 stays for unknown agents, versions, conversations and responses;
//! - a gateway failure is an error status, not `200` with `status: "failed"`, because the
//!   SDKs raise on it (the user sees it at once) and a 429 can then keep its status and
//!   `Retry-After`; 502/504 say "the upstream failed", not "your request did".
//!
//! | cause | HTTP | `error.code` |
//! |---|---|---|
//! | model not `<connection>/<deployment>`, or no such connection in the project or its account | 400 | `model_not_found` |
//! | deployment not in the static `models`, discovery's get answers 404, no models configured, or a hosted agent with a `connection/deployment` model | 400 | `DeploymentNotFound` |
//! | the gateway answered 429 | 429 (its `Retry-After` passed on) | `rate_limit_exceeded` |
//! | the gateway timed out | 504 | `gateway_timeout` |
//! | any other gateway failure (non-2xx, unreachable, not JSON, no `choices`, no token) | 502 | `gateway_error` |
//!
//! A streamed run (`stream: true`) reports a gateway failure as a `response.failed` event
//! instead (the stream has started by then), as the Responses API does. Gateway messages quote
//! the gateway's status and a short excerpt of its answer with every credential of the
//! connection masked. The service is called without streaming even for a streamed run \[?\]
//! (see `runner`).

// Handlers stop early with the service's error answer (`Result<_, Response>`): a cold path,
// where the size of the `Err` (an axum `Response`) does not matter.
#![allow(clippy::result_large_err)]

mod agents;
mod conversations;
pub mod errors;
mod paging;
mod responses;
mod runner;
mod sse;
mod store;
pub mod tap;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use gateway_studio_core::net::{HttpClient, NetworkOptions};
use gateway_studio_core::oauth2::TokenClient;
use gateway_studio_core::trace::TraceExchange;
use url::Url;

use crate::dialect::Dialect;
use crate::faults::{Faults, Route};
use crate::server::{self, RecordedRequest, Server, ServerSpec, query_param};
use crate::world::World;
use tap::GatewayCalls;

/// The only api-version the project routes accept (GA v1, byo-gateway.md §6.1).
pub const API_VERSION: &str = "v1";
pub use gateway_studio_core::agent_service::model::GATEWAY_CALL_TIMEOUT;
/// What a missing or wrong bearer token gets (byo-gateway.md §7 row 12).
pub const UNAUTHORIZED_MESSAGE: &str = "Unauthorized. Access token is missing, invalid, audience is incorrect (https://ai.azure.com/), or have expired.";

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
    gateway_calls: GatewayCalls,
}

/// What every handler shares.
pub(crate) struct Service {
    world: World,
    account: String,
    http: HttpClient,
    tokens: TokenClient,
    store: Mutex<store::Store>,
    gateway_calls: GatewayCalls,
}

type Shared = Arc<Service>;

impl Service {
    fn store(&self) -> MutexGuard<'_, store::Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The project's name as the world spells it, if the account has it.
    fn project(&self, name: &str) -> Option<String> {
        let data = self.world.lock();
        data.account_by_name(&self.account)
            .and_then(|account| account.project(name))
            .map(|project| project.name.clone())
    }
}

/// Seconds since the Unix epoch (`created_at`).
fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// `{prefix}_` and 32 hex digits, like the service's `resp_…`, `conv_…`, `msg_…` ids.
fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
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

/// Starts the data plane of `account` on `addr`. Fails when the world has no such account or
/// the network options are unusable.
pub async fn start_foundry_on(
    addr: SocketAddr,
    world: World,
    account: &str,
    options: FoundryOptions,
) -> io::Result<RunningFoundry> {
    let account = world
        .lock()
        .account_by_name(account)
        .map(|a| a.name.clone())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("the world has no Foundry account named {account}"),
            )
        })?;
    let http = HttpClient::new(&options.network)
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err.to_string()))?;
    let gateway_calls = GatewayCalls::default();
    let service = Arc::new(Service {
        world: world.clone(),
        account: account.clone(),
        tokens: TokenClient::new(http.clone()),
        http,
        store: Mutex::new(store::Store::default()),
        gateway_calls: gateway_calls.clone(),
    });
    let server = server::serve(
        addr,
        ServerSpec {
            app: app(service),
            dialect: Dialect::Azure,
            classify,
        },
    )
    .await?;
    if let Some(found) = world.lock().account_by_name_mut(&account) {
        found.foundry_endpoint = Some(server.base_url().clone());
    }
    Ok(RunningFoundry {
        server,
        account,
        gateway_calls,
    })
}

fn classify(path: &str) -> Route {
    if path.starts_with("/api/projects/") {
        Route::Foundry
    } else {
        Route::Other
    }
}

fn app(service: Shared) -> Router {
    let project = "/api/projects/{project}";
    let openai = format!("{project}/openai/v1");
    Router::new()
        .route(&format!("{project}/agents"), get(agents::list_agents))
        .route(
            &format!("{project}/agents/{{agent}}"),
            get(agents::get_agent).delete(agents::delete_agent),
        )
        .route(
            &format!("{project}/agents/{{agent}}/versions"),
            post(agents::create_version).get(agents::list_versions),
        )
        .route(
            &format!("{project}/agents/{{agent}}/versions/{{version}}"),
            get(agents::get_version).delete(agents::delete_version),
        )
        .route(
            &format!("{openai}/conversations"),
            post(conversations::create),
        )
        .route(
            &format!("{openai}/conversations/{{conversation}}"),
            get(conversations::get).delete(conversations::delete),
        )
        .route(
            &format!("{openai}/conversations/{{conversation}}/items"),
            post(conversations::add_items).get(conversations::list_items),
        )
        .route(&format!("{openai}/responses"), post(responses::create))
        .route(
            &format!("{openai}/responses/{{response}}"),
            get(responses::get).delete(responses::delete),
        )
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        .layer(middleware::from_fn_with_state(service.clone(), gate))
        .with_state(service)
}

/// Whether a path is one of the OpenAI-compatible routes (OpenAI error envelope, no
/// api-version).
fn is_openai_path(path: &str) -> bool {
    project_of(path).is_some_and(|(_, rest)| rest == "openai" || rest.starts_with("openai/"))
}

/// `(project, rest)` of `/api/projects/{project}[/{rest}]`.
fn project_of(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/api/projects/")?;
    let (project, rest) = rest.split_once('/').unwrap_or((rest, ""));
    (!project.is_empty()).then_some((project, rest))
}

/// In front of every route, in the service's order [I]: the bearer token (401), the project
/// (404), then for project routes `api-version=v1` (400, worded as the service words it in
/// Azure/azure-sdk-for-net#50120 and microsoft/agent-framework#5680). The 401 body's code
/// `Unauthorized` is [I]; its message is §7 row 12's.
async fn gate(State(service): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let openai = is_openai_path(&path);
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_string());
    if presented.as_deref() != Some(service.world.token().as_str()) {
        let mut response = errors::unauthorized(openai);
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    if let Some((project, _)) = project_of(&path)
        && service.project(project).is_none()
    {
        let message = format!(
            "Project '{project}' was not found in account '{}'.",
            service.account
        );
        return if openai {
            errors::openai_not_found(&message)
        } else {
            errors::azure(StatusCode::NOT_FOUND, "NotFound", &message)
        };
    }
    if !openai && project_of(&path).is_some() {
        let query = request.uri().query().unwrap_or_default();
        match query_param(query, "api-version") {
            None => {
                return errors::azure(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "Missing required query parameter: api-version",
                );
            }
            Some(version) if version != API_VERSION => {
                return errors::azure(
                    StatusCode::BAD_REQUEST,
                    "UnsupportedApiVersionValue",
                    &format!(
                        "Unsupported api version '{version}'. The supported versions are '{API_VERSION}'."
                    ),
                );
            }
            Some(_) => {}
        }
    }
    next.run(request).await
}

async fn unknown_route(request: Request) -> Response {
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    if is_openai_path(&path) {
        errors::openai(
            StatusCode::NOT_FOUND,
            &format!("Invalid URL ({method} {path})"),
            "invalid_request_error",
            None,
            Some("not_found"),
        )
    } else {
        Dialect::Azure.not_found(&method, &path)
    }
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

    /// The Agent Service's gateway calls for the data-plane request `client_request_id`
    /// (its `x-ms-client-request-id`), redacted; each is handed out once.
    pub fn take_gateway_calls(&self, client_request_id: &str) -> Vec<TraceExchange> {
        self.gateway_calls.take(client_request_id)
    }

    /// Each of `exchanges` (the app's trace of its data-plane calls) followed by the gateway
    /// calls this service made for it, in the same run and labelled `Agent Service → …`.
    /// Exchanges with another host (Azure's Foundry) pass through unchanged.
    pub fn with_gateway_calls(&self, exchanges: Vec<TraceExchange>) -> Vec<TraceExchange> {
        let base = self.base_url().to_string();
        let mut out = Vec::with_capacity(exchanges.len());
        for exchange in exchanges {
            let request_id = exchange
                .request_headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(tap::CLIENT_REQUEST_ID))
                .map(|h| h.value.clone())
                .filter(|_| exchange.url.starts_with(&base));
            let run_id = exchange.run_id.clone();
            out.push(exchange);
            for mut call in request_id
                .map(|id| self.take_gateway_calls(&id))
                .unwrap_or_default()
            {
                call.run_id = run_id.clone();
                call.label = format!("Agent Service → {}", call.label);
                out.push(call);
            }
        }
        out
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified() {
        assert_eq!(classify("/api/projects/p/agents"), Route::Foundry);
        assert_eq!(classify("/agents"), Route::Other);
        assert!(is_openai_path("/api/projects/p/openai/v1/responses"));
        assert!(!is_openai_path("/api/projects/p/agents"));
        assert!(!is_openai_path("/api/projects/p/openaix"));
        assert_eq!(project_of("/api/projects/p"), Some(("p", "")));
        assert_eq!(project_of("/api/projects/"), None);
    }
}
