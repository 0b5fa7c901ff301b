//! Foundry "bring your own AI gateway" connections: the domain model, its exact ARM JSON, and
//! validation.
//!
//! This module owns:
//! - the connection draft ([`Connection`]): both categories (`ApiManagement`, `ModelGateway`),
//!   project or account scope, the three gateway auth types, static models or dynamic
//!   discovery, custom headers and both ways of configuring the API key header. The draft holds
//!   no secret values, only [`SecretRef`]s;
//! - the ARM body ([`to_arm_body`]): `{"properties": {…}}` with every metadata value a string
//!   and nested values JSON-encoded in a fixed key order; the caller picks how the secret is
//!   rendered ([`SecretRendering`]: masked for previews, a placeholder for exports, the real
//!   value only for the ARM PUT);
//! - reading ARM JSON ([`parse_arm_json`], [`import_arm_json`]): PUT body files, ARM GET
//!   responses and the official samples' output, leniently, recording a [`Finding`] for every
//!   repair, and failing with a [`ParseError`] only when there is no gateway connection at all;
//! - validation ([`validate`]): every rule, as findings with a stable code and a JSON path.
//!
//! Wire names are exact and case-sensitive (byo-gateway.md §3); they live in `wire`.
//! No network, no keyring, no UI here.

mod defaults;
mod finding;
mod model;
mod parse;
mod serialise;
pub(crate) mod syntax;
mod validate;
// The exporters write the same keys in the same order; one spelling for both.
pub(crate) mod wire;

#[cfg(test)]
pub(crate) mod tests;

pub use defaults::APIM_INFERENCE_API_VERSION;
pub use finding::{Finding, FindingCode, Severity};
pub use model::{
    AuthConfig, Connection, ConnectionAuth, ConnectionCategory, ConnectionMetadata,
    ConnectionScope, DEFAULT_API_KEY_HEADER, DEFAULT_PMI_AUDIENCE, DiscoveryProvider,
    ModelDiscovery, ModelFormat, ModelInfo, SecretRef, SecretSlot,
};
pub use parse::{
    ImportedConnection, ImportedSecret, ParseError, import_arm_json, import_arm_value,
    parse_arm_json,
};
pub use serialise::{MASKED_SECRET, SecretRendering, to_arm_body};
pub(crate) use validate::name_problem;
pub use validate::validate;
