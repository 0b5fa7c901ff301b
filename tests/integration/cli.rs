//! The binary as a user runs it from a terminal.

use std::path::Path;
use std::process::{Command, Output};

fn gateway_studio(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gateway-studio"))
        .args(args)
        .env("GATEWAY_STUDIO_DATA_DIR", data_dir)
        .env("GATEWAY_STUDIO_LOG", "warn")
        .output()
        .expect("run gateway-studio")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_lists_the_commands_and_options() {
    let dir = tempfile::tempdir().unwrap();
    let out = gateway_studio(&["--help"], dir.path());
    assert!(out.status.success());
    let text = stdout(&out);
    for needle in [
        "Usage: gateway-studio",
        "info",
        "--data-dir <DIR>",
        "--version",
        "GATEWAY_STUDIO_DATA_DIR",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn version_prints_the_package_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = gateway_studio(&["--version"], dir.path());
    assert!(out.status.success());
    assert_eq!(
        stdout(&out).trim(),
        format!("gateway-studio {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_subcommand_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = gateway_studio(&["frobnicate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unrecognized subcommand"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn info_creates_the_database_in_the_data_dir_flag_over_env() {
    let env_dir = tempfile::tempdir().unwrap();
    let flag_dir = tempfile::tempdir().unwrap();
    let flag = flag_dir.path().join("studio");
    let out = gateway_studio(
        &[
            "--data-dir",
            flag.to_str().unwrap(),
            "info",
            "--format",
            "json",
        ],
        env_dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["dataDir"], flag.to_str().unwrap());
    assert_eq!(v["schemaVersion"], v["supportedSchemaVersion"]);
    assert!(v["error"].is_null());
    assert!(flag.join("gateway-studio.sqlite").exists());
    assert!(!env_dir.path().join("gateway-studio.sqlite").exists());
}

#[test]
fn info_reads_the_data_dir_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = gateway_studio(&["info"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("data dir   {}", dir.path().display())));
    assert!(dir.path().join("gateway-studio.sqlite").exists());
}

#[test]
fn a_newer_database_is_refused_with_exit_1_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway-studio.sqlite");
    tauri::async_runtime::block_on(async {
        let store = gateway_studio_core::store::Store::open(&db).await.unwrap();
        gateway_studio_core::store::testing::insert_future_migration(&store, 99990101000000).await;
        store.close().await;
    });
    let before = std::fs::read(&db).unwrap();
    let out = gateway_studio(&["info"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("newer Gateway Studio"), "{err}");
    assert!(err.contains("left untouched"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway-studio.sqlite");
    std::fs::write(&db, "{ \"not\": \"sqlite\" }\n".repeat(100)).unwrap();
    let out = gateway_studio(&["info"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("is not a Gateway Studio database"), "{err}");
    assert!(err.contains(db.to_str().unwrap()), "{err}");
}
