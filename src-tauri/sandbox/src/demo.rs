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

/// Tenant of the emulated Azure (GUID-shaped, like an Entra tenant id).
pub const DEMO_TENANT_ID: &str = "8d2f5c1a-3b4e-4f60-9a7b-0c1d2e3f4a5b";
/// Bearer token the emulated ARM and Foundry data plane accept, in place of an Entra token
/// for `https://management.azure.com/.default` or `https://ai.azure.com/.default`.
pub const DEMO_AZURE_TOKEN: &str = "sandbox-azure-token-c4e9a2f7";
/// The seeded subscription, resource group, Foundry account and project.
pub const DEMO_SUBSCRIPTION_ID: &str = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
pub const DEMO_SUBSCRIPTION_NAME: &str = "Sandbox subscription";
pub const DEMO_RESOURCE_GROUP: &str = "rg-gateway-sandbox";
pub const DEMO_LOCATION: &str = "eastus2";
pub const DEMO_ACCOUNT: &str = "sandbox-foundry";
pub const DEMO_PROJECT: &str = "sandbox-project";
/// API key of the APIM-style sample gateway in the sandbox (the OpenAI-style one takes
/// [`DEMO_API_KEY`]), so a key sent to the wrong gateway fails.
pub const DEMO_APIM_API_KEY: &str = "sandbox-apim-key-19c4b8e2d7a0";
