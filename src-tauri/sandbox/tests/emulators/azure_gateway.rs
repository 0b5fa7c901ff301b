//! Azure OpenAI behind APIM: `/openai/deployments[/{name}[/chat/completions]]?api-version=`.

use gateway_studio_sandbox::demo::{
    DEMO_API_KEY, DEMO_API_VERSION, DEMO_BEARER_TOKEN, DEMO_SUBSCRIPTION_KEY, DEMO_WRONG_API_KEY,
};
use gateway_studio_sandbox::{
    Deployment, GatewayAuth, GatewayConfig, GatewayStyle, RunningGateway, start_gateway,
};
use serde_json::json;

use crate::common::{get, hello, post_json};

const KEY: (&str, &str) = ("api-key", DEMO_API_KEY);

fn versioned(gateway: &RunningGateway, path: &str) -> String {
    format!("{}{path}?api-version={DEMO_API_VERSION}", gateway.target())
}

#[tokio::test]
async fn discovery_answers_in_the_arm_deployment_shape() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    assert_eq!(gateway.target().path(), "/openai");
    let style = gateway.style();
    assert!(style.deployment_in_path());
    assert_eq!(style.deployment_provider(), "AzureOpenAI");

    let list = get(&versioned(&gateway, style.list_models_endpoint()), &[KEY]).await;
    assert_eq!(list.status, 200);
    let list = list.json();
    assert!(list.get("data").is_none());
    let first = &list["value"][0];
    assert_eq!(first["name"], "gpt-4o");
    assert_eq!(first["properties"]["model"]["format"], "OpenAI");
    assert_eq!(first["properties"]["model"]["name"], "gpt-4o");
    assert_eq!(first["properties"]["model"]["version"], "2024-11-20");
    assert_eq!(list["value"].as_array().unwrap().len(), 2);

    let get_path = style
        .get_model_endpoint()
        .replace("{deploymentName}", "gpt-4o-mini");
    let one = get(&versioned(&gateway, &get_path), &[KEY]).await;
    assert_eq!(one.status, 200);
    let one = one.json();
    assert_eq!(one["name"], "gpt-4o-mini");
    assert_eq!(one["properties"]["model"]["version"], "2024-07-18");

    let missing = get(&versioned(&gateway, "/deployments/nope"), &[KEY]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "DeploymentNotFound");
}

#[tokio::test]
async fn chat_takes_the_deployment_from_the_path() {
    let deployments = vec![Deployment {
        name: "prod-chat".into(),
        model_name: "gpt-4.1".into(),
        model_version: "2025-04-14".into(),
        format: "OpenAI".into(),
    }];
    let gateway = start_gateway(GatewayConfig::demo_apim().with_deployments(deployments))
        .await
        .unwrap();
    let reply = post_json(
        &versioned(&gateway, "/deployments/prod-chat/chat/completions"),
        &[KEY],
        &hello("Ping"),
    )
    .await;
    assert_eq!(reply.status, 200);
    let reply = reply.json();
    assert_eq!(reply["model"], "gpt-4.1");
    assert_eq!(
        reply["choices"][0]["message"]["content"],
        "Echo from prod-chat: Ping"
    );
    let recorded = &gateway.requests()[0];
    assert_eq!(
        recorded.path_only(),
        "/openai/deployments/prod-chat/chat/completions"
    );
    assert_eq!(
        recorded.query_param("api-version").as_deref(),
        Some(DEMO_API_VERSION)
    );

    let unknown = post_json(
        &versioned(&gateway, "/deployments/gpt-4o/chat/completions"),
        &[KEY],
        &hello("x"),
    )
    .await;
    assert_eq!(unknown.status, 404);
    let error = &unknown.json()["error"];
    assert_eq!(error["code"], "DeploymentNotFound");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("The API deployment for this resource does not exist")
    );
}

#[tokio::test]
async fn api_version_is_required_like_a_versioned_apim_api() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let target = gateway.target();
    let not_found = json!({ "statusCode": 404, "message": "Resource not found" });
    for url in [
        format!("{target}/deployments"),
        format!("{target}/deployments?api-version=2024-02-01"),
        format!("{target}/deployments/gpt-4o"),
    ] {
        let reply = get(&url, &[KEY]).await;
        assert_eq!(reply.status, 404, "{url}");
        assert_eq!(reply.json(), not_found);
    }
    let reply = post_json(
        &format!("{target}/deployments/gpt-4o/chat/completions"),
        &[KEY],
        &hello("x"),
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json(), not_found);
}

#[tokio::test]
async fn wrong_paths_are_resource_not_found() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let base = gateway.base_url();
    let not_found = json!({ "statusCode": 404, "message": "Resource not found" });
    // deploymentInPath "false" against an Azure OpenAI gateway, and a target without /openai.
    for url in [
        format!("{base}openai/chat/completions?api-version={DEMO_API_VERSION}"),
        format!("{base}deployments/gpt-4o/chat/completions?api-version={DEMO_API_VERSION}"),
    ] {
        let reply = post_json(&url, &[KEY], &hello("x")).await;
        assert_eq!(reply.status, 404, "{url}");
        assert_eq!(reply.json(), not_found);
    }
}

#[tokio::test]
async fn every_route_demands_the_key_in_apim_words() {
    let gateway = start_gateway(GatewayConfig::demo_apim()).await.unwrap();
    let missing = json!({
        "statusCode": 401,
        "message": "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."
    });
    let invalid = json!({
        "statusCode": 401,
        "message": "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."
    });
    let wrong = [("api-key", DEMO_WRONG_API_KEY)];
    let chat = versioned(&gateway, "/deployments/gpt-4o/chat/completions");
    for (headers, expected) in [(&[][..], &missing), (&wrong[..], &invalid)] {
        for reply in [
            get(&versioned(&gateway, "/deployments"), headers).await,
            get(&versioned(&gateway, "/deployments/gpt-4o"), headers).await,
            post_json(&chat, headers, &hello("x")).await,
        ] {
            assert_eq!(reply.status, 401);
            assert_eq!(&reply.json(), expected);
        }
    }
    // The key in another header (e.g. authConfig not set up) is a missing key.
    let elsewhere = get(
        &versioned(&gateway, "/deployments"),
        &[("Authorization", DEMO_API_KEY)],
    )
    .await;
    assert_eq!(elsewhere.json(), missing);
}

#[tokio::test]
async fn subscription_required_wants_ocp_apim_subscription_key_before_the_token() {
    let config = GatewayConfig::new(
        GatewayStyle::AzureOpenAi,
        GatewayAuth::Bearer {
            token: DEMO_BEARER_TOKEN.into(),
        },
    )
    .with_required_subscription_key(DEMO_SUBSCRIPTION_KEY);
    let gateway = start_gateway(config).await.unwrap();
    let url = format!("{}/deployments", gateway.target());
    let bearer = format!("Bearer {DEMO_BEARER_TOKEN}");

    let reply = get(&url, &[("Authorization", &bearer)]).await;
    assert_eq!(reply.status, 401);
    assert!(reply.text().contains("missing subscription key"));

    let reply = get(
        &url,
        &[
            ("Authorization", &bearer),
            ("Ocp-Apim-Subscription-Key", "nope"),
        ],
    )
    .await;
    assert_eq!(reply.status, 401);
    assert!(reply.text().contains("invalid subscription key"));

    let reply = get(
        &url,
        &[
            ("Authorization", &bearer),
            ("Ocp-Apim-Subscription-Key", DEMO_SUBSCRIPTION_KEY),
        ],
    )
    .await;
    assert_eq!(reply.status, 200);

    let in_query = format!("{url}?subscription-key={DEMO_SUBSCRIPTION_KEY}");
    assert_eq!(
        get(&in_query, &[("Authorization", &bearer)]).await.status,
        200
    );

    let reply = get(
        &url,
        &[("Ocp-Apim-Subscription-Key", DEMO_SUBSCRIPTION_KEY)],
    )
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json(),
        json!({ "statusCode": 401, "message": "Unauthorized. Access token is missing or invalid." })
    );
}

#[tokio::test]
async fn static_bearer_token_stands_in_for_entra() {
    let gateway = start_gateway(GatewayConfig::new(
        GatewayStyle::AzureOpenAi,
        GatewayAuth::Bearer {
            token: DEMO_BEARER_TOKEN.into(),
        },
    ))
    .await
    .unwrap();
    let url = format!("{}/deployments/gpt-4o/chat/completions", gateway.target());
    let good = format!("Bearer {DEMO_BEARER_TOKEN}");
    let lower = format!("bearer {DEMO_BEARER_TOKEN}");
    assert_eq!(
        post_json(&url, &[("Authorization", &good)], &hello("x"))
            .await
            .status,
        200
    );
    assert_eq!(
        post_json(&url, &[("Authorization", &lower)], &hello("x"))
            .await
            .status,
        200
    );

    let missing = post_json(&url, &[], &hello("x")).await;
    assert_eq!(missing.status, 401);
    assert_eq!(missing.header("www-authenticate"), Some("Bearer"));
    let wrong = post_json(&url, &[("Authorization", "Bearer other")], &hello("x")).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(
        wrong.header("www-authenticate"),
        Some("Bearer error=\"invalid_token\"")
    );
    // An API key where a token is expected.
    let key = post_json(&url, &[("api-key", DEMO_BEARER_TOKEN)], &hello("x")).await;
    assert_eq!(key.status, 401);
}
