use std::sync::Mutex;

use gateway_studio_core::paths::Paths;
use gateway_studio_core::store::{Store, StoreError};

use crate::error::AppError;

pub struct AppState {
    pub paths: Paths,
    store: Result<Store, AppError>,
    pub first_paint_ms: Mutex<Option<f64>>,
}

impl AppState {
    pub fn new(paths: Paths, store: Result<Store, StoreError>) -> Self {
        Self {
            paths,
            store: store.map_err(AppError::from),
            first_paint_ms: Mutex::new(None),
        }
    }

    /// The database, or the reason it could not be opened (the same error every time, so each
    /// page can show it).
    pub fn store(&self) -> Result<&Store, AppError> {
        self.store.as_ref().map_err(Clone::clone)
    }
}
