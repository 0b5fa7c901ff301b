//! The Agent Service's part in a prompt agent run through a gateway connection (byo-gateway.md
//! §4–§6): Responses API items, how they become the chat-completions call a gateway receives,
//! and how its answer becomes output items. The sandbox's emulated Agent Service and the app's
//! local runs ("run locally" in the playground, `agent run --local`) are both built on it, so
//! what a gateway receives from either is the same.

pub mod chat;
pub mod items;
pub mod local;
pub mod model;
pub mod sample_tool;

pub use model::{
    ChatReply, CredentialInputs, GatewayFailure, GatewayFailureKind, GatewayModel, MODEL_FORM,
    Observer, RunError, split_model,
};

/// A Responses-style id: `msg_…`, `fc_…`, `resp_…`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}
