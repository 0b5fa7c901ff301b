//! What a gateway's answer means, in the connection's words. Every failure explanation of the
//! checks lives here: 401/403, 404, 400 unknown model, 429, 5xx, non-JSON and wrong-shape
//! bodies, redirects, caps and network failures (byo-gateway.md §4.4, §7).

use serde_json::Value;

use super::CheckStatus;
use crate::connection::{AuthConfig, Connection, ConnectionAuth, DEFAULT_API_KEY_HEADER};
use crate::gateway::effective_deployment_in_path;
use crate::net::{Failure, FailureKind, Phase, Response};
use crate::trace::Redactor;

/// A check's verdict on one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: CheckStatus,
    pub message: String,
    pub hint: Option<String>,
}

impl Verdict {
    pub fn fail(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            status: CheckStatus::Fail,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    fn warn(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            status: CheckStatus::Warn,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

/// Which kind of call was made; 404 and 400 mean different things for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call<'a> {
    Chat { deployment: &'a str },
    DiscoveryList,
    DiscoveryGet { deployment: &'a str },
}

const EXCERPT: usize = 200;

/// The gateway's own error text: `error.message`, `message`, `error` or `error_description`,
/// else the start of the body. Redacted, one line.
pub fn error_text(response: &Response, redactor: &Redactor) -> String {
    let json: Option<Value> = serde_json::from_slice(&response.body).ok();
    let from_json = json.as_ref().and_then(|j| {
        let pick = |v: &Value| v.as_str().map(str::to_string);
        j.pointer("/error/message")
            .and_then(pick)
            .or_else(|| j.get("message").and_then(pick))
            .or_else(|| j.get("error_description").and_then(pick))
            .or_else(|| j.get("error").and_then(pick))
            .or_else(|| j.get("detail").and_then(pick))
    });
    let text = from_json.unwrap_or_else(|| String::from_utf8_lossy(&response.body).into_owned());
    one_line(&redactor.text(&text))
}

fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > EXCERPT {
        format!("{}…", flat.chars().take(EXCERPT).collect::<String>())
    } else {
        flat
    }
}

/// The gateway's error code (`error.code`, `code`, `error.type`), for matching.
fn error_code(response: &Response) -> String {
    let json: Option<Value> = serde_json::from_slice(&response.body).ok();
    json.as_ref()
        .and_then(|j| {
            j.pointer("/error/code")
                .or_else(|| j.get("code"))
                .or_else(|| j.pointer("/error/type"))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// Request-id headers gateways return; quoted in 5xx messages so the user can find the call
/// in the gateway's logs.
fn request_id(response: &Response) -> Option<String> {
    [
        "apim-request-id",
        "x-ms-request-id",
        "x-request-id",
        "request-id",
    ]
    .iter()
    .find_map(|name| response.header(name).map(|v| format!("{name}: {v}")))
}

/// The header and format the API key goes out in, as the request builder applies them.
fn key_header(connection: &Connection) -> (String, String, &'static str) {
    let m = &connection.metadata;
    if let Some(AuthConfig {
        header_name,
        format,
        ..
    }) = &m.auth_config
    {
        return (
            header_name
                .clone()
                .unwrap_or_else(|| DEFAULT_API_KEY_HEADER.into()),
            format.clone().unwrap_or_else(|| "{api_key}".into()),
            "`authConfig`",
        );
    }
    if let Some(name) = &m.auth_header_name {
        return (
            name.clone(),
            m.auth_header_format
                .clone()
                .unwrap_or_else(|| "{api_key}".into()),
            "`authHeaderName`/`authHeaderFormat`",
        );
    }
    (
        DEFAULT_API_KEY_HEADER.into(),
        "{api_key}".into(),
        "the default (no `authConfig`)",
    )
}

/// 401/403: which credential setting to look at, in order.
pub fn auth_hint(connection: &Connection, gateway_says: &str) -> String {
    let says = gateway_says.to_ascii_lowercase();
    match &connection.auth {
        ConnectionAuth::ApiKey { .. } => {
            let (name, format, source) = key_header(connection);
            let mut hint = format!(
                "The key went out as `{name}: {format}` ({source}). Check, in order: the key itself; the header name the gateway expects (e.g. `api-key`, `Ocp-Apim-Subscription-Key`, `Authorization`, `x-api-key`) — set it with `authConfig` {{\"type\":\"api_key\",\"name\":\"<header>\",\"format\":\"{{api_key}}\"}}; the format (`Bearer {{api_key}}` for OpenAI-style gateways)."
            );
            if says.contains("subscription key") {
                hint.push_str(
                    " APIM says the subscription key is missing or invalid: use an APIM subscription key for this API, sent in the header its settings name (`Ocp-Apim-Subscription-Key` by default; APIs imported from Azure OpenAI also accept `api-key`).",
                );
            }
            hint
        }
        ConnectionAuth::OAuth2 { scopes, .. } => format!(
            "The gateway rejected the OAuth2 bearer token. Check that `scopes` ({}) yield a token with the audience and issuer the gateway validates, and that the client app is authorised on the gateway.",
            scopes.join(" ")
        ),
        ConnectionAuth::ProjectManagedIdentity { audience } => {
            let mut hint = format!(
                "APIM must accept Entra tokens for the audience `{audience}` (validate-azure-ad-token, optionally the project's `xms_mirid`), and \"Subscription required\" must be off on the API, since the Agent Service sends no subscription key."
            );
            if says.contains("subscription key") {
                hint.push_str(" The gateway asks for a subscription key: turn \"Subscription required\" off for this API.");
            }
            hint.push_str(" Note: this run used a stand-in token, not the project's identity.");
            hint
        }
        ConnectionAuth::Unsupported { auth_type } => {
            format!("Auth type {auth_type} is not supported for gateway connections.")
        }
    }
}

/// 404 on chat completions: the URL shape settings.
fn chat_404_hint(connection: &Connection, deployment: &str, url: &str) -> String {
    let in_path = effective_deployment_in_path(connection);
    let version = connection
        .metadata
        .inference_api_version
        .as_deref()
        .filter(|v| !v.is_empty());
    let shape = if in_path {
        format!(
            "`deploymentInPath` is true, so the deployment goes in the path (…/deployments/{deployment}/chat/completions); if the gateway takes the model in the body at …/chat/completions, set it to \"false\""
        )
    } else {
        "`deploymentInPath` is false, so the call goes to …/chat/completions with the deployment in the body; if the gateway expects …/deployments/<name>/chat/completions, set it to \"true\"".to_string()
    };
    let version = match version {
        Some(v) => format!(
            "`inferenceAPIVersion` adds ?api-version={v}: check the gateway supports that version"
        ),
        None => "no `inferenceAPIVersion` is set, so no api-version is sent: Azure OpenAI and APIM APIs need one (e.g. 2025-03-01-preview)".to_string(),
    };
    format!(
        "Called {url}. Check, in order: {shape}; `target` ({}) must be the base the API is published under (APIM: https://<apim>.azure-api.net/<api-path>); {version}.",
        connection.target.trim()
    )
}

fn unknown_model_hint(connection: &Connection, deployment: &str) -> String {
    let name = connection.name.as_deref().unwrap_or("<connection>");
    format!(
        "The gateway does not know `{deployment}`. Use the gateway's deployment (or model) name exactly as it lists it. Agents write the model as `{name}/{deployment}`; only `{deployment}` reaches the gateway."
    )
}

fn looks_like_unknown_model(code: &str, text: &str) -> bool {
    let code = code.to_ascii_lowercase();
    let text = text.to_ascii_lowercase();
    code.contains("deploymentnotfound")
        || code.contains("model_not_found")
        || code.contains("modelnotfound")
        || (text.contains("model")
            && (text.contains("not found")
                || text.contains("does not exist")
                || text.contains("unknown")
                || text.contains("invalid model")))
        || text.contains("deployment for this resource does not exist")
}

/// The verdict on a non-2xx (or non-JSON) answer. `None` = the status is fine (2xx) and the
/// caller goes on to check the body.
pub fn judge_status(
    connection: &Connection,
    call: Call<'_>,
    url: &str,
    response: &Response,
    redactor: &Redactor,
) -> Option<Verdict> {
    let status = response.status;
    if let Some(blocked) = &response.blocked_redirect {
        return Some(Verdict::fail(
            format!(
                "the gateway redirected ({}) to {}, another origin; the redirect was not followed, so credentials did not leave",
                blocked.status,
                redactor.url(&blocked.to)
            ),
            "Set `target` to the URL the gateway really serves: the Agent Service calls `target` and would send the key or token wherever it is redirected.",
        ));
    }
    if (300..400).contains(&status) {
        return Some(Verdict::fail(
            format!("the gateway answered {status} (a redirect) and kept redirecting"),
            "Set `target` to the final URL of the API.",
        ));
    }
    if (200..300).contains(&status) {
        return None;
    }
    let says = error_text(response, redactor);
    let code = error_code(response);
    let verdict = match status {
        401 | 403 => Verdict::fail(
            format!("the gateway refused the credentials ({status}): {says}"),
            auth_hint(connection, &says),
        ),
        404 => match call {
            Call::Chat { deployment } if looks_like_unknown_model(&code, &says) => Verdict::fail(
                format!("the gateway does not know deployment `{deployment}` (404): {says}"),
                unknown_model_hint(connection, deployment),
            ),
            Call::Chat { deployment } => Verdict::fail(
                format!("chat completions not found at this URL (404): {says}"),
                chat_404_hint(connection, deployment, url),
            ),
            Call::DiscoveryList => Verdict::fail(
                format!("the model list endpoint was not found (404): {says}"),
                format!(
                    "Called {url}. Check `modelDiscovery.listModelsEndpoint` (relative to `target`, e.g. /deployments for APIM, /models for OpenAI-style gateways), `target`, and `deploymentAPIVersion`."
                ),
            ),
            Call::DiscoveryGet { deployment } => Verdict::fail(
                format!("the gateway has no model `{deployment}` at this URL (404): {says}"),
                format!(
                    "Called {url}. Check `modelDiscovery.getModelEndpoint` (it must contain {{deploymentName}}) and that `{deployment}` is in the list."
                ),
            ),
        },
        400 | 422 => match call {
            Call::Chat { deployment } if looks_like_unknown_model(&code, &says) => Verdict::fail(
                format!("the gateway rejected model `{deployment}` ({status}): {says}"),
                unknown_model_hint(connection, deployment),
            ),
            _ => Verdict::fail(
                format!("the gateway rejected the request ({status}): {says}"),
                "Open the exchange to see the body sent and the gateway's answer. If the gateway is not fully OpenAI-compatible, set the model's `format` to NonOpenAI (or Anthropic for /messages).",
            ),
        },
        429 => {
            let retry = response
                .header("retry-after")
                .map(|v| format!("Retry-After: {v} s"))
                .unwrap_or_else(|| "no Retry-After given".into());
            Verdict::warn(
                format!("the gateway is rate limiting (429, {retry}): {says}"),
                "The settings may be right: the gateway's quota or rate limit was hit. Wait and run the checks again, or raise the limit (APIM: rate-limit / llm-token-limit policies) for this client.",
            )
        }
        500..=599 => {
            let id = request_id(response)
                .map(|id| format!(" ({id})"))
                .unwrap_or_default();
            Verdict::fail(
                format!("the gateway failed with {status}{id}: {says}"),
                "The gateway was reached but it or its backend failed. Check the gateway's logs for this request and that its backend (the model deployment) is up; 502/504 usually mean the backend is unreachable or slow.",
            )
        }
        _ => Verdict::fail(
            format!("the gateway answered {status}: {says}"),
            "Open the exchange to see the full answer.",
        ),
    };
    Some(verdict)
}

/// A 2xx body that must be JSON: `Err` explains a non-JSON or truncated body.
pub fn json_body(response: &Response, what: &str) -> Result<Value, Verdict> {
    if response.truncated {
        return Err(Verdict::fail(
            format!(
                "the {what} body is larger than the {} MB cap; reading stopped at {} bytes",
                crate::net::DEFAULT_MAX_BODY_BYTES / (1024 * 1024),
                response.received_bytes
            ),
            "A gateway answer this large is not a chat or discovery response: check `target` points at the API.",
        ));
    }
    serde_json::from_slice(&response.body).map_err(|_| {
        let content_type = response.header("content-type").unwrap_or("no content type");
        let start: String = String::from_utf8_lossy(&response.body)
            .chars()
            .take(60)
            .collect();
        let html = start.trim_start().starts_with('<');
        Verdict::fail(
            format!(
                "the {what} answer is not JSON ({content_type}): `{}`",
                one_line(&start)
            ),
            if html {
                "The gateway answered with a web page: `target` may point at a portal or sign-in page, or a proxy is answering instead of the gateway. Check `target` and HTTPS_PROXY."
            } else {
                "Check `target` points at the OpenAI-compatible API of the gateway."
            },
        )
    })
}

/// A network failure (no HTTP answer) as a verdict.
pub fn network_failure(failure: &Failure, timeout_secs: u64) -> Verdict {
    let hint = match (failure.kind.clone(), failure.phase) {
        (FailureKind::Timeout, Phase::Body) => format!(
            "The gateway started answering but did not finish within {timeout_secs} s (it may be trickling bytes). Raise the timeout (--timeout) if the model is slow, or check the gateway."
        ),
        (FailureKind::Timeout, _) => format!(
            "No answer within {timeout_secs} s. Check the gateway is up and reachable from here, or raise the timeout (--timeout)."
        ),
        (_, Phase::Dns) => "Check the host name in `target`, and DNS/VPN: private gateways are only resolvable on the corporate network.".into(),
        (_, Phase::Tcp) => "Check the port in `target` and that no firewall or private endpoint blocks this machine.".into(),
        (_, Phase::Proxy) => "Check HTTPS_PROXY / NO_PROXY: the proxy refused or could not reach the gateway.".into(),
        (_, Phase::Tls) => tls_hint(&failure.message),
        _ => "The connection broke while talking to the gateway. Check the gateway, or a proxy in between.".into(),
    };
    Verdict::fail(failure.message.clone(), hint)
}

pub fn tls_hint(message: &str) -> String {
    let m = message.to_ascii_lowercase();
    if m.contains("not trust") || m.contains("unknown") {
        "Add the CA that issued the gateway's certificate as a PEM bundle (Settings → Network, or --ca-bundle). Verification is never turned off.".into()
    } else if m.contains("not valid for") {
        "The certificate does not cover the host in `target`: use the host name the certificate was issued for.".into()
    } else if m.contains("expired") || m.contains("not yet valid") {
        "The gateway's certificate is outside its validity period: renew it (or check this machine's clock).".into()
    } else if m.contains("plain http") || m.contains("did not answer tls") {
        "The port speaks plain HTTP: use http:// in `target` or the TLS port.".into()
    } else {
        "Check the gateway's TLS configuration and certificate chain.".into()
    }
}

/// Which provider shape a discovery body has: `value[]` (AzureOpenAI) or `data[]` (OpenAI).
pub fn list_shape(body: &Value) -> Option<&'static str> {
    if body.get("value").is_some_and(Value::is_array) {
        Some("AzureOpenAI")
    } else if body.get("data").is_some_and(Value::is_array) {
        Some("OpenAI")
    } else {
        None
    }
}

/// Which provider shape a single discovery item has.
pub fn item_shape(body: &Value) -> Option<&'static str> {
    if body.get("properties").is_some_and(Value::is_object)
        || body.get("name").is_some() && body.get("id").is_none()
    {
        Some("AzureOpenAI")
    } else if body.get("id").is_some() {
        Some("OpenAI")
    } else {
        None
    }
}

pub fn provider_mismatch(configured: &str, found: &str, what: &str) -> Verdict {
    let example = if found == "OpenAI" {
        "{\"data\":[{\"id\":…}]}"
    } else {
        "{\"value\":[{\"name\":…,\"properties\":{\"model\":…}}]}"
    };
    let mut hint = format!(
        "Set `modelDiscovery.deploymentProvider` to \"{found}\", or point the endpoints at a {configured}-shaped API."
    );
    if configured == "AzureOpenAI" && found == "OpenAI" {
        hint.push_str(" (The legacy Azure OpenAI data-plane /openai/deployments list answers in the `data` shape; whether the Agent Service accepts it is unverified — byo-gateway.md §10.6.)");
    }
    Verdict::fail(
        format!(
            "deployment provider mismatch: `deploymentProvider` is {configured} but the {what} came back in the {found} shape ({example})"
        ),
        hint,
    )
}
