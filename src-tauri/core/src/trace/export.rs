//! Recorded exchanges out of the app: HAR 1.2 (browser dev tools and HAR viewers open it) and
//! cURL commands. Both start from the stored, already redacted records, so no secret can be
//! in them; a cURL command names an environment variable where the secret was (`$ARM_TOKEN`,
//! `$GATEWAY_API_KEY`, …) so it runs once the variable is set.

use serde_json::{Value, json};

use super::{TraceExchange, TraceHeader, TraceKind};
use crate::secrets::REDACTED;

/// `<redacted>` as a URL or form encoder writes it.
const REDACTED_ENCODED: &str = "%3Credacted%3E";

/// Milliseconds since the epoch as ISO 8601 UTC (`2026-12-04T18:38:54.123Z`).
pub fn iso8601(epoch_ms: u64) -> String {
    let secs = epoch_ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil-from-days, for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        (rest / 60) % 60,
        rest % 60,
        epoch_ms % 1000
    )
}

fn header<'a>(headers: &'a [TraceHeader], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

fn har_headers(headers: &[TraceHeader]) -> Vec<Value> {
    headers
        .iter()
        .map(|h| json!({ "name": h.name, "value": h.value }))
        .collect()
}

fn query_string(url: &str) -> Vec<Value> {
    url::Url::parse(url)
        .map(|u| {
            u.query_pairs()
                .map(|(name, value)| json!({ "name": name, "value": value }))
                .collect()
        })
        .unwrap_or_default()
}

/// The reason phrase of a status, for `statusText`.
fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// One HAR entry. Gateway Studio's own facts go in `_`-prefixed fields, as HAR allows.
fn entry(exchange: &TraceExchange) -> Value {
    let request_body_size = exchange.request_body.as_ref().map_or(0, |b| b.len());
    let mut request = json!({
        "method": exchange.method,
        "url": exchange.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": har_headers(&exchange.request_headers),
        "queryString": query_string(&exchange.url),
        "headersSize": -1,
        "bodySize": request_body_size,
    });
    if let Some(body) = &exchange.request_body {
        request["postData"] = json!({
            "mimeType": header(&exchange.request_headers, "content-type").unwrap_or("application/json"),
            "text": body,
        });
    }
    let (response, wait) = match &exchange.response {
        Some(r) => {
            let mut content = json!({
                "size": r.body_size,
                "mimeType": header(&r.headers, "content-type").unwrap_or(""),
                "text": r.body,
            });
            if r.body_cut || r.cap_reached {
                content["comment"] = json!(format!(
                    "body cut: {} bytes received, {} kept",
                    r.body_size,
                    r.body.len()
                ));
            }
            let redirect = header(&r.headers, "location").unwrap_or("");
            (
                json!({
                    "status": r.status,
                    "statusText": status_text(r.status),
                    "httpVersion": "HTTP/1.1",
                    "cookies": [],
                    "headers": har_headers(&r.headers),
                    "content": content,
                    "redirectURL": redirect,
                    "headersSize": -1,
                    "bodySize": r.body_size,
                }),
                exchange.headers_ms.unwrap_or(exchange.total_ms),
            )
        }
        // No answer: HAR has no place for that but a status of 0.
        None => (
            json!({
                "status": 0,
                "statusText": "",
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": [],
                "content": { "size": 0, "mimeType": "" },
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            }),
            exchange.total_ms,
        ),
    };
    let wait = wait.min(exchange.total_ms);
    let mut entry = json!({
        "startedDateTime": iso8601(exchange.started_at_ms),
        "time": exchange.total_ms,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {
            "blocked": -1,
            "dns": -1,
            "connect": -1,
            "ssl": -1,
            "send": 0,
            "wait": wait,
            "receive": exchange.total_ms - wait,
        },
        "comment": exchange.label,
        "_runId": exchange.run_id,
        "_kind": kind_name(exchange.kind),
    });
    if let Some(error) = &exchange.error {
        entry["_error"] =
            json!({ "kind": error.kind, "phase": error.phase, "message": error.message });
    }
    if let Some(events) = exchange.response.as_ref().map(|r| &r.sse_events)
        && !events.is_empty()
    {
        entry["_sseEvents"] = json!(events);
    }
    entry
}

fn kind_name(kind: TraceKind) -> &'static str {
    match kind {
        TraceKind::Gateway => "gateway",
        TraceKind::Token => "token",
        TraceKind::Arm => "arm",
        TraceKind::Foundry => "foundry",
    }
}

/// A HAR 1.2 log of `exchanges`, in the order given.
pub fn har(exchanges: &[TraceExchange]) -> Value {
    json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "Gateway Studio", "version": crate::VERSION },
            "pages": [],
            "entries": exchanges.iter().map(entry).collect::<Vec<_>>(),
        }
    })
}

/// The environment variable a redacted header value becomes.
fn header_var(kind: TraceKind, name: &str) -> &'static str {
    let name = name.to_ascii_lowercase();
    match (kind, name.as_str()) {
        (TraceKind::Arm, "authorization") => "ARM_TOKEN",
        (TraceKind::Foundry, "authorization") => "FOUNDRY_TOKEN",
        (TraceKind::Token, "authorization") => "GATEWAY_CLIENT_SECRET",
        _ => "GATEWAY_API_KEY",
    }
}

/// The environment variable a redacted value in a body or URL becomes, from the field name
/// written just before it.
fn field_var(before: &str) -> &'static str {
    let tail: String = before
        .chars()
        .rev()
        .take(40)
        .collect::<String>()
        .chars()
        .rev()
        .collect::<String>()
        .to_ascii_lowercase();
    if tail.contains("secret") {
        "GATEWAY_CLIENT_SECRET"
    } else if tail.contains("token") {
        "ACCESS_TOKEN"
    } else {
        "GATEWAY_API_KEY"
    }
}

/// `text` as a double-quoted shell word in which each redacted value is `${VAR}` (named by
/// `var`, given the text before it) and nothing else expands.
fn shell_word(
    text: &str,
    var: &dyn Fn(&str) -> &'static str,
    used: &mut Vec<&'static str>,
) -> String {
    let mut out = String::from('"');
    let mut rest = text;
    let mut seen = String::new();
    loop {
        let next = [REDACTED, REDACTED_ENCODED]
            .iter()
            .filter_map(|marker| rest.find(marker).map(|at| (at, marker.len())))
            .min();
        let (plain, marker) = match next {
            Some((at, len)) => (&rest[..at], Some(len)),
            None => (rest, None),
        };
        for c in plain.chars() {
            if matches!(c, '"' | '\\' | '$' | '`') {
                out.push('\\');
            }
            out.push(c);
        }
        seen.push_str(plain);
        let Some(len) = marker else { break };
        let name = var(&seen);
        if !used.contains(&name) {
            used.push(name);
        }
        out.push_str(&format!("${{{name}}}"));
        rest = &rest[plain.len() + len..];
    }
    out.push('"');
    out
}

/// A cURL command that sends the exchange again. Redacted secrets become environment
/// variables, listed in a comment above the command.
pub fn curl(exchange: &TraceExchange) -> String {
    let mut used = Vec::new();
    let mut parts = vec![format!(
        "curl -X {} {}",
        exchange.method,
        shell_word(&exchange.url, &field_var, &mut used)
    )];
    for h in &exchange.request_headers {
        // curl computes these itself.
        if h.name.eq_ignore_ascii_case("content-length") || h.name.eq_ignore_ascii_case("host") {
            continue;
        }
        let kind = exchange.kind;
        let name = h.name.clone();
        let line = format!("{}: {}", h.name, h.value);
        parts.push(format!(
            "-H {}",
            shell_word(&line, &move |_| header_var(kind, &name), &mut used)
        ));
    }
    if let Some(body) = &exchange.request_body {
        // A service principal's secret goes by the name azure-identity's own
        // EnvironmentCredential reads, not by a gateway's.
        let sign_in = exchange.label == crate::azure::sign_in::SIGN_IN_TOKEN_LABEL;
        let var = move |before: &str| match field_var(before) {
            "GATEWAY_CLIENT_SECRET" if sign_in => "AZURE_CLIENT_SECRET",
            other => other,
        };
        parts.push(format!("--data-raw {}", shell_word(body, &var, &mut used)));
    }
    let mut out = String::new();
    if !used.is_empty() {
        out.push_str("# Secrets were redacted when this was recorded; set them first:\n");
        for name in &used {
            out.push_str(&format!("#   export {name}=…\n"));
        }
    }
    out.push_str(&parts.join(" \\\n  "));
    out.push('\n');
    out
}

/// One cURL command per exchange, each under a comment naming it (`# label · METHOD url`).
pub fn curl_script(exchanges: &[TraceExchange]) -> String {
    exchanges
        .iter()
        .map(|r| format!("# {} · {} {}\n{}", r.label, r.method, r.url, curl(r)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Phase;
    use crate::trace::{TraceFailure, TraceResponse, TraceSseEvent};

    fn exchange(kind: TraceKind) -> TraceExchange {
        TraceExchange {
            id: "x1".into(),
            run_id: "run-1".into(),
            label: "chat:gpt-4o".into(),
            kind,
            method: "POST".into(),
            url: "https://gw.example/v1/chat/completions?api-version=2024-10-21&code=%3Credacted%3E".into(),
            request_headers: vec![
                TraceHeader { name: "Authorization".into(), value: "Bearer <redacted>".into() },
                TraceHeader { name: "Content-Type".into(), value: "application/json".into() },
                TraceHeader { name: "X-Note".into(), value: "it's \"$HOME\" `x`".into() },
            ],
            request_body: Some(r#"{"messages":[{"role":"user","content":"hi $USER"}],"client_secret":"<redacted>"}"#.into()),
            via_proxy: None,
            started_at_ms: 1_796_410_733_606,
            headers_ms: Some(40),
            first_byte_ms: Some(41),
            total_ms: 55,
            response: Some(TraceResponse {
                status: 200,
                headers: vec![TraceHeader { name: "content-type".into(), value: "text/event-stream".into() }],
                body: "data: {}\n\n".into(),
                body_size: 10,
                declared_length: None,
                cap_reached: false,
                body_cut: false,
                redirects: Vec::new(),
                blocked_redirect: None,
                sse_events: vec![TraceSseEvent { at_ms: 42, event: None, data: "{}".into() }],
            }),
            error: None,
        }
    }

    #[test]
    fn dates_are_iso_8601_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(1_796_410_733_606), "2026-12-04T18:58:53.606Z");
    }

    #[test]
    fn har_entries_carry_timings_that_add_up_and_our_facts_in_underscore_fields() {
        let mut failed = exchange(TraceKind::Gateway);
        failed.response = None;
        failed.error = Some(TraceFailure {
            kind: "timeout".into(),
            phase: Phase::Headers,
            message: "no answer in 30 s".into(),
        });
        let log = har(&[exchange(TraceKind::Gateway), failed]);
        let entries = log["log"]["entries"].as_array().unwrap();
        assert_eq!(log["log"]["version"], "1.2");
        let t = &entries[0]["timings"];
        assert_eq!(
            t["send"].as_i64().unwrap()
                + t["wait"].as_i64().unwrap()
                + t["receive"].as_i64().unwrap(),
            55
        );
        assert_eq!(
            entries[0]["request"]["queryString"][0],
            json!({"name": "api-version", "value": "2024-10-21"})
        );
        assert_eq!(
            entries[0]["response"]["content"]["mimeType"],
            "text/event-stream"
        );
        assert_eq!(entries[0]["_sseEvents"][0]["atMs"], 42);
        assert_eq!(entries[1]["response"]["status"], 0);
        assert_eq!(entries[1]["_error"]["kind"], "timeout");
        assert_eq!(entries[1]["timings"]["wait"], 55);
    }

    #[test]
    fn curl_names_a_variable_for_every_redacted_value_and_expands_nothing_else() {
        let text = curl(&exchange(TraceKind::Arm));
        assert!(text.contains("#   export ARM_TOKEN=…"), "{text}");
        assert!(
            text.contains("#   export GATEWAY_CLIENT_SECRET=…"),
            "{text}"
        );
        assert!(
            text.contains(r#"-H "Authorization: Bearer ${ARM_TOKEN}""#),
            "{text}"
        );
        assert!(
            text.contains(r#"\"client_secret\":\"${GATEWAY_CLIENT_SECRET}\""#),
            "{text}"
        );
        assert!(text.contains(r#"it's \"\$HOME\" \`x\`"#), "{text}");
        assert!(text.contains(r#"hi \$USER"#), "{text}");
        assert!(
            !text.contains(REDACTED) && !text.contains(REDACTED_ENCODED),
            "{text}"
        );
        assert!(text.contains("code=${GATEWAY_API_KEY}"), "{text}");
        let text = curl(&exchange(TraceKind::Foundry));
        assert!(text.contains("${FOUNDRY_TOKEN}"), "{text}");

        let mut sign_in = exchange(TraceKind::Token);
        sign_in.label = crate::azure::sign_in::SIGN_IN_TOKEN_LABEL.into();
        let text = curl(&sign_in);
        assert!(
            text.contains(r#"\"client_secret\":\"${AZURE_CLIENT_SECRET}\""#),
            "{text}"
        );
    }
}
