//! The whole path, as a user of the real services would take it: a connection is created
//! through the emulated ARM (its body written by the app's own serialiser), an agent version
//! through the emulated Foundry data plane, a response is requested with `agent_reference`,
//! and the sample gateway must have received exactly the URL, headers and body that
//! byo-gateway.md §4 prescribes.

use gateway_studio_core::connection::{SecretRendering, import_arm_value, to_arm_body};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_sandbox::demo;
use gateway_studio_sandbox::{RunningSandbox, SandboxOptions, Seed, start_sandbox};
use serde_json::{Value, json};

use crate::common::{Reply, client, get, post_json, send};

const INSTRUCTIONS: &str = "You are a test agent. Reply briefly.";

fn bearer() -> String {
    format!("Bearer {}", demo::DEMO_AZURE_TOKEN)
}

fn project_connection_url(sandbox: &RunningSandbox, name: &str) -> String {
    let info = sandbox.info();
    format!(
        "{}subscriptions/{}/resourceGroups/{}/providers/Microsoft.CognitiveServices/accounts/{}/projects/{}/connections/{name}?api-version=2026-05-01",
        info.arm_endpoint, info.subscription_id, info.resource_group, info.account, info.project
    )
}

/// PUTs `draft` (an ARM body with a secret placeholder) through ARM, the way the app deploys:
/// parsed into the model, serialised by `to_arm_body` with the real key.
async fn deploy(sandbox: &RunningSandbox, draft: Value, key: &str) -> Reply {
    let connection = import_arm_value(&draft)
        .expect("a gateway connection")
        .connection;
    let key = Sensitive::new(key.to_string());
    let body = to_arm_body(&connection, SecretRendering::Value(&key));
    let name = connection.name.clone().expect("named");
    send(
        client()
            .put(project_connection_url(sandbox, &name))
            .header("authorization", bearer())
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
    .await
}

async fn create_agent(sandbox: &RunningSandbox, agent: &str, model: &str, tools: Value) -> Reply {
    let endpoint = sandbox.info().project_endpoint.clone();
    post_json(
        &format!("{endpoint}/agents/{agent}/versions?api-version=v1"),
        &[("authorization", &bearer())],
        &json!({
            "definition": {
                "kind": "prompt",
                "model": model,
                "instructions": INSTRUCTIONS,
                "tools": tools,
            },
            "description": "gateway smoke test",
            "metadata": { "createdBy": "gateway-studio-tests" },
        }),
    )
    .await
}

async fn respond(sandbox: &RunningSandbox, body: Value) -> Reply {
    let endpoint = sandbox.info().project_endpoint.clone();
    post_json(
        &format!("{endpoint}/openai/v1/responses"),
        &[("authorization", &bearer())],
        &body,
    )
    .await
}

/// Text of the response's message items.
fn output_text(response: &Value) -> String {
    response["output"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|item| item["type"] == "message")
        .flat_map(|item| item["content"].as_array().cloned().unwrap_or_default())
        .filter(|part| part["type"] == "output_text")
        .filter_map(|part| part["text"].as_str().map(str::to_string))
        .collect()
}

fn weather_tool() -> Value {
    json!([{
        "type": "function",
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": { "city": { "type": "string" } },
            "required": ["city"],
        },
    }])
}

#[tokio::test]
async fn an_agent_answers_through_an_apim_connection_created_through_arm() {
    let sandbox = start_sandbox(SandboxOptions {
        seed: Seed::Empty,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let target = sandbox.apim_gateway.target().to_string();

    // Example (a) of byo-gateway.md §2.4, pointed at the APIM-style sample gateway, with a
    // custom header as the reference allows.
    let draft = json!({
        "name": "apim-gw",
        "properties": {
            "category": "ApiManagement",
            "target": target,
            "authType": "ApiKey",
            "isSharedToAll": false,
            "credentials": { "key": "${GATEWAY_API_KEY}" },
            "metadata": {
                "deploymentInPath": "true",
                "inferenceAPIVersion": demo::DEMO_API_VERSION,
                "models": "[{\"name\":\"gpt-4o\",\"properties\":{\"model\":{\"name\":\"gpt-4o\",\"version\":\"2024-11-20\",\"format\":\"OpenAI\"}}}]",
                "customHeaders": "{\"X-Client-App\":\"foundry-agents\"}",
            }
        }
    });
    let put = deploy(&sandbox, draft, demo::DEMO_APIM_API_KEY).await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert!(
        !put.text().contains(demo::DEMO_APIM_API_KEY),
        "ARM never echoes the key"
    );

    let created = create_agent(&sandbox, "gw-smoke", "apim-gw/gpt-4o", json!([])).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let version = created.json()["version"].as_str().unwrap().to_string();

    sandbox.apim_gateway.clear_requests();
    let reply = respond(
        &sandbox,
        json!({
            "agent_reference": { "type": "agent_reference", "name": "gw-smoke", "version": version },
            "input": "Say PONG",
        }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let response = reply.json();
    assert_eq!(response["object"], "response");
    assert_eq!(response["status"], "completed");
    assert_eq!(output_text(&response), "Echo from gpt-4o: Say PONG");

    // What the gateway received: §4.1 URL, §4.2 headers, a chat-completions body without
    // `model` (the deployment is in the path).
    let requests = sandbox.apim_gateway.requests();
    assert_eq!(
        requests.len(),
        1,
        "static models: no discovery call, one chat call"
    );
    let chat = &requests[0];
    assert_eq!(chat.method, "POST");
    assert_eq!(
        chat.path,
        format!(
            "/openai/deployments/gpt-4o/chat/completions?api-version={}",
            demo::DEMO_API_VERSION
        )
    );
    assert_eq!(chat.header("api-key"), Some(demo::DEMO_APIM_API_KEY));
    assert_eq!(chat.header("x-client-app"), Some("foundry-agents"));
    assert_eq!(chat.header("content-type"), Some("application/json"));
    assert_eq!(chat.header("authorization"), None);
    assert_eq!(
        chat.body_json().unwrap(),
        json!({
            "messages": [
                { "role": "system", "content": INSTRUCTIONS },
                { "role": "user", "content": "Say PONG" },
            ]
        })
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_tool_call_round_trip_through_an_openai_connection_found_by_discovery() {
    let sandbox = start_sandbox(SandboxOptions {
        seed: Seed::Empty,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let target = sandbox.openai_gateway.target().to_string();

    // Example (c) of byo-gateway.md §2.4: key as a Bearer token through `authConfig`, models by
    // dynamic discovery in the OpenAI format.
    let draft = json!({
        "name": "llm-gw",
        "properties": {
            "category": "ModelGateway",
            "target": target,
            "authType": "ApiKey",
            "isSharedToAll": false,
            "credentials": { "key": "${GATEWAY_API_KEY}" },
            "metadata": {
                "deploymentInPath": "false",
                "inferenceAPIVersion": "",
                "modelDiscovery": "{\"listModelsEndpoint\":\"/models\",\"getModelEndpoint\":\"/models/{deploymentName}\",\"deploymentProvider\":\"OpenAI\"}",
                "authConfig": "{\"type\":\"api_key\",\"name\":\"Authorization\",\"format\":\"Bearer {api_key}\"}",
                "customHeaders": "{\"X-Client-App\":\"foundry-agents\"}",
            }
        }
    });
    let put = deploy(&sandbox, draft, demo::DEMO_API_KEY).await;
    assert_eq!(put.status, 200, "{}", put.text());
    // Read back: what was stored is what was sent, minus the key.
    let got = get(
        &project_connection_url(&sandbox, "llm-gw"),
        &[("authorization", &bearer())],
    )
    .await;
    assert_eq!(got.status, 200, "{}", got.text());
    assert_eq!(got.json()["properties"]["category"], "ModelGateway");
    assert!(!got.text().contains(demo::DEMO_API_KEY));

    let created = create_agent(
        &sandbox,
        "weather-agent",
        "llm-gw/gpt-4o-mini",
        weather_tool(),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text());

    sandbox.openai_gateway.clear_requests();
    let first = respond(
        &sandbox,
        json!({
            "agent_reference": { "type": "agent_reference", "name": "weather-agent" },
            "input": "What is the weather in Paris?",
        }),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.json();
    let call = first["output"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["type"] == "function_call")
        .unwrap_or_else(|| panic!("a function_call item: {first}"))
        .clone();
    assert_eq!(call["name"], "get_weather");
    let call_id = call["call_id"].as_str().unwrap().to_string();

    // Discovery then chat, each with the Bearer key and the custom header.
    let requests = sandbox.openai_gateway.requests();
    let bearer_key = format!("Bearer {}", demo::DEMO_API_KEY);
    for request in &requests {
        assert_eq!(request.header("authorization"), Some(bearer_key.as_str()));
        assert_eq!(request.header("x-client-app"), Some("foundry-agents"));
        assert_eq!(request.header("api-key"), None);
    }
    let chats: Vec<_> = requests.iter().filter(|r| r.method == "POST").collect();
    assert!(
        requests
            .iter()
            .any(|r| r.method == "GET" && r.path_only().starts_with("/v1/models")),
        "the deployment was looked up by discovery: {requests:?}"
    );
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].path, "/v1/chat/completions");
    assert_eq!(
        chats[0].body_json().unwrap(),
        json!({
            "model": "gpt-4o-mini",
            "messages": [
                { "role": "system", "content": INSTRUCTIONS },
                { "role": "user", "content": "What is the weather in Paris?" },
            ],
            "tools": [{
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Current weather for a city.",
                    "parameters": {
                        "type": "object",
                        "properties": { "city": { "type": "string" } },
                        "required": ["city"],
                    },
                },
            }],
        })
    );

    // The tool output goes back; the run continues to a final answer.
    sandbox.openai_gateway.clear_requests();
    let second = respond(
        &sandbox,
        json!({
            "agent_reference": { "type": "agent_reference", "name": "weather-agent" },
            "previous_response_id": first["id"],
            "input": [{ "type": "function_call_output", "call_id": call_id, "output": "{\"temp_c\": 21}" }],
        }),
    )
    .await;
    assert_eq!(second.status, 200, "{}", second.text());
    assert_eq!(
        output_text(&second.json()),
        "The tool said: {\"temp_c\": 21}"
    );
    let chat = sandbox
        .openai_gateway
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a second chat call");
    let messages = chat.body_json().unwrap()["messages"].clone();
    let roles: Vec<&str> = messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "tool"]);
    assert_eq!(messages[2]["tool_calls"][0]["id"], call_id.as_str());
    assert_eq!(messages[3]["tool_call_id"], call_id.as_str());
    sandbox.shutdown().await;
}

/// The service's gateway calls are kept for the in-process app under the data-plane request's
/// `x-ms-client-request-id`, redacted, each handed out once; a request without one leaves none.
#[tokio::test]
async fn the_services_gateway_calls_are_kept_by_client_request_id() {
    let sandbox = start_sandbox(SandboxOptions::default()).await.unwrap();
    let created = create_agent(&sandbox, "tapped", "sandbox-apim/gpt-4o", json!([])).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let endpoint = sandbox.info().project_endpoint.clone();
    let body = json!({
        "agent_reference": { "type": "agent_reference", "name": "tapped" },
        "input": "Hello",
    });
    let url = format!("{endpoint}/openai/v1/responses");
    let answered = post_json(
        &url,
        &[
            ("authorization", &bearer()),
            ("x-ms-client-request-id", "req-tapped-1"),
        ],
        &body,
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.text());

    let calls = sandbox.foundry.take_gateway_calls("req-tapped-1");
    assert_eq!(calls.len(), 1, "one chat call: {calls:?}");
    let chat = &calls[0];
    assert_eq!(chat.label, "chat completions");
    assert!(
        chat.url
            .contains("/openai/deployments/gpt-4o/chat/completions"),
        "{}",
        chat.url
    );
    assert_eq!(chat.response.as_ref().map(|r| r.status), Some(200));
    assert!(
        chat.request_body
            .as_deref()
            .unwrap_or_default()
            .contains("Hello")
    );
    let text = serde_json::to_string(chat).unwrap();
    assert!(!text.contains(demo::DEMO_APIM_API_KEY), "redacted: {text}");
    assert!(
        sandbox
            .foundry
            .take_gateway_calls("req-tapped-1")
            .is_empty(),
        "handed out once"
    );

    let untagged = respond(&sandbox, body).await;
    assert_eq!(untagged.status, 200, "{}", untagged.text());
    assert!(sandbox.foundry.take_gateway_calls("").is_empty());
    sandbox.shutdown().await;
}
