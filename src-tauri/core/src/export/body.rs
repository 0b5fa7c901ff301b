//! The connection's ARM body as an ordered [`Node`] tree, built from `to_arm_body` so every
//! format carries exactly what the ARM PUT would.

use serde_json::{Map, Value};

use super::node::Node;
use crate::connection::wire;
use crate::connection::{
    Connection, ConnectionAuth, ConnectionScope, SecretRendering, SecretSlot, to_arm_body,
};

/// `properties` keys in the order of the §2.4 samples (and of `to_arm_body`'s code); any other
/// key follows, sorted.
const PROPERTIES_ORDER: &[&str] = &[
    wire::CATEGORY,
    wire::TARGET,
    wire::AUTH_TYPE,
    wire::AUDIENCE,
    wire::TOKEN_URL,
    wire::SCOPES,
    wire::IS_SHARED_TO_ALL,
    wire::CREDENTIALS,
    wire::METADATA,
];
const CREDENTIALS_ORDER: &[&str] = &[wire::KEY, wire::CLIENT_ID, wire::CLIENT_SECRET];
const METADATA_ORDER: &[&str] = &[
    wire::DEPLOYMENT_IN_PATH,
    wire::INFERENCE_API_VERSION,
    wire::DEPLOYMENT_API_VERSION,
    wire::MODELS,
    wire::MODEL_DISCOVERY,
    wire::AUTH_CONFIG,
    wire::AUTH_HEADER_NAME,
    wire::AUTH_HEADER_FORMAT,
    wire::CUSTOM_HEADERS,
];
/// Metadata values that are JSON encoded into strings (byo-gateway.md §3).
const ENCODED_METADATA: &[&str] = &[
    wire::MODELS,
    wire::MODEL_DISCOVERY,
    wire::AUTH_CONFIG,
    wire::CUSTOM_HEADERS,
];

/// The ARM resource type, which is also what tells an import the scope.
pub(crate) fn resource_type(scope: ConnectionScope) -> &'static str {
    match scope {
        ConnectionScope::Project => "Microsoft.CognitiveServices/accounts/projects/connections",
        ConnectionScope::Account => "Microsoft.CognitiveServices/accounts/connections",
    }
}

/// The secret the body carries, if any: at most one per connection.
pub(crate) fn secret_slot(connection: &Connection) -> Option<SecretSlot> {
    match &connection.auth {
        ConnectionAuth::ApiKey { key: Some(_) } => Some(SecretSlot::ApiKey),
        ConnectionAuth::OAuth2 {
            client_secret: Some(_),
            ..
        } => Some(SecretSlot::ClientSecret),
        _ => None,
    }
}

/// The entries of `properties`, in reading order.
pub(crate) fn properties(connection: &Connection) -> Vec<(String, Node)> {
    // The rendering does not matter: the secret's place is taken by `Node::Secret` below.
    let body = to_arm_body(connection, SecretRendering::Masked);
    let empty = Map::new();
    let properties = body
        .get(wire::path::PROPERTIES)
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let secret = secret_slot(connection);
    ordered(properties, PROPERTIES_ORDER, |key, value| match key {
        wire::CREDENTIALS => credentials(value, secret),
        wire::METADATA => metadata(value),
        _ => Node::from_value(value),
    })
}

/// `object`'s entries: the keys of `order` first, in that order, then the others.
fn ordered(
    object: &Map<String, Value>,
    order: &[&str],
    mut node: impl FnMut(&str, &Value) -> Node,
) -> Vec<(String, Node)> {
    let known = order.iter().filter_map(|k| object.get_key_value(*k));
    let rest = object.iter().filter(|(k, _)| !order.contains(&k.as_str()));
    known
        .chain(rest)
        .map(|(k, v)| (k.clone(), node(k, v)))
        .collect()
}

fn credentials(value: &Value, secret: Option<SecretSlot>) -> Node {
    let Some(object) = value.as_object() else {
        return Node::from_value(value);
    };
    Node::Object(ordered(
        object,
        CREDENTIALS_ORDER,
        |key, value| match secret.filter(|slot| slot.wire_key() == key) {
            Some(slot) => Node::Secret(slot),
            None => Node::from_value(value),
        },
    ))
}

fn metadata(value: &Value) -> Node {
    let Some(object) = value.as_object() else {
        return Node::from_value(value);
    };
    Node::Object(ordered(object, METADATA_ORDER, |key, value| match value {
        Value::String(text) if ENCODED_METADATA.contains(&key) => encoded(text),
        _ => Node::from_value(value),
    }))
}

/// The decoded tree of an encoded metadata string when it encodes back to exactly the same
/// text; otherwise the string itself, since a literal would change what ARM stores.
fn encoded(text: &str) -> Node {
    match serde_json::from_str::<Node>(text) {
        Ok(tree) if tree.compact() == text => Node::Encoded(Box::new(tree)),
        _ => Node::text(text),
    }
}
