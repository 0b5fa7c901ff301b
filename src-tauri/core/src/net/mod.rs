//! Outgoing HTTP for every feature: one client, one trust store, one proxy rule.
//!
//! Everything the app sends (gateway calls, OAuth2 token requests, later ARM and Foundry) goes
//! through [`HttpClient::send`], which returns an [`Exchange`]: what was sent (secrets still
//! wrapped), what came back (body capped), timings, redirects, SSE events, or the phase that
//! failed. The trace store records exchanges; checks explain them. Nothing here decides what a
//! status code *means* — that is the checks' job.
//!
//! Safety rules enforced here (issue #4 §5, §6):
//! - TLS is always verified: OS roots plus the user's CA bundles (PEM). There is no switch to
//!   turn verification off.
//! - `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` are honoured (explicitly, through [`ProxySettings`]).
//! - Redirects are followed by hand, at most [`MAX_REDIRECTS`], and only on the same origin;
//!   a redirect to another origin is never followed (credentials would go with it) and is
//!   returned as the 3xx response with `blocked_redirect` set.
//! - Bodies are read up to [`Limits::max_body_bytes`]; beyond it reading stops and
//!   `truncated` is set, with the bytes received so far and the declared length reported.
//! - [`Limits::timeout`] covers the whole exchange, body included, so a gateway that trickles
//!   bytes times out.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use url::Url;

use crate::gateway::{GatewayRequest, Header, Method};

pub(crate) mod answer;
mod client;
mod probe;
mod proxy;
pub(crate) mod retry_after;
mod sse;
#[cfg(test)]
pub(crate) mod tests;
mod tls;
pub mod words;

pub const MAX_REDIRECTS: usize = 5;
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Proxy settings, read from the environment once (`from_env`) or given explicitly (tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    pub https_proxy: Option<String>,
    pub http_proxy: Option<String>,
    pub no_proxy: Option<String>,
}

/// How to reach the network: proxies and extra trusted CAs.
#[derive(Debug, Clone, Default)]
pub struct NetworkOptions {
    pub proxy: ProxySettings,
    /// PEM bundles (file contents) trusted in addition to the OS roots, each with a label
    /// used in error messages (e.g. the file path, or "connection llm-gw CA bundle").
    pub extra_ca_pem: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// A request on its way out. Header values keep secrets wrapped (see `HeaderValue`).
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// "GET", "POST", "PUT", "PATCH", "DELETE".
    pub method: String,
    pub url: Url,
    pub headers: Vec<Header>,
    pub body: Option<Vec<u8>>,
}

impl From<&GatewayRequest> for HttpRequest {
    fn from(request: &GatewayRequest) -> Self {
        let method = match request.method {
            Method::Get => "GET",
            Method::Post => "POST",
        };
        Self {
            method: method.to_owned(),
            url: request.url.clone(),
            headers: request.headers.clone(),
            // The builder already put `Content-Type` in `headers` when there is a body.
            body: request
                .body
                .as_ref()
                .map(|body| body.to_string().into_bytes()),
        }
    }
}

/// The network phase an exchange or probe was in when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    Dns,
    Tcp,
    Proxy,
    Tls,
    /// Request sent, waiting for the status line and headers.
    Headers,
    /// Reading the response body.
    Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    Timeout,
    /// Refused, reset, unreachable, DNS name not found, proxy refused CONNECT, ...
    Connect,
    /// Certificate or handshake problem; `message` names it in plain words.
    Tls,
    /// The connection broke or the bytes were not HTTP.
    Protocol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub phase: Phase,
    /// One line, plain words, names the host/URL; never contains a secret.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub status: u16,
    pub from: Url,
    /// The `Location` resolved against `from`.
    pub to: Url,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// Milliseconds from the start of the exchange to the arrival of the event's last line.
    pub at_ms: u64,
    /// `event:` field, if any.
    pub event: Option<String>,
    /// `data:` lines joined by `\n`.
    pub data: String,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Names lower-case, in received order.
    pub headers: Vec<(String, String)>,
    /// At most `max_body_bytes`.
    pub body: Vec<u8>,
    /// Bytes received (including any beyond the cap that were read before stopping).
    pub received_bytes: u64,
    /// `Content-Length`, when declared.
    pub declared_length: Option<u64>,
    pub truncated: bool,
    /// Same-origin redirects followed, in order.
    pub redirects: Vec<Redirect>,
    /// Set when the final response is a 3xx to another origin that was NOT followed.
    pub blocked_redirect: Option<Redirect>,
    /// Parsed as they arrived when the response is `text/event-stream`; empty otherwise.
    pub sse_events: Vec<SseEvent>,
}

impl Response {
    /// The first header called `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub started_at: Option<SystemTime>,
    pub headers_ms: Option<u64>,
    pub first_byte_ms: Option<u64>,
    pub total_ms: u64,
}

/// One request and what became of it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: HttpRequest,
    /// The proxy used, if any (scheme://host:port, no credentials).
    pub via_proxy: Option<String>,
    pub outcome: Result<Response, Failure>,
    pub timings: Timings,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    #[error("{0}")]
    CaBundle(String),
    #[error("{0}")]
    Proxy(String),
}

/// One step of a reachability probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeStep {
    pub phase: Phase,
    pub ok: bool,
    pub duration_ms: u64,
    /// What was done or found: "resolved gw.example.com to 10.0.0.4, 10.0.0.5",
    /// "connected to 10.0.0.4:443", "CONNECT via proxy http://proxy:3128 accepted",
    /// "TLS 1.3, certificate for gw.example.com issued by Contoso CA, valid until 2027-01-01".
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub steps: Vec<ProbeStep>,
    /// `Some` when a step failed; that step is the last one.
    pub failure: Option<Failure>,
}

/// The app's one HTTP client. Cheap to clone: clones share connections and the trust store.
#[derive(Clone)]
pub struct HttpClient {
    /// Redirects off, proxies from `proxy` only, TLS from `tls`.
    http: reqwest::Client,
    /// The same config reqwest was built with, so the probe trusts exactly what requests do.
    tls: Arc<rustls::ClientConfig>,
    proxy: ProxySettings,
}

impl HttpClient {
    /// Builds the client. Fails when a proxy setting is not a usable URL or a CA bundle is
    /// not PEM certificates; the message names the variable or bundle and the fix.
    pub fn new(options: &NetworkOptions) -> Result<Self, NetError> {
        options.proxy.validate()?;
        let tls = Arc::new(tls::client_config(&options.extra_ca_pem)?);
        let http = client::build(&tls, &options.proxy)?;
        Ok(Self {
            http,
            tls,
            proxy: options.proxy.clone(),
        })
    }

    /// Sends `request`, following same-origin redirects, and reports what happened. Never
    /// fails: a network problem is the exchange's `outcome`.
    pub async fn send(&self, request: HttpRequest, limits: Limits) -> Exchange {
        client::send(self, request, limits, None).await
    }

    /// [`HttpClient::send`] that also hands each server-sent event to `events` the moment it
    /// is complete, so a reply can be shown while it streams. The exchange still holds them all.
    pub async fn send_streaming(
        &self,
        request: HttpRequest,
        limits: Limits,
        events: tokio::sync::mpsc::UnboundedSender<SseEvent>,
    ) -> Exchange {
        client::send(self, request, limits, Some(events)).await
    }

    /// Checks reachability step by step (DNS, TCP, proxy CONNECT, TLS), each step bounded by
    /// `timeout`, with the same proxy rule and trust store as [`HttpClient::send`].
    pub async fn probe(&self, url: &Url, timeout: Duration) -> Probe {
        probe::probe(self, url, timeout).await
    }
}
