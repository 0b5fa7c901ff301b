//! `gateway-studio trace list|export` over what a real run recorded: the list, HAR checked
//! against the HAR 1.2 structure, and cURL commands that send the same request again once
//! their secret variables are set — all without a secret in them.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use gateway_studio_sandbox::{SandboxOptions, start_sandbox};
use serde_json::Value;

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("GATEWAY_API_KEY")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The HAR 1.2 structure (http://www.softwareishard.com/blog/har-12-spec/): every required
/// field with its type, no unknown field that does not start with `_`, timings that add up.
fn check_har(har: &Value) -> Result<(), String> {
    fn object<'a>(
        v: &'a Value,
        at: &str,
        required: &[&str],
        optional: &[&str],
    ) -> Result<&'a serde_json::Map<String, Value>, String> {
        let o = v.as_object().ok_or(format!("{at} is not an object"))?;
        for key in required {
            if !o.contains_key(*key) {
                return Err(format!("{at}.{key} is missing"));
            }
        }
        for key in o.keys() {
            if !key.starts_with('_')
                && !required.contains(&key.as_str())
                && !optional.contains(&key.as_str())
            {
                return Err(format!(
                    "{at}.{key} is not a HAR 1.2 field (custom fields start with _)"
                ));
            }
        }
        Ok(o)
    }
    let string = |v: &Value, at: &str| {
        v.as_str()
            .map(|_| ())
            .ok_or(format!("{at} is not a string"))
    };
    let int = |v: &Value, at: &str| {
        v.as_i64()
            .map(|_| ())
            .ok_or(format!("{at} is not an integer"))
    };
    let pairs = |v: &Value, at: &str| -> Result<(), String> {
        for (i, p) in v
            .as_array()
            .ok_or(format!("{at} is not an array"))?
            .iter()
            .enumerate()
        {
            let o = object(p, &format!("{at}[{i}]"), &["name", "value"], &["comment"])?;
            string(&o["name"], &format!("{at}[{i}].name"))?;
            string(&o["value"], &format!("{at}[{i}].value"))?;
        }
        Ok(())
    };
    let log = object(har, "", &["log"], &[])?;
    let log = object(
        &log["log"],
        "log",
        &["version", "creator", "entries"],
        &["browser", "pages", "comment"],
    )?;
    if log["version"] != "1.2" {
        return Err("log.version is not 1.2".into());
    }
    let creator = object(
        &log["creator"],
        "log.creator",
        &["name", "version"],
        &["comment"],
    )?;
    string(&creator["name"], "log.creator.name")?;
    string(&creator["version"], "log.creator.version")?;
    let entries = log["entries"]
        .as_array()
        .ok_or("log.entries is not an array")?;
    for (i, e) in entries.iter().enumerate() {
        let at = format!("log.entries[{i}]");
        let e = object(
            e,
            &at,
            &[
                "startedDateTime",
                "time",
                "request",
                "response",
                "cache",
                "timings",
            ],
            &["pageref", "serverIPAddress", "connection", "comment"],
        )?;
        let started = e["startedDateTime"]
            .as_str()
            .ok_or(format!("{at}.startedDateTime"))?;
        let iso = started.len() == 24 && started.as_bytes()[10] == b'T' && started.ends_with('Z');
        if !iso {
            return Err(format!("{at}.startedDateTime {started} is not ISO 8601"));
        }
        let time = e["time"]
            .as_f64()
            .ok_or(format!("{at}.time is not a number"))?;
        let r = object(
            &e["request"],
            &format!("{at}.request"),
            &[
                "method",
                "url",
                "httpVersion",
                "cookies",
                "headers",
                "queryString",
                "headersSize",
                "bodySize",
            ],
            &["postData", "comment"],
        )?;
        for k in ["method", "url", "httpVersion"] {
            string(&r[k], &format!("{at}.request.{k}"))?;
        }
        pairs(&r["headers"], &format!("{at}.request.headers"))?;
        pairs(&r["queryString"], &format!("{at}.request.queryString"))?;
        int(&r["headersSize"], &format!("{at}.request.headersSize"))?;
        int(&r["bodySize"], &format!("{at}.request.bodySize"))?;
        if let Some(post) = r.get("postData") {
            let p = object(
                post,
                &format!("{at}.request.postData"),
                &["mimeType"],
                &["params", "text", "comment"],
            )?;
            string(&p["mimeType"], &format!("{at}.request.postData.mimeType"))?;
        }
        let s = object(
            &e["response"],
            &format!("{at}.response"),
            &[
                "status",
                "statusText",
                "httpVersion",
                "cookies",
                "headers",
                "content",
                "redirectURL",
                "headersSize",
                "bodySize",
            ],
            &["comment"],
        )?;
        int(&s["status"], &format!("{at}.response.status"))?;
        for k in ["statusText", "httpVersion", "redirectURL"] {
            string(&s[k], &format!("{at}.response.{k}"))?;
        }
        pairs(&s["headers"], &format!("{at}.response.headers"))?;
        let c = object(
            &s["content"],
            &format!("{at}.response.content"),
            &["size", "mimeType"],
            &["compression", "text", "encoding", "comment"],
        )?;
        int(&c["size"], &format!("{at}.response.content.size"))?;
        string(&c["mimeType"], &format!("{at}.response.content.mimeType"))?;
        object(
            &e["cache"],
            &format!("{at}.cache"),
            &[],
            &["beforeRequest", "afterRequest", "comment"],
        )?;
        let t = object(
            &e["timings"],
            &format!("{at}.timings"),
            &["send", "wait", "receive"],
            &["blocked", "dns", "connect", "ssl", "comment"],
        )?;
        let mut sum = 0.0;
        for (k, v) in t {
            if k == "comment" {
                continue;
            }
            let v = v
                .as_f64()
                .ok_or(format!("{at}.timings.{k} is not a number"))?;
            if ["send", "wait", "receive"].contains(&k.as_str()) && v < 0.0 {
                return Err(format!("{at}.timings.{k} is negative"));
            }
            if v >= 0.0 && k != "ssl" {
                sum += v;
            }
        }
        if (sum - time).abs() > 1.0 {
            return Err(format!(
                "{at}: the timings add up to {sum}, not time {time}"
            ));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_runs_exchanges_list_and_export_as_valid_har_and_as_curl_that_replays() {
    let sandbox = start_sandbox(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let body = sandbox
        .gateway_connections()
        .into_iter()
        .find(|c| c["name"] == "sandbox-openai")
        .unwrap();
    let key = body["properties"]["credentials"]["key"]
        .as_str()
        .unwrap()
        .to_string();
    let file = dir.path().join("gw.json");
    std::fs::write(&file, body.to_string()).unwrap();
    let run = cli(
        dir.path(),
        &[
            "agent",
            "run",
            "--local",
            file.to_str().unwrap(),
            "--model",
            "sandbox-openai/gpt-4o",
            "--prompt",
            "Weather?",
            "--tool",
            "get_weather",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let run_id = serde_json::from_slice::<Value>(&run.stdout).unwrap()["run_id"]
        .as_str()
        .unwrap()
        .to_string();

    // The list: discovery's get and two chat calls, oldest first.
    let listed = cli(
        dir.path(),
        &["trace", "list", "--run", &run_id, "--format", "json"],
    );
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    let rows: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let labels: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["model discovery", "chat completions", "chat completions"],
        "{rows}"
    );
    let newest = cli(dir.path(), &["trace", "list"]);
    assert!(
        text(&newest.stdout).contains("/v1/chat/completions"),
        "{}",
        text(&newest.stdout)
    );

    // HAR 1.2.
    let exported = cli(
        dir.path(),
        &["trace", "export", "--run", &run_id, "--format", "har"],
    );
    assert_eq!(
        exported.status.code(),
        Some(0),
        "{}",
        text(&exported.stderr)
    );
    let har: Value = serde_json::from_slice(&exported.stdout).unwrap();
    check_har(&har).unwrap_or_else(|problem| panic!("not HAR 1.2: {problem}\n{har:#}"));
    assert_eq!(har["log"]["entries"].as_array().unwrap().len(), 3);
    assert!(
        !text(&exported.stdout).contains(&key),
        "the key is in the HAR"
    );
    // The checker itself refuses what is not HAR.
    let mut broken = har.clone();
    broken["log"]["entries"][0]["request"]["bogus"] = Value::Bool(true);
    assert!(check_har(&broken).is_err());

    // cURL: with the variable set, the last chat call is sent again and answered.
    let exported = cli(
        dir.path(),
        &["trace", "export", "--run", &run_id, "--format", "curl"],
    );
    assert_eq!(exported.status.code(), Some(0));
    let script = text(&exported.stdout);
    assert!(
        !script.contains(&key) && !script.contains("<redacted>"),
        "{script}"
    );
    assert!(script.contains("export GATEWAY_API_KEY="), "{script}");
    let last = script.rsplit("# chat completions").next().unwrap();
    let replay = Command::new("bash")
        .args(["-c", last.trim_start_matches(|c| c != '\n')])
        .env("GATEWAY_API_KEY", &key)
        .output()
        .unwrap();
    let answer: Value = serde_json::from_slice(&replay.stdout).unwrap_or_else(|e| {
        panic!(
            "curl printed no JSON ({e}): {} {}",
            text(&replay.stdout),
            text(&replay.stderr)
        )
    });
    assert_eq!(answer["object"], "chat.completion", "{answer}");
    let without = Command::new("bash")
        .args([
            "-c",
            &format!(
                "{} -w '%{{http_code}}' -o /dev/null -s",
                last.trim_start_matches(|c| c != '\n').trim_end()
            ),
        ])
        .env("GATEWAY_API_KEY", "")
        .output()
        .unwrap();
    assert_eq!(
        text(&without.stdout),
        "401",
        "without the key the gateway refuses"
    );

    // A run with nothing recorded.
    let none = cli(
        dir.path(),
        &["trace", "export", "--run", "run-nope", "--format", "har"],
    );
    assert_eq!(none.status.code(), Some(1));
    assert!(text(&none.stderr).contains("run-nope"));
    sandbox.shutdown().await;
}
