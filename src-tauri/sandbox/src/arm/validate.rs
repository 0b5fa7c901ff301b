//! Connection bodies against the spec: what a PUT or a PATCHed result must look like, what is
//! stored, and what GET may show (never an `x-ms-secret` value).
//!
//! Decisions where the spec leaves room (each also noted where it acts):
//! - `authType`, `category`, `peRequirement`, `peStatus` must be one of the spec's enum values,
//!   compared exactly. The enums are `modelAsString: true`, but that tells *clients* to accept
//!   values they do not know (forward compatibility); a resource provider can only act on auth
//!   types and categories it knows [I]. Rejecting unknown values also catches the typos an app
//!   must not send (`APIManagement`, `apiKey`).
//! - Credentials must be the auth type's credential object: its required fields present and
//!   non-empty, every field of the right type (`OAuth2.clientId` a UUID, as the spec types it —
//!   byo-gateway.md §10 q2 is open, and the spec is the contract [I]), no field the object does
//!   not have. Auth types without a credential object (`ProjectManagedIdentity`, `AAD`, `None`,
//!   ...) accept no `credentials`, `null` or `{}` (what the samples send) and nothing else [I].
//! - Properties outside the spec are accepted and kept (the samples' `audience`, `tokenUrl`,
//!   `scopes` are type-checked; anything else is stored as sent) [I].
//! - Read-only properties (`group`, `createdByWorkspaceArmId`) sent by a client are dropped [I].
//! - GET keeps a credential's non-secret fields (`clientId`, `tenantId`, `username`, ...) and
//!   drops the secret ones; a `credentials` left empty is dropped. An auth type the spec has no
//!   credential object for shows no `credentials` at all.

use serde_json::{Map, Value};

use super::errors::ArmError;
use super::spec::{ConnectionSpec, Kind};

/// A schema violation at a JSON path.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Violation {
    pub(super) path: String,
    pub(super) problem: String,
}

impl Violation {
    fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            problem: problem.into(),
        }
    }
}

impl From<Violation> for ArmError {
    fn from(v: Violation) -> Self {
        ArmError::validation(&v.path, &v.problem)
    }
}

/// The JSON type of a value, in the words of an error message.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks `value` against `kind`; `path` names it in the error.
pub(super) fn check(kind: &Kind, value: &Value, path: &str) -> Result<(), Violation> {
    let wrong = |expected: &str| {
        Violation::new(
            path,
            format!("expected {expected}, got {}", type_name(value)),
        )
    };
    match kind {
        Kind::String(format) => {
            let text = value.as_str().ok_or_else(|| wrong("a string"))?;
            match format.as_deref() {
                Some("uuid") if !is_uuid(text) => Err(Violation::new(
                    path,
                    format!(
                        "'{text}' is not a UUID (format uuid, e.g. 00000000-0000-0000-0000-000000000000)"
                    ),
                )),
                Some("date-time") if !is_date_time(text) => Err(Violation::new(
                    path,
                    format!("'{text}' is not an RFC 3339 date-time"),
                )),
                Some("uri") if url::Url::parse(text).is_err() => Err(Violation::new(
                    path,
                    format!("'{text}' is not an absolute URI"),
                )),
                _ => Ok(()),
            }
        }
        Kind::Boolean => value.as_bool().map(drop).ok_or_else(|| wrong("a boolean")),
        Kind::Integer => value.as_i64().map(drop).ok_or_else(|| wrong("an integer")),
        Kind::Number => value.as_f64().map(drop).ok_or_else(|| wrong("a number")),
        Kind::Array(items) => {
            let list = value.as_array().ok_or_else(|| wrong("an array"))?;
            for (i, item) in list.iter().enumerate() {
                check(items, item, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        Kind::Map(values) => {
            let map = value.as_object().ok_or_else(|| wrong("an object"))?;
            for (key, item) in map {
                check(values, item, &format!("{path}.{key}")).map_err(|mut v| {
                    if **values == Kind::String(None) && !item.is_string() {
                        v.problem.push_str(
                            " (every value must be a string: JSON-encode arrays and objects)",
                        );
                    }
                    v
                })?;
            }
            Ok(())
        }
        Kind::Object => value
            .as_object()
            .map(drop)
            .ok_or_else(|| wrong("an object")),
        Kind::Enum(name, values) => {
            let text = value.as_str().ok_or_else(|| wrong("a string"))?;
            if values.iter().any(|v| v == text) {
                Ok(())
            } else {
                Err(Violation::new(
                    path,
                    format!(
                        "'{text}' is not a {name} value (exact case). Known values: {}",
                        values.join(", ")
                    ),
                ))
            }
        }
    }
}

/// Checks a connection's `properties` (the PUT body's, or a PATCH result).
pub(super) fn check_properties(spec: &ConnectionSpec, properties: &Value) -> Result<(), Violation> {
    let object = properties.as_object().ok_or_else(|| {
        Violation::new(
            "properties",
            format!("expected an object, got {}", type_name(properties)),
        )
    })?;
    for name in &spec.required {
        if object.get(name).is_none_or(Value::is_null) {
            return Err(Violation::new(
                format!("properties.{name}"),
                "the property is required",
            ));
        }
    }
    // The discriminator first: the credential rules depend on it.
    let ordered = spec
        .properties
        .iter()
        .filter(|p| p.name == "authType")
        .chain(spec.properties.iter().filter(|p| p.name != "authType"));
    for property in ordered {
        if property.read_only {
            continue;
        }
        if let Some(value) = object.get(&property.name).filter(|v| !v.is_null()) {
            check(
                &property.kind,
                value,
                &format!("properties.{}", property.name),
            )?;
        }
    }
    let auth_type = object
        .get("authType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    check_credentials(spec, auth_type, object.get("credentials"))
}

fn check_credentials(
    spec: &ConnectionSpec,
    auth_type: &str,
    credentials: Option<&Value>,
) -> Result<(), Violation> {
    let path = "properties.credentials";
    let given = credentials.filter(|v| !v.is_null());
    let Some(schema) = spec.credentials_for(auth_type) else {
        return match given {
            None => Ok(()),
            Some(Value::Object(map)) if map.is_empty() => Ok(()),
            Some(other) => Err(Violation::new(
                path,
                format!(
                    "authType '{auth_type}' takes no credentials; send none or {{}} (got {})",
                    short(other)
                ),
            )),
        };
    };
    let field_names = || {
        schema
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let required: Vec<&str> = schema
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    let Some(given) = given else {
        return if required.is_empty() {
            Ok(())
        } else {
            Err(Violation::new(
                path,
                format!(
                    "authType '{auth_type}' needs credentials {{{}}} ({})",
                    required.join(", "),
                    schema.definition
                ),
            ))
        };
    };
    let map = given.as_object().ok_or_else(|| {
        Violation::new(
            path,
            format!("expected an object, got {}", type_name(given)),
        )
    })?;
    for (key, value) in map {
        let field = schema.field(key).ok_or_else(|| {
            Violation::new(
                format!("{path}.{key}"),
                format!(
                    "not a field of the '{auth_type}' credentials ({}: {})",
                    schema.definition,
                    field_names()
                ),
            )
        })?;
        if !value.is_null() {
            check(&field.kind, value, &format!("{path}.{key}"))?;
        }
    }
    for name in required {
        let present = map.get(name).is_some_and(|v| match v {
            Value::Null => false,
            Value::String(s) => !s.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => true,
        });
        if !present {
            return Err(Violation::new(
                format!("{path}.{name}"),
                format!("required (and not empty) for authType '{auth_type}'"),
            ));
        }
    }
    Ok(())
}

/// A value shortened for an error message.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// What is stored: the properties as sent, minus the read-only ones.
pub(super) fn stored_properties(spec: &ConnectionSpec, mut properties: Value) -> Value {
    if let Some(object) = properties.as_object_mut() {
        for property in spec.properties.iter().filter(|p| p.read_only) {
            object.remove(&property.name);
        }
    }
    properties
}

/// What GET, list, PUT and PATCH show: the stored properties without secret values.
pub(super) fn public_properties(spec: &ConnectionSpec, stored: &Value) -> Value {
    let mut properties = stored.clone();
    let Some(object) = properties.as_object_mut() else {
        return properties;
    };
    let schema = object
        .get("authType")
        .and_then(Value::as_str)
        .and_then(|a| spec.credentials_for(a));
    let kept: Option<Map<String, Value>> = match (schema, object.get("credentials")) {
        (Some(schema), Some(Value::Object(credentials))) => Some(
            credentials
                .iter()
                // Only fields the schema knows and does not call secret; when in doubt, drop.
                .filter(|(key, _)| schema.field(key).is_some_and(|f| !f.secret))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        ),
        _ => None,
    };
    match kept {
        Some(kept) if !kept.is_empty() => {
            object.insert("credentials".to_string(), Value::Object(kept));
        }
        _ => {
            object.remove("credentials");
        }
    }
    properties
}

/// JSON merge patch (RFC 7396), the PATCH semantics ARM asks resource providers for: objects
/// merge key by key, `null` removes a key, anything else replaces.
pub(super) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(changes) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(existing) = target {
        for (key, change) in changes {
            if change.is_null() {
                existing.remove(key);
            } else {
                merge_patch(existing.entry(key.clone()).or_insert(Value::Null), change);
            }
        }
    }
}

/// `8-4-4-4-12` hexadecimal digits.
pub(super) fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    let at = |i: usize, c: u8| bytes.get(i) == Some(&c);
    if !(digits(0..4)
        && at(4, b'-')
        && digits(5..7)
        && at(7, b'-')
        && digits(8..10)
        && (at(10, b'T') || at(10, b't'))
        && digits(11..13)
        && at(13, b':')
        && digits(14..16)
        && at(16, b':')
        && digits(17..19))
    {
        return false;
    }
    let mut i = 19;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match bytes.get(i) {
        Some(b'Z' | b'z') => i + 1 == bytes.len(),
        Some(b'+' | b'-') => {
            digits(i + 1..i + 3) && at(i + 3, b':') && digits(i + 4..i + 6) && i + 6 == bytes.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> ConnectionSpec {
        ConnectionSpec::load().unwrap()
    }

    fn api_key(metadata: Value) -> Value {
        json!({
            "authType": "ApiKey",
            "category": "ModelGateway",
            "target": "https://gw.example/v1",
            "credentials": { "key": "k" },
            "metadata": metadata,
        })
    }

    #[test]
    fn metadata_values_must_be_strings() {
        let spec = spec();
        assert_eq!(
            check_properties(&spec, &api_key(json!({ "deploymentInPath": "false" }))),
            Ok(())
        );
        let err = check_properties(&spec, &api_key(json!({ "models": [] }))).unwrap_err();
        assert_eq!(err.path, "properties.metadata.models");
        assert!(err.problem.contains("got an array"), "{}", err.problem);
    }

    #[test]
    fn credentials_follow_the_auth_type() {
        let spec = spec();
        let mut body = api_key(json!({}));
        body["credentials"] = json!({});
        assert_eq!(
            check_properties(&spec, &body).unwrap_err().path,
            "properties.credentials.key"
        );
        body["credentials"] = json!({ "apiKey": "k" });
        assert_eq!(
            check_properties(&spec, &body).unwrap_err().path,
            "properties.credentials.apiKey"
        );
        let pmi = json!({ "authType": "ProjectManagedIdentity", "credentials": {} });
        assert_eq!(check_properties(&spec, &pmi), Ok(()));
        let pmi_with_key =
            json!({ "authType": "ProjectManagedIdentity", "credentials": { "key": "k" } });
        assert!(check_properties(&spec, &pmi_with_key).is_err());
        let oauth = json!({ "authType": "OAuth2", "credentials": { "clientId": "okta-client", "clientSecret": "s" } });
        assert_eq!(
            check_properties(&spec, &oauth).unwrap_err().path,
            "properties.credentials.clientId"
        );
    }

    #[test]
    fn secrets_are_not_shown() {
        let spec = spec();
        let stored = json!({
            "authType": "OAuth2",
            "credentials": { "clientId": "00000000-0000-0000-0000-000000000000", "clientSecret": "s", "refreshToken": "r" },
        });
        assert_eq!(
            public_properties(&spec, &stored)["credentials"],
            json!({ "clientId": "00000000-0000-0000-0000-000000000000" })
        );
        let key = json!({ "authType": "ApiKey", "credentials": { "key": "k" } });
        assert_eq!(public_properties(&spec, &key).get("credentials"), None);
        let custom = json!({ "authType": "CustomKeys", "credentials": { "keys": { "a": "b" } } });
        assert_eq!(public_properties(&spec, &custom).get("credentials"), None);
        let unknown = json!({ "authType": "Something", "credentials": { "x": "y" } });
        assert_eq!(public_properties(&spec, &unknown).get("credentials"), None);
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = json!({ "a": "b", "c": { "d": "e", "f": "g" } });
        merge_patch(
            &mut target,
            &json!({ "a": "z", "c": { "f": null }, "h": ["i"] }),
        );
        assert_eq!(target, json!({ "a": "z", "c": { "d": "e" }, "h": ["i"] }));
    }

    #[test]
    fn formats() {
        assert!(is_uuid("5b0c6f3e-8a1d-4c2b-9e7f-1a2b3c4d5e6f"));
        assert!(!is_uuid("5b0c6f3e8a1d4c2b9e7f1a2b3c4d5e6f"));
        assert!(is_date_time("2026-05-01T10:00:00Z"));
        assert!(is_date_time("2026-05-01T10:00:00.1234567+02:00"));
        assert!(!is_date_time("2026-05-01"));
        assert!(!is_date_time("2026-05-01T10:00:00"));
    }
}
