//! End-to-end: the real window, driven like a user would.

mod azure;
mod checks;
mod connections;
mod playground;
mod sandbox;
mod traces;

use gateway_studio_e2e::Session;
use gateway_studio_e2e::fantoccini::Locator;
use gateway_studio_e2e::fantoccini::key::Key;

/// (route, title, shows the "not in this build" empty state)
const PAGES: &[(&str, &str, bool)] = &[
    ("connections", "Connections", false),
    ("azure", "Azure", false),
    ("checks", "Checks", false),
    ("playground", "Agent playground", false),
    ("traces", "Traces", false),
    ("history", "History", false),
    ("settings", "Settings", false),
];

#[tokio::test(flavor = "multi_thread")]
async fn every_page_renders_and_is_reachable_by_mouse_and_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let app = Session::launch(dir.path()).await;

    // A fresh data dir greets with the first-run screen; Skip answers it for good.
    app.skip_welcome().await;

    // No connections: the page offers to create or import one.
    app.wait_for_text("[data-testid='connections-empty']", "No connections yet")
        .await;
    app.wait_for("[data-testid='new-connection']").await;

    for (i, (route, title, empty)) in PAGES.iter().enumerate() {
        app.wait_for(&format!("[data-nav='{route}']"))
            .await
            .click()
            .await
            .unwrap();
        app.wait_for_text(&format!("[data-page='{route}'] h1"), title)
            .await;
        let current = app
            .eval(&format!(
                "document.querySelector(\"[data-nav='{route}']\").getAttribute('aria-current')"
            ))
            .await;
        assert_eq!(current, "page", "{route} should be the current nav item");
        if *empty {
            let text = app
                .wait_for_text(
                    &format!("[data-page='{route}'] [data-testid='empty-state']"),
                    "",
                )
                .await;
            assert!(
                text.to_lowercase().contains("not in this build"),
                "{route}: the empty state should say honestly that the feature is missing: {text:?}"
            );
        }
        app.screenshot(&format!("{:02}-{route}", i + 1)).await;
    }

    // Settings shows where the data lives: the temporary folder we passed with --data-dir.
    let settings = app
        .wait_for_text("[data-page='settings']", "gateway-studio.sqlite")
        .await;
    assert!(
        settings.contains(dir.path().to_str().unwrap()),
        "settings should show the data dir {}: {settings}",
        dir.path().display()
    );

    // Settings → Azure → Test sign-in, in the default cloud with the default Azure CLI
    // sign-in: whatever this machine's `az` says (here it is usually not installed), the
    // answer is an identity or an error with the fix, never silence.
    app.eval(
        "(document.querySelector(\"[data-testid='sign-in-test']\").scrollIntoView({ block: 'center' }), true)",
    )
    .await;
    app.click("[data-testid='sign-in-test']").await;
    let answer = app
        .wait_for("[data-testid='sign-in-identity'], [data-testid='sign-in-test-error']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        answer.contains("Azure CLI") || answer.contains("az "),
        "the answer names the Azure CLI or the command to run: {answer:?}"
    );
    app.screenshot("07-settings-sign-in").await;

    // Keyboard: Ctrl+4 opens the Agent playground (the fourth page), Ctrl+1 the Connections page.
    let body = app.client.find(Locator::Css("body")).await.unwrap();
    body.send_keys(&format!("{}4", char::from(Key::Control)))
        .await
        .unwrap();
    app.wait_for_text("[data-page='playground'] h1", "Agent playground")
        .await;
    let body = app.client.find(Locator::Css("body")).await.unwrap();
    body.send_keys(&format!("{}1", char::from(Key::Control)))
        .await
        .unwrap();
    app.wait_for_text("[data-page='connections'] h1", "Connections")
        .await;

    // Theme: choose Dark in Settings; it applies at once and survives a restart.
    app.wait_for("[data-nav='settings']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_for("[data-theme-option='dark']")
        .await
        .click()
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + gateway_studio_e2e::UI_TIMEOUT;
    while app.eval("document.documentElement.dataset.theme").await != "dark" {
        assert!(
            std::time::Instant::now() < deadline,
            "dark theme not applied"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.screenshot("08-settings-dark").await;
    app.wait_for("[data-nav='connections']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_for_text("[data-page='connections'] h1", "Connections")
        .await;
    app.screenshot("09-connections-dark").await;
    app.close().await;

    let app = Session::launch(dir.path()).await;
    assert!(
        !app.first_run().await,
        "the first-run screen was answered: it must not come back"
    );
    let deadline = std::time::Instant::now() + gateway_studio_e2e::UI_TIMEOUT;
    while app.eval("document.documentElement.dataset.theme").await != "dark" {
        assert!(
            std::time::Instant::now() < deadline,
            "the saved dark theme was not restored after a restart"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.close().await;

    // The window logged to a file in <data-dir>/logs, including the first-paint figure.
    let logs = std::fs::read_dir(dir.path().join("logs"))
        .expect("a logs folder in the data dir")
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
    assert!(logs.contains("database ready"), "log file: {logs}");
    assert!(logs.contains("first paint"), "log file: {logs}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_from_a_newer_version_is_explained_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway-studio.sqlite");
    {
        let store = gateway_studio_core::store::Store::open(&db).await.unwrap();
        gateway_studio_core::store::testing::insert_future_migration(&store, 99990101000000).await;
        store.close().await;
    }
    let before = std::fs::read(&db).unwrap();

    let app = Session::launch(dir.path()).await;
    let banner = app
        .wait_for_text("[data-testid='storage-error']", "newer")
        .await;
    assert!(banner.contains("untouched"), "{banner}");
    app.screenshot("10-newer-database").await;
    app.close().await;

    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database was modified"
    );
}
