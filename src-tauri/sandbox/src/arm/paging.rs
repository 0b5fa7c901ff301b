//! ARM list paging: `{"value":[…],"nextLink":"<absolute URL>"}`, where the next link is the same
//! request with a `$skipToken`. The token is opaque to clients but tied to the list it came
//! from (path and filters), so a token replayed on another list is refused, as ARM providers do
//! with their continuation tokens [I].

use serde_json::{Value, json};

use super::errors::{ArmError, ArmResult};

pub(super) const SKIP_TOKEN: &str = "$skipToken";

/// The parts of a list request that paging needs.
pub(super) struct ListRequest<'a> {
    /// The path as the client sent it (still percent-encoded).
    pub(super) path: &'a str,
    /// The raw query string (without `?`).
    pub(super) query: &'a str,
}

impl ListRequest<'_> {
    /// Decoded query pairs.
    fn pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    fn skip_token(&self) -> Option<String> {
        self.pairs()
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(SKIP_TOKEN))
            .map(|(_, v)| v)
    }

    /// What identifies the list: the path (case-insensitively, like ARM) and every query
    /// parameter except the api-version and the token.
    fn fingerprint(&self) -> u64 {
        let mut pairs: Vec<(String, String)> = self
            .pairs()
            .into_iter()
            .filter(|(k, _)| {
                !k.eq_ignore_ascii_case(SKIP_TOKEN) && !k.eq_ignore_ascii_case("api-version")
            })
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        pairs.sort();
        let mut text = self.path.trim_end_matches('/').to_ascii_lowercase();
        for (k, v) in pairs {
            text.push('\n');
            text.push_str(&k);
            text.push('=');
            text.push_str(&v);
        }
        fnv1a(text.as_bytes())
    }
}

/// FNV-1a: stable across runs, so a token stays valid as long as the list is the same.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn encode(offset: usize, fingerprint: u64) -> String {
    format!("{offset:08x}{fingerprint:016x}")
}

fn decode(token: &str) -> Option<(usize, u64)> {
    if token.len() != 24 || !token.is_ascii() {
        return None;
    }
    let offset = usize::from_str_radix(&token[..8], 16).ok()?;
    let fingerprint = u64::from_str_radix(&token[8..], 16).ok()?;
    Some((offset, fingerprint))
}

/// One page of `items` for `request`, with a `nextLink` under `origin` (`http://host:port`)
/// when more follow.
pub(super) fn page(
    items: Vec<Value>,
    page_size: usize,
    request: &ListRequest<'_>,
    origin: &str,
) -> ArmResult<Value> {
    let page_size = page_size.max(1);
    let fingerprint = request.fingerprint();
    let offset = match request.skip_token() {
        None => 0,
        Some(token) => match decode(&token) {
            Some((offset, print)) if offset > 0 && print == fingerprint => offset,
            _ => return Err(ArmError::invalid_skip_token(&token)),
        },
    };
    let end = offset.saturating_add(page_size).min(items.len());
    let more = end < items.len();
    let value: Vec<Value> = items.into_iter().skip(offset).take(page_size).collect();
    let mut body = json!({ "value": value });
    if more {
        body["nextLink"] = Value::String(next_link(request, origin, &encode(end, fingerprint)));
    }
    Ok(body)
}

/// The request again, absolute, with the new token in place of the old one. The other query
/// parameters are kept byte for byte.
fn next_link(request: &ListRequest<'_>, origin: &str, token: &str) -> String {
    let kept: Vec<&str> = request
        .query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(k, _)| k);
            let decoded: String = url::form_urlencoded::parse(key.as_bytes())
                .map(|(k, _)| k.into_owned())
                .next()
                .unwrap_or_default();
            !decoded.eq_ignore_ascii_case(SKIP_TOKEN)
        })
        .collect();
    let mut query = kept.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(SKIP_TOKEN);
    query.push('=');
    query.push_str(token);
    format!("{}{}?{query}", origin.trim_end_matches('/'), request.path)
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::*;

    fn items(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!(i)).collect()
    }

    #[test]
    fn pages_follow_to_the_end() {
        let base = "http://127.0.0.1:9/";
        let first = ListRequest {
            path: "/x/connections",
            query: "api-version=2026-05-01&category=ModelGateway",
        };
        let page1 = page(items(5), 2, &first, base).unwrap();
        assert_eq!(page1["value"], json!([0, 1]));
        let link = Url::parse(page1["nextLink"].as_str().unwrap()).unwrap();
        assert_eq!(link.path(), "/x/connections");
        let query = link.query().unwrap().to_string();
        assert!(query.starts_with("api-version=2026-05-01&category=ModelGateway&$skipToken="));
        let second = ListRequest {
            path: "/x/connections",
            query: &query,
        };
        let page2 = page(items(5), 2, &second, base).unwrap();
        assert_eq!(page2["value"], json!([2, 3]));
        let query = Url::parse(page2["nextLink"].as_str().unwrap())
            .unwrap()
            .query()
            .unwrap()
            .to_string();
        let page3 = page(
            items(5),
            2,
            &ListRequest {
                path: "/x/connections",
                query: &query,
            },
            base,
        )
        .unwrap();
        assert_eq!(page3, json!({ "value": [4] }));

        // The same token on another list, or made up, is refused.
        let other = ListRequest {
            path: "/x/connections",
            query: &query.replace("ModelGateway", "ApiManagement"),
        };
        assert!(page(items(5), 2, &other, base).is_err());
        let made_up = ListRequest {
            path: "/x/connections",
            query: "$skipToken=abc",
        };
        assert!(page(items(5), 2, &made_up, base).is_err());
    }
}
