//! The request builder against byo-gateway.md §4: URL mapping examples, every auth header
//! shape, custom headers, discovery URLs.

use serde_json::{Map, Value, json};

use super::*;
use crate::connection::{AuthConfig, ConnectionAuth, DiscoveryProvider, ModelDiscovery};

fn connection(
    category: ConnectionCategory,
    target: &str,
    in_path: Option<bool>,
    version: Option<&str>,
) -> Connection {
    let mut c = Connection::new("gw", category, target, ConnectionAuth::api_key());
    c.metadata.deployment_in_path = in_path;
    c.metadata.inference_api_version = version.map(str::to_string);
    c
}

fn key() -> Credential {
    Credential::ApiKey(Sensitive::new("k-123".into()))
}

fn header<'a>(request: &'a GatewayRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.expose())
}

#[test]
fn inference_urls_follow_the_reference_mapping_examples() {
    use ConnectionCategory::*;
    let cases = [
        // §4.1 mapping examples and samples.
        (
            ModelGateway,
            "https://gateway.corp.com",
            Some(true),
            None,
            "gpt-4",
            "https://gateway.corp.com/deployments/gpt-4/chat/completions",
        ),
        (
            ModelGateway,
            "https://api-gateway.example.org/api/v1/custom",
            Some(false),
            Some(""),
            "gpt-4",
            "https://api-gateway.example.org/api/v1/custom/chat/completions",
        ),
        (
            ApiManagement,
            "https://res.openai.azure.com/openai",
            Some(true),
            Some("2025-03-01-preview"),
            "gpt-4o",
            "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2025-03-01-preview",
        ),
        (
            ModelGateway,
            "https://res.services.ai.azure.com/models",
            Some(false),
            Some(""),
            "DeepSeek-R1",
            "https://res.services.ai.azure.com/models/chat/completions",
        ),
        // Trailing slash on target is dropped (Gemini's sample target ends with `/`).
        (
            ModelGateway,
            "https://generativelanguage.googleapis.com/v1beta/openai/",
            Some(false),
            Some(""),
            "gemini-2.0-flash",
            "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
        ),
        // Missing deploymentInPath: the category's template default (§10.5).
        (
            ApiManagement,
            "https://contoso.azure-api.net/openai",
            None,
            Some("2024-10-21"),
            "gpt-4o",
            "https://contoso.azure-api.net/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        ),
        (
            ModelGateway,
            "https://llm-gw.contoso.com/v1",
            None,
            None,
            "gpt-4o",
            "https://llm-gw.contoso.com/v1/chat/completions",
        ),
        // A deployment name is one path segment.
        (
            ModelGateway,
            "https://gw.example.com",
            Some(true),
            None,
            "team a/gpt?4",
            "https://gw.example.com/deployments/team%20a%2Fgpt%3F4/chat/completions",
        ),
    ];
    for (category, target, in_path, version, deployment, expected) in cases {
        let c = connection(category, target, in_path, version);
        assert_eq!(
            chat_completions_url(&c, deployment).unwrap().as_str(),
            expected,
            "{target} in_path={in_path:?}"
        );
    }
}

#[test]
fn the_body_carries_model_only_when_the_deployment_is_not_in_the_path() {
    let body: Map<String, Value> =
        json!({"messages": [{"role": "user", "content": "hi"}], "model": "stale"})
            .as_object()
            .unwrap()
            .clone();
    let in_body = connection(
        ConnectionCategory::ModelGateway,
        "https://gw.example.com",
        Some(false),
        None,
    );
    let r = chat_completions_request(&in_body, "gpt-4o", &key(), body.clone()).unwrap();
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.body.as_ref().unwrap()["model"], "gpt-4o");
    assert_eq!(header(&r, "content-type"), Some("application/json"));

    let in_path = connection(
        ConnectionCategory::ApiManagement,
        "https://gw.example.com",
        Some(true),
        None,
    );
    let r = chat_completions_request(&in_path, "gpt-4o", &key(), body).unwrap();
    assert!(r.body.as_ref().unwrap().get("model").is_none());
    assert_eq!(r.body.as_ref().unwrap()["messages"][0]["content"], "hi");
}

#[test]
fn every_auth_header_shape() {
    let base = connection(
        ConnectionCategory::ModelGateway,
        "https://gw.example.com",
        Some(false),
        None,
    );

    // Default: `api-key: <key>`.
    let h = auth_header(&base, &key()).unwrap();
    assert_eq!((h.name.as_str(), h.value.expose()), ("api-key", "k-123"));
    assert!(h.value.is_secret());

    // authConfig: name and format.
    let mut bearer = base.clone();
    bearer.metadata.auth_config = Some(AuthConfig::api_key("Authorization", "Bearer {api_key}"));
    let h = auth_header(&bearer, &key()).unwrap();
    assert_eq!(
        (h.name.as_str(), h.value.expose()),
        ("Authorization", "Bearer k-123")
    );

    // Portal style.
    let mut portal = base.clone();
    portal.metadata.auth_header_name = Some("x-api-key".into());
    portal.metadata.auth_header_format = Some("{api_key}".into());
    let h = auth_header(&portal, &key()).unwrap();
    assert_eq!((h.name.as_str(), h.value.expose()), ("x-api-key", "k-123"));

    // Both set: authConfig wins (§10.1).
    let mut both = portal.clone();
    both.metadata.auth_config = Some(AuthConfig::api_key(
        "Ocp-Apim-Subscription-Key",
        "{api_key}",
    ));
    assert_eq!(
        auth_header(&both, &key()).unwrap().name,
        "Ocp-Apim-Subscription-Key"
    );

    // OAuth2 and managed identity: a bearer token.
    let token = Credential::BearerToken(Sensitive::new("eyJ.token".into()));
    for auth in [
        ConnectionAuth::project_managed_identity(),
        ConnectionAuth::OAuth2 {
            client_id: "00000000-0000-0000-0000-000000000000".into(),
            client_secret: None,
            token_url: "https://login.example.com/token".into(),
            scopes: vec!["api://gw/.default".into()],
        },
    ] {
        let mut c = base.clone();
        c.auth = auth;
        let h = auth_header(&c, &token).unwrap();
        assert_eq!(
            (h.name.as_str(), h.value.expose()),
            ("Authorization", "Bearer eyJ.token")
        );
        assert!(matches!(
            auth_header(&c, &key()),
            Err(BuildError::CredentialMismatch { .. })
        ));
    }
    assert!(matches!(
        auth_header(&base, &token),
        Err(BuildError::CredentialMismatch { .. })
    ));
}

#[test]
fn secrets_never_show_in_debug_output() {
    let mut c = connection(
        ConnectionCategory::ModelGateway,
        "https://gw.example.com",
        Some(false),
        None,
    );
    c.metadata.auth_config = Some(AuthConfig::api_key("Authorization", "Bearer {api_key}"));
    let r = chat_completions_request(&c, "m", &key(), Map::new()).unwrap();
    let printed = format!("{r:?}");
    assert!(!printed.contains("k-123"), "{printed}");
    assert!(printed.contains("<redacted>"));
}

#[test]
fn custom_headers_go_on_every_call() {
    let mut c = connection(
        ConnectionCategory::ModelGateway,
        "https://gw.example.com",
        Some(false),
        None,
    );
    c.metadata
        .custom_headers
        .insert("X-Client-App".into(), "foundry-agents".into());
    c.metadata.model_discovery = Some(ModelDiscovery::new(
        "/models",
        "/models/{deploymentName}",
        DiscoveryProvider::OpenAi,
    ));
    let chat = chat_completions_request(&c, "m", &key(), Map::new()).unwrap();
    let list = discovery_list_request(&c, &key()).unwrap();
    let get = discovery_get_request(&c, "m", &key()).unwrap();
    for r in [&chat, &list, &get] {
        assert_eq!(
            header(r, "X-Client-App"),
            Some("foundry-agents"),
            "{}",
            r.url
        );
        assert_eq!(header(r, "api-key"), Some("k-123"));
    }
    assert_eq!(list.method, Method::Get);
    assert!(list.body.is_none());
}

type DiscoveryCase = (
    ConnectionCategory,
    &'static str,
    Option<(&'static str, &'static str)>,
    Option<&'static str>,
    &'static str,
    &'static str,
);

#[test]
fn discovery_urls() {
    use ConnectionCategory::*;
    // (category, target, (list, get) endpoints, deploymentAPIVersion, list URL, get URL)
    let cases: [DiscoveryCase; 6] = [
        // APIM defaults (§4.3) with deploymentAPIVersion.
        (
            ApiManagement,
            "https://contoso.azure-api.net/openai",
            None,
            Some("2023-05-01"),
            "https://contoso.azure-api.net/openai/deployments?api-version=2023-05-01",
            "https://contoso.azure-api.net/openai/deployments/gpt-4o?api-version=2023-05-01",
        ),
        // OpenAI sample: relative path without a leading slash.
        (
            ModelGateway,
            "https://api.openai.com",
            Some(("v1/models", "v1/models/{deploymentName}")),
            None,
            "https://api.openai.com/v1/models",
            "https://api.openai.com/v1/models/gpt-4o",
        ),
        (
            ModelGateway,
            "https://llm-gw.contoso.com/v1/",
            Some(("/models", "/models/{deploymentName}")),
            Some(""),
            "https://llm-gw.contoso.com/v1/models",
            "https://llm-gw.contoso.com/v1/models/gpt-4o",
        ),
        // Absolute endpoints on the same origin; their own api-version wins.
        (
            ModelGateway,
            "https://res.services.ai.azure.com/models",
            Some((
                "https://res.services.ai.azure.com/openai/deployments?api-version=2022-12-01",
                "https://res.services.ai.azure.com/openai/deployments/{deploymentName}?api-version=2022-12-01",
            )),
            Some("2024-01-01"),
            "https://res.services.ai.azure.com/openai/deployments?api-version=2022-12-01",
            "https://res.services.ai.azure.com/openai/deployments/gpt-4o?api-version=2022-12-01",
        ),
        // A relative endpoint with its own query keeps it and gains the api-version.
        (
            ModelGateway,
            "https://gw.example.com",
            Some(("/models?tier=all", "/models/{deploymentName}")),
            Some("v1"),
            "https://gw.example.com/models?tier=all&api-version=v1",
            "https://gw.example.com/models/gpt-4o?api-version=v1",
        ),
        (
            ModelGateway,
            "https://gw.example.com/base",
            Some(("/m", "/m/{deploymentName}/info")),
            None,
            "https://gw.example.com/base/m",
            "https://gw.example.com/base/m/gpt-4o/info",
        ),
    ];
    for (category, target, endpoints, version, list, get) in cases {
        let mut c = connection(category, target, Some(true), None);
        c.metadata.deployment_api_version = version.map(str::to_string);
        c.metadata.model_discovery =
            endpoints.map(|(l, g)| ModelDiscovery::new(l, g, DiscoveryProvider::AzureOpenAi));
        assert_eq!(
            discovery_list_request(&c, &key()).unwrap().url.as_str(),
            list,
            "{target}"
        );
        assert_eq!(
            discovery_get_request(&c, "gpt-4o", &key())
                .unwrap()
                .url
                .as_str(),
            get,
            "{target}"
        );
    }
}

#[test]
fn unusable_inputs_are_named() {
    let c = connection(
        ConnectionCategory::ModelGateway,
        "not a url",
        Some(false),
        None,
    );
    let err = chat_completions_url(&c, "m").unwrap_err();
    assert!(matches!(err, BuildError::Target { .. }));
    assert!(err.to_string().contains("not a url"));

    let ok = connection(
        ConnectionCategory::ModelGateway,
        "https://gw.example.com",
        Some(false),
        None,
    );
    assert_eq!(
        chat_completions_url(&ok, " "),
        Err(BuildError::NoDeployment)
    );
    // A ModelGateway without discovery has nothing to discover.
    assert_eq!(
        discovery_list_request(&ok, &key()).unwrap_err(),
        BuildError::NoDiscovery
    );

    let mut other_origin = ok.clone();
    other_origin.metadata.model_discovery = Some(ModelDiscovery::new(
        "https://evil.example.net/models",
        "/models/{deploymentName}",
        DiscoveryProvider::OpenAi,
    ));
    let err = discovery_list_request(&other_origin, &key()).unwrap_err();
    assert!(err.to_string().contains("listModelsEndpoint"), "{err}");
    assert!(err.to_string().contains("origin"), "{err}");

    let mut no_placeholder = ok.clone();
    no_placeholder.metadata.model_discovery = Some(ModelDiscovery::new(
        "/models",
        "/models/x",
        DiscoveryProvider::OpenAi,
    ));
    assert!(matches!(
        discovery_get_request(&no_placeholder, "m", &key()),
        Err(BuildError::Endpoint {
            field: "getModelEndpoint",
            ..
        })
    ));
}
