//! `gateway-studio connection validate|export`, as a user runs them from a terminal or a
//! pipeline: exit codes, both output formats, every export format, `--name`, and files that
//! are missing, broken, empty, a directory, or hold a real secret.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A key that must never appear in any output.
const CANARY: &str = "sk-canary-7f3a9c1e5b2d4f60";

/// A valid ModelGateway connection with a real key in it.
fn good_body() -> String {
    format!(
        r#"{{
  "name": "llm-gw",
  "properties": {{
    "category": "ModelGateway",
    "target": "https://llm-gw.contoso.com/v1",
    "authType": "ApiKey",
    "isSharedToAll": false,
    "credentials": {{ "key": "{CANARY}" }},
    "metadata": {{
      "deploymentInPath": "false",
      "inferenceAPIVersion": "",
      "modelDiscovery": "{{\"listModelsEndpoint\":\"/models\",\"getModelEndpoint\":\"/models/{{deploymentName}}\",\"deploymentProvider\":\"OpenAI\"}}",
      "authConfig": "{{\"type\":\"api_key\",\"name\":\"Authorization\",\"format\":\"Bearer {{api_key}}\"}}",
      "customHeaders": "{{\"X-Client-App\":\"foundry-agents\"}}"
    }}
  }}
}}
"#
    )
}

/// Two errors (a name with a dot, no target) and a warning (no customHeaders).
const BAD_BODY: &str = r#"{
  "name": "bad.name",
  "properties": {
    "category": "ApiManagement",
    "authType": "ProjectManagedIdentity",
    "audience": "https://cognitiveservices.azure.com",
    "credentials": {},
    "metadata": { "deploymentInPath": "true", "inferenceAPIVersion": "2024-10-21" }
  }
}
"#;

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Runs the binary with a data folder that must stay untouched.
    fn run(&self, args: &[&str]) -> Output {
        let data = self.dir.path().join("data");
        let output = Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
            .args(args)
            .env("GATEWAY_STUDIO_DATA_DIR", &data)
            .env("GATEWAY_STUDIO_LOG", "warn")
            .output()
            .expect("run gateway-studio");
        // Neither command needs the database.
        assert!(!data.exists(), "{args:?} created the data folder");
        output
    }
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_no_secret(o: &Output) {
    assert!(!stdout(o).contains(CANARY), "secret on stdout");
    assert!(!stderr(o).contains(CANARY), "secret on stderr");
}

#[test]
fn help_lists_the_connection_commands() {
    let w = Workspace::new();
    let out = w.run(&["connection", "--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("validate") && text.contains("export"),
        "{text}"
    );
    let out = w.run(&["connection", "export", "--help"]);
    let text = stdout(&out);
    assert!(
        text.contains("[possible values: arm, az, bicep, terraform, parameters]"),
        "{text}"
    );
    assert!(text.contains("--name <NAME>"), "{text}");
}

#[test]
fn validate_a_good_file_exits_0() {
    let w = Workspace::new();
    let file = w.file("good.json", &good_body());
    let out = w.run(&["connection", "validate", arg(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "0 errors, 0 warnings\n");
    assert_no_secret(&out);

    let out = w.run(&["connection", "validate", arg(&file), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v, serde_json::json!({ "findings": [] }));
}

#[test]
fn validate_with_only_warnings_exits_0() {
    let w = Workspace::new();
    // No customHeaders: a warning, not an error.
    let mut body: Value = serde_json::from_str(&good_body()).unwrap();
    body["properties"]["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("customHeaders");
    let file = w.file("warn.json", &body.to_string());
    let out = w.run(&["connection", "validate", arg(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("warning custom-headers-missing  properties.metadata.customHeaders: "),
        "{text}"
    );
    assert!(text.ends_with("0 errors, 1 warning\n"), "{text}");
}

#[test]
fn validate_with_errors_exits_1_and_prints_aligned_findings() {
    let w = Workspace::new();
    let file = w.file("bad.json", BAD_BODY);
    let out = w.run(&["connection", "validate", arg(&file)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.contains(&"error   name-pattern            name: The connection name `bad.name` contains a dot; dots are not allowed in connection names (unlike account names). Use 3–33 characters: letters, digits, `_` or `-`, starting with a letter or digit, e.g. `bad-name`."),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("error   target-missing          properties.target: ")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l
            .starts_with("warning custom-headers-missing  properties.metadata.customHeaders: ")),
        "{text}"
    );
    assert_eq!(lines.last(), Some(&"2 errors, 1 warning"), "{text}");

    let out = w.run(&["connection", "validate", "--format", "json", arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let v: Value = serde_json::from_str(&text).unwrap();
    let object = v.as_object().unwrap();
    assert_eq!(object.keys().collect::<Vec<_>>(), ["findings"]);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    for f in findings {
        let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "message", "path", "severity"]);
    }
    // Written in the documented order: severity, code, path, message.
    let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap();
    assert!(at("severity") < at("code") && at("code") < at("path") && at("path") < at("message"));
    assert!(
        findings.iter().any(|f| f["severity"] == "error"
            && f["code"] == "name-pattern"
            && f["path"] == "name")
    );
    assert!(
        findings
            .iter()
            .any(|f| f["severity"] == "warning" && f["code"] == "custom-headers-missing")
    );
}

#[test]
fn validate_never_prints_the_secret() {
    let w = Workspace::new();
    // A secret next to problems that produce findings about the credentials.
    let body = good_body().replace("\"ApiKey\"", "\"apikey\"").replace(
        &format!("{{ \"key\": \"{CANARY}\" }}"),
        &format!("{{ \"key\": \"{CANARY}\", \"clientSecret\": \"{CANARY}\" }}"),
    );
    let file = w.file("secret.json", &body);
    for format in ["text", "json"] {
        let out = w.run(&["connection", "validate", arg(&file), "--format", format]);
        assert!(out.status.code() == Some(0) || out.status.code() == Some(1));
        assert!(stdout(&out).contains("credentials"), "{}", stdout(&out));
        assert_no_secret(&out);
    }
}

#[test]
fn an_unreadable_or_unparsable_file_exits_2_and_says_why() {
    let w = Workspace::new();
    let missing = w.dir.path().join("missing.json");
    let broken = w.file(
        "broken.json",
        "{\n  \"properties\": {\n    \"category\": \"ModelGateway\",\n  }\n}\n",
    );
    let empty = w.file("empty.json", "");
    let blank = w.file("blank.json", "  \n\n");
    let not_utf8 = w.dir.path().join("latin1.json");
    std::fs::write(&not_utf8, b"{\"name\": \"caf\xe9\"}").unwrap();
    let not_a_connection = w.file("array.json", "[]");
    let directory = w.dir.path().join("folder");
    std::fs::create_dir(&directory).unwrap();
    let cases: [(&Path, &[&str]); 7] = [
        (&missing, &["no such file"]),
        (
            &broken,
            &[
                "is not valid JSON",
                "line 4, column 3",
                "Fix the syntax there",
            ],
        ),
        (&empty, &["is empty", "\"properties\""]),
        (&blank, &["is empty"]),
        (&not_utf8, &["is not UTF-8 text", "Save it as UTF-8"]),
        (&not_a_connection, &["not a JSON object"]),
        (&directory, &["is a directory", "connection JSON file"]),
    ];
    for (path, needles) in cases {
        for command in [
            vec!["connection", "validate", arg(path)],
            vec!["connection", "validate", arg(path), "--format", "json"],
            vec!["connection", "export", arg(path), "--format", "arm"],
        ] {
            let out = w.run(&command);
            assert_eq!(out.status.code(), Some(2), "{command:?}: {}", stderr(&out));
            assert!(stdout(&out).is_empty(), "{command:?}: {}", stdout(&out));
            let err = stderr(&out);
            assert!(err.starts_with("error: "), "{err}");
            assert!(
                err.contains(arg(path)),
                "{command:?}: the file is named: {err}"
            );
            for needle in needles {
                assert!(err.contains(needle), "{command:?}: {needle:?} in {err}");
            }
        }
    }
}

#[test]
fn export_writes_every_format_to_stdout_without_the_secret() {
    let w = Workspace::new();
    let file = w.file("good.json", &good_body());
    let expectations = [
        ("arm", "\"key\": \"${GATEWAY_API_KEY}\""),
        ("az", "az rest --method put"),
        (
            "bicep",
            "resource connection 'Microsoft.CognitiveServices/accounts/projects/connections@2025-04-01-preview'",
        ),
        ("terraform", "resource \"azapi_resource\" \"connection\""),
        ("parameters", "\"reference\": {"),
    ];
    for (format, needle) in expectations {
        let out = w.run(&["connection", "export", arg(&file), "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert!(stdout(&out).contains(needle), "{format}:\n{}", stdout(&out));
        assert!(stdout(&out).contains("llm-gw"), "{format}");
        assert!(stderr(&out).is_empty(), "{format}: {}", stderr(&out));
        assert_no_secret(&out);
    }
    // The ARM export is JSON a later import reads back.
    let out = w.run(&["connection", "export", arg(&file), "--format", "arm"]);
    let exported = w.file("exported.json", &stdout(&out));
    let out = w.run(&["connection", "validate", arg(&exported), "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["secret-placeholder"]);
}

#[test]
fn export_name_sets_or_overrides_the_name() {
    let w = Workspace::new();
    let unnamed = good_body().replace("  \"name\": \"llm-gw\",\n", "");
    let file = w.file("unnamed.json", &unnamed);

    // The ARM body needs no name.
    let out = w.run(&["connection", "export", arg(&file), "--format", "arm"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("\"name\""));

    // Everything else does: exit 1, and the message says to pass --name.
    for format in ["az", "bicep", "terraform", "parameters"] {
        let out = w.run(&["connection", "export", arg(&file), "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(stdout(&out).is_empty());
        let err = stderr(&out);
        assert!(err.contains("has no name"), "{err}");
        assert!(err.contains("--name NAME"), "{err}");
    }

    let out = w.run(&[
        "connection",
        "export",
        arg(&file),
        "--format",
        "bicep",
        "--name",
        "gw-prod",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("param connectionName string = 'gw-prod'"));

    // --name replaces the file's name.
    let named = w.file("named.json", &good_body());
    let out = w.run(&[
        "connection",
        "export",
        arg(&named),
        "--format",
        "az",
        "--name",
        "gw-prod",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("/connections/gw-prod?api-version=2026-05-01"));
    assert!(!stdout(&out).contains("llm-gw\""));

    // A name ARM would refuse is refused before it reaches code.
    let out = w.run(&[
        "connection",
        "export",
        arg(&named),
        "--format",
        "az",
        "--name",
        "gw$(reboot)",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("--name NAME"), "{}", stderr(&out));
}

#[test]
fn export_of_a_file_with_errors_still_exports_and_says_so() {
    let w = Workspace::new();
    let file = w.file("bad.json", BAD_BODY);
    let out = w.run(&["connection", "export", arg(&file), "--format", "arm"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("\"name\": \"bad.name\""));
    let err = stderr(&out);
    assert!(err.contains("has 2 errors"), "{err}");
    assert!(err.contains("gateway-studio connection validate"), "{err}");
    // The bad name is the file's; with a good --name only the target error is left.
    let out = w.run(&[
        "connection",
        "export",
        arg(&file),
        "--format",
        "bicep",
        "--name",
        "apim-gw",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("has 1 error;"), "{}", stderr(&out));
}

#[test]
fn export_format_is_required_and_checked() {
    let w = Workspace::new();
    let file = w.file("good.json", &good_body());
    let out = w.run(&["connection", "export", arg(&file)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--format <FORMAT>"),
        "{}",
        stderr(&out)
    );
    let out = w.run(&["connection", "export", arg(&file), "--format", "pulumi"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("pulumi") && err.contains("terraform"), "{err}");
}
