//! The representative connections every format is exported for (golden files under
//! `tests-data/export/<case>/`): both categories, the three gateway auth types, static models,
//! dynamic discovery (explicit and APIM defaults), custom headers, `authConfig`, the portal's
//! `authHeaderName`/`authHeaderFormat`, and both scopes.

use serde_json::Value;

use crate::connection::{
    AuthConfig, Connection, ConnectionAuth, ConnectionCategory, ConnectionScope, ModelDiscovery,
    ModelFormat, ModelInfo, SecretRef,
};

pub struct Case {
    /// The folder under `tests-data/export/`.
    pub name: &'static str,
    pub connection: Connection,
}

impl Case {
    pub fn connection_name(&self) -> &str {
        self.connection.name.as_deref().unwrap_or_default()
    }
}

fn model(deployment: &str, name: &str, version: &str, format: ModelFormat) -> ModelInfo {
    ModelInfo::new(deployment, name, version, format)
}

/// §2.4 (a): APIM, API key, static models.
fn apim_apikey_static() -> Connection {
    let mut c = Connection::new(
        "apim-gw",
        ConnectionCategory::ApiManagement,
        "https://contoso-apim.azure-api.net/foundry/models",
        ConnectionAuth::api_key(),
    );
    c.metadata.deployment_in_path = Some(false);
    c.metadata.inference_api_version = Some("2024-10-21".into());
    c.metadata.models = Some(vec![
        model("gpt-4o", "gpt-4o", "2024-11-20", ModelFormat::OpenAi),
        model(
            "gpt-4o-mini",
            "gpt-4o-mini",
            "2024-07-18",
            ModelFormat::OpenAi,
        ),
    ]);
    c
}

/// §2.4 (b): APIM, project managed identity, explicit AzureOpenAI-style discovery.
fn apim_pmi_discovery() -> Connection {
    let mut c = Connection::new(
        "apim-pmi",
        ConnectionCategory::ApiManagement,
        "https://contoso-apim.azure-api.net/openai",
        ConnectionAuth::project_managed_identity(),
    );
    c.metadata.deployment_in_path = Some(true);
    c.metadata.inference_api_version = Some("2024-10-21".into());
    c.metadata.deployment_api_version = Some("2023-05-01".into());
    c.metadata.model_discovery = Some(ModelDiscovery::apim_defaults());
    c
}

/// APIM with neither models nor `modelDiscovery`: the service's APIM defaults apply. The key
/// goes in APIM's own subscription header.
fn apim_apikey_defaults() -> Connection {
    let mut c = Connection::new(
        "apim-subscription",
        ConnectionCategory::ApiManagement,
        "https://contoso-apim.azure-api.net/aoai",
        ConnectionAuth::api_key(),
    );
    c.metadata.deployment_in_path = Some(true);
    c.metadata.inference_api_version = Some("2025-03-01-preview".into());
    c.metadata.auth_config = Some(AuthConfig::api_key(
        "Ocp-Apim-Subscription-Key",
        "{api_key}",
    ));
    c
}

/// §2.4 (d): ModelGateway, OAuth2 client credentials, static models in two formats.
fn modelgateway_oauth2_static() -> Connection {
    let mut c = Connection::new(
        "llm-gw-oauth",
        ConnectionCategory::ModelGateway,
        "https://llm-gw.contoso.com",
        ConnectionAuth::OAuth2 {
            client_id: "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b".into(),
            client_secret: Some(SecretRef::CLIENT_SECRET),
            token_url:
                "https://login.microsoftonline.com/8e5a3d2c-1b4f-4a6e-9c7d-0f1e2d3c4b5a/oauth2/v2.0/token"
                    .into(),
            scopes: vec!["api://llm-gateway/.default".into()],
        },
    );
    c.metadata.deployment_in_path = Some(false);
    c.metadata.inference_api_version = Some(String::new());
    c.metadata.models = Some(vec![
        model(
            "gpt-4o-mini",
            "gpt-4o-mini",
            "2024-07-18",
            ModelFormat::OpenAi,
        ),
        model(
            "claude-sonnet-4",
            "claude-sonnet-4",
            "20250514",
            ModelFormat::Anthropic,
        ),
    ]);
    c
}

/// §2.4 (e): the portal's ModelGateway, `authHeaderName`/`authHeaderFormat`, shared to all.
fn modelgateway_portal_style() -> Connection {
    let mut c = Connection::new(
        "remote-foundry",
        ConnectionCategory::ModelGateway,
        "https://remote-foundry.services.ai.azure.com/openai/v1",
        ConnectionAuth::api_key(),
    );
    c.is_shared_to_all = true;
    c.metadata.deployment_in_path = Some(false);
    c.metadata.models = Some(vec![model(
        "gpt-4.1",
        "gpt-4.1",
        "2025-04-14",
        ModelFormat::OpenAi,
    )]);
    c.metadata.auth_header_name = Some("api-key".into());
    c.metadata.auth_header_format = Some("{api_key}".into());
    c
}

/// An account-level APIM connection (shared by every project), managed identity, APIM defaults.
fn account_apim_pmi() -> Connection {
    let mut c = Connection::new(
        "apim-shared",
        ConnectionCategory::ApiManagement,
        "https://contoso-apim.azure-api.net/openai",
        ConnectionAuth::project_managed_identity(),
    );
    c.scope = ConnectionScope::Account;
    c.metadata.deployment_in_path = Some(true);
    c.metadata.inference_api_version = Some("2024-10-21".into());
    c
}

/// An account-level ModelGateway to Gemini's OpenAI-compatible endpoint, Bearer key.
fn account_gemini() -> Connection {
    let mut c = Connection::new(
        "gemini",
        ConnectionCategory::ModelGateway,
        "https://generativelanguage.googleapis.com/v1beta/openai",
        ConnectionAuth::api_key(),
    );
    c.scope = ConnectionScope::Account;
    c.metadata.deployment_in_path = Some(false);
    c.metadata.inference_api_version = Some(String::new());
    // No version: Gemini's OpenAI endpoint has none, and the entry leaves the key out.
    c.metadata.models = Some(vec![ModelInfo {
        model_version: None,
        ..model(
            "gemini-2.5-flash",
            "gemini-2.5-flash",
            "",
            ModelFormat::OpenAi,
        )
    }]);
    c.metadata.auth_config = Some(AuthConfig::api_key("Authorization", "Bearer {api_key}"));
    c
}

/// Text that every format must escape: quotes (`\"` in the encoded string), `${…}`/`%{…}`
/// (Bicep and Terraform templates), backslashes, non-ASCII, and an unknown model key kept.
fn custom_headers_escaping() -> Connection {
    let mut c = Connection::new(
        "kong-gw",
        ConnectionCategory::ModelGateway,
        "https://kong.contoso.com/ai",
        ConnectionAuth::api_key(),
    );
    c.metadata.deployment_in_path = Some(false);
    c.metadata.inference_api_version = Some(String::new());
    let mut llama = model(
        "llama-3.1-70b",
        "Meta-Llama-3.1-70B-Instruct",
        "1",
        ModelFormat::NonOpenAi,
    );
    llama.model_extra.insert(
        "capabilities".into(),
        serde_json::json!({"tools": true, "maxTokens": 8192}),
    );
    c.metadata.models = Some(vec![
        model("gpt-4o", "gpt-4o", "2024-11-20", ModelFormat::OpenAi),
        llama,
    ]);
    c.metadata.auth_config = Some(AuthConfig::api_key("x-api-key", "{api_key}"));
    for (name, value) in [
        ("X-Tenant-Context", r#"{"tenant":"contoso","region":"eu"}"#),
        ("X-Route-Template", "${region}/%{zone}"),
        ("X-Team", "Équipe IA ✓"),
        ("X-Share", r"\\fileserver\gateways"),
    ] {
        c.metadata.custom_headers.insert(name.into(), value.into());
    }
    c
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "apim-apikey-static",
            connection: apim_apikey_static(),
        },
        Case {
            name: "apim-pmi-discovery",
            connection: apim_pmi_discovery(),
        },
        Case {
            name: "apim-apikey-defaults",
            connection: apim_apikey_defaults(),
        },
        Case {
            name: "modelgateway-bearer-discovery",
            // §2.4 (c), shared with the connection module's golden tests.
            connection: crate::connection::tests::reference_c(),
        },
        Case {
            name: "modelgateway-oauth2-static",
            connection: modelgateway_oauth2_static(),
        },
        Case {
            name: "modelgateway-portal-style",
            connection: modelgateway_portal_style(),
        },
        Case {
            name: "account-apim-pmi",
            connection: account_apim_pmi(),
        },
        Case {
            name: "account-gemini",
            connection: account_gemini(),
        },
        Case {
            name: "custom-headers-escaping",
            connection: custom_headers_escaping(),
        },
    ]
}

/// A realistic value for a secret in spec checks and script runs (never in a golden file).
pub const REALISTIC_SECRET: &str = "4f1c2b9e8d7a6f5e4d3c2b1a0f9e8d7c";

/// `to_arm_body` with `secret` as the real value: what the PUT would send.
pub fn put_body(connection: &Connection, secret: &str) -> Value {
    let secret = crate::secrets::Sensitive::new(secret.to_string());
    crate::connection::to_arm_body(
        connection,
        crate::connection::SecretRendering::Value(&secret),
    )
}
