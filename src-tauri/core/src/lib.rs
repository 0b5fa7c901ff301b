//! The Gateway Studio domain. Nothing in this crate knows about Tauri: the desktop shell, the
//! CLI and the tests all drive the same code.

pub mod agent_service;
pub mod azure;
pub mod checks;
pub mod connection;
pub mod drafts;
pub mod export;
pub mod foundry;
pub mod gateway;
pub mod history;
pub mod logging;
pub mod net;
pub mod oauth2;
pub mod paths;
pub mod playground;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod trace;

/// The application's version, as built.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
