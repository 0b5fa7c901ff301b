//! Exact wire spellings of the ARM connection body, in one place. The service treats metadata
//! keys as case-sensitive (byo-gateway.md §3, trap §7 #17), so every key the parser, the
//! serialiser and the validator use comes from here.

// `properties` level.
pub const CATEGORY: &str = "category";
pub const TARGET: &str = "target";
pub const AUTH_TYPE: &str = "authType";
pub const IS_SHARED_TO_ALL: &str = "isSharedToAll";
pub const CREDENTIALS: &str = "credentials";
pub const METADATA: &str = "metadata";
/// Not in the swagger; the samples send it for `ProjectManagedIdentity` (§2.3).
pub const AUDIENCE: &str = "audience";
/// Not in the swagger; the samples send them for `OAuth2` (§2.3).
pub const TOKEN_URL: &str = "tokenUrl";
pub const SCOPES: &str = "scopes";

/// Keys this module models at `properties` level.
pub const MODELLED_PROPERTIES: &[&str] = &[
    CATEGORY,
    TARGET,
    AUTH_TYPE,
    IS_SHARED_TO_ALL,
    CREDENTIALS,
    METADATA,
    AUDIENCE,
    TOKEN_URL,
    SCOPES,
];
/// Writable `ConnectionPropertiesV2` keys this module does not model: kept as they are.
pub const PASSTHROUGH_PROPERTIES: &[&str] = &[
    "sharedUserList",
    "expiryTime",
    "useWorkspaceManagedIdentity",
    "peRequirement",
    "peStatus",
    "error",
];
/// Read-only keys ARM returns on GET; a PUT must not send them back.
pub const READ_ONLY_PROPERTIES: &[&str] = &["group", "createdByWorkspaceArmId"];

// Credentials.
pub const KEY: &str = "key";
pub const CLIENT_ID: &str = "clientId";
pub const CLIENT_SECRET: &str = "clientSecret";

// Metadata.
pub const DEPLOYMENT_IN_PATH: &str = "deploymentInPath";
pub const INFERENCE_API_VERSION: &str = "inferenceAPIVersion";
pub const DEPLOYMENT_API_VERSION: &str = "deploymentAPIVersion";
pub const MODELS: &str = "models";
pub const MODEL_DISCOVERY: &str = "modelDiscovery";
pub const CUSTOM_HEADERS: &str = "customHeaders";
pub const AUTH_CONFIG: &str = "authConfig";
pub const AUTH_HEADER_NAME: &str = "authHeaderName";
pub const AUTH_HEADER_FORMAT: &str = "authHeaderFormat";

/// Every metadata key with a documented meaning (§3). `audience` is what the accelerator repeats
/// in metadata for PMI; `tokenUrl`/`scopes` are listed so a near miss is still recognised.
pub const KNOWN_METADATA: &[&str] = &[
    DEPLOYMENT_IN_PATH,
    INFERENCE_API_VERSION,
    DEPLOYMENT_API_VERSION,
    MODELS,
    MODEL_DISCOVERY,
    CUSTOM_HEADERS,
    AUTH_CONFIG,
    AUTH_HEADER_NAME,
    AUTH_HEADER_FORMAT,
    AUDIENCE,
    TOKEN_URL,
    SCOPES,
];

// `modelDiscovery`.
pub const LIST_MODELS_ENDPOINT: &str = "listModelsEndpoint";
pub const GET_MODEL_ENDPOINT: &str = "getModelEndpoint";
pub const DEPLOYMENT_PROVIDER: &str = "deploymentProvider";
pub const KNOWN_DISCOVERY: &[&str] = &[
    LIST_MODELS_ENDPOINT,
    GET_MODEL_ENDPOINT,
    DEPLOYMENT_PROVIDER,
];

// `authConfig`.
pub const AUTH_CONFIG_TYPE: &str = "type";
pub const AUTH_CONFIG_NAME: &str = "name";
pub const AUTH_CONFIG_FORMAT: &str = "format";
pub const KNOWN_AUTH_CONFIG: &[&str] = &[AUTH_CONFIG_TYPE, AUTH_CONFIG_NAME, AUTH_CONFIG_FORMAT];
/// The one documented `authConfig.type`.
pub const AUTH_CONFIG_TYPE_API_KEY: &str = "api_key";

// One entry of `models`: `{"name", "properties": {"model": {"name", "version", "format"}}}`.
pub const MODEL_ITEM_NAME: &str = "name";
pub const MODEL_ITEM_PROPERTIES: &str = "properties";
pub const MODEL_ITEM_MODEL: &str = "model";
pub const MODEL_NAME: &str = "name";
pub const MODEL_VERSION: &str = "version";
pub const MODEL_FORMAT: &str = "format";
pub const KNOWN_MODEL_ITEM: &[&str] = &[MODEL_ITEM_NAME, MODEL_ITEM_PROPERTIES];
pub const KNOWN_MODEL_PROPERTIES: &[&str] = &[MODEL_ITEM_MODEL];
pub const KNOWN_MODEL: &[&str] = &[MODEL_NAME, MODEL_VERSION, MODEL_FORMAT];

// Placeholders the service substitutes.
pub const API_KEY_PLACEHOLDER: &str = "{api_key}";
pub const DEPLOYMENT_NAME_PLACEHOLDER: &str = "{deploymentName}";

/// JSON paths of the ARM body, as findings and parse errors name them.
pub mod path {
    pub const NAME: &str = "name";
    pub const PROPERTIES: &str = "properties";
    pub const CATEGORY: &str = "properties.category";
    pub const TARGET: &str = "properties.target";
    pub const AUTH_TYPE: &str = "properties.authType";
    pub const IS_SHARED_TO_ALL: &str = "properties.isSharedToAll";
    pub const CREDENTIALS: &str = "properties.credentials";
    pub const KEY: &str = "properties.credentials.key";
    pub const CLIENT_ID: &str = "properties.credentials.clientId";
    pub const CLIENT_SECRET: &str = "properties.credentials.clientSecret";
    pub const AUDIENCE: &str = "properties.audience";
    pub const TOKEN_URL: &str = "properties.tokenUrl";
    pub const SCOPES: &str = "properties.scopes";
    pub const METADATA: &str = "properties.metadata";
    pub const DEPLOYMENT_IN_PATH: &str = "properties.metadata.deploymentInPath";
    pub const INFERENCE_API_VERSION: &str = "properties.metadata.inferenceAPIVersion";
    pub const DEPLOYMENT_API_VERSION: &str = "properties.metadata.deploymentAPIVersion";
    pub const MODELS: &str = "properties.metadata.models";
    pub const MODEL_DISCOVERY: &str = "properties.metadata.modelDiscovery";
    pub const LIST_MODELS_ENDPOINT: &str = "properties.metadata.modelDiscovery.listModelsEndpoint";
    pub const GET_MODEL_ENDPOINT: &str = "properties.metadata.modelDiscovery.getModelEndpoint";
    pub const DEPLOYMENT_PROVIDER: &str = "properties.metadata.modelDiscovery.deploymentProvider";
    pub const CUSTOM_HEADERS: &str = "properties.metadata.customHeaders";
    pub const AUTH_CONFIG: &str = "properties.metadata.authConfig";
    pub const AUTH_CONFIG_TYPE: &str = "properties.metadata.authConfig.type";
    pub const AUTH_CONFIG_NAME: &str = "properties.metadata.authConfig.name";
    pub const AUTH_CONFIG_FORMAT: &str = "properties.metadata.authConfig.format";
    pub const AUTH_HEADER_NAME: &str = "properties.metadata.authHeaderName";
    pub const AUTH_HEADER_FORMAT: &str = "properties.metadata.authHeaderFormat";

    /// `base.key`, or `base["key"]` when the key is not a plain identifier (header names such as
    /// `X-Client-App`, keys with dots or spaces), so a path always reads back unambiguously.
    pub fn key(base: &str, key: &str) -> String {
        let plain = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        match (base.is_empty(), plain) {
            (true, true) => key.to_string(),
            (false, true) => format!("{base}.{key}"),
            (_, false) => {
                let quoted = serde_json::to_string(key).unwrap_or_else(|_| "\"?\"".to_string());
                format!("{base}[{quoted}]")
            }
        }
    }

    /// `base[index]`.
    pub fn index(base: &str, index: usize) -> String {
        format!("{base}[{index}]")
    }

    /// The path of field `field` of `models[index]`, e.g. `properties.model.name`.
    pub fn model(index: usize, field: &str) -> String {
        format!("{MODELS}[{index}].{field}")
    }
}
