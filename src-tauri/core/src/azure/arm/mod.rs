//! The ARM client: subscriptions → resource groups → Foundry accounts → projects, the gateway
//! connections of an account or a project (list, get, put, patch, delete), and an account's
//! model deployments (byo-gateway.md §2, §4.3, §9).
//!
//! Every request goes through the app's one [`HttpClient`] with a bearer token from a
//! [`TokenSource`], sent as a secret header value so traces redact it, and every exchange
//! (retries and pages included) is handed to the observer, if one is set, so the app can record
//! it in the trace. The rules it keeps:
//!
//! - **Bodies are sent as given.** A PUT or PATCH sends exactly the bytes the caller built
//!   (`to_arm_body`, an export, an edited file): the client never rewrites them.
//! - **Paging** follows `nextLink` to the end, at most [`ArmClientOptions::max_pages`] pages, and
//!   only on the ARM endpoint's origin: a token never goes to another host.
//! - **Retries**: 429 and 503 are tried again after the wait ARM asks for, within
//!   [`RetryPolicy`]; each exchange is bounded by [`Limits::timeout`]; a cancellation token stops
//!   waits and requests in flight.
//! - **Errors** ([`ArmError`]) say what failed, where, ARM's code, message and ids, and
//!   [`ArmError::hint`] says what to do. No error text holds the token or a secret of the
//!   body sent.
//!
//! Accounts are listed whatever their kind, with [`Account::is_foundry`] to flag the ones that
//! can hold projects and gateway connections (kind `AIServices`): a picker that hid an Azure
//! OpenAI resource would leave its owner wondering where it went; one that shows it greyed out
//! with the reason does not.

pub mod deploy;
mod error;
mod paths;
mod resources;
mod retry;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio_util::sync::CancellationToken;
use url::Url;

pub use error::{ArmAnswer, ArmError, MissingLevel, TokenOrigin};
pub use paths::{AccountRef, ConnectionParent};
pub use resources::{
    Account, ArmConnection, Deployment, FOUNDRY_ACCOUNT_KIND, FOUNDRY_API_ENDPOINT, ModelSource,
    Project, ResourceGroup, Subscription,
};
pub use retry::RetryPolicy;

use super::credential::TokenSource;
use crate::gateway::{Header, HeaderValue};
use crate::net::{Exchange, HttpClient, HttpRequest, Limits, Response};
use crate::secrets::Sensitive;
use crate::trace::{Redactor, TraceExchange, TraceKind};

/// The api-version of `Microsoft.CognitiveServices` routes (accounts, projects, connections,
/// deployments): the newest stable one with the gateway categories (byo-gateway.md §2.2), the
/// same as the exports'.
pub const COGNITIVE_SERVICES_API_VERSION: &str = crate::export::ARM_API_VERSION;
/// The api-version of `Microsoft.Resources` subscription lists [I: the current stable one].
pub const SUBSCRIPTIONS_API_VERSION: &str = "2022-12-01";
/// The api-version of `Microsoft.Resources` resource-group lists [I: the one `az` uses].
pub const RESOURCE_GROUPS_API_VERSION: &str = "2021-04-01";

/// How the client behaves; the defaults suit the app, tests shrink the waits.
#[derive(Debug, Clone)]
pub struct ArmClientOptions {
    /// Per exchange: timeout (whole exchange, body included) and body cap.
    pub limits: Limits,
    pub retry: RetryPolicy,
    /// The most `nextLink` pages one list follows.
    pub max_pages: usize,
    /// For `Microsoft.CognitiveServices` routes; `2025-04-01-preview` is the fallback the
    /// samples were tested with, for a cloud that rejects the default.
    pub cognitive_services_api_version: String,
}

impl Default for ArmClientOptions {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            retry: RetryPolicy::default(),
            max_pages: 200,
            cognitive_services_api_version: COGNITIVE_SERVICES_API_VERSION.to_string(),
        }
    }
}

/// One exchange, as the observer sees it.
pub struct ObservedExchange<'a> {
    /// What the client was doing, e.g. `put-connection:llm-gw`, `list-connections (page 2)`,
    /// `get-project:p (retry 1)`: the trace label.
    pub label: &'a str,
    pub exchange: &'a Exchange,
    /// Knows the secrets in play: the bearer token and the secret values of the body sent
    /// (`properties.credentials`).
    pub redactor: &'a Redactor,
}

impl ObservedExchange<'_> {
    /// The redacted trace record of the exchange.
    pub fn record(&self, run_id: &str) -> TraceExchange {
        TraceExchange::record(
            run_id,
            self.label,
            TraceKind::Arm,
            self.exchange,
            self.redactor,
        )
    }
}

/// Called with every exchange the client makes, failed ones included.
pub type ExchangeObserver = Arc<dyn Fn(&ObservedExchange<'_>) + Send + Sync>;

/// Filters of a connection list (byo-gateway.md §2.1), matched exactly by ARM.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionFilter {
    /// `category`, e.g. `ModelGateway`.
    pub category: Option<String>,
    /// `target`: the gateway URL.
    pub target: Option<String>,
}

/// What a DELETE did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Deletion {
    /// 200 (or 202): the connection existed and is gone.
    Deleted,
    /// 204: there was nothing to delete.
    DidNotExist,
}

/// A client for one ARM endpoint and one identity. Cheap to clone.
#[derive(Clone)]
pub struct ArmClient {
    http: HttpClient,
    endpoint: Url,
    scope: String,
    tokens: Arc<dyn TokenSource>,
    options: ArmClientOptions,
    observer: Option<ExchangeObserver>,
    cancel: Option<CancellationToken>,
}

/// One logical operation: its label, method, body, and what it knows is secret. Retries and
/// pages share it, and with it one correlation id, as Azure's own clients do.
struct Call<'a> {
    label: String,
    method: &'static str,
    body: Option<&'a [u8]>,
    redactor: Redactor,
    /// The same secrets, for [`Call::mask`].
    secrets: Vec<Sensitive<String>>,
    correlation_id: String,
}

impl Call<'_> {
    fn add_secret(&mut self, secret: Sensitive<String>) {
        self.redactor.add_secret(&secret);
        self.secrets.push(secret);
    }

    /// `text` (from ARM, or about its answer) with every secret in play masked, whole or cut
    /// short: ARM quotes request values in its messages, sometimes shortened with `...`.
    fn mask(&self, text: &str) -> String {
        let mut text = self.redactor.text(text);
        for secret in &self.secrets {
            text = mask_prefixes(&text, secret.expose());
        }
        text
    }
}

/// The shortest start of a secret masked when it appears cut short: long enough that a name
/// sharing a few leading characters with a key (`sandbox-foundry`, `sandbox-key-…`) is left
/// alone, short enough that what is left of a cut key is no help.
const MASKED_PREFIX: usize = 16;

/// Every run of `text` that starts with the first [`MASKED_PREFIX`] characters of `secret` and
/// goes on as `secret` does, replaced by `<redacted>`.
fn mask_prefixes(text: &str, secret: &str) -> String {
    let Some((head_end, _)) = secret.char_indices().nth(MASKED_PREFIX) else {
        return text.to_string();
    };
    let head = &secret[..head_end];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(head) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let shared: usize = tail
            .chars()
            .zip(secret.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        out.push_str(crate::secrets::REDACTED);
        rest = &tail[shared..];
    }
    out.push_str(rest);
    out
}

impl ArmClient {
    /// A client for `arm_endpoint` (e.g. `https://management.azure.com`) asking `tokens` for
    /// tokens of `scope` (e.g. `https://management.azure.com/.default`).
    pub fn new(
        http: HttpClient,
        arm_endpoint: Url,
        scope: impl Into<String>,
        tokens: Arc<dyn TokenSource>,
    ) -> Self {
        Self {
            http,
            endpoint: arm_endpoint,
            scope: scope.into(),
            tokens,
            options: ArmClientOptions::default(),
            observer: None,
            cancel: None,
        }
    }

    pub fn with_options(mut self, options: ArmClientOptions) -> Self {
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

    pub fn options(&self) -> &ArmClientOptions {
        &self.options
    }

    /// Where this client's tokens come from, and the scope it asks for.
    pub fn tokens(&self) -> (&dyn TokenSource, &str) {
        (self.tokens.as_ref(), &self.scope)
    }

    /// The same sign-in, for a client of another Azure service (the Foundry data plane asks it
    /// for tokens of its own scope).
    pub fn token_source(&self) -> Arc<dyn TokenSource> {
        self.tokens.clone()
    }

    /// The HTTP client (network settings) this client uses.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    // --- Subscriptions, resource groups, accounts, projects ---

    pub async fn list_subscriptions(&self) -> Result<Vec<Subscription>, ArmError> {
        let url = self.url(&["subscriptions"], SUBSCRIPTIONS_API_VERSION);
        self.list("list-subscriptions".into(), url, resources::subscription)
            .await
    }

    pub async fn list_resource_groups(
        &self,
        subscription_id: &str,
    ) -> Result<Vec<ResourceGroup>, ArmError> {
        check_names(&[("subscription", subscription_id)])?;
        let url = self.url(
            &["subscriptions", subscription_id, "resourceGroups"],
            RESOURCE_GROUPS_API_VERSION,
        );
        self.list(
            "list-resource-groups".into(),
            url,
            resources::resource_group,
        )
        .await
    }

    /// The Cognitive Services accounts of a subscription, or of one of its resource groups,
    /// whatever their kind: see [`Account::is_foundry`].
    pub async fn list_accounts(
        &self,
        subscription_id: &str,
        resource_group: Option<&str>,
    ) -> Result<Vec<Account>, ArmError> {
        check_names(&[("subscription", subscription_id)])?;
        let mut segments = vec!["subscriptions", subscription_id];
        if let Some(group) = resource_group {
            check_names(&[("resource group", group)])?;
            segments.extend(["resourceGroups", group]);
        }
        segments.extend(["providers", paths::PROVIDER, "accounts"]);
        let url = self.provider_url(&segments);
        self.list("list-accounts".into(), url, resources::account)
            .await
    }

    pub async fn get_account(&self, account: &AccountRef) -> Result<Account, ArmError> {
        check_account(account)?;
        let url = self.provider_url(&account.segments());
        self.get(
            format!("get-account:{}", account.account),
            url,
            resources::account,
        )
        .await
    }

    pub async fn list_projects(&self, account: &AccountRef) -> Result<Vec<Project>, ArmError> {
        check_account(account)?;
        let mut segments = account.segments();
        segments.push("projects");
        let url = self.provider_url(&segments);
        self.list("list-projects".into(), url, resources::project)
            .await
    }

    pub async fn get_project(
        &self,
        account: &AccountRef,
        project: &str,
    ) -> Result<Project, ArmError> {
        check_account(account)?;
        check_names(&[("project", project)])?;
        let mut segments = account.segments();
        segments.extend(["projects", project]);
        let url = self.provider_url(&segments);
        self.get(format!("get-project:{project}"), url, resources::project)
            .await
    }

    // --- Connections ---

    /// The URL of a connection (what a PUT goes to), for display.
    pub fn connection_url(&self, parent: &ConnectionParent, name: &str) -> Url {
        let mut segments = parent.segments();
        segments.push(name);
        self.provider_url(&segments)
    }

    pub async fn list_connections(
        &self,
        parent: &ConnectionParent,
        filter: &ConnectionFilter,
    ) -> Result<Vec<ArmConnection>, ArmError> {
        check_parent(parent)?;
        let mut url = self.provider_url(&parent.segments());
        {
            let mut query = url.query_pairs_mut();
            if let Some(category) = &filter.category {
                query.append_pair("category", category);
            }
            if let Some(target) = &filter.target {
                query.append_pair("target", target);
            }
        }
        self.list("list-connections".into(), url, resources::connection)
            .await
    }

    pub async fn get_connection(
        &self,
        parent: &ConnectionParent,
        name: &str,
    ) -> Result<ArmConnection, ArmError> {
        check_parent(parent)?;
        check_names(&[("connection", name)])?;
        let url = self.connection_url(parent, name);
        self.get(format!("get-connection:{name}"), url, resources::connection)
            .await
    }

    /// Creates or replaces the connection with `body`, sent byte for byte. PUT replaces the
    /// whole resource: a body without `credentials` removes the stored secret.
    pub async fn put_connection(
        &self,
        parent: &ConnectionParent,
        name: &str,
        body: &[u8],
    ) -> Result<ArmConnection, ArmError> {
        self.write_connection("PUT", parent, name, body).await
    }

    /// Merges `body` (`{"properties": {…}}`, JSON merge patch) into the connection, sent byte
    /// for byte. Keys left out keep their value, secrets included.
    pub async fn patch_connection(
        &self,
        parent: &ConnectionParent,
        name: &str,
        body: &[u8],
    ) -> Result<ArmConnection, ArmError> {
        self.write_connection("PATCH", parent, name, body).await
    }

    async fn write_connection(
        &self,
        method: &'static str,
        parent: &ConnectionParent,
        name: &str,
        body: &[u8],
    ) -> Result<ArmConnection, ArmError> {
        check_parent(parent)?;
        check_names(&[("connection", name)])?;
        let url = self.connection_url(parent, name);
        let verb = method.to_ascii_lowercase();
        let mut call = self.call(format!("{verb}-connection:{name}"), method, Some(body));
        let (status, json) = self.json(&mut call, &url).await?;
        resources::connection(&json)
            .map_err(|problem| self.wrong_shape(&call, &url, status, problem, None))
    }

    pub async fn delete_connection(
        &self,
        parent: &ConnectionParent,
        name: &str,
    ) -> Result<Deletion, ArmError> {
        check_parent(parent)?;
        check_names(&[("connection", name)])?;
        let url = self.connection_url(parent, name);
        let mut call = self.call(format!("delete-connection:{name}"), "DELETE", None);
        let response = self.send(&mut call, &url).await?;
        match response.status {
            200 | 202 => Ok(Deletion::Deleted),
            204 => Ok(Deletion::DidNotExist),
            _ => Err(self.failed(&call, &url, &response)),
        }
    }

    // --- Deployments ---

    pub async fn list_deployments(
        &self,
        account: &AccountRef,
    ) -> Result<Vec<Deployment>, ArmError> {
        check_account(account)?;
        let mut segments = account.segments();
        segments.push("deployments");
        let url = self.provider_url(&segments);
        self.list("list-deployments".into(), url, resources::deployment)
            .await
    }

    pub async fn get_deployment(
        &self,
        account: &AccountRef,
        name: &str,
    ) -> Result<Deployment, ArmError> {
        check_account(account)?;
        check_names(&[("deployment", name)])?;
        let mut segments = account.segments();
        segments.extend(["deployments", name]);
        let url = self.provider_url(&segments);
        self.get(format!("get-deployment:{name}"), url, resources::deployment)
            .await
    }

    // --- Plumbing ---

    fn url(&self, segments: &[&str], api_version: &str) -> Url {
        paths::build_url(&self.endpoint, segments, api_version)
    }

    fn provider_url(&self, segments: &[&str]) -> Url {
        self.url(segments, &self.options.cognitive_services_api_version)
    }

    fn call<'a>(&self, label: String, method: &'static str, body: Option<&'a [u8]>) -> Call<'a> {
        let mut call = Call {
            label,
            method,
            body,
            redactor: Redactor::new(),
            secrets: Vec::new(),
            correlation_id: uuid::Uuid::new_v4().to_string(),
        };
        for secret in body.map(body_secrets).unwrap_or_default() {
            call.add_secret(secret);
        }
        call
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
    async fn send(&self, call: &mut Call<'_>, url: &Url) -> Result<Response, ArmError> {
        let method = call.method;
        let cancelled = || ArmError::Cancelled {
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
                .map_err(|source| ArmError::Credential {
                    credential: self.tokens.describe(),
                    source,
                })?;
            call.add_secret(token.clone());
            let request = self.request(call, url, &token);
            let exchange = self
                .unless_cancelled(self.http.send(request, self.options.limits))
                .await
                .ok_or_else(cancelled)?;
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
                Err(failure) => {
                    let mut failure = failure;
                    failure.message = call.mask(&failure.message);
                    return Err(ArmError::Network {
                        method: call.method,
                        url: url.to_string(),
                        failure,
                    });
                }
            };
            if let Some(redirect) = &response.blocked_redirect {
                return Err(ArmError::Redirected {
                    method: call.method,
                    url: url.to_string(),
                    status: redirect.status,
                    to_origin: redirect.to.origin().ascii_serialization(),
                });
            }
            if !retry::is_retryable(response.status) {
                return Ok(response);
            }
            let asked = crate::net::retry_after::retry_after(&response, SystemTime::now());
            let wait = asked.unwrap_or_else(|| retry::backoff(&policy, attempts));
            if attempts > policy.max_retries || waited + wait > policy.max_total_wait {
                return Err(ArmError::Throttled {
                    method: call.method,
                    url: url.to_string(),
                    answer: Box::new(ArmAnswer::read(&response, &|t| call.mask(t))),
                    attempts,
                    retry_after: asked,
                    waited,
                    max_total_wait: policy.max_total_wait,
                });
            }
            tracing::debug!(status = response.status, wait_ms = wait.as_millis() as u64, label = %call.label, "ARM asked to retry");
            self.unless_cancelled(tokio::time::sleep(wait))
                .await
                .ok_or_else(cancelled)?;
            waited += wait;
        }
    }

    fn request(&self, call: &Call<'_>, url: &Url, token: &Sensitive<String>) -> HttpRequest {
        let plain = |name: &str, value: &str| Header {
            name: name.to_string(),
            value: HeaderValue::Plain(value.to_string()),
        };
        let mut headers = vec![
            Header {
                name: "Authorization".to_string(),
                value: HeaderValue::Secret(Sensitive::new(format!("Bearer {}", token.expose()))),
            },
            plain("Accept", "application/json"),
            plain("x-ms-correlation-request-id", &call.correlation_id),
            plain("User-Agent", &format!("gateway-studio/{}", crate::VERSION)),
        ];
        if call.body.is_some() {
            headers.push(plain("Content-Type", "application/json"));
        }
        HttpRequest {
            method: call.method.to_string(),
            url: url.clone(),
            headers,
            body: call.body.map(<[u8]>::to_vec),
        }
    }

    /// The error for an answer that is not a success.
    fn failed(&self, call: &Call<'_>, url: &Url, response: &Response) -> ArmError {
        let answer = ArmAnswer::read(response, &|t| call.mask(t));
        ArmError::Status {
            method: call.method,
            url: url.to_string(),
            answer: Box::new(answer),
            credential: Box::new(TokenOrigin {
                source: self.tokens.describe(),
                when_rejected: self.tokens.when_rejected(),
            }),
        }
    }

    fn wrong_shape(
        &self,
        call: &Call<'_>,
        url: &Url,
        status: u16,
        problem: String,
        response: Option<&Response>,
    ) -> ArmError {
        let header = |name: &str| response.and_then(|r| r.header(name)).map(str::to_string);
        ArmError::WrongShape {
            method: call.method,
            url: url.to_string(),
            status,
            problem: call.mask(&problem),
            correlation_id: header("x-ms-correlation-request-id")
                .or_else(|| Some(call.correlation_id.clone())),
        }
    }

    /// Sends, requires a 2xx, and reads the body as JSON.
    async fn json(&self, call: &mut Call<'_>, url: &Url) -> Result<(u16, Value), ArmError> {
        let response = self.send(call, url).await?;
        if !(200..300).contains(&response.status) {
            return Err(self.failed(call, url, &response));
        }
        match serde_json::from_slice::<Value>(&response.body) {
            Ok(json) => Ok((response.status, json)),
            Err(_) => {
                let text = String::from_utf8_lossy(&response.body);
                let mut shown = error::excerpt(&call.mask(&text));
                if response.body.is_empty() {
                    shown = "(an empty body)".to_string();
                } else if response.truncated {
                    shown = format!(
                        "(cut at the {}-byte limit) {shown}",
                        self.options.limits.max_body_bytes
                    );
                }
                Err(ArmError::NotJson {
                    method: call.method,
                    url: url.to_string(),
                    status: response.status,
                    content_type: response.header("content-type").map(str::to_string),
                    excerpt: shown,
                    correlation_id: response
                        .header("x-ms-correlation-request-id")
                        .map(str::to_string),
                })
            }
        }
    }

    async fn get<T>(
        &self,
        label: String,
        url: Url,
        read: fn(&Value) -> Result<T, String>,
    ) -> Result<T, ArmError> {
        let mut call = self.call(label, "GET", None);
        let (status, json) = self.json(&mut call, &url).await?;
        read(&json).map_err(|problem| self.wrong_shape(&call, &url, status, problem, None))
    }

    /// Every item of a list, following `nextLink` on the endpoint's origin only.
    async fn list<T>(
        &self,
        label: String,
        first: Url,
        read: fn(&Value) -> Result<T, String>,
    ) -> Result<Vec<T>, ArmError> {
        let mut call = self.call(label.clone(), "GET", None);
        let mut items = Vec::new();
        let mut next = Some(first.clone());
        let mut pages = 0;
        while let Some(url) = next.take() {
            if pages >= self.options.max_pages {
                return Err(ArmError::TooManyPages {
                    url: first.to_string(),
                    pages,
                });
            }
            pages += 1;
            if pages > 1 {
                call.label = format!("{label} (page {pages})");
            }
            let (status, json) = self.json(&mut call, &url).await?;
            let shape = |problem: String| self.wrong_shape(&call, &url, status, problem, None);
            let Some(values) = json.get("value").and_then(Value::as_array) else {
                return Err(shape("a list answer without a `value` array".to_string()));
            };
            for (index, value) in values.iter().enumerate() {
                items.push(read(value).map_err(|p| shape(format!("item {index} is {p}")))?);
            }
            match json.get("nextLink") {
                None | Some(Value::Null) => {}
                Some(Value::String(link)) if link.trim().is_empty() => {}
                Some(Value::String(link)) => next = Some(self.next_page(&url, link)?),
                Some(_) => return Err(shape("`nextLink` is not a string".to_string())),
            }
        }
        Ok(items)
    }

    /// The next page's URL, if it is on the ARM endpoint's origin. ARM's links carry the
    /// api-version; one that does not gets the current page's.
    fn next_page(&self, current: &Url, link: &str) -> Result<Url, ArmError> {
        let foreign = |origin: String| ArmError::ForeignNextLink {
            url: current.to_string(),
            next_origin: origin,
            arm_origin: self.endpoint.origin().ascii_serialization(),
        };
        let mut next = current
            .join(link.trim())
            .map_err(|_| foreign("(an unreadable URL)".to_string()))?;
        if next.origin() != self.endpoint.origin() {
            return Err(foreign(next.origin().ascii_serialization()));
        }
        let has_version = next
            .query_pairs()
            .any(|(k, _)| k.eq_ignore_ascii_case("api-version"));
        if !has_version
            && let Some((_, version)) = current.query_pairs().find(|(k, _)| k == "api-version")
        {
            let version = version.into_owned();
            next.query_pairs_mut().append_pair("api-version", &version);
        }
        Ok(next)
    }
}

/// The secret values a connection body carries: every string under `properties.credentials`
/// (`key`, `clientSecret`, `keys.*`, …, which ARM marks `x-ms-secret`). Read, never changed.
fn body_secrets(body: &[u8]) -> Vec<Sensitive<String>> {
    fn strings(value: &Value, out: &mut Vec<Sensitive<String>>) {
        match value {
            Value::String(text) => out.push(Sensitive::new(text.clone())),
            Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(json) = serde_json::from_slice::<Value>(body)
        && let Some(credentials) = json.pointer("/properties/credentials")
    {
        strings(credentials, &mut out);
    }
    out
}

fn check_names(names: &[(&'static str, &str)]) -> Result<(), ArmError> {
    for (what, name) in names {
        if let Some(problem) = paths::segment_problem(name) {
            return Err(ArmError::InvalidName {
                what,
                name: (*name).to_string(),
                problem,
            });
        }
    }
    Ok(())
}

fn check_account(account: &AccountRef) -> Result<(), ArmError> {
    check_names(&[
        ("subscription", &account.subscription_id),
        ("resource group", &account.resource_group),
        ("account", &account.account),
    ])
}

fn check_parent(parent: &ConnectionParent) -> Result<(), ArmError> {
    check_account(&parent.account)?;
    match &parent.project {
        Some(project) => check_names(&[("project", project)]),
        None => Ok(()),
    }
}
