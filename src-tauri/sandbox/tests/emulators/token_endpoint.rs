//! The OAuth2 client-credentials endpoint, and a gateway that takes its tokens.

use gateway_studio_sandbox::demo::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SCOPE};
use gateway_studio_sandbox::{
    GatewayAuth, GatewayConfig, GatewayStyle, RunningTokenEndpoint, TokenEndpointConfig,
    start_gateway, start_token_endpoint,
};
use serde_json::Value;

use crate::common::{get, post_form};

fn good_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("grant_type", "client_credentials"),
        ("client_id", DEMO_CLIENT_ID),
        ("client_secret", DEMO_CLIENT_SECRET),
        ("scope", DEMO_SCOPE),
    ]
}

fn with(field: &'static str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    good_form()
        .into_iter()
        .map(|(k, v)| (k, if k == field { value } else { v }))
        .collect()
}

fn without(field: &str) -> Vec<(&'static str, &'static str)> {
    good_form()
        .into_iter()
        .filter(|(k, _)| *k != field)
        .collect()
}

async fn fetch_token(endpoint: &RunningTokenEndpoint) -> String {
    let reply = post_form(endpoint.token_url().as_str(), &good_form()).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn client_credentials_get_a_bearer_token() {
    let endpoint = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    assert_eq!(endpoint.token_url().path(), "/oauth2/token");
    assert_eq!(endpoint.tokens_issued(), 0);

    let reply = post_form(endpoint.token_url().as_str(), &good_form()).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "JWT-shaped: {token}");
    assert_eq!(endpoint.tokens_issued(), 1);
    let second = fetch_token(&endpoint).await;
    assert_ne!(second, token);
    assert_eq!(endpoint.tokens_issued(), 2);

    let recorded = &endpoint.requests()[0];
    assert_eq!(recorded.method, "POST");
    assert_eq!(
        recorded.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(
        recorded
            .body_text()
            .contains("grant_type=client_credentials")
    );
}

#[tokio::test]
async fn scopes_are_space_separated_and_compared_as_a_set() {
    let config = TokenEndpointConfig {
        scope: "api://gw/.default offline_access".into(),
        ..TokenEndpointConfig::demo()
    };
    let endpoint = start_token_endpoint(config).await.unwrap();
    let url = endpoint.token_url();
    let reversed = with("scope", "offline_access api://gw/.default");
    assert_eq!(post_form(url.as_str(), &reversed).await.status, 200);
    let partial = with("scope", "api://gw/.default");
    assert_eq!(post_form(url.as_str(), &partial).await.status, 400);
}

#[tokio::test]
async fn refusals_speak_entra() {
    let endpoint = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    let url = endpoint.token_url();
    let cases = [
        (
            with("client_secret", "wrong"),
            401,
            "invalid_client",
            "AADSTS7000215",
        ),
        (
            without("client_secret"),
            401,
            "invalid_client",
            "AADSTS7000218",
        ),
        (
            with("client_id", "someone-else"),
            400,
            "unauthorized_client",
            "AADSTS700016",
        ),
        (without("client_id"), 400, "invalid_request", "AADSTS900144"),
        (
            with("grant_type", "password"),
            400,
            "unsupported_grant_type",
            "AADSTS70003",
        ),
        (
            without("grant_type"),
            400,
            "invalid_request",
            "AADSTS900144",
        ),
        (
            with("scope", "https://other/.default"),
            400,
            "invalid_scope",
            "AADSTS70011",
        ),
        (without("scope"), 400, "invalid_scope", "AADSTS70011"),
    ];
    for (form, status, error, code) in cases {
        let reply = post_form(url.as_str(), &form).await;
        assert_eq!(reply.status, status, "{form:?}");
        let body = reply.json();
        assert_eq!(body["error"], error, "{form:?}");
        let description = body["error_description"].as_str().unwrap();
        assert!(description.starts_with(code), "{description}");
    }
    assert_eq!(endpoint.tokens_issued(), 0);

    let secret = post_form(url.as_str(), &with("client_secret", "wrong")).await;
    assert!(secret.text().contains("Invalid client secret provided"));
}

#[tokio::test]
async fn serves_entra_tenant_path_and_post_only() {
    let endpoint = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    let tenant_url = format!("{}my-tenant/oauth2/v2.0/token", endpoint.base_url());
    assert_eq!(post_form(&tenant_url, &good_form()).await.status, 200);
    let reply = get(endpoint.token_url().as_str(), &[]).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.json()["error"], "invalid_request");
    let reply = post_form(&format!("{}nowhere", endpoint.base_url()), &good_form()).await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn oauth2_gateway_takes_only_live_tokens_of_its_endpoint() {
    let endpoint = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    let other = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    let gateway = start_gateway(GatewayConfig::new(
        GatewayStyle::OpenAi,
        GatewayAuth::oauth2(&endpoint),
    ))
    .await
    .unwrap();
    let models = format!("{}/models", gateway.target());

    let token = fetch_token(&endpoint).await;
    let bearer = format!("Bearer {token}");
    assert_eq!(
        get(&models, &[("Authorization", &bearer)]).await.status,
        200
    );
    // Reusing the token (a cache) needs no new one.
    assert_eq!(
        get(&models, &[("Authorization", &bearer)]).await.status,
        200
    );
    assert_eq!(endpoint.tokens_issued(), 1);

    let foreign = format!("Bearer {}", fetch_token(&other).await);
    let reply = get(&models, &[("Authorization", &foreign)]).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"]["code"], "invalid_api_key");
    assert_eq!(get(&models, &[("Authorization", &token)]).await.status, 401);
    assert_eq!(get(&models, &[]).await.status, 401);

    endpoint.expire_tokens();
    let reply = get(&models, &[("Authorization", &bearer)]).await;
    assert_eq!(reply.status, 401);
    assert!(reply.text().contains("expired"));
    let fresh = format!("Bearer {}", fetch_token(&endpoint).await);
    assert_eq!(get(&models, &[("Authorization", &fresh)]).await.status, 200);
}

#[tokio::test]
async fn zero_lifetime_tokens_are_born_expired() {
    let endpoint = start_token_endpoint(TokenEndpointConfig {
        expires_in: 0,
        ..TokenEndpointConfig::demo()
    })
    .await
    .unwrap();
    let gateway = start_gateway(GatewayConfig::new(
        GatewayStyle::AzureOpenAi,
        GatewayAuth::oauth2(&endpoint),
    ))
    .await
    .unwrap();
    let token = fetch_token(&endpoint).await;
    let reply = get(
        &format!("{}/deployments", gateway.target()),
        &[("Authorization", &format!("Bearer {token}"))],
    )
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json()["message"],
        "Unauthorized. Access token is missing or invalid."
    );
}

#[tokio::test]
async fn token_claims_name_the_client_and_the_audience() {
    let endpoint = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    let token = fetch_token(&endpoint).await;
    let claims = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&decode_base64url(claims)).unwrap();
    assert_eq!(claims["appid"], DEMO_CLIENT_ID);
    assert_eq!(claims["aud"], "api://sandbox-gateway");
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert_eq!(lifetime, 3599);
}

fn decode_base64url(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes() {
        let value = ALPHABET.iter().position(|b| *b == byte).unwrap() as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}
