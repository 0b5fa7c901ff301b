//! The failure explanations: each gateway answer maps to the setting that causes it.
//! (End-to-end runs against the sandbox gateways live in tests/integration/checks.rs.)

use super::explain::{Call, auth_hint, item_shape, json_body, judge_status, list_shape};
use super::*;
use crate::connection::{AuthConfig, Connection, ConnectionAuth, ConnectionCategory};
use crate::net::{Redirect, Response};
use crate::trace::Redactor;

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        received_bytes: body.len() as u64,
        declared_length: None,
        truncated: false,
        redirects: vec![],
        blocked_redirect: None,
        sse_events: vec![],
    }
}

fn apim() -> Connection {
    let mut c = Connection::new(
        "my-apim",
        ConnectionCategory::ApiManagement,
        "https://contoso.azure-api.net/openai",
        ConnectionAuth::api_key(),
    );
    c.metadata.deployment_in_path = Some(true);
    c.metadata.inference_api_version = Some("2025-03-01-preview".into());
    c
}

fn judge(c: &Connection, call: Call<'_>, r: &Response) -> (CheckStatus, String, String) {
    let v = judge_status(c, call, "https://contoso.azure-api.net/openai/deployments/gpt-4o/chat/completions?api-version=2025-03-01-preview", r, &Redactor::new()).expect("a verdict");
    (v.status, v.message, v.hint.unwrap_or_default())
}

#[test]
fn unauthorised_names_header_and_format() {
    let mut c = apim();
    let (status, message, hint) = judge(
        &c,
        Call::Chat {
            deployment: "gpt-4o",
        },
        &response(
            401,
            &[],
            r#"{"statusCode":401,"message":"Access denied due to missing subscription key."}"#,
        ),
    );
    assert_eq!(status, CheckStatus::Fail);
    assert!(message.contains("401") && message.contains("missing subscription key"));
    assert!(
        hint.contains("`api-key: {api_key}`") && hint.contains("Ocp-Apim-Subscription-Key"),
        "{hint}"
    );

    c.metadata.auth_config = Some(AuthConfig::api_key("Authorization", "Bearer {api_key}"));
    let (_, _, hint) = judge(
        &c,
        Call::Chat {
            deployment: "gpt-4o",
        },
        &response(403, &[], "{}"),
    );
    assert!(
        hint.contains("`Authorization: Bearer {api_key}` (`authConfig`)"),
        "{hint}"
    );

    c.auth = ConnectionAuth::project_managed_identity();
    let (_, _, hint) = judge(
        &c,
        Call::Chat {
            deployment: "gpt-4o",
        },
        &response(401, &[], "{}"),
    );
    assert!(
        hint.contains("https://cognitiveservices.azure.com")
            && hint.contains("Subscription required"),
        "{hint}"
    );
    assert!(auth_hint(&c, "").contains("stand-in"));
}

#[test]
fn not_found_on_chat_points_at_the_url_settings_or_the_deployment() {
    let c = apim();
    let (_, message, hint) = judge(
        &c,
        Call::Chat {
            deployment: "gpt-4o",
        },
        &response(
            404,
            &[],
            r#"{"statusCode":404,"message":"Resource not found"}"#,
        ),
    );
    assert!(message.contains("not found at this URL"));
    assert!(
        hint.contains("`deploymentInPath` is true")
            && hint.contains("inferenceAPIVersion")
            && hint.contains("`target`"),
        "{hint}"
    );

    let (_, message, hint) = judge(
        &c,
        Call::Chat {
            deployment: "gpt-4o",
        },
        &response(
            404,
            &[],
            r#"{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}"#,
        ),
    );
    assert!(message.contains("does not know deployment `gpt-4o`"));
    assert!(hint.contains("`my-apim/gpt-4o`"), "{hint}");

    let mut mg = c.clone();
    mg.metadata.deployment_in_path = Some(false);
    mg.metadata.inference_api_version = None;
    let (_, _, hint) = judge(
        &mg,
        Call::Chat {
            deployment: "gpt-4o",
        },
        &response(404, &[], "Not Found"),
    );
    assert!(
        hint.contains("`deploymentInPath` is false") && hint.contains("no api-version is sent"),
        "{hint}"
    );
}

#[test]
fn bad_request_for_an_unknown_model_and_rate_limits_and_server_errors() {
    let c = apim();
    let (status, _, hint) = judge(
        &c,
        Call::Chat {
            deployment: "gpt-9",
        },
        &response(
            400,
            &[],
            r#"{"error":{"message":"The model `gpt-9` does not exist","code":"model_not_found"}}"#,
        ),
    );
    assert_eq!(status, CheckStatus::Fail);
    assert!(hint.contains("`my-apim/gpt-9`"));

    let (status, message, _) = judge(
        &c,
        Call::Chat {
            deployment: "gpt-4o",
        },
        &response(
            429,
            &[("retry-after", "17")],
            r#"{"error":{"message":"Rate limit"}}"#,
        ),
    );
    assert_eq!(status, CheckStatus::Warn);
    assert!(message.contains("Retry-After: 17 s"), "{message}");

    let (status, message, _) = judge(
        &c,
        Call::Chat {
            deployment: "gpt-4o",
        },
        &response(502, &[("apim-request-id", "abc-1")], "Bad gateway"),
    );
    assert_eq!(status, CheckStatus::Fail);
    assert!(
        message.contains("502") && message.contains("apim-request-id: abc-1"),
        "{message}"
    );
}

#[test]
fn redirects_to_another_origin_are_explained() {
    let c = apim();
    let mut r = response(302, &[("location", "https://login.example.com/")], "");
    r.blocked_redirect = Some(Redirect {
        status: 302,
        from: url::Url::parse("https://contoso.azure-api.net/openai").unwrap(),
        to: url::Url::parse("https://login.example.com/").unwrap(),
    });
    let (status, message, hint) = judge(&c, Call::DiscoveryList, &r);
    assert_eq!(status, CheckStatus::Fail);
    assert!(message.contains("https://login.example.com/") && message.contains("not followed"));
    assert!(hint.contains("`target`"));
}

#[test]
fn bodies_that_are_not_json_or_too_big_are_named() {
    let html = response(
        200,
        &[("content-type", "text/html")],
        "<html><body>Sign in</body></html>",
    );
    let v = json_body(&html, "chat completion").unwrap_err();
    assert!(v.message.contains("not JSON (text/html)"));
    assert!(v.hint.unwrap().contains("web page"));

    let mut big = response(200, &[], "{");
    big.truncated = true;
    big.received_bytes = 10 * 1024 * 1024 + 1;
    assert!(
        json_body(&big, "model list")
            .unwrap_err()
            .message
            .contains("cap")
    );
}

#[test]
fn discovery_shapes() {
    use serde_json::json;
    assert_eq!(list_shape(&json!({"value": []})), Some("AzureOpenAI"));
    assert_eq!(
        list_shape(&json!({"data": [], "object": "list"})),
        Some("OpenAI")
    );
    assert_eq!(list_shape(&json!({"models": []})), None);
    assert_eq!(
        item_shape(&json!({"name": "a", "properties": {"model": {}}})),
        Some("AzureOpenAI")
    );
    assert_eq!(
        item_shape(&json!({"id": "gpt-4o", "object": "model"})),
        Some("OpenAI")
    );
}

#[test]
fn check_ids_and_outcomes_are_stable() {
    let wire: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        wire,
        [
            "config",
            "reachability",
            "auth-token",
            "discovery-list",
            "discovery-get",
            "models",
            "chat",
            "tools",
            "stream"
        ]
    );
    for id in CheckId::ALL {
        assert_eq!(CheckId::parse(id.as_str()), Some(*id));
        assert_eq!(serde_json::to_value(id).unwrap(), id.as_str());
    }
    let pass = CheckResult::new(CheckId::Chat, CheckStatus::Pass, "");
    let warn = CheckResult::new(CheckId::Chat, CheckStatus::Warn, "");
    let fail = CheckResult::new(CheckId::Chat, CheckStatus::Fail, "");
    assert_eq!(
        RunOutcome::of(std::slice::from_ref(&pass), false),
        RunOutcome::Passed
    );
    assert_eq!(
        RunOutcome::of(&[pass.clone(), warn.clone()], false),
        RunOutcome::Warned
    );
    assert_eq!(RunOutcome::of(&[warn, fail], false), RunOutcome::Failed);
    assert_eq!(RunOutcome::of(&[pass], true), RunOutcome::Cancelled);
}

#[test]
fn discovered_models_become_static_rows() {
    let m = DiscoveredModel {
        deployment_name: "gpt-4o".into(),
        model_name: None,
        model_version: None,
        format: None,
    };
    let row = m.to_model_info();
    assert_eq!(row.deployment_name.as_deref(), Some("gpt-4o"));
    assert_eq!(row.model_name.as_deref(), Some("gpt-4o"));
    assert_eq!(row.format.unwrap().as_wire(), "OpenAI");
}
