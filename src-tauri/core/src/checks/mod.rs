//! Gateway checks: send the gateway what the Agent Service would send, and say which setting
//! is wrong when it fails (issue #4; byo-gateway.md §4 is the contract, §4.4 the checks the
//! official test scripts make).
//!
//! A run is a set of independent checks executed concurrently with a bounded number of
//! requests in flight. Every HTTP exchange goes through [`crate::net::HttpClient`] and is
//! recorded, redacted, as a [`crate::trace::TraceExchange`]. The runner reports through a
//! channel ([`RunEvent`]) so the app can show progress and [`runs`] can store it.

mod explain;
pub mod runs;
mod suite;

use serde::{Deserialize, Serialize};

use crate::connection::{ModelFormat, ModelInfo};
use crate::secrets::Sensitive;
use crate::trace::TraceExchange;

pub use suite::{
    CheckRunner, PING_PROMPT, TOOL_NAME, TOOL_PROMPT, TOOL_RESULT, ping_body, tool_definition,
};

/// Per-request timeout when none is set.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Requests in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Deployments tested by default when the connection lists more.
pub const DEFAULT_DEPLOYMENTS: usize = 5;

macro_rules! check_ids {
    ($($variant:ident = $wire:literal: $title:literal,)*) => {
        /// Every check, in display order. The wire form is stable (CLI `--only`, JSON output).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
        pub enum CheckId {
            $(#[serde(rename = $wire)] $variant,)*
        }

        impl CheckId {
            pub const ALL: &'static [CheckId] = &[$(CheckId::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(CheckId::$variant => $wire,)* }
            }

            /// A short human title.
            pub fn title(self) -> &'static str {
                match self { $(CheckId::$variant => $title,)* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some(CheckId::$variant),)* _ => None }
            }
        }
    };
}

check_ids! {
    Config = "config": "Configuration",
    Reachability = "reachability": "Reachability",
    AuthToken = "auth-token": "OAuth2 token",
    DiscoveryList = "discovery-list": "Discovery: list",
    DiscoveryGet = "discovery-get": "Discovery: get",
    Models = "models": "Models",
    Chat = "chat": "Chat completion",
    Tools = "tools": "Tool round trip",
    Stream = "stream": "Streaming",
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Skip => "skip",
        }
    }
}

/// A model a discovery call returned, ready to become a row of the static `models` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveredModel {
    pub deployment_name: String,
    pub model_name: Option<String>,
    pub model_version: Option<String>,
    pub format: Option<String>,
}

impl DiscoveredModel {
    /// The static-list row for this model. OpenAI-shaped discovery has no format: the
    /// reference says such ids are OpenAI model names, hence `OpenAI`.
    pub fn to_model_info(&self) -> ModelInfo {
        ModelInfo::new(
            &self.deployment_name,
            self.model_name.as_deref().unwrap_or(&self.deployment_name),
            self.model_version.as_deref().unwrap_or(""),
            ModelFormat::from_wire(self.format.as_deref().unwrap_or("OpenAI")),
        )
    }
}

/// The result of one check (for per-deployment checks, of one deployment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub id: CheckId,
    /// The deployment tested, for `chat`, `tools`, `stream` and `discovery-get`.
    pub deployment: Option<String>,
    pub status: CheckStatus,
    pub duration_ms: u64,
    /// One line: what happened.
    pub message: String,
    /// On failure or warning: the likely fix, naming the setting.
    pub hint: Option<String>,
    /// Supporting lines (probe steps, validation findings, model names).
    pub details: Vec<String>,
    /// Trace ids of the exchanges this check made, in order.
    pub exchanges: Vec<String>,
    /// Models a discovery call returned (for "Add discovered models to the static list").
    pub discovered: Vec<DiscoveredModel>,
    /// `stream`: milliseconds to the first content token.
    pub first_token_ms: Option<u64>,
}

impl CheckResult {
    pub fn new(id: CheckId, status: CheckStatus, message: impl Into<String>) -> Self {
        Self {
            id,
            deployment: None,
            status,
            duration_ms: 0,
            message: message.into(),
            hint: None,
            details: Vec::new(),
            exchanges: Vec::new(),
            discovered: Vec::new(),
            first_token_ms: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn for_deployment(mut self, deployment: &str) -> Self {
        self.deployment = Some(deployment.to_string());
        self
    }
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CheckOptions {
    /// Deployments to call; empty = the static list (first few) or the first discovered one.
    #[serde(default)]
    pub deployments: Vec<String>,
    /// Checks to report; empty = all. Prerequisites (an OAuth2 token) still run.
    #[serde(default)]
    pub only: Vec<CheckId>,
    /// Per-request timeout.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECS
}

fn default_concurrency() -> u32 {
    DEFAULT_CONCURRENCY as u32
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            deployments: Vec::new(),
            only: Vec::new(),
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            concurrency: DEFAULT_CONCURRENCY as u32,
        }
    }
}

impl CheckOptions {
    pub fn wants(&self, id: CheckId) -> bool {
        self.only.is_empty() || self.only.contains(&id)
    }
}

/// The secrets a run may use. None of them is stored by the run.
#[derive(Debug, Clone, Default)]
pub struct CheckSecrets {
    pub api_key: Option<Sensitive<String>>,
    pub client_secret: Option<Sensitive<String>>,
    /// For `ProjectManagedIdentity`: a stand-in bearer token for the audience (pasted, or
    /// the user's own Azure CLI token). A laptop cannot obtain the project's identity token.
    pub bearer_token: Option<Sensitive<String>>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RunOutcome {
    Running,
    Passed,
    Warned,
    Failed,
    Cancelled,
    /// The app stopped while the run was in progress.
    Interrupted,
}

impl RunOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Passed => "passed",
            Self::Warned => "warned",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "passed" => Self::Passed,
            "warned" => Self::Warned,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            "running" => Self::Running,
            _ => Self::Interrupted,
        }
    }

    /// The outcome of finished results.
    pub fn of(results: &[CheckResult], cancelled: bool) -> Self {
        if cancelled {
            Self::Cancelled
        } else if results.iter().any(|r| r.status == CheckStatus::Fail) {
            Self::Failed
        } else if results.iter().any(|r| r.status == CheckStatus::Warn) {
            Self::Warned
        } else {
            Self::Passed
        }
    }
}

/// Progress of a run, in order.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// A check started (for per-deployment checks, with its deployment).
    Started {
        id: CheckId,
        deployment: Option<String>,
    },
    Exchange(Box<TraceExchange>),
    Finished(Box<CheckResult>),
}

#[cfg(test)]
mod tests;
