//! `gateway-studio trace list|export`: the recorded exchanges of the data folder, redacted as
//! they were stored. Exit 0, 1 when the run has no exchanges, 2 when the data folder cannot be
//! read.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use gateway_studio_core::paths::Paths;
use gateway_studio_core::store::Store;
use gateway_studio_core::trace::export::{curl_script, har, iso8601};
use gateway_studio_core::trace::{TraceSummary, Traces};

use super::{Format, emit};

#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// The newest exchanges (or one run's, oldest first): when, kind, method, status, time, URL.
    List(ListArgs),
    /// A run's exchanges as HAR 1.2 (open in browser dev tools) or as cURL commands (secrets
    /// are `$VARIABLES` to set).
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this run (a check run, a playground turn, an ARM or CLI command).
    #[arg(long, value_name = "ID")]
    run: Option<String>,
    /// At most this many (without --run).
    #[arg(long, value_name = "N", default_value_t = 50)]
    limit: u32,
    /// `text` to read, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Har,
    Curl,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The run to export (as `trace list` and the commands' output name it).
    #[arg(long, value_name = "ID")]
    run: String,
    /// `har` (HAR 1.2, for browser dev tools and HAR viewers) or `curl` (one command per
    /// exchange, secrets as `${VAR}` placeholders).
    #[arg(long, value_enum)]
    format: ExportFormat,
}

fn fail(code: u8, message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

pub fn trace(command: TraceCommand, paths: &Paths) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(2, format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(async {
        let store = match Store::open(&paths.database()).await {
            Ok(store) => store,
            Err(e) => return fail(2, e.to_string()),
        };
        let traces = Traces::new(&store);
        let text = match command {
            TraceCommand::List(args) => {
                let listed = match &args.run {
                    Some(run) => traces.list_run(run).await,
                    None => traces.list_recent(args.limit.max(1)).await,
                };
                let rows = match listed {
                    Ok(rows) => rows,
                    Err(e) => return fail(2, e.to_string()),
                };
                if let Some(run) = &args.run
                    && rows.is_empty()
                {
                    return fail(
                        1,
                        format!("no exchanges recorded for run {run} (list the newest: gateway-studio trace list)"),
                    );
                }
                match args.format {
                    Format::Json => match serde_json::to_string_pretty(&rows) {
                        Ok(json) => format!("{json}\n"),
                        Err(e) => return fail(2, format!("cannot write JSON: {e}")),
                    },
                    Format::Text => list_text(&rows),
                }
            }
            TraceCommand::Export(args) => {
                let records = match traces.records_of_run(&args.run).await {
                    Ok(records) => records,
                    Err(e) => return fail(2, e.to_string()),
                };
                if records.is_empty() {
                    return fail(1, format!("no exchanges recorded for run {}", args.run));
                }
                match args.format {
                    ExportFormat::Har => match serde_json::to_string_pretty(&har(&records)) {
                        Ok(json) => format!("{json}\n"),
                        Err(e) => return fail(2, format!("cannot write HAR: {e}")),
                    },
                    ExportFormat::Curl => curl_script(&records),
                }
            }
        };
        match emit(&text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        }
    })
}

fn kind(summary: &TraceSummary) -> &'static str {
    use gateway_studio_core::trace::TraceKind;
    match summary.kind {
        TraceKind::Gateway => "gateway",
        TraceKind::Token => "token",
        TraceKind::Arm => "arm",
        TraceKind::Foundry => "foundry",
    }
}

fn list_text(rows: &[TraceSummary]) -> String {
    if rows.is_empty() {
        return "No exchanges recorded yet.\n".into();
    }
    let mut out = String::new();
    for r in rows {
        let status = match (r.status, &r.error) {
            (Some(s), _) => s.to_string(),
            (None, Some(_)) => "ERR".into(),
            (None, None) => "-".into(),
        };
        out.push_str(&format!(
            "{}  {:<7} {:<6} {:>3} {:>6} ms  {}  {}\n",
            iso8601(r.started_at_ms),
            kind(r),
            r.method,
            status,
            r.total_ms,
            r.url,
            r.run_id
        ));
    }
    out
}
