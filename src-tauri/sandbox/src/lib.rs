//! Local emulators for Gateway Studio, served in-process on loopback.
//!
//! They answer the way the real services do (status codes, error bodies, discovery shapes,
//! byo-gateway.md §4), so the checks that call gateways the way the Foundry Agent Service does
//! can be tested end to end without Azure:
//!
//! - [`gateway`]: sample AI gateways, OpenAI style (`/v1/...`) and Azure OpenAI / APIM style
//!   (`/openai/deployments/...`), with API-key, static bearer or OAuth2 auth.
//! - [`token`]: an OAuth2 client-credentials token endpoint in the style of Entra ID.
//! - [`arm`]: Azure Resource Manager for subscriptions, resource groups, Foundry accounts and
//!   projects, their connections and the account's deployments, over a shared [`world`].
//! - [`foundry`]: a Foundry account's data plane (agent versions, conversations, responses),
//!   running prompt agents through the gateways of the world's connections.
//! - [`stack`]: all of the above started together over one seeded tenant ([`start_sandbox`]),
//!   as the app's Sandbox cloud and `gateway-studio sandbox` run them.
//! - [`faults`]: knobs that make a running emulator misbehave (rate limits, redirects, HTML pages,
//!   slow or huge bodies, wrong shapes, ...).
//!
//! Every emulator records the requests it received ([`RecordedRequest`]) so tests can assert
//! what a client actually sent.

pub mod arm;
pub mod demo;
pub mod faults;
pub mod foundry;
pub mod gateway;
pub mod stack;
pub mod token;
pub mod world;

mod body;
mod dialect;
mod server;

pub use arm::{ArmOptions, RunningArm, start_arm, start_arm_on};
pub use faults::{Fault, FaultScope, Faults, Route, Times};
pub use foundry::{FoundryOptions, RunningFoundry, start_foundry, start_foundry_on};
pub use gateway::{
    Deployment, GatewayAuth, GatewayConfig, GatewayStyle, RunningGateway, start_gateway,
    start_gateway_on,
};
pub use server::RecordedRequest;
pub use stack::{
    GatewayInfo, RunningSandbox, SandboxInfo, SandboxOptions, SandboxPorts, Seed, start_sandbox,
};
pub use token::{
    RunningTokenEndpoint, TokenEndpointConfig, TokenIssuer, start_token_endpoint,
    start_token_endpoint_on,
};
pub use world::World;
