use std::path::PathBuf;

/// The TypeScript bindings are generated from the Rust commands and committed. Regenerating
/// must not change them; `make bindings` (UPDATE_BINDINGS=1) rewrites the file.
#[test]
fn committed_typescript_bindings_are_current() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts");
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    gateway_studio::ipc::export_bindings(&fresh).expect("export bindings");
    let fresh = std::fs::read_to_string(&fresh).unwrap();

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed, &fresh).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        current == fresh,
        "ui/src/lib/bindings.ts is stale: the Rust commands or their types changed. Run `make bindings` and commit the result."
    );
}
