//! User preferences, stored as JSON values in the `settings` table.

use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Follow the operating system's light/dark preference.
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub theme: Theme,
    pub network: NetworkSettings,
    /// The cloud chosen last; the Sandbox cloud restarts its emulators when the app opens.
    pub cloud: crate::azure::CloudId,
    /// The first-run screen was answered (or dismissed).
    pub welcomed: bool,
}

/// How the app reaches gateways. Proxies come from `HTTPS_PROXY`/`NO_PROXY`; only what the
/// environment cannot say is kept here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct NetworkSettings {
    /// PEM files of CAs trusted in addition to the OS roots (gateways with private
    /// certificates). Paths, not contents: a renewed bundle is picked up on the next run.
    pub ca_bundles: Vec<String>,
    /// Per-request timeout of gateway checks.
    pub check_timeout_secs: u64,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            ca_bundles: Vec::new(),
            check_timeout_secs: crate::checks::DEFAULT_TIMEOUT_SECS,
        }
    }
}

impl NetworkSettings {
    /// The network options these settings and the environment describe. An unreadable CA
    /// file is an error naming it: silently trusting less would fail later and obscurely.
    pub fn network_options(&self) -> Result<crate::net::NetworkOptions, String> {
        network_options(&self.ca_bundles)
    }
}

/// Proxies from the environment plus the CA bundles in `ca_files`.
pub fn network_options(ca_files: &[String]) -> Result<crate::net::NetworkOptions, String> {
    let mut extra_ca_pem = Vec::new();
    for file in ca_files {
        let pem = std::fs::read_to_string(file).map_err(|e| {
            format!("cannot read the CA bundle {file}: {e}. Fix the path in Settings → Network (or --ca-bundle)")
        })?;
        extra_ca_pem.push((file.clone(), pem));
    }
    Ok(crate::net::NetworkOptions {
        proxy: crate::net::ProxySettings::from_env(),
        extra_ca_pem,
    })
}

const THEME_KEY: &str = "theme";
const NETWORK_KEY: &str = "network";
const CLOUD_KEY: &str = "cloud";
const WELCOMED_KEY: &str = "welcomed";

impl Settings {
    /// Reads the stored settings; a missing or unreadable value falls back to its default
    /// (a setting is never worth refusing to start over).
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        let theme = read::<Theme>(store, THEME_KEY).await?.unwrap_or_default();
        let network = read::<NetworkSettings>(store, NETWORK_KEY)
            .await?
            .unwrap_or_default();
        let cloud = read(store, CLOUD_KEY).await?.unwrap_or_default();
        let welcomed = read(store, WELCOMED_KEY).await?.unwrap_or_default();
        Ok(Self {
            theme,
            network,
            cloud,
            welcomed,
        })
    }

    pub async fn save(&self, store: &Store) -> Result<(), StoreError> {
        write(store, THEME_KEY, &self.theme).await?;
        write(store, NETWORK_KEY, &self.network).await?;
        write(store, CLOUD_KEY, &self.cloud).await?;
        write(store, WELCOMED_KEY, &self.welcomed).await
    }
}

/// One value of the `settings` table; an unreadable one reads as absent (the default wins).
pub(crate) async fn read<T: for<'de> Deserialize<'de>>(
    store: &Store,
    key: &str,
) -> Result<Option<T>, StoreError> {
    let raw: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(store.pool())
        .await
        .map_err(|source| StoreError::Sqlx {
            path: store.path().to_path_buf(),
            source,
        })?;
    Ok(raw.and_then(|v| match serde_json::from_str(&v) {
        Ok(value) => Some(value),
        Err(e) => {
            tracing::warn!(key, error = %e, "ignoring an unreadable setting");
            None
        }
    }))
}

pub(crate) async fn write<T: Serialize>(
    store: &Store,
    key: &str,
    value: &T,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(value).expect("settings values serialise");
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, \
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(key)
    .bind(json)
    .execute(store.pool())
    .await
    .map_err(|source| StoreError::Sqlx {
        path: store.path().to_path_buf(),
        source,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn round_trips_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).await.unwrap();
        assert_eq!(Settings::load(&store).await.unwrap(), Settings::default());
        let dark = Settings {
            theme: Theme::Dark,
            cloud: crate::azure::CloudId::Sandbox,
            welcomed: true,
            ..Settings::default()
        };
        dark.save(&store).await.unwrap();
        assert_eq!(Settings::load(&store).await.unwrap(), dark);

        sqlx::query("UPDATE settings SET value = 'not json' WHERE key = 'theme'")
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(Settings::load(&store).await.unwrap().theme, Theme::System);
    }
}
