//! The data plane's error answers. Project routes speak Azure's envelope
//! (`{"error":{"code","message"}}`), the OpenAI-compatible routes OpenAI's
//! (`{"error":{"message","type","param","code"}}`). The codes are stable: the app's error
//! explanations match them.
//!
//! Project routes (Azure envelope):
//!
//! | status | code | when |
//! |---|---|---|
//! | 401 | [`UNAUTHORIZED`] | no or wrong bearer token (either envelope) |
//! | 400 | `BadRequest` | missing `api-version`; a body the route rejects |
//! | 400 | `UnsupportedApiVersionValue` | an `api-version` other than `v1` |
//! | 404 | `NotFound` | unknown project, agent or version |
//!
//! OpenAI-compatible routes (OpenAI envelope, `type` `invalid_request_error` unless said):
//!
//! | status | code | when |
//! |---|---|---|
//! | 400 | [`INVALID_PAYLOAD`] | a body the route rejects (`param` names the field), incl. the removed `agent` key |
//! | 400 | [`MODEL_NOT_FOUND`] | the agent's model is not `<connection>/<deployment>` or names no connection |
//! | 400 | [`DEPLOYMENT_NOT_FOUND`] | the connection has no such deployment |
//! | 404 | [`NOT_FOUND`] | unknown project, agent, version, conversation or response |
//! | 429 | [`RATE_LIMITED`] (`type` `requests`) | the gateway answered 429 |
//! | 502 | [`GATEWAY_ERROR`] (`type` `server_error`) | the gateway failed otherwise |
//! | 504 | [`GATEWAY_TIMEOUT`] (`type` `server_error`) | the gateway did not answer in time |

use axum::http::StatusCode;
use axum::response::Response;

use crate::dialect::{self, azure_error, openai_error};

pub const UNAUTHORIZED: &str = "Unauthorized";
pub const INVALID_PAYLOAD: &str = "invalid_payload";
pub use gateway_studio_core::agent_service::model::{
    DEPLOYMENT_NOT_FOUND, GATEWAY_ERROR, GATEWAY_TIMEOUT, MODEL_NOT_FOUND, RATE_LIMITED,
};
pub const NOT_FOUND: &str = "not_found";

/// What the service answers to the removed preview key (byo-gateway.md §7 row 10; the
/// service's own words as reported in microsoft-foundry/new-foundry-portal#118).
pub const AGENT_KEY_REMOVED: &str = "The 'agent' property is deprecated. Use 'agent_reference' instead: API version v1 takes {\"agent_reference\": {\"type\": \"agent_reference\", \"name\": …, \"version\": …}}.";

/// What a handler answers when it cannot go on.
pub(super) type Reply<T = Response> = Result<T, Response>;

pub(super) fn azure(status: StatusCode, code: &str, message: &str) -> Response {
    azure_error(status, code, message)
}

pub(super) fn openai(
    status: StatusCode,
    message: &str,
    kind: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Response {
    openai_error(status, message, kind, param, code)
}

pub(super) fn unauthorized(openai_route: bool) -> Response {
    let message = super::UNAUTHORIZED_MESSAGE;
    if openai_route {
        openai(
            StatusCode::UNAUTHORIZED,
            message,
            "invalid_request_error",
            None,
            Some(UNAUTHORIZED),
        )
    } else {
        azure(StatusCode::UNAUTHORIZED, UNAUTHORIZED, message)
    }
}

/// 400 on a project route.
pub(super) fn azure_bad_request(message: &str) -> Response {
    azure(StatusCode::BAD_REQUEST, "BadRequest", message)
}

/// 404 on a project route.
pub(super) fn azure_not_found(message: &str) -> Response {
    azure(StatusCode::NOT_FOUND, "NotFound", message)
}

/// 400 on an OpenAI-compatible route, about `param`.
pub(super) fn invalid_payload(message: &str, param: Option<&str>) -> Response {
    openai(
        StatusCode::BAD_REQUEST,
        message,
        "invalid_request_error",
        param,
        Some(INVALID_PAYLOAD),
    )
}

/// 404 on an OpenAI-compatible route.
pub(super) fn openai_not_found(message: &str) -> Response {
    openai(
        StatusCode::NOT_FOUND,
        message,
        "invalid_request_error",
        None,
        Some(NOT_FOUND),
    )
}

/// `body` as a JSON object; an empty body counts as `{}` when `empty_ok`.
pub(super) fn json_object(
    body: &[u8],
    empty_ok: bool,
    bad: impl Fn(&str) -> Response,
) -> Reply<serde_json::Map<String, serde_json::Value>> {
    if empty_ok && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(bad("The request body must be a JSON object.")),
        Err(err) => Err(bad(&format!("The request body is not valid JSON: {err}."))),
    }
}

/// 200 with a JSON body.
pub(super) fn ok(body: serde_json::Value) -> Response {
    dialect::json(StatusCode::OK, body)
}
