//! Each fault knob, its scoping and its counting.

use std::time::{Duration, Instant};

use gateway_studio_sandbox::demo::{DEMO_API_KEY, DEMO_API_VERSION};
use gateway_studio_sandbox::{
    Fault, GatewayConfig, Route, RunningGateway, Times, TokenEndpointConfig, start_gateway,
    start_token_endpoint,
};
use serde_json::{Value, json};

use crate::common::{Reply, get, hello, post_form, post_json};

const BEARER: &str = "Bearer sandbox-key-7d3f0c2a9b6e4f18";

async fn apim() -> RunningGateway {
    start_gateway(GatewayConfig::demo_apim()).await.unwrap()
}

async fn openai() -> RunningGateway {
    start_gateway(GatewayConfig::demo_openai()).await.unwrap()
}

async fn apim_list(gateway: &RunningGateway) -> Reply {
    let url = format!(
        "{}/deployments?api-version={DEMO_API_VERSION}",
        gateway.target()
    );
    get(&url, &[("api-key", DEMO_API_KEY)]).await
}

async fn apim_get(gateway: &RunningGateway) -> Reply {
    let url = format!(
        "{}/deployments/gpt-4o?api-version={DEMO_API_VERSION}",
        gateway.target()
    );
    get(&url, &[("api-key", DEMO_API_KEY)]).await
}

async fn apim_chat(gateway: &RunningGateway, body: &Value) -> Reply {
    let url = format!(
        "{}/deployments/gpt-4o/chat/completions?api-version={DEMO_API_VERSION}",
        gateway.target()
    );
    post_json(&url, &[("api-key", DEMO_API_KEY)], body).await
}

async fn openai_list(gateway: &RunningGateway) -> Reply {
    get(
        &format!("{}/models", gateway.target()),
        &[("Authorization", BEARER)],
    )
    .await
}

#[tokio::test]
async fn status_for_the_next_request_only() {
    let gateway = apim().await;
    gateway
        .faults()
        .next(1)
        .status(418, "<teapot/>", "application/xml");
    let reply = apim_list(&gateway).await;
    assert_eq!(reply.status, 418);
    assert_eq!(reply.text(), "<teapot/>");
    assert_eq!(reply.header("content-type"), Some("application/xml"));
    assert!(gateway.faults().is_clear());
    assert_eq!(apim_list(&gateway).await.status, 200);
}

#[tokio::test]
async fn rate_limit_sends_retry_after_in_each_style() {
    let gateway = apim().await;
    gateway.faults().rate_limit(7);
    let reply = apim_chat(&gateway, &hello("x")).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), Some("7"));
    assert_eq!(
        reply.json(),
        json!({ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds." })
    );
    // Always, until cleared; and in front of the auth check.
    let no_key = get(&format!("{}/deployments", gateway.target()), &[]).await;
    assert_eq!(no_key.status, 429);
    gateway.faults().clear();
    assert_eq!(apim_chat(&gateway, &hello("x")).await.status, 200);

    let gateway = openai().await;
    gateway.faults().next(2).rate_limit(1);
    let reply = openai_list(&gateway).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(reply.json()["error"]["code"], "rate_limit_exceeded");
    assert_eq!(openai_list(&gateway).await.status, 429);
    assert_eq!(openai_list(&gateway).await.status, 200);
}

#[tokio::test]
async fn server_errors_carry_their_status() {
    let gateway = openai().await;
    for status in [500, 502, 503] {
        gateway.faults().next(1).server_error(status);
        let reply = openai_list(&gateway).await;
        assert_eq!(reply.status, status);
        assert_eq!(reply.json()["error"]["type"], "server_error");
    }
    let gateway = apim().await;
    gateway.faults().next(1).server_error(503);
    let reply = apim_list(&gateway).await;
    assert_eq!(
        reply.json(),
        json!({ "statusCode": 503, "message": "Service Unavailable" })
    );
}

#[tokio::test]
async fn delay_holds_back_the_headers() {
    let gateway = apim().await;
    let delay = Duration::from_millis(150);
    gateway.faults().next(1).delay(delay);
    let started = Instant::now();
    let response = crate::common::client()
        .get(format!(
            "{}/deployments?api-version={DEMO_API_VERSION}",
            gateway.target()
        ))
        .header("api-key", DEMO_API_KEY)
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= delay);
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn trickle_sends_the_same_body_slowly() {
    let gateway = apim().await;
    let whole = apim_list(&gateway).await.body;
    let tick = Duration::from_millis(10);
    let per_tick = whole.len().div_ceil(5);
    gateway.faults().trickle(per_tick, tick);
    let started = Instant::now();
    let reply = apim_list(&gateway).await;
    assert!(started.elapsed() >= tick * 4);
    assert_eq!(reply.body, whole);
    assert_eq!(
        reply.header("content-length"),
        Some(whole.len().to_string().as_str())
    );
}

#[tokio::test]
async fn non_json_body_is_an_html_login_page() {
    let gateway = apim().await;
    gateway.faults().non_json_body();
    let reply = apim_chat(&gateway, &hello("x")).await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(reply.text().contains("<html>"));
    assert!(serde_json::from_slice::<Value>(&reply.body).is_err());
}

#[tokio::test]
async fn wrong_shape_swaps_discovery_shapes_and_drops_choices() {
    let gateway = apim().await;
    gateway.faults().wrong_shape();
    let list = apim_list(&gateway).await.json();
    assert!(list.get("value").is_none());
    assert_eq!(list["data"][0]["id"], "gpt-4o");
    let one = apim_get(&gateway).await.json();
    assert_eq!(one["object"], "model");
    assert!(one.get("properties").is_none());
    let reply = apim_chat(&gateway, &hello("x")).await;
    assert_eq!(reply.status, 200);
    let reply = reply.json();
    assert_eq!(reply["object"], "chat.completion");
    assert!(reply.get("choices").is_none());

    let gateway = openai().await;
    gateway.faults().wrong_shape();
    let list = openai_list(&gateway).await.json();
    assert!(list.get("data").is_none());
    assert_eq!(list["value"][0]["name"], "gpt-4o");

    let endpoint = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    endpoint.faults().wrong_shape();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", gateway_studio_sandbox::demo::DEMO_CLIENT_ID),
        (
            "client_secret",
            gateway_studio_sandbox::demo::DEMO_CLIENT_SECRET,
        ),
        ("scope", gateway_studio_sandbox::demo::DEMO_SCOPE),
    ];
    let reply = post_form(endpoint.token_url().as_str(), &form).await;
    assert_eq!(reply.status, 200);
    assert!(reply.json().get("access_token").is_none());
}

#[tokio::test]
async fn redirect_points_elsewhere() {
    let gateway = apim().await;
    gateway
        .faults()
        .redirect("https://login.example.com/portal", 302);
    let reply = apim_chat(&gateway, &hello("x")).await;
    assert_eq!(reply.status, 302);
    assert_eq!(
        reply.header("location"),
        Some("https://login.example.com/portal")
    );
}

#[tokio::test]
async fn huge_body_is_valid_json_of_the_asked_size() {
    let gateway = openai().await;
    let size = 3 * 1024 * 1024 + 17;
    gateway.faults().next(1).huge_body(size);
    let reply = openai_list(&gateway).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-length"),
        Some(size.to_string().as_str())
    );
    assert_eq!(reply.body.len(), size);
    assert_eq!(reply.json()["object"], "padding");
}

#[tokio::test]
async fn drop_tools_answers_plain_text() {
    let gateway = apim().await;
    gateway.faults().drop_tools();
    let mut request = hello("Weather?");
    request["tools"] = json!([{ "type": "function", "function": { "name": "get_weather", "parameters": { "type": "object", "properties": {} } } }]);
    let reply = apim_chat(&gateway, &request).await.json();
    assert_eq!(reply["choices"][0]["finish_reason"], "stop");
    assert!(reply["choices"][0]["message"].get("tool_calls").is_none());
    assert_eq!(
        reply["choices"][0]["message"]["content"],
        "Echo from gpt-4o: Weather?"
    );
}

#[tokio::test]
async fn no_stream_answers_json_to_a_stream_request() {
    let gateway = apim().await;
    gateway.faults().no_stream();
    let mut request = hello("x");
    request["stream"] = json!(true);
    let reply = apim_chat(&gateway, &request).await;
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(reply.json()["object"], "chat.completion");
}

#[tokio::test]
async fn faults_scoped_to_a_route_leave_the_others_alone() {
    let gateway = apim().await;
    gateway.faults().on(Route::Chat).server_error(502);
    assert_eq!(apim_list(&gateway).await.status, 200);
    assert_eq!(apim_chat(&gateway, &hello("x")).await.status, 502);
    gateway.faults().clear();

    gateway.faults().on(Route::Discovery).next(1).rate_limit(3);
    assert_eq!(apim_chat(&gateway, &hello("x")).await.status, 200);
    assert_eq!(apim_get(&gateway).await.status, 429);
    assert_eq!(apim_list(&gateway).await.status, 200);

    // Chat-only faults are not used up by discovery, even when scoped to Any.
    gateway.faults().next(1).drop_tools();
    assert_eq!(apim_list(&gateway).await.status, 200);
    assert!(!gateway.faults().is_clear());

    // Wrong paths are Route::Other.
    gateway.faults().clear();
    gateway.faults().on(Route::Other).server_error(500);
    assert_eq!(apim_list(&gateway).await.status, 200);
    let wrong = get(&format!("{}nowhere", gateway.base_url()), &[]).await;
    assert_eq!(wrong.status, 500);
}

#[tokio::test]
async fn only_one_answer_fault_acts_and_only_it_is_used_up() {
    let gateway = apim().await;
    let faults = gateway.faults();
    faults.arm(
        Fault::ServerError { status: 503 },
        Route::Any,
        Times::Next(1),
    );
    faults.arm(
        Fault::RateLimit {
            retry_after_secs: 2,
        },
        Route::Any,
        Times::Next(1),
    );
    assert_eq!(apim_list(&gateway).await.status, 503);
    assert_eq!(apim_list(&gateway).await.status, 429);
    assert_eq!(apim_list(&gateway).await.status, 200);
    faults.arm(Fault::NoStream, Route::Chat, Times::Next(0));
    assert!(faults.is_clear());
}

#[tokio::test]
async fn token_endpoint_faults_speak_entra() {
    let endpoint = start_token_endpoint(TokenEndpointConfig::demo())
        .await
        .unwrap();
    endpoint.faults().on(Route::Token).next(1).server_error(503);
    let reply = post_form(
        endpoint.token_url().as_str(),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.json()["error"], "temporarily_unavailable");
    endpoint.faults().next(1).rate_limit(4);
    let reply = post_form(endpoint.token_url().as_str(), &[]).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), Some("4"));
    assert_eq!(endpoint.requests().len(), 2);
}

#[tokio::test]
async fn faulted_requests_are_recorded_too() {
    let gateway = apim().await;
    gateway.faults().server_error(500);
    apim_chat(&gateway, &hello("recorded")).await;
    let recorded = gateway.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0].body_json().unwrap()["messages"][0]["content"],
        "recorded"
    );
}
