//! What went wrong with an ARM call, in the words a user can act on. [`ArmError`]'s `Display`
//! says what failed and where (method, URL without any token, ARM's code and message, the
//! request and correlation ids); [`ArmError::hint`] says what to do: sign in again, the role
//! to ask for and on which scope, which level of subscription → resource group → account →
//! project → connection does not exist, which field ARM refused.
//!
//! Every text from ARM is redacted before it is kept (the bearer token and the secret values
//! of the body sent), so no message can carry a secret.

pub(super) use crate::net::words::{duration as words, excerpt};
use crate::net::words::{one_line, phase as phase_words};
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::paths::PathNames;
use crate::azure::credential::CredentialError;
use crate::net::answer::ErrorBody;
use crate::net::{Failure, FailureKind, Response};

/// ARM's error answer, read and redacted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArmAnswer {
    pub status: u16,
    /// `error.code`, e.g. `ResourceGroupNotFound`.
    pub code: Option<String>,
    /// `error.message` (or the start of a body that is not ARM's error JSON).
    pub message: Option<String>,
    /// `error.target`: the field ARM blames, when it says.
    pub target: Option<String>,
    /// `error.details[]`: `code: message` lines.
    pub details: Vec<String>,
    /// `x-ms-request-id`.
    pub request_id: Option<String>,
    /// `x-ms-correlation-request-id`: what Azure support asks for.
    pub correlation_id: Option<String>,
    /// `WWW-Authenticate`'s `error_description`, on 401.
    pub auth_challenge: Option<String>,
}

impl ArmAnswer {
    /// Reads `{"error":{"code","message","target","details"}}` (or the same keys at the top,
    /// as some providers write them) and the id headers; every text goes through `mask`.
    pub(super) fn read(response: &Response, mask: &dyn Fn(&str) -> String) -> Self {
        let body = ErrorBody::read(response);
        let field = |key: &str| body.field(key, mask);
        let message = body.message(response, mask);
        let error = body.error();
        let details = error
            .and_then(|e| e.get("details"))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|d| {
                        let code = d.get("code").and_then(Value::as_str).unwrap_or_default();
                        let message = d.get("message").and_then(Value::as_str)?;
                        Some(one_line(&mask(&format!("{code}: {message}"))))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let header = |name: &str| response.header(name).map(|v| mask(v.trim()));
        Self {
            status: response.status,
            code: field("code"),
            message,
            target: field("target"),
            details,
            request_id: header("x-ms-request-id"),
            correlation_id: header("x-ms-correlation-request-id"),
            auth_challenge: response
                .header("www-authenticate")
                .and_then(|v| quoted_after(v, "error_description=\""))
                .map(|v| mask(&v)),
        }
    }

    fn code_is(&self, code: &str) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(code))
    }

    /// `404 ResourceGroupNotFound: Resource group 'x' could not be found.`
    fn summary(&self) -> String {
        let mut text = self.status.to_string();
        if let Some(code) = &self.code {
            text.push(' ');
            text.push_str(code);
        }
        if let Some(message) = &self.message {
            text.push_str(": ");
            text.push_str(message);
        }
        for detail in &self.details {
            text.push_str(" — ");
            text.push_str(detail);
        }
        text
    }

    /// ` (x-ms-request-id …, x-ms-correlation-request-id …)`, or nothing.
    fn ids(&self) -> String {
        ids_text(self.request_id.as_deref(), self.correlation_id.as_deref())
    }

    /// The field of the request ARM refused: `error.target`, else a quoted property path in
    /// the message (`'properties.metadata.models'`).
    pub fn field(&self) -> Option<String> {
        if let Some(target) = self.target.as_ref().filter(|t| !t.is_empty()) {
            return Some(target.clone());
        }
        let message = self.message.as_deref()?;
        quoted(message)
            .into_iter()
            .find(|q| q.to_ascii_lowercase().starts_with("properties"))
    }
}

fn ids_text(request_id: Option<&str>, correlation_id: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(id) = request_id {
        parts.push(format!("x-ms-request-id {id}"));
    }
    if let Some(id) = correlation_id {
        parts.push(format!("x-ms-correlation-request-id {id}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// Where the token of a call came from, and how to get a fresh one (the [`TokenSource`]'s own
/// words), so a 401 hint can name the fix.
///
/// [`TokenSource`]: crate::azure::TokenSource
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOrigin {
    /// "the access token in $ARM_TOKEN"
    pub source: String,
    pub when_rejected: String,
}

/// Which level of the hierarchy a 404 says does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingLevel {
    Subscription {
        subscription_id: String,
    },
    ResourceGroup {
        resource_group: String,
    },
    Account {
        account: String,
    },
    /// `account_may_be_missing`: ARM names a project as the missing parent of a connection
    /// both when the project is missing and when its account is; only the project's own GET
    /// tells them apart.
    Project {
        project: String,
        account: String,
        account_may_be_missing: bool,
    },
    Connection {
        connection: String,
    },
    Deployment {
        deployment: String,
    },
}

impl MissingLevel {
    /// Reads the level from ARM's code, its message (the parent id of `ParentResourceNotFound`)
    /// and the URL called.
    pub(super) fn read(answer: &ArmAnswer, url: &Url) -> Option<Self> {
        if answer.status != 404 {
            return None;
        }
        let path = PathNames::read(url);
        let or_empty = |v: &Option<String>| v.clone().unwrap_or_default();
        if answer.code_is("SubscriptionNotFound") {
            return Some(Self::Subscription {
                subscription_id: or_empty(&path.subscription),
            });
        }
        if answer.code_is("ResourceGroupNotFound") {
            return Some(Self::ResourceGroup {
                resource_group: or_empty(&path.resource_group),
            });
        }
        if answer.code_is("ParentResourceNotFound") {
            // "… because the parent resource '/subscriptions/…/accounts/a[/projects/p]' could
            // not be found."
            let parent = answer
                .message
                .as_deref()
                .and_then(|m| {
                    quoted(m)
                        .into_iter()
                        .find(|q| q.starts_with("/subscriptions/"))
                })
                .map(|id| PathNames::read_path(&id));
            let parent = parent.unwrap_or_else(|| PathNames {
                connection: None,
                deployment: None,
                list_of: None,
                ..path.clone()
            });
            return Some(match (&parent.project, &parent.account) {
                (Some(project), account) => Self::Project {
                    project: project.clone(),
                    account: account.clone().unwrap_or_else(|| or_empty(&path.account)),
                    account_may_be_missing: true,
                },
                (None, Some(account)) => Self::Account {
                    account: account.clone(),
                },
                (None, None) => Self::Account {
                    account: or_empty(&path.account),
                },
            });
        }
        if answer.code_is("ResourceNotFound") || answer.code_is("NotFound") {
            // The resource the URL addresses itself (lists have a parent checked already).
            if path.list_of.is_some() {
                return None;
            }
            if let Some(connection) = &path.connection {
                return Some(Self::Connection {
                    connection: connection.clone(),
                });
            }
            if let Some(deployment) = &path.deployment {
                return Some(Self::Deployment {
                    deployment: deployment.clone(),
                });
            }
            if let Some(project) = &path.project {
                return Some(Self::Project {
                    project: project.clone(),
                    account: or_empty(&path.account),
                    account_may_be_missing: false,
                });
            }
            if let Some(account) = &path.account {
                return Some(Self::Account {
                    account: account.clone(),
                });
            }
        }
        None
    }

    /// "resource group", "project", …
    pub fn level(&self) -> &'static str {
        match self {
            Self::Subscription { .. } => "subscription",
            Self::ResourceGroup { .. } => "resource group",
            Self::Account { .. } => "account",
            Self::Project { .. } => "project",
            Self::Connection { .. } => "connection",
            Self::Deployment { .. } => "deployment",
        }
    }
}

/// Everything that can go wrong calling ARM. `url` is the URL called, as text (it never holds
/// a token: ARM tokens travel in a header).
#[derive(Debug, thiserror::Error)]
pub enum ArmError {
    /// ARM answered with an error status (429 and 503 once the retries are used up are
    /// [`ArmError::Throttled`]).
    #[error("{method} {url} failed: ARM answered {}{}", .answer.summary(), .answer.ids())]
    Status {
        method: &'static str,
        url: String,
        answer: Box<ArmAnswer>,
        /// Where the token came from and how to renew it, for the 401 hint.
        credential: Box<TokenOrigin>,
    },
    /// 429 or 503 still, after every retry the policy allows.
    #[error(
        "{method} {url} failed: ARM answered {} {attempts} times in a row (waited {} in all){}",
        .answer.summary(), words(*.waited), .answer.ids()
    )]
    Throttled {
        method: &'static str,
        url: String,
        answer: Box<ArmAnswer>,
        attempts: u32,
        /// What the last answer asked to wait.
        retry_after: Option<Duration>,
        waited: Duration,
        /// The policy's cap on the total wait.
        max_total_wait: Duration,
    },
    /// No answer: DNS, connect, proxy, TLS, timeout or a broken connection.
    #[error("{method} {url} failed while {}: {}", phase_words(.failure.phase), .failure.message)]
    Network {
        method: &'static str,
        url: String,
        failure: Failure,
    },
    #[error(
        "{method} {url}: the answer ({status}{}) is not JSON: {excerpt}{}",
        .content_type.as_deref().map(|t| format!(", {t}")).unwrap_or_default(),
        ids_text(None, .correlation_id.as_deref())
    )]
    NotJson {
        method: &'static str,
        url: String,
        status: u16,
        content_type: Option<String>,
        excerpt: String,
        correlation_id: Option<String>,
    },
    #[error(
        "{method} {url}: the answer ({status}) is JSON but not what ARM sends: {problem}{}",
        ids_text(None, .correlation_id.as_deref())
    )]
    WrongShape {
        method: &'static str,
        url: String,
        status: u16,
        problem: String,
        correlation_id: Option<String>,
    },
    /// A `nextLink` to another origin than the ARM endpoint: not followed.
    #[error(
        "the list at {url} continues at {next_origin}, which is not the ARM endpoint {arm_origin}: the next page was not fetched, so the token was not sent there"
    )]
    ForeignNextLink {
        url: String,
        /// Scheme, host and port only.
        next_origin: String,
        arm_origin: String,
    },
    #[error("the list at {url} has more than {pages} pages: stopped following `nextLink` there")]
    TooManyPages { url: String, pages: usize },
    /// A redirect to another origin (same-origin ones are followed by the HTTP client).
    #[error(
        "{method} {url} was redirected ({status}) to {to_origin}, another origin: not followed, so the token was not sent there"
    )]
    Redirected {
        method: &'static str,
        url: String,
        status: u16,
        to_origin: String,
    },
    #[error("no ARM token from {credential}: {source}")]
    Credential {
        credential: String,
        source: CredentialError,
    },
    #[error("{method} {url} was cancelled")]
    Cancelled { method: &'static str, url: String },
    #[error("the {what} name `{name}` cannot be put in an ARM URL: {problem}")]
    InvalidName {
        what: &'static str,
        name: String,
        problem: &'static str,
    },
}

/// The `'…'`-quoted parts of an ARM message, in order.
fn quoted(message: &str) -> Vec<String> {
    message
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The `"…"` value after `prefix` (for `WWW-Authenticate` parameters).
fn quoted_after(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)? + prefix.len();
    let rest = &text[start..];
    Some(rest[..rest.find('"')?].to_string())
}

/// `… to perform action 'A' over scope 'S' …` (ARM's `AuthorizationFailed` wording).
fn denied_action_and_scope(message: &str) -> (Option<String>, Option<String>) {
    let after = |marker: &str| {
        let start = message.find(marker)? + marker.len();
        let rest = &message[start..];
        Some(rest[..rest.find('\'')?].to_string())
    };
    (
        after("perform action '"),
        after("over scope '").map(|s| s.trim_end_matches('/').to_string()),
    )
}

impl ArmError {
    /// A stable code for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Status { answer, .. } => match answer.status {
                400 => "arm-bad-request",
                401 => "arm-unauthorized",
                403 => "arm-forbidden",
                404 => "arm-not-found",
                409 => "arm-conflict",
                _ => "arm-status",
            },
            Self::Throttled { answer, .. } if answer.status == 429 => "arm-throttled",
            Self::Throttled { .. } => "arm-unavailable",
            Self::Network { .. } => "arm-network",
            Self::NotJson { .. } => "arm-not-json",
            Self::WrongShape { .. } => "arm-wrong-shape",
            Self::ForeignNextLink { .. } => "arm-foreign-next-link",
            Self::TooManyPages { .. } => "arm-too-many-pages",
            Self::Redirected { .. } => "arm-redirected",
            Self::Credential { .. } => "arm-credential",
            Self::Cancelled { .. } => "arm-cancelled",
            Self::InvalidName { .. } => "arm-invalid-name",
        }
    }

    /// The HTTP status ARM answered, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { answer, .. } | Self::Throttled { answer, .. } => Some(answer.status),
            Self::NotJson { status, .. }
            | Self::WrongShape { status, .. }
            | Self::Redirected { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// ARM's answer, for the error codes and ids.
    pub fn answer(&self) -> Option<&ArmAnswer> {
        match self {
            Self::Status { answer, .. } | Self::Throttled { answer, .. } => Some(answer),
            _ => None,
        }
    }

    /// ARM's `error.code`.
    pub fn arm_code(&self) -> Option<&str> {
        self.answer().and_then(|a| a.code.as_deref())
    }

    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Self::Status { answer, .. } | Self::Throttled { answer, .. } => {
                answer.correlation_id.as_deref()
            }
            Self::NotJson { correlation_id, .. } | Self::WrongShape { correlation_id, .. } => {
                correlation_id.as_deref()
            }
            _ => None,
        }
    }

    /// On a 404: the level that does not exist, read from ARM's code and message and the URL.
    pub fn missing(&self) -> Option<MissingLevel> {
        match self {
            Self::Status { url, answer, .. } => MissingLevel::read(answer, &Url::parse(url).ok()?),
            _ => None,
        }
    }

    /// The URL called (never holds a token: ARM tokens travel in a header).
    pub fn url(&self) -> Option<&str> {
        match self {
            Self::Status { url, .. }
            | Self::Throttled { url, .. }
            | Self::Network { url, .. }
            | Self::NotJson { url, .. }
            | Self::WrongShape { url, .. }
            | Self::ForeignNextLink { url, .. }
            | Self::TooManyPages { url, .. }
            | Self::Redirected { url, .. }
            | Self::Cancelled { url, .. } => Some(url.as_str()),
            Self::Credential { .. } | Self::InvalidName { .. } => None,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            Self::Status {
                method,
                url,
                answer,
                credential,
            } => match Url::parse(url) {
                Ok(url) => {
                    let missing = MissingLevel::read(answer, &url);
                    status_hint(method, &url, answer, missing.as_ref(), &credential.source, &credential.when_rejected)
                }
                Err(_) => format!("ARM said: {}", answer.message.as_deref().unwrap_or("(no message)")),
            },
            Self::Throttled {
                answer,
                attempts,
                retry_after,
                waited,
                max_total_wait,
                ..
            } => {
                let asked = match retry_after {
                    Some(wait) if *waited + *wait > *max_total_wait => format!(
                        " ARM asked to wait {} more, beyond the {} the app waits in all.",
                        words(*wait),
                        words(*max_total_wait)
                    ),
                    Some(wait) => format!(" ARM last asked to wait {}.", words(*wait)),
                    None => String::new(),
                };
                let what = if answer.status == 429 {
                    "ARM is throttling this identity's requests (too many in a short time, across every tool using the subscription)."
                } else {
                    "ARM or the Cognitive Services resource provider is temporarily unavailable."
                };
                format!(
                    "{what}{asked} Tried {attempts} times; wait a minute and try again. If it persists, quote the correlation id to Azure support."
                )
            }
            Self::Network { failure, .. } => match failure.kind {
                FailureKind::Timeout => "ARM did not answer in time: check the network, VPN and proxy (HTTPS_PROXY), or try again; a slow list can also be narrowed with a filter.".to_string(),
                FailureKind::Tls => "Fix the TLS problem above: if a corporate proxy inspects TLS, add its CA bundle in the network settings.".to_string(),
                FailureKind::Connect => "Check the ARM endpoint of the selected cloud, your network, VPN and proxy settings (HTTPS_PROXY, NO_PROXY).".to_string(),
                FailureKind::Protocol => "The connection to ARM broke: try again; if it keeps happening, a proxy between you and ARM may be interfering.".to_string(),
            },
            Self::NotJson { .. } => "Something other than ARM answered (a proxy's block page, a login page?): check the ARM endpoint of the selected cloud and the proxy settings.".to_string(),
            Self::WrongShape { .. } => "The endpoint answered, but not as ARM does: check that the ARM endpoint is ARM itself (e.g. https://management.azure.com) and that the api-version is one it serves.".to_string(),
            Self::ForeignNextLink { .. } => "This is refused on purpose: the bearer token must never go to another host. If ARM is reached through a gateway that rewrites host names, set the ARM endpoint to the host its links use.".to_string(),
            Self::TooManyPages { .. } => "Narrow the list (filter by category or target), or raise the page limit.".to_string(),
            Self::Redirected { .. } => "Check the ARM endpoint of the selected cloud: ARM does not redirect; a proxy or a wrong host does.".to_string(),
            Self::Credential { .. } => "Fix the sign-in as the message says, then try again.".to_string(),
            Self::Cancelled { method, .. } => {
                if *method == "GET" {
                    "Nothing changed in Azure.".to_string()
                } else {
                    "A change cancelled in flight may or may not have been applied: reload the connection list to see.".to_string()
                }
            }
            Self::InvalidName { .. } => "Use the name exactly as Azure shows it (pick it from the list).".to_string(),
        }
    }
}

fn status_hint(
    method: &str,
    url: &Url,
    answer: &ArmAnswer,
    missing: Option<&MissingLevel>,
    credential: &str,
    credential_fix: &str,
) -> String {
    let path = PathNames::read(url);
    let arm_said = answer.message.as_deref().unwrap_or("(no message)");
    match answer.status {
        401 => {
            let why = if answer.code_is("ExpiredAuthenticationToken") {
                format!("{credential} has expired.")
            } else if answer.code_is("InvalidAuthenticationTokenTenant") {
                format!(
                    "{credential} was issued by another tenant than the one that owns the subscription: sign in to that tenant (`az login --tenant <tenant id>`)."
                )
            } else if answer.code_is("InvalidAuthenticationTokenAudience") {
                format!(
                    "{credential} is for another service or cloud: it must be an ARM token of the selected cloud."
                )
            } else if answer.code_is("AuthenticationFailed") {
                format!("ARM did not accept how {credential} was sent ({arm_said}).")
            } else {
                format!(
                    "ARM rejected {credential}: it has expired, was issued by another tenant than the subscription's, or is for another cloud."
                )
            };
            format!("{why} {credential_fix}")
        }
        403 => {
            let (action, arm_scope) = denied_action_and_scope(arm_said);
            let writes = matches!(method, "PUT" | "PATCH" | "DELETE");
            let scope = arm_scope
                .or_else(|| path.group_or_subscription_scope())
                .unwrap_or_else(|| "the subscription".to_string());
            let mut hint = if writes {
                format!(
                    "Deploying or deleting connections needs Contributor (or another role with `Microsoft.CognitiveServices/accounts/*/connections/write`) on the resource group: ask an owner to assign it on `{}`.",
                    path.group_or_subscription_scope().unwrap_or(scope.clone())
                )
            } else {
                format!(
                    "Listing and reading needs Reader (or any role with read access) on `{scope}`: ask an owner of the subscription to assign it."
                )
            };
            if let Some(action) = action {
                let _ = write!(hint, " ARM names the action denied: `{action}`.");
            }
            if let (Some(subscription), Some(group), Some(account), Some(project)) = (
                &path.subscription,
                &path.resource_group,
                &path.account,
                &path.project,
            ) {
                let _ = write!(
                    hint,
                    " Running test agents in the project also needs Azure AI User on `/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/{account}/projects/{project}`."
                );
            }
            hint.push_str(" A new role assignment can take a few minutes to apply.");
            hint
        }
        404 => match missing {
            Some(MissingLevel::Subscription { subscription_id }) => format!(
                "The subscription `{subscription_id}` does not exist or this identity cannot see it (is it in another tenant?). Pick the subscription again from the list, or sign in to the tenant that owns it."
            ),
            Some(MissingLevel::ResourceGroup { resource_group }) => format!(
                "There is no resource group `{resource_group}` in the subscription: check the name, or pick it again from the list."
            ),
            Some(MissingLevel::Account { account }) => format!(
                "There is no Foundry account `{account}` in the resource group: check the name, or pick it again from the list."
            ),
            Some(MissingLevel::Project {
                project,
                account,
                account_may_be_missing,
            }) => {
                let mut text = format!(
                    "There is no project `{project}` in the account `{account}`"
                );
                if *account_may_be_missing {
                    text.push_str(" (or the account itself does not exist)");
                }
                text.push_str(": check the names, or pick the project again from the list.");
                text
            }
            Some(MissingLevel::Connection { connection }) => format!(
                "There is no connection `{connection}` there: it was deleted or never deployed. Deploy it to create it."
            ),
            Some(MissingLevel::Deployment { deployment }) => format!(
                "The account has no model deployment `{deployment}`: pick one from the account's deployment list."
            ),
            None => "ARM does not serve this path: check the ARM endpoint of the selected cloud and the names in the URL.".to_string(),
        },
        409 => {
            if answer.code_is("ScopeLocked") {
                "A lock (read-only or delete) on the resource group or account blocks the change: remove the lock, or ask its owner to, then try again.".to_string()
            } else {
                format!(
                    "ARM refused the change because of a conflict ({arm_said}): usually another operation on the same resource is still running (a deployment, another client). Wait for it to finish, reload, and try again."
                )
            }
        }
        400 => {
            if answer.code_is("InvalidResourceName") {
                let name = path
                    .connection
                    .clone()
                    .or_else(|| url.path_segments().and_then(|mut s| s.next_back()).map(str::to_string))
                    .unwrap_or_default();
                format!(
                    "Rename `{name}`: connection names are 3 to 33 letters, digits, `_` or `-`, starting with a letter or digit."
                )
            } else if ["MissingApiVersionParameter", "InvalidApiVersionParameter", "NoRegisteredProviderFound"]
                .iter()
                .any(|c| answer.code_is(c))
            {
                let version = url
                    .query_pairs()
                    .find(|(k, _)| k == "api-version")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                format!(
                    "This cloud or region does not serve api-version `{version}` for this resource. Use one of the versions ARM lists ({arm_said}); `2025-04-01-preview` is the one the official samples were tested with."
                )
            } else if answer.code_is("InvalidSubscriptionId") {
                "The subscription id is not a GUID: pick the subscription from the list.".to_string()
            } else {
                match answer.field() {
                    Some(field) => format!("Fix `{field}` in the connection: {arm_said}"),
                    None => format!("Fix the request as ARM says: {arm_said}"),
                }
            }
        }
        _ => {
            let mut text = format!("ARM could not do it ({arm_said}).");
            if answer.status >= 500 {
                text.push_str(" Try again in a few minutes.");
            }
            if let Some(id) = &answer.correlation_id {
                let _ = write!(text, " If it persists, quote the correlation id {id} to Azure support.");
            }
            text
        }
    }
}
