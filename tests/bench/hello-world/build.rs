// The one command the page calls is declared here; tauri-build turns it into the `allow-painted`
// permission, which capabilities/default.json grants to the window.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(&["painted"])),
    )
    .expect("tauri-build failed for bench-hello-world");
}
