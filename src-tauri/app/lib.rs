//! The Tauri shell: command-line entry, window start-up and thin IPC adapters over
//! `gateway_studio_core`. No domain logic lives here.

pub mod azure;
pub mod checks;
pub mod cli;
pub mod close_guard;
pub mod error;
pub mod ipc;
pub mod playground;
pub mod sandbox;
pub mod state;

use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Instant;

use clap::Parser;
use gateway_studio_core::{logging, paths::Paths, store::Store};

static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Milliseconds since `main` began; the start-up benchmark reads it at first paint.
pub fn since_start_ms() -> f64 {
    PROCESS_START
        .get_or_init(Instant::now)
        .elapsed()
        .as_secs_f64()
        * 1000.0
}

pub fn main() -> ExitCode {
    PROCESS_START.get_or_init(Instant::now);
    let cli = cli::Cli::parse();
    let paths = match Paths::resolve(cli.data_dir.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Some(command) => cli::run(command, &paths),
        None => open_window(paths),
    }
}

fn open_window(paths: Paths) -> ExitCode {
    let _log = logging::init(&paths.log_dir);
    tracing::info!(version = gateway_studio_core::VERSION, data_dir = %paths.data_dir.display(), "starting");

    // A database we may not touch does not stop the window: the UI explains it.
    let store = tauri::async_runtime::block_on(Store::open(&paths.database()));
    match &store {
        Err(e) => tracing::error!("{e}"),
        Ok(store) => tauri::async_runtime::block_on(recover_interrupted(store)),
    }
    let result = configure(
        tauri::Builder::default(),
        state::AppState::new(paths, store),
    )
    .build(tauri::generate_context!())
    .map(|app| {
        app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                // Test agents of open playground conversations are deleted before the app goes.
                let state = tauri::Manager::state::<state::AppState>(handle);
                tauri::async_runtime::block_on(playground::finish_all(
                    &state,
                    std::time::Duration::from_secs(5),
                ));
            }
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("the window could not start: {e}");
            eprintln!("error: the window could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Everything the window needs besides its context; the IPC tests use it with Tauri's mock
/// runtime so they exercise the same handlers and capabilities as the app.
/// What a previous process left unfinished: check runs still `running` and playground
/// conversations still `open` are marked interrupted (their Foundry test agents are then
/// offered for deletion); traces past their retention are purged.
pub async fn recover_interrupted(store: &Store) {
    let runs = gateway_studio_core::checks::runs::Runs::new(store);
    if let Ok(n @ 1..) = runs.mark_interrupted().await {
        tracing::warn!(runs = n, "marked interrupted check runs");
    }
    let history = gateway_studio_core::playground::History::new(store);
    if let Ok(n @ 1..) = history.mark_interrupted().await {
        tracing::warn!(
            conversations = n,
            "marked interrupted playground conversations"
        );
    }
    // The traces' retention rule, applied at every start.
    let traces = gateway_studio_core::trace::Traces::new(store);
    if let Ok(rule) = traces.retention().await
        && (rule.days.is_some() || rule.max_exchanges.is_some())
    {
        match traces
            .purge(&rule, gateway_studio_core::checks::runs::now_ms())
            .await
        {
            Ok(purged) if purged.deleted > 0 => {
                tracing::info!(
                    deleted = purged.deleted,
                    "purged traces past their retention"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not purge old traces"),
        }
    }
}

pub fn configure<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: state::AppState,
) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(ipc::specta_builder::<R>().invoke_handler())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let state = tauri::Manager::state::<state::AppState>(window);
                let closing = window.clone();
                if state.close_guard.hold(Box::new(move || {
                    let _ = closing.destroy();
                })) {
                    api.prevent_close();
                }
            }
        })
}
