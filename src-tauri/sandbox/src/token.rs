//! OAuth2 client-credentials token endpoint in the style of Entra ID, for `OAuth2` ModelGateway
//! connections (byo-gateway.md §4.2): `POST tokenUrl` with the form
//! `grant_type=client_credentials&client_id=…&client_secret=…&scope=<scopes joined by spaces>`.
//!
//! Tokens are kept by a [`TokenIssuer`] that a gateway with [`GatewayAuth::OAuth2`] consults,
//! so only tokens this endpoint issued (and that have not expired) open that gateway. The count
//! of issued tokens is observable, to test a client's token cache.
//!
//! [`GatewayAuth::OAuth2`]: crate::GatewayAuth::OAuth2

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Router};
use serde_json::json;
use url::Url;

use crate::demo;
use crate::dialect::{self, Dialect, entra_error};
use crate::faults::{Behaviour, Faults, Route};
use crate::server::{self, RecordedRequest, Server, ServerSpec};

/// What the token endpoint accepts and how long its tokens live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenEndpointConfig {
    pub client_id: String,
    pub client_secret: String,
    /// The scope a request must ask for; several scopes are space-separated and compared as a
    /// set. Empty: any scope (or none) is accepted.
    pub scope: String,
    /// Lifetime of issued tokens in seconds (0: born expired).
    pub expires_in: u64,
}

impl TokenEndpointConfig {
    /// [`demo::DEMO_CLIENT_ID`] / [`demo::DEMO_CLIENT_SECRET`] for [`demo::DEMO_SCOPE`], tokens
    /// valid for an hour like Entra's.
    pub fn demo() -> Self {
        Self {
            client_id: demo::DEMO_CLIENT_ID.to_string(),
            client_secret: demo::DEMO_CLIENT_SECRET.to_string(),
            scope: demo::DEMO_SCOPE.to_string(),
            expires_in: 3599,
        }
    }
}

/// Issues access tokens and tells whether a presented token is one of its own and still valid.
/// Cloning shares the same tokens.
#[derive(Clone, Default)]
pub struct TokenIssuer {
    state: Arc<Mutex<IssuerState>>,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("tokens_issued", &self.tokens_issued())
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct IssuerState {
    issued: u64,
    expiry_by_token: HashMap<String, Instant>,
}

impl TokenIssuer {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, IssuerState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Mints a token for `client_id` and `scope`, valid for `lifetime`. The token is shaped like
    /// a JWT (unsigned, `alg: none`) so clients that peek at `exp` or `aud` can.
    pub fn issue(&self, client_id: &str, scope: &str, lifetime: Duration) -> String {
        let mut state = self.lock();
        state.issued += 1;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let audience = scope
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_end_matches("/.default");
        let header = json!({ "typ": "JWT", "alg": "none" });
        let claims = json!({
            "iss": "https://sandbox.gateway-studio.invalid/oauth2",
            "aud": audience,
            "sub": client_id,
            "appid": client_id,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime.as_secs(),
            "jti": format!("{:016x}", random_u64()),
        });
        let token = format!(
            "{}.{}.",
            base64url(header.to_string().as_bytes()),
            base64url(claims.to_string().as_bytes())
        );
        state
            .expiry_by_token
            .insert(token.clone(), Instant::now() + lifetime);
        token
    }

    /// Whether `token` was issued here and has not expired.
    pub fn accepts(&self, token: &str) -> bool {
        self.lock()
            .expiry_by_token
            .get(token)
            .is_some_and(|expiry| Instant::now() < *expiry)
    }

    /// How many tokens were issued so far.
    pub fn tokens_issued(&self) -> u64 {
        self.lock().issued
    }

    /// Makes every token issued so far expired (a client must fetch a new one).
    pub fn expire_all(&self) {
        let now = Instant::now();
        for expiry in self.lock().expiry_by_token.values_mut() {
            *expiry = now;
        }
    }
}

/// A random number from std's randomly seeded hasher: token ids differ across issuers and runs.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher, RandomState};
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0);
    hasher.finish()
}

/// Unpadded base64url (RFC 4648 §5), as JWT segments use.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk.iter().enumerate().fold(0u32, |word, (i, byte)| {
            word | u32::from(*byte) << (16 - 8 * i)
        });
        for i in 0..=chunk.len() {
            let sextet = (word >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[sextet as usize]));
        }
    }
    out
}

struct EndpointState {
    config: TokenEndpointConfig,
    issuer: TokenIssuer,
}

/// A token endpoint serving on loopback; stops on [`shutdown`](Self::shutdown) or drop.
pub struct RunningTokenEndpoint {
    server: Server,
    issuer: TokenIssuer,
}

/// Starts a token endpoint on `127.0.0.1` at a free port.
pub async fn start_token_endpoint(config: TokenEndpointConfig) -> io::Result<RunningTokenEndpoint> {
    start_token_endpoint_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
}

/// Starts a token endpoint on `addr`.
pub async fn start_token_endpoint_on(
    addr: SocketAddr,
    config: TokenEndpointConfig,
) -> io::Result<RunningTokenEndpoint> {
    let issuer = TokenIssuer::new();
    let state = Arc::new(EndpointState {
        config,
        issuer: issuer.clone(),
    });
    let app = Router::new()
        .route(TOKEN_PATH, post(token))
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .fallback(not_found)
        .method_not_allowed_fallback(post_only)
        .with_state(state);
    let server = server::serve(
        addr,
        ServerSpec {
            app,
            dialect: Dialect::Entra,
            classify,
        },
    )
    .await?;
    Ok(RunningTokenEndpoint { server, issuer })
}

/// Path of the token URL ([`RunningTokenEndpoint::token_url`]); Entra's
/// `/{tenant}/oauth2/v2.0/token` is served too.
const TOKEN_PATH: &str = "/oauth2/token";

fn classify(path: &str) -> Route {
    if path.ends_with("/token") {
        Route::Token
    } else {
        Route::Other
    }
}

impl RunningTokenEndpoint {
    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> Url {
        self.server.base_url().clone()
    }

    /// `http://127.0.0.1:PORT/oauth2/token`, the connection's `tokenUrl`.
    pub fn token_url(&self) -> Url {
        let mut url = self.base_url();
        url.set_path(TOKEN_PATH);
        url
    }

    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }

    pub fn clear_requests(&self) {
        self.server.clear_requests();
    }

    /// How many tokens were issued so far (a caching client asks once).
    pub fn tokens_issued(&self) -> u64 {
        self.issuer.tokens_issued()
    }

    /// The issuer a gateway consults to accept this endpoint's tokens.
    pub fn issuer(&self) -> TokenIssuer {
        self.issuer.clone()
    }

    /// Expires every token issued so far.
    pub fn expire_tokens(&self) {
        self.issuer.expire_all();
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// `POST /oauth2/token`: client credentials only, checked in Entra's order.
async fn token(
    State(state): State<Arc<EndpointState>>,
    Extension(behaviour): Extension<Behaviour>,
    body: Bytes,
) -> Response {
    // The first value of a repeated field counts.
    let mut form: HashMap<String, String> = HashMap::new();
    for (key, value) in url::form_urlencoded::parse(&body).into_owned() {
        form.entry(key).or_insert(value);
    }
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let config = &state.config;

    let Some(grant_type) = field("grant_type") else {
        return missing_parameter("grant_type");
    };
    if grant_type != "client_credentials" {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{grant_type}'."),
        );
    }
    let Some(client_id) = field("client_id") else {
        return missing_parameter("client_id");
    };
    if client_id != config.client_id {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            &format!(
                "Application with identifier '{client_id}' was not found in the directory 'sandbox'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."
            ),
        );
    }
    let Some(client_secret) = field("client_secret") else {
        return entra_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
    };
    if client_secret != config.client_secret {
        return entra_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            &format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                config.client_id
            ),
        );
    }
    let requested = field("scope").unwrap_or_default();
    if !scopes_match(requested, &config.scope) {
        let description = if requested.is_empty() {
            "The request body must contain a 'scope' parameter. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).".to_string()
        } else {
            format!(
                "The provided value for the input parameter 'scope' is not valid. The scope '{requested}' is not configured for this resource; expected '{}'.",
                config.scope
            )
        };
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            70011,
            &description,
        );
    }

    if behaviour.wrong_shape {
        return dialect::json(
            StatusCode::OK,
            json!({ "token_type": "Bearer", "expires_in": config.expires_in }),
        );
    }
    let lifetime = Duration::from_secs(config.expires_in);
    let access_token = state.issuer.issue(client_id, requested, lifetime);
    dialect::json(
        StatusCode::OK,
        json!({
            "token_type": "Bearer",
            "expires_in": config.expires_in,
            "ext_expires_in": config.expires_in,
            "access_token": access_token,
        }),
    )
}

/// Scopes compare as sets of space-separated values; an empty expectation accepts anything.
fn scopes_match(requested: &str, expected: &str) -> bool {
    let expected: BTreeSet<&str> = expected.split_whitespace().collect();
    expected.is_empty() || requested.split_whitespace().collect::<BTreeSet<_>>() == expected
}

fn missing_parameter(name: &str) -> Response {
    entra_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        900144,
        &format!("The request body must contain the following parameter: '{name}'."),
    )
}

async fn not_found(request: Request) -> Response {
    Dialect::Entra.not_found(request.method().as_str(), request.uri().path())
}

async fn post_only(request: Request) -> Response {
    entra_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalid_request",
        900561,
        &format!(
            "The endpoint only accepts POST, OPTIONS requests. Received a {} request.",
            request.method()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(b"fooba"), "Zm9vYmE");
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn scopes_compare_as_sets() {
        assert!(scopes_match("b a", "a b"));
        assert!(!scopes_match("a", "a b"));
        assert!(scopes_match("", ""));
        assert!(scopes_match("anything", ""));
        assert!(!scopes_match("", "a"));
    }
}
