//! The agent playground through Tauri's real command and ACL layers, against the in-app
//! sandbox: a conversation with a tool call in local mode and in Foundry mode, the text that
//! comes back, the traces (no key in them), history, continuing a conversation, cleanup
//! verified by listing the project's agents afterwards, left-overs of a crash found and
//! deleted, and the error mappings.

use std::sync::Arc;

use gateway_studio::state::AppState;
use gateway_studio_core::azure::StaticToken;
use gateway_studio_core::foundry::FoundryClient;
use gateway_studio_core::net::{HttpClient, NetworkOptions};
use gateway_studio_sandbox::demo::{
    DEMO_ACCOUNT, DEMO_API_KEY, DEMO_PROJECT, DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID,
};
use serde_json::{Value, json};
use tauri::Manager;

use crate::support::{Harness, database_text, harness};

trait Playground {
    fn draft_id(&self, name: &str) -> String;
    fn send(&self, conversation: &str, input: Value) -> Value;
    fn foundry(&self, endpoint: &str) -> FoundryClient;
}

impl Playground for Harness {
    fn draft_id(&self, name: &str) -> String {
        self.ok("connection_list", json!({}))
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
            .unwrap_or_else(|| panic!("no draft {name}"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn send(&self, conversation: &str, input: Value) -> Value {
        self.ok(
            "playground_send",
            json!({"conversationId": conversation, "input": input, "onText": "__CHANNEL__:7"}),
        )
    }

    /// A data-plane client of the in-app sandbox's project, with its token.
    fn foundry(&self, endpoint: &str) -> FoundryClient {
        let state = self.app.state::<AppState>();
        let (_, token) = tauri::async_runtime::block_on(state.sandbox.arm_access()).unwrap();
        FoundryClient::new(
            HttpClient::new(&NetworkOptions::default()).unwrap(),
            endpoint.parse().unwrap(),
            "https://ai.azure.com/.default",
            Arc::new(StaticToken::new(token).unwrap()),
        )
    }
}

fn project_parent() -> Value {
    json!({
        "account": {"subscriptionId": DEMO_SUBSCRIPTION_ID, "resourceGroup": DEMO_RESOURCE_GROUP, "account": DEMO_ACCOUNT},
        "project": DEMO_PROJECT,
    })
}

fn start(draft_id: &str, mode: &str, deployment: &str, parent: Option<Value>) -> Value {
    json!({"request": {
        "draftId": draft_id,
        "mode": mode,
        "settings": {"deployment": deployment, "instructions": "Answer briefly.", "sampleTool": true, "temperature": null},
        "bearerToken": null,
        "parent": parent,
        "projectEndpoint": null,
        "continueFrom": null,
    }})
}

/// A tool round trip: the model calls get_weather, the suggested output goes back, the sample
/// gateway says what the tool said.
fn weather_round_trip(h: &Harness, conversation: &str) -> (Value, Value) {
    let first = h.send(
        conversation,
        json!({"kind": "message", "text": "What is the weather in Paris?"}),
    );
    assert!(first["error"].is_null(), "{first}");
    let call = &first["toolCalls"][0];
    assert_eq!(call["name"], "get_weather", "{first}");
    let suggested = call["suggestedOutput"]
        .as_str()
        .expect("a suggested output")
        .to_string();
    assert!(suggested.contains("sunny"));
    let second = h.send(
        conversation,
        json!({"kind": "toolOutputs", "outputs": [{"callId": call["callId"], "output": suggested}]}),
    );
    assert!(second["error"].is_null(), "{second}");
    assert_eq!(second["reply"], format!("The tool said: {suggested}"));
    assert!(
        second["usage"]["totalTokens"].as_u64().unwrap() > 0,
        "{second}"
    );
    (first, second)
}

#[test]
fn a_conversation_with_a_tool_call_runs_locally_and_in_foundry_and_is_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path());
    h.ok("cloud_select", json!({"cloud": "sandbox"}));
    let draft = h.draft_id("sandbox-openai");

    // Local: the app plays the Agent Service.
    let view = h.ok("playground_start", start(&draft, "local", "gpt-4o", None));
    assert_eq!(view["mode"], "local");
    assert_eq!(view["model"], "sandbox-openai/gpt-4o");
    assert!(view["foundry"].is_null());
    let id = view["id"].as_str().unwrap().to_string();
    let (first, second) = weather_round_trip(&h, &id);
    assert!(
        first["responseId"].is_null(),
        "local turns have no Foundry response"
    );
    // The turn's trace: the gateway's chat call, key redacted.
    let traces = h.ok("azure_trace_list", json!({"runId": second["traceRunId"]}));
    assert!(
        traces
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "gateway" && t["method"] == "POST"),
        "{traces}"
    );
    let ended = h.ok("playground_end", json!({"conversationId": id}));
    assert_eq!(ended["state"], "ended");
    assert_eq!(ended["cleanup"], "none");
    assert_eq!(ended["turns"], 2);
    let err = h.err("playground_send", json!({"conversationId": id, "input": {"kind": "message", "text": "again"}, "onText": "__CHANNEL__:7"}));
    assert_eq!(err["kind"], "notFound", "{err}");

    // Foundry: a test agent version and a conversation in the sandbox project.
    let view = h.ok(
        "playground_start",
        start(&draft, "foundry", "gpt-4o", Some(project_parent())),
    );
    assert_eq!(view["mode"], "foundry");
    let foundry = view["foundry"].clone();
    let agent = foundry["agentName"].as_str().unwrap().to_string();
    assert!(agent.starts_with("gs-test-"), "{view}");
    assert!(foundry["conversationId"].is_string(), "{view}");
    let endpoint = foundry["projectEndpoint"].as_str().unwrap().to_string();
    let client = h.foundry(&endpoint);
    let listed = tauri::async_runtime::block_on(client.list_agents()).unwrap();
    assert!(
        listed.iter().any(|a| a.name == agent),
        "the test agent exists while the test runs"
    );
    let id = view["id"].as_str().unwrap().to_string();
    let (first, second) = weather_round_trip(&h, &id);
    assert!(
        first["responseId"].as_str().unwrap().starts_with("resp_"),
        "{first}"
    );
    assert!(
        second["firstTokenMs"].is_number(),
        "a streamed reply has a first token: {second}"
    );
    let traces = h.ok("azure_trace_list", json!({"runId": second["traceRunId"]}));
    assert!(
        traces
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "foundry" && t["method"] == "POST"),
        "{traces}"
    );
    // In the sandbox the emulated service's own gateway call is in the turn's trace too,
    // right after the data-plane call that made it: what the gateway received.
    let chat = traces
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "gateway" && t["label"] == "Agent Service → chat completions")
        .unwrap_or_else(|| panic!("the service's gateway call: {traces}"));
    assert!(
        chat["url"].as_str().unwrap().contains("/chat/completions") && chat["status"] == 200,
        "{chat}"
    );
    let call = h.ok("trace_exchange_get", json!({"id": chat["id"]}));
    let sent = serde_json::to_string(&call).unwrap();
    assert!(
        sent.contains("get_weather"),
        "the tool output went to the gateway: {sent}"
    );
    assert!(
        !sent.contains(gateway_studio_sandbox::demo::DEMO_API_KEY),
        "the gateway key is redacted: {sent}"
    );
    // A third turn the model answers with another call, left unanswered.
    let hello = h.send(&id, json!({"kind": "message", "text": "Hello"}));
    assert_eq!(hello["toolCalls"][0]["name"], "get_weather", "{hello}");

    let ended = h.ok("playground_end", json!({"conversationId": id}));
    assert_eq!(ended["cleanup"], "done", "{ended}");
    let listed = tauri::async_runtime::block_on(client.list_agents()).unwrap();
    assert!(
        !listed.iter().any(|a| a.name == agent),
        "the test agent is deleted when the test ends"
    );

    // The project's endpoint typed instead of picked: the same project.
    let mut typed = start(&draft, "foundry", "gpt-4o", None);
    typed["request"]["projectEndpoint"] = json!(endpoint);
    typed["request"]["settings"]["sampleTool"] = json!(false);
    let view = h.ok("playground_start", typed);
    assert_eq!(view["foundry"]["projectEndpoint"], endpoint.as_str());
    let hi = h.send(
        view["id"].as_str().unwrap(),
        json!({"kind": "message", "text": "Hi"}),
    );
    assert_eq!(hi["reply"], "Echo from gpt-4o: Hi", "{hi}");
    assert_eq!(
        h.ok("playground_end", json!({"conversationId": view["id"]}))["cleanup"],
        "done"
    );

    // History: the conversations, newest first; reopen read-only.
    let history = h.ok("playground_history", json!({}));
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0]["mode"], "foundry");
    assert_eq!(history[1]["mode"], "foundry");
    assert_eq!(history[2]["mode"], "local");
    let record = h.ok("playground_conversation", json!({"conversationId": id}));
    assert_eq!(record["turns"].as_array().unwrap().len(), 3);
    assert_eq!(record["settings"]["instructions"], "Answer briefly.");

    // Continue it locally without the tool: the earlier turns open the new conversation (the
    // unanswered call is left out, as the service would refuse it).
    let mut again = start(&draft, "local", "gpt-4o", None);
    again["request"]["continueFrom"] = json!(id);
    again["request"]["settings"]["sampleTool"] = json!(false);
    let view = h.ok("playground_start", again);
    assert_eq!(view["continued"].as_array().unwrap().len(), 3);
    let next = h.send(
        view["id"].as_str().unwrap(),
        json!({"kind": "message", "text": "Thanks"}),
    );
    assert_eq!(next["reply"], "Echo from gpt-4o: Thanks");
    h.ok("playground_end", json!({"conversationId": view["id"]}));

    assert!(
        !database_text(dir.path()).contains(DEMO_API_KEY),
        "the key reached SQLite"
    );
    h.stop();
}

#[test]
fn a_crash_leaves_test_agents_that_are_found_and_deleted_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path());
    h.ok("cloud_select", json!({"cloud": "sandbox"}));
    let draft = h.draft_id("sandbox-apim");
    let view = h.ok(
        "playground_start",
        start(&draft, "foundry", "gpt-4o-mini", Some(project_parent())),
    );
    let agent = view["foundry"]["agentName"].as_str().unwrap().to_string();
    let endpoint = view["foundry"]["projectEndpoint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        h.ok("playground_leftovers", json!({}))
            .as_array()
            .unwrap()
            .is_empty(),
        "an open test is no left-over"
    );

    // What the next start does after a crash: the open conversation is marked interrupted.
    // (The sandbox keeps running here, so its test agent is still there to be found.)
    let state = h.app.state::<AppState>();
    tauri::async_runtime::block_on(gateway_studio::recover_interrupted(state.store().unwrap()));
    let leftovers = h.ok("playground_leftovers", json!({}));
    let leftovers = leftovers.as_array().unwrap();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    assert_eq!(leftovers[0]["state"], "interrupted");
    assert_eq!(leftovers[0]["cleanup"], "pending");
    assert_eq!(leftovers[0]["foundry"]["agentName"], agent.as_str());
    let client = h.foundry(&endpoint);
    let listed = tauri::async_runtime::block_on(client.list_agents()).unwrap();
    assert!(listed.iter().any(|a| a.name == agent));

    let id = leftovers[0]["id"].as_str().unwrap();
    let cleaned = h.ok("playground_clean_up", json!({"conversationId": id}));
    assert_eq!(cleaned["cleanup"], "done", "{cleaned}");
    assert!(
        h.ok("playground_leftovers", json!({}))
            .as_array()
            .unwrap()
            .is_empty()
    );
    let listed = tauri::async_runtime::block_on(client.list_agents()).unwrap();
    assert!(
        !listed.iter().any(|a| a.name == agent),
        "the left-over agent is deleted"
    );
    h.stop();
}

#[test]
fn failures_are_explained_with_what_to_change() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path());
    h.ok("cloud_select", json!({"cloud": "sandbox"}));
    let apim = h.draft_id("sandbox-apim");

    // Local: a deployment the static list lacks, before anything is sent to the chat route.
    let e = h.err("playground_start", start(&apim, "local", "gpt-5", None));
    assert_eq!(e["kind"], "agent", "{e}");
    assert_eq!(e["details"]["code"], "DeploymentNotFound", "{e}");
    assert!(
        e["details"]["fix"]
            .as_str()
            .unwrap()
            .contains("prompt agents"),
        "{e}"
    );

    // Found by discovery instead: the failed start's discovery call is kept as its trace.
    let openai = h.draft_id("sandbox-openai");
    let e = h.err("playground_start", start(&openai, "local", "gpt-5", None));
    assert_eq!(e["details"]["code"], "DeploymentNotFound", "{e}");
    let run = e["details"]["traceRunId"].as_str().expect("a trace run");
    let traces = h.ok("azure_trace_list", json!({"runId": run}));
    let traces = traces.as_array().unwrap();
    assert!(
        !traces.is_empty() && traces.iter().all(|t| t["kind"] == "gateway"),
        "{traces:?}"
    );

    // Foundry: the same, reported by the service on the turn.
    let view = h.ok(
        "playground_start",
        start(&apim, "foundry", "gpt-5", Some(project_parent())),
    );
    let turn = h.send(
        view["id"].as_str().unwrap(),
        json!({"kind": "message", "text": "hi"}),
    );
    assert_eq!(turn["error"]["code"], "DeploymentNotFound", "{turn}");
    assert!(
        turn["error"]["fix"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("prompt agent"),
        "{turn}"
    );
    h.ok("playground_end", json!({"conversationId": view["id"]}));

    // Through discovery: the turn's trace holds the service's failing gateway call, the
    // gateway's own 404 for the deployment.
    let view = h.ok(
        "playground_start",
        start(&openai, "foundry", "gpt-5", Some(project_parent())),
    );
    let turn = h.send(
        view["id"].as_str().unwrap(),
        json!({"kind": "message", "text": "hi"}),
    );
    assert_eq!(turn["error"]["code"], "DeploymentNotFound", "{turn}");
    let traces = h.ok("azure_trace_list", json!({"runId": turn["traceRunId"]}));
    assert!(
        traces
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "gateway"
                && t["label"] == "Agent Service → model discovery"
                && t["status"] == 404
                && t["url"].as_str().unwrap().ends_with("/models/gpt-5")),
        "{traces}"
    );
    h.ok("playground_end", json!({"conversationId": view["id"]}));

    // Foundry with a connection the project does not have: model not found, with the form.
    let seeded = h.ok("connection_get", json!({"id": apim}));
    let mut renamed = seeded["connection"].clone();
    renamed["name"] = json!("not-deployed");
    let saved = h.ok(
        "connection_save",
        json!({"id": null, "connection": renamed, "secrets": [{"slot": "apiKey", "value": "k-123456789"}]}),
    );
    let view = h.ok(
        "playground_start",
        start(
            saved["id"].as_str().unwrap(),
            "foundry",
            "gpt-4o",
            Some(project_parent()),
        ),
    );
    assert_eq!(view["model"], "not-deployed/gpt-4o");
    let turn = h.send(
        view["id"].as_str().unwrap(),
        json!({"kind": "message", "text": "hi"}),
    );
    assert_eq!(turn["error"]["code"], "model_not_found", "{turn}");
    assert!(
        turn["error"]["fix"]
            .as_str()
            .unwrap()
            .contains("<connection-name>/<deployment-name>"),
        "{turn}"
    );
    h.ok("playground_end", json!({"conversationId": view["id"]}));

    // Foundry without a project; a typed endpoint that is no URL; bad settings; an empty
    // message.
    let e = h.err("playground_start", start(&apim, "foundry", "gpt-4o", None));
    assert_eq!(e["details"]["field"], "parent", "{e}");
    let mut typed = start(&apim, "foundry", "gpt-4o", None);
    typed["request"]["projectEndpoint"] = json!("contoso/api/projects/p1");
    let e = h.err("playground_start", typed);
    assert_eq!(e["details"]["field"], "projectEndpoint", "{e}");
    let e = h.err("playground_start", start(&apim, "local", "", None));
    assert_eq!(e["details"]["field"], "settings.deployment", "{e}");
    let view = h.ok("playground_start", start(&apim, "local", "gpt-4o", None));
    let e = h.err("playground_send", json!({"conversationId": view["id"], "input": {"kind": "message", "text": "  "}, "onText": "__CHANNEL__:7"}));
    assert_eq!(e["details"]["field"], "input.text", "{e}");
    h.ok("playground_end", json!({"conversationId": view["id"]}));
    h.stop();
}
