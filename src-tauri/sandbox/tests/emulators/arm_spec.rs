//! The ARM emulator's connection rules are the spec's: these tests read the OpenAPI excerpt
//! themselves and check the emulator against it — every `ConnectionCategory` and
//! `ConnectionAuthType` value is accepted and nothing else, every `x-ms-secret` credential field
//! is hidden while the other fields show, and the name rule is the spec's pattern.

use serde_json::{Map, Value, json};

use crate::arm_support::{
    api_key_body, arm_get, assert_error, assert_hidden, project_connections, put, start, url,
};

const SPEC: &str = include_str!(
    "../../../core/tests-data/spec/cognitiveservices.2026-05-01.connections-excerpt.json"
);

/// Auth-type subtypes the excerpt's `x-excerpt-note` says were left out, with their credential
/// definitions (which the excerpt has).
const LEFT_OUT: &[(&str, &str)] = &[
    ("ManagedIdentity", "ConnectionManagedIdentity"),
    ("SAS", "ConnectionSharedAccessSignature"),
    ("ServicePrincipal", "ConnectionServicePrincipal"),
    ("UsernamePassword", "ConnectionUsernamePassword"),
];

fn spec() -> Value {
    serde_json::from_str(SPEC).expect("spec JSON")
}

fn definitions(spec: &Value) -> &Map<String, Value> {
    spec["definitions"].as_object().expect("definitions")
}

fn enum_values(spec: &Value, name: &str) -> Vec<String> {
    spec["definitions"][name]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

/// The credential definition of each auth type that has one.
fn credential_definition(spec: &Value, auth_type: &str) -> Option<String> {
    let from_subtype = definitions(spec).values().find_map(|schema| {
        (schema["x-ms-discriminator-value"] == auth_type)
            .then(|| schema.pointer("/properties/credentials/$ref"))
            .flatten()
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
            .map(str::to_string)
    });
    from_subtype.or_else(|| {
        LEFT_OUT
            .iter()
            .find(|(a, _)| *a == auth_type)
            .map(|(_, d)| (*d).to_string())
    })
}

/// A value for a credential field: the spec's type and format, with a marker to find it by.
fn field_value(spec: &Value, schema: &Value, marker: &str, index: usize) -> Value {
    let schema = match schema["$ref"].as_str() {
        Some(r) => &spec["definitions"][r.trim_start_matches("#/definitions/")],
        None => schema,
    };
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (_, Some("uuid")) => json!(format!("00000000-0000-4000-8000-{index:012}")),
        (_, Some("uri")) => json!(format!("https://auth.example/{marker}")),
        (Some("object"), _) => json!({ "k": marker }),
        _ => json!(marker),
    }
}

#[tokio::test]
async fn arm_takes_every_category_of_the_spec_and_no_other() {
    let spec = spec();
    let categories = enum_values(&spec, "ConnectionCategory");
    assert!(
        categories.len() > 100,
        "the full enum: {}",
        categories.len()
    );
    let arm = start().await;
    let item = url(&arm, &project_connections("gw-category"));
    for category in &categories {
        let reply = put(&item, &api_key_body(category, "https://gw.example", "k")).await;
        assert_eq!(reply.status, 200, "{category}: {}", reply.text());
        assert_eq!(reply.json()["properties"]["category"], *category);
    }
    for unknown in ["Gateway", "ApiManagementV2", "modelGateway", ""] {
        let reply = put(&item, &api_key_body(unknown, "https://gw.example", "k")).await;
        let message = assert_error(&reply, 400, "ValidationError");
        assert!(
            message.contains("is not a ConnectionCategory value"),
            "{unknown}: {message}"
        );
    }
}

#[tokio::test]
async fn arm_auth_types_and_hidden_fields_come_from_the_spec() {
    let spec = spec();
    let auth_types = enum_values(&spec, "ConnectionAuthType");
    assert!(auth_types.iter().any(|a| a == "ProjectManagedIdentity"));
    let arm = start().await;
    let mut with_credentials = 0;
    for (n, auth_type) in auth_types.iter().enumerate() {
        let name = format!("auth-{n}");
        let item = url(&arm, &project_connections(&name));
        let mut properties = json!({
            "category": "ModelGateway",
            "target": "https://gw.example",
            "authType": auth_type,
        });
        let mut secrets = Vec::new();
        let mut shown = Map::new();
        if let Some(definition) = credential_definition(&spec, auth_type) {
            with_credentials += 1;
            let fields = spec["definitions"][&definition]["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{definition} has properties"));
            let mut credentials = Map::new();
            for (i, (field, schema)) in fields.iter().enumerate() {
                let marker = format!("{auth_type}-{field}-marker");
                let value = field_value(&spec, schema, &marker, i);
                // Secret: marked in the spec; CustomKeys' keys are keys too.
                if schema["x-ms-secret"] == true || definition == "CustomKeys" {
                    secrets.push(marker);
                } else {
                    shown.insert(field.clone(), value.clone());
                }
                credentials.insert(field.clone(), value);
            }
            properties["credentials"] = Value::Object(credentials);
        }
        let body = json!({ "properties": properties });
        let created = put(&item, &body).await;
        assert_eq!(created.status, 200, "{auth_type}: {}", created.text());
        let got = arm_get(&item).await;
        for reply in [&created, &got] {
            for secret in &secrets {
                assert_hidden(reply, secret);
            }
        }
        let returned = got.json()["properties"].get("credentials").cloned();
        let expected = (!shown.is_empty()).then_some(Value::Object(shown));
        assert_eq!(returned, expected, "{auth_type}");
    }
    assert!(with_credentials >= 10, "{with_credentials}");

    let reply = put(
        &url(&arm, &project_connections("auth-unknown")),
        &json!({ "properties": { "authType": "Bearer" } }),
    )
    .await;
    let message = assert_error(&reply, 400, "ValidationError");
    assert!(
        message.contains("is not a ConnectionAuthType value"),
        "{message}"
    );
}

#[tokio::test]
async fn arm_name_rule_is_the_spec_pattern() {
    let spec = spec();
    let (_, item) = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(path, _)| path.ends_with("/connections/{connectionName}"))
        .unwrap();
    let pattern = item["put"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "connectionName")
        .unwrap()["pattern"]
        .as_str()
        .unwrap()
        .to_string();
    let arm = start().await;
    let reply = put(
        &url(&arm, &project_connections("no")),
        &api_key_body("ModelGateway", "https://gw.example", "k"),
    )
    .await;
    let message = assert_error(&reply, 400, "InvalidResourceName");
    assert!(message.contains(&format!("'{pattern}'")), "{message}");

    // includeAll, which the emulator checks as a boolean, is one in the spec.
    let include_all = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, _)| path.ends_with("/connections"))
        .flat_map(|(_, list)| list["get"]["parameters"].as_array().unwrap())
        .find(|p| p["name"] == "includeAll")
        .unwrap();
    assert_eq!(include_all["type"], "boolean");
    assert_eq!(include_all["in"], "query");
}
