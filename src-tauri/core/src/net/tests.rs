//! The net module against real loopback servers: plain HTTP, TLS with a generated CA, and a
//! CONNECT proxy. No mocks: every byte crosses a socket.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use url::Url;

use super::proxy::{parse_proxy_url, proxy_display};
use super::sse::SseParser;
use super::*;
use crate::gateway::HeaderValue;
use crate::secrets::Sensitive;

// ---------------------------------------------------------------------------------------------
// Certificates

pub(crate) struct Pki {
    pub(crate) ca_pem: String,
    /// For `localhost` and 127.0.0.1, signed by the CA.
    pub(crate) localhost: Arc<rustls::ServerConfig>,
    /// For `other.example` only, signed by the same CA.
    other_name: Arc<rustls::ServerConfig>,
}

pub(crate) fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Gateway Studio Test CA");
        let ca_key = KeyPair::generate().expect("CA key");
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA certificate");
        let leaf = |names: &[&str]| {
            let key = KeyPair::generate().expect("server key");
            let params =
                CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
                    .expect("server params");
            let cert = params.signed_by(&key, &ca).expect("server certificate");
            server_config(cert.der().clone(), key.serialize_der())
        };
        Pki {
            ca_pem: ca.pem(),
            localhost: leaf(&["localhost", "127.0.0.1"]),
            other_name: leaf(&["other.example"]),
        }
    })
}

fn server_config(cert: CertificateDer<'static>, key_der: Vec<u8>) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![cert],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der)),
        )
        .expect("server config");
    Arc::new(config)
}

pub(crate) fn client(trust_test_ca: bool, proxy: ProxySettings) -> HttpClient {
    let extra_ca_pem = if trust_test_ca {
        vec![("test CA".to_owned(), pki().ca_pem.clone())]
    } else {
        Vec::new()
    };
    HttpClient::new(&NetworkOptions {
        proxy,
        extra_ca_pem,
    })
    .expect("client")
}

fn direct() -> HttpClient {
    client(false, ProxySettings::default())
}

// ---------------------------------------------------------------------------------------------
// A tiny HTTP/1.1 server: one request per connection, then `Connection: close`.

#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: String,
    /// The request target as sent: origin-form, or absolute-form through a proxy.
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) enum Reply {
    /// The whole response at once.
    Now(Vec<u8>),
    /// Each piece after its delay: trickles and event streams.
    Paced(Vec<(Duration, Vec<u8>)>),
    /// Read the request, then say nothing.
    Silence,
}

pub(crate) fn reply(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    Reply::Now(response_bytes(status, headers, body))
}

fn response_bytes(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} Test\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

type Handler = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

pub(crate) struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    fn url(&self, scheme: &str, host: &str, path: &str) -> Url {
        Url::parse(&format!("{scheme}://{host}:{}{path}", self.addr.port())).expect("server URL")
    }
    pub(crate) fn http(&self, path: &str) -> Url {
        self.url("http", "127.0.0.1", path)
    }
    pub(crate) fn https(&self, path: &str) -> Url {
        self.url("https", "localhost", path)
    }
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("seen").clone()
    }
}

pub(crate) async fn serve(
    tls: Option<Arc<rustls::ServerConfig>>,
    handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let handler: Handler = Arc::new(handler);
    let acceptor = tls.map(TlsAcceptor::from);
    let (seen_in, connections_in) = (seen.clone(), connections.clone());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            connections_in.fetch_add(1, Ordering::SeqCst);
            let (handler, seen, acceptor) = (handler.clone(), seen_in.clone(), acceptor.clone());
            tokio::spawn(async move {
                match acceptor {
                    Some(acceptor) => {
                        if let Ok(tls) = acceptor.accept(socket).await {
                            answer(tls, &handler, &seen).await;
                        }
                    }
                    None => answer(socket, &handler, &seen).await,
                }
            });
        }
    });
    Server {
        addr,
        seen,
        connections,
    }
}

async fn answer<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    handler: &Handler,
    seen: &Mutex<Vec<Seen>>,
) {
    let Some((head, mut body)) = read_head(&mut stream).await else {
        return;
    };
    if head.first() == Some(&0x16) {
        // A TLS ClientHello on a plain port: answer as a plain HTTP server would.
        let _ = stream
            .write_all(&response_bytes(400, &[], b"plain HTTP here"))
            .await;
        return;
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    while body.len() < length {
        let mut buf = [0u8; 8192];
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    let request = Seen {
        method,
        target,
        headers,
        body,
    };
    let reply = handler(&request);
    seen.lock().expect("seen").push(request);
    match reply {
        Reply::Now(bytes) => {
            let _ = stream.write_all(&bytes).await;
        }
        Reply::Paced(pieces) => {
            for (delay, bytes) in pieces {
                tokio::time::sleep(delay).await;
                if stream.write_all(&bytes).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
        }
        Reply::Silence => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            return;
        }
    }
    let _ = stream.flush().await;
    let _ = stream.shutdown().await;
}

/// Reads up to the blank line; returns the head and any bytes read past it. A TLS
/// ClientHello (first byte 0x16) is returned at once as the "head".
async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut data = Vec::new();
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = data.split_off(end + 4);
            return Some((data, rest));
        }
        if data.first() == Some(&0x16) {
            return Some((data, Vec::new()));
        }
        let mut buf = [0u8; 4096];
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

fn json_ok(_: &Seen) -> Reply {
    reply(
        200,
        &[("Content-Type", "application/json")],
        br#"{"ok":true}"#,
    )
}

// ---------------------------------------------------------------------------------------------
// A tiny forward proxy: CONNECT tunnels and absolute-form forwarding.

/// `(request line, Proxy-Authorization)` of every request the proxy received.
type ProxyLog = Arc<Mutex<Vec<(String, Option<String>)>>>;

struct Proxy {
    addr: SocketAddr,
    requests: ProxyLog,
}

impl Proxy {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }
    fn requests(&self) -> Vec<(String, Option<String>)> {
        self.requests.lock().expect("requests").clone()
    }
}

/// `connect_status` is what CONNECT gets: 200 opens the tunnel, anything else refuses.
async fn proxy(connect_status: u16) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let requests: ProxyLog = Arc::default();
    let log = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let Some((head, rest)) = read_head(&mut client).await else {
                    return;
                };
                let text = String::from_utf8_lossy(&head).into_owned();
                let request_line = text.lines().next().unwrap_or_default().to_owned();
                let auth = text
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .find(|(n, _)| n.eq_ignore_ascii_case("proxy-authorization"))
                    .map(|(_, v)| v.trim().to_owned());
                log.lock()
                    .expect("requests")
                    .push((request_line.clone(), auth));
                let mut parts = request_line.split(' ');
                let method = parts.next().unwrap_or_default();
                let target = parts.next().unwrap_or_default();
                if method == "CONNECT" {
                    if connect_status != 200 {
                        let refusal = format!(
                            "HTTP/1.1 {connect_status} Forbidden\r\nContent-Length: 0\r\n\r\n"
                        );
                        let _ = client.write_all(refusal.as_bytes()).await;
                        return;
                    }
                    let Ok(mut upstream) = TcpStream::connect(target).await else {
                        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                        return;
                    };
                    let _ = client
                        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                        .await;
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                } else {
                    let Some(authority) = Url::parse(target)
                        .ok()
                        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port()?)))
                    else {
                        return;
                    };
                    let Ok(mut upstream) = TcpStream::connect(authority).await else {
                        return;
                    };
                    let _ = upstream.write_all(&head).await;
                    let _ = upstream.write_all(&rest).await;
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    Proxy { addr, requests }
}

fn via(proxy: &Proxy) -> ProxySettings {
    ProxySettings {
        https_proxy: Some(proxy.url()),
        http_proxy: Some(proxy.url()),
        no_proxy: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn get(url: Url) -> HttpRequest {
    HttpRequest {
        method: "GET".to_owned(),
        url,
        headers: Vec::new(),
        body: None,
    }
}

fn post(url: Url, body: &[u8]) -> HttpRequest {
    HttpRequest {
        method: "POST".to_owned(),
        url,
        headers: vec![Header {
            name: "Content-Type".to_owned(),
            value: HeaderValue::Plain("application/json".to_owned()),
        }],
        body: Some(body.to_vec()),
    }
}

fn limits(timeout_ms: u64) -> Limits {
    Limits {
        timeout: Duration::from_millis(timeout_ms),
        ..Limits::default()
    }
}

fn ok(exchange: &Exchange) -> &Response {
    match &exchange.outcome {
        Ok(response) => response,
        Err(failure) => panic!("expected a response, got {failure:?}"),
    }
}

fn failed(exchange: &Exchange) -> &Failure {
    match &exchange.outcome {
        Ok(response) => panic!("expected a failure, got status {}", response.status),
        Err(failure) => failure,
    }
}

/// A port nothing listens on.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("address").port()
}

// ---------------------------------------------------------------------------------------------
// send: responses, redirects, limits

#[tokio::test]
async fn send_returns_status_headers_body_and_timings() {
    let server = serve(None, json_ok).await;
    let mut request = get(server.http("/models?api-version=1"));
    request.headers.push(Header {
        name: "api-key".to_owned(),
        value: HeaderValue::Secret(Sensitive::new("s3cret".to_owned())),
    });
    let exchange = direct().send(request, limits(2000)).await;
    let response = ok(&exchange);
    assert_eq!(response.status, 200);
    assert_eq!(response.body, br#"{"ok":true}"#);
    assert_eq!(response.header("Content-Type"), Some("application/json"));
    assert_eq!(response.header("CONTENT-LENGTH"), Some("11"));
    assert_eq!(response.declared_length, Some(11));
    assert_eq!(response.received_bytes, 11);
    assert!(!response.truncated);
    assert!(response.redirects.is_empty() && response.blocked_redirect.is_none());
    assert!(response.sse_events.is_empty());
    assert_eq!(exchange.via_proxy, None);
    let timings = &exchange.timings;
    assert!(timings.started_at.is_some());
    let headers_ms = timings.headers_ms.expect("headers_ms");
    let first_byte_ms = timings.first_byte_ms.expect("first_byte_ms");
    assert!(headers_ms <= first_byte_ms && first_byte_ms <= timings.total_ms);

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].target, "/models?api-version=1");
    assert_eq!(seen[0].header("api-key"), Some("s3cret"));
}

#[tokio::test]
async fn send_follows_307_with_method_and_body() {
    let server = serve(None, |seen| match seen.target.as_str() {
        "/start" => reply(307, &[("Location", "/next")], b""),
        _ => json_ok(seen),
    })
    .await;
    let exchange = direct()
        .send(post(server.http("/start"), b"{\"a\":1}"), limits(2000))
        .await;
    let response = ok(&exchange);
    assert_eq!(response.status, 200);
    assert_eq!(response.redirects.len(), 1);
    let hop = &response.redirects[0];
    assert_eq!(hop.status, 307);
    assert_eq!(hop.from, server.http("/start"));
    assert_eq!(hop.to, server.http("/next"));
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (seen[1].method.as_str(), seen[1].target.as_str()),
        ("POST", "/next")
    );
    assert_eq!(seen[1].body, b"{\"a\":1}");
    assert_eq!(seen[1].header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn send_turns_302_into_get_without_body() {
    let server = serve(None, |seen| match seen.target.as_str() {
        "/start" => reply(302, &[("Location", "/next")], b""),
        _ => json_ok(seen),
    })
    .await;
    let exchange = direct()
        .send(post(server.http("/start"), b"{\"a\":1}"), limits(2000))
        .await;
    assert_eq!(ok(&exchange).status, 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].method, "GET");
    assert!(seen[1].body.is_empty());
    assert_eq!(seen[1].header("content-type"), None);
}

#[tokio::test]
async fn send_does_not_follow_a_redirect_to_another_origin() {
    let elsewhere = serve(None, json_ok).await;
    let elsewhere_url = elsewhere.http("/steal");
    let location = elsewhere_url.to_string();
    let server = serve(None, move |_| {
        reply(302, &[("Location", location.as_str())], b"moved")
    })
    .await;
    let mut request = get(server.http("/start"));
    request.headers.push(Header {
        name: "Authorization".to_owned(),
        value: HeaderValue::Secret(Sensitive::new("Bearer token".to_owned())),
    });
    let exchange = direct().send(request, limits(2000)).await;
    let response = ok(&exchange);
    assert_eq!(response.status, 302);
    assert_eq!(response.body, b"moved");
    assert!(response.redirects.is_empty());
    let blocked = response
        .blocked_redirect
        .as_ref()
        .expect("blocked redirect");
    assert_eq!(blocked.status, 302);
    assert_eq!(blocked.from, server.http("/start"));
    assert_eq!(blocked.to, elsewhere_url);
    assert_eq!(elsewhere.connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn send_stops_a_redirect_loop_after_max_redirects() {
    let server = serve(None, |_| reply(302, &[("Location", "/loop")], b"")).await;
    let exchange = direct().send(get(server.http("/loop")), limits(2000)).await;
    let response = ok(&exchange);
    assert_eq!(response.status, 302);
    assert_eq!(response.redirects.len(), MAX_REDIRECTS);
    assert!(response.blocked_redirect.is_none());
    assert_eq!(server.seen().len(), MAX_REDIRECTS + 1);
}

#[tokio::test]
async fn send_caps_the_body() {
    const SENT: usize = 3 * 1024 * 1024;
    const CAP: usize = 1024 * 1024;
    let server = serve(None, |_| reply(200, &[], &vec![b'x'; SENT])).await;
    let limits = Limits {
        timeout: Duration::from_secs(2),
        max_body_bytes: CAP,
    };
    let exchange = direct().send(get(server.http("/big")), limits).await;
    let response = ok(&exchange);
    assert!(response.truncated);
    assert_eq!(response.body.len(), CAP);
    assert!(response.received_bytes >= CAP as u64);
    assert_eq!(response.declared_length, Some(SENT as u64));
}

#[tokio::test]
async fn send_times_out_on_a_trickling_body() {
    let server = serve(None, |_| {
        let mut pieces = vec![(
            Duration::ZERO,
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".to_vec(),
        )];
        pieces.extend((0..20).map(|_| (Duration::from_millis(200), b"x".to_vec())));
        Reply::Paced(pieces)
    })
    .await;
    let exchange = direct()
        .send(get(server.http("/slow?key=hidden")), limits(1000))
        .await;
    let failure = failed(&exchange);
    assert_eq!(failure.kind, FailureKind::Timeout);
    assert_eq!(failure.phase, Phase::Body);
    let origin = format!("http://127.0.0.1:{}", server.addr.port());
    assert!(
        failure.message.starts_with(&format!(
            "no response from {origin} within 1 s while reading the body"
        )),
        "{}",
        failure.message
    );
    assert!(!failure.message.contains("hidden"), "{}", failure.message);
    assert!(exchange.timings.first_byte_ms.is_some());
    assert!(exchange.timings.total_ms >= 1000);
}

#[tokio::test]
async fn send_times_out_waiting_for_headers() {
    let server = serve(None, |_| Reply::Silence).await;
    let exchange = direct().send(get(server.http("/")), limits(300)).await;
    let failure = failed(&exchange);
    assert_eq!(failure.kind, FailureKind::Timeout);
    assert_eq!(failure.phase, Phase::Headers);
    assert!(
        failure.message.contains("within 300 ms while"),
        "{}",
        failure.message
    );
    assert_eq!(exchange.timings.headers_ms, None);
}

#[tokio::test]
async fn send_reports_a_refused_port() {
    let port = closed_port().await;
    let url = Url::parse(&format!("http://127.0.0.1:{port}/x?api-key=hidden")).expect("url");
    let exchange = direct().send(get(url), limits(2000)).await;
    let failure = failed(&exchange);
    assert_eq!(failure.kind, FailureKind::Connect);
    assert_eq!(failure.phase, Phase::Tcp);
    assert!(
        failure.message.contains(&format!("127.0.0.1:{port}")),
        "{}",
        failure.message
    );
    assert!(failure.message.contains("refused"), "{}", failure.message);
    assert!(!failure.message.contains("hidden"), "{}", failure.message);
}

#[tokio::test]
async fn send_reports_an_unresolvable_host() {
    let url = Url::parse("https://nonexistent.invalid/x").expect("url");
    let exchange = direct().send(get(url), limits(2000)).await;
    let failure = failed(&exchange);
    assert_eq!(failure.kind, FailureKind::Connect);
    assert_eq!(failure.phase, Phase::Dns);
    assert!(
        failure
            .message
            .starts_with("could not resolve nonexistent.invalid"),
        "{}",
        failure.message
    );
}

#[tokio::test]
async fn send_parses_server_sent_events_as_they_arrive() {
    let server = serve(None, |_| {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nConnection: close\r\n\r\n".to_vec();
        Reply::Paced(vec![
            (Duration::ZERO, head),
            (Duration::ZERO, b": keep-alive\n\ndata: {\"n\":1}\n\n".to_vec()),
            (
                Duration::from_millis(100),
                b"event: delta\r\ndata: line one\r\ndata:line two\r\n\r\n".to_vec(),
            ),
            (Duration::from_millis(100), b"data: [DONE]\n".to_vec()),
            (Duration::ZERO, b"\n".to_vec()),
        ])
    })
    .await;
    let exchange = direct()
        .send(get(server.http("/stream")), limits(2000))
        .await;
    let events = &ok(&exchange).sse_events;
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(
        (events[0].event.as_deref(), events[0].data.as_str()),
        (None, "{\"n\":1}")
    );
    assert_eq!(
        (events[1].event.as_deref(), events[1].data.as_str()),
        (Some("delta"), "line one\nline two")
    );
    assert_eq!(events[2].data, "[DONE]");
    assert!(events[1].at_ms >= events[0].at_ms + 80, "{events:?}");
    assert!(events[2].at_ms >= events[1].at_ms + 80, "{events:?}");
}

#[tokio::test]
async fn send_streaming_hands_over_each_event_before_the_stream_ends() {
    let server = serve(None, |_| {
        let head =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                .to_vec();
        Reply::Paced(vec![
            (Duration::ZERO, head),
            (Duration::ZERO, b"data: one\n\n".to_vec()),
            (Duration::from_millis(300), b"data: two\n\n".to_vec()),
        ])
    })
    .await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let started = std::time::Instant::now();
    let client = direct();
    let sending = tokio::spawn(async move {
        client
            .send_streaming(get(server.http("/stream")), limits(2000), tx)
            .await
    });
    let first = rx.recv().await.expect("the first event");
    assert_eq!(first.data, "one");
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "the first event came only with the end of the stream"
    );
    assert_eq!(rx.recv().await.expect("the second event").data, "two");
    let exchange = sending.await.unwrap();
    assert_eq!(
        ok(&exchange).sse_events.len(),
        2,
        "the exchange keeps them all"
    );
    assert!(
        rx.recv().await.is_none(),
        "the sender is gone with the exchange"
    );
}

#[tokio::test]
async fn send_never_puts_secrets_in_failures() {
    let port = closed_port().await;
    let mut request = post(
        Url::parse(&format!(
            "https://user:pw@localhost:{port}/x?code=QUERYSECRET"
        ))
        .expect("url"),
        b"client_secret=BODYSECRET",
    );
    request.headers.push(Header {
        name: "Authorization".to_owned(),
        value: HeaderValue::Secret(Sensitive::new("Bearer HEADERSECRET".to_owned())),
    });
    let exchange = direct().send(request, limits(2000)).await;
    let message = &failed(&exchange).message;
    for secret in ["QUERYSECRET", "BODYSECRET", "HEADERSECRET", "pw"] {
        assert!(!message.contains(secret), "{message}");
    }
    // An unsendable header value is named, its value is not.
    let mut request = get(Url::parse("http://127.0.0.1:1/").expect("url"));
    request.headers.push(Header {
        name: "x-key".to_owned(),
        value: HeaderValue::Secret(Sensitive::new("bad\nSECRETVALUE".to_owned())),
    });
    let exchange = direct().send(request, limits(2000)).await;
    let failure = failed(&exchange);
    assert!(failure.message.contains("`x-key`"), "{}", failure.message);
    assert!(
        !failure.message.contains("SECRETVALUE"),
        "{}",
        failure.message
    );
}

// ---------------------------------------------------------------------------------------------
// TLS

#[tokio::test]
async fn https_without_the_ca_names_the_untrusted_issuer() {
    let server = serve(Some(pki().localhost.clone()), json_ok).await;
    let exchange = direct().send(get(server.https("/")), limits(2000)).await;
    let failure = failed(&exchange);
    assert_eq!(
        (failure.kind.clone(), failure.phase),
        (FailureKind::Tls, Phase::Tls)
    );
    assert!(
        failure
            .message
            .contains("signed by a CA this machine does not trust"),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains("Settings → Network"),
        "{}",
        failure.message
    );

    let probe = direct()
        .probe(&server.https("/"), Duration::from_secs(2))
        .await;
    let failure = probe.failure.expect("probe failure");
    assert_eq!(
        (failure.kind, failure.phase),
        (FailureKind::Tls, Phase::Tls)
    );
    assert!(
        failure.message.contains("does not trust"),
        "{}",
        failure.message
    );
    let phases: Vec<(Phase, bool)> = probe.steps.iter().map(|s| (s.phase, s.ok)).collect();
    assert_eq!(
        phases,
        [(Phase::Dns, true), (Phase::Tcp, true), (Phase::Tls, false)]
    );
}

#[tokio::test]
async fn https_with_the_ca_bundle_succeeds() {
    let server = serve(Some(pki().localhost.clone()), json_ok).await;
    let client = client(true, ProxySettings::default());
    let exchange = client.send(get(server.https("/")), limits(2000)).await;
    assert_eq!(ok(&exchange).status, 200);
    // By IP address too: the certificate names 127.0.0.1.
    let by_ip = server.url("https", "127.0.0.1", "/");
    assert_eq!(
        ok(&client.send(get(by_ip.clone()), limits(2000)).await).status,
        200
    );

    let probe = client
        .probe(&server.https("/"), Duration::from_secs(2))
        .await;
    assert_eq!(probe.failure, None);
    let phases: Vec<Phase> = probe.steps.iter().map(|s| s.phase).collect();
    assert_eq!(phases, [Phase::Dns, Phase::Tcp, Phase::Tls]);
    assert!(probe.steps.iter().all(|s| s.ok));
    assert!(
        probe.steps[0].detail.starts_with("resolved localhost to "),
        "{:?}",
        probe.steps
    );
    assert!(
        probe.steps[1].detail.starts_with("connected to "),
        "{:?}",
        probe.steps
    );
    assert!(
        probe.steps[2].detail.starts_with("TLS 1.3"),
        "{:?}",
        probe.steps
    );

    let probe = client.probe(&by_ip, Duration::from_secs(2)).await;
    assert_eq!(probe.failure, None, "{probe:?}");
    assert_eq!(
        probe.steps[0].detail,
        "127.0.0.1 is an IP address: nothing to resolve"
    );
}

#[tokio::test]
async fn https_to_a_certificate_for_another_name_says_so() {
    let server = serve(Some(pki().other_name.clone()), json_ok).await;
    let client = client(true, ProxySettings::default());
    let exchange = client.send(get(server.https("/")), limits(2000)).await;
    let failure = failed(&exchange);
    assert_eq!(failure.phase, Phase::Tls);
    assert!(
        failure
            .message
            .starts_with("the certificate is not valid for localhost"),
        "{}",
        failure.message
    );
    assert!(
        failure.message.ends_with("(it is for other.example)"),
        "{}",
        failure.message
    );
    let probe = client
        .probe(&server.https("/"), Duration::from_secs(2))
        .await;
    let failure = probe.failure.expect("probe failure");
    assert!(
        failure.message.contains("not valid for localhost"),
        "{}",
        failure.message
    );
}

#[tokio::test]
async fn https_to_a_plain_http_port_says_the_port_is_plain() {
    let server = serve(None, json_ok).await;
    let url = server.url("https", "localhost", "/");
    let exchange = direct().send(get(url.clone()), limits(2000)).await;
    let failure = failed(&exchange);
    assert_eq!(
        (failure.kind.clone(), failure.phase),
        (FailureKind::Tls, Phase::Tls)
    );
    assert!(
        failure.message.contains("did not answer TLS"),
        "{}",
        failure.message
    );
    let probe = direct().probe(&url, Duration::from_secs(2)).await;
    let failure = probe.failure.expect("probe failure");
    assert!(
        failure.message.contains("is the port plain HTTP?"),
        "{}",
        failure.message
    );
}

#[test]
fn malformed_ca_bundles_are_refused_with_their_label() {
    let cases = [
        (
            "notes.txt",
            "just some text".to_owned(),
            "contains no CERTIFICATE block",
        ),
        (
            "key.pem",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".to_owned(),
            "contains no CERTIFICATE block",
        ),
        (
            "cut.pem",
            "-----BEGIN CERTIFICATE-----\nMIIB\n".to_owned(),
            "is malformed",
        ),
        (
            "garbage.pem",
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".to_owned(),
            "is malformed",
        ),
        (
            "der-in-pem.pem",
            "-----BEGIN CERTIFICATE-----\nAAECAwQ=\n-----END CERTIFICATE-----\n".to_owned(),
            "not a usable X.509 certificate",
        ),
    ];
    for (label, pem, problem) in cases {
        let result = HttpClient::new(&NetworkOptions {
            proxy: ProxySettings::default(),
            extra_ca_pem: vec![
                ("good".to_owned(), pki().ca_pem.clone()),
                (label.to_owned(), pem),
            ],
        });
        match result {
            Err(NetError::CaBundle(message)) => {
                assert!(
                    message.starts_with(&format!("CA bundle {label} ")),
                    "{message}"
                );
                assert!(message.contains(problem), "{label}: {message}");
            }
            Err(other) => panic!("{label}: unexpected {other:?}"),
            Ok(_) => panic!("{label}: accepted"),
        }
    }
}

#[test]
fn tls_error_words() {
    use rustls::{AlertDescription, CertificateError, Error};
    let cases = [
        (
            Error::InvalidCertificate(CertificateError::Expired),
            "has expired",
        ),
        (
            Error::InvalidCertificate(CertificateError::NotValidYet),
            "not valid yet",
        ),
        (
            Error::InvalidCertificate(CertificateError::Revoked),
            "revoked",
        ),
        (
            Error::InvalidCertificate(CertificateError::BadSignature),
            "signature",
        ),
        (
            Error::InvalidCertificate(CertificateError::NotValidForName),
            "not valid for gw.example.com",
        ),
        (
            Error::AlertReceived(AlertDescription::HandshakeFailure),
            "refused the TLS handshake",
        ),
        (
            Error::AlertReceived(AlertDescription::CertificateRequired),
            "client certificate",
        ),
        (Error::NoCertificatesPresented, "no certificate"),
        (
            Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
            "did not answer TLS",
        ),
    ];
    for (error, words) in cases {
        let message = super::tls::explain_tls_error(&error, "gw.example.com");
        assert!(message.contains(words), "{error:?}: {message}");
    }
    assert_eq!(super::tls::date_for_tests(0), "1970-01-01");
    assert_eq!(super::tls::date_for_tests(1_798_761_600), "2027-01-01");
    assert_eq!(super::tls::date_for_tests(951_782_400), "2000-02-29");
}

// ---------------------------------------------------------------------------------------------
// Proxy

#[tokio::test]
async fn https_through_a_connect_proxy() {
    let server = serve(Some(pki().localhost.clone()), json_ok).await;
    let proxy = proxy(200).await;
    let client = client(true, via(&proxy));
    let exchange = client.send(get(server.https("/")), limits(2000)).await;
    assert_eq!(ok(&exchange).status, 200);
    assert_eq!(exchange.via_proxy, Some(proxy.url()));
    let port = server.addr.port();
    assert_eq!(
        proxy.requests(),
        [(format!("CONNECT localhost:{port} HTTP/1.1"), None)]
    );
}

#[tokio::test]
async fn proxy_credentials_go_in_proxy_authorization() {
    let server = serve(Some(pki().localhost.clone()), json_ok).await;
    let proxy = proxy(200).await;
    let with_user = format!("http://gw%20user:p%40ss@127.0.0.1:{}", proxy.addr.port());
    let settings = ProxySettings {
        https_proxy: Some(with_user),
        ..ProxySettings::default()
    };
    let client = client(true, settings);
    let exchange = client.send(get(server.https("/")), limits(2000)).await;
    assert_eq!(ok(&exchange).status, 200);
    // Credentials never show in what is recorded.
    assert_eq!(exchange.via_proxy, Some(proxy.url()));
    let probe = client
        .probe(&server.https("/"), Duration::from_secs(2))
        .await;
    assert_eq!(probe.failure, None, "{probe:?}");
    let expected = format!("Basic {}", super::probe::base64_for_tests(b"gw user:p@ss"));
    let requests = proxy.requests();
    assert_eq!(requests.len(), 2);
    for (_, auth) in requests {
        assert_eq!(auth.as_deref(), Some(expected.as_str()));
    }
}

#[tokio::test]
async fn no_proxy_bypasses_the_proxy() {
    let server = serve(Some(pki().localhost.clone()), json_ok).await;
    let proxy = proxy(200).await;
    let settings = ProxySettings {
        no_proxy: Some("example.com, localhost".to_owned()),
        ..via(&proxy)
    };
    let client = client(true, settings);
    let exchange = client.send(get(server.https("/")), limits(2000)).await;
    assert_eq!(ok(&exchange).status, 200);
    assert_eq!(exchange.via_proxy, None);
    let probe = client
        .probe(&server.https("/"), Duration::from_secs(2))
        .await;
    assert_eq!(probe.failure, None);
    assert!(probe.steps.iter().all(|s| s.phase != Phase::Proxy));
    assert!(proxy.requests().is_empty());
}

#[tokio::test]
async fn probe_through_a_proxy_shows_the_connect_step() {
    let server = serve(Some(pki().localhost.clone()), json_ok).await;
    let proxy = proxy(200).await;
    let probe = client(true, via(&proxy))
        .probe(&server.https("/"), Duration::from_secs(2))
        .await;
    assert_eq!(probe.failure, None, "{probe:?}");
    let phases: Vec<Phase> = probe.steps.iter().map(|s| s.phase).collect();
    assert_eq!(phases, [Phase::Dns, Phase::Tcp, Phase::Proxy, Phase::Tls]);
    let port = server.addr.port();
    assert_eq!(
        probe.steps[2].detail,
        format!(
            "CONNECT localhost:{port} via proxy {} accepted (200 Connection Established)",
            proxy.url()
        )
    );
    assert!(probe.steps[1].detail.contains(&proxy.addr.to_string()));
}

#[tokio::test]
async fn a_proxy_refusing_connect_fails_in_the_proxy_phase() {
    let server = serve(Some(pki().localhost.clone()), json_ok).await;
    let proxy = proxy(403).await;
    let client = client(true, via(&proxy));
    let probe = client
        .probe(&server.https("/"), Duration::from_secs(2))
        .await;
    let failure = probe.failure.expect("probe failure");
    assert_eq!(
        (failure.kind, failure.phase),
        (FailureKind::Connect, Phase::Proxy)
    );
    assert!(
        failure.message.contains("answered 403 Forbidden"),
        "{}",
        failure.message
    );
    let last = probe.steps.last().expect("steps");
    assert_eq!((last.phase, last.ok), (Phase::Proxy, false));

    let exchange = client.send(get(server.https("/")), limits(2000)).await;
    let failure = failed(&exchange);
    assert_eq!(failure.phase, Phase::Proxy);
    assert!(
        failure.message.contains(&proxy.url()),
        "{}",
        failure.message
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn plain_http_goes_through_the_proxy_in_absolute_form() {
    let server = serve(None, json_ok).await;
    let proxy = proxy(200).await;
    let client = client(false, via(&proxy));
    let url = server.http("/plain?x=1");
    let exchange = client.send(get(url.clone()), limits(2000)).await;
    assert_eq!(ok(&exchange).status, 200);
    assert_eq!(exchange.via_proxy, Some(proxy.url()));
    assert_eq!(proxy.requests(), [(format!("GET {url} HTTP/1.1"), None)]);
    assert_eq!(server.seen()[0].target, url.to_string());

    let probe = client.probe(&url, Duration::from_secs(2)).await;
    assert_eq!(probe.failure, None);
    let phases: Vec<Phase> = probe.steps.iter().map(|s| s.phase).collect();
    assert_eq!(phases, [Phase::Dns, Phase::Tcp, Phase::Proxy]);
}

#[tokio::test]
async fn an_unreachable_proxy_is_named() {
    let port = closed_port().await;
    let settings = ProxySettings {
        https_proxy: Some(format!("127.0.0.1:{port}")),
        ..ProxySettings::default()
    };
    let client = client(false, settings);
    let url = Url::parse("https://gw.example.com/").expect("url");
    let exchange = client.send(get(url.clone()), limits(2000)).await;
    let failure = failed(&exchange);
    assert_eq!(failure.phase, Phase::Tcp);
    assert!(
        failure
            .message
            .contains(&format!("the proxy http://127.0.0.1:{port}")),
        "{}",
        failure.message
    );
    let probe = client.probe(&url, Duration::from_secs(2)).await;
    let failure = probe.failure.expect("probe failure");
    assert_eq!(failure.phase, Phase::Tcp);
    assert!(failure.message.contains("the proxy"), "{}", failure.message);
}

#[tokio::test]
async fn an_unresolvable_proxy_is_named() {
    let settings = ProxySettings {
        https_proxy: Some("http://nonexistent.invalid:3128".to_owned()),
        ..ProxySettings::default()
    };
    let client = client(false, settings);
    let url = Url::parse("https://gw.example.com/").expect("url");
    let exchange = client.send(get(url.clone()), limits(2000)).await;
    let failure = failed(&exchange);
    assert_eq!(
        (failure.kind.clone(), failure.phase),
        (FailureKind::Connect, Phase::Dns)
    );
    assert!(
        failure
            .message
            .starts_with("could not resolve the proxy's host nonexistent.invalid: "),
        "{}",
        failure.message
    );
    let probe = client.probe(&url, Duration::from_secs(2)).await;
    let failure = probe.failure.expect("probe failure");
    assert_eq!(failure.phase, Phase::Dns);
    assert!(
        failure
            .message
            .starts_with("could not resolve the proxy's host nonexistent.invalid: "),
        "{}",
        failure.message
    );
}

#[tokio::test]
async fn http_to_a_tls_port_says_it_is_not_http() {
    let server = serve(Some(pki().localhost.clone()), json_ok).await;
    let exchange = direct()
        .send(get(server.url("http", "localhost", "/")), limits(2000))
        .await;
    let failure = failed(&exchange);
    assert_eq!(
        (failure.kind.clone(), failure.phase),
        (FailureKind::Protocol, Phase::Headers)
    );
    assert!(
        failure.message.ends_with("is it a TLS port? Use https://"),
        "{}",
        failure.message
    );
}

// ---------------------------------------------------------------------------------------------
// probe without TLS

#[tokio::test]
async fn probe_plain_http_has_no_tls_step() {
    let server = serve(None, json_ok).await;
    let probe = direct()
        .probe(&server.http("/"), Duration::from_secs(2))
        .await;
    assert_eq!(probe.failure, None);
    let phases: Vec<Phase> = probe.steps.iter().map(|s| s.phase).collect();
    assert_eq!(phases, [Phase::Dns, Phase::Tcp]);
    assert_eq!(
        probe.steps[1].detail,
        format!("connected to 127.0.0.1:{}", server.addr.port())
    );
    // The probe sends no HTTP request.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn probe_names_a_refused_port_and_an_unknown_host() {
    let port = closed_port().await;
    let url = Url::parse(&format!("https://127.0.0.1:{port}/")).expect("url");
    let probe = direct().probe(&url, Duration::from_secs(2)).await;
    let failure = probe.failure.expect("probe failure");
    assert_eq!(
        (failure.kind, failure.phase),
        (FailureKind::Connect, Phase::Tcp)
    );
    assert!(
        failure.message.contains("connection refused"),
        "{}",
        failure.message
    );
    assert_eq!(probe.steps.len(), 2);

    let url = Url::parse("https://nonexistent.invalid/").expect("url");
    let probe = direct().probe(&url, Duration::from_secs(2)).await;
    let failure = probe.failure.expect("probe failure");
    assert_eq!(
        (failure.kind, failure.phase),
        (FailureKind::Connect, Phase::Dns)
    );
    assert!(
        failure
            .message
            .starts_with("could not resolve nonexistent.invalid: "),
        "{}",
        failure.message
    );
    assert_eq!(probe.steps.len(), 1);
    assert!(!probe.steps[0].ok);
}

#[tokio::test]
async fn probe_times_out_a_silent_tls_server() {
    // Accepts TCP, never answers the ClientHello.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let url = Url::parse(&format!("https://localhost:{port}/")).expect("url");
    let probe = direct().probe(&url, Duration::from_millis(300)).await;
    let failure = probe.failure.expect("probe failure");
    assert_eq!(
        (failure.kind, failure.phase),
        (FailureKind::Timeout, Phase::Tls)
    );
    assert!(
        failure.message.contains("within 300 ms"),
        "{}",
        failure.message
    );
}

// ---------------------------------------------------------------------------------------------
// Pieces

#[test]
fn sse_parser_handles_split_lines_comments_and_unfinished_events() {
    let mut parser = SseParser::default();
    parser.feed(b"\xef\xbb\xbfdata: a", 1);
    parser.feed(b"b\r", 2);
    parser.feed(b"\ndata\n: comment\nid: 7\nevent: x\n", 3);
    parser.feed(b"\n", 4);
    parser.feed(b"event: only\n\n", 5);
    parser.feed(b"data:  two spaces\n\ndata: unfinished\n", 6);
    let events = parser.finish();
    assert_eq!(
        events,
        [
            SseEvent {
                at_ms: 4,
                event: Some("x".to_owned()),
                data: "ab\n".to_owned()
            },
            SseEvent {
                at_ms: 6,
                event: None,
                data: " two spaces".to_owned()
            },
        ]
    );
}

#[test]
fn response_header_lookup_is_case_insensitive() {
    let response = Response {
        status: 200,
        headers: vec![
            ("x-request-id".to_owned(), "abc".to_owned()),
            ("set-cookie".to_owned(), "a=1".to_owned()),
            ("set-cookie".to_owned(), "b=2".to_owned()),
        ],
        body: Vec::new(),
        received_bytes: 0,
        declared_length: None,
        truncated: false,
        redirects: Vec::new(),
        blocked_redirect: None,
        sse_events: Vec::new(),
    };
    assert_eq!(response.header("X-Request-ID"), Some("abc"));
    assert_eq!(response.header("Set-Cookie"), Some("a=1"));
    assert_eq!(response.header("missing"), None);
}

#[test]
fn http_request_from_a_gateway_request() {
    let gateway = crate::gateway::GatewayRequest {
        method: crate::gateway::Method::Post,
        url: Url::parse("https://gw.example.com/openai/chat?api-version=1").expect("url"),
        headers: vec![Header {
            name: "api-key".to_owned(),
            value: HeaderValue::Secret(Sensitive::new("k".to_owned())),
        }],
        body: Some(serde_json::json!({"messages": []})),
    };
    let request = HttpRequest::from(&gateway);
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, gateway.url);
    assert_eq!(request.headers, gateway.headers);
    assert_eq!(
        request.body.as_deref(),
        Some(br#"{"messages":[]}"#.as_slice())
    );
}

#[test]
fn small_helpers() {
    use super::client::duration_words_for_tests as words;
    assert_eq!(words(Duration::from_secs(30)), "30 s");
    assert_eq!(words(Duration::from_millis(1500)), "1.5 s");
    assert_eq!(words(Duration::from_millis(250)), "250 ms");
    use super::probe::{base64_for_tests as b64, percent_decode_for_tests as decode};
    assert_eq!(b64(b""), "");
    assert_eq!(b64(b"f"), "Zg==");
    assert_eq!(b64(b"fo"), "Zm8=");
    assert_eq!(b64(b"foo"), "Zm9v");
    assert_eq!(b64(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    assert_eq!(decode("p%40ss%2"), "p@ss%2");
}

// ---------------------------------------------------------------------------------------------
// ProxySettings: from_lookup, proxy_for, validate

fn settings(https: Option<&str>, http: Option<&str>, no_proxy: Option<&str>) -> ProxySettings {
    ProxySettings {
        https_proxy: https.map(str::to_owned),
        http_proxy: http.map(str::to_owned),
        no_proxy: no_proxy.map(str::to_owned),
    }
}

fn proxied(settings: &ProxySettings, target: &str) -> Option<String> {
    settings
        .proxy_for(&Url::parse(target).expect("test URL"))
        .map(|u| u.to_string())
}

#[test]
fn from_lookup_prefers_upper_case_and_skips_empty_values() {
    let vars = [
        ("HTTPS_PROXY", "http://upper:3128"),
        ("https_proxy", "http://lower:3128"),
        ("HTTP_PROXY", ""),
        ("http_proxy", "lower-http:8080"),
        ("no_proxy", " .contoso.com,localhost "),
    ];
    let read = ProxySettings::from_lookup(|name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    });
    assert_eq!(
        read,
        settings(
            Some("http://upper:3128"),
            Some("lower-http:8080"),
            Some(".contoso.com,localhost")
        )
    );
    assert_eq!(
        ProxySettings::from_lookup(|_| None),
        ProxySettings::default()
    );
}

#[test]
fn proxy_is_chosen_by_the_target_scheme() {
    let s = settings(Some("http://secure:3128"), Some("plain:8080"), None);
    assert_eq!(
        proxied(&s, "https://gw.example.com/x").as_deref(),
        Some("http://secure:3128/")
    );
    // No scheme means http://.
    assert_eq!(
        proxied(&s, "http://gw.example.com/x").as_deref(),
        Some("http://plain:8080/")
    );
    let only_https = settings(Some("http://secure:3128"), None, None);
    assert_eq!(proxied(&only_https, "http://gw.example.com/"), None);
    assert_eq!(proxied(&ProxySettings::default(), "https://a.b/"), None);
}

#[test]
fn no_proxy_rules() {
    let s = settings(
        Some("http://proxy:3128"),
        None,
        Some(
            "contoso.com, .fabrikam.net,*.corp.example, exact.example.org:8443, 10.1.2.3, \
             192.168.0.0/16, [::1], intranet",
        ),
    );
    let direct = [
        "https://contoso.com/",
        "https://api.contoso.com/",
        "https://CONTOSO.COM./",
        "https://fabrikam.net/",
        "https://gw.fabrikam.net/",
        "https://a.b.corp.example/",
        "https://exact.example.org:8443/",
        "https://10.1.2.3/",
        "https://192.168.44.5:9000/",
        "https://[::1]:8443/",
        "https://intranet/",
    ];
    for target in direct {
        assert_eq!(proxied(&s, target), None, "{target} should go direct");
    }
    let through_proxy = [
        "https://notcontoso.com/",
        "https://contoso.com.evil.net/",
        "https://exact.example.org/",
        "https://sub.exact.example.org:9443/",
        "https://10.1.2.4/",
        "https://192.169.0.1/",
        "https://[::2]/",
        "https://intranet.example/",
    ];
    for target in through_proxy {
        assert!(proxied(&s, target).is_some(), "{target} should be proxied");
    }
}

#[test]
fn no_proxy_star_and_ports() {
    let all = settings(Some("proxy:3128"), None, Some("*"));
    assert_eq!(proxied(&all, "https://anything.example/"), None);

    let port = settings(Some("proxy:3128"), None, Some("gw.example.com:443"));
    assert_eq!(proxied(&port, "https://gw.example.com/"), None);
    assert!(proxied(&port, "https://gw.example.com:8443/").is_some());

    let ip_port = settings(Some("proxy:3128"), None, Some("127.0.0.1:8080"));
    assert_eq!(proxied(&ip_port, "https://127.0.0.1:8080/"), None);
    assert!(proxied(&ip_port, "https://127.0.0.1:8081/").is_some());
}

#[test]
fn invalid_proxy_is_reported_with_the_variable_and_without_credentials() {
    let new = |proxy: ProxySettings| {
        HttpClient::new(&NetworkOptions {
            proxy,
            extra_ca_pem: Vec::new(),
        })
    };
    let bad_scheme = settings(Some("socks5://proxy:1080"), None, None);
    let Err(NetError::Proxy(message)) = new(bad_scheme.clone()) else {
        panic!("socks5 accepted");
    };
    assert!(
        message.starts_with("HTTPS_PROXY (`socks5://proxy:1080`)"),
        "{message}"
    );
    assert!(
        message.contains("http://proxy.contoso.com:3128"),
        "{message}"
    );

    let bad_port = settings(None, Some("http://user:hunter2@proxy:99999"), None);
    let Err(NetError::Proxy(message)) = new(bad_port) else {
        panic!("bad port accepted");
    };
    assert!(message.starts_with("HTTP_PROXY"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");

    let unparsable = settings(Some("http://us er:hunter2@pro xy"), None, None);
    let Err(NetError::Proxy(message)) = new(unparsable) else {
        panic!("unparsable accepted");
    };
    assert!(!message.contains("hunter2"), "{message}");

    assert!(new(settings(Some("proxy:3128"), Some(""), None)).is_ok());
    // An invalid setting is never used.
    assert_eq!(proxied(&bad_scheme, "https://gw.example.com/"), None);
}

#[test]
fn proxy_display_strips_credentials() {
    let proxy = parse_proxy_url("user:secret@proxy.local:3128").expect("parses");
    assert_eq!(proxy_display(&proxy), "http://proxy.local:3128");
    let proxy = parse_proxy_url("https://[fd00::1]").expect("parses");
    assert_eq!(proxy_display(&proxy), "https://[fd00::1]:443");
}

#[test]
fn client_and_its_futures_can_cross_threads() {
    fn sendable<T: Send>(_: &T) {}
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<HttpClient>();
    let client = direct();
    let url = Url::parse("http://127.0.0.1:1/").expect("url");
    // Never polled: only the types are checked.
    sendable(&client.send(get(url.clone()), Limits::default()));
    sendable(&client.probe(&url, Duration::from_secs(1)));
}
