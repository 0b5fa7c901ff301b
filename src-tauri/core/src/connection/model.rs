//! The connection draft: what a user edits and what an ARM body describes. It holds no secret
//! values (only [`SecretRef`]s), so it may be stored, sent over IPC and logged.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::wire;

/// The audience the setup guide's APIM policy validates for project-managed-identity tokens
/// (byo-gateway.md §2.3, trap §7 #15). Public cloud only (§9, §10.7).
pub const DEFAULT_PMI_AUDIENCE: &str = "https://cognitiveservices.azure.com";
/// The header the Agent Service puts the API key in when no `authConfig` says otherwise (§4.2).
pub const DEFAULT_API_KEY_HEADER: &str = "api-key";

/// One gateway connection, as ARM stores it under an account or a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// The connection name (the last segment of the ARM URL). `None` when an imported body had
    /// no top-level `name`: ARM takes the name from the URL, not from the body.
    pub name: Option<String>,
    /// Where the connection lives. Not part of the body: it chooses the ARM URL.
    #[serde(default)]
    pub scope: ConnectionScope,
    pub category: ConnectionCategory,
    /// `properties.target`: the gateway base URL the Agent Service appends paths to. Empty
    /// when missing.
    #[serde(default)]
    pub target: String,
    /// `properties.isSharedToAll`.
    #[serde(default)]
    pub is_shared_to_all: bool,
    pub auth: ConnectionAuth,
    #[serde(default)]
    pub metadata: ConnectionMetadata,
    /// Other `properties` keys, kept verbatim so a round trip does not lose them
    /// (`sharedUserList`, `expiryTime`, …, or keys meant for another auth type). Never
    /// overrides a modelled key when serialised.
    #[serde(default)]
    pub extra_properties: BTreeMap<String, Value>,
}

impl Connection {
    /// A new draft with the documented defaults: not shared, no metadata yet.
    pub fn new(
        name: impl Into<String>,
        category: ConnectionCategory,
        target: impl Into<String>,
        auth: ConnectionAuth,
    ) -> Self {
        Self {
            name: Some(name.into()),
            scope: ConnectionScope::default(),
            category,
            target: target.into(),
            is_shared_to_all: false,
            auth,
            metadata: ConnectionMetadata::default(),
            extra_properties: BTreeMap::new(),
        }
    }

    /// The discovery the Agent Service will run: the configured one, or the APIM defaults when
    /// an `ApiManagement` connection sets neither static models nor `modelDiscovery` (§3, §4.3).
    /// `None` means static models (or nothing to discover).
    pub fn effective_model_discovery(&self) -> Option<ModelDiscovery> {
        match (&self.metadata.model_discovery, &self.metadata.models) {
            (Some(discovery), _) => Some(discovery.clone()),
            (None, None) if self.category == ConnectionCategory::ApiManagement => {
                Some(ModelDiscovery::apim_defaults())
            }
            _ => None,
        }
    }
}

/// The ARM parent of the connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionScope {
    /// `…/accounts/{account}/projects/{project}/connections/{name}`.
    #[default]
    Project,
    /// `…/accounts/{account}/connections/{name}`: shared by every project of the account.
    Account,
}

/// `properties.category`: the two "bring your own AI gateway" categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum ConnectionCategory {
    /// Azure API Management.
    ApiManagement,
    /// Any other gateway (LiteLLM, Kong, another Foundry, OpenAI, …).
    ModelGateway,
}

impl ConnectionCategory {
    pub const ALL: [Self; 2] = [Self::ApiManagement, Self::ModelGateway];

    pub fn as_wire(self) -> &'static str {
        match self {
            Self::ApiManagement => "ApiManagement",
            Self::ModelGateway => "ModelGateway",
        }
    }
}

/// How the Agent Service authenticates to the gateway: `properties.authType`, `credentials`
/// and the auth-specific `properties` keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ConnectionAuth {
    /// `ApiKey`: `credentials.key`, sent in `api-key` unless `authConfig` says otherwise.
    ApiKey { key: Option<SecretRef> },
    /// `ProjectManagedIdentity` (ApiManagement only): an Entra token of the project's identity
    /// for `audience`; no stored secret.
    ProjectManagedIdentity { audience: String },
    /// `OAuth2` client credentials (ModelGateway only).
    #[serde(rename = "oauth2")]
    OAuth2 {
        /// `credentials.clientId`.
        client_id: String,
        /// `credentials.clientSecret`.
        client_secret: Option<SecretRef>,
        /// `properties.tokenUrl`.
        token_url: String,
        /// `properties.scopes`.
        scopes: Vec<String>,
    },
    /// Any other `authType` an imported body carries (`AAD`, `None`, …): kept so validation
    /// can say it is not supported for gateways. Its credentials are not kept.
    Unsupported { auth_type: String },
}

impl ConnectionAuth {
    /// API key auth whose key is (or will be) in the keyring.
    pub fn api_key() -> Self {
        Self::ApiKey {
            key: Some(SecretRef::API_KEY),
        }
    }

    /// Project managed identity with the default audience.
    pub fn project_managed_identity() -> Self {
        Self::ProjectManagedIdentity {
            audience: DEFAULT_PMI_AUDIENCE.to_string(),
        }
    }

    /// The slot of the secret this auth type sends (the API key, the OAuth2 client secret);
    /// none for a managed identity, whose token the service gets itself.
    pub fn secret_slot(&self) -> Option<SecretSlot> {
        match self {
            Self::ApiKey { .. } => Some(SecretSlot::ApiKey),
            Self::OAuth2 { .. } => Some(SecretSlot::ClientSecret),
            Self::ProjectManagedIdentity { .. } | Self::Unsupported { .. } => None,
        }
    }

    /// The exact `authType` string.
    pub fn auth_type(&self) -> &str {
        match self {
            Self::ApiKey { .. } => "ApiKey",
            Self::ProjectManagedIdentity { .. } => "ProjectManagedIdentity",
            Self::OAuth2 { .. } => "OAuth2",
            Self::Unsupported { auth_type } => auth_type,
        }
    }
}

/// A secret the draft needs but does not hold. The keyring stores the value under the draft's
/// id and this slot, so a reference is just "this slot is set".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SecretRef {
    pub slot: SecretSlot,
}

impl SecretRef {
    pub const API_KEY: Self = Self {
        slot: SecretSlot::ApiKey,
    };
    pub const CLIENT_SECRET: Self = Self {
        slot: SecretSlot::ClientSecret,
    };
}

/// Which credential a secret is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SecretSlot {
    /// `credentials.key` of an `ApiKey` connection.
    ApiKey,
    /// `credentials.clientSecret` of an `OAuth2` connection.
    ClientSecret,
}

impl SecretSlot {
    pub const ALL: [Self; 2] = [Self::ApiKey, Self::ClientSecret];

    /// The key inside `credentials`.
    pub fn wire_key(self) -> &'static str {
        match self {
            Self::ApiKey => wire::KEY,
            Self::ClientSecret => wire::CLIENT_SECRET,
        }
    }

    /// The environment variable the exported `az` script reads this secret from.
    pub fn env_var(self) -> &'static str {
        match self {
            Self::ApiKey => "GATEWAY_API_KEY",
            Self::ClientSecret => "GATEWAY_CLIENT_SECRET",
        }
    }

    /// What exported ARM JSON writes instead of the secret: `${GATEWAY_API_KEY}`, the shell
    /// spelling of [`Self::env_var`], so the file says where the value comes from. An import
    /// reads it as "no secret value" (never a secret for the keyring).
    pub fn export_placeholder(self) -> &'static str {
        match self {
            Self::ApiKey => "${GATEWAY_API_KEY}",
            Self::ClientSecret => "${GATEWAY_CLIENT_SECRET}",
        }
    }
}

/// `properties.metadata`. On the wire every value is a string; nested values are JSON encoded
/// into strings. Here they are decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectionMetadata {
    /// `deploymentInPath`: `true` → `…/deployments/{name}/chat/completions`.
    pub deployment_in_path: Option<bool>,
    /// `inferenceAPIVersion`; `Some("")` means "send no api-version".
    #[serde(rename = "inferenceAPIVersion")]
    pub inference_api_version: Option<String>,
    /// `deploymentAPIVersion`, for discovery calls.
    #[serde(rename = "deploymentAPIVersion")]
    pub deployment_api_version: Option<String>,
    /// `models`: static model list. Exclusive with `model_discovery`.
    pub models: Option<Vec<ModelInfo>>,
    /// `modelDiscovery`: dynamic discovery.
    pub model_discovery: Option<ModelDiscovery>,
    /// `customHeaders`: sent on every call to the gateway. Always written, `{}` when empty
    /// (trap §7 #8).
    pub custom_headers: BTreeMap<String, String>,
    /// `authConfig`: where and how the API key is sent.
    pub auth_config: Option<AuthConfig>,
    /// `authHeaderName`: the portal's way of saying the same as `authConfig.name`.
    pub auth_header_name: Option<String>,
    /// `authHeaderFormat`: the portal's way of saying the same as `authConfig.format`.
    pub auth_header_format: Option<String>,
    /// Any other metadata key, value as written. Wrongly cased known keys end up here (the
    /// service would ignore them) so validation can point at them.
    pub extra: BTreeMap<String, String>,
}

/// One entry of the static `models` list:
/// `{"name": <deployment>, "properties": {"model": {"name", "version", "format"}}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ModelInfo {
    /// `name`: the deployment name agents use (`<connection>/<deployment>`).
    pub deployment_name: Option<String>,
    /// `properties.model.name`: the provider's model name.
    pub model_name: Option<String>,
    /// `properties.model.version`.
    pub model_version: Option<String>,
    /// `properties.model.format`.
    pub format: Option<ModelFormat>,
    /// Unknown keys of the entry itself.
    pub extra: BTreeMap<String, Value>,
    /// Unknown keys of `properties`.
    pub properties_extra: BTreeMap<String, Value>,
    /// Unknown keys of `properties.model`.
    pub model_extra: BTreeMap<String, Value>,
}

impl ModelInfo {
    pub fn new(
        deployment_name: impl Into<String>,
        model_name: impl Into<String>,
        model_version: impl Into<String>,
        format: ModelFormat,
    ) -> Self {
        Self {
            deployment_name: Some(deployment_name.into()),
            model_name: Some(model_name.into()),
            model_version: Some(model_version.into()),
            format: Some(format),
            ..Self::default()
        }
    }
}

/// `properties.model.format`: which API family the gateway speaks for this model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum ModelFormat {
    /// OpenAI chat completions (any OpenAI-compatible gateway).
    #[serde(rename = "OpenAI")]
    OpenAi,
    /// Anthropic `/messages`.
    Anthropic,
    /// Anything else.
    #[serde(rename = "NonOpenAI")]
    NonOpenAi,
    /// A value outside the documented three (e.g. `DeepSeek` from the docs' examples), kept.
    #[serde(untagged)]
    Other(String),
}

impl ModelFormat {
    pub const DOCUMENTED: [&'static str; 3] = ["OpenAI", "Anthropic", "NonOpenAI"];

    pub fn from_wire(value: &str) -> Self {
        match value {
            "OpenAI" => Self::OpenAi,
            "Anthropic" => Self::Anthropic,
            "NonOpenAI" => Self::NonOpenAi,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_wire(&self) -> &str {
        match self {
            Self::OpenAi => "OpenAI",
            Self::Anthropic => "Anthropic",
            Self::NonOpenAi => "NonOpenAI",
            Self::Other(other) => other,
        }
    }
}

/// `modelDiscovery`: the gateway endpoints the Agent Service calls to list and get models.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ModelDiscovery {
    /// `listModelsEndpoint`: relative to `target`, or an absolute HTTPS URL on its origin.
    pub list_models_endpoint: Option<String>,
    /// `getModelEndpoint`: same rules, with one `{deploymentName}`.
    pub get_model_endpoint: Option<String>,
    /// `deploymentProvider`: the response shape.
    pub deployment_provider: Option<DiscoveryProvider>,
    /// Unknown keys, kept.
    pub extra: BTreeMap<String, Value>,
}

impl ModelDiscovery {
    pub fn new(
        list_models_endpoint: impl Into<String>,
        get_model_endpoint: impl Into<String>,
        deployment_provider: DiscoveryProvider,
    ) -> Self {
        Self {
            list_models_endpoint: Some(list_models_endpoint.into()),
            get_model_endpoint: Some(get_model_endpoint.into()),
            deployment_provider: Some(deployment_provider),
            extra: BTreeMap::new(),
        }
    }

    /// What the service uses for an `ApiManagement` connection without `modelDiscovery` (§3).
    pub fn apim_defaults() -> Self {
        Self::new(
            "/deployments",
            "/deployments/{deploymentName}",
            DiscoveryProvider::AzureOpenAi,
        )
    }
}

/// `modelDiscovery.deploymentProvider`: the shape of the discovery responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum DiscoveryProvider {
    /// `{"value": [{"name", "properties": {"model": …}}]}`, like ARM deployments.
    #[serde(rename = "AzureOpenAI")]
    AzureOpenAi,
    /// `{"data": [{"id", "object": "model", …}]}`, like OpenAI `/v1/models`.
    #[serde(rename = "OpenAI")]
    OpenAi,
    /// Any other spelling, kept so validation can name it (the service compares exactly).
    #[serde(untagged)]
    Other(String),
}

impl DiscoveryProvider {
    pub const DOCUMENTED: [&'static str; 2] = ["AzureOpenAI", "OpenAI"];

    pub fn from_wire(value: &str) -> Self {
        match value {
            "AzureOpenAI" => Self::AzureOpenAi,
            "OpenAI" => Self::OpenAi,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_wire(&self) -> &str {
        match self {
            Self::AzureOpenAi => "AzureOpenAI",
            Self::OpenAi => "OpenAI",
            Self::Other(other) => other,
        }
    }
}

/// `authConfig`: `{"type": "api_key", "name": <header>, "format": <template with {api_key}>}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct AuthConfig {
    /// `type`; the only documented value is `api_key`.
    pub kind: Option<String>,
    /// `name`: the header that carries the key.
    pub header_name: Option<String>,
    /// `format`: the header value, `{api_key}` replaced by the key.
    pub format: Option<String>,
    /// Unknown keys, kept.
    pub extra: BTreeMap<String, Value>,
}

impl AuthConfig {
    /// `{"type": "api_key", "name": header_name, "format": format}`.
    pub fn api_key(header_name: impl Into<String>, format: impl Into<String>) -> Self {
        Self {
            kind: Some(wire::AUTH_CONFIG_TYPE_API_KEY.to_string()),
            header_name: Some(header_name.into()),
            format: Some(format.into()),
            extra: BTreeMap::new(),
        }
    }
}
