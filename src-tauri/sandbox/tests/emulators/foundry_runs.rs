//! Prompt agents run through sample gateways, the way the Agent Service calls them
//! (byo-gateway.md §4): URL, headers and body as the reference prescribes, function tools,
//! follow-ups and streaming.

use gateway_studio_sandbox::demo::{
    DEMO_API_KEY, DEMO_API_VERSION, DEMO_BEARER_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET,
    DEMO_SCOPE,
};
use gateway_studio_sandbox::{
    GatewayAuth, GatewayConfig, GatewayStyle, TokenEndpointConfig, start_gateway,
    start_token_endpoint,
};
use serde_json::{Value, json};

use crate::foundry::{
    add_account_connection, add_connection, agent, apim_connection, create_agent, delete, get,
    openai_connection, output_text, post, prompt, respond, sse_events, start, world,
};

/// An agent with one function tool.
fn weather_agent(model: &str) -> Value {
    json!({
        "kind": "prompt",
        "model": model,
        "instructions": "Use the tool for weather questions.",
        "tools": [{
            "type": "function",
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": { "location": { "type": "string" } },
                "required": ["location"],
            },
            "strict": true,
        }],
    })
}

#[tokio::test]
async fn a_prompt_agent_runs_through_an_openai_style_gateway() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    let mut definition = prompt("llm-gw/gpt-4o");
    definition["temperature"] = json!(0.2);
    definition["top_p"] = json!(0.9);
    create_agent(&foundry, "gw-smoke", definition).await;

    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("gw-smoke"), "input": "Say PONG" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let response = reply.json();
    let id = response["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("resp_"), "{id}");
    let created_at = response["created_at"].as_u64().unwrap();
    let message = &response["output"][0];
    assert!(message["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(
        response,
        json!({
            "id": id,
            "object": "response",
            "created_at": created_at,
            "status": "completed",
            "model": "llm-gw/gpt-4o",
            "output": [{
                "type": "message",
                "id": message["id"],
                "status": "completed",
                "role": "assistant",
                "content": [{ "type": "output_text", "text": "Echo from gpt-4o: Say PONG", "annotations": [] }],
            }],
            "usage": response["usage"],
            "agent_reference": { "type": "agent_reference", "name": "gw-smoke", "version": "1" },
            "error": null,
        })
    );
    let usage = &response["usage"];
    assert!(usage["input_tokens"].as_u64().unwrap() > 0);
    assert!(usage["output_tokens"].as_u64().unwrap() > 0);
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["input_tokens"].as_u64().unwrap() + usage["output_tokens"].as_u64().unwrap()
    );

    // What the gateway received: static models, so no discovery; one chat call.
    let seen = gateway.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let chat = &seen[0];
    assert_eq!(chat.method, "POST");
    assert_eq!(
        chat.path, "/v1/chat/completions",
        "no api-version when inferenceAPIVersion is empty"
    );
    assert_eq!(
        chat.header("authorization"),
        Some(format!("Bearer {DEMO_API_KEY}").as_str())
    );
    assert_eq!(chat.header("api-key"), None);
    assert_eq!(chat.header("x-client-app"), Some("foundry-agents"));
    assert_eq!(chat.header("content-type"), Some("application/json"));
    assert_eq!(
        chat.body_json().unwrap(),
        json!({
            "model": "gpt-4o",
            "messages": [
                { "role": "system", "content": "You are a test agent." },
                { "role": "user", "content": "Say PONG" },
            ],
            "temperature": 0.2,
            "top_p": 0.9,
        })
    );

    // Stored: get, delete, then gone.
    let got = get(&foundry, &format!("openai/v1/responses/{id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), response);
    let deleted = delete(&foundry, &format!("openai/v1/responses/{id}")).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.json(),
        json!({ "id": id, "object": "response", "deleted": true })
    );
    let gone = get(&foundry, &format!("openai/v1/responses/{id}")).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn an_apim_gateway_is_discovered_and_called_with_the_deployment_in_the_path() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let world = world();
    add_connection(&world, "apim-gw", apim_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "apim-agent", prompt("apim-gw/gpt-4o-mini")).await;
    create_agent(&foundry, "apim-agent", prompt("apim-gw/gpt-4o")).await;

    // Version 1 explicitly, although 2 is the latest.
    let reference = json!({ "type": "agent_reference", "name": "apim-agent", "version": "1" });
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": reference, "input": "Ping" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let response = reply.json();
    assert_eq!(output_text(&response), "Echo from gpt-4o-mini: Ping");
    assert_eq!(response["model"], "apim-gw/gpt-4o-mini");
    assert_eq!(response["agent_reference"]["version"], "1");

    let seen = gateway.requests();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let (discovery, chat) = (&seen[0], &seen[1]);
    assert_eq!(discovery.method, "GET");
    assert_eq!(
        discovery.path,
        format!("/openai/deployments/gpt-4o-mini?api-version={DEMO_API_VERSION}")
    );
    assert_eq!(discovery.header("api-key"), Some(DEMO_API_KEY));
    assert_eq!(chat.method, "POST");
    assert_eq!(
        chat.path,
        format!("/openai/deployments/gpt-4o-mini/chat/completions?api-version={DEMO_API_VERSION}")
    );
    assert_eq!(chat.header("api-key"), Some(DEMO_API_KEY));
    assert_eq!(chat.header("authorization"), None);
    assert_eq!(
        chat.body_json().unwrap(),
        json!({ "messages": [
            { "role": "system", "content": "You are a test agent." },
            { "role": "user", "content": "Ping" },
        ] }),
        "no `model` when the deployment is in the path"
    );

    // Without a version: the latest.
    gateway.clear_requests();
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("apim-agent"), "input": "Hi" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["agent_reference"]["version"], "2");
    assert_eq!(output_text(&reply.json()), "Echo from gpt-4o: Hi");
    assert_eq!(
        gateway.requests()[1].path_only(),
        "/openai/deployments/gpt-4o/chat/completions"
    );
}

#[tokio::test]
async fn a_function_call_continues_with_previous_response_id() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "weather", weather_agent("llm-gw/gpt-4o")).await;

    let first = respond(
        &foundry,
        &json!({ "agent_reference": agent("weather"), "input": "Weather in Seattle?" }),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.json();
    assert_eq!(first["status"], "completed");
    let output = first["output"].as_array().unwrap();
    assert_eq!(output.len(), 1, "{first}");
    let call = &output[0];
    assert_eq!(call["type"], "function_call");
    assert!(call["id"].as_str().unwrap().starts_with("fc_"));
    assert_eq!(call["name"], "get_weather");
    assert_eq!(call["status"], "completed");
    let call_id = call["call_id"].as_str().unwrap().to_string();
    assert!(
        call_id.starts_with("call_"),
        "the gateway's tool call id: {call_id}"
    );
    let arguments: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(arguments, json!({ "location": "Seattle" }));

    let tools_sent = gateway.requests()[0].body_json().unwrap();
    assert_eq!(
        tools_sent["tools"],
        json!([{ "type": "function", "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": { "location": { "type": "string" } },
                "required": ["location"],
            },
            "strict": true,
        } }])
    );

    let follow_up = respond(
        &foundry,
        &json!({
            "agent_reference": agent("weather"),
            "previous_response_id": first["id"],
            "input": [{ "type": "function_call_output", "call_id": call_id, "output": "{\"temperature_c\":18}" }],
        }),
    )
    .await;
    assert_eq!(follow_up.status, 200, "{}", follow_up.text());
    let follow_up = follow_up.json();
    assert_eq!(
        output_text(&follow_up),
        "The tool said: {\"temperature_c\":18}"
    );
    assert_eq!(follow_up["previous_response_id"], first["id"]);

    let seen = gateway.requests();
    assert_eq!(seen.len(), 2);
    let sent = seen[1].body_json().unwrap();
    assert_eq!(
        sent["messages"],
        json!([
            { "role": "system", "content": "Use the tool for weather questions." },
            { "role": "user", "content": "Weather in Seattle?" },
            { "role": "assistant", "content": null, "tool_calls": [{
                "id": call_id,
                "type": "function",
                "function": { "name": "get_weather", "arguments": call["arguments"] },
            }] },
            { "role": "tool", "tool_call_id": call_id, "content": "{\"temperature_c\":18}" },
        ])
    );
    assert_eq!(
        sent["tools"], tools_sent["tools"],
        "the tools go on every call"
    );
}

#[tokio::test]
async fn a_function_call_continues_in_a_conversation() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let world = world();
    add_connection(&world, "apim-gw", apim_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "weather", weather_agent("apim-gw/gpt-4o")).await;
    let conversation = post(
        &foundry,
        "openai/v1/conversations",
        &json!({ "items": [{ "type": "message", "role": "user", "content": "Weather in Seattle?" }] }),
    )
    .await
    .json();
    let conversation_id = conversation["id"].as_str().unwrap();

    // The question is already in the conversation: no input (the 2025 samples sent "").
    let first = respond(
        &foundry,
        &json!({ "agent_reference": agent("weather"), "conversation": conversation_id, "input": "" }),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.json();
    assert_eq!(first["conversation"], json!({ "id": conversation_id }));
    let call = first["output"][0].clone();
    assert_eq!(call["type"], "function_call");
    let call_id = call["call_id"].as_str().unwrap();

    let items_path = format!("openai/v1/conversations/{conversation_id}/items?order=asc");
    let items = get(&foundry, &items_path).await.json();
    let kinds: Vec<&str> = items["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["message", "function_call"]);
    assert_eq!(items["data"][1], call);

    let follow_up = respond(
        &foundry,
        &json!({
            "agent_reference": agent("weather"),
            "conversation": { "id": conversation_id },
            "input": [{ "type": "function_call_output", "call_id": call_id, "output": "cloudy, 18 C" }],
        }),
    )
    .await;
    assert_eq!(follow_up.status, 200, "{}", follow_up.text());
    assert_eq!(
        output_text(&follow_up.json()),
        "The tool said: cloudy, 18 C"
    );

    let items = get(&foundry, &items_path).await.json();
    let data = items["data"].as_array().unwrap();
    let kinds: Vec<&str> = data.iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "message",
            "function_call",
            "function_call_output",
            "message"
        ]
    );
    assert_eq!(data[2]["call_id"], call_id);
    assert_eq!(data[3]["role"], "assistant");

    let chats: Vec<_> = gateway
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(chats.len(), 2);
    let messages = chats[1].body_json().unwrap()["messages"].clone();
    assert_eq!(messages[2]["tool_calls"][0]["id"], call_id);
    assert_eq!(
        messages[3],
        json!({ "role": "tool", "tool_call_id": call_id, "content": "cloudy, 18 C" })
    );
}

#[tokio::test]
async fn streaming_emits_the_responses_api_events() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "streamer", prompt("llm-gw/gpt-4o")).await;

    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("streamer"), "input": "Tell me a story", "stream": true }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/event-stream")
    );
    let events = sse_events(&reply.text());
    let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
    let deltas = names
        .iter()
        .filter(|n| **n == "response.output_text.delta")
        .count();
    assert!(deltas >= 3, "several deltas: {names:?}");
    let mut expected = vec![
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ];
    expected.extend(std::iter::repeat_n("response.output_text.delta", deltas));
    expected.extend([
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]);
    assert_eq!(names, expected);
    for (index, (_, data)) in events.iter().enumerate() {
        assert_eq!(data["sequence_number"], index as u64);
    }
    assert_eq!(events[0].1["response"]["status"], "in_progress");
    assert_eq!(events[0].1["response"]["output"], json!([]));
    let text: String = events
        .iter()
        .filter(|(name, _)| name == "response.output_text.delta")
        .map(|(_, data)| data["delta"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Echo from gpt-4o: Tell me a story");
    let done = &events[names.len() - 4].1;
    assert_eq!(done["text"], text.as_str());
    let completed = &events.last().unwrap().1["response"];
    assert_eq!(completed["status"], "completed");
    assert_eq!(output_text(completed), text);
    assert_eq!(events[2].1["item"]["id"], completed["output"][0]["id"]);
    // The gateway was called once, without streaming (see the runner's [?] note).
    let seen = gateway.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body_json().unwrap().get("stream"), None);
    // The streamed response is stored like any other.
    let id = completed["id"].as_str().unwrap();
    assert_eq!(
        get(&foundry, &format!("openai/v1/responses/{id}"))
            .await
            .json(),
        *completed
    );
}

#[tokio::test]
async fn a_streamed_function_call_sends_its_arguments_in_pieces() {
    let gateway = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let world = world();
    add_connection(&world, "llm-gw", openai_connection(&gateway));
    let foundry = start(&world).await;
    create_agent(&foundry, "weather", weather_agent("llm-gw/gpt-4o")).await;
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("weather"), "input": "Weather?", "stream": true }),
    )
    .await;
    assert_eq!(reply.status, 200);
    let events = sse_events(&reply.text());
    let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
    let deltas = names
        .iter()
        .filter(|n| **n == "response.function_call_arguments.delta")
        .count();
    assert!(deltas >= 2, "{names:?}");
    let mut expected = vec![
        "response.created",
        "response.in_progress",
        "response.output_item.added",
    ];
    expected.extend(std::iter::repeat_n(
        "response.function_call_arguments.delta",
        deltas,
    ));
    expected.extend([
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]);
    assert_eq!(names, expected);
    let added = &events[2].1["item"];
    assert_eq!(added["type"], "function_call");
    assert_eq!(added["arguments"], "");
    assert_eq!(added["status"], "in_progress");
    let arguments: String = events
        .iter()
        .filter(|(name, _)| name == "response.function_call_arguments.delta")
        .map(|(_, data)| data["delta"].as_str().unwrap())
        .collect();
    let item = &events[names.len() - 2].1["item"];
    assert_eq!(item["arguments"], arguments.as_str());
    assert_eq!(events[names.len() - 3].1["arguments"], arguments.as_str());
    assert_eq!(item["call_id"].as_str().unwrap().get(..5), Some("call_"));
}

#[tokio::test]
async fn an_oauth2_connection_gets_its_token_from_the_token_url() {
    let endpoint = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    let gateway = start_gateway(GatewayConfig::new(
        GatewayStyle::OpenAi,
        GatewayAuth::oauth2(&endpoint),
    ))
    .await
    .unwrap();
    let world = world();
    add_connection(
        &world,
        "oauth-gw",
        json!({
            "category": "ModelGateway",
            "target": gateway.target().as_str(),
            "authType": "OAuth2",
            "isSharedToAll": false,
            "credentials": { "clientId": DEMO_CLIENT_ID, "clientSecret": DEMO_CLIENT_SECRET },
            "tokenUrl": endpoint.token_url().as_str(),
            "scopes": [DEMO_SCOPE],
            "metadata": {
                "deploymentInPath": "false",
                "inferenceAPIVersion": "",
                "models": "[{\"name\":\"gpt-4o-mini\",\"properties\":{\"model\":{\"name\":\"gpt-4o-mini\",\"version\":\"2024-07-18\",\"format\":\"OpenAI\"}}}]",
            },
        }),
    );
    let foundry = start(&world).await;
    create_agent(&foundry, "oauth-agent", prompt("oauth-gw/gpt-4o-mini")).await;
    for input in ["one", "two"] {
        let reply = respond(
            &foundry,
            &json!({ "agent_reference": agent("oauth-agent"), "input": input }),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(
            output_text(&reply.json()),
            format!("Echo from gpt-4o-mini: {input}")
        );
    }
    assert_eq!(
        endpoint.tokens_issued(),
        1,
        "the token is cached between runs"
    );
    let form = endpoint.requests()[0].body_text();
    assert!(form.contains("grant_type=client_credentials"), "{form}");
    assert!(
        form.contains(&format!("client_id={DEMO_CLIENT_ID}")),
        "{form}"
    );
    let seen = gateway.requests();
    let bearer = seen[0].header("authorization").unwrap();
    assert!(
        bearer.starts_with("Bearer ") && bearer.split('.').count() == 3,
        "{bearer}"
    );
    assert_eq!(seen[1].header("authorization"), Some(bearer));
}

#[tokio::test]
async fn project_managed_identity_sends_the_projects_token() {
    let world = world();
    let identity_token = world.lock().managed_identity_token.clone();
    assert_eq!(identity_token, DEMO_BEARER_TOKEN);
    let gateway = start_gateway(
        GatewayConfig::new(
            GatewayStyle::AzureOpenAi,
            GatewayAuth::Bearer {
                token: identity_token.clone(),
            },
        )
        .with_required_api_version(DEMO_API_VERSION),
    )
    .await
    .unwrap();
    // At account level: every project of the account sees it.
    add_account_connection(
        &world,
        "apim-pmi",
        json!({
            "category": "ApiManagement",
            "target": gateway.target().as_str(),
            "authType": "ProjectManagedIdentity",
            "audience": "https://cognitiveservices.azure.com",
            "isSharedToAll": false,
            "credentials": {},
            "metadata": {
                "deploymentInPath": "true",
                "inferenceAPIVersion": DEMO_API_VERSION,
                "models": "[{\"name\":\"gpt-4o\",\"properties\":{\"model\":{\"name\":\"gpt-4o\",\"version\":\"2024-11-20\",\"format\":\"OpenAI\"}}}]",
                "customHeaders": "{\"api-key\":\"apim-subscription-key\"}",
            },
        }),
    );
    let foundry = start(&world).await;
    create_agent(&foundry, "pmi-agent", prompt("apim-pmi/gpt-4o")).await;
    let reply = respond(
        &foundry,
        &json!({ "agent_reference": agent("pmi-agent"), "input": "Hello" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(output_text(&reply.json()), "Echo from gpt-4o: Hello");
    let seen = gateway.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].path,
        format!("/openai/deployments/gpt-4o/chat/completions?api-version={DEMO_API_VERSION}")
    );
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {identity_token}").as_str())
    );
    assert_eq!(
        seen[0].header("api-key"),
        Some("apim-subscription-key"),
        "custom header"
    );
}
