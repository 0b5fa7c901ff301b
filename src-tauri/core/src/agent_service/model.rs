//! A gateway model as the Agent Service calls it (byo-gateway.md §4–§5): the connection, one
//! of its deployments and the credential; whether the deployment exists (the static `models`,
//! or dynamic discovery's get endpoint) and one chat-completions call, with every failure
//! sorted and worded without a secret. Every request comes from the one request builder
//! (`crate::gateway`) and goes out through the one HTTP client. The sandbox's Agent Service
//! and the app's local runs both call gateways through here.
//!
//! Decisions the reference leaves open:
//! - [I] Dynamic discovery asks the gateway for the one deployment (`getModelEndpoint`); a
//!   404 there is `DeploymentNotFound`. The list endpoint is not called during a run.
//! - [?] The call to the gateway is not streamed, even when the client streams: the reference
//!   does not say whether the service streams from gateways.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::connection::{Connection, ConnectionAuth, DiscoveryProvider};
use crate::gateway::{self, Credential, GatewayRequest};
use crate::net::{
    DEFAULT_MAX_BODY_BYTES, Exchange, FailureKind, HttpClient, HttpRequest, Limits,
    Response as NetResponse,
};
use crate::oauth2::{ClientCredentials, TokenClient};
use crate::secrets::Sensitive;
use crate::trace::Redactor;

/// `error.code` of the Agent Service's answers (the sandbox's, and the app's explanations).
pub const MODEL_NOT_FOUND: &str = "model_not_found";
pub const DEPLOYMENT_NOT_FOUND: &str = "DeploymentNotFound";
pub const RATE_LIMITED: &str = "rate_limit_exceeded";
pub const GATEWAY_ERROR: &str = "gateway_error";
pub const GATEWAY_TIMEOUT: &str = "gateway_timeout";

/// How long one gateway call (token, discovery or chat) may take, body included [I].
pub const GATEWAY_CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Sees each gateway exchange with what it was ("model discovery", "chat completions").
pub type Observer<'a> = &'a mut (dyn FnMut(&str, &Exchange) + Send);

/// What the form of a gateway model must be (§5).
pub const MODEL_FORM: &str = "<connection-name>/<deployment-name>";
/// Longest excerpt of a gateway's answer quoted in an error.
const EXCERPT: usize = 200;

/// Why a run could not produce an answer.
#[derive(Debug)]
pub enum RunError {
    /// 400 `model_not_found`.
    ModelNotFound(String),
    /// 400 `DeploymentNotFound`.
    DeploymentNotFound(String),
    /// The gateway (or its token endpoint) failed.
    Gateway(GatewayFailure),
}

#[derive(Debug)]
pub struct GatewayFailure {
    pub kind: GatewayFailureKind,
    /// Names the connection, the call and the gateway's status and words; no secrets.
    pub message: String,
    /// The gateway's `Retry-After`, passed on with a 429.
    pub retry_after: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayFailureKind {
    RateLimited,
    Timeout,
    Failed,
}

impl RunError {
    fn gateway(kind: GatewayFailureKind, message: String) -> Self {
        RunError::Gateway(GatewayFailure {
            kind,
            message,
            retry_after: None,
        })
    }

    /// `error.code` of the answer (and of a failed response's `error`).
    pub fn code(&self) -> &'static str {
        match self {
            RunError::ModelNotFound(_) => MODEL_NOT_FOUND,
            RunError::DeploymentNotFound(_) => DEPLOYMENT_NOT_FOUND,
            RunError::Gateway(failure) => match failure.kind {
                GatewayFailureKind::RateLimited => RATE_LIMITED,
                GatewayFailureKind::Timeout => GATEWAY_TIMEOUT,
                GatewayFailureKind::Failed => GATEWAY_ERROR,
            },
        }
    }

    pub fn message(&self) -> &str {
        match self {
            RunError::ModelNotFound(message) | RunError::DeploymentNotFound(message) => message,
            RunError::Gateway(failure) => &failure.message,
        }
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for RunError {}

/// A resolved model: the connection to call, the deployment and the credential.
pub struct GatewayModel {
    pub connection_name: String,
    pub deployment: String,
    pub connection: Connection,
    pub credential: Credential,
    /// Masks every credential of the connection in what the gateway answered.
    pub redactor: Redactor,
}

/// The gateway's answer: the assistant message and the usage, if it said.
pub struct ChatReply {
    pub message: Map<String, Value>,
    pub usage: Option<Value>,
}

fn limits() -> Limits {
    Limits {
        timeout: GATEWAY_CALL_TIMEOUT,
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
    }
}

/// `(connection, deployment)` of `<connection>/<deployment>`.
pub fn split_model(model: &str) -> Option<(&str, &str)> {
    let (connection, deployment) = model.split_once('/')?;
    let (connection, deployment) = (connection.trim(), deployment.trim());
    (!connection.is_empty() && !deployment.is_empty()).then_some((connection, deployment))
}

/// The gateway's own words: `error.code: error.message`, `message`, `error_description`,
/// `error`, `detail`, else the start of the body. Redacted, one line, short.
fn excerpt(body: &[u8], redactor: &Redactor) -> String {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let from_json = json.as_ref().and_then(|j| {
        let pick = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let message = pick(j.pointer("/error/message"))
            .or_else(|| pick(j.get("message")))
            .or_else(|| pick(j.get("error_description")))
            .or_else(|| pick(j.get("error")))
            .or_else(|| pick(j.get("detail")))?;
        Some(match pick(j.pointer("/error/code")) {
            Some(code) => format!("{code}: {message}"),
            None => message,
        })
    });
    let text = from_json.unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    let flat = redactor
        .text(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if flat.is_empty() {
        "(empty body)".to_string()
    } else if flat.chars().count() > EXCERPT {
        format!("{}…", flat.chars().take(EXCERPT).collect::<String>())
    } else {
        flat
    }
}

impl GatewayModel {
    fn call_name(&self, request: &GatewayRequest) -> String {
        let method = match request.method {
            gateway::Method::Get => "GET",
            gateway::Method::Post => "POST",
        };
        format!("{method} {}", self.redactor.url(&request.url))
    }

    /// The response of a gateway call, or how it failed. `what` names the call in messages.
    fn checked<'a>(
        &self,
        what: &str,
        request: &GatewayRequest,
        exchange: &'a Exchange,
    ) -> Result<&'a NetResponse, RunError> {
        let call = self.call_name(request);
        let connection = &self.connection_name;
        let response = match &exchange.outcome {
            Ok(response) => response,
            Err(failure) => {
                let kind = if failure.kind == FailureKind::Timeout {
                    GatewayFailureKind::Timeout
                } else {
                    GatewayFailureKind::Failed
                };
                return Err(RunError::gateway(
                    kind,
                    format!(
                        "The gateway of connection '{connection}' did not answer the {what} call ({call}): {}",
                        self.redactor.text(&failure.message)
                    ),
                ));
            }
        };
        if (200..300).contains(&response.status) {
            return Ok(response);
        }
        let kind = if response.status == 429 {
            GatewayFailureKind::RateLimited
        } else {
            GatewayFailureKind::Failed
        };
        Err(RunError::Gateway(GatewayFailure {
            kind,
            message: format!(
                "The gateway of connection '{connection}' answered HTTP {} to the {what} call ({call}): {}",
                response.status,
                excerpt(&response.body, &self.redactor)
            ),
            retry_after: response.header("retry-after").map(str::to_string),
        }))
    }

    /// The body as JSON, or a failure naming what came instead.
    fn json_body(&self, what: &str, response: &NetResponse) -> Result<Value, RunError> {
        let bad = |reason: String| {
            RunError::gateway(
                GatewayFailureKind::Failed,
                format!(
                    "The gateway of connection '{}' answered the {what} call with HTTP {} but {reason}",
                    self.connection_name, response.status
                ),
            )
        };
        if response.truncated {
            return Err(bad(format!(
                "a body larger than {} bytes",
                DEFAULT_MAX_BODY_BYTES
            )));
        }
        serde_json::from_slice(&response.body).map_err(|_| {
            let content_type = response.header("content-type").unwrap_or("no content type");
            let start: String = String::from_utf8_lossy(&response.body)
                .chars()
                .take(60)
                .collect();
            bad(format!(
                "the body is not JSON ({content_type}): `{}`",
                self.redactor.text(start.trim())
            ))
        })
    }
}

/// The label of the OAuth2 token request among a run's exchanges.
pub const TOKEN_LABEL: &str = "OAuth2 token";

/// One exchange of a run (the token request, discovery, a chat call) as a trace record,
/// redacted with the model's `redactor`.
pub fn trace_record(
    run_id: &str,
    label: &str,
    exchange: &crate::net::Exchange,
    redactor: &crate::trace::Redactor,
) -> crate::trace::TraceExchange {
    use crate::trace::{TraceExchange, TraceKind};
    let kind = if label == TOKEN_LABEL {
        TraceKind::Token
    } else {
        TraceKind::Gateway
    };
    TraceExchange::record(run_id, label, kind, exchange, redactor)
}

/// What the credential of a gateway call is made from: the connection's secret (its API key,
/// or its OAuth2 client secret) and, for `ProjectManagedIdentity`, the project's token for the
/// audience (the sandbox's, or a stand-in the user gives: the app never holds the project's
/// identity).
#[derive(Default)]
pub struct CredentialInputs {
    pub secret: Option<Sensitive<String>>,
    pub managed_identity_token: Option<Sensitive<String>>,
}

impl GatewayModel {
    /// The model `connection_name/deployment` of `connection`, with its credential: the API
    /// key, the managed identity's token, or an OAuth2 token from the connection's `tokenUrl`
    /// (through `tokens`, which caches it). The deployment is not looked up yet
    /// ([`Self::find_deployment`]).
    pub async fn prepare(
        connection_name: &str,
        deployment: &str,
        connection: Connection,
        inputs: CredentialInputs,
        tokens: &TokenClient,
        observe: Observer<'_>,
    ) -> Result<Self, RunError> {
        let mut redactor = Redactor::new();
        let failed = |message: String| RunError::gateway(GatewayFailureKind::Failed, message);
        let credential = match &connection.auth {
            ConnectionAuth::ApiKey { .. } => {
                let key = inputs.secret.ok_or_else(|| {
                    failed(format!(
                        "Connection '{connection_name}' uses ApiKey auth but has no API key (`credentials.key`)."
                    ))
                })?;
                redactor.add_secret(&key);
                Credential::ApiKey(key)
            }
            ConnectionAuth::ProjectManagedIdentity { .. } => {
                let token = inputs.managed_identity_token.ok_or_else(|| {
                    failed(format!(
                        "Connection '{connection_name}' uses ProjectManagedIdentity auth, and no token of the project's identity was given for its audience."
                    ))
                })?;
                redactor.add_secret(&token);
                Credential::BearerToken(token)
            }
            ConnectionAuth::OAuth2 {
                client_id,
                token_url,
                scopes,
                ..
            } => {
                let client_secret = inputs.secret.ok_or_else(|| {
                    failed(format!(
                        "Connection '{connection_name}' uses OAuth2 auth but has no client secret (`credentials.clientSecret`)."
                    ))
                })?;
                redactor.add_secret(&client_secret);
                let credentials = ClientCredentials {
                    token_url,
                    client_id,
                    client_secret: &client_secret,
                    scopes,
                };
                let (token, exchange) = tokens.token(&credentials, limits()).await;
                if let Some(exchange) = &exchange {
                    observe(TOKEN_LABEL, exchange);
                }
                let token = token.map_err(|err| {
                    failed(format!(
                        "No token for connection '{connection_name}' from its `tokenUrl`: {}",
                        redactor.text(&err.to_string())
                    ))
                })?;
                redactor.add_secret(&token.access_token);
                Credential::BearerToken(token.access_token)
            }
            ConnectionAuth::Unsupported { auth_type } => {
                return Err(failed(format!(
                    "Connection '{connection_name}' uses auth type {auth_type}, which the Agent Service does not support for gateways (ApiKey, ProjectManagedIdentity or OAuth2)."
                )));
            }
        };
        if let Ok(header) = gateway::auth_header(&connection, &credential) {
            redactor.add_secret_header(&header.name);
        }
        Ok(Self {
            connection_name: connection_name.to_string(),
            deployment: deployment.to_string(),
            connection,
            credential,
            redactor,
        })
    }

    /// The deployment is one the connection offers: in its static `models`, or known to the
    /// gateway's discovery.
    pub async fn find_deployment(
        &self,
        http: &HttpClient,
        observe: Observer<'_>,
    ) -> Result<(), RunError> {
        let (name, deployment) = (&self.connection_name, &self.deployment);
        let not_found = |why: String| {
            RunError::DeploymentNotFound(format!(
                "The deployment '{deployment}' was not found on connection '{name}': {why}"
            ))
        };
        if let Some(models) = &self.connection.metadata.models {
            let names: Vec<&str> = models
                .iter()
                .filter_map(|m| m.deployment_name.as_deref())
                .collect();
            return if names.contains(&deployment.as_str()) {
                Ok(())
            } else {
                Err(not_found(format!(
                    "it is not in the connection's static `models` list ({}).",
                    if names.is_empty() {
                        "empty".to_string()
                    } else {
                        names.join(", ")
                    }
                )))
            };
        }
        let Some(discovery) = self.connection.effective_model_discovery() else {
            return Err(not_found(
                "the connection lists no models (set a static `models` list or `modelDiscovery`)."
                    .to_string(),
            ));
        };
        let request =
            gateway::discovery_get_request(&self.connection, deployment, &self.credential)
                .map_err(|err| {
                    RunError::gateway(
                        GatewayFailureKind::Failed,
                        format!("Model discovery for connection '{name}' cannot be called: {err}."),
                    )
                })?;
        let exchange = http.send(HttpRequest::from(&request), limits()).await;
        observe("model discovery", &exchange);
        if let Ok(response) = &exchange.outcome
            && response.status == 404
        {
            return Err(not_found(format!(
                "the gateway answered HTTP 404 to the model discovery call ({}): {}",
                self.call_name(&request),
                excerpt(&response.body, &self.redactor)
            )));
        }
        let response = self.checked("model discovery", &request, &exchange)?;
        let body = self.json_body("model discovery", response)?;
        let provider = discovery
            .deployment_provider
            .unwrap_or(DiscoveryProvider::AzureOpenAi);
        let (key, shape_example) = match &provider {
            DiscoveryProvider::AzureOpenAi => ("name", r#"{"name":…,"properties":{"model":…}}"#),
            DiscoveryProvider::OpenAi => ("id", r#"{"id":…,"object":"model"}"#),
            DiscoveryProvider::Other(other) => {
                return Err(RunError::gateway(
                    GatewayFailureKind::Failed,
                    format!(
                        "Connection '{name}' has `modelDiscovery.deploymentProvider` \"{other}\"; the Agent Service knows \"AzureOpenAI\" and \"OpenAI\"."
                    ),
                ));
            }
        };
        match body.get(key).and_then(Value::as_str) {
            Some(found) if found == deployment => Ok(()),
            Some(found) => Err(not_found(format!(
                "the gateway's model discovery described '{found}' instead."
            ))),
            None => Err(RunError::gateway(
                GatewayFailureKind::Failed,
                format!(
                    "Deployment provider mismatch on connection '{name}': `deploymentProvider` is {} but the model discovery answer ({}) is not {shape_example}.",
                    provider.as_wire(),
                    self.call_name(&request)
                ),
            )),
        }
    }

    /// One chat-completions call to the gateway with `body` (messages, tools, …); the builder
    /// sets or removes `model` per `deploymentInPath`.
    pub async fn chat(
        &self,
        http: &HttpClient,
        body: Map<String, Value>,
        observe: Observer<'_>,
    ) -> Result<ChatReply, RunError> {
        let request = gateway::chat_completions_request(
            &self.connection,
            &self.deployment,
            &self.credential,
            body,
        )
        .map_err(|err| {
            RunError::gateway(
                GatewayFailureKind::Failed,
                format!(
                    "The chat completions call for connection '{}' cannot be built: {err}.",
                    self.connection_name
                ),
            )
        })?;
        let exchange = http.send(HttpRequest::from(&request), limits()).await;
        observe("chat completions", &exchange);
        let response = self.checked("chat completions", &request, &exchange)?;
        let body = self.json_body("chat completions", response)?;
        let Some(message) = body
            .pointer("/choices/0/message")
            .and_then(Value::as_object)
        else {
            return Err(RunError::gateway(
                GatewayFailureKind::Failed,
                format!(
                    "The gateway of connection '{}' answered the chat completions call ({}) without `choices[0].message`.",
                    self.connection_name,
                    self.call_name(&request)
                ),
            ));
        };
        Ok(ChatReply {
            message: message.clone(),
            usage: body.get("usage").cloned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_split_at_the_first_slash() {
        assert_eq!(split_model("gw/gpt-4o"), Some(("gw", "gpt-4o")));
        assert_eq!(split_model("gpt-4o"), None);
        assert_eq!(split_model("/gpt-4o"), None);
        assert_eq!(split_model("gw/"), None);
    }

    #[test]
    fn excerpts_are_short_redacted_and_one_line() {
        let mut redactor = Redactor::new();
        redactor.add_secret(&Sensitive::new("s3cret-key".to_string()));
        let body = br#"{"error":{"code":"Unauthorized","message":"bad key s3cret-key\nsorry"}}"#;
        assert_eq!(
            excerpt(body, &redactor),
            "Unauthorized: bad key <redacted> sorry"
        );
        assert_eq!(excerpt(b"", &redactor), "(empty body)");
        assert!(excerpt("x".repeat(500).as_bytes(), &redactor).ends_with('…'));
    }
}
