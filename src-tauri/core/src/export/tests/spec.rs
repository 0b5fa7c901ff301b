//! Every ARM body this project writes, checked against the ARM OpenAPI excerpt
//! (`tests-data/spec/cognitiveservices.2026-05-01.connections-excerpt.json`): the export
//! goldens with their placeholders replaced by realistic values, the `az` script's body, and the
//! connection module's golden bodies.
//!
//! Why a small validator here rather than a JSON-schema crate: the excerpt is Swagger 2.0, not
//! JSON Schema. Its `discriminator` is a property name resolved through
//! `x-ms-discriminator-value` on subtypes that `allOf` the base, which no draft-4 validator
//! implements; its one `$ref` outside the file (common-types `ProxyResource`) needs a stand-in
//! anyway; and the crates pull in an HTTP stack for remote `$ref`s. The excerpt uses a handful
//! of keywords, and this checker implements each of them and fails on any keyword it does not
//! know, so nothing in the spec is skipped silently.
//!
//! Known deviations, asserted explicitly rather than hidden:
//! - `audience` (ProjectManagedIdentity), `tokenUrl` and `scopes` (OAuth2) are not in the
//!   swagger. No schema in the excerpt sets `additionalProperties: false`, so they are valid
//!   JSON-schema-wise; the checker still lists every undeclared property and the tests pin the
//!   list to exactly these per auth type (§2.3, the official samples send them).
//! - `ProjectManagedIdentity` has no subtype in the spec, so its `credentials: {}` is undeclared
//!   too (the base schema declares no `credentials`), and the body is checked against the base
//!   `ConnectionPropertiesV2` only.
//! - `name` and `type` at the top level are read-only (`ProxyResource`); the ARM export writes
//!   them (ARM ignores read-only properties in a PUT) and the checker lists them.
//! - A GET response writes absent optional values as `null` (`expiryTime`, `error`, …), which
//!   Swagger 2.0 cannot express without `x-nullable`; for GET responses only, `null` counts as
//!   absent.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{REALISTIC_SECRET, cases};
use crate::connection::{ConnectionAuth, SecretSlot};
use crate::export::{ExportFormat, export};

const SPEC: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests-data/spec/cognitiveservices.2026-05-01.connections-excerpt.json"
));
const BODY: &str = "#/definitions/ConnectionPropertiesV2BasicResource";

/// Keywords that describe but do not constrain.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "x-ms-enum",
    "x-ms-secret",
    "x-ms-discriminator-value",
    "x-ms-client-name",
    "x-ms-mutability",
    "x-ms-identifiers",
    "x-ms-azure-resource",
    "x-nullable",
];
/// Formats that are annotations for a request body: `password` marks secrets, `uri` and
/// `arm-id` are not checked by ARM's schema validation either.
const ANNOTATION_FORMATS: &[&str] = &["password", "uri", "arm-id"];

/// Findings of one check.
#[derive(Debug, Default)]
struct Report {
    errors: Vec<String>,
    /// Properties no schema along the way declares.
    undeclared: BTreeSet<String>,
    /// Read-only properties present in the body.
    read_only: BTreeSet<String>,
    /// `authType` values without a subtype (checked against the base schema only).
    no_subtype: BTreeSet<String>,
}

struct Spec {
    doc: Value,
    /// `null` counts as absent (GET responses).
    null_is_absent: bool,
}

impl Spec {
    fn new(null_is_absent: bool) -> Self {
        Self {
            doc: serde_json::from_str(SPEC).expect("the excerpt is JSON"),
            null_is_absent,
        }
    }

    fn check_body(&self, body: &Value) -> Report {
        let mut report = Report::default();
        self.check(&json!({ "$ref": BODY }), body, "", true, false, &mut report);
        report
    }

    /// The schema a `$ref` names. The one reference outside the excerpt, common-types v3
    /// `ProxyResource`, is its `Resource` shape: `id`, `name`, `type`, `systemData`, all
    /// read-only.
    fn resolve(&self, reference: &str) -> Value {
        if let Some(name) = reference.strip_prefix("#/definitions/") {
            return self.doc["definitions"]
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("the excerpt has no definition {name}"));
        }
        assert!(
            reference.ends_with("/types.json#/definitions/ProxyResource"),
            "unexpected external $ref {reference}"
        );
        json!({
            "type": "object",
            "properties": {
                "id": {"type": "string", "readOnly": true},
                "name": {"type": "string", "readOnly": true},
                "type": {"type": "string", "readOnly": true},
                "systemData": {"type": "object", "readOnly": true, "additionalProperties": true}
            }
        })
    }

    /// The subtype for `value`'s discriminator, if the spec has one.
    fn subtype(&self, base: &str, value: &str) -> Option<Value> {
        let base_ref = format!("#/definitions/{base}");
        self.doc["definitions"]
            .as_object()?
            .values()
            .find(|d| {
                d["x-ms-discriminator-value"] == value
                    && d["allOf"]
                        .as_array()
                        .is_some_and(|all| all.iter().any(|s| s["$ref"] == base_ref.as_str()))
            })
            .cloned()
    }

    /// Property names `schema` (with its `allOf`) declares; `None` when it allows any.
    fn declared(&self, schema: &Value) -> Option<BTreeSet<String>> {
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.resolve(reference),
            None => schema.clone(),
        };
        if schema.get("additionalProperties").is_some() {
            return None;
        }
        let mut names: BTreeSet<String> = schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        for part in schema["allOf"].as_array().into_iter().flatten() {
            names.extend(self.declared(part)?);
        }
        Some(names)
    }

    /// Checks `value` at `path` against `schema`. `owner`: this call decides which properties
    /// are undeclared (not a call for one `allOf` part). `in_subtype`: the discriminator was
    /// already resolved.
    fn check(
        &self,
        schema: &Value,
        value: &Value,
        path: &str,
        owner: bool,
        in_subtype: bool,
        report: &mut Report,
    ) {
        // Swagger: a $ref replaces its siblings (only `description` appears beside one). The
        // definition's name is what subtypes name in their `allOf`.
        let (schema, name) = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => (
                self.resolve(reference),
                reference.rsplit('/').next().unwrap_or_default(),
            ),
            None => (schema.clone(), ""),
        };
        // The discriminator first: the subtype includes the base through `allOf`.
        if let (Some(discriminator), false) = (schema.get("discriminator"), in_subtype) {
            let key = discriminator
                .as_str()
                .expect("discriminator is a property name");
            if let Some(tag) = value.get(key).and_then(Value::as_str) {
                match self.subtype(name, tag) {
                    Some(subtype) => return self.check(&subtype, value, path, owner, true, report),
                    None => {
                        report.no_subtype.insert(tag.to_string());
                    }
                }
            }
        }
        let Some(keywords) = schema.as_object() else {
            report
                .errors
                .push(format!("{path}: schema is not an object"));
            return;
        };
        for (keyword, rule) in keywords {
            match keyword.as_str() {
                "type" => {
                    let ok = match rule.as_str() {
                        Some("object") => value.is_object(),
                        Some("array") => value.is_array(),
                        Some("string") => value.is_string(),
                        Some("boolean") => value.is_boolean(),
                        Some("integer") => value.is_i64() || value.is_u64(),
                        Some("number") => value.is_number(),
                        other => panic!("type {other:?} at {path}"),
                    };
                    if !ok {
                        report.errors.push(format!(
                            "{path}: expected {}, found {value}",
                            rule.as_str().unwrap_or_default()
                        ));
                    }
                }
                "properties" => {
                    let (Some(declared), Some(object)) = (rule.as_object(), value.as_object())
                    else {
                        continue;
                    };
                    for (key, sub) in declared {
                        match object.get(key) {
                            None => {}
                            Some(Value::Null) if self.null_is_absent => {}
                            Some(item) => {
                                self.check(sub, item, &join(path, key), true, false, report)
                            }
                        }
                    }
                }
                "required" => {
                    for key in rule
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        if value.get(key).is_none() {
                            report.errors.push(format!("{}: required", join(path, key)));
                        }
                    }
                }
                "enum" => {
                    // Checked strictly although the enums are `modelAsString` (extensible): a
                    // value outside the list is almost always a typo in this project's bodies.
                    if !rule.as_array().is_some_and(|values| values.contains(value)) {
                        report
                            .errors
                            .push(format!("{path}: {value} not in the enum"));
                    }
                }
                "additionalProperties" => {
                    let Some(object) = value.as_object() else {
                        continue;
                    };
                    let named: BTreeSet<&str> = keywords
                        .get("properties")
                        .and_then(Value::as_object)
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    for (key, item) in object.iter().filter(|(k, _)| !named.contains(k.as_str())) {
                        match rule {
                            Value::Bool(true) => {}
                            Value::Bool(false) => {
                                report
                                    .errors
                                    .push(format!("{}: not allowed", join(path, key)));
                            }
                            sub => self.check(sub, item, &join(path, key), true, false, report),
                        }
                    }
                }
                "items" => {
                    for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                        self.check(rule, item, &format!("{path}[{i}]"), true, false, report);
                    }
                }
                "allOf" => {
                    for part in rule.as_array().into_iter().flatten() {
                        self.check(part, value, path, false, in_subtype, report);
                    }
                }
                "format" => match rule.as_str() {
                    Some("uuid") => {
                        if !value.as_str().is_some_and(is_uuid) {
                            report.errors.push(format!("{path}: {value} is not a uuid"));
                        }
                    }
                    Some("date-time") => {
                        if !value.as_str().is_some_and(is_date_time) {
                            report
                                .errors
                                .push(format!("{path}: {value} is not a date-time"));
                        }
                    }
                    Some(format) if ANNOTATION_FORMATS.contains(&format) => {}
                    other => panic!("format {other:?} at {path}: teach the checker"),
                },
                "readOnly" => {
                    if rule == &Value::Bool(true) {
                        report.read_only.insert(path.to_string());
                    }
                }
                // Resolved above.
                "discriminator" => {}
                other if ANNOTATIONS.contains(&other) => {}
                other => panic!("keyword {other:?} at {path}: teach the checker"),
            }
        }
        if owner
            && let Some(object) = value.as_object()
            && let Some(declared) = self.declared(&schema)
        {
            for key in object.keys().filter(|k| !declared.contains(*k)) {
                report.undeclared.insert(join(path, key));
            }
        }
    }
}

/// `path.key`, or `key` at the top.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.len() >= 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && (bytes[10] == b'T' || bytes[10] == b't')
        && bytes[13] == b':'
        && bytes[16] == b':'
}

/// What a body with this auth type may carry beyond the swagger (see the module docs).
fn allowed_deviations(auth: &ConnectionAuth) -> BTreeSet<String> {
    let names: &[&str] = match auth {
        ConnectionAuth::ProjectManagedIdentity { .. } => {
            &["properties.audience", "properties.credentials"]
        }
        ConnectionAuth::OAuth2 { .. } => &["properties.tokenUrl", "properties.scopes"],
        _ => &[],
    };
    names.iter().map(|s| s.to_string()).collect()
}

fn assert_valid(label: &str, report: &Report, auth: &ConnectionAuth) {
    assert!(report.errors.is_empty(), "{label}: {:#?}", report.errors);
    assert_eq!(
        report.undeclared,
        allowed_deviations(auth),
        "{label}: undeclared properties"
    );
    let expected_no_subtype: BTreeSet<String> = match auth {
        ConnectionAuth::ProjectManagedIdentity { .. } => {
            ["ProjectManagedIdentity".to_string()].into()
        }
        _ => BTreeSet::new(),
    };
    assert_eq!(report.no_subtype, expected_no_subtype, "{label}");
}

/// The exported ARM JSON with each placeholder replaced by a realistic value.
fn with_realistic_secrets(text: &str) -> Value {
    let mut body: Value = serde_json::from_str(text).unwrap();
    if let Some(credentials) = body["properties"]["credentials"].as_object_mut() {
        for value in credentials.values_mut() {
            if SecretSlot::ALL
                .iter()
                .any(|slot| value == slot.export_placeholder())
            {
                *value = Value::from(REALISTIC_SECRET);
            }
        }
    }
    assert!(
        !body.to_string().contains("${GATEWAY_"),
        "a placeholder is left"
    );
    body
}

#[test]
fn the_exported_arm_bodies_satisfy_the_spec() {
    let spec = Spec::new(false);
    for case in cases() {
        let body = with_realistic_secrets(&export(&case.connection, ExportFormat::Arm).unwrap());
        let report = spec.check_body(&body);
        assert_valid(case.name, &report, &case.connection.auth);
        assert_eq!(
            report.read_only,
            BTreeSet::from(["name".to_string(), "type".to_string()]),
            "{}: only the top-level name and type are read-only",
            case.name
        );
    }
}

#[test]
fn the_put_bodies_satisfy_the_spec() {
    let spec = Spec::new(false);
    for case in cases() {
        let mut body = super::put_body(&case.connection, REALISTIC_SECRET);
        // The bare §2.4 shape, as the az script's URL names the connection.
        body.as_object_mut().unwrap().remove("name");
        let report = spec.check_body(&body);
        assert_valid(case.name, &report, &case.connection.auth);
        assert!(report.read_only.is_empty(), "{}", case.name);
    }
}

#[test]
fn the_connection_module_golden_bodies_satisfy_the_spec() {
    macro_rules! fixture {
        ($name:literal) => {
            (
                $name,
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests-data/connection/",
                    $name
                )),
            )
        };
    }
    for (name, text) in [
        fixture!("a-apim-apikey-static.json"),
        fixture!("b-apim-pmi-discovery.json"),
        fixture!("c-modelgateway-apikey-discovery.json"),
        fixture!("d-modelgateway-oauth2-static.json"),
        fixture!("e-modelgateway-portal-style.json"),
        fixture!("get-project-connection.json"),
    ] {
        let get = name.starts_with("get-");
        let body: Value = serde_json::from_str(text).unwrap();
        let report = Spec::new(get).check_body(&body);
        let auth = crate::connection::parse_arm_json(text).unwrap().0.auth;
        assert_valid(name, &report, &auth);
    }
}

#[test]
fn the_checker_catches_what_the_spec_forbids() {
    let spec = Spec::new(false);
    let good = json!({"properties": {
        "category": "ModelGateway", "target": "https://g.example.com", "authType": "OAuth2",
        "isSharedToAll": false,
        "credentials": {"clientId": "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b", "clientSecret": "s"},
        "metadata": {"customHeaders": "{}"}
    }});
    assert!(spec.check_body(&good).errors.is_empty());
    let broken = |pointer: &str, value: Value| {
        let mut body = good.clone();
        *body.pointer_mut(pointer).unwrap() = value;
        let report = spec.check_body(&body);
        assert!(!report.errors.is_empty(), "{pointer} = {body}");
        report.errors.join("; ")
    };
    assert!(broken("/properties/isSharedToAll", json!("false")).contains("expected boolean"));
    assert!(
        broken("/properties/metadata/customHeaders", json!({})).contains("metadata.customHeaders")
    );
    assert!(broken("/properties/credentials/clientId", json!("okta-client")).contains("uuid"));
    assert!(broken("/properties/category", json!("Gateway")).contains("enum"));
    assert!(broken("/properties/credentials/clientSecret", json!(7)).contains("clientSecret"));
    let mut no_auth = good.clone();
    no_auth["properties"]
        .as_object_mut()
        .unwrap()
        .remove("authType");
    assert!(
        spec.check_body(&no_auth)
            .errors
            .join(";")
            .contains("authType: required")
    );
    assert!(
        spec.check_body(&json!({}))
            .errors
            .join(";")
            .contains("properties: required")
    );
    // An ApiKey body is checked against the ApiKey subtype: its credentials are declared.
    let mut api_key = good.clone();
    api_key["properties"]["authType"] = json!("ApiKey");
    api_key["properties"]["credentials"] = json!({"key": 5});
    assert!(
        spec.check_body(&api_key)
            .errors
            .join(";")
            .contains("credentials.key")
    );
    // Undeclared properties are listed, not silently accepted.
    let mut extra = good.clone();
    extra["properties"]["tokenUrl"] = json!("https://login.example.com/token");
    extra["properties"]["colour"] = json!("blue");
    let report = spec.check_body(&extra);
    assert!(report.errors.is_empty());
    assert!(report.undeclared.contains("properties.colour"));
}
