//! `tracing` to a daily rolling file in the log directory and to stderr. The filter comes from
//! env `GATEWAY_STUDIO_LOG` in `EnvFilter` syntax (e.g. `debug`, `gateway_studio_core=trace`).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub const LOG_ENV: &str = "GATEWAY_STUDIO_LOG";
pub const DEFAULT_FILTER: &str = "info";
const LOG_FILE_PREFIX: &str = "gateway-studio";
const LOG_FILES_KEPT: usize = 14;

/// Keeps the file writer flushing; drop it only when the process ends.
#[must_use = "logs stop being written when the guard is dropped"]
pub struct LogGuard {
    _file: Option<WorkerGuard>,
}

/// Parses the filter, falling back to the default with a note on stderr (logging is not up
/// yet, so stderr is the only place to say it).
pub fn filter_from(value: Option<&str>) -> EnvFilter {
    match value {
        Some(v) if !v.trim().is_empty() => EnvFilter::try_new(v).unwrap_or_else(|e| {
            eprintln!("{LOG_ENV}={v:?} is not a valid filter ({e}); using {DEFAULT_FILTER:?}");
            EnvFilter::new(DEFAULT_FILTER)
        }),
        _ => EnvFilter::new(DEFAULT_FILTER),
    }
}

/// Installs the global subscriber. A log directory that cannot be created costs the file
/// output, not the start-up: the reason goes to stderr and logging continues there.
pub fn init(log_dir: &Path) -> LogGuard {
    let filter = filter_from(std::env::var(LOG_ENV).ok().as_deref());
    // Colour only on a terminal: escape codes make logs captured by CI or a pipe unreadable.
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);

    // The appender prunes old files on start and complains when the folder does not exist yet.
    let file = std::fs::create_dir_all(log_dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            RollingFileAppender::builder()
                .rotation(Rotation::DAILY)
                .filename_prefix(LOG_FILE_PREFIX)
                .filename_suffix("log")
                .max_log_files(LOG_FILES_KEPT)
                .build(log_dir)
                .map_err(|e| e.to_string())
        });
    let (file_layer, guard) = match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false);
            (Some(layer), Some(guard))
        }
        Err(e) => {
            eprintln!(
                "cannot write logs to {}: {e}; logging to stderr only",
                log_dir.display()
            );
            (None, None)
        }
    };

    // A second init (tests calling into the app twice) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(file_layer)
        .try_init();
    LogGuard { _file: guard }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_filter_falls_back_to_default() {
        assert_eq!(filter_from(Some("[[[")).to_string(), DEFAULT_FILTER);
        assert_eq!(filter_from(None).to_string(), DEFAULT_FILTER);
        assert_eq!(filter_from(Some("debug")).to_string(), "debug");
    }
}
