//! Tests of the connection module: golden bodies (§2.4 a–e), parsing and round trips, one table
//! per validation rule, and a malformed-input corpus.

mod corpus;
mod golden;
mod parse;
mod rules;

use serde_json::Value;

use super::*;

/// A file under `tests-data/connection/`.
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests-data/connection/",
            $name
        ))
    };
}
pub(crate) use fixture;

/// (code, path, severity) of every finding, for compact assertions.
pub fn keys(findings: &[Finding]) -> Vec<(FindingCode, String, Severity)> {
    findings
        .iter()
        .map(|f| (f.code, f.path.clone(), f.severity))
        .collect()
}

/// Asserts that `findings` has `code` at `path` with `severity`, and returns its message.
#[track_caller]
pub fn expect(findings: &[Finding], code: FindingCode, path: &str, severity: Severity) -> String {
    match findings
        .iter()
        .find(|f| f.code == code && f.path == path && f.severity == severity)
    {
        Some(f) => f.message.clone(),
        None => panic!(
            "expected {code} at `{path}` ({severity:?}); got:\n{:#?}",
            keys(findings)
        ),
    }
}

/// Asserts that no finding has `code`.
#[track_caller]
pub fn expect_none(findings: &[Finding], code: FindingCode) {
    let hits: Vec<_> = findings.iter().filter(|f| f.code == code).collect();
    assert!(hits.is_empty(), "unexpected {code}: {hits:#?}");
}

/// Only the errors.
pub fn errors(findings: &[Finding]) -> Vec<(FindingCode, String, Severity)> {
    keys(findings)
        .into_iter()
        .filter(|(_, _, s)| *s == Severity::Error)
        .collect()
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("test JSON is valid")
}

// ---- reference connections (byo-gateway.md §2.4) ----------------------------------------

/// (a) APIM, API key, static models.
pub fn reference_a() -> Connection {
    let mut c = Connection::new(
        "apim-gw",
        ConnectionCategory::ApiManagement,
        "https://contoso-apim.azure-api.net/foundry/models",
        ConnectionAuth::api_key(),
    );
    c.metadata.deployment_in_path = Some(false);
    c.metadata.inference_api_version = Some("2024-10-21".into());
    c.metadata.models = Some(vec![ModelInfo::new(
        "gpt-4o",
        "gpt-4o",
        "2024-11-20",
        ModelFormat::OpenAi,
    )]);
    c
}

/// (b) APIM, project managed identity, discovery with the APIM default endpoints.
pub fn reference_b() -> Connection {
    let mut c = Connection::new(
        "apim-pmi",
        ConnectionCategory::ApiManagement,
        "https://contoso-apim.azure-api.net/openai",
        ConnectionAuth::project_managed_identity(),
    );
    c.metadata.deployment_in_path = Some(true);
    c.metadata.inference_api_version = Some("2024-10-21".into());
    c.metadata.model_discovery = Some(ModelDiscovery::apim_defaults());
    c
}

/// (c) ModelGateway, API key in `Authorization: Bearer`, OpenAI-style discovery.
pub fn reference_c() -> Connection {
    let mut c = Connection::new(
        "llm-gw",
        ConnectionCategory::ModelGateway,
        "https://llm-gw.contoso.com/v1",
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
    c.metadata
        .custom_headers
        .insert("X-Client-App".into(), "foundry-agents".into());
    c
}

/// (d) ModelGateway, OAuth2 client credentials, static models.
pub fn reference_d() -> Connection {
    let mut c = Connection::new(
        "llm-gw-oauth",
        ConnectionCategory::ModelGateway,
        "https://llm-gw.contoso.com",
        ConnectionAuth::OAuth2 {
            client_id: "00000000-0000-0000-0000-000000000000".into(),
            client_secret: Some(SecretRef::CLIENT_SECRET),
            token_url: "https://login.microsoftonline.com/<tenant-id>/oauth2/v2.0/token".into(),
            scopes: vec!["api://<gateway-app-id>/.default".into()],
        },
    );
    c.metadata.deployment_in_path = Some(false);
    c.metadata.inference_api_version = Some(String::new());
    c.metadata.models = Some(vec![ModelInfo::new(
        "gpt-4o-mini",
        "gpt-4o-mini",
        "2024-07-18",
        ModelFormat::OpenAi,
    )]);
    c
}

/// (e) The portal's ModelGateway: `authHeaderName`/`authHeaderFormat`, shared to all.
pub fn reference_e() -> Connection {
    let mut c = Connection::new(
        "remote-foundry",
        ConnectionCategory::ModelGateway,
        "https://remote-foundry.services.ai.azure.com/openai/v1",
        ConnectionAuth::api_key(),
    );
    c.is_shared_to_all = true;
    c.metadata.deployment_in_path = Some(false);
    c.metadata.models = Some(vec![ModelInfo::new(
        "gpt-4.1",
        "gpt-4.1",
        "2025-04-14",
        ModelFormat::OpenAi,
    )]);
    c.metadata.auth_header_name = Some("api-key".into());
    c.metadata.auth_header_format = Some("{api_key}".into());
    c
}

/// Every reference connection, with the fixture of its body and the secret the fixture holds.
pub fn references() -> Vec<(&'static str, Connection, &'static str, &'static str)> {
    vec![
        (
            "a",
            reference_a(),
            fixture!("a-apim-apikey-static.json"),
            "<APIM subscription key>",
        ),
        (
            "b",
            reference_b(),
            fixture!("b-apim-pmi-discovery.json"),
            "",
        ),
        (
            "c",
            reference_c(),
            fixture!("c-modelgateway-apikey-discovery.json"),
            "<gateway key>",
        ),
        (
            "d",
            reference_d(),
            fixture!("d-modelgateway-oauth2-static.json"),
            "<secret>",
        ),
        (
            "e",
            reference_e(),
            fixture!("e-modelgateway-portal-style.json"),
            "<key>",
        ),
    ]
}
