//! Chat completions: deterministic replies, tool calling and streaming.

use std::time::{Duration, Instant};

use gateway_studio_sandbox::demo::{DEMO_API_KEY, DEMO_API_VERSION};
use gateway_studio_sandbox::{GatewayConfig, RunningGateway, start_gateway};
use serde_json::{Value, json};

use crate::common::{client, hello, post_json, sse_payloads};

async fn chat(gateway: &RunningGateway, body: &Value) -> crate::common::Reply {
    let url = format!(
        "{}/deployments/gpt-4o/chat/completions?api-version={DEMO_API_VERSION}",
        gateway.target()
    );
    post_json(&url, &[("api-key", DEMO_API_KEY)], body).await
}

fn weather_tools() -> Value {
    json!([{
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": { "type": "string" },
                    "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] },
                },
                "required": ["location"],
            },
        },
    }])
}

#[tokio::test]
async fn replies_are_deterministic_and_read_text_parts() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let body = json!({ "messages": [
        { "role": "system", "content": "Be brief." },
        { "role": "user", "content": [{ "type": "text", "text": "Part one, " }, { "type": "text", "text": "part two" }] },
    ]});
    let first = chat(&gateway, &body).await.json();
    let second = chat(&gateway, &body).await.json();
    assert_eq!(
        first["choices"][0]["message"]["content"],
        "Echo from gpt-4o: Part one, part two"
    );
    assert_eq!(first["id"], second["id"]);
    assert_eq!(first["choices"], second["choices"]);
    assert_eq!(first["usage"], second["usage"]);
}

#[tokio::test]
async fn tool_call_round_trip() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let mut request = hello("What's the weather in Seattle?");
    request["tools"] = weather_tools();

    let reply = chat(&gateway, &request).await;
    assert_eq!(reply.status, 200);
    let reply = reply.json();
    let choice = &reply["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    assert!(choice["message"]["content"].is_null());
    let call = &choice["message"]["tool_calls"][0];
    assert!(call["id"].as_str().unwrap().starts_with("call_"));
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "get_weather");
    let arguments: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(
        arguments,
        json!({ "location": "Seattle", "unit": "celsius" })
    );

    let mut messages = request["messages"].as_array().unwrap().clone();
    messages.push(choice["message"].clone());
    messages
        .push(json!({ "role": "tool", "tool_call_id": call["id"], "content": "72F and sunny" }));
    let follow_up = json!({ "messages": messages, "tools": weather_tools() });
    let answer = chat(&gateway, &follow_up).await.json();
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        "The tool said: 72F and sunny"
    );
}

#[tokio::test]
async fn tool_choice_none_answers_text() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let mut request = hello("Hi");
    request["tools"] = weather_tools();
    request["tool_choice"] = json!("none");
    let reply = chat(&gateway, &request).await.json();
    assert_eq!(reply["choices"][0]["finish_reason"], "stop");
    assert_eq!(
        reply["choices"][0]["message"]["content"],
        "Echo from gpt-4o: Hi"
    );
}

/// Reads an SSE response chunk by chunk, as a streaming client does.
async fn stream(gateway: &RunningGateway, body: &Value) -> (String, Vec<String>) {
    let url = format!(
        "{}/deployments/gpt-4o/chat/completions?api-version={DEMO_API_VERSION}",
        gateway.target()
    );
    let mut response = client()
        .post(url)
        .header("api-key", DEMO_API_KEY)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let mut text = Vec::new();
    while let Some(chunk) = response.chunk().await.unwrap() {
        text.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(text).unwrap();
    (content_type, sse_payloads(&text))
}

#[tokio::test]
async fn streamed_text_concatenates_to_the_reply() {
    let gateway =
        start_gateway(GatewayConfig::demo_apim().with_stream_chunk_delay(Duration::from_millis(1)))
            .await
            .unwrap();
    let request = hello("Tell me something nice");
    let whole = chat(&gateway, &request).await.json();
    let expected = whole["choices"][0]["message"]["content"].as_str().unwrap();

    let mut streamed = request.clone();
    streamed["stream"] = json!(true);
    let (content_type, payloads) = stream(&gateway, &streamed).await;
    assert!(content_type.starts_with("text/event-stream"));
    assert_eq!(payloads.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = payloads[..payloads.len() - 1]
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect();
    assert!(
        chunks
            .iter()
            .all(|c| c["object"] == "chat.completion.chunk")
    );
    assert!(chunks.iter().all(|c| c["id"] == chunks[0]["id"]));
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let pieces: Vec<&str> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    assert!(pieces.len() >= 3, "{pieces:?}");
    assert_eq!(pieces.concat(), expected);
    let last = chunks.last().unwrap();
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
    assert!(
        chunks[..chunks.len() - 1]
            .iter()
            .all(|c| c["choices"][0]["finish_reason"].is_null())
    );
}

#[tokio::test]
async fn streamed_usage_comes_last_when_asked() {
    let gateway = start_gateway(GatewayConfig::demo_apim().with_stream_chunk_delay(Duration::ZERO))
        .await
        .unwrap();
    let mut request = hello("Count");
    request["stream"] = json!(true);
    request["stream_options"] = json!({ "include_usage": true });
    let (_, payloads) = stream(&gateway, &request).await;
    let usage: Value = serde_json::from_str(&payloads[payloads.len() - 2]).unwrap();
    assert_eq!(usage["choices"], json!([]));
    assert!(usage["usage"]["total_tokens"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn streamed_tool_call_arguments_concatenate() {
    let gateway = start_gateway(GatewayConfig::demo_apim().with_stream_chunk_delay(Duration::ZERO))
        .await
        .unwrap();
    let mut request = hello("Weather?");
    request["tools"] = weather_tools();
    let whole = chat(&gateway, &request).await.json();
    let call = &whole["choices"][0]["message"]["tool_calls"][0];

    request["stream"] = json!(true);
    let (_, payloads) = stream(&gateway, &request).await;
    let chunks: Vec<Value> = payloads[..payloads.len() - 1]
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect();
    let first = &chunks[0]["choices"][0]["delta"]["tool_calls"][0];
    assert_eq!(first["id"], call["id"]);
    assert_eq!(first["function"]["name"], "get_weather");
    let arguments: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].as_str())
        .collect();
    assert_eq!(arguments, call["function"]["arguments"].as_str().unwrap());
    assert_eq!(
        chunks.last().unwrap()["choices"][0]["finish_reason"],
        "tool_calls"
    );
}

#[tokio::test]
async fn chunks_are_paced_by_the_configured_delay() {
    let delay = Duration::from_millis(25);
    let gateway = start_gateway(GatewayConfig::demo_apim().with_stream_chunk_delay(delay))
        .await
        .unwrap();
    let mut request = hello("one two three four");
    request["stream"] = json!(true);
    let started = Instant::now();
    let (_, payloads) = stream(&gateway, &request).await;
    let gaps = payloads.len() as u32 - 1;
    assert!(gaps >= 6, "{payloads:?}");
    assert!(started.elapsed() >= delay * gaps);
}
