//! The ARM body as an ordered tree that every export format renders.
//!
//! `serde_json::Value` sorts object keys (the workspace does not enable `preserve_order`), but
//! a file a person reads should list `category`, `target`, `authType` first, and a JSON-encoded
//! metadata string must keep the exact key order `to_arm_body` wrote, or Bicep's `string()` of
//! the literal would not give the same text. So the exporters work on this tree instead.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

use crate::connection::SecretSlot;

/// One value of the body, in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
    /// A credential the draft references but does not hold: each format says where its value
    /// comes from (a placeholder, an environment variable, a secure parameter).
    Secret(SecretSlot),
    /// A metadata value ARM stores as a JSON-encoded string (`models`, `modelDiscovery`, …):
    /// JSON writes the encoded text, Bicep `string(<literal>)`, Terraform `jsonencode(<literal>)`.
    Encoded(Box<Node>),
}

impl Node {
    pub(crate) fn text(text: impl Into<String>) -> Self {
        Self::String(text.into())
    }

    /// Objects keep serde_json's (sorted) key order.
    pub(crate) fn from_value(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => Self::Number(n.clone()),
            Value::String(s) => Self::String(s.clone()),
            Value::Array(items) => Self::Array(items.iter().map(Self::from_value).collect()),
            Value::Object(map) => Self::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Self::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// Plain JSON: secrets replaced by `secret(slot)`, encoded values by their text.
    pub(crate) fn lower(&self, secret: &dyn Fn(SecretSlot) -> String) -> Node {
        match self {
            Self::Secret(slot) => Self::String(secret(*slot)),
            Self::Encoded(inner) => Self::String(inner.compact()),
            Self::Array(items) => Self::Array(items.iter().map(|n| n.lower(secret)).collect()),
            Self::Object(entries) => Self::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.lower(secret)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Compact JSON, byte for byte what serde_json (and so `to_arm_body`'s metadata encoder)
    /// writes for the same document.
    pub(crate) fn compact(&self) -> String {
        let mut out = String::new();
        self.write_compact(&mut out);
        out
    }

    fn write_compact(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Number(n) => out.push_str(&n.to_string()),
            Self::String(s) => out.push_str(&json_string(s)),
            // Never the value (the tree has none): the export placeholder.
            Self::Secret(slot) => out.push_str(&json_string(slot.export_placeholder())),
            Self::Encoded(inner) => out.push_str(&json_string(&inner.compact())),
            Self::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_compact(out);
                }
                out.push(']');
            }
            Self::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&json_string(key));
                    out.push(':');
                    value.write_compact(out);
                }
                out.push('}');
            }
        }
    }

    /// Pretty JSON in serde_json's layout (two-space indent, `"key": value`, `{}`/`[]` when
    /// empty), without a trailing newline.
    pub(crate) fn pretty(&self) -> String {
        let mut out = String::new();
        self.write_pretty(&mut out, 0);
        out
    }

    fn write_pretty(&self, out: &mut String, depth: usize) {
        let pad = |out: &mut String, depth: usize| out.push_str(&"  ".repeat(depth));
        match self {
            Self::Array(items) if !items.is_empty() => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, depth + 1);
                    item.write_pretty(out, depth + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, depth);
                out.push(']');
            }
            Self::Object(entries) if !entries.is_empty() => {
                out.push_str("{\n");
                for (i, (key, value)) in entries.iter().enumerate() {
                    pad(out, depth + 1);
                    out.push_str(&json_string(key));
                    out.push_str(": ");
                    value.write_pretty(out, depth + 1);
                    out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
                }
                pad(out, depth);
                out.push('}');
            }
            other => other.write_compact(out),
        }
    }
}

/// A JSON string literal, escaped as serde_json escapes it.
pub(crate) fn json_string(text: &str) -> String {
    Value::from(text).to_string()
}

/// Reading JSON text into a tree keeps the document's key order (serde_json's `Value` would
/// sort it): the encoded metadata strings are decoded with this so their literal in Bicep or
/// Terraform lists keys exactly as the ARM body's string does.
impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Number::from_f64(v)
            .map(Node::Number)
            .ok_or_else(|| E::custom("a number JSON cannot represent"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            entries.push((key, value));
        }
        Ok(Node::Object(entries))
    }
}
