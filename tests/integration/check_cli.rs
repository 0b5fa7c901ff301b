//! `gateway-studio check FILE` as a pipeline runs it, against a sandbox gateway: exit codes
//! 0/1/2, the JSON report, secrets from the environment, `--only`, `--model`, and that no
//! secret reaches the output or the data folder.

use std::path::Path;
use std::process::Output;

use gateway_studio_sandbox::demo::{DEMO_API_KEY, DEMO_WRONG_API_KEY};
use gateway_studio_sandbox::{GatewayConfig, RunningGateway, start_gateway};
use serde_json::Value;

fn connection_file(dir: &Path, gw: &RunningGateway) -> std::path::PathBuf {
    let body = format!(
        r#"{{
  "name": "llm-gw",
  "properties": {{
    "category": "ModelGateway",
    "target": "{target}",
    "authType": "ApiKey",
    "credentials": {{ "key": "${{GATEWAY_API_KEY}}" }},
    "metadata": {{
      "deploymentInPath": "false",
      "inferenceAPIVersion": "",
      "modelDiscovery": "{{\"listModelsEndpoint\":\"/models\",\"getModelEndpoint\":\"/models/{{deploymentName}}\",\"deploymentProvider\":\"OpenAI\"}}",
      "authConfig": "{{\"type\":\"api_key\",\"name\":\"Authorization\",\"format\":\"Bearer {{api_key}}\"}}",
      "customHeaders": "{{}}"
    }}
  }}
}}"#,
        target = gw.target()
    );
    let path = dir.join("llm-gw.json");
    std::fs::write(&path, body).unwrap();
    path
}

/// Runs the binary off the async runtime (the gateway is served on it meanwhile).
async fn check(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gateway-studio"));
    command
        .arg("check")
        .args(args)
        .env("GATEWAY_STUDIO_DATA_DIR", dir.join("data"))
        .env("GATEWAY_STUDIO_LOG", "warn")
        .env_remove("GATEWAY_API_KEY")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("http_proxy");
    for (k, v) in env {
        command.env(k, v);
    }
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_no_key(o: &Output, dir: &Path) {
    for key in [DEMO_API_KEY, DEMO_WRONG_API_KEY] {
        assert!(
            !stdout(o).contains(key) && !stderr(o).contains(key),
            "{key} printed"
        );
        for entry in walk(&dir.join("data")) {
            let bytes = std::fs::read(&entry).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(key),
                "{key} in {}",
                entry.display()
            );
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_gateway_exits_0_with_a_json_report() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = connection_file(dir.path(), &gw);
    let out = check(
        dir.path(),
        &[
            file.to_str().unwrap(),
            "--api-key-env",
            "MY_KEY",
            "--format",
            "json",
        ],
        &[("MY_KEY", DEMO_API_KEY)],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["ok"], true);
    let checks = report["checks"].as_array().unwrap();
    let ids: Vec<&str> = checks.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "config",
            "reachability",
            "auth-token",
            "discovery-list",
            "discovery-get",
            "models",
            "chat",
            "tools",
            "stream"
        ]
    );
    for c in checks {
        for field in ["id", "status", "duration_ms", "message", "hint"] {
            assert!(c.get(field).is_some(), "{field} missing in {c}");
        }
    }
    let chat = checks.iter().find(|c| c["id"] == "chat").unwrap();
    assert_eq!(
        (chat["status"].as_str(), chat["deployment"].as_str()),
        (Some("pass"), Some("gpt-4o"))
    );
    assert!(
        report["run_id"].as_str().unwrap().starts_with("run-"),
        "kept in history"
    );
    assert_no_key(&out, dir.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_exits_1_with_the_fix() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = connection_file(dir.path(), &gw);
    // The default variable, as the exported az script uses it.
    let out = check(
        dir.path(),
        &[
            file.to_str().unwrap(),
            "--only",
            "chat",
            "--model",
            "gpt-4o-mini",
        ],
        &[("GATEWAY_API_KEY", DEMO_WRONG_API_KEY)],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("FAIL  chat gpt-4o-mini"), "{text}");
    assert!(
        text.contains("fix: The key went out as `Authorization: Bearer {api_key}`"),
        "{text}"
    );
    assert!(
        text.contains("0 passed, 0 warned, 1 failed, 0 skipped"),
        "{text}"
    );
    assert_no_key(&out, dir.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_2() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = connection_file(dir.path(), &gw);
    let file = file.to_str().unwrap();

    let out = check(dir.path(), &[file, "--only", "chat,pong"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--only pong: no such check"),
        "{}",
        stderr(&out)
    );

    let out = check(
        dir.path(),
        &[file, "--api-key-env", "NOT_SET_ANYWHERE"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("NOT_SET_ANYWHERE is not set"),
        "{}",
        stderr(&out)
    );

    let out = check(
        dir.path(),
        &[file, "--ca-bundle", "/nonexistent/ca.pem"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read the CA bundle /nonexistent/ca.pem"),
        "{}",
        stderr(&out)
    );

    let out = check(dir.path(), &["/nonexistent/connection.json"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_key_the_gateway_checks_are_skipped_with_the_way_to_give_one() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = connection_file(dir.path(), &gw);
    let out = check(
        dir.path(),
        &[
            file.to_str().unwrap(),
            "--only",
            "config,chat",
            "--format",
            "json",
        ],
        &[],
    )
    .await;
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let chat = &report["checks"][1];
    assert_eq!(chat["status"], "skip");
    assert!(chat["hint"].as_str().unwrap().contains("--api-key-env"));
    assert!(gw.requests().is_empty());
}
