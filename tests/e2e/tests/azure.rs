//! Azure in the real window, against the sandbox's ARM emulator: pick the sandbox project with
//! the pickers, deploy a draft after reading its plan, see it listed on the Azure page, and
//! delete it again after a confirmation. The pick is remembered across a restart.

use gateway_studio_e2e::Session;

const ROWS: &str = "[data-testid='azure-connections'] [data-testid='azure-connection-row']";

/// The names in the Azure page's connections table, in the order shown.
async fn azure_rows(app: &Session) -> Vec<String> {
    let names = app
        .eval(&format!(
            "[...document.querySelectorAll(\"{ROWS}\")].map((e) => e.dataset.name)"
        ))
        .await;
    serde_json::from_value(names).expect("a list of names")
}

async fn wait_for_rows(
    app: &Session,
    wanted: impl Fn(&[String]) -> bool,
    what: &str,
) -> Vec<String> {
    let deadline = std::time::Instant::now() + gateway_studio_e2e::UI_TIMEOUT;
    loop {
        let rows = azure_rows(app).await;
        if wanted(&rows) {
            return rows;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the Azure page should list {what}; it lists {rows:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn wait_for_value(app: &Session, css: &str, wanted: &str) {
    let deadline = std::time::Instant::now() + gateway_studio_e2e::UI_TIMEOUT;
    while app
        .eval(&format!("document.querySelector(\"{css}\")?.value ?? null"))
        .await
        != wanted
    {
        assert!(
            std::time::Instant::now() < deadline,
            "`{css}` should hold {wanted:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pick_the_sandbox_project_deploy_a_draft_and_see_it_listed() {
    let dir = tempfile::tempdir().unwrap();
    let app = Session::launch(dir.path()).await;
    app.start_sandbox().await;

    // The Azure page: signed in with the sandbox's own credential; nothing picked yet.
    app.click("nav[aria-label='Main'] a[href='#/azure']").await;
    app.wait_for("[data-testid='azure-page']").await;
    app.wait_for_text("[data-testid='azure-identity']", "Sandbox")
        .await;
    app.wait_for("[data-testid='azure-pick-prompt']").await;
    app.pick_sandbox_project().await;
    let before = wait_for_rows(&app, |_| true, "the project's connections").await;
    assert!(
        !before.contains(&"e2e-gateway".to_string()),
        "nothing is deployed yet: {before:?}"
    );
    app.screenshot("40-azure-page").await;

    // A draft of the sandbox's OpenAI-style gateway, renamed and saved, then deployed.
    app.click("nav[aria-label='Main'] a[href='#/connections']")
        .await;
    app.click("[data-testid='connection-list'] [data-connection-id]")
        .await;
    let name = "[data-testid='connection-editor'] input[name='name']";
    app.wait_for(name).await;
    let field = app.wait_for(name).await;
    field.clear().await.unwrap();
    field.send_keys("e2e-gateway").await.unwrap();
    wait_for_value(&app, name, "e2e-gateway").await;
    app.click("[data-testid='save']").await;
    app.wait_gone("[data-testid='dirty']").await;

    app.click("[data-testid='deploy-button']").await;
    let action = app
        .wait_for("[data-testid='deploy-dialog'] [data-testid='deploy-action']")
        .await;
    assert_eq!(
        action.attr("data-action").await.unwrap().as_deref(),
        Some("create")
    );
    let dialog = app
        .wait_for_text("[data-testid='deploy-dialog']", "e2e-gateway")
        .await;
    assert!(
        dialog.contains("project sandbox-project of sandbox-foundry"),
        "{dialog}"
    );
    assert!(
        !dialog.contains("sandbox-key-") && !dialog.contains("sandbox-apim-key-"),
        "the plan shows a key: {dialog}"
    );
    app.screenshot("41-deploy-plan").await;
    app.click("[data-testid='deploy-confirm']").await;
    app.wait_for_text("[data-testid='deploy-done']", "e2e-gateway was created")
        .await;
    app.screenshot("42-deployed").await;

    // "Show on the Azure page": listed there, among the project's connections.
    app.click("[data-testid='deploy-show']").await;
    app.wait_for("[data-testid='azure-page']").await;
    wait_for_rows(
        &app,
        |rows| rows.iter().any(|r| r == "e2e-gateway"),
        "e2e-gateway",
    )
    .await;
    let row = app
        .wait_for_text(&format!("{ROWS}[data-name='e2e-gateway']"), "ApiKey")
        .await;
    assert!(row.contains("Open in editor"), "{row}");
    app.screenshot("43-azure-listed").await;

    // Delete it from Azure, after a confirmation naming it.
    app.click(&format!(
        "{ROWS}[data-name='e2e-gateway'] [data-testid='azure-delete']"
    ))
    .await;
    app.wait_for_text("[data-testid='azure-delete-dialog']", "e2e-gateway")
        .await;
    app.screenshot("44-azure-delete-confirm").await;
    app.click("[data-testid='delete-confirm']").await;
    wait_for_rows(
        &app,
        |rows| !rows.iter().any(|r| r == "e2e-gateway"),
        "no e2e-gateway",
    )
    .await;
    app.close().await;

    // The pick is remembered: after a restart the Azure page opens on the project.
    let app = Session::launch(dir.path()).await;
    app.click("nav[aria-label='Main'] a[href='#/azure']").await;
    app.wait_for("[data-testid='azure-picker-project'][data-value='sandbox-project']")
        .await;
    wait_for_rows(&app, |rows| !rows.is_empty(), "the project's connections").await;
    app.close().await;
}
