//! Helpers for the ARM emulator tests: a seeded world, paths of the seeded resources, and calls
//! that carry ARM's bearer token.

use gateway_studio_sandbox::demo::{
    DEMO_ACCOUNT, DEMO_AZURE_TOKEN, DEMO_LOCATION, DEMO_PROJECT, DEMO_RESOURCE_GROUP,
    DEMO_SUBSCRIPTION_ID, DEMO_SUBSCRIPTION_NAME,
};
use gateway_studio_sandbox::world::{
    Account, AccountDeployment, Project, ResourceGroup, StoredConnection, Subscription, WorldData,
};
use gateway_studio_sandbox::{ArmOptions, RunningArm, World, start_arm};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Reply, client, send};

/// The api-version the app uses for connections (byo-gateway.md §2.2).
pub const V: &str = "2026-05-01";

pub const BEARER: &str = "Bearer sandbox-azure-token-c4e9a2f7";

fn deployment(name: &str, version: &str) -> AccountDeployment {
    AccountDeployment {
        name: name.to_string(),
        model_name: name.to_string(),
        model_version: version.to_string(),
        model_format: "OpenAI".to_string(),
        sku_name: "GlobalStandard".to_string(),
        capacity: 10,
    }
}

/// One subscription, resource group, Foundry account (three deployments, no connections) and
/// project, named by the `demo::DEMO_*` constants; ARM accepts `demo::DEMO_AZURE_TOKEN`.
pub fn seeded_world() -> World {
    let mut data = WorldData::new(DEMO_AZURE_TOKEN);
    data.subscriptions.push(Subscription {
        subscription_id: DEMO_SUBSCRIPTION_ID.to_string(),
        display_name: DEMO_SUBSCRIPTION_NAME.to_string(),
        resource_groups: vec![ResourceGroup {
            name: DEMO_RESOURCE_GROUP.to_string(),
            location: DEMO_LOCATION.to_string(),
            accounts: vec![Account {
                name: DEMO_ACCOUNT.to_string(),
                location: DEMO_LOCATION.to_string(),
                foundry_endpoint: None,
                deployments: vec![
                    deployment("gpt-4o", "2024-11-20"),
                    deployment("gpt-4o-mini", "2024-07-18"),
                    deployment("text-embedding-3-small", "1"),
                ],
                projects: vec![Project {
                    name: DEMO_PROJECT.to_string(),
                    display_name: "Sandbox project".to_string(),
                    connections: Vec::new(),
                }],
                connections: Vec::new(),
            }],
        }],
    });
    World::new(data)
}

pub async fn start() -> RunningArm {
    start_with(ArmOptions::default()).await
}

pub async fn start_with(options: ArmOptions) -> RunningArm {
    start_arm(seeded_world(), options)
        .await
        .expect("ARM starts")
}

pub fn rg_path() -> String {
    format!("/subscriptions/{DEMO_SUBSCRIPTION_ID}/resourceGroups/{DEMO_RESOURCE_GROUP}")
}

pub fn account_path() -> String {
    format!(
        "{}/providers/Microsoft.CognitiveServices/accounts/{DEMO_ACCOUNT}",
        rg_path()
    )
}

pub fn project_path() -> String {
    format!("{}/projects/{DEMO_PROJECT}", account_path())
}

/// `…/projects/{p}/connections[/{name}]`.
pub fn project_connections(name: &str) -> String {
    join(&format!("{}/connections", project_path()), name)
}

/// `…/accounts/{a}/connections[/{name}]`.
pub fn account_connections(name: &str) -> String {
    join(&format!("{}/connections", account_path()), name)
}

fn join(base: &str, name: &str) -> String {
    if name.is_empty() {
        base.to_string()
    } else {
        format!("{base}/{name}")
    }
}

/// The emulator's URL for `path` at api-version [`V`].
pub fn url(arm: &RunningArm, path: &str) -> String {
    url_v(arm, path, V)
}

/// The emulator's URL for `path` (may carry a query) at `version`.
pub fn url_v(arm: &RunningArm, path: &str, version: &str) -> String {
    let base = arm.base_url();
    let origin = base.as_str().trim_end_matches('/');
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{origin}{path}{separator}api-version={version}")
}

/// A call with these headers (no token unless given) and an optional raw body.
pub async fn call_raw(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Reply {
    let mut request = client().request(method, url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    send(request).await
}

/// A call with ARM's token.
pub async fn call(method: Method, url: &str, body: Option<&Value>) -> Reply {
    call_raw(
        method,
        url,
        &[("Authorization", BEARER)],
        body.map(Value::to_string),
    )
    .await
}

pub async fn arm_get(url: &str) -> Reply {
    call(Method::GET, url, None).await
}

pub async fn put(url: &str, body: &Value) -> Reply {
    call(Method::PUT, url, Some(body)).await
}

pub async fn patch(url: &str, body: &Value) -> Reply {
    call(Method::PATCH, url, Some(body)).await
}

pub async fn delete(url: &str) -> Reply {
    call(Method::DELETE, url, None).await
}

/// A ModelGateway-style ApiKey connection body.
pub fn api_key_body(category: &str, target: &str, key: &str) -> Value {
    json!({
        "properties": {
            "category": category,
            "target": target,
            "authType": "ApiKey",
            "isSharedToAll": false,
            "credentials": { "key": key },
            "metadata": { "deploymentInPath": "false", "inferenceAPIVersion": "" },
        }
    })
}

/// Asserts an ARM error: status, `error.code`, and the request-id headers every ARM answer has.
pub fn assert_error(reply: &Reply, status: u16, code: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(reply.header("x-ms-request-id").is_some());
    assert!(reply.header("x-ms-correlation-request-id").is_some());
    body["error"]["message"]
        .as_str()
        .expect("error.message")
        .to_string()
}

/// Asserts `secret` appears nowhere in the answer.
pub fn assert_hidden(reply: &Reply, secret: &str) {
    assert!(
        !reply.text().contains(secret),
        "secret {secret:?} in {}",
        reply.text()
    );
}

/// The stored connection (secrets included), straight from the world.
pub fn stored_project_connection(arm: &RunningArm, name: &str) -> Option<StoredConnection> {
    let data = arm.world().lock();
    data.account_by_name(DEMO_ACCOUNT)?
        .project(DEMO_PROJECT)?
        .connection(name)
        .cloned()
}

/// Names in a list answer's `value`.
pub fn names(body: &Value) -> Vec<String> {
    body["value"]
        .as_array()
        .expect("value[]")
        .iter()
        .map(|item| item["name"].as_str().expect("name").to_string())
        .collect()
}

/// Every page of a list, following `nextLink` to the end; returns the pages.
pub async fn all_pages(first_url: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut next = Some(first_url.to_string());
    while let Some(url) = next {
        let reply = arm_get(&url).await;
        assert_eq!(reply.status, 200, "{url}: {}", reply.text());
        let body = reply.json();
        next = body["nextLink"].as_str().map(str::to_string);
        pages.push(body);
        assert!(pages.len() < 50, "nextLink loops");
    }
    pages
}
