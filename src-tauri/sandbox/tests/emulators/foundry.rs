//! The Foundry data plane: auth, api-version, agent versions and conversations. Runs through
//! gateways are in `foundry_runs`, failures in `foundry_failures`; the helpers here serve all
//! three.

use gateway_studio_sandbox::demo::{
    DEMO_ACCOUNT, DEMO_API_KEY, DEMO_API_VERSION, DEMO_AZURE_TOKEN, DEMO_LOCATION, DEMO_PROJECT,
    DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID, DEMO_SUBSCRIPTION_NAME,
};
use gateway_studio_sandbox::foundry::UNAUTHORIZED_MESSAGE;
use gateway_studio_sandbox::world::{
    Account, Project, ResourceGroup, StoredConnection, Subscription, WorldData,
};
use gateway_studio_sandbox::{
    FoundryOptions, RunningFoundry, RunningGateway, World, start_foundry,
};
use serde_json::{Value, json};

use crate::common::{Reply, client, send};

pub const BEARER: &str = "Bearer sandbox-azure-token-c4e9a2f7";

/// One subscription, resource group, account and project, no connections.
pub fn world() -> World {
    let mut data = WorldData::new(DEMO_AZURE_TOKEN);
    data.subscriptions.push(Subscription {
        subscription_id: DEMO_SUBSCRIPTION_ID.into(),
        display_name: DEMO_SUBSCRIPTION_NAME.into(),
        resource_groups: vec![ResourceGroup {
            name: DEMO_RESOURCE_GROUP.into(),
            location: DEMO_LOCATION.into(),
            accounts: vec![Account {
                name: DEMO_ACCOUNT.into(),
                location: DEMO_LOCATION.into(),
                foundry_endpoint: None,
                deployments: Vec::new(),
                projects: vec![Project {
                    name: DEMO_PROJECT.into(),
                    display_name: "Sandbox project".into(),
                    connections: Vec::new(),
                }],
                connections: Vec::new(),
            }],
        }],
    });
    World::new(data)
}

fn stored(name: &str, properties: Value) -> StoredConnection {
    StoredConnection {
        name: name.into(),
        properties,
        created_at: "2026-01-01T00:00:00Z".into(),
        last_modified_at: "2026-01-01T00:00:00Z".into(),
    }
}

/// Adds a project-level connection exactly as ARM would have stored it.
pub fn add_connection(world: &World, name: &str, properties: Value) {
    let mut data = world.lock();
    let account = data.account_by_name_mut(DEMO_ACCOUNT).unwrap();
    let project = account.project_mut(DEMO_PROJECT).unwrap();
    project.connections.push(stored(name, properties));
}

/// Adds an account-level connection (visible to every project of the account).
pub fn add_account_connection(world: &World, name: &str, properties: Value) {
    let mut data = world.lock();
    let account = data.account_by_name_mut(DEMO_ACCOUNT).unwrap();
    account.connections.push(stored(name, properties));
}

pub async fn start(world: &World) -> RunningFoundry {
    start_foundry(world.clone(), DEMO_ACCOUNT, FoundryOptions::default())
        .await
        .unwrap()
}

/// `{project endpoint}/{path}`; project routes get `?api-version=v1` unless they carry a query.
pub fn url(foundry: &RunningFoundry, path: &str) -> String {
    let base = foundry.project_endpoint(DEMO_PROJECT);
    if path.starts_with("openai/") || path.contains('?') {
        format!("{base}/{path}")
    } else {
        format!("{base}/{path}?api-version=v1")
    }
}

pub async fn get(foundry: &RunningFoundry, path: &str) -> Reply {
    send(
        client()
            .get(url(foundry, path))
            .header("Authorization", BEARER),
    )
    .await
}

pub async fn post(foundry: &RunningFoundry, path: &str, body: &Value) -> Reply {
    send(
        client()
            .post(url(foundry, path))
            .header("Authorization", BEARER)
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
    .await
}

pub async fn delete(foundry: &RunningFoundry, path: &str) -> Reply {
    send(
        client()
            .delete(url(foundry, path))
            .header("Authorization", BEARER),
    )
    .await
}

/// Creates a version of `name` with `definition`; the version details.
pub async fn create_agent(foundry: &RunningFoundry, name: &str, definition: Value) -> Value {
    let reply = post(
        foundry,
        &format!("agents/{name}/versions"),
        &json!({ "definition": definition }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

/// A prompt agent on `model` with instructions.
pub fn prompt(model: &str) -> Value {
    json!({
        "kind": "prompt",
        "model": model,
        "instructions": "You are a test agent.",
    })
}

/// `POST openai/v1/responses`.
pub async fn respond(foundry: &RunningFoundry, body: &Value) -> Reply {
    post(foundry, "openai/v1/responses", body).await
}

/// `agent_reference` for the latest version of `name`.
pub fn agent(name: &str) -> Value {
    json!({ "type": "agent_reference", "name": name })
}

/// The first output item's text.
pub fn output_text(response: &Value) -> String {
    response["output"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["type"] == "message")
        .flat_map(|item| item["content"].as_array().unwrap().clone())
        .filter_map(|part| part["text"].as_str().map(str::to_string))
        .collect()
}

/// ModelGateway in front of an OpenAI-style gateway: static models, key in
/// `Authorization: Bearer` via `authConfig`, one custom header.
pub fn openai_connection(gateway: &RunningGateway) -> Value {
    json!({
        "category": "ModelGateway",
        "target": gateway.target().as_str(),
        "authType": "ApiKey",
        "isSharedToAll": false,
        "credentials": { "key": DEMO_API_KEY },
        "metadata": {
            "deploymentInPath": "false",
            "inferenceAPIVersion": "",
            "models": "[{\"name\":\"gpt-4o\",\"properties\":{\"model\":{\"name\":\"gpt-4o\",\"version\":\"2024-11-20\",\"format\":\"OpenAI\"}}},{\"name\":\"gpt-4o-mini\",\"properties\":{\"model\":{\"name\":\"gpt-4o-mini\",\"version\":\"2024-07-18\",\"format\":\"OpenAI\"}}}]",
            "authConfig": "{\"type\":\"api_key\",\"name\":\"Authorization\",\"format\":\"Bearer {api_key}\"}",
            "customHeaders": "{\"X-Client-App\":\"foundry-agents\"}",
        },
    })
}

/// ApiManagement in front of an Azure OpenAI-style gateway: dynamic discovery, deployment in
/// the path, api-versions on inference and discovery, key in the default `api-key` header.
pub fn apim_connection(gateway: &RunningGateway) -> Value {
    json!({
        "category": "ApiManagement",
        "target": gateway.target().as_str(),
        "authType": "ApiKey",
        "isSharedToAll": false,
        "credentials": { "key": DEMO_API_KEY },
        "metadata": {
            "deploymentInPath": "true",
            "inferenceAPIVersion": DEMO_API_VERSION,
            "deploymentAPIVersion": DEMO_API_VERSION,
            "modelDiscovery": "{\"listModelsEndpoint\":\"/deployments\",\"getModelEndpoint\":\"/deployments/{deploymentName}\",\"deploymentProvider\":\"AzureOpenAI\"}",
            "customHeaders": "{}",
        },
    })
}

/// `(event, data)` of every server-sent event; the `event:` line must match `data.type`.
pub fn sse_events(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut event = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = Some(name.to_string());
                } else if let Some(json) = line.strip_prefix("data: ") {
                    data = Some(serde_json::from_str::<Value>(json).unwrap());
                }
            }
            let (event, data) = (event.expect("event line"), data.expect("data line"));
            assert_eq!(data["type"], event.as_str(), "{block}");
            (event, data)
        })
        .collect()
}

#[tokio::test]
async fn the_data_plane_records_its_endpoint_in_the_world() {
    let world = world();
    let foundry = start(&world).await;
    assert_eq!(foundry.account(), DEMO_ACCOUNT);
    let (endpoint, project_endpoint) = {
        let data = world.lock();
        let account = data.account_by_name(DEMO_ACCOUNT).unwrap();
        (
            account.foundry_endpoint.clone(),
            account.project_endpoint(DEMO_PROJECT),
        )
    };
    assert_eq!(endpoint, Some(foundry.base_url()));
    assert_eq!(
        project_endpoint,
        Some(foundry.project_endpoint(DEMO_PROJECT))
    );
    let missing = start_foundry(world.clone(), "no-such-account", FoundryOptions::default()).await;
    assert!(missing.is_err());
}

#[tokio::test]
async fn every_route_needs_the_foundry_token() {
    let world = world();
    let foundry = start(&world).await;
    for token in [None, Some("Bearer wrong-token"), Some(DEMO_AZURE_TOKEN)] {
        let mut request = client().get(url(&foundry, "agents"));
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        let reply = send(request).await;
        assert_eq!(reply.status, 401, "{token:?}");
        assert_eq!(
            reply.json(),
            json!({ "error": { "code": "Unauthorized", "message": UNAUTHORIZED_MESSAGE } })
        );
        assert!(
            UNAUTHORIZED_MESSAGE.contains(
                "Access token is missing, invalid, audience is incorrect (https://ai.azure.com/), or have expired."
            )
        );
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
        assert!(reply.header("x-ms-request-id").is_some());
    }
    let reply = send(client().post(url(&foundry, "openai/v1/conversations"))).await;
    assert_eq!(reply.status, 401);
    let error = &reply.json()["error"];
    assert_eq!(error["message"], UNAUTHORIZED_MESSAGE);
    assert_eq!(error["type"], "invalid_request_error");
    assert_eq!(error["code"], "Unauthorized");
    // An unknown path is refused for want of a token before it is found missing.
    let reply = send(client().get(format!("{}nowhere", foundry.base_url()))).await;
    assert_eq!(reply.status, 401);
    assert_eq!(get(&foundry, "agents").await.status, 200);
}

#[tokio::test]
async fn project_routes_take_api_version_v1_only() {
    let world = world();
    let foundry = start(&world).await;
    let reply = get(&foundry, "agents?limit=5").await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        json!({ "error": { "code": "BadRequest", "message": "Missing required query parameter: api-version" } })
    );
    let reply = get(&foundry, "agents?api-version=2025-05-15-preview").await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        json!({ "error": {
            "code": "UnsupportedApiVersionValue",
            "message": "Unsupported api version '2025-05-15-preview'. The supported versions are 'v1'.",
        } })
    );
    let reply = post(
        &foundry,
        "agents/a1/versions?api-version=V1",
        &json!({ "definition": prompt("gw/gpt-4o") }),
    )
    .await;
    assert_eq!(reply.status, 400, "the value is compared exactly");
    assert_eq!(get(&foundry, "agents?api-version=v1").await.status, 200);
    // The OpenAI-compatible routes take none.
    let reply = post(&foundry, "openai/v1/conversations", &json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[tokio::test]
async fn an_unknown_project_or_path_is_404() {
    let world = world();
    let foundry = start(&world).await;
    let base = foundry.project_endpoint("no-such-project");
    let reply = send(
        client()
            .get(format!("{base}/agents?api-version=v1"))
            .header("Authorization", BEARER),
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["code"], "NotFound");
    assert!(reply.text().contains("no-such-project"));
    let reply = send(
        client()
            .post(format!("{base}/openai/v1/responses"))
            .header("Authorization", BEARER)
            .body("{}"),
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["type"], "invalid_request_error");
    // Project names compare case-insensitively, like every ARM name.
    let upper = foundry.project_endpoint(&DEMO_PROJECT.to_uppercase());
    let reply = send(
        client()
            .get(format!("{upper}/agents?api-version=v1"))
            .header("Authorization", BEARER),
    )
    .await;
    assert_eq!(reply.status, 200);
    let reply = get(&foundry, "openai/v1/threads").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn agent_names_follow_the_service_rules() {
    let world = world();
    let foundry = start(&world).await;
    let body = json!({ "definition": prompt("gw/gpt-4o") });
    let longest = format!("a{}z", "-".repeat(61));
    for good in ["a", "gw-smoke", "Agent7", longest.as_str()] {
        let reply = post(&foundry, &format!("agents/{good}/versions"), &body).await;
        assert_eq!(reply.status, 200, "{good}: {}", reply.text());
        assert_eq!(reply.json()["name"], good);
    }
    let too_long = "a".repeat(64);
    for bad in [
        "-smoke",
        "smoke-",
        "gw_smoke",
        "gw.smoke",
        too_long.as_str(),
    ] {
        let reply = post(&foundry, &format!("agents/{bad}/versions"), &body).await;
        assert_eq!(reply.status, 400, "{bad}");
        let error = &reply.json()["error"];
        assert_eq!(error["code"], "BadRequest");
        assert!(error["message"].as_str().unwrap().contains("63"), "{error}");
    }
}

#[tokio::test]
async fn create_version_checks_the_body() {
    let world = world();
    let foundry = start(&world).await;
    let many: serde_json::Map<String, Value> =
        (0..17).map(|i| (format!("k{i}"), json!("v"))).collect();
    let cases = [
        (json!({}), "'definition'"),
        (
            json!({ "definition": { "model": "gw/gpt-4o" } }),
            "'definition.kind'",
        ),
        (
            json!({ "definition": { "kind": "robot", "model": "gw/gpt-4o" } }),
            "'robot'",
        ),
        (
            json!({ "definition": { "kind": "prompt" } }),
            "'definition.model'",
        ),
        (
            json!({ "definition": prompt("gw/gpt-4o"), "metadata": many }),
            "at most 16",
        ),
        (
            json!({ "definition": prompt("gw/gpt-4o"), "metadata": { "n": 1 } }),
            "strings",
        ),
        (
            json!({ "definition": { "kind": "prompt", "model": "gw/gpt-4o", "tools": [{ "type": "function" }] } }),
            "tools[0].name",
        ),
    ];
    for (body, says) in cases {
        let reply = post(&foundry, "agents/checked/versions", &body).await;
        assert_eq!(reply.status, 400, "{body}");
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains(says), "{message} should contain {says}");
    }
    let reply = send(
        client()
            .post(url(&foundry, "agents/checked/versions"))
            .header("Authorization", BEARER)
            .body("{not json"),
    )
    .await;
    assert_eq!(reply.status, 400);
    // Nothing was stored by the refused requests.
    assert_eq!(get(&foundry, "agents/checked").await.status, 404);
    // Other kinds are stored (they just do not run here); a hosted one may have no model.
    let reply = post(
        &foundry,
        "agents/hosted-one/versions",
        &json!({ "definition": { "kind": "hosted", "image": "contoso.azurecr.io/agent:1" } }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[tokio::test]
async fn versions_are_created_fetched_listed_and_deleted() {
    let world = world();
    let foundry = start(&world).await;
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let definition = json!({
        "kind": "prompt",
        "model": "my-apim-connection/gpt-4o",
        "instructions": "You are a test agent. Reply with the word PONG.",
        "tools": [],
    });
    let reply = post(
        &foundry,
        "agents/gw-smoke/versions",
        &json!({
            "definition": definition,
            "description": "gateway smoke test",
            "metadata": { "createdBy": "gateway-checker" },
        }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let first = reply.json();
    let created_at = first["created_at"].as_u64().unwrap();
    assert!(
        created_at >= before && created_at <= before + 5,
        "{created_at}"
    );
    assert_eq!(
        first,
        json!({
            "object": "agent.version",
            "id": "gw-smoke:1",
            "name": "gw-smoke",
            "version": "1",
            "description": "gateway smoke test",
            "created_at": created_at,
            "definition": definition,
            "metadata": { "createdBy": "gateway-checker" },
        })
    );
    let second = create_agent(&foundry, "gw-smoke", prompt("gw/gpt-4o-mini")).await;
    assert_eq!(second["version"], "2");
    assert_eq!(second["id"], "gw-smoke:2");
    assert_eq!(second["description"], Value::Null);
    assert_eq!(second["metadata"], json!({}));
    let third = create_agent(&foundry, "gw-smoke", prompt("gw/gpt-4o")).await;
    assert_eq!(third["version"], "3");

    let got = get(&foundry, "agents/gw-smoke/versions/1").await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), first);
    let missing = get(&foundry, "agents/gw-smoke/versions/9").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "NotFound");

    // Paging, oldest first.
    let page = get(
        &foundry,
        "agents/gw-smoke/versions?api-version=v1&limit=2&order=asc",
    )
    .await;
    assert_eq!(page.status, 200);
    let page = page.json();
    assert_eq!(page["object"], "list");
    assert_eq!(page["data"], json!([first, second]));
    assert_eq!(page["first_id"], "gw-smoke:1");
    assert_eq!(page["last_id"], "gw-smoke:2");
    assert_eq!(page["has_more"], true);
    let rest = get(
        &foundry,
        "agents/gw-smoke/versions?api-version=v1&limit=2&order=asc&after=gw-smoke:2",
    )
    .await
    .json();
    assert_eq!(rest["data"], json!([third]));
    assert_eq!(rest["has_more"], false);
    let back = get(
        &foundry,
        "agents/gw-smoke/versions?api-version=v1&order=asc&before=gw-smoke:3",
    )
    .await
    .json();
    assert_eq!(back["data"], json!([first, second]));
    // Newest first by default.
    let all = get(&foundry, "agents/gw-smoke/versions").await.json();
    let versions: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["3", "2", "1"]);
    let bad = get(&foundry, "agents/gw-smoke/versions?api-version=v1&limit=0").await;
    assert_eq!(bad.status, 400);

    let agent = get(&foundry, "agents/gw-smoke").await;
    assert_eq!(agent.status, 200);
    assert_eq!(
        agent.json(),
        json!({ "object": "agent", "id": "gw-smoke", "name": "gw-smoke", "versions": { "latest": third } })
    );

    let deleted = delete(&foundry, "agents/gw-smoke/versions/3").await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.json(),
        json!({ "object": "agent.version.deleted", "name": "gw-smoke", "version": "3", "deleted": true })
    );
    assert_eq!(
        get(&foundry, "agents/gw-smoke/versions/3").await.status,
        404
    );
    assert_eq!(
        delete(&foundry, "agents/gw-smoke/versions/3").await.status,
        404
    );
    assert_eq!(
        get(&foundry, "agents/gw-smoke").await.json()["versions"]["latest"]["version"],
        "2"
    );
    // Numbers are not reused.
    let fourth = create_agent(&foundry, "gw-smoke", prompt("gw/gpt-4o")).await;
    assert_eq!(fourth["version"], "4");

    let deleted = delete(&foundry, "agents/gw-smoke").await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.json(),
        json!({ "object": "agent.deleted", "name": "gw-smoke", "deleted": true })
    );
    assert_eq!(get(&foundry, "agents/gw-smoke").await.status, 404);
    assert_eq!(get(&foundry, "agents/gw-smoke/versions").await.status, 404);
    assert_eq!(delete(&foundry, "agents/gw-smoke").await.status, 404);
}

#[tokio::test]
async fn agents_are_listed_paged_and_filtered_by_kind() {
    let world = world();
    let foundry = start(&world).await;
    for name in ["alpha", "beta", "gamma"] {
        create_agent(&foundry, name, prompt("gw/gpt-4o")).await;
    }
    create_agent(
        &foundry,
        "hosted-x",
        json!({ "kind": "hosted", "model": "gw/gpt-4o" }),
    )
    .await;
    create_agent(&foundry, "alpha", prompt("gw/gpt-4o-mini")).await;

    let all = get(&foundry, "agents").await.json();
    let names: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hosted-x", "gamma", "beta", "alpha"]);
    assert_eq!(all["data"][3]["object"], "agent");
    assert_eq!(all["data"][3]["versions"]["latest"]["version"], "2");

    let page = get(&foundry, "agents?api-version=v1&order=asc&limit=2")
        .await
        .json();
    assert_eq!(page["first_id"], "alpha");
    assert_eq!(page["last_id"], "beta");
    assert_eq!(page["has_more"], true);
    let next = get(
        &foundry,
        "agents?api-version=v1&order=asc&limit=2&after=beta",
    )
    .await
    .json();
    assert_eq!(next["first_id"], "gamma");
    assert_eq!(next["has_more"], false);

    let prompts = get(&foundry, "agents?api-version=v1&kind=prompt")
        .await
        .json();
    assert_eq!(prompts["data"].as_array().unwrap().len(), 3);
    let hosted = get(&foundry, "agents?api-version=v1&kind=hosted")
        .await
        .json();
    assert_eq!(hosted["data"][0]["name"], "hosted-x");
    assert_eq!(
        get(&foundry, "agents?api-version=v1&kind=robot")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn conversations_hold_items() {
    let world = world();
    let foundry = start(&world).await;
    let created = post(
        &foundry,
        "openai/v1/conversations",
        &json!({
            "items": [
                { "type": "message", "role": "user", "content": "Hello" },
                { "role": "assistant", "content": [{ "type": "output_text", "text": "Hi!" }] },
            ],
            "metadata": { "topic": "smoke" },
        }),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text());
    let conversation = created.json();
    let id = conversation["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("conv_"), "{id}");
    assert_eq!(conversation["object"], "conversation");
    assert!(conversation["created_at"].is_u64());
    assert_eq!(conversation["metadata"], json!({ "topic": "smoke" }));
    assert_eq!(
        get(&foundry, &format!("openai/v1/conversations/{id}"))
            .await
            .json(),
        conversation
    );

    let items = get(
        &foundry,
        &format!("openai/v1/conversations/{id}/items?order=asc"),
    )
    .await
    .json();
    assert_eq!(items["object"], "list");
    let data = items["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["type"], "message");
    assert_eq!(data[0]["role"], "user");
    assert_eq!(
        data[0]["content"],
        json!([{ "type": "input_text", "text": "Hello" }])
    );
    assert!(data[0]["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(data[1]["role"], "assistant");
    assert_eq!(items["first_id"], data[0]["id"]);
    assert_eq!(items["has_more"], false);

    let added = post(
        &foundry,
        &format!("openai/v1/conversations/{id}/items"),
        &json!({ "items": [{ "type": "message", "role": "user", "content": "More" }] }),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.text());
    let added = added.json();
    assert_eq!(added["object"], "list");
    assert_eq!(added["data"][0]["content"][0]["text"], "More");
    // Newest first by default.
    let newest = get(
        &foundry,
        &format!("openai/v1/conversations/{id}/items?limit=1"),
    )
    .await
    .json();
    assert_eq!(newest["data"][0]["id"], added["data"][0]["id"]);
    assert_eq!(newest["has_more"], true);

    let too_many: Vec<Value> = (0..21)
        .map(|i| json!({ "role": "user", "content": format!("m{i}") }))
        .collect();
    let reply = post(
        &foundry,
        "openai/v1/conversations",
        &json!({ "items": too_many }),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["param"], "items");
    let reply = post(
        &foundry,
        &format!("openai/v1/conversations/{id}/items"),
        &json!({ "items": [{ "type": "picture" }] }),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["param"], "items[0].type");
    assert_eq!(reply.json()["error"]["code"], "invalid_payload");

    let deleted = delete(&foundry, &format!("openai/v1/conversations/{id}")).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.json(),
        json!({ "id": id, "object": "conversation.deleted", "deleted": true })
    );
    let gone = get(&foundry, &format!("openai/v1/conversations/{id}")).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["error"]["type"], "invalid_request_error");
    assert_eq!(
        get(&foundry, &format!("openai/v1/conversations/{id}/items"))
            .await
            .status,
        404
    );
    // An empty body is an empty conversation.
    let reply = send(
        client()
            .post(url(&foundry, "openai/v1/conversations"))
            .header("Authorization", BEARER),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[tokio::test]
async fn the_data_planes_own_faults_answer_in_azure_words() {
    let world = world();
    let foundry = start(&world).await;
    foundry
        .faults()
        .on(gateway_studio_sandbox::Route::Foundry)
        .next(1)
        .rate_limit(4);
    let reply = get(&foundry, "agents").await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), Some("4"));
    assert_eq!(reply.json()["error"]["code"], "TooManyRequests");
    assert!(reply.header("x-ms-request-id").is_some());
    assert_eq!(get(&foundry, "agents").await.status, 200, "used up");
    let recorded = foundry.requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].header("authorization"), Some(BEARER));
    assert_eq!(
        recorded[0].query_param("api-version").as_deref(),
        Some("v1")
    );
    foundry.clear_requests();
    assert!(foundry.requests().is_empty());
}
