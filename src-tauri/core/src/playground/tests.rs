//! `Session::run_prompt` over a local session against a loopback gateway that always asks for
//! a function call: the two ways a prompt ends without a reply.

use serde_json::json;

use super::*;
use crate::connection::import_arm_value;
use crate::net::ProxySettings;
use crate::net::tests::{Server, client, reply, serve};

/// A gateway whose every chat answer is a call of `get_weather`.
async fn calling_gateway() -> Server {
    let body = json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{
            "index": 0,
            "message": {
                "role": "assistant",
                "content": null,
                "tool_calls": [{
                    "id": "call_1",
                    "type": "function",
                    "function": { "name": "get_weather", "arguments": "{\"location\":\"Oslo\"}" }
                }]
            },
            "finish_reason": "tool_calls"
        }],
        "usage": { "prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5 }
    })
    .to_string();
    serve(None, move |_| {
        reply(
            200,
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
    })
    .await
}

async fn session(gateway: &Server) -> Session {
    let imported = import_arm_value(&json!({
        "name": "gw",
        "properties": {
            "category": "ModelGateway",
            "target": gateway.http("/v1").to_string(),
            "authType": "ApiKey",
            "credentials": { "key": "k-1234567890" },
            "metadata": {
                "models": "[{\"name\":\"m\",\"properties\":{\"model\":{\"name\":\"m\",\"version\":\"\",\"format\":\"OpenAI\"}}}]"
            }
        }
    }))
    .expect("a gateway connection");
    let http = client(false, ProxySettings::default());
    let tokens = TokenClient::new(http.clone());
    let settings = PlaygroundSettings {
        deployment: "m".into(),
        instructions: String::new(),
        sample_tool: true,
        temperature: None,
    };
    let start = LocalStart {
        connection_name: "gw",
        connection: imported.connection,
        inputs: CredentialInputs {
            secret: imported.secrets.first().map(|s| s.value.clone()),
            managed_identity_token: None,
        },
        http,
        tokens: &tokens,
    };
    Session::start_local(new_conversation_id(), settings, start, &[])
        .await
        .expect("the session starts")
}

#[tokio::test]
async fn a_model_that_keeps_calling_functions_is_stopped_after_the_last_round() {
    let gateway = calling_gateway().await;
    let mut session = session(&gateway).await;
    let run = session
        .run_prompt("Weather?", &|_, _| Some("sunny".to_string()))
        .await;
    let failure = run.failure.as_ref().expect("a failure");
    assert!(
        failure.message.contains("kept calling functions"),
        "{failure:?}"
    );
    assert_eq!(run.turns.len(), MAX_TOOL_ROUNDS + 1);
    // Only calls whose output was sent are reported as answered.
    assert_eq!(run.tool_calls.len(), MAX_TOOL_ROUNDS);
    assert_eq!(run.usage().total_tokens, 5 * (MAX_TOOL_ROUNDS as u32 + 1));
    assert_eq!(run.reply(), "");
    assert!(!run.traces.is_empty());
}

#[tokio::test]
async fn a_call_without_an_output_ends_the_run_naming_the_function() {
    let gateway = calling_gateway().await;
    let mut session = session(&gateway).await;
    let run = session.run_prompt("Weather?", &|_, _| None).await;
    let failure = run.failure.as_ref().expect("a failure");
    assert!(failure.message.contains("`get_weather`"), "{failure:?}");
    assert_eq!(run.turns.len(), 1);
    assert!(run.tool_calls.is_empty());
    assert_eq!(gateway.seen().len(), 1, "nothing more was sent");
}
