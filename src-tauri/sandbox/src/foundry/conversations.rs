//! Conversations (byo-gateway.md §6.3, OpenAI's Conversations API): create with up to 20
//! items, get, delete, add items (up to 20 at a time) and list items (newest first by
//! default, as OpenAI does).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use super::agents::check_metadata;
use super::errors::{Reply, invalid_payload, json_object, ok, openai_not_found};
use super::paging::Page;
use super::store::Conversation;
use super::{Shared, new_id, now};
use gateway_studio_core::agent_service::items::normalize;

/// Most items one request may add (OpenAI's limit, §6.3).
pub(super) const MAX_ITEMS: usize = 20;

pub(super) fn not_found(id: &str) -> axum::response::Response {
    openai_not_found(&format!("Conversation with id '{id}' not found."))
}

fn conversation_object(conversation: &Conversation) -> Value {
    json!({
        "id": conversation.id,
        "object": "conversation",
        "created_at": conversation.created_at,
        "metadata": conversation.metadata,
    })
}

/// `items` of a body, normalised; absent means none.
fn items_of(body: &serde_json::Map<String, Value>, required: bool) -> Reply<Vec<Value>> {
    let items = match body.get("items") {
        None | Some(Value::Null) if required => {
            return Err(invalid_payload(
                "Missing required parameter: 'items'.",
                Some("items"),
            ));
        }
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(invalid_payload(
                "Invalid type for 'items': expected an array.",
                Some("items"),
            ));
        }
    };
    if items.len() > MAX_ITEMS {
        return Err(invalid_payload(
            &format!(
                "Invalid 'items': array too long. Expected an array with maximum length {MAX_ITEMS}, but got an array with length {} instead.",
                items.len()
            ),
            Some("items"),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            normalize(item, &format!("items[{index}]"))
                .map_err(|(message, param)| invalid_payload(&message, Some(&param)))
        })
        .collect()
}

pub(super) async fn create(
    State(service): State<Shared>,
    Path(project): Path<String>,
    body: Bytes,
) -> Reply {
    let body = json_object(&body, true, |m| invalid_payload(m, None))?;
    let items = items_of(&body, false)?;
    let metadata =
        check_metadata(body.get("metadata")).map_err(|m| invalid_payload(&m, Some("metadata")))?;
    let conversation = Conversation {
        project: service.project(&project).unwrap_or(project),
        id: new_id("conv"),
        created_at: now(),
        metadata,
        items,
    };
    let answer = conversation_object(&conversation);
    service.store().conversations.push(conversation);
    Ok(ok(answer))
}

pub(super) async fn get(
    State(service): State<Shared>,
    Path((project, id)): Path<(String, String)>,
) -> Reply {
    let store = service.store();
    let conversation = store
        .conversation(&project, &id)
        .ok_or_else(|| not_found(&id))?;
    Ok(ok(conversation_object(conversation)))
}

pub(super) async fn delete(
    State(service): State<Shared>,
    Path((project, id)): Path<(String, String)>,
) -> Reply {
    let mut store = service.store();
    if store.conversation(&project, &id).is_none() {
        return Err(not_found(&id));
    }
    store
        .conversations
        .retain(|c| !(c.id == id && c.project.eq_ignore_ascii_case(&project)));
    Ok(ok(json!({
        "id": id,
        "object": "conversation.deleted",
        "deleted": true,
    })))
}

/// `POST {id}/items`: answers the added items as a list.
pub(super) async fn add_items(
    State(service): State<Shared>,
    Path((project, id)): Path<(String, String)>,
    body: Bytes,
) -> Reply {
    let body = json_object(&body, false, |m| invalid_payload(m, None))?;
    let items = items_of(&body, true)?;
    let mut store = service.store();
    let conversation = store
        .conversation_mut(&project, &id)
        .ok_or_else(|| not_found(&id))?;
    conversation.items.extend(items.iter().cloned());
    let first = items.first().and_then(|i| i.get("id")).cloned();
    let last = items.last().and_then(|i| i.get("id")).cloned();
    Ok(ok(json!({
        "object": "list",
        "data": items,
        "first_id": first,
        "last_id": last,
        "has_more": false,
    })))
}

/// `GET {id}/items`: paged, newest first unless `order=asc`.
pub(super) async fn list_items(
    State(service): State<Shared>,
    Path((project, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Reply {
    let page = Page::from_query(query.as_deref(), true).map_err(|m| invalid_payload(&m, None))?;
    let store = service.store();
    let conversation = store
        .conversation(&project, &id)
        .ok_or_else(|| not_found(&id))?;
    let items = conversation
        .items
        .iter()
        .map(|item| {
            let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
            (id.to_string(), item.clone())
        })
        .collect();
    Ok(ok(page.list(items)))
}
