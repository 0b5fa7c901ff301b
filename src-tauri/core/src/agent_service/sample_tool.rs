//! The sample function tool the playground and `agent run --tool get_weather` offer: a way to
//! see a tool call go through the gateway and back, with a made-up answer the user can keep or
//! type over.

use serde_json::{Value, json};

pub const NAME: &str = "get_weather";

/// The tool as a prompt agent's definition lists it (byo-gateway.md §6.2 `FunctionTool`).
pub fn definition() -> Value {
    json!({
        "type": "function",
        "name": NAME,
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "location": { "type": "string", "description": "City name, e.g. Paris" },
                "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] }
            },
            "required": ["location"],
            "additionalProperties": false
        },
        "strict": false
    })
}

/// A plausible answer for `arguments` (the model's JSON text; broken JSON still gets one).
pub fn auto_output(arguments: &str) -> String {
    let args: Value = serde_json::from_str(arguments).unwrap_or(Value::Null);
    let location = args
        .get("location")
        .and_then(Value::as_str)
        .filter(|l| !l.trim().is_empty())
        .unwrap_or("Paris");
    let fahrenheit = args.get("unit").and_then(Value::as_str) == Some("fahrenheit");
    json!({
        "location": location,
        "temperature": if fahrenheit { 70 } else { 21 },
        "unit": if fahrenheit { "fahrenheit" } else { "celsius" },
        "conditions": "sunny"
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_follows_the_arguments() {
        let out: Value =
            serde_json::from_str(&auto_output(r#"{"location":"Oslo","unit":"fahrenheit"}"#))
                .unwrap();
        assert_eq!(out["location"], "Oslo");
        assert_eq!(out["unit"], "fahrenheit");
        let out: Value = serde_json::from_str(&auto_output("not json")).unwrap();
        assert_eq!(out["location"], "Paris");
        assert_eq!(definition()["name"], NAME);
    }
}
