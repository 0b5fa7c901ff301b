//! Fault knobs: make a running emulator misbehave the way real gateways, proxies and identity
//! providers do, so a checker's diagnosis of each failure can be tested.
//!
//! Faults are armed on a shared [`Faults`] handle while the server runs and apply to the requests
//! that arrive afterwards, either always or for the next N requests of a [`Route`]. They act in
//! front of the emulated service (like a proxy would): before api-version, subscription and auth
//! checks.
//!
//! ```no_run
//! # async fn demo(gateway: &gateway_studio_sandbox::RunningGateway) {
//! use gateway_studio_sandbox::Route;
//! gateway.faults().rate_limit(5); // every request: 429, Retry-After: 5
//! gateway.faults().on(Route::Chat).next(2).server_error(503); // the next two chat calls
//! gateway.faults().clear();
//! # }
//! ```

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::body;
use crate::dialect::{self, Dialect};

/// Kind of request a fault is scoped to. [`Route::Any`] is only a scope; a request no emulator
/// route claims (a wrong path) is [`Route::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    Any,
    /// Model discovery: list and get (`/v1/models...`, `/openai/deployments[/{name}]`).
    Discovery,
    /// Chat completions.
    Chat,
    /// The OAuth2 token endpoint.
    Token,
    /// Any Azure Resource Manager operation.
    Arm,
    /// Any Foundry data-plane request (agents, conversations, responses).
    Foundry,
    /// A path no route serves.
    Other,
}

impl Route {
    fn covers(self, request: Route) -> bool {
        self == Route::Any || self == request
    }
}

/// How many matching requests a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Times {
    Always,
    /// The next N requests it applies to; then it is disarmed.
    Next(u32),
}

/// One way to misbehave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with exactly this status, body and `Content-Type`.
    Status {
        status: u16,
        body: String,
        content_type: String,
    },
    /// 429 with `Retry-After`, in the service's words.
    RateLimit { retry_after_secs: u64 },
    /// A 5xx (500, 502, 503, ...) in the service's words.
    ServerError { status: u16 },
    /// Wait this long before the response headers.
    Delay(Duration),
    /// Send the (real) body at most `bytes_per_tick` bytes per `tick`.
    Trickle {
        bytes_per_tick: usize,
        tick: Duration,
    },
    /// 200 with an HTML page, like a login portal or a proxy's block page.
    NonJsonBody,
    /// 200 JSON of the wrong shape: chat without `choices`, discovery in the other provider's
    /// shape (`data[]` from an Azure OpenAI gateway, `value[]` from an OpenAI one), a token
    /// response without `access_token`.
    WrongShape,
    /// Redirect (301/302/307/308) to `location`, e.g. another origin or a login page.
    Redirect { location: String, status: u16 },
    /// 200 with a valid JSON document of this many bytes.
    HugeBody { bytes: usize },
    /// Chat ignores `tools` and answers plain text.
    DropTools,
    /// Chat ignores `stream: true` and answers one JSON body.
    NoStream,
}

impl Fault {
    /// Whether the fault replaces the service's answer (only one such fault acts per request).
    fn is_answer(&self) -> bool {
        matches!(
            self,
            Fault::Status { .. }
                | Fault::RateLimit { .. }
                | Fault::ServerError { .. }
                | Fault::NonJsonBody
                | Fault::Redirect { .. }
                | Fault::HugeBody { .. }
        )
    }

    /// Routes where the fault has an effect; elsewhere it is neither applied nor used up.
    fn acts_on(&self, route: Route) -> bool {
        match self {
            Fault::DropTools | Fault::NoStream => route == Route::Chat,
            Fault::WrongShape => matches!(route, Route::Chat | Route::Discovery | Route::Token),
            _ => true,
        }
    }
}

struct Armed {
    fault: Fault,
    scope: Route,
    left: Option<u32>,
}

/// Shared, cloneable handle to the faults armed on one emulator.
#[derive(Clone, Default)]
pub struct Faults {
    armed: Arc<Mutex<Vec<Armed>>>,
}

/// Lock that survives a panicked holder: the fault list stays usable in later tests.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Faults {
    pub fn new() -> Self {
        Self::default()
    }

    /// Arms `fault` for requests of `scope`, `times` times.
    pub fn arm(&self, fault: Fault, scope: Route, times: Times) {
        let left = match times {
            Times::Always => None,
            Times::Next(0) => return,
            Times::Next(n) => Some(n),
        };
        lock(&self.armed).push(Armed { fault, scope, left });
    }

    /// Disarms every fault.
    pub fn clear(&self) {
        lock(&self.armed).clear();
    }

    /// Whether no fault is armed (counted faults disarm themselves once used up).
    pub fn is_clear(&self) -> bool {
        lock(&self.armed).is_empty()
    }

    /// Scopes the next fault to one kind of request.
    pub fn on(&self, route: Route) -> FaultScope<'_> {
        self.scope().on(route)
    }

    /// Arms the next fault for the next `n` requests it applies to.
    pub fn next(&self, n: u32) -> FaultScope<'_> {
        self.scope().next(n)
    }

    fn scope(&self) -> FaultScope<'_> {
        FaultScope {
            faults: self,
            scope: Route::Any,
            times: Times::Always,
        }
    }

    /// Every request: this exact answer.
    pub fn status(&self, status: u16, body: impl Into<String>, content_type: impl Into<String>) {
        self.scope().status(status, body, content_type);
    }
    /// Every request: 429 with `Retry-After`.
    pub fn rate_limit(&self, retry_after_secs: u64) {
        self.scope().rate_limit(retry_after_secs);
    }
    /// Every request: this 5xx.
    pub fn server_error(&self, status: u16) {
        self.scope().server_error(status);
    }
    /// Every request: wait before the headers.
    pub fn delay(&self, delay: Duration) {
        self.scope().delay(delay);
    }
    /// Every request: trickle the body.
    pub fn trickle(&self, bytes_per_tick: usize, tick: Duration) {
        self.scope().trickle(bytes_per_tick, tick);
    }
    /// Every request: 200 with an HTML page.
    pub fn non_json_body(&self) {
        self.scope().non_json_body();
    }
    /// Every chat, discovery and token request: 200 JSON of the wrong shape.
    pub fn wrong_shape(&self) {
        self.scope().wrong_shape();
    }
    /// Every request: redirect to `location`.
    pub fn redirect(&self, location: impl Into<String>, status: u16) {
        self.scope().redirect(location, status);
    }
    /// Every request: 200 with a JSON body of `bytes` bytes.
    pub fn huge_body(&self, bytes: usize) {
        self.scope().huge_body(bytes);
    }
    /// Every chat request: tools ignored.
    pub fn drop_tools(&self) {
        self.scope().drop_tools();
    }
    /// Every chat request: `stream: true` ignored.
    pub fn no_stream(&self) {
        self.scope().no_stream();
    }

    /// Takes the faults that act on one request of `route`, using up counted ones.
    fn plan(&self, route: Route) -> Plan {
        let mut plan = Plan::default();
        let mut armed = lock(&self.armed);
        for entry in armed.iter_mut() {
            if !entry.scope.covers(route) || !entry.fault.acts_on(route) {
                continue;
            }
            if entry.fault.is_answer() && plan.answer.is_some() {
                continue;
            }
            if let Some(left) = entry.left.as_mut() {
                *left -= 1;
            }
            match &entry.fault {
                Fault::Delay(delay) => plan.delay += *delay,
                Fault::Trickle {
                    bytes_per_tick,
                    tick,
                } => plan.trickle = Some((*bytes_per_tick, *tick)),
                Fault::WrongShape => plan.behaviour.wrong_shape = true,
                Fault::DropTools => plan.behaviour.drop_tools = true,
                Fault::NoStream => plan.behaviour.no_stream = true,
                answer => plan.answer = Some(answer.clone()),
            }
        }
        armed.retain(|entry| entry.left != Some(0));
        plan
    }
}

/// Where and how often the next armed fault applies; by default every request, always.
#[must_use = "a scope arms nothing until a fault method is called"]
pub struct FaultScope<'a> {
    faults: &'a Faults,
    scope: Route,
    times: Times,
}

impl FaultScope<'_> {
    pub fn on(mut self, route: Route) -> Self {
        self.scope = route;
        self
    }
    pub fn next(mut self, n: u32) -> Self {
        self.times = Times::Next(n);
        self
    }
    pub fn times(mut self, times: Times) -> Self {
        self.times = times;
        self
    }
    pub fn arm(self, fault: Fault) {
        self.faults.arm(fault, self.scope, self.times);
    }

    pub fn status(self, status: u16, body: impl Into<String>, content_type: impl Into<String>) {
        self.arm(Fault::Status {
            status,
            body: body.into(),
            content_type: content_type.into(),
        });
    }
    pub fn rate_limit(self, retry_after_secs: u64) {
        self.arm(Fault::RateLimit { retry_after_secs });
    }
    pub fn server_error(self, status: u16) {
        self.arm(Fault::ServerError { status });
    }
    pub fn delay(self, delay: Duration) {
        self.arm(Fault::Delay(delay));
    }
    pub fn trickle(self, bytes_per_tick: usize, tick: Duration) {
        self.arm(Fault::Trickle {
            bytes_per_tick,
            tick,
        });
    }
    pub fn non_json_body(self) {
        self.arm(Fault::NonJsonBody);
    }
    pub fn wrong_shape(self) {
        self.arm(Fault::WrongShape);
    }
    pub fn redirect(self, location: impl Into<String>, status: u16) {
        self.arm(Fault::Redirect {
            location: location.into(),
            status,
        });
    }
    pub fn huge_body(self, bytes: usize) {
        self.arm(Fault::HugeBody { bytes });
    }
    pub fn drop_tools(self) {
        self.arm(Fault::DropTools);
    }
    pub fn no_stream(self) {
        self.arm(Fault::NoStream);
    }
}

/// What the faults make of one request.
#[derive(Default)]
struct Plan {
    delay: Duration,
    answer: Option<Fault>,
    trickle: Option<(usize, Duration)>,
    behaviour: Behaviour,
}

/// Faults the route handlers carry out themselves; always present as a request extension.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Behaviour {
    pub(crate) wrong_shape: bool,
    pub(crate) drop_tools: bool,
    pub(crate) no_stream: bool,
}

/// What the fault middleware needs to know about the server it guards.
#[derive(Clone)]
pub(crate) struct FaultGuard {
    pub(crate) faults: Faults,
    pub(crate) classify: fn(&str) -> Route,
    pub(crate) dialect: Dialect,
}

/// Middleware: applies the armed faults to a request before the service sees it.
pub(crate) async fn guard(
    State(guard): State<FaultGuard>,
    mut request: Request,
    next: Next,
) -> Response {
    let route = (guard.classify)(request.uri().path());
    let plan = guard.faults.plan(route);
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    let response = match plan.answer {
        Some(answer) => answer_with(answer, guard.dialect),
        None => {
            request.extensions_mut().insert(plan.behaviour);
            next.run(request).await
        }
    };
    match plan.trickle {
        Some((bytes_per_tick, tick)) => trickled(response, bytes_per_tick, tick),
        None => response,
    }
}

/// A login page, as a corporate proxy or an auth wall answers in place of the API.
const LOGIN_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Sign in to your account</title></head>\n<body><form method=\"post\" action=\"/login\"><h1>Sign in</h1><p>Your organization requires you to sign in to continue.</p><input name=\"username\"><input name=\"password\" type=\"password\"><button>Sign in</button></form></body></html>\n";

fn answer_with(fault: Fault, dialect: Dialect) -> Response {
    match fault {
        Fault::Status {
            status,
            body,
            content_type,
        } => {
            let mut response = (dialect::status(status), body).into_response();
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
        Fault::RateLimit { retry_after_secs } => dialect.rate_limited(retry_after_secs),
        Fault::ServerError { status } => dialect.server_error(status),
        Fault::NonJsonBody => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            LOGIN_PAGE,
        )
            .into_response(),
        Fault::Redirect { location, status } => match HeaderValue::from_str(&location) {
            Ok(location) => (
                dialect::status(status),
                [(header::LOCATION, location)],
                Body::empty(),
            )
                .into_response(),
            Err(_) => dialect.server_error(500),
        },
        Fault::HugeBody { bytes } => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::CONTENT_LENGTH,
                    HeaderValue::from(body::huge_json_len(bytes)),
                ),
            ],
            body::huge_json(bytes),
        )
            .into_response(),
        // Not answers (see `Fault::is_answer`); `plan` never hands them here.
        Fault::Delay(_)
        | Fault::Trickle { .. }
        | Fault::WrongShape
        | Fault::DropTools
        | Fault::NoStream => dialect.server_error(500),
    }
}

/// The response with its body trickled; a known length is kept so the client sees a slow
/// body, not a chunked one.
fn trickled(response: Response, bytes_per_tick: usize, tick: Duration) -> Response {
    use axum::body::HttpBody;
    let (mut parts, original) = response.into_parts();
    if let Some(length) = original.size_hint().exact() {
        parts
            .headers
            .entry(header::CONTENT_LENGTH)
            .or_insert(HeaderValue::from(length));
    }
    Response::from_parts(parts, body::trickle(original, bytes_per_tick, tick))
}
