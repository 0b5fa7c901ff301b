//! The connection editor in the real window: fill the form, watch a finding appear and go,
//! save (the key goes to the real keyring, never to disk), export ARM JSON.

use gateway_studio_core::paths::APP_IDENTIFIER;
use gateway_studio_core::secrets::{KeyringStore, SecretId, SecretStore};
use gateway_studio_e2e::{Session, workspace_root};

const CANARY_KEY: &str = "sk-e2e-canary-7f3a9c";

async fn type_into(app: &Session, css: &str, text: &str) {
    let field = app.wait_for(css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn fill_validate_save_and_export_a_model_gateway_connection() {
    let dir = tempfile::tempdir().unwrap();
    let app = Session::launch(dir.path()).await;
    app.skip_welcome().await;

    app.click("[data-nav='connections']").await;
    app.click("[data-testid='new-connection']").await;
    app.click("[data-new-category='ModelGateway']").await;
    app.wait_for("[data-testid='connection-editor']").await;

    // A name with a dot breaks the ARM name pattern: the finding appears beside the field...
    type_into(&app, "input[name='name']", "llm.gw").await;
    let finding = app
        .wait_for("[data-finding-path='name'][data-code='name-pattern']")
        .await;
    assert_eq!(
        finding.attr("data-severity").await.unwrap().as_deref(),
        Some("error")
    );
    app.screenshot("10-connection-name-finding").await;
    // ...and goes when the name is fixed.
    type_into(&app, "input[name='name']", "llm-gw").await;
    app.wait_gone("[data-finding-path='name']").await;

    type_into(
        &app,
        "input[name='target']",
        "https://llm-gw.contoso.com/v1",
    )
    .await;
    app.click("[data-auth='apiKey']").await;
    type_into(&app, "input[name='apiKey']", CANARY_KEY).await;
    app.wait_for("select[name='authHeaderPreset']")
        .await
        .select_by_value("bearer")
        .await
        .unwrap();
    app.click("[data-models-mode='static']").await;
    app.click("[data-testid='add-model']").await;
    type_into(
        &app,
        "[data-model-row] input[name='deploymentName']",
        "gpt-4o-mini",
    )
    .await;
    type_into(
        &app,
        "[data-model-row] input[name='modelName']",
        "gpt-4o-mini",
    )
    .await;
    type_into(
        &app,
        "[data-model-row] input[name='modelVersion']",
        "2024-07-18",
    )
    .await;
    app.wait_for("[data-model-row] select[name='format']")
        .await
        .select_by_value("OpenAI")
        .await
        .unwrap();

    // The live ARM preview masks the key.
    let preview = app
        .wait_for_text("[data-testid='arm-preview']", "gpt-4o-mini")
        .await;
    assert!(!preview.contains(CANARY_KEY), "the preview shows the key");
    app.screenshot("11-connection-editor").await;

    app.click("[data-testid='save']").await;
    app.wait_for_text("[data-testid='status']", "Saved").await;
    app.wait_for("[data-testid='connection-list'] [data-connection-id]")
        .await;

    app.click("[data-testid='export']").await;
    app.click("[data-testid='export-dialog'] [data-format='arm']")
        .await;
    let exported = app
        .wait_for_text("[data-testid='export-output']", "\"properties\"")
        .await;
    app.screenshot("12-connection-export").await;
    assert!(!exported.contains(CANARY_KEY), "the export holds the key");
    let exported: serde_json::Value =
        serde_json::from_str(&exported).expect("the ARM export is JSON");
    let expected_path = workspace_root().join("tests/e2e/expected/llm-gw.arm.json");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
    assert_eq!(
        exported,
        expected,
        "compare with {}",
        expected_path.display()
    );
    app.close().await;

    // The key is in the OS keyring under the draft's secret id, and nowhere in the data dir.
    let store = gateway_studio_core::store::Store::open(&dir.path().join("gateway-studio.sqlite"))
        .await
        .unwrap();
    let secret_id: String = sqlx_scalar(&store).await;
    let keyring = KeyringStore::new(APP_IDENTIFIER);
    let stored = keyring.get(&SecretId::from(secret_id.as_str())).unwrap();
    assert_eq!(
        stored.as_ref().map(|s| s.expose().as_str()),
        Some(CANARY_KEY)
    );
    keyring.delete(&SecretId::from(secret_id.as_str())).unwrap();
    store.close().await;
    assert_no_file_contains(dir.path(), CANARY_KEY);
}

async fn sqlx_scalar(store: &gateway_studio_core::store::Store) -> String {
    gateway_studio_core::store::testing::query_string(
        store,
        "SELECT secret_id FROM connection_draft_secrets WHERE slot = 'apiKey'",
    )
    .await
}

fn assert_no_file_contains(dir: &std::path::Path, needle: &str) {
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            assert_no_file_contains(&path, needle);
        } else if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{} contains the secret",
                path.display()
            );
        }
    }
}
