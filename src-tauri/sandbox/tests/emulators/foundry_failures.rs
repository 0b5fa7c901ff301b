//! How a run fails: the model's form, unknown connections and deployments, hosted agents, the
//! removed `agent` key, follow-ups that do not fit, and gateways that fail (without leaking
//! the key).

use gateway_studio_sandbox::demo::{DEMO_API_KEY, DEMO_WRONG_API_KEY};
use gateway_studio_sandbox::foundry::errors;
use gateway_studio_sandbox::{GatewayConfig, Route, start_gateway};
use serde_json::{Value, json};

use crate::foundry::{
    add_connection, agent, apim_connection, create_agent, get, openai_connection, post, prompt,
    respond, sse_events, start, world,
};

fn error_of(reply: &crate::common::Reply) -> Value {
    reply.json()["error"].clone()
}

fn says(error: &Value, words: &[&str]) {
    let message = error["message"].as_str().unwrap();
    for word in words {
        assert!(
            message.contains(word),
            "{message:?} should contain {word:?}"
        );
    }
}

#[tokio::test]
async fn a_model_not_in_connection_form_is_model_not_found() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    for (name, model) in [
        ("plain", "gpt-4o"),
        ("no-connection", "/gpt-4o"),
        ("no-deployment", "llm-gw/"),
    ] {
        // Accepted at create time: the model is resolved when the agent runs.
        create_agent(&foundry, name, prompt(model)).await;
        let reply = respond(
            &foundry,
            &json!({ "agent_reference": agent(name), "input": "Hi" }),
        )
        .await;
        assert_eq!(reply.status, 400, "{model}: {}", reply.text());
        let error = error_of(&reply);
        assert_eq!(error["code"], errors::MODEL_NOT_FOUND);
        assert_eq!(error["type"], "invalid_request_error");
        says(
            &error,
            &[
                "not found",
                &format!("'{model}'"),
                "<connection-name>/<deployment-name>",
            ],
        );
    }
    assert!(gateway.requests().is_empty());
}

#[tokio::test]
async fn an_unknown_connection_is_model_not_found() {
    let world = world();
    let foundry = start(&world).await;
    create_agent(&foundry, "lost", prompt("missing-gw/gpt-4o")).await;
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("lost"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 400);
    let error = error_of(&reply);
    assert_eq!(error["code"], "model_not_found");
    says(
        &error,
        &["'missing-gw'", "<connection-name>/<deployment-name>"],
    );
    // A connection of another category is no gateway either.
    add_connection(
        &world,
        "aoai",
        json!({ "category": "AzureOpenAI", "target": "https://x.openai.azure.com", "authType": "ApiKey", "credentials": { "key": "k" } }),
    );
    create_agent(&foundry, "aoai-agent", prompt("aoai/gpt-4o")).await;
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("aoai-agent"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(error_code(&reply), "model_not_found");
}

fn error_code(reply: &crate::common::Reply) -> String {
    error_of(reply)["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_deployment_missing_from_the_static_models_is_deployment_not_found() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "gpt5", prompt("llm-gw/gpt-5")).await;
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("gpt5"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.text());
    let error = error_of(&reply);
    assert_eq!(error["code"], errors::DEPLOYMENT_NOT_FOUND);
    says(
        &error,
        &[
            "'gpt-5'",
            "'llm-gw'",
            "static `models`",
            "gpt-4o, gpt-4o-mini",
        ],
    );
    assert!(gateway.requests().is_empty(), "a static list needs no call");
}

#[tokio::test]
async fn a_deployment_discovery_does_not_find_is_deployment_not_found() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let world = world();
    add_connection(&world, "apim-gw", apim_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "nope", prompt("apim-gw/gpt-9")).await;
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("nope"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.text());
    let error = error_of(&reply);
    assert_eq!(error["code"], "DeploymentNotFound");
    says(
        &error,
        &[
            "'gpt-9'",
            "'apim-gw'",
            "HTTP 404",
            "/openai/deployments/gpt-9",
        ],
    );
    let seen = gateway.requests();
    assert_eq!(seen.len(), 1, "discovery only, no chat: {seen:?}");
    assert_eq!(seen[0].method, "GET");
    // A ModelGateway with neither static models nor discovery lists nothing.
    let mut bare = openai_connection(&gateway);
    bare["metadata"].as_object_mut().unwrap().remove("models");
    add_connection(&world, "bare-gw", bare);
    create_agent(&foundry, "bare", prompt("bare-gw/gpt-4o")).await;
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("bare"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(error_code(&reply), "DeploymentNotFound");
}

#[tokio::test]
async fn a_hosted_agent_with_a_gateway_model_is_deployment_not_found() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(
        &foundry,
        "hosted",
        json!({ "kind": "hosted", "model": "llm-gw/gpt-4o" }),
    )
    .await;
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("hosted"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 400);
    let error = error_of(&reply);
    assert_eq!(error["code"], "DeploymentNotFound");
    says(&error, &["prompt agents"]);
    assert!(gateway.requests().is_empty());
}

#[tokio::test]
async fn the_request_body_is_checked_like_the_service_does() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "checked", prompt("llm-gw/gpt-4o")).await;

    // The preview key `agent` is gone in v1 (§7 row 10).
    let reply = respond(
        &foundry,
        &json!({ "agent": { "type": "agent_reference", "name": "checked" }, "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 400);
    let error = error_of(&reply);
    assert_eq!(error["code"], "invalid_payload");
    assert_eq!(error["param"], "agent");
    assert_eq!(error["message"], errors::AGENT_KEY_REMOVED);
    says(&error, &["'agent'", "agent_reference"]);

    let cases = [
        (json!({ "input": "Hi" }), "agent_reference"),
        (
            json!({ "agent_reference": "checked", "input": "Hi" }),
            "agent_reference",
        ),
        (
            json!({ "agent_reference": { "name": "checked" }, "input": "Hi" }),
            "agent_reference.type",
        ),
        (
            json!({ "agent_reference": { "type": "agent_reference" }, "input": "Hi" }),
            "agent_reference.name",
        ),
        (
            json!({ "agent_reference": agent("checked"), "input": 5 }),
            "input",
        ),
        (json!({ "agent_reference": agent("checked") }), "input"),
        (
            json!({ "agent_reference": agent("checked"), "input": [{ "type": "function_call_output", "call_id": "call_x", "output": "1" }] }),
            "input",
        ),
        (
            json!({ "agent_reference": agent("checked"), "input": "Hi", "stream": "yes" }),
            "stream",
        ),
        (
            json!({ "agent_reference": agent("checked"), "input": "Hi", "conversation": "conv_1", "previous_response_id": "resp_1" }),
            "conversation",
        ),
    ];
    for (body, param) in cases {
        let reply = respond(&foundry, &body).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
        assert_eq!(error_of(&reply)["param"], param, "{body}");
    }

    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("ghost"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(error_code(&reply), "not_found");
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": { "type": "agent_reference", "name": "checked", "version": "7" }, "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 404);
    says(&error_of(&reply), &["'7'"]);
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("checked"), "input": "Hi", "conversation": "conv_missing" }),
    )
    .await;
    assert_eq!(reply.status, 404);
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("checked"), "input": "Hi", "previous_response_id": "resp_missing" }),
    )
    .await;
    assert_eq!(reply.status, 404);
    assert!(gateway.requests().is_empty(), "nothing reached the gateway");
}

#[tokio::test]
async fn a_follow_up_must_answer_the_pending_call() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    let mut definition = prompt("llm-gw/gpt-4o");
    definition["tools"] = json!([{ "type": "function", "name": "lookup", "parameters": { "type": "object", "properties": {} } }]);
    create_agent(&foundry, "tooly", definition).await;
    let first = respond(
        &foundry,
        &json!({ "agent_reference": agent("tooly"), "input": "Look it up" }),
    )
    .await
    .json();
    assert_eq!(first["output"][0]["type"], "function_call");

    let wrong = respond(
        &foundry,
        &json!({
            "agent_reference": agent("tooly"),
            "previous_response_id": first["id"],
            "input": [{ "type": "function_call_output", "call_id": "call_wrong", "output": "x" }],
        }),
    )
    .await;
    assert_eq!(wrong.status, 400);
    says(&error_of(&wrong), &["No tool call found", "call_wrong"]);
    let unanswered = respond(
        &foundry,
        &json!({ "agent_reference": agent("tooly"), "previous_response_id": first["id"], "input": "And?" }),
    )
    .await;
    assert_eq!(unanswered.status, 400);
    says(
        &error_of(&unanswered),
        &[
            "No tool output found",
            first["output"][0]["call_id"].as_str().unwrap(),
        ],
    );
    assert_eq!(gateway.requests().len(), 1);
}

#[tokio::test]
async fn a_gateway_error_is_reported_with_its_status_and_without_the_key() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let mut wrong_key = openai_connection(&gateway);
    wrong_key["credentials"]["key"] = json!(DEMO_WRONG_API_KEY);
    add_connection(&world, "wrong-gw", wrong_key);
    let foundry = start(&world).await;
    create_agent(&foundry, "ok-agent", prompt("llm-gw/gpt-4o")).await;
    create_agent(&foundry, "wrong-agent", prompt("wrong-gw/gpt-4o")).await;

    // The gateway echoes the key it was sent in its error body.
    gateway.faults().on(Route::Chat).next(1).status(
        500,
        format!("{{\"error\":{{\"message\":\"upstream failed for key {DEMO_API_KEY}\",\"code\":\"backend_down\"}}}}"),
        "application/json",
    );
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("ok-agent"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 502, "{}", reply.text());
    assert!(!reply.text().contains(DEMO_API_KEY), "{}", reply.text());
    let error = error_of(&reply);
    assert_eq!(error["code"], errors::GATEWAY_ERROR);
    assert_eq!(error["type"], "server_error");
    says(
        &error,
        &[
            "'llm-gw'",
            "HTTP 500",
            "backend_down: upstream failed for key <redacted>",
            "/v1/chat/completions",
        ],
    );

    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("wrong-agent"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 502);
    assert!(
        !reply.text().contains(DEMO_WRONG_API_KEY),
        "{}",
        reply.text()
    );
    says(
        &error_code_and(&reply),
        &["HTTP 401", "Incorrect API key provided"],
    );

    // The fault is used up: the next run works.
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("ok-agent"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 200);
}

fn error_code_and(reply: &crate::common::Reply) -> Value {
    let error = error_of(reply);
    assert_eq!(error["code"], "gateway_error");
    error
}

#[tokio::test]
async fn a_rate_limited_gateway_surfaces_as_429() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let world = world();
    add_connection(&world, "apim-gw", apim_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "busy", prompt("apim-gw/gpt-4o")).await;
    gateway.faults().on(Route::Chat).next(1).rate_limit(7);
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("busy"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 429, "{}", reply.text());
    assert_eq!(reply.header("retry-after"), Some("7"));
    let error = error_of(&reply);
    assert_eq!(error["code"], errors::RATE_LIMITED);
    says(&error, &["HTTP 429", "Rate limit is exceeded"]);
    // Discovery rate-limited: the same.
    gateway.faults().on(Route::Discovery).next(1).rate_limit(3);
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("busy"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 429);
    says(&error_of(&reply), &["model discovery"]);
}

#[tokio::test]
async fn an_unreachable_or_confused_gateway_is_a_gateway_error() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "a", prompt("llm-gw/gpt-4o")).await;

    gateway.faults().on(Route::Chat).next(1).non_json_body();
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("a"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 502);
    says(&error_of(&reply), &["not JSON", "text/html"]);

    gateway.faults().on(Route::Chat).next(1).wrong_shape();
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("a"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 502);
    says(&error_of(&reply), &["choices[0].message"]);

    gateway.shutdown().await;
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("a"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 502, "{}", reply.text());
    says(&error_of(&reply), &["did not answer", "'llm-gw'"]);
}

#[tokio::test]
async fn a_streamed_run_reports_a_gateway_failure_as_response_failed() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "s", prompt("llm-gw/gpt-4o")).await;
    let conversation = post(&foundry, "openai/v1/conversations", &json!({}))
        .await
        .json();
    let conversation_id = conversation["id"].as_str().unwrap();
    gateway.faults().on(Route::Chat).next(1).server_error(503);
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("s"), "input": "Hi", "stream": true, "conversation": conversation_id }),
    )
    .await;
    assert_eq!(reply.status, 200);
    let events = sse_events(&reply.text());
    let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "response.created",
            "response.in_progress",
            "response.failed"
        ]
    );
    let failed = &events[2].1["response"];
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["error"]["code"], "gateway_error");
    assert!(
        failed["error"]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 503")
    );
    assert_eq!(failed["output"], json!([]));
    let id = failed["id"].as_str().unwrap();
    let stored = get(&foundry, &format!("openai/v1/responses/{id}"))
        .await
        .json();
    assert_eq!(stored["status"], "failed");
    // A failed run leaves the conversation as it was.
    let items = get(
        &foundry,
        &format!("openai/v1/conversations/{conversation_id}/items"),
    )
    .await
    .json();
    assert_eq!(items["data"], json!([]));
}
