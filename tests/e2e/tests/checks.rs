//! Gateway checks in the real window, against a sandbox gateway on loopback: import a
//! connection, press Test in the editor, watch every check pass, open an exchange (redacted),
//! then break the key and see the failure explained.

use gateway_studio_e2e::Session;
use gateway_studio_sandbox::demo::DEMO_API_KEY;
use gateway_studio_sandbox::{GatewayConfig, start_gateway};

fn connection_json(target: &str, key: &str) -> String {
    serde_json::json!({
        "name": "sandbox-gw",
        "properties": {
            "category": "ModelGateway",
            "target": target,
            "authType": "ApiKey",
            "credentials": {"key": key},
            "metadata": {
                "deploymentInPath": "false",
                "inferenceAPIVersion": "",
                "modelDiscovery": "{\"listModelsEndpoint\":\"/models\",\"getModelEndpoint\":\"/models/{deploymentName}\",\"deploymentProvider\":\"OpenAI\"}",
                "authConfig": "{\"type\":\"api_key\",\"name\":\"Authorization\",\"format\":\"Bearer {api_key}\"}",
                "customHeaders": "{}"
            }
        }
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn test_a_connection_against_a_sandbox_gateway() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = Session::launch(dir.path()).await;
    app.skip_welcome().await;

    app.click("[data-nav='connections']").await;
    app.click("[data-testid='import-connection']").await;
    let text = app.wait_for("[role='dialog'] textarea").await;
    text.send_keys(&connection_json(gw.target().as_str(), DEMO_API_KEY))
        .await
        .unwrap();
    app.click("[data-testid='import-submit']").await;
    app.wait_for("[data-testid='connection-editor']").await;

    app.click("[data-testid='editor-test']").await;
    let summary = app
        .wait_for_text("[data-testid='checks-summary']", "passed")
        .await;
    assert!(
        summary.contains("0 failed") || !summary.contains("failed"),
        "{summary}"
    );
    for (id, status) in [
        ("config", "warn"),
        ("reachability", "pass"),
        ("discovery-list", "pass"),
        ("discovery-get", "pass"),
        ("models", "pass"),
        ("chat", "pass"),
        ("tools", "pass"),
        ("stream", "pass"),
    ] {
        let row = app
            .wait_for(&format!("[data-testid='check-row'][data-check-id='{id}']"))
            .await;
        assert_eq!(
            row.attr("data-status").await.unwrap().as_deref(),
            Some(status),
            "{id}"
        );
    }
    app.screenshot("20-checks-passed").await;

    // Open the chat check and its exchange: the request as sent, with the key redacted.
    app.click("[data-testid='check-row'][data-check-id='chat']")
        .await;
    app.click("[data-testid='exchange-item']").await;
    let detail = app
        .wait_for_text("[data-testid='exchange-detail']", "Bearer <redacted>")
        .await;
    assert!(!detail.contains(DEMO_API_KEY), "the key is shown");
    assert!(detail.contains("/v1/chat/completions"), "{detail}");
    app.screenshot("21-checks-exchange").await;

    // The gateway received exactly what the Agent Service would send.
    let chat = gw
        .requests()
        .into_iter()
        .find(|r| r.path_only() == "/v1/chat/completions")
        .expect("a chat call");
    assert_eq!(
        chat.header("authorization"),
        Some(format!("Bearer {DEMO_API_KEY}").as_str())
    );

    // A gateway that rejects the key: the failure names the header and format.
    gw.faults().on(gateway_studio_sandbox::Route::Chat).status(
        401,
        r#"{"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}}"#,
        "application/json",
    );
    app.click("[data-testid='checks-run']").await;
    let row = "[data-testid='check-row'][data-check-id='chat'][data-status='fail']";
    app.wait_for(row).await;
    app.click(row).await;
    app.wait_for_text(row, "Authorization: Bearer {api_key}")
        .await;
    app.screenshot("22-checks-failure").await;
    app.close().await;
}
