//! What several suites share: the app through Tauri's real IPC and ACL layers over a data
//! folder (a second harness on the same folder is an app restart), and the database's bytes,
//! for "no secret reached SQLite" checks.

use std::path::Path;
use std::sync::Arc;

use gateway_studio::state::AppState;
use gateway_studio_core::paths::Paths;
use gateway_studio_core::secrets::KeyringStore;
use gateway_studio_core::store::Store;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

pub struct Harness {
    pub app: App<MockRuntime>,
    pub main: WebviewWindow<MockRuntime>,
}

/// The app over `dir`, recovered as at start (interrupted runs and conversations marked), with
/// the real Secret Service under a service name of the test process's own.
pub fn harness(dir: &Path) -> Harness {
    let paths = Paths::under(dir);
    let store = tauri::async_runtime::block_on(Store::open(&paths.database()));
    if let Ok(store) = &store {
        tauri::async_runtime::block_on(gateway_studio::recover_interrupted(store));
    }
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
    Harness { app, main }
}

impl Harness {
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: self.app.invoke_key().to_string(),
        };
        get_ipc_response(&self.main, request).map(|body| body.deserialize::<Value>().unwrap())
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args.clone())
            .unwrap_or_else(|e| panic!("{cmd}({args}) failed: {e}"))
    }

    pub fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args.clone()) {
            Ok(v) => panic!("{cmd}({args}) should fail, returned {v}"),
            Err(e) => e,
        }
    }

    /// Stops the sandbox, as the app does when another cloud is chosen.
    pub fn stop(self) {
        let _ = self.call("cloud_select", serde_json::json!({"cloud": "public"}));
    }
}

/// Every byte of the data folder's SQLite files (WAL included), as text.
pub fn database_text(dir: &Path) -> String {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with("gateway-studio.sqlite")
        {
            bytes.extend(std::fs::read(entry.path()).unwrap());
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
