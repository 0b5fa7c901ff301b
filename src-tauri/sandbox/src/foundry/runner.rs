//! Running a prompt agent's model the way the Agent Service does (byo-gateway.md §4–§5):
//! resolve `<connection>/<deployment>` through the world's connections and call its gateway.
//! The gateway side (credential, deployment lookup, the chat call and how each failure is
//! worded) is the app's own `gateway_studio_core::agent_service`, so the emulator and the app's
//! local runs send gateways the same requests; this module adds the world lookup and the HTTP
//! answers of a failed run.
//!
//! - [I] The model is resolved on every run, not when the agent version is created, and
//!   nothing is cached: an edit to the connection takes effect on the next run (the APIM doc
//!   says the service caches the model list; the emulator favours being observable).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use gateway_studio_core::agent_service::{
    ChatReply, CredentialInputs, GatewayFailureKind, GatewayModel, MODEL_FORM, RunError,
    split_model,
};
use gateway_studio_core::connection::{SecretSlot, import_arm_value};
use gateway_studio_core::net::Exchange;
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::trace::Redactor;
use serde_json::{Map, Value, json};

use super::Service;
use super::errors::openai;

/// A resolved model.
pub(super) type Target = GatewayModel;

/// The HTTP answer of a failed run.
pub(super) trait RunErrorAnswer {
    fn into_response(self) -> Response;
}

impl RunErrorAnswer for RunError {
    /// The HTTP answer of a run that failed before a stream started.
    fn into_response(self) -> Response {
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

impl Service {
    /// Resolves an agent's `model` in `project` to a gateway deployment, calling the gateway's
    /// discovery (and the OAuth2 token endpoint) when the connection needs it.
    /// Its calls are logged under `client_request_id` ([`super::tap`]).
    pub(super) async fn resolve(
        &self,
        project: &str,
        model: &str,
        client_request_id: Option<&str>,
    ) -> Result<Target, RunError> {
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
        let secret = |slot: SecretSlot| {
            imported
                .secrets
                .iter()
                .find(|s| s.slot == slot)
                .map(|s| s.value.clone())
        };
        let inputs = CredentialInputs {
            secret: imported.connection.auth.secret_slot().and_then(secret),
            managed_identity_token: Some(Sensitive::new(
                self.world.lock().managed_identity_token.clone(),
            )),
        };
        // The token request is made before the model holds its redactor: this one knows the
        // secrets it is given.
        let mut redactor = Redactor::new();
        for secret in [&inputs.secret, &inputs.managed_identity_token]
            .into_iter()
            .flatten()
        {
            redactor.add_secret(secret);
        }
        let target = GatewayModel::prepare(
            connection_name,
            deployment,
            imported.connection,
            inputs,
            &self.tokens,
            &mut |label, exchange| self.tap(client_request_id, label, exchange, &redactor),
        )
        .await?;
        target
            .find_deployment(&self.http, &mut |label, exchange| {
                self.tap(client_request_id, label, exchange, &target.redactor)
            })
            .await?;
        Ok(target)
    }

    /// One chat-completions call to the target's gateway with `body` (messages, tools, …),
    /// logged under `client_request_id`.
    pub(super) async fn chat(
        &self,
        target: &Target,
        body: Map<String, Value>,
        client_request_id: Option<&str>,
    ) -> Result<ChatReply, RunError> {
        target
            .chat(&self.http, body, &mut |label, exchange| {
                self.tap(client_request_id, label, exchange, &target.redactor)
            })
            .await
    }

    fn tap(
        &self,
        client_request_id: Option<&str>,
        label: &str,
        exchange: &Exchange,
        redactor: &Redactor,
    ) {
        if let Some(id) = client_request_id {
            self.gateway_calls.push(id, label, exchange, redactor);
        }
    }
}
