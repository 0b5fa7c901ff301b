//! The Foundry project data-plane client (Agent Service v1, byo-gateway.md §5–§7): agent
//! versions, conversations and responses that run a prompt agent through a gateway connection.
//!
//! The same rules as the ARM client ([`crate::azure::arm`]):
//!
//! - every request goes through the app's one [`HttpClient`] with a bearer token from a
//!   [`TokenSource`] (scope `https://ai.azure.com/.default` in the public cloud), sent as a
//!   secret header value so traces redact it; every exchange (retries and pages included) is
//!   handed to the observer as [`TraceKind::Foundry`];
//! - project routes (`agents/...`) take `api-version=v1`; the OpenAI-compatible routes
//!   (`openai/v1/conversations`, `openai/v1/responses`) take none;
//! - 429 and 503 are tried again within the ARM [`RetryPolicy`], after the wait asked for;
//! - lists follow the OpenAI cursor (`has_more`, `after=last_id`) to the end, within
//!   [`FoundryClientOptions::max_pages`];
//! - errors ([`FoundryError`]) name method, URL, status, the service's code and message and its
//!   request id, and [`FoundryError::hint`] says what to do. No text holds the token.
//!
//! A response whose `status` is `failed` is an error ([`FoundryError::RunFailed`]), streamed or
//! not [I]: the gateway failures the user must act on come that way in a stream.

mod error;
mod stream;
#[cfg(test)]
mod tests;
mod types;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use url::Url;

pub use error::{FoundryAnswer, FoundryError, TokenUsed, project_scope};
pub use stream::{ResponseStream, StreamEvent, TextDelta};
pub use types::{
    Agent, AgentReference, AgentResponse, AgentVersion, Conversation, CreateAgentVersion, Deleted,
    FunctionCall, FunctionCallOutput, FunctionTool, Item, MessageItem, PromptAgentDefinition,
    ResponseError, ResponseRequest, ResponseStatus, Tool, Usage, function_call_output,
    user_message,
};

use crate::azure::TokenSource;
use crate::azure::arm::RetryPolicy;
use crate::gateway::{Header, HeaderValue};
use crate::net::{Exchange, HttpClient, HttpRequest, Limits, Response};
use crate::secrets::Sensitive;
use crate::trace::{Redactor, TraceExchange, TraceKind};

/// The api-version of project routes (GA v1, §6.1).
pub const API_VERSION: &str = "v1";
/// How an agent names a gateway model (§5).
pub const MODEL_FORM: &str = "<connection-name>/<deployment-name>";
/// Longest agent name (§6.2).
pub const MAX_AGENT_NAME: usize = 63;
/// Most metadata pairs of an agent version (§6.2).
pub const MAX_METADATA: usize = 16;
/// Most items one conversation request may carry (§6.3).
pub const MAX_CONVERSATION_ITEMS: usize = 20;

/// How the client behaves; the defaults suit the app, tests shrink the waits.
#[derive(Debug, Clone)]
pub struct FoundryClientOptions {
    /// Agents and conversations, per exchange.
    pub limits: Limits,
    /// Responses, per exchange: a run waits for the gateway behind the connection, a tool
    /// round trip included [I: 2 minutes, twice the emulator's gateway-call timeout].
    pub run_limits: Limits,
    pub retry: RetryPolicy,
    /// The most pages one list follows.
    pub max_pages: usize,
    /// `limit` of each list page, 1 to 100.
    pub page_size: u32,
}

impl Default for FoundryClientOptions {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            run_limits: Limits {
                timeout: Duration::from_secs(120),
                ..Limits::default()
            },
            retry: RetryPolicy::default(),
            max_pages: 100,
            page_size: 100,
        }
    }
}

/// One exchange, as the observer sees it.
pub struct ObservedExchange<'a> {
    /// What the client was doing, e.g. `create-agent-version:gw-smoke`, `list-agents (page 2)`,
    /// `create-response:gw-smoke (retry 1)`: the trace label.
    pub label: &'a str,
    pub exchange: &'a Exchange,
    /// Knows the bearer token.
    pub redactor: &'a Redactor,
}

impl ObservedExchange<'_> {
    /// The redacted trace record of the exchange.
    pub fn record(&self, run_id: &str) -> TraceExchange {
        TraceExchange::record(
            run_id,
            self.label,
            TraceKind::Foundry,
            self.exchange,
            self.redactor,
        )
    }
}

/// Called with every exchange the client makes, failed ones included.
pub type ExchangeObserver = Arc<dyn Fn(&ObservedExchange<'_>) + Send + Sync>;

/// Why `name` cannot be an agent name (§6.2: letters and digits at both ends, hyphens in
/// between, at most 63), or `None`. ASCII letters only [I: the SDK docstring says
/// "alphanumeric"].
pub fn agent_name_problem(name: &str) -> Option<String> {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    if name.is_empty() {
        return Some("it is empty".to_string());
    }
    if name.len() > MAX_AGENT_NAME {
        return Some(format!(
            "it is {} characters long; at most {MAX_AGENT_NAME} are allowed",
            name.chars().count()
        ));
    }
    if let Some(bad) = name.chars().find(|&c| !alnum(c) && c != '-') {
        return Some(format!(
            "`{}` is not allowed (only letters, digits and hyphens)",
            bad.escape_debug()
        ));
    }
    if !name.starts_with(alnum) || !name.ends_with(alnum) {
        return Some("it must start and end with a letter or digit".to_string());
    }
    None
}

/// [`agent_name_problem`] as the error the client returns.
pub fn check_agent_name(name: &str) -> Result<(), FoundryError> {
    match agent_name_problem(name) {
        Some(problem) => Err(FoundryError::InvalidName {
            what: "agent name",
            name: name.to_string(),
            problem,
        }),
        None => Ok(()),
    }
}

/// An id the service gave (a version, `conv_…`, `resp_…`) put in a path: it is percent-encoded
/// there, so only what would change the path's meaning is refused.
fn check_id(what: &'static str, id: &str) -> Result<(), FoundryError> {
    let problem = if id.trim().is_empty() {
        Some("it is empty")
    } else if id == "." || id == ".." {
        Some("it is a relative path segment")
    } else if id.chars().any(char::is_control) {
        Some("it contains a control character")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(FoundryError::InvalidName {
            what,
            name: id.escape_debug().to_string(),
            problem: problem.to_string(),
        }),
        None => Ok(()),
    }
}

/// A client for one Foundry project and one identity. Cheap to clone.
#[derive(Clone)]
pub struct FoundryClient {
    http: HttpClient,
    endpoint: Url,
    scope: String,
    tokens: Arc<dyn TokenSource>,
    options: FoundryClientOptions,
    observer: Option<ExchangeObserver>,
    cancel: Option<CancellationToken>,
}

/// One logical operation: label, method, body, what it accepts, and the secrets in play.
/// Retries and pages share it, and one client request id.
struct Call {
    label: String,
    method: &'static str,
    body: Option<Vec<u8>>,
    accept: &'static str,
    limits: Limits,
    redactor: Redactor,
    client_request_id: String,
    /// A live stream's listener: each server-sent event as soon as it is complete.
    events: Option<tokio::sync::mpsc::UnboundedSender<crate::net::SseEvent>>,
}

impl Call {
    fn mask(&self, text: &str) -> String {
        self.redactor.text(text)
    }
}

/// The status and request id of a successful answer, for the errors about its body.
struct Answered {
    status: u16,
    request_id: Option<String>,
}

impl Answered {
    fn of(response: &Response) -> Self {
        Self {
            status: response.status,
            request_id: error::request_id(response),
        }
    }
}

/// An OpenAI-style list page: `{"object":"list","data":[…],"last_id","has_more"}`.
struct Page {
    data: Vec<Value>,
    next_after: Option<String>,
}

fn page(json: &Value) -> Result<Page, String> {
    let Some(data) = json.get("data").and_then(Value::as_array) else {
        return Err("a list answer without a `data` array".to_string());
    };
    let has_more = json
        .get("has_more")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let next_after = if has_more {
        let last = json
            .get("last_id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .ok_or("a list answer with `has_more` but no `last_id`")?;
        Some(last)
    } else {
        None
    };
    Ok(Page {
        data: data.clone(),
        next_after,
    })
}

impl FoundryClient {
    /// A client for `project_endpoint` (`https://{account}.services.ai.azure.com/api/projects/
    /// {project}`) asking `tokens` for tokens of `scope` (`https://ai.azure.com/.default`).
    pub fn new(
        http: HttpClient,
        project_endpoint: Url,
        scope: impl Into<String>,
        tokens: Arc<dyn TokenSource>,
    ) -> Self {
        Self {
            http,
            endpoint: project_endpoint,
            scope: scope.into(),
            tokens,
            options: FoundryClientOptions::default(),
            observer: None,
            cancel: None,
        }
    }

    /// `https://{account}.{host_suffix}/api/projects/{project}`, the suffix from the cloud
    /// table ([`crate::azure::CloudEndpoints::foundry_host_suffix`]). `_project` is the
    /// account's default project. Fails when the account is not a host label.
    ///
    /// [?] Returns a `Result`, not a bare `Url`: an account name typed by hand may not make a
    /// host, and a wrong endpoint must not be built silently.
    pub fn project_endpoint(
        account: &str,
        project: &str,
        host_suffix: &str,
    ) -> Result<Url, FoundryError> {
        let invalid = |problem: &str| FoundryError::InvalidEndpoint {
            endpoint: format!("https://{account}.{host_suffix}/api/projects/{project}"),
            problem: problem.to_string(),
        };
        let label_ok = !account.is_empty()
            && account.len() <= 63
            && account
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !account.starts_with('-')
            && !account.ends_with('-');
        if !label_ok {
            return Err(invalid(
                "the account name must be letters, digits and hyphens (a DNS label)",
            ));
        }
        if project.is_empty() {
            return Err(invalid("the project name is empty"));
        }
        let mut url = Url::parse(&format!("https://{account}.{host_suffix}/"))
            .map_err(|e| invalid(&format!("not a URL ({e})")))?;
        url.path_segments_mut()
            .map_err(|()| invalid("not a base URL"))?
            .pop_if_empty()
            .extend(["api", "projects", project]);
        Ok(url)
    }

    pub fn with_options(mut self, options: FoundryClientOptions) -> Self {
        self.options = options;
        self
    }

    /// Hands every exchange to `observer` (to record it in the trace), failed ones and retries
    /// included. Replaces an observer set before.
    pub fn with_observer(mut self, observer: ExchangeObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Operations of this client stop when `token` is cancelled (waits and requests in flight).
    pub fn with_cancellation(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    pub fn options(&self) -> &FoundryClientOptions {
        &self.options
    }

    // --- Agent versions ---

    /// Creates the next version of `agent_name` (the agent itself with its first version).
    pub async fn create_agent_version(
        &self,
        agent_name: &str,
        version: &CreateAgentVersion,
    ) -> Result<AgentVersion, FoundryError> {
        check_agent_name(agent_name)?;
        if version.metadata.len() > MAX_METADATA {
            return Err(FoundryError::InvalidRequest {
                problem: format!(
                    "an agent version takes at most {MAX_METADATA} metadata pairs, not {}",
                    version.metadata.len()
                ),
            });
        }
        if version.definition.model.trim().is_empty() {
            return Err(FoundryError::InvalidRequest {
                problem: format!("a prompt agent needs a model (`{MODEL_FORM}`)"),
            });
        }
        let url = self.project_url(&["agents", agent_name, "versions"])?;
        let body = to_body(version)?;
        let mut call = self.call(
            format!("create-agent-version:{agent_name}"),
            "POST",
            Some(body),
        );
        self.read(&mut call, &url, types::agent_version).await
    }

    pub async fn get_agent_version(
        &self,
        agent_name: &str,
        version: &str,
    ) -> Result<AgentVersion, FoundryError> {
        check_agent_name(agent_name)?;
        check_id("agent version", version)?;
        let url = self.project_url(&["agents", agent_name, "versions", version])?;
        let mut call = self.call(
            format!("get-agent-version:{agent_name}:{version}"),
            "GET",
            None,
        );
        self.read(&mut call, &url, types::agent_version).await
    }

    /// Every version of the agent, in the service's order (newest first).
    pub async fn list_agent_versions(
        &self,
        agent_name: &str,
    ) -> Result<Vec<AgentVersion>, FoundryError> {
        check_agent_name(agent_name)?;
        let url = self.project_url(&["agents", agent_name, "versions"])?;
        self.list(
            format!("list-agent-versions:{agent_name}"),
            url,
            types::agent_version,
        )
        .await
    }

    /// Deletes one version; the service removes the agent with its last version.
    pub async fn delete_agent_version(
        &self,
        agent_name: &str,
        version: &str,
    ) -> Result<Deleted, FoundryError> {
        check_agent_name(agent_name)?;
        check_id("agent version", version)?;
        let url = self.project_url(&["agents", agent_name, "versions", version])?;
        let mut call = self.call(
            format!("delete-agent-version:{agent_name}:{version}"),
            "DELETE",
            None,
        );
        self.read(&mut call, &url, types::deleted).await
    }

    pub async fn get_agent(&self, agent_name: &str) -> Result<Agent, FoundryError> {
        check_agent_name(agent_name)?;
        let url = self.project_url(&["agents", agent_name])?;
        let mut call = self.call(format!("get-agent:{agent_name}"), "GET", None);
        self.read(&mut call, &url, types::agent).await
    }

    /// Deletes the agent with every version.
    pub async fn delete_agent(&self, agent_name: &str) -> Result<Deleted, FoundryError> {
        check_agent_name(agent_name)?;
        let url = self.project_url(&["agents", agent_name])?;
        let mut call = self.call(format!("delete-agent:{agent_name}"), "DELETE", None);
        self.read(&mut call, &url, types::deleted).await
    }

    /// Every agent of the project with its latest version, in the service's order.
    pub async fn list_agents(&self) -> Result<Vec<Agent>, FoundryError> {
        let url = self.project_url(&["agents"])?;
        self.list("list-agents".to_string(), url, types::agent)
            .await
    }

    // --- Conversations ---

    /// A new conversation holding `items` (at most 20; none is fine).
    pub async fn create_conversation(&self, items: &[Value]) -> Result<Conversation, FoundryError> {
        check_items(items)?;
        let url = self.openai_url(&["conversations"])?;
        let body = to_body(&serde_json::json!({ "items": items }))?;
        let mut call = self.call("create-conversation".to_string(), "POST", Some(body));
        self.read(&mut call, &url, types::conversation).await
    }

    pub async fn get_conversation(&self, id: &str) -> Result<Conversation, FoundryError> {
        check_id("conversation id", id)?;
        let url = self.openai_url(&["conversations", id])?;
        let mut call = self.call(format!("get-conversation:{id}"), "GET", None);
        self.read(&mut call, &url, types::conversation).await
    }

    pub async fn delete_conversation(&self, id: &str) -> Result<Deleted, FoundryError> {
        check_id("conversation id", id)?;
        let url = self.openai_url(&["conversations", id])?;
        let mut call = self.call(format!("delete-conversation:{id}"), "DELETE", None);
        self.read(&mut call, &url, types::deleted).await
    }

    /// Adds `items` (1 to 20) to the conversation; returns them as the service stored them.
    pub async fn add_conversation_items(
        &self,
        id: &str,
        items: &[Value],
    ) -> Result<Vec<Item>, FoundryError> {
        check_id("conversation id", id)?;
        check_items(items)?;
        if items.is_empty() {
            return Err(FoundryError::InvalidRequest {
                problem: "adding items to a conversation needs at least one".to_string(),
            });
        }
        let url = self.openai_url(&["conversations", id, "items"])?;
        let body = to_body(&serde_json::json!({ "items": items }))?;
        let mut call = self.call(format!("add-conversation-items:{id}"), "POST", Some(body));
        let (answered, json) = self.json(&mut call, &url).await?;
        let shape = |problem: String| self.wrong_shape(&call, &url, &answered, problem);
        let page = page(&json).map_err(shape)?;
        page.data
            .iter()
            .enumerate()
            .map(|(i, v)| types::item(v).map_err(|p| shape(format!("item {i} is {p}"))))
            .collect()
    }

    /// Every item of the conversation, in the service's order (newest first).
    pub async fn list_conversation_items(&self, id: &str) -> Result<Vec<Item>, FoundryError> {
        check_id("conversation id", id)?;
        let url = self.openai_url(&["conversations", id, "items"])?;
        self.list(format!("list-conversation-items:{id}"), url, types::item)
            .await
    }

    // --- Responses ---

    /// Runs the agent and waits for the whole response. A response with `status: "failed"`
    /// is [`FoundryError::RunFailed`].
    pub async fn create_response(
        &self,
        request: &ResponseRequest,
    ) -> Result<AgentResponse, FoundryError> {
        check_response_request(request)?;
        let url = self.openai_url(&["responses"])?;
        let body = to_body(request)?;
        let mut call = self.call(
            format!("create-response:{}", request.agent_reference.name),
            "POST",
            Some(body),
        );
        call.limits = self.options.run_limits;
        let response = self.read(&mut call, &url, types::response).await?;
        finished(&call, &url, response)
    }

    /// Runs the agent with `stream: true`: the events as they arrived (the exchange returns
    /// once the stream ends), the text deltas in order with their arrival times, and the
    /// final response from `response.completed`. `response.failed` is
    /// [`FoundryError::RunFailed`], as without streaming.
    pub async fn create_response_stream(
        &self,
        request: &ResponseRequest,
    ) -> Result<ResponseStream, FoundryError> {
        self.stream_response(request, None).await
    }

    /// [`Self::create_response_stream`] that also sends each text delta to `text` the moment
    /// it arrives, for a reply shown while it streams.
    pub async fn create_response_live(
        &self,
        request: &ResponseRequest,
        text: tokio::sync::mpsc::UnboundedSender<String>,
    ) -> Result<ResponseStream, FoundryError> {
        let (events, mut arriving) = tokio::sync::mpsc::unbounded_channel::<crate::net::SseEvent>();
        let forward = tokio::spawn(async move {
            while let Some(event) = arriving.recv().await {
                if let Some(delta) = stream::text_delta(&event) {
                    let _ = text.send(delta);
                }
            }
        });
        let result = self.stream_response(request, Some(events)).await;
        let _ = forward.await;
        result
    }

    async fn stream_response(
        &self,
        request: &ResponseRequest,
        events: Option<tokio::sync::mpsc::UnboundedSender<crate::net::SseEvent>>,
    ) -> Result<ResponseStream, FoundryError> {
        check_response_request(request)?;
        let url = self.openai_url(&["responses"])?;
        let mut body = serde_json::to_value(request).map_err(unserialisable)?;
        if let Some(object) = body.as_object_mut() {
            object.insert("stream".to_string(), Value::Bool(true));
        }
        let mut call = self.call(
            format!("stream-response:{}", request.agent_reference.name),
            "POST",
            Some(to_body(&body)?),
        );
        call.accept = "text/event-stream";
        call.limits = self.options.run_limits;
        call.events = events;
        let response = self.send(&mut call, &url).await?;
        if !(200..300).contains(&response.status) {
            return Err(self.failed(&call, &url, &response));
        }
        let is_stream = response.header("content-type").is_some_and(|t| {
            t.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/event-stream")
        });
        let answered = Answered::of(&response);
        if !is_stream {
            return Err(self.wrong_shape(
                &call,
                &url,
                &answered,
                format!(
                    "a streamed run (`stream: true`) was answered with {} instead of `text/event-stream`",
                    response.header("content-type").unwrap_or("no content type")
                ),
            ));
        }
        let assembled = stream::assemble(&response.sse_events)
            .map_err(|problem| self.wrong_shape(&call, &url, &answered, problem))?;
        match assembled.ending {
            stream::Ending::Final(final_response) => Ok(ResponseStream {
                response: finished(&call, &url, *final_response)?,
                events: assembled.events,
                deltas: assembled.deltas,
            }),
            stream::Ending::Error(error) => Err(FoundryError::StreamError {
                method: call.method,
                url: url.to_string(),
                code: error.code.map(|c| call.mask(&c)),
                message: call.mask(&error.message),
            }),
            stream::Ending::Cut(last_event) => Err(FoundryError::StreamIncomplete {
                method: call.method,
                url: url.to_string(),
                events: assembled.events.len(),
                last_event,
                truncated: response.truncated,
            }),
        }
    }

    /// A stored response, as it last stood.
    pub async fn get_response(&self, id: &str) -> Result<AgentResponse, FoundryError> {
        check_id("response id", id)?;
        let url = self.openai_url(&["responses", id])?;
        let mut call = self.call(format!("get-response:{id}"), "GET", None);
        self.read(&mut call, &url, types::response).await
    }

    pub async fn delete_response(&self, id: &str) -> Result<Deleted, FoundryError> {
        check_id("response id", id)?;
        let url = self.openai_url(&["responses", id])?;
        let mut call = self.call(format!("delete-response:{id}"), "DELETE", None);
        self.read(&mut call, &url, types::deleted).await
    }

    // --- Plumbing ---

    fn base(&self, segments: &[&str]) -> Result<Url, FoundryError> {
        let invalid = |problem: &str| FoundryError::InvalidEndpoint {
            endpoint: self.endpoint.to_string(),
            problem: problem.to_string(),
        };
        if !matches!(self.endpoint.scheme(), "https" | "http") {
            return Err(invalid("it is not an https:// URL"));
        }
        let mut url = self.endpoint.clone();
        url.set_query(None);
        url.set_fragment(None);
        url.path_segments_mut()
            .map_err(|()| invalid("it is not a base URL"))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// A project route, with `api-version=v1`.
    fn project_url(&self, segments: &[&str]) -> Result<Url, FoundryError> {
        let mut url = self.base(segments)?;
        url.query_pairs_mut()
            .append_pair("api-version", API_VERSION);
        Ok(url)
    }

    /// An OpenAI-compatible route under `openai/v1`, without api-version.
    fn openai_url(&self, segments: &[&str]) -> Result<Url, FoundryError> {
        let mut all = vec!["openai", "v1"];
        all.extend_from_slice(segments);
        self.base(&all)
    }

    fn call(&self, label: String, method: &'static str, body: Option<Vec<u8>>) -> Call {
        Call {
            label,
            method,
            body,
            accept: "application/json",
            limits: self.options.limits,
            redactor: Redactor::new(),
            client_request_id: uuid::Uuid::new_v4().to_string(),
            events: None,
        }
    }

    /// `future`, unless the cancellation token fires first.
    async fn unless_cancelled<F: Future>(&self, future: F) -> Option<F::Output> {
        match &self.cancel {
            None => Some(future.await),
            Some(token) => tokio::select! {
                biased;
                () = token.cancelled() => None,
                output = future => Some(output),
            },
        }
    }

    /// Sends the call to `url`, retrying 429 and 503 within the policy. Any other answer is
    /// returned as it is, whatever its status.
    async fn send(&self, call: &mut Call, url: &Url) -> Result<Response, FoundryError> {
        let method = call.method;
        let cancelled = || FoundryError::Cancelled {
            method,
            url: url.to_string(),
        };
        let policy = self.options.retry;
        let mut attempts: u32 = 0;
        let mut waited = Duration::ZERO;
        loop {
            attempts += 1;
            let token = self
                .unless_cancelled(self.tokens.token(&self.scope))
                .await
                .ok_or_else(cancelled)?
                .map_err(|source| FoundryError::Credential {
                    credential: self.tokens.describe(),
                    source,
                })?;
            call.redactor.add_secret(&token);
            let request = self.request(call, url, &token);
            let sending = async {
                match &call.events {
                    Some(events) => {
                        self.http
                            .send_streaming(request, call.limits, events.clone())
                            .await
                    }
                    None => self.http.send(request, call.limits).await,
                }
            };
            let exchange = self.unless_cancelled(sending).await.ok_or_else(cancelled)?;
            if let Some(observer) = &self.observer {
                let label = match attempts {
                    1 => call.label.clone(),
                    n => format!("{} (retry {})", call.label, n - 1),
                };
                observer(&ObservedExchange {
                    label: &label,
                    exchange: &exchange,
                    redactor: &call.redactor,
                });
            }
            let response = match exchange.outcome {
                Ok(response) => response,
                Err(mut failure) => {
                    failure.message = call.mask(&failure.message);
                    return Err(FoundryError::Network {
                        method,
                        url: url.to_string(),
                        failure,
                    });
                }
            };
            if let Some(redirect) = &response.blocked_redirect {
                return Err(FoundryError::Redirected {
                    method,
                    url: url.to_string(),
                    status: redirect.status,
                    to_origin: redirect.to.origin().ascii_serialization(),
                });
            }
            if !matches!(response.status, 429 | 503) {
                return Ok(response);
            }
            let answer = FoundryAnswer::read(&response, &|t| call.mask(t));
            // The ARM policy's doubling backoff when no wait is asked for.
            let wait = answer.retry_after.unwrap_or_else(|| {
                policy
                    .backoff
                    .saturating_mul(1u32 << (attempts - 1).min(16))
            });
            if attempts > policy.max_retries || waited + wait > policy.max_total_wait {
                return Err(FoundryError::Throttled {
                    method,
                    url: url.to_string(),
                    answer: Box::new(answer),
                    attempts,
                    waited,
                    max_total_wait: policy.max_total_wait,
                });
            }
            tracing::debug!(status = response.status, wait_ms = wait.as_millis() as u64, label = %call.label, "Foundry asked to retry");
            self.unless_cancelled(tokio::time::sleep(wait))
                .await
                .ok_or_else(cancelled)?;
            waited += wait;
        }
    }

    fn request(&self, call: &Call, url: &Url, token: &Sensitive<String>) -> HttpRequest {
        let plain = |name: &str, value: &str| Header {
            name: name.to_string(),
            value: HeaderValue::Plain(value.to_string()),
        };
        let mut headers = vec![
            Header {
                name: "Authorization".to_string(),
                value: HeaderValue::Secret(Sensitive::new(format!("Bearer {}", token.expose()))),
            },
            plain("Accept", call.accept),
            plain("x-ms-client-request-id", &call.client_request_id),
            plain("User-Agent", &format!("gateway-studio/{}", crate::VERSION)),
        ];
        if call.body.is_some() {
            headers.push(plain("Content-Type", "application/json"));
        }
        HttpRequest {
            method: call.method.to_string(),
            url: url.clone(),
            headers,
            body: call.body.clone(),
        }
    }

    /// The error for an answer that is not a success.
    fn failed(&self, call: &Call, url: &Url, response: &Response) -> FoundryError {
        FoundryError::Status {
            method: call.method,
            url: url.to_string(),
            answer: Box::new(FoundryAnswer::read(response, &|t| call.mask(t))),
            token: Box::new(TokenUsed {
                source: self.tokens.describe(),
                scope: self.scope.clone(),
            }),
        }
    }

    fn wrong_shape(
        &self,
        call: &Call,
        url: &Url,
        answered: &Answered,
        problem: String,
    ) -> FoundryError {
        FoundryError::WrongShape {
            method: call.method,
            url: url.to_string(),
            status: answered.status,
            problem: call.mask(&problem),
            request_id: answered.request_id.as_deref().map(|id| call.mask(id)),
        }
    }

    /// Sends, requires a 2xx, and reads the body as JSON.
    async fn json(&self, call: &mut Call, url: &Url) -> Result<(Answered, Value), FoundryError> {
        let response = self.send(call, url).await?;
        if !(200..300).contains(&response.status) {
            return Err(self.failed(call, url, &response));
        }
        serde_json::from_slice::<Value>(&response.body)
            .map(|json| (Answered::of(&response), json))
            .map_err(|_| {
                let shown = if response.body.is_empty() {
                    "(an empty body)".to_string()
                } else {
                    let text = error::excerpt(&call.mask(&String::from_utf8_lossy(&response.body)));
                    if response.truncated {
                        format!(
                            "(cut at the {}-byte limit) {text}",
                            call.limits.max_body_bytes
                        )
                    } else {
                        text
                    }
                };
                FoundryError::NotJson {
                    method: call.method,
                    url: url.to_string(),
                    status: response.status,
                    content_type: response.header("content-type").map(str::to_string),
                    excerpt: shown,
                    request_id: error::request_id(&response).map(|id| call.mask(&id)),
                }
            })
    }

    /// Sends and reads the answer with `read`.
    async fn read<T>(
        &self,
        call: &mut Call,
        url: &Url,
        read: fn(&Value) -> Result<T, String>,
    ) -> Result<T, FoundryError> {
        let (answered, json) = self.json(call, url).await?;
        read(&json).map_err(|problem| self.wrong_shape(call, url, &answered, problem))
    }

    /// Every item of a list, page after page (`after=last_id` while `has_more`).
    async fn list<T>(
        &self,
        label: String,
        first: Url,
        read: fn(&Value) -> Result<T, String>,
    ) -> Result<Vec<T>, FoundryError> {
        let mut call = self.call(label.clone(), "GET", None);
        let mut items = Vec::new();
        let mut after: Option<String> = None;
        let mut pages = 0;
        loop {
            if pages >= self.options.max_pages {
                return Err(FoundryError::TooManyPages {
                    url: first.to_string(),
                    pages,
                });
            }
            pages += 1;
            if pages > 1 {
                call.label = format!("{label} (page {pages})");
            }
            let mut url = first.clone();
            {
                let mut query = url.query_pairs_mut();
                query.append_pair("limit", &self.options.page_size.clamp(1, 100).to_string());
                if let Some(after) = &after {
                    query.append_pair("after", after);
                }
            }
            let (answered, json) = self.json(&mut call, &url).await?;
            let shape = |problem: String| self.wrong_shape(&call, &url, &answered, problem);
            let page = page(&json).map_err(shape)?;
            for (index, value) in page.data.iter().enumerate() {
                items.push(read(value).map_err(|p| shape(format!("item {index} is {p}")))?);
            }
            match page.next_after {
                // The same cursor again would loop to the page limit.
                Some(next) if after.as_deref() == Some(next.as_str()) => {
                    return Err(shape(format!(
                        "the list answered `has_more` with the same `last_id` ({next}) twice"
                    )));
                }
                Some(next) => after = Some(next),
                None => return Ok(items),
            }
        }
    }
}

fn unserialisable(error: serde_json::Error) -> FoundryError {
    FoundryError::InvalidRequest {
        problem: format!("the body cannot be written as JSON ({error})"),
    }
}

fn to_body<T: Serialize>(value: &T) -> Result<Vec<u8>, FoundryError> {
    serde_json::to_vec(value).map_err(unserialisable)
}

fn check_items(items: &[Value]) -> Result<(), FoundryError> {
    if items.len() > MAX_CONVERSATION_ITEMS {
        return Err(FoundryError::InvalidRequest {
            problem: format!(
                "a conversation request takes at most {MAX_CONVERSATION_ITEMS} items, not {}",
                items.len()
            ),
        });
    }
    Ok(())
}

fn check_response_request(request: &ResponseRequest) -> Result<(), FoundryError> {
    check_agent_name(&request.agent_reference.name)?;
    if request.conversation.is_some() && request.previous_response_id.is_some() {
        return Err(FoundryError::InvalidRequest {
            problem: "`conversation` and `previous_response_id` cannot both be given: continue either in the conversation or from the previous response".to_string(),
        });
    }
    if !matches!(
        request.input,
        Value::Null | Value::String(_) | Value::Array(_)
    ) {
        return Err(FoundryError::InvalidRequest {
            problem: "`input` must be a string or an array of items".to_string(),
        });
    }
    Ok(())
}

/// A failed run is an error; any other status is the caller's to read.
fn finished(
    call: &Call,
    url: &Url,
    response: AgentResponse,
) -> Result<AgentResponse, FoundryError> {
    if response.status != ResponseStatus::Failed {
        return Ok(response);
    }
    let mut response = response;
    if let Some(error) = &mut response.error {
        error.message = call.mask(&error.message);
    }
    Err(FoundryError::RunFailed {
        method: call.method,
        url: url.to_string(),
        response: Box::new(response),
    })
}
