//! `gateway-studio connection deploy|get|list|delete`: the project's (or account's) connections
//! on Azure from a terminal or a pipeline, through the same ARM client and deploy plan as the
//! window. Exit 0 on success, 1 when ARM refused or the plan blocks the deploy, 2 on bad input
//! or a sign-in problem.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::{Args, ValueEnum};
use gateway_studio_core::azure::arm::deploy::{
    ChangeKind, DeployAction, DeployPlan, plan_deploy, put_body, read_existing,
};
use gateway_studio_core::azure::arm::{
    AccountRef, ArmConnection, ConnectionFilter, ConnectionParent, Deletion, ModelSource,
};
use gateway_studio_core::azure::preferences::AzurePreferences;
use gateway_studio_core::azure::sign_in::SignInObserver;
use gateway_studio_core::azure::{
    ArmClient, ArmError, CloudId, CredentialError, StaticToken, TokenSource,
};
use gateway_studio_core::checks::runs::new_run_id;
use gateway_studio_core::connection::{ImportedConnection, SecretSlot, validate};
use gateway_studio_core::drafts::{DraftLink, Drafts};
use gateway_studio_core::net::HttpClient;
use gateway_studio_core::paths::{APP_IDENTIFIER, Paths};
use gateway_studio_core::secrets::{KeyringStore, SecretStore, Sensitive};
use gateway_studio_core::store::Store;
use gateway_studio_core::trace::{TraceExchange, Traces};
use url::Url;

use super::{Format, emit, env_secret, read_connection, redact};

/// The clouds the CLI can sign in to. A custom cloud is a real cloud's sign-in with
/// `--arm-endpoint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CliCloud {
    Public,
    Usgov,
    China,
    Sandbox,
}

impl CliCloud {
    pub(super) fn id(self) -> CloudId {
        match self {
            CliCloud::Public => CloudId::Public,
            CliCloud::Usgov => CloudId::UsGovernment,
            CliCloud::China => CloudId::China,
            CliCloud::Sandbox => CloudId::Sandbox,
        }
    }
}

/// Where the connections live, and how to reach and sign in to ARM.
#[derive(Debug, Args)]
pub struct AzureArgs {
    /// Subscription id.
    #[arg(long, value_name = "ID")]
    subscription: String,
    /// The resource group of the account.
    #[arg(long, value_name = "NAME")]
    resource_group: String,
    /// The Foundry (AIServices) account.
    #[arg(long, value_name = "NAME")]
    account: String,
    /// The project; without it, the account's own connections (shared by its projects).
    #[arg(long, value_name = "NAME")]
    project: Option<String>,
    /// The Azure cloud: its ARM endpoint and token scopes.
    #[arg(long, value_enum, default_value_t = CliCloud::Public)]
    cloud: CliCloud,
    /// Another ARM endpoint (Azure Stack, a sovereign cloud, a running `gateway-studio
    /// sandbox`: its `arm_endpoint`). Required with `--cloud sandbox`.
    #[arg(long, value_name = "URL")]
    arm_endpoint: Option<String>,
    /// Use the bearer token in environment variable VAR instead of signing in (a pipeline's
    /// token, or the `token` a running `gateway-studio sandbox` prints). Without it, the
    /// sign-in of Settings → Azure (default: the Azure CLI's `az login`).
    #[arg(long, value_name = "VAR")]
    access_token_env: Option<String>,
    /// `text` to read, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// ARM connection JSON (a PUT body, an exported arm.json, or `az rest` output).
    file: PathBuf,
    /// The connection name (overrides the one in FILE).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Environment variable holding the API key. Default: GATEWAY_API_KEY when set, else a key
    /// in FILE, else the keyring of the draft linked to this connection.
    #[arg(long, value_name = "VAR")]
    api_key_env: Option<String>,
    /// Environment variable holding the OAuth2 client secret. Default: GATEWAY_CLIENT_SECRET
    /// when set, else FILE, else the keyring of the linked draft.
    #[arg(long, value_name = "VAR")]
    client_secret_env: Option<String>,
    /// Print the plan and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Confirm what the plan asks about (a field on Azure the PUT removes, a changed category
    /// or auth type).
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    azure: AzureArgs,
}

#[derive(Debug, Args)]
pub struct NamedArgs {
    /// The connection name.
    name: String,
    #[command(flatten)]
    azure: AzureArgs,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The connection name.
    name: String,
    /// Delete without asking (required when stdin is not a terminal).
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    azure: AzureArgs,
}

/// A failed command: the message (and its fix) is printed, the code is the exit code.
struct Failed {
    code: u8,
    message: String,
}

fn usage(message: impl Into<String>) -> Failed {
    Failed {
        code: 2,
        message: message.into(),
    }
}

/// The ARM client of one command, with its trace run.
struct Session {
    client: ArmClient,
    cloud: CloudId,
    parent: ConnectionParent,
    store: Option<Store>,
    run_id: String,
    records: Arc<Mutex<Vec<TraceExchange>>>,
    format: Format,
}

impl Session {
    async fn open(args: &AzureArgs, paths: &Paths) -> Result<Self, Failed> {
        let cloud = args.cloud.id();
        // The data folder holds the sign-in settings and keeps the trace; the command works
        // without it (with `--access-token-env`).
        let (store, http) = super::data_and_http(paths).await.map_err(usage)?;

        let endpoint = match (&args.arm_endpoint, cloud.endpoints()) {
            (Some(url), _) => url.trim().to_string(),
            (None, Some(endpoints)) => endpoints.arm_endpoint.to_string(),
            (None, None) => {
                return Err(usage(
                    "--cloud sandbox needs --arm-endpoint URL: the `arm_endpoint` that `gateway-studio sandbox` prints (with --access-token-env for its `token`).",
                ));
            }
        };
        let endpoint = Url::parse(&endpoint)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                usage(format!(
                    "--arm-endpoint {endpoint}: not an http(s) URL. Give e.g. https://management.azure.com or the sandbox's arm_endpoint."
                ))
            })?;
        let scope = match cloud {
            CloudId::Sandbox => crate::azure::SANDBOX_ARM_SCOPE.to_string(),
            _ => crate::azure::arm_scope(cloud, &Default::default()),
        };

        let run_id = new_run_id();
        let records: Arc<Mutex<Vec<TraceExchange>>> = Arc::default();
        let tokens = token_source(
            cloud,
            &scope,
            args.access_token_env.as_deref(),
            store.as_ref(),
            &http,
            Some(into_run(&records, &run_id)),
        )
        .await
        .map_err(usage)?;
        let observer = {
            let records = records.clone();
            let run_id = run_id.clone();
            Arc::new(
                move |observed: &gateway_studio_core::azure::arm::ObservedExchange<'_>| {
                    records
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(observed.record(&run_id));
                },
            )
        };
        let client = ArmClient::new(http, endpoint, scope, tokens).with_observer(observer);
        let account = AccountRef::new(&args.subscription, &args.resource_group, &args.account);
        let parent = match &args.project {
            Some(project) => ConnectionParent::project(account, project),
            None => ConnectionParent::account(account),
        };
        Ok(Self {
            client,
            cloud,
            parent,
            store,
            run_id,
            records,
            format: args.format,
        })
    }

    /// Stores the exchanges so far in the trace (never fails the command).
    async fn store_traces(&self) -> bool {
        let records = std::mem::take(&mut *self.records.lock().unwrap_or_else(|p| p.into_inner()));
        let Some(store) = self.store.as_ref().filter(|_| !records.is_empty()) else {
            return false;
        };
        let traces = Traces::new(store);
        for record in &records {
            if let Err(e) = traces.insert(record).await {
                tracing::warn!(run = %self.run_id, error = %e, "could not store an ARM trace");
                return false;
            }
        }
        true
    }

    /// `e` as printed: ARM's words (code, message, ids), then the fix and the trace run.
    async fn arm_failed(&self, e: &ArmError) -> Failed {
        let kept = self.store_traces().await;
        let code = match e {
            ArmError::Credential { .. } | ArmError::InvalidName { .. } => 2,
            _ => 1,
        };
        let (mut message, fix) = match e {
            ArmError::Credential { source, .. } => {
                let (message, fix) = source.parts();
                (
                    format!("no ARM token: {message}"),
                    fix.unwrap_or_else(|| e.hint()),
                )
            }
            _ => (e.to_string(), e.hint()),
        };
        message.push_str(&format!("\n  fix: {fix}"));
        if kept {
            message.push_str(&format!(
                "\n  trace: run {} (gateway-studio keeps the exchanges, Authorization redacted)",
                self.run_id
            ));
        }
        Failed { code, message }
    }

    fn where_(&self) -> String {
        match &self.parent.project {
            Some(project) => format!(
                "project {project} of account {}",
                self.parent.account.account
            ),
            None => format!("account {}", self.parent.account.account),
        }
    }
}

/// Sign-in token requests kept with the command's other exchanges, in its run.
pub(super) fn into_run(records: &Arc<Mutex<Vec<TraceExchange>>>, run_id: &str) -> SignInObserver {
    let (records, run_id) = (records.clone(), run_id.to_string());
    Arc::new(move |mut record: TraceExchange| {
        record.run_id = run_id.clone();
        records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(record);
    })
}

/// Where the command's bearer tokens come from: `--access-token-env VAR` (a token for `scope`),
/// else the sign-in of Settings → Azure (default: the Azure CLI). The sandbox has no sign-in:
/// its token is given.
pub(super) async fn token_source(
    cloud: CloudId,
    scope: &str,
    access_token_env: Option<&str>,
    store: Option<&Store>,
    http: &HttpClient,
    sign_in_trace: Option<SignInObserver>,
) -> Result<Arc<dyn TokenSource>, String> {
    if let Some(var) = access_token_env {
        let token = StaticToken::from_env(var, scope).map_err(|e| match cloud {
            // No `az` token fits the sandbox: it prints its own.
            CloudId::Sandbox => {
                let what = match e {
                    CredentialError::EnvVarMissing { .. } => "is not set",
                    _ => "is set but empty",
                };
                format!(
                    "--access-token-env {var}: the environment variable {var} {what}. Set it to the `token` that `gateway-studio sandbox` prints."
                )
            }
            _ => format!("--access-token-env {var}: {e}"),
        })?;
        return Ok(Arc::new(token));
    }
    if cloud == CloudId::Sandbox {
        return Err(
            "--cloud sandbox needs --access-token-env VAR holding the `token` that `gateway-studio sandbox` prints.".into(),
        );
    }
    let Some(store) = store else {
        return Err(
            "the sign-in settings are in the data folder, which cannot be opened: fix it (see the note above) or pass --access-token-env VAR.".into(),
        );
    };
    let prefs = AzurePreferences::new(store);
    let method = prefs.sign_in_method().await.map_err(|e| e.to_string())?;
    let secret = match (&method, prefs.client_secret_id().await) {
        (gateway_studio_core::azure::SignInMethod::ServicePrincipal { .. }, Ok(Some(id))) => {
            KeyringStore::new(APP_IDENTIFIER)
                .get(&id)
                .map_err(|e| format!("the service principal's secret: {e}"))?
        }
        _ => None,
    };
    let authority = crate::azure::authority_host(cloud, &Default::default());
    gateway_studio_core::azure::sign_in::credential(
        &method,
        &authority,
        secret,
        http,
        Default::default(),
        sign_in_trace,
    )
    .map_err(|e| e.to_string())
}

fn runtime() -> Result<tokio::runtime::Runtime, Failed> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| usage(format!("cannot start the async runtime: {e}")))
}

fn finish(result: Result<String, Failed>, secrets: Option<&ImportedConnection>) -> ExitCode {
    let scrub = |text: &str| match secrets {
        Some(imported) => redact(text, imported),
        None => text.to_string(),
    };
    match result {
        Ok(text) => match emit(&scrub(&text)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Err(failed) => {
            eprintln!("error: {}", scrub(&failed.message));
            ExitCode::from(failed.code)
        }
    }
}

fn json(value: &impl serde::Serialize) -> Result<String, Failed> {
    serde_json::to_string_pretty(value)
        .map(|s| format!("{s}\n"))
        .map_err(|e| usage(format!("cannot write JSON: {e}")))
}

// --- list -----------------------------------------------------------------------------------

pub fn list(args: AzureArgs, paths: &Paths) -> ExitCode {
    let result = runtime().and_then(|rt| {
        rt.block_on(async {
            let session = Session::open(&args, paths).await?;
            let listed = session
                .client
                .list_connections(&session.parent, &ConnectionFilter::default())
                .await;
            let mut connections = match listed {
                Ok(c) => c,
                Err(e) => return Err(session.arm_failed(&e).await),
            };
            session.store_traces().await;
            connections.sort_by_key(|c| (!c.is_gateway(), c.name.to_lowercase()));
            match session.format {
                Format::Json => json(&connections.iter().map(|c| &c.raw).collect::<Vec<_>>()),
                Format::Text => Ok(list_text(&session, &connections)),
            }
        })
    });
    finish(result, None)
}

fn models_words(connection: &ArmConnection) -> String {
    match connection.model_source() {
        ModelSource::Static { count } => format!("{count} static"),
        ModelSource::Discovery => "discovery".into(),
        ModelSource::Unknown => "-".into(),
    }
}

fn list_text(session: &Session, connections: &[ArmConnection]) -> String {
    if connections.is_empty() {
        return format!("No connections in {}.\n", session.where_());
    }
    let rows: Vec<[String; 5]> = connections
        .iter()
        .map(|c| {
            [
                c.name.clone(),
                c.category().unwrap_or("-").to_string(),
                c.auth_type().unwrap_or("-").to_string(),
                models_words(c),
                c.target().unwrap_or("-").to_string(),
            ]
        })
        .collect();
    let header = ["NAME", "CATEGORY", "AUTH", "MODELS", "TARGET"].map(str::to_string);
    let mut widths = [0; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if i == 4 {
                    cell.clone()
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    let gateways = connections.iter().filter(|c| c.is_gateway()).count();
    out.push_str(&format!(
        "\n{} in {} ({gateways} gateway)\n",
        super::plural(connections.len(), "connection"),
        session.where_()
    ));
    out
}

// --- get ------------------------------------------------------------------------------------

pub fn get(args: NamedArgs, paths: &Paths) -> ExitCode {
    let result = runtime().and_then(|rt| {
        rt.block_on(async {
            let session = Session::open(&args.azure, paths).await?;
            let got = session.client.get_connection(&session.parent, &args.name).await;
            let connection = match got {
                Ok(c) => c,
                Err(e) => return Err(session.arm_failed(&e).await),
            };
            session.store_traces().await;
            match session.format {
                Format::Json => json(&connection.raw),
                Format::Text => {
                    let mut out = format!(
                        "{}  ({})\n  category  {}\n  auth      {}\n  target    {}\n  models    {}\n  id        {}\n",
                        connection.name,
                        session.where_(),
                        connection.category().unwrap_or("-"),
                        connection.auth_type().unwrap_or("-"),
                        connection.target().unwrap_or("-"),
                        models_words(&connection),
                        connection.id,
                    );
                    if let Some(metadata) = connection.properties.get("metadata").and_then(|m| m.as_object()) {
                        out.push_str("  metadata\n");
                        for (key, value) in metadata {
                            let text = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
                            out.push_str(&format!("    {key} = {text}\n"));
                        }
                    }
                    out.push_str("ARM never returns secrets. The whole resource: --format json\n");
                    Ok(out)
                }
            }
        })
    });
    finish(result, None)
}

// --- delete ---------------------------------------------------------------------------------

pub fn delete(args: DeleteArgs, paths: &Paths) -> ExitCode {
    let result = runtime().and_then(|rt| {
        rt.block_on(async {
            let session = Session::open(&args.azure, paths).await?;
            if !args.yes {
                confirm(&format!(
                    "Delete the connection {} from {}? Agents that use it stop working. [y/N] ",
                    args.name,
                    session.where_()
                ))?;
            }
            let deleted = session
                .client
                .delete_connection(&session.parent, &args.name)
                .await;
            let deletion = match deleted {
                Ok(d) => d,
                Err(e) => return Err(session.arm_failed(&e).await),
            };
            session.store_traces().await;
            // A draft linked to the resource stays, unlinked (as in the window).
            if let Some(store) = &session.store {
                let secrets = KeyringStore::new(APP_IDENTIFIER);
                let drafts = Drafts::new(store, &secrets);
                let link = DraftLink {
                    cloud: session.cloud,
                    parent: session.parent.clone(),
                    name: args.name.clone(),
                };
                if let Ok(Some(id)) = drafts.find_linked(&link).await {
                    let _ = drafts.set_link(&id, None).await;
                }
            }
            match session.format {
                Format::Json => json(&serde_json::json!({
                    "name": args.name,
                    "deleted": deletion == Deletion::Deleted,
                })),
                Format::Text => Ok(match deletion {
                    Deletion::Deleted => {
                        format!("Deleted {} from {}.\n", args.name, session.where_())
                    }
                    Deletion::DidNotExist => format!(
                        "{} did not exist in {}: nothing to delete.\n",
                        args.name,
                        session.where_()
                    ),
                }),
            }
        })
    });
    finish(result, None)
}

/// Asks on the terminal; refuses without one (a pipeline must say `--yes`).
fn confirm(question: &str) -> Result<(), Failed> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(usage(
            "not deleted: confirm with --yes (stdin is not a terminal, so there is no one to ask).",
        ));
    }
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = stdin.lock().read_line(&mut answer);
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failed {
            code: 1,
            message: "not deleted.".into(),
        })
    }
}

// --- deploy ---------------------------------------------------------------------------------

pub fn deploy(args: DeployArgs, paths: &Paths) -> ExitCode {
    let imported = match read_connection(&args.file) {
        Ok(imported) => imported,
        Err(code) => return code,
    };
    let result = runtime().and_then(|rt| rt.block_on(deploy_run(&args, paths, &imported)));
    finish(result, Some(&imported))
}

async fn deploy_run(
    args: &DeployArgs,
    paths: &Paths,
    imported: &ImportedConnection,
) -> Result<String, Failed> {
    let mut connection = imported.connection.clone();
    if let Some(name) = &args.name {
        connection.name = Some(name.trim().to_string());
    }
    let Some(name) = connection.name.clone().filter(|n| !n.trim().is_empty()) else {
        return Err(usage(format!(
            "{} has no connection name: pass --name NAME.",
            args.file.display()
        )));
    };
    // A name ARM cannot have would make the URL itself wrong: refused before any call.
    let name_errors: Vec<String> = validate(&connection)
        .into_iter()
        .filter(|f| f.is_error() && f.path == "name")
        .map(|f| format!("{}: {}", f.path, f.message))
        .collect();
    if !name_errors.is_empty() {
        return Err(Failed {
            code: 1,
            message: format!(
                "nothing was deployed: {}\n  fix: rename the connection in FILE, or pass --name NAME.",
                name_errors.join("; ")
            ),
        });
    }
    let session = Session::open(&args.azure, paths).await?;
    let link = DraftLink {
        cloud: session.cloud,
        parent: session.parent.clone(),
        name: name.clone(),
    };

    // The secret: the flag's variable, the default variable, FILE, then the linked draft.
    let slot = connection.auth.secret_slot();
    let mut secret = None;
    let mut secret_from = "";
    if let Some(slot) = slot {
        let (flag, var) = match slot {
            SecretSlot::ApiKey => ("--api-key-env", args.api_key_env.as_deref()),
            SecretSlot::ClientSecret => ("--client-secret-env", args.client_secret_env.as_deref()),
        };
        let from_file = imported
            .secrets
            .iter()
            .find(|s| s.slot == slot)
            .map(|s| &s.value);
        secret = env_secret(flag, var, slot, None).map_err(usage)?;
        secret_from = "the environment";
        if secret.is_none() && from_file.is_some() {
            secret = from_file.cloned();
            secret_from = "the file";
        }
        if secret.is_none()
            && let Some(store) = &session.store
        {
            secret = linked_secret(store, &link, slot).await?;
            secret_from = "the keyring (linked draft)";
        }
    }

    let existing = read_existing(&session.client, &session.parent, &name).await;
    let existing = match existing {
        Ok(existing) => existing,
        Err(e) => return Err(session.arm_failed(&e).await),
    };
    let plan = plan_deploy(
        &session.client,
        &session.parent,
        &connection,
        existing.as_ref(),
        secret.as_ref(),
    );
    let shown = plan_text(&plan, secret.is_some().then_some(secret_from));

    if !plan.blockers.is_empty() {
        session.store_traces().await;
        let mut message = format!("{shown}nothing was deployed:");
        for b in &plan.blockers {
            message.push_str(&format!("\n  - {}\n    fix: {}", b.message, b.fix));
        }
        return Err(Failed { code: 1, message });
    }
    if !plan.can_deploy(args.yes) && !args.dry_run {
        session.store_traces().await;
        let mut message = format!("{shown}nothing was deployed: the plan needs a yes:");
        for c in &plan.confirmations {
            message.push_str(&format!("\n  - {}", c.message));
        }
        message.push_str(
            "\n  fix: review the changes above, then run again with --yes (or change FILE).",
        );
        return Err(Failed { code: 1, message });
    }
    if args.dry_run {
        session.store_traces().await;
        return match session.format {
            Format::Json => json(&serde_json::json!({ "plan": plan, "deployed": null })),
            Format::Text => Ok(format!("{shown}dry run: nothing was sent.\n")),
        };
    }
    let Some(body) = put_body(&session.parent, &connection, secret.as_ref()) else {
        // The plan has a secret-missing blocker in this case; kept as an error, not a panic.
        return Err(Failed {
            code: 1,
            message: "nothing was deployed: no secret to send.".into(),
        });
    };
    let put = session
        .client
        .put_connection(&session.parent, &name, &body)
        .await;
    let deployed = match put {
        Ok(deployed) => deployed,
        Err(e) => return Err(session.arm_failed(&e).await),
    };
    session.store_traces().await;
    match session.format {
        Format::Json => json(&serde_json::json!({ "plan": plan, "deployed": deployed.raw })),
        Format::Text => Ok(format!(
            "{shown}{} {} in {}.\n  id {}\n",
            match plan.action {
                DeployAction::Create => "Created",
                DeployAction::Replace => "Replaced",
            },
            deployed.name,
            session.where_(),
            deployed.id
        )),
    }
}

/// The secret of the draft linked to the resource (the window's deploy links it).
async fn linked_secret(
    store: &Store,
    link: &DraftLink,
    slot: SecretSlot,
) -> Result<Option<Sensitive<String>>, Failed> {
    let secrets = KeyringStore::new(APP_IDENTIFIER);
    let drafts = Drafts::new(store, &secrets);
    let Ok(Some(id)) = drafts.find_linked(link).await else {
        return Ok(None);
    };
    drafts.secret(&id, slot).await.map_err(|e| {
        usage(format!(
            "the linked draft's secret could not be read from the keyring: {e}. Give it with --api-key-env / --client-secret-env instead."
        ))
    })
}

/// The plan as a reviewer reads it: what, where, and each field that changes (secrets never).
fn plan_text(plan: &DeployPlan, secret_from: Option<&str>) -> String {
    let mut out = format!(
        "{} {}\n  PUT {}\n",
        match plan.action {
            DeployAction::Create => "Create",
            DeployAction::Replace => "Replace",
        },
        plan.name,
        plan.url
    );
    if let Some(from) = secret_from {
        out.push_str(&format!("  secret from {from}\n"));
    }
    if plan.is_unchanged() {
        out.push_str("  no field changes (the secret is sent again)\n");
    }
    for change in &plan.changes {
        let line = match change.kind {
            ChangeKind::Added => format!(
                "  + {} = {}",
                change.path,
                change.after.as_deref().unwrap_or("")
            ),
            ChangeKind::Removed => format!(
                "  - {} (was {})",
                change.path,
                change.before.as_deref().unwrap_or("")
            ),
            ChangeKind::Changed => format!(
                "  ~ {}: {} → {}",
                change.path,
                change.before.as_deref().unwrap_or(""),
                change.after.as_deref().unwrap_or("")
            ),
            ChangeKind::Secret => format!(
                "  * {} (secret, sent; ARM never shows the stored one)",
                change.path
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    out
}
