//! What every emulator shares: binding on loopback, recording requests, the fault guard, and
//! shutting down.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{self, Body};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

use crate::dialect::Dialect;
use crate::faults::{self, FaultGuard, Faults, Route};

/// Largest request body an emulator reads (gateways cap bodies too).
const MAX_REQUEST_BODY: usize = 32 * 1024 * 1024;
/// How long `shutdown` waits for open connections before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// One request as the emulator received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query, e.g. `/openai/deployments?api-version=2025-03-01-preview`.
    pub path: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// First value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The path without the query.
    pub fn path_only(&self) -> &str {
        self.path
            .split_once('?')
            .map_or(&self.path, |(path, _)| path)
    }

    /// First value of a query parameter, decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let (_, query) = self.path.split_once('?')?;
        query_param(query, name)
    }

    /// The body as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// First value of `name` in a query string, decoded.
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

#[derive(Clone, Default)]
pub(crate) struct Recorder {
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
}

impl Recorder {
    fn lock(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Middleware: records the request (reading its body) before anything can answer it.
async fn record(State(recorder): State<Recorder>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = body::to_bytes(body, MAX_REQUEST_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    };
    let path = parts.uri.path_and_query().map_or_else(
        || parts.uri.path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    tracing::debug!(method = %parts.method, %path, "sandbox request");
    recorder.lock().push(RecordedRequest {
        method: parts.method.to_string(),
        path,
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_string(), value)
            })
            .collect(),
        body: bytes.to_vec(),
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Middleware for Azure services: every response carries a fresh `x-ms-request-id` and the
/// caller's `x-ms-correlation-request-id` (a fresh one when the caller sent none), so a client
/// can show them in its errors.
async fn stamp_request_ids(request: Request, next: Next) -> Response {
    let correlation = request
        .headers()
        .get("x-ms-correlation-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(new_guid);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ms-request-id", new_guid()),
        ("x-ms-correlation-request-id", correlation),
    ] {
        if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// A random GUID in Azure's lower-case form.
pub(crate) fn new_guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// How an emulator plugs into the shared server plumbing.
pub(crate) struct ServerSpec {
    pub(crate) app: Router,
    pub(crate) dialect: Dialect,
    /// Route kind of a request path, for fault scoping.
    pub(crate) classify: fn(&str) -> Route,
}

/// A running emulator's server: address, recorder, faults, and its shutdown switch.
pub(crate) struct Server {
    base_url: Url,
    faults: Faults,
    recorder: Recorder,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Binds `addr` and serves `spec.app` behind the recorder and the fault guard.
pub(crate) async fn serve(addr: SocketAddr, spec: ServerSpec) -> io::Result<Server> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let base_url = Url::parse(&format!("http://{local}/"))
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err))?;
    let faults = Faults::new();
    let recorder = Recorder::default();
    let guard = FaultGuard {
        faults: faults.clone(),
        classify: spec.classify,
        dialect: spec.dialect,
    };
    let mut app = spec
        .app
        .layer(middleware::from_fn_with_state(guard, faults::guard));
    if spec.dialect == Dialect::Azure {
        // Outside the fault guard: injected 429s and 500s carry the ids too, as ARM's do.
        app = app.layer(middleware::from_fn(stamp_request_ids));
    }
    let app = app.layer(middleware::from_fn_with_state(recorder.clone(), record));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(err) = serving.await {
            tracing::warn!(%err, "sandbox server stopped");
        }
    });
    Ok(Server {
        base_url,
        faults,
        recorder,
        stop: Some(stop),
        task: Some(task),
    })
}

impl Server {
    /// `http://127.0.0.1:PORT/`.
    pub(crate) fn base_url(&self) -> &Url {
        &self.base_url
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.recorder.lock().clone()
    }

    pub(crate) fn clear_requests(&self) {
        self.recorder.lock().clear();
    }

    /// Stops accepting, lets open requests finish for a moment, then cuts them.
    pub(crate) async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Server {
    /// Dropping a running emulator stops it (open requests still finish).
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_request_helpers() {
        let request = RecordedRequest {
            method: "GET".into(),
            path: "/openai/deployments?api-version=2025-03-01-preview&x=a%20b".into(),
            headers: vec![("api-key".into(), "k".into())],
            body: br#"{"a":1}"#.to_vec(),
        };
        assert_eq!(request.header("API-Key"), Some("k"));
        assert_eq!(request.path_only(), "/openai/deployments");
        assert_eq!(request.query_param("x").as_deref(), Some("a b"));
        assert_eq!(request.body_json(), Some(serde_json::json!({"a": 1})));
    }
}
