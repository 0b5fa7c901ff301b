//! The gateway checks end to end, against the sandbox's sample gateways and token endpoint
//! over real loopback HTTP: every check passing on both gateway styles and with OAuth2, every
//! failure explanation triggered by the setting (or gateway behaviour) that causes it,
//! cancellation, what the gateway really received, secrets kept out of traces, and storage.

use std::collections::BTreeMap;
use std::time::Duration;

use gateway_studio_core::checks::runs::{Runs, new_run_id};
use gateway_studio_core::checks::{
    CheckId, CheckOptions, CheckResult, CheckRunner, CheckSecrets, CheckStatus, RunEvent,
    RunOutcome,
};
use gateway_studio_core::connection::{
    AuthConfig, Connection, ConnectionAuth, ConnectionCategory, DiscoveryProvider, ModelDiscovery,
    ModelFormat, ModelInfo, SecretRef,
};
use gateway_studio_core::net::{HttpClient, NetworkOptions};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::store::Store;
use gateway_studio_core::trace::TraceExchange;
use gateway_studio_sandbox::demo::{
    DEMO_API_KEY, DEMO_API_VERSION, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SCOPE,
    DEMO_SUBSCRIPTION_KEY, DEMO_WRONG_API_KEY,
};
use gateway_studio_sandbox::{
    GatewayAuth, GatewayConfig, Route, RunningGateway, TokenEndpointConfig, start_gateway,
    start_token_endpoint,
};
use tokio_util::sync::CancellationToken;

fn runner() -> CheckRunner {
    CheckRunner::new(HttpClient::new(&NetworkOptions::default()).unwrap())
}

fn key(value: &str) -> CheckSecrets {
    CheckSecrets {
        api_key: Some(Sensitive::new(value.to_string())),
        ..CheckSecrets::default()
    }
}

/// A ModelGateway connection to the OpenAI-style sample: dynamic discovery, key as a Bearer
/// token, a custom header.
fn openai_connection(gw: &RunningGateway) -> Connection {
    let mut c = Connection::new(
        "llm-gw",
        ConnectionCategory::ModelGateway,
        gw.target().as_str(),
        ConnectionAuth::api_key(),
    );
    c.metadata.deployment_in_path = Some(false);
    c.metadata.inference_api_version = Some(String::new());
    c.metadata.model_discovery = Some(ModelDiscovery::new(
        "/models",
        "/models/{deploymentName}",
        DiscoveryProvider::OpenAi,
    ));
    c.metadata.auth_config = Some(AuthConfig::api_key("Authorization", "Bearer {api_key}"));
    c.metadata.custom_headers = BTreeMap::from([("X-Client-App".into(), "foundry-agents".into())]);
    c
}

/// An ApiManagement connection to the APIM-style sample: static models, `api-key`, api-version.
fn apim_connection(gw: &RunningGateway) -> Connection {
    let mut c = Connection::new(
        "apim-gw",
        ConnectionCategory::ApiManagement,
        gw.target().as_str(),
        ConnectionAuth::api_key(),
    );
    c.metadata.deployment_in_path = Some(true);
    c.metadata.inference_api_version = Some(DEMO_API_VERSION.into());
    c.metadata.models = Some(vec![
        ModelInfo::new("gpt-4o", "gpt-4o", "2024-11-20", ModelFormat::OpenAi),
        ModelInfo::new(
            "gpt-4o-mini",
            "gpt-4o-mini",
            "2024-07-18",
            ModelFormat::OpenAi,
        ),
    ]);
    c
}

struct Run {
    results: Vec<CheckResult>,
    exchanges: Vec<TraceExchange>,
    events: Vec<RunEvent>,
}

impl Run {
    #[track_caller]
    fn get(&self, id: CheckId, deployment: Option<&str>) -> &CheckResult {
        self.results
            .iter()
            .find(|r| r.id == id && (deployment.is_none() || r.deployment.as_deref() == deployment))
            .unwrap_or_else(|| panic!("no {id:?} result in {:#?}", self.results))
    }

    #[track_caller]
    fn status(&self, id: CheckId) -> CheckStatus {
        self.get(id, None).status
    }
}

async fn run_with(
    runner: &CheckRunner,
    connection: &Connection,
    secrets: CheckSecrets,
    options: CheckOptions,
    cancel: CancellationToken,
) -> Run {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let results = runner
        .run(
            "run-test",
            connection,
            Vec::new(),
            secrets,
            &options,
            cancel,
            tx,
        )
        .await;
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    let exchanges = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Exchange(x) => Some((**x).clone()),
            _ => None,
        })
        .collect();
    Run {
        results,
        exchanges,
        events,
    }
}

async fn run(connection: &Connection, secrets: CheckSecrets, options: CheckOptions) -> Run {
    run_with(
        &runner(),
        connection,
        secrets,
        options,
        CancellationToken::new(),
    )
    .await
}

fn only(ids: &[CheckId]) -> CheckOptions {
    CheckOptions {
        only: ids.to_vec(),
        ..CheckOptions::default()
    }
}

#[tokio::test]
async fn every_check_passes_on_the_openai_style_gateway() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let run = run(
        &openai_connection(&gw),
        key(DEMO_API_KEY),
        CheckOptions::default(),
    )
    .await;
    // Plain http to loopback is fine here but unreachable from Azure: a warning.
    assert_eq!(run.status(CheckId::Config), CheckStatus::Warn);
    for id in [
        CheckId::Reachability,
        CheckId::DiscoveryList,
        CheckId::DiscoveryGet,
        CheckId::Models,
        CheckId::Chat,
        CheckId::Tools,
        CheckId::Stream,
    ] {
        let r = run.get(id, None);
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
    }
    assert_eq!(run.status(CheckId::AuthToken), CheckStatus::Skip);
    // Dynamic discovery decides the deployment: the first one listed.
    assert_eq!(
        run.get(CheckId::Chat, None).deployment.as_deref(),
        Some("gpt-4o")
    );
    assert!(
        run.get(CheckId::Chat, None)
            .message
            .contains("Echo from gpt-4o")
    );
    let list = run.get(CheckId::DiscoveryList, None);
    let names: Vec<&str> = list
        .discovered
        .iter()
        .map(|m| m.deployment_name.as_str())
        .collect();
    assert_eq!(names, ["gpt-4o", "gpt-4o-mini"]);
    let stream = run.get(CheckId::Stream, None);
    assert!(stream.first_token_ms.is_some(), "{stream:#?}");
    assert!(
        run.get(CheckId::Tools, None)
            .details
            .iter()
            .any(|d| d.contains("get_weather") && d.contains("Seattle"))
    );

    // What the gateway received is what the Agent Service sends (§4.1, §4.2).
    let requests = gw.requests();
    let chat: Vec<_> = requests
        .iter()
        .filter(|r| r.path_only() == "/v1/chat/completions")
        .collect();
    assert_eq!(chat.len(), 4, "chat + tools ×2 + stream");
    for r in &requests {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {DEMO_API_KEY}").as_str())
        );
        assert_eq!(
            r.header("x-client-app"),
            Some("foundry-agents"),
            "custom headers on every call"
        );
        assert!(r.header("api-key").is_none());
    }
    assert!(
        chat.iter()
            .all(|r| r.body_json().unwrap()["model"] == "gpt-4o")
    );
    let tool_result = chat
        .iter()
        .filter_map(|r| r.body_json())
        .find(|b| b["messages"].as_array().unwrap().len() == 3)
        .expect("the tool result went back");
    assert_eq!(tool_result["messages"][2]["role"], "tool");
    assert!(requests.iter().any(|r| r.path == "/v1/models/gpt-4o"));

    // Every exchange is traced, results link to them, and events came in order.
    for r in &run.results {
        for id in &r.exchanges {
            assert!(run.exchanges.iter().any(|x| &x.id == id), "{id} not traced");
        }
    }
    assert_eq!(run.exchanges.len(), requests.len());
    assert!(matches!(run.events.first(), Some(RunEvent::Started { .. })));
}

#[tokio::test]
async fn every_check_passes_on_the_apim_style_gateway_for_each_static_deployment() {
    let gw = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let run = run(
        &apim_connection(&gw),
        key(DEMO_API_KEY),
        CheckOptions::default(),
    )
    .await;
    for d in ["gpt-4o", "gpt-4o-mini"] {
        for id in [CheckId::Chat, CheckId::Tools, CheckId::Stream] {
            let r = run.get(id, Some(d));
            assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        }
    }
    assert_eq!(run.status(CheckId::Models), CheckStatus::Pass);
    // Static models: the Agent Service makes no discovery calls, and neither do the checks.
    assert_eq!(run.status(CheckId::DiscoveryList), CheckStatus::Skip);
    let requests = gw.requests();
    assert!(
        requests
            .iter()
            .all(|r| !r.path_only().ends_with("/deployments"))
    );
    let r = requests
        .iter()
        .find(|r| r.path_only() == "/openai/deployments/gpt-4o-mini/chat/completions")
        .expect("deployment in the path");
    assert_eq!(
        r.query_param("api-version").as_deref(),
        Some(DEMO_API_VERSION)
    );
    assert_eq!(r.header("api-key"), Some(DEMO_API_KEY));
    assert!(
        r.body_json().unwrap().get("model").is_none(),
        "no model in the body"
    );
}

#[tokio::test]
async fn oauth2_token_is_fetched_once_and_used_as_bearer() {
    let idp = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    let gw = start_gateway(GatewayConfig::new(
        gateway_studio_sandbox::GatewayStyle::OpenAi,
        GatewayAuth::oauth2(&idp),
    ))
    .await
    .unwrap();
    let mut c = openai_connection(&gw);
    c.metadata.auth_config = None;
    c.auth = ConnectionAuth::OAuth2 {
        client_id: DEMO_CLIENT_ID.into(),
        client_secret: Some(SecretRef::CLIENT_SECRET),
        token_url: idp.token_url().to_string(),
        scopes: vec![DEMO_SCOPE.into()],
    };
    let secrets = CheckSecrets {
        client_secret: Some(Sensitive::new(DEMO_CLIENT_SECRET.into())),
        ..CheckSecrets::default()
    };
    let runner = runner();
    let first = run_with(
        &runner,
        &c,
        secrets.clone(),
        CheckOptions::default(),
        CancellationToken::new(),
    )
    .await;
    let token = first.get(CheckId::AuthToken, None);
    assert_eq!(token.status, CheckStatus::Pass, "{token:#?}");
    for id in [
        CheckId::DiscoveryList,
        CheckId::Chat,
        CheckId::Tools,
        CheckId::Stream,
    ] {
        assert_eq!(
            first.status(id),
            CheckStatus::Pass,
            "{:#?}",
            first.get(id, None)
        );
    }
    assert_eq!(idp.tokens_issued(), 1, "one token for the whole run");
    let form = idp.requests()[0].body_text();
    assert!(
        form.contains("grant_type=client_credentials")
            && form.contains("scope=api%3A%2F%2Fsandbox-gateway%2F.default"),
        "{form}"
    );

    // A second run reuses the cached token.
    let second = run_with(
        &runner,
        &c,
        secrets,
        CheckOptions::default(),
        CancellationToken::new(),
    )
    .await;
    assert!(
        second
            .get(CheckId::AuthToken, None)
            .message
            .contains("(cached)")
    );
    assert_eq!(idp.tokens_issued(), 1);

    // A wrong secret: the endpoint's error and description, and no gateway call.
    gw.clear_requests();
    let wrong = CheckSecrets {
        client_secret: Some(Sensitive::new("not-the-secret".into())),
        ..CheckSecrets::default()
    };
    let failed = run(&c, wrong, CheckOptions::default()).await;
    let token = failed.get(CheckId::AuthToken, None);
    assert_eq!(token.status, CheckStatus::Fail);
    assert!(
        token.message.contains("invalid_client") && token.message.contains("AADSTS7000215"),
        "{}",
        token.message
    );
    assert!(token.hint.as_deref().unwrap().contains("client secret"));
    assert_eq!(failed.status(CheckId::Chat), CheckStatus::Skip);
    assert!(gw.requests().is_empty());
}

/// The chat check's verdict on `connection` with the gateway misbehaving as `setup` says.
async fn chat_verdict(
    gw: &RunningGateway,
    connection: &Connection,
    secret: &str,
    ids: &[CheckId],
) -> Run {
    let _ = gw;
    run(
        connection,
        key(secret),
        CheckOptions {
            deployments: vec!["gpt-4o".into()],
            only: ids.to_vec(),
            timeout_secs: 2,
            ..CheckOptions::default()
        },
    )
    .await
}

#[tokio::test]
async fn credential_failures_name_the_setting() {
    // Wrong key.
    let gw = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let c = apim_connection(&gw);
    let run = chat_verdict(&gw, &c, DEMO_WRONG_API_KEY, &[CheckId::Chat]).await;
    let r = run.get(CheckId::Chat, None);
    assert_eq!(r.status, CheckStatus::Fail);
    assert!(r.message.contains("401"), "{}", r.message);
    assert!(r.hint.as_deref().unwrap().contains("`api-key: {api_key}`"));

    // The gateway wants the key as a Bearer token: header name and format.
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let mut c = openai_connection(&gw);
    c.metadata.auth_config = None;
    let run = chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await;
    let r = run.get(CheckId::Chat, None);
    assert_eq!(r.status, CheckStatus::Fail);
    assert!(
        r.hint.as_deref().unwrap().contains("Bearer {api_key}"),
        "{r:#?}"
    );

    // APIM "subscription required": the key must go in Ocp-Apim-Subscription-Key.
    let gw = start_gateway(
        GatewayConfig::new(
            gateway_studio_sandbox::GatewayStyle::AzureOpenAi,
            GatewayAuth::None,
        )
        .with_required_api_version(DEMO_API_VERSION)
        .with_required_subscription_key(DEMO_SUBSCRIPTION_KEY),
    )
    .await
    .unwrap();
    let c = apim_connection(&gw);
    let run = chat_verdict(&gw, &c, DEMO_SUBSCRIPTION_KEY, &[CheckId::Chat]).await;
    let r = run.get(CheckId::Chat, None);
    assert!(r.message.contains("subscription key"), "{}", r.message);
    assert!(
        r.hint
            .as_deref()
            .unwrap()
            .contains("Ocp-Apim-Subscription-Key")
    );
    let mut fixed = c.clone();
    fixed.metadata.auth_config = Some(AuthConfig::api_key(
        "Ocp-Apim-Subscription-Key",
        "{api_key}",
    ));
    let run = chat_verdict(&gw, &fixed, DEMO_SUBSCRIPTION_KEY, &[CheckId::Chat]).await;
    assert_eq!(
        run.status(CheckId::Chat),
        CheckStatus::Pass,
        "{:#?}",
        run.results
    );

    // No key at all: the gateway checks say where to enter one.
    let run = run_checks_without_key(&fixed).await;
    assert_eq!(run.status(CheckId::Chat), CheckStatus::Skip);
    assert!(
        run.get(CheckId::Chat, None)
            .hint
            .as_deref()
            .unwrap()
            .contains("--api-key-env")
    );
}

async fn run_checks_without_key(c: &Connection) -> Run {
    run(
        c,
        CheckSecrets::default(),
        only(&[CheckId::Config, CheckId::Chat]),
    )
    .await
}

#[tokio::test]
async fn url_shape_failures_name_deployment_in_path_api_version_and_deployment() {
    let gw = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let good = apim_connection(&gw);

    let mut c = good.clone();
    c.metadata.deployment_in_path = Some(false);
    let r = chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await;
    let r = r.get(CheckId::Chat, None);
    assert_eq!(r.status, CheckStatus::Fail);
    assert!(r.message.contains("404"));
    assert!(
        r.hint
            .as_deref()
            .unwrap()
            .contains("`deploymentInPath` is false"),
        "{r:#?}"
    );

    let mut c = good.clone();
    c.metadata.inference_api_version = None;
    let r = chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await;
    let hint = r.get(CheckId::Chat, None).hint.clone().unwrap();
    assert!(hint.contains("no api-version is sent"), "{hint}");

    let r = run(
        &good,
        key(DEMO_API_KEY),
        CheckOptions {
            deployments: vec!["gpt-9".into()],
            only: vec![CheckId::Models, CheckId::Chat],
            ..CheckOptions::default()
        },
    )
    .await;
    let chat = r.get(CheckId::Chat, None);
    assert!(
        chat.message.contains("does not know deployment `gpt-9`"),
        "{}",
        chat.message
    );
    assert!(chat.hint.as_deref().unwrap().contains("`apim-gw/gpt-9`"));
    let models = r.get(CheckId::Models, None);
    assert_eq!(models.status, CheckStatus::Fail);
    assert!(models.message.contains("`gpt-9` is not in the static list"));

    // The OpenAI style answers an unknown model with 404 model_not_found.
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let r = run(
        &openai_connection(&gw),
        key(DEMO_API_KEY),
        CheckOptions {
            deployments: vec!["gpt-9".into()],
            only: vec![CheckId::Chat],
            ..CheckOptions::default()
        },
    )
    .await;
    assert!(
        r.get(CheckId::Chat, None)
            .hint
            .as_deref()
            .unwrap()
            .contains("`llm-gw/gpt-9`")
    );
}

#[tokio::test]
async fn gateway_misbehaviour_is_explained() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let c = openai_connection(&gw);
    let chat = |run: &Run| run.get(CheckId::Chat, None).clone();

    gw.faults().on(Route::Chat).next(1).rate_limit(17);
    let r = chat(&chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await);
    assert_eq!(r.status, CheckStatus::Warn);
    assert!(
        r.message.contains("429") && r.message.contains("Retry-After: 17 s"),
        "{}",
        r.message
    );

    gw.faults().on(Route::Chat).next(1).server_error(502);
    let r = chat(&chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await);
    assert_eq!(r.status, CheckStatus::Fail);
    assert!(r.message.contains("502"));

    gw.faults().on(Route::Chat).next(1).non_json_body();
    let r = chat(&chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await);
    assert!(r.message.contains("not JSON"), "{}", r.message);
    assert!(r.hint.as_deref().unwrap().contains("web page"));

    gw.faults().on(Route::Chat).next(1).wrong_shape();
    let r = chat(&chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await);
    assert!(r.message.contains("not a chat completion"), "{}", r.message);

    gw.faults().on(Route::Discovery).next(1).wrong_shape();
    let run = chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::DiscoveryList]).await;
    let r = run.get(CheckId::DiscoveryList, None);
    assert!(r.message.contains("provider mismatch"), "{}", r.message);
    assert!(r.hint.as_deref().unwrap().contains("\"AzureOpenAI\""));

    gw.faults()
        .on(Route::Chat)
        .next(1)
        .huge_body(11 * 1024 * 1024);
    let r = chat(&chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await);
    assert!(r.message.contains("10 MB cap"), "{}", r.message);

    gw.faults()
        .on(Route::Chat)
        .next(1)
        .trickle(1, Duration::from_millis(300));
    let r = chat(&chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await);
    assert_eq!(r.status, CheckStatus::Fail);
    assert!(r.message.contains("within 2 s"), "{}", r.message);
    assert!(r.hint.as_deref().unwrap().contains("trickling"));

    gw.faults().on(Route::Chat).next(1).drop_tools();
    let run = chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Tools]).await;
    let r = run.get(CheckId::Tools, None);
    assert_eq!(r.status, CheckStatus::Fail);
    assert!(
        r.message.contains("without calling `get_weather`"),
        "{}",
        r.message
    );

    gw.faults().on(Route::Chat).next(1).no_stream();
    let run = chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Stream]).await;
    let r = run.get(CheckId::Stream, None);
    assert_eq!(r.status, CheckStatus::Warn);
    assert!(r.message.contains("ignored `stream: true`"));
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let elsewhere = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let c = openai_connection(&gw);
    let location = format!("{}v1/chat/completions", elsewhere.base_url());
    gw.faults().on(Route::Chat).next(1).redirect(location, 307);
    let run = chat_verdict(&gw, &c, DEMO_API_KEY, &[CheckId::Chat]).await;
    let r = run.get(CheckId::Chat, None);
    assert_eq!(r.status, CheckStatus::Fail);
    assert!(r.message.contains("not followed"), "{}", r.message);
    assert!(
        elsewhere.requests().is_empty(),
        "credentials went to another origin"
    );
}

#[tokio::test]
async fn cancelling_stops_the_run() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    gw.faults().on(Route::Chat).delay(Duration::from_secs(20));
    let cancel = CancellationToken::new();
    let later = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        later.cancel();
    });
    let started = std::time::Instant::now();
    let run = run_with(
        &runner(),
        &openai_connection(&gw),
        key(DEMO_API_KEY),
        CheckOptions::default(),
        cancel,
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the run did not stop"
    );
    let r = run.get(CheckId::Chat, None);
    assert_eq!(
        (r.status, r.message.as_str()),
        (CheckStatus::Skip, "cancelled")
    );
    assert_eq!(RunOutcome::of(&run.results, true), RunOutcome::Cancelled);
    // Checks that had finished keep their results.
    assert_eq!(run.status(CheckId::DiscoveryList), CheckStatus::Pass);
}

#[tokio::test]
async fn no_secret_reaches_results_or_traces() {
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    // Wrong shapes and errors echo what they got; the key must still not appear.
    gw.faults().on(Route::Chat).next(1).status(
        401,
        format!("{{\"error\":{{\"message\":\"bad key {DEMO_API_KEY}\"}}}}"),
        "application/json",
    );
    let run = run(
        &openai_connection(&gw),
        key(DEMO_API_KEY),
        CheckOptions::default(),
    )
    .await;
    let text = format!(
        "{}{}",
        serde_json::to_string(&run.results).unwrap(),
        serde_json::to_string(&run.exchanges).unwrap()
    );
    assert!(text.contains("Bearer <redacted>"));
    assert!(!text.contains(DEMO_API_KEY), "the API key leaked");
}

#[tokio::test]
async fn runs_results_and_exchanges_are_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite")).await.unwrap();
    let runs = Runs::new(&store);
    let gw = start_gateway(GatewayConfig::demo_openai()).await.unwrap();
    let run_id = new_run_id();
    let options = only(&[CheckId::Config, CheckId::Chat]);
    runs.create(&run_id, Some("draft-1"), Some("llm-gw"), &options)
        .await
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let results = runner()
        .run(
            &run_id,
            &openai_connection(&gw),
            Vec::new(),
            key(DEMO_API_KEY),
            &options,
            CancellationToken::new(),
            tx,
        )
        .await;
    while let Ok(event) = rx.try_recv() {
        runs.record(&run_id, &event).await.unwrap();
    }
    runs.finish(&run_id, RunOutcome::of(&results, false))
        .await
        .unwrap();

    let record = runs.get(&run_id).await.unwrap();
    assert_eq!(record.results, results);
    assert_eq!(
        record.summary.outcome,
        RunOutcome::Warned,
        "config warns about loopback http"
    );
    assert_eq!(record.options, options);
    let listed = runs.list(Some("draft-1"), 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].passed, listed[0].warned), (1, 1));
    let traces = gateway_studio_core::trace::Traces::new(&store);
    let exchanges = traces.list_run(&run_id).await.unwrap();
    // Discovery (to pick the deployment) and the chat call.
    assert_eq!(exchanges.len(), 2, "{exchanges:#?}");
    let chat_id = &record
        .results
        .iter()
        .find(|r| r.id == CheckId::Chat)
        .unwrap()
        .exchanges[0];
    let chat = traces.get(chat_id).await.unwrap().unwrap();
    assert_eq!(chat.status(), Some(200));

    // A run left `running` by a crash is marked interrupted.
    runs.create("run-crashed", None, None, &options)
        .await
        .unwrap();
    assert_eq!(runs.mark_interrupted().await.unwrap(), 1);
    assert_eq!(
        runs.get("run-crashed").await.unwrap().summary.outcome,
        RunOutcome::Interrupted
    );
}

#[tokio::test]
async fn managed_identity_needs_a_stand_in_token_and_says_it_used_one() {
    let gw = start_gateway(
        GatewayConfig::new(
            gateway_studio_sandbox::GatewayStyle::AzureOpenAi,
            GatewayAuth::Bearer {
                token: gateway_studio_sandbox::demo::DEMO_BEARER_TOKEN.into(),
            },
        )
        .with_required_api_version(DEMO_API_VERSION),
    )
    .await
    .unwrap();
    let mut c = apim_connection(&gw);
    c.auth = ConnectionAuth::project_managed_identity();

    let without = run(
        &c,
        CheckSecrets::default(),
        only(&[CheckId::AuthToken, CheckId::Chat]),
    )
    .await;
    let chat = without.get(CheckId::Chat, Some("gpt-4o"));
    assert_eq!(chat.status, CheckStatus::Skip);
    assert!(
        chat.message
            .contains("cannot obtain the project's managed-identity token")
    );
    assert!(
        chat.hint
            .as_deref()
            .unwrap()
            .contains("az account get-access-token --resource https://cognitiveservices.azure.com")
    );
    assert!(gw.requests().is_empty());

    let stand_in = CheckSecrets {
        bearer_token: Some(Sensitive::new(
            gateway_studio_sandbox::demo::DEMO_BEARER_TOKEN.into(),
        )),
        ..CheckSecrets::default()
    };
    let with = run(&c, stand_in, only(&[CheckId::AuthToken, CheckId::Chat])).await;
    assert!(
        with.get(CheckId::AuthToken, None)
            .message
            .contains("stand-in bearer token")
    );
    assert_eq!(
        with.get(CheckId::Chat, Some("gpt-4o")).status,
        CheckStatus::Pass
    );
    let sent = gw.requests();
    assert!(sent.iter().all(|r| {
        r.header("authorization")
            .is_some_and(|v| v.starts_with("Bearer "))
    }));
}
