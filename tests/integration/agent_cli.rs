//! `gateway-studio agent run --local FILE`: the agent loop inside the app against the sandbox's
//! sample gateways over loopback: a conversation with a tool call through each gateway style,
//! the exact request each gateway received, the error mappings, and no secret in any output or
//! trace.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use gateway_studio_sandbox::{RunningSandbox, SandboxOptions, start_sandbox};
use serde_json::Value;

use crate::support::database_text;

async fn sandbox() -> RunningSandbox {
    start_sandbox(SandboxOptions::default())
        .await
        .expect("the sandbox starts")
}

/// The sample gateway connection `name`, written to DIR/NAME.json with its demo key.
fn connection_file(sandbox: &RunningSandbox, dir: &Path, name: &str) -> (String, String) {
    let body = sandbox
        .gateway_connections()
        .into_iter()
        .find(|c| c["name"] == name)
        .unwrap();
    let key = body["properties"]["credentials"]["key"]
        .as_str()
        .unwrap()
        .to_string();
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, body.to_string()).unwrap();
    (path.to_str().unwrap().to_string(), key)
}

fn agent(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .arg("--data-dir")
        .arg(dir)
        .args(["agent", "run"])
        .args(args)
        .env_remove("GATEWAY_API_KEY")
        .env_remove("GATEWAY_CLIENT_SECRET")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_no_secret(o: &Output, secret: &str) {
    assert!(
        !stdout(o).contains(secret),
        "the key was printed: {}",
        stdout(o)
    );
    assert!(
        !stderr(o).contains(secret),
        "the key was printed: {}",
        stderr(o)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_run_calls_each_sample_gateway_as_the_agent_service_would() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();

    for (name, deployment, gateway) in [
        ("sandbox-openai", "gpt-4o", &sandbox.openai_gateway),
        ("sandbox-apim", "gpt-4o-mini", &sandbox.apim_gateway),
    ] {
        gateway.clear_requests();
        let (file, key) = connection_file(&sandbox, dir.path(), name);
        let model = format!("{name}/{deployment}");
        let output = agent(
            dir.path(),
            &[
                "--local",
                &file,
                "--model",
                &model,
                "--prompt",
                "What is the weather in Oslo?",
                "--instructions",
                "Answer in one sentence.",
                "--tool",
                "get_weather",
                "--format",
                "json",
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        assert_no_secret(&output, &key);
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["mode"], "local");
        assert_eq!(report["model"], model.as_str());
        let calls = report["tool_calls"].as_array().unwrap();
        assert_eq!(calls.len(), 1, "{report}");
        assert_eq!(calls[0]["name"], "get_weather");
        let output_text = calls[0]["output"].as_str().unwrap();
        assert!(output_text.contains("sunny"), "{report}");
        // The sample gateway repeats what the tool said: the output went back to it.
        assert_eq!(
            report["reply"].as_str().unwrap(),
            format!("The tool said: {output_text}")
        );
        assert_eq!(report["turns"], 2);
        assert!(report["usage"]["total_tokens"].as_u64().unwrap() > 0);

        // What the gateway received: the deployment lookup, then two chat calls.
        let requests = gateway.requests();
        let chats: Vec<_> = requests
            .iter()
            .filter(|r| r.path.contains("/chat/completions"))
            .collect();
        assert_eq!(
            chats.len(),
            2,
            "{name}: {:?}",
            requests.iter().map(|r| &r.path).collect::<Vec<_>>()
        );
        let header = |r: &gateway_studio_sandbox::RecordedRequest, n: &str| {
            r.headers
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
        };
        let first: Value = serde_json::from_slice(&chats[0].body).unwrap();
        assert_eq!(
            first["messages"][0],
            serde_json::json!({"role": "system", "content": "Answer in one sentence."})
        );
        assert_eq!(
            first["messages"][1]["content"],
            "What is the weather in Oslo?"
        );
        assert_eq!(first["tools"][0]["function"]["name"], "get_weather");
        let second: Value = serde_json::from_slice(&chats[1].body).unwrap();
        assert_eq!(
            second["messages"][2]["tool_calls"][0]["function"]["name"],
            "get_weather"
        );
        assert_eq!(second["messages"][3]["role"], "tool");
        assert_eq!(second["messages"][3]["content"], output_text);
        if name == "sandbox-openai" {
            assert_eq!(chats[0].path, "/v1/chat/completions");
            assert_eq!(
                first["model"], deployment,
                "deploymentInPath false: the model is in the body"
            );
            assert_eq!(
                header(chats[0], "authorization"),
                Some(format!("Bearer {key}"))
            );
            assert!(
                requests
                    .iter()
                    .any(|r| r.path == format!("/v1/models/{deployment}")),
                "discovery's get endpoint is asked for the deployment"
            );
        } else {
            assert_eq!(
                chats[0].path,
                format!(
                    "/openai/deployments/{deployment}/chat/completions?api-version={}",
                    gateway_studio_sandbox::demo::DEMO_API_VERSION
                )
            );
            assert!(
                first.get("model").is_none(),
                "deploymentInPath true: no model in the body"
            );
            assert_eq!(header(chats[0], "api-key"), Some(key.clone()));
        }
        assert!(
            !database_text(dir.path()).contains(&key),
            "{name}: the key reached the trace"
        );
    }

    // Text output: the tool call, the reply, and the mode it ran in.
    let (file, _) = connection_file(&sandbox, dir.path(), "sandbox-openai");
    let output = agent(
        dir.path(),
        &[
            "--local",
            &file,
            "--model",
            "sandbox-openai/gpt-4o",
            "--prompt",
            "Weather?",
            "--tool",
            "get_weather",
            "--tool-output",
            "rain all day",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("tool  get_weather("), "{text}");
    assert!(text.contains("The tool said: rain all day"), "{text}");
    assert!(
        text.contains("local run (Gateway Studio played the Agent Service)"),
        "{text}"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_run_explains_what_the_agent_service_would_refuse() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (file, key) = connection_file(&sandbox, dir.path(), "sandbox-apim");

    // Not <connection>/<deployment>.
    let output = agent(
        dir.path(),
        &["--local", &file, "--model", "gpt-4o", "--prompt", "hi"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("<connection-name>/<deployment-name>"),
        "{}",
        stderr(&output)
    );

    // Another connection's name.
    let output = agent(
        dir.path(),
        &[
            "--local",
            &file,
            "--model",
            "other/gpt-4o",
            "--prompt",
            "hi",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--model sandbox-apim/gpt-4o"),
        "{}",
        stderr(&output)
    );

    // A deployment the static list does not have.
    let output = agent(
        dir.path(),
        &[
            "--local",
            &file,
            "--model",
            "sandbox-apim/gpt-5",
            "--prompt",
            "hi",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("DeploymentNotFound") && text.contains("gpt-5"),
        "{text}"
    );
    assert!(text.to_lowercase().contains("only prompt agents"), "{text}");

    // A wrong key: the gateway's 401, quoted without the key, with the trace run.
    let output = agent(
        dir.path(),
        &[
            "--local",
            &file,
            "--model",
            "sandbox-apim/gpt-4o",
            "--prompt",
            "hi",
            "--api-key-env",
            "GS_WRONG_KEY",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "the variable is not set: {}",
        stderr(&output)
    );
    let wrong = Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "agent",
            "run",
            "--local",
            &file,
            "--model",
            "sandbox-apim/gpt-4o",
            "--prompt",
            "hi",
        ])
        .args(["--api-key-env", "GS_WRONG_KEY"])
        .env("GS_WRONG_KEY", "sk-wrong-canary-9d1f2e")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    let text = stderr(&wrong);
    assert!(
        text.contains("HTTP 401") && text.contains("gateway_error"),
        "{text}"
    );
    assert!(text.contains("trace: run "), "{text}");
    assert_no_secret(&wrong, "sk-wrong-canary-9d1f2e");
    assert_no_secret(&wrong, &key);
    assert!(!database_text(dir.path()).contains("sk-wrong-canary-9d1f2e"));

    // Foundry mode is not offered without an endpoint, and says how to run locally.
    let output = agent(
        dir.path(),
        &["--model", "sandbox-apim/gpt-4o", "--prompt", "hi"],
    );
    assert_eq!(output.status.code(), Some(2));
    sandbox.shutdown().await;
}

/// `agent run --project-endpoint`: the agent in the sandbox's Foundry, through each sample
/// gateway, with the tool answered; the test agent is gone afterwards.
#[tokio::test(flavor = "multi_thread")]
async fn a_foundry_run_goes_through_each_gateway_and_deletes_its_agent() {
    use gateway_studio_core::azure::StaticToken;
    use gateway_studio_core::foundry::FoundryClient;
    use gateway_studio_core::net::{HttpClient, NetworkOptions};
    use gateway_studio_core::secrets::Sensitive;

    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let info = sandbox.info().clone();
    let foundry = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["agent", "run", "--project-endpoint", &info.project_endpoint])
            .args([
                "--cloud",
                "sandbox",
                "--access-token-env",
                "GS_FOUNDRY_TOKEN",
            ])
            .args(args)
            .env("GS_FOUNDRY_TOKEN", &info.token)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let client = FoundryClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        info.project_endpoint.parse().unwrap(),
        "https://ai.azure.com/.default",
        std::sync::Arc::new(StaticToken::new(Sensitive::new(info.token.clone())).unwrap()),
    );

    for (name, deployment, gateway) in [
        ("sandbox-openai", "gpt-4o", &sandbox.openai_gateway),
        ("sandbox-apim", "gpt-4o-mini", &sandbox.apim_gateway),
    ] {
        gateway.clear_requests();
        let model = format!("{name}/{deployment}");
        let output = foundry(&[
            "--model",
            &model,
            "--prompt",
            "Weather in Oslo?",
            "--instructions",
            "Be brief.",
            "--tool",
            "get_weather",
            "--format",
            "json",
        ]);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["mode"], "foundry");
        assert_eq!(report["cleaned_up"], true);
        let call = &report["tool_calls"][0];
        assert_eq!(call["name"], "get_weather", "{report}");
        assert_eq!(
            report["reply"].as_str().unwrap(),
            format!("The tool said: {}", call["output"].as_str().unwrap())
        );
        let agent = report["agent"]["name"].as_str().unwrap();
        assert!(agent.starts_with("gs-test-"));
        let agents = client.list_agents().await.unwrap();
        assert!(
            !agents.iter().any(|a| a.name == agent),
            "{name}: the test agent was deleted"
        );

        // The gateway got what the local run sends: instructions, the tool, then its output.
        let chats: Vec<_> = gateway
            .requests()
            .into_iter()
            .filter(|r| r.path.contains("/chat/completions"))
            .collect();
        assert_eq!(chats.len(), 2, "{name}");
        let first: Value = serde_json::from_slice(&chats[0].body).unwrap();
        assert_eq!(first["messages"][0]["content"], "Be brief.");
        assert_eq!(first["tools"][0]["function"]["name"], "get_weather");
        let second: Value = serde_json::from_slice(&chats[1].body).unwrap();
        assert_eq!(second["messages"][3]["role"], "tool");
    }

    // The service's refusals, each with its fix; the agent is deleted all the same.
    let output = foundry(&["--model", "sandbox-openai/gpt-5", "--prompt", "hi"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("DeploymentNotFound") && text.contains("prompt agents"),
        "{text}"
    );
    let output = foundry(&["--model", "nope/gpt-4o", "--prompt", "hi"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("model_not_found"),
        "{}",
        stderr(&output)
    );
    assert!(
        client.list_agents().await.unwrap().is_empty(),
        "no test agent is left behind"
    );

    // Each run is in the history as the window keeps a conversation: ended, its agent
    // deleted, its turns pointing at the command's trace run.
    {
        use gateway_studio_core::playground::{Cleanup, ConversationState, History};
        use gateway_studio_core::trace::TraceKind;
        let store = gateway_studio_core::store::Store::open(
            &gateway_studio_core::paths::Paths::under(dir.path()).database(),
        )
        .await
        .unwrap();
        let history = History::new(&store);
        let conversations = history.list(10).await.unwrap();
        assert_eq!(conversations.len(), 4, "{conversations:?}");
        for c in &conversations {
            assert_eq!(c.state, ConversationState::Ended, "{c:?}");
            assert_eq!(c.cleanup, Cleanup::Done, "{c:?}");
            assert!(c.draft_id.is_none());
        }
        let oldest = conversations.last().unwrap();
        assert_eq!(oldest.model, "sandbox-openai/gpt-4o");
        let record = history.get(&oldest.id).await.unwrap();
        assert_eq!(record.turns.len(), 2, "the tool call and the reply");
        assert_eq!(record.turns[0].trace_run_id, record.turns[1].trace_run_id);
        let traces = gateway_studio_core::trace::Traces::new(&store)
            .list_run(&record.turns[0].trace_run_id)
            .await
            .unwrap();
        assert!(
            traces.len() >= 4 && traces.iter().all(|t| t.kind == TraceKind::Foundry),
            "create, two responses and the cleanup: {traces:?}"
        );
    }

    // A wrong token: 401 with what to do.
    let output = Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .args(["agent", "run", "--project-endpoint", &info.project_endpoint])
        .args([
            "--cloud",
            "sandbox",
            "--access-token-env",
            "GS_FOUNDRY_TOKEN",
        ])
        .args(["--model", "sandbox-openai/gpt-4o", "--prompt", "hi"])
        .arg("--data-dir")
        .arg(dir.path())
        .env("GS_FOUNDRY_TOKEN", "wrong-token")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("401"), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("wrong-token"),
        "{}",
        stderr(&output)
    );

    // No token at all: the command to get one names the data plane's resource, not ARM's.
    let output = Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .args(["agent", "run", "--project-endpoint", &info.project_endpoint])
        .args(["--access-token-env", "GS_TOKEN_NEVER_SET"])
        .args(["--model", "sandbox-openai/gpt-4o", "--prompt", "hi"])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("GS_TOKEN_NEVER_SET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--resource https://ai.azure.com "),
        "{}",
        stderr(&output)
    );
    sandbox.shutdown().await;
}
