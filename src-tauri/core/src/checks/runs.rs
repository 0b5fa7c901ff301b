//! Check runs in SQLite: the run, its results as they finish, and (through [`Traces`]) every
//! exchange. A run still `running` when the app starts was cut short by a crash or a kill and
//! is marked `interrupted`, with the results it had.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{CheckOptions, CheckResult, RunEvent, RunOutcome};
use crate::store::{Store, StoreError};
use crate::trace::{TraceStoreError, Traces};

#[derive(Debug, thiserror::Error)]
pub enum RunStoreError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Trace(#[from] TraceStoreError),
    #[error("check run {id} is unreadable: {reason}")]
    Corrupt { id: String, reason: String },
    #[error("no check run {id}")]
    NotFound { id: String },
}

/// A run as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub id: String,
    pub draft_id: Option<String>,
    pub connection_name: Option<String>,
    pub started_at_ms: u64,
    pub finished_at_ms: Option<u64>,
    pub outcome: RunOutcome,
    pub passed: u32,
    pub warned: u32,
    pub failed: u32,
    pub skipped: u32,
}

/// A run with its results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    pub summary: RunSummary,
    pub options: CheckOptions,
    pub results: Vec<CheckResult>,
}

/// A fresh run id.
pub fn new_run_id() -> String {
    format!("run-{}", uuid::Uuid::new_v4())
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub struct Runs<'a> {
    store: &'a Store,
}

impl<'a> Runs<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    fn sqlx(&self, source: sqlx::Error) -> RunStoreError {
        RunStoreError::Store(StoreError::Sqlx {
            path: self.store.path().to_path_buf(),
            source,
        })
    }

    pub async fn create(
        &self,
        id: &str,
        draft_id: Option<&str>,
        connection_name: Option<&str>,
        options: &CheckOptions,
    ) -> Result<(), RunStoreError> {
        let options = serde_json::to_string(options).map_err(|e| RunStoreError::Corrupt {
            id: id.to_string(),
            reason: e.to_string(),
        })?;
        sqlx::query(
            "INSERT INTO check_runs (id, draft_id, connection_name, started_at_ms, outcome, options) \
             VALUES (?, ?, ?, ?, 'running', ?)",
        )
        .bind(id)
        .bind(draft_id)
        .bind(connection_name)
        .bind(now_ms() as i64)
        .bind(options)
        .execute(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(())
    }

    pub async fn add_result(
        &self,
        run_id: &str,
        result: &CheckResult,
    ) -> Result<(), RunStoreError> {
        let json = serde_json::to_string(result).map_err(|e| RunStoreError::Corrupt {
            id: run_id.to_string(),
            reason: e.to_string(),
        })?;
        sqlx::query(
            "INSERT INTO check_results (run_id, seq, result) VALUES \
             (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM check_results WHERE run_id = ?), ?)",
        )
        .bind(run_id)
        .bind(run_id)
        .bind(json)
        .execute(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(())
    }

    pub async fn finish(&self, run_id: &str, outcome: RunOutcome) -> Result<(), RunStoreError> {
        sqlx::query("UPDATE check_runs SET outcome = ?, finished_at_ms = ? WHERE id = ?")
            .bind(outcome.as_str())
            .bind(now_ms() as i64)
            .bind(run_id)
            .execute(self.store.pool())
            .await
            .map_err(|e| self.sqlx(e))?;
        Ok(())
    }

    /// Marks runs left `running` by a previous process as `interrupted`; returns how many.
    pub async fn mark_interrupted(&self) -> Result<u64, RunStoreError> {
        let done =
            sqlx::query("UPDATE check_runs SET outcome = 'interrupted' WHERE outcome = 'running'")
                .execute(self.store.pool())
                .await
                .map_err(|e| self.sqlx(e))?;
        Ok(done.rows_affected())
    }

    async fn results(&self, run_id: &str) -> Result<Vec<CheckResult>, RunStoreError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT result FROM check_results WHERE run_id = ? ORDER BY seq")
                .bind(run_id)
                .fetch_all(self.store.pool())
                .await
                .map_err(|e| self.sqlx(e))?;
        let mut results: Vec<CheckResult> = rows
            .iter()
            .filter_map(|r| serde_json::from_str(r).ok())
            .collect();
        results.sort_by_key(|r| r.id);
        Ok(results)
    }

    fn summary(row: &sqlx::sqlite::SqliteRow, results: &[CheckResult]) -> RunSummary {
        use super::CheckStatus::*;
        let count = |s| results.iter().filter(|r| r.status == s).count() as u32;
        RunSummary {
            id: row.get("id"),
            draft_id: row.get("draft_id"),
            connection_name: row.get("connection_name"),
            started_at_ms: row.get::<i64, _>("started_at_ms").max(0) as u64,
            finished_at_ms: row
                .get::<Option<i64>, _>("finished_at_ms")
                .map(|v| v.max(0) as u64),
            outcome: RunOutcome::parse(row.get("outcome")),
            passed: count(Pass),
            warned: count(Warn),
            failed: count(Fail),
            skipped: count(Skip),
        }
    }

    pub async fn get(&self, id: &str) -> Result<RunRecord, RunStoreError> {
        let row = sqlx::query("SELECT * FROM check_runs WHERE id = ?")
            .bind(id)
            .fetch_optional(self.store.pool())
            .await
            .map_err(|e| self.sqlx(e))?
            .ok_or_else(|| RunStoreError::NotFound { id: id.to_string() })?;
        let results = self.results(id).await?;
        let options =
            serde_json::from_str(row.get("options")).map_err(|e: serde_json::Error| {
                RunStoreError::Corrupt {
                    id: id.to_string(),
                    reason: e.to_string(),
                }
            })?;
        Ok(RunRecord {
            summary: Self::summary(&row, &results),
            options,
            results,
        })
    }

    /// The newest runs, optionally of one draft.
    pub async fn list(
        &self,
        draft_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<RunSummary>, RunStoreError> {
        let rows = sqlx::query(
            "SELECT * FROM check_runs WHERE (?1 IS NULL OR draft_id = ?1) \
             ORDER BY started_at_ms DESC, rowid DESC LIMIT ?2",
        )
        .bind(draft_id)
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.get("id");
            let results = self.results(&id).await?;
            out.push(Self::summary(&row, &results));
        }
        Ok(out)
    }

    /// Stores one progress event of run `run_id`.
    pub async fn record(&self, run_id: &str, event: &RunEvent) -> Result<(), RunStoreError> {
        match event {
            RunEvent::Started { .. } => Ok(()),
            RunEvent::Exchange(exchange) => Ok(Traces::new(self.store).insert(exchange).await?),
            RunEvent::Finished(result) => self.add_result(run_id, result).await,
        }
    }
}
