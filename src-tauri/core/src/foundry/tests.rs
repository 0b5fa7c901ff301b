//! The parts of the Foundry client that need no server: body shapes, name rules, URLs, reading
//! answers and streams, error mappings and hints. The client against the sandbox's emulator of
//! the data plane is tested in `tests/integration/foundry.rs`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use url::Url;

use super::*;
use crate::azure::{StaticToken, TokenFuture};
use crate::net::{Failure, FailureKind, NetworkOptions, Phase, SseEvent};

const TOKEN: &str = "tok-foundry-0123456789";
const SCOPE: &str = "https://ai.azure.com/.default";
const PUBLIC_ENDPOINT: &str = "https://acct.services.ai.azure.com/api/projects/proj";

fn client(endpoint: &str) -> FoundryClient {
    let token = StaticToken::new(Sensitive::new(TOKEN.into())).unwrap();
    FoundryClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        Url::parse(endpoint).unwrap(),
        SCOPE,
        Arc::new(token),
    )
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        received_bytes: body.len() as u64,
        declared_length: None,
        truncated: false,
        redirects: Vec::new(),
        blocked_redirect: None,
        sse_events: Vec::new(),
    }
}

/// The error the client makes of `answer` to `method url`, with the token known as a secret.
fn status_error(method: &'static str, url: &str, answer: &Response) -> FoundryError {
    let client = client(PUBLIC_ENDPOINT);
    let mut call = client.call("test".into(), method, None);
    call.redactor.add_secret(&Sensitive::new(TOKEN.to_string()));
    client.failed(&call, &Url::parse(url).unwrap(), answer)
}

fn openai_error(status: u16, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "message": message, "type": "invalid_request_error", "param": null, "code": code } });
    response(
        status,
        &[
            ("content-type", "application/json"),
            ("x-ms-request-id", "req-7"),
        ],
        &body.to_string(),
    )
}

fn azure_error(status: u16, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "code": code, "message": message } });
    response(
        status,
        &[("content-type", "application/json")],
        &body.to_string(),
    )
}

const RESPONSES_URL: &str =
    "https://acct.services.ai.azure.com/api/projects/proj/openai/v1/responses";
const VERSIONS_URL: &str =
    "https://acct.services.ai.azure.com/api/projects/proj/agents/gw-smoke/versions?api-version=v1";

fn weather_tool() -> FunctionTool {
    FunctionTool {
        name: "get_weather".into(),
        description: Some("Current weather for a city.".into()),
        parameters: json!({ "type": "object", "properties": { "city": { "type": "string" } }, "required": ["city"] }),
        strict: Some(true),
    }
}

// --- Shapes ---

#[test]
fn a_create_version_body_is_the_reference_body() {
    let body = CreateAgentVersion {
        definition: PromptAgentDefinition::new(
            "my-apim-connection/gpt-4o",
            "You are a test agent. Reply with the word PONG.",
        ),
        description: Some("gateway smoke test".into()),
        metadata: BTreeMap::from([("createdBy".into(), "gateway-checker".into())]),
    };
    // byo-gateway.md §6.2, field for field.
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({
            "definition": {
                "kind": "prompt",
                "model": "my-apim-connection/gpt-4o",
                "instructions": "You are a test agent. Reply with the word PONG.",
                "tools": []
            },
            "description": "gateway smoke test",
            "metadata": { "createdBy": "gateway-checker" }
        })
    );

    // Tools, temperature; empty instructions, description and metadata left out.
    let mut definition = PromptAgentDefinition::new("gw/gpt-4o", "");
    definition.tools = vec![
        weather_tool().into(),
        Tool::Other(json!({ "type": "code_interpreter" })),
    ];
    definition.temperature = Some(0.2);
    let body = CreateAgentVersion {
        definition,
        description: None,
        metadata: BTreeMap::new(),
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({
            "definition": {
                "kind": "prompt",
                "model": "gw/gpt-4o",
                "tools": [
                    {
                        "type": "function",
                        "name": "get_weather",
                        "description": "Current weather for a city.",
                        "parameters": { "type": "object", "properties": { "city": { "type": "string" } }, "required": ["city"] },
                        "strict": true
                    },
                    { "type": "code_interpreter" }
                ],
                "temperature": 0.2
            }
        })
    );
}

#[test]
fn a_response_request_uses_agent_reference() {
    let request = ResponseRequest {
        agent_reference: AgentReference {
            name: "gw-smoke".into(),
            version: Some("1".into()),
        },
        conversation: Some("conv_abc123".into()),
        input: json!("Say PONG"),
        previous_response_id: None,
    };
    // byo-gateway.md §6.3; never the removed `agent` key.
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "agent_reference": { "type": "agent_reference", "name": "gw-smoke", "version": "1" },
            "conversation": "conv_abc123",
            "input": "Say PONG"
        })
    );
    let follow_up = ResponseRequest {
        agent_reference: AgentReference {
            name: "gw-smoke".into(),
            version: None,
        },
        conversation: None,
        input: json!([function_call_output("call_1", "{\"temp\":21}")]),
        previous_response_id: Some("resp_1".into()),
    };
    assert_eq!(
        serde_json::to_value(&follow_up).unwrap(),
        json!({
            "agent_reference": { "type": "agent_reference", "name": "gw-smoke" },
            "input": [{ "type": "function_call_output", "call_id": "call_1", "output": "{\"temp\":21}" }],
            "previous_response_id": "resp_1"
        })
    );
    let in_conversation = ResponseRequest {
        input: Value::Null,
        ..request
    };
    assert!(
        serde_json::to_value(&in_conversation)
            .unwrap()
            .get("input")
            .is_none()
    );
    assert_eq!(
        user_message("Hi"),
        json!({ "type": "message", "role": "user", "content": "Hi" })
    );
}

// --- Names, endpoints, URLs ---

#[test]
fn agent_names_follow_the_service_rules() {
    for good in ["a", "gw-smoke", "A1", "a-b-c", "9lives", &"a".repeat(63)] {
        assert_eq!(agent_name_problem(good), None, "{good}");
    }
    for (bad, says) in [
        ("", "empty"),
        ("-a", "start and end"),
        ("a-", "start and end"),
        ("a_b", "`_`"),
        ("a.b", "`.`"),
        ("a b", "` `"),
        ("été", "`é`"),
        (&"a".repeat(64), "64 characters"),
    ] {
        let problem = agent_name_problem(bad).unwrap_or_else(|| panic!("{bad:?} passed"));
        assert!(problem.contains(says), "{bad:?}: {problem}");
    }
    let error = check_agent_name("bad_name").unwrap_err();
    assert_eq!(error.code(), "foundry-invalid-name");
    assert!(error.to_string().contains("`bad_name`"), "{error}");
    assert!(error.hint().contains("1 to 63"), "{}", error.hint());
}

#[test]
fn project_endpoints_come_from_the_cloud_table() {
    let public = crate::azure::CloudId::Public.endpoints().unwrap();
    let url = FoundryClient::project_endpoint("acct", "proj", public.foundry_host_suffix).unwrap();
    assert_eq!(url.as_str(), PUBLIC_ENDPOINT);
    let gov = crate::azure::CloudId::UsGovernment.endpoints().unwrap();
    let url = FoundryClient::project_endpoint("acct", "_project", gov.foundry_host_suffix).unwrap();
    assert_eq!(
        url.as_str(),
        "https://acct.services.ai.azure.us/api/projects/_project"
    );
    for bad in ["", "a.b", "a/b", "-a", "evil.example#"] {
        let error =
            FoundryClient::project_endpoint(bad, "proj", public.foundry_host_suffix).unwrap_err();
        assert_eq!(error.code(), "foundry-invalid-endpoint", "{bad}");
    }
}

#[test]
fn project_routes_take_v1_and_openai_routes_none() {
    for endpoint in [PUBLIC_ENDPOINT, &format!("{PUBLIC_ENDPOINT}/")] {
        let c = client(endpoint);
        assert_eq!(
            c.project_url(&["agents", "gw-smoke", "versions"])
                .unwrap()
                .as_str(),
            VERSIONS_URL
        );
        assert_eq!(
            c.openai_url(&["responses"]).unwrap().as_str(),
            RESPONSES_URL
        );
    }
    // Ids are percent-encoded into one segment.
    let c = client(PUBLIC_ENDPOINT);
    assert_eq!(
        c.openai_url(&["conversations", "conv a/b?"])
            .unwrap()
            .path(),
        "/api/projects/proj/openai/v1/conversations/conv%20a%2Fb%3F"
    );
    for bad in ["", " ", ".", ".."] {
        assert!(check_id("conversation id", bad).is_err(), "{bad:?}");
    }
    let error = client("mailto:someone@example.com")
        .openai_url(&["responses"])
        .unwrap_err();
    assert_eq!(error.code(), "foundry-invalid-endpoint");
}

/// A token source that counts how often it was asked.
struct Counting(AtomicUsize);

impl TokenSource for Counting {
    fn token<'a>(&'a self, _scope: &'a str) -> TokenFuture<'a> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(Sensitive::new(TOKEN.to_string())) })
    }
}

#[tokio::test]
async fn requests_that_break_the_rules_are_refused_before_any_call() {
    let tokens = Arc::new(Counting(AtomicUsize::new(0)));
    // Port 9 (discard): nothing may be sent there anyway.
    let client = FoundryClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        Url::parse("http://127.0.0.1:9/api/projects/p").unwrap(),
        SCOPE,
        tokens.clone(),
    );
    let version = |metadata: usize, model: &str| CreateAgentVersion {
        definition: PromptAgentDefinition::new(model, "x"),
        description: None,
        metadata: (0..metadata)
            .map(|i| (format!("k{i}"), "v".to_string()))
            .collect(),
    };
    let errors = vec![
        client
            .create_agent_version("bad name", &version(0, "gw/gpt-4o"))
            .await
            .unwrap_err(),
        client
            .create_agent_version("ok", &version(17, "gw/gpt-4o"))
            .await
            .unwrap_err(),
        client
            .create_agent_version("ok", &version(0, " "))
            .await
            .unwrap_err(),
        client.get_agent_version("-x", "1").await.unwrap_err(),
        client.delete_agent_version("ok", "..").await.unwrap_err(),
        client
            .create_conversation(&vec![user_message("hi"); 21])
            .await
            .unwrap_err(),
        client
            .add_conversation_items("conv_1", &[])
            .await
            .unwrap_err(),
        client
            .create_response(&ResponseRequest {
                agent_reference: AgentReference {
                    name: "ok".into(),
                    version: None,
                },
                conversation: Some("conv_1".into()),
                input: json!("hi"),
                previous_response_id: Some("resp_1".into()),
            })
            .await
            .unwrap_err(),
        client
            .create_response_stream(&ResponseRequest {
                agent_reference: AgentReference {
                    name: "ok".into(),
                    version: None,
                },
                conversation: None,
                input: json!(42),
                previous_response_id: None,
            })
            .await
            .unwrap_err(),
    ];
    for error in &errors {
        assert!(
            matches!(
                error,
                FoundryError::InvalidName { .. } | FoundryError::InvalidRequest { .. }
            ),
            "{error}"
        );
    }
    assert!(errors[1].to_string().contains("16 metadata pairs"));
    assert!(errors[2].to_string().contains(MODEL_FORM));
    assert_eq!(tokens.0.load(Ordering::SeqCst), 0, "no call was made");
}

// --- Reading answers ---

#[test]
fn a_response_is_read_with_its_text_calls_and_usage() {
    let raw = json!({
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "output": [
            { "type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
              "content": [{ "type": "output_text", "text": "Hello ", "annotations": [] }, { "type": "refusal", "refusal": "no" }, { "type": "output_text", "text": "there" }] },
            { "type": "function_call", "id": "fc_1", "call_id": "call_9", "name": "get_weather", "arguments": "{\"city\":\"Oslo\"}", "status": "completed" },
            { "type": "reasoning", "id": "rs_1" }
        ],
        "usage": { "input_tokens": 3, "output_tokens": 2, "total_tokens": 5 },
        "error": null,
        "conversation": { "id": "conv_1" },
        "agent_reference": { "type": "agent_reference", "name": "gw-smoke", "version": 2 }
    });
    let response = types::response(&raw).unwrap();
    assert_eq!(response.status, ResponseStatus::Completed);
    assert_eq!(response.output_text(), "Hello there");
    let calls = response.function_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].call_id.as_str(), calls[0].name.as_str()),
        ("call_9", "get_weather")
    );
    assert_eq!(calls[0].arguments_json().unwrap()["city"], "Oslo");
    assert!(matches!(&response.output[2], Item::Other(v) if v["type"] == "reasoning"));
    assert_eq!(response.output[2].id(), Some("rs_1"));
    assert_eq!(
        response.usage,
        Some(Usage {
            input_tokens: 3,
            output_tokens: 2,
            total_tokens: 5
        })
    );
    assert_eq!(response.error, None);
    assert_eq!(response.conversation.as_deref(), Some("conv_1"));
    assert_eq!(
        response.agent_reference,
        Some(AgentReference {
            name: "gw-smoke".into(),
            version: Some("2".into())
        })
    );
    assert_eq!(response.raw, raw);

    // What is missing is named.
    assert_eq!(
        types::response(&json!({ "status": "completed" })).unwrap_err(),
        "a response without a string `id`"
    );
    assert_eq!(
        types::response(&json!({ "id": "r", "status": "completed", "output": [{ "type": "function_call", "name": "f" }] }))
            .unwrap_err(),
        "a response whose output[0] is a function_call item without a string `call_id`"
    );
    assert_eq!(
        ResponseStatus::parse("weird"),
        ResponseStatus::Other("weird".into())
    );
    assert_eq!(ResponseStatus::InProgress.as_str(), "in_progress");
}

#[test]
fn versions_agents_and_deletions_are_read() {
    let raw = json!({
        "object": "agent.version", "id": "gw-smoke:1", "name": "gw-smoke", "version": "1",
        "description": "d", "created_at": 1_767_225_600,
        "definition": { "kind": "prompt", "model": "gw/gpt-4o" },
        "metadata": { "createdBy": "tests" }, "status": "active"
    });
    let version = types::agent_version(&raw).unwrap();
    assert_eq!(
        (version.kind(), version.model()),
        (Some("prompt"), Some("gw/gpt-4o"))
    );
    assert_eq!(version.created_at, Some(1_767_225_600));
    assert_eq!(version.metadata["createdBy"], "tests");
    assert_eq!(version.status.as_deref(), Some("active"));

    let agent = types::agent(&json!({ "object": "agent", "id": "gw-smoke", "name": "gw-smoke", "versions": { "latest": raw } })).unwrap();
    assert_eq!(agent.latest.unwrap().version, "1");
    let deleted = types::deleted(&json!({ "object": "agent.version.deleted", "name": "gw-smoke", "version": "1", "deleted": true })).unwrap();
    assert_eq!(
        (
            deleted.id.as_str(),
            deleted.version.as_deref(),
            deleted.deleted
        ),
        ("gw-smoke", Some("1"), true)
    );
    assert!(types::deleted(&json!({ "id": "conv_1" })).is_err());
}

#[test]
fn list_pages_carry_their_cursor() {
    let last = page(&json!({ "object": "list", "data": [1, 2], "has_more": false })).unwrap();
    assert_eq!((last.data.len(), last.next_after), (2, None));
    let more = page(&json!({ "data": [1], "last_id": "a1", "has_more": true })).unwrap();
    assert_eq!(more.next_after.as_deref(), Some("a1"));
    assert!(page(&json!({ "data": [1], "has_more": true })).is_err());
    assert!(page(&json!({ "value": [] })).is_err());
}

// --- Streams ---

fn sse(at_ms: u64, kind: &str, payload: Value) -> SseEvent {
    let mut payload = payload;
    payload["type"] = json!(kind);
    SseEvent {
        at_ms,
        event: Some(kind.to_string()),
        data: payload.to_string(),
    }
}

fn completed(text: &str) -> Value {
    json!({ "response": {
        "id": "resp_s", "status": "completed",
        "output": [{ "type": "message", "id": "msg_1", "role": "assistant", "content": [{ "type": "output_text", "text": text }] }]
    } })
}

#[test]
fn a_stream_keeps_deltas_in_order_with_their_times() {
    let events = vec![
        sse(
            5,
            "response.created",
            json!({ "sequence_number": 0, "response": { "id": "resp_s", "status": "in_progress" } }),
        ),
        sse(
            9,
            "response.output_text.delta",
            json!({ "sequence_number": 1, "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Echo " }),
        ),
        sse(
            9,
            "response.output_text.delta",
            json!({ "sequence_number": 2, "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "from " }),
        ),
        sse(
            14,
            "response.output_text.delta",
            json!({ "sequence_number": 3, "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "gpt-4o" }),
        ),
        SseEvent {
            at_ms: 15,
            event: None,
            data: "not json".into(),
        },
        sse(16, "response.completed", completed("Echo from gpt-4o")),
    ];
    let assembled = stream::assemble(&events).unwrap();
    assert_eq!(assembled.events.len(), 6);
    assert_eq!(assembled.events[4].data, json!("not json"));
    assert_eq!(assembled.events[1].sequence_number, Some(1));
    let deltas: Vec<(u64, &str)> = assembled
        .deltas
        .iter()
        .map(|d| (d.at_ms, d.delta.as_str()))
        .collect();
    assert_eq!(deltas, [(9, "Echo "), (9, "from "), (14, "gpt-4o")]);
    assert_eq!(assembled.deltas[0].item_id.as_deref(), Some("msg_1"));
    let stream::Ending::Final(response) = assembled.ending else {
        panic!("no final response");
    };
    let stream = ResponseStream {
        events: assembled.events,
        deltas: assembled.deltas,
        response: *response,
    };
    assert_eq!(stream.streamed_text(), stream.response.output_text());
    assert_eq!(stream.first_delta_ms(), Some(9));
}

#[test]
fn a_stream_ends_failed_with_an_error_event_or_cut_short() {
    let failed = stream::assemble(&[sse(
        3,
        "response.failed",
        json!({ "response": { "id": "resp_f", "status": "failed", "output": [], "error": { "code": "gateway_error", "message": "The gateway of connection 'gw' answered HTTP 500" } } }),
    )])
    .unwrap();
    let stream::Ending::Final(response) = failed.ending else {
        panic!("no final response");
    };
    let client = client(PUBLIC_ENDPOINT);
    let call = client.call("stream-response:gw-smoke".into(), "POST", None);
    let error = finished(&call, &Url::parse(RESPONSES_URL).unwrap(), *response).unwrap_err();
    assert_eq!(error.code(), "foundry-run-failed");
    assert_eq!(error.service_code(), Some("gateway_error"));
    assert!(
        error
            .to_string()
            .contains("the run resp_f failed: gateway_error: The gateway"),
        "{error}"
    );
    assert!(
        error
            .hint()
            .contains("gateway behind the connection failed")
            && error.hint().contains("answered HTTP 500"),
        "{}",
        error.hint()
    );

    let errored = stream::assemble(&[sse(
        3,
        "error",
        json!({ "code": "server_error", "message": "boom" }),
    )])
    .unwrap();
    assert!(matches!(errored.ending, stream::Ending::Error(e) if e.message == "boom"));

    let cut = stream::assemble(&[sse(
        3,
        "response.output_text.delta",
        json!({ "delta": "Ec" }),
    )])
    .unwrap();
    assert!(
        matches!(&cut.ending, stream::Ending::Cut(Some(last)) if last == "response.output_text.delta")
    );
    assert!(stream::assemble(&[sse(3, "response.output_text.delta", json!({}))]).is_err());
    assert!(stream::assemble(&[sse(3, "response.completed", json!({}))]).is_err());
}

// --- Errors and hints ---

#[test]
fn a_bad_model_form_explains_connection_slash_deployment() {
    let error = status_error(
        "POST",
        RESPONSES_URL,
        &openai_error(
            400,
            "model_not_found",
            "Model 'gpt-4o' not found. A model served through a gateway connection must be given as '<connection-name>/<deployment-name>'.",
        ),
    );
    assert_eq!(error.code(), "foundry-model-not-found");
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.service_code(), Some("model_not_found"));
    assert_eq!(error.request_id(), Some("req-7"));
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("POST {RESPONSES_URL} failed: Foundry answered 400 model_not_found: Model 'gpt-4o' not found.")),
        "{text}"
    );
    assert!(text.ends_with("(request id req-7)"), "{text}");
    let hint = error.hint();
    assert!(
        hint.contains("`<connection-name>/<deployment-name>`"),
        "{hint}"
    );
    assert!(hint.contains("my-apim-connection/gpt-4o"), "{hint}");
}

#[test]
fn deployment_not_found_says_prompt_agents_and_the_connection_models() {
    let error = status_error(
        "POST",
        RESPONSES_URL,
        &openai_error(
            400,
            "DeploymentNotFound",
            "The deployment 'gpt-9' was not found on connection 'gw': the gateway answered HTTP 404.",
        ),
    );
    assert_eq!(error.code(), "foundry-deployment-not-found");
    let hint = error.hint();
    assert!(hint.contains("Only prompt agents"), "{hint}");
    assert!(
        hint.contains("static `models`") && hint.contains("getModelEndpoint"),
        "{hint}"
    );
}

#[test]
fn a_401_names_the_role_the_scope_and_the_token_scope() {
    let error = status_error(
        "POST",
        VERSIONS_URL,
        &azure_error(
            401,
            "Unauthorized",
            "Unauthorized. Access token is missing, invalid, audience is incorrect (https://ai.azure.com/), or have expired.",
        ),
    );
    assert_eq!(error.code(), "foundry-unauthorized");
    let hint = error.hint();
    let scope = "/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.CognitiveServices/accounts/acct/projects/proj";
    assert!(
        hint.contains("Azure AI User") && hint.contains(&format!("`{scope}`")),
        "{hint}"
    );
    assert!(hint.contains(&format!("`{SCOPE}`")), "{hint}");
    assert!(hint.contains("the access token given"), "{hint}");

    // PermissionDenied: the role, and the data action the service names.
    let error = status_error(
        "POST",
        RESPONSES_URL,
        &azure_error(
            401,
            "PermissionDenied",
            "The principal `dev@contoso.com` lacks the required data action `Microsoft.CognitiveServices/accounts/AIServices/agents/write` to perform `POST /api/projects/{projectName}/openai/*` operation.",
        ),
    );
    let hint = error.hint();
    assert!(
        hint.starts_with("The identity needs the Azure AI User role"),
        "{hint}"
    );
    assert!(
        hint.contains("`Microsoft.CognitiveServices/accounts/AIServices/agents/write`"),
        "{hint}"
    );
    assert!(hint.contains("/accounts/acct/projects/proj"), "{hint}");
    assert!(!hint.contains("az account get-access-token"), "{hint}");
}

#[test]
fn gateway_failures_quote_the_gateway() {
    let message = "The gateway of connection 'gw' answered HTTP 500 to the chat completions call (POST https://gw/v1/chat/completions): boom";
    let error = status_error(
        "POST",
        RESPONSES_URL,
        &openai_error(502, "gateway_error", message),
    );
    assert_eq!(error.code(), "foundry-gateway-error");
    let hint = error.hint();
    assert!(
        hint.contains("gateway behind the connection failed") && hint.contains(message),
        "{hint}"
    );
    let error = status_error(
        "POST",
        RESPONSES_URL,
        &openai_error(
            504,
            "gateway_timeout",
            "The gateway of connection 'gw' did not answer",
        ),
    );
    assert_eq!(error.code(), "foundry-gateway-timeout");
    assert!(
        error
            .hint()
            .contains("did not answer the Agent Service in time")
    );
}

#[test]
fn a_404_says_what_is_missing() {
    let error = status_error(
        "GET",
        VERSIONS_URL,
        &azure_error(404, "NotFound", "Agent 'gw-smoke' not found."),
    );
    assert_eq!(error.code(), "foundry-not-found");
    assert!(error.hint().contains("Agent 'gw-smoke' not found."));
    let error = status_error(
        "GET",
        VERSIONS_URL,
        &azure_error(
            404,
            "NotFound",
            "Project 'proj' was not found in account 'acct'.",
        ),
    );
    assert!(
        error.hint().contains("no project `proj`"),
        "{}",
        error.hint()
    );
}

#[test]
fn the_token_never_reaches_a_message() {
    let body = format!(
        "{{\"error\":{{\"code\":\"BadRequest\",\"message\":\"bad header Bearer {TOKEN}\"}}}}"
    );
    let error = status_error(
        "POST",
        VERSIONS_URL,
        &response(400, &[("x-ms-request-id", TOKEN)], &body),
    );
    let shown = format!("{error} | {} | {error:?}", error.hint());
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    // A body that is not JSON is quoted, redacted.
    let error = status_error(
        "GET",
        VERSIONS_URL,
        &response(500, &[], &format!("<html>{TOKEN}</html>")),
    );
    assert!(!error.to_string().contains(TOKEN), "{error}");
}

#[test]
fn throttling_network_and_other_answers_have_hints() {
    let url = RESPONSES_URL.to_string();
    let answer = FoundryAnswer::read(
        &response(
            429,
            &[("retry-after", "30")],
            &json!({ "error": { "code": "rate_limit_exceeded", "message": "The gateway of connection 'gw' answered HTTP 429", "type": "requests" } }).to_string(),
        ),
        &|t| t.to_string(),
    );
    assert_eq!(answer.retry_after, Some(Duration::from_secs(30)));
    let error = FoundryError::Throttled {
        method: "POST",
        url: url.clone(),
        answer: Box::new(answer),
        attempts: 1,
        waited: Duration::ZERO,
        max_total_wait: Duration::from_secs(5),
    };
    assert_eq!(error.code(), "foundry-throttled");
    let hint = error.hint();
    assert!(
        hint.contains("gateway behind the connection is rate limiting")
            && hint.contains("30 s")
            && hint.contains("5 s"),
        "{hint}"
    );
    assert!(
        error.to_string().contains("429 rate_limit_exceeded"),
        "{error}"
    );

    let error = FoundryError::Network {
        method: "GET",
        url: url.clone(),
        failure: Failure {
            kind: FailureKind::Connect,
            phase: Phase::Tcp,
            message: "connection refused by 127.0.0.1:9".into(),
        },
    };
    assert!(
        error.to_string().contains("failed while connecting (TCP)"),
        "{error}"
    );
    assert!(error.hint().contains("project endpoint"));

    let ms = response(503, &[("retry-after-ms", "250"), ("retry-after", "9")], "");
    let answer = FoundryAnswer::read(&ms, &|s| s.to_string());
    assert_eq!(answer.retry_after, Some(Duration::from_millis(250)));
}
