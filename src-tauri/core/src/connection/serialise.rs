//! The ARM PUT body, exactly: `{"properties": {…}}` with every metadata value a string, nested
//! values JSON-encoded in a fixed key order, and secrets rendered the way the caller chooses.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::model::{
    AuthConfig, Connection, ConnectionAuth, ConnectionMetadata, ModelDiscovery, ModelInfo,
};
use super::wire;
use crate::secrets::Sensitive;

/// What a masked secret looks like in a preview.
pub const MASKED_SECRET: &str = "********";

/// How `to_arm_body` writes the secret the connection references. A connection has at most one
/// (`credentials.key` or `credentials.clientSecret`); when it references none, nothing is written
/// whatever the rendering.
#[derive(Debug, Clone, Copy)]
pub enum SecretRendering<'a> {
    /// [`MASKED_SECRET`]: the UI's live preview.
    Masked,
    /// This text in place of the secret: exports (`<api-key>`, `${API_KEY}`, …).
    Placeholder(&'a str),
    /// The real value, fetched from the keyring by the caller: only the ARM PUT.
    Value(&'a Sensitive<String>),
}

impl SecretRendering<'_> {
    fn render(&self) -> String {
        match self {
            Self::Masked => MASKED_SECRET.to_string(),
            Self::Placeholder(text) => (*text).to_string(),
            // The one place a secret leaves the model: into the PUT body.
            Self::Value(secret) => secret.expose().clone(),
        }
    }
}

/// The ARM body of a connection (PUT shape). The top-level `name` is written when the draft
/// has one, so a saved body file round-trips; the URL names the resource, and [I] ARM treats
/// `name` in a body as read-only. A caller that wants the bare §2.4 shape removes it.
pub fn to_arm_body(connection: &Connection, secrets: SecretRendering<'_>) -> Value {
    let mut properties = Map::new();
    let mut put = |key: &str, value: Value| {
        properties.insert(key.to_string(), value);
    };
    put(
        wire::CATEGORY,
        Value::from(connection.category.as_wire().to_string()),
    );
    put(wire::TARGET, Value::from(connection.target.clone()));
    put(wire::AUTH_TYPE, Value::from(connection.auth.auth_type()));

    let mut credentials = Map::new();
    match &connection.auth {
        ConnectionAuth::ApiKey { key } => {
            if key.is_some() {
                credentials.insert(wire::KEY.to_string(), Value::from(secrets.render()));
            }
        }
        ConnectionAuth::ProjectManagedIdentity { audience } => {
            put(wire::AUDIENCE, Value::from(audience.clone()));
        }
        ConnectionAuth::OAuth2 {
            client_id,
            client_secret,
            token_url,
            scopes,
        } => {
            put(wire::TOKEN_URL, Value::from(token_url.clone()));
            put(wire::SCOPES, Value::from(scopes.clone()));
            credentials.insert(wire::CLIENT_ID.to_string(), Value::from(client_id.clone()));
            if client_secret.is_some() {
                credentials.insert(
                    wire::CLIENT_SECRET.to_string(),
                    Value::from(secrets.render()),
                );
            }
        }
        ConnectionAuth::Unsupported { .. } => {}
    }
    put(
        wire::IS_SHARED_TO_ALL,
        Value::from(connection.is_shared_to_all),
    );
    put(wire::CREDENTIALS, Value::Object(credentials));
    put(
        wire::METADATA,
        Value::Object(metadata_body(&connection.metadata)),
    );
    for (key, value) in &connection.extra_properties {
        properties
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }

    let mut body = Map::new();
    if let Some(name) = &connection.name {
        body.insert(wire::path::NAME.to_string(), Value::from(name.clone()));
    }
    body.insert(
        wire::path::PROPERTIES.to_string(),
        Value::Object(properties),
    );
    Value::Object(body)
}

fn metadata_body(metadata: &ConnectionMetadata) -> Map<String, Value> {
    let mut out = Map::new();
    let mut put = |key: &str, value: String| {
        out.insert(key.to_string(), Value::String(value));
    };
    if let Some(flag) = metadata.deployment_in_path {
        // Lowercase `true`/`false`, as the service and the samples expect.
        put(wire::DEPLOYMENT_IN_PATH, flag.to_string());
    }
    if let Some(version) = &metadata.inference_api_version {
        put(wire::INFERENCE_API_VERSION, version.clone());
    }
    if let Some(version) = &metadata.deployment_api_version {
        put(wire::DEPLOYMENT_API_VERSION, version.clone());
    }
    if let Some(models) = &metadata.models {
        put(wire::MODELS, encode_models(models));
    }
    if let Some(discovery) = &metadata.model_discovery {
        put(wire::MODEL_DISCOVERY, encode_discovery(discovery));
    }
    if let Some(config) = &metadata.auth_config {
        put(wire::AUTH_CONFIG, encode_auth_config(config));
    }
    if let Some(name) = &metadata.auth_header_name {
        put(wire::AUTH_HEADER_NAME, name.clone());
    }
    if let Some(format) = &metadata.auth_header_format {
        put(wire::AUTH_HEADER_FORMAT, format.clone());
    }
    // Always present, `{}` when empty: the portal misbehaves without it (trap §7 #8).
    put(
        wire::CUSTOM_HEADERS,
        encode_headers(&metadata.custom_headers),
    );
    for (key, value) in &metadata.extra {
        out.entry(key.clone())
            .or_insert_with(|| Value::String(value.clone()));
    }
    out
}

/// A JSON object written in a fixed key order: the encoded metadata strings are compared
/// byte for byte (golden files, drift checks against ARM GET), so the order is part of the format.
enum Ordered {
    Value(Value),
    Object(Vec<(String, Ordered)>),
}

impl Ordered {
    fn write(&self, out: &mut String) {
        match self {
            Self::Value(value) => out.push_str(&value.to_string()),
            Self::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::from(key.as_str()).to_string());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Known keys first in the samples' order, then the kept unknown keys (sorted).
fn object(
    known: Vec<(&str, Option<Ordered>)>,
    extra: &BTreeMap<String, Value>,
) -> Vec<(String, Ordered)> {
    let mut entries: Vec<(String, Ordered)> = known
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect();
    for (key, value) in extra {
        if !entries.iter().any(|(k, _)| k == key) {
            entries.push((key.clone(), Ordered::Value(value.clone())));
        }
    }
    entries
}

fn text(value: &Option<String>) -> Option<Ordered> {
    value
        .as_ref()
        .map(|v| Ordered::Value(Value::from(v.as_str())))
}

fn encode(value: Ordered) -> String {
    let mut out = String::new();
    value.write(&mut out);
    out
}

fn encode_models(models: &[ModelInfo]) -> String {
    let mut out = String::from("[");
    for (i, model) in models.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let inner = object(
            vec![
                (wire::MODEL_NAME, text(&model.model_name)),
                (wire::MODEL_VERSION, text(&model.model_version)),
                (
                    wire::MODEL_FORMAT,
                    model
                        .format
                        .as_ref()
                        .map(|f| Ordered::Value(Value::from(f.as_wire()))),
                ),
            ],
            &model.model_extra,
        );
        let properties = object(
            vec![(wire::MODEL_ITEM_MODEL, Some(Ordered::Object(inner)))],
            &model.properties_extra,
        );
        let item = object(
            vec![
                (wire::MODEL_ITEM_NAME, text(&model.deployment_name)),
                (
                    wire::MODEL_ITEM_PROPERTIES,
                    Some(Ordered::Object(properties)),
                ),
            ],
            &model.extra,
        );
        Ordered::Object(item).write(&mut out);
    }
    out.push(']');
    out
}

fn encode_discovery(discovery: &ModelDiscovery) -> String {
    encode(Ordered::Object(object(
        vec![
            (
                wire::LIST_MODELS_ENDPOINT,
                text(&discovery.list_models_endpoint),
            ),
            (
                wire::GET_MODEL_ENDPOINT,
                text(&discovery.get_model_endpoint),
            ),
            (
                wire::DEPLOYMENT_PROVIDER,
                discovery
                    .deployment_provider
                    .as_ref()
                    .map(|p| Ordered::Value(Value::from(p.as_wire()))),
            ),
        ],
        &discovery.extra,
    )))
}

fn encode_auth_config(config: &AuthConfig) -> String {
    encode(Ordered::Object(object(
        vec![
            (wire::AUTH_CONFIG_TYPE, text(&config.kind)),
            (wire::AUTH_CONFIG_NAME, text(&config.header_name)),
            (wire::AUTH_CONFIG_FORMAT, text(&config.format)),
        ],
        &config.extra,
    )))
}

fn encode_headers(headers: &BTreeMap<String, String>) -> String {
    encode(Ordered::Object(
        headers
            .iter()
            .map(|(k, v)| (k.clone(), Ordered::Value(Value::from(v.as_str()))))
            .collect(),
    ))
}
