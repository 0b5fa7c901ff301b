//! The check suite and its runner.
//!
//! Order of a run: `config`, `reachability` and the credential (`auth-token` for OAuth2) run
//! side by side; then discovery (when the connection discovers its models), then `models`,
//! `discovery-get` and, per deployment, `chat`, `tools` and `stream`, all concurrently. A
//! semaphore bounds the requests in flight; each request has the run's timeout; cancelling
//! stops every check at once (in-flight requests are dropped).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use tokio::sync::{Semaphore, mpsc::UnboundedSender};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::explain::{
    Call, Verdict, item_shape, json_body, judge_status, list_shape, network_failure,
    provider_mismatch,
};
use super::{
    CheckId, CheckOptions, CheckResult, CheckSecrets, CheckStatus, DEFAULT_DEPLOYMENTS,
    DiscoveredModel, RunEvent,
};
use crate::connection::{
    Connection, ConnectionAuth, DiscoveryProvider, Finding, SecretRef, validate,
};
use crate::gateway::{self, Credential, GatewayRequest};
use crate::net::{Exchange, HttpClient, HttpRequest, Limits, Response};
use crate::oauth2::{ClientCredentials, TokenClient};
use crate::trace::{Redactor, TraceExchange, TraceKind};

/// What the `chat` and `stream` checks ask.
pub const PING_PROMPT: &str = "Reply with the single word: pong";
/// What the `tools` check asks, so that the model calls [`TOOL_NAME`].
pub const TOOL_PROMPT: &str = "What is the weather in Seattle right now? Use the get_weather tool.";
pub const TOOL_NAME: &str = "get_weather";
/// What the sample tool "returns" in the round trip.
pub const TOOL_RESULT: &str = r#"{"location":"Seattle","temperature_c":18,"condition":"cloudy"}"#;

/// Runs checks. Cheap to clone; the token cache is shared between runs.
#[derive(Clone)]
pub struct CheckRunner {
    http: HttpClient,
    tokens: Arc<TokenClient>,
}

/// Why the gateway checks cannot run (no credential, gateway unreachable).
#[derive(Clone)]
struct Gate {
    message: String,
    hint: String,
}

struct Ctx {
    run_id: String,
    connection: Connection,
    options: CheckOptions,
    http: HttpClient,
    redactor: Redactor,
    events: UnboundedSender<RunEvent>,
    limiter: Semaphore,
    limits: Limits,
    cancel: CancellationToken,
}

impl Ctx {
    /// Sends one request under the concurrency limit and records it in the trace.
    async fn send(&self, label: &str, kind: TraceKind, request: HttpRequest) -> (Exchange, String) {
        let _permit = self.limiter.acquire().await;
        let exchange = self.http.send(request, self.limits).await;
        let record = TraceExchange::record(&self.run_id, label, kind, &exchange, &self.redactor);
        let id = record.id.clone();
        let _ = self.events.send(RunEvent::Exchange(Box::new(record)));
        (exchange, id)
    }

    fn timeout_secs(&self) -> u64 {
        self.options.timeout_secs
    }
}

/// Runs `check`, timing it; a cancelled run reports it skipped. Reported only if wanted.
async fn timed<F>(ctx: &Ctx, id: CheckId, deployment: Option<&str>, check: F) -> CheckResult
where
    F: Future<Output = CheckResult>,
{
    let wanted = ctx.options.wants(id);
    if wanted {
        let _ = ctx.events.send(RunEvent::Started {
            id,
            deployment: deployment.map(str::to_string),
        });
    }
    let start = Instant::now();
    let mut result = tokio::select! {
        result = check => result,
        () = ctx.cancel.cancelled() => CheckResult::new(id, CheckStatus::Skip, "cancelled"),
    };
    result.id = id;
    if let Some(d) = deployment {
        result.deployment = Some(d.to_string());
    }
    result.duration_ms = start.elapsed().as_millis() as u64;
    if wanted {
        let _ = ctx
            .events
            .send(RunEvent::Finished(Box::new(result.clone())));
    }
    result
}

fn from_verdict(id: CheckId, verdict: Verdict) -> CheckResult {
    let mut result = CheckResult::new(id, verdict.status, verdict.message);
    result.hint = verdict.hint;
    result
}

fn skipped(id: CheckId, gate: &Gate) -> CheckResult {
    CheckResult::new(id, CheckStatus::Skip, gate.message.clone()).with_hint(gate.hint.clone())
}

impl CheckRunner {
    pub fn new(http: HttpClient) -> Self {
        let tokens = Arc::new(TokenClient::new(http.clone()));
        Self { http, tokens }
    }

    pub fn tokens(&self) -> &TokenClient {
        &self.tokens
    }

    /// Runs the suite on `connection` and returns every reported result, in display order.
    /// `parse_findings` are what reading the connection's file found (shown by `config`).
    #[allow(clippy::too_many_arguments)]
    pub async fn run(
        &self,
        run_id: &str,
        connection: &Connection,
        parse_findings: Vec<Finding>,
        secrets: CheckSecrets,
        options: &CheckOptions,
        cancel: CancellationToken,
        events: UnboundedSender<RunEvent>,
    ) -> Vec<CheckResult> {
        let mut redactor = Redactor::new();
        for secret in [
            &secrets.api_key,
            &secrets.client_secret,
            &secrets.bearer_token,
        ]
        .into_iter()
        .flatten()
        {
            redactor.add_secret(secret);
        }
        let metadata = &connection.metadata;
        for name in [
            metadata
                .auth_config
                .as_ref()
                .and_then(|c| c.header_name.clone()),
            metadata.auth_header_name.clone(),
        ]
        .into_iter()
        .flatten()
        {
            redactor.add_secret_header(&name);
        }
        let ctx = Arc::new(Ctx {
            run_id: run_id.to_string(),
            connection: connection.clone(),
            options: options.clone(),
            http: self.http.clone(),
            redactor,
            events,
            limiter: Semaphore::new(options.concurrency.max(1) as usize),
            limits: Limits {
                timeout: Duration::from_secs(options.timeout_secs.max(1)),
                ..Limits::default()
            },
            cancel,
        });

        let network_wanted = [
            CheckId::Reachability,
            CheckId::AuthToken,
            CheckId::DiscoveryList,
            CheckId::DiscoveryGet,
            CheckId::Models,
            CheckId::Chat,
            CheckId::Tools,
            CheckId::Stream,
        ]
        .iter()
        .any(|id| options.wants(*id));

        let mut results = Vec::new();
        let config = timed(
            &ctx,
            CheckId::Config,
            None,
            config_check(&ctx, &secrets, parse_findings),
        );
        let reachability = async {
            if options.wants(CheckId::Reachability) {
                Some(timed(&ctx, CheckId::Reachability, None, reachability_check(&ctx)).await)
            } else {
                None
            }
        };
        let credential = async {
            if network_wanted {
                credential(&ctx, &secrets, &self.tokens).await
            } else {
                (None, Err(None))
            }
        };
        let (config, reachability, (token_result, credential)) =
            tokio::join!(config, reachability, credential);
        results.push(config);
        if let Some(token) = token_result {
            results.push(token);
        }
        let (credential, mut gate) = match credential {
            Ok(credential) => (Some(credential), None),
            Err(gate) => (None, gate),
        };
        if let Some(r) = reachability {
            if r.status == CheckStatus::Fail && gate.is_none() {
                gate = Some(Gate {
                    message: "skipped: the gateway is not reachable (see reachability)".into(),
                    hint: r.hint.clone().unwrap_or_default(),
                });
            }
            results.push(r);
        }
        if !network_wanted {
            return finish(&ctx, results);
        }
        if ctx.cancel.is_cancelled() {
            gate = Some(Gate {
                message: "cancelled".into(),
                hint: String::new(),
            });
        }
        let credential = if gate.is_none() { credential } else { None };

        // With static models or deployments named by the user, the calls start at once,
        // beside discovery; otherwise discovery decides which deployment to call.
        let discovery = connection.effective_model_discovery();
        let mut set: JoinSet<CheckResult> = JoinSet::new();
        let known = selected_deployments(connection, options, None);
        let early = !known.is_empty();
        if early {
            spawn_deployment_checks(
                &mut set,
                &mut results,
                &ctx,
                &known,
                &gate,
                &credential,
                discovery.is_some(),
            )
            .await;
        }
        let mut discovered: Option<Vec<DiscoveredModel>> = None;
        if let Some(discovery) = &discovery {
            let need_list = options.wants(CheckId::DiscoveryList)
                || (options.deployments.is_empty()
                    && [
                        CheckId::DiscoveryGet,
                        CheckId::Chat,
                        CheckId::Tools,
                        CheckId::Stream,
                    ]
                    .iter()
                    .any(|id| options.wants(*id)))
                || options.wants(CheckId::Models);
            if need_list {
                let list = match (&gate, &credential) {
                    (None, Some(credential)) => {
                        timed(
                            &ctx,
                            CheckId::DiscoveryList,
                            None,
                            discovery_list(&ctx, credential, discovery.deployment_provider.clone()),
                        )
                        .await
                    }
                    (Some(gate), _) => {
                        timed(&ctx, CheckId::DiscoveryList, None, async {
                            skipped(CheckId::DiscoveryList, gate)
                        })
                        .await
                    }
                    (None, None) => unreachable_credential(&ctx, CheckId::DiscoveryList).await,
                };
                if list.status == CheckStatus::Pass {
                    discovered = Some(list.discovered.clone());
                }
                if options.wants(CheckId::DiscoveryList) {
                    results.push(list);
                }
            }
        } else if options.wants(CheckId::DiscoveryList) || options.wants(CheckId::DiscoveryGet) {
            let gate = Gate {
                message: "skipped: this connection lists its models statically, so the Agent Service makes no discovery calls".into(),
                hint: String::new(),
            };
            for id in [CheckId::DiscoveryList, CheckId::DiscoveryGet] {
                if options.wants(id) {
                    results.push(timed(&ctx, id, None, async { skipped(id, &gate) }).await);
                }
            }
        }

        let deployments = if early {
            known
        } else {
            selected_deployments(connection, options, discovered.as_deref())
        };
        if options.wants(CheckId::Models) {
            let ctx = ctx.clone();
            let discovered = discovered.clone();
            let dynamic = discovery.is_some();
            set.spawn(async move {
                timed(&ctx, CheckId::Models, None, async {
                    models_check(&ctx, dynamic, discovered.as_deref())
                })
                .await
            });
        }
        if discovery.is_some() && options.wants(CheckId::DiscoveryGet) {
            let ctx = ctx.clone();
            let deployment = deployments.first().cloned();
            let provider = discovery
                .as_ref()
                .and_then(|d| d.deployment_provider.clone());
            let (gate, credential) = (gate.clone(), credential.clone());
            set.spawn(async move {
                let id = CheckId::DiscoveryGet;
                let deployment_ref = deployment.as_deref();
                timed(&ctx, id, deployment_ref, async {
                    match (&gate, &credential, &deployment) {
                        (Some(gate), _, _) => skipped(id, gate),
                        (None, Some(c), Some(d)) => discovery_get(&ctx, c, d, provider).await,
                        (None, _, None) => CheckResult::new(
                            id,
                            CheckStatus::Skip,
                            "skipped: no deployment to look up (the model list is empty or failed)",
                        ),
                        (None, None, _) => {
                            CheckResult::new(id, CheckStatus::Skip, "skipped: no credential")
                        }
                    }
                })
                .await
            });
        }
        if !early {
            spawn_deployment_checks(
                &mut set,
                &mut results,
                &ctx,
                &deployments,
                &gate,
                &credential,
                discovery.is_some(),
            )
            .await;
        }
        while let Some(joined) = set.join_next().await {
            if let Ok(result) = joined {
                results.push(result);
            }
        }
        finish(&ctx, results)
    }
}

/// Spawns `chat`, `tools` and `stream` for each deployment (or reports them skipped).
async fn spawn_deployment_checks(
    set: &mut JoinSet<CheckResult>,
    results: &mut Vec<CheckResult>,
    ctx: &Arc<Ctx>,
    deployments: &[String],
    gate: &Option<Gate>,
    credential: &Option<Credential>,
    dynamic: bool,
) {
    for id in [CheckId::Chat, CheckId::Tools, CheckId::Stream] {
        if !ctx.options.wants(id) {
            continue;
        }
        if deployments.is_empty() {
            let message = if dynamic {
                "skipped: no deployment to call (discovery returned none; pick one with --model)"
            } else {
                "skipped: no deployment to call (the static models list is empty)"
            };
            let gate = gate.clone();
            results.push(
                timed(ctx, id, None, async {
                    match &gate {
                        Some(gate) => skipped(id, gate),
                        None => CheckResult::new(id, CheckStatus::Skip, message),
                    }
                })
                .await,
            );
            continue;
        }
        for deployment in deployments {
            let ctx = ctx.clone();
            let deployment = deployment.clone();
            let (gate, credential) = (gate.clone(), credential.clone());
            set.spawn(async move {
                timed(&ctx, id, Some(&deployment), async {
                    match (&gate, &credential) {
                        (Some(gate), _) => skipped(id, gate),
                        (None, Some(c)) => match id {
                            CheckId::Chat => chat_check(&ctx, c, &deployment).await,
                            CheckId::Tools => tools_check(&ctx, c, &deployment).await,
                            _ => stream_check(&ctx, c, &deployment).await,
                        },
                        (None, None) => {
                            CheckResult::new(id, CheckStatus::Skip, "skipped: no credential")
                        }
                    }
                })
                .await
            });
        }
    }
}

async fn unreachable_credential(ctx: &Ctx, id: CheckId) -> CheckResult {
    timed(ctx, id, None, async {
        CheckResult::new(id, CheckStatus::Skip, "skipped: no credential")
    })
    .await
}

/// Results in display order: by check, then deployment in selection order.
fn finish(ctx: &Ctx, mut results: Vec<CheckResult>) -> Vec<CheckResult> {
    results.retain(|r| ctx.options.wants(r.id));
    results.sort_by_key(|r| r.id);
    results
}

fn selected_deployments(
    connection: &Connection,
    options: &CheckOptions,
    discovered: Option<&[DiscoveredModel]>,
) -> Vec<String> {
    if !options.deployments.is_empty() {
        return options.deployments.clone();
    }
    if let Some(models) = &connection.metadata.models {
        return models
            .iter()
            .filter_map(|m| m.deployment_name.clone())
            .filter(|n| !n.trim().is_empty())
            .take(DEFAULT_DEPLOYMENTS)
            .collect();
    }
    discovered
        .and_then(|d| d.first())
        .map(|m| vec![m.deployment_name.clone()])
        .unwrap_or_default()
}

/// The connection as validation should see it: secrets supplied for the run count as stored.
fn with_supplied_secrets(connection: &Connection, secrets: &CheckSecrets) -> Connection {
    let mut connection = connection.clone();
    match &mut connection.auth {
        ConnectionAuth::ApiKey { key } if secrets.api_key.is_some() => {
            *key = Some(SecretRef::API_KEY);
        }
        ConnectionAuth::OAuth2 { client_secret, .. } if secrets.client_secret.is_some() => {
            *client_secret = Some(SecretRef::CLIENT_SECRET);
        }
        _ => {}
    }
    connection
}

async fn config_check(
    ctx: &Ctx,
    secrets: &CheckSecrets,
    parse_findings: Vec<Finding>,
) -> CheckResult {
    let mut findings = parse_findings;
    for finding in validate(&with_supplied_secrets(&ctx.connection, secrets)) {
        if !findings
            .iter()
            .any(|f| f.code == finding.code && f.path == finding.path)
        {
            findings.push(finding);
        }
    }
    if secrets.api_key.is_some() || secrets.client_secret.is_some() {
        use crate::connection::FindingCode::*;
        findings.retain(|f| {
            !matches!(
                f.code,
                ApiKeyMissing | Oauth2ClientSecretMissing | SecretPlaceholder
            )
        });
    }
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let warnings = findings.len() - errors;
    let details = findings
        .iter()
        .map(|f| {
            let severity = if f.is_error() { "error" } else { "warning" };
            format!("{severity} {}: {}", f.path, f.message)
        })
        .collect();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut result = match (errors, findings.first()) {
        (0, None) => CheckResult::new(
            CheckId::Config,
            CheckStatus::Pass,
            "the connection is valid: ARM will accept it as written",
        ),
        (0, Some(first)) => CheckResult::new(
            CheckId::Config,
            CheckStatus::Warn,
            format!("{}: {}", plural(warnings, "warning"), first.message),
        )
        .with_hint("Review the warnings: the connection may work, but probably not as meant."),
        (_, _) => {
            let first = findings
                .iter()
                .find(|f| f.is_error())
                .map(|f| f.message.clone())
                .unwrap_or_default();
            CheckResult::new(
                CheckId::Config,
                CheckStatus::Fail,
                format!("{}, {}: {first}", plural(errors, "error"), plural(warnings, "warning")),
            )
            .with_hint("Fix the fields listed: ARM or the Agent Service would refuse or misuse this connection.")
        }
    };
    // One finding is said whole in the message; several are listed.
    if findings.len() > 1 {
        result.details = details;
    } else if let Some(only) = findings.first() {
        result.message = format!("{} at {}", result.message, only.path);
    }
    result
}

async fn reachability_check(ctx: &Ctx) -> CheckResult {
    let id = CheckId::Reachability;
    let url = match url::Url::parse(ctx.connection.target.trim()) {
        Ok(url) if url.host_str().is_some() => url,
        _ => {
            return CheckResult::new(
                id,
                CheckStatus::Fail,
                format!("`target` ({}) is not a URL with a host", ctx.connection.target.trim()),
            )
            .with_hint("Set `target` to the gateway's base URL, e.g. https://contoso-apim.azure-api.net/openai.");
        }
    };
    let probe = ctx.http.probe(&url, ctx.limits.timeout).await;
    let details: Vec<String> = probe
        .steps
        .iter()
        .map(|s| {
            format!(
                "{} {:?} {} ms: {}",
                if s.ok { "ok" } else { "failed" },
                s.phase,
                s.duration_ms,
                s.detail
            )
            .replace("Dns", "DNS")
            .replace("Tcp", "TCP")
            .replace("Tls", "TLS")
        })
        .collect();
    let mut result = match &probe.failure {
        Some(failure) => from_verdict(id, network_failure(failure, ctx.timeout_secs())),
        None => {
            let host = url.host_str().unwrap_or_default();
            let scheme_note = if url.scheme() == "http" {
                " (plain HTTP: no TLS)"
            } else {
                ""
            };
            CheckResult::new(
                id,
                CheckStatus::Pass,
                format!("{host} is reachable{scheme_note}"),
            )
        }
    };
    result.details = details;
    result
}

/// The credential for gateway calls, plus the `auth-token` result for OAuth2. `Err(Some)`
/// says why gateway checks cannot run; `Err(None)`: nothing needed one.
async fn credential(
    ctx: &Ctx,
    secrets: &CheckSecrets,
    tokens: &TokenClient,
) -> (Option<CheckResult>, Result<Credential, Option<Gate>>) {
    let id = CheckId::AuthToken;
    let not_needed =
        |reason: &str| CheckResult::new(id, CheckStatus::Skip, format!("skipped: {reason}"));
    match &ctx.connection.auth {
        ConnectionAuth::ApiKey { .. } => {
            let token = if ctx.options.wants(id) {
                Some(
                    timed(ctx, id, None, async {
                        not_needed("API key auth needs no token")
                    })
                    .await,
                )
            } else {
                None
            };
            match &secrets.api_key {
                Some(key) => (token, Ok(Credential::ApiKey(key.clone()))),
                None => (
                    token,
                    Err(Some(Gate {
                        message: "skipped: no API key to send".into(),
                        hint: "Enter the key in the connection editor (it is kept in the OS keyring), or pass --api-key-env VAR on the command line.".into(),
                    })),
                ),
            }
        }
        ConnectionAuth::ProjectManagedIdentity { audience } => {
            let token = if ctx.options.wants(id) {
                Some(
                    timed(ctx, id, None, async {
                        if secrets.bearer_token.is_some() {
                            // Label the run: every gateway call below used the stand-in.
                            not_needed(
                                "project managed identity: the gateway calls use the stand-in bearer token you supplied, not the project's identity",
                            )
                        } else {
                            not_needed(
                                "project managed identity: the Agent Service gets the token itself",
                            )
                        }
                    })
                    .await,
                )
            } else {
                None
            };
            match &secrets.bearer_token {
                Some(bearer) => (token, Ok(Credential::BearerToken(bearer.clone()))),
                None => (
                    token,
                    Err(Some(Gate {
                        message:
                            "skipped: a laptop cannot obtain the project's managed-identity token"
                                .into(),
                        hint: format!(
                            "To try the gateway anyway, supply a stand-in bearer token for `{audience}`, e.g. your own: `az account get-access-token --resource {audience} --query accessToken -o tsv` (--bearer-token-env VAR on the command line). The gateway may authorise your identity differently from the project's."
                        ),
                    })),
                ),
            }
        }
        ConnectionAuth::OAuth2 {
            client_id,
            token_url,
            scopes,
            ..
        } => {
            let Some(secret) = &secrets.client_secret else {
                let gate = Gate {
                    message: "skipped: no OAuth2 client secret".into(),
                    hint: "Enter the client secret in the connection editor (it is kept in the OS keyring), or pass --client-secret-env VAR on the command line.".into(),
                };
                let result = timed(ctx, id, None, async {
                    CheckResult::new(
                        id,
                        CheckStatus::Fail,
                        "no client secret: cannot request a token",
                    )
                    .with_hint(gate.hint.clone())
                })
                .await;
                return (Some(result), Err(Some(gate)));
            };
            let mut obtained = None;
            let result = timed(ctx, id, None, async {
                let credentials = ClientCredentials {
                    token_url,
                    client_id,
                    client_secret: secret,
                    scopes,
                };
                let (token, exchange) = tokens.token(&credentials, ctx.limits).await;
                let mut exchanges = Vec::new();
                if let Some(exchange) = exchange {
                    let record = TraceExchange::record(
                        &ctx.run_id,
                        "auth-token",
                        TraceKind::Token,
                        &exchange,
                        &ctx.redactor,
                    );
                    exchanges.push(record.id.clone());
                    let _ = ctx.events.send(RunEvent::Exchange(Box::new(record)));
                }
                let mut result = match token {
                    Ok(token) => {
                        obtained = Some(Credential::BearerToken(token.access_token.clone()));
                        let life = token
                            .expires_in
                            .map(|s| format!(", valid for {s} s"))
                            .unwrap_or_default();
                        let source = if token.from_cache { " (cached)" } else { "" };
                        CheckResult::new(
                            id,
                            CheckStatus::Pass,
                            format!("token issued by {}{life}{source}", host_of(token_url)),
                        )
                    }
                    Err(e) => {
                        let hint = e.hint();
                        CheckResult::new(id, CheckStatus::Fail, ctx.redactor.text(&e.to_string()))
                            .with_hint(hint)
                    }
                };
                result.exchanges = exchanges;
                result
            })
            .await;
            let outcome = obtained.ok_or_else(|| {
                Some(Gate {
                    message: "skipped: no OAuth2 token (see auth-token)".into(),
                    hint: result.hint.clone().unwrap_or_default(),
                })
            });
            (Some(result), outcome)
        }
        ConnectionAuth::Unsupported { auth_type } => (
            None,
            Err(Some(Gate {
                message: format!(
                    "skipped: auth type {auth_type} is not supported for gateway connections"
                ),
                hint:
                    "Use ApiKey, ProjectManagedIdentity (ApiManagement) or OAuth2 (ModelGateway)."
                        .into(),
            })),
        ),
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}

/// A request the builder refused: the connection cannot produce this call.
fn build_failure(id: CheckId, error: gateway::BuildError) -> CheckResult {
    CheckResult::new(
        id,
        CheckStatus::Fail,
        format!("cannot build the request: {error}"),
    )
    .with_hint("Fix the setting named above; the Agent Service would fail the same way.")
}

/// Sends a gateway request and applies the common status/JSON verdicts. `Ok` = a 2xx JSON
/// body; `Err` = the finished (failed) result.
async fn call_json(
    ctx: &Ctx,
    id: CheckId,
    label: &str,
    call: Call<'_>,
    request: GatewayRequest,
    exchanges: &mut Vec<String>,
) -> Result<(Value, Response), CheckResult> {
    let url = ctx.redactor.url(&request.url);
    let (exchange, trace_id) = ctx
        .send(label, TraceKind::Gateway, HttpRequest::from(&request))
        .await;
    exchanges.push(trace_id);
    let response = match exchange.outcome {
        Ok(response) => response,
        Err(failure) => {
            return Err(from_verdict(
                id,
                network_failure(&failure, ctx.timeout_secs()),
            ));
        }
    };
    if let Some(verdict) = judge_status(&ctx.connection, call, &url, &response, &ctx.redactor) {
        return Err(from_verdict(id, verdict));
    }
    let what = match call {
        Call::Chat { .. } => "chat completion",
        Call::DiscoveryList => "model list",
        Call::DiscoveryGet { .. } => "model",
    };
    match json_body(&response, what) {
        Ok(json) => Ok((json, response)),
        Err(verdict) => Err(from_verdict(id, verdict)),
    }
}

fn with_exchanges(mut result: CheckResult, exchanges: Vec<String>) -> CheckResult {
    result.exchanges = exchanges;
    result
}

/// Same-origin redirects work but cost a hop, and the Agent Service may not follow them.
fn redirect_warning(result: CheckResult, response: &Response, redactor: &Redactor) -> CheckResult {
    match response.redirects.last() {
        Some(last) if result.status == CheckStatus::Pass => {
            let mut result = result;
            result.status = CheckStatus::Warn;
            result.message = format!(
                "{} — after a redirect to {}",
                result.message,
                redactor.url(&last.to)
            );
            result.with_hint("The gateway redirects this URL: set `target` (or the discovery endpoint) to the final URL, since the Agent Service may not follow redirects.")
        }
        _ => result,
    }
}

fn provider_name(provider: &Option<DiscoveryProvider>) -> String {
    provider
        .as_ref()
        .map(|p| p.as_wire().to_string())
        .unwrap_or_else(|| "AzureOpenAI".into())
}

fn discovered_item(item: &Value, shape: &str) -> Option<DiscoveredModel> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    if shape == "OpenAI" {
        Some(DiscoveredModel {
            deployment_name: text(item.get("id"))?,
            model_name: text(item.get("id")),
            model_version: None,
            format: None,
        })
    } else {
        Some(DiscoveredModel {
            deployment_name: text(item.get("name"))?,
            model_name: text(item.pointer("/properties/model/name")),
            model_version: text(item.pointer("/properties/model/version")),
            format: text(item.pointer("/properties/model/format")),
        })
    }
}

async fn discovery_list(
    ctx: &Ctx,
    credential: &Credential,
    provider: Option<DiscoveryProvider>,
) -> CheckResult {
    let id = CheckId::DiscoveryList;
    let request = match gateway::discovery_list_request(&ctx.connection, credential) {
        Ok(r) => r,
        Err(e) => return build_failure(id, e),
    };
    let mut exchanges = Vec::new();
    let (json, response) = match call_json(
        ctx,
        id,
        "discovery-list",
        Call::DiscoveryList,
        request,
        &mut exchanges,
    )
    .await
    {
        Ok(ok) => ok,
        Err(result) => return with_exchanges(result, exchanges),
    };
    let configured = provider_name(&provider);
    let result = match list_shape(&json) {
        None => from_verdict(
            id,
            Verdict::fail(
                "the model list has neither `value` (AzureOpenAI) nor `data` (OpenAI)",
                "Point `listModelsEndpoint` at the gateway's model list.",
            ),
        ),
        Some(shape) if shape != configured => {
            from_verdict(id, provider_mismatch(&configured, shape, "model list"))
        }
        Some(shape) => {
            let key = if shape == "OpenAI" { "data" } else { "value" };
            let items = json
                .get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let models: Vec<DiscoveredModel> = items
                .iter()
                .filter_map(|i| discovered_item(i, shape))
                .collect();
            if models.is_empty() {
                from_verdict(
                    id,
                    Verdict::fail(
                        format!("the gateway listed no models (`{key}` is empty or has no names)"),
                        "Publish at least one deployment on the gateway, or use a static `models` list.",
                    ),
                )
            } else {
                let names: Vec<&str> = models.iter().map(|m| m.deployment_name.as_str()).collect();
                let mut result = CheckResult::new(
                    id,
                    CheckStatus::Pass,
                    format!(
                        "{} model(s) in the {shape} shape: {}",
                        models.len(),
                        names.join(", ")
                    ),
                );
                result.discovered = models;
                result
            }
        }
    };
    with_exchanges(
        redirect_warning(result, &response, &ctx.redactor),
        exchanges,
    )
}

async fn discovery_get(
    ctx: &Ctx,
    credential: &Credential,
    deployment: &str,
    provider: Option<DiscoveryProvider>,
) -> CheckResult {
    let id = CheckId::DiscoveryGet;
    let request = match gateway::discovery_get_request(&ctx.connection, deployment, credential) {
        Ok(r) => r,
        Err(e) => return build_failure(id, e),
    };
    let mut exchanges = Vec::new();
    let call = Call::DiscoveryGet { deployment };
    let (json, response) = match call_json(
        ctx,
        id,
        &format!("discovery-get:{deployment}"),
        call,
        request,
        &mut exchanges,
    )
    .await
    {
        Ok(ok) => ok,
        Err(result) => return with_exchanges(result, exchanges),
    };
    let configured = provider_name(&provider);
    let result = match item_shape(&json) {
        None => from_verdict(
            id,
            Verdict::fail(
                "the model answer has neither `name` (AzureOpenAI) nor `id` (OpenAI)",
                "Point `getModelEndpoint` at the gateway's single-model route (with {deploymentName}).",
            ),
        ),
        Some(shape) if shape != configured => {
            from_verdict(id, provider_mismatch(&configured, shape, "model"))
        }
        Some(shape) => match discovered_item(&json, shape) {
            Some(model) if shape == "AzureOpenAI" && (model.model_name.is_none() || model.format.is_none()) => from_verdict(
                id,
                Verdict::fail(
                    "the model answer lacks `properties.model.name` or `properties.model.format`",
                    "The Agent Service needs both to know which API the model speaks; fix the gateway's answer (or use a static list).",
                ),
            ),
            Some(model) if model.deployment_name != deployment => CheckResult::new(
                id,
                CheckStatus::Warn,
                format!("asked for `{deployment}`, the gateway described `{}`", model.deployment_name),
            )
            .with_hint("Check `getModelEndpoint` puts {deploymentName} where the gateway expects the name."),
            Some(model) => {
                let described = [model.model_name.as_deref(), model.model_version.as_deref(), model.format.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut result = CheckResult::new(
                    id,
                    CheckStatus::Pass,
                    format!("`{deployment}` found{}", if described.is_empty() { String::new() } else { format!(": {described}") }),
                );
                result.discovered = vec![model];
                result
            }
            None => from_verdict(id, Verdict::fail("the model answer has no name", "Fix the gateway's single-model answer.")),
        },
    };
    with_exchanges(
        redirect_warning(result, &response, &ctx.redactor),
        exchanges,
    )
}

fn models_check(ctx: &Ctx, dynamic: bool, discovered: Option<&[DiscoveredModel]>) -> CheckResult {
    let id = CheckId::Models;
    let static_names: Option<Vec<String>> = ctx.connection.metadata.models.as_ref().map(|models| {
        models
            .iter()
            .filter_map(|m| m.deployment_name.clone())
            .collect()
    });
    let selected = &ctx.options.deployments;
    let (source, names): (&str, Vec<String>) = match (&static_names, dynamic, discovered) {
        (Some(names), _, _) if !dynamic => ("static list", names.clone()),
        (_, true, Some(found)) => (
            "gateway's list",
            found.iter().map(|m| m.deployment_name.clone()).collect(),
        ),
        (_, true, None) => {
            return CheckResult::new(
                id,
                CheckStatus::Skip,
                "skipped: no model list to compare (discovery-list did not pass)",
            );
        }
        _ => {
            return CheckResult::new(
                id,
                CheckStatus::Fail,
                "the connection has no models: neither a static `models` list nor `modelDiscovery`",
            )
            .with_hint(
                "Add the gateway's deployments to `models`, or configure `modelDiscovery`.",
            );
        }
    };
    let mut result = if names.is_empty() {
        CheckResult::new(id, CheckStatus::Fail, format!("the {source} is empty")).with_hint(
            "Add at least one deployment: agents name it as `<connection>/<deployment>`.",
        )
    } else if let Some(missing) = selected.iter().find(|s| !names.contains(s)) {
        let name = ctx.connection.name.as_deref().unwrap_or("<connection>");
        CheckResult::new(id, CheckStatus::Fail, format!("`{missing}` is not in the {source} ({})", names.join(", ")))
            .with_hint(format!("The Agent Service resolves `{name}/{missing}` against this list: add `{missing}` to it, or call one of the listed deployments."))
    } else {
        CheckResult::new(
            id,
            CheckStatus::Pass,
            format!(
                "{} deployment(s) in the {source}: {}",
                names.len(),
                names.join(", ")
            ),
        )
    };
    // Both configured (validation already calls this an error): say how they differ.
    if let (Some(static_names), Some(found)) = (&static_names, discovered)
        && dynamic
    {
        let missing: Vec<&str> = static_names
            .iter()
            .filter(|n| !found.iter().any(|m| &m.deployment_name == *n))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() && result.status == CheckStatus::Pass {
            result.status = CheckStatus::Warn;
            result.message = format!(
                "{}; not listed by the gateway: {}",
                result.message,
                missing.join(", ")
            );
            result.hint = Some("The static list names deployments the gateway does not list: remove them, or keep only one of `models` and `modelDiscovery`.".into());
        }
    }
    result.details = names;
    result
}

/// The body of the `chat` check (`stream` adds `"stream": true`).
pub fn ping_body() -> Map<String, Value> {
    let mut body = Map::new();
    body.insert(
        "messages".into(),
        json!([{"role": "user", "content": PING_PROMPT}]),
    );
    body
}

fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 80 {
        format!("{}…", flat.chars().take(80).collect::<String>())
    } else {
        flat
    }
}

fn wrong_shape(what: &str) -> Verdict {
    Verdict::fail(
        format!("the answer is JSON but not a chat completion: {what}"),
        "The gateway must answer in the OpenAI chat-completions shape (`choices[0].message`). If it speaks another API, set the model's `format` (Anthropic, NonOpenAI) — or put an OpenAI-compatible façade in front of it.",
    )
}

async fn chat_check(ctx: &Ctx, credential: &Credential, deployment: &str) -> CheckResult {
    let id = CheckId::Chat;
    let request = match gateway::chat_completions_request(
        &ctx.connection,
        deployment,
        credential,
        ping_body(),
    ) {
        Ok(r) => r,
        Err(e) => return build_failure(id, e),
    };
    let mut exchanges = Vec::new();
    let call = Call::Chat { deployment };
    let (json, response) = match call_json(
        ctx,
        id,
        &format!("chat:{deployment}"),
        call,
        request,
        &mut exchanges,
    )
    .await
    {
        Ok(ok) => ok,
        Err(result) => return with_exchanges(result, exchanges),
    };
    let result = match json.pointer("/choices/0/message") {
        None => from_verdict(id, wrong_shape("`choices[0].message` is missing")),
        Some(message) => {
            let content = message
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let model = json
                .get("model")
                .and_then(Value::as_str)
                .map(|m| format!(" (model {m})"))
                .unwrap_or_default();
            CheckResult::new(
                id,
                CheckStatus::Pass,
                format!(
                    "`{deployment}` answered{model}: “{}”",
                    ctx.redactor.text(&excerpt(content))
                ),
            )
        }
    };
    with_exchanges(
        redirect_warning(result, &response, &ctx.redactor),
        exchanges,
    )
}

/// The sample function tool of the `tools` check.
pub fn tool_definition() -> Value {
    json!([{
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Get the current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {"location": {"type": "string", "description": "City name, e.g. Seattle"}},
                "required": ["location"]
            }
        }
    }])
}

async fn tools_check(ctx: &Ctx, credential: &Credential, deployment: &str) -> CheckResult {
    let id = CheckId::Tools;
    let user = json!({"role": "user", "content": TOOL_PROMPT});
    let mut body = Map::new();
    body.insert("messages".into(), json!([user.clone()]));
    body.insert("tools".into(), tool_definition());
    let request = match gateway::chat_completions_request(
        &ctx.connection,
        deployment,
        credential,
        body.clone(),
    ) {
        Ok(r) => r,
        Err(e) => return build_failure(id, e),
    };
    let mut exchanges = Vec::new();
    let call = Call::Chat { deployment };
    let (first, _) = match call_json(
        ctx,
        id,
        &format!("tools:{deployment}:call"),
        call,
        request,
        &mut exchanges,
    )
    .await
    {
        Ok(ok) => ok,
        Err(result) => return with_exchanges(result, exchanges),
    };
    let Some(assistant) = first.pointer("/choices/0/message").cloned() else {
        return with_exchanges(
            from_verdict(id, wrong_shape("`choices[0].message` is missing")),
            exchanges,
        );
    };
    let calls = assistant
        .get("tool_calls")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(call_item) = calls.first() else {
        let said = assistant
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return with_exchanges(
            CheckResult::new(
                id,
                CheckStatus::Fail,
                format!("the model answered without calling `{TOOL_NAME}`: “{}”", ctx.redactor.text(&excerpt(said))),
            )
            .with_hint("Agents with function tools depend on tool calls. Check that the gateway passes `tools` through to the model (some policies or façades drop them), and that the model supports function calling (`format` OpenAI requires it)."),
            exchanges,
        );
    };
    let name = call_item
        .pointer("/function/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let arguments = call_item
        .pointer("/function/arguments")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let call_id = call_item
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut details = vec![format!("1. the model called {name}({arguments})")];
    if name != TOOL_NAME || serde_json::from_str::<Value>(arguments).is_err() || call_id.is_empty()
    {
        let mut result = CheckResult::new(
            id,
            CheckStatus::Fail,
            format!("the tool call is malformed: name `{name}`, arguments `{}`, id `{call_id}`", excerpt(arguments)),
        )
        .with_hint("A tool call needs an `id`, the function `name` and `arguments` as a JSON string. The gateway may be rewriting tool calls.");
        result.details = details;
        return with_exchanges(result, exchanges);
    }
    body.insert(
        "messages".into(),
        json!([user, assistant, {"role": "tool", "tool_call_id": call_id, "content": TOOL_RESULT}]),
    );
    let request =
        match gateway::chat_completions_request(&ctx.connection, deployment, credential, body) {
            Ok(r) => r,
            Err(e) => return build_failure(id, e),
        };
    let (second, response) = match call_json(
        ctx,
        id,
        &format!("tools:{deployment}:result"),
        call,
        request,
        &mut exchanges,
    )
    .await
    {
        Ok(ok) => ok,
        Err(mut result) => {
            result.message = format!("sending the tool result back failed: {}", result.message);
            result.details = details;
            return with_exchanges(result, exchanges);
        }
    };
    let final_text = second
        .pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut result = if final_text.trim().is_empty() {
        from_verdict(
            id,
            Verdict::fail(
                "after the tool result the model gave no final answer",
                "The gateway must pass `tool` messages (with `tool_call_id`) through to the model.",
            ),
        )
    } else {
        details.push(format!(
            "2. final answer: {}",
            ctx.redactor.text(&excerpt(final_text))
        ));
        CheckResult::new(
            id,
            CheckStatus::Pass,
            format!("`{deployment}` called {TOOL_NAME} and answered with its result"),
        )
    };
    result.details = details;
    with_exchanges(
        redirect_warning(result, &response, &ctx.redactor),
        exchanges,
    )
}

async fn stream_check(ctx: &Ctx, credential: &Credential, deployment: &str) -> CheckResult {
    let id = CheckId::Stream;
    let mut body = ping_body();
    body.insert("stream".into(), Value::Bool(true));
    let request =
        match gateway::chat_completions_request(&ctx.connection, deployment, credential, body) {
            Ok(r) => r,
            Err(e) => return build_failure(id, e),
        };
    let url = ctx.redactor.url(&request.url);
    let (exchange, trace_id) = ctx
        .send(
            &format!("stream:{deployment}"),
            TraceKind::Gateway,
            HttpRequest::from(&request),
        )
        .await;
    let exchanges = vec![trace_id];
    let response = match exchange.outcome {
        Ok(r) => r,
        Err(failure) => {
            return with_exchanges(
                from_verdict(id, network_failure(&failure, ctx.timeout_secs())),
                exchanges,
            );
        }
    };
    if let Some(verdict) = judge_status(
        &ctx.connection,
        Call::Chat { deployment },
        &url,
        &response,
        &ctx.redactor,
    ) {
        return with_exchanges(from_verdict(id, verdict), exchanges);
    }
    let content_type = response
        .header("content-type")
        .unwrap_or_default()
        .to_string();
    if !content_type.starts_with("text/event-stream") {
        let result = match json_body(&response, "streamed chat completion") {
            Ok(json) if json.pointer("/choices/0/message").is_some() => CheckResult::new(
                id,
                CheckStatus::Warn,
                format!("the gateway ignored `stream: true` and answered with one JSON body after {} ms", exchange.timings.total_ms),
            )
            .with_hint("Streaming agent responses will arrive in one piece. If the gateway buffers responses (a policy that reads the body), let text/event-stream pass through."),
            Ok(_) => from_verdict(id, wrong_shape("not an event stream and no `choices[0].message`")),
            Err(verdict) => from_verdict(id, verdict),
        };
        return with_exchanges(result, exchanges);
    }
    let mut text = String::new();
    let mut first_token_ms = None;
    let mut done = false;
    let mut chunks = 0;
    for (n, event) in response.sse_events.iter().enumerate() {
        let data = event.data.trim();
        if data == "[DONE]" {
            done = true;
            continue;
        }
        let Ok(chunk) = serde_json::from_str::<Value>(data) else {
            return with_exchanges(
                from_verdict(
                    id,
                    Verdict::fail(
                        format!(
                            "stream event {} is not JSON: `{}`",
                            n + 1,
                            excerpt(&ctx.redactor.text(data))
                        ),
                        "Each `data:` line must be one chat.completion.chunk JSON object (or [DONE]).",
                    ),
                ),
                exchanges,
            );
        };
        if let Some(error) = chunk.get("error") {
            let message = error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("an error event");
            return with_exchanges(
                from_verdict(
                    id,
                    Verdict::fail(
                        format!(
                            "the stream carried an error: {}",
                            ctx.redactor.text(message)
                        ),
                        "The gateway or model failed mid-stream; check its logs.",
                    ),
                ),
                exchanges,
            );
        }
        chunks += 1;
        if let Some(delta) = chunk
            .pointer("/choices/0/delta/content")
            .and_then(Value::as_str)
            && !delta.is_empty()
        {
            first_token_ms.get_or_insert(event.at_ms);
            text.push_str(delta);
        }
    }
    let mut result = if chunks == 0 {
        from_verdict(
            id,
            Verdict::fail(
                "the event stream carried no chunks",
                "The gateway must forward the model's chunks as `data:` events.",
            ),
        )
    } else if first_token_ms.is_none() {
        from_verdict(
            id,
            Verdict::fail(
                format!("{chunks} chunk(s) but no content token"),
                "Check the chunks carry `choices[0].delta.content`.",
            ),
        )
    } else if !done {
        CheckResult::new(id, CheckStatus::Warn, format!("first token after {} ms, but the stream ended without `data: [DONE]`", first_token_ms.unwrap_or_default()))
            .with_hint("OpenAI-compatible streams end with `data: [DONE]`; clients may wait for it. The gateway may be cutting the stream short.")
    } else {
        CheckResult::new(
            id,
            CheckStatus::Pass,
            format!(
                "first token after {} ms, {chunks} chunks: “{}”",
                first_token_ms.unwrap_or_default(),
                ctx.redactor.text(&excerpt(&text))
            ),
        )
    };
    result.first_token_ms = first_token_ms;
    with_exchanges(
        redirect_warning(result, &response, &ctx.redactor),
        exchanges,
    )
}
