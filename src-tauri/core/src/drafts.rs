//! Connection drafts at rest: the draft itself (no secret values) in SQLite, its secrets in the
//! OS keyring, linked by [`SecretId`]. Saving writes the keyring first and SQLite second, so a
//! keyring failure leaves nothing half-saved, and a secret is never written anywhere else.

use serde::Serialize;
use sqlx::Row;

use crate::azure::CloudId;
use crate::azure::arm::ConnectionParent;
use crate::connection::{
    Connection, ConnectionAuth, ConnectionCategory, ConnectionScope, Finding, ParseError,
    SecretRef, SecretSlot, Severity, import_arm_json, validate,
};
use crate::secrets::{SecretError, SecretId, SecretStore, Sensitive};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("no connection draft with id {id}; it may have been deleted. Reload the list")]
    NotFound { id: String },
    #[error("the stored draft {id} cannot be read ({reason}); it was left as it is")]
    Corrupt { id: String, reason: String },
    #[error("the file is not a connection this app can import: {0}")]
    Import(#[from] ParseError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

/// A saved draft as the editor opens it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub id: String,
    pub connection: Connection,
    /// Which secrets are in the keyring for this draft (never their values).
    pub stored_secrets: Vec<SecretSlot>,
    /// The Azure connection this draft was opened from or deployed to.
    pub linked: Option<DraftLink>,
    pub created_at: String,
    pub updated_at: String,
}

/// Where a draft lives in Azure: the cloud, the account or project, and the connection name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DraftLink {
    pub cloud: CloudId,
    pub parent: ConnectionParent,
    pub name: String,
}

impl DraftLink {
    /// One comparable string for the link (ARM names are case-insensitive).
    fn key(&self) -> String {
        let a = &self.parent.account;
        format!(
            "{:?}|{}|{}|{}|{}|{}",
            self.cloud,
            a.subscription_id,
            a.resource_group,
            a.account,
            self.parent.project.as_deref().unwrap_or(""),
            self.name
        )
        .to_lowercase()
    }
}

/// One row of the connection list.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DraftSummary {
    pub id: String,
    pub name: Option<String>,
    pub category: ConnectionCategory,
    pub scope: ConnectionScope,
    pub target: String,
    pub auth_type: String,
    pub models: ModelsSummary,
    pub errors: u32,
    pub warnings: u32,
    pub linked: Option<DraftLink>,
    pub updated_at: String,
}

/// How the Agent Service will find this connection's models.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ModelsSummary {
    Static {
        count: u32,
    },
    Dynamic,
    /// ApiManagement without either: the service's `/deployments` defaults.
    ApimDefaults,
    None,
}

/// A new draft made from an imported file, and what the file got wrong.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportedDraft {
    pub draft: Draft,
    /// Parse-time findings (repairs the draft no longer shows) and validation findings.
    pub findings: Vec<Finding>,
}

/// A secret typed by the user, to be stored with the draft.
pub struct SecretInput {
    pub slot: SecretSlot,
    pub value: Sensitive<String>,
}

pub struct Drafts<'a> {
    store: &'a Store,
    secrets: &'a dyn SecretStore,
}

fn slot_name(slot: SecretSlot) -> &'static str {
    match slot {
        SecretSlot::ApiKey => "apiKey",
        SecretSlot::ClientSecret => "clientSecret",
    }
}

fn slot_from_name(name: &str) -> Option<SecretSlot> {
    match name {
        "apiKey" => Some(SecretSlot::ApiKey),
        "clientSecret" => Some(SecretSlot::ClientSecret),
        _ => None,
    }
}

/// Makes the draft's secret references say what the keyring really holds, so validation
/// reports a missing key instead of trusting a stale reference.
fn reconcile_secret_refs(connection: &mut Connection, stored: &[SecretSlot]) {
    let present = |slot| stored.contains(&slot).then_some(SecretRef { slot });
    match &mut connection.auth {
        ConnectionAuth::ApiKey { key } => *key = present(SecretSlot::ApiKey),
        ConnectionAuth::OAuth2 { client_secret, .. } => {
            *client_secret = present(SecretSlot::ClientSecret)
        }
        ConnectionAuth::ProjectManagedIdentity { .. } | ConnectionAuth::Unsupported { .. } => {}
    }
}

impl<'a> Drafts<'a> {
    pub fn new(store: &'a Store, secrets: &'a dyn SecretStore) -> Self {
        Self { store, secrets }
    }

    fn sqlx(&self, source: sqlx::Error) -> DraftError {
        DraftError::Store(StoreError::Sqlx {
            path: self.store.path().to_path_buf(),
            source,
        })
    }

    /// Every draft, most recently changed first.
    pub async fn list(&self) -> Result<Vec<DraftSummary>, DraftError> {
        let rows = sqlx::query(
            "SELECT d.id, d.connection, d.updated_at, d.link, \
                    (SELECT group_concat(slot) FROM connection_draft_secrets s WHERE s.draft_id = d.id) AS slots \
             FROM connection_drafts d ORDER BY d.updated_at DESC, d.id",
        )
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.get("id");
            let stored = parse_slots(row.get::<Option<String>, _>("slots"));
            let Ok(connection) = decode(&id, row.get("connection"), &stored) else {
                // One unreadable row must not hide the others; `get` reports it in full.
                tracing::warn!(id, "skipping an unreadable connection draft");
                continue;
            };
            let linked = decode_link(row.get("link"));
            out.push(summarise(id, &connection, linked, row.get("updated_at")));
        }
        Ok(out)
    }

    pub async fn get(&self, id: &str) -> Result<Draft, DraftError> {
        let row = sqlx::query(
            "SELECT connection, link, created_at, updated_at FROM connection_drafts WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?
        .ok_or_else(|| DraftError::NotFound { id: id.to_string() })?;
        let stored = self.stored_slots(id).await?;
        let connection = decode(id, row.get("connection"), &stored)?;
        Ok(Draft {
            id: id.to_string(),
            connection,
            stored_secrets: stored,
            linked: decode_link(row.get("link")),
            created_at: row.get("created_at"),
            updated_at: row.get("updated_at"),
        })
    }

    async fn stored_slots(&self, id: &str) -> Result<Vec<SecretSlot>, DraftError> {
        let slots: Vec<String> = sqlx::query_scalar(
            "SELECT slot FROM connection_draft_secrets WHERE draft_id = ? ORDER BY slot",
        )
        .bind(id)
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(slots.iter().filter_map(|s| slot_from_name(s)).collect())
    }

    async fn secret_id(&self, id: &str, slot: SecretSlot) -> Result<Option<SecretId>, DraftError> {
        let secret: Option<String> = sqlx::query_scalar(
            "SELECT secret_id FROM connection_draft_secrets WHERE draft_id = ? AND slot = ?",
        )
        .bind(id)
        .bind(slot_name(slot))
        .fetch_optional(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(secret.as_deref().map(SecretId::from))
    }

    /// Creates (`id` = None) or replaces a draft. `secrets` are new values for their slots;
    /// slots not mentioned keep what the keyring has.
    pub async fn save(
        &self,
        id: Option<&str>,
        connection: &Connection,
        secrets: &[SecretInput],
    ) -> Result<Draft, DraftError> {
        let id = match id {
            Some(id) => {
                // Refuse to resurrect a draft deleted elsewhere under its old id.
                self.get(id).await?;
                id.to_string()
            }
            None => format!("draft-{}", uuid::Uuid::new_v4()),
        };

        // Keyring first: if it fails, nothing has been written.
        let mut written = Vec::new();
        for input in secrets {
            // Reuse the slot's keyring entry; a new slot gets a fresh random id.
            let secret_id = self.secret_id(&id, input.slot).await?.unwrap_or_default();
            if let Err(e) = self.secrets.put(&secret_id, &input.value) {
                self.forget_new(&id, &written).await;
                return Err(e.into());
            }
            written.push((input.slot, secret_id));
        }

        let json = serde_json::to_string(connection).expect("the connection model serialises");
        let result = async {
            let mut tx = self.store.pool().begin().await?;
            sqlx::query(
                "INSERT INTO connection_drafts (id, name, connection) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, connection = excluded.connection, \
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            )
            .bind(&id)
            .bind(connection.name.as_deref())
            .bind(&json)
            .execute(&mut *tx)
            .await?;
            for (slot, secret_id) in &written {
                sqlx::query(
                    "INSERT INTO connection_draft_secrets (draft_id, slot, secret_id) VALUES (?1, ?2, ?3) \
                     ON CONFLICT(draft_id, slot) DO UPDATE SET secret_id = excluded.secret_id",
                )
                .bind(&id)
                .bind(slot_name(*slot))
                .bind(secret_id.as_str())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            self.forget_new(&id, &written).await;
            return Err(self.sqlx(e));
        }
        self.get(&id).await
    }

    /// Reads an ARM connection JSON (PUT body, GET output, sample or export) into a new draft;
    /// real secret values in the file go to the keyring with it (placeholders do not).
    pub async fn import(&self, text: &str) -> Result<ImportedDraft, DraftError> {
        let imported = import_arm_json(text)?;
        let secrets: Vec<SecretInput> = imported
            .secrets
            .into_iter()
            .map(|s| SecretInput {
                slot: s.slot,
                value: s.value,
            })
            .collect();
        let draft = self.save(None, &imported.connection, &secrets).await?;
        Ok(ImportedDraft {
            draft,
            findings: imported.findings,
        })
    }

    /// Puts a ready-made connection (an ARM body with its secret, e.g. one of the sandbox's
    /// sample gateways) among the drafts. A draft of the same name whose target is on loopback
    /// is the one seeded before: only its `target` follows the new body (a port may have
    /// changed) and its secret is written only if none is stored, so the user's edits survive.
    /// Otherwise the body is imported as a new draft.
    pub async fn seed(&self, body: &serde_json::Value) -> Result<Draft, DraftError> {
        let imported = crate::connection::import_arm_value(body)?;
        let name = imported.connection.name.clone();
        let mut existing = None;
        for summary in self.list().await? {
            let loopback = url::Url::parse(&summary.target)
                .is_ok_and(|u| crate::connection::syntax::is_loopback(&u));
            if summary.name.is_some() && summary.name == name && loopback {
                existing = Some(summary.id);
                break;
            }
        }
        let Some(id) = existing else {
            let secrets: Vec<SecretInput> = imported
                .secrets
                .into_iter()
                .map(|s| SecretInput {
                    slot: s.slot,
                    value: s.value,
                })
                .collect();
            return self.save(None, &imported.connection, &secrets).await;
        };
        let draft = self.get(&id).await?;
        let missing: Vec<SecretInput> = imported
            .secrets
            .into_iter()
            .filter(|s| !draft.stored_secrets.contains(&s.slot))
            .map(|s| SecretInput {
                slot: s.slot,
                value: s.value,
            })
            .collect();
        if draft.connection.target == imported.connection.target && missing.is_empty() {
            return Ok(draft);
        }
        let mut connection = draft.connection;
        connection.target = imported.connection.target;
        self.save(Some(&id), &connection, &missing).await
    }

    /// Best-effort removal of keyring entries this save created but could not link.
    async fn forget_new(&self, id: &str, written: &[(SecretSlot, SecretId)]) {
        for (slot, secret_id) in written {
            if matches!(self.secret_id(id, *slot).await, Ok(Some(ref linked)) if linked == secret_id)
            {
                continue; // an existing entry that was overwritten: still linked, keep it
            }
            if let Err(e) = self.secrets.delete(secret_id) {
                tracing::warn!(id, error = %e, "could not remove an unlinked keyring entry");
            }
        }
    }

    /// Deletes the draft and its keyring entries.
    pub async fn delete(&self, id: &str) -> Result<(), DraftError> {
        let stored = self.stored_slots(id).await?;
        for slot in &stored {
            if let Some(secret_id) = self.secret_id(id, *slot).await? {
                self.secrets.delete(&secret_id)?;
            }
        }
        let deleted = sqlx::query("DELETE FROM connection_drafts WHERE id = ?")
            .bind(id)
            .execute(self.store.pool())
            .await
            .map_err(|e| self.sqlx(e))?;
        if deleted.rows_affected() == 0 {
            return Err(DraftError::NotFound { id: id.to_string() });
        }
        Ok(())
    }

    /// Links the draft to an Azure connection (or unlinks it with `None`). Another draft linked
    /// to the same resource loses the link: a resource maps to one draft.
    pub async fn set_link(&self, id: &str, link: Option<&DraftLink>) -> Result<(), DraftError> {
        let json = link.map(|l| serde_json::to_string(l).expect("a link serialises"));
        let key = link.map(DraftLink::key);
        let result = async {
            let mut tx = self.store.pool().begin().await?;
            if let Some(key) = &key {
                sqlx::query(
                    "UPDATE connection_drafts SET link = NULL, link_key = NULL WHERE link_key = ? AND id <> ?",
                )
                .bind(key)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            let updated = sqlx::query("UPDATE connection_drafts SET link = ?, link_key = ? WHERE id = ?")
                .bind(json)
                .bind(key)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(updated.rows_affected())
        }
        .await
        .map_err(|e| self.sqlx(e))?;
        if result == 0 {
            return Err(DraftError::NotFound { id: id.to_string() });
        }
        Ok(())
    }

    /// The draft linked to `link`, if any.
    pub async fn find_linked(&self, link: &DraftLink) -> Result<Option<String>, DraftError> {
        sqlx::query_scalar("SELECT id FROM connection_drafts WHERE link_key = ? LIMIT 1")
            .bind(link.key())
            .fetch_optional(self.store.pool())
            .await
            .map_err(|e| self.sqlx(e))
    }

    /// The secret value for one slot, for the one place it is needed (an ARM PUT, a gateway
    /// call).
    pub async fn secret(
        &self,
        id: &str,
        slot: SecretSlot,
    ) -> Result<Option<Sensitive<String>>, DraftError> {
        match self.secret_id(id, slot).await? {
            Some(secret_id) => Ok(self.secrets.get(&secret_id)?),
            None => Ok(None),
        }
    }
}

fn parse_slots(slots: Option<String>) -> Vec<SecretSlot> {
    slots
        .unwrap_or_default()
        .split(',')
        .filter_map(slot_from_name)
        .collect()
}

fn decode(id: &str, json: String, stored: &[SecretSlot]) -> Result<Connection, DraftError> {
    let mut connection: Connection =
        serde_json::from_str(&json).map_err(|e| DraftError::Corrupt {
            id: id.to_string(),
            reason: e.to_string(),
        })?;
    reconcile_secret_refs(&mut connection, stored);
    Ok(connection)
}

/// An unreadable link is dropped (the draft stays usable; the next open or deploy links it again).
fn decode_link(json: Option<String>) -> Option<DraftLink> {
    json.and_then(|j| serde_json::from_str(&j).ok())
}

fn summarise(
    id: String,
    connection: &Connection,
    linked: Option<DraftLink>,
    updated_at: String,
) -> DraftSummary {
    let findings = validate(connection);
    let count = |severity: Severity| {
        findings
            .iter()
            .filter(|f: &&Finding| f.severity == severity)
            .count() as u32
    };
    let models = match (
        &connection.metadata.models,
        &connection.metadata.model_discovery,
    ) {
        (Some(models), _) => ModelsSummary::Static {
            count: models.len() as u32,
        },
        (None, Some(_)) => ModelsSummary::Dynamic,
        (None, None) if connection.category == ConnectionCategory::ApiManagement => {
            ModelsSummary::ApimDefaults
        }
        (None, None) => ModelsSummary::None,
    };
    DraftSummary {
        id,
        name: connection.name.clone(),
        category: connection.category,
        scope: connection.scope,
        target: connection.target.clone(),
        auth_type: connection.auth.auth_type().to_string(),
        models,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        linked,
        updated_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::ModelFormat;
    use crate::connection::ModelInfo;
    use crate::secrets::MemoryStore;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).await.unwrap();
        (dir, store)
    }

    fn apim() -> Connection {
        let mut c = Connection::template(ConnectionCategory::ApiManagement);
        c.name = Some("apim-gw".into());
        c.target = "https://contoso.azure-api.net/openai".into();
        c.metadata.models = Some(vec![ModelInfo::new(
            "gpt-4o",
            "gpt-4o",
            "2024-11-20",
            ModelFormat::OpenAi,
        )]);
        c
    }

    fn key(value: &str) -> SecretInput {
        SecretInput {
            slot: SecretSlot::ApiKey,
            value: Sensitive::new(value.to_string()),
        }
    }

    #[tokio::test]
    async fn a_link_survives_edits_is_found_case_insensitively_and_belongs_to_one_draft() {
        use crate::azure::arm::AccountRef;
        let (_dir, store) = store().await;
        let keyring = MemoryStore::default();
        let drafts = Drafts::new(&store, &keyring);
        let first = drafts.save(None, &apim(), &[]).await.unwrap();
        let second = drafts.save(None, &apim(), &[]).await.unwrap();
        assert_eq!(first.linked, None);
        let link = DraftLink {
            cloud: CloudId::Sandbox,
            parent: ConnectionParent::project(AccountRef::new("s", "rg", "acct"), "proj"),
            name: "apim-gw".into(),
        };
        drafts.set_link(&first.id, Some(&link)).await.unwrap();
        // An edit keeps the link.
        drafts.save(Some(&first.id), &apim(), &[]).await.unwrap();
        assert_eq!(
            drafts.get(&first.id).await.unwrap().linked,
            Some(link.clone())
        );
        let mut shouted = link.clone();
        shouted.parent.account.resource_group = "RG".into();
        shouted.name = "APIM-GW".into();
        assert_eq!(
            drafts.find_linked(&shouted).await.unwrap(),
            Some(first.id.clone())
        );
        let mut elsewhere = link.clone();
        elsewhere.cloud = CloudId::Public;
        assert_eq!(drafts.find_linked(&elsewhere).await.unwrap(), None);
        // Linking another draft to the same resource moves the link.
        drafts.set_link(&second.id, Some(&link)).await.unwrap();
        assert_eq!(drafts.get(&first.id).await.unwrap().linked, None);
        assert_eq!(
            drafts.find_linked(&link).await.unwrap(),
            Some(second.id.clone())
        );
        let listed = drafts.list().await.unwrap();
        let row = listed.iter().find(|d| d.id == second.id).unwrap();
        assert_eq!(row.linked, Some(link.clone()));
        drafts.set_link(&second.id, None).await.unwrap();
        assert_eq!(drafts.find_linked(&link).await.unwrap(), None);
        assert!(matches!(
            drafts.set_link("draft-gone", Some(&link)).await,
            Err(DraftError::NotFound { .. })
        ));
    }

    #[tokio::test]
    async fn save_keeps_secrets_out_of_sqlite_and_in_the_keyring() {
        let (dir, store) = store().await;
        let keyring = MemoryStore::default();
        let drafts = Drafts::new(&store, &keyring);
        let draft = drafts
            .save(None, &apim(), &[key("sk-canary-0123456789")])
            .await
            .unwrap();
        assert_eq!(draft.stored_secrets, vec![SecretSlot::ApiKey]);
        assert_eq!(
            draft.connection.auth,
            ConnectionAuth::ApiKey {
                key: Some(SecretRef::API_KEY)
            }
        );
        assert_eq!(
            drafts
                .secret(&draft.id, SecretSlot::ApiKey)
                .await
                .unwrap()
                .unwrap()
                .expose(),
            "sk-canary-0123456789"
        );
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(store.pool())
            .await
            .unwrap();
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(
                !bytes.windows(b"sk-canary".len()).any(|w| w == b"sk-canary"),
                "a secret reached the database files"
            );
        }
    }

    #[tokio::test]
    async fn update_list_and_delete() {
        let (_dir, store) = store().await;
        let keyring = MemoryStore::default();
        let drafts = Drafts::new(&store, &keyring);
        let first = drafts.save(None, &apim(), &[key("one")]).await.unwrap();
        let mut mg = Connection::template(ConnectionCategory::ModelGateway);
        mg.name = Some("x".into());
        let second = drafts.save(None, &mg, &[]).await.unwrap();

        // Saving again without a secret keeps the stored one; with one replaces it.
        let mut renamed = first.connection.clone();
        renamed.name = Some("apim-renamed".into());
        let updated = drafts.save(Some(&first.id), &renamed, &[]).await.unwrap();
        assert_eq!(updated.connection.name.as_deref(), Some("apim-renamed"));
        assert_eq!(updated.stored_secrets, vec![SecretSlot::ApiKey]);
        drafts
            .save(Some(&first.id), &renamed, &[key("two")])
            .await
            .unwrap();
        assert_eq!(
            drafts
                .secret(&first.id, SecretSlot::ApiKey)
                .await
                .unwrap()
                .unwrap()
                .expose(),
            "two"
        );

        let list = drafts.list().await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].id, first.id, "most recently changed first");
        assert_eq!(list[0].models, ModelsSummary::Static { count: 1 });
        assert_eq!(list[1].id, second.id);
        assert!(list[1].errors > 0, "an empty ModelGateway draft has errors");

        drafts.delete(&first.id).await.unwrap();
        assert!(matches!(
            drafts.get(&first.id).await,
            Err(DraftError::NotFound { .. })
        ));
        assert!(
            keyring.get(&SecretId::from("nope")).unwrap().is_none()
                && drafts.list().await.unwrap().len() == 1
        );
        assert!(matches!(
            drafts.delete(&first.id).await,
            Err(DraftError::NotFound { .. })
        ));
        assert!(matches!(
            drafts.save(Some(&first.id), &renamed, &[]).await,
            Err(DraftError::NotFound { .. })
        ));
    }

    #[tokio::test]
    async fn a_missing_secret_is_visible_to_validation() {
        let (_dir, store) = store().await;
        let keyring = MemoryStore::default();
        let drafts = Drafts::new(&store, &keyring);
        let mut c = apim();
        c.auth = ConnectionAuth::api_key(); // claims a key, but none is stored
        let draft = drafts.save(None, &c, &[]).await.unwrap();
        assert_eq!(draft.connection.auth, ConnectionAuth::ApiKey { key: None });
        assert!(draft.stored_secrets.is_empty());
    }

    struct BrokenKeyring;
    impl SecretStore for BrokenKeyring {
        fn put(&self, _: &SecretId, _: &Sensitive<String>) -> Result<(), SecretError> {
            Err(SecretError::Unavailable {
                reason: "no D-Bus".into(),
            })
        }
        fn get(&self, _: &SecretId) -> Result<Option<Sensitive<String>>, SecretError> {
            Ok(None)
        }
        fn delete(&self, _: &SecretId) -> Result<(), SecretError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn an_unavailable_keyring_saves_nothing() {
        let (_dir, store) = store().await;
        let drafts = Drafts::new(&store, &BrokenKeyring);
        let err = drafts.save(None, &apim(), &[key("k")]).await.unwrap_err();
        assert!(
            err.to_string().contains("keyring is not available"),
            "{err}"
        );
        assert!(drafts.list().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn import_keeps_real_secrets_and_reports_findings() {
        let (_dir, store) = store().await;
        let keyring = MemoryStore::default();
        let drafts = Drafts::new(&store, &keyring);
        let body = r#"{"name": "gw", "properties": {"category": "ModelGateway",
            "target": "https://gw.example.com", "authType": "ApiKey",
            "credentials": {"key": "real-key-123"},
            "metadata": {"deploymentInPath": false, "models": "[]"}}}"#;
        let imported = drafts.import(body).await.unwrap();
        assert_eq!(imported.draft.stored_secrets, vec![SecretSlot::ApiKey]);
        assert_eq!(
            drafts
                .secret(&imported.draft.id, SecretSlot::ApiKey)
                .await
                .unwrap()
                .unwrap()
                .expose(),
            "real-key-123"
        );
        assert!(
            imported
                .findings
                .iter()
                .any(|f| f.path == "properties.metadata.deploymentInPath"),
            "a boolean metadata value is reported: {:?}",
            imported.findings
        );

        // An exported file carries a placeholder, which must not become the stored key.
        let exported = r#"{"name": "gw2", "properties": {"category": "ModelGateway",
            "target": "https://gw.example.com", "authType": "ApiKey",
            "credentials": {"key": "${GATEWAY_API_KEY}"},
            "metadata": {"deploymentInPath": "false", "customHeaders": "{}"}}}"#;
        let imported = drafts.import(exported).await.unwrap();
        assert!(imported.draft.stored_secrets.is_empty());

        assert!(matches!(
            drafts.import("{ not json").await,
            Err(DraftError::Import(_))
        ));
        assert_eq!(drafts.list().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn seeding_refreshes_the_target_and_keeps_the_users_edits() {
        let (_dir, store) = store().await;
        let keyring = MemoryStore::default();
        let drafts = Drafts::new(&store, &keyring);
        let body = |port: u16| {
            serde_json::json!({"name": "sandbox-openai", "properties": {
                "category": "ModelGateway", "target": format!("http://127.0.0.1:{port}/v1"),
                "authType": "ApiKey", "credentials": {"key": "demo-key"},
                "metadata": {"deploymentInPath": "false", "models": "[]", "customHeaders": "{}"}}})
        };
        let first = drafts.seed(&body(47112)).await.unwrap();
        assert_eq!(first.stored_secrets, vec![SecretSlot::ApiKey]);

        // The user edits the draft and its key; the sandbox comes back on another port.
        let mut edited = first.connection.clone();
        edited.metadata.custom_headers = [("X-Try".to_string(), "1".to_string())].into();
        drafts
            .save(
                Some(&first.id),
                &edited,
                &[SecretInput {
                    slot: SecretSlot::ApiKey,
                    value: Sensitive::new("my-wrong-key".into()),
                }],
            )
            .await
            .unwrap();
        let again = drafts.seed(&body(50000)).await.unwrap();
        assert_eq!(
            again.id, first.id,
            "the seeded draft is reused, not duplicated"
        );
        assert_eq!(again.connection.target, "http://127.0.0.1:50000/v1");
        assert_eq!(
            again.connection.metadata.custom_headers,
            edited.metadata.custom_headers
        );
        let key = drafts.secret(&first.id, SecretSlot::ApiKey).await.unwrap();
        assert_eq!(key.unwrap().expose(), "my-wrong-key");

        // A same-named draft for a real gateway is never taken over.
        let mut real = body(1);
        real["properties"]["target"] = "https://gw.example.com/v1".into();
        drafts.import(&real.to_string()).await.unwrap();
        drafts.seed(&body(50000)).await.unwrap();
        assert_eq!(drafts.list().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn an_unreadable_row_is_reported_not_hidden() {
        let (_dir, store) = store().await;
        let keyring = MemoryStore::default();
        let drafts = Drafts::new(&store, &keyring);
        let ok = drafts.save(None, &apim(), &[]).await.unwrap();
        sqlx::query("INSERT INTO connection_drafts (id, connection) VALUES ('bad', '{nope')")
            .execute(store.pool())
            .await
            .unwrap();
        let list = drafts.list().await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, ok.id);
        assert!(matches!(
            drafts.get("bad").await,
            Err(DraftError::Corrupt { .. })
        ));
    }
}
