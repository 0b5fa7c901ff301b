//! OpenAI-style cursor lists: `{"object":"list","data":[…],"first_id","last_id","has_more"}`
//! with `limit` (1–100, default 20), `order` (`asc`|`desc`), `after` and `before` (ids).

use serde_json::{Value, json};

use crate::server::query_param;

/// Paging parameters of one list request.
#[derive(Debug)]
pub(super) struct Page {
    pub(super) limit: usize,
    pub(super) descending: bool,
    pub(super) after: Option<String>,
    pub(super) before: Option<String>,
}

impl Page {
    /// Reads `limit`, `order`, `after`, `before`; `Err` is the message for a 400.
    pub(super) fn from_query(query: Option<&str>, default_desc: bool) -> Result<Self, String> {
        let query = query.unwrap_or_default();
        let limit = match query_param(query, "limit") {
            None => 20,
            Some(text) => match text.parse::<usize>() {
                Ok(limit @ 1..=100) => limit,
                _ => {
                    return Err(format!(
                        "Invalid 'limit': {text}. It must be an integer between 1 and 100."
                    ));
                }
            },
        };
        let descending = match query_param(query, "order").as_deref() {
            None => default_desc,
            Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(format!(
                    "Invalid 'order': {other}. Supported values are: 'asc' and 'desc'."
                ));
            }
        };
        Ok(Self {
            limit,
            descending,
            after: query_param(query, "after").filter(|s| !s.is_empty()),
            before: query_param(query, "before").filter(|s| !s.is_empty()),
        })
    }

    /// One page of `items`, given oldest first as `(id, item)`. An unknown cursor gives an
    /// empty page [I].
    pub(super) fn list(&self, mut items: Vec<(String, Value)>) -> Value {
        if self.descending {
            items.reverse();
        }
        if let Some(after) = &self.after {
            items = match items.iter().position(|(id, _)| id == after) {
                Some(index) => items.split_off(index + 1),
                None => Vec::new(),
            };
        }
        let mut has_more = false;
        if let Some(before) = &self.before {
            let end = items.iter().position(|(id, _)| id == before).unwrap_or(0);
            items.truncate(end);
            if items.len() > self.limit {
                has_more = true;
                items = items.split_off(items.len() - self.limit);
            }
        } else if items.len() > self.limit {
            has_more = true;
            items.truncate(self.limit);
        }
        json!({
            "object": "list",
            "data": items.iter().map(|(_, item)| item.clone()).collect::<Vec<_>>(),
            "first_id": items.first().map(|(id, _)| id.clone()),
            "last_id": items.last().map(|(id, _)| id.clone()),
            "has_more": has_more,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<(String, Value)> {
        (1..=n).map(|i| (format!("i{i}"), json!(i))).collect()
    }

    #[test]
    fn pages_forward_and_back() {
        let page = Page::from_query(Some("limit=2&order=asc"), true).unwrap();
        let first = page.list(items(5));
        assert_eq!(first["data"], json!([1, 2]));
        assert_eq!(first["has_more"], true);
        assert_eq!(first["last_id"], "i2");
        let next = Page::from_query(Some("limit=2&order=asc&after=i4"), true).unwrap();
        let last = next.list(items(5));
        assert_eq!(last["data"], json!([5]));
        assert_eq!(last["has_more"], false);
        let back = Page::from_query(Some("limit=2&order=asc&before=i5"), true).unwrap();
        assert_eq!(back.list(items(5))["data"], json!([3, 4]));
        let desc = Page::from_query(None, true).unwrap();
        assert_eq!(desc.list(items(3))["data"], json!([3, 2, 1]));
    }

    #[test]
    fn bad_parameters_are_named() {
        assert!(
            Page::from_query(Some("limit=0"), true)
                .unwrap_err()
                .contains("'limit'")
        );
        assert!(Page::from_query(Some("limit=101"), true).is_err());
        assert!(
            Page::from_query(Some("order=up"), true)
                .unwrap_err()
                .contains("'order'")
        );
    }
}
