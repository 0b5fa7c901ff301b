//! How failures and waits are put in words, the same in every client's messages (ARM, the
//! Foundry data plane, the HTTP client itself).

use std::time::Duration;

use super::Phase;

/// "30 s", "1.5 s", "250 ms".
pub fn duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// What the exchange was doing when it failed: "… failed while {phase}".
pub fn phase(phase: Phase) -> &'static str {
    match phase {
        Phase::Dns => "resolving the host (DNS)",
        Phase::Tcp => "connecting (TCP)",
        Phase::Proxy => "going through the proxy",
        Phase::Tls => "setting up TLS",
        Phase::Headers => "waiting for the response headers",
        Phase::Body => "reading the response body",
    }
}

/// Longest excerpt of an answer quoted in a message.
pub const EXCERPT: usize = 300;

pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` on one line, cut at [`EXCERPT`] characters.
pub fn excerpt(text: &str) -> String {
    let flat = one_line(text);
    if flat.chars().count() > EXCERPT {
        format!("{}…", flat.chars().take(EXCERPT).collect::<String>())
    } else {
        flat
    }
}
