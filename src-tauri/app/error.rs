//! Errors as they cross the IPC boundary: data, tagged by `kind`, each with a human `message`
//! and structured `details` the UI can act on. The generated TypeScript mirrors this as a
//! discriminated union.

use serde::Serialize;

use gateway_studio_core::azure::arm::MissingLevel;
use gateway_studio_core::azure::{ArmError, CredentialError};
use gateway_studio_core::checks::runs::RunStoreError;
use gateway_studio_core::drafts::DraftError;
use gateway_studio_core::export::ExportError;
use gateway_studio_core::secrets::SecretError;
use gateway_studio_core::store::StoreError;
use gateway_studio_core::trace::TraceStoreError;

#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AppError {
    /// The database was written by a newer Gateway Studio; it is left untouched.
    #[error("{message}")]
    SchemaTooNew {
        message: String,
        details: SchemaTooNewDetails,
    },
    /// The database could not be opened, read or written.
    #[error("{message}")]
    Storage {
        message: String,
        details: StorageDetails,
    },
    /// The OS keyring is unavailable or refused; nothing was saved elsewhere.
    #[error("{message}")]
    Keyring {
        message: String,
        details: KeyringDetails,
    },
    /// The thing asked for does not exist (any more).
    #[error("{message}")]
    NotFound {
        message: String,
        details: NotFoundDetails,
    },
    /// A file or pasted text could not be read as what it should be.
    #[error("{message}")]
    InvalidFile {
        message: String,
        details: InvalidFileDetails,
    },
    /// The local sandbox could not start (a port refused).
    #[error("{message}")]
    Sandbox {
        message: String,
        details: SandboxDetails,
    },
    /// An argument from the UI was rejected; `field` names it.
    #[error("{message}")]
    InvalidInput {
        message: String,
        details: InvalidInputDetails,
    },
    /// Azure Resource Manager refused or could not be reached; `details` says which level is
    /// missing, what to do, and the trace run holding the exchanges.
    #[error("{message}")]
    Arm {
        message: String,
        /// Boxed: the biggest details, and every `Result<_, AppError>` pays for the largest.
        details: Box<ArmDetails>,
    },
    /// No Azure token could be had (sign-in method, tenant, secret).
    #[error("{message}")]
    Credential {
        message: String,
        details: CredentialDetails,
    },
    /// An agent could not be set up or run (the service's or the gateway's words).
    #[error("{message}")]
    Agent {
        message: String,
        details: AgentDetails,
    },
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentDetails {
    /// `model_not_found`, `DeploymentNotFound`, `PermissionDenied`, `gateway_error`, …
    pub code: String,
    /// What to change.
    pub fix: String,
    /// The trace run holding the exchanges, when there were some.
    pub trace_run_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ArmDetails {
    /// Stable code, e.g. `arm-not-found`, `arm-unauthorized`, `deploy-blocked`.
    pub code: String,
    pub status: Option<u16>,
    /// ARM's `error.code`.
    pub arm_code: Option<String>,
    pub correlation_id: Option<String>,
    pub request_id: Option<String>,
    /// On a 404, the level that does not exist: `subscription`, `resourceGroup`, `account`,
    /// `project`, `connection` (or `deployment`).
    pub missing: Option<String>,
    /// What to do about it.
    pub hint: String,
    pub url: Option<String>,
    /// The trace run with every ARM exchange of the command (`check_run_get`-style lookup via
    /// `trace_exchange_get`).
    pub trace_run_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CredentialDetails {
    pub code: String,
    /// What to do about it.
    pub fix: String,
}

impl AppError {
    /// The error of an ARM call made under trace run `run_id`.
    pub fn arm(e: &ArmError, run_id: Option<&str>) -> Self {
        let missing = e.missing().map(|m| {
            match m {
                MissingLevel::Subscription { .. } => "subscription",
                MissingLevel::ResourceGroup { .. } => "resourceGroup",
                MissingLevel::Account { .. } => "account",
                MissingLevel::Project { .. } => "project",
                MissingLevel::Connection { .. } => "connection",
                MissingLevel::Deployment { .. } => "deployment",
            }
            .to_string()
        });
        AppError::Arm {
            message: e.to_string(),
            details: Box::new(ArmDetails {
                code: e.code().to_string(),
                status: e.status(),
                arm_code: e.arm_code().map(str::to_string),
                correlation_id: e.correlation_id().map(str::to_string),
                request_id: e.answer().and_then(|a| a.request_id.clone()),
                missing,
                hint: e.hint(),
                url: e.url().map(str::to_string),
                trace_run_id: run_id.map(str::to_string),
            }),
        }
    }

    /// A refusal decided by the app before or after talking to ARM (deploy blockers, …).
    pub fn arm_refused(code: &str, message: String, hint: String, run_id: Option<&str>) -> Self {
        AppError::Arm {
            message,
            details: Box::new(ArmDetails {
                code: code.to_string(),
                status: None,
                arm_code: None,
                correlation_id: None,
                request_id: None,
                missing: None,
                hint,
                url: None,
                trace_run_id: run_id.map(str::to_string),
            }),
        }
    }

    pub fn credential(code: &str, message: String, fix: String) -> Self {
        AppError::Credential {
            message,
            details: CredentialDetails {
                code: code.to_string(),
                fix,
            },
        }
    }
}

impl AppError {
    pub fn agent(code: &str, message: String, fix: String, trace_run_id: Option<String>) -> Self {
        AppError::Agent {
            message,
            details: AgentDetails {
                code: code.to_string(),
                fix,
                trace_run_id,
            },
        }
    }
}

impl From<gateway_studio_core::playground::HistoryError> for AppError {
    fn from(e: gateway_studio_core::playground::HistoryError) -> Self {
        use gateway_studio_core::playground::HistoryError;
        match e {
            HistoryError::Store(store) => store.into(),
            HistoryError::NotFound { id } => AppError::NotFound {
                message: format!("no playground conversation {id}: it may have been purged"),
                details: NotFoundDetails {
                    what: "conversation".into(),
                    id,
                },
            },
            HistoryError::Corrupt { ref id, .. } => AppError::Storage {
                message: e.to_string(),
                details: StorageDetails {
                    path: format!("agent_conversations/{id}"),
                    problem: StorageProblem::Sqlite,
                },
            },
        }
    }
}

impl From<CredentialError> for AppError {
    fn from(e: CredentialError) -> Self {
        // The fix goes to `details.fix` alone, so the UI does not say it twice.
        let (message, fix) = e.parts();
        let fix =
            fix.unwrap_or_else(|| "Check the sign-in in Settings → Azure, then try again.".into());
        AppError::credential(e.code(), message, fix)
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SandboxDetails {
    /// What to do about it.
    pub hint: String,
}

impl AppError {
    pub fn sandbox(message: String, hint: &str) -> Self {
        AppError::Sandbox {
            message,
            details: SandboxDetails { hint: hint.into() },
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SchemaTooNewDetails {
    pub path: String,
    pub found: i64,
    pub supported: i64,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum StorageProblem {
    CreateDir,
    NotADatabase,
    SchemaConflict,
    Sqlite,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct StorageDetails {
    pub path: String,
    pub problem: StorageProblem,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct KeyringDetails {
    /// False when no keyring could be reached at all (e.g. no Secret Service on D-Bus).
    pub available: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct NotFoundDetails {
    pub what: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct InvalidFileDetails {
    /// JSON path of the problem (`$` for the whole document).
    pub path: String,
    pub code: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct InvalidInputDetails {
    pub field: String,
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        let storage = |path: &std::path::Path, problem| AppError::Storage {
            message: message.clone(),
            details: StorageDetails {
                path: path.display().to_string(),
                problem,
            },
        };
        match &e {
            StoreError::SchemaTooNew {
                path,
                found,
                supported,
            } => AppError::SchemaTooNew {
                message: message.clone(),
                details: SchemaTooNewDetails {
                    path: path.display().to_string(),
                    found: *found,
                    supported: *supported,
                },
            },
            StoreError::CreateDir { path, .. } => storage(path, StorageProblem::CreateDir),
            StoreError::NotADatabase { path, .. } => storage(path, StorageProblem::NotADatabase),
            StoreError::SchemaConflict { path, .. } => {
                storage(path, StorageProblem::SchemaConflict)
            }
            StoreError::Sqlx { path, .. } => storage(path, StorageProblem::Sqlite),
        }
    }
}

impl From<SecretError> for AppError {
    fn from(e: SecretError) -> Self {
        AppError::Keyring {
            message: e.to_string(),
            details: KeyringDetails {
                available: !matches!(e, SecretError::Unavailable { .. }),
            },
        }
    }
}

impl From<DraftError> for AppError {
    fn from(e: DraftError) -> Self {
        match e {
            DraftError::NotFound { ref id } => AppError::NotFound {
                message: e.to_string(),
                details: NotFoundDetails {
                    what: "connection draft".into(),
                    id: id.clone(),
                },
            },
            DraftError::Corrupt { ref id, .. } => AppError::Storage {
                message: e.to_string(),
                details: StorageDetails {
                    path: format!("connection_drafts/{id}"),
                    problem: StorageProblem::Sqlite,
                },
            },
            DraftError::Import(ref parse) => AppError::InvalidFile {
                message: parse.to_string(),
                details: InvalidFileDetails {
                    path: parse.path().to_string(),
                    code: parse.code().to_string(),
                },
            },
            DraftError::Store(e) => e.into(),
            DraftError::Secret(e) => e.into(),
        }
    }
}

impl From<ExportError> for AppError {
    fn from(e: ExportError) -> Self {
        AppError::InvalidInput {
            message: e.to_string(),
            details: InvalidInputDetails {
                field: "name".into(),
            },
        }
    }
}

impl From<RunStoreError> for AppError {
    fn from(e: RunStoreError) -> Self {
        let corrupt = |message: String, id: &str| AppError::Storage {
            message,
            details: StorageDetails {
                path: format!("check_runs/{id}"),
                problem: StorageProblem::Sqlite,
            },
        };
        match e {
            RunStoreError::NotFound { ref id } => AppError::NotFound {
                message: format!("{e}: it may have been purged"),
                details: NotFoundDetails {
                    what: "check run".into(),
                    id: id.clone(),
                },
            },
            RunStoreError::Store(e) | RunStoreError::Trace(TraceStoreError::Store(e)) => e.into(),
            RunStoreError::Corrupt { ref id, .. }
            | RunStoreError::Trace(TraceStoreError::Corrupt { ref id, .. }) => {
                corrupt(e.to_string(), id)
            }
        }
    }
}
