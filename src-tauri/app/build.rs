// Every command the webview may call is listed here; tauri-build turns each into an
// `allow-<name>` permission, and src-tauri/capabilities/ grants exactly those to the window.
const COMMANDS: &[&str] = &[
    "app_info",
    "settings_get",
    "settings_set",
    "report_first_paint",
    "connection_list",
    "connection_get",
    "connection_template",
    "connection_with_category",
    "connection_inspect",
    "connection_save",
    "connection_delete",
    "connection_export",
    "connection_import",
    "window_set_unsaved",
    "window_watch_close",
    "window_close_confirmed",
    "check_run_start",
    "check_run_cancel",
    "check_run_list",
    "check_run_get",
    "trace_exchange_get",
    "cloud_status",
    "cloud_select",
    "azure_sign_in_get",
    "azure_sign_in_set",
    "azure_whoami",
    "azure_subscriptions",
    "azure_resource_groups",
    "azure_accounts",
    "azure_projects",
    "azure_scope_get",
    "azure_scope_set",
    "azure_connections",
    "azure_connection_open",
    "azure_deploy_plan",
    "azure_deploy",
    "azure_connection_delete",
    "azure_deployments",
    "azure_trace_list",
    "playground_start",
    "playground_send",
    "playground_end",
    "playground_history",
    "playground_conversation",
    "playground_leftovers",
    "playground_clean_up",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed (is ui/dist built? run `make ui`)");
}
