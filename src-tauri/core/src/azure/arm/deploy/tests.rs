//! The deploy plan without a server: what it compares, refuses and asks; the PUT bytes.

use std::sync::Arc;

use serde_json::{Value, json};
use url::Url;

use super::*;
use crate::azure::StaticToken;
use crate::azure::arm::AccountRef;
use crate::connection::ConnectionScope;
use crate::export::{ExportFormat, export, import};
use crate::net::{HttpClient, NetworkOptions};

const KEY: &str = "sk-\"deploy\"-canary-7781";

fn client() -> ArmClient {
    let token = StaticToken::new(Sensitive::new("tok-123456".into())).unwrap();
    ArmClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        Url::parse("https://management.azure.com").unwrap(),
        "https://management.azure.com/.default",
        Arc::new(token),
    )
}

fn project() -> ConnectionParent {
    ConnectionParent::project(AccountRef::new("sub-1", "rg-x", "acct"), "proj")
}

fn body() -> Value {
    json!({
        "name": "llm-gw",
        "properties": {
            "category": "ModelGateway",
            "target": "https://gw.contoso.com/openai/v1",
            "authType": "ApiKey",
            "isSharedToAll": false,
            "credentials": { "key": "<api-key>" },
            "metadata": {
                "models": "[{\"name\":\"gpt-4o\",\"properties\":{\"model\":{\"name\":\"gpt-4o\",\"version\":\"2024-11-20\",\"format\":\"OpenAI\"}}}]",
                "customHeaders": "{}"
            }
        }
    })
}

fn draft(body: &Value) -> Connection {
    let mut connection = import(&body.to_string()).unwrap().connection;
    connection.auth = match connection.auth {
        ConnectionAuth::ApiKey { .. } => ConnectionAuth::api_key(),
        other => other,
    };
    connection
}

/// What ARM shows for `body` once stored: no secret.
fn on_azure(body: &Value) -> ArmConnection {
    let mut properties = body["properties"].clone();
    properties.as_object_mut().unwrap().remove("credentials");
    ArmConnection {
        id: "/subscriptions/sub-1/…/connections/llm-gw".into(),
        name: "llm-gw".into(),
        scope: ConnectionScope::Project,
        resource_type: None,
        properties,
        created_at: None,
        last_modified_at: None,
        raw: Value::Null,
    }
}

fn key() -> Sensitive<String> {
    Sensitive::new(KEY.into())
}

#[test]
fn a_new_connection_is_created_with_every_field_added_and_the_secret_sent() {
    let connection = draft(&body());
    let plan = plan_deploy(&client(), &project(), &connection, None, Some(&key()));
    assert_eq!(plan.action, DeployAction::Create);
    assert!(plan.blockers.is_empty() && plan.confirmations.is_empty());
    assert!(plan.can_deploy(false));
    assert!(
        plan.url
            .ends_with("/accounts/acct/projects/proj/connections/llm-gw?api-version=2026-05-01"),
        "{}",
        plan.url
    );
    let kinds: Vec<(&str, ChangeKind)> = plan
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.kind))
        .collect();
    assert!(kinds.contains(&("properties.target", ChangeKind::Added)));
    assert!(kinds.contains(&("properties.metadata.models", ChangeKind::Added)));
    assert!(kinds.contains(&("properties.credentials.key", ChangeKind::Secret)));
    // The plan goes to the window and to the terminal: never the secret.
    let shown = serde_json::to_string(&plan).unwrap();
    assert!(!shown.contains("canary"), "{shown}");
    assert_eq!(plan.after["properties"]["credentials"]["key"], "********");
}

#[test]
fn an_unchanged_connection_differs_only_by_the_secret_even_when_arm_respaced_its_json() {
    let connection = draft(&body());
    let mut stored = body();
    // ARM (or another tool) wrote the same models with other spacing and key order.
    stored["properties"]["metadata"]["models"] = Value::from(
        "[ {\"properties\": {\"model\": {\"format\": \"OpenAI\", \"version\": \"2024-11-20\", \"name\": \"gpt-4o\"}}, \"name\": \"gpt-4o\"} ]",
    );
    stored["properties"]["createdByWorkspaceArmId"] = Value::from("/subscriptions/…");
    let plan = plan_deploy(
        &client(),
        &project(),
        &connection,
        Some(&on_azure(&stored)),
        Some(&key()),
    );
    assert_eq!(plan.action, DeployAction::Replace);
    assert!(plan.is_unchanged(), "{:?}", plan.changes);
    assert!(
        plan.confirmations.is_empty(),
        "server-set properties are not removals"
    );
    assert!(
        plan.before.as_ref().unwrap()["properties"]
            .get("credentials")
            .is_none()
    );
}

#[test]
fn a_changed_target_is_shown_before_and_after() {
    let mut connection = draft(&body());
    connection.target = "https://gw2.contoso.com/openai/v1".into();
    let plan = plan_deploy(
        &client(),
        &project(),
        &connection,
        Some(&on_azure(&body())),
        Some(&key()),
    );
    let change = plan
        .changes
        .iter()
        .find(|c| c.path == "properties.target")
        .unwrap();
    assert_eq!(change.kind, ChangeKind::Changed);
    assert_eq!(
        change.before.as_deref(),
        Some("\"https://gw.contoso.com/openai/v1\"")
    );
    assert_eq!(
        change.after.as_deref(),
        Some("\"https://gw2.contoso.com/openai/v1\"")
    );
    assert!(plan.can_deploy(false) && !plan.is_unchanged());
}

#[test]
fn metadata_and_properties_that_only_azure_has_need_a_yes_before_they_are_dropped() {
    let connection = draft(&body());
    let mut stored = body();
    stored["properties"]["metadata"]["costCenter"] = Value::from("1234");
    stored["properties"]["expiryTime"] = Value::from("2027-01-01T00:00:00Z");
    let plan = plan_deploy(
        &client(),
        &project(),
        &connection,
        Some(&on_azure(&stored)),
        Some(&key()),
    );
    let removed: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Removed)
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(
        removed,
        ["properties.expiryTime", "properties.metadata.costCenter"]
    );
    assert_eq!(plan.confirmations.len(), 2);
    assert!(plan.confirmations.iter().all(|c| c.code == "field-removed"));
    assert!(plan.confirmations[1].message.contains("costCenter"));
    assert!(!plan.can_deploy(false));
    assert!(plan.can_deploy(true));
}

#[test]
fn a_category_or_auth_type_change_needs_a_yes() {
    let mut stored = body();
    stored["properties"]["category"] = Value::from("ApiManagement");
    stored["properties"]["authType"] = Value::from("ProjectManagedIdentity");
    let plan = plan_deploy(
        &client(),
        &project(),
        &draft(&body()),
        Some(&on_azure(&stored)),
        Some(&key()),
    );
    let codes: Vec<&str> = plan.confirmations.iter().map(|c| c.code.as_str()).collect();
    assert!(codes.contains(&"category-changed") && codes.contains(&"auth-type-changed"));
    assert!(!plan.can_deploy(false));
}

#[test]
fn without_the_secret_the_deploy_is_refused_and_no_body_exists() {
    let connection = draft(&body());
    for existing in [None, Some(on_azure(&body()))] {
        let plan = plan_deploy(&client(), &project(), &connection, existing.as_ref(), None);
        let blocker = plan
            .blockers
            .iter()
            .find(|b| b.code == "secret-missing")
            .unwrap();
        let expected = if existing.is_some() {
            "remove the API key stored on Azure"
        } else {
            "creates the connection"
        };
        assert!(blocker.message.contains(expected), "{}", blocker.message);
        assert!(blocker.fix.contains("--api-key-env"));
        assert!(!plan.can_deploy(true));
    }
    assert_eq!(put_body(&project(), &connection, None), None);
}

#[test]
fn validation_errors_and_a_missing_name_block_the_deploy() {
    let mut connection = draft(&body());
    connection.name = None;
    connection.target = "ftp://gw".into();
    let plan = plan_deploy(&client(), &project(), &connection, None, Some(&key()));
    let codes: Vec<&str> = plan.blockers.iter().map(|c| c.code.as_str()).collect();
    assert!(codes.contains(&"name-missing"), "{codes:?}");
    assert!(codes.contains(&"invalid-connection"), "{codes:?}");
    assert!(
        plan.blockers
            .iter()
            .any(|b| b.message.starts_with("properties.target"))
    );
}

#[test]
fn a_managed_identity_connection_needs_no_secret() {
    let mut pmi = body();
    pmi["properties"]["category"] = Value::from("ApiManagement");
    pmi["properties"]["metadata"]["deploymentInPath"] = Value::from("true");
    pmi["properties"]["metadata"]["inferenceAPIVersion"] = Value::from("2024-10-21");
    pmi["properties"]["authType"] = Value::from("ProjectManagedIdentity");
    pmi["properties"]["audience"] = Value::from("https://cognitiveservices.azure.com");
    pmi["properties"]
        .as_object_mut()
        .unwrap()
        .remove("credentials");
    let connection = draft(&pmi);
    let plan = plan_deploy(&client(), &project(), &connection, None, None);
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    assert!(plan.changes.iter().all(|c| c.kind != ChangeKind::Secret));
    assert!(put_body(&project(), &connection, None).is_some());
}

#[test]
fn the_put_body_is_the_arm_export_with_the_secret_in_place_and_the_scope_of_the_parent() {
    let connection = draft(&body());
    let secret = key();
    let sent = put_body(&project(), &connection, Some(&secret)).unwrap();
    let exported = export(&connection, ExportFormat::Arm).unwrap();
    let escaped = serde_json::to_string(secret.expose()).unwrap();
    let expected = exported.replace("\"${GATEWAY_API_KEY}\"", &escaped);
    assert_ne!(expected, exported, "the placeholder was replaced");
    assert_eq!(String::from_utf8(sent).unwrap(), expected);

    // Deployed at account level, the body says so (the resource type follows the URL).
    let account = ConnectionParent::account(AccountRef::new("sub-1", "rg-x", "acct"));
    let sent: Value =
        serde_json::from_slice(&put_body(&account, &connection, Some(&secret)).unwrap()).unwrap();
    assert_eq!(
        sent["type"],
        "Microsoft.CognitiveServices/accounts/connections"
    );
    assert_eq!(sent["properties"]["credentials"]["key"], KEY);
}
