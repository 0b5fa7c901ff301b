//! The core's ARM client against the sandbox's ARM emulator over loopback HTTP: the pickers
//! (subscription → project, deployments), the connection lifecycle at project and account
//! level, `nextLink` paging, 429/503 retries and their bound, every error mapping with its hint,
//! a `nextLink` or redirect to another origin refused, the PUT body compared byte for byte with
//! the `arm` export, and the trace of every exchange with the token and secrets redacted.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gateway_studio_core::azure::arm::{
    AccountRef, ArmClient, ArmClientOptions, ArmConnection, ArmError, ConnectionFilter,
    ConnectionParent, Deletion, MissingLevel, ObservedExchange, RESOURCE_GROUPS_API_VERSION,
    RetryPolicy, SUBSCRIPTIONS_API_VERSION, deploy,
};
use gateway_studio_core::azure::{CredentialError, StaticToken, TokenFuture, TokenSource};
use gateway_studio_core::connection::{
    Connection, ConnectionAuth, ConnectionCategory, ConnectionScope, ModelFormat, ModelInfo,
    SecretRendering, SecretSlot, to_arm_body,
};
use gateway_studio_core::export::{ExportFormat, export};
use gateway_studio_core::net::{FailureKind, HttpClient, Limits, NetworkOptions, Phase};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::store::Store;
use gateway_studio_core::trace::{TraceExchange, TraceKind, Traces};
use gateway_studio_sandbox::arm::ArmOptions;
use gateway_studio_sandbox::demo::{DEMO_API_KEY, DEMO_AZURE_TOKEN};
use gateway_studio_sandbox::{
    RecordedRequest, RunningSandbox, SandboxOptions, Seed, start_sandbox,
};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const SCOPE: &str = "https://management.azure.com/.default";

async fn sandbox(seed: Seed, page_size: usize) -> RunningSandbox {
    start_sandbox(SandboxOptions {
        seed,
        arm: ArmOptions { page_size },
        ..SandboxOptions::default()
    })
    .await
    .expect("the sandbox starts")
}

/// Small waits, so retry tests take milliseconds (except where `Retry-After` says seconds).
fn fast_options() -> ArmClientOptions {
    ArmClientOptions {
        retry: RetryPolicy {
            max_retries: 3,
            max_total_wait: Duration::from_secs(5),
            backoff: Duration::from_millis(20),
        },
        ..ArmClientOptions::default()
    }
}

fn client_with_token(sandbox: &RunningSandbox, token: &str) -> ArmClient {
    let tokens = StaticToken::new(Sensitive::new(token.to_string())).unwrap();
    ArmClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        sandbox.arm.base_url(),
        SCOPE,
        Arc::new(tokens),
    )
    .with_options(fast_options())
}

fn client(sandbox: &RunningSandbox) -> ArmClient {
    client_with_token(sandbox, &sandbox.info().token)
}

/// A client whose every exchange is recorded into the returned list, as the app records them.
fn traced_client(sandbox: &RunningSandbox) -> (ArmClient, Arc<Mutex<Vec<TraceExchange>>>) {
    let traces = Arc::new(Mutex::new(Vec::new()));
    let sink = traces.clone();
    let client = client(sandbox).with_observer(Arc::new(move |seen: &ObservedExchange<'_>| {
        sink.lock().unwrap().push(seen.record("run-arm"));
    }));
    (client, traces)
}

fn account(sandbox: &RunningSandbox) -> AccountRef {
    let info = sandbox.info();
    AccountRef::new(&info.subscription_id, &info.resource_group, &info.account)
}

fn project_parent(sandbox: &RunningSandbox) -> ConnectionParent {
    ConnectionParent::project(account(sandbox), &sandbox.info().project)
}

fn arm_requests(sandbox: &RunningSandbox) -> Vec<RecordedRequest> {
    sandbox.arm.requests()
}

/// A ModelGateway connection to the sandbox's OpenAI-style gateway, API key in the keyring.
fn gateway_connection(sandbox: &RunningSandbox, name: &str, scope: ConnectionScope) -> Connection {
    let mut connection = Connection::new(
        name,
        ConnectionCategory::ModelGateway,
        sandbox
            .openai_gateway
            .target()
            .as_str()
            .trim_end_matches('/'),
        ConnectionAuth::api_key(),
    );
    connection.scope = scope;
    connection.metadata.deployment_in_path = Some(false);
    connection.metadata.inference_api_version = Some(String::new());
    connection
}

/// What the app PUTs: `to_arm_body` with the key from the keyring.
fn put_body(connection: &Connection, key: &str) -> Vec<u8> {
    let key = Sensitive::new(key.to_string());
    serde_json::to_vec(&to_arm_body(connection, SecretRendering::Value(&key))).unwrap()
}

fn stored_properties(
    sandbox: &RunningSandbox,
    parent: &ConnectionParent,
    name: &str,
) -> Option<Value> {
    let data = sandbox.world.lock();
    let account = data.account_by_name(&parent.account.account)?;
    let found = match &parent.project {
        Some(project) => account.project(project)?.connection(name),
        None => account.connection(name),
    };
    found.map(|c| c.properties.clone())
}

fn assert_no_secret(error: &ArmError, secrets: &[&str]) {
    let shown = format!("{error} | {} | {error:?}", error.hint());
    for secret in secrets {
        assert!(!shown.contains(secret), "secret {secret:?} in: {shown}");
    }
}

// --- Pickers ---

#[tokio::test]
async fn pickers_walk_from_subscription_to_project_and_list_deployments() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let info = sandbox.info().clone();
    let client = client(&sandbox);

    let subscriptions = client.list_subscriptions().await.unwrap();
    assert_eq!(subscriptions.len(), 1);
    assert_eq!(subscriptions[0].subscription_id, info.subscription_id);
    assert_eq!(
        subscriptions[0].tenant_id.as_deref(),
        Some(info.tenant_id.as_str())
    );
    assert_eq!(
        subscriptions[0].raw["displayName"],
        subscriptions[0].display_name
    );

    let groups = client
        .list_resource_groups(&info.subscription_id)
        .await
        .unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].name, info.resource_group);
    assert_eq!(groups[0].location.as_deref(), Some(info.location.as_str()));

    for group in [None, Some(info.resource_group.as_str())] {
        let accounts = client
            .list_accounts(&info.subscription_id, group)
            .await
            .unwrap();
        assert_eq!(accounts.len(), 1, "{group:?}");
        let found = &accounts[0];
        assert_eq!(found.name, info.account);
        assert!(found.is_foundry(), "kind {:?}", found.kind);
        assert_eq!(found.account_ref(), account(&sandbox));
        assert!(found.foundry_endpoint.is_some());
    }
    let one = client.get_account(&account(&sandbox)).await.unwrap();
    assert_eq!(one.id, account(&sandbox).id());

    let projects = client.list_projects(&account(&sandbox)).await.unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].name, info.project);
    assert_eq!(
        projects[0].foundry_endpoint.as_deref(),
        Some(info.project_endpoint.as_str())
    );
    let project = client
        .get_project(&account(&sandbox), &info.project)
        .await
        .unwrap();
    assert_eq!(project.display_name.as_deref(), Some("Sandbox project"));

    let deployments = client.list_deployments(&account(&sandbox)).await.unwrap();
    let names: Vec<&str> = deployments.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["gpt-4o", "gpt-4o-mini"]);
    let mini = client
        .get_deployment(&account(&sandbox), "gpt-4o-mini")
        .await
        .unwrap();
    assert_eq!(mini.model_version.as_deref(), Some("2024-07-18"));
    assert_eq!(mini.sku_capacity, Some(100));
    assert_eq!(mini.model_info().model_name.as_deref(), Some("gpt-4o-mini"));

    // The versions sent, and a correlation id on every request.
    let requests = arm_requests(&sandbox);
    let version = |i: usize| requests[i].query_param("api-version").unwrap();
    assert_eq!(version(0), SUBSCRIPTIONS_API_VERSION);
    assert_eq!(version(1), RESOURCE_GROUPS_API_VERSION);
    assert!((2..requests.len()).all(|i| version(i) == "2026-05-01"));
    for request in &requests {
        assert!(request.header("x-ms-correlation-request-id").is_some());
        assert_eq!(request.header("accept"), Some("application/json"));
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {DEMO_AZURE_TOKEN}").as_str())
        );
    }
    sandbox.shutdown().await;
}

// --- Connections ---

/// Create → get → update (PUT, then PATCH) → list → delete, with the emulator's world checked
/// after each step.
async fn connection_lifecycle(sandbox: &RunningSandbox, parent: ConnectionParent) {
    let client = client(sandbox);
    let name = "lifecycle-gw";
    let missing = client.get_connection(&parent, name).await.unwrap_err();
    assert!(
        matches!(missing.missing(), Some(MissingLevel::Connection { connection }) if connection == name),
        "{missing}"
    );

    // Create.
    let mut connection = gateway_connection(sandbox, name, parent.scope());
    let body = put_body(&connection, DEMO_API_KEY);
    let created = client.put_connection(&parent, name, &body).await.unwrap();
    assert_eq!(created.name, name);
    assert_eq!(created.scope, parent.scope());
    assert_eq!(created.id, format!("{}/connections/{name}", parent.id()));
    assert_eq!(created.category(), Some("ModelGateway"));
    assert_eq!(created.auth_type(), Some("ApiKey"));
    assert!(
        !created.raw.to_string().contains(DEMO_API_KEY),
        "ARM shows no secret"
    );
    let put = arm_requests(sandbox)
        .into_iter()
        .rfind(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.body, body, "the body is sent as given");
    assert_eq!(put.header("content-type"), Some("application/json"));
    let stored = stored_properties(sandbox, &parent, name).unwrap();
    assert_eq!(stored["credentials"]["key"], DEMO_API_KEY);

    // Get.
    let got = client.get_connection(&parent, name).await.unwrap();
    assert_eq!(got.properties, created.properties);
    assert_eq!(got.model_count(), None);

    // Update by PUT: the whole resource, now with static models and shared.
    connection.is_shared_to_all = true;
    connection.metadata.models = Some(vec![gateway_studio_core::connection::ModelInfo::new(
        "gpt-4o",
        "gpt-4o",
        "2024-11-20",
        gateway_studio_core::connection::ModelFormat::OpenAi,
    )]);
    let replaced = client
        .put_connection(&parent, name, &put_body(&connection, DEMO_API_KEY))
        .await
        .unwrap();
    assert_eq!(replaced.properties["isSharedToAll"], true);
    assert_eq!(replaced.model_count(), Some(1));

    // Update by PATCH: only what is sent changes; the stored key stays.
    let patch = json!({ "properties": { "isSharedToAll": false, "metadata": { "customHeaders": "{\"X-Team\":\"ai\"}" } } });
    let patched = client
        .patch_connection(&parent, name, patch.to_string().as_bytes())
        .await
        .unwrap();
    assert_eq!(patched.properties["isSharedToAll"], false);
    assert_eq!(
        patched.properties["metadata"]["customHeaders"],
        "{\"X-Team\":\"ai\"}"
    );
    assert_eq!(patched.model_count(), Some(1), "models kept");
    let stored = stored_properties(sandbox, &parent, name).unwrap();
    assert_eq!(
        stored["credentials"]["key"], DEMO_API_KEY,
        "PATCH keeps the secret"
    );
    let got = client.get_connection(&parent, name).await.unwrap();
    assert_eq!(got.properties, patched.properties);

    // List, with and without filters.
    let all = client
        .list_connections(&parent, &ConnectionFilter::default())
        .await
        .unwrap();
    assert!(all.iter().any(|c| c.name == name));
    let gateways = client
        .list_connections(
            &parent,
            &ConnectionFilter {
                category: Some("ModelGateway".into()),
                target: Some(connection.target.clone()),
            },
        )
        .await
        .unwrap();
    assert!(gateways.iter().any(|c| c.name == name));
    assert!(
        gateways
            .iter()
            .all(|c| c.category() == Some("ModelGateway"))
    );
    let none = client
        .list_connections(
            &parent,
            &ConnectionFilter {
                category: Some("ApiManagement".into()),
                target: Some(connection.target.clone()),
            },
        )
        .await
        .unwrap();
    assert!(none.iter().all(|c| c.name != name));
    let listed = arm_requests(sandbox)
        .into_iter()
        .rfind(|r| r.method == "GET")
        .unwrap();
    assert_eq!(
        listed.query_param("category").as_deref(),
        Some("ApiManagement")
    );
    assert_eq!(
        listed.query_param("target").as_deref(),
        Some(connection.target.as_str())
    );

    // Delete, twice.
    assert_eq!(
        client.delete_connection(&parent, name).await.unwrap(),
        Deletion::Deleted
    );
    assert_eq!(stored_properties(sandbox, &parent, name), None);
    assert_eq!(
        client.delete_connection(&parent, name).await.unwrap(),
        Deletion::DidNotExist
    );
    let gone = client.get_connection(&parent, name).await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
}

#[tokio::test]
async fn connection_lifecycle_at_project_level() {
    let sandbox = sandbox(Seed::Default, 2).await;
    connection_lifecycle(&sandbox, project_parent(&sandbox)).await;
    // The seeded project connections are untouched.
    let names: Vec<String> = client(&sandbox)
        .list_connections(&project_parent(&sandbox), &ConnectionFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["sandbox-openai", "sandbox-apim"]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn connection_lifecycle_at_account_level() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let parent = ConnectionParent::account(account(&sandbox));
    connection_lifecycle(&sandbox, parent).await;
    // Nothing was written under the project.
    assert_eq!(
        stored_properties(&sandbox, &project_parent(&sandbox), "lifecycle-gw"),
        None
    );
    let puts: Vec<RecordedRequest> = arm_requests(&sandbox)
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert!(puts.iter().all(|r| !r.path_only().contains("/projects/")));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn paging_follows_next_link_to_the_end() {
    let sandbox = sandbox(Seed::Empty, 2).await;
    let client = client(&sandbox);
    let parent = project_parent(&sandbox);
    for i in 1..=5 {
        let name = format!("paged-{i}");
        let body = put_body(
            &gateway_connection(&sandbox, &name, ConnectionScope::Project),
            DEMO_API_KEY,
        );
        client.put_connection(&parent, &name, &body).await.unwrap();
    }
    sandbox.arm.clear_requests();

    let listed = client
        .list_connections(&parent, &ConnectionFilter::default())
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["paged-1", "paged-2", "paged-3", "paged-4", "paged-5"]
    );

    let requests = arm_requests(&sandbox);
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert_eq!(requests[0].query_param("$skipToken"), None);
    assert!(
        requests[1..]
            .iter()
            .all(|r| r.query_param("$skipToken").is_some())
    );
    // One operation, one correlation id across its pages.
    let correlation: Vec<_> = requests
        .iter()
        .map(|r| r.header("x-ms-correlation-request-id").unwrap().to_string())
        .collect();
    assert!(correlation.iter().all(|c| c == &correlation[0]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn paging_stops_at_the_page_bound() {
    let sandbox = sandbox(Seed::Default, 1).await;
    let client = client(&sandbox).with_options(ArmClientOptions {
        max_pages: 1,
        ..fast_options()
    });
    let error = client
        .list_connections(&project_parent(&sandbox), &ConnectionFilter::default())
        .await
        .unwrap_err();
    assert!(
        matches!(error, ArmError::TooManyPages { pages: 1, .. }),
        "{error}"
    );
    assert_eq!(arm_requests(&sandbox).len(), 1);
    sandbox.shutdown().await;
}

// --- Retries ---

#[tokio::test]
async fn a_429_is_retried_after_the_wait_retry_after_asks_for() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let (client, traces) = traced_client(&sandbox);
    sandbox.arm.faults().next(1).rate_limit(1);

    let started = Instant::now();
    let subscriptions = client.list_subscriptions().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(subscriptions.len(), 1);
    assert!(elapsed >= Duration::from_secs(1), "waited only {elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "waited {elapsed:?}");

    let requests = arm_requests(&sandbox);
    assert_eq!(requests.len(), 2, "one 429, one retry");
    assert_eq!(requests[0].path, requests[1].path);
    let statuses: Vec<_> = traces
        .lock()
        .unwrap()
        .iter()
        .map(|t| (t.label.clone(), t.status()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("list-subscriptions".to_string(), Some(429)),
            ("list-subscriptions (retry 1)".to_string(), Some(200)),
        ]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_503_is_retried_with_backoff() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let client = client(&sandbox);
    sandbox.arm.faults().next(2).server_error(503);
    let parent = project_parent(&sandbox);
    let body = put_body(
        &gateway_connection(&sandbox, "retried", ConnectionScope::Project),
        DEMO_API_KEY,
    );
    let created = client
        .put_connection(&parent, "retried", &body)
        .await
        .unwrap();
    assert_eq!(created.name, "retried");
    let requests = arm_requests(&sandbox);
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.method == "PUT" && r.body == body));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn retries_give_up_after_the_bound_with_a_clear_error() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let client = client(&sandbox);

    // Always 503: the first try and 3 retries, then the error.
    sandbox.arm.faults().server_error(503);
    let error = client.list_subscriptions().await.unwrap_err();
    assert_eq!(arm_requests(&sandbox).len(), 4);
    match &error {
        ArmError::Throttled {
            attempts, answer, ..
        } => {
            assert_eq!(*attempts, 4);
            assert_eq!(answer.code.as_deref(), Some("ServiceUnavailable"));
        }
        other => panic!("{other}"),
    }
    assert_eq!(error.code(), "arm-unavailable");
    assert!(
        error.to_string().contains("503 ServiceUnavailable"),
        "{error}"
    );
    assert!(error.to_string().contains("4 times in a row"), "{error}");
    assert!(
        error.hint().contains("temporarily unavailable"),
        "{}",
        error.hint()
    );
    assert!(error.correlation_id().is_some());

    // A Retry-After beyond the total-wait bound: no waiting, at once.
    sandbox.arm.faults().clear();
    sandbox.arm.clear_requests();
    sandbox.arm.faults().rate_limit(30);
    let started = Instant::now();
    let error = client.list_subscriptions().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(arm_requests(&sandbox).len(), 1);
    match &error {
        ArmError::Throttled {
            retry_after,
            attempts,
            ..
        } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(30)));
            assert_eq!(*attempts, 1);
        }
        other => panic!("{other}"),
    }
    assert_eq!(error.code(), "arm-throttled");
    let hint = error.hint();
    assert!(
        hint.contains("throttling") && hint.contains("30 s") && hint.contains("5 s"),
        "{hint}"
    );
    sandbox.shutdown().await;
}

// --- Errors ---

#[tokio::test]
async fn a_wrong_token_is_401_with_the_fix() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let wrong = "not-the-sandbox-token-1234567890";
    let client = client_with_token(&sandbox, wrong);
    let error = client.list_subscriptions().await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.code(), "arm-unauthorized");
    assert_eq!(error.arm_code(), Some("InvalidAuthenticationToken"));
    assert_eq!(
        error.answer().unwrap().auth_challenge.as_deref(),
        Some("The access token is invalid.")
    );
    let tokens = StaticToken::new(Sensitive::new(wrong.into())).unwrap();
    let hint = error.hint();
    assert!(
        hint.contains("ARM rejected the access token given"),
        "{hint}"
    );
    assert!(hint.contains(&tokens.when_rejected()), "{hint}");
    assert_no_secret(&error, &[wrong]);
    sandbox.shutdown().await;
}

const AUTHORIZATION_FAILED: &str = "AuthorizationFailed";

fn authorization_failed(action: &str, scope: &str) -> String {
    json!({ "error": {
        "code": AUTHORIZATION_FAILED,
        "message": format!("The client 'dev@contoso.com' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials."),
    } })
    .to_string()
}

#[tokio::test]
async fn a_403_names_the_role_and_the_scope() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let client = client(&sandbox);
    let parent = project_parent(&sandbox);
    let group_scope = format!(
        "/subscriptions/{}/resourceGroups/{}",
        sandbox.info().subscription_id,
        sandbox.info().resource_group
    );
    let action = "Microsoft.CognitiveServices/accounts/projects/connections/write";
    sandbox.arm.faults().next(1).status(
        403,
        authorization_failed(action, &format!("{}/connections/denied", parent.id())),
        "application/json",
    );
    let body = put_body(
        &gateway_connection(&sandbox, "denied", ConnectionScope::Project),
        DEMO_API_KEY,
    );
    let error = client
        .put_connection(&parent, "denied", &body)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "arm-forbidden");
    assert_eq!(error.arm_code(), Some(AUTHORIZATION_FAILED));
    let hint = error.hint();
    assert!(hint.contains("Contributor"), "{hint}");
    assert!(hint.contains(&format!("`{group_scope}`")), "{hint}");
    assert!(hint.contains(action), "{hint}");
    assert!(
        hint.contains(&format!("Azure AI User on `{}`", parent.id())),
        "{hint}"
    );
    assert_no_secret(&error, &[DEMO_API_KEY]);

    // Reading needs Reader, on the scope ARM names.
    let read_scope = format!(
        "{group_scope}/providers/Microsoft.CognitiveServices/accounts/{}",
        sandbox.info().account
    );
    sandbox.arm.faults().next(1).status(
        403,
        authorization_failed(
            "Microsoft.CognitiveServices/accounts/deployments/read",
            &read_scope,
        ),
        "application/json",
    );
    let error = client
        .list_deployments(&account(&sandbox))
        .await
        .unwrap_err();
    let hint = error.hint();
    assert!(
        hint.contains(&format!(
            "Reader (or any role with read access) on `{read_scope}`"
        )),
        "{hint}"
    );
    assert!(!hint.contains("Contributor"), "{hint}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_404_names_the_missing_level() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let client = client(&sandbox);
    let info = sandbox.info().clone();
    let at = |subscription: &str, group: &str, account: &str| {
        AccountRef::new(subscription, group, account)
    };
    let other_subscription = "00000000-0000-4000-8000-000000000000";

    let cases: Vec<(ArmError, MissingLevel)> = vec![
        (
            client
                .list_resource_groups(other_subscription)
                .await
                .unwrap_err(),
            MissingLevel::Subscription {
                subscription_id: other_subscription.into(),
            },
        ),
        (
            client
                .list_projects(&at(&info.subscription_id, "rg-nope", &info.account))
                .await
                .unwrap_err(),
            MissingLevel::ResourceGroup {
                resource_group: "rg-nope".into(),
            },
        ),
        (
            client
                .get_account(&at(
                    &info.subscription_id,
                    &info.resource_group,
                    "acct-nope",
                ))
                .await
                .unwrap_err(),
            MissingLevel::Account {
                account: "acct-nope".into(),
            },
        ),
        (
            client
                .list_connections(
                    &ConnectionParent::account(at(
                        &info.subscription_id,
                        &info.resource_group,
                        "acct-nope",
                    )),
                    &ConnectionFilter::default(),
                )
                .await
                .unwrap_err(),
            MissingLevel::Account {
                account: "acct-nope".into(),
            },
        ),
        (
            client
                .get_project(&account(&sandbox), "proj-nope")
                .await
                .unwrap_err(),
            MissingLevel::Project {
                project: "proj-nope".into(),
                account: info.account.clone(),
                account_may_be_missing: false,
            },
        ),
        (
            client
                .get_connection(
                    &ConnectionParent::project(account(&sandbox), "proj-nope"),
                    "sandbox-openai",
                )
                .await
                .unwrap_err(),
            MissingLevel::Project {
                project: "proj-nope".into(),
                account: info.account.clone(),
                account_may_be_missing: true,
            },
        ),
        (
            client
                .get_connection(&project_parent(&sandbox), "conn-nope")
                .await
                .unwrap_err(),
            MissingLevel::Connection {
                connection: "conn-nope".into(),
            },
        ),
        (
            client
                .get_deployment(&account(&sandbox), "dep-nope")
                .await
                .unwrap_err(),
            MissingLevel::Deployment {
                deployment: "dep-nope".into(),
            },
        ),
    ];
    let requests = arm_requests(&sandbox);
    assert_eq!(requests.len(), cases.len());
    for ((error, level), request) in cases.iter().zip(&requests) {
        assert_eq!(error.status(), Some(404), "{error}");
        assert_eq!(error.code(), "arm-not-found");
        assert_eq!(error.missing().as_ref(), Some(level), "{error}");
        // The ids ARM sent are in the message; the correlation id is the one we sent.
        assert_eq!(
            error.correlation_id(),
            request.header("x-ms-correlation-request-id"),
            "{error}"
        );
        let text = error.to_string();
        assert!(
            text.contains("x-ms-request-id") && text.contains("GET http://127.0.0.1:"),
            "{text}"
        );
        let hint = error.hint();
        assert!(
            hint.contains(level.level()) || hint.contains("Foundry account"),
            "{hint}"
        );
    }
    assert!(cases[0].0.hint().contains(other_subscription));
    assert!(
        cases[5]
            .0
            .hint()
            .contains("or the account itself does not exist")
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_409_is_explained() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let client = client(&sandbox);
    let conflict = json!({ "error": { "code": "Conflict", "message": "Another operation on this or a dependent resource is in progress." } });
    sandbox
        .arm
        .faults()
        .next(1)
        .status(409, conflict.to_string(), "application/json");
    let error = client
        .delete_connection(&project_parent(&sandbox), "sandbox-openai")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "arm-conflict");
    assert_eq!(error.arm_code(), Some("Conflict"));
    let hint = error.hint();
    assert!(
        hint.contains("Another operation on this or a dependent resource is in progress."),
        "{hint}"
    );
    assert!(hint.contains("Wait for it to finish"), "{hint}");
    // Nothing was deleted.
    assert!(stored_properties(&sandbox, &project_parent(&sandbox), "sandbox-openai").is_some());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_400_names_the_name_or_field_and_never_the_secret() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let client = client(&sandbox);
    let parent = project_parent(&sandbox);

    // A name outside the spec's pattern: ARM's own check, not ours.
    let body = put_body(
        &gateway_connection(&sandbox, "x", ConnectionScope::Project),
        DEMO_API_KEY,
    );
    let error = client
        .put_connection(&parent, "x", &body)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "arm-bad-request");
    assert_eq!(error.arm_code(), Some("InvalidResourceName"));
    assert!(error.hint().starts_with("Rename `x`"), "{}", error.hint());
    assert_no_secret(&error, &[DEMO_API_KEY]);

    // A metadata value that is not a string: the field is named.
    let bad = json!({ "properties": {
        "category": "ModelGateway", "target": "https://gw.example", "authType": "ApiKey",
        "credentials": { "key": DEMO_API_KEY },
        "metadata": { "deploymentInPath": false }
    } });
    let error = client
        .put_connection(&parent, "bad-metadata", bad.to_string().as_bytes())
        .await
        .unwrap_err();
    assert_eq!(error.arm_code(), Some("ValidationError"));
    assert_eq!(
        error.answer().unwrap().field().as_deref(),
        Some("properties.metadata.deploymentInPath")
    );
    assert!(
        error
            .hint()
            .starts_with("Fix `properties.metadata.deploymentInPath`"),
        "{}",
        error.hint()
    );

    // ARM quotes the credentials it refuses, cut short: neither whole nor cut is shown.
    let long_secret = "gw-secret-4f1d9c7be2a8460b93e15d7c0a6f2b8e91d3c5a7e2b4f6a8c0d1e3f5";
    let echo = json!({ "properties": {
        "category": "ModelGateway", "target": "https://gw.example", "authType": "None",
        "credentials": { "key": long_secret },
    } });
    let error = client
        .put_connection(&parent, "echoed", echo.to_string().as_bytes())
        .await
        .unwrap_err();
    assert_eq!(error.arm_code(), Some("ValidationError"));
    let message = error.answer().unwrap().message.clone().unwrap();
    assert!(
        message.contains("<redacted>"),
        "ARM did quote it: {message}"
    );
    assert_no_secret(&error, &[long_secret, &long_secret[..24]]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_foreign_next_link_or_redirect_is_refused_and_the_token_stays_home() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let client = client(&sandbox);
    let elsewhere = sandbox.foundry.base_url();
    let page = json!({
        "value": [],
        "nextLink": format!("{}subscriptions?api-version=2022-12-01&$skipToken=x", elsewhere),
    });
    sandbox
        .arm
        .faults()
        .next(1)
        .status(200, page.to_string(), "application/json");
    let error = client.list_subscriptions().await.unwrap_err();
    match &error {
        ArmError::ForeignNextLink {
            next_origin,
            arm_origin,
            ..
        } => {
            assert_eq!(format!("{next_origin}/"), elsewhere.as_str());
            assert_eq!(format!("{arm_origin}/"), sandbox.arm.base_url().as_str());
        }
        other => panic!("{other}"),
    }
    assert!(error.hint().contains("never go to another host"));

    sandbox
        .arm
        .faults()
        .next(1)
        .redirect(format!("{elsewhere}subscriptions"), 307);
    let error = client.list_subscriptions().await.unwrap_err();
    assert!(
        matches!(error, ArmError::Redirected { status: 307, .. }),
        "{error}"
    );

    assert!(
        sandbox.foundry.requests().is_empty(),
        "{:#?}",
        sandbox.foundry.requests()
    );
    assert_eq!(arm_requests(&sandbox).len(), 2);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn network_failures_name_the_phase() {
    let sandbox = sandbox(Seed::Default, 2).await;

    // No answer within the exchange timeout.
    let client = client(&sandbox).with_options(ArmClientOptions {
        limits: Limits {
            timeout: Duration::from_millis(300),
            ..Limits::default()
        },
        ..fast_options()
    });
    sandbox.arm.faults().next(1).delay(Duration::from_secs(3));
    let error = client.list_subscriptions().await.unwrap_err();
    match &error {
        ArmError::Network { failure, .. } => {
            assert_eq!(failure.kind, FailureKind::Timeout);
            assert_eq!(failure.phase, Phase::Headers);
        }
        other => panic!("{other}"),
    }
    assert!(
        error
            .to_string()
            .contains("waiting for the response headers"),
        "{error}"
    );
    assert!(error.hint().contains("did not answer in time"));

    // Nothing listening.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut endpoint = sandbox.arm.base_url();
    endpoint.set_port(Some(port)).unwrap();
    let tokens: Arc<dyn TokenSource> =
        Arc::new(StaticToken::new(Sensitive::new(DEMO_AZURE_TOKEN.into())).unwrap());
    let nowhere = ArmClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        endpoint,
        SCOPE,
        tokens,
    );
    let error = nowhere.list_subscriptions().await.unwrap_err();
    match &error {
        ArmError::Network { failure, .. } => assert_eq!(failure.phase, Phase::Tcp),
        other => panic!("{other}"),
    }
    assert_eq!(error.code(), "arm-network");
    assert_no_secret(&error, &[DEMO_AZURE_TOKEN]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn answers_that_are_not_json_or_not_arm_shaped_are_named() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let client = client(&sandbox);
    sandbox.arm.faults().next(1).non_json_body();
    let error = client.list_subscriptions().await.unwrap_err();
    match &error {
        ArmError::NotJson {
            status,
            content_type,
            excerpt,
            ..
        } => {
            assert_eq!(*status, 200);
            assert!(content_type.as_deref().unwrap().starts_with("text/html"));
            assert!(excerpt.contains("Sign in to your account"), "{excerpt}");
        }
        other => panic!("{other}"),
    }
    assert!(error.hint().contains("proxy"));

    sandbox
        .arm
        .faults()
        .next(1)
        .status(200, r#"{"items":[]}"#, "application/json");
    let error = client.list_subscriptions().await.unwrap_err();
    assert!(
        matches!(&error, ArmError::WrongShape { problem, .. } if problem.contains("without a `value` array")),
        "{error}"
    );
    sandbox.arm.faults().next(1).status(
        200,
        r#"{"id":"/x/connections/c","name":"c"}"#,
        "application/json",
    );
    let error = client
        .get_connection(&project_parent(&sandbox), "sandbox-openai")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "arm-wrong-shape");
    assert!(
        error.to_string().contains("without a `properties` object"),
        "{error}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn cancellation_stops_a_retry_wait() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let cancel = CancellationToken::new();
    let client = client(&sandbox).with_options(ArmClientOptions {
        retry: RetryPolicy {
            max_total_wait: Duration::from_secs(60),
            ..fast_options().retry
        },
        ..fast_options()
    });
    let client = client.with_cancellation(cancel.clone());
    sandbox.arm.faults().rate_limit(30);
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        trigger.cancel();
    });
    let started = Instant::now();
    let error = client.list_subscriptions().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(error, ArmError::Cancelled { method: "GET", .. }),
        "{error}"
    );
    assert_eq!(error.hint(), "Nothing changed in Azure.");
    assert_eq!(arm_requests(&sandbox).len(), 1);
    sandbox.shutdown().await;
}

// --- The body, byte for byte; the trace ---

#[tokio::test]
async fn the_put_body_is_the_arm_export_with_the_secret_in_place_byte_for_byte() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let (client, _) = traced_client(&sandbox);
    // The seeded OpenAI connection, as an editor draft (secret goes to the keyring).
    let seeded = sandbox.gateway_connections().remove(0);
    let imported = gateway_studio_core::export::import(&seeded.to_string()).unwrap();
    let secret = imported.secrets[0].value.clone();
    assert_eq!(imported.secrets[0].slot, SecretSlot::ApiKey);
    let mut connection = imported.connection;
    connection.name = Some("exported-gw".into());

    let exported = export(&connection, ExportFormat::Arm).unwrap();
    let placeholder = SecretSlot::ApiKey.export_placeholder();
    assert!(exported.contains(placeholder), "{exported}");
    let escaped = serde_json::to_string(secret.expose()).unwrap();
    let body = exported
        .replace(&format!("\"{placeholder}\""), &escaped)
        .into_bytes();
    assert_ne!(body, exported.as_bytes());

    let parent = project_parent(&sandbox);
    assert_eq!(
        deploy::put_body(&parent, &connection, Some(&secret)).unwrap(),
        body,
        "the deploy path builds the same bytes"
    );
    let created: ArmConnection = client
        .put_connection(&parent, "exported-gw", &body)
        .await
        .unwrap();
    let sent = arm_requests(&sandbox)
        .into_iter()
        .rfind(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(
        sent.body, body,
        "the client sent the export's bytes, unchanged"
    );
    assert_eq!(
        stored_properties(&sandbox, &parent, "exported-gw").unwrap()["credentials"]["key"],
        secret.expose().as_str()
    );
    // And ARM has the connection the draft describes.
    let round_trip = created.import().unwrap().connection;
    assert_eq!(round_trip.target, connection.target);
    assert_eq!(round_trip.metadata, connection.metadata);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn every_exchange_is_traced_with_the_authorization_header_redacted() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let (client, traces) = traced_client(&sandbox);
    // The header is sent as a secret value, so the trace (and reqwest's debug output) can
    // never show it, whatever its name.
    let marked = Arc::new(Mutex::new(Vec::new()));
    let sink = marked.clone();
    let client = client.with_observer({
        let traces = traces.clone();
        Arc::new(move |seen: &ObservedExchange<'_>| {
            let authorization = seen
                .exchange
                .request
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("authorization"))
                .map(|h| h.value.is_secret());
            sink.lock().unwrap().push(authorization);
            traces.lock().unwrap().push(seen.record("run-arm"));
        })
    });
    let parent = project_parent(&sandbox);
    let body = put_body(
        &gateway_connection(&sandbox, "traced-gw", ConnectionScope::Project),
        DEMO_API_KEY,
    );
    client
        .put_connection(&parent, "traced-gw", &body)
        .await
        .unwrap();
    client
        .list_connections(&parent, &ConnectionFilter::default())
        .await
        .unwrap();
    client
        .get_connection(&parent, "nope-404")
        .await
        .unwrap_err();

    assert_eq!(*marked.lock().unwrap(), vec![Some(true); 4]);
    let traces = traces.lock().unwrap().clone();
    let labels: Vec<&str> = traces.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "put-connection:traced-gw",
            "list-connections",
            "list-connections (page 2)",
            "get-connection:nope-404"
        ]
    );
    assert_eq!(
        traces.len(),
        arm_requests(&sandbox).len(),
        "every exchange, no more"
    );
    for trace in &traces {
        assert_eq!(trace.kind, TraceKind::Arm);
        let authorization = trace
            .request_headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("authorization"))
            .unwrap();
        assert_eq!(authorization.value, "Bearer <redacted>");
        let all = serde_json::to_string(trace).unwrap();
        assert!(!all.contains(DEMO_AZURE_TOKEN), "token in {all}");
        assert!(!all.contains(DEMO_API_KEY), "secret in {all}");
    }
    assert!(
        traces[0]
            .request_body
            .as_deref()
            .unwrap()
            .contains("<redacted>")
    );
    assert_eq!(traces[3].status(), Some(404));

    // And as the app stores it.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite")).await.unwrap();
    let stored = Traces::new(&store);
    for trace in &traces {
        stored.insert(trace).await.unwrap();
    }
    let back = stored.get(&traces[0].id).await.unwrap().unwrap();
    assert_eq!(back, traces[0]);
    assert_eq!(stored.list_run("run-arm").await.unwrap().len(), 4);
    store.close().await;
    sandbox.shutdown().await;
}

/// A credential that cannot give a token (as `az` not signed in will).
struct SignedOut;

impl TokenSource for SignedOut {
    fn token<'a>(&'a self, scope: &'a str) -> TokenFuture<'a> {
        Box::pin(async move {
            Err(CredentialError::Unavailable {
                credential: "Azure CLI".into(),
                scope: scope.into(),
                reason: "not signed in".into(),
                fix: "Run `az login`.".into(),
            })
        })
    }

    fn describe(&self) -> String {
        "Azure CLI".into()
    }
}

#[tokio::test]
async fn no_token_or_an_unusable_name_sends_nothing() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let signed_out = ArmClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        sandbox.arm.base_url(),
        SCOPE,
        Arc::new(SignedOut),
    );
    let error = signed_out.list_subscriptions().await.unwrap_err();
    assert_eq!(error.code(), "arm-credential");
    let text = error.to_string();
    assert!(
        text.contains("no ARM token from Azure CLI")
            && text.contains(SCOPE)
            && text.contains("az login"),
        "{text}"
    );

    // A name that would change which URL is called never leaves.
    let error = client(&sandbox)
        .delete_connection(&project_parent(&sandbox), "..")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "arm-invalid-name");
    assert!(arm_requests(&sandbox).is_empty());
    sandbox.shutdown().await;
}

// --- Deploying through the plan ---

#[tokio::test]
async fn a_deploy_plan_reads_what_exists_creates_then_replaces_and_guards_what_azure_alone_has() {
    let sandbox = sandbox(Seed::Default, 2).await;
    let client = client(&sandbox);
    let parent = project_parent(&sandbox);
    let key = Sensitive::new(DEMO_API_KEY.to_string());
    let mut connection = gateway_connection(&sandbox, "planned-gw", ConnectionScope::Project);
    connection.metadata.models = Some(vec![ModelInfo::new(
        "gpt-4o",
        "gpt-4o",
        "2024-11-20",
        ModelFormat::OpenAi,
    )]);

    // Nothing there yet: a create, sent as planned.
    assert_eq!(
        deploy::read_existing(&client, &parent, "planned-gw")
            .await
            .unwrap(),
        None
    );
    let plan = deploy::plan_deploy(&client, &parent, &connection, None, Some(&key));
    assert_eq!(plan.action, deploy::DeployAction::Create);
    assert!(plan.can_deploy(false), "{:?}", plan.blockers);
    let body = deploy::put_body(&parent, &connection, Some(&key)).unwrap();
    client
        .put_connection(&parent, "planned-gw", &body)
        .await
        .unwrap();

    // Read back, the same draft is unchanged but for the secret.
    let existing = deploy::read_existing(&client, &parent, "planned-gw")
        .await
        .unwrap()
        .expect("created");
    let plan = deploy::plan_deploy(&client, &parent, &connection, Some(&existing), Some(&key));
    assert!(plan.is_unchanged(), "{:?}", plan.changes);

    // Someone adds metadata on Azure: the draft would drop it, so the plan asks first.
    let patch = json!({"properties": {"metadata": {"costCenter": "1234"}}});
    client
        .patch_connection(&parent, "planned-gw", patch.to_string().as_bytes())
        .await
        .unwrap();
    let existing = deploy::read_existing(&client, &parent, "planned-gw")
        .await
        .unwrap()
        .unwrap();
    let plan = deploy::plan_deploy(&client, &parent, &connection, Some(&existing), Some(&key));
    assert_eq!(plan.confirmations.len(), 1, "{:?}", plan.confirmations);
    assert!(plan.confirmations[0].message.contains("costCenter"));
    assert!(!plan.can_deploy(false) && plan.can_deploy(true));

    // Without the key, replacing would wipe the stored one: refused.
    let plan = deploy::plan_deploy(&client, &parent, &connection, Some(&existing), None);
    assert!(plan.blockers.iter().any(|b| b.code == "secret-missing"));

    // A missing project is not "the connection does not exist yet".
    let nowhere = ConnectionParent::project(account(&sandbox), "no-such-project");
    let err = deploy::read_existing(&client, &nowhere, "planned-gw")
        .await
        .unwrap_err();
    assert!(
        matches!(err.missing(), Some(MissingLevel::Project { .. })),
        "{err}"
    );
    sandbox.shutdown().await;
}
