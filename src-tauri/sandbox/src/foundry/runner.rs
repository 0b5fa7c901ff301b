//! Running a prompt agent's model the way the Agent Service does (byo-gateway.md §4–§5):
//! resolve `<connection>/<deployment>` through the world's connections, get the credential,
//! find the deployment (static `models`, or dynamic discovery's get endpoint), and call the
//! gateway's chat completions. Every gateway request comes from the app's one request builder
//! (`gateway_studio_core::gateway`) and goes out through its HTTP client.
//!
//! Decisions the reference leaves open:
//! - [I] The model is resolved on every run, not when the agent version is created, and
//!   nothing is cached: an edit to the connection takes effect on the next run (the APIM doc
//!   says the service caches the model list; the emulator favours being observable).
//! - [I] Dynamic discovery asks the gateway for the one deployment (`getModelEndpoint`); a
//!   404 there is `DeploymentNotFound`. The list endpoint is not called during a run.
//! - [?] The service's call to the gateway is not streamed, even when the client streams: the
//!   reference does not say, and the emulator streams the client its own events from the
//!   finished completion.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use gateway_studio_core::connection::{
    Connection, ConnectionAuth, DiscoveryProvider, SecretSlot, import_arm_value,
};
use gateway_studio_core::gateway::{self, Credential, GatewayRequest};
use gateway_studio_core::net::{
    DEFAULT_MAX_BODY_BYTES, Exchange, FailureKind, HttpRequest, Limits, Response as NetResponse,
};
use gateway_studio_core::oauth2::ClientCredentials;
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::trace::Redactor;
use serde_json::{Map, Value, json};

use super::errors::{self, openai};
use super::{GATEWAY_CALL_TIMEOUT, Service};

/// What the form of a gateway model must be (§5).
pub(super) const MODEL_FORM: &str = "<connection-name>/<deployment-name>";
/// Longest excerpt of a gateway's answer quoted in an error.
const EXCERPT: usize = 200;

/// Why a run could not produce an answer.
#[derive(Debug)]
pub(super) enum RunError {
    /// 400 `model_not_found`.
    ModelNotFound(String),
    /// 400 `DeploymentNotFound`.
    DeploymentNotFound(String),
    /// The gateway (or its token endpoint) failed.
    Gateway(GatewayFailure),
}

#[derive(Debug)]
pub(super) struct GatewayFailure {
    pub(super) kind: GatewayFailureKind,
    /// Names the connection, the call and the gateway's status and words; no secrets.
    pub(super) message: String,
    /// The gateway's `Retry-After`, passed on with a 429.
    pub(super) retry_after: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GatewayFailureKind {
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
    pub(super) fn code(&self) -> &'static str {
        match self {
            RunError::ModelNotFound(_) => errors::MODEL_NOT_FOUND,
            RunError::DeploymentNotFound(_) => errors::DEPLOYMENT_NOT_FOUND,
            RunError::Gateway(failure) => match failure.kind {
                GatewayFailureKind::RateLimited => errors::RATE_LIMITED,
                GatewayFailureKind::Timeout => errors::GATEWAY_TIMEOUT,
                GatewayFailureKind::Failed => errors::GATEWAY_ERROR,
            },
        }
    }

    pub(super) fn message(&self) -> &str {
        match self {
            RunError::ModelNotFound(message) | RunError::DeploymentNotFound(message) => message,
            RunError::Gateway(failure) => &failure.message,
        }
    }

    /// The HTTP answer of a run that failed before a stream started.
    pub(super) fn into_response(self) -> Response {
        let code = self.code();
        match &self {
            RunError::ModelNotFound(message) | RunError::DeploymentNotFound(message) => openai(
                StatusCode::BAD_REQUEST,
                message,
                "invalid_request_error",
                None,
                Some(code),
            ),
            RunError::Gateway(failure) => {
                let (status, kind) = match failure.kind {
                    GatewayFailureKind::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "requests"),
                    GatewayFailureKind::Timeout => (StatusCode::GATEWAY_TIMEOUT, "server_error"),
                    GatewayFailureKind::Failed => (StatusCode::BAD_GATEWAY, "server_error"),
                };
                let mut response = openai(status, &failure.message, kind, None, Some(code));
                if let Some(value) = failure
                    .retry_after
                    .as_deref()
                    .and_then(|v| HeaderValue::from_str(v).ok())
                {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                response
            }
        }
    }
}

/// A resolved model: the connection to call, the deployment and the credential.
pub(super) struct Target {
    pub(super) connection_name: String,
    pub(super) deployment: String,
    connection: Connection,
    credential: Credential,
    /// Masks every credential of the connection in what the gateway answered.
    redactor: Redactor,
}

/// The gateway's answer: the assistant message and the usage, if it said.
pub(super) struct ChatReply {
    pub(super) message: Map<String, Value>,
    pub(super) usage: Option<Value>,
}

fn limits() -> Limits {
    Limits {
        timeout: GATEWAY_CALL_TIMEOUT,
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
    }
}

/// `(connection, deployment)` of `<connection>/<deployment>`.
pub(super) fn split_model(model: &str) -> Option<(&str, &str)> {
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

impl Target {
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

impl Service {
    /// Resolves an agent's `model` in `project` to a gateway deployment, calling the gateway's
    /// discovery (and the OAuth2 token endpoint) when the connection needs it.
    pub(super) async fn resolve(&self, project: &str, model: &str) -> Result<Target, RunError> {
        let Some((connection_name, deployment)) = split_model(model) else {
            return Err(RunError::ModelNotFound(format!(
                "Model '{model}' not found. A model served through a gateway connection must be given as '{MODEL_FORM}'."
            )));
        };
        let Some((stored, _level)) =
            self.world
                .project_connection(&self.account, project, connection_name)
        else {
            return Err(RunError::ModelNotFound(format!(
                "Model '{model}' not found: there is no connection '{connection_name}' in project '{project}' or its account. A model served through a gateway connection must be given as '{MODEL_FORM}'."
            )));
        };
        let imported = import_arm_value(&json!({ "properties": stored.properties }))
            .map_err(|err| {
                RunError::ModelNotFound(format!(
                    "Model '{model}' not found: connection '{connection_name}' is not an ApiManagement or ModelGateway connection ({err})."
                ))
            })?;
        let connection = imported.connection;
        let secret = |slot: SecretSlot| {
            imported
                .secrets
                .iter()
                .find(|s| s.slot == slot)
                .map(|s| s.value.clone())
        };
        let mut redactor = Redactor::new();
        let failed = |message: String| RunError::gateway(GatewayFailureKind::Failed, message);
        let credential = match &connection.auth {
            ConnectionAuth::ApiKey { .. } => {
                let key = secret(SecretSlot::ApiKey).ok_or_else(|| {
                    failed(format!(
                        "Connection '{connection_name}' uses ApiKey auth but has no `credentials.key`."
                    ))
                })?;
                redactor.add_secret(&key);
                Credential::ApiKey(key)
            }
            ConnectionAuth::ProjectManagedIdentity { .. } => {
                let token = Sensitive::new(self.world.lock().managed_identity_token.clone());
                redactor.add_secret(&token);
                Credential::BearerToken(token)
            }
            ConnectionAuth::OAuth2 {
                client_id,
                token_url,
                scopes,
                ..
            } => {
                let client_secret = secret(SecretSlot::ClientSecret).ok_or_else(|| {
                    failed(format!(
                        "Connection '{connection_name}' uses OAuth2 auth but has no `credentials.clientSecret`."
                    ))
                })?;
                redactor.add_secret(&client_secret);
                let credentials = ClientCredentials {
                    token_url,
                    client_id,
                    client_secret: &client_secret,
                    scopes,
                };
                let (token, _exchange) = self.tokens.token(&credentials, limits()).await;
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
        let target = Target {
            connection_name: connection_name.to_string(),
            deployment: deployment.to_string(),
            connection,
            credential,
            redactor,
        };
        self.find_deployment(&target).await?;
        Ok(target)
    }

    /// The deployment is one the connection offers: in its static `models`, or known to the
    /// gateway's discovery.
    async fn find_deployment(&self, target: &Target) -> Result<(), RunError> {
        let (name, deployment) = (&target.connection_name, &target.deployment);
        let not_found = |why: String| {
            RunError::DeploymentNotFound(format!(
                "The deployment '{deployment}' was not found on connection '{name}': {why}"
            ))
        };
        if let Some(models) = &target.connection.metadata.models {
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
        let Some(discovery) = target.connection.effective_model_discovery() else {
            return Err(not_found(
                "the connection lists no models (set a static `models` list or `modelDiscovery`)."
                    .to_string(),
            ));
        };
        let request =
            gateway::discovery_get_request(&target.connection, deployment, &target.credential)
                .map_err(|err| {
                    RunError::gateway(
                        GatewayFailureKind::Failed,
                        format!("Model discovery for connection '{name}' cannot be called: {err}."),
                    )
                })?;
        let exchange = self.http.send(HttpRequest::from(&request), limits()).await;
        if let Ok(response) = &exchange.outcome
            && response.status == 404
        {
            return Err(not_found(format!(
                "the gateway answered HTTP 404 to the model discovery call ({}): {}",
                target.call_name(&request),
                excerpt(&response.body, &target.redactor)
            )));
        }
        let response = target.checked("model discovery", &request, &exchange)?;
        let body = target.json_body("model discovery", response)?;
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
                    target.call_name(&request)
                ),
            )),
        }
    }

    /// One chat-completions call to the target's gateway with `body` (messages, tools, …);
    /// the builder sets or removes `model` per `deploymentInPath`.
    pub(super) async fn chat(
        &self,
        target: &Target,
        body: Map<String, Value>,
    ) -> Result<ChatReply, RunError> {
        let request = gateway::chat_completions_request(
            &target.connection,
            &target.deployment,
            &target.credential,
            body,
        )
        .map_err(|err| {
            RunError::gateway(
                GatewayFailureKind::Failed,
                format!(
                    "The chat completions call for connection '{}' cannot be built: {err}.",
                    target.connection_name
                ),
            )
        })?;
        let exchange = self.http.send(HttpRequest::from(&request), limits()).await;
        let response = target.checked("chat completions", &request, &exchange)?;
        let body = target.json_body("chat completions", response)?;
        let Some(message) = body
            .pointer("/choices/0/message")
            .and_then(Value::as_object)
        else {
            return Err(RunError::gateway(
                GatewayFailureKind::Failed,
                format!(
                    "The gateway of connection '{}' answered the chat completions call ({}) without `choices[0].message`.",
                    target.connection_name,
                    target.call_name(&request)
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
