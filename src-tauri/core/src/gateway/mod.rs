//! What the Foundry Agent Service sends to a gateway, reproduced exactly (byo-gateway.md §4).
//!
//! This module owns the ONE request builder: the chat-completions URL and body, the auth
//! header for each auth type, the custom headers, and the discovery URLs. The checks, the
//! sandbox's Foundry emulator and the playground's local mode all build their gateway calls
//! here. It builds requests; it does not send them.

mod request;

pub use request::{
    BuildError, Credential, GatewayRequest, Header, HeaderValue, Method, auth_header,
    chat_completions_request, chat_completions_url, discovery_get_request, discovery_list_request,
    effective_deployment_in_path,
};
