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
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub theme: Theme,
}

const THEME_KEY: &str = "theme";

impl Settings {
    /// Reads the stored settings; a missing or unreadable value falls back to its default
    /// (a setting is never worth refusing to start over).
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        let theme = read::<Theme>(store, THEME_KEY).await?.unwrap_or_default();
        Ok(Self { theme })
    }

    pub async fn save(&self, store: &Store) -> Result<(), StoreError> {
        write(store, THEME_KEY, &self.theme).await
    }
}

async fn read<T: for<'de> Deserialize<'de>>(
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

async fn write<T: Serialize>(store: &Store, key: &str, value: &T) -> Result<(), StoreError> {
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
        let dark = Settings { theme: Theme::Dark };
        dark.save(&store).await.unwrap();
        assert_eq!(Settings::load(&store).await.unwrap(), dark);

        sqlx::query("UPDATE settings SET value = 'not json' WHERE key = 'theme'")
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(Settings::load(&store).await.unwrap().theme, Theme::System);
    }
}
