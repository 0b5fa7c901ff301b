//! The local SQLite database: one file in the data directory, WAL, foreign keys on, a busy
//! timeout, and migrations embedded in the binary.
//!
//! Before anything writes to an existing file it is inspected read-only: a file that is not a
//! database, or one migrated by a newer Gateway Studio, is reported and left byte-for-byte
//! untouched (setting WAL alone would already rewrite its header).

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{ConnectOptions, Connection};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: u32 = 4;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot create the data folder {path}: {source}. Check its permissions, or choose another folder with --data-dir DIR"
    )]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not a Gateway Studio database ({reason}). It was left untouched: move it aside, or choose another folder with --data-dir DIR"
    )]
    NotADatabase { path: PathBuf, reason: String },
    #[error(
        "{path} was written by a newer Gateway Studio (schema {found}; this build knows up to {supported}). It was left untouched: update Gateway Studio, or choose another folder with --data-dir DIR"
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{path} does not match this build's schema ({reason}). It was left untouched: use the Gateway Studio build that created it, or choose another folder with --data-dir DIR"
    )]
    SchemaConflict { path: PathBuf, reason: String },
    #[error("database error in {path}: {source}")]
    Sqlx { path: PathBuf, source: sqlx::Error },
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

/// The newest schema version this binary knows.
pub fn supported_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            inspect_existing(path).await?;
        }

        let sqlx_err = |source| StoreError::Sqlx {
            path: path.to_path_buf(),
            source,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(sqlx_err)?;
        MIGRATOR.run(&pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(source) => sqlx_err(source),
            other => StoreError::SchemaConflict {
                path: path.to_path_buf(),
                reason: other.to_string(),
            },
        })?;
        tracing::info!(path = %path.display(), schema = supported_schema_version(), "database ready");
        Ok(Self {
            pool,
            path: path.to_path_buf(),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes on disk, the write-ahead log included.
    pub fn size_on_disk(&self) -> u64 {
        let wal = PathBuf::from(format!("{}-wal", self.path.display()));
        [self.path.as_path(), wal.as_path()]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    /// The highest migration applied to this database.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await
            .map(|v| v.unwrap_or(0))
            .map_err(|source| StoreError::Sqlx {
                path: self.path.clone(),
                source,
            })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Reads an existing file without changing it: is it SQLite, and is its schema one we know?
async fn inspect_existing(path: &Path) -> Result<(), StoreError> {
    let not_a_db = |reason: String| StoreError::NotADatabase {
        path: path.to_path_buf(),
        reason,
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(|e| not_a_db(e.to_string()))?;
    let has_migrations: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(&mut conn)
    .await
    .map_err(|e| not_a_db(e.to_string()))?;
    let found = match has_migrations {
        Some(_) => {
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(version) FROM _sqlx_migrations")
                .fetch_one(&mut conn)
                .await
                .map_err(|e| not_a_db(e.to_string()))?
                .unwrap_or(0)
        }
        None => 0,
    };
    let _ = conn.close().await;
    let supported = supported_schema_version();
    if found > supported {
        return Err(StoreError::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            supported,
        });
    }
    Ok(())
}

/// Helpers for tests in this and other crates.
#[doc(hidden)]
pub mod testing {
    use super::Store;

    /// Records a migration this build does not know, as a newer Gateway Studio would, and
    /// folds the WAL into the main file so the bytes on disk are the whole database.
    pub async fn insert_future_migration(store: &Store, version: i64) {
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (?1, 'from the future', 1, x'00', 0)",
        )
        .bind(version)
        .execute(store.pool())
        .await
        .expect("insert migration record");
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(store.pool())
            .await
            .expect("checkpoint");
    }

    /// One string from a query, for tests that inspect what was stored.
    pub async fn query_string(store: &Store, sql: &str) -> String {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(store.pool())
            .await
            .expect("query a string")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_with_wal_foreign_keys_and_the_latest_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/db.sqlite");
        let store = Store::open(&path).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(fk, 1);
        let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(timeout, 5000);
        assert_eq!(
            store.schema_version().await.unwrap(),
            supported_schema_version()
        );
        assert!(store.size_on_disk() > 0);
        store.close().await;

        // Opening again is a no-op migration.
        let again = Store::open(&path).await.unwrap();
        assert_eq!(
            again.schema_version().await.unwrap(),
            supported_schema_version()
        );
    }

    #[tokio::test]
    async fn a_newer_schema_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let store = Store::open(&path).await.unwrap();
        testing::insert_future_migration(&store, 99990101000000).await;
        store.close().await;
        let before = std::fs::read(&path).unwrap();

        let err = Store::open(&path).await.unwrap_err();
        match &err {
            StoreError::SchemaTooNew {
                found, supported, ..
            } => {
                assert_eq!(*found, 99990101000000);
                assert_eq!(*supported, supported_schema_version());
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("left untouched"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[tokio::test]
    async fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let junk = b"this is a text file, not a database\n".repeat(200);
        std::fs::write(&path, &junk).unwrap();
        let err = Store::open(&path).await.unwrap_err();
        assert!(
            matches!(err, StoreError::NotADatabase { .. }),
            "unexpected {err:?}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), junk);
    }
}
