//! The ARM REST body: what `az rest --body @arm.json` (or any REST client) PUTs to
//! `…/connections/{name}?api-version=2026-05-01`.

use super::body::{properties, resource_type};
use super::node::Node;
use crate::connection::{Connection, MASKED_SECRET, SecretSlot};
use crate::secrets::Sensitive;

/// `to_arm_body` with placeholders for secrets, in reading order, plus the resource `type`.
/// ARM ignores the read-only `name` and `type` in a PUT body [I] (a GET response sent back works
/// the same way); `type` is what lets an import of this file restore account or project scope.
pub(super) fn render(connection: &Connection) -> String {
    render_with(connection, &|slot| slot.export_placeholder().to_string())
}

/// [`render`] with `secret` in place of the placeholder: the bytes of an ARM PUT.
pub(super) fn render_put(connection: &Connection, secret: Option<&Sensitive<String>>) -> String {
    // The one place a secret value enters a body the app sends.
    render_with(connection, &|slot| match secret {
        Some(secret) => secret.expose().clone(),
        None => slot.export_placeholder().to_string(),
    })
}

fn render_with(connection: &Connection, secret: &dyn Fn(SecretSlot) -> String) -> String {
    let mut top = Vec::new();
    if let Some(name) = &connection.name {
        top.push(("name".to_string(), Node::text(name)));
    }
    top.push((
        "type".to_string(),
        Node::text(resource_type(connection.scope)),
    ));
    top.push((
        "properties".to_string(),
        Node::Object(properties(connection)),
    ));
    let body = Node::Object(top).lower(secret);
    format!("{}\n", body.pretty())
}

/// Exactly the body a PUT sends (`name` and `properties`, in reading order), with the secret
/// masked: what the editor shows live.
pub(super) fn render_masked_put_body(connection: &Connection) -> String {
    let mut top = Vec::new();
    if let Some(name) = &connection.name {
        top.push(("name".to_string(), Node::text(name)));
    }
    top.push((
        "properties".to_string(),
        Node::Object(properties(connection)),
    ));
    Node::Object(top)
        .lower(&|_| MASKED_SECRET.to_string())
        .pretty()
}
