//! Real sign-in: the `azure_identity` 1.x credentials behind [`TokenSource`]. The Azure CLI
//! (the default: users already ran `az login`), a service principal's client secret, and the
//! developer-tools chain (Azure CLI, then Azure Developer CLI).
//!
//! - Commands (`az`, `azd`) run through [`Shell`], our `azure_identity` executor: the same
//!   `/bin/sh -c` the crate uses, with an optional folder put first on `PATH` (tests use a fake
//!   `az` there; a desktop launch may lack the user's shell PATH).
//! - The service principal's token request goes through our own [`HttpClient`] (its proxy and
//!   CA-bundle settings) by way of [`NetTransport`].
//! - Tokens are cached per scope until five minutes before they expire: `AzureCliCredential`
//!   caches nothing, and every ARM call asks for a token.
//! - Failures are sorted into [`CredentialError::SignIn`] codes with the command that fixes
//!   each (`az login`, `az login --tenant T`, install the CLI, a rejected secret).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::{
    AsyncRawResponse, ClientOptions, ExponentialRetryOptions, HttpClient as AzureHttpClient,
    Request, RetryOptions, StatusCode, Transport, headers::Headers,
};
use azure_core::time::OffsetDateTime;
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions, DeveloperToolsCredential, DeveloperToolsCredentialOptions,
    Executor,
};
use serde::Deserialize;

use super::credential::{CredentialError, TokenFuture, TokenSource};
use super::identity::{Identity, SignInMethod};
use crate::gateway::{Header, HeaderValue};
use crate::net::{HttpClient, HttpRequest, Limits};
use crate::secrets::Sensitive;
use crate::trace::{Redactor, TraceExchange, TraceKind};

/// Tokens are renewed this long before they expire, so a long command never sends a stale one.
const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);

/// Runs `az` / `azd` for `azure_identity`. By default with the app's own `PATH`; a folder can
/// be put first (a desktop launch may lack the shell's PATH) or be the only one (tests).
#[derive(Debug, Clone, Default)]
pub struct Shell {
    path: Option<std::ffi::OsString>,
}

impl Shell {
    /// `dir` first on `PATH`, then the app's own.
    pub fn with_path_first(dir: &std::path::Path) -> Self {
        let mut path = std::ffi::OsString::from(dir.as_os_str());
        if let Some(existing) = std::env::var_os("PATH") {
            path.push(":");
            path.push(existing);
        }
        Self { path: Some(path) }
    }

    /// Only `dir` on `PATH`: what is not there is not found.
    pub fn with_path_only(dir: &std::path::Path) -> Self {
        Self {
            path: Some(dir.as_os_str().to_owned()),
        }
    }

    fn command(&self, program: &OsStr, args: &[&OsStr]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(program);
        command.args(args).kill_on_drop(true);
        if let Some(path) = &self.path {
            command.env("PATH", path);
        }
        command
    }

    /// `az {args} -o json` as the credential would run it, for `az account show`.
    async fn az_json(&self, args: &str) -> Result<Output, io::Error> {
        let script = format!("cd /bin && az {args} -o json");
        self.command(
            OsStr::new("/bin/sh"),
            &[OsStr::new("-c"), OsStr::new(&script)],
        )
        .output()
        .await
    }
}

#[async_trait::async_trait]
impl Executor for Shell {
    async fn run(&self, program: &OsStr, args: &[&OsStr]) -> io::Result<Output> {
        self.command(program, args).output().await
    }
}

/// `azure_core`'s HTTP client trait over our [`HttpClient`], so token requests use the app's
/// network settings. Only what a token request needs: a bytes body, a buffered response.
#[derive(Clone)]
pub struct NetTransport {
    http: HttpClient,
    /// Who keeps the trace of each exchange, and what to mask in it.
    trace: Option<(SignInObserver, Redactor)>,
}

/// Takes each exchange with the sign-in authority (a service principal's token requests),
/// redacted, for the trace; the run id is the taker's to give.
pub type SignInObserver = Arc<dyn Fn(TraceExchange) + Send + Sync>;

/// The label of a sign-in token request in the trace.
pub const SIGN_IN_TOKEN_LABEL: &str = "Azure sign-in token";

impl std::fmt::Debug for NetTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NetTransport")
    }
}

impl NetTransport {
    pub fn new(http: HttpClient) -> Self {
        Self { http, trace: None }
    }

    /// Hands every exchange to `observer`, redacted by `redactor` (which knows the secret;
    /// tokens in the answer are masked by their JSON keys).
    pub fn traced(mut self, observer: SignInObserver, redactor: Redactor) -> Self {
        self.trace = Some((observer, redactor));
        self
    }
}

#[async_trait::async_trait]
impl AzureHttpClient for NetTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        use azure_core::error::{Error, ErrorKind};
        let body = match request.body() {
            azure_core::http::Body::Bytes(bytes) => Some(bytes.to_vec()),
            #[allow(unreachable_patterns)]
            _ => {
                return Err(Error::with_message(
                    ErrorKind::Other,
                    "a streamed body cannot be sent by this transport",
                ));
            }
        };
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| Header {
                name: name.as_str().to_string(),
                value: HeaderValue::Plain(value.as_str().to_string()),
            })
            .collect();
        let exchange = self
            .http
            .send(
                HttpRequest {
                    method: request.method().as_str().to_string(),
                    url: request.url().clone(),
                    headers,
                    body: body.filter(|b| !b.is_empty()),
                },
                Limits::default(),
            )
            .await;
        if let Some((observe, redactor)) = &self.trace {
            observe(TraceExchange::record(
                "",
                SIGN_IN_TOKEN_LABEL,
                TraceKind::Token,
                &exchange,
                redactor,
            ));
        }
        match exchange.outcome {
            Ok(response) => {
                let mut headers = Headers::new();
                for (name, value) in response.headers {
                    headers.insert(name.to_ascii_lowercase(), value);
                }
                Ok(AsyncRawResponse::from_bytes(
                    StatusCode::from(response.status),
                    headers,
                    response.body,
                ))
            }
            Err(failure) => Err(Error::with_message(
                ErrorKind::Io,
                format!("{} ({:?} phase)", failure.message, failure.phase),
            )),
        }
    }
}

/// The credential for `method`, signing in at `authority_host` (the cloud's Entra ID host).
/// `client_secret` is the service principal's secret from the keyring. A service principal's
/// token requests go to `trace` when given (the Azure CLI's happen inside `az`).
pub fn credential(
    method: &SignInMethod,
    authority_host: &str,
    client_secret: Option<Sensitive<String>>,
    http: &HttpClient,
    shell: Shell,
    trace: Option<SignInObserver>,
) -> Result<Arc<dyn TokenSource>, CredentialError> {
    let shell = Arc::new(shell);
    let (inner, kind): (Arc<dyn TokenCredential>, Kind) = match method {
        SignInMethod::AzureCli { tenant_id } => {
            let tenant_id = non_empty(tenant_id);
            let credential = AzureCliCredential::new(Some(AzureCliCredentialOptions {
                tenant_id: tenant_id.clone(),
                executor: Some(shell.clone()),
                ..Default::default()
            }))
            .map_err(|e| invalid_setting("Azure CLI", "the tenant", &e))?;
            (credential, Kind::AzureCli { tenant_id })
        }
        SignInMethod::DeveloperTools { tenant_id } => {
            // The chain takes no tenant: it uses each tool's own default tenant.
            let credential = DeveloperToolsCredential::new(Some(DeveloperToolsCredentialOptions {
                executor: Some(shell.clone()),
            }))
            .map_err(|e| invalid_setting("Developer tools", "the credential", &e))?;
            (
                credential,
                Kind::DeveloperTools {
                    tenant_id: non_empty(tenant_id),
                },
            )
        }
        SignInMethod::ServicePrincipal {
            tenant_id,
            client_id,
        } => {
            let Some(secret) = client_secret.filter(|s| !s.expose().is_empty()) else {
                return Err(sign_in(
                    "sp-secret-missing",
                    format!("Service principal {client_id}"),
                    "no client secret is stored for it",
                    "Type the client secret in Settings → Azure → Sign-in and save.",
                ));
            };
            let mut cloud = CustomConfiguration::default();
            cloud.authority_host = authority_host.to_string();
            let mut transport = NetTransport::new(http.clone());
            if let Some(observer) = trace {
                let mut redactor = Redactor::new();
                redactor.add_secret(&secret);
                transport = transport.traced(observer, redactor);
            }
            let options = ClientSecretCredentialOptions {
                client_options: ClientOptions {
                    transport: Some(Transport::new(Arc::new(transport))),
                    cloud: Some(Arc::new(CloudConfiguration::Custom(cloud))),
                    // azure_core's default (8 retries over up to a minute) leaves the user
                    // waiting on an unreachable authority; two quick retries say it sooner.
                    retry: RetryOptions::exponential(ExponentialRetryOptions {
                        initial_delay: azure_core::time::Duration::milliseconds(250),
                        max_retries: 2,
                        max_total_elapsed: azure_core::time::Duration::seconds(10),
                        max_delay: azure_core::time::Duration::seconds(2),
                    }),
                    ..Default::default()
                },
            };
            let credential = ClientSecretCredential::new(
                tenant_id,
                client_id.clone(),
                Secret::new(secret.expose().to_string()),
                Some(options),
            )
            .map_err(|e| {
                invalid_setting(
                    "Service principal",
                    "the tenant, client id or authority host",
                    &e,
                )
            })?;
            (
                credential,
                Kind::ServicePrincipal {
                    tenant_id: tenant_id.clone(),
                    client_id: client_id.clone(),
                    authority_host: authority_host.to_string(),
                },
            )
        }
    };
    Ok(Arc::new(EntraToken {
        inner,
        kind,
        cache: Mutex::new(HashMap::new()),
    }))
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn invalid_setting(credential: &str, what: &str, e: &azure_core::Error) -> CredentialError {
    sign_in(
        "sign-in-invalid",
        credential.to_string(),
        &format!("{what} is not valid ({e})"),
        "Correct it in Settings → Azure → Sign-in.",
    )
}

fn sign_in(code: &'static str, credential: String, reason: &str, fix: &str) -> CredentialError {
    CredentialError::SignIn {
        code,
        credential,
        reason: reason.to_string(),
        fix: fix.to_string(),
    }
}

#[derive(Debug, Clone)]
enum Kind {
    AzureCli {
        tenant_id: Option<String>,
    },
    DeveloperTools {
        tenant_id: Option<String>,
    },
    ServicePrincipal {
        tenant_id: String,
        client_id: String,
        authority_host: String,
    },
}

impl Kind {
    fn source(&self) -> &'static str {
        match self {
            Kind::AzureCli { .. } => "Azure CLI",
            Kind::DeveloperTools { .. } => "Developer tools",
            Kind::ServicePrincipal { .. } => "Service principal",
        }
    }

    fn login_command(&self) -> String {
        match self {
            Kind::AzureCli { tenant_id: Some(t) } | Kind::DeveloperTools { tenant_id: Some(t) } => {
                format!("az login --tenant {t}")
            }
            _ => "az login".to_string(),
        }
    }
}

/// An `azure_identity` credential with a per-scope cache and errors that say what to run.
struct EntraToken {
    inner: Arc<dyn TokenCredential>,
    kind: Kind,
    cache: Mutex<HashMap<String, (Sensitive<String>, OffsetDateTime)>>,
}

impl EntraToken {
    fn cached(&self, scope: &str) -> Option<Sensitive<String>> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let (token, expires_on) = cache.get(scope)?;
        (*expires_on - RENEW_BEFORE > OffsetDateTime::now_utc()).then(|| token.clone())
    }

    /// Sorts a failure by what the user must do about it.
    fn classify(&self, error: &azure_core::Error) -> CredentialError {
        // The whole chain: the credential's own words come first, the transport's (with the
        // phase that failed) last.
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            let words = inner.to_string();
            if !text.contains(&words) {
                text.push_str(": ");
                text.push_str(&words);
            }
            source = inner.source();
        }
        let credential = self.describe();
        let login = self.login_command();
        let has = |needle: &str| {
            text.to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase())
        };
        if let Kind::ServicePrincipal {
            tenant_id,
            client_id,
            authority_host,
        } = &self.kind
        {
            let (code, reason, fix) = if has("AADSTS7000215") {
                ("sp-invalid-secret", "Entra ID rejected the client secret (AADSTS7000215: invalid secret)".to_string(), "Copy the secret's value (not its id) from the app registration, and save it again in Settings → Azure → Sign-in.".to_string())
            } else if has("AADSTS7000222") {
                ("sp-secret-expired", "the client secret has expired (AADSTS7000222)".to_string(), "Create a new secret for the app registration and save it in Settings → Azure → Sign-in.".to_string())
            } else if has("AADSTS700016") {
                (
                    "sp-unknown-client",
                    format!(
                        "no application with client id {client_id} exists in tenant {tenant_id} (AADSTS700016)"
                    ),
                    "Check the client id (Application ID of the app registration) and the tenant."
                        .to_string(),
                )
            } else if has("AADSTS90002") || has("AADSTS900023") {
                (
                    "sp-unknown-tenant",
                    format!("Entra ID does not know the tenant {tenant_id}"),
                    "Check the tenant id (Directory ID) in Settings → Azure → Sign-in.".to_string(),
                )
            } else if error.kind() == &azure_core::error::ErrorKind::Io
                || has(" phase)")
                || has("retry policy expired")
            {
                ("token-endpoint-unreachable", format!("the token endpoint at {authority_host} could not be reached: {text}"), "Check the network, the proxy settings and, for a custom cloud, its authority host.".to_string())
            } else {
                (
                    "credential-unavailable",
                    text.clone(),
                    "Check the service principal's tenant, client id and secret.".to_string(),
                )
            };
            return sign_in(code, credential, &reason, &fix);
        }
        if has("not found on path")
            || has("wasn't found on path")
            || has("az: not found")
            || has("command not found")
        {
            return sign_in(
                "az-missing",
                credential,
                "the Azure CLI (`az`) is not installed or not on PATH",
                &format!(
                    "Install it (https://learn.microsoft.com/cli/azure/install-azure-cli), run `{login}`, then try again."
                ),
            );
        }
        if has("AADSTS90002")
            || has("AADSTS50020")
            || has("AADSTS500011")
            || has("No subscription found")
            || (has("tenant") && has("not found"))
        {
            let tenant = match &self.kind {
                Kind::AzureCli { tenant_id } | Kind::DeveloperTools { tenant_id } => {
                    tenant_id.clone()
                }
                Kind::ServicePrincipal { .. } => None,
            };
            return sign_in(
                "az-wrong-tenant",
                credential,
                &format!(
                    "the signed-in account cannot get tokens in tenant {}",
                    tenant.as_deref().unwrap_or("(the CLI's default)")
                ),
                &format!(
                    "Run `{login}` with an account of that tenant, or change the tenant in Settings → Azure → Sign-in."
                ),
            );
        }
        if has("az login")
            || has("AADSTS70043")
            || has("AADSTS700082")
            || has("AADSTS50173")
            || has("expired")
            || has("azd auth login")
        {
            return sign_in(
                "az-login-needed",
                credential,
                "the Azure CLI is not signed in, or its sign-in has expired",
                &format!("Run `{login}`, then try again."),
            );
        }
        sign_in(
            "credential-unavailable",
            credential,
            &text,
            &format!("Run `{login}` and try again."),
        )
    }

    fn login_command(&self) -> String {
        self.kind.login_command()
    }
}

impl TokenSource for EntraToken {
    fn token<'a>(&'a self, scope: &'a str) -> TokenFuture<'a> {
        Box::pin(async move {
            if let Some(token) = self.cached(scope) {
                return Ok(token);
            }
            let token = self
                .inner
                .get_token(&[scope], None)
                .await
                .map_err(|e| self.classify(&e))?;
            let value = Sensitive::new(token.token.secret().to_string());
            self.cache
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(scope.to_string(), (value.clone(), token.expires_on));
            Ok(value)
        })
    }

    fn describe(&self) -> String {
        match &self.kind {
            Kind::ServicePrincipal { client_id, .. } => format!("Service principal {client_id}"),
            other => other.source().to_string(),
        }
    }

    fn when_rejected(&self) -> String {
        match &self.kind {
            Kind::ServicePrincipal { .. } => "Give the service principal a role on the resource (Contributor on the resource group to deploy), or check its tenant.".to_string(),
            other => format!("Run `{}` to get a fresh token.", other.login_command()),
        }
    }
}

/// What `az account show -o json` says (the fields the app shows).
#[derive(Deserialize)]
struct AccountShow {
    name: Option<String>,
    #[serde(rename = "tenantId")]
    tenant_id: Option<String>,
    user: Option<AccountUser>,
}

#[derive(Deserialize)]
struct AccountUser {
    name: Option<String>,
}

/// Who `method` signs in as. Asks for a token for `scope` first (so a broken sign-in fails
/// here, with its fix), then, for the Azure CLI and the developer tools, reads
/// `az account show` for the account and default subscription.
pub async fn who_am_i(
    method: &SignInMethod,
    source: &dyn TokenSource,
    scope: &str,
    shell: &Shell,
) -> Result<Identity, CredentialError> {
    source.token(scope).await?;
    let identity = match method {
        SignInMethod::ServicePrincipal {
            tenant_id,
            client_id,
        } => Identity {
            source: "Service principal".into(),
            account: Some(client_id.clone()),
            tenant_id: Some(tenant_id.clone()),
            subscription: None,
        },
        SignInMethod::AzureCli { tenant_id } | SignInMethod::DeveloperTools { tenant_id } => {
            let source = match method {
                SignInMethod::AzureCli { .. } => "Azure CLI",
                _ => "Developer tools",
            };
            // The token worked; `account show` only adds names, so its failure is not one.
            let shown = match shell.az_json("account show").await {
                Ok(output) if output.status.success() => {
                    serde_json::from_slice::<AccountShow>(&output.stdout).ok()
                }
                _ => None,
            };
            Identity {
                source: source.into(),
                account: shown.as_ref().and_then(|s| s.user.as_ref()?.name.clone()),
                tenant_id: non_empty(tenant_id).or_else(|| shown.as_ref()?.tenant_id.clone()),
                subscription: shown.and_then(|s| s.name),
            }
        }
    };
    Ok(identity)
}

#[cfg(test)]
mod tests;
