//! The Bicep and Terraform exports read back. Neither compiler is available offline, so these
//! tests parse the exported `properties` / `body` expression with a small reader of exactly the
//! syntax the exporters write (objects, arrays, strings with their escapes, numbers, booleans,
//! null, parameter/variable references and `string()`/`any()`/`json()`/`jsonencode()` calls),
//! evaluate it the way ARM and Terraform do, and compare the result with `to_arm_body`.
//!
//! Bicep's `string()` writes compact JSON with keys in literal order, so each encoded metadata
//! string must equal the ARM body's byte for byte. Terraform's `jsonencode` sorts keys and
//! escapes `<>&`, so there the strings must decode to the same JSON, while the literals must
//! still list keys in the ARM body's order (checked byte for byte without the sorting).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{REALISTIC_SECRET, cases, put_body};
use crate::export::node::Node;
use crate::export::{ExportFormat, export};

/// A cursor over the exported text.
struct Reader<'t> {
    text: &'t str,
    at: usize,
    /// `//` for Bicep, `#` for HCL.
    comment: &'static str,
}

impl<'t> Reader<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn fail(&self, what: &str) -> ! {
        let line = self.text[..self.at].lines().count();
        let context: String = self.rest().chars().take(60).collect();
        panic!("{what} at line {line}: {context:?}")
    }

    /// Skips spaces, newlines and comments.
    fn skip(&mut self) {
        loop {
            let trimmed = self.rest().trim_start();
            self.at = self.text.len() - trimmed.len();
            if trimmed.starts_with(self.comment) {
                let end = trimmed.find('\n').unwrap_or(trimmed.len());
                self.at += end;
            } else {
                return;
            }
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip();
        if self.rest().starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) {
        if !self.eat(token) {
            self.fail(&format!("expected `{token}`"));
        }
    }

    fn word(&mut self) -> &'t str {
        self.skip();
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        if len == 0 {
            self.fail("expected a word");
        }
        self.at += len;
        &rest[..len]
    }

    fn next_char(&mut self) -> char {
        let Some(c) = self.rest().chars().next() else {
            self.fail("unexpected end");
        };
        self.at += c.len_utf8();
        c
    }
}

// ---- Bicep ---------------------------------------------------------------------------------

/// A Bicep expression; `params` are the values of parameter references.
fn bicep_expr(r: &mut Reader<'_>, params: &BTreeMap<&str, String>) -> Node {
    r.skip();
    if r.eat("{") {
        let mut entries = Vec::new();
        while !r.eat("}") {
            r.skip();
            let key = if r.rest().starts_with('\'') {
                bicep_string(r)
            } else {
                r.word().to_string()
            };
            r.expect(":");
            entries.push((key, bicep_expr(r, params)));
        }
        return Node::Object(entries);
    }
    if r.eat("[") {
        let mut items = Vec::new();
        while !r.eat("]") {
            items.push(bicep_expr(r, params));
        }
        return Node::Array(items);
    }
    if r.rest().starts_with('\'') {
        return Node::String(bicep_string(r));
    }
    let word = r.word();
    match word {
        "true" => Node::Bool(true),
        "false" => Node::Bool(false),
        "null" => Node::Null,
        _ if word.starts_with(|c: char| c.is_ascii_digit() || c == '-') => Node::Number(
            word.parse::<i64>()
                .unwrap_or_else(|_| r.fail("bad int"))
                .into(),
        ),
        "string" | "any" | "json" => {
            r.expect("(");
            let inner = bicep_expr(r, params);
            r.expect(")");
            match (word, inner) {
                // ARM's string() of an object or array: compact JSON, keys in literal order.
                ("string", inner) => Node::Encoded(Box::new(inner)),
                ("any", inner) => inner,
                ("json", Node::String(text)) => serde_json::from_str(&text).unwrap(),
                _ => r.fail("json() takes a string"),
            }
        }
        name => match params.get(name) {
            Some(value) => Node::String(value.clone()),
            None => r.fail(&format!("unknown identifier `{name}`")),
        },
    }
}

fn bicep_string(r: &mut Reader<'_>) -> String {
    r.expect("'");
    let mut out = String::new();
    loop {
        match r.next_char() {
            '\'' => return out,
            '\n' => r.fail("line break in a string"),
            '$' if r.rest().starts_with('{') => r.fail("unescaped interpolation"),
            '\\' => match r.next_char() {
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '$' => out.push('$'),
                'u' => {
                    r.expect("{");
                    let end = r.rest().find('}').unwrap();
                    let code = u32::from_str_radix(&r.rest()[..end], 16).unwrap();
                    r.at += end + 1;
                    out.push(char::from_u32(code).unwrap());
                }
                other => r.fail(&format!("unknown escape \\{other}")),
            },
            c => out.push(c),
        }
    }
}

/// The `properties` expression of the connection resource.
fn bicep_properties(text: &str, params: &BTreeMap<&str, String>) -> Node {
    let start =
        text.find("\n  properties: ").expect("a properties line") + "\n  properties: ".len();
    let mut r = Reader {
        text,
        at: start,
        comment: "//",
    };
    let node = bicep_expr(&mut r, params);
    r.expect("}");
    node
}

// ---- HCL -----------------------------------------------------------------------------------

fn hcl_expr(r: &mut Reader<'_>, vars: &BTreeMap<&str, String>) -> Node {
    r.skip();
    if r.eat("{") {
        let mut entries = Vec::new();
        while !r.eat("}") {
            r.skip();
            let key = if r.rest().starts_with('"') {
                hcl_string(r)
            } else {
                r.word().to_string()
            };
            r.expect("=");
            entries.push((key, hcl_expr(r, vars)));
        }
        return Node::Object(entries);
    }
    if r.eat("[") {
        let mut items = Vec::new();
        while !r.eat("]") {
            items.push(hcl_expr(r, vars));
            if !r.eat(",") {
                r.expect("]");
                break;
            }
        }
        return Node::Array(items);
    }
    if r.rest().starts_with('"') {
        return Node::String(hcl_string(r));
    }
    let word = r.word();
    match word {
        "true" => Node::Bool(true),
        "false" => Node::Bool(false),
        "null" => Node::Null,
        _ if word.starts_with(|c: char| c.is_ascii_digit() || c == '-') => {
            Node::Number(serde_json::from_str(word).unwrap_or_else(|_| r.fail("bad number")))
        }
        "jsonencode" => {
            r.expect("(");
            let inner = hcl_expr(r, vars);
            r.expect(")");
            Node::Encoded(Box::new(inner))
        }
        name => match name.strip_prefix("var.").and_then(|v| vars.get(v)) {
            Some(value) => Node::String(value.clone()),
            None => r.fail(&format!("unknown reference `{name}`")),
        },
    }
}

fn hcl_string(r: &mut Reader<'_>) -> String {
    r.expect("\"");
    let mut out = String::new();
    loop {
        match r.next_char() {
            '"' => return out,
            '\n' => r.fail("line break in a string"),
            '$' | '%' if r.rest().starts_with('{') => r.fail("unescaped template sequence"),
            c @ ('$' | '%') if r.rest().starts_with(&format!("{c}{{")) => {
                // `$${` and `%%{` are the escapes for a literal `${` and `%{`.
                r.next_char();
                out.push(c);
            }
            '\\' => match r.next_char() {
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    let code = u32::from_str_radix(&r.rest()[..4], 16).unwrap();
                    r.at += 4;
                    out.push(char::from_u32(code).unwrap());
                }
                other => r.fail(&format!("unknown escape \\{other}")),
            },
            c => out.push(c),
        }
    }
}

/// The `properties` object inside `body = { properties = { … } }`.
fn hcl_properties(text: &str, vars: &BTreeMap<&str, String>) -> Node {
    let start = text.find("\n  body = ").expect("a body line") + "\n  body = ".len();
    let mut r = Reader {
        text,
        at: start,
        comment: "#",
    };
    let body = hcl_expr(&mut r, vars);
    r.expect("}");
    match body {
        Node::Object(mut entries) if entries.len() == 1 && entries[0].0 == "properties" => {
            entries.remove(0).1
        }
        other => panic!("body is not {{ properties = … }}: {other:?}"),
    }
}

/// What Terraform's `jsonencode` writes: keys sorted, `<`, `>`, `&`, U+2028, U+2029 escaped.
fn terraform_jsonencode(node: &Node) -> String {
    fn sorted(node: &Node) -> Node {
        match node {
            Node::Object(entries) => {
                let mut entries: Vec<_> = entries
                    .iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Node::Object(entries)
            }
            Node::Array(items) => Node::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(node)
        .compact()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn terraform_lower(node: &Node) -> Node {
    match node {
        Node::Encoded(inner) => Node::String(terraform_jsonencode(inner)),
        Node::Object(entries) => Node::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), terraform_lower(v)))
                .collect(),
        ),
        Node::Array(items) => Node::Array(items.iter().map(terraform_lower).collect()),
        other => other.clone(),
    }
}

fn to_value(node: &Node) -> Value {
    serde_json::from_str(&node.lower(&|_| unreachable!()).compact()).unwrap()
}

/// Metadata strings decoded, so Terraform's sorted encoding compares by meaning.
fn decode_metadata(mut properties: Value) -> Value {
    if let Some(metadata) = properties
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
    {
        for value in metadata.values_mut() {
            if let Some(decoded) = value
                .as_str()
                .and_then(|s| serde_json::from_str::<Value>(s).ok())
                .filter(|d| d.is_object() || d.is_array())
            {
                *value = decoded;
            }
        }
    }
    properties
}

// ---- tests ---------------------------------------------------------------------------------

#[test]
fn bicep_evaluates_to_the_arm_body_and_string_gives_its_exact_metadata_text() {
    let params = BTreeMap::from([
        ("apiKey", REALISTIC_SECRET.to_string()),
        ("clientSecret", REALISTIC_SECRET.to_string()),
    ]);
    for case in cases() {
        let text = export(&case.connection, ExportFormat::Bicep).unwrap();
        let properties = bicep_properties(&text, &params);
        let expected = put_body(&case.connection, REALISTIC_SECRET)["properties"].clone();
        // Value equality compares the encoded metadata strings byte for byte.
        assert_eq!(to_value(&properties), expected, "{}", case.name);
    }
}

#[test]
fn terraform_evaluates_to_the_arm_body() {
    let vars = BTreeMap::from([
        ("api_key", REALISTIC_SECRET.to_string()),
        ("client_secret", REALISTIC_SECRET.to_string()),
    ]);
    for case in cases() {
        let text = export(&case.connection, ExportFormat::Terraform).unwrap();
        let properties = hcl_properties(&text, &vars);
        let expected = put_body(&case.connection, REALISTIC_SECRET)["properties"].clone();
        // The literals, encoded in their own order, are the ARM body's exact strings…
        assert_eq!(
            to_value(&properties),
            expected,
            "{} (literal order)",
            case.name
        );
        // …and what jsonencode really stores decodes to the same JSON.
        let stored = to_value(&terraform_lower(&properties));
        assert_eq!(
            decode_metadata(stored),
            decode_metadata(expected),
            "{} (jsonencode)",
            case.name
        );
    }
}

#[test]
fn terraform_keeps_the_ampersand_of_an_encoded_value_meaningful() {
    // jsonencode writes `&` as \u0026: still the same JSON.
    let node = Node::Object(vec![("a&b".into(), Node::text("<x>"))]);
    let encoded = terraform_jsonencode(&node);
    assert_eq!(encoded, r#"{"a\u0026b":"\u003cx\u003e"}"#);
    let decoded: Value = serde_json::from_str(&encoded).unwrap();
    assert_eq!(decoded, serde_json::json!({"a&b": "<x>"}));
}

#[test]
fn readers_refuse_what_the_exporters_must_never_write() {
    let vars = BTreeMap::new();
    for bad in [
        "\n  body = { properties = { a = \"${x}\" } }\n}",
        "\n  body = { properties = { a = \"%{if}\" } }\n}",
    ] {
        assert!(
            std::panic::catch_unwind(|| hcl_properties(bad, &vars)).is_err(),
            "{bad}"
        );
    }
    let params = BTreeMap::new();
    let bad = "\n  properties: {\n    a: '${x}'\n  }\n}";
    assert!(std::panic::catch_unwind(|| bicep_properties(bad, &params)).is_err());
}
