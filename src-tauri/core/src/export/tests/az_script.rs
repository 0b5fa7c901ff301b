//! The `az` script, run for real: bash executes the exported script with a fake `az` first on
//! `PATH` that records its arguments and the body file, for every case and for secrets chosen
//! to break quoting. The recorded body must be exactly `to_arm_body` with the real secret.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::{REALISTIC_SECRET, cases, put_body};
use crate::connection::{Connection, ConnectionScope};
use crate::export::body::secret_slot;
use crate::export::{ExportFormat, export};

/// Records `--method`, `--url` and the body (`--body @file` or inline) in `$AZ_CAPTURE_DIR`.
const FAKE_AZ: &str = r#"#!/usr/bin/env bash
set -eu
out=$AZ_CAPTURE_DIR
printf '%s\n' "$@" >"$out/args"
while [ $# -gt 0 ]; do
  case "$1" in
    --method) printf '%s' "$2" >"$out/method"; shift 2 ;;
    --url) printf '%s' "$2" >"$out/url"; shift 2 ;;
    --body)
      case "$2" in
        @*) cat "${2#@}" >"$out/body"; printf '%s' "${2#@}" >"$out/body_path" ;;
        *) printf '%s' "$2" >"$out/body" ;;
      esac
      shift 2 ;;
    *) shift ;;
  esac
done
echo '{"id": "recorded"}'
"#;

/// Secrets that break naive quoting in bash, JSON or both.
fn nasty_secrets() -> Vec<String> {
    vec![
        r#"p@ss"word'with`quotes"#.into(),
        "$HOME and ${PATH} and $(touch pwned) and `touch pwned2`".into(),
        r"back\slash \\double \n not-a-newline \u0041 \".into(),
        "amp & pipe | semi ; redirect > < and && ||".into(),
        "&".into(),
        "ключ-🔑-日本語-é".into(),
        "line one\nline two\r\n\ttabbed".into(),
        "\u{1}\u{1f}\u{7f}control".into(),
        "*?[a-z]{1,2}~!#%^".into(),
        "${GATEWAY_API_KEY}".into(),
        "\"${GATEWAY_CLIENT_SECRET}\"".into(),
        " leading and trailing spaces ".into(),
        "-not-an-option".into(),
        "%s%d%n".into(),
        "x".repeat(8192),
    ]
}

struct Run {
    output: Output,
    capture: PathBuf,
    /// The working directory, to see that nothing in the secret ran.
    cwd: PathBuf,
    _dir: tempfile::TempDir,
}

impl Run {
    fn read(&self, name: &str) -> Option<String> {
        fs::read_to_string(self.capture.join(name)).ok()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// Writes `script`, the fake `az` and runs `bash script` with `env` (and nothing else of ours).
fn run(script: &str, env: &[(&str, &str)], with_fake_az: bool) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    let capture = dir.path().join("capture");
    let cwd = dir.path().join("cwd");
    for d in [&bin, &capture, &cwd] {
        fs::create_dir(d).unwrap();
    }
    if with_fake_az {
        let az = bin.join("az");
        fs::write(&az, FAKE_AZ).unwrap();
        make_executable(&az);
    }
    let script_path = dir.path().join("az.sh");
    fs::write(&script_path, script).unwrap();
    let system_path = std::env::var("PATH").unwrap_or_default();
    let path = if with_fake_az {
        format!("{}:{system_path}", bin.display())
    } else {
        // No az anywhere: only the script's own checks run, and they need bash built-ins only.
        bin.display().to_string()
    };
    let mut command = Command::new(bash());
    command
        .arg(&script_path)
        .current_dir(&cwd)
        .env_clear()
        .env("PATH", path)
        .env("AZ_CAPTURE_DIR", &capture);
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().expect("bash runs");
    Run {
        output,
        capture,
        cwd,
        _dir: dir,
    }
}

/// bash from the test's own `PATH`: the script runs with a `PATH` of our choosing.
fn bash() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("bash"))
        .find(|candidate| candidate.is_file())
        .expect("bash on PATH")
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

fn location() -> Vec<(&'static str, &'static str)> {
    vec![
        ("SUBSCRIPTION_ID", "00000000-1111-2222-3333-444444444444"),
        ("RESOURCE_GROUP", "rg-foundry"),
        ("ACCOUNT_NAME", "contoso-ai"),
        ("PROJECT_NAME", "agents"),
    ]
}

fn expected_url(connection: &Connection) -> String {
    let parent = match connection.scope {
        ConnectionScope::Project => "accounts/contoso-ai/projects/agents",
        ConnectionScope::Account => "accounts/contoso-ai",
    };
    format!(
        "https://management.azure.com/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-foundry/providers/Microsoft.CognitiveServices/{parent}/connections/{}?api-version=2026-05-01",
        connection.name.as_deref().unwrap()
    )
}

/// Runs the case's script with `secret` and checks what reached `az`.
fn check(case_name: &str, connection: &Connection, script: &str, secret: &str) {
    let mut env = location();
    if let Some(slot) = secret_slot(connection) {
        env.push((slot.env_var(), secret));
    }
    let run = run(script, &env, true);
    assert!(
        run.output.status.success(),
        "{case_name} {secret:?}: {}",
        run.stderr()
    );
    assert_eq!(run.read("method").as_deref(), Some("put"), "{case_name}");
    assert_eq!(
        run.read("url"),
        Some(expected_url(connection)),
        "{case_name}"
    );
    let body = run.read("body").expect("az got a body");
    let body: Value = serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("{case_name} {secret:?}: body is not JSON ({e}):\n{body}"));
    assert_eq!(body, put_body(connection, secret), "{case_name} {secret:?}");
    // Never on a command line, and the temporary body file is gone.
    let args = run.read("args").unwrap();
    if secret.len() >= 8 {
        assert!(
            !args.contains(secret),
            "{case_name}: secret in az's arguments"
        );
    }
    let body_path = run.read("body_path").expect("body passed as @file");
    assert!(!Path::new(&body_path).exists(), "{body_path} left behind");
    assert!(
        fs::read_dir(&run.cwd).unwrap().next().is_none(),
        "{case_name} {secret:?}: something in the secret was executed"
    );
}

#[test]
fn every_case_puts_exactly_the_arm_body() {
    for case in cases() {
        let script = export(&case.connection, ExportFormat::Az).unwrap();
        check(case.name, &case.connection, &script, REALISTIC_SECRET);
    }
}

#[test]
fn any_secret_value_arrives_intact() {
    for name in [
        "modelgateway-bearer-discovery",
        "modelgateway-oauth2-static",
    ] {
        let case = cases().into_iter().find(|c| c.name == name).unwrap();
        let script = export(&case.connection, ExportFormat::Az).unwrap();
        for secret in nasty_secrets() {
            check(case.name, &case.connection, &script, &secret);
        }
    }
}

#[test]
fn the_secret_stays_literal_even_where_bash_would_expand_ampersands() {
    // The script turns bash 5.2's `patsub_replacement` off; its quoting alone must be enough
    // too, so run it with the option forced on.
    let case = cases().into_iter().next().unwrap();
    let script = export(&case.connection, ExportFormat::Az).unwrap().replace(
        "shopt -u patsub_replacement 2>/dev/null || true",
        "shopt -s patsub_replacement 2>/dev/null || true",
    );
    for secret in ["&", "a&b&&c", "\\&", "&\"&'&"] {
        check(case.name, &case.connection, &script, secret);
    }
}

#[test]
fn metadata_that_looks_like_the_placeholder_is_left_alone() {
    let mut case = cases()
        .into_iter()
        .find(|c| c.name == "custom-headers-escaping")
        .unwrap();
    let headers = &mut case.connection.metadata.custom_headers;
    headers.insert("X-Literal".into(), "${GATEWAY_API_KEY}".into());
    case.connection.metadata.auth_header_format = None;
    case.connection
        .metadata
        .extra
        .insert("note".into(), "${GATEWAY_API_KEY}".into());
    let script = export(&case.connection, ExportFormat::Az).unwrap();
    assert!(script.contains("\"${GATEWAY_API_KEY_1}\""), "{script}");
    check(case.name, &case.connection, &script, "s3cr&t\"value");
}

#[test]
fn a_missing_variable_stops_the_script_before_az_runs() {
    let case = cases().into_iter().next().unwrap();
    let script = export(&case.connection, ExportFormat::Az).unwrap();
    for missing in [
        "SUBSCRIPTION_ID",
        "RESOURCE_GROUP",
        "ACCOUNT_NAME",
        "PROJECT_NAME",
        "GATEWAY_API_KEY",
    ] {
        let mut env = location();
        env.push(("GATEWAY_API_KEY", REALISTIC_SECRET));
        env.retain(|(k, _)| *k != missing);
        let run = run(&script, &env, true);
        assert!(!run.output.status.success(), "{missing}");
        assert!(
            run.stderr().contains(&format!("set {missing} to")),
            "{missing}: {}",
            run.stderr()
        );
        assert!(run.read("args").is_none(), "{missing}: az ran");
    }
    // An empty value counts as unset.
    let mut env = location();
    env.push(("GATEWAY_API_KEY", ""));
    let run = run(&script, &env, true);
    assert!(
        run.stderr()
            .contains("set GATEWAY_API_KEY to the gateway key")
    );
}

#[test]
fn no_az_on_path_is_said_plainly() {
    let case = cases().into_iter().next().unwrap();
    let script = export(&case.connection, ExportFormat::Az).unwrap();
    let mut env = location();
    env.push(("GATEWAY_API_KEY", REALISTIC_SECRET));
    let run = run(&script, &env, false);
    assert_eq!(run.output.status.code(), Some(1));
    assert!(
        run.stderr().contains("the Azure CLI (az) is not on PATH"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_connection_without_secret_needs_no_secret_variable() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "account-apim-pmi")
        .unwrap();
    let script = export(&case.connection, ExportFormat::Az).unwrap();
    assert!(!script.contains("GATEWAY_"));
    assert!(!script.contains("PROJECT_NAME"));
    check(case.name, &case.connection, &script, "");
}
