//! The agent playground in the real window, against the sandbox: a local conversation with
//! `sandbox-openai/gpt-4o` whose sample tool call is answered from its card, then a Foundry
//! conversation in the sandbox project (the emulated Agent Service calls the sample gateway),
//! then New conversation and the history of both.

use gateway_studio_e2e::Session;
use gateway_studio_e2e::fantoccini::key::Key;

const LAST_REPLY: &str = "[data-testid='turn']:last-child [data-testid='agent-reply']";

/// Chooses the draft named `name` in the playground's connection picker.
async fn choose_connection(app: &Session, name: &str) {
    app.wait_for("[data-testid='playground-connection'] option[value]")
        .await;
    let id = app
        .eval(&format!(
            "[...document.querySelectorAll(\"[data-testid='playground-connection'] option\")].find((o) => o.textContent.trim() === '{name}')?.value ?? null"
        ))
        .await;
    let id = id
        .as_str()
        .unwrap_or_else(|| panic!("a {name} draft"))
        .to_string();
    app.wait_for("[data-testid='playground-connection']")
        .await
        .select_by_value(&id)
        .await
        .unwrap();
    app.wait_for_text("[data-testid='playground-model']", &format!("{name}/"))
        .await;
}

/// Types a message in the composer and presses Enter.
async fn say(app: &Session, text: &str) {
    app.wait_until(
        "!document.querySelector(\"[data-testid='composer']\")?.disabled",
        "the composer should be enabled",
    )
    .await;
    let composer = app.wait_for("[data-testid='composer']").await;
    composer.click().await.unwrap();
    composer
        .send_keys(&format!("{text}{}", char::from(Key::Enter)))
        .await
        .unwrap();
}

/// The last turn finished (its figures are shown) and its reply contains `needle`.
async fn reply_contains(app: &Session, needle: &str) -> String {
    let reply = app.wait_for_text(LAST_REPLY, needle).await;
    app.wait_for("[data-testid='turn']:last-child[data-state='done'] [data-testid='turn-latency']")
        .await;
    reply
}

#[tokio::test(flavor = "multi_thread")]
async fn local_and_foundry_conversations_with_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let app = Session::launch(dir.path()).await;
    app.start_sandbox().await;

    // The playground: sandbox-openai with its deployment gpt-4o, run locally, sample tool on.
    app.click("[data-nav='playground']").await;
    app.wait_for("[data-testid='playground']").await;
    choose_connection(&app, "sandbox-openai").await;
    let deployment = app.wait_for("[data-testid='playground-deployment']").await;
    deployment.clear().await.unwrap();
    deployment.send_keys("gpt-4o").await.unwrap();
    app.wait_for_text("[data-testid='playground-model']", "sandbox-openai/gpt-4o")
        .await;
    app.wait_for("[data-testid='mode-label'][data-mode='local']")
        .await;
    let label = app
        .wait_for_text("[data-testid='mode-label']", "Local")
        .await;
    assert!(
        label.contains("Gateway Studio plays the Agent Service and calls your gateway directly"),
        "{label}"
    );
    assert_eq!(
        app.eval("document.querySelector(\"[data-testid='playground-sample-tool']\").checked")
            .await,
        true,
        "the sample tool is on by default"
    );
    let hint = app
        .wait_for_text("[data-testid='compat-hint']", "Only prompt agents")
        .await;
    assert!(hint.contains("sandbox-openai/gpt-4o"), "{hint}");

    // The model calls get_weather: its card takes the suggested output, and the reply says so.
    say(&app, "What is the weather in Paris?").await;
    let card = app
        .wait_for("[data-testid='tool-call'][data-name='get_weather'][data-status='waiting']")
        .await;
    let arguments = app
        .wait_for_text(
            "[data-testid='tool-call'] [data-testid='tool-arguments']",
            "{",
        )
        .await;
    assert!(!arguments.is_empty());
    drop(card);
    app.click("[data-testid='tool-autofill']").await;
    app.wait_until(
        "(document.querySelector(\"[data-testid='tool-output']\")?.value ?? '').includes('sunny')",
        "auto-fill should put the suggested output in the box",
    )
    .await;
    app.click("[data-testid='tool-send']").await;
    let reply = reply_contains(&app, "The tool said:").await;
    assert!(reply.contains("sunny"), "{reply}");
    app.wait_for("[data-testid='tool-call'][data-status='sent']")
        .await;
    app.wait_for_text("[data-testid='turn-usage']", "tokens")
        .await;
    app.screenshot("50-playground-local").await;

    // Foundry: the project is picked on the Azure page (remembered), then the playground runs
    // a test agent there.
    app.click("[data-nav='azure']").await;
    app.wait_for("[data-testid='azure-page']").await;
    let picked = app
        .eval("document.querySelector(\"[data-testid='azure-picker-project']\")?.dataset.value ?? null")
        .await;
    if picked != "sandbox-project" {
        app.pick_sandbox_project().await;
    }
    app.click("[data-nav='playground']").await;
    // The local conversation is still there.
    app.wait_for_text(LAST_REPLY, "The tool said:").await;
    app.click("[data-mode-option='foundry']").await;
    app.wait_for_text("[data-testid='mode-label']", "in project sandbox-project")
        .await;
    // A plain echo this time: no tool for the agent.
    app.click("[data-testid='playground-sample-tool']").await;
    app.wait_for("[data-testid='settings-changed']").await;
    say(&app, "Hello").await;
    let reply = reply_contains(&app, "Echo from gpt-4o: Hello").await;
    assert!(reply.contains("Echo from gpt-4o: Hello"), "{reply}");
    let label = app
        .wait_for_text(
            "[data-testid='mode-label'][data-mode='foundry']",
            "gs-test-",
        )
        .await;
    assert!(
        label.contains("agent version gs-test-") && label.contains("in project sandbox-project"),
        "{label}"
    );
    // The local conversation ended when the settings changed; only this one's turn is shown.
    assert_eq!(
        app.eval("document.querySelectorAll(\"[data-testid='turn']\").length")
            .await,
        1
    );
    // The turn's exchanges: the data-plane calls, and in the sandbox the emulated service's
    // own call to the gateway.
    app.click("[data-testid='turn']:last-child [data-testid='show-exchanges']")
        .await;
    app.wait_until("[...document.querySelectorAll(\"[data-testid='turn']:last-child [data-testid='exchange-label']\")].some((e) => e.textContent === 'Agent Service → chat completions')",
        "the turn's exchanges should hold the service's call to the gateway",
    )
    .await;
    app.screenshot("51-playground-foundry").await;

    // New conversation: the Foundry agent is deleted and the history lists both conversations.
    app.click("[data-testid='new-conversation']").await;
    app.wait_for_text("[data-testid='ended-notice']", "deleted from Foundry")
        .await;
    app.wait_for("[data-testid='playground-intro']").await;
    app.click("[data-testid='tab-history']").await;
    app.wait_until(
        "document.querySelectorAll(\"[data-testid='conversation-item']\").length === 2",
        "the history should list the two conversations",
    )
    .await;
    let modes = app
        .eval("[...document.querySelectorAll(\"[data-testid='conversation-item']\")].map((e) => e.dataset.mode + ':' + e.dataset.state)")
        .await;
    assert_eq!(modes, serde_json::json!(["foundry:ended", "local:ended"]));
    let foundry = app
        .eval("document.querySelector(\"[data-testid='conversation-item'][data-mode='foundry']\").textContent")
        .await;
    let foundry = foundry.as_str().unwrap_or_default();
    assert!(
        foundry.contains("sandbox-openai/gpt-4o") && foundry.contains("1 turn"),
        "{foundry}"
    );
    // Opening the local one shows it read-only, with Continue.
    app.click("[data-testid='conversation-item'][data-mode='local']")
        .await;
    app.wait_for_text("[data-testid='stored-view']", "read-only")
        .await;
    app.wait_for("[data-testid='continue-conversation']").await;
    app.wait_for_text(LAST_REPLY, "The tool said:").await;
    app.screenshot("52-playground-history").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn foundry_needs_a_project_and_a_wrong_deployment_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    let app = Session::launch(dir.path()).await;
    app.start_sandbox().await;
    app.click("[data-nav='playground']").await;
    app.wait_for("[data-testid='playground-intro']").await;

    // Nothing picked on the Azure page yet: Foundry mode says so and links there.
    app.click("[data-mode-option='foundry']").await;
    app.wait_for_text(
        "[data-testid='playground-pick-project']",
        "Foundry mode needs a project",
    )
    .await;
    app.wait_for_text("[data-testid='playground-blocker']", "Azure page")
        .await;
    app.screenshot("53-playground-no-project").await;

    // Locally, a deployment the gateway does not serve: the start fails with the service's
    // code, its fix, and the exchanges of the discovery call that found out.
    app.click("[data-mode-option='local']").await;
    choose_connection(&app, "sandbox-openai").await;
    let deployment = app.wait_for("[data-testid='playground-deployment']").await;
    deployment.clear().await.unwrap();
    deployment.send_keys("gpt-5-nope").await.unwrap();
    app.wait_for_text("[data-testid='playground-model']", "/gpt-5-nope")
        .await;
    say(&app, "Hello").await;
    let card = app
        .wait_for_text("[data-testid='start-error-card']", "did not start")
        .await;
    assert!(card.contains("gpt-5-nope"), "{card}");
    app.click("[data-testid='start-error-card'] [data-testid='show-exchanges']")
        .await;
    app.wait_for("[data-testid='start-error-card'] [data-testid='exchange-item']")
        .await;
    app.screenshot("54-playground-error").await;
    app.close().await;
}
