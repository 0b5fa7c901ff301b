//! Building gateway requests from a connection (byo-gateway.md §4.1–§4.3).

use std::fmt;

use serde_json::Value;
use url::Url;

use crate::connection::{
    Connection, ConnectionAuth, ConnectionCategory, DEFAULT_API_KEY_HEADER, ModelDiscovery,
};
use crate::secrets::Sensitive;

const API_KEY_PLACEHOLDER: &str = "{api_key}";
const DEPLOYMENT_PLACEHOLDER: &str = "{deploymentName}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// A header value; secrets stay wrapped so a request can be logged or traced safely.
#[derive(Clone, PartialEq, Eq)]
pub enum HeaderValue {
    Plain(String),
    Secret(Sensitive<String>),
}

impl HeaderValue {
    /// The value to put on the wire.
    pub fn expose(&self) -> &str {
        match self {
            Self::Plain(v) => v,
            Self::Secret(v) => v.expose(),
        }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, Self::Secret(_))
    }
}

impl fmt::Debug for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Plain(v) => fmt::Debug::fmt(v, f),
            Self::Secret(v) => fmt::Debug::fmt(v, f),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: HeaderValue,
}

impl Header {
    fn plain(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: HeaderValue::Plain(value.into()),
        }
    }
}

/// One call to the gateway, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayRequest {
    pub method: Method,
    pub url: Url,
    /// In sending order: auth header, then `customHeaders`, then `Content-Type` for a body.
    pub headers: Vec<Header>,
    pub body: Option<Value>,
}

/// What authenticates the call. For `ApiKey` connections the key itself; for `OAuth2` the
/// access token from the token endpoint; for `ProjectManagedIdentity` an Entra token for the
/// audience (the project's own identity, or a stand-in the user supplies).
#[derive(Debug, Clone)]
pub enum Credential {
    ApiKey(Sensitive<String>),
    BearerToken(Sensitive<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error(
        "`target` ({target}) is not an absolute URL: {reason}. Set it to the gateway base URL, e.g. https://contoso-apim.azure-api.net/openai"
    )]
    Target { target: String, reason: String },
    #[error(
        "the deployment name is empty: give the deployment to call (the part after `/` in `<connection>/<deployment>`)"
    )]
    NoDeployment,
    #[error("this connection uses {auth_type} auth, which needs {needed}; {given} was supplied")]
    CredentialMismatch {
        auth_type: String,
        needed: &'static str,
        given: &'static str,
    },
    #[error(
        "auth type {0} is not one the Agent Service supports for gateways; use ApiKey, ProjectManagedIdentity (APIM) or OAuth2 (ModelGateway)"
    )]
    UnsupportedAuth(String),
    #[error(
        "`{field}` ({value}) is not a usable endpoint: {reason}. Use a path relative to `target` (e.g. /models) or an absolute https URL on the same origin"
    )]
    Endpoint {
        field: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "this connection has no dynamic discovery: it lists its models statically (or is a ModelGateway without `modelDiscovery`)"
    )]
    NoDiscovery,
}

/// `deploymentInPath` as the service applies it. Open question §10.5: the key is documented
/// as required for APIM only; when it is absent we follow the official templates' defaults
/// (FS-apim `true`, FS-mg `false`). Validation reports the missing key.
pub fn effective_deployment_in_path(connection: &Connection) -> bool {
    connection
        .metadata
        .deployment_in_path
        .unwrap_or(connection.category == ConnectionCategory::ApiManagement)
}

fn base_url(connection: &Connection) -> Result<Url, BuildError> {
    let target = connection.target.trim();
    Url::parse(target).map_err(|e| BuildError::Target {
        target: target.to_string(),
        reason: e.to_string(),
    })
}

/// `target` without its trailing `/`, then `path` (which starts with `/`).
fn join(target: &Url, path: &str) -> Url {
    let mut joined = target.clone();
    let base = target.path().trim_end_matches('/');
    joined.set_path(&format!("{base}{path}"));
    joined
}

fn with_api_version(mut url: Url, version: Option<&str>) -> Url {
    if let Some(version) = version.filter(|v| !v.is_empty())
        && !url.query_pairs().any(|(k, _)| k == "api-version")
    {
        url.query_pairs_mut().append_pair("api-version", version);
    }
    url
}

/// A deployment name as one path segment: `/`, `?`, `#` and spaces are escaped.
fn segment(deployment: &str) -> String {
    url::form_urlencoded::byte_serialize(deployment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// `{target}[/deployments/{deployment}]/chat/completions[?api-version={inferenceAPIVersion}]`
/// (§4.1). Open question §10.4: without `inferenceAPIVersion` no api-version is sent.
pub fn chat_completions_url(connection: &Connection, deployment: &str) -> Result<Url, BuildError> {
    if deployment.trim().is_empty() {
        return Err(BuildError::NoDeployment);
    }
    let target = base_url(connection)?;
    let path = if effective_deployment_in_path(connection) {
        format!("/deployments/{}/chat/completions", segment(deployment))
    } else {
        "/chat/completions".to_string()
    };
    Ok(with_api_version(
        join(&target, &path),
        connection.metadata.inference_api_version.as_deref(),
    ))
}

/// The auth header the Agent Service sends (§4.2). For API keys, `authConfig` wins over the
/// portal-style `authHeaderName`/`authHeaderFormat` when both are set (open question §10.1:
/// `authConfig` is the documented one; validation warns to keep only one).
pub fn auth_header(connection: &Connection, credential: &Credential) -> Result<Header, BuildError> {
    let mismatch = |needed, given| BuildError::CredentialMismatch {
        auth_type: connection.auth.auth_type().to_string(),
        needed,
        given,
    };
    match (&connection.auth, credential) {
        (ConnectionAuth::ApiKey { .. }, Credential::ApiKey(key)) => {
            let metadata = &connection.metadata;
            let configured = metadata
                .auth_config
                .as_ref()
                .map(|c| (c.header_name.clone(), c.format.clone()));
            let (name, format) = configured
                .or_else(|| {
                    metadata
                        .auth_header_name
                        .as_ref()
                        .map(|n| (Some(n.clone()), metadata.auth_header_format.clone()))
                })
                .unwrap_or((None, None));
            let name = name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_API_KEY_HEADER.to_string());
            let format = format
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| API_KEY_PLACEHOLDER.to_string());
            Ok(Header {
                name,
                value: HeaderValue::Secret(Sensitive::new(
                    format.replace(API_KEY_PLACEHOLDER, key.expose()),
                )),
            })
        }
        (
            ConnectionAuth::OAuth2 { .. } | ConnectionAuth::ProjectManagedIdentity { .. },
            Credential::BearerToken(token),
        ) => Ok(Header {
            name: "Authorization".into(),
            value: HeaderValue::Secret(Sensitive::new(format!("Bearer {}", token.expose()))),
        }),
        (ConnectionAuth::ApiKey { .. }, Credential::BearerToken(_)) => {
            Err(mismatch("the API key", "a bearer token"))
        }
        (
            ConnectionAuth::OAuth2 { .. } | ConnectionAuth::ProjectManagedIdentity { .. },
            Credential::ApiKey(_),
        ) => Err(mismatch("a bearer token", "an API key")),
        (ConnectionAuth::Unsupported { auth_type }, _) => {
            Err(BuildError::UnsupportedAuth(auth_type.clone()))
        }
    }
}

/// Auth header plus every `customHeaders` entry: what every call carries (§4.2; custom headers
/// go on discovery calls too, as the official test scripts send them).
fn common_headers(
    connection: &Connection,
    credential: &Credential,
) -> Result<Vec<Header>, BuildError> {
    let mut headers = vec![auth_header(connection, credential)?];
    headers.extend(
        connection
            .metadata
            .custom_headers
            .iter()
            .map(|(name, value)| Header::plain(name, value)),
    );
    Ok(headers)
}

/// A chat-completions call for `deployment`. `body` is an OpenAI chat-completions body
/// (messages, tools, stream, …); its `model` is set to the deployment when the deployment is
/// not in the path, and removed when it is (§4.1).
pub fn chat_completions_request(
    connection: &Connection,
    deployment: &str,
    credential: &Credential,
    mut body: serde_json::Map<String, Value>,
) -> Result<GatewayRequest, BuildError> {
    let url = chat_completions_url(connection, deployment)?;
    if effective_deployment_in_path(connection) {
        body.remove("model");
    } else {
        body.insert("model".into(), Value::from(deployment));
    }
    let mut headers = common_headers(connection, credential)?;
    headers.push(Header::plain("Content-Type", "application/json"));
    Ok(GatewayRequest {
        method: Method::Post,
        url,
        headers,
        body: Some(Value::Object(body)),
    })
}

fn discovery(connection: &Connection) -> Result<ModelDiscovery, BuildError> {
    connection
        .effective_model_discovery()
        .ok_or(BuildError::NoDiscovery)
}

/// A discovery endpoint as a URL: relative to `target`, or absolute on its origin (§3, §4.3).
/// An `api-version` already in an absolute endpoint wins over `deploymentAPIVersion`.
fn endpoint_url(
    connection: &Connection,
    field: &'static str,
    endpoint: &str,
) -> Result<Url, BuildError> {
    let target = base_url(connection)?;
    let bad = |reason: String| BuildError::Endpoint {
        field,
        value: endpoint.to_string(),
        reason,
    };
    let url = if endpoint.starts_with("https://") || endpoint.starts_with("http://") {
        let url = Url::parse(endpoint).map_err(|e| bad(e.to_string()))?;
        if url.origin() != target.origin() {
            return Err(bad(format!(
                "it is not on the origin of `target` ({})",
                target.origin().ascii_serialization()
            )));
        }
        url
    } else {
        let (path, query) = match endpoint.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (endpoint, None),
        };
        let mut url = join(&target, &format!("/{}", path.trim_start_matches('/')));
        url.set_query(query);
        url
    };
    Ok(with_api_version(
        url,
        connection.metadata.deployment_api_version.as_deref(),
    ))
}

fn get_request(
    connection: &Connection,
    credential: &Credential,
    url: Url,
) -> Result<GatewayRequest, BuildError> {
    Ok(GatewayRequest {
        method: Method::Get,
        url,
        headers: common_headers(connection, credential)?,
        body: None,
    })
}

/// `GET` the model list (`listModelsEndpoint`, or the APIM default `/deployments`).
pub fn discovery_list_request(
    connection: &Connection,
    credential: &Credential,
) -> Result<GatewayRequest, BuildError> {
    let discovery = discovery(connection)?;
    let endpoint = discovery.list_models_endpoint.unwrap_or_default();
    let url = endpoint_url(connection, "listModelsEndpoint", &endpoint)?;
    get_request(connection, credential, url)
}

/// `GET` one model (`getModelEndpoint` with `{deploymentName}` replaced).
pub fn discovery_get_request(
    connection: &Connection,
    deployment: &str,
    credential: &Credential,
) -> Result<GatewayRequest, BuildError> {
    if deployment.trim().is_empty() {
        return Err(BuildError::NoDeployment);
    }
    let discovery = discovery(connection)?;
    let template = discovery.get_model_endpoint.unwrap_or_default();
    if !template.contains(DEPLOYMENT_PLACEHOLDER) {
        return Err(BuildError::Endpoint {
            field: "getModelEndpoint",
            value: template,
            reason: "it has no {deploymentName} placeholder".into(),
        });
    }
    let endpoint = template.replace(DEPLOYMENT_PLACEHOLDER, &segment(deployment));
    let url = endpoint_url(connection, "getModelEndpoint", &endpoint)?;
    get_request(connection, credential, url)
}

#[cfg(test)]
mod tests;
