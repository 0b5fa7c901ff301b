//! The secret canary: every command-line feature run with real secrets (a gateway API key, an
//! OAuth2 client secret, the ARM and Foundry bearer token), then every byte they left behind —
//! the data folder (SQLite, WAL, logs), everything they printed, every export format, HAR and
//! cURL of every recorded run — searched for those secrets. Zero hits.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use gateway_studio_sandbox::demo::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SCOPE};
use gateway_studio_sandbox::{
    GatewayAuth, GatewayConfig, GatewayStyle, SandboxOptions, start_gateway, start_sandbox,
};
use serde_json::{Value, json};

const TOKEN_VAR: &str = "GS_CANARY_TOKEN";

fn run(dir: &Path, args: &[&str], token: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env(TOKEN_VAR, token)
        .env_remove("GATEWAY_API_KEY")
        .env_remove("GATEWAY_CLIENT_SECRET")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Every file below `dir`, as text.
fn files_text(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&files_text(&path));
        } else {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_sqlite_logs_output_or_any_export() {
    let sandbox = start_sandbox(SandboxOptions::default()).await.unwrap();
    let info = sandbox.info().clone();
    let oauth_gateway = start_gateway(GatewayConfig::new(
        GatewayStyle::OpenAi,
        GatewayAuth::oauth2(&sandbox.token_endpoint),
    ))
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let work = dir.path().join("files");
    std::fs::create_dir_all(&work).unwrap();

    // The key-based connection, with its key in the file; an OAuth2 one with its secret.
    let key_body = sandbox
        .gateway_connections()
        .into_iter()
        .find(|c| c["name"] == "sandbox-openai")
        .unwrap();
    let api_key = key_body["properties"]["credentials"]["key"]
        .as_str()
        .unwrap()
        .to_string();
    let mut key_body = key_body;
    key_body["name"] = json!("canary-key");
    let oauth_body = json!({
        "name": "canary-oauth",
        "properties": {
            "category": "ModelGateway",
            "target": oauth_gateway.target().as_str().trim_end_matches('/'),
            "authType": "OAuth2",
            "isSharedToAll": false,
            "tokenUrl": sandbox.token_endpoint.token_url().as_str(),
            "scopes": [DEMO_SCOPE],
            "credentials": {
                "clientId": DEMO_CLIENT_ID,
                "clientSecret": DEMO_CLIENT_SECRET,
            },
            "metadata": {
                "deploymentInPath": "false",
                "models": json!([{"name": "gpt-4o", "properties": {"model": {"name": "gpt-4o", "version": "1", "format": "OpenAI"}}}]).to_string(),
            },
        },
    });
    let key_file = work.join("key.json");
    let oauth_file = work.join("oauth.json");
    std::fs::write(&key_file, key_body.to_string()).unwrap();
    std::fs::write(&oauth_file, oauth_body.to_string()).unwrap();
    let (key_file, oauth_file) = (key_file.to_str().unwrap(), oauth_file.to_str().unwrap());

    let secrets = [api_key.as_str(), DEMO_CLIENT_SECRET, info.token.as_str()];
    let azure = [
        "--subscription",
        info.subscription_id.as_str(),
        "--resource-group",
        info.resource_group.as_str(),
        "--account",
        info.account.as_str(),
        "--project",
        info.project.as_str(),
        "--cloud",
        "sandbox",
        "--arm-endpoint",
        info.arm_endpoint.as_str(),
        "--access-token-env",
        TOKEN_VAR,
    ];
    let with = |head: &[&str], tail: &[&str]| -> Vec<String> {
        head.iter().chain(tail).map(|s| s.to_string()).collect()
    };
    let mut printed = String::new();
    let mut step = |args: Vec<String>, expect: Option<i32>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&data, &refs, &info.token);
        if let Some(code) = expect {
            assert_eq!(
                output.status.code(),
                Some(code),
                "{args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        printed.push_str(&String::from_utf8_lossy(&output.stdout));
        printed.push_str(&String::from_utf8_lossy(&output.stderr));
        output
    };

    for file in [key_file, oauth_file] {
        step(with(&["connection", "validate", file], &[]), None);
        for format in ["arm", "az", "bicep", "terraform", "parameters"] {
            step(
                with(&["connection", "export", file, "--format", format], &[]),
                Some(0),
            );
        }
        step(with(&["check", file, "--format", "json"], &[]), None);
        step(with(&["check", file], &[]), None);
        step(with(&["connection", "deploy", file], &azure), Some(0));
    }
    step(with(&["connection", "list"], &azure), Some(0));
    step(
        with(
            &["connection", "get", "canary-oauth", "--format", "json"],
            &azure,
        ),
        Some(0),
    );
    // A failure's message, too.
    step(with(&["connection", "get", "no-such-one"], &azure), Some(1));
    for (file, model) in [
        (key_file, "canary-key/gpt-4o"),
        (oauth_file, "canary-oauth/gpt-4o"),
    ] {
        step(
            with(
                &[
                    "agent",
                    "run",
                    "--local",
                    file,
                    "--model",
                    model,
                    "--prompt",
                    "Weather?",
                    "--tool",
                    "get_weather",
                ],
                &[],
            ),
            Some(0),
        );
        step(
            with(
                &[
                    "agent",
                    "run",
                    "--project-endpoint",
                    info.project_endpoint.as_str(),
                    "--cloud",
                    "sandbox",
                    "--access-token-env",
                    TOKEN_VAR,
                    "--model",
                    model,
                    "--prompt",
                    "Hi",
                    "--format",
                    "json",
                ],
                &[],
            ),
            Some(0),
        );
    }
    step(
        with(&["connection", "delete", "canary-key", "--yes"], &azure),
        Some(0),
    );

    // Every recorded run, exported both ways.
    let listed = step(
        vec![
            "trace".into(),
            "list".into(),
            "--limit".into(),
            "1000".into(),
            "--format".into(),
            "json".into(),
        ],
        Some(0),
    );
    let rows: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let mut runs: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["runId"].as_str().unwrap().to_string())
        .collect();
    runs.sort();
    runs.dedup();
    assert!(runs.len() >= 10, "every feature left its trace: {runs:?}");
    let kinds: std::collections::BTreeSet<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["kind"].as_str())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["arm", "foundry", "gateway", "token"]
    );
    for run_id in &runs {
        for format in ["har", "curl"] {
            step(
                vec![
                    "trace".into(),
                    "export".into(),
                    "--run".into(),
                    run_id.clone(),
                    "--format".into(),
                    format.into(),
                ],
                Some(0),
            );
        }
    }

    let left = files_text(&data);
    assert!(left.contains("canary-oauth"), "the data folder was used");
    for secret in secrets {
        assert!(!left.contains(secret), "a secret is in the data folder");
        assert!(!printed.contains(secret), "a secret was printed");
    }
    sandbox.shutdown().await;
    oauth_gateway.shutdown().await;
}

/// The window's features, through IPC in the Sandbox cloud, with a distinctive key: checks,
/// a deployment, playground conversations locally and in Foundry, and every run exported as
/// HAR and cURL. Neither the key nor the sandbox's bearer token is anywhere afterwards.
#[test]
fn the_windows_features_leave_no_secret_behind() {
    use gateway_studio::state::AppState;
    use tauri::Manager;

    const CANARY: &str = "sk-canary-window-3f9d2a71c8e4";
    let dir = tempfile::tempdir().unwrap();
    let h = crate::support::harness(dir.path());
    h.ok("cloud_select", json!({"cloud": "sandbox"}));
    let state = h.app.state::<AppState>();
    let (_, token) = tauri::async_runtime::block_on(state.sandbox.arm_access()).unwrap();
    let token = token.expose().clone();
    let drafts = h.ok("connection_list", json!({}));
    let seeded = drafts
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "sandbox-openai")
        .unwrap()["id"]
        .clone();
    let seeded = h.ok("connection_get", json!({"id": seeded}));
    let mut connection = seeded["connection"].clone();
    connection["name"] = json!("canary-gw");
    let draft = h.ok(
        "connection_save",
        json!({"id": null, "connection": connection, "secrets": [{"slot": "apiKey", "value": CANARY}]}),
    );
    let draft_id = draft["id"].as_str().unwrap().to_string();

    // Checks (the key is wrong for the gateway: its 401s are traced too).
    let options =
        serde_json::to_value(gateway_studio_core::checks::CheckOptions::default()).unwrap();
    let run = h.ok(
        "check_run_start",
        json!({"draftId": draft_id, "connection": draft["connection"], "secrets": [], "bearerToken": null, "options": options, "onEvent": "__CHANNEL__:1"}),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while h.ok("check_run_get", json!({"runId": run}))["summary"]["outcome"] == "running" {
        assert!(
            std::time::Instant::now() < deadline,
            "the check run did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // A deployment, then the playground locally and in Foundry.
    let parent = json!({"account": {"subscriptionId": "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b", "resourceGroup": "rg-gateway-sandbox", "account": "sandbox-foundry"}, "project": "sandbox-project"});
    h.ok(
        "azure_deploy",
        json!({"draftId": draft_id, "parent": parent, "confirmed": true}),
    );
    h.ok("azure_connections", json!({"parent": parent}));
    let start = |mode: &str| json!({"request": {"draftId": draft_id, "mode": mode, "settings": {"deployment": "gpt-4o", "instructions": "", "sampleTool": false, "temperature": null}, "bearerToken": null, "parent": if mode == "foundry" { parent.clone() } else { Value::Null }, "projectEndpoint": null, "continueFrom": null}});
    let local = h.call("playground_start", start("local"));
    assert!(
        local.is_err(),
        "the gateway refuses the canary key: {local:?}"
    );
    let view = h.ok("playground_start", start("foundry"));
    let turn = h.ok(
        "playground_send",
        json!({"conversationId": view["id"], "input": {"kind": "message", "text": "hi"}, "onText": "__CHANNEL__:2"}),
    );
    assert!(
        !turn["error"].is_null(),
        "the gateway refuses the canary key: {turn}"
    );
    h.ok("playground_end", json!({"conversationId": view["id"]}));

    // Every run, exported both ways.
    let mut exported = String::new();
    let mut before = Value::Null;
    let mut runs = std::collections::BTreeSet::new();
    loop {
        let page = h.ok(
            "trace_query",
            json!({"filter": {}, "before": before, "limit": 200}),
        );
        for item in page["items"].as_array().unwrap() {
            runs.insert(item["runId"].as_str().unwrap().to_string());
        }
        if page["next"].is_null() {
            break;
        }
        before = page["next"].clone();
    }
    assert!(runs.len() >= 4, "{runs:?}");
    for run in &runs {
        for format in ["har", "curl"] {
            let text = h.ok(
                "trace_export",
                json!({"runId": run, "ids": [], "format": format}),
            );
            exported.push_str(text.as_str().unwrap());
        }
    }
    assert!(
        exported.contains("canary-gw"),
        "the exports are of these runs"
    );
    let history = h.ok("history_list", json!({"limit": 100})).to_string();
    let stored = files_text(dir.path());
    for (what, text) in [
        ("the data folder", &stored),
        ("an export", &exported),
        ("the history", &history),
    ] {
        assert!(!text.contains(CANARY), "the key is in {what}");
        assert!(!text.contains(&token), "the sandbox token is in {what}");
    }
    h.stop();
}
