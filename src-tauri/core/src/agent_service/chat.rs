//! What the Agent Service sends a gateway for a prompt agent, and how it reads the answer:
//! the chat-completions body from the agent's definition and the run's items, the output items
//! of the assistant's reply, and Responses-style usage.

use serde_json::{Map, Value, json};

use super::items::{chat_messages, message_text};
use super::new_id;

/// The chat-completions body for the agent's definition and the run's history: messages,
/// the function tools (only when there are some), `tool_choice` when set with tools [I],
/// `temperature` and `top_p` when the agent sets them. Tools of other types (code
/// interpreter, file search, …) run inside the service and are not sent [I].
pub fn chat_body(definition: &Value, context: &[Value]) -> Map<String, Value> {
    let instructions = definition.get("instructions").and_then(Value::as_str);
    let mut body = Map::new();
    body.insert(
        "messages".into(),
        Value::Array(chat_messages(instructions, context)),
    );
    let tools: Vec<Value> = definition
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|tool| tool.get("type").and_then(Value::as_str) == Some("function"))
        .map(|tool| {
            let mut function = Map::new();
            for key in ["name", "description", "parameters", "strict"] {
                if let Some(value) = tool.get(key).filter(|v| !v.is_null()) {
                    function.insert(key.into(), value.clone());
                }
            }
            json!({ "type": "function", "function": function })
        })
        .collect();
    if !tools.is_empty() {
        if let Some(choice) = definition.get("tool_choice").filter(|c| !c.is_null()) {
            let choice = match choice.get("name").and_then(Value::as_str) {
                Some(name) => json!({ "type": "function", "function": { "name": name } }),
                None => choice.clone(),
            };
            body.insert("tool_choice".into(), choice);
        }
        body.insert("tools".into(), Value::Array(tools));
    }
    for key in ["temperature", "top_p"] {
        if let Some(value) = definition.get(key).filter(|v| v.is_number()) {
            body.insert(key.into(), value.clone());
        }
    }
    body
}

/// The output items of the gateway's assistant message: its text as a `message` item (also
/// when empty and there are no tool calls), each function tool call as a `function_call`.
pub fn output_items(message: &Map<String, Value>) -> Vec<Value> {
    let text = message_text(&Value::Object(message.clone()));
    let calls: Vec<&Value> = message
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|call| {
            call.get("type")
                .and_then(Value::as_str)
                .unwrap_or("function")
                == "function"
        })
        .collect();
    let mut output = Vec::new();
    if !text.is_empty() || calls.is_empty() {
        output.push(json!({
            "type": "message",
            "id": new_id("msg"),
            "status": "completed",
            "role": "assistant",
            "content": [{ "type": "output_text", "text": text, "annotations": [] }],
        }));
    }
    for call in calls {
        let field = |pointer: &str| {
            call.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        output.push(json!({
            "type": "function_call",
            "id": new_id("fc"),
            "call_id": field("/id"),
            "name": field("/function/name"),
            "arguments": field("/function/arguments"),
            "status": "completed",
        }));
    }
    output
}

/// OpenAI chat usage as Responses usage; zeros when the gateway said nothing.
pub fn usage(chat: Option<&Value>) -> Value {
    let count = |key: &str| {
        chat.and_then(|u| u.get(key))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let (input, output) = (count("prompt_tokens"), count("completion_tokens"));
    let total = chat
        .and_then(|u| u.get("total_tokens"))
        .and_then(Value::as_u64)
        .unwrap_or(input + output);
    json!({ "input_tokens": input, "output_tokens": output, "total_tokens": total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent_service::items::user_message;

    #[test]
    fn function_tools_become_chat_tools() {
        let definition = json!({
            "kind": "prompt",
            "model": "gw/gpt-4o",
            "instructions": "Be brief.",
            "temperature": 0.2,
            "tools": [
                {"type": "function", "name": "get_weather", "description": "Weather", "parameters": {"type": "object"}, "strict": true},
                {"type": "code_interpreter"},
            ],
        });
        let body = chat_body(&definition, &[user_message("Hi")]);
        assert_eq!(
            Value::Object(body),
            json!({
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Hi"},
                ],
                "tools": [{"type": "function", "function": {
                    "name": "get_weather", "description": "Weather", "parameters": {"type": "object"}, "strict": true,
                }}],
                "temperature": 0.2,
            })
        );
    }

    #[test]
    fn a_tool_call_reply_becomes_function_call_items() {
        let message = json!({
            "role": "assistant",
            "content": null,
            "tool_calls": [{"id": "call_9", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
        });
        let output = output_items(message.as_object().unwrap());
        assert_eq!(output.len(), 1);
        assert_eq!(output[0]["type"], "function_call");
        assert_eq!(output[0]["call_id"], "call_9");
        let usage = usage(Some(
            &json!({"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}),
        ));
        assert_eq!(
            usage,
            json!({"input_tokens": 3, "output_tokens": 2, "total_tokens": 5})
        );
    }
}
