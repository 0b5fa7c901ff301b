//! The ARM emulator's tenant, auth, api-version and error rules, and its fault knobs: what any
//! ARM call meets before a connection is touched.

use std::time::{Duration, Instant};

use gateway_studio_sandbox::Route;
use gateway_studio_sandbox::demo::{
    DEMO_ACCOUNT, DEMO_LOCATION, DEMO_PROJECT, DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID,
    DEMO_SUBSCRIPTION_NAME, DEMO_TENANT_ID,
};
use reqwest::Method;
use serde_json::json;
use url::Url;

use crate::arm_support::{
    BEARER, V, account_connections, account_path, all_pages, api_key_body, arm_get, assert_error,
    call, call_raw, names, project_connections, project_path, put, rg_path, start, url, url_v,
};

const SUB: &str = DEMO_SUBSCRIPTION_ID;
const RESOURCES_V: &str = "2022-12-01";
const UNKNOWN_SUB: &str = "00000000-1111-2222-3333-444444444444";

fn is_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

#[tokio::test]
async fn arm_lists_subscriptions_and_resource_groups() {
    let arm = start().await;
    let reply = arm_get(&url_v(&arm, "/subscriptions", RESOURCES_V)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["value"].as_array().unwrap().len(), 1);
    assert!(body.get("nextLink").is_none());
    let subscription = &body["value"][0];
    assert_eq!(subscription["id"], format!("/subscriptions/{SUB}"));
    assert_eq!(subscription["subscriptionId"], SUB);
    assert_eq!(subscription["displayName"], DEMO_SUBSCRIPTION_NAME);
    assert_eq!(subscription["state"], "Enabled");
    assert_eq!(subscription["tenantId"], DEMO_TENANT_ID);

    let one = arm_get(&url_v(&arm, &format!("/subscriptions/{SUB}"), RESOURCES_V)).await;
    assert_eq!(one.status, 200);
    assert_eq!(&one.json(), subscription);

    for segment in ["resourcegroups", "resourceGroups"] {
        let list = arm_get(&url_v(
            &arm,
            &format!("/subscriptions/{SUB}/{segment}"),
            RESOURCES_V,
        ))
        .await;
        assert_eq!(list.status, 200, "{}", list.text());
        assert_eq!(
            list.json()["value"],
            json!([{
                "id": rg_path(),
                "name": DEMO_RESOURCE_GROUP,
                "type": "Microsoft.Resources/resourceGroups",
                "location": DEMO_LOCATION,
                "properties": { "provisioningState": "Succeeded" },
            }])
        );
    }
    let group = arm_get(&url_v(&arm, &rg_path(), "2021-04-01")).await;
    assert_eq!(group.status, 200);
    assert_eq!(group.json()["name"], DEMO_RESOURCE_GROUP);
}

#[tokio::test]
async fn arm_lists_foundry_accounts_and_their_projects() {
    let arm = start().await;
    let account_id = account_path();
    let expected_account = json!({
        "id": account_id,
        "name": DEMO_ACCOUNT,
        "type": "Microsoft.CognitiveServices/accounts",
        "kind": "AIServices",
        "location": DEMO_LOCATION,
        "sku": { "name": "S0" },
        "properties": {
            "provisioningState": "Succeeded",
            "endpoint": format!("https://{DEMO_ACCOUNT}.cognitiveservices.azure.com/"),
            "customSubDomainName": DEMO_ACCOUNT,
            "endpoints": { "AI Foundry API": format!("https://{DEMO_ACCOUNT}.services.ai.azure.com/") },
            "allowProjectManagement": true,
        },
    });
    for path in [
        format!("/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/accounts"),
        format!(
            "{}/providers/Microsoft.CognitiveServices/accounts",
            rg_path()
        ),
    ] {
        let list = arm_get(&url(&arm, &path)).await;
        assert_eq!(list.status, 200, "{path}: {}", list.text());
        assert_eq!(list.json()["value"], json!([expected_account.clone()]));
    }
    let one = arm_get(&url(&arm, &account_path())).await;
    assert_eq!(one.json(), expected_account);

    let projects = arm_get(&url(&arm, &format!("{}/projects", account_path()))).await;
    assert_eq!(projects.status, 200, "{}", projects.text());
    let expected_project = json!({
        "id": project_path(),
        "name": DEMO_PROJECT,
        "type": "Microsoft.CognitiveServices/accounts/projects",
        "location": DEMO_LOCATION,
        "properties": {
            "provisioningState": "Succeeded",
            "displayName": "Sandbox project",
            "endpoints": {
                "AI Foundry API": format!("https://{DEMO_ACCOUNT}.services.ai.azure.com/api/projects/{DEMO_PROJECT}"),
            },
        },
    });
    assert_eq!(projects.json()["value"], json!([expected_project.clone()]));
    assert_eq!(
        arm_get(&url(&arm, &project_path())).await.json(),
        expected_project
    );

    // Once the data plane runs, the endpoints are its URLs.
    let data_plane = Url::parse("http://127.0.0.1:4567/").unwrap();
    arm.world()
        .lock()
        .account_by_name_mut(DEMO_ACCOUNT)
        .unwrap()
        .foundry_endpoint = Some(data_plane);
    let account = arm_get(&url(&arm, &account_path())).await.json();
    assert_eq!(
        account["properties"]["endpoints"]["AI Foundry API"],
        "http://127.0.0.1:4567/"
    );
    let project = arm_get(&url(&arm, &project_path())).await.json();
    assert_eq!(
        project["properties"]["endpoints"]["AI Foundry API"],
        format!("http://127.0.0.1:4567/api/projects/{DEMO_PROJECT}")
    );
}

#[tokio::test]
async fn arm_account_deployments_page_and_get() {
    let arm = start().await;
    let list_url = url(&arm, &format!("{}/deployments", account_path()));
    let pages = all_pages(&list_url).await;
    assert_eq!(pages.len(), 2, "3 deployments at page size 2: {pages:?}");
    let all: Vec<String> = pages.iter().flat_map(names).collect();
    assert_eq!(all, ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]);
    assert_eq!(
        pages[0]["value"][0],
        json!({
            "id": format!("{}/deployments/gpt-4o", account_path()),
            "name": "gpt-4o",
            "type": "Microsoft.CognitiveServices/accounts/deployments",
            "sku": { "name": "GlobalStandard", "capacity": 10 },
            "properties": {
                "model": { "format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20" },
                "provisioningState": "Succeeded",
            },
        })
    );
    // The version the APIM guide's discovery rewrite uses.
    let one = arm_get(&url_v(
        &arm,
        &format!("{}/deployments/GPT-4O-mini", account_path()),
        "2023-05-01",
    ))
    .await;
    assert_eq!(one.status, 200, "{}", one.text());
    assert_eq!(one.json()["name"], "gpt-4o-mini");
    assert_eq!(one.json()["properties"]["model"]["version"], "2024-07-18");

    let missing = arm_get(&url(&arm, &format!("{}/deployments/nope", account_path()))).await;
    let message = assert_error(&missing, 404, "NotFound");
    assert_eq!(
        message,
        format!(
            "Specified resource '{}/deployments/nope' cannot be found.",
            account_path()
        )
    );
}

#[tokio::test]
async fn arm_wants_the_bearer_token_first() {
    let arm = start().await;
    let target = url(&arm, &project_connections(""));

    let reply = call_raw(Method::GET, &target, &[], None).await;
    let message = assert_error(&reply, 401, "AuthenticationFailed");
    assert_eq!(
        message,
        "Authentication failed. The 'Authorization' header is missing."
    );
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(
        challenge.starts_with("Bearer authorization_uri="),
        "{challenge}"
    );
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");

    for header in [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "sandbox-azure-token-c4e9a2f7",
    ] {
        let reply = call_raw(Method::GET, &target, &[("Authorization", header)], None).await;
        assert_error(&reply, 401, "AuthenticationFailed");
        assert!(reply.header("www-authenticate").is_some());
    }

    let reply = call_raw(
        Method::GET,
        &target,
        &[("Authorization", "Bearer some-other-token")],
        None,
    )
    .await;
    let message = assert_error(&reply, 401, "InvalidAuthenticationToken");
    assert_eq!(message, "The access token is invalid.");
    assert!(
        reply
            .header("www-authenticate")
            .unwrap()
            .contains("The access token is invalid.")
    );

    // Auth comes before everything else: no api-version, unknown subscription, still 401.
    let bare = format!(
        "{}subscriptions/{UNKNOWN_SUB}/resourceGroups/x",
        arm.base_url()
    );
    assert_error(
        &call_raw(Method::GET, &bare, &[], None).await,
        401,
        "AuthenticationFailed",
    );

    // The scheme is case-insensitive; the token is not.
    let ok = call_raw(
        Method::GET,
        &target,
        &[("Authorization", "bearer sandbox-azure-token-c4e9a2f7")],
        None,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let upper = call_raw(
        Method::GET,
        &target,
        &[("Authorization", "Bearer SANDBOX-AZURE-TOKEN-C4E9A2F7")],
        None,
    )
    .await;
    assert_error(&upper, 401, "InvalidAuthenticationToken");
    assert_eq!(
        call_raw(Method::GET, &target, &[("Authorization", BEARER)], None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn arm_wants_a_known_api_version() {
    let arm = start().await;
    let origin = arm.base_url().as_str().trim_end_matches('/').to_string();

    // Missing, or empty.
    for query in ["", "?api-version=", "?other=1"] {
        let reply = arm_get(&format!("{origin}{}{query}", project_connections(""))).await;
        let message = assert_error(&reply, 400, "MissingApiVersionParameter");
        assert_eq!(
            message,
            "The api-version query parameter (?api-version=) is required for all requests."
        );
    }

    // Microsoft.Resources routes list their versions.
    let reply = arm_get(&url_v(&arm, "/subscriptions", "2026-05-01")).await;
    let message = assert_error(&reply, 400, "InvalidApiVersionParameter");
    assert!(
        message
            .starts_with("The api-version '2026-05-01' is invalid. The supported versions are '"),
        "{message}"
    );
    assert!(message.contains("2022-12-01"), "{message}");
    for version in [
        "2020-01-01",
        "2021-04-01",
        "2022-09-01",
        "2022-12-01",
        "2024-03-01",
    ] {
        assert_eq!(
            arm_get(&url_v(&arm, "/subscriptions", version))
                .await
                .status,
            200,
            "{version}"
        );
    }

    // A version that is not a date, anywhere.
    let reply = arm_get(&url_v(&arm, &project_connections(""), "latest")).await;
    assert_error(&reply, 400, "InvalidApiVersionParameter");

    // Provider routes: the versions registered for the resource type.
    let reply = arm_get(&url_v(&arm, &project_connections(""), "2024-10-01")).await;
    let message = assert_error(&reply, 400, "NoRegisteredProviderFound");
    assert!(
        message.starts_with(&format!(
            "No registered resource provider found for location '{DEMO_LOCATION}' and API version '2024-10-01' for type 'accounts/projects/connections'. The supported api-versions are '"
        )),
        "{message}"
    );
    assert!(message.contains("2026-05-01"), "{message}");
    assert!(message.contains("2025-04-01-preview"), "{message}");
    let reply = arm_get(&url_v(&arm, &account_connections(""), RESOURCES_V)).await;
    let message = assert_error(&reply, 400, "NoRegisteredProviderFound");
    assert!(
        message.contains("for type 'accounts/connections'"),
        "{message}"
    );

    for version in [
        "2025-04-01-preview",
        "2025-06-01",
        "2025-10-01-preview",
        "2025-12-01",
        "2026-01-15-preview",
        "2026-03-01",
        "2026-03-15-preview",
        "2026-05-01",
        "2026-07-01-preview",
    ] {
        for path in [project_connections(""), account_connections("")] {
            let reply = arm_get(&url_v(&arm, &path, version)).await;
            assert_eq!(reply.status, 200, "{version} {path}: {}", reply.text());
        }
    }
    // Deployments are older than connections.
    let deployments = format!("{}/deployments", account_path());
    assert_eq!(
        arm_get(&url_v(&arm, &deployments, "2023-05-01"))
            .await
            .status,
        200
    );
    assert_error(
        &arm_get(&url_v(&arm, &project_connections(""), "2023-05-01")).await,
        400,
        "NoRegisteredProviderFound",
    );
}

#[tokio::test]
async fn arm_answers_404_for_each_missing_level() {
    let arm = start().await;
    let sub_path = |sub: &str| {
        format!(
            "/subscriptions/{sub}/resourceGroups/{DEMO_RESOURCE_GROUP}/providers/Microsoft.CognitiveServices/accounts/{DEMO_ACCOUNT}/projects/{DEMO_PROJECT}/connections"
        )
    };

    let message = assert_error(
        &arm_get(&url(&arm, &sub_path("not-a-guid"))).await,
        400,
        "InvalidSubscriptionId",
    );
    assert_eq!(
        message,
        "The provided subscription identifier 'not-a-guid' is malformed or invalid."
    );
    let message = assert_error(
        &arm_get(&url(&arm, &sub_path(UNKNOWN_SUB))).await,
        404,
        "SubscriptionNotFound",
    );
    assert_eq!(
        message,
        format!("The subscription '{UNKNOWN_SUB}' could not be found.")
    );
    assert_error(
        &arm_get(&url_v(
            &arm,
            &format!("/subscriptions/{UNKNOWN_SUB}"),
            RESOURCES_V,
        ))
        .await,
        404,
        "SubscriptionNotFound",
    );

    let message = assert_error(
        &arm_get(&url_v(
            &arm,
            &format!("/subscriptions/{SUB}/resourceGroups/rg-nope"),
            RESOURCES_V,
        ))
        .await,
        404,
        "ResourceGroupNotFound",
    );
    assert_eq!(message, "Resource group 'rg-nope' could not be found.");
    assert_error(
        &arm_get(&url(
            &arm,
            &format!("/subscriptions/{SUB}/resourceGroups/rg-nope/providers/Microsoft.CognitiveServices/accounts/{DEMO_ACCOUNT}/connections"),
        ))
        .await,
        404,
        "ResourceGroupNotFound",
    );

    let accounts = format!(
        "{}/providers/Microsoft.CognitiveServices/accounts",
        rg_path()
    );
    let message = assert_error(
        &arm_get(&url(&arm, &format!("{accounts}/foo"))).await,
        404,
        "ResourceNotFound",
    );
    assert_eq!(
        message,
        format!(
            "The Resource 'Microsoft.CognitiveServices/accounts/foo' under resource group '{DEMO_RESOURCE_GROUP}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        )
    );
    let message = assert_error(
        &arm_get(&url(&arm, &format!("{}/projects/nope", account_path()))).await,
        404,
        "ResourceNotFound",
    );
    assert!(
        message.starts_with(&format!(
            "The Resource 'Microsoft.CognitiveServices/accounts/{DEMO_ACCOUNT}/projects/nope' under resource group '{DEMO_RESOURCE_GROUP}' was not found."
        )),
        "{message}"
    );

    // Children of a missing parent.
    let message = assert_error(
        &arm_get(&url(&arm, &format!("{accounts}/foo/connections"))).await,
        404,
        "ParentResourceNotFound",
    );
    assert_eq!(
        message,
        format!(
            "Failed to perform 'read' on resource(s) of type 'accounts/connections', because the parent resource '{accounts}/foo' could not be found."
        )
    );
    for child in ["projects", "deployments"] {
        let message = assert_error(
            &arm_get(&url(&arm, &format!("{accounts}/foo/{child}"))).await,
            404,
            "ParentResourceNotFound",
        );
        assert!(
            message.contains(&format!("type 'accounts/{child}'")),
            "{message}"
        );
    }
    let missing_project = format!("{}/projects/nope", account_path());
    let message = assert_error(
        &put(
            &url(&arm, &format!("{missing_project}/connections/gw-1")),
            &api_key_body("ModelGateway", "https://gw.example/v1", "k"),
        )
        .await,
        404,
        "ParentResourceNotFound",
    );
    assert_eq!(
        message,
        format!(
            "Failed to perform 'write' on resource(s) of type 'accounts/projects/connections', because the parent resource '{missing_project}' could not be found."
        )
    );
    let message = assert_error(
        &call(
            Method::DELETE,
            &url(&arm, &format!("{missing_project}/connections/gw-1")),
            None,
        )
        .await,
        404,
        "ParentResourceNotFound",
    );
    assert!(
        message.starts_with("Failed to perform 'delete'"),
        "{message}"
    );

    // The connection itself.
    let message = assert_error(
        &arm_get(&url(&arm, &project_connections("absent"))).await,
        404,
        "NotFound",
    );
    assert_eq!(
        message,
        format!(
            "Specified resource '{}' cannot be found.",
            project_connections("absent")
        )
    );
}

#[tokio::test]
async fn arm_matches_segments_and_names_in_any_case() {
    let arm = start().await;
    let shouting = format!(
        "/SUBSCRIPTIONS/{}/RESOURCEGROUPS/{}/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/{}/PROJECTS/{}",
        SUB.to_uppercase(),
        DEMO_RESOURCE_GROUP.to_uppercase(),
        DEMO_ACCOUNT.to_uppercase(),
        DEMO_PROJECT.to_uppercase()
    );
    let reply = arm_get(&url(&arm, &shouting)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    // Ids keep the case the resources were created with.
    assert_eq!(reply.json()["id"], project_path());

    let put_reply = put(
        &url(&arm, &format!("{shouting}/Connections/My-Gateway")),
        &api_key_body("ModelGateway", "https://gw.example/v1", "k-1"),
    )
    .await;
    assert_eq!(put_reply.status, 200, "{}", put_reply.text());
    assert_eq!(put_reply.json()["id"], project_connections("My-Gateway"));
    let lower = arm_get(&url(&arm, &project_connections("my-gateway"))).await;
    assert_eq!(lower.status, 200);
    assert_eq!(lower.json()["name"], "My-Gateway");
    let segments = format!(
        "/subscriptions/{SUB}/resourcegroups/{DEMO_RESOURCE_GROUP}/providers/microsoft.cognitiveservices/accounts/{DEMO_ACCOUNT}/Projects/{DEMO_PROJECT}/connections"
    );
    let list = arm_get(&url(&arm, &segments)).await;
    assert_eq!(names(&list.json()), ["My-Gateway"]);
}

#[tokio::test]
async fn arm_stamps_request_and_correlation_ids() {
    let arm = start().await;
    let ok = arm_get(&url(&arm, &project_connections(""))).await;
    let not_found = arm_get(&url(&arm, &project_connections("absent"))).await;
    let unauthorized = call_raw(Method::GET, &url(&arm, &project_path()), &[], None).await;
    let mut request_ids = Vec::new();
    for reply in [&ok, &not_found, &unauthorized] {
        let id = reply.header("x-ms-request-id").unwrap();
        assert!(is_guid(id), "{id}");
        assert!(is_guid(
            reply.header("x-ms-correlation-request-id").unwrap()
        ));
        request_ids.push(id.to_string());
    }
    request_ids.dedup();
    assert_eq!(request_ids.len(), 3, "fresh per response");

    let correlation = "7c1e2a9b-0d3f-4e5a-8b6c-1d2e3f4a5b6c";
    let reply = call_raw(
        Method::GET,
        &url(&arm, &project_connections("absent")),
        &[
            ("Authorization", BEARER),
            ("x-ms-correlation-request-id", correlation),
        ],
        None,
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.header("x-ms-correlation-request-id"),
        Some(correlation)
    );
}

#[tokio::test]
async fn arm_refuses_methods_a_resource_does_not_serve() {
    let arm = start().await;
    for (method, path) in [
        (Method::POST, project_connections("gw-1")),
        (Method::POST, project_connections("")),
        (Method::DELETE, account_path()),
        (Method::PUT, format!("/subscriptions/{SUB}")),
        (
            Method::PATCH,
            format!("{}/deployments/gpt-4o", account_path()),
        ),
    ] {
        let reply = call(method.clone(), &url(&arm, &path), Some(&json!({}))).await;
        let message = assert_error(&reply, 405, "MethodNotAllowed");
        assert!(
            message.starts_with(&format!("The HTTP method '{method}' is not supported")),
            "{message}"
        );
        assert!(reply.header("allow").is_some());
    }
    let item = call(Method::POST, &url(&arm, &project_connections("gw-1")), None).await;
    assert_eq!(item.header("allow"), Some("GET, PUT, PATCH, DELETE"));
}

#[tokio::test]
async fn arm_answers_unknown_paths_in_its_words() {
    let arm = start().await;
    assert_error(&arm_get(&url(&arm, "/tenants")).await, 404, "NotFound");
    let message = assert_error(
        &arm_get(&url(&arm, &format!("{}/skus", account_path()))).await,
        404,
        "InvalidResourceType",
    );
    assert!(message.contains("'accounts/skus'"), "{message}");
    assert_error(
        &arm_get(&url(
            &arm,
            &format!("{}/providers/Microsoft.Storage/storageAccounts", rg_path()),
        ))
        .await,
        404,
        "InvalidResourceNamespace",
    );
}

#[tokio::test]
async fn arm_rate_limit_fault_speaks_arm() {
    let arm = start().await;
    arm.faults().on(Route::Arm).next(1).rate_limit(9);
    let correlation = "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
    let reply = call_raw(
        Method::GET,
        &url(&arm, &project_connections("")),
        &[
            ("Authorization", BEARER),
            ("x-ms-correlation-request-id", correlation),
        ],
        None,
    )
    .await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), Some("9"));
    assert_eq!(
        reply.json(),
        json!({ "error": {
            "code": "TooManyRequests",
            "message": "The request is being throttled. Please retry after 9 seconds.",
        } })
    );
    assert!(is_guid(reply.header("x-ms-request-id").unwrap()));
    assert_eq!(
        reply.header("x-ms-correlation-request-id"),
        Some(correlation)
    );
    assert!(arm.faults().is_clear());
    assert_eq!(
        arm_get(&url(&arm, &project_connections(""))).await.status,
        200
    );
}

#[tokio::test]
async fn arm_server_error_fault_speaks_arm() {
    let arm = start().await;
    arm.faults().next(1).server_error(500);
    let reply = arm_get(&url(&arm, &project_path())).await;
    let message = assert_error(&reply, 500, "InternalServerError");
    assert!(!message.is_empty());
    assert_eq!(arm_get(&url(&arm, &project_path())).await.status, 200);
}

#[tokio::test]
async fn arm_delay_fault_slows_the_answer() {
    let arm = start().await;
    let delay = Duration::from_millis(400);
    arm.faults().on(Route::Arm).next(1).delay(delay);
    let started = Instant::now();
    let reply = arm_get(&url(&arm, &project_path())).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
    let started = Instant::now();
    assert_eq!(arm_get(&url(&arm, &project_path())).await.status, 200);
    assert!(started.elapsed() < delay, "only the next request is slow");
}

#[tokio::test]
async fn arm_records_what_it_was_sent() {
    let arm = start().await;
    let body = api_key_body("ModelGateway", "https://gw.example/v1", "k-rec");
    put(&url(&arm, &project_connections("gw-rec")), &body).await;
    let requests = arm.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "PUT");
    assert_eq!(request.path_only(), project_connections("gw-rec"));
    assert_eq!(request.query_param("api-version").as_deref(), Some(V));
    assert_eq!(request.header("authorization"), Some(BEARER));
    assert_eq!(request.body_json(), Some(body));
    arm.clear_requests();
    assert!(arm.requests().is_empty());
    arm.shutdown().await;
}
