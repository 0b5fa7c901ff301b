//! `gateway-studio sandbox` as a script runs it: one JSON line with everything needed, the
//! emulators answering with the printed token, `--seed empty`, `--port`, and a clean stop on
//! SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use gateway_studio_core::gateway::{Header, HeaderValue};
use gateway_studio_core::net::{HttpClient, HttpRequest, Limits, NetworkOptions};
use serde_json::Value;

struct Sandbox {
    child: Child,
    info: Value,
}

/// Starts the binary and reads its first stdout line.
fn start(args: &[&str]) -> Sandbox {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .arg("sandbox")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("the first line is JSON ({e}): {line:?}"));
    Sandbox { child, info }
}

async fn get(url: &str, token: Option<&str>) -> (u16, Value) {
    let request = HttpRequest {
        method: "GET".into(),
        url: url.parse().unwrap(),
        headers: token
            .map(|t| Header {
                name: "Authorization".into(),
                value: HeaderValue::Plain(format!("Bearer {t}")),
            })
            .into_iter()
            .collect(),
        body: None,
    };
    let client = HttpClient::new(&NetworkOptions::default()).unwrap();
    let response = client
        .send(request, Limits::default())
        .await
        .outcome
        .expect("the sandbox answers");
    (
        response.status,
        serde_json::from_slice(&response.body).unwrap_or(Value::Null),
    )
}

/// SIGTERM, then the exit status and stderr.
fn stop(sandbox: Sandbox) -> (std::process::ExitStatus, String) {
    let pid = sandbox.child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let output = sandbox.child.wait_with_output().unwrap();
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn prints_one_json_line_that_opens_every_emulator_and_stops_on_sigterm() {
    let sandbox = start(&[]);
    let info = sandbox.info.clone();
    for key in [
        "arm_endpoint",
        "token",
        "subscription_id",
        "resource_group",
        "account",
        "project",
        "project_endpoint",
    ] {
        assert!(
            info[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key}: {info}"
        );
    }
    let token = info["token"].as_str().unwrap();
    let arm = info["arm_endpoint"].as_str().unwrap();
    let project = format!(
        "{arm}subscriptions/{}/resourceGroups/{}/providers/Microsoft.CognitiveServices/accounts/{}/projects/{}",
        info["subscription_id"].as_str().unwrap(),
        info["resource_group"].as_str().unwrap(),
        info["account"].as_str().unwrap(),
        info["project"].as_str().unwrap(),
    );

    // The printed token opens ARM; no token is refused.
    let (status, body) = get(
        &format!("{project}/connections?api-version=2026-05-01&includeAll=false"),
        Some(token),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mut names: Vec<String> = Vec::new();
    let mut page = body;
    loop {
        for c in page["value"].as_array().unwrap() {
            names.push(c["name"].as_str().unwrap().to_string());
        }
        let Some(next) = page["nextLink"].as_str().map(str::to_string) else {
            break;
        };
        page = get(&next, Some(token)).await.1;
    }
    names.sort();
    assert_eq!(names, ["sandbox-apim", "sandbox-openai"]);
    let (status, _) = get(&format!("{arm}subscriptions?api-version=2022-12-01"), None).await;
    assert_eq!(status, 401);

    // The project endpoint is the data plane, which takes the same token.
    let endpoint = info["project_endpoint"].as_str().unwrap();
    let (status, body) = get(&format!("{endpoint}/agents?api-version=v1"), Some(token)).await;
    assert_eq!(status, 200, "{body}");

    // Each gateway is described with the key that opens it.
    let gateways = info["gateways"].as_array().unwrap();
    assert_eq!(gateways.len(), 2);
    for gw in gateways {
        for key in ["name", "target", "api_key", "style"] {
            assert!(
                gw[key].as_str().is_some_and(|v| !v.is_empty()),
                "{key}: {gw}"
            );
        }
    }
    let openai = gateways.iter().find(|g| g["style"] == "openai").unwrap();
    let (status, models) = get(
        &format!("{}/models", openai["target"].as_str().unwrap()),
        Some(openai["api_key"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, 200, "{models}");

    let (status, stderr) = stop(sandbox);
    assert!(
        status.success(),
        "SIGTERM stops it cleanly: {status:?}, {stderr}"
    );
    assert!(stderr.contains("local emulation"), "{stderr}");
}

#[tokio::test]
async fn the_empty_seed_has_the_hierarchy_and_no_connections_on_the_given_port() {
    // A free port picked by the OS, then handed to --port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sandbox = start(&["--seed", "empty", "--port", &port.to_string()]);
    let info = sandbox.info.clone();
    let arm = info["arm_endpoint"].as_str().unwrap();
    assert_eq!(arm, format!("http://127.0.0.1:{port}/"));
    let token = info["token"].as_str().unwrap();
    let (status, body) = get(
        &format!(
            "{arm}subscriptions/{}/resourceGroups/{}/providers/Microsoft.CognitiveServices/accounts/{}/projects/{}/connections?api-version=2026-05-01",
            info["subscription_id"].as_str().unwrap(),
            info["resource_group"].as_str().unwrap(),
            info["account"].as_str().unwrap(),
            info["project"].as_str().unwrap(),
        ),
        Some(token),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["value"], serde_json::json!([]));

    // A second sandbox on the same port fails with exit 2 and says why.
    let output = Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .args(["sandbox", "--port", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("127.0.0.1:{port}")) && stderr.contains("--port"),
        "{stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "no JSON line when it did not start"
    );

    let (status, _) = stop(sandbox);
    assert!(status.success());
}
