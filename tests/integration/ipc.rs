//! The IPC surface through Tauri's real command and ACL layers (mock runtime, no display),
//! with the app's own tauri.conf.json and capabilities.

use std::sync::Arc;

use gateway_studio::state::AppState;
use gateway_studio_core::paths::Paths;
use gateway_studio_core::secrets::KeyringStore;
use gateway_studio_core::store::{Store, StoreError};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

struct Harness {
    _dir: tempfile::TempDir,
    app: App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
}

fn harness_with(store: impl FnOnce(&Paths) -> Result<Store, StoreError>) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let store = store(&paths);
    // The real Secret Service (make test runs under dbus-run-session with gnome-keyring), under
    // a service name of its own so tests never touch the user's entries.
    let keyring = KeyringStore::new(format!("gateway-studio-test-{}", std::process::id()));
    let mut state = AppState::with_secrets(paths, store, Arc::new(keyring));
    // Suites run side by side: each app's sandbox on free ports, never another's.
    state.sandbox = gateway_studio::sandbox::SandboxService::on_free_ports();
    let app = gateway_studio::configure(mock_builder(), state)
        .build(tauri::generate_context!(test = true))
        .expect("mock app builds");
    let main = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        _dir: dir,
        app,
        main,
    }
}

fn harness() -> Harness {
    harness_with(|paths| tauri::async_runtime::block_on(Store::open(&paths.database())))
}

fn invoke(
    h: &Harness,
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: h.app.invoke_key().to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn app_info_reports_folders_and_a_ready_database() {
    let h = harness();
    let info = invoke(&h, &h.main, "app_info", json!({})).unwrap();
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        info["databasePath"]
            .as_str()
            .unwrap()
            .ends_with("gateway-studio.sqlite")
    );
    assert!(info["logDir"].as_str().unwrap().ends_with("logs"));
    assert_eq!(info["storage"]["status"], "ready");
    assert_eq!(
        info["storage"]["schemaVersion"],
        info["storage"]["supportedSchemaVersion"]
    );
    assert!(info["storage"]["bytes"].as_i64().unwrap() > 0);
}

#[test]
fn settings_are_saved_and_read_back() {
    let h = harness();
    assert_eq!(
        invoke(&h, &h.main, "settings_get", json!({})).unwrap(),
        json!({"theme": "system", "network": {"caBundles": [], "checkTimeoutSecs": 30}, "cloud": "public", "welcomed": false})
    );
    let saved = invoke(
        &h,
        &h.main,
        "settings_set",
        json!({"settings": {"theme": "dark", "welcomed": true, "cloud": "sandbox"}}),
    )
    .unwrap();
    // A settings object without `network` (an older UI) keeps the defaults; the cloud is
    // not switched by a settings save (only `cloud_select` does that).
    let dark = json!({"theme": "dark", "network": {"caBundles": [], "checkTimeoutSecs": 30}, "cloud": "public", "welcomed": true});
    assert_eq!(saved, dark);
    assert_eq!(
        invoke(&h, &h.main, "settings_get", json!({})).unwrap(),
        dark
    );
    // A client that leaves `welcomed` out does not bring the first-run screen back.
    let saved = invoke(
        &h,
        &h.main,
        "settings_set",
        json!({"settings": {"theme": "light"}}),
    )
    .unwrap();
    assert_eq!(saved["welcomed"], true);
}

#[test]
fn a_bad_argument_is_rejected_by_the_command_layer() {
    let h = harness();
    let err = invoke(
        &h,
        &h.main,
        "settings_set",
        json!({"settings": {"theme": "sepia"}}),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("sepia") || text.contains("unknown variant"),
        "{text}"
    );
}

#[test]
fn errors_cross_the_boundary_as_kind_tagged_data() {
    let h = harness_with(|paths| {
        Err(StoreError::SchemaTooNew {
            path: paths.database(),
            found: 99,
            supported: 1,
        })
    });
    let err = invoke(&h, &h.main, "settings_get", json!({})).unwrap_err();
    assert_eq!(err["kind"], "schemaTooNew");
    assert_eq!(err["details"]["found"], 99);
    assert_eq!(err["details"]["supported"], 1);
    assert!(err["message"].as_str().unwrap().contains("left untouched"));

    // app_info still answers, so the window can explain the problem.
    let info = invoke(&h, &h.main, "app_info", json!({})).unwrap();
    assert_eq!(info["storage"]["status"], "unavailable");
    assert_eq!(info["storage"]["error"]["kind"], "schemaTooNew");
}

#[test]
fn only_the_main_window_may_call_commands_and_no_plugins_are_exposed() {
    let h = harness();
    let other = WebviewWindowBuilder::new(&h.app, "other", Default::default())
        .build()
        .unwrap();
    let denied = invoke(&h, &other, "app_info", json!({})).unwrap_err();
    assert!(denied.to_string().contains("not allowed"), "{denied}");

    for plugin_cmd in [
        "plugin:shell|open",
        "plugin:fs|read_file",
        "plugin:window|close",
    ] {
        let err = invoke(&h, &h.main, plugin_cmd, json!({})).unwrap_err();
        assert!(
            err.to_string().contains("not allowed") || err.to_string().contains("not found"),
            "{plugin_cmd}: {err}"
        );
    }
}

#[test]
fn a_connection_draft_is_saved_with_its_key_in_the_keyring_and_never_echoed() {
    let h = harness();
    let mut connection = invoke(
        &h,
        &h.main,
        "connection_template",
        json!({"category": "ApiManagement"}),
    )
    .unwrap();
    assert_eq!(connection["metadata"]["deploymentInPath"], true);
    connection["name"] = json!("apim-gw");
    connection["target"] = json!("https://contoso.azure-api.net/openai");

    let inspection = invoke(
        &h,
        &h.main,
        "connection_inspect",
        json!({"connection": connection}),
    )
    .unwrap();
    let preview = inspection["armBody"].as_str().unwrap();
    let body: Value = serde_json::from_str(preview).unwrap();
    assert_eq!(body["properties"]["metadata"]["deploymentInPath"], "true");
    // The preview keeps the samples' key order: category, target, authType, ...
    let at = |key: &str| preview.find(&format!("\"{key}\"")).unwrap();
    assert!(
        at("category") < at("target") && at("target") < at("authType"),
        "{preview}"
    );
    assert!(
        inspection["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "properties.credentials.key"),
        "a missing key is a finding: {inspection}"
    );

    let secret = "sk-ipc-canary-4242";
    let draft = invoke(
        &h,
        &h.main,
        "connection_save",
        json!({"id": null, "connection": connection, "secrets": [{"slot": "apiKey", "value": secret}]}),
    )
    .unwrap();
    assert!(!draft.to_string().contains(secret));
    assert_eq!(draft["storedSecrets"], json!(["apiKey"]));
    assert_eq!(
        draft["connection"]["auth"]["key"],
        json!({"slot": "apiKey"})
    );
    let id = draft["id"].as_str().unwrap().to_string();

    let list = invoke(&h, &h.main, "connection_list", json!({})).unwrap();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["models"]["kind"], "apimDefaults");
    assert!(!list.to_string().contains(secret));

    let again = invoke(&h, &h.main, "connection_get", json!({"id": id})).unwrap();
    assert_eq!(again["connection"], draft["connection"]);
    let inspection = invoke(
        &h,
        &h.main,
        "connection_inspect",
        json!({"connection": again["connection"]}),
    )
    .unwrap();
    assert!(!inspection["armBody"].as_str().unwrap().contains(secret));

    invoke(&h, &h.main, "connection_delete", json!({"id": id})).unwrap();
    let err = invoke(&h, &h.main, "connection_get", json!({"id": id})).unwrap_err();
    assert_eq!(err["kind"], "notFound");
    assert_eq!(err["details"]["what"], "connection draft");
}

#[test]
fn a_category_change_keeps_typed_values() {
    let h = harness();
    let mut connection = invoke(
        &h,
        &h.main,
        "connection_template",
        json!({"category": "ModelGateway"}),
    )
    .unwrap();
    connection["target"] = json!("https://gw.example.com/v1");
    let moved = invoke(
        &h,
        &h.main,
        "connection_with_category",
        json!({"connection": connection, "category": "ApiManagement"}),
    )
    .unwrap();
    assert_eq!(moved["category"], "ApiManagement");
    assert_eq!(moved["target"], "https://gw.example.com/v1");
    assert_eq!(moved["metadata"]["deploymentInPath"], true);
}

#[test]
fn export_and_import_go_through_the_core() {
    let h = harness();
    let mut connection = invoke(
        &h,
        &h.main,
        "connection_template",
        json!({"category": "ModelGateway"}),
    )
    .unwrap();
    let err = invoke(
        &h,
        &h.main,
        "connection_export",
        json!({"connection": connection, "format": "bicep"}),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert_eq!(err["details"]["field"], "name");

    connection["name"] = json!("gw");
    connection["target"] = json!("https://gw.example.com");
    let arm = invoke(
        &h,
        &h.main,
        "connection_export",
        json!({"connection": connection, "format": "arm"}),
    )
    .unwrap();
    let imported = invoke(
        &h,
        &h.main,
        "connection_import",
        json!({"text": arm.as_str().unwrap()}),
    )
    .unwrap();
    assert_eq!(imported["draft"]["connection"]["name"], "gw");
    assert_eq!(imported["draft"]["storedSecrets"], json!([]));

    let err = invoke(
        &h,
        &h.main,
        "connection_import",
        json!({"text": "{\"properties\": 3}"}),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "invalidFile");
}

#[test]
fn check_runs_and_exchanges_are_listed_and_missing_ones_explained() {
    let h = harness();
    assert_eq!(
        invoke(&h, &h.main, "check_run_list", json!({"draftId": null})).unwrap(),
        json!([])
    );
    let err = invoke(&h, &h.main, "check_run_get", json!({"runId": "run-x"})).unwrap_err();
    assert_eq!(err["kind"], "notFound");
    assert_eq!(err["details"]["what"], "check run");
    let err = invoke(&h, &h.main, "trace_exchange_get", json!({"id": "x-1"})).unwrap_err();
    assert_eq!(err["kind"], "notFound");
    assert!(err["message"].as_str().unwrap().contains("x-1"));
}

/// A GET with the sandbox token through the app's own HTTP client, off the async runtime;
/// `None` when nothing answers.
fn arm_get(url: &str) -> Option<(u16, Value)> {
    use gateway_studio_core::gateway::{Header, HeaderValue};
    use gateway_studio_core::net::{HttpClient, HttpRequest, Limits, NetworkOptions};
    let request = HttpRequest {
        method: "GET".into(),
        url: url.parse().unwrap(),
        headers: vec![Header {
            name: "Authorization".into(),
            value: HeaderValue::Plain(format!(
                "Bearer {}",
                gateway_studio_sandbox::demo::DEMO_AZURE_TOKEN
            )),
        }],
        body: None,
    };
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let client = HttpClient::new(&NetworkOptions::default()).unwrap();
            let response = client.send(request, Limits::default()).await.outcome.ok()?;
            Some((
                response.status,
                serde_json::from_slice(&response.body).unwrap_or(Value::Null),
            ))
        })
    })
    .join()
    .unwrap()
}

#[test]
fn choosing_the_sandbox_cloud_starts_the_emulators_and_seeds_one_draft_per_gateway() {
    let h = harness();
    let status = invoke(&h, &h.main, "cloud_status", json!({})).unwrap();
    assert_eq!(status, json!({"cloud": "public", "sandbox": null}));

    let status = invoke(&h, &h.main, "cloud_select", json!({"cloud": "sandbox"})).unwrap();
    assert_eq!(status["cloud"], "sandbox");
    let sandbox = &status["sandbox"];
    assert_eq!(sandbox["project"], "sandbox-project");
    let text = status.to_string();
    for secret in [
        gateway_studio_sandbox::demo::DEMO_API_KEY,
        gateway_studio_sandbox::demo::DEMO_APIM_API_KEY,
        gateway_studio_sandbox::demo::DEMO_AZURE_TOKEN,
    ] {
        assert!(!text.contains(secret), "no key or token goes to the window");
    }

    // The emulated ARM answers with the seeded subscription.
    let arm = sandbox["armEndpoint"].as_str().unwrap();
    let (code, subscriptions) =
        arm_get(&format!("{arm}subscriptions?api-version=2022-12-01")).expect("ARM answers");
    assert_eq!(code, 200, "{subscriptions}");
    assert_eq!(
        subscriptions["value"][0]["subscriptionId"],
        gateway_studio_sandbox::demo::DEMO_SUBSCRIPTION_ID
    );

    // A draft per sample gateway, its demo key in the keyring (not in the draft).
    let drafts = invoke(&h, &h.main, "connection_list", json!({})).unwrap();
    let mut names: Vec<&str> = drafts
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["sandbox-apim", "sandbox-openai"]);
    for gateway in sandbox["gateways"].as_array().unwrap() {
        let id = gateway["draftId"].as_str().expect("linked to its draft");
        let draft = invoke(&h, &h.main, "connection_get", json!({"id": id})).unwrap();
        assert_eq!(draft["storedSecrets"], json!(["apiKey"]));
        assert_eq!(draft["connection"]["target"], gateway["target"]);
    }

    // Choosing it again neither restarts nor duplicates; the choice is remembered.
    let again = invoke(&h, &h.main, "cloud_select", json!({"cloud": "sandbox"})).unwrap();
    assert_eq!(again["sandbox"]["armEndpoint"], sandbox["armEndpoint"]);
    let drafts = invoke(&h, &h.main, "connection_list", json!({})).unwrap();
    assert_eq!(drafts.as_array().unwrap().len(), 2);
    let settings = invoke(&h, &h.main, "settings_get", json!({})).unwrap();
    assert_eq!(settings["cloud"], "sandbox");

    // Another cloud stops the emulators and keeps the drafts.
    let status = invoke(&h, &h.main, "cloud_select", json!({"cloud": "public"})).unwrap();
    assert_eq!(status, json!({"cloud": "public", "sandbox": null}));
    assert!(
        arm_get(&format!("{arm}subscriptions?api-version=2022-12-01")).is_none(),
        "the ARM emulator stopped"
    );
    let drafts = invoke(&h, &h.main, "connection_list", json!({})).unwrap();
    assert_eq!(drafts.as_array().unwrap().len(), 2);
}
