//! What went wrong with a data-plane call, in words a user can act on. [`FoundryError`]'s
//! `Display` says what failed and where (method, URL, status, the service's code and message,
//! its request id); [`FoundryError::hint`] says what to do: the model form
//! `<connection-name>/<deployment-name>`, the Azure AI User role on which project, what the
//! connection must offer, that the gateway behind the connection failed.
//!
//! Both envelopes are read: Azure's on project routes (`{"error":{"code","message"}}`) and
//! OpenAI's on `/openai/v1/...` (`{"error":{"message","type","param","code"}}`). Every text
//! from the service is redacted (the bearer token) before it is kept.

use crate::net::retry_after::retry_after;
use crate::net::words::phase as phase_words;
pub(super) use crate::net::words::{duration as words, excerpt};
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use url::Url;

use super::MODEL_FORM;
use super::types::AgentResponse;
use crate::azure::CredentialError;
use crate::net::answer::ErrorBody;
use crate::net::{Failure, FailureKind, Response};

/// The service's error answer, read and redacted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FoundryAnswer {
    pub status: u16,
    /// `error.code`: `model_not_found`, `DeploymentNotFound`, `NotFound`, `gateway_error`, …
    pub code: Option<String>,
    /// `error.message` (or the start of a body that is not an error JSON).
    pub message: Option<String>,
    /// `error.type` (OpenAI envelope): `invalid_request_error`, `server_error`, `requests`.
    pub kind: Option<String>,
    /// `error.param`: the request field blamed.
    pub param: Option<String>,
    /// `x-ms-request-id` (else `apim-request-id`, `x-request-id`).
    pub request_id: Option<String>,
    /// What `Retry-After` (or `retry-after-ms`) asked.
    pub retry_after: Option<Duration>,
}

impl FoundryAnswer {
    pub(super) fn read(response: &Response, mask: &dyn Fn(&str) -> String) -> Self {
        let body = ErrorBody::read(response);
        let field = |key: &str| body.field(key, mask);
        let message = body.message(response, mask);
        Self {
            status: response.status,
            code: field("code"),
            message,
            kind: field("type"),
            param: field("param"),
            request_id: request_id(response).map(|id| mask(&id)),
            retry_after: retry_after(response, SystemTime::now()),
        }
    }

    pub fn code_is(&self, code: &str) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(code))
    }

    /// `400 model_not_found: Model 'x' not found. (param: input)`
    fn summary(&self) -> String {
        let mut text = self.status.to_string();
        if let Some(code) = &self.code {
            let _ = write!(text, " {code}");
        }
        if let Some(message) = &self.message {
            let _ = write!(text, ": {message}");
        }
        if let Some(param) = &self.param {
            let _ = write!(text, " (param: {param})");
        }
        text
    }
}

/// The service's id of the request: `x-ms-request-id`, else `apim-request-id`, `x-request-id`.
pub(super) fn request_id(response: &Response) -> Option<String> {
    ["x-ms-request-id", "apim-request-id", "x-request-id"]
        .iter()
        .find_map(|name| response.header(name))
        .map(|id| id.trim().to_string())
}

fn ids_text(request_id: Option<&str>) -> String {
    request_id
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

/// The token a call used, for the 401 hint. Never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUsed {
    /// "the access token in $FOUNDRY_TOKEN", "Azure CLI (…)".
    pub source: String,
    /// The scope asked for, e.g. `https://ai.azure.com/.default`.
    pub scope: String,
}

/// Everything that can go wrong calling the data plane. `url` is the URL called, as text: it
/// never holds the token (that travels in a header).
#[derive(Debug, thiserror::Error)]
pub enum FoundryError {
    /// The service answered with an error status (429 and 503 once the retries are used up
    /// are [`FoundryError::Throttled`]).
    #[error("{method} {url} failed: Foundry answered {}{}", .answer.summary(), ids_text(.answer.request_id.as_deref()))]
    Status {
        method: &'static str,
        url: String,
        answer: Box<FoundryAnswer>,
        token: Box<TokenUsed>,
    },
    /// 429 or 503 still, after every retry the policy allows.
    #[error(
        "{method} {url} failed: Foundry answered {} {attempts} times in a row (waited {} in all){}",
        .answer.summary(), words(*.waited), ids_text(.answer.request_id.as_deref())
    )]
    Throttled {
        method: &'static str,
        url: String,
        answer: Box<FoundryAnswer>,
        attempts: u32,
        waited: Duration,
        /// The policy's cap on the total wait.
        max_total_wait: Duration,
    },
    /// The run ended with `status: "failed"` (a 200 answer, or `response.failed` in a stream).
    #[error(
        "{method} {url}: the run {} failed{}",
        .response.id,
        .response.error.as_ref().map(|e| format!(": {}{}", e.code.as_deref().map(|c| format!("{c}: ")).unwrap_or_default(), e.message)).unwrap_or_default()
    )]
    RunFailed {
        method: &'static str,
        url: String,
        response: Box<AgentResponse>,
    },
    /// An `error` event ended the stream outside a response.
    #[error("{method} {url}: the stream ended with an error event: {}{message}", .code.as_deref().map(|c| format!("{c}: ")).unwrap_or_default())]
    StreamError {
        method: &'static str,
        url: String,
        code: Option<String>,
        message: String,
    },
    /// The events stopped before `response.completed` or `response.failed`.
    #[error(
        "{method} {url}: the stream stopped after {events} events{} without `response.completed` or `response.failed`{}",
        .last_event.as_deref().map(|e| format!(" (the last one {e})")).unwrap_or_default(),
        if *.truncated { " (cut at the body limit)" } else { "" }
    )]
    StreamIncomplete {
        method: &'static str,
        url: String,
        events: usize,
        last_event: Option<String>,
        truncated: bool,
    },
    /// No answer: DNS, connect, proxy, TLS, timeout or a broken connection.
    #[error("{method} {url} failed while {}: {}", phase_words(.failure.phase), .failure.message)]
    Network {
        method: &'static str,
        url: String,
        failure: Failure,
    },
    #[error(
        "{method} {url}: the answer ({status}{}) is not JSON: {excerpt}{}",
        .content_type.as_deref().map(|t| format!(", {t}")).unwrap_or_default(),
        ids_text(.request_id.as_deref())
    )]
    NotJson {
        method: &'static str,
        url: String,
        status: u16,
        content_type: Option<String>,
        excerpt: String,
        request_id: Option<String>,
    },
    #[error(
        "{method} {url}: the answer ({status}) is not what the Foundry data plane sends: {problem}{}",
        ids_text(.request_id.as_deref())
    )]
    WrongShape {
        method: &'static str,
        url: String,
        status: u16,
        problem: String,
        request_id: Option<String>,
    },
    #[error("the list at {url} has more than {pages} pages: stopped there")]
    TooManyPages { url: String, pages: usize },
    /// A redirect to another origin (same-origin ones are followed by the HTTP client).
    #[error(
        "{method} {url} was redirected ({status}) to {to_origin}, another origin: not followed, so the token was not sent there"
    )]
    Redirected {
        method: &'static str,
        url: String,
        status: u16,
        to_origin: String,
    },
    #[error("no Foundry token from {credential}: {source}")]
    Credential {
        credential: String,
        source: CredentialError,
    },
    #[error("{method} {url} was cancelled")]
    Cancelled { method: &'static str, url: String },
    /// Refused before any call.
    #[error("the {what} `{name}` is not valid: {problem}")]
    InvalidName {
        what: &'static str,
        name: String,
        problem: String,
    },
    /// Refused before any call: the request breaks a rule of the API.
    #[error("the request was not sent: {problem}")]
    InvalidRequest { problem: String },
    #[error("the project endpoint `{endpoint}` cannot be used: {problem}")]
    InvalidEndpoint { endpoint: String, problem: String },
}

/// The account and project a project URL names: `https://{account}.services.ai.azure.com/api/
/// projects/{project}/…`. The account is only read from a host with a dot in it that is not
/// an IP address (the sandbox's `127.0.0.1` names none).
fn account_and_project(url: &Url) -> (Option<String>, Option<String>) {
    let account = match url.host() {
        Some(url::Host::Domain(host)) if host.contains('.') => {
            host.split('.').next().map(str::to_string)
        }
        _ => None,
    };
    let segments: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    let project = segments
        .windows(3)
        .find(|w| w[0] == "api" && w[1] == "projects")
        .map(|w| w[2].to_string());
    (account, project)
}

/// The ARM scope of the project a URL addresses, with placeholders for what the URL cannot
/// say (the subscription and resource group, and the account on a loopback host).
pub fn project_scope(url: &Url) -> String {
    let (account, project) = account_and_project(url);
    format!(
        "/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.CognitiveServices/accounts/{}/projects/{}",
        account.as_deref().unwrap_or("<account>"),
        project.as_deref().unwrap_or("<project>")
    )
}

/// `` `Microsoft.CognitiveServices/…/agents/write` `` out of "lacks the required data action
/// `X` to perform …" (quoted with backticks or single quotes).
fn denied_action(message: &str) -> Option<String> {
    let start = message.find("data action")? + "data action".len();
    let rest = message[start..].trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '`' | '\'' | '"'))?;
    let rest = &rest[quote.len_utf8()..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// The project's ARM scope, placeholders and all, for a URL that may not parse.
fn scope_of(url: Option<&Url>) -> String {
    match url {
        Some(url) => project_scope(url),
        None => "/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.CognitiveServices/accounts/<account>/projects/<project>".to_string(),
    }
}

fn role_hint(url: Option<&Url>, message: &str) -> String {
    let scope = scope_of(url);
    let mut hint = format!(
        "The identity needs the Azure AI User role (or a higher one) on the project to create agents and run them: ask an owner to assign it on `{scope}` (e.g. `az role assignment create --role \"Azure AI User\" --assignee <user or app id> --scope {scope}`)."
    );
    if let Some(action) = denied_action(message) {
        let _ = write!(
            hint,
            " The service names the data action missing: `{action}`."
        );
    }
    hint.push_str(" A new role assignment can take a few minutes to apply.");
    hint
}

fn is_permission_denied(code: Option<&str>, message: &str) -> bool {
    code.is_some_and(|c| c.eq_ignore_ascii_case("PermissionDenied"))
        || message.contains("lacks the required data action")
}

/// The hint for a service error code that means the same with or without streaming.
fn code_hint(code: &str, message: &str, url: Option<&Url>) -> Option<String> {
    let code = code.to_ascii_lowercase();
    Some(match code.as_str() {
        "model_not_found" => format!(
            "The agent's model must be written `{MODEL_FORM}`: the name of an ApiManagement or ModelGateway connection of this project (or of its account), a slash, and a deployment that connection serves, e.g. `my-apim-connection/gpt-4o`. A bare model name or a connection the project does not have fails like this. Create a new agent version with the model in that form."
        ),
        "deploymentnotfound" => "Only prompt agents can use gateway models (a hosted agent with a `<connection>/<deployment>` model fails like this). For a prompt agent, the deployment must be one the connection offers: listed in its static `models` metadata, or found by its model discovery (the gateway must answer `modelDiscovery.getModelEndpoint` for it). Check the deployment name against the gateway, then fix the connection's models or the agent's model.".to_string(),
        "gateway_error" => format!(
            "The gateway behind the connection failed, not the Agent Service: \"{message}\". Run the connection's checks in Gateway Studio to see the call it made and the gateway's answer, and check the gateway's logs for it."
        ),
        "gateway_timeout" => format!(
            "The gateway behind the connection did not answer the Agent Service in time: \"{message}\". Check that the gateway and its backend are up and not overloaded, then try again."
        ),
        "rate_limit_exceeded" => format!(
            "The gateway behind the connection is rate limiting (its quota or rate-limit policy): \"{message}\". Wait and try again, or raise the limit for this client."
        ),
        "permissiondenied" => role_hint(url, message),
        "unsupportedapiversionvalue" => format!(
            "This endpoint does not serve api-version `{}` for project routes: check that the project endpoint is a Foundry project (`https://<account>.services.ai.azure.com/api/projects/<project>`). The service said: {message}",
            super::API_VERSION
        ),
        _ => return None,
    })
}

impl FoundryError {
    /// A stable code for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Status { answer, .. } => {
                let code = answer
                    .code
                    .as_deref()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                match code.as_str() {
                    "model_not_found" => "foundry-model-not-found",
                    "deploymentnotfound" => "foundry-deployment-not-found",
                    "gateway_error" => "foundry-gateway-error",
                    "gateway_timeout" => "foundry-gateway-timeout",
                    _ => match answer.status {
                        400 => "foundry-bad-request",
                        401 => "foundry-unauthorized",
                        403 => "foundry-forbidden",
                        404 => "foundry-not-found",
                        409 => "foundry-conflict",
                        _ => "foundry-status",
                    },
                }
            }
            Self::Throttled { answer, .. } if answer.status == 429 => "foundry-throttled",
            Self::Throttled { .. } => "foundry-unavailable",
            Self::RunFailed { .. } => "foundry-run-failed",
            Self::StreamError { .. } => "foundry-stream-error",
            Self::StreamIncomplete { .. } => "foundry-stream-incomplete",
            Self::Network { .. } => "foundry-network",
            Self::NotJson { .. } => "foundry-not-json",
            Self::WrongShape { .. } => "foundry-wrong-shape",
            Self::TooManyPages { .. } => "foundry-too-many-pages",
            Self::Redirected { .. } => "foundry-redirected",
            Self::Credential { .. } => "foundry-credential",
            Self::Cancelled { .. } => "foundry-cancelled",
            Self::InvalidName { .. } => "foundry-invalid-name",
            Self::InvalidRequest { .. } => "foundry-invalid-request",
            Self::InvalidEndpoint { .. } => "foundry-invalid-endpoint",
        }
    }

    /// The HTTP status the service answered, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { answer, .. } | Self::Throttled { answer, .. } => Some(answer.status),
            Self::NotJson { status, .. }
            | Self::WrongShape { status, .. }
            | Self::Redirected { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn answer(&self) -> Option<&FoundryAnswer> {
        match self {
            Self::Status { answer, .. } | Self::Throttled { answer, .. } => Some(answer),
            _ => None,
        }
    }

    /// The service's error code: `error.code` of the answer, of the failed response, or of
    /// the stream's `error` event.
    pub fn service_code(&self) -> Option<&str> {
        match self {
            Self::Status { answer, .. } | Self::Throttled { answer, .. } => answer.code.as_deref(),
            Self::RunFailed { response, .. } => response.error.as_ref()?.code.as_deref(),
            Self::StreamError { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The service's error message, likewise.
    pub fn service_message(&self) -> Option<&str> {
        match self {
            Self::Status { answer, .. } | Self::Throttled { answer, .. } => {
                answer.message.as_deref()
            }
            Self::RunFailed { response, .. } => Some(response.error.as_ref()?.message.as_str()),
            Self::StreamError { message, .. } => Some(message),
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Status { answer, .. } | Self::Throttled { answer, .. } => {
                answer.request_id.as_deref()
            }
            Self::NotJson { request_id, .. } | Self::WrongShape { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// The URL called.
    pub fn url(&self) -> Option<&str> {
        match self {
            Self::Status { url, .. }
            | Self::Throttled { url, .. }
            | Self::RunFailed { url, .. }
            | Self::StreamError { url, .. }
            | Self::StreamIncomplete { url, .. }
            | Self::Network { url, .. }
            | Self::NotJson { url, .. }
            | Self::WrongShape { url, .. }
            | Self::TooManyPages { url, .. }
            | Self::Redirected { url, .. }
            | Self::Cancelled { url, .. } => Some(url),
            Self::Credential { .. }
            | Self::InvalidName { .. }
            | Self::InvalidRequest { .. }
            | Self::InvalidEndpoint { .. } => None,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        let parsed = self.url().and_then(|u| Url::parse(u).ok());
        let url = parsed.as_ref();
        match self {
            Self::Status { answer, token, .. } => status_hint(answer, token, url),
            Self::Throttled {
                answer,
                attempts,
                waited,
                max_total_wait,
                ..
            } => {
                let asked = match answer.retry_after {
                    Some(wait) if *waited + wait > *max_total_wait => format!(
                        " It asked to wait {} (Retry-After), beyond the {} the app waits in all: try again after that.",
                        words(wait),
                        words(*max_total_wait)
                    ),
                    Some(wait) => format!(" It last asked to wait {} (Retry-After).", words(wait)),
                    None => String::new(),
                };
                let what = match answer.code.as_deref() {
                    Some(code) if code.eq_ignore_ascii_case("rate_limit_exceeded") => format!(
                        "The gateway behind the connection is rate limiting the Agent Service's calls (its quota or rate-limit policy): \"{}\".",
                        answer.message.as_deref().unwrap_or("(no message)")
                    ),
                    _ if answer.status == 429 => "The Foundry data plane is throttling this identity's requests (too many in a short time).".to_string(),
                    _ => "The Foundry data plane is temporarily unavailable.".to_string(),
                };
                format!("{what}{asked} Tried {attempts} times.")
            }
            Self::RunFailed { response, .. } => {
                let (code, message) = response
                    .error
                    .as_ref()
                    .map(|e| (e.code.as_deref().unwrap_or_default(), e.message.as_str()))
                    .unwrap_or_default();
                code_hint(code, message, url).unwrap_or_else(|| {
                    format!("The agent ran but failed: \"{message}\". Open the exchange in the trace to see the whole response.")
                })
            }
            Self::StreamError { code, message, .. } => {
                code_hint(code.as_deref().unwrap_or_default(), message, url)
                    .unwrap_or_else(|| "The service stopped the stream: try again; if it persists, run without streaming to see the error answer.".to_string())
            }
            Self::StreamIncomplete { truncated: true, .. } => "The stream was larger than the body limit: raise the run limit's `max_body_bytes`.".to_string(),
            Self::StreamIncomplete { .. } => "The stream broke off before the run ended (a proxy that cuts long responses, or the service stopped): try again, or run without streaming.".to_string(),
            Self::Network { failure, .. } => match failure.kind {
                FailureKind::Timeout => "The Foundry data plane did not answer in time: a run waits for the gateway behind the connection, so check the gateway too; otherwise check the network, VPN and proxy (HTTPS_PROXY), or raise the timeout.".to_string(),
                FailureKind::Tls => "Fix the TLS problem above: if a corporate proxy inspects TLS, add its CA bundle in the network settings.".to_string(),
                FailureKind::Connect => "Check the project endpoint (`https://<account>.services.ai.azure.com/api/projects/<project>`), your network, VPN and proxy settings (HTTPS_PROXY, NO_PROXY).".to_string(),
                FailureKind::Protocol => "The connection to the Foundry data plane broke: try again; if it keeps happening, a proxy in between may be interfering.".to_string(),
            },
            Self::NotJson { .. } => "Something other than the Foundry data plane answered (a proxy's block page, a login page?): check the project endpoint and the proxy settings.".to_string(),
            Self::WrongShape { .. } => "The endpoint answered, but not as the Foundry data plane (Agent Service v1) does: check that the project endpoint is `https://<account>.services.ai.azure.com/api/projects/<project>`.".to_string(),
            Self::TooManyPages { .. } => "There are more items than the page limit: raise it, or delete what is no longer needed.".to_string(),
            Self::Redirected { .. } => "Check the project endpoint: the data plane does not redirect; a proxy or a wrong host does.".to_string(),
            Self::Credential { .. } => "Fix the sign-in as the message says, then try again.".to_string(),
            Self::Cancelled { method, .. } => {
                if *method == "GET" {
                    "Nothing changed in the project.".to_string()
                } else {
                    "A change cancelled in flight may or may not have been applied: list the agents to see.".to_string()
                }
            }
            Self::InvalidName { what, .. } if *what == "agent name" => format!(
                "Agent names are 1 to {} letters, digits and hyphens, starting and ending with a letter or digit, e.g. `gw-smoke`.",
                super::MAX_AGENT_NAME
            ),
            Self::InvalidName { .. } => "Use the id exactly as the service returned it.".to_string(),
            Self::InvalidRequest { .. } => "Change the request as the message says.".to_string(),
            Self::InvalidEndpoint { .. } => "Use the project endpoint as Foundry shows it: `https://<account>.services.ai.azure.com/api/projects/<project>`.".to_string(),
        }
    }
}

fn status_hint(answer: &FoundryAnswer, token: &TokenUsed, url: Option<&Url>) -> String {
    let said = answer.message.as_deref().unwrap_or("(no message)");
    if let Some(code) = &answer.code
        && let Some(hint) = code_hint(code, said, url)
    {
        return hint;
    }
    match answer.status {
        401 | 403 if is_permission_denied(answer.code.as_deref(), said) => role_hint(url, said),
        401 => format!(
            "The service rejected {}: it must be a token for `{}` (not an ARM token), unexpired, from the tenant of the Foundry account; get one with `az account get-access-token --scope {} --query accessToken -o tsv` or sign in again. {}",
            token.source,
            token.scope,
            token.scope,
            role_hint(url, said)
        ),
        403 => role_hint(url, said),
        404 => {
            let project = url.and_then(|u| account_and_project(u).1);
            if said.contains("Project '") {
                format!(
                    "The account has no project `{}`: check the project endpoint (copy it from the project's overview page in Foundry).",
                    project.as_deref().unwrap_or("<project>")
                )
            } else {
                format!(
                    "It does not exist (any more) in the project: \"{said}\". Check the name, version or id, e.g. by listing the agents or the agent's versions."
                )
            }
        }
        400 => match &answer.param {
            Some(param) => format!("Fix `{param}` in the request: {said}"),
            None => format!("Fix the request as the service says: {said}"),
        },
        status => {
            let mut text = format!("The service could not do it ({said}).");
            if status >= 500 {
                text.push_str(" Try again in a few minutes.");
            }
            if let Some(id) = &answer.request_id {
                let _ = write!(
                    text,
                    " If it persists, quote the request id {id} to Azure support."
                );
            }
            text
        }
    }
}
