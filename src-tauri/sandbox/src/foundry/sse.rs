//! A streamed run (`stream: true`): the Responses API's server-sent events, each
//! `event: <type>\ndata: <json with "type" and "sequence_number">\n\n`.
//!
//! `response.created` and `response.in_progress` go out at once; the gateway is then called
//! (without streaming, see `runner`) and its answer is replayed as events: per output item
//! `response.output_item.added`, for text `response.content_part.added`, several
//! `response.output_text.delta`, `response.output_text.done`, `response.content_part.done`,
//! for a function call `response.function_call_arguments.delta`/`.done`, then
//! `response.output_item.done`; finally `response.completed`, or `response.failed` when the
//! gateway failed. The run is recorded before its last events are sent.

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use super::Shared;
use super::responses::Run;
use super::runner::Target;

/// Numbers and sends events; stops sending once the client has gone.
struct Events {
    sender: mpsc::Sender<Bytes>,
    sequence: u64,
    open: bool,
}

impl Events {
    async fn send(&mut self, kind: &str, mut payload: Value) {
        payload["type"] = json!(kind);
        payload["sequence_number"] = json!(self.sequence);
        self.sequence += 1;
        if self.open {
            let event = Bytes::from(format!("event: {kind}\ndata: {payload}\n\n"));
            self.open = self.sender.send(event).await.is_ok();
        }
    }
}

/// `text` in several pieces (words, or three slices of a single word), which concatenate back.
pub(super) fn pieces(text: &str) -> Vec<String> {
    let words: Vec<String> = text.split_inclusive(' ').map(str::to_string).collect();
    if words.len() >= 3 {
        return words;
    }
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 3 {
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![text.to_string()]
        };
    }
    let size = chars.len().div_ceil(3);
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

/// The events of one output item at `index`.
async fn item_events(events: &mut Events, index: usize, item: &Value) {
    let item_id = item["id"].clone();
    let mut added = item.clone();
    added["status"] = json!("in_progress");
    if item["type"] == "function_call" {
        added["arguments"] = json!("");
        events
            .send(
                "response.output_item.added",
                json!({ "output_index": index, "item": added }),
            )
            .await;
        let arguments = item["arguments"].as_str().unwrap_or_default();
        for piece in pieces(arguments) {
            events
                .send(
                    "response.function_call_arguments.delta",
                    json!({ "item_id": item_id, "output_index": index, "delta": piece }),
                )
                .await;
        }
        events
            .send(
                "response.function_call_arguments.done",
                json!({
                    "item_id": item_id,
                    "output_index": index,
                    "name": item["name"],
                    "arguments": arguments,
                }),
            )
            .await;
    } else {
        added["content"] = json!([]);
        events
            .send(
                "response.output_item.added",
                json!({ "output_index": index, "item": added }),
            )
            .await;
        let text = item
            .pointer("/content/0/text")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let at = |extra: Value| {
            let mut payload =
                json!({ "item_id": item_id, "output_index": index, "content_index": 0 });
            if let (Some(payload), Value::Object(extra)) = (payload.as_object_mut(), extra) {
                payload.extend(extra);
            }
            payload
        };
        events
            .send(
                "response.content_part.added",
                at(json!({ "part": { "type": "output_text", "text": "", "annotations": [] } })),
            )
            .await;
        for piece in pieces(text) {
            events
                .send(
                    "response.output_text.delta",
                    at(json!({ "delta": piece, "logprobs": [] })),
                )
                .await;
        }
        events
            .send(
                "response.output_text.done",
                at(json!({ "text": text, "logprobs": [] })),
            )
            .await;
        events
            .send(
                "response.content_part.done",
                at(json!({ "part": { "type": "output_text", "text": text, "annotations": [] } })),
            )
            .await;
    }
    events
        .send(
            "response.output_item.done",
            json!({ "output_index": index, "item": item }),
        )
        .await;
}

/// Starts the run in the background and answers its event stream.
pub(super) fn stream(
    service: Shared,
    run: Run,
    target: Target,
    chat: Map<String, Value>,
) -> Response {
    let (sender, body) = crate::body::channel(16);
    tokio::spawn(async move {
        let mut events = Events {
            sender,
            sequence: 0,
            open: true,
        };
        let started = run.object("in_progress", &[], Value::Null, Value::Null);
        service.put(&run, started.clone());
        events
            .send("response.created", json!({ "response": started }))
            .await;
        events
            .send("response.in_progress", json!({ "response": started }))
            .await;
        match service
            .chat(&target, chat, run.client_request_id.as_deref())
            .await
        {
            Ok(reply) => {
                let (completed, output) = service.finish(&run, reply);
                for (index, item) in output.iter().enumerate() {
                    item_events(&mut events, index, item).await;
                }
                events
                    .send("response.completed", json!({ "response": completed }))
                    .await;
            }
            Err(error) => {
                let failed = service.fail(&run, &error);
                events
                    .send("response.failed", json!({ "response": failed }))
                    .await;
            }
        }
    });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/event-stream; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_concatenate_back() {
        assert_eq!(pieces("Echo from a: hi"), ["Echo ", "from ", "a: ", "hi"]);
        assert_eq!(pieces(r#"{"a":1}"#).concat(), r#"{"a":1}"#);
        assert_eq!(pieces(r#"{"a":1}"#).len(), 3);
        assert_eq!(pieces("ok"), ["ok"]);
        assert!(pieces("").is_empty());
    }
}
