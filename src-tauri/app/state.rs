use std::sync::{Arc, Mutex};

use gateway_studio_core::drafts::Drafts;
use gateway_studio_core::paths::{APP_IDENTIFIER, Paths};
use gateway_studio_core::secrets::{KeyringStore, SecretStore};
use gateway_studio_core::store::{Store, StoreError};

use crate::azure::AzureService;
use crate::checks::CheckService;
use crate::close_guard::CloseGuard;
use crate::error::AppError;
use crate::playground::PlaygroundService;
use crate::sandbox::SandboxService;

pub struct AppState {
    pub paths: Paths,
    store: Result<Store, AppError>,
    secrets: Arc<dyn SecretStore>,
    pub first_paint_ms: Mutex<Option<f64>>,
    pub close_guard: CloseGuard,
    pub checks: CheckService,
    pub sandbox: SandboxService,
    pub azure: AzureService,
    pub playground: PlaygroundService,
}

impl AppState {
    /// State with the OS keyring as the secret store.
    pub fn new(paths: Paths, store: Result<Store, StoreError>) -> Self {
        Self::with_secrets(paths, store, Arc::new(KeyringStore::new(APP_IDENTIFIER)))
    }

    pub fn with_secrets(
        paths: Paths,
        store: Result<Store, StoreError>,
        secrets: Arc<dyn SecretStore>,
    ) -> Self {
        Self {
            paths,
            store: store.map_err(AppError::from),
            secrets,
            first_paint_ms: Mutex::new(None),
            close_guard: CloseGuard::default(),
            checks: CheckService::default(),
            sandbox: SandboxService::default(),
            azure: AzureService::default(),
            playground: PlaygroundService::default(),
        }
    }

    /// Connection drafts over the database and the keyring.
    pub fn drafts(&self) -> Result<Drafts<'_>, AppError> {
        Ok(Drafts::new(self.store()?, self.secrets.as_ref()))
    }

    /// The secret store (the OS keyring in the app).
    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    /// The database, or the reason it could not be opened (the same error every time, so each
    /// page can show it).
    pub fn store(&self) -> Result<&Store, AppError> {
        self.store.as_ref().map_err(Clone::clone)
    }
}
