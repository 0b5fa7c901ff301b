//! Prints the wall time of the full gateway check suite against a local sample gateway, beside
//! the time of the same gateway requests sent one after the other with curl. The suite runs
//! its checks concurrently, so it should cost no more than the bare requests (budget: ≤ 1.0×).
//! A figure, not a test: it never fails on a slow result.

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use gateway_studio_core::checks::{
    CheckOptions, CheckRunner, CheckSecrets, CheckStatus, TOOL_NAME, TOOL_PROMPT, TOOL_RESULT,
    ping_body, tool_definition,
};
use gateway_studio_core::connection::{
    AuthConfig, Connection, ConnectionAuth, ConnectionCategory, DiscoveryProvider, ModelDiscovery,
};
use gateway_studio_core::gateway::{self, Credential, GatewayRequest};
use gateway_studio_core::net::{HttpClient, NetworkOptions};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_sandbox::demo::DEMO_API_KEY;
use gateway_studio_sandbox::{GatewayConfig, start_gateway};
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

fn runs() -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The gateway requests one suite run makes, with the suite's own bodies (the tool round
/// trip's second call uses the call id the sample gateway returns first).
fn requests(c: &Connection, credential: &Credential) -> Vec<GatewayRequest> {
    let chat = |body| gateway::chat_completions_request(c, "gpt-4o", credential, body).unwrap();
    let user = json!({"role": "user", "content": TOOL_PROMPT});
    let mut tools = Map::new();
    tools.insert("messages".into(), json!([user.clone()]));
    tools.insert("tools".into(), tool_definition());
    let mut result = tools.clone();
    result.insert(
        "messages".into(),
        json!([user,
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": TOOL_NAME, "arguments": "{\"location\":\"Seattle\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": TOOL_RESULT}]),
    );
    let mut stream = ping_body();
    stream.insert("stream".into(), Value::Bool(true));
    vec![
        gateway::discovery_list_request(c, credential).unwrap(),
        gateway::discovery_get_request(c, "gpt-4o", credential).unwrap(),
        chat(ping_body()),
        chat(tools),
        chat(result),
        chat(stream),
    ]
}

fn curl(request: &GatewayRequest) -> bool {
    let mut command = Command::new("curl");
    command.args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-N"]);
    command.arg("-X").arg(match request.method {
        gateway::Method::Get => "GET",
        gateway::Method::Post => "POST",
    });
    for h in &request.headers {
        command
            .arg("-H")
            .arg(format!("{}: {}", h.name, h.value.expose()));
    }
    if let Some(body) = &request.body {
        command.arg("--data-binary").arg(body.to_string());
    }
    command.arg(request.url.as_str());
    match command.stderr(Stdio::null()).output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout).starts_with('2'),
        Err(_) => false,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let gw = match start_gateway(GatewayConfig::demo_openai()).await {
        Ok(gw) => gw,
        Err(e) => {
            eprintln!("error: cannot start the sample gateway: {e}");
            return ExitCode::from(2);
        }
    };
    let mut c = Connection::new(
        "llm-gw",
        ConnectionCategory::ModelGateway,
        gw.target().as_str(),
        ConnectionAuth::api_key(),
    );
    c.metadata.deployment_in_path = Some(false);
    c.metadata.inference_api_version = Some(String::new());
    c.metadata.model_discovery = Some(ModelDiscovery::new(
        "/models",
        "/models/{deploymentName}",
        DiscoveryProvider::OpenAi,
    ));
    c.metadata.auth_config = Some(AuthConfig::api_key("Authorization", "Bearer {api_key}"));
    let secret = Sensitive::new(DEMO_API_KEY.to_string());
    let runner = CheckRunner::new(HttpClient::new(&NetworkOptions::default()).expect("client"));

    // Two ways users run it: the deployment discovered first, or named (`--model`).
    let discovered = CheckOptions::default();
    let named = CheckOptions {
        deployments: vec!["gpt-4o".into()],
        ..CheckOptions::default()
    };
    let mut figures = Vec::new();
    for options in [&discovered, &named] {
        let mut suite = Vec::new();
        for i in 0..=runs() {
            let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
            let secrets = CheckSecrets {
                api_key: Some(secret.clone()),
                ..CheckSecrets::default()
            };
            let started = Instant::now();
            let results = runner
                .run(
                    "bench",
                    &c,
                    Vec::new(),
                    secrets,
                    options,
                    CancellationToken::new(),
                    tx,
                )
                .await;
            let elapsed = started.elapsed();
            if results.iter().any(|r| r.status == CheckStatus::Fail) {
                eprintln!("error: a check failed against the sample gateway: {results:#?}");
                return ExitCode::from(1);
            }
            if i > 0 {
                suite.push(elapsed); // the first run warms up
            }
        }
        figures.push(median(suite));
    }

    let requests = requests(&c, &Credential::ApiKey(secret));
    let mut bare = Vec::new();
    for i in 0..=runs() {
        let started = Instant::now();
        for r in &requests {
            let r = r.clone();
            if !tokio::task::spawn_blocking(move || curl(&r))
                .await
                .unwrap_or(false)
            {
                eprintln!("error: curl failed (is curl installed?)");
                return ExitCode::from(1);
            }
        }
        if i > 0 {
            bare.push(started.elapsed());
        }
    }
    let bare = median(bare);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "check suite vs bare requests (median of {} runs; local sample gateway streaming 11 chunks 20 ms apart)",
        runs()
    );
    println!(
        "  same {} requests one by one with curl        {:>7.1} ms",
        requests.len(),
        ms(bare)
    );
    for (label, suite) in [
        ("deployment discovered first", figures[0]),
        ("deployment named (--model)", figures[1]),
    ] {
        let ratio = suite.as_secs_f64() / bare.as_secs_f64();
        println!(
            "  full suite, {label:<28} {:>7.1} ms  {ratio:.2}x (budget 1.0x){}",
            ms(suite),
            if ratio > 1.0 { "  OVER" } else { "" }
        );
    }
    ExitCode::SUCCESS
}
