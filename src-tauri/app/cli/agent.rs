//! `gateway-studio agent run`: one prompt to a prompt agent whose model is
//! `<connection>/<deployment>`, answered to the end (function calls of the sample tool get an
//! output), then cleaned up. `--local FILE` runs the agent loop inside the app against the
//! gateway of the connection in FILE: no Foundry, no deployment needed.
//! Exit 0 with a reply, 1 when the run failed (the service or gateway said why), 2 on bad input.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Args;
use gateway_studio_core::agent_service::local::{
    Exchanged, LocalAgent, LocalDefinition, LocalError, converse,
};
use gateway_studio_core::agent_service::{
    CredentialInputs, MODEL_FORM, RunError, sample_tool, split_model,
};
use gateway_studio_core::checks::runs::new_run_id;
use gateway_studio_core::connection::{ConnectionAuth, SecretSlot};
use gateway_studio_core::net::Exchange;
use gateway_studio_core::oauth2::TokenClient;
use gateway_studio_core::paths::Paths;
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::trace::{Redactor, TraceExchange, TraceKind, Traces};

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
    let Some(local) = args.local.clone() else {
        return match runtime.block_on(run_foundry(&args, paths)) {
            Ok(text) => match emit(&text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => code,
            },
            Err(failed) => {
                eprintln!("error: {}", failed.message);
                ExitCode::from(failed.code)
            }
        };
    };
    let imported = match read_connection(&local) {
        Ok(imported) => imported,
        Err(code) => return code,
    };
    let result = runtime.block_on(run_local(&args, paths, &imported));
    match result {
        Ok(text) => match emit(&redact(&text, &imported)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Err(failed) => {
            eprintln!("error: {}", redact(&failed.message, &imported));
            ExitCode::from(failed.code)
        }
    }
}

/// What a run prints as JSON.
#[derive(serde::Serialize)]
struct Report<'a> {
    mode: &'static str,
    model: &'a str,
    reply: &'a str,
    tool_calls: &'a [gateway_studio_core::agent_service::local::ToolCall],
    usage: serde_json::Value,
    turns: usize,
    duration_ms: u128,
    /// The trace run holding every gateway exchange, when the data folder could be used.
    run_id: Option<&'a str>,
}

async fn run_local(
    args: &RunArgs,
    paths: &Paths,
    imported: &gateway_studio_core::connection::ImportedConnection,
) -> Result<String, Failed> {
    let Some((connection_name, deployment)) = split_model(&args.model) else {
        return Err(usage(format!(
            "--model {}: a gateway model is written {MODEL_FORM}, e.g. my-gateway/gpt-4o.",
            args.model
        )));
    };
    let connection = imported.connection.clone();
    if let Some(name) = connection.name.as_deref()
        && !name.eq_ignore_ascii_case(connection_name)
    {
        return Err(usage(format!(
            "--model {}: the connection in the model is `{connection_name}`, but the connection in the file is `{name}`. Use --model {name}/{deployment}.",
            args.model
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
    let mut redactor = Redactor::new();
    for s in secret.iter().chain(managed_identity_token.iter()) {
        redactor.add_secret(s);
    }

    let (store, http) = super::data_and_http(paths).await.map_err(usage)?;
    let tokens = TokenClient::new(http.clone());

    let mut tools = Vec::new();
    if args.tools.iter().any(|t| t == sample_tool::NAME) {
        tools.push(sample_tool::definition());
    }
    let definition = LocalDefinition {
        instructions: args.instructions.clone(),
        tools,
        temperature: args.temperature,
    };

    // Every gateway exchange, for the trace; recorded once the run's secrets are all known.
    let seen: Arc<Mutex<Vec<(String, Exchange)>>> = Arc::default();
    let mut observe = {
        let seen = seen.clone();
        move |label: &str, exchange: &Exchange| {
            seen.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((label.to_string(), exchange.clone()));
        }
    };
    let started = std::time::Instant::now();
    let inputs = CredentialInputs {
        secret,
        managed_identity_token,
    };
    let outcome: Result<Exchanged, LocalError> = async {
        let mut agent = LocalAgent::start(
            http,
            &tokens,
            connection_name,
            deployment,
            connection,
            inputs,
            definition,
            &mut observe,
        )
        .await?;
        redactor = agent.model().redactor.clone();
        let fixed = args.tool_output.clone();
        let answer = move |name: &str, arguments: &str| {
            (name == sample_tool::NAME).then(|| {
                fixed
                    .clone()
                    .unwrap_or_else(|| sample_tool::auto_output(arguments))
            })
        };
        converse(&mut agent, &args.prompt, &answer, &mut observe).await
    }
    .await;

    let run_id = new_run_id();
    let kept = match &store {
        Some(store) => {
            let traces = Traces::new(store);
            let exchanges = std::mem::take(&mut *seen.lock().unwrap_or_else(|p| p.into_inner()));
            let mut ok = true;
            for (label, exchange) in &exchanges {
                let kind = if label == "OAuth2 token" {
                    TraceKind::Token
                } else {
                    TraceKind::Gateway
                };
                let record = TraceExchange::record(&run_id, label, kind, exchange, &redactor);
                ok &= traces.insert(&record).await.is_ok();
            }
            ok && !exchanges.is_empty()
        }
        None => false,
    };

    let exchanged = outcome.map_err(|e| {
        let (code, message) = match &e {
            LocalError::Input { .. } => (2, e.to_string()),
            LocalError::Run(run) => (1, explain(run)),
        };
        let mut message = format!("local run of {}: {message}", args.model);
        if kept {
            message.push_str(&format!(
                "\n  trace: run {run_id} (every gateway exchange, secrets redacted)"
            ));
        }
        Failed { code, message }
    })?;
    let usage = exchanged.turns.iter().fold(
        serde_json::json!({"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}),
        |mut sum, turn| {
            for key in ["input_tokens", "output_tokens", "total_tokens"] {
                let add = turn
                    .usage
                    .get(key)
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0);
                let now = sum[key].as_u64().unwrap_or(0);
                sum[key] = (now + add).into();
            }
            sum
        },
    );
    let duration_ms = started.elapsed().as_millis();
    match args.format {
        Format::Json => {
            let report = Report {
                mode: "local",
                model: &args.model,
                reply: &exchanged.reply,
                tool_calls: &exchanged.tool_calls,
                usage,
                turns: exchanged.turns.len(),
                duration_ms,
                run_id: kept.then_some(run_id.as_str()),
            };
            serde_json::to_string_pretty(&report)
                .map(|s| format!("{s}\n"))
                .map_err(|e| usage_err(format!("cannot write JSON: {e}")))
        }
        Format::Text => {
            let mut out = String::new();
            for call in &exchanged.tool_calls {
                out.push_str(&format!(
                    "tool  {}({}) → {}\n",
                    call.name, call.arguments, call.output
                ));
            }
            out.push_str(&exchanged.reply);
            out.push_str(&format!(
                "\n\nlocal run (Gateway Studio played the Agent Service) · {} · {} turn{} · {} tokens · {duration_ms} ms",
                args.model,
                exchanged.turns.len(),
                if exchanged.turns.len() == 1 { "" } else { "s" },
                usage["total_tokens"]
            ));
            if kept {
                out.push_str(&format!(" · trace run {run_id}"));
            }
            out.push('\n');
            Ok(out)
        }
    }
}

fn usage_err(message: String) -> Failed {
    usage(message)
}

/// The service's words for a failed run, and what to change.
fn explain(error: &RunError) -> String {
    let fix = match error {
        RunError::ModelNotFound(_) => format!(
            "write the model as {MODEL_FORM}: the connection's name, a slash, the deployment."
        ),
        RunError::DeploymentNotFound(_) => "use a deployment the connection lists (its static `models`, or one the gateway's discovery knows); only prompt agents can use gateway models.".to_string(),
        RunError::Gateway(_) => "the gateway behind the connection failed: check it with `gateway-studio check FILE`.".to_string(),
    };
    format!("{} ({})\n  fix: {fix}", error.message(), error.code())
}

/// Data-plane tokens of the sandbox: it accepts any scope; this is Public's.
const PUBLIC_FOUNDRY_SCOPE: &str = "https://ai.azure.com/.default";

/// The agent in Foundry: a test agent version with the model, a conversation, the prompt and
/// the answers to its function calls, then both deleted (also when the run failed).
async fn run_foundry(args: &RunArgs, paths: &Paths) -> Result<String, Failed> {
    use gateway_studio_core::playground::{
        PlaygroundSettings, Session, ToolOutput, TurnInput, foundry_error,
    };

    let Some((connection_name, deployment)) = split_model(&args.model) else {
        return Err(usage(format!(
            "--model {}: a gateway model is written {MODEL_FORM}, e.g. my-gateway/gpt-4o.",
            args.model
        )));
    };
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
    let tokens = super::azure::token_source(
        cloud,
        args.access_token_env.as_deref(),
        store.as_ref(),
        &http,
    )
    .await
    .map_err(usage)?;
    let scope = cloud
        .endpoints()
        .map(|e| e.foundry_scope)
        .unwrap_or(PUBLIC_FOUNDRY_SCOPE);
    let client = gateway_studio_core::foundry::FoundryClient::new(http, endpoint, scope, tokens);

    let playground = PlaygroundSettings {
        deployment: deployment.to_string(),
        instructions: args.instructions.clone().unwrap_or_default(),
        sample_tool: args.tools.iter().any(|t| t == sample_tool::NAME),
        temperature: args.temperature,
    };
    let started = std::time::Instant::now();
    let mut created = None;
    let session = Session::foundry(
        gateway_studio_core::playground::new_conversation_id(),
        playground,
        connection_name,
        client.clone(),
        &[],
        &mut created,
    )
    .await;
    let mut session = match session {
        Ok(session) => session,
        Err(e) => {
            let cleanup = match &created {
                Some(resources) => gateway_studio_core::playground::clean_up(&client, resources)
                    .await
                    .err()
                    .map(|p| format!("\n  left in Foundry (delete it by hand): {p}")),
                None => None,
            };
            let turn = foundry_error(&e);
            return Err(Failed {
                code: if e.status().is_some() { 1 } else { 2 },
                message: format!(
                    "{} ({})\n  fix: {}{}",
                    turn.message,
                    turn.code,
                    turn.fix,
                    cleanup.unwrap_or_default()
                ),
            });
        }
    };

    let mut traces = Vec::new();
    let mut tool_calls = Vec::new();
    let mut turns = Vec::new();
    let mut input = TurnInput::Message {
        text: args.prompt.clone(),
    };
    let mut failure = None;
    for _ in 0..=gateway_studio_core::agent_service::local::MAX_TOOL_ROUNDS {
        let (deltas, _ignored) = tokio::sync::mpsc::unbounded_channel();
        let (record, exchanges) = session.turn(input.clone(), deltas).await;
        traces.extend(exchanges);
        if let Some(error) = record.error.clone() {
            failure = Some(error);
            turns.push(record);
            break;
        }
        if record.tool_calls.is_empty() {
            turns.push(record);
            break;
        }
        let mut outputs = Vec::new();
        for call in &record.tool_calls {
            let output = if call.name == sample_tool::NAME {
                args.tool_output
                    .clone()
                    .unwrap_or_else(|| sample_tool::auto_output(&call.arguments))
            } else {
                failure = Some(gateway_studio_core::playground::TurnError {
                    code: "invalid_request".into(),
                    message: format!(
                        "The model called the function `{}`, which has no output here.",
                        call.name
                    ),
                    fix: "Offer only the sample tool (--tool get_weather).".into(),
                });
                break;
            };
            tool_calls.push(gateway_studio_core::agent_service::local::ToolCall {
                call_id: call.call_id.clone(),
                name: call.name.clone(),
                arguments: call.arguments.clone(),
                output: output.clone(),
            });
            outputs.push(ToolOutput {
                call_id: call.call_id.clone(),
                output,
            });
        }
        turns.push(record);
        if failure.is_some() {
            break;
        }
        input = TurnInput::ToolOutputs { outputs };
    }
    let resources = session.foundry_resources();
    let (cleaned, exchanges) = session.end().await;
    traces.extend(exchanges);
    let kept = match &store {
        Some(store) => {
            let t = Traces::new(store);
            let mut ok = !traces.is_empty();
            for record in &traces {
                ok &= t.insert(record).await.is_ok();
            }
            ok
        }
        None => false,
    };
    let cleanup_note = match &cleaned {
        Ok(()) => String::new(),
        Err(problem) => format!("\n  left in Foundry (delete it by hand): {problem}"),
    };
    let trace_runs: Vec<&str> = turns.iter().map(|t| t.trace_run_id.as_str()).collect();
    if let Some(error) = failure {
        let mut message = format!(
            "Foundry run of {}: {} ({})\n  fix: {}{cleanup_note}",
            args.model, error.message, error.code, error.fix
        );
        if kept && let Some(run) = trace_runs.last() {
            message.push_str(&format!("\n  trace: run {run}"));
        }
        return Err(Failed { code: 1, message });
    }
    let last = turns.last();
    let reply = last.map(|t| t.reply.clone()).unwrap_or_default();
    let (mut input_tokens, mut output_tokens, mut total_tokens) = (0u64, 0u64, 0u64);
    for usage in turns.iter().filter_map(|t| t.usage) {
        input_tokens += u64::from(usage.input_tokens);
        output_tokens += u64::from(usage.output_tokens);
        total_tokens += u64::from(usage.total_tokens);
    }
    let duration_ms = started.elapsed().as_millis();
    let agent = resources
        .as_ref()
        .map(|r| serde_json::json!({"name": r.agent_name, "version": r.agent_version}));
    match args.format {
        Format::Json => {
            let report = serde_json::json!({
                "mode": "foundry",
                "model": args.model,
                "reply": reply,
                "tool_calls": tool_calls,
                "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens, "total_tokens": total_tokens},
                "turns": turns.len(),
                "duration_ms": duration_ms,
                "agent": agent,
                "cleaned_up": cleaned.is_ok(),
                "trace_runs": if kept { trace_runs } else { Vec::new() },
            });
            serde_json::to_string_pretty(&report)
                .map(|s| format!("{s}\n"))
                .map_err(|e| usage_err(format!("cannot write JSON: {e}")))
        }
        Format::Text => {
            let mut out = String::new();
            for call in &tool_calls {
                out.push_str(&format!(
                    "tool  {}({}) → {}\n",
                    call.name, call.arguments, call.output
                ));
            }
            out.push_str(&reply);
            let agent_words = resources
                .as_ref()
                .map(|r| {
                    format!(
                        "agent {} v{}",
                        r.agent_name,
                        r.agent_version.as_deref().unwrap_or("?")
                    )
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "\n\nFoundry run · {} · {agent_words} ({}) · {} turn{} · {total_tokens} tokens · {duration_ms} ms{cleanup_note}\n",
                args.model,
                if cleaned.is_ok() { "deleted" } else { "NOT deleted" },
                turns.len(),
                if turns.len() == 1 { "" } else { "s" },
            ));
            Ok(out)
        }
    }
}
