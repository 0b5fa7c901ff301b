//! Where Gateway Studio keeps its files.
//!
//! Resolution order: `--data-dir DIR`, then env `GATEWAY_STUDIO_DATA_DIR` (both read by the CLI
//! parser and passed in as one override), then the platform app-data directory. The platform rules match Tauri's path resolver (`app_data_dir`,
//! `app_log_dir`) so the window and the headless CLI agree, but are computed here because the CLI
//! runs without a Tauri app.

use std::path::{Path, PathBuf};

/// Bundle identifier; also the folder name under the platform data directory.
pub const APP_IDENTIFIER: &str = "dev.gatewaystudio.desktop";
pub const DATA_DIR_ENV: &str = "GATEWAY_STUDIO_DATA_DIR";
pub const DATABASE_FILE: &str = "gateway-studio.sqlite";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error(
        "could not find a home or data directory for this user; pass --data-dir DIR or set {DATA_DIR_ENV}"
    )]
    NoPlatformDir,
}

impl Paths {
    /// Paths under one explicit folder (`--data-dir`, the env override, tests).
    pub fn under(dir: impl Into<PathBuf>) -> Self {
        let data_dir = dir.into();
        Self {
            log_dir: data_dir.join("logs"),
            data_dir,
        }
    }

    /// An explicit folder wins; otherwise the platform directory.
    pub fn resolve(override_dir: Option<&Path>) -> Result<Self, PathsError> {
        match override_dir {
            Some(dir) if !dir.as_os_str().is_empty() => Ok(Self::under(dir)),
            _ => Self::platform(),
        }
    }

    pub fn platform() -> Result<Self, PathsError> {
        let data_dir = dirs::data_dir()
            .ok_or(PathsError::NoPlatformDir)?
            .join(APP_IDENTIFIER);
        #[cfg(target_os = "macos")]
        let log_dir = dirs::home_dir()
            .ok_or(PathsError::NoPlatformDir)?
            .join("Library/Logs")
            .join(APP_IDENTIFIER);
        #[cfg(not(target_os = "macos"))]
        let log_dir = dirs::data_local_dir()
            .ok_or(PathsError::NoPlatformDir)?
            .join(APP_IDENTIFIER)
            .join("logs");
        Ok(Self { data_dir, log_dir })
    }

    pub fn database(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_puts_everything_under_it() {
        let p = Paths::resolve(Some(Path::new("/a"))).unwrap();
        assert_eq!(p.data_dir, PathBuf::from("/a"));
        assert_eq!(p.log_dir, PathBuf::from("/a/logs"));
        assert_eq!(p.database(), PathBuf::from("/a/gateway-studio.sqlite"));
    }

    #[test]
    fn without_an_override_the_platform_folder_is_used() {
        for none in [None, Some(Path::new(""))] {
            let p = Paths::resolve(none).unwrap();
            assert!(p.data_dir.ends_with(APP_IDENTIFIER), "{p:?}");
        }
    }
}
