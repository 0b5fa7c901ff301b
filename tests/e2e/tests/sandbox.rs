//! The Sandbox cloud in the real window: a first run chooses "Try the sandbox", the emulators
//! start inside the app, the two seeded drafts are listed and one passes its checks against
//! the in-app sample gateway; the choice survives a restart without duplicating the drafts,
//! and leaving the sandbox keeps them.

use gateway_studio_e2e::Session;
use gateway_studio_e2e::fantoccini::Locator;

const BANNER_RUNNING: &str = "[data-testid='sandbox-banner'][data-state='running']";
const ROWS: &str = "[data-testid='connection-list'] [data-connection-id]";

/// The names of the drafts in the Connections list, sorted. Read from the DOM: WebDriver's
/// element text is empty for anything it considers hidden (a list behind a fading dialog).
async fn listed_names(app: &Session) -> Vec<String> {
    let names = app
        .eval(&format!(
            "[...document.querySelectorAll(\"{ROWS} .name\")].map((e) => e.textContent.trim())"
        ))
        .await;
    let mut names: Vec<String> = serde_json::from_value(names).expect("a list of names");
    names.sort();
    names
}

async fn wait_for_names(app: &Session, wanted: &[&str]) -> Vec<String> {
    let deadline = std::time::Instant::now() + gateway_studio_e2e::UI_TIMEOUT;
    loop {
        let names = listed_names(app).await;
        if names == wanted {
            return names;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the list should show exactly {wanted:?}; it shows {names:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn try_the_sandbox_from_the_first_run_screen() {
    let dir = tempfile::tempdir().unwrap();
    let app = Session::launch(dir.path()).await;

    // A fresh data dir: the first-run screen, with focus on its first choice.
    assert!(app.first_run().await, "the first-run screen should show");
    // (Polled: the screen fades in, and WebDriver reads no text while it is transparent.)
    let text = app
        .wait_for_text("[data-testid='welcome']", "Try the sandbox")
        .await;
    assert!(text.contains("nothing leaves this machine"), "{text}");
    let focused = app
        .eval("document.activeElement?.dataset.testid ?? null")
        .await;
    assert_eq!(focused, "welcome-sandbox");
    app.screenshot("30-welcome").await;

    // Try the sandbox: the emulators start in the app and the screen lands on Connections.
    app.click("[data-testid='welcome-sandbox']").await;
    app.wait_for(BANNER_RUNNING).await;
    app.wait_gone("[data-testid='welcome']").await;
    app.wait_for_text("[data-page='connections'] h1", "Connections")
        .await;
    let banner = app
        .wait_for_text(BANNER_RUNNING, "Nothing is sent to Azure")
        .await;
    assert!(banner.contains("runs on this machine"), "{banner}");
    wait_for_names(&app, &["sandbox-apim", "sandbox-openai"]).await;
    app.wait_for("[data-testid='connection-editor']").await;
    app.screenshot("31-sandbox-banner").await;

    // Details: the emulated tenant (no secrets) and a link to each gateway's draft.
    app.click("[data-testid='sandbox-details-open']").await;
    let arm = app
        .wait_for_text(
            "[data-testid='sandbox-details'] [data-testid='sandbox-arm-endpoint']",
            "http://127.0.0.1:",
        )
        .await;
    let details = app
        .wait_for_text("[data-testid='sandbox-details']", "sandbox-openai")
        .await;
    for expected in [
        "rg-gateway-sandbox",
        "sandbox-foundry",
        "sandbox-project",
        "sandbox-apim",
        "api-key: {api_key}",
        "Authorization: Bearer {api_key}",
        "gpt-4o-mini",
    ] {
        assert!(
            details.contains(expected),
            "details should show {expected:?}: {details}"
        );
    }
    assert!(
        !details.contains("sandbox-key-") && !details.contains("sandbox-apim-key-"),
        "the details show a key: {details}"
    );
    // The ARM endpoint shown is the emulator that runs in the app.
    let endpoint = arm.trim().to_string();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    app.screenshot("32-sandbox-details").await;

    // "Open draft" of the OpenAI-style gateway puts it in the editor; Test runs every check
    // against the in-app sample gateway.
    app.click(
        "[data-testid='sandbox-details'] [data-gateway='sandbox-openai'] [data-testid='sandbox-open-draft']",
    )
    .await;
    app.wait_gone("[data-testid='sandbox-details'][open]").await;
    let deadline = std::time::Instant::now() + gateway_studio_e2e::UI_TIMEOUT;
    while app
        .eval("document.querySelector(\"[data-testid='connection-editor'] input[name='name']\")?.value ?? null")
        .await
        != "sandbox-openai"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "sandbox-openai did not open in the editor"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.click("[data-testid='editor-test']").await;
    let finished = "[data-testid='checks-summary'][data-outcome='passed'], \
                    [data-testid='checks-summary'][data-outcome='warned'], \
                    [data-testid='checks-summary'][data-outcome='failed'], \
                    [data-testid='checks-summary'][data-outcome='error']";
    let summary = app.wait_for(finished).await.text().await.unwrap();
    assert!(summary.contains("0 failed"), "{summary}");
    for id in [
        "reachability",
        "discovery-list",
        "models",
        "chat",
        "tools",
        "stream",
    ] {
        let row = app
            .wait_for(&format!("[data-testid='check-row'][data-check-id='{id}']"))
            .await;
        assert_eq!(
            row.attr("data-status").await.unwrap().as_deref(),
            Some("pass"),
            "{id} should pass against the sample gateway"
        );
    }
    assert!(
        app.client
            .find_all(Locator::Css(
                "[data-testid='check-row'][data-status='fail']"
            ))
            .await
            .unwrap()
            .is_empty(),
        "no check may fail: {summary}"
    );
    app.screenshot("34-sandbox-checks").await;

    // Settings → Azure shows the Sandbox chosen and running, with its details.
    app.click("[data-nav='settings']").await;
    app.wait_for("[data-testid='settings-azure'] input[data-cloud-option='sandbox']:checked")
        .await;
    app.wait_for_text("[data-testid='settings-sandbox']", &endpoint)
        .await;
    app.wait_for_text("[data-testid='cloud-sandbox-status']", "Running")
        .await;
    app.screenshot("33-settings-azure").await;

    // The banner in the dark theme, for a look.
    app.click("[data-theme-option='dark']").await;
    app.click("[data-nav='connections']").await;
    app.wait_for(BANNER_RUNNING).await;
    app.screenshot("36-sandbox-dark").await;
    app.close().await;

    // A restart brings the sandbox back by itself, with the same two drafts.
    let app = Session::launch(dir.path()).await;
    assert!(
        !app.first_run().await,
        "the first-run screen was answered: it must not come back"
    );
    app.wait_for(BANNER_RUNNING).await;
    app.wait_for_text("[data-page='connections'] h1", "Connections")
        .await;
    wait_for_names(&app, &["sandbox-apim", "sandbox-openai"]).await;
    // Give a late second seeding the chance to show up before counting again.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(
        listed_names(&app).await,
        ["sandbox-apim", "sandbox-openai"],
        "the restart duplicated the drafts"
    );

    // Leave sandbox: Azure again, the banner goes, the drafts stay.
    app.click("[data-testid='sandbox-leave']").await;
    app.wait_gone("[data-testid='sandbox-banner']").await;
    let cloud = app
        .eval("document.querySelector(\"[data-testid='sidebar-cloud']\")?.dataset.cloud ?? null")
        .await;
    assert_eq!(cloud, "public");
    wait_for_names(&app, &["sandbox-apim", "sandbox-openai"]).await;
    app.screenshot("35-sandbox-left").await;
    app.close().await;

    // And the next start stays on Azure: no banner, nothing started.
    let app = Session::launch(dir.path()).await;
    assert!(!app.first_run().await);
    app.wait_for("[data-testid='sidebar-cloud'][data-cloud='public']")
        .await;
    assert!(
        app.client
            .find_all(Locator::Css("[data-testid='sandbox-banner']"))
            .await
            .unwrap()
            .is_empty(),
        "the sandbox banner came back after leaving"
    );
    app.close().await;
}
