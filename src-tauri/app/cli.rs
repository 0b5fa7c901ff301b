//! Command-line interface. With no subcommand the binary opens the window; subcommands run the
//! same engine headless, for scripts and pipelines.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use gateway_studio_core::paths::Paths;
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
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
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
    }
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
