//! The Azure commands through Tauri's real command and ACL layers, against the in-app sandbox
//! (real loopback HTTP to the ARM emulator, real SQLite, real keyring).

use std::path::Path;

use gateway_studio_core::paths::Paths;
use gateway_studio_sandbox::demo::{
    DEMO_ACCOUNT, DEMO_API_KEY, DEMO_APIM_API_KEY, DEMO_AZURE_TOKEN, DEMO_PROJECT,
    DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID,
};
use serde_json::{Value, json};

use crate::support::{Harness, harness};

const NEW_KEY: &str = "ipc-test-key-5a9c1e7b3d2f4068";

fn account() -> Value {
    json!({"subscriptionId": DEMO_SUBSCRIPTION_ID, "resourceGroup": DEMO_RESOURCE_GROUP, "account": DEMO_ACCOUNT})
}

fn project_parent() -> Value {
    json!({"account": account(), "project": DEMO_PROJECT})
}

fn account_parent() -> Value {
    json!({"account": account(), "project": null})
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect()
}

/// A connection like the seeded `sandbox-openai` one, renamed, for a new draft.
fn renamed(connection: &Value, name: &str) -> Value {
    let mut c = connection.clone();
    c["name"] = json!(name);
    c
}

fn save(h: &Harness, id: Option<&str>, connection: &Value, key: Option<&str>) -> Value {
    let secrets = match key {
        Some(k) => json!([{"slot": "apiKey", "value": k}]),
        None => json!([]),
    };
    h.ok(
        "connection_save",
        json!({"id": id, "connection": connection, "secrets": secrets}),
    )
}

fn trace_methods(h: &Harness, run_id: &str) -> Vec<String> {
    h.ok("azure_trace_list", json!({"runId": run_id}))
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["method"].as_str().unwrap().to_string())
        .collect()
}

/// Bytes of the database and its write-ahead log.
fn database_bytes(dir: &Path) -> String {
    let db = Paths::under(dir).database();
    let mut bytes = std::fs::read(&db).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", db.display())) {
        bytes.extend(wal);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn azure_sandbox_pickers_scope_connections_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path());
    h.ok("cloud_select", json!({"cloud": "sandbox"}));

    let sign_in = h.ok("azure_sign_in_get", json!({}));
    assert_eq!(sign_in["cloud"], "sandbox");
    assert_eq!(sign_in["method"]["kind"], "azureCli");
    assert_eq!(sign_in["hasClientSecret"], false);
    let me = h.ok("azure_whoami", json!({}));
    assert_eq!(me["source"], "Sandbox");

    // Pickers: subscription → resource group → account → project.
    let subs = h.ok("azure_subscriptions", json!({}));
    assert_eq!(subs[0]["subscriptionId"], DEMO_SUBSCRIPTION_ID);
    let groups = h.ok(
        "azure_resource_groups",
        json!({"subscriptionId": DEMO_SUBSCRIPTION_ID}),
    );
    assert_eq!(names(&groups), [DEMO_RESOURCE_GROUP]);
    let accounts = h.ok(
        "azure_accounts",
        json!({"subscriptionId": DEMO_SUBSCRIPTION_ID, "resourceGroup": DEMO_RESOURCE_GROUP}),
    );
    assert_eq!(accounts[0]["name"], DEMO_ACCOUNT);
    assert_eq!(accounts[0]["kind"], "AIServices");
    let projects = h.ok("azure_projects", json!({"account": account()}));
    assert_eq!(names(&projects), [DEMO_PROJECT]);

    let scope = json!({"subscriptionId": DEMO_SUBSCRIPTION_ID, "subscriptionName": subs[0]["displayName"],
        "resourceGroup": DEMO_RESOURCE_GROUP, "account": DEMO_ACCOUNT, "project": DEMO_PROJECT});
    assert_eq!(h.ok("azure_scope_get", json!({})), Value::Null);
    assert_eq!(
        h.ok("azure_scope_set", json!({"scope": scope})),
        Value::Null
    );
    assert_eq!(h.ok("azure_scope_get", json!({})), scope);

    // Gateway connections first.
    let listed = h.ok("azure_connections", json!({"parent": project_parent()}));
    let listed_names = names(&listed);
    for seeded in ["sandbox-openai", "sandbox-apim"] {
        assert!(
            listed_names.contains(&seeded.to_string()),
            "{listed_names:?}"
        );
    }
    let gateway = |c: &Value| {
        matches!(
            c["properties"]["category"].as_str(),
            Some("ApiManagement" | "ModelGateway")
        )
    };
    let flags: Vec<bool> = listed.as_array().unwrap().iter().map(gateway).collect();
    assert!(
        flags.windows(2).all(|w| w[0] >= w[1]),
        "gateways first: {listed_names:?}"
    );

    // Model deployments of the account.
    let deployments = h.ok("azure_deployments", json!({"account": account()}));
    assert_eq!(names(&deployments), ["gpt-4o", "gpt-4o-mini"]);
    assert_eq!(deployments[1]["modelName"], "gpt-4o-mini");

    // A wrong account: a 404 naming the missing level, with a hint and a stored trace.
    let mut wrong = account();
    wrong["account"] = json!("no-such-account");
    let e = h.err("azure_projects", json!({"account": wrong}));
    assert_eq!(e["kind"], "arm", "{e}");
    assert_eq!(e["details"]["status"], 404, "{e}");
    assert_eq!(e["details"]["missing"], "account", "{e}");
    assert!(!e["details"]["hint"].as_str().unwrap().is_empty());
    let run = e["details"]["traceRunId"].as_str().unwrap();
    let traces = h.ok("azure_trace_list", json!({"runId": run}));
    assert_eq!(traces[0]["status"], 404, "{traces}");
    assert_eq!(traces[0]["kind"], "arm");

    // Restart on the same data dir: the scope is remembered; the sandbox does not run by itself.
    drop(h.app);
    let h = harness(dir.path());
    assert_eq!(h.ok("azure_scope_get", json!({})), scope);
    let e = h.err("azure_subscriptions", json!({}));
    assert_eq!(e["kind"], "sandbox", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("The sandbox is not running: choose Sandbox in Settings → Azure"),
        "{e}"
    );
    // The client follows the cloud: Public signs in with the Azure CLI (a sign-in error where
    // `az` is missing or logged out), then the Sandbox (started again, maybe on other ports)
    // answers again.
    h.ok("cloud_select", json!({"cloud": "sandbox"}));
    assert_eq!(
        h.ok("azure_subscriptions", json!({}))[0]["subscriptionId"],
        DEMO_SUBSCRIPTION_ID
    );
    h.ok("cloud_select", json!({"cloud": "public"}));
    let e = h.err("azure_subscriptions", json!({}));
    assert_eq!(e["kind"], "credential", "{e}");
    assert!(e["message"].as_str().unwrap().contains("Azure CLI"), "{e}");
    assert_eq!(
        h.ok("azure_scope_get", json!({})),
        Value::Null,
        "scopes are per cloud"
    );
    h.ok("cloud_select", json!({"cloud": "sandbox"}));
    assert_eq!(
        h.ok("azure_subscriptions", json!({}))[0]["subscriptionId"],
        DEMO_SUBSCRIPTION_ID
    );
    assert_eq!(h.ok("azure_scope_get", json!({})), scope);
    h.stop();
}

#[test]
fn azure_sandbox_open_plan_deploy_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path());
    h.ok("cloud_select", json!({"cloud": "sandbox"}));
    let parent = project_parent();

    // Open a seeded connection: the seeded draft (with its key) gets linked.
    let draft = h.ok(
        "azure_connection_open",
        json!({"parent": parent, "name": "sandbox-openai"}),
    );
    assert_eq!(
        draft["linked"],
        json!({"cloud": "sandbox", "parent": parent, "name": "sandbox-openai"})
    );
    assert!(
        draft["storedSecrets"]
            .as_array()
            .unwrap()
            .contains(&json!("apiKey")),
        "{draft}"
    );
    let id = draft["id"].as_str().unwrap().to_string();
    // Opening again refreshes the same draft.
    let again = h.ok(
        "azure_connection_open",
        json!({"parent": parent, "name": "sandbox-openai"}),
    );
    assert_eq!(again["id"], draft["id"]);
    let list = h.ok("connection_list", json!({}));
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == draft["id"])
        .unwrap();
    assert_eq!(row["linked"]["name"], "sandbox-openai");

    // Replace: a changed target shows in the diff.
    let unchanged = h.ok(
        "azure_deploy_plan",
        json!({"draftId": id, "parent": parent}),
    );
    assert_eq!(unchanged["action"], "replace", "{unchanged}");
    let mut changed = draft["connection"].clone();
    let old_target = changed["target"].as_str().unwrap().to_string();
    let new_target = format!("{}/changed", old_target.trim_end_matches('/'));
    changed["target"] = json!(new_target);
    save(&h, Some(&id), &changed, None);
    let plan = h.ok(
        "azure_deploy_plan",
        json!({"draftId": id, "parent": parent}),
    );
    assert_eq!(plan["action"], "replace");
    let target_change = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"].as_str().unwrap().ends_with("target"))
        .unwrap_or_else(|| panic!("no target change in {plan}"));
    assert_eq!(target_change["kind"], "changed");
    // Values are shown as their JSON text.
    assert!(
        target_change["after"]
            .as_str()
            .unwrap()
            .contains(&new_target),
        "{target_change}"
    );
    assert!(
        target_change["before"]
            .as_str()
            .unwrap()
            .contains(&old_target),
        "{target_change}"
    );
    assert!(!plan.to_string().contains(DEMO_API_KEY), "key in the plan");

    // Create: a new draft, deployed, then listed and linked.
    let fresh = save(
        &h,
        None,
        &renamed(&draft["connection"], "ipc-new-gw"),
        Some(NEW_KEY),
    );
    let fresh_id = fresh["id"].as_str().unwrap();
    let plan = h.ok(
        "azure_deploy_plan",
        json!({"draftId": fresh_id, "parent": parent}),
    );
    assert_eq!(plan["action"], "create", "{plan}");
    assert_eq!(plan["blockers"], json!([]), "{plan}");
    let deployed = h.ok(
        "azure_deploy",
        json!({"draftId": fresh_id, "parent": parent, "confirmed": false}),
    );
    assert_eq!(deployed["name"], "ipc-new-gw");
    let listed = names(&h.ok("azure_connections", json!({"parent": parent})));
    assert!(listed.contains(&"ipc-new-gw".to_string()), "{listed:?}");
    let linked = h.ok("connection_get", json!({"id": fresh_id}));
    assert_eq!(linked["linked"]["name"], "ipc-new-gw");

    // A draft without its key for an existing ApiKey connection: blocked, nothing PUT.
    let keyless = save(&h, None, &renamed(&draft["connection"], "ipc-new-gw"), None);
    let keyless_id = keyless["id"].as_str().unwrap();
    let plan = h.ok(
        "azure_deploy_plan",
        json!({"draftId": keyless_id, "parent": parent}),
    );
    assert!(
        plan["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["code"] == "secret-missing"),
        "{plan}"
    );
    let e = h.err(
        "azure_deploy",
        json!({"draftId": keyless_id, "parent": parent, "confirmed": true}),
    );
    assert_eq!(e["kind"], "arm");
    assert_eq!(e["details"]["code"], "deploy-blocked", "{e}");
    let run = e["details"]["traceRunId"].as_str().unwrap();
    let methods = trace_methods(&h, run);
    assert!(
        !methods.is_empty() && methods.iter().all(|m| m == "GET"),
        "{methods:?}"
    );

    // Dropped metadata needs a confirmation.
    let mut with_meta = renamed(&draft["connection"], "ipc-meta-gw");
    with_meta["metadata"]["extra"] = json!({"team": "blue"});
    let meta = save(&h, None, &with_meta, Some(NEW_KEY));
    let meta_id = meta["id"].as_str().unwrap();
    h.ok(
        "azure_deploy",
        json!({"draftId": meta_id, "parent": parent, "confirmed": false}),
    );
    let mut without = meta["connection"].clone();
    without["metadata"]["extra"] = json!({});
    save(&h, Some(meta_id), &without, None);
    let plan = h.ok(
        "azure_deploy_plan",
        json!({"draftId": meta_id, "parent": parent}),
    );
    assert!(
        plan["confirmations"].as_array().unwrap().iter().any(
            |c| c["code"] == "field-removed" && c["message"].as_str().unwrap().contains("team")
        ),
        "{plan}"
    );
    let e = h.err(
        "azure_deploy",
        json!({"draftId": meta_id, "parent": parent, "confirmed": false}),
    );
    assert_eq!(e["details"]["code"], "deploy-needs-confirmation", "{e}");
    assert!(
        !trace_methods(&h, e["details"]["traceRunId"].as_str().unwrap())
            .contains(&"PUT".to_string())
    );
    let still = h.ok(
        "azure_connection_open",
        json!({"parent": parent, "name": "ipc-meta-gw"}),
    );
    assert_eq!(
        still["id"], meta["id"],
        "the linked draft is the one refreshed"
    );
    assert_eq!(still["connection"]["metadata"]["extra"]["team"], "blue");
    // Opening refreshed the draft from Azure (team is back); drop it again and confirm.
    save(&h, Some(meta_id), &without, None);
    h.ok(
        "azure_deploy",
        json!({"draftId": meta_id, "parent": parent, "confirmed": true}),
    );
    let reopened = h.ok(
        "azure_connection_open",
        json!({"parent": parent, "name": "ipc-meta-gw"}),
    );
    assert_eq!(reopened["connection"]["metadata"]["extra"], json!({}));
    assert!(
        reopened["storedSecrets"]
            .as_array()
            .unwrap()
            .contains(&json!("apiKey")),
        "the linked draft keeps its key: {reopened}"
    );

    // Delete: deleted, then did not exist; the linked draft stays, unlinked.
    let gone = h.ok(
        "azure_connection_delete",
        json!({"parent": parent, "name": "ipc-new-gw"}),
    );
    assert_eq!(gone, "deleted");
    let gone = h.ok(
        "azure_connection_delete",
        json!({"parent": parent, "name": "ipc-new-gw"}),
    );
    assert_eq!(gone, "didNotExist");
    assert_eq!(
        h.ok("connection_get", json!({"id": fresh_id}))["linked"],
        Value::Null
    );

    // Account-level connections too.
    let acct = account_parent();
    let at_account = save(
        &h,
        None,
        &renamed(&draft["connection"], "ipc-account-gw"),
        Some(NEW_KEY),
    );
    let at_account_id = at_account["id"].as_str().unwrap();
    let plan = h.ok(
        "azure_deploy_plan",
        json!({"draftId": at_account_id, "parent": acct}),
    );
    assert_eq!(plan["action"], "create", "{plan}");
    h.ok(
        "azure_deploy",
        json!({"draftId": at_account_id, "parent": acct, "confirmed": false}),
    );
    let listed = names(&h.ok("azure_connections", json!({"parent": acct})));
    assert!(listed.contains(&"ipc-account-gw".to_string()), "{listed:?}");
    assert_eq!(
        h.ok("connection_get", json!({"id": at_account_id}))["linked"]["parent"],
        acct
    );
    assert_eq!(
        h.ok(
            "azure_connection_delete",
            json!({"parent": acct, "name": "ipc-account-gw"})
        ),
        "deleted"
    );

    // Traces were stored, and no token or key is anywhere in the database file.
    let text = database_bytes(dir.path());
    // The PUT exchanges (labelled `put-connection:<name>`) are among the stored traces.
    for label in [
        "put-connection:ipc-new-gw",
        "put-connection:ipc-meta-gw",
        "put-connection:ipc-account-gw",
    ] {
        assert!(text.contains(label), "no trace {label} in the database");
    }
    for secret in [DEMO_AZURE_TOKEN, DEMO_API_KEY, DEMO_APIM_API_KEY, NEW_KEY] {
        assert!(!text.contains(secret), "{secret} in the SQLite file");
    }
    h.stop();
}

#[test]
fn azure_sign_in_keeps_the_client_secret_in_the_keyring_only() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path());
    let secret = "sp-secret-value-~9f2c4e8a1b7d";
    let e = h.err(
        "azure_sign_in_set",
        json!({"method": {"kind": "servicePrincipal", "tenantId": " ", "clientId": "c"},
               "clientSecret": null, "customCloud": null}),
    );
    assert_eq!(e["kind"], "invalidInput");
    assert_eq!(e["details"]["field"], "method.tenantId");
    let view = h.ok(
        "azure_sign_in_set",
        json!({"method": {"kind": "servicePrincipal", "tenantId": "t-1", "clientId": "c-1"},
               "clientSecret": secret, "customCloud": {"armEndpoint": "https://arm.example.test"}}),
    );
    assert_eq!(view["hasClientSecret"], true);
    assert_eq!(view["method"]["clientId"], "c-1");
    assert_eq!(
        view["customCloud"]["armEndpoint"],
        "https://arm.example.test"
    );
    // `null` keeps the stored secret.
    let view = h.ok(
        "azure_sign_in_set",
        json!({"method": {"kind": "servicePrincipal", "tenantId": "t-1", "clientId": "c-2"},
               "clientSecret": null, "customCloud": null}),
    );
    assert_eq!(view["hasClientSecret"], true);
    assert_eq!(
        view["customCloud"]["armEndpoint"],
        "https://arm.example.test"
    );
    assert!(!view.to_string().contains(secret));
    drop(h.app);
    let h = harness(dir.path());
    let view = h.ok("azure_sign_in_get", json!({}));
    assert_eq!(view["method"]["clientId"], "c-2");
    assert_eq!(view["hasClientSecret"], true);
    assert!(!database_bytes(dir.path()).contains(secret));
    // The service principal signs in at the custom cloud's authority host, which this machine
    // cannot reach: a credential error naming it, without the secret.
    let e = h.err("azure_subscriptions", json!({}));
    assert_eq!(e["kind"], "credential", "{e}");
    assert!(!e.to_string().contains(secret), "{e}");
    // The attempts are in the traces (stored as they happen, a moment later), without it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let tried = loop {
        let page = h.ok(
            "trace_query",
            json!({"filter": {"kinds": ["token"]}, "before": null, "limit": 50}),
        );
        let items = page["items"].as_array().unwrap().clone();
        if !items.is_empty() || std::time::Instant::now() > deadline {
            break items;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(
        !tried.is_empty()
            && tried.iter().all(|t| t["label"] == "Azure sign-in token"
                && t["url"].as_str().unwrap().contains("/oauth2/v2.0/token")),
        "{tried:?}"
    );
    assert!(!database_bytes(dir.path()).contains(secret));
}
