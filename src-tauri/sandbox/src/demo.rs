//! Ready-made credentials and deployments, so tests and demo setups agree on the same values.

use crate::gateway::Deployment;

/// API key the demo gateways accept.
pub const DEMO_API_KEY: &str = "sandbox-key-7d3f0c2a9b6e4f18";
/// A key that no sandbox gateway accepts (for negative tests).
pub const DEMO_WRONG_API_KEY: &str = "sandbox-key-0000000000000000";
/// APIM subscription key (`Ocp-Apim-Subscription-Key`) for gateways that require one.
pub const DEMO_SUBSCRIPTION_KEY: &str = "sandbox-subscription-5e1b7c9d";
/// Static bearer token standing in for an Entra token (project managed identity).
pub const DEMO_BEARER_TOKEN: &str = "sandbox-entra-token-3a8e61f0";
/// `api-version` the Azure OpenAI / APIM demo gateway requires (the FS-mg sample's value).
pub const DEMO_API_VERSION: &str = "2025-03-01-preview";
/// OAuth2 client of the demo token endpoint (GUID-shaped like an Entra app id).
pub const DEMO_CLIENT_ID: &str = "5b0c6f3e-8a1d-4c2b-9e7f-1a2b3c4d5e6f";
/// Secret of [`DEMO_CLIENT_ID`].
pub const DEMO_CLIENT_SECRET: &str = "sandbox-secret~Q8r.Zx4";
/// Scope the demo token endpoint expects (client credentials ask for `<resource>/.default`).
pub const DEMO_SCOPE: &str = "api://sandbox-gateway/.default";

/// Two OpenAI chat models, as most gateways in front of Azure OpenAI expose.
pub fn demo_deployments() -> Vec<Deployment> {
    vec![
        Deployment::openai("gpt-4o", "gpt-4o", "2024-11-20"),
        Deployment::openai("gpt-4o-mini", "gpt-4o-mini", "2024-07-18"),
    ]
}
