//! `gateway-studio connection deploy|get|list|delete` as a pipeline runs them, against the
//! sandbox's ARM emulator over loopback: the whole cycle at project and account level, the plan
//! (refused without a secret, `--yes` for a removed field, `--dry-run`), the secret from the
//! environment, the file or the keyring of a linked draft, ARM errors with their fix, bad
//! input, and no secret in any output.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use gateway_studio_core::azure::CloudId;
use gateway_studio_core::azure::arm::{AccountRef, ConnectionParent};
use gateway_studio_core::connection::SecretSlot;
use gateway_studio_core::drafts::{DraftLink, Drafts};
use gateway_studio_core::paths::APP_IDENTIFIER;
use gateway_studio_core::secrets::KeyringStore;
use gateway_studio_core::store::Store;
use gateway_studio_sandbox::{RunningSandbox, SandboxOptions, Seed, start_sandbox};
use serde_json::Value;

/// A key that must never appear in any output.
const CANARY: &str = "sk-canary-arm-4b8e21d07c9f";
const TOKEN_VAR: &str = "GS_TEST_ARM_TOKEN";

async fn sandbox() -> RunningSandbox {
    start_sandbox(SandboxOptions {
        seed: Seed::Empty,
        ..SandboxOptions::default()
    })
    .await
    .expect("the sandbox starts")
}

/// A ModelGateway connection with a static model list, its key `key` (or none).
fn body(name: &str, target: &str, key: Option<&str>) -> String {
    let credentials = match key {
        Some(key) => format!(r#""credentials": {{ "key": "{key}" }},"#),
        None => String::new(),
    };
    format!(
        r#"{{
  "name": "{name}",
  "properties": {{
    "category": "ModelGateway",
    "target": "{target}",
    "authType": "ApiKey",
    "isSharedToAll": false,
    {credentials}
    "metadata": {{
      "deploymentInPath": "false",
      "models": "[{{\"name\":\"gpt-4o-mini\",\"properties\":{{\"model\":{{\"name\":\"gpt-4o-mini\",\"version\":\"2024-07-18\",\"format\":\"OpenAI\"}}}}}}]",
      "customHeaders": "{{\"X-Team\":\"platform\"}}"
    }}
  }}
}}"#
    )
}

struct Cli<'a> {
    sandbox: &'a RunningSandbox,
    data_dir: &'a Path,
}

impl Cli<'_> {
    /// `gateway-studio connection ARGS --subscription … --cloud sandbox --arm-endpoint …`,
    /// with the sandbox token in TOKEN_VAR and `env` set; stdin is not a terminal.
    fn run(&self, args: &[&str], project: bool, env: &[(&str, &str)]) -> Output {
        let info = self.sandbox.info();
        let mut command = Command::new(env!("CARGO_BIN_EXE_gateway-studio"));
        command
            .arg("--data-dir")
            .arg(self.data_dir)
            .arg("connection")
            .args(args)
            .args(["--subscription", &info.subscription_id])
            .args(["--resource-group", &info.resource_group])
            .args(["--account", &info.account])
            .args(["--cloud", "sandbox", "--arm-endpoint", &info.arm_endpoint])
            .args(["--access-token-env", TOKEN_VAR])
            .env(TOKEN_VAR, &info.token)
            .env_remove("GATEWAY_API_KEY")
            .env_remove("GATEWAY_CLIENT_SECRET")
            .stdin(Stdio::null());
        if project {
            command.args(["--project", &info.project]);
        }
        for (k, v) in env {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        for text in [&output.stdout, &output.stderr] {
            assert!(
                !String::from_utf8_lossy(text).contains(CANARY),
                "a secret was printed by {args:?}: {}",
                String::from_utf8_lossy(text)
            );
        }
        output
    }

    fn json(&self, args: &[&str], project: bool) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let output = self.run(&all, project, &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{args:?} prints JSON ({e}): {}", stdout(&output)))
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

fn write(dir: &Path, file: &str, text: &str) -> String {
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// What the emulated ARM holds for the connection, secrets included (it keeps what was PUT).
fn stored_key(sandbox: &RunningSandbox, project: Option<&str>, name: &str) -> Option<String> {
    let info = sandbox.info();
    let world = sandbox.world.lock();
    let account = world.account_by_name(&info.account)?;
    let connection = match project {
        Some(project) => account.project(project)?.connection(name)?,
        None => account.connection(name)?,
    };
    connection.properties["credentials"]["key"]
        .as_str()
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_get_update_list_delete_at_project_and_account_level() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli {
        sandbox: &sandbox,
        data_dir: dir.path(),
    };
    let target = sandbox.info().gateways[0].target.clone();

    for project in [true, false] {
        let level = if project { "project" } else { "account" };
        let name = format!("cli-gw-{level}");
        let file = write(dir.path(), "gw.json", &body(&name, &target, Some(CANARY)));

        assert_eq!(names(&cli.json(&["list"], project)), Vec::<String>::new());

        // Create: the plan is printed first, then what ARM answered.
        let created = cli.run(&["deploy", &file], project, &[]);
        assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
        let text = stdout(&created);
        assert!(
            text.starts_with(&format!(
                "Create {name}\n  PUT {}",
                sandbox.info().arm_endpoint.trim_end_matches('/')
            )),
            "{text}"
        );
        assert!(text.contains("+ properties.target = "), "{text}");
        assert!(
            text.contains("* properties.credentials.key (secret"),
            "{text}"
        );
        assert!(
            text.contains(&format!("Created {name} in {level}")),
            "{text}"
        );
        let project_name = project.then(|| sandbox.info().project.clone());
        assert_eq!(
            stored_key(&sandbox, project_name.as_deref(), &name).as_deref(),
            Some(CANARY),
            "the key in FILE was sent"
        );

        let got = cli.json(&["get", &name], project);
        assert_eq!(got["properties"]["target"], target.as_str());
        assert!(
            got["properties"]
                .get("credentials")
                .is_none_or(|c| c.get("key").is_none())
        );
        let summary = cli.run(&["get", &name], project, &[]);
        assert!(
            stdout(&summary).contains("models    1 static"),
            "{}",
            stdout(&summary)
        );

        // Update: another target; the key now comes from the environment (FILE has none).
        let moved = format!("{}/next", target.trim_end_matches('/'));
        let file = write(dir.path(), "gw.json", &body(&name, &moved, None));
        let replaced = cli.run(
            &["deploy", &file, "--api-key-env", "GS_TEST_KEY"],
            project,
            &[("GS_TEST_KEY", "sk-canary-arm-4b8e21d07c9f-env")],
        );
        assert_eq!(replaced.status.code(), Some(0), "{}", stderr(&replaced));
        let text = stdout(&replaced);
        assert!(text.starts_with(&format!("Replace {name}")), "{text}");
        assert!(text.contains("~ properties.target: "), "{text}");
        assert!(text.contains("secret from the environment"), "{text}");
        assert_eq!(
            cli.json(&["get", &name], project)["properties"]["target"],
            moved.as_str()
        );

        let listed = cli.run(&["list"], project, &[]);
        let text = stdout(&listed);
        assert!(text.starts_with("NAME"), "{text}");
        assert!(
            text.contains(&name) && text.contains("ModelGateway") && text.contains("ApiKey"),
            "{text}"
        );
        assert!(text.contains("1 connection in"), "{text}");

        let deleted = cli.run(&["delete", &name, "--yes"], project, &[]);
        assert_eq!(deleted.status.code(), Some(0), "{}", stderr(&deleted));
        assert!(stdout(&deleted).contains(&format!("Deleted {name}")));
        assert_eq!(names(&cli.json(&["list"], project)), Vec::<String>::new());
        let again = cli.run(&["delete", &name, "--yes"], project, &[]);
        assert_eq!(again.status.code(), Some(0));
        assert!(
            stdout(&again).contains("did not exist"),
            "{}",
            stdout(&again)
        );
    }

    // A project lists its own connections only, the account its own.
    let file = write(
        dir.path(),
        "a.json",
        &body("only-account", &target, Some(CANARY)),
    );
    assert_eq!(
        cli.run(&["deploy", &file], false, &[]).status.code(),
        Some(0)
    );
    assert_eq!(names(&cli.json(&["list"], false)), vec!["only-account"]);
    assert_eq!(names(&cli.json(&["list"], true)), Vec::<String>::new());

    // Every exchange of the CLI is in the trace (the SQLite files, WAL included), the token
    // and the keys redacted.
    let mut db = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with("gateway-studio.sqlite")
        {
            db.extend(std::fs::read(entry.path()).unwrap());
        }
    }
    let db = String::from_utf8_lossy(&db);
    assert!(
        db.contains("put-connection:cli-gw-project"),
        "the PUT is traced"
    );
    assert!(db.contains("list-connections"), "the list is traced");
    assert!(
        !db.contains(&sandbox.info().token),
        "the token is redacted in traces"
    );
    assert!(!db.contains(CANARY), "the key is redacted in traces");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_plan_refuses_a_deploy_without_a_secret_and_asks_before_removing_a_field() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli {
        sandbox: &sandbox,
        data_dir: dir.path(),
    };
    let target = sandbox.info().gateways[0].target.clone();

    // No key anywhere: refused before any PUT, with the flag that fixes it.
    let file = write(dir.path(), "gw.json", &body("gw-one", &target, None));
    let refused = cli.run(&["deploy", &file], true, &[]);
    assert_eq!(refused.status.code(), Some(1));
    let text = stderr(&refused);
    assert!(text.contains("nothing was deployed"), "{text}");
    assert!(
        text.contains("No API key to send") && text.contains("--api-key-env"),
        "{text}"
    );
    assert_eq!(names(&cli.json(&["list"], true)), Vec::<String>::new());

    // A dry run prints the plan and sends nothing.
    let file = write(
        dir.path(),
        "gw.json",
        &body("gw-one", &target, Some(CANARY)),
    );
    let dry = cli.run(&["deploy", &file, "--dry-run"], true, &[]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("dry run: nothing was sent"));
    assert_eq!(names(&cli.json(&["list"], true)), Vec::<String>::new());

    // Someone added a metadata key on Azure that FILE does not have: the PUT would remove it,
    // so a yes is needed.
    let with_extra = body("gw-one", &target, Some(CANARY)).replace(
        "\"deploymentInPath\": \"false\",",
        "\"deploymentInPath\": \"false\",\n      \"costCenter\": \"cc-42\",",
    );
    assert!(with_extra.contains("costCenter"));
    let extra = write(dir.path(), "extra.json", &with_extra);
    assert_eq!(
        cli.run(&["deploy", &extra], true, &[]).status.code(),
        Some(0)
    );
    assert_eq!(
        cli.json(&["get", "gw-one"], true)["properties"]["metadata"]["costCenter"],
        "cc-42"
    );

    let asked = cli.run(&["deploy", &file], true, &[]);
    assert_eq!(asked.status.code(), Some(1), "{}", stdout(&asked));
    let text = stderr(&asked);
    assert!(
        text.contains("properties.metadata.costCenter exists on Azure"),
        "{text}"
    );
    assert!(text.contains("--yes"), "{text}");
    assert!(
        stdout(&asked).is_empty(),
        "the plan goes with the error, to stderr"
    );
    let got = cli.json(&["get", "gw-one"], true);
    assert_eq!(
        got["properties"]["metadata"]["costCenter"], "cc-42",
        "unchanged"
    );

    let confirmed = cli.run(&["deploy", &file, "--yes"], true, &[]);
    assert_eq!(confirmed.status.code(), Some(0), "{}", stderr(&confirmed));
    assert!(
        stdout(&confirmed).contains("- properties.metadata.costCenter (was cc-42)"),
        "{}",
        stdout(&confirmed)
    );
    let got = cli.json(&["get", "gw-one"], true);
    assert!(got["properties"]["metadata"].get("costCenter").is_none());

    // JSON: the plan (secret masked) and the resource ARM answered.
    let json = cli.json(&["deploy", &file, "--yes"], true);
    assert_eq!(json["plan"]["action"], "replace");
    assert_eq!(json["deployed"]["name"], "gw-one");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_of_a_linked_draft_comes_from_the_keyring() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli {
        sandbox: &sandbox,
        data_dir: dir.path(),
    };
    let info = sandbox.info().clone();
    let target = info.gateways[0].target.clone();
    let keyring_key = "sk-canary-arm-4b8e21d07c9f-keyring";

    {
        let store = Store::open(&dir.path().join("gateway-studio.sqlite"))
            .await
            .unwrap();
        let secrets = KeyringStore::new(APP_IDENTIFIER);
        let drafts = Drafts::new(&store, &secrets);
        let draft = drafts
            .import(&body("linked-gw", &target, Some(keyring_key)))
            .await
            .unwrap()
            .draft;
        let link = DraftLink {
            cloud: CloudId::Sandbox,
            parent: ConnectionParent::project(
                AccountRef::new(&info.subscription_id, &info.resource_group, &info.account),
                &info.project,
            ),
            name: "linked-gw".into(),
        };
        drafts.set_link(&draft.id, Some(&link)).await.unwrap();
        assert!(
            drafts
                .secret(&draft.id, SecretSlot::ApiKey)
                .await
                .unwrap()
                .is_some()
        );
        store.close().await;
    }

    let file = write(dir.path(), "gw.json", &body("linked-gw", &target, None));
    let deployed = cli.run(&["deploy", &file], true, &[]);
    assert_eq!(deployed.status.code(), Some(0), "{}", stderr(&deployed));
    assert!(stdout(&deployed).contains("secret from the keyring (linked draft)"));
    assert!(!stdout(&deployed).contains(keyring_key));
    assert_eq!(
        stored_key(&sandbox, Some(&info.project), "linked-gw").as_deref(),
        Some(keyring_key)
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn arm_errors_and_bad_input_say_what_to_fix() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli {
        sandbox: &sandbox,
        data_dir: dir.path(),
    };

    // A project that does not exist: 404 naming the level.
    let info = sandbox.info();
    let output = cli.run(&["list", "--project", "nope"], false, &[]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("404") && text.contains("nope"), "{text}");
    assert!(text.contains("fix:"), "{text}");
    assert!(text.contains("trace: run "), "{text}");

    // A rejected token: 401 with how to get a fresh one.
    let output = cli.run(&["list"], true, &[(TOKEN_VAR, "not-the-sandbox-token")]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("401"), "{text}");
    assert!(text.contains(&format!("${TOKEN_VAR}")), "{text}");

    // A name ARM cannot have: ARM's 400, with the rule.
    let output = cli.run(&["get", "a/b"], true, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("InvalidResourceName"),
        "{}",
        stderr(&output)
    );

    // Deploying under such a name is refused before any call, naming the rule.
    let file = write(
        dir.path(),
        "short.json",
        &body("ab", &info.gateways[0].target, Some(CANARY)),
    );
    let output = cli.run(&["deploy", &file], true, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("name: "), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("trace: run"),
        "no call was made: {}",
        stderr(&output)
    );

    // The token variable unset.
    let output = cli.run(&["list"], true, &[(TOKEN_VAR, "")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(&format!("{TOKEN_VAR} is set but empty")),
        "{}",
        stderr(&output)
    );

    // Delete without --yes and without a terminal to ask on.
    let output = cli.run(&["delete", "gw-one"], true, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--yes"), "{}", stderr(&output));

    // A file that is no connection, and one without a name.
    let file = write(dir.path(), "broken.json", "{ not json");
    let output = cli.run(&["deploy", &file], true, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("broken.json"),
        "{}",
        stderr(&output)
    );
    let nameless =
        body("x", &info.gateways[0].target, Some(CANARY)).replace("\"name\": \"x\",", "");
    let file = write(dir.path(), "nameless.json", &nameless);
    let output = cli.run(&["deploy", &file], true, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--name NAME"),
        "{}",
        stderr(&output)
    );

    // The sandbox cloud without its endpoint.
    let output = Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "connection",
            "list",
            "--subscription",
            "s",
            "--resource-group",
            "g",
        ])
        .args(["--account", "a", "--cloud", "sandbox"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--arm-endpoint"),
        "{}",
        stderr(&output)
    );
    sandbox.shutdown().await;
}

/// Without `--access-token-env` the CLI signs in as Settings → Azure says (by default the Azure
/// CLI): a fake `az` on PATH hands out the sandbox's token, so ARM answers; a logged-out `az`
/// gets `az login` as the fix.
#[tokio::test(flavor = "multi_thread")]
async fn without_a_token_the_cli_signs_in_with_the_azure_cli() {
    use std::os::unix::fs::PermissionsExt;

    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let info = sandbox.info();
    let script = format!(
        r#"#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls"
case "$1 $2" in
  "account get-access-token")
    [ -f "$(dirname "$0")/logged-out" ] && {{ echo "ERROR: Please run 'az login' to setup account." >&2; exit 1; }}
    printf '{{"accessToken":"{token}","expiresOn":"x","expires_on":%s,"subscription":"s","tenant":"t","tokenType":"Bearer"}}' $(( $(date +%s) + 3600 )) ;;
esac
"#,
        token = info.token
    );
    let az = bin.path().join("az");
    std::fs::write(&az, script).unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap()
    );

    let run = || {
        Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["connection", "list", "--format", "json"])
            .args(["--subscription", &info.subscription_id])
            .args(["--resource-group", &info.resource_group])
            .args(["--account", &info.account, "--project", &info.project])
            .args(["--cloud", "public", "--arm-endpoint", &info.arm_endpoint])
            .env("PATH", &path)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let output = run();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "[]");
    let calls = std::fs::read_to_string(bin.path().join("calls")).unwrap();
    assert!(
        calls.contains("--scope https://management.azure.com/.default"),
        "the public cloud's ARM scope is asked for: {calls}"
    );

    std::fs::write(bin.path().join("logged-out"), "").unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("not signed in") && text.contains("fix: Run `az login`"),
        "{text}"
    );
    sandbox.shutdown().await;
}
