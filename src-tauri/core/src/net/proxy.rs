//! Which proxy a URL goes through: `HTTPS_PROXY`/`HTTP_PROXY` and the usual `NO_PROXY` rules.
//!
//! reqwest, the probe and `Exchange::via_proxy` all ask [`ProxySettings::proxy_for`], so the
//! three never disagree about whether a host is proxied.

use std::net::IpAddr;

use url::{Host, Url};

use super::{NetError, ProxySettings};

impl ProxySettings {
    /// Reads `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (upper case first, then lower case;
    /// empty values count as unset). Nothing is validated here: [`super::HttpClient::new`]
    /// reports a bad value with the variable's name.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// `from_env` over any variable source, so tests need not touch the process environment.
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let read = |upper: &str, lower: &str| {
            [upper, lower]
                .into_iter()
                .filter_map(&lookup)
                .map(|value| value.trim().to_owned())
                .find(|value| !value.is_empty())
        };
        Self {
            https_proxy: read("HTTPS_PROXY", "https_proxy"),
            http_proxy: read("HTTP_PROXY", "http_proxy"),
            no_proxy: read("NO_PROXY", "no_proxy"),
        }
    }

    /// The proxy (credentials included, for the caller to use) that `url` goes through, or
    /// `None` when it goes direct: no proxy for its scheme, `NO_PROXY` covers it, or the proxy
    /// setting is invalid (which `HttpClient::new` refuses up front).
    pub fn proxy_for(&self, url: &Url) -> Option<Url> {
        let setting = match url.scheme() {
            "https" => self.https_proxy.as_deref(),
            "http" => self.http_proxy.as_deref(),
            _ => None,
        }?;
        let proxy = parse_proxy_url(setting).ok()?;
        if self.bypasses(url) {
            None
        } else {
            Some(proxy)
        }
    }

    /// Checks both proxy settings, naming the variable and the fix when one is unusable.
    pub(crate) fn validate(&self) -> Result<(), NetError> {
        for (variable, value) in [
            ("HTTPS_PROXY", &self.https_proxy),
            ("HTTP_PROXY", &self.http_proxy),
        ] {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                parse_proxy_url(value).map_err(|reason| {
                    NetError::Proxy(format!(
                        "{variable} ({}) is not a usable proxy URL: {reason}. Set it to the proxy's \
                         address, e.g. http://proxy.contoso.com:3128 (credentials as \
                         http://user:password@proxy:3128), or unset it",
                        shown_value(value)
                    ))
                })?;
            }
        }
        Ok(())
    }

    /// True when `NO_PROXY` says `url` goes direct.
    fn bypasses(&self, url: &Url) -> bool {
        let Some(list) = self.no_proxy.as_deref() else {
            return false;
        };
        let Some(host) = url.host() else {
            return false;
        };
        let port = url.port_or_known_default();
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .any(|entry| NoProxyEntry::parse(entry).is_some_and(|e| e.matches(&host, port)))
    }
}

/// Parses a proxy setting; a value without a scheme means `http://`, as curl reads it.
pub(crate) fn parse_proxy_url(value: &str) -> Result<Url, String> {
    let value = value.trim();
    let with_scheme = if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| e.to_string())?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(format!(
                "the scheme `{other}` is not supported (only http:// and https:// proxies are)"
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".to_owned());
    }
    Ok(url)
}

/// A proxy URL fit for messages and traces: scheme://host:port, no credentials, no path.
pub(crate) fn proxy_display(proxy: &Url) -> String {
    let host = match proxy.host() {
        Some(Host::Ipv6(ip)) => format!("[{ip}]"),
        Some(host) => host.to_string(),
        None => String::new(),
    };
    match proxy.port_or_known_default() {
        Some(port) => format!("{}://{host}:{port}", proxy.scheme()),
        None => format!("{}://{host}", proxy.scheme()),
    }
}

/// The setting as it may appear in an error: credentials stripped when it parses, hidden
/// entirely when it does not and might contain some.
fn shown_value(value: &str) -> String {
    if !value.contains('@') {
        return format!("`{value}`");
    }
    match Url::parse(value) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            format!("`{url}`")
        }
        Err(_) => "value not shown: it contains credentials".to_owned(),
    }
}

/// One `NO_PROXY` entry.
#[derive(Debug, PartialEq, Eq)]
enum NoProxyEntry {
    /// `*`: nothing is proxied.
    Everything,
    /// `example.com`, `.example.com`, `*.example.com`: the domain and its subdomains.
    Domain {
        name: String,
        port: Option<u16>,
    },
    Ip {
        ip: IpAddr,
        port: Option<u16>,
    },
    /// `10.0.0.0/8`, `fd00::/8`.
    Network {
        ip: IpAddr,
        prefix: u8,
    },
}

impl NoProxyEntry {
    fn parse(entry: &str) -> Option<Self> {
        let entry = entry.trim().to_ascii_lowercase();
        if entry == "*" {
            return Some(Self::Everything);
        }
        if let Some((ip, prefix)) = entry.split_once('/') {
            let ip: IpAddr = ip.trim_matches(['[', ']']).parse().ok()?;
            let prefix: u8 = prefix.parse().ok()?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            return (prefix <= max).then_some(Self::Network { ip, prefix });
        }
        if let Ok(ip) = entry.parse::<IpAddr>() {
            return Some(Self::Ip { ip, port: None });
        }
        // `[::1]` or `[::1]:8080`.
        if let Some(rest) = entry.strip_prefix('[') {
            let (ip, after) = rest.split_once(']')?;
            let ip = ip.parse().ok()?;
            let port = match after.strip_prefix(':') {
                Some(port) => Some(port.parse().ok()?),
                None if after.is_empty() => None,
                None => return None,
            };
            return Some(Self::Ip { ip, port });
        }
        let (host, port) = match entry.rsplit_once(':') {
            Some((host, port)) => (host, Some(port.parse().ok()?)),
            None => (entry.as_str(), None),
        };
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Some(Self::Ip { ip, port });
        }
        let name = host.trim_start_matches("*.").trim_start_matches('.');
        if name.is_empty() {
            return None;
        }
        Some(Self::Domain {
            name: name.trim_end_matches('.').to_owned(),
            port,
        })
    }

    fn matches(&self, host: &Host<&str>, port: Option<u16>) -> bool {
        let port_ok = |wanted: &Option<u16>| wanted.is_none() || *wanted == port;
        let host_ip = match host {
            Host::Ipv4(ip) => Some(IpAddr::V4(*ip)),
            Host::Ipv6(ip) => Some(IpAddr::V6(*ip)),
            Host::Domain(_) => None,
        };
        match self {
            Self::Everything => true,
            Self::Domain { name, port: wanted } => {
                let Host::Domain(domain) = host else {
                    return false;
                };
                let domain = domain.trim_end_matches('.').to_ascii_lowercase();
                let covered = domain == *name
                    || domain
                        .strip_suffix(name.as_str())
                        .is_some_and(|prefix| prefix.ends_with('.'));
                covered && port_ok(wanted)
            }
            Self::Ip { ip, port: wanted } => host_ip == Some(*ip) && port_ok(wanted),
            Self::Network { ip, prefix } => {
                host_ip.is_some_and(|host_ip| in_network(host_ip, *ip, *prefix))
            }
        }
    }
}

fn in_network(host: IpAddr, network: IpAddr, prefix: u8) -> bool {
    fn masked(bits: u128, width: u32, prefix: u8) -> u128 {
        let prefix = u32::from(prefix).min(width);
        if prefix == 0 {
            0
        } else {
            bits >> (width - prefix)
        }
    }
    match (host, network) {
        (IpAddr::V4(h), IpAddr::V4(n)) => {
            masked(u32::from(h).into(), 32, prefix) == masked(u32::from(n).into(), 32, prefix)
        }
        (IpAddr::V6(h), IpAddr::V6(n)) => {
            masked(u128::from(h), 128, prefix) == masked(u128::from(n), 128, prefix)
        }
        _ => false,
    }
}
