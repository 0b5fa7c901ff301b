//! Error bodies in the words of each emulated service, so a checker's error parsing and hints
//! meet what it will meet in the field.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Which service's error style a server speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// api.openai.com and OpenAI-compatible gateways (LiteLLM, Kong, ...):
    /// `{"error":{"message","type","param","code"}}`.
    OpenAi,
    /// Azure API Management in front of Azure OpenAI: `{"statusCode","message"}`.
    Apim,
    /// Entra ID's token endpoint: `{"error","error_description",...}`.
    Entra,
    /// Azure Resource Manager and the Foundry project routes: `{"error":{"code","message"}}`,
    /// with `x-ms-request-id` / `x-ms-correlation-request-id` on every response.
    Azure,
}

/// A status from a number, falling back to 500 for numbers HTTP has no room for.
pub(crate) fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub(crate) fn json(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// OpenAI's error envelope.
pub(crate) fn openai_error(
    status: StatusCode,
    message: &str,
    kind: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Response {
    json(
        status,
        json!({ "error": { "message": message, "type": kind, "param": param, "code": code } }),
    )
}

/// APIM's gateway-level error envelope.
pub(crate) fn apim_error(status: StatusCode, message: &str) -> Response {
    json(
        status,
        json!({ "statusCode": status.as_u16(), "message": message }),
    )
}

/// Azure's error envelope (ARM and Foundry project routes).
pub(crate) fn azure_error(status: StatusCode, code: &str, message: &str) -> Response {
    json(
        status,
        json!({ "error": { "code": code, "message": message } }),
    )
}

/// Entra ID's OAuth2 error envelope (`error_codes` carries the AADSTS number).
pub(crate) fn entra_error(
    status: StatusCode,
    error: &str,
    aadsts: u32,
    description: &str,
) -> Response {
    json(
        status,
        json!({
            "error": error,
            "error_description": format!("AADSTS{aadsts}: {description}"),
            "error_codes": [aadsts],
            "timestamp": "2026-01-01 00:00:00Z",
            "trace_id": "00000000-0000-0000-0000-000000000000",
            "correlation_id": "00000000-0000-0000-0000-000000000000",
            "error_uri": format!("https://login.microsoftonline.com/error?code={aadsts}"),
        }),
    )
}

impl Dialect {
    /// A path (or method) no route serves.
    pub(crate) fn not_found(self, method: &str, path: &str) -> Response {
        match self {
            Dialect::OpenAi => openai_error(
                StatusCode::NOT_FOUND,
                &format!("Invalid URL ({method} {path})"),
                "invalid_request_error",
                None,
                None,
            ),
            Dialect::Apim => apim_error(StatusCode::NOT_FOUND, "Resource not found"),
            Dialect::Entra => entra_error(
                StatusCode::NOT_FOUND,
                "invalid_request",
                90002,
                &format!("The endpoint {method} {path} does not exist."),
            ),
            Dialect::Azure => azure_error(
                StatusCode::NOT_FOUND,
                "NotFound",
                &format!("The requested path {method} {path} is not served here."),
            ),
        }
    }

    /// 429 with `Retry-After`, as each service words it.
    pub(crate) fn rate_limited(self, retry_after_secs: u64) -> Response {
        let mut response = match self {
            Dialect::OpenAi => openai_error(
                StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "Rate limit reached for requests. Please try again in {retry_after_secs}s."
                ),
                "requests",
                None,
                Some("rate_limit_exceeded"),
            ),
            Dialect::Apim => apim_error(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Rate limit is exceeded. Try again in {retry_after_secs} seconds."),
            ),
            Dialect::Entra => entra_error(
                StatusCode::TOO_MANY_REQUESTS,
                "temporarily_unavailable",
                50196,
                "The server terminated an operation because it encountered a client request loop. Please contact your app vendor.",
            ),
            Dialect::Azure => azure_error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                &format!(
                    "The request is being throttled. Please retry after {retry_after_secs} seconds."
                ),
            ),
        };
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        response
    }

    /// A 5xx from the service itself (or the backend behind a proxy).
    pub(crate) fn server_error(self, code: u16) -> Response {
        let status = status(code);
        let reason = status.canonical_reason().unwrap_or("Server Error");
        match self {
            Dialect::OpenAi => openai_error(
                status,
                &format!(
                    "The server had an error while processing your request ({reason}). Sorry about that!"
                ),
                "server_error",
                None,
                None,
            ),
            Dialect::Apim => apim_error(status, reason),
            Dialect::Entra => entra_error(
                status,
                "temporarily_unavailable",
                90033,
                "A transient error has occurred. Please try again.",
            ),
            Dialect::Azure => azure_error(
                status,
                if code == 503 {
                    "ServiceUnavailable"
                } else {
                    "InternalServerError"
                },
                "The server encountered an internal error. Please retry the request.",
            ),
        }
    }
}
