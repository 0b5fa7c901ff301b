//! The core's Foundry data-plane client against the sandbox's emulator over loopback HTTP, with
//! the default seed (connections `sandbox-openai` and `sandbox-apim`): an agent version with a
//! gateway model, a response with and without streaming, a function tool round trip, a
//! conversation, cleanup; paging; retries; every error mapping with its hint; and the trace of
//! every exchange with the token redacted.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gateway_studio_core::azure::StaticToken;
use gateway_studio_core::azure::arm::RetryPolicy;
use gateway_studio_core::foundry::{
    AgentReference, CreateAgentVersion, FoundryClient, FoundryClientOptions, FoundryError,
    FunctionTool, Item, MODEL_FORM, ObservedExchange, PromptAgentDefinition, ResponseRequest,
    ResponseStatus, function_call_output, user_message,
};
use gateway_studio_core::net::{HttpClient, NetworkOptions};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::trace::{TraceExchange, TraceKind};
use gateway_studio_sandbox::demo::{DEMO_API_KEY, DEMO_AZURE_TOKEN};
use gateway_studio_sandbox::{Route, RunningSandbox, SandboxOptions, start_sandbox};
use serde_json::{Value, json};
use url::Url;

const SCOPE: &str = "https://ai.azure.com/.default";
const MODEL: &str = "sandbox-openai/gpt-4o";
const INSTRUCTIONS: &str = "You are a test agent. Reply briefly.";

async fn sandbox() -> RunningSandbox {
    start_sandbox(SandboxOptions::default())
        .await
        .expect("the sandbox starts")
}

/// Small waits, so retry tests take milliseconds (except where `Retry-After` says seconds).
fn fast_options() -> FoundryClientOptions {
    FoundryClientOptions {
        retry: RetryPolicy {
            max_retries: 3,
            max_total_wait: Duration::from_secs(5),
            backoff: Duration::from_millis(20),
        },
        ..FoundryClientOptions::default()
    }
}

fn endpoint(sandbox: &RunningSandbox) -> Url {
    Url::parse(&sandbox.info().project_endpoint).unwrap()
}

fn client_with_token(sandbox: &RunningSandbox, token: &str) -> FoundryClient {
    let tokens = StaticToken::new(Sensitive::new(token.to_string())).unwrap();
    FoundryClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        endpoint(sandbox),
        SCOPE,
        Arc::new(tokens),
    )
    .with_options(fast_options())
}

fn client(sandbox: &RunningSandbox) -> FoundryClient {
    client_with_token(sandbox, &sandbox.info().token)
}

type Traces = Arc<Mutex<Vec<TraceExchange>>>;

/// A client whose every exchange is recorded into the returned list, as the app records them.
fn traced(client: FoundryClient) -> (FoundryClient, Traces) {
    let traces: Traces = Arc::new(Mutex::new(Vec::new()));
    let sink = traces.clone();
    let client = client.with_observer(Arc::new(move |seen: &ObservedExchange<'_>| {
        sink.lock().unwrap().push(seen.record("run-foundry"));
    }));
    (client, traces)
}

fn version_body(model: &str, tools: Vec<FunctionTool>) -> CreateAgentVersion {
    let mut definition = PromptAgentDefinition::new(model, INSTRUCTIONS);
    definition.tools = tools.into_iter().map(Into::into).collect();
    CreateAgentVersion {
        definition,
        description: Some("gateway smoke test".into()),
        metadata: BTreeMap::from([("createdBy".into(), "gateway-studio-tests".into())]),
    }
}

fn weather_tool() -> FunctionTool {
    FunctionTool {
        name: "get_weather".into(),
        description: Some("Current weather for a city.".into()),
        parameters: json!({
            "type": "object",
            "properties": { "city": { "type": "string" } },
            "required": ["city"],
        }),
        strict: None,
    }
}

fn ask(agent: &str, version: Option<&str>, input: Value) -> ResponseRequest {
    ResponseRequest {
        agent_reference: AgentReference {
            name: agent.into(),
            version: version.map(str::to_string),
        },
        conversation: None,
        input,
        previous_response_id: None,
    }
}

fn assert_no_secret(error: &FoundryError, token: &str) {
    let shown = format!("{error} | {} | {error:?}", error.hint());
    assert!(!shown.contains(token), "token in: {shown}");
}

// --- The whole path ---

#[tokio::test]
async fn a_prompt_agent_runs_through_a_gateway_connection_from_creation_to_cleanup() {
    let sandbox = sandbox().await;
    let (client, traces) = traced(client(&sandbox));
    let agent = "gw-smoke";

    // An agent version with a gateway model.
    let v1 = client
        .create_agent_version(agent, &version_body(MODEL, vec![]))
        .await
        .unwrap();
    assert_eq!((v1.name.as_str(), v1.version.as_str()), (agent, "1"));
    assert_eq!((v1.kind(), v1.model()), (Some("prompt"), Some(MODEL)));
    assert_eq!(v1.description.as_deref(), Some("gateway smoke test"));
    assert_eq!(v1.metadata["createdBy"], "gateway-studio-tests");
    assert!(v1.created_at.is_some());
    let sent = sandbox.foundry.requests()[0].body_json().unwrap();
    assert_eq!(
        sent,
        json!({
            "definition": { "kind": "prompt", "model": MODEL, "instructions": INSTRUCTIONS, "tools": [] },
            "description": "gateway smoke test",
            "metadata": { "createdBy": "gateway-studio-tests" },
        })
    );
    let got = client.get_agent_version(agent, "1").await.unwrap();
    assert_eq!(got.raw, v1.raw);

    // Without streaming.
    let reply = client
        .create_response(&ask(agent, Some("1"), json!("Say PONG")))
        .await
        .unwrap();
    assert_eq!(reply.status, ResponseStatus::Completed);
    assert!(reply.id.starts_with("resp_"), "{}", reply.id);
    let text = reply.output_text();
    assert!(!text.is_empty());
    assert_eq!(text, "Echo from gpt-4o: Say PONG");
    assert!(reply.function_calls().is_empty());
    assert!(reply.usage.is_some_and(|u| u.total_tokens > 0));
    assert_eq!(
        reply.agent_reference.as_ref().map(|r| r.version.as_deref()),
        Some(Some("1"))
    );
    assert_eq!(reply.error, None);

    // Streaming: the deltas in order, adding up to the final text.
    let streamed = client
        .create_response_stream(&ask(agent, None, json!("Stream this answer please")))
        .await
        .unwrap();
    assert_eq!(streamed.response.status, ResponseStatus::Completed);
    let kinds: Vec<&str> = streamed.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"response.created"));
    assert_eq!(kinds.last(), Some(&"response.completed"));
    let sequence: Vec<u64> = streamed
        .events
        .iter()
        .filter_map(|e| e.sequence_number)
        .collect();
    assert_eq!(
        sequence,
        (0..streamed.events.len() as u64).collect::<Vec<_>>()
    );
    assert!(streamed.deltas.len() >= 3, "{:?}", streamed.deltas);
    assert!(
        streamed.deltas.windows(2).all(|w| w[0].at_ms <= w[1].at_ms),
        "arrival times in order"
    );
    assert_eq!(
        streamed.streamed_text(),
        "Echo from gpt-4o: Stream this answer please"
    );
    assert_eq!(streamed.streamed_text(), streamed.response.output_text());
    assert!(streamed.first_delta_ms().is_some());
    // Live: each delta handed over as it arrives, the same text in the same order.
    let (text, mut arriving) = tokio::sync::mpsc::unbounded_channel();
    let live = client
        .create_response_live(&ask(agent, None, json!("Live answer please")), text)
        .await
        .unwrap();
    let mut pieces = Vec::new();
    while let Some(piece) = arriving.recv().await {
        pieces.push(piece);
    }
    assert_eq!(pieces.len(), live.deltas.len());
    assert_eq!(pieces.concat(), live.response.output_text());

    // A function tool round trip: the sandbox gateway calls the first function offered when the
    // last message is the user's, and answers "The tool said: …" to a tool message.
    let v2 = client
        .create_agent_version(agent, &version_body(MODEL, vec![weather_tool()]))
        .await
        .unwrap();
    assert_eq!(v2.version, "2");
    let asked = client
        .create_response(&ask(
            agent,
            Some("2"),
            json!("What is the weather in Oslo?"),
        ))
        .await
        .unwrap();
    assert_eq!(asked.status, ResponseStatus::Completed);
    let calls = asked.function_calls();
    assert_eq!(calls.len(), 1, "{:?}", asked.output);
    assert_eq!(calls[0].name, "get_weather");
    assert!(calls[0].arguments_json().unwrap()["city"].is_string());
    let output = r#"{"city":"Oslo","temperature_c":21}"#;
    let answered = client
        .create_response(&ResponseRequest {
            previous_response_id: Some(asked.id.clone()),
            ..ask(
                agent,
                Some("2"),
                json!([function_call_output(&calls[0].call_id, output)]),
            )
        })
        .await
        .unwrap();
    assert_eq!(answered.status, ResponseStatus::Completed);
    assert_eq!(
        answered.previous_response_id.as_deref(),
        Some(asked.id.as_str())
    );
    assert_eq!(answered.output_text(), format!("The tool said: {output}"));

    // A conversation: create with an item, add one, run in it, delete it.
    let conversation = client
        .create_conversation(&[user_message("Hello")])
        .await
        .unwrap();
    assert!(conversation.id.starts_with("conv_"), "{}", conversation.id);
    let added = client
        .add_conversation_items(&conversation.id, &[user_message("Second message")])
        .await
        .unwrap();
    assert_eq!(added.len(), 1);
    assert!(
        matches!(&added[0], Item::Message(m) if m.role == "user" && m.text == "Second message")
    );
    let in_conversation = client
        .create_response(&ResponseRequest {
            conversation: Some(conversation.id.clone()),
            ..ask(agent, Some("1"), json!("Third message"))
        })
        .await
        .unwrap();
    assert_eq!(
        in_conversation.conversation.as_deref(),
        Some(conversation.id.as_str())
    );
    assert_eq!(
        in_conversation.output_text(),
        "Echo from gpt-4o: Third message"
    );
    let items = client
        .list_conversation_items(&conversation.id)
        .await
        .unwrap();
    let texts: Vec<&str> = items
        .iter()
        .filter_map(|item| match item {
            Item::Message(m) => Some(m.text.as_str()),
            _ => None,
        })
        .collect();
    // Newest first.
    assert_eq!(
        texts,
        [
            "Echo from gpt-4o: Third message",
            "Third message",
            "Second message",
            "Hello"
        ]
    );
    let deleted = client.delete_conversation(&conversation.id).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.id, conversation.id);
    let gone = client.get_conversation(&conversation.id).await.unwrap_err();
    assert_eq!(gone.status(), Some(404));

    // Cleanup: the version list shows each deletion; the agent goes with its last version.
    let listed: Vec<String> = client
        .list_agent_versions(agent)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(listed, ["2", "1"]);
    let deleted = client.delete_agent_version(agent, "2").await.unwrap();
    assert_eq!(
        (
            deleted.object.as_str(),
            deleted.version.as_deref(),
            deleted.deleted
        ),
        ("agent.version.deleted", Some("2"), true)
    );
    let listed: Vec<String> = client
        .list_agent_versions(agent)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(listed, ["1"]);
    assert!(
        client
            .delete_agent_version(agent, "1")
            .await
            .unwrap()
            .deleted
    );
    assert!(
        client
            .list_agents()
            .await
            .unwrap()
            .iter()
            .all(|a| a.name != agent)
    );
    let gone = client.list_agent_versions(agent).await.unwrap_err();
    assert_eq!(gone.code(), "foundry-not-found");

    // The routes: api-version v1 on project routes, none on the OpenAI-compatible ones.
    let requests = sandbox.foundry.requests();
    for request in &requests {
        let path = request.path_only();
        let version = request.query_param("api-version");
        if path.contains("/openai/v1/") {
            assert_eq!(version, None, "{}", request.path);
        } else {
            assert!(path.contains("/agents"), "{path}");
            assert_eq!(version.as_deref(), Some("v1"), "{}", request.path);
        }
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {DEMO_AZURE_TOKEN}").as_str())
        );
        assert!(request.header("x-ms-client-request-id").is_some());
    }
    let stream_request = requests
        .iter()
        .find(|r| r.body_json().is_some_and(|b| b["stream"] == true))
        .unwrap();
    assert_eq!(stream_request.header("accept"), Some("text/event-stream"));
    assert!(stream_request.body_json().unwrap().get("agent").is_none());

    // Every exchange reached the observer, the token redacted.
    let traces = traces.lock().unwrap().clone();
    assert_eq!(traces.len(), requests.len(), "every exchange, no more");
    let labels: Vec<&str> = traces.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(
        &labels[..6],
        [
            "create-agent-version:gw-smoke",
            "get-agent-version:gw-smoke:1",
            "create-response:gw-smoke",
            "stream-response:gw-smoke",
            "stream-response:gw-smoke",
            "create-agent-version:gw-smoke",
        ]
    );
    for trace in &traces {
        assert_eq!(trace.kind, TraceKind::Foundry);
        let authorization = trace
            .request_headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("authorization"))
            .unwrap();
        assert_eq!(authorization.value, "Bearer <redacted>");
        let all = serde_json::to_string(trace).unwrap();
        assert!(!all.contains(DEMO_AZURE_TOKEN), "token in {all}");
        assert!(!all.contains(DEMO_API_KEY), "gateway key in {all}");
    }
    let stream_trace = &traces[3];
    let sse = &stream_trace.response.as_ref().unwrap().sse_events;
    assert_eq!(sse.len(), streamed.events.len());
    assert_eq!(traces.last().unwrap().status(), Some(404));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn lists_follow_the_cursor_to_the_end() {
    let sandbox = sandbox().await;
    let (client, traces) = traced(client(&sandbox).with_options(FoundryClientOptions {
        page_size: 2,
        ..fast_options()
    }));
    for _ in 0..5 {
        client
            .create_agent_version("paged", &version_body(MODEL, vec![]))
            .await
            .unwrap();
    }
    for name in ["paged-b", "paged-c"] {
        client
            .create_agent_version(name, &version_body(MODEL, vec![]))
            .await
            .unwrap();
    }
    sandbox.foundry.clear_requests();
    traces.lock().unwrap().clear();

    let versions: Vec<String> = client
        .list_agent_versions("paged")
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(versions, ["5", "4", "3", "2", "1"]);
    let requests = sandbox.foundry.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].query_param("after"), None);
    assert_eq!(requests[1].query_param("after").as_deref(), Some("paged:4"));
    assert!(
        requests
            .iter()
            .all(|r| r.query_param("limit").as_deref() == Some("2"))
    );

    let agents: Vec<String> = client
        .list_agents()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(agents.len(), 3);
    for name in ["paged", "paged-b", "paged-c"] {
        assert!(agents.contains(&name.to_string()), "{agents:?}");
    }
    let labels: Vec<String> = traces
        .lock()
        .unwrap()
        .iter()
        .map(|t| t.label.clone())
        .collect();
    assert_eq!(
        labels,
        [
            "list-agent-versions:paged",
            "list-agent-versions:paged (page 2)",
            "list-agent-versions:paged (page 3)",
            "list-agents",
            "list-agents (page 2)",
        ]
    );
    let deleted = client.delete_agent("paged").await.unwrap();
    assert_eq!(
        (deleted.object.as_str(), deleted.deleted),
        ("agent.deleted", true)
    );
    let gone = client.get_agent("paged").await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    sandbox.shutdown().await;
}

// --- Errors ---

#[tokio::test]
async fn a_model_not_in_connection_form_is_model_not_found_with_the_form() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    for (agent, model) in [
        ("bare-model", "gpt-4o"),
        ("no-connection", "nope-conn/gpt-4o"),
    ] {
        client
            .create_agent_version(agent, &version_body(model, vec![]))
            .await
            .unwrap();
        let error = client
            .create_response(&ask(agent, None, json!("hi")))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "foundry-model-not-found", "{error}");
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.service_code(), Some("model_not_found"));
        assert!(error.to_string().contains(model), "{error}");
        assert!(
            error.hint().contains(&format!("`{MODEL_FORM}`")),
            "{}",
            error.hint()
        );
        // The same in a stream: the run fails before the stream starts.
        let streamed = client
            .create_response_stream(&ask(agent, None, json!("hi")))
            .await
            .unwrap_err();
        assert_eq!(streamed.code(), "foundry-model-not-found", "{streamed}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unknown_deployment_is_deployment_not_found_with_the_fix() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    for model in ["sandbox-openai/gpt-9", "sandbox-apim/gpt-9"] {
        let agent = if model.starts_with("sandbox-openai") {
            "discovered"
        } else {
            "static-models"
        };
        client
            .create_agent_version(agent, &version_body(model, vec![]))
            .await
            .unwrap();
        let error = client
            .create_response(&ask(agent, None, json!("hi")))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "foundry-deployment-not-found", "{error}");
        assert!(error.to_string().contains("gpt-9"), "{error}");
        let hint = error.hint();
        assert!(
            hint.contains("Only prompt agents") && hint.contains("static `models`"),
            "{hint}"
        );
        assert_no_secret(&error, DEMO_API_KEY);
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_wrong_token_is_401_with_the_role_and_the_scope() {
    let sandbox = sandbox().await;
    let wrong = "not-the-sandbox-token-1234567890";
    let client = client_with_token(&sandbox, wrong);
    let error = client
        .create_agent_version("gw-smoke", &version_body(MODEL, vec![]))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.code(), "foundry-unauthorized");
    assert_eq!(error.service_code(), Some("Unauthorized"));
    let hint = error.hint();
    let project = &sandbox.info().project;
    assert!(
        hint.contains("Azure AI User") && hint.contains(&format!("/projects/{project}`")),
        "{hint}"
    );
    assert!(hint.contains(SCOPE), "{hint}");
    assert_no_secret(&error, wrong);
    // The OpenAI-compatible routes answer in their envelope; same mapping.
    let error = client
        .create_response(&ask("gw-smoke", None, json!("hi")))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "foundry-unauthorized");
    assert_no_secret(&error, wrong);

    // A missing role: the service names the data action.
    let good = self::client(&sandbox);
    let action = "Microsoft.CognitiveServices/accounts/AIServices/agents/write";
    sandbox.foundry.faults().next(1).status(
        401,
        json!({ "error": { "code": "PermissionDenied", "message": format!("The principal `dev@contoso.com` lacks the required data action `{action}` to perform `POST /api/projects/{{projectName}}/openai/*` operation.") } }).to_string(),
        "application/json",
    );
    let error = good
        .create_response(&ask("gw-smoke", None, json!("hi")))
        .await
        .unwrap_err();
    let hint = error.hint();
    assert!(
        hint.starts_with("The identity needs the Azure AI User role"),
        "{hint}"
    );
    assert!(hint.contains(action), "{hint}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unknown_agent_or_version_is_404() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let run = client
        .create_response(&ask("no-such-agent", None, json!("hi")))
        .await
        .unwrap_err();
    assert_eq!(run.status(), Some(404));
    assert_eq!(run.code(), "foundry-not-found");
    assert!(
        run.hint().contains("Agent 'no-such-agent' not found."),
        "{}",
        run.hint()
    );
    let version = client
        .get_agent_version("no-such-agent", "1")
        .await
        .unwrap_err();
    assert_eq!(version.code(), "foundry-not-found");
    assert_eq!(version.service_code(), Some("NotFound"));
    assert!(version.request_id().is_some(), "{version}");
    let agent = client.get_agent("no-such-agent").await.unwrap_err();
    assert_eq!(agent.status(), Some(404));
    // An unknown project is a 404 that says so.
    let mut elsewhere = endpoint(&sandbox);
    elsewhere.set_path("/api/projects/no-such-project");
    let tokens = StaticToken::new(Sensitive::new(sandbox.info().token.clone())).unwrap();
    let lost = FoundryClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        elsewhere,
        SCOPE,
        Arc::new(tokens),
    );
    let error = lost.list_agents().await.unwrap_err();
    assert!(
        error.hint().contains("no project `no-such-project`"),
        "{}",
        error.hint()
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn gateway_failures_behind_the_connection_are_named() {
    let sandbox = sandbox().await;
    let (client, traces) = traced(client(&sandbox));
    client
        .create_agent_version("gw-smoke", &version_body(MODEL, vec![]))
        .await
        .unwrap();
    let chat = || sandbox.openai_gateway.faults().on(Route::Chat);

    // Without streaming: a 502 `gateway_error` quoting the gateway.
    chat().next(1).server_error(500);
    let error = client
        .create_response(&ask("gw-smoke", None, json!("hi")))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "foundry-gateway-error", "{error}");
    assert_eq!(error.status(), Some(502));
    let message = error.service_message().unwrap().to_string();
    assert!(message.contains("HTTP 500"), "{message}");
    assert!(error.hint().contains(&message), "{}", error.hint());
    assert_no_secret(&error, DEMO_API_KEY);

    // In a stream: `response.failed`, the same hint.
    chat().next(1).server_error(500);
    let error = client
        .create_response_stream(&ask("gw-smoke", None, json!("hi")))
        .await
        .unwrap_err();
    match &error {
        FoundryError::RunFailed { response, .. } => {
            assert_eq!(response.status, ResponseStatus::Failed)
        }
        other => panic!("{other}"),
    }
    assert_eq!(error.service_code(), Some("gateway_error"));
    assert!(
        error
            .hint()
            .contains("gateway behind the connection failed"),
        "{}",
        error.hint()
    );

    // The gateway rate limits beyond the total wait: at once, with its Retry-After.
    chat().rate_limit(30);
    let started = std::time::Instant::now();
    let error = client
        .create_response(&ask("gw-smoke", None, json!("hi")))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    match &error {
        FoundryError::Throttled {
            attempts, answer, ..
        } => {
            assert_eq!(*attempts, 1);
            assert_eq!(answer.retry_after, Some(Duration::from_secs(30)));
        }
        other => panic!("{other}"),
    }
    assert_eq!(error.code(), "foundry-throttled");
    let hint = error.hint();
    assert!(
        hint.contains("gateway behind the connection is rate limiting") && hint.contains("30 s"),
        "{hint}"
    );
    sandbox.openai_gateway.faults().clear();

    // The data plane's own 503, once: retried, then the answer.
    traces.lock().unwrap().clear();
    sandbox.foundry.faults().next(1).server_error(503);
    let reply = client
        .create_response(&ask("gw-smoke", None, json!("again")))
        .await
        .unwrap();
    assert_eq!(reply.output_text(), "Echo from gpt-4o: again");
    let labels: Vec<(String, Option<u16>)> = traces
        .lock()
        .unwrap()
        .iter()
        .map(|t| (t.label.clone(), t.status()))
        .collect();
    assert_eq!(
        labels,
        [
            ("create-response:gw-smoke".to_string(), Some(503)),
            ("create-response:gw-smoke (retry 1)".to_string(), Some(200)),
        ]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_non_json_answer_and_a_dead_endpoint_are_named() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    sandbox.foundry.faults().next(1).non_json_body();
    let error = client.list_agents().await.unwrap_err();
    assert_eq!(error.code(), "foundry-not-json", "{error}");
    assert!(error.to_string().contains("text/html"), "{error}");
    assert!(error.hint().contains("proxy"), "{}", error.hint());

    // Nothing listens on a port just freed.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let tokens = StaticToken::new(Sensitive::new(sandbox.info().token.clone())).unwrap();
    let dead = FoundryClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        Url::parse(&format!("http://127.0.0.1:{port}/api/projects/p")).unwrap(),
        SCOPE,
        Arc::new(tokens),
    );
    let error = dead.list_agents().await.unwrap_err();
    match &error {
        FoundryError::Network { failure, .. } => {
            assert!(error.to_string().contains("failed while"), "{error}");
            assert!(!failure.message.is_empty());
        }
        other => panic!("{other}"),
    }
    assert_eq!(error.code(), "foundry-network");
    assert_no_secret(&error, DEMO_AZURE_TOKEN);
    sandbox.shutdown().await;
}
