//! Findings: what validation (and a lenient parse) says about a connection. The UI and the CLI
//! only display them; every rule lives in this module.

use serde::{Deserialize, Serialize};

/// How bad a finding is. An `error` means ARM or the Agent Service will refuse or misuse the
/// connection; a `warning` means it may work but probably not as meant.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located by a JSON path into the ARM body (nested metadata strings are
/// addressed as if decoded: `properties.metadata.models[2].properties.model.name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub severity: Severity,
    /// Stable, kebab-case; the UI may branch on it.
    pub code: FindingCode,
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Finding {
    pub fn error(code: FindingCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    pub fn warning(code: FindingCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

macro_rules! finding_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// Every finding code. The wire form (kebab-case) is stable: tests, the UI and scripts
        /// rely on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
        pub enum FindingCode {
            $($(#[$doc])* #[serde(rename = $wire)] $variant,)*
        }

        impl FindingCode {
            pub const ALL: &'static [FindingCode] = &[$(FindingCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(FindingCode::$variant => $wire,)*
                }
            }
        }
    };
}

finding_codes! {
    // Found while parsing an imported body.
    /// A value has the wrong JSON type (a number where a string belongs, …).
    ValueWrongType = "value-wrong-type",
    /// A metadata value is not a string; ARM types metadata as `{string: string}` (trap §7 #4).
    MetadataValueNotString = "metadata-value-not-string",
    /// A JSON-encoded metadata string does not decode.
    MetadataJsonInvalid = "metadata-json-invalid",
    /// A JSON-encoded metadata string decodes to the wrong shape.
    MetadataJsonShape = "metadata-json-shape",
    /// `deploymentInPath` is not exactly `"true"` or `"false"`.
    DeploymentInPathInvalid = "deployment-in-path-invalid",
    /// `category` or `authType` is spelt with the wrong case.
    ValueWrongCase = "value-wrong-case",
    /// `customHeaders` is absent (trap §7 #8); the export writes `"{}"`.
    CustomHeadersMissing = "custom-headers-missing",
    /// A credential holds a placeholder or a masked value, not a secret.
    SecretPlaceholder = "secret-placeholder",
    /// A credentials key this connection type does not use was dropped.
    CredentialsKeyDropped = "credentials-key-dropped",
    /// The resource `type`/`id` is not a connection.
    ResourceTypeUnexpected = "resource-type-unexpected",

    // Keys.
    /// A known key in the wrong case: the service will not see it.
    KeyWrongCase = "key-wrong-case",
    /// A key one or two edits away from a known key.
    KeyMisspelt = "key-misspelt",
    /// A key in a closed shape (`modelDiscovery`, `authConfig`, a model, `properties`) that has
    /// no documented meaning.
    UnknownKey = "unknown-key",
    /// A `properties` key that belongs to another auth type.
    PropertyUnused = "property-unused",

    // Name.
    /// The body carries no connection name.
    NameMissing = "name-missing",
    /// The name breaks `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$`.
    NamePattern = "name-pattern",

    // URLs (target, tokenUrl, audience).
    TargetMissing = "target-missing",
    UrlInvalid = "url-invalid",
    UrlNotHttps = "url-not-https",
    /// Plain http to a loopback host: fine for local tests, unreachable from Azure.
    UrlHttpLoopback = "url-http-loopback",
    UrlUserInfo = "url-user-info",
    UrlQuery = "url-query",
    UrlFragment = "url-fragment",
    UrlWhitespace = "url-whitespace",
    /// `target` ends with a path the Agent Service appends itself.
    TargetOperationSuffix = "target-operation-suffix",

    // Models and discovery.
    ModelsAndDiscovery = "models-and-discovery",
    ModelsMissing = "models-missing",
    ModelsEmpty = "models-empty",
    DiscoveryIncomplete = "discovery-incomplete",
    ModelDeploymentNameMissing = "model-deployment-name-missing",
    ModelNameMissing = "model-name-missing",
    ModelDeploymentNameDuplicate = "model-deployment-name-duplicate",
    /// A deployment name with `/` while `deploymentInPath` is `"true"`: it lands in the URL path.
    ModelDeploymentNameSlash = "model-deployment-name-slash",
    ModelFormatMissing = "model-format-missing",
    ModelFormatUnknown = "model-format-unknown",
    /// The Foundry portal page fails on Bicep-created APIM connections with static models
    /// (trap §7 #7).
    ApimStaticModelsPortal = "apim-static-models-portal",
    DiscoveryEndpointInvalid = "discovery-endpoint-invalid",
    DiscoveryEndpointNotHttps = "discovery-endpoint-not-https",
    DiscoveryEndpointOrigin = "discovery-endpoint-origin",
    DiscoveryEndpointUserInfo = "discovery-endpoint-user-info",
    DiscoveryEndpointFragment = "discovery-endpoint-fragment",
    DiscoveryEndpointTraversal = "discovery-endpoint-traversal",
    DiscoveryEndpointEncodedSeparator = "discovery-endpoint-encoded-separator",
    /// `{deploymentName}` missing, repeated, or outside the path.
    DiscoveryPlaceholder = "discovery-placeholder",
    DiscoveryApiVersionDuplicate = "discovery-api-version-duplicate",
    /// An endpoint's own `api-version` beats `deploymentAPIVersion`.
    DiscoveryApiVersionOverridden = "discovery-api-version-overridden",
    DiscoveryProviderInvalid = "discovery-provider-invalid",

    // Metadata values.
    DeploymentInPathMissing = "deployment-in-path-missing",
    InferenceApiVersionMissing = "inference-api-version-missing",
    ApiVersionInvalid = "api-version-invalid",
    DeploymentApiVersionUnused = "deployment-api-version-unused",

    // Auth.
    AuthTypeNotAllowed = "auth-type-not-allowed",
    AuthTypeUnsupported = "auth-type-unsupported",
    ApiKeyMissing = "api-key-missing",
    AudienceMissing = "audience-missing",
    AudienceNotDefault = "audience-not-default",
    Oauth2ClientIdMissing = "oauth2-client-id-missing",
    Oauth2ClientIdNotGuid = "oauth2-client-id-not-guid",
    Oauth2ClientSecretMissing = "oauth2-client-secret-missing",
    Oauth2TokenUrlMissing = "oauth2-token-url-missing",
    Oauth2ScopesMissing = "oauth2-scopes-missing",
    Oauth2ScopeEmpty = "oauth2-scope-empty",
    /// `tokenUrl`/`scopes` written into metadata (open question §10.3).
    Oauth2SettingInMetadata = "oauth2-setting-in-metadata",
    /// `authConfig`/`authHeaderName`/`authHeaderFormat` on a connection without `ApiKey` auth.
    AuthConfigNotApiKey = "auth-config-not-api-key",
    AuthConfigType = "auth-config-type",
    AuthConfigNameMissing = "auth-config-name-missing",
    /// `authConfig.format` missing or without exactly one `{api_key}`.
    AuthConfigFormat = "auth-config-format",
    /// Both `authConfig` and `authHeaderName`/`authHeaderFormat` (open question §10.1).
    AuthHeaderConflict = "auth-header-conflict",
    AuthHeaderIncomplete = "auth-header-incomplete",
    /// `authHeaderFormat` without exactly one `{api_key}`.
    AuthHeaderFormat = "auth-header-format",

    // Headers.
    HeaderNameInvalid = "header-name-invalid",
    HeaderValueInvalid = "header-value-invalid",
    HeaderValueNonAscii = "header-value-non-ascii",
    /// A custom header with the same name as the auth header.
    HeaderAuthClash = "header-auth-clash",
    /// A header the HTTP client manages itself (`Host`, `Content-Length`, …).
    HeaderManaged = "header-managed",
    HeaderDuplicate = "header-duplicate",
    /// A credential-looking header in metadata, which ARM returns to every reader.
    HeaderSecretInMetadata = "header-secret-in-metadata",
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
