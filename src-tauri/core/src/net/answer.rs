//! An error answer of an Azure service, read the same way by every client: the error object is
//! `{"error": {…}}`, or the same keys at the top (as some providers write them), and every text
//! taken from it goes through the caller's mask (tokens, secrets of the request).

use serde_json::Value;

use super::Response;
use super::words::{excerpt, one_line};

pub(crate) struct ErrorBody {
    json: Option<Value>,
}

impl ErrorBody {
    pub(crate) fn read(response: &Response) -> Self {
        Self {
            json: serde_json::from_slice(&response.body).ok(),
        }
    }

    /// The error object.
    pub(crate) fn error(&self) -> Option<&Value> {
        self.json
            .as_ref()
            .map(|j| j.get("error").filter(|e| e.is_object()).unwrap_or(j))
    }

    /// A string field of the error object, on one line, masked.
    pub(crate) fn field(&self, key: &str, mask: &dyn Fn(&str) -> String) -> Option<String> {
        self.error()
            .and_then(|e| e.get(key))
            .and_then(Value::as_str)
            .map(|text| one_line(&mask(text)))
    }

    /// `error.message`, else the start of a body that is not an error JSON.
    pub(crate) fn message(
        &self,
        response: &Response,
        mask: &dyn Fn(&str) -> String,
    ) -> Option<String> {
        self.field("message", mask).or_else(|| {
            (!response.body.is_empty())
                .then(|| excerpt(&mask(&String::from_utf8_lossy(&response.body))))
        })
    }
}
