//! Connections through the ARM emulator: put, get, list (filters, paging), patch, delete, and
//! the body rules (name pattern, metadata strings, credentials per auth type, secrets).

use gateway_studio_sandbox::ArmOptions;
use gateway_studio_sandbox::demo::DEMO_CLIENT_ID;
use reqwest::Method;
use serde_json::{Value, json};

use crate::arm_support::{
    BEARER, account_connections, all_pages, api_key_body, arm_get, assert_error, assert_hidden,
    call, call_raw, delete, names, patch, project_connections, put, start, start_with,
    stored_project_connection, url,
};

const TARGET: &str = "https://gw.example/v1";

#[tokio::test]
async fn arm_connection_lifecycle_at_project_level() {
    let arm = start().await;
    let item = url(&arm, &project_connections("gw-life"));
    let body = api_key_body("ModelGateway", TARGET, "secret-key-1");

    let created = put(&item, &body).await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_hidden(&created, "secret-key-1");
    let resource = created.json();
    assert_eq!(resource["id"], project_connections("gw-life"));
    assert_eq!(resource["name"], "gw-life");
    assert_eq!(
        resource["type"],
        "Microsoft.CognitiveServices/accounts/projects/connections"
    );
    let mut expected = body["properties"].clone();
    expected.as_object_mut().unwrap().remove("credentials");
    assert_eq!(resource["properties"], expected);
    let created_at = resource["systemData"]["createdAt"].as_str().unwrap();
    assert_eq!(resource["systemData"]["lastModifiedAt"], created_at);
    assert!(created_at.ends_with('Z') && created_at.contains('T'));

    let got = arm_get(&item).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), resource);
    let list = arm_get(&url(&arm, &project_connections(""))).await;
    assert_eq!(list.json(), json!({ "value": [resource] }));

    let stored = stored_project_connection(&arm, "gw-life").unwrap();
    assert_eq!(stored.properties["credentials"]["key"], "secret-key-1");

    let deleted = delete(&item).await;
    assert_eq!(deleted.status, 200);
    assert!(deleted.body.is_empty());
    assert!(stored_project_connection(&arm, "gw-life").is_none());
    let again = delete(&item).await;
    assert_eq!(again.status, 204);
    assert!(again.body.is_empty());
    assert_error(&arm_get(&item).await, 404, "NotFound");
}

#[tokio::test]
async fn arm_connection_lifecycle_at_account_level() {
    let arm = start().await;
    let item = url(&arm, &account_connections("shared-gw"));
    let created = put(&item, &api_key_body("ApiManagement", TARGET, "acct-key")).await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_eq!(
        created.json()["type"],
        "Microsoft.CognitiveServices/accounts/connections"
    );
    assert_eq!(created.json()["id"], account_connections("shared-gw"));
    assert_hidden(&created, "acct-key");

    // Each level lists its own connections.
    let account_list = arm_get(&url(&arm, &account_connections(""))).await.json();
    assert_eq!(names(&account_list), ["shared-gw"]);
    let project_list = arm_get(&url(&arm, &project_connections(""))).await.json();
    assert!(names(&project_list).is_empty());
    assert_error(
        &arm_get(&url(&arm, &project_connections("shared-gw"))).await,
        404,
        "NotFound",
    );

    assert_eq!(delete(&item).await.status, 200);
    assert_eq!(delete(&item).await.status, 204);
}

#[tokio::test]
async fn arm_connection_names_follow_the_spec_pattern() {
    let arm = start().await;
    let body = api_key_body("ModelGateway", TARGET, "k");
    let accepted = ["abc", "a_b", "A-1", "gw_2-x", &"x".repeat(33)];
    for name in accepted {
        let reply = put(&url(&arm, &project_connections(name)), &body).await;
        assert_eq!(reply.status, 200, "{name}: {}", reply.text());
    }
    let refused = [
        "ab",
        &"x".repeat(34),
        "gw.one",
        "gw%2Eone",
        "-gw",
        "_gw",
        "gw%20one",
        "gw~one",
    ];
    for name in refused {
        let reply = put(&url(&arm, &project_connections(name)), &body).await;
        let message = assert_error(&reply, 400, "InvalidResourceName");
        assert!(
            message.contains("'^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$'"),
            "{name}: {message}"
        );
    }
    // Every operation on the item checks the name.
    for method in [Method::GET, Method::DELETE, Method::PATCH] {
        let reply = call(
            method,
            &url(&arm, &account_connections("a.b.c")),
            Some(&json!({})),
        )
        .await;
        assert_error(&reply, 400, "InvalidResourceName");
    }
    let stored = arm.world().lock().subscriptions[0].resource_groups[0].accounts[0].projects[0]
        .connections
        .len();
    assert_eq!(stored, accepted.len());
}

#[tokio::test]
async fn arm_metadata_values_must_be_strings() {
    let arm = start().await;
    let item = url(&arm, &project_connections("gw-meta"));
    for (value, kind) in [
        (json!([{ "name": "gpt-4o" }]), "an array"),
        (json!({ "listModelsEndpoint": "/models" }), "an object"),
        (json!(1), "a number"),
        (json!(false), "a boolean"),
        (Value::Null, "null"),
    ] {
        let mut body = api_key_body("ModelGateway", TARGET, "k");
        body["properties"]["metadata"]["models"] = value;
        let reply = put(&item, &body).await;
        let message = assert_error(&reply, 400, "ValidationError");
        assert!(
            message.contains("'properties.metadata.models'"),
            "{message}"
        );
        assert!(message.contains(&format!("got {kind}")), "{message}");
    }
    assert!(stored_project_connection(&arm, "gw-meta").is_none());

    let mut body = api_key_body("ModelGateway", TARGET, "k");
    body["properties"]["metadata"]["models"] = json!("[{\"name\":\"gpt-4o\"}]");
    assert_eq!(put(&item, &body).await.status, 200);
    body["properties"]["metadata"] = json!("deploymentInPath=false");
    let message = assert_error(&put(&item, &body).await, 400, "ValidationError");
    assert!(message.contains("'properties.metadata'"), "{message}");
}

#[tokio::test]
async fn arm_credentials_must_fit_the_auth_type() {
    let arm = start().await;
    let item = url(&arm, &project_connections("gw-creds"));
    let with = |auth: &str, credentials: Option<Value>| {
        let mut body = json!({ "properties": {
            "category": "ModelGateway",
            "target": TARGET,
            "authType": auth,
            "metadata": { "deploymentInPath": "false" },
        }});
        if let Some(credentials) = credentials {
            body["properties"]["credentials"] = credentials;
        }
        body
    };
    let refused = [
        (with("ApiKey", None), "properties.credentials"),
        (
            with("ApiKey", Some(json!({}))),
            "properties.credentials.key",
        ),
        (
            with("ApiKey", Some(json!({ "key": "" }))),
            "properties.credentials.key",
        ),
        (
            with("ApiKey", Some(json!({ "key": 42 }))),
            "properties.credentials.key",
        ),
        (with("ApiKey", Some(json!("k"))), "properties.credentials"),
        (
            with("ApiKey", Some(json!({ "key": "k", "apiKey": "k" }))),
            "properties.credentials.apiKey",
        ),
        (
            with(
                "ApiKey",
                Some(json!({ "clientId": DEMO_CLIENT_ID, "clientSecret": "s" })),
            ),
            "properties.credentials.clientId",
        ),
        (
            with("OAuth2", Some(json!({ "clientId": DEMO_CLIENT_ID }))),
            "properties.credentials.clientSecret",
        ),
        (
            with("OAuth2", Some(json!({ "clientSecret": "s" }))),
            "properties.credentials.clientId",
        ),
        (
            with(
                "OAuth2",
                Some(json!({ "clientId": "okta-0oa1b2c3", "clientSecret": "s" })),
            ),
            "properties.credentials.clientId",
        ),
        (
            with(
                "OAuth2",
                Some(
                    json!({ "clientId": DEMO_CLIENT_ID, "clientSecret": "s", "authUrl": "not a url" }),
                ),
            ),
            "properties.credentials.authUrl",
        ),
        (
            with("ProjectManagedIdentity", Some(json!({ "key": "k" }))),
            "properties.credentials",
        ),
        (
            with("None", Some(json!({ "key": "k" }))),
            "properties.credentials",
        ),
        (
            with("CustomKeys", Some(json!({ "keys": { "x-api-key": 1 } }))),
            "properties.credentials.keys.x-api-key",
        ),
    ];
    for (body, path) in refused {
        let reply = put(&item, &body).await;
        let message = assert_error(&reply, 400, "ValidationError");
        assert!(
            message.starts_with(&format!("Invalid value for '{path}'")),
            "{body}: {message}"
        );
    }
    assert!(stored_project_connection(&arm, "gw-creds").is_none());

    let accepted = [
        with("ApiKey", Some(json!({ "key": "k" }))),
        with(
            "OAuth2",
            Some(json!({ "clientId": DEMO_CLIENT_ID, "clientSecret": "s" })),
        ),
        with("ProjectManagedIdentity", Some(json!({}))),
        with("ProjectManagedIdentity", None),
        with("ProjectManagedIdentity", Some(Value::Null)),
        with("AAD", None),
        with("None", Some(json!({}))),
        with("CustomKeys", Some(json!({ "keys": { "x-api-key": "k" } }))),
    ];
    for body in accepted {
        let reply = put(&item, &body).await;
        assert_eq!(reply.status, 200, "{body}: {}", reply.text());
    }
}

#[tokio::test]
async fn arm_connection_bodies_follow_the_schema() {
    let arm = start().await;
    let item = url(&arm, &project_connections("gw-body"));
    let send_raw = |body: &'static str| {
        let item = item.clone();
        async move {
            call_raw(
                Method::PUT,
                &item,
                &[("Authorization", BEARER)],
                Some(body.to_string()),
            )
            .await
        }
    };
    for raw in ["", "{not json", "[]", "\"properties\""] {
        let reply = send_raw(raw).await;
        let message = assert_error(&reply, 400, "InvalidRequestContent");
        assert!(
            message.starts_with("The request content was invalid and could not be deserialized"),
            "{message}"
        );
    }

    let base = || api_key_body("ModelGateway", TARGET, "k");
    let mut cases: Vec<(Value, &str)> = Vec::new();
    cases.push((json!({}), "properties"));
    cases.push((json!({ "properties": null }), "properties"));
    cases.push((json!({ "properties": [] }), "properties"));
    let mut body = base();
    body["properties"]
        .as_object_mut()
        .unwrap()
        .remove("authType");
    cases.push((body, "authType"));
    for (key, value) in [
        ("authType", json!("apiKey")),
        ("authType", json!("Bearer")),
        ("category", json!("APIManagement")),
        ("category", json!("modelgateway")),
        ("isSharedToAll", json!("false")),
        ("target", json!(["https://a"])),
        ("expiryTime", json!("next week")),
        ("sharedUserList", json!("me")),
        ("peRequirement", json!("Sometimes")),
        ("scopes", json!("api://x/.default")),
        ("tokenUrl", json!(1)),
        ("audience", json!({})),
    ] {
        let mut body = base();
        body["properties"][key] = value;
        cases.push((body, key));
    }
    for (body, key) in cases {
        let reply = put(&item, &body).await;
        let message = assert_error(&reply, 400, "ValidationError");
        let path = if key == "properties" {
            "properties".to_string()
        } else {
            format!("properties.{key}")
        };
        assert!(
            message.starts_with(&format!("Invalid value for '{path}")),
            "{body}: {message}"
        );
    }
    assert!(stored_project_connection(&arm, "gw-body").is_none());

    // Unknown properties are kept, read-only ones dropped, the samples' extras type-checked.
    let mut body = base();
    body["properties"]["notes"] = json!({ "owner": "platform team" });
    body["properties"]["group"] = json!("AzureAI");
    body["properties"]["expiryTime"] = json!("2027-01-01T00:00:00Z");
    body["properties"]["scopes"] = json!(["api://gw/.default"]);
    body["properties"]["peRequirement"] = json!("NotRequired");
    let reply = put(&item, &body).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let properties = arm_get(&item).await.json()["properties"].clone();
    assert_eq!(properties["notes"], json!({ "owner": "platform team" }));
    assert_eq!(properties["scopes"], json!(["api://gw/.default"]));
    assert_eq!(properties.get("group"), None);
    // Query-string JSON is not read as a body: a PUT without one is refused.
    let empty = call(Method::PUT, &item, None).await;
    assert_error(&empty, 400, "InvalidRequestContent");
}

#[tokio::test]
async fn arm_never_returns_secrets() {
    let arm = start().await;
    let cases = [
        (
            "gw-apikey",
            json!({ "authType": "ApiKey", "credentials": { "key": "S3CRET-apikey" } }),
            vec!["S3CRET-apikey"],
            None,
        ),
        (
            "gw-oauth",
            json!({ "authType": "OAuth2", "credentials": {
                "clientId": DEMO_CLIENT_ID,
                "clientSecret": "S3CRET-client",
                "refreshToken": "S3CRET-refresh",
                "developerToken": "S3CRET-dev",
                "password": "S3CRET-pass",
                "username": "svc-user",
                "tenantId": "contoso",
            } }),
            vec![
                "S3CRET-client",
                "S3CRET-refresh",
                "S3CRET-dev",
                "S3CRET-pass",
            ],
            Some(
                json!({ "clientId": DEMO_CLIENT_ID, "username": "svc-user", "tenantId": "contoso" }),
            ),
        ),
        (
            "gw-custom",
            json!({ "authType": "CustomKeys", "credentials": { "keys": { "x-api-key": "S3CRET-custom" } } }),
            vec!["S3CRET-custom"],
            None,
        ),
        (
            "gw-access",
            json!({ "authType": "AccessKey", "credentials": { "accessKeyId": "AKIA-ID", "secretAccessKey": "S3CRET-aws" } }),
            vec!["S3CRET-aws"],
            Some(json!({ "accessKeyId": "AKIA-ID" })),
        ),
        (
            "gw-sp",
            json!({ "authType": "ServicePrincipal", "credentials": { "clientId": "app", "clientSecret": "S3CRET-sp", "tenantId": "t" } }),
            vec!["S3CRET-sp"],
            Some(json!({ "clientId": "app", "tenantId": "t" })),
        ),
    ];
    for (name, mut properties, secrets, shown) in cases {
        properties["category"] = json!("ModelGateway");
        properties["target"] = json!(TARGET);
        let item = url(&arm, &project_connections(name));
        let body = json!({ "properties": properties });
        let replies = vec![
            put(&item, &body).await,
            arm_get(&item).await,
            arm_get(&url(&arm, &project_connections(""))).await,
            patch(
                &item,
                &json!({ "properties": { "metadata": { "note": "patched" } } }),
            )
            .await,
            arm_get(&item).await,
        ];
        for reply in &replies {
            assert_eq!(reply.status, 200, "{name}: {}", reply.text());
            for secret in &secrets {
                assert_hidden(reply, secret);
            }
        }
        assert_eq!(
            replies[1].json()["properties"].get("credentials"),
            shown.as_ref(),
            "{name}"
        );
        // The world keeps them, for the Foundry emulator.
        let stored = stored_project_connection(&arm, name).unwrap();
        for secret in &secrets {
            assert!(stored.properties.to_string().contains(secret), "{name}");
        }
    }
}

#[tokio::test]
async fn arm_lists_filter_by_category_and_target() {
    let arm = start().await;
    for (name, category, target) in [
        ("apim-1", "ApiManagement", "https://apim.example/openai"),
        ("mg-1", "ModelGateway", "https://gw.example/v1"),
        ("mg-2", "ModelGateway", "https://other.example/v1"),
        ("aoai-1", "AzureOpenAI", "https://gw.example/v1"),
    ] {
        let reply = put(
            &url(&arm, &project_connections(name)),
            &api_key_body(category, target, "k"),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    let list = |query: &str| {
        let target = url(&arm, &format!("{}?{query}", project_connections("")));
        async move {
            let pages = all_pages(&target).await;
            pages.iter().flat_map(names).collect::<Vec<_>>()
        }
    };
    assert_eq!(list("category=ModelGateway").await, ["mg-1", "mg-2"]);
    assert_eq!(list("category=modelgateway").await, Vec::<String>::new());
    assert_eq!(
        list("target=https%3A%2F%2Fgw.example%2Fv1").await,
        ["mg-1", "aoai-1"]
    );
    assert_eq!(
        list("category=ModelGateway&target=https%3A%2F%2Fgw.example%2Fv1").await,
        ["mg-1"]
    );
    assert_eq!(list("category=OpenAI").await, Vec::<String>::new());
    // includeAll adds datastores, which the emulated world has none of.
    let everything = list("x=1").await;
    assert_eq!(everything, ["apim-1", "mg-1", "mg-2", "aoai-1"]);
    assert_eq!(list("includeAll=true").await, everything);
    assert_eq!(list("includeAll=false").await, everything);
    assert_eq!(list("includeAll=True").await, everything);
    let reply = arm_get(&url(
        &arm,
        &format!("{}?includeAll=yes", project_connections("")),
    ))
    .await;
    let message = assert_error(&reply, 400, "InvalidQueryParameterValue");
    assert!(message.contains("includeAll"), "{message}");
}

#[tokio::test]
async fn arm_lists_page_with_next_links() {
    let arm = start().await;
    for i in 1..=5 {
        let category = if i % 2 == 0 {
            "ApiManagement"
        } else {
            "ModelGateway"
        };
        let reply = put(
            &url(&arm, &project_connections(&format!("gw-{i}"))),
            &api_key_body(category, TARGET, "k"),
        )
        .await;
        assert_eq!(reply.status, 200);
    }
    let first = url(&arm, &project_connections(""));
    let pages = all_pages(&first).await;
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p["value"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [2, 2, 1]);
    let all: Vec<String> = pages.iter().flat_map(names).collect();
    assert_eq!(all, ["gw-1", "gw-2", "gw-3", "gw-4", "gw-5"]);
    let link = pages[0]["nextLink"].as_str().unwrap();
    assert!(link.starts_with(&first), "absolute, same list: {link}");
    assert!(link.contains("$skipToken="), "{link}");
    assert!(pages[2].get("nextLink").is_none());

    // Filters stay on the next link.
    let filtered = url(
        &arm,
        &format!("{}?category=ModelGateway", project_connections("")),
    );
    let pages = all_pages(&filtered).await;
    assert_eq!(pages.len(), 2);
    assert!(
        pages[0]["nextLink"]
            .as_str()
            .unwrap()
            .contains("category=ModelGateway")
    );
    let all: Vec<String> = pages.iter().flat_map(names).collect();
    assert_eq!(all, ["gw-1", "gw-3", "gw-5"]);

    // A made-up token, or one from another list, is refused.
    let link = arm_get(&first).await.json()["nextLink"]
        .as_str()
        .unwrap()
        .to_string();
    let token = link.split("$skipToken=").nth(1).unwrap().to_string();
    for bad in [
        url(
            &arm,
            &format!("{}?$skipToken=garbage", project_connections("")),
        ),
        url(
            &arm,
            &format!("{}?$skipToken={token}", account_connections("")),
        ),
        url(
            &arm,
            &format!(
                "{}?category=ApiManagement&$skipToken={token}",
                project_connections("")
            ),
        ),
    ] {
        assert_error(&arm_get(&bad).await, 400, "InvalidSkipToken");
    }

    // The page size is the emulator's option.
    let roomy = start_with(ArmOptions { page_size: 3 }).await;
    for i in 1..=5 {
        put(
            &url(&roomy, &project_connections(&format!("gw-{i}"))),
            &api_key_body("ModelGateway", TARGET, "k"),
        )
        .await;
    }
    let pages = all_pages(&url(&roomy, &project_connections(""))).await;
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0]["value"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn arm_put_replaces_the_whole_connection() {
    let arm = start().await;
    let item = url(&arm, &project_connections("Gw-Replace"));
    let mut first = api_key_body("ModelGateway", TARGET, "k-1");
    first["properties"]["metadata"] = json!({ "a": "1" });
    let created = put(&item, &first).await.json();

    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut second = api_key_body("ApiManagement", "https://apim.example/openai", "k-2");
    second["properties"]["metadata"] = json!({ "b": "2" });
    let other_case = url(&arm, &project_connections("gw-REPLACE"));
    let replaced = put(&other_case, &second).await;
    assert_eq!(replaced.status, 200);
    let replaced = replaced.json();
    assert_eq!(
        replaced["name"], "Gw-Replace",
        "keeps the name it was created with"
    );
    assert_eq!(replaced["properties"]["metadata"], json!({ "b": "2" }));
    assert_eq!(replaced["properties"]["category"], "ApiManagement");
    assert_eq!(
        replaced["systemData"]["createdAt"],
        created["systemData"]["createdAt"]
    );
    assert!(
        replaced["systemData"]["lastModifiedAt"].as_str().unwrap()
            > created["systemData"]["lastModifiedAt"].as_str().unwrap()
    );
    let list = arm_get(&url(&arm, &project_connections(""))).await.json();
    assert_eq!(names(&list), ["Gw-Replace"]);
    let stored = stored_project_connection(&arm, "gw-replace").unwrap();
    assert_eq!(stored.properties["credentials"]["key"], "k-2");
}

#[tokio::test]
async fn arm_patch_merges_then_revalidates() {
    let arm = start().await;
    let item = url(&arm, &project_connections("gw-patch"));
    let missing = patch(
        &url(&arm, &project_connections("gw-none")),
        &json!({ "properties": {} }),
    )
    .await;
    assert_error(&missing, 404, "NotFound");

    let mut body = api_key_body("ModelGateway", TARGET, "kept-key");
    body["properties"]["metadata"] = json!({ "a": "1", "b": "2", "deploymentInPath": "false" });
    let created = put(&item, &body).await.json();

    std::thread::sleep(std::time::Duration::from_millis(5));
    let reply = patch(
        &item,
        &json!({ "properties": {
            "target": "https://gw2.example/v1",
            "metadata": { "a": null, "b": "two", "c": "3" },
        } }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let patched = reply.json();
    assert_eq!(patched["properties"]["target"], "https://gw2.example/v1");
    assert_eq!(
        patched["properties"]["metadata"],
        json!({ "b": "two", "c": "3", "deploymentInPath": "false" })
    );
    assert_eq!(patched["properties"]["authType"], "ApiKey");
    assert_eq!(patched["properties"]["category"], "ModelGateway");
    assert_eq!(
        patched["systemData"]["createdAt"],
        created["systemData"]["createdAt"]
    );
    assert_ne!(
        patched["systemData"]["lastModifiedAt"],
        created["systemData"]["lastModifiedAt"]
    );
    assert_eq!(arm_get(&item).await.json(), patched);
    let stored = stored_project_connection(&arm, "gw-patch").unwrap();
    assert_eq!(
        stored.properties["credentials"]["key"], "kept-key",
        "no credentials in the patch keeps them"
    );

    // The merged result must still be valid; nothing changes when it is not.
    let before = stored.clone();
    for (change, path) in [
        (
            json!({ "metadata": { "models": [] } }),
            "properties.metadata.models",
        ),
        (
            json!({ "authType": "OAuth2" }),
            "properties.credentials.key",
        ),
        (
            json!({ "credentials": { "key": null } }),
            "properties.credentials.key",
        ),
        (json!({ "authType": null }), "properties.authType"),
        (json!({ "category": "Gateway" }), "properties.category"),
    ] {
        let reply = patch(&item, &json!({ "properties": change })).await;
        let message = assert_error(&reply, 400, "ValidationError");
        assert!(
            message.starts_with(&format!("Invalid value for '{path}'")),
            "{change}: {message}"
        );
        assert_eq!(stored_project_connection(&arm, "gw-patch").unwrap(), before);
    }
    let reply = patch(&item, &json!({ "properties": "nope" })).await;
    assert_error(&reply, 400, "ValidationError");

    // Switching the auth type works when the credentials switch with it.
    let reply = patch(
        &item,
        &json!({ "properties": {
            "authType": "OAuth2",
            "credentials": { "key": null, "clientId": DEMO_CLIENT_ID, "clientSecret": "new-secret" },
        } }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_hidden(&reply, "new-secret");
    assert_eq!(
        reply.json()["properties"]["credentials"],
        json!({ "clientId": DEMO_CLIENT_ID })
    );
    // An empty patch changes nothing but the time.
    let reply = patch(&item, &json!({})).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["properties"]["authType"], "OAuth2");
}
