//! The parts of the ARM client that need no server: URLs, reading answers, the missing level
//! of a 404, hints, typed resources, secrets found in bodies, `nextLink` rules. The client
//! against the sandbox's ARM emulator is tested in `tests/integration/arm.rs`.

use std::sync::Arc;

use serde_json::{Value, json};
use url::Url;

use super::error::ArmAnswer;
use super::paths::{PathNames, build_url, segment_problem};
use super::*;
use crate::azure::StaticToken;
use crate::net::{NetworkOptions, Response};

const SUB: &str = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";

fn account() -> AccountRef {
    AccountRef::new(SUB, "rg-x", "acct")
}

fn client(endpoint: &str) -> ArmClient {
    let token = StaticToken::new(Sensitive::new("tok-123456".into())).unwrap();
    ArmClient::new(
        HttpClient::new(&NetworkOptions::default()).unwrap(),
        Url::parse(endpoint).unwrap(),
        "https://management.azure.com/.default",
        Arc::new(token),
    )
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        received_bytes: body.len() as u64,
        declared_length: None,
        truncated: false,
        redirects: Vec::new(),
        blocked_redirect: None,
        sse_events: Vec::new(),
    }
}

fn arm_error(status: u16, code: &str, message: &str) -> Response {
    response(
        status,
        &[
            ("content-type", "application/json"),
            ("x-ms-request-id", "req-1"),
            ("x-ms-correlation-request-id", "corr-1"),
        ],
        &json!({ "error": { "code": code, "message": message } }).to_string(),
    )
}

/// The error the client makes of `response` to `method url`.
fn status_error(method: &'static str, url: &Url, response: &Response) -> ArmError {
    let c = client("https://management.azure.com");
    let call = c.call("test".into(), method, None);
    c.failed(&call, url, response)
}

#[test]
fn names_are_encoded_one_segment_each_and_dot_segments_refused() {
    let parent = ConnectionParent::project(account(), "proj");
    let c = client("https://management.azure.com/");
    let url = c.connection_url(&parent, "a/b?c#d");
    assert_eq!(
        url.as_str(),
        format!(
            "https://management.azure.com/subscriptions/{SUB}/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct/projects/proj/connections/a%2Fb%3Fc%23d?api-version=2026-05-01"
        )
    );
    // A custom endpoint with a path keeps it.
    let url = build_url(
        &Url::parse("https://arm.contoso.test/management/").unwrap(),
        &["subscriptions"],
        "2022-12-01",
    );
    assert_eq!(
        url.as_str(),
        "https://arm.contoso.test/management/subscriptions?api-version=2022-12-01"
    );
    for bad in ["", ".", ".."] {
        assert!(segment_problem(bad).is_some(), "{bad:?}");
    }
    assert!(segment_problem("a.b").is_none());
    assert_eq!(
        check_names(&[("connection", "..")]).unwrap_err().code(),
        "arm-invalid-name"
    );
}

#[test]
fn path_names_read_each_level_in_any_case() {
    let url = Url::parse(&format!(
        "http://h/SUBSCRIPTIONS/{SUB}/resourcegroups/rg-x/providers/microsoft.cognitiveservices/Accounts/acct/Projects/p%20q/connections/c1?api-version=1"
    ))
    .unwrap();
    let names = PathNames::read(&url);
    assert_eq!(names.subscription.as_deref(), Some(SUB));
    assert_eq!(names.resource_group.as_deref(), Some("rg-x"));
    assert_eq!(names.account.as_deref(), Some("acct"));
    assert_eq!(names.project.as_deref(), Some("p q"));
    assert_eq!(names.connection.as_deref(), Some("c1"));
    assert_eq!(names.list_of, None);
    let list = PathNames::read_path(&format!("/subscriptions/{SUB}/resourceGroups"));
    assert_eq!(list.list_of.as_deref(), Some("resourcegroups"));
}

#[test]
fn an_answer_is_read_with_ids_field_and_secrets_masked() {
    let mut redactor = Redactor::new();
    redactor.add_secret(&Sensitive::new("s3cret-value".into()));
    let mut r = arm_error(
        400,
        "ValidationError",
        "Invalid value for 'properties.credentials': got {\"key\":\"s3cret-value\"}",
    );
    r.headers.push((
        "www-authenticate".into(),
        "Bearer authorization_uri=\"x\", error=\"invalid_token\", error_description=\"The access token is invalid.\"".into(),
    ));
    let answer = ArmAnswer::read(&r, &|t| redactor.text(t));
    assert_eq!(answer.code.as_deref(), Some("ValidationError"));
    assert_eq!(answer.request_id.as_deref(), Some("req-1"));
    assert_eq!(answer.correlation_id.as_deref(), Some("corr-1"));
    assert_eq!(answer.field().as_deref(), Some("properties.credentials"));
    assert_eq!(
        answer.auth_challenge.as_deref(),
        Some("The access token is invalid.")
    );
    let message = answer.message.unwrap();
    assert!(!message.contains("s3cret-value"), "{message}");
    assert!(message.contains("<redacted>"), "{message}");

    // `error.target` wins; `details` are kept; top-level code/message are read too.
    let r = response(
        400,
        &[],
        r#"{"error":{"code":"BadRequest","message":"m","target":"properties.target","details":[{"code":"D","message":"why"}]}}"#,
    );
    let answer = ArmAnswer::read(&r, &|t| t.to_string());
    assert_eq!(answer.field().as_deref(), Some("properties.target"));
    assert_eq!(answer.details, vec!["D: why".to_string()]);
    let r = response(409, &[], r#"{"code":"Conflict","message":"busy"}"#);
    assert_eq!(
        ArmAnswer::read(&r, &|t| t.to_string()).code.as_deref(),
        Some("Conflict")
    );
    // Not JSON: the start of the body is the message.
    let r = response(502, &[], "<html>\n<body>Bad   gateway</body></html>");
    let answer = ArmAnswer::read(&r, &|t| t.to_string());
    assert_eq!(answer.code, None);
    assert_eq!(
        answer.message.as_deref(),
        Some("<html> <body>Bad gateway</body></html>")
    );
}

fn url(path: &str) -> Url {
    Url::parse(&format!(
        "https://management.azure.com/subscriptions/{SUB}{path}?api-version=2026-05-01"
    ))
    .unwrap()
}

const PROJECT_CONNECTION: &str = "/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct/projects/proj/connections/c1";

#[test]
fn a_404_names_the_missing_level() {
    let cases: Vec<(&str, String, String, &str)> = vec![
        (
            "SubscriptionNotFound",
            "The subscription could not be found.".into(),
            PROJECT_CONNECTION.into(),
            "subscription",
        ),
        (
            "ResourceGroupNotFound",
            "Resource group 'rg-x' could not be found.".into(),
            PROJECT_CONNECTION.into(),
            "resource group",
        ),
        (
            "ParentResourceNotFound",
            format!(
                "Failed to perform 'read' on resource(s) of type 'accounts/connections', because the parent resource '/subscriptions/{SUB}/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct' could not be found."
            ),
            "/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct/connections".into(),
            "account",
        ),
        (
            "ParentResourceNotFound",
            format!(
                "Failed to perform 'write' on resource(s) of type 'accounts/projects/connections', because the parent resource '/subscriptions/{SUB}/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct/projects/proj' could not be found."
            ),
            PROJECT_CONNECTION.into(),
            "project",
        ),
        (
            "ResourceNotFound",
            "The Resource 'Microsoft.CognitiveServices/accounts/acct' under resource group 'rg-x' was not found.".into(),
            "/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct".into(),
            "account",
        ),
        (
            "ResourceNotFound",
            "The Resource 'Microsoft.CognitiveServices/accounts/acct/projects/proj' under resource group 'rg-x' was not found.".into(),
            "/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct/projects/proj".into(),
            "project",
        ),
        (
            "NotFound",
            "Specified resource cannot be found.".into(),
            PROJECT_CONNECTION.into(),
            "connection",
        ),
        (
            "NotFound",
            "Specified resource cannot be found.".into(),
            "/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct/deployments/gpt".into(),
            "deployment",
        ),
    ];
    for (code, message, path, level) in cases {
        let error = status_error("GET", &url(&path), &arm_error(404, code, &message));
        let missing = error.missing().unwrap_or_else(|| panic!("{code} {path}"));
        assert_eq!(missing.level(), level, "{code} {path}");
        assert_eq!(error.code(), "arm-not-found");
        let hint = error.hint();
        let named = match &missing {
            MissingLevel::Subscription { subscription_id } => subscription_id.clone(),
            MissingLevel::ResourceGroup { resource_group } => resource_group.clone(),
            MissingLevel::Account { account } => account.clone(),
            MissingLevel::Project { project, .. } => project.clone(),
            MissingLevel::Connection { connection } => connection.clone(),
            MissingLevel::Deployment { deployment } => deployment.clone(),
        };
        assert!(!named.is_empty() && hint.contains(&named), "{hint}");
    }
    // A path no one serves is not a level.
    let error = status_error(
        "GET",
        &url("/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct/skus"),
        &arm_error(404, "InvalidResourceType", "no"),
    );
    assert_eq!(error.missing(), None);
    assert!(error.hint().contains("ARM endpoint"), "{}", error.hint());
}

#[test]
fn hints_for_401_403_409_400() {
    // 401: the credential's own fix, and the code's reason.
    let error = status_error(
        "GET",
        &url(PROJECT_CONNECTION),
        &arm_error(401, "ExpiredAuthenticationToken", "The token expired."),
    );
    assert_eq!(error.code(), "arm-unauthorized");
    let hint = error.hint();
    assert!(
        hint.contains("has expired") && hint.contains("az account get-access-token"),
        "{hint}"
    );
    let hint = status_error(
        "GET",
        &url(PROJECT_CONNECTION),
        &arm_error(401, "InvalidAuthenticationTokenTenant", "wrong issuer"),
    )
    .hint();
    assert!(hint.contains("az login --tenant"), "{hint}");

    // 403 on a write: Contributor on the resource group, Azure AI User on the project.
    let error = status_error(
        "PUT",
        &url(PROJECT_CONNECTION),
        &arm_error(
            403,
            "AuthorizationFailed",
            &format!(
                "The client 'a@b.c' with object id 'x' does not have authorization to perform action 'Microsoft.CognitiveServices/accounts/projects/connections/write' over scope '/subscriptions/{SUB}/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct/projects/proj/connections/c1' or the scope is invalid."
            ),
        ),
    );
    assert_eq!(error.code(), "arm-forbidden");
    let hint = error.hint();
    assert!(hint.contains("Contributor"), "{hint}");
    assert!(
        hint.contains(&format!("`/subscriptions/{SUB}/resourceGroups/rg-x`")),
        "{hint}"
    );
    assert!(
        hint.contains("Microsoft.CognitiveServices/accounts/projects/connections/write"),
        "{hint}"
    );
    assert!(
        hint.contains("Azure AI User") && hint.contains("/projects/proj`"),
        "{hint}"
    );
    // 403 on a read: Reader, on the scope ARM names.
    let hint = status_error(
        "GET",
        &url("/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts"),
        &arm_error(403, "AuthorizationFailed", "denied"),
    )
    .hint();
    assert!(
        hint.contains("Reader")
            && hint.contains(&format!("/subscriptions/{SUB}/resourceGroups/rg-x")),
        "{hint}"
    );
    assert!(
        !hint.contains("Contributor") && !hint.contains("Azure AI User"),
        "{hint}"
    );

    // 409: a lock, or another operation.
    let hint = status_error(
        "DELETE",
        &url(PROJECT_CONNECTION),
        &arm_error(409, "ScopeLocked", "locked"),
    )
    .hint();
    assert!(hint.contains("lock"), "{hint}");
    let error = status_error(
        "PUT",
        &url(PROJECT_CONNECTION),
        &arm_error(409, "Conflict", "Another operation is in progress."),
    );
    assert_eq!(error.code(), "arm-conflict");
    assert!(error.hint().contains("Another operation is in progress."));
    assert!(error.hint().contains("still running"));

    // 400: the name, the api-version, the field.
    let hint = status_error(
        "PUT",
        &url(PROJECT_CONNECTION),
        &arm_error(
            400,
            "InvalidResourceName",
            "The connection name 'c1' is invalid.",
        ),
    )
    .hint();
    assert!(
        hint.contains("Rename `c1`") && hint.contains("3 to 33"),
        "{hint}"
    );
    let hint = status_error(
        "GET",
        &url(PROJECT_CONNECTION),
        &arm_error(
            400,
            "NoRegisteredProviderFound",
            "The supported api-versions are 'x'.",
        ),
    )
    .hint();
    assert!(
        hint.contains("`2026-05-01`") && hint.contains("2025-04-01-preview"),
        "{hint}"
    );
    let hint = status_error(
        "PUT",
        &url(PROJECT_CONNECTION),
        &arm_error(
            400,
            "ValidationError",
            "Invalid value for 'properties.metadata.models': expected a string",
        ),
    )
    .hint();
    assert!(
        hint.starts_with("Fix `properties.metadata.models`"),
        "{hint}"
    );

    // The message says where, with the ids.
    let text = error.to_string();
    assert!(
        text.starts_with("PUT https://management.azure.com/subscriptions/"),
        "{text}"
    );
    assert!(
        text.contains("409 Conflict: Another operation is in progress.")
            && text.contains("x-ms-correlation-request-id corr-1"),
        "{text}"
    );
}

#[test]
fn body_secrets_are_every_credential_string() {
    let body = json!({
        "name": "c1",
        "properties": {
            "authType": "CustomKeys",
            "target": "https://not-a-secret.example",
            "credentials": { "key": "k-1", "clientSecret": "cs-2", "keys": { "a": "k-3" } }
        }
    })
    .to_string();
    let found: Vec<String> = body_secrets(body.as_bytes())
        .into_iter()
        .map(|s| s.expose().clone())
        .collect();
    assert_eq!(found.len(), 3);
    for secret in ["k-1", "cs-2", "k-3"] {
        assert!(found.contains(&secret.to_string()), "{found:?}");
    }
    assert!(body_secrets(b"not json").is_empty());
    assert!(body_secrets(br#"{"properties":{"authType":"None"}}"#).is_empty());
}

#[test]
fn typed_resources_keep_raw_json_and_flag_foundry_accounts() {
    let id = format!(
        "/subscriptions/{SUB}/resourceGroups/RG-X/providers/Microsoft.CognitiveServices/accounts/acct"
    );
    let foundry = json!({
        "id": id, "name": "acct", "kind": "AIServices", "location": "eastus2",
        "properties": { "endpoints": { "AI Foundry API": "https://acct.services.ai.azure.com/" }, "allowProjectManagement": true }
    });
    let account = resources::account(&foundry).unwrap();
    assert!(account.is_foundry());
    assert_eq!(account.resource_group, "RG-X");
    assert_eq!(account.subscription_id, SUB);
    assert_eq!(
        account.foundry_endpoint.as_deref(),
        Some("https://acct.services.ai.azure.com/")
    );
    assert_eq!(account.account_ref().id(), id);
    assert_eq!(account.raw, foundry);
    let openai = json!({ "id": id.replace("acct", "aoai"), "name": "aoai", "kind": "OpenAI" });
    assert!(!resources::account(&openai).unwrap().is_foundry());

    // Nested names may come as `a/p`; the id's last segment is the name.
    let project = resources::project(&json!({
        "id": format!("{id}/projects/proj"), "name": "acct/proj",
        "properties": { "displayName": "P", "endpoints": { "AI Foundry API": "https://acct.services.ai.azure.com/api/projects/proj" } }
    }))
    .unwrap();
    assert_eq!(project.name, "proj");
    assert!(
        project
            .foundry_endpoint
            .unwrap()
            .ends_with("/api/projects/proj")
    );

    let connection = |properties: Value| {
        resources::connection(&json!({
            "id": format!("{id}/projects/proj/connections/c1"),
            "name": "c1",
            "type": "Microsoft.CognitiveServices/accounts/projects/connections",
            "properties": properties,
        }))
        .unwrap()
    };
    let c = connection(json!({
        "category": "ModelGateway", "target": "https://gw", "authType": "ApiKey",
        "metadata": { "models": "[{\"name\":\"a\"},{\"name\":\"b\"}]" }
    }));
    assert_eq!(c.scope, crate::connection::ConnectionScope::Project);
    assert_eq!(
        (c.category(), c.target(), c.auth_type()),
        (Some("ModelGateway"), Some("https://gw"), Some("ApiKey"))
    );
    assert!(c.is_gateway());
    assert_eq!(c.model_count(), Some(2));
    let imported = c.import().unwrap();
    assert_eq!(imported.connection.name.as_deref(), Some("c1"));
    assert!(imported.secrets.is_empty());
    let apim =
        connection(json!({ "category": "ApiManagement", "authType": "ProjectManagedIdentity" }));
    assert_eq!(apim.model_source(), ModelSource::Discovery);
    assert_eq!(apim.model_count(), None);
    let other = connection(json!({ "category": "AzureOpenAI", "metadata": { "models": "oops" } }));
    assert!(!other.is_gateway());
    assert_eq!(other.model_source(), ModelSource::Unknown);

    let deployment = resources::deployment(&json!({
        "id": format!("{id}/deployments/gpt-4o"), "name": "gpt-4o",
        "sku": { "name": "GlobalStandard", "capacity": 50 },
        "properties": { "model": { "format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20" } }
    }))
    .unwrap();
    assert_eq!(deployment.sku_capacity, Some(50));
    let model = deployment.model_info();
    assert_eq!(model.deployment_name.as_deref(), Some("gpt-4o"));
    assert_eq!(model.format, Some(crate::connection::ModelFormat::OpenAi));

    // What is missing is named.
    assert_eq!(
        resources::subscription(&json!({ "displayName": "x" })).unwrap_err(),
        "a subscription without a `subscriptionId` string"
    );
    assert_eq!(
        resources::connection(&json!({ "id": "/x/connections/c" })).unwrap_err(),
        "a connection without a `properties` object"
    );
}

#[test]
fn next_links_stay_on_the_endpoint_origin() {
    let c = client("http://127.0.0.1:9000/");
    let current = Url::parse("http://127.0.0.1:9000/subscriptions?api-version=2022-12-01").unwrap();
    // Relative links resolve; a link without api-version gets the current one.
    let next = c
        .next_page(&current, "/subscriptions?$skipToken=abc")
        .unwrap();
    assert_eq!(
        next.as_str(),
        "http://127.0.0.1:9000/subscriptions?$skipToken=abc&api-version=2022-12-01"
    );
    let next = c
        .next_page(
            &current,
            "http://127.0.0.1:9000/subscriptions?api-version=2025-04-01&$skipToken=x",
        )
        .unwrap();
    assert_eq!(
        next.query_pairs()
            .filter(|(k, _)| k == "api-version")
            .count(),
        1
    );
    for foreign in [
        "http://127.0.0.1:9001/subscriptions?$skipToken=x",
        "https://127.0.0.1:9000/subscriptions",
        "http://evil.example/subscriptions",
        "//evil.example/x",
    ] {
        match c.next_page(&current, foreign) {
            Err(ArmError::ForeignNextLink {
                next_origin,
                arm_origin,
                ..
            }) => {
                assert_eq!(arm_origin, "http://127.0.0.1:9000");
                assert_ne!(next_origin, arm_origin);
            }
            other => panic!("{foreign}: {other:?}"),
        }
    }
}

#[test]
fn secrets_cut_short_in_a_message_are_masked_too() {
    let secret = "sandbox-key-0123456789abcdef0123456789abcdef0123456789";
    let text = format!("got {{\"key\":\"{}...", &secret[..30]);
    let masked = mask_prefixes(&text, secret);
    assert_eq!(masked, "got {\"key\":\"<redacted>...");
    // Whole, twice, and nothing else touched.
    assert_eq!(
        mask_prefixes(&format!("a {secret} b {secret}"), secret),
        "a <redacted> b <redacted>"
    );
    // A name sharing the first characters is not a secret.
    assert_eq!(
        mask_prefixes("account sandbox-key-012 here", secret),
        "account sandbox-key-012 here"
    );
    // Short secrets are left to the whole-value redaction.
    assert_eq!(mask_prefixes("abc", "abc"), "abc");
}
