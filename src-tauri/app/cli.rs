//! Command-line interface. With no subcommand the binary opens the window; subcommands run the
//! same engine headless, for scripts and pipelines.

mod agent;
mod azure;
mod check;
mod sandbox;
mod trace;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};
use gateway_studio_core::connection::{
    Finding, ImportedConnection, SecretSlot, Severity, validate,
};
use gateway_studio_core::export::{ExportError, ExportFormat, export, import};
use gateway_studio_core::paths::Paths;
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::store::{Store, supported_schema_version};

#[derive(Debug, Parser)]
#[command(
    name = "gateway-studio",
    version,
    about = "Build, check and deploy Azure AI Foundry gateway connections (ApiManagement / ModelGateway).",
    long_about = "Build, check and deploy Azure AI Foundry gateway connections (ApiManagement / ModelGateway).\n\nWith no command, opens the Gateway Studio window."
)]
pub struct Cli {
    /// Keep the database, logs and settings in DIR instead of the platform app-data folder.
    #[arg(
        long,
        value_name = "DIR",
        global = true,
        env = "GATEWAY_STUDIO_DATA_DIR"
    )]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the version, the data and log folders, and the database's state.
    Info {
        /// `text` to read, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Validate or export a connection file, without the window or the database.
    Connection {
        #[command(subcommand)]
        command: ConnectionCommand,
    },
    /// Call the gateway of a connection file exactly as the Foundry Agent Service would, and
    /// explain every failure. Exit 0 when no check failed, 1 when one did, 2 on bad input.
    Check(check::CheckArgs),
    /// Prompt agents through a gateway connection.
    Agent {
        #[command(subcommand)]
        command: AgentCommand,
    },
    /// The exchanges Gateway Studio recorded (redacted): list them, export a run as HAR or
    /// cURL.
    Trace {
        #[command(subcommand)]
        command: trace::TraceCommand,
    },
    /// Run the local emulators (Azure Resource Manager, the Foundry Agent Service data plane,
    /// two sample gateways and an OAuth2 token endpoint) until interrupted. Prints one JSON
    /// line with the endpoints, the token they accept and the demo keys.
    Sandbox(sandbox::SandboxArgs),
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Send one prompt to a prompt agent whose model is CONNECTION/DEPLOYMENT and print the
    /// reply (and the tool calls), then clean up. With --local FILE the agent loop runs inside
    /// Gateway Studio against the gateway of the connection in FILE.
    Run(agent::RunArgs),
}

/// FILE is ARM connection JSON: a PUT body, an exported arm.json, or `az rest --method get`
/// output (a top-level `name` is optional).
#[derive(Debug, Subcommand)]
pub enum ConnectionCommand {
    /// Print every finding with its JSON path. Exit 0 without errors (warnings allowed), 1 with
    /// errors, 2 when FILE cannot be read or is not a connection.
    Validate {
        /// ARM connection JSON.
        file: PathBuf,
        /// `text` to read, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the connection as an ARM body, an az script, Bicep, Terraform or a Bicep parameters
    /// file. Secrets in FILE are never printed: every format says where the secret comes from
    /// instead. Exit 1 when the connection cannot be exported, 2 when FILE cannot be read.
    Export {
        /// ARM connection JSON.
        file: PathBuf,
        /// What to print.
        #[arg(long, value_name = "FORMAT", value_parser = export_format_parser())]
        format: ExportFormat,
        /// Sets the connection name (required by every format but arm when FILE has none).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Create or replace the connection on Azure (ARM PUT) after printing the plan: what exists,
    /// what changes. Refuses a PUT that would wipe the stored secret; asks for --yes before one
    /// that removes fields or changes the category or auth type. Exit 1 when refused.
    Deploy(azure::DeployArgs),
    /// Print a connection as ARM has it (no secrets: ARM never returns them).
    Get(azure::NamedArgs),
    /// List the project's (or, without --project, the account's) connections, gateways first.
    List(azure::AzureArgs),
    /// Delete a connection from Azure (asks first, or --yes).
    Delete(azure::DeleteArgs),
}

fn export_format_parser() -> impl TypedValueParser<Value = ExportFormat> {
    PossibleValuesParser::new(ExportFormat::names()).try_map(|s| s.parse::<ExportFormat>())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Exit codes: 0 success, 1 the command ran and found a problem, 2 usage or set-up error.
pub fn run(command: Command, paths: &Paths) -> ExitCode {
    match command {
        Command::Info { format } => info(paths, format),
        Command::Connection { command } => connection(command, paths),
        Command::Check(args) => check::check(args, paths),
        Command::Sandbox(args) => sandbox::sandbox(args),
        Command::Agent {
            command: AgentCommand::Run(args),
        } => agent::run(args, paths),
        Command::Trace { command } => trace::trace(command, paths),
    }
}

fn connection(command: ConnectionCommand, paths: &Paths) -> ExitCode {
    match command {
        ConnectionCommand::Validate { file, format } => validate_file(&file, format),
        ConnectionCommand::Export { file, format, name } => export_file(&file, format, name),
        ConnectionCommand::Deploy(args) => azure::deploy(args, paths),
        ConnectionCommand::Get(args) => azure::get(args, paths),
        ConnectionCommand::List(args) => azure::list(args, paths),
        ConnectionCommand::Delete(args) => azure::delete(args, paths),
    }
}

/// The data folder's database (the sign-in settings, the trace; a command works without it)
/// and an HTTP client with its network settings.
async fn data_and_http(
    paths: &Paths,
) -> Result<(Option<Store>, gateway_studio_core::net::HttpClient), String> {
    let store = match Store::open(&paths.database()).await {
        Ok(store) => Some(store),
        Err(e) => {
            eprintln!("note: the data folder cannot be used ({e}); no trace is kept");
            None
        }
    };
    let settings = match &store {
        Some(store) => gateway_studio_core::settings::Settings::load(store)
            .await
            .unwrap_or_default(),
        None => Default::default(),
    };
    let http = settings
        .network
        .network_options()
        .and_then(|o| gateway_studio_core::net::HttpClient::new(&o).map_err(|e| e.to_string()))
        .map_err(|e| format!("{e}. Fix or remove the CA bundle in Settings → Network."))?;
    Ok((store, http))
}

/// A secret from `--…-env VAR` (which must be set), else the slot's default variable
/// (`GATEWAY_API_KEY`, `GATEWAY_CLIENT_SECRET`), else `fallback`.
fn env_secret(
    flag: &str,
    var: Option<&str>,
    slot: SecretSlot,
    fallback: Option<&Sensitive<String>>,
) -> Result<Option<Sensitive<String>>, String> {
    if let Some(var) = var {
        return match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Some(Sensitive::new(v))),
            _ => Err(format!(
                "{flag} {var}: the environment variable {var} is not set or empty. Export it, or leave out {flag}."
            )),
        };
    }
    if let Ok(v) = std::env::var(slot.env_var())
        && !v.is_empty()
    {
        return Ok(Some(Sensitive::new(v)));
    }
    Ok(fallback.cloned())
}

fn validate_file(file: &Path, format: Format) -> ExitCode {
    let imported = match read_connection(file) {
        Ok(imported) => imported,
        Err(code) => return code,
    };
    let text = match format {
        Format::Json => {
            // A struct, not `json!`, so each finding keeps its field order.
            #[derive(serde::Serialize)]
            struct Report<'a> {
                findings: &'a [Finding],
            }
            let report = Report {
                findings: &imported.findings,
            };
            match serde_json::to_string_pretty(&report) {
                Ok(json) => format!("{json}\n"),
                Err(e) => {
                    eprintln!("error: cannot write the findings as JSON: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        Format::Text => findings_text(&imported.findings),
    };
    if let Err(code) = emit(&redact(&text, &imported)) {
        return code;
    }
    if imported.findings.iter().any(Finding::is_error) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// One aligned line per finding (`error   name-pattern  name: …`), then the counts.
fn findings_text(findings: &[Finding]) -> String {
    let width = findings
        .iter()
        .map(|f| f.code.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for f in findings {
        let severity = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "{severity:<7} {:<width$}  {}: {}\n",
            f.code.as_str(),
            f.path,
            f.message
        ));
    }
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let warnings = findings.len() - errors;
    out.push_str(&format!(
        "{}, {}\n",
        plural(errors, "error"),
        plural(warnings, "warning")
    ));
    out
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn export_file(file: &Path, format: ExportFormat, name: Option<String>) -> ExitCode {
    let imported = match read_connection(file) {
        Ok(imported) => imported,
        Err(code) => return code,
    };
    let mut connection = imported.connection.clone();
    // Findings about the file's own name do not apply once --name replaces it.
    let mut errors = imported
        .findings
        .iter()
        .filter(|f| f.is_error() && !(name.is_some() && f.path == "name"))
        .count();
    if let Some(name) = name {
        connection.name = Some(name);
        errors += validate(&connection)
            .iter()
            .filter(|f| f.is_error() && f.path == "name")
            .count();
    }
    let text = match export(&connection, format) {
        Ok(text) => text,
        Err(e) => {
            let hint = match e {
                ExportError::NameMissing { .. } => "Pass --name NAME to set one.",
                ExportError::NameInvalid { .. } => "Pass --name NAME to use another.",
            };
            eprintln!("{}", redact(&format!("error: {e} {hint}"), &imported));
            return ExitCode::FAILURE;
        }
    };
    if let Err(code) = emit(&redact(&text, &imported)) {
        return code;
    }
    if errors > 0 {
        eprintln!(
            "warning: {} has {}; the export was written anyway. Details: gateway-studio connection validate {}",
            file.display(),
            plural(errors, "error"),
            file.display()
        );
    }
    ExitCode::SUCCESS
}

/// Reads and parses FILE. On failure the message (naming the file, and for JSON the line and
/// column) is printed, and the error is exit code 2.
fn read_connection(file: &Path) -> Result<ImportedConnection, ExitCode> {
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let shown = file.display();
    if file.is_dir() {
        return Err(fail(format!(
            "{shown} is a directory. Give the path of a connection JSON file."
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file; check the path".to_string(),
            std::io::ErrorKind::PermissionDenied => {
                "permission denied; check the file's permissions".to_string()
            }
            _ => e.to_string(),
        };
        fail(format!("cannot read {shown}: {reason}."))
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "{shown} is not UTF-8 text (invalid byte at offset {}). Save it as UTF-8 JSON.",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(fail(format!(
            "{shown} is empty. It should hold one ARM connection body: {{\"properties\": {{\"category\": …, \"target\": …, \"authType\": …}}}}."
        )));
    }
    import(&text).map_err(|e| fail(format!("{shown}: {e}")))
}

/// Writes to stdout; a reader that went away (`| head`) is not an error worth a panic.
fn emit(text: &str) -> Result<(), ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// Defence in depth: no output of these commands may carry a secret the file held. Neither
/// findings nor exports quote credentials, so this should never change anything.
fn redact(text: &str, imported: &ImportedConnection) -> String {
    imported
        .secrets
        .iter()
        .map(|s| s.value.expose())
        // Very short values would blank out ordinary words; real secrets are longer.
        .filter(|value| value.chars().count() >= 6)
        .fold(text.to_string(), |text, value| {
            text.replace(value.as_str(), "<redacted>")
        })
}

fn info(paths: &Paths, format: Format) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let db = paths.database();
    let opened = runtime.block_on(async {
        let store = Store::open(&db).await?;
        let version = store.schema_version().await?;
        let bytes = store.size_on_disk();
        store.close().await;
        Ok::<_, gateway_studio_core::store::StoreError>((version, bytes))
    });
    let (schema, error) = match &opened {
        Ok((version, bytes)) => (Some((*version, *bytes)), None),
        Err(e) => (None, Some(e.to_string())),
    };
    match format {
        Format::Json => {
            let value = serde_json::json!({
                "version": gateway_studio_core::VERSION,
                "dataDir": paths.data_dir,
                "logDir": paths.log_dir,
                "database": db,
                "schemaVersion": schema.map(|s| s.0),
                "supportedSchemaVersion": supported_schema_version(),
                "databaseBytes": schema.map(|s| s.1),
                "error": error,
            });
            println!("{value:#}");
        }
        Format::Text => {
            println!("Gateway Studio {}", gateway_studio_core::VERSION);
            println!("data dir   {}", paths.data_dir.display());
            println!("log dir    {}", paths.log_dir.display());
            match schema {
                Some((version, bytes)) => println!(
                    "database   {} (schema {version} of {}, {bytes} bytes)",
                    db.display(),
                    supported_schema_version()
                ),
                None => println!("database   {} (unavailable)", db.display()),
            }
        }
    }
    match error {
        Some(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        None => ExitCode::SUCCESS,
    }
}
