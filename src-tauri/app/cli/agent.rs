//! `gateway-studio agent run`: one prompt to a prompt agent whose model is
//! `<connection>/<deployment>`, answered to the end (function calls of the sample tool get an
//! output), then cleaned up. `--local FILE` runs the agent loop inside the app against the
//! gateway of the connection in FILE: no Foundry, no deployment needed.
//! Exit 0 with a reply, 1 when the run failed (the service or gateway said why), 2 on bad input.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Args;
use gateway_studio_core::agent_service::{CredentialInputs, MODEL_FORM, sample_tool, split_model};
use gateway_studio_core::checks::runs::new_run_id;
use gateway_studio_core::connection::{ConnectionAuth, ImportedConnection, SecretSlot};
use gateway_studio_core::foundry::FoundryClient;
use gateway_studio_core::oauth2::TokenClient;
use gateway_studio_core::paths::Paths;
use gateway_studio_core::playground::{
    FoundryResources, History, HistoryError, LocalStart, PlaygroundMode, PlaygroundSettings,
    PromptRun, Session, TurnError, clean_up, foundry_error, new_conversation_id,
};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::store::Store;
use gateway_studio_core::trace::{TraceExchange, Traces};

use super::{Format, emit, env_secret, read_connection, redact};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The agent's model: `<connection-name>/<deployment-name>`, e.g. `my-gateway/gpt-4o`.
    #[arg(long, value_name = "CONNECTION/DEPLOYMENT")]
    model: String,
    /// What the user says.
    #[arg(long, value_name = "TEXT")]
    prompt: String,
    /// The agent's instructions (its system message).
    #[arg(long, value_name = "TEXT")]
    instructions: Option<String>,
    /// Offer the sample function tool `get_weather`; its output is made up (or --tool-output).
    #[arg(long = "tool", value_name = "NAME", value_parser = [sample_tool::NAME])]
    tools: Vec<String>,
    /// The output to give every call of the tool, instead of a made-up one.
    #[arg(long, value_name = "TEXT", requires = "tools")]
    tool_output: Option<String>,
    /// The agent's sampling temperature, 0 to 2.
    #[arg(long, value_name = "T")]
    temperature: Option<f64>,
    /// The Foundry project endpoint the agent runs in:
    /// `https://{account}.services.ai.azure.com/api/projects/{project}` (or a running
    /// `gateway-studio sandbox`'s `project_endpoint`). A test agent version is created there
    /// and deleted when the run ends.
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "local",
        conflicts_with = "local"
    )]
    project_endpoint: Option<String>,
    /// The Azure cloud, for the data plane's token scope.
    #[arg(long, value_enum, default_value_t = super::azure::CliCloud::Public, requires = "project_endpoint")]
    cloud: super::azure::CliCloud,
    /// Use the bearer token in environment variable VAR (scope https://ai.azure.com/.default)
    /// instead of signing in. Required with --cloud sandbox (its `token`).
    #[arg(long, value_name = "VAR", requires = "project_endpoint")]
    access_token_env: Option<String>,
    /// Run the agent loop inside Gateway Studio against the gateway of the connection in FILE
    /// (ARM connection JSON), instead of in Foundry.
    #[arg(long, value_name = "FILE")]
    local: Option<PathBuf>,
    /// With --local: environment variable holding the API key. Default: GATEWAY_API_KEY, else
    /// a key in FILE.
    #[arg(long, value_name = "VAR", requires = "local")]
    api_key_env: Option<String>,
    /// With --local: environment variable holding the OAuth2 client secret. Default:
    /// GATEWAY_CLIENT_SECRET, else FILE.
    #[arg(long, value_name = "VAR", requires = "local")]
    client_secret_env: Option<String>,
    /// With --local and ProjectManagedIdentity: environment variable holding a stand-in token
    /// for the audience (the app never holds the project's identity).
    #[arg(long, value_name = "VAR", requires = "local")]
    bearer_token_env: Option<String>,
    /// `text` to read, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

struct Failed {
    code: u8,
    message: String,
}

fn usage(message: impl Into<String>) -> Failed {
    Failed {
        code: 2,
        message: message.into(),
    }
}

pub fn run(args: RunArgs, paths: &Paths) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let imported = match &args.local {
        Some(file) => match read_connection(file) {
            Ok(imported) => Some(imported),
            Err(code) => return code,
        },
        None => None,
    };
    // A local run holds the file's secrets: whatever it prints is masked, as `check` does.
    let mask = |text: &str| match &imported {
        Some(imported) => redact(text, imported),
        None => text.to_string(),
    };
    match runtime.block_on(run_agent(&args, paths, imported.as_ref())) {
        Ok(text) => match emit(&mask(&text)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Err(failed) => {
            eprintln!("error: {}", mask(&failed.message));
            ExitCode::from(failed.code)
        }
    }
}

/// One prompt through a playground session, local or in Foundry: started, answered to the
/// end, ended (what Foundry got is deleted, also after a failure), its trace kept.
async fn run_agent(
    args: &RunArgs,
    paths: &Paths,
    imported: Option<&ImportedConnection>,
) -> Result<String, Failed> {
    let Some((connection_name, deployment)) = split_model(&args.model) else {
        return Err(usage(format!(
            "--model {}: a gateway model is written {MODEL_FORM}, e.g. my-gateway/gpt-4o.",
            args.model
        )));
    };
    let settings = PlaygroundSettings {
        deployment: deployment.to_string(),
        instructions: args.instructions.clone().unwrap_or_default(),
        sample_tool: args.tools.iter().any(|t| t == sample_tool::NAME),
        temperature: args.temperature,
    }
    .checked()
    .map_err(|(field, message)| {
        let flag = if field == "deployment" {
            "model"
        } else {
            field
        };
        usage(format!("--{flag}: {message}"))
    })?;
    let started = std::time::Instant::now();
    // A service principal's token requests, kept with the command's other exchanges.
    let sign_in: Arc<Mutex<Vec<TraceExchange>>> = Arc::default();
    let (mut session, store) = match imported {
        Some(imported) => start_local(args, paths, imported, connection_name, settings).await?,
        None => start_foundry(args, paths, connection_name, settings, &sign_in).await?,
    };
    let fixed = args.tool_output.clone();
    let answer = move |name: &str, arguments: &str| {
        (name == sample_tool::NAME).then(|| {
            fixed
                .clone()
                .unwrap_or_else(|| sample_tool::auto_output(arguments))
        })
    };
    // Kept as the window keeps a conversation: the History page lists command-line runs too,
    // and a test agent this command could not delete (or a run cut short) is offered for
    // deletion when the app next starts.
    let history = store.as_ref().map(History::new);
    let remembered = match &history {
        Some(history) => remember(history.open(&session, None, connection_name).await),
        None => false,
    };
    let mut run = session.run_prompt(&args.prompt, &answer).await;
    let resources = session.foundry_resources();
    let (cleaned, exchanges) = session.end().await;
    run.traces.extend(exchanges);
    run.traces.extend(std::mem::take(
        &mut *sign_in.lock().unwrap_or_else(|p| p.into_inner()),
    ));
    let run_id = new_run_id();
    let kept = keep_traces(store.as_ref(), &run_id, &mut run.traces).await;
    if let Some(history) = history.as_ref().filter(|_| remembered) {
        let mut ok = true;
        for turn in &mut run.turns {
            turn.trace_run_id = run_id.clone();
            ok = ok && remember(history.add_turn(&session.id, turn).await);
        }
        if ok {
            remember(history.close(&session.id, session.mode, &cleaned).await);
        }
    }
    let ended = Ended {
        mode: session.mode,
        resources,
        cleaned,
        run_id: kept.then_some(run_id),
        duration_ms: started.elapsed().as_millis(),
    };
    report(args, &run, &ended)
}

/// Whether the history took it; a failure is only logged (the answer matters more).
fn remember(result: Result<(), HistoryError>) -> bool {
    result
        .inspect_err(|e| tracing::warn!(error = %e, "the agent run is not in the history"))
        .is_ok()
}

/// How a session ended, for the report.
struct Ended {
    mode: PlaygroundMode,
    resources: Option<FoundryResources>,
    /// Whether what Foundry got was deleted (always fine for a local run).
    cleaned: Result<(), String>,
    /// The trace run of the whole command, when the data folder took it.
    run_id: Option<String>,
    duration_ms: u128,
}

/// Stores the command's exchanges in the data folder's traces, all under `run_id` (one
/// command is one run to list and export, whatever turns the session made); whether there
/// was anything to keep and it all went in.
async fn keep_traces(store: Option<&Store>, run_id: &str, records: &mut [TraceExchange]) -> bool {
    let Some(store) = store else { return false };
    for record in records.iter_mut() {
        record.run_id = run_id.to_string();
    }
    !records.is_empty() && Traces::new(store).insert_all(records).await.is_ok()
}

/// `Foundry run of c/d: … (code)` with the fix, what was left in Foundry, and the trace run.
fn failure_text(
    mode: PlaygroundMode,
    model: &str,
    error: &TurnError,
    left: &str,
    trace_run: Option<&str>,
) -> String {
    let mut message = format!(
        "{} of {model}: {} ({})\n  fix: {}{left}",
        mode_words(mode),
        error.message,
        error.code,
        error.fix
    );
    if let Some(run) = trace_run {
        message.push_str(&format!(
            "\n  trace: run {run} (its exchanges, secrets redacted: `gateway-studio trace list --run {run}`)"
        ));
    }
    message
}

fn mode_words(mode: PlaygroundMode) -> &'static str {
    match mode {
        PlaygroundMode::Local => "local run",
        PlaygroundMode::Foundry => "Foundry run",
    }
}

fn report(args: &RunArgs, run: &PromptRun, ended: &Ended) -> Result<String, Failed> {
    let left = match &ended.cleaned {
        Ok(()) => String::new(),
        Err(problem) => format!("\n  left in Foundry (delete it by hand): {problem}"),
    };
    if let Some(error) = &run.failure {
        return Err(Failed {
            code: 1,
            message: failure_text(
                ended.mode,
                &args.model,
                error,
                &left,
                ended.run_id.as_deref(),
            ),
        });
    }
    let usage = run.usage();
    let turns = run.turns.len();
    match args.format {
        Format::Json => {
            let mut report = serde_json::json!({
                "mode": ended.mode.as_str(),
                "model": args.model,
                "reply": run.reply(),
                "tool_calls": run.tool_calls,
                "usage": {
                    "input_tokens": usage.input_tokens,
                    "output_tokens": usage.output_tokens,
                    "total_tokens": usage.total_tokens,
                },
                "turns": turns,
                "duration_ms": ended.duration_ms,
                "run_id": ended.run_id,
            });
            if ended.mode == PlaygroundMode::Foundry {
                report["agent"] = serde_json::json!(ended.resources.as_ref().map(
                    |r| serde_json::json!({"name": r.agent_name, "version": r.agent_version})
                ));
                report["cleaned_up"] = ended.cleaned.is_ok().into();
            }
            serde_json::to_string_pretty(&report)
                .map(|s| format!("{s}\n"))
                .map_err(|e| usage_err(format!("cannot write JSON: {e}")))
        }
        Format::Text => {
            let mut out = String::new();
            for call in &run.tool_calls {
                out.push_str(&format!(
                    "tool  {}({}) → {}\n",
                    call.name, call.arguments, call.output
                ));
            }
            out.push_str(run.reply());
            let what = match (ended.mode, &ended.resources) {
                (PlaygroundMode::Local, _) => {
                    "local run (Gateway Studio played the Agent Service)".to_string()
                }
                (PlaygroundMode::Foundry, resources) => {
                    let agent = resources
                        .as_ref()
                        .map(|r| {
                            format!(
                                " · agent {} v{}",
                                r.agent_name,
                                r.agent_version.as_deref().unwrap_or("?")
                            )
                        })
                        .unwrap_or_default();
                    let deleted = if ended.cleaned.is_ok() {
                        "deleted"
                    } else {
                        "NOT deleted"
                    };
                    format!("Foundry run{agent} ({deleted})")
                }
            };
            out.push_str(&format!(
                "\n\n{what} · {} · {turns} turn{} · {} tokens · {} ms",
                args.model,
                if turns == 1 { "" } else { "s" },
                usage.total_tokens,
                ended.duration_ms
            ));
            if let Some(run) = &ended.run_id {
                out.push_str(&format!(" · trace run {run}"));
            }
            out.push_str(&left);
            out.push('\n');
            Ok(out)
        }
    }
}

fn usage_err(message: String) -> Failed {
    usage(message)
}

/// A local session against the gateway of the connection in the file: its secret from the
/// environment or the file, as `check` finds it.
async fn start_local(
    args: &RunArgs,
    paths: &Paths,
    imported: &ImportedConnection,
    connection_name: &str,
    settings: PlaygroundSettings,
) -> Result<(Session, Option<Store>), Failed> {
    let connection = imported.connection.clone();
    if let Some(name) = connection.name.as_deref()
        && !name.eq_ignore_ascii_case(connection_name)
    {
        return Err(usage(format!(
            "--model {}: the connection in the model is `{connection_name}`, but the connection in the file is `{name}`. Use --model {name}/{}.",
            args.model, settings.deployment
        )));
    }
    // The secret the auth type sends, as `check` finds it.
    let from_file = |slot| {
        imported
            .secrets
            .iter()
            .find(|s| s.slot == slot)
            .map(|s| &s.value)
    };
    let secret = match &connection.auth {
        ConnectionAuth::ApiKey { .. } => env_secret(
            "--api-key-env",
            args.api_key_env.as_deref(),
            SecretSlot::ApiKey,
            from_file(SecretSlot::ApiKey),
        ),
        ConnectionAuth::OAuth2 { .. } => env_secret(
            "--client-secret-env",
            args.client_secret_env.as_deref(),
            SecretSlot::ClientSecret,
            from_file(SecretSlot::ClientSecret),
        ),
        _ => Ok(None),
    }
    .map_err(usage)?;
    let managed_identity_token = match args.bearer_token_env.as_deref() {
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Some(Sensitive::new(v.trim().to_string())),
            _ => {
                return Err(usage(format!(
                    "--bearer-token-env {var}: the environment variable {var} is not set or empty."
                )));
            }
        },
        None => None,
    };
    if matches!(
        connection.auth,
        ConnectionAuth::ProjectManagedIdentity { .. }
    ) && managed_identity_token.is_none()
    {
        return Err(usage(
            "the connection uses ProjectManagedIdentity: Foundry would send a token of the project's identity, which Gateway Studio does not have. Pass --bearer-token-env VAR with a token for the audience (e.g. from `az account get-access-token --resource <audience>`).",
        ));
    }
    let (store, http) = super::data_and_http(paths).await.map_err(usage)?;
    let tokens = TokenClient::new(http.clone());
    let start = LocalStart {
        connection_name,
        connection,
        inputs: CredentialInputs {
            secret,
            managed_identity_token,
        },
        http,
        tokens: &tokens,
    };
    match Session::start_local(new_conversation_id(), settings, start, &[]).await {
        Ok(session) => Ok((session, store)),
        Err(mut failed) => {
            let kept = keep_traces(store.as_ref(), &failed.run_id, &mut failed.exchanges).await;
            Err(Failed {
                code: 1,
                message: failure_text(
                    PlaygroundMode::Local,
                    &args.model,
                    &failed.error,
                    "",
                    kept.then_some(failed.run_id.as_str()),
                ),
            })
        }
    }
}

/// Data-plane tokens of the sandbox: it accepts any scope; this is Public's.
const PUBLIC_FOUNDRY_SCOPE: &str = "https://ai.azure.com/.default";

/// A session in Foundry: a test agent version with the model and a conversation, in the
/// project at `--project-endpoint`. What a failed start created is deleted at once.
async fn start_foundry(
    args: &RunArgs,
    paths: &Paths,
    connection_name: &str,
    settings: PlaygroundSettings,
    sign_in: &Arc<Mutex<Vec<TraceExchange>>>,
) -> Result<(Session, Option<Store>), Failed> {
    let endpoint = args.project_endpoint.as_deref().unwrap_or_default();
    let endpoint = url::Url::parse(endpoint.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| {
            usage(format!(
                "--project-endpoint {endpoint}: not a URL. It looks like https://ACCOUNT.services.ai.azure.com/api/projects/PROJECT."
            ))
        })?;
    let cloud = args.cloud.id();
    let (store, http) = super::data_and_http(paths).await.map_err(usage)?;
    let scope = cloud
        .endpoints()
        .map(|e| e.foundry_scope)
        .unwrap_or(PUBLIC_FOUNDRY_SCOPE);
    let tokens = super::azure::token_source(
        cloud,
        scope,
        args.access_token_env.as_deref(),
        store.as_ref(),
        &http,
        Some(super::azure::into_run(sign_in, "")),
    )
    .await
    .map_err(usage)?;
    let client = FoundryClient::new(http, endpoint, scope, tokens);
    let mut created = None;
    let id = new_conversation_id();
    let session = Session::foundry(
        id.clone(),
        settings.clone(),
        connection_name,
        client.clone(),
        &[],
        &mut created,
    )
    .await;
    match session {
        Ok(session) => Ok((session, store)),
        Err(e) => {
            let problem = match &created {
                Some(resources) => clean_up(&client, resources).await.err(),
                None => None,
            };
            let mut left = String::new();
            if let (Some(problem), Some(resources)) = (&problem, &created) {
                left = format!("\n  left in Foundry (delete it by hand): {problem}");
                if let Some(store) = &store
                    && remember(
                        History::new(store)
                            .record_leftover(
                                &id,
                                &args.model,
                                None,
                                connection_name,
                                &settings,
                                resources,
                                problem,
                            )
                            .await,
                    )
                {
                    left.push_str(" (Gateway Studio offers to delete it at its next start)");
                }
            }
            Err(Failed {
                code: if e.status().is_some() { 1 } else { 2 },
                message: failure_text(
                    PlaygroundMode::Foundry,
                    &args.model,
                    &foundry_error(&e),
                    &left,
                    None,
                ),
            })
        }
    }
}
