//! The IPC surface through Tauri's real command and ACL layers (mock runtime, no display),
//! with the app's own tauri.conf.json and capabilities.

use gateway_studio::state::AppState;
use gateway_studio_core::paths::Paths;
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
    let app = gateway_studio::configure(mock_builder(), AppState::new(paths, store))
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
        json!({"theme": "system"})
    );
    let saved = invoke(
        &h,
        &h.main,
        "settings_set",
        json!({"settings": {"theme": "dark"}}),
    )
    .unwrap();
    assert_eq!(saved, json!({"theme": "dark"}));
    assert_eq!(
        invoke(&h, &h.main, "settings_get", json!({})).unwrap(),
        json!({"theme": "dark"})
    );
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
