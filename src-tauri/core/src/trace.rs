//! The trace: a redacted record of every HTTP exchange the app made, stored in SQLite.
//!
//! An [`Exchange`] still holds secrets (wrapped header values, a form body with a client
//! secret, a token in a response). [`TraceExchange::record`] turns it into something safe to
//! store and show: every secret value in play is replaced wherever it appears (URL, headers,
//! bodies), auth-style headers are masked whatever their value, and well-known secret fields
//! in JSON and form bodies are masked too. Nothing reaches SQLite or the UI any other way.

pub mod export;

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::net::{Exchange, FailureKind, Phase, Redirect};
use crate::secrets::{REDACTED, Sensitive};
use crate::store::{Store, StoreError};

/// Bodies kept in the trace are cut here; the original size is kept beside them.
pub const STORED_BODY_LIMIT: usize = 256 * 1024;

/// Header names whose values are credentials whatever they hold.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "api-key",
    "x-api-key",
    "ocp-apim-subscription-key",
    "cookie",
    "set-cookie",
];

/// JSON fields and form/query parameters that carry credentials.
const SECRET_FIELDS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "api_key",
    "api-key",
    "apikey",
    "password",
    "key",
    "code",
    "sig",
    "token",
    "subscription-key",
];

/// Knows every secret value of one run and masks them.
#[derive(Default, Clone)]
pub struct Redactor {
    values: Vec<String>,
    header_names: Vec<String>,
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// A secret value that may appear anywhere (raw, form-encoded or JSON-escaped).
    pub fn add_secret(&mut self, secret: &Sensitive<String>) {
        let raw = secret.expose();
        // Very short values would mask harmless text; they are still masked in headers.
        if raw.len() < 4 {
            return;
        }
        let form: String = url::form_urlencoded::byte_serialize(raw.as_bytes()).collect();
        let json = serde_json::to_string(raw).unwrap_or_default();
        let json = json.trim_matches('"').to_string();
        for v in [raw.clone(), form, json] {
            if !self.values.contains(&v) {
                self.values.push(v);
            }
        }
        // Longest first, so a value containing another is masked whole.
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    /// A header that carries a credential on this connection (e.g. `authConfig.name`).
    pub fn add_secret_header(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        if !self.header_names.contains(&name) {
            self.header_names.push(name);
        }
    }

    fn is_secret_header(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        SECRET_HEADERS.contains(&name.as_str()) || self.header_names.contains(&name)
    }

    /// Every known secret value replaced by `<redacted>`.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), REDACTED);
            }
        }
        out
    }

    /// A header value: credentials masked, keeping an auth scheme word (`Bearer <redacted>`)
    /// because which scheme was sent is what users debug.
    pub fn header(&self, name: &str, value: &str, marked_secret: bool) -> String {
        if marked_secret || self.is_secret_header(name) {
            return match value.split_once(' ') {
                Some((scheme, _))
                    if ["bearer", "basic", "token"]
                        .contains(&scheme.to_ascii_lowercase().as_str()) =>
                {
                    format!("{scheme} {REDACTED}")
                }
                _ => REDACTED.to_string(),
            };
        }
        self.text(value)
    }

    /// A URL with secret query parameters and known secret values masked.
    pub fn url(&self, url: &url::Url) -> String {
        let mut url = url.clone();
        url.set_password(None).ok();
        if url.query().is_some() {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if is_secret_field(&k) {
                        REDACTED.to_string()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        self.text(url.as_str())
    }

    /// A body as text: JSON and form fields with secret names masked, then every known
    /// secret value. Non-UTF-8 bytes are shown as replacement characters.
    pub fn body(&self, bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(mut json) = serde_json::from_str::<serde_json::Value>(&text) {
            mask_json(&mut json);
            return self.text(&serde_json::to_string_pretty(&json).unwrap_or_default());
        }
        if looks_like_form(&text) {
            let masked: Vec<String> = url::form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| {
                    let v = if is_secret_field(&k) {
                        REDACTED.to_string()
                    } else {
                        v.into_owned()
                    };
                    url::form_urlencoded::Serializer::new(String::new())
                        .append_pair(&k, &v)
                        .finish()
                })
                .collect();
            return self.text(&masked.join("&"));
        }
        self.text(&text)
    }
}

fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.contains(&name.to_ascii_lowercase().as_str())
}

fn looks_like_form(text: &str) -> bool {
    !text.is_empty()
        && !text.contains(char::is_whitespace)
        && text.split('&').all(|pair| pair.contains('='))
}

fn mask_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_field(k) && v.is_string() {
                    *v = serde_json::Value::from(REDACTED);
                } else {
                    mask_json(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json),
        _ => {}
    }
}

/// Which service an exchange talked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum TraceKind {
    Gateway,
    Token,
    Arm,
    Foundry,
}

impl TraceKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Gateway => "gateway",
            Self::Token => "token",
            Self::Arm => "arm",
            Self::Foundry => "foundry",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "token" => Self::Token,
            "arm" => Self::Arm,
            "foundry" => Self::Foundry,
            _ => Self::Gateway,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TraceHeader {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TraceRedirect {
    pub status: u16,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceSseEvent {
    pub at_ms: u64,
    pub event: Option<String>,
    pub data: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceFailure {
    /// `timeout`, `connect`, `tls`, `protocol`.
    pub kind: String,
    pub phase: Phase,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceResponse {
    pub status: u16,
    pub headers: Vec<TraceHeader>,
    /// Redacted text, at most [`STORED_BODY_LIMIT`] bytes.
    pub body: String,
    /// Bytes received from the server.
    pub body_size: u64,
    pub declared_length: Option<u64>,
    /// The app stopped reading at its body cap (10 MB by default).
    pub cap_reached: bool,
    /// The stored `body` is shorter than what was received.
    pub body_cut: bool,
    pub redirects: Vec<TraceRedirect>,
    pub blocked_redirect: Option<TraceRedirect>,
    pub sse_events: Vec<TraceSseEvent>,
}

/// One exchange, redacted: safe to store, show and export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceExchange {
    pub id: String,
    pub run_id: String,
    /// What in the run made the call, e.g. `chat:gpt-4o` or `auth-token`.
    pub label: String,
    pub kind: TraceKind,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<TraceHeader>,
    pub request_body: Option<String>,
    pub via_proxy: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub started_at_ms: u64,
    pub headers_ms: Option<u64>,
    pub first_byte_ms: Option<u64>,
    pub total_ms: u64,
    pub response: Option<TraceResponse>,
    pub error: Option<TraceFailure>,
}

fn cut(mut text: String) -> (String, bool) {
    if text.len() <= STORED_BODY_LIMIT {
        return (text, false);
    }
    let mut end = STORED_BODY_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    (text, true)
}

fn redirect(r: &Redirect, redactor: &Redactor) -> TraceRedirect {
    TraceRedirect {
        status: r.status,
        from: redactor.url(&r.from),
        to: redactor.url(&r.to),
    }
}

fn epoch_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl TraceExchange {
    /// The redacted record of `exchange`. The request's secret header values are also
    /// learnt as secret values, so an echo of them in a response body is masked too.
    pub fn record(
        run_id: &str,
        label: &str,
        kind: TraceKind,
        exchange: &Exchange,
        redactor: &Redactor,
    ) -> Self {
        let mut redactor = redactor.clone();
        for header in &exchange.request.headers {
            if header.value.is_secret() {
                redactor.add_secret_header(&header.name);
                let value = header.value.expose();
                // `Bearer <token>`: the token alone may be echoed.
                let bare = value.split_once(' ').map_or(value, |(_, rest)| rest);
                redactor.add_secret(&Sensitive::new(bare.to_string()));
            }
        }
        let request = &exchange.request;
        let request_headers = request
            .headers
            .iter()
            .map(|h| TraceHeader {
                name: h.name.clone(),
                value: redactor.header(&h.name, h.value.expose(), h.value.is_secret()),
            })
            .collect();
        let request_body = request.body.as_deref().map(|b| cut(redactor.body(b)).0);
        let (response, error) = match &exchange.outcome {
            Ok(response) => {
                let (body, body_cut) = cut(redactor.body(&response.body));
                let response = TraceResponse {
                    status: response.status,
                    headers: response
                        .headers
                        .iter()
                        .map(|(name, value)| TraceHeader {
                            name: name.clone(),
                            value: redactor.header(name, value, false),
                        })
                        .collect(),
                    body,
                    body_size: response.received_bytes,
                    declared_length: response.declared_length,
                    cap_reached: response.truncated,
                    body_cut,
                    redirects: response
                        .redirects
                        .iter()
                        .map(|r| redirect(r, &redactor))
                        .collect(),
                    blocked_redirect: response
                        .blocked_redirect
                        .as_ref()
                        .map(|r| redirect(r, &redactor)),
                    sse_events: response
                        .sse_events
                        .iter()
                        .map(|e| TraceSseEvent {
                            at_ms: e.at_ms,
                            event: e.event.clone(),
                            data: redactor.text(&e.data),
                        })
                        .collect(),
                };
                (Some(response), None)
            }
            Err(failure) => (
                None,
                Some(TraceFailure {
                    kind: match failure.kind {
                        FailureKind::Timeout => "timeout",
                        FailureKind::Connect => "connect",
                        FailureKind::Tls => "tls",
                        FailureKind::Protocol => "protocol",
                    }
                    .to_string(),
                    phase: failure.phase,
                    message: redactor.text(&failure.message),
                }),
            ),
        };
        Self {
            id: format!("x-{}", uuid::Uuid::new_v4()),
            run_id: run_id.to_string(),
            label: label.to_string(),
            kind,
            method: request.method.clone(),
            url: redactor.url(&request.url),
            request_headers,
            request_body,
            via_proxy: exchange.via_proxy.clone(),
            started_at_ms: exchange.timings.started_at.map(epoch_ms).unwrap_or(0),
            headers_ms: exchange.timings.headers_ms,
            first_byte_ms: exchange.timings.first_byte_ms,
            total_ms: exchange.timings.total_ms,
            response,
            error,
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// The list row of this exchange (what `Traces::list_run` reads back).
    pub fn summary(&self) -> TraceSummary {
        TraceSummary {
            id: self.id.clone(),
            run_id: self.run_id.clone(),
            label: self.label.clone(),
            kind: self.kind,
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status(),
            error: self.error.as_ref().map(|e| e.message.clone()),
            started_at_ms: self.started_at_ms,
            total_ms: self.total_ms,
        }
    }
}

/// A row of a run's exchange list: enough for a list, without bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceSummary {
    pub id: String,
    pub run_id: String,
    pub label: String,
    pub kind: TraceKind,
    pub method: String,
    pub url: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub started_at_ms: u64,
    pub total_ms: u64,
}

/// Which exchanges the Traces list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct TraceFilter {
    pub run_id: Option<String>,
    pub kinds: Vec<TraceKind>,
    /// `host` or `host:port`, as the list of hosts gives it.
    pub host: Option<String>,
    /// A connection's name: the runs of its checks and playground turns, and ARM calls on it.
    pub connection: Option<String>,
    pub status: Option<StatusClass>,
    /// Words that must all be in the label, the URL or a body.
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum StatusClass {
    Success,
    Redirect,
    ClientError,
    ServerError,
    /// No answer at all (network, TLS, timeout).
    NoResponse,
}

impl StatusClass {
    fn range(self) -> Option<(i64, i64)> {
        match self {
            Self::Success => Some((200, 299)),
            Self::Redirect => Some((300, 399)),
            Self::ClientError => Some((400, 499)),
            Self::ServerError => Some((500, 599)),
            Self::NoResponse => None,
        }
    }
}

/// A page of the Traces list; `next` fetches the one after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TracePage {
    pub items: Vec<TraceSummary>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceStats {
    pub exchanges: u64,
    pub oldest_at_ms: Option<u64>,
    /// The whole database file, WAL included.
    pub database_bytes: u64,
}

/// How long and how much to keep. `None` keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct Retention {
    pub days: Option<u32>,
    pub max_exchanges: Option<u64>,
}

impl Retention {
    /// A limit of 0 (the field and what to do instead): empty keeps everything, and a purge
    /// deletes all.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        let message = "Keep at least one day and one exchange, or leave the limit empty to keep everything; use Purge to delete all.";
        if self.days == Some(0) {
            Some(("days", message))
        } else if self.max_exchanges == Some(0) {
            Some(("maxExchanges", message))
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Purged {
    pub deleted: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
}

const RETENTION_KEY: &str = "traces.retention";

/// Each word of `text` as an FTS5 phrase (quotes doubled), all required; `None` for no words.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn parse_cursor(cursor: &str) -> Option<(i64, i64)> {
    let (ms, rowid) = cursor.split_once(':')?;
    Some((ms.parse().ok()?, rowid.parse().ok()?))
}

#[derive(Debug, thiserror::Error)]
pub enum TraceStoreError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("trace record {id} is unreadable: {reason}")]
    Corrupt { id: String, reason: String },
}

/// The trace table.
pub struct Traces<'a> {
    store: &'a Store,
}

impl<'a> Traces<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    fn sqlx(&self, source: sqlx::Error) -> TraceStoreError {
        TraceStoreError::Store(StoreError::Sqlx {
            path: self.store.path().to_path_buf(),
            source,
        })
    }

    pub async fn insert(&self, exchange: &TraceExchange) -> Result<(), TraceStoreError> {
        self.insert_all(std::slice::from_ref(exchange)).await
    }

    /// Stores `exchanges` in one transaction (all or none).
    pub async fn insert_all(&self, exchanges: &[TraceExchange]) -> Result<(), TraceStoreError> {
        let mut rows = Vec::with_capacity(exchanges.len());
        for exchange in exchanges {
            let record = serde_json::to_string(exchange).map_err(|e| TraceStoreError::Corrupt {
                id: exchange.id.clone(),
                reason: e.to_string(),
            })?;
            let host = url::Url::parse(&exchange.url)
                .ok()
                .and_then(|u| {
                    u.host_str().map(|h| match u.port() {
                        Some(port) => format!("{h}:{port}"),
                        None => h.to_string(),
                    })
                })
                .unwrap_or_default()
                .to_ascii_lowercase();
            let bodies = format!(
                "{} {}",
                exchange.request_body.as_deref().unwrap_or_default(),
                exchange.response.as_ref().map_or("", |r| r.body.as_str())
            );
            rows.push((exchange, record, host, bodies));
        }
        let result = async {
            let mut tx = self.store.pool().begin().await?;
            for (exchange, record, host, bodies) in rows {
                let inserted = sqlx::query(
                    "INSERT INTO trace_exchanges (id, run_id, label, kind, method, url, status, \
                     error, started_at_ms, total_ms, record, host) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&exchange.id)
                .bind(&exchange.run_id)
                .bind(&exchange.label)
                .bind(exchange.kind.as_str())
                .bind(&exchange.method)
                .bind(&exchange.url)
                .bind(exchange.status().map(i64::from))
                .bind(exchange.error.as_ref().map(|e| e.message.clone()))
                .bind(exchange.started_at_ms as i64)
                .bind(exchange.total_ms as i64)
                .bind(record)
                .bind(host)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO trace_text (rowid, label, url, bodies) VALUES (?, ?, ?, ?)",
                )
                .bind(inserted.last_insert_rowid())
                .bind(&exchange.label)
                .bind(&exchange.url)
                .bind(bodies)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        }
        .await;
        result.map_err(|e| self.sqlx(e))
    }

    /// A page of exchanges matching `filter`, newest first, starting after `before` (the
    /// `next` of the previous page).
    pub async fn query(
        &self,
        filter: &TraceFilter,
        before: Option<&str>,
        limit: u32,
    ) -> Result<TracePage, TraceStoreError> {
        let limit = limit.clamp(1, 500);
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT rowid, id, run_id, label, kind, method, url, status, error, started_at_ms, \
             total_ms FROM trace_exchanges WHERE 1 = 1",
        );
        if let Some(run) = filter.run_id.as_deref().filter(|r| !r.is_empty()) {
            q.push(" AND run_id = ").push_bind(run.to_string());
        }
        if !filter.kinds.is_empty() {
            q.push(" AND kind IN (");
            let mut kinds = q.separated(", ");
            for kind in &filter.kinds {
                kinds.push_bind(kind.as_str());
            }
            q.push(")");
        }
        if let Some(host) = filter.host.as_deref().filter(|h| !h.is_empty()) {
            q.push(" AND host = ").push_bind(host.to_ascii_lowercase());
        }
        if let Some(name) = filter
            .connection
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            q.push(" AND (run_id IN (SELECT id FROM check_runs WHERE connection_name = ")
                .push_bind(name.to_string())
                .push(") OR run_id IN (SELECT json_extract(t.record, '$.traceRunId') FROM agent_turns t \
                       JOIN agent_conversations c ON c.id = t.conversation_id WHERE c.connection_name = ")
                .push_bind(name.to_string())
                .push(") OR (kind = 'arm' AND (url LIKE ")
                .push_bind(format!("%/connections/{name}?%"))
                .push(" OR url LIKE ")
                .push_bind(format!("%/connections/{name}"))
                .push(")))");
        }
        if let Some(class) = filter.status {
            match class.range() {
                Some((low, high)) => {
                    q.push(" AND status BETWEEN ")
                        .push_bind(low)
                        .push(" AND ")
                        .push_bind(high);
                }
                None => {
                    q.push(" AND status IS NULL");
                }
            }
        }
        if let Some(text) = filter.text.as_deref().and_then(fts_query) {
            q.push(" AND rowid IN (SELECT rowid FROM trace_text WHERE trace_text MATCH ")
                .push_bind(text)
                .push(")");
        }
        if let Some((ms, rowid)) = before.and_then(parse_cursor) {
            q.push(" AND (started_at_ms < ")
                .push_bind(ms)
                .push(" OR (started_at_ms = ")
                .push_bind(ms)
                .push(" AND rowid < ")
                .push_bind(rowid)
                .push("))");
        }
        q.push(" ORDER BY started_at_ms DESC, rowid DESC LIMIT ")
            .push_bind(i64::from(limit) + 1);
        let rows = q
            .build()
            .fetch_all(self.store.pool())
            .await
            .map_err(|e| self.sqlx(e))?;
        let more = rows.len() > limit as usize;
        let rows = &rows[..rows.len().min(limit as usize)];
        let next = more.then(|| rows.last()).flatten().map(|r| {
            format!(
                "{}:{}",
                r.get::<i64, _>("started_at_ms"),
                r.get::<i64, _>("rowid")
            )
        });
        Ok(TracePage {
            items: rows.iter().map(summary_row).collect(),
            next,
        })
    }

    /// The hosts exchanges went to, most used first (for the host filter).
    pub async fn hosts(&self) -> Result<Vec<String>, TraceStoreError> {
        sqlx::query_scalar(
            "SELECT host FROM trace_exchanges WHERE host != '' GROUP BY host \
             ORDER BY COUNT(*) DESC, host LIMIT 200",
        )
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))
    }

    /// The retention rule in force (none by default: everything is kept).
    pub async fn retention(&self) -> Result<Retention, TraceStoreError> {
        Ok(crate::settings::read(self.store, RETENTION_KEY)
            .await?
            .unwrap_or_default())
    }

    pub async fn set_retention(&self, rule: &Retention) -> Result<(), TraceStoreError> {
        Ok(crate::settings::write(self.store, RETENTION_KEY, rule).await?)
    }

    /// ARM writes (connection PUTs and DELETEs) of the CLI and the window, newest first: the
    /// deployments of the History page.
    pub async fn deployments(&self, limit: u32) -> Result<Vec<TraceSummary>, TraceStoreError> {
        let rows = sqlx::query(
            "SELECT id, run_id, label, kind, method, url, status, error, started_at_ms, total_ms \
             FROM trace_exchanges WHERE kind = 'arm' AND method IN ('PUT', 'DELETE') \
             AND label NOT LIKE '%(retry%' ORDER BY started_at_ms DESC, rowid DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(rows.iter().map(summary_row).collect())
    }

    /// How much is kept.
    pub async fn stats(&self) -> Result<TraceStats, TraceStoreError> {
        let (exchanges, oldest): (i64, Option<i64>) =
            sqlx::query_as("SELECT COUNT(*), MIN(started_at_ms) FROM trace_exchanges")
                .fetch_one(self.store.pool())
                .await
                .map_err(|e| self.sqlx(e))?;
        Ok(TraceStats {
            exchanges: exchanges.max(0) as u64,
            oldest_at_ms: oldest.map(|v| v.max(0) as u64),
            database_bytes: self.store.size_on_disk(),
        })
    }

    /// Deletes exchanges older than `rule.older_than_days` and beyond the newest
    /// `rule.keep_at_most`, then gives the space back to the file system.
    pub async fn purge(&self, rule: &Retention, now_ms: u64) -> Result<Purged, TraceStoreError> {
        let bytes_before = self.store.size_on_disk();
        let mut deleted = 0u64;
        if let Some(days) = rule.days {
            let cutoff = now_ms.saturating_sub(u64::from(days) * 86_400_000) as i64;
            deleted += sqlx::query("DELETE FROM trace_exchanges WHERE started_at_ms < ?")
                .bind(cutoff)
                .execute(self.store.pool())
                .await
                .map_err(|e| self.sqlx(e))?
                .rows_affected();
        }
        if let Some(keep) = rule.max_exchanges {
            deleted += sqlx::query(
                "DELETE FROM trace_exchanges WHERE rowid IN (SELECT rowid FROM trace_exchanges \
                 ORDER BY started_at_ms DESC, rowid DESC LIMIT -1 OFFSET ?)",
            )
            .bind(keep as i64)
            .execute(self.store.pool())
            .await
            .map_err(|e| self.sqlx(e))?
            .rows_affected();
        }
        if deleted > 0 {
            // The WAL first, so VACUUM's copy is what shrinks the file.
            for statement in [
                "PRAGMA wal_checkpoint(TRUNCATE)",
                "VACUUM",
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ] {
                sqlx::query(statement)
                    .execute(self.store.pool())
                    .await
                    .map_err(|e| self.sqlx(e))?;
            }
        }
        Ok(Purged {
            deleted,
            bytes_before,
            bytes_after: self.store.size_on_disk(),
        })
    }

    pub async fn get(&self, id: &str) -> Result<Option<TraceExchange>, TraceStoreError> {
        let record: Option<String> =
            sqlx::query_scalar("SELECT record FROM trace_exchanges WHERE id = ?")
                .bind(id)
                .fetch_optional(self.store.pool())
                .await
                .map_err(|e| self.sqlx(e))?;
        record
            .map(|r| {
                serde_json::from_str(&r).map_err(|e| TraceStoreError::Corrupt {
                    id: id.to_string(),
                    reason: e.to_string(),
                })
            })
            .transpose()
    }

    /// A run's exchanges in the order they started.
    pub async fn list_run(&self, run_id: &str) -> Result<Vec<TraceSummary>, TraceStoreError> {
        let rows = sqlx::query(
            "SELECT id, run_id, label, kind, method, url, status, error, started_at_ms, total_ms \
             FROM trace_exchanges WHERE run_id = ? ORDER BY started_at_ms, rowid",
        )
        .bind(run_id)
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(rows.iter().map(summary_row).collect())
    }

    /// The newest exchanges of every run, newest first.
    pub async fn list_recent(&self, limit: u32) -> Result<Vec<TraceSummary>, TraceStoreError> {
        let rows = sqlx::query(
            "SELECT id, run_id, label, kind, method, url, status, error, started_at_ms, total_ms \
             FROM trace_exchanges ORDER BY started_at_ms DESC, rowid DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        Ok(rows.iter().map(summary_row).collect())
    }

    /// A run's whole records (bodies included), in the order they started.
    pub async fn records_of_run(
        &self,
        run_id: &str,
    ) -> Result<Vec<TraceExchange>, TraceStoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, record FROM trace_exchanges WHERE run_id = ? ORDER BY started_at_ms, rowid",
        )
        .bind(run_id)
        .fetch_all(self.store.pool())
        .await
        .map_err(|e| self.sqlx(e))?;
        rows.into_iter()
            .map(|(id, record)| {
                serde_json::from_str(&record).map_err(|e| TraceStoreError::Corrupt {
                    id,
                    reason: e.to_string(),
                })
            })
            .collect()
    }
}

fn summary_row(row: &sqlx::sqlite::SqliteRow) -> TraceSummary {
    TraceSummary {
        id: row.get("id"),
        run_id: row.get("run_id"),
        label: row.get("label"),
        kind: TraceKind::parse(row.get("kind")),
        method: row.get("method"),
        url: row.get("url"),
        status: row
            .get::<Option<i64>, _>("status")
            .and_then(|s| u16::try_from(s).ok()),
        error: row.get("error"),
        started_at_ms: row.get::<i64, _>("started_at_ms").max(0) as u64,
        total_ms: row.get::<i64, _>("total_ms").max(0) as u64,
    }
}

#[cfg(test)]
mod tests;
