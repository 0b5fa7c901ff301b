//! Local emulators for Gateway Studio, served in-process on loopback.
//!
//! They answer the way the real services do (status codes, error bodies, discovery shapes,
//! byo-gateway.md §4), so the checks that call gateways the way the Foundry Agent Service does
//! can be tested end to end without Azure:
//!
//! - [`gateway`]: sample AI gateways, OpenAI style (`/v1/...`) and Azure OpenAI / APIM style
//!   (`/openai/deployments/...`), with API-key, static bearer or OAuth2 auth.
//! - [`token`]: an OAuth2 client-credentials token endpoint in the style of Entra ID.
//! - [`faults`]: knobs that make a running emulator misbehave (rate limits, redirects, HTML pages,
//!   slow or huge bodies, wrong shapes, ...).
//!
//! Every emulator records the requests it received ([`RecordedRequest`]) so tests can assert
//! what a client actually sent.

pub mod demo;
pub mod faults;
pub mod gateway;
pub mod token;

mod body;
mod dialect;
mod server;

pub use faults::{Fault, FaultScope, Faults, Route, Times};
pub use gateway::{
    Deployment, GatewayAuth, GatewayConfig, GatewayStyle, RunningGateway, start_gateway,
    start_gateway_on,
};
pub use server::RecordedRequest;
pub use token::{
    RunningTokenEndpoint, TokenEndpointConfig, TokenIssuer, start_token_endpoint,
    start_token_endpoint_on,
};
