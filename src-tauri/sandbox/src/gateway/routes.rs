//! The routes of each gateway style, behind the access checks.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde_json::{Value, json};

use super::discovery::{self, Shape};
use super::{GatewayConfig, GatewayStyle, access, chat};
use crate::dialect::{self, Dialect, openai_error};
use crate::faults::{Behaviour, Route};
use crate::server::ServerSpec;

pub(super) fn spec(config: Arc<GatewayConfig>) -> ServerSpec {
    let style = config.style;
    let routes = match style {
        GatewayStyle::OpenAi => Router::new()
            .route("/v1/models", get(list_models))
            .route("/v1/models/{name}", get(get_model))
            .route("/v1/chat/completions", post(chat_by_model)),
        GatewayStyle::AzureOpenAi => Router::new()
            .route("/openai/deployments", get(list_models))
            .route("/openai/deployments/{name}", get(get_model))
            .route(
                "/openai/deployments/{name}/chat/completions",
                post(chat_in_path),
            ),
    };
    let app = routes
        .route_layer(middleware::from_fn_with_state(config.clone(), access::gate))
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        .with_state(config);
    ServerSpec {
        app,
        dialect: dialect_of(style),
        classify: match style {
            GatewayStyle::OpenAi => classify_openai,
            GatewayStyle::AzureOpenAi => classify_azure,
        },
    }
}

fn dialect_of(style: GatewayStyle) -> Dialect {
    match style {
        GatewayStyle::OpenAi => Dialect::OpenAi,
        GatewayStyle::AzureOpenAi => Dialect::Apim,
    }
}

fn classify_openai(path: &str) -> Route {
    match path {
        "/v1/models" => Route::Discovery,
        "/v1/chat/completions" => Route::Chat,
        _ if path.starts_with("/v1/models/") => Route::Discovery,
        _ => Route::Other,
    }
}

fn classify_azure(path: &str) -> Route {
    let Some(rest) = path
        .strip_prefix("/openai/deployments")
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
    else {
        return Route::Other;
    };
    let segments: Vec<&str> = rest.split('/').skip(1).collect();
    match segments.as_slice() {
        [] | [_] => Route::Discovery,
        [_, "chat", "completions"] => Route::Chat,
        _ => Route::Other,
    }
}

/// The gateway's 404 for a path (or method) it does not serve.
pub(super) fn not_found(style: GatewayStyle, method: &str, path: &str) -> Response {
    dialect_of(style).not_found(method, path)
}

async fn unknown_route(State(config): State<Arc<GatewayConfig>>, request: Request) -> Response {
    not_found(
        config.style,
        request.method().as_str(),
        request.uri().path(),
    )
}

/// The gateway's own shape, or the other provider's under the wrong-shape fault.
fn discovery_shape(style: GatewayStyle, behaviour: Behaviour) -> Shape {
    match (style, behaviour.wrong_shape) {
        (GatewayStyle::OpenAi, false) | (GatewayStyle::AzureOpenAi, true) => Shape::OpenAi,
        (GatewayStyle::AzureOpenAi, false) | (GatewayStyle::OpenAi, true) => Shape::AzureOpenAi,
    }
}

async fn list_models(
    State(config): State<Arc<GatewayConfig>>,
    Extension(behaviour): Extension<Behaviour>,
) -> Response {
    let shape = discovery_shape(config.style, behaviour);
    dialect::json(StatusCode::OK, discovery::list(shape, &config.deployments))
}

async fn get_model(
    State(config): State<Arc<GatewayConfig>>,
    Extension(behaviour): Extension<Behaviour>,
    Path(name): Path<String>,
) -> Response {
    match config.deployment(&name) {
        Some(deployment) => {
            let shape = discovery_shape(config.style, behaviour);
            dialect::json(StatusCode::OK, discovery::single(shape, deployment))
        }
        None => unknown_deployment(config.style, &name),
    }
}

/// 404 for a model / deployment the gateway does not have, in the style's words.
fn unknown_deployment(style: GatewayStyle, name: &str) -> Response {
    match style {
        GatewayStyle::OpenAi => openai_error(
            StatusCode::NOT_FOUND,
            &format!("The model `{name}` does not exist or you do not have access to it."),
            "invalid_request_error",
            None,
            Some("model_not_found"),
        ),
        GatewayStyle::AzureOpenAi => dialect::json(
            StatusCode::NOT_FOUND,
            json!({ "error": {
                "code": "DeploymentNotFound",
                "message": "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
            }}),
        ),
    }
}

/// `POST /v1/chat/completions`: the deployment is the body's `model`.
async fn chat_by_model(
    State(config): State<Arc<GatewayConfig>>,
    Extension(behaviour): Extension<Behaviour>,
    body: Bytes,
) -> Response {
    let request = match chat::parse(&body) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(model) = request.get("model").and_then(Value::as_str) else {
        return openai_error(
            StatusCode::BAD_REQUEST,
            "you must provide a model parameter",
            "invalid_request_error",
            None,
            None,
        );
    };
    match config.deployment(model) {
        Some(deployment) => {
            chat::respond(deployment, &request, behaviour, config.stream_chunk_delay)
        }
        None => unknown_deployment(config.style, model),
    }
}

/// `POST /openai/deployments/{name}/chat/completions`: the deployment is in the path; a
/// `model` in the body is ignored, as Azure OpenAI does.
async fn chat_in_path(
    State(config): State<Arc<GatewayConfig>>,
    Extension(behaviour): Extension<Behaviour>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let Some(deployment) = config.deployment(&name) else {
        return unknown_deployment(config.style, &name);
    };
    match chat::parse(&body) {
        Ok(request) => chat::respond(deployment, &request, behaviour, config.stream_chunk_delay),
        Err(refusal) => refusal.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths_for_fault_scopes() {
        assert_eq!(classify_openai("/v1/models"), Route::Discovery);
        assert_eq!(classify_openai("/v1/models/gpt-4o"), Route::Discovery);
        assert_eq!(classify_openai("/v1/chat/completions"), Route::Chat);
        assert_eq!(classify_openai("/chat/completions"), Route::Other);
        assert_eq!(classify_azure("/openai/deployments"), Route::Discovery);
        assert_eq!(
            classify_azure("/openai/deployments/gpt-4o"),
            Route::Discovery
        );
        assert_eq!(
            classify_azure("/openai/deployments/gpt-4o/chat/completions"),
            Route::Chat
        );
        assert_eq!(classify_azure("/openai/chat/completions"), Route::Other);
        assert_eq!(classify_azure("/deployments"), Route::Other);
        assert_eq!(classify_azure("/openai/deploymentsx"), Route::Other);
    }
}
