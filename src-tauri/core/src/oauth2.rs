//! OAuth2 client credentials, as the Agent Service gets a token for an `OAuth2` ModelGateway
//! connection (byo-gateway.md §4.2): `POST tokenUrl` with the form
//! `grant_type=client_credentials&client_id=…&client_secret=…&scope=<scopes joined by spaces>`,
//! then `Authorization: Bearer <access_token>` on every gateway call.
//!
//! Tokens are cached in memory (never on disk) until shortly before they expire.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use url::Url;

use crate::gateway::{Header, HeaderValue};
use crate::net::{Exchange, HttpClient, HttpRequest, Limits};
use crate::secrets::Sensitive;

/// A token is renewed this long before it expires, or at half its life if that is shorter.
const RENEW_BEFORE: Duration = Duration::from_secs(300);
/// Assumed lifetime when the endpoint does not say (`expires_in` is RECOMMENDED, RFC 6749).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

pub struct ClientCredentials<'a> {
    pub token_url: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a Sensitive<String>,
    pub scopes: &'a [String],
}

#[derive(Debug, Clone)]
pub struct Token {
    pub access_token: Sensitive<String>,
    /// Seconds of validity the endpoint announced.
    pub expires_in: Option<u64>,
    pub from_cache: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error(
        "`tokenUrl` ({url}) is not an absolute https URL: {reason}. Use the token endpoint of your identity provider, e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token"
    )]
    BadUrl { url: String, reason: String },
    #[error("the token endpoint refused the request ({status}): {error}{}", description.as_deref().map(|d| format!(" — {d}")).unwrap_or_default())]
    Refused {
        status: u16,
        /// OAuth2 `error` (`invalid_client`, `invalid_scope`, …), or `HTTP <status>`.
        error: String,
        description: Option<String>,
    },
    #[error("the token endpoint could not be reached: {0}")]
    Network(String),
    #[error("the token endpoint answered {status} but {reason}")]
    BadResponse { status: u16, reason: String },
}

impl TokenError {
    /// What to change, in the connection's words.
    pub fn hint(&self) -> String {
        match self {
            Self::BadUrl { .. } => "Fix `tokenUrl` on the connection.".into(),
            Self::Refused { error, .. } => match error.as_str() {
                "invalid_client" | "unauthorized_client" => {
                    "Check `clientId` and the client secret (it may have expired or been rotated).".into()
                }
                "invalid_scope" => {
                    "Check `scopes`: for Entra ID use the gateway app's `api://<app-id>/.default`; scopes are sent joined by spaces.".into()
                }
                "unsupported_grant_type" => {
                    "The endpoint does not allow the client-credentials grant for this client; enable it at the identity provider.".into()
                }
                _ => "Check `tokenUrl`, `clientId`, the client secret and `scopes` against the identity provider.".into(),
            },
            Self::Network(_) => "Check that `tokenUrl` is reachable from this machine (proxy, DNS, certificate).".into(),
            Self::BadResponse { .. } => {
                "`tokenUrl` may point at a page rather than the OAuth2 token endpoint (…/oauth2/v2.0/token on Entra ID).".into()
            }
        }
    }
}

struct Cached {
    token: Sensitive<String>,
    expires_in: Option<u64>,
    renew_at: Instant,
}

/// Fetches and caches client-credentials tokens.
pub struct TokenClient {
    http: HttpClient,
    cache: Mutex<HashMap<u64, Cached>>,
}

fn cache_key(credentials: &ClientCredentials<'_>) -> u64 {
    // The secret is part of the key so a corrected secret is used at once; only a hash of it
    // is held, in memory.
    let mut hasher = DefaultHasher::new();
    credentials.token_url.hash(&mut hasher);
    credentials.client_id.hash(&mut hasher);
    credentials.client_secret.expose().hash(&mut hasher);
    credentials.scopes.hash(&mut hasher);
    hasher.finish()
}

/// The form body of the token request.
pub fn token_request(credentials: &ClientCredentials<'_>) -> Result<HttpRequest, TokenError> {
    let url = Url::parse(credentials.token_url.trim()).map_err(|e| TokenError::BadUrl {
        url: credentials.token_url.to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(TokenError::BadUrl {
            url: credentials.token_url.to_string(),
            reason: "the scheme is not https".into(),
        });
    }
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", credentials.client_id)
        .append_pair("client_secret", credentials.client_secret.expose())
        .append_pair("scope", &credentials.scopes.join(" "))
        .finish();
    Ok(HttpRequest {
        method: "POST".into(),
        url,
        headers: vec![
            Header {
                name: "Content-Type".into(),
                value: HeaderValue::Plain("application/x-www-form-urlencoded".into()),
            },
            Header {
                name: "Accept".into(),
                value: HeaderValue::Plain("application/json".into()),
            },
        ],
        body: Some(body.into_bytes()),
    })
}

fn renew_at(now: Instant, lifetime: Duration) -> Instant {
    now + lifetime.saturating_sub(RENEW_BEFORE.min(lifetime / 2))
}

impl TokenClient {
    pub fn new(http: HttpClient) -> Self {
        Self {
            http,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// A token for `credentials`, from the cache when still fresh. The exchange is returned
    /// for the trace when one was made.
    pub async fn token(
        &self,
        credentials: &ClientCredentials<'_>,
        limits: Limits,
    ) -> (Result<Token, TokenError>, Option<Exchange>) {
        let key = cache_key(credentials);
        if let Ok(cache) = self.cache.lock()
            && let Some(cached) = cache.get(&key)
            && Instant::now() < cached.renew_at
        {
            return (
                Ok(Token {
                    access_token: cached.token.clone(),
                    expires_in: cached.expires_in,
                    from_cache: true,
                }),
                None,
            );
        }
        let request = match token_request(credentials) {
            Ok(r) => r,
            Err(e) => return (Err(e), None),
        };
        let exchange = self.http.send(request, limits).await;
        let result = parse_token_response(&exchange);
        if let Ok(token) = &result
            && let Ok(mut cache) = self.cache.lock()
        {
            let lifetime = token
                .expires_in
                .map(Duration::from_secs)
                .unwrap_or(DEFAULT_LIFETIME);
            cache.insert(
                key,
                Cached {
                    token: token.access_token.clone(),
                    expires_in: token.expires_in,
                    renew_at: renew_at(Instant::now(), lifetime),
                },
            );
        }
        (result, Some(exchange))
    }

    /// Forgets every cached token (after the user edits the connection's credentials).
    pub fn clear(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
    }
}

fn parse_token_response(exchange: &Exchange) -> Result<Token, TokenError> {
    let response = match &exchange.outcome {
        Ok(r) => r,
        Err(failure) => return Err(TokenError::Network(failure.message.clone())),
    };
    let status = response.status;
    let json: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
    if !(200..300).contains(&status) {
        let field = |name: &str| {
            json.as_ref()
                .and_then(|j| j.get(name))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        return Err(TokenError::Refused {
            status,
            error: field("error").unwrap_or_else(|| format!("HTTP {status}")),
            description: field("error_description"),
        });
    }
    let Some(json) = json else {
        return Err(TokenError::BadResponse {
            status,
            reason: "the body is not JSON".into(),
        });
    };
    let Some(access_token) = json.get("access_token").and_then(|v| v.as_str()) else {
        return Err(TokenError::BadResponse {
            status,
            reason: "the body has no `access_token`".into(),
        });
    };
    if let Some(kind) = json.get("token_type").and_then(|v| v.as_str())
        && !kind.eq_ignore_ascii_case("bearer")
    {
        return Err(TokenError::BadResponse {
            status,
            reason: format!("`token_type` is {kind}, not Bearer"),
        });
    }
    // `expires_in` is a number per RFC 6749; some servers send it as a string.
    let expires_in = json.get("expires_in").and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    });
    Ok(Token {
        access_token: Sensitive::new(access_token.to_string()),
        expires_in,
        from_cache: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_request_is_the_reference_form() {
        let secret = Sensitive::new("s3cr3t&=".to_string());
        let scopes = vec!["api://gw/.default".to_string(), "openid".to_string()];
        let request = token_request(&ClientCredentials {
            token_url: "https://login.example.com/t/oauth2/v2.0/token",
            client_id: "client-1",
            client_secret: &secret,
            scopes: &scopes,
        })
        .unwrap();
        assert_eq!(request.method, "POST");
        let body = String::from_utf8(request.body.unwrap()).unwrap();
        assert_eq!(
            body,
            "grant_type=client_credentials&client_id=client-1&client_secret=s3cr3t%26%3D&scope=api%3A%2F%2Fgw%2F.default+openid"
        );
        assert!(
            request
                .headers
                .iter()
                .any(|h| h.value.expose() == "application/x-www-form-urlencoded")
        );
    }

    #[test]
    fn a_bad_token_url_is_named() {
        let secret = Sensitive::new("x".to_string());
        let err = token_request(&ClientCredentials {
            token_url: "login.example.com/token",
            client_id: "c",
            client_secret: &secret,
            scopes: &[],
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("`tokenUrl` (login.example.com/token)")
        );
    }

    #[test]
    fn renewal_happens_before_expiry() {
        let now = Instant::now();
        assert_eq!(
            renew_at(now, Duration::from_secs(3600)),
            now + Duration::from_secs(3300)
        );
        // Short-lived tokens are renewed at half-life rather than immediately.
        assert_eq!(
            renew_at(now, Duration::from_secs(60)),
            now + Duration::from_secs(30)
        );
    }
}
