//! [`HttpClient::probe`]: reachability one step at a time, so a failure names the step.
//!
//! The steps mirror what a request does: DNS, TCP, (through a proxy: CONNECT), TLS with the
//! very `ClientConfig` reqwest uses. No HTTP request is sent.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use url::{Host, Url};

use super::client::{causes, duration_words, find_rustls, host_label, millis};
use super::proxy::proxy_display;
use super::tls::explain_tls_error;
use super::{Failure, FailureKind, HttpClient, Phase, Probe, ProbeStep};

/// Anything the probe can speak through: a TCP socket, or TLS to an `https://` proxy.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}
type BoxStream = Box<dyn Stream>;

/// The longest proxy answer to CONNECT we read before giving up on it.
const MAX_PROXY_RESPONSE_HEAD: usize = 16 * 1024;

struct Steps {
    steps: Vec<ProbeStep>,
    timeout: Duration,
}

impl Steps {
    /// Runs one step under the timeout and records it. `on_timeout` words the failure when
    /// the step does not finish in time.
    async fn run<T>(
        &mut self,
        phase: Phase,
        on_timeout: impl FnOnce(&str) -> String,
        step: impl Future<Output = Result<(T, String), Failure>>,
    ) -> Result<T, Failure> {
        let start = Instant::now();
        let result = match tokio::time::timeout(self.timeout, step).await {
            Ok(result) => result,
            Err(_elapsed) => Err(Failure {
                kind: FailureKind::Timeout,
                phase,
                message: on_timeout(&duration_words(self.timeout)),
            }),
        };
        let duration_ms = millis(start.elapsed());
        match result {
            Ok((value, detail)) => {
                self.steps.push(ProbeStep {
                    phase,
                    ok: true,
                    duration_ms,
                    detail,
                });
                Ok(value)
            }
            Err(failure) => {
                self.steps.push(ProbeStep {
                    phase,
                    ok: false,
                    duration_ms,
                    detail: failure.message.clone(),
                });
                Err(failure)
            }
        }
    }
}

pub(super) async fn probe(client: &HttpClient, url: &Url, timeout: Duration) -> Probe {
    let mut steps = Steps {
        steps: Vec::new(),
        timeout,
    };
    let failure = run(client, url, &mut steps).await.err();
    Probe {
        steps: steps.steps,
        failure,
    }
}

async fn run(client: &HttpClient, url: &Url, steps: &mut Steps) -> Result<(), Failure> {
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        other => {
            return Err(Failure {
                kind: FailureKind::Protocol,
                phase: Phase::Dns,
                message: format!("only http:// and https:// URLs can be probed, not {other}://"),
            });
        }
    };
    let (Some(host), Some(port)) = (url.host(), url.port_or_known_default()) else {
        return Err(Failure {
            kind: FailureKind::Connect,
            phase: Phase::Dns,
            message: "the URL has no host to reach".to_owned(),
        });
    };
    let host = host.to_owned();
    let target = format!("{}:{port}", host_label(url));

    let stream: BoxStream = match client.proxy.proxy_for(url) {
        Some(proxy) => {
            let shown = proxy_display(&proxy);
            let (Some(proxy_host), Some(proxy_port)) =
                (proxy.host(), proxy.port_or_known_default())
            else {
                return Err(Failure {
                    kind: FailureKind::Connect,
                    phase: Phase::Proxy,
                    message: format!("the proxy {shown} has no host"),
                });
            };
            let proxy_host = proxy_host.to_owned();
            let addresses = resolve(steps, &proxy_host, proxy_port, Some(&shown)).await?;
            let tcp = connect(steps, &addresses, &format!("the proxy {shown}")).await?;
            let stream: BoxStream = if proxy.scheme() == "https" {
                // reqwest speaks HTTP/1.1 to an https proxy: no ALPN on that hop.
                let mut config = rustls::ClientConfig::clone(&client.tls);
                config.alpn_protocols.clear();
                let tls = handshake(
                    steps,
                    Arc::new(config),
                    &proxy_host,
                    &host_label(&proxy),
                    tcp,
                )
                .await?;
                Box::new(tls)
            } else {
                Box::new(tcp)
            };
            if !https {
                steps.steps.push(ProbeStep {
                    phase: Phase::Proxy,
                    ok: true,
                    duration_ms: 0,
                    detail: format!(
                        "http:// requests go to the proxy {shown} as forwarded requests: the \
                         proxy connects to {target} itself (not checked here)"
                    ),
                });
                return Ok(());
            }
            tunnel(steps, stream, &proxy, &target, &host_label(url)).await?
        }
        None => {
            let addresses = resolve(steps, &host, port, None).await?;
            Box::new(connect(steps, &addresses, &target).await?)
        }
    };
    if https {
        handshake(steps, client.tls.clone(), &host, &host_label(url), stream).await?;
    }
    Ok(())
}

/// The DNS step. `proxy` is the proxy's display form when resolving the proxy.
async fn resolve(
    steps: &mut Steps,
    host: &Host<String>,
    port: u16,
    proxy: Option<&str>,
) -> Result<Vec<SocketAddr>, Failure> {
    let what = match proxy {
        Some(shown) => format!("the proxy {shown}"),
        None => host.to_string(),
    };
    let name = match host {
        Host::Domain(name) => name.clone(),
        Host::Ipv4(ip) => return ip_step(steps, IpAddr::V4(*ip), port, &what),
        Host::Ipv6(ip) => return ip_step(steps, IpAddr::V6(*ip), port, &what),
    };
    // What messages call the name: the proxy's host is not the gateway's.
    let subject = match proxy {
        Some(_) => format!("the proxy's host {name}"),
        None => name.clone(),
    };
    let on_timeout = |limit: &str| {
        format!("could not resolve {subject} within {limit}: the DNS server did not answer")
    };
    let lookup = async {
        let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), port))
            .await
            .map_err(|e| Failure {
                kind: FailureKind::Connect,
                phase: Phase::Dns,
                message: format!(
                    "could not resolve {subject}: {e}. Check the host name, your DNS, or \
                     whether a VPN is needed"
                ),
            })?
            .collect();
        let mut shown: Vec<String> = Vec::new();
        for address in &found {
            let ip = address.ip().to_string();
            if !shown.contains(&ip) {
                shown.push(ip);
            }
        }
        if found.is_empty() {
            return Err(Failure {
                kind: FailureKind::Connect,
                phase: Phase::Dns,
                message: format!("{subject} resolved to no address"),
            });
        }
        Ok((found, format!("resolved {subject} to {}", shown.join(", "))))
    };
    steps.run(Phase::Dns, on_timeout, lookup).await
}

/// An IP address needs no lookup; the step is still shown so the list of steps is the same.
fn ip_step(
    steps: &mut Steps,
    ip: IpAddr,
    port: u16,
    what: &str,
) -> Result<Vec<SocketAddr>, Failure> {
    steps.steps.push(ProbeStep {
        phase: Phase::Dns,
        ok: true,
        duration_ms: 0,
        detail: format!("{what} is an IP address: nothing to resolve"),
    });
    Ok(vec![SocketAddr::new(ip, port)])
}

/// The TCP step: each address in order until one accepts. `peer` names what is connected to.
async fn connect(
    steps: &mut Steps,
    addresses: &[SocketAddr],
    peer: &str,
) -> Result<TcpStream, Failure> {
    let on_timeout = |limit: &str| {
        format!(
            "could not connect to {peer} within {limit}: no answer (a firewall may be dropping \
             packets, or the host is down)"
        )
    };
    let attempt = async {
        let mut refused: Vec<String> = Vec::new();
        let mut last: Option<(SocketAddr, io::Error)> = None;
        for &address in addresses {
            match TcpStream::connect(address).await {
                Ok(stream) => {
                    let mut detail = format!("connected to {address}");
                    if !refused.is_empty() {
                        detail.push_str(&format!(" (after {} failed)", refused.join(", ")));
                    }
                    return Ok((stream, detail));
                }
                Err(error) => {
                    refused.push(address.to_string());
                    last = Some((address, error));
                }
            }
        }
        let message = match last {
            Some((address, error)) => connect_words(peer, address, &error),
            None => format!("{peer} has no address to connect to"),
        };
        let kind = if message.contains("timed out") {
            FailureKind::Timeout
        } else {
            FailureKind::Connect
        };
        Err(Failure {
            kind,
            phase: Phase::Tcp,
            message,
        })
    };
    steps.run(Phase::Tcp, on_timeout, attempt).await
}

fn connect_words(peer: &str, address: SocketAddr, error: &io::Error) -> String {
    let why = match error.kind() {
        io::ErrorKind::ConnectionRefused => {
            "connection refused: nothing is listening on that port, or a firewall rejected it"
                .to_owned()
        }
        io::ErrorKind::TimedOut => {
            "timed out: a firewall may be dropping packets, or the host is down".to_owned()
        }
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
            format!("unreachable ({error}): check VPN and routes")
        }
        _ => error.to_string(),
    };
    if peer == address.to_string() {
        format!("could not connect to {peer}: {why}")
    } else {
        format!("could not connect to {peer} ({address}): {why}")
    }
}

/// The CONNECT step: asks the proxy for a tunnel to `target` and checks it says 2xx.
async fn tunnel(
    steps: &mut Steps,
    mut stream: BoxStream,
    proxy: &Url,
    target: &str,
    host: &str,
) -> Result<BoxStream, Failure> {
    let shown = proxy_display(proxy);
    let on_timeout =
        |limit: &str| format!("the proxy {shown} did not answer CONNECT {target} within {limit}");
    let broken = |error: io::Error| Failure {
        kind: FailureKind::Protocol,
        phase: Phase::Proxy,
        message: format!(
            "the connection to the proxy {shown} broke during CONNECT {target}: {error}"
        ),
    };
    let credentials = !proxy.username().is_empty() || proxy.password().is_some();
    let exchange = async {
        let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
        if credentials {
            let user = percent_decode(proxy.username());
            let password = percent_decode(proxy.password().unwrap_or_default());
            request.push_str(&format!(
                "Proxy-Authorization: Basic {}\r\n",
                base64(format!("{user}:{password}").as_bytes())
            ));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.map_err(broken)?;
        stream.flush().await.map_err(broken)?;

        let head = read_head(&mut stream).await.map_err(broken)?;
        let status_line = head.lines().next().unwrap_or_default().trim().to_owned();
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default();
        let code = parts.next().and_then(|c| c.parse::<u16>().ok());
        let reason: String = parts
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(80)
            .collect();
        let answered = format!("{} {reason}", code.unwrap_or_default())
            .trim()
            .to_owned();
        match code {
            Some(code) if version.starts_with("HTTP/") && (200..300).contains(&code) => Ok((
                stream,
                format!("CONNECT {target} via proxy {shown} accepted ({answered})"),
            )),
            Some(407) => Err(Failure {
                kind: FailureKind::Connect,
                phase: Phase::Proxy,
                message: if credentials {
                    format!(
                        "the proxy {shown} rejected the credentials in the proxy URL (407) for \
                         CONNECT {target}"
                    )
                } else {
                    format!(
                        "the proxy {shown} requires authentication (407) for CONNECT {target}: \
                         put the user and password in the proxy URL, e.g. \
                         http://user:password@proxy:3128"
                    )
                },
            }),
            Some(_) if version.starts_with("HTTP/") => Err(Failure {
                kind: FailureKind::Connect,
                phase: Phase::Proxy,
                message: format!(
                    "the proxy {shown} answered {answered} to CONNECT {target}: it does not allow \
                     a tunnel there — ask for it to be allowed, or add {host} to NO_PROXY if it \
                     is reachable directly"
                ),
            }),
            _ => Err(Failure {
                kind: FailureKind::Protocol,
                phase: Phase::Proxy,
                message: format!(
                    "the proxy {shown} did not answer CONNECT {target} with HTTP: is it an HTTP \
                     proxy (not SOCKS)?"
                ),
            }),
        }
    };
    steps.run(Phase::Proxy, on_timeout, exchange).await
}

/// Reads a response head byte by byte, so nothing after it (the tunnel's bytes) is consumed.
async fn read_head(stream: &mut BoxStream) -> io::Result<String> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") && !head.ends_with(b"\n\n") {
        if head.len() >= MAX_PROXY_RESPONSE_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the answer's headers are too long",
            ));
        }
        let mut byte = [0u8; 1];
        if stream.read(&mut byte).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the proxy closed the connection",
            ));
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// The TLS step, with the same config as requests. `host` is checked against the certificate.
async fn handshake<S>(
    steps: &mut Steps,
    config: Arc<rustls::ClientConfig>,
    host: &Host<String>,
    shown_host: &str,
    stream: S,
) -> Result<tokio_rustls::client::TlsStream<S>, Failure>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let tls_failure = |message: String| Failure {
        kind: FailureKind::Tls,
        phase: Phase::Tls,
        message,
    };
    let server_name: ServerName<'static> = match host {
        Host::Domain(name) => ServerName::try_from(name.clone()).map_err(|_| {
            tls_failure(format!(
                "{name} is not a host name a certificate can be checked for"
            ))
        })?,
        Host::Ipv4(ip) => ServerName::IpAddress(IpAddr::V4(*ip).into()),
        Host::Ipv6(ip) => ServerName::IpAddress(IpAddr::V6(*ip).into()),
    };
    let on_timeout =
        |limit: &str| format!("the TLS handshake with {shown_host} did not finish within {limit}");
    let shake = async {
        let tls = TlsConnector::from(config)
            .connect(server_name, stream)
            .await
            .map_err(|error| tls_failure(handshake_words(&error, shown_host)))?;
        let detail = session_words(tls.get_ref().1, shown_host);
        Ok((tls, detail))
    };
    steps.run(Phase::Tls, on_timeout, shake).await
}

fn handshake_words(error: &io::Error, host: &str) -> String {
    if let Some(tls) = find_rustls(error) {
        return explain_tls_error(tls, host);
    }
    let deepest = causes(error)
        .last()
        .map(|c| c.to_string())
        .unwrap_or_default();
    match error.kind() {
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => format!(
            "the server at {host} closed the connection during the TLS handshake: is the port \
             plain HTTP, or does it require a client certificate?"
        ),
        _ => format!("the TLS handshake with {host} failed: {deepest}"),
    }
}

fn session_words(session: &rustls::ClientConnection, host: &str) -> String {
    let version = match session.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_owned(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "TLS".to_owned(),
    };
    let mut detail = version;
    if let Some(suite) = session.negotiated_cipher_suite() {
        detail.push_str(&format!(" ({:?})", suite.suite()));
    }
    if let Some(alpn) = session.alpn_protocol() {
        detail.push_str(&format!(", ALPN {}", String::from_utf8_lossy(alpn)));
    }
    let chain = session.peer_certificates().map_or(0, <[_]>::len);
    detail.push_str(&format!(
        ", certificate for {host} verified (chain of {chain})"
    ));
    detail
}

/// User-info in a URL is percent-encoded; the proxy wants the raw user and password.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (byte, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 with padding, for one `Proxy-Authorization` header.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for group in input.chunks(3) {
        let b = [
            group.first().copied().unwrap_or(0),
            group.get(1).copied().unwrap_or(0),
            group.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= group.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
pub(super) fn base64_for_tests(input: &[u8]) -> String {
    base64(input)
}

#[cfg(test)]
pub(super) fn percent_decode_for_tests(input: &str) -> String {
    percent_decode(input)
}
