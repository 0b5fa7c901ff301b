//! OpenAI-style gateway: `/v1/models`, `/v1/chat/completions` with `model` in the body.

use gateway_studio_sandbox::demo::{DEMO_API_KEY, DEMO_WRONG_API_KEY};
use gateway_studio_sandbox::{GatewayAuth, GatewayConfig, GatewayStyle, start_gateway};
use serde_json::json;

use crate::common::{get, hello, post_json};

const BEARER: &str = "Bearer sandbox-key-7d3f0c2a9b6e4f18";

#[tokio::test]
async fn discovery_lists_and_gets_models_in_openai_shape() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let target = gateway.target();
    assert_eq!(target.path(), "/v1");
    let style = gateway.style();
    assert!(!style.deployment_in_path());
    assert_eq!(style.deployment_provider(), "OpenAI");

    let list = get(
        &format!("{target}{}", style.list_models_endpoint()),
        &[("Authorization", BEARER)],
    )
    .await;
    assert_eq!(list.status, 200);
    let list = list.json();
    assert_eq!(list["object"], "list");
    assert_eq!(list["data"][0]["id"], "gpt-4o");
    assert_eq!(list["data"][0]["object"], "model");
    assert!(list["data"][0]["created"].is_u64());
    assert!(list["data"][0]["owned_by"].is_string());
    assert_eq!(list["data"][1]["id"], "gpt-4o-mini");
    assert!(list.get("value").is_none());

    let one = style
        .get_model_endpoint()
        .replace("{deploymentName}", "gpt-4o-mini");
    let one = get(&format!("{target}{one}"), &[("Authorization", BEARER)]).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["id"], "gpt-4o-mini");

    let missing = get(
        &format!("{target}/models/gpt-5"),
        &[("Authorization", BEARER)],
    )
    .await;
    assert_eq!(missing.status, 404);
    let error = &missing.json()["error"];
    assert_eq!(error["code"], "model_not_found");
    assert_eq!(error["type"], "invalid_request_error");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("The model `gpt-5` does not exist")
    );
}

#[tokio::test]
async fn chat_answers_for_the_model_in_the_body() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let url = format!("{}/chat/completions", gateway.target());
    let mut body = hello("Hi there");
    body["model"] = json!("gpt-4o-mini");

    let reply = post_json(&url, &[("Authorization", BEARER)], &body).await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let reply = reply.json();
    assert_eq!(reply["object"], "chat.completion");
    assert!(reply["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(reply["model"], "gpt-4o-mini");
    assert_eq!(reply["choices"][0]["index"], 0);
    assert_eq!(reply["choices"][0]["message"]["role"], "assistant");
    assert_eq!(
        reply["choices"][0]["message"]["content"],
        "Echo from gpt-4o-mini: Hi there"
    );
    assert_eq!(reply["choices"][0]["finish_reason"], "stop");
    let usage = &reply["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );

    let recorded = gateway.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].method, "POST");
    assert_eq!(recorded[0].path, "/v1/chat/completions");
    assert_eq!(recorded[0].header("authorization"), Some(BEARER));
    assert_eq!(recorded[0].body_json(), Some(body));
    gateway.clear_requests();
    assert!(gateway.requests().is_empty());
}

#[tokio::test]
async fn chat_refuses_unknown_or_missing_models_and_bad_bodies() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let url = format!("{}/chat/completions", gateway.target());
    let auth = [("Authorization", BEARER)];

    let mut unknown = hello("x");
    unknown["model"] = json!("gpt-9");
    let reply = post_json(&url, &auth, &unknown).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["code"], "model_not_found");

    let reply = post_json(&url, &auth, &hello("no model")).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json()["error"]["message"],
        "you must provide a model parameter"
    );

    let reply = post_json(&url, &auth, &json!({ "model": "gpt-4o", "messages": [] })).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["code"], "empty_array");

    let reply = post_json(&url, &auth, &json!({ "model": "gpt-4o" })).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["param"], "messages");

    let reply = crate::common::send(
        crate::common::client()
            .post(&url)
            .header("Authorization", BEARER)
            .body("{not json"),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn every_route_demands_the_key_in_openai_words() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let target = gateway.target();
    let mut chat = hello("x");
    chat["model"] = json!("gpt-4o");
    let wrong = format!("Bearer {DEMO_WRONG_API_KEY}");

    for headers in [
        vec![],
        vec![("Authorization", wrong.as_str())],
        vec![("Authorization", DEMO_API_KEY)],
    ] {
        for reply in [
            get(&format!("{target}/models"), &headers).await,
            get(&format!("{target}/models/gpt-4o"), &headers).await,
            post_json(&format!("{target}/chat/completions"), &headers, &chat).await,
        ] {
            assert_eq!(reply.status, 401, "{headers:?}");
            let error = &reply.json()["error"];
            assert_eq!(error["code"], "invalid_api_key");
            assert_eq!(error["type"], "invalid_request_error");
            assert!(!reply.text().contains(DEMO_WRONG_API_KEY), "key echoed");
        }
    }
    let missing = get(&format!("{target}/models"), &[]).await;
    assert!(missing.text().contains("You didn't provide an API key"));
    let incorrect = get(&format!("{target}/models"), &[("Authorization", &wrong)]).await;
    assert!(incorrect.text().contains("Incorrect API key provided"));
}

#[tokio::test]
async fn api_key_header_name_is_case_insensitive_and_the_value_exact() {
    let config = GatewayConfig::new(
        GatewayStyle::OpenAi,
        GatewayAuth::ApiKey {
            header: "x-api-key".into(),
            format: "Key {api_key}".into(),
            key: "abc123".into(),
        },
    );
    let gateway = start_gateway(config).await.unwrap();
    let url = format!("{}/models", gateway.target());
    assert_eq!(get(&url, &[("X-API-KEY", "Key abc123")]).await.status, 200);
    assert_eq!(get(&url, &[("x-api-key", "abc123")]).await.status, 401);
    assert_eq!(get(&url, &[("x-api-key", "key abc123")]).await.status, 401);
    assert_eq!(get(&url, &[("api-key", "Key abc123")]).await.status, 401);
}

#[tokio::test]
async fn unknown_paths_and_methods_are_invalid_urls() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let base = gateway.base_url();
    // deploymentInPath "true" against an OpenAI-style gateway.
    let reply = post_json(
        &format!("{base}v1/deployments/gpt-4o/chat/completions"),
        &[("Authorization", BEARER)],
        &hello("x"),
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.json()["error"]["message"],
        "Invalid URL (POST /v1/deployments/gpt-4o/chat/completions)"
    );
    let reply = get(
        &format!("{base}v1/chat/completions"),
        &[("Authorization", BEARER)],
    )
    .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn no_auth_gateway_takes_anyone() {
    let gateway = start_gateway(GatewayConfig::new(GatewayStyle::OpenAi, GatewayAuth::None))
        .await
        .unwrap();
    assert_eq!(
        get(&format!("{}/models", gateway.target()), &[])
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn required_api_version_applies_to_openai_style_too() {
    let config =
        GatewayConfig::new(GatewayStyle::OpenAi, GatewayAuth::None).with_required_api_version("v1");
    let gateway = start_gateway(config).await.unwrap();
    let target = gateway.target();
    assert_eq!(get(&format!("{target}/models"), &[]).await.status, 404);
    assert_eq!(
        get(&format!("{target}/models?api-version=v1"), &[])
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn start_on_a_busy_port_fails_and_shutdown_frees_the_port() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let addr = gateway
        .base_url()
        .socket_addrs(|| None)
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let busy = gateway_studio_sandbox::start_gateway_on(addr, GatewayConfig::demo_openai()).await;
    assert_eq!(
        busy.err().map(|e| e.kind()),
        Some(std::io::ErrorKind::AddrInUse)
    );

    gateway.shutdown().await;
    let refused = crate::common::client()
        .get(format!("http://{addr}/v1/models"))
        .send()
        .await;
    assert!(refused.is_err());
    let again = gateway_studio_sandbox::start_gateway_on(addr, GatewayConfig::demo_openai())
        .await
        .unwrap();
    assert_eq!(again.base_url().port(), Some(addr.port()));
}

#[tokio::test]
async fn dropping_a_gateway_stops_it() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let url = format!("{}/models", gateway.target());
    drop(gateway);
    // The stop is asynchronous: give the server task a moment to close the listener.
    for _ in 0..100 {
        if crate::common::client().get(&url).send().await.is_err() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("still serving a second after drop");
}
