//! Traces and History in the real window: the sandbox from the first-run screen, the checks
//! of `sandbox-openai` on the Checks page so exchanges exist, then the Traces page (rows,
//! filters by kind and text, one exchange open with its Authorization header redacted) and
//! the History page with the check run.

use gateway_studio_e2e::Session;
use gateway_studio_e2e::fantoccini::Locator;

const BANNER_RUNNING: &str = "[data-testid='sandbox-banner'][data-state='running']";
const ROWS: &str = "[data-testid='trace-row']";

async fn count(app: &Session, css: &str) -> usize {
    app.client
        .find_all(Locator::Css(css))
        .await
        .unwrap_or_default()
        .len()
}

/// Polls `f` until it is true.
async fn until<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + gateway_studio_e2e::UI_TIMEOUT;
    while !f().await {
        assert!(std::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The `data-kind` of every row listed.
async fn row_kinds(app: &Session) -> Vec<String> {
    let kinds = app
        .eval(&format!(
            "[...document.querySelectorAll(\"{ROWS}\")].map((e) => e.dataset.kind)"
        ))
        .await;
    serde_json::from_value(kinds).expect("a list of kinds")
}

#[tokio::test(flavor = "multi_thread")]
async fn traces_and_history_of_a_sandbox_check_run() {
    let dir = tempfile::tempdir().unwrap();
    let app = Session::launch(dir.path()).await;

    assert!(app.first_run().await, "the first-run screen should show");
    app.wait_for_text("[data-testid='welcome']", "Try the sandbox")
        .await;
    app.click("[data-testid='welcome-sandbox']").await;
    app.wait_for(BANNER_RUNNING).await;
    app.wait_gone("[data-testid='welcome']").await;

    // Run the checks of sandbox-openai on the Checks page.
    app.click("[data-nav='checks']").await;
    app.wait_for("[data-testid='checks-connection']").await;
    until("sandbox-openai should be offered on the Checks page", || async {
        app.eval(
            "[...document.querySelector(\"[data-testid='checks-connection']\").options].some((o) => o.textContent.includes('sandbox-openai'))",
        )
        .await
            == true
    })
    .await;
    app.eval(
        "(() => { const s = document.querySelector(\"[data-testid='checks-connection']\"); \
         s.value = [...s.options].find((o) => o.textContent.includes('sandbox-openai')).value; \
         s.dispatchEvent(new Event('change', { bubbles: true })); return true; })()",
    )
    .await;
    until("the run button should be enabled", || async {
        app.eval("!document.querySelector(\"[data-testid='checks-run']\")?.disabled")
            .await
            == true
    })
    .await;
    app.click("[data-testid='checks-run']").await;
    let finished = "[data-testid='checks-summary'][data-outcome='passed'], \
                    [data-testid='checks-summary'][data-outcome='warned'], \
                    [data-testid='checks-summary'][data-outcome='failed']";
    let summary = app.wait_for(finished).await.text().await.unwrap();
    assert!(summary.contains("0 failed"), "{summary}");
    // The run links to its exchanges.
    app.wait_for("[data-testid='checks-summary'] [data-testid='open-in-traces']")
        .await;
    app.screenshot("64-checks-run").await;

    // Traces: the run's exchanges are listed, newest first.
    app.click("[data-nav='traces']").await;
    app.wait_for_text("[data-page='traces'] h1", "Traces").await;
    app.wait_for(ROWS).await;
    let all = count(&app, ROWS).await;
    assert!(all >= 5, "the checks make several exchanges; {all} listed");
    let page = app.wait_for_text("[data-page='traces']", "").await;
    assert!(!page.contains("not in this build"), "{page}");
    app.wait_for_text("[data-testid='storage-count']", "exchange")
        .await;
    app.screenshot("60-traces").await;

    // Kind: gateway only.
    app.click("[data-page='traces'] button[data-kind='gateway']")
        .await;
    until("only gateway exchanges should be listed", || async {
        let kinds = row_kinds(&app).await;
        !kinds.is_empty() && kinds.iter().all(|k| k == "gateway")
    })
    .await;
    let gateway = count(&app, ROWS).await;

    // Text: the chat completions only.
    let search = app.wait_for("[data-testid='trace-search']").await;
    search.send_keys("chat").await.unwrap();
    until("the search should narrow the list", || async {
        let n = count(&app, ROWS).await;
        n > 0 && n < gateway
    })
    .await;
    let labels = app
        .eval(&format!(
            "[...document.querySelectorAll(\"{ROWS}\")].map((e) => e.textContent)"
        ))
        .await;
    assert!(
        labels
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t.as_str().unwrap().contains("chat")),
        "every row should mention chat: {labels}"
    );

    // Open one: the request headers show the Authorization header, redacted.
    app.click(ROWS).await;
    app.wait_for("[data-testid='trace-detail']").await;
    app.click("[data-testid='trace-detail'] [role='tab'][data-tab='headers']")
        .await;
    let headers = app
        .wait_for_text(
            "[data-testid='trace-detail'] [aria-label='Request headers']",
            "<redacted>",
        )
        .await;
    let auth = headers
        .lines()
        .skip_while(|l| !l.to_ascii_lowercase().starts_with("authorization"))
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        auth.contains("Bearer <redacted>"),
        "the Authorization header should be redacted: {headers}"
    );
    assert!(
        !headers.contains("sandbox-key-"),
        "a key is shown: {headers}"
    );
    app.screenshot("61-trace-detail").await;
    app.click("[data-testid='trace-detail'] [role='tab'][data-tab='response']")
        .await;
    app.wait_for("[data-testid='trace-detail'] [data-testid='response-body']")
        .await;

    // Its run: the run chip, and the waterfall of the run's exchanges.
    app.click("[data-testid='detail-filter-run']").await;
    app.wait_for("[data-testid='run-chip']").await;
    app.wait_for("[data-testid='waterfall'] [data-testid='waterfall-row']")
        .await;
    app.click("[data-testid='trace-detail'] [role='tab'][data-tab='timing']")
        .await;
    app.wait_for("[data-testid='timing']").await;
    app.screenshot("63-trace-run").await;

    // History: the check run, reopened on the Checks page.
    app.click("[data-nav='history']").await;
    app.wait_for("[data-testid='history-row'][data-kind='check']")
        .await;
    let day = app
        .eval("document.querySelector(\"[data-testid='history-list'] h2\")?.textContent ?? ''")
        .await;
    assert_eq!(day, "Today");
    app.screenshot("62-history").await;
    // (textContent: WebDriver's text leaves out what an ellipsis may clip.)
    let row = app
        .eval("document.querySelector(\"[data-testid='history-row'][data-kind='check']\").textContent")
        .await;
    let row = row.as_str().unwrap_or_default();
    assert!(row.contains("sandbox-openai"), "{row}");
    assert!(row.contains("Passed") || row.contains("Warnings"), "{row}");
    app.click("[data-testid='history-row'][data-kind='check']")
        .await;
    app.wait_for("[data-page='checks'] [data-testid='history-item'][aria-current='true']")
        .await;

    app.close().await;
}
