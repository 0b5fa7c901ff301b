//! `gateway-studio check FILE`: the gateway checks from the command line, for pipelines.
//! Exit 0 when no check failed, 1 when one did, 2 on bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use gateway_studio_core::checks::runs::{Runs, new_run_id};
use gateway_studio_core::checks::{
    CheckId, CheckOptions, CheckResult, CheckRunner, CheckSecrets, CheckStatus, RunEvent,
    RunOutcome,
};
use gateway_studio_core::connection::SecretSlot;
use gateway_studio_core::net::HttpClient;
use gateway_studio_core::paths::Paths;
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::settings::{Settings, network_options};
use gateway_studio_core::store::Store;
use tokio_util::sync::CancellationToken;

use super::{Format, emit, env_secret, read_connection};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// ARM connection JSON.
    file: PathBuf,
    /// Deployment to call (repeatable). Default: the static models (first 5), or the first
    /// deployment the gateway lists.
    #[arg(long = "model", value_name = "DEPLOYMENT")]
    models: Vec<String>,
    /// Environment variable holding the API key. Default: GATEWAY_API_KEY when set, else a
    /// key in FILE.
    #[arg(long, value_name = "VAR")]
    api_key_env: Option<String>,
    /// Environment variable holding the OAuth2 client secret. Default: GATEWAY_CLIENT_SECRET
    /// when set, else a secret in FILE.
    #[arg(long, value_name = "VAR")]
    client_secret_env: Option<String>,
    /// ProjectManagedIdentity: environment variable holding a stand-in bearer token for the
    /// audience (e.g. from `az account get-access-token --resource <audience>`).
    #[arg(long, value_name = "VAR")]
    bearer_token_env: Option<String>,
    /// Only these checks (comma-separated): config, reachability, auth-token, discovery-list,
    /// discovery-get, models, chat, tools, stream.
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    only: Vec<String>,
    /// Per-request timeout in seconds.
    #[arg(long, value_name = "SECS")]
    timeout: Option<u64>,
    /// A PEM file of CAs to trust besides the OS roots (repeatable). Adds to the bundles in
    /// Settings → Network.
    #[arg(long = "ca-bundle", value_name = "PEM")]
    ca_bundles: Vec<String>,
    /// `text` to read, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn bad_input(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

pub fn check(args: CheckArgs, paths: &Paths) -> ExitCode {
    let imported = match read_connection(&args.file) {
        Ok(imported) => imported,
        Err(code) => return code,
    };
    let mut only = Vec::new();
    for id in args.only.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match CheckId::parse(id) {
            Some(id) => only.push(id),
            None => {
                let known: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
                return bad_input(format!(
                    "--only {id}: no such check. Use one or more of {}.",
                    known.join(", ")
                ));
            }
        }
    }
    let from_file = |slot| {
        imported
            .secrets
            .iter()
            .find(|s| s.slot == slot)
            .map(|s| &s.value)
    };
    let secrets = (|| {
        Ok::<_, String>(CheckSecrets {
            api_key: env_secret(
                "--api-key-env",
                args.api_key_env.as_deref(),
                SecretSlot::ApiKey,
                from_file(SecretSlot::ApiKey),
            )?,
            client_secret: env_secret(
                "--client-secret-env",
                args.client_secret_env.as_deref(),
                SecretSlot::ClientSecret,
                from_file(SecretSlot::ClientSecret),
            )?,
            bearer_token: match args.bearer_token_env.as_deref() {
                Some(var) => match std::env::var(var) {
                    Ok(v) if !v.is_empty() => Some(Sensitive::new(v)),
                    _ => {
                        return Err(format!(
                            "--bearer-token-env {var}: the environment variable {var} is not set or empty."
                        ));
                    }
                },
                None => None,
            },
        })
    })();
    let secrets = match secrets {
        Ok(s) => s,
        Err(message) => return bad_input(message),
    };
    if args.timeout == Some(0) {
        return bad_input("--timeout 0: give a timeout of at least 1 second.".into());
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return bad_input(format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(run(args, paths, imported, secrets, only))
}

async fn run(
    args: CheckArgs,
    paths: &Paths,
    imported: gateway_studio_core::connection::ImportedConnection,
    secrets: CheckSecrets,
    only: Vec<CheckId>,
) -> ExitCode {
    // Runs are kept in the data folder when it can be written; a check never fails for that.
    let store = match Store::open(&paths.database()).await {
        Ok(store) => Some(store),
        Err(e) => {
            eprintln!("note: this run will not be kept in history: {e}");
            None
        }
    };
    let settings = match &store {
        Some(store) => Settings::load(store).await.unwrap_or_default(),
        None => Settings::default(),
    };
    let mut ca_files = settings.network.ca_bundles.clone();
    ca_files.extend(args.ca_bundles.iter().cloned());
    let http = match network_options(&ca_files)
        .and_then(|o| HttpClient::new(&o).map_err(|e| e.to_string()))
    {
        Ok(http) => http,
        Err(message) => return bad_input(message),
    };
    let options = CheckOptions {
        deployments: args.models.clone(),
        only,
        timeout_secs: args.timeout.unwrap_or(settings.network.check_timeout_secs),
        ..CheckOptions::default()
    };
    let run_id = new_run_id();
    let name = imported.connection.name.clone().or_else(|| {
        args.file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
    });
    if let Some(store) = &store
        && let Err(e) = Runs::new(store)
            .create(&run_id, None, name.as_deref(), &options)
            .await
    {
        eprintln!("note: this run will not be kept in history: {e}");
    }

    let (events, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let recorder = {
        let store = store.clone();
        let run_id = run_id.clone();
        tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                if let Some(store) = &store
                    && let Err(e) = Runs::new(store).record(&run_id, &event).await
                {
                    tracing::warn!("cannot store a check event: {e}");
                }
                drop::<RunEvent>(event);
            }
        })
    };
    let cancel = CancellationToken::new();
    let ctrl_c = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("cancelling…");
                cancel.cancel();
            }
        })
    };
    let runner = CheckRunner::new(http);
    let results = runner
        .run(
            &run_id,
            &imported.connection,
            imported.findings.clone(),
            secrets,
            &options,
            cancel.clone(),
            events,
        )
        .await;
    ctrl_c.abort();
    let _ = recorder.await;
    let outcome = RunOutcome::of(&results, cancel.is_cancelled());
    if let Some(store) = &store {
        let _ = Runs::new(store).finish(&run_id, outcome).await;
    }
    let text = match args.format {
        Format::Json => json_report(&results, &run_id, store.is_some()),
        Format::Text => text_report(&args.file, &results, &run_id, store.is_some()),
    };
    if let Err(code) = emit(&text) {
        return code;
    }
    match outcome {
        RunOutcome::Failed => ExitCode::FAILURE,
        RunOutcome::Cancelled => ExitCode::from(130),
        _ => ExitCode::SUCCESS,
    }
}

fn json_report(results: &[CheckResult], run_id: &str, kept: bool) -> String {
    #[derive(serde::Serialize)]
    struct Check<'a> {
        id: &'a str,
        deployment: Option<&'a str>,
        status: &'a str,
        duration_ms: u64,
        message: &'a str,
        hint: Option<&'a str>,
        details: &'a [String],
    }
    #[derive(serde::Serialize)]
    struct Report<'a> {
        ok: bool,
        run_id: Option<&'a str>,
        checks: Vec<Check<'a>>,
    }
    let report = Report {
        ok: !results.iter().any(|r| r.status == CheckStatus::Fail),
        run_id: kept.then_some(run_id),
        checks: results
            .iter()
            .map(|r| Check {
                id: r.id.as_str(),
                deployment: r.deployment.as_deref(),
                status: r.status.as_str(),
                duration_ms: r.duration_ms,
                message: &r.message,
                hint: r.hint.as_deref(),
                details: &r.details,
            })
            .collect(),
    };
    match serde_json::to_string_pretty(&report) {
        Ok(json) => format!("{json}\n"),
        Err(e) => format!("{{\"ok\":false,\"error\":\"cannot write JSON: {e}\"}}\n"),
    }
}

fn text_report(file: &Path, results: &[CheckResult], run_id: &str, kept: bool) -> String {
    let mut out = format!("Checks for {}\n\n", file.display());
    for r in results {
        let label = match &r.deployment {
            Some(d) => format!("{} {d}", r.id.as_str()),
            None => r.id.as_str().to_string(),
        };
        out.push_str(&format!(
            "{:<5} {label:<24} {} ({} ms)\n",
            r.status.as_str().to_uppercase(),
            r.message,
            r.duration_ms
        ));
        if matches!(r.status, CheckStatus::Fail | CheckStatus::Warn)
            && let Some(hint) = &r.hint
        {
            out.push_str(&format!("      fix: {hint}\n"));
        }
        if r.status != CheckStatus::Pass {
            for line in r.details.iter().take(10) {
                out.push_str(&format!("      · {line}\n"));
            }
        }
    }
    let count = |s| results.iter().filter(|r| r.status == s).count();
    out.push_str(&format!(
        "\n{} passed, {} warned, {} failed, {} skipped",
        count(CheckStatus::Pass),
        count(CheckStatus::Warn),
        count(CheckStatus::Fail),
        count(CheckStatus::Skip)
    ));
    if kept {
        out.push_str(&format!(" · run {run_id} (kept in history)"));
    }
    out.push('\n');
    out
}
