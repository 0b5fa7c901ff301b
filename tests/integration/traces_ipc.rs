//! The Traces and History commands through Tauri's real IPC and ACL layers, over what real
//! runs recorded in the in-app sandbox: the filtered and paged list, hosts, HAR and cURL export,
//! storage figures, retention and purge, and one history over deployments and conversations.

use serde_json::{Value, json};

use crate::support::{database_text, harness};

#[test]
fn the_viewer_commands_list_filter_export_and_purge_what_runs_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path());
    h.ok("cloud_select", json!({"cloud": "sandbox"}));
    let drafts = h.ok("connection_list", json!({}));
    let draft = drafts
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "sandbox-openai")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A local playground conversation (gateway exchanges) and an ARM delete (a deployment).
    let view = h.ok(
        "playground_start",
        json!({"request": {"draftId": draft, "mode": "local", "settings": {"deployment": "gpt-4o", "instructions": "", "sampleTool": false, "temperature": null}, "bearerToken": null, "parent": null, "projectEndpoint": null, "continueFrom": null}}),
    );
    let id = view["id"].as_str().unwrap();
    let mut turn_runs = Vec::new();
    for text in ["one", "two", "three"] {
        let turn = h.ok("playground_send", json!({"conversationId": id, "input": {"kind": "message", "text": text}, "onText": "__CHANNEL__:3"}));
        turn_runs.push(turn["traceRunId"].as_str().unwrap().to_string());
    }
    h.ok("playground_end", json!({"conversationId": id}));
    let parent = json!({"account": {"subscriptionId": "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b", "resourceGroup": "rg-gateway-sandbox", "account": "sandbox-foundry"}, "project": "sandbox-project"});
    h.ok(
        "azure_connection_delete",
        json!({"parent": parent, "name": "sandbox-apim"}),
    );

    let query = |filter: Value, before: Value, limit: u32| {
        h.ok(
            "trace_query",
            json!({"filter": filter, "before": before, "limit": limit}),
        )
    };
    let all = query(json!({}), Value::Null, 500);
    let items = all["items"].as_array().unwrap();
    assert!(items.len() >= 5, "{all}");
    let starts: Vec<u64> = items
        .iter()
        .map(|i| i["startedAtMs"].as_u64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // Paging: two at a time reaches the same rows.
    let mut paged = Vec::new();
    let mut before = Value::Null;
    loop {
        let page = query(json!({}), before, 2);
        paged.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].clone()),
        );
        if page["next"].is_null() {
            break;
        }
        before = page["next"].clone();
    }
    assert_eq!(
        paged,
        items.iter().map(|i| i["id"].clone()).collect::<Vec<_>>()
    );

    let gateway = query(json!({"kinds": ["gateway"]}), Value::Null, 500);
    // Discovery's get (at the start, with the first turn) and three chat calls.
    assert_eq!(gateway["items"].as_array().unwrap().len(), 4, "{gateway}");
    let arm = query(
        json!({"kinds": ["arm"], "status": "success"}),
        Value::Null,
        500,
    );
    assert!(
        arm["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["method"] == "DELETE"),
        "{arm}"
    );
    // "two" is in the second call and, as history, in the third; "three" only in the third.
    let found = query(json!({"text": "two"}), Value::Null, 500);
    assert_eq!(found["items"].as_array().unwrap().len(), 2, "{found}");
    let found = query(json!({"text": "three"}), Value::Null, 500);
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["items"][0]["runId"], turn_runs[2].as_str());
    let by_run = query(json!({"runId": turn_runs[0]}), Value::Null, 500);
    assert_eq!(by_run["items"].as_array().unwrap().len(), 2);
    // By connection: its playground turns (discovery and chats) and the ARM calls on it.
    let openai = query(json!({"connection": "sandbox-openai"}), Value::Null, 500);
    assert_eq!(openai["items"].as_array().unwrap().len(), 4, "{openai}");
    let apim = query(json!({"connection": "sandbox-apim"}), Value::Null, 500);
    assert!(
        apim["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] == "arm")
            && !apim["items"].as_array().unwrap().is_empty(),
        "{apim}"
    );
    let hosts = h.ok("trace_hosts", json!({}));
    assert!(
        hosts
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h == "127.0.0.1:47110" || h.as_str().unwrap().starts_with("127.0.0.1:")),
        "{hosts}"
    );

    // Export: a run as HAR, one exchange as cURL; nothing to export is refused.
    let har = h.ok(
        "trace_export",
        json!({"runId": turn_runs[2], "ids": [], "format": "har"}),
    );
    let har: Value = serde_json::from_str(har.as_str().unwrap()).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    assert_eq!(har["log"]["entries"].as_array().unwrap().len(), 1);
    let one = found["items"][0]["id"].clone();
    let curl = h.ok(
        "trace_export",
        json!({"runId": null, "ids": [one], "format": "curl"}),
    );
    let curl = curl.as_str().unwrap();
    assert!(
        curl.contains("curl -X POST") && curl.contains("${GATEWAY_API_KEY}"),
        "{curl}"
    );
    let e = h.err(
        "trace_export",
        json!({"runId": "run-nope", "ids": [], "format": "har"}),
    );
    assert_eq!(e["details"]["field"], "ids", "{e}");

    // History: the deployment and the conversation.
    let history = h.ok("history_list", json!({"limit": 50}));
    let kinds: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"deployment") && kinds.contains(&"agent"),
        "{history}"
    );
    let deletion = history
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "deployment")
        .unwrap();
    assert_eq!(deletion["title"], "Delete sandbox-apim", "{deletion}");
    assert_eq!(deletion["outcome"], "passed");

    // Storage, retention (0 is refused; keep 2), then purge everything.
    assert!(
        database_text(dir.path()).contains("fp_sandbox"),
        "the gateway's answers are stored"
    );
    let storage = h.ok("trace_storage", json!({}));
    let count = storage["stats"]["exchanges"].as_u64().unwrap();
    assert_eq!(count, items.len() as u64);
    assert!(storage["stats"]["databaseBytes"].as_u64().unwrap() > 0);
    assert_eq!(
        storage["retention"],
        json!({"days": null, "maxExchanges": null})
    );
    let e = h.err(
        "trace_retention_set",
        json!({"retention": {"days": 0, "maxExchanges": null}}),
    );
    assert_eq!(e["details"]["field"], "days", "{e}");
    let purged = h.ok(
        "trace_retention_set",
        json!({"retention": {"days": 30, "maxExchanges": 2}}),
    );
    assert_eq!(purged["deleted"].as_u64().unwrap(), count - 2);
    assert_eq!(
        h.ok("trace_storage", json!({}))["retention"]["maxExchanges"],
        2
    );
    let purged = h.ok("trace_purge", json!({"olderThanDays": null}));
    assert_eq!(purged["deleted"], 2);
    assert_eq!(h.ok("trace_storage", json!({}))["stats"]["exchanges"], 0);
    assert!(
        !database_text(dir.path()).contains("fp_sandbox"),
        "purged bodies are gone from the file"
    );
    h.stop();
}
