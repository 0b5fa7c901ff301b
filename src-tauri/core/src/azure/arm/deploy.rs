//! Deploying a connection: what a PUT would change on Azure, and whether it may be sent.
//!
//! PUT replaces the whole resource (byo-gateway.md §2.1). ARM never returns secrets, so a body
//! built from what ARM shows would silently remove the stored key; and a body built from a
//! local draft can drop metadata someone added on Azure. [`plan_deploy`] compares the two and
//! refuses ([`DeployPlan::blockers`]) or asks first ([`DeployPlan::confirmations`]); the app,
//! the CLI and the tests all deploy through it.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{ArmClient, ArmConnection, ArmError, ConnectionParent, MissingLevel};
use crate::connection::{
    Connection, ConnectionAuth, SecretRendering, SecretSlot, Severity, to_arm_body, validate,
};
use crate::secrets::Sensitive;

/// Properties ARM sets itself: absent from a PUT body without that being a removal.
const SERVER_SET_PROPERTIES: [&str; 4] = ["createdByWorkspaceArmId", "group", "error", "peStatus"];

/// What the PUT would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum DeployAction {
    Create,
    Replace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
    /// A secret is sent. ARM never shows the stored one, so it cannot be compared: the one sent
    /// replaces it.
    Secret,
}

/// One field of `properties` that differs. Values are compact JSON text, or the metadata
/// string as written; secrets are never in them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// `properties.target`, `properties.metadata.models`, `properties.credentials.key`.
    pub path: String,
    pub kind: ChangeKind,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Why a deploy is refused, or what needs a yes first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DeployIssue {
    /// Stable: `invalid-connection`, `name-missing`, `secret-missing`, `field-removed`,
    /// `category-changed`, `auth-type-changed`.
    pub code: String,
    pub message: String,
    pub fix: String,
}

/// The result of comparing a draft with what exists on Azure. Holds no secret.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DeployPlan {
    pub name: String,
    pub parent: ConnectionParent,
    /// Where the PUT goes.
    pub url: String,
    pub action: DeployAction,
    /// The existing resource's body as ARM returned it (no secrets: ARM returns none).
    pub before: Option<Value>,
    /// The body that will be sent, secret masked.
    pub after: Value,
    pub changes: Vec<FieldChange>,
    /// The deploy is refused while any is here.
    pub blockers: Vec<DeployIssue>,
    /// Each needs an explicit yes: the PUT would lose something that exists on Azure.
    pub confirmations: Vec<DeployIssue>,
}

impl DeployPlan {
    /// No blockers, and every confirmation answered (`confirmed`).
    pub fn can_deploy(&self, confirmed: bool) -> bool {
        self.blockers.is_empty() && (confirmed || self.confirmations.is_empty())
    }

    /// Nothing would change but the secret being sent again.
    pub fn is_unchanged(&self) -> bool {
        self.action == DeployAction::Replace
            && self.changes.iter().all(|c| c.kind == ChangeKind::Secret)
    }
}

/// The existing connection, or `None` when ARM says it does not exist. A 404 for any other
/// level (no such project, account, …) is an error: there is nowhere to deploy to.
pub async fn read_existing(
    client: &ArmClient,
    parent: &ConnectionParent,
    name: &str,
) -> Result<Option<ArmConnection>, ArmError> {
    match client.get_connection(parent, name).await {
        Ok(connection) => Ok(Some(connection)),
        Err(err) if matches!(err.missing(), Some(MissingLevel::Connection { .. })) => Ok(None),
        Err(err) => Err(err),
    }
}

/// `connection` as it will be sent to `parent`: the scope follows where it is deployed, and the
/// secret is referenced exactly when one is given.
fn as_sent(
    parent: &ConnectionParent,
    connection: &Connection,
    secret: Option<&Sensitive<String>>,
) -> Connection {
    let mut sent = connection.clone();
    sent.scope = parent.scope();
    let reference = secret.map(|_| crate::connection::SecretRef {
        slot: connection.auth.secret_slot().unwrap_or(SecretSlot::ApiKey),
    });
    match &mut sent.auth {
        ConnectionAuth::ApiKey { key } => *key = reference,
        ConnectionAuth::OAuth2 { client_secret, .. } => *client_secret = reference,
        ConnectionAuth::ProjectManagedIdentity { .. } | ConnectionAuth::Unsupported { .. } => {}
    }
    sent
}

/// The plan for PUTting `connection` under `parent`. `secret` is the API key or client secret
/// (from the keyring or the environment) when the auth type needs one.
pub fn plan_deploy(
    client: &ArmClient,
    parent: &ConnectionParent,
    connection: &Connection,
    existing: Option<&ArmConnection>,
    secret: Option<&Sensitive<String>>,
) -> DeployPlan {
    let name = connection.name.clone().unwrap_or_default();
    let sent = as_sent(parent, connection, secret);
    let mut blockers = Vec::new();
    if name.is_empty() {
        blockers.push(issue(
            "name-missing",
            "The connection has no name, and the name is the last segment of the ARM URL.".into(),
            "Give the connection a name.",
        ));
    }
    for finding in validate(&sent)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
    {
        blockers.push(issue(
            "invalid-connection",
            format!("{}: {}", finding.path, finding.message),
            "Fix the connection in the editor; Azure would reject it or agents would fail.",
        ));
    }
    if let (Some(slot), None) = (sent.auth.secret_slot(), secret) {
        let what = slot_words(slot);
        let consequence = if existing.is_some() {
            format!(
                "ARM never returns secrets, so a PUT without one would remove the {what} stored on Azure"
            )
        } else {
            format!("Azure needs the {what} in the body that creates the connection")
        };
        blockers.push(issue(
            "secret-missing",
            format!("No {what} to send: {consequence}."),
            &format!(
                "Enter the {what} in the editor (it is kept in the keyring), or give it with --{}-env VAR.",
                match slot {
                    SecretSlot::ApiKey => "api-key",
                    SecretSlot::ClientSecret => "client-secret",
                }
            ),
        ));
    }

    let after = to_arm_body(&sent, SecretRendering::Masked);
    let empty = Value::Object(Map::new());
    let after_properties = after.get("properties").unwrap_or(&empty);
    let before_properties = existing.map(|e| &e.properties);
    let changes = compare(before_properties.unwrap_or(&empty), after_properties);

    let mut confirmations = Vec::new();
    if let Some(existing) = existing {
        for change in changes.iter().filter(|c| c.kind == ChangeKind::Removed) {
            confirmations.push(issue(
                "field-removed",
                format!(
                    "{} exists on Azure and is not in the draft: the PUT removes it.",
                    change.path
                ),
                "Add it back in the editor if it should stay, or confirm its removal.",
            ));
        }
        for (key, code, words) in [
            ("category", "category-changed", "category"),
            ("authType", "auth-type-changed", "auth type"),
        ] {
            let before = existing.properties.get(key).and_then(Value::as_str);
            let now = after_properties.get(key).and_then(Value::as_str);
            if let (Some(before), Some(now)) = (before, now)
                && before != now
            {
                confirmations.push(issue(
                    code,
                    format!(
                        "The {words} changes from {before} to {now}: agents using this connection may stop working."
                    ),
                    "Confirm the change, or keep the existing value in the editor.",
                ));
            }
        }
    }

    let before = existing.map(|e| {
        let mut body = Map::new();
        body.insert("name".into(), Value::from(e.name.clone()));
        body.insert("properties".into(), e.properties.clone());
        Value::Object(body)
    });
    DeployPlan {
        url: client.connection_url(parent, &name).to_string(),
        name,
        parent: parent.clone(),
        action: if existing.is_some() {
            DeployAction::Replace
        } else {
            DeployAction::Create
        },
        before,
        after,
        changes,
        blockers,
        confirmations,
    }
}

/// The exact bytes of the PUT: the `arm` export of the connection with the secret in place of
/// its placeholder. `None` when the auth type needs a secret and none is given (the plan has a
/// blocker then).
pub fn put_body(
    parent: &ConnectionParent,
    connection: &Connection,
    secret: Option<&Sensitive<String>>,
) -> Option<Vec<u8>> {
    if connection.auth.secret_slot().is_some() && secret.is_none() {
        return None;
    }
    let sent = as_sent(parent, connection, secret);
    Some(crate::export::arm_put_body(&sent, secret).into_bytes())
}

fn issue(code: &str, message: String, fix: &str) -> DeployIssue {
    DeployIssue {
        code: code.into(),
        message,
        fix: fix.into(),
    }
}

fn slot_words(slot: SecretSlot) -> &'static str {
    match slot {
        SecretSlot::ApiKey => "API key",
        SecretSlot::ClientSecret => "OAuth2 client secret",
    }
}

/// The fields of `properties` as (path, text) pairs: metadata keys one by one (their values are
/// strings), credentials one by one, any other property as compact JSON.
fn fields(properties: &Value) -> Vec<(String, Option<String>, bool)> {
    let mut out = Vec::new();
    let Some(object) = properties.as_object() else {
        return out;
    };
    for (key, value) in object {
        match (key.as_str(), value) {
            ("metadata" | "credentials", Value::Object(inner)) => {
                for (inner_key, inner_value) in inner {
                    let secret = key == "credentials" && is_secret_field(inner_key);
                    let text = match inner_value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    out.push((
                        format!("properties.{key}.{inner_key}"),
                        (!secret).then_some(text),
                        secret,
                    ));
                }
            }
            _ => out.push((format!("properties.{key}"), Some(value.to_string()), false)),
        }
    }
    out
}

fn is_secret_field(key: &str) -> bool {
    // The `x-ms-secret` credential fields of the spec that a gateway connection can carry.
    matches!(key, "key" | "clientSecret")
}

/// Same value, allowing for JSON written with other spacing or key order (metadata holds JSON
/// encoded as strings, and ARM may re-encode it).
fn same(before: &str, after: &str) -> bool {
    if before == after {
        return true;
    }
    match (
        serde_json::from_str::<Value>(before),
        serde_json::from_str::<Value>(after),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn compare(before: &Value, after: &Value) -> Vec<FieldChange> {
    let before_fields = fields(before);
    let after_fields = fields(after);
    let mut changes = Vec::new();
    for (path, after_text, secret) in &after_fields {
        if *secret {
            changes.push(FieldChange {
                path: path.clone(),
                kind: ChangeKind::Secret,
                before: None,
                after: None,
            });
            continue;
        }
        match before_fields.iter().find(|(p, _, _)| p == path) {
            None => changes.push(FieldChange {
                path: path.clone(),
                kind: ChangeKind::Added,
                before: None,
                after: after_text.clone(),
            }),
            Some((_, before_text, _)) => {
                if let (Some(b), Some(a)) = (before_text, after_text)
                    && !same(b, a)
                {
                    changes.push(FieldChange {
                        path: path.clone(),
                        kind: ChangeKind::Changed,
                        before: Some(b.clone()),
                        after: Some(a.clone()),
                    });
                }
            }
        }
    }
    for (path, before_text, secret) in before_fields {
        let server_set = SERVER_SET_PROPERTIES
            .iter()
            .any(|p| path == format!("properties.{p}"));
        if secret || server_set || after_fields.iter().any(|(p, _, _)| *p == path) {
            continue;
        }
        changes.push(FieldChange {
            path,
            kind: ChangeKind::Removed,
            before: before_text,
            after: None,
        });
    }
    changes
}

#[cfg(test)]
mod tests;
