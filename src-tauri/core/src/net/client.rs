//! [`HttpClient::send`]: one request, redirects by hand, a capped body, SSE as it arrives,
//! and failures named in plain words.

pub(super) use super::words::duration as duration_words;
use std::error::Error as StdError;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName};
use url::{Host, Url};

use super::proxy::proxy_display;
use super::sse::SseParser;
use super::tls::explain_tls_error;
use super::{
    Exchange, Failure, FailureKind, HttpClient, HttpRequest, Limits, MAX_REDIRECTS, NetError,
    Phase, ProxySettings, Redirect, Response, Timings,
};
use crate::gateway::Header;

/// Long enough for a slow VPN, short enough that a black-holed address does not eat the
/// whole exchange timeout without saying it was the connect that hung.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The reqwest client: our TLS config, our proxy rule, no redirects, no environment lookups.
pub(super) fn build(
    tls: &Arc<rustls::ClientConfig>,
    proxy: &ProxySettings,
) -> Result<reqwest::Client, NetError> {
    let rule = proxy.clone();
    // `Proxy::custom` asks the same `proxy_for` as `via_proxy` and the probe, so reqwest's
    // NO_PROXY reading can never differ from ours (it has no `host:port` entries, for one).
    let proxy = reqwest::Proxy::custom(move |url| rule.proxy_for(url));
    reqwest::Client::builder()
        .tls_backend_preconfigured(rustls::ClientConfig::clone(tls))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .proxy(proxy)
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(|e| {
            NetError::CaBundle(format!(
                "the HTTP client could not be set up with the TLS settings: {}",
                causes_text(&e)
            ))
        })
}

/// Where the exchange is, kept outside the timed future so a timeout can say what it hit.
struct Progress {
    clock: Instant,
    url: Url,
    phase: Phase,
    headers_ms: Option<u64>,
    first_byte_ms: Option<u64>,
    received: u64,
    /// Where each server-sent event goes as soon as it is complete (a live stream).
    events: Option<tokio::sync::mpsc::UnboundedSender<super::SseEvent>>,
}

impl Progress {
    fn elapsed_ms(&self) -> u64 {
        millis(self.clock.elapsed())
    }
}

pub(super) async fn send(
    client: &HttpClient,
    request: HttpRequest,
    limits: Limits,
    events: Option<tokio::sync::mpsc::UnboundedSender<super::SseEvent>>,
) -> Exchange {
    let started_at = SystemTime::now();
    let mut progress = Progress {
        clock: Instant::now(),
        url: request.url.clone(),
        phase: Phase::Headers,
        headers_ms: None,
        first_byte_ms: None,
        received: 0,
        events,
    };
    // Redirects stay on the origin, so the proxy decision holds for every hop.
    let proxy = client.proxy.proxy_for(&request.url);
    let outcome = match tokio::time::timeout(
        limits.timeout,
        exchange(client, &request, limits, proxy.as_ref(), &mut progress),
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(_elapsed) => Err(timeout_failure(&progress, limits.timeout)),
    };
    Exchange {
        via_proxy: proxy.as_ref().map(proxy_display),
        request,
        outcome,
        timings: Timings {
            started_at: Some(started_at),
            headers_ms: progress.headers_ms,
            first_byte_ms: progress.first_byte_ms,
            total_ms: progress.elapsed_ms(),
        },
    }
}

async fn exchange(
    client: &HttpClient,
    request: &HttpRequest,
    limits: Limits,
    proxy: Option<&Url>,
    progress: &mut Progress,
) -> Result<Response, Failure> {
    let mut url = request.url.clone();
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failure {
            kind: FailureKind::Protocol,
            phase: Phase::Headers,
            message: format!(
                "only http:// and https:// URLs can be sent, not {}://",
                url.scheme()
            ),
        });
    }
    let mut method = parse_method(&request.method)?;
    let mut headers = header_map(&request.headers)?;
    let mut body = request.body.clone();
    let mut redirects = Vec::new();
    loop {
        progress.url = url.clone();
        progress.phase = Phase::Headers;
        let mut outgoing = client
            .http
            .request(method.clone(), url.clone())
            .headers(headers.clone());
        if let Some(body) = &body {
            outgoing = outgoing.body(body.clone());
        }
        let response = outgoing
            .send()
            .await
            .map_err(|e| failure(&e, &url, Phase::Headers, proxy, 0))?;
        progress.headers_ms = Some(progress.elapsed_ms());

        let status = response.status().as_u16();
        let Some(to) = redirect_target(status, response.headers(), &url) else {
            return read_response(response, limits, progress, proxy, redirects, None).await;
        };
        let hop = Redirect {
            status,
            from: url.clone(),
            to: to.clone(),
        };
        if to.origin() != url.origin() {
            // Credentials would follow the redirect to a host the user did not name.
            return read_response(response, limits, progress, proxy, redirects, Some(hop)).await;
        }
        if redirects.len() >= MAX_REDIRECTS {
            return read_response(response, limits, progress, proxy, redirects, None).await;
        }
        redirects.push(hop);
        if matches!(status, 301..=303) && method != reqwest::Method::HEAD {
            // What browsers and curl do: the body (and what describes it) is dropped.
            method = reqwest::Method::GET;
            body = None;
            for name in [CONTENT_TYPE, CONTENT_LENGTH, CONTENT_ENCODING] {
                headers.remove(name);
            }
        }
        url = to;
    }
}

/// The `Location` of a redirect status, resolved against `from`; `None` when there is none
/// to follow (then the 3xx is the answer).
fn redirect_target(status: u16, headers: &HeaderMap, from: &Url) -> Option<Url> {
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = headers.get(reqwest::header::LOCATION)?.to_str().ok()?;
    from.join(location.trim()).ok()
}

async fn read_response(
    mut response: reqwest::Response,
    limits: Limits,
    progress: &mut Progress,
    proxy: Option<&Url>,
    redirects: Vec<Redirect>,
    blocked_redirect: Option<Redirect>,
) -> Result<Response, Failure> {
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
    };
    let declared_length = header("content-length").and_then(|v| v.parse().ok());
    let is_event_stream = header("content-type").is_some_and(|v| {
        v.get(..17)
            .is_some_and(|p| p.eq_ignore_ascii_case("text/event-stream"))
    });

    progress.phase = Phase::Body;
    let mut sse = is_event_stream.then(SseParser::default);
    let mut body = Vec::new();
    let mut truncated = false;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                return Err(failure(
                    &e,
                    &progress.url,
                    Phase::Body,
                    proxy,
                    progress.received,
                ));
            }
        };
        if chunk.is_empty() {
            continue;
        }
        let at_ms = progress.elapsed_ms();
        progress.first_byte_ms.get_or_insert(at_ms);
        progress.received += chunk.len() as u64;
        if let Some(parser) = &mut sse {
            let before = parser.events().len();
            parser.feed(&chunk, at_ms);
            if let Some(events) = &progress.events {
                for event in &parser.events()[before..] {
                    // A listener that went away only stops hearing; the exchange goes on.
                    let _ = events.send(event.clone());
                }
            }
        }
        let room = limits.max_body_bytes.saturating_sub(body.len());
        body.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
        if progress.received > limits.max_body_bytes as u64 {
            truncated = true;
            break;
        }
    }
    Ok(Response {
        status,
        headers,
        body,
        received_bytes: progress.received,
        declared_length,
        truncated,
        redirects,
        blocked_redirect,
        sse_events: sse.map(SseParser::finish).unwrap_or_default(),
    })
}

fn parse_method(method: &str) -> Result<reqwest::Method, Failure> {
    reqwest::Method::from_bytes(method.trim().to_ascii_uppercase().as_bytes()).map_err(|_| {
        Failure {
            kind: FailureKind::Protocol,
            phase: Phase::Headers,
            message: format!("`{method}` is not an HTTP method"),
        }
    })
}

/// The headers as reqwest wants them. Errors name the header, never its value.
fn header_map(headers: &[Header]) -> Result<HeaderMap, Failure> {
    let mut map = HeaderMap::new();
    for header in headers {
        let unsendable = |what: String| Failure {
            kind: FailureKind::Protocol,
            phase: Phase::Headers,
            message: what,
        };
        let name = HeaderName::from_bytes(header.name.trim().as_bytes()).map_err(|_| {
            unsendable(format!(
                "`{}` is not a valid HTTP header name",
                header.name.escape_debug()
            ))
        })?;
        let mut value = reqwest::header::HeaderValue::from_bytes(header.value.expose().as_bytes())
            .map_err(|_| {
                unsendable(format!(
                    "the value of header `{name}` cannot be sent: it contains a line break or \
                 another control character"
                ))
            })?;
        // Keeps the value out of reqwest's and hyper's debug output.
        value.set_sensitive(header.value.is_secret());
        map.append(name, value);
    }
    Ok(map)
}

/// `scheme://host[:port]`: what messages name. Never the path, query or user-info.
pub(super) fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The host as it is written in a URL (IPv6 in brackets).
pub(super) fn host_label(url: &Url) -> String {
    match url.host() {
        Some(Host::Ipv6(ip)) => format!("[{ip}]"),
        Some(host) => host.to_string(),
        None => String::from("(no host)"),
    }
}

pub(super) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn timeout_failure(progress: &Progress, timeout: Duration) -> Failure {
    let doing = match progress.phase {
        Phase::Body => format!("reading the body ({} bytes received)", progress.received),
        _ => "connecting and waiting for the status line and headers".to_owned(),
    };
    Failure {
        kind: FailureKind::Timeout,
        phase: progress.phase,
        message: format!(
            "no response from {} within {} while {doing}",
            origin(&progress.url),
            duration_words(timeout)
        ),
    }
}

/// The error and everything under it. `io::Error` hides the error it wraps from `source()`
/// (it skips to that error's own source), so this steps into it explicitly: that is where
/// tokio-rustls keeps the `rustls::Error`.
pub(super) fn causes<'a>(error: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut chain = Vec::new();
    let mut next = Some(error);
    while let Some(current) = next {
        chain.push(current);
        if chain.len() > 32 {
            break;
        }
        next = match current
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => current.source(),
        };
    }
    chain
}

/// The causes of a reqwest error, joined, without reqwest's own line (it holds the full URL,
/// query string included).
fn causes_text(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in causes(error).into_iter().skip(1) {
        let text = cause.to_string();
        if !parts.iter().any(|p| p == &text) {
            parts.push(text);
        }
    }
    if parts.is_empty() {
        // No causes: reqwest's own line, with the URL cut down to its origin.
        let text = error.to_string();
        match error.url() {
            Some(url) => text.replace(url.as_str(), &origin(url)),
            None => text,
        }
    } else {
        parts.join(": ")
    }
}

/// The first `rustls::Error` under `error`.
pub(super) fn find_rustls<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    causes(error)
        .into_iter()
        .find_map(|cause| cause.downcast_ref::<rustls::Error>())
}

/// Turns a reqwest error into a `Failure` that names the problem in plain words.
fn failure(
    error: &reqwest::Error,
    url: &Url,
    phase: Phase,
    proxy: Option<&Url>,
    received: u64,
) -> Failure {
    let host = host_label(url);
    let port = url.port_or_known_default().unwrap_or_default();
    let target = format!("{host}:{port}");
    let origin = origin(url);
    let chain = causes(error);
    let detail = causes_text(error);
    // Causes only: reqwest's own line holds the URL, whose query could match anything.
    let texts: Vec<String> = chain.iter().skip(1).map(|c| c.to_string()).collect();
    let any_text = |needle: &str| texts.iter().any(|t| t.contains(needle));
    let make = |kind, phase, message| Failure {
        kind,
        phase,
        message,
    };

    if let Some(tls) = find_rustls(error) {
        return make(FailureKind::Tls, Phase::Tls, explain_tls_error(tls, &host));
    }
    if any_text("tls handshake eof") {
        return make(
            FailureKind::Tls,
            Phase::Tls,
            format!(
                "the server at {host} closed the connection during the TLS handshake: is the port \
                 plain HTTP, or does it require a client certificate?"
            ),
        );
    }

    // HTTPS through a proxy: hyper-util's tunnel errors read "tunnel error: ...".
    if let (Some(proxy), Some(tunnel)) =
        (proxy, texts.iter().find(|t| t.starts_with("tunnel error")))
    {
        let shown = proxy_display(proxy);
        if tunnel.contains("unsuccessful") {
            return make(
                FailureKind::Connect,
                Phase::Proxy,
                format!(
                    "the proxy {shown} refused to open a tunnel (CONNECT) to {target}: ask for it \
                     to be allowed, or add {host} to NO_PROXY if it is reachable directly"
                ),
            );
        }
        if tunnel.contains("authorization required") {
            return make(
                FailureKind::Connect,
                Phase::Proxy,
                format!(
                    "the proxy {shown} requires authentication (407): put the user and password \
                     in the proxy URL, e.g. http://user:password@proxy:3128"
                ),
            );
        }
        if !tunnel.contains("underlying connection") {
            return make(
                FailureKind::Protocol,
                Phase::Proxy,
                format!("the tunnel through the proxy {shown} to {target} failed: {detail}"),
            );
        }
        // Could not reach the proxy itself: fall through to the DNS/TCP words, about it.
    }
    // Whatever could not be resolved or connected to is the proxy when one is in use.
    let (peer_host, peer) = match proxy {
        Some(proxy) => (
            host_label(proxy),
            format!("the proxy {}", proxy_display(proxy)),
        ),
        None => (host.clone(), target.clone()),
    };

    if error.is_connect() && (any_text("dns error") || any_text("failed to lookup address")) {
        let what = match proxy {
            Some(_) => format!("the proxy's host {peer_host}"),
            None => peer_host,
        };
        return make(
            FailureKind::Connect,
            Phase::Dns,
            format!(
                "could not resolve {what}: {}. Check the host name, your DNS, or whether a VPN \
                 is needed",
                deepest(&chain)
            ),
        );
    }
    if let Some(io) = chain.iter().find_map(|c| c.downcast_ref::<io::Error>()) {
        let during = match phase {
            Phase::Body => format!("while reading the body ({received} bytes received)"),
            _ => "before the response headers".to_owned(),
        };
        match io.kind() {
            io::ErrorKind::ConnectionRefused => {
                return make(
                    FailureKind::Connect,
                    Phase::Tcp,
                    format!(
                        "{peer} refused the connection: nothing is listening on that port, or a \
                         firewall rejected it"
                    ),
                );
            }
            io::ErrorKind::TimedOut if error.is_connect() => {
                return make(
                    FailureKind::Timeout,
                    Phase::Tcp,
                    format!(
                        "could not connect to {peer}: no answer (a firewall may be dropping \
                         packets, or the host is down)"
                    ),
                );
            }
            io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::AddrNotAvailable => {
                return make(
                    FailureKind::Connect,
                    Phase::Tcp,
                    format!("{peer} is unreachable from this machine ({io}): check VPN and routes"),
                );
            }
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof => {
                return make(
                    FailureKind::Protocol,
                    phase,
                    format!("{origin} closed the connection {during}"),
                );
            }
            _ => {}
        }
    }
    if error.is_timeout() && error.is_connect() {
        return make(
            FailureKind::Timeout,
            Phase::Tcp,
            format!(
                "could not connect to {peer} within {}",
                duration_words(CONNECT_TIMEOUT)
            ),
        );
    }
    if error.is_connect() {
        return make(
            FailureKind::Connect,
            Phase::Tcp,
            format!("could not connect to {peer}: {detail}"),
        );
    }
    if phase == Phase::Headers
        && (any_text("invalid HTTP") || any_text("HTTP/0.9") || any_text("parse"))
    {
        let hint = if url.scheme() == "http" {
            " — is it a TLS port? Use https://"
        } else {
            ""
        };
        return make(
            FailureKind::Protocol,
            phase,
            format!(
                "{origin} did not answer with HTTP ({}){hint}",
                deepest(&chain)
            ),
        );
    }
    if phase == Phase::Body {
        return make(
            FailureKind::Protocol,
            phase,
            format!("the body from {origin} broke off after {received} bytes: {detail}"),
        );
    }
    make(
        FailureKind::Protocol,
        phase,
        format!("the exchange with {origin} failed before the response headers: {detail}"),
    )
}

/// The innermost cause's text: usually the OS's own words ("Name or service not known").
fn deepest(chain: &[&(dyn StdError + 'static)]) -> String {
    chain.last().map(|c| c.to_string()).unwrap_or_default()
}

#[cfg(test)]
pub(super) fn duration_words_for_tests(duration: Duration) -> String {
    duration_words(duration)
}
