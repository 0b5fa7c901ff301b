//! Azure: sign-in, the subscription → resource group → account → project pickers, the
//! connections of an account or project (open as a draft, plan, deploy, delete) and the
//! account's model deployments. Every command call is one trace run of ARM exchanges.

use serde::Serialize;
use tauri::State;

use gateway_studio_core::azure::arm::deploy::{DeployPlan, plan_deploy, put_body, read_existing};
use gateway_studio_core::azure::arm::{
    Account, AccountRef, ArmConnection, ConnectionFilter, ConnectionParent, Deletion, Deployment,
    Project, ResourceGroup, Subscription,
};
use gateway_studio_core::azure::preferences::{AzurePreferences, AzureScope};
use gateway_studio_core::azure::sign_in::{self, Shell};
use gateway_studio_core::azure::{CloudId, CustomCloud, Identity, SignInMethod};
use gateway_studio_core::drafts::{Draft, DraftLink};
use gateway_studio_core::secrets::Sensitive;
use gateway_studio_core::settings::Settings;
use gateway_studio_core::trace::{TraceSummary, Traces};

use crate::azure::ArmRun;
use crate::error::{AppError, InvalidFileDetails, InvalidInputDetails};
use crate::state::AppState;

/// The sign-in as Settings → Azure shows it. The client secret itself never leaves the keyring.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SignInView {
    pub cloud: CloudId,
    pub method: SignInMethod,
    pub custom_cloud: CustomCloud,
    /// A service principal client secret is stored in the keyring.
    pub has_client_secret: bool,
}

async fn sign_in_view(state: &AppState) -> Result<SignInView, AppError> {
    let store = state.store()?;
    let prefs = AzurePreferences::new(store);
    let has_client_secret = match prefs.client_secret_id().await? {
        Some(id) => state.secrets().get(&id)?.is_some(),
        None => false,
    };
    Ok(SignInView {
        cloud: Settings::load(store).await?.cloud,
        method: prefs.sign_in_method().await?,
        custom_cloud: prefs.custom_cloud().await?,
        has_client_secret,
    })
}

async fn arm_run(state: &AppState) -> Result<ArmRun, AppError> {
    state
        .azure
        .run(state.store()?, state.secrets(), &state.sandbox)
        .await
}

/// Runs `op` with the run's client, stores the run's traces whatever happened, and turns an
/// ARM error into `AppError::Arm` naming the run.
macro_rules! traced {
    ($state:expr, $run:ident => $op:expr) => {{
        let $run = arm_run($state).await?;
        let result = $op.await;
        $run.store_traces($state.store()?).await;
        result.map_err(|e| $run.error(&e))
    }};
}

#[tauri::command]
#[specta::specta]
pub async fn azure_sign_in_get(state: State<'_, AppState>) -> Result<SignInView, AppError> {
    sign_in_view(&state).await
}

/// Saves the sign-in method (and the custom cloud's endpoints when given); `client_secret` goes
/// to the keyring, `null` keeps the stored one. The ARM client is rebuilt on next use.
#[tauri::command]
#[specta::specta]
pub async fn azure_sign_in_set(
    state: State<'_, AppState>,
    method: SignInMethod,
    client_secret: Option<String>,
    custom_cloud: Option<CustomCloud>,
) -> Result<SignInView, AppError> {
    let store = state.store()?;
    let prefs = AzurePreferences::new(store);
    if let SignInMethod::ServicePrincipal {
        tenant_id,
        client_id,
    } = &method
    {
        for (field, value) in [
            ("method.tenantId", tenant_id),
            ("method.clientId", client_id),
        ] {
            if value.trim().is_empty() {
                return Err(AppError::InvalidInput {
                    message: format!(
                        "A service principal needs its {}: copy it from the app registration in Entra ID.",
                        if field.ends_with("tenantId") {
                            "tenant id"
                        } else {
                            "client (application) id"
                        }
                    ),
                    details: InvalidInputDetails {
                        field: field.into(),
                    },
                });
            }
        }
    }
    // Keyring first: a refused secret leaves the previous sign-in in place.
    if let Some(secret) = client_secret {
        let secret = Sensitive::new(secret.trim().to_string());
        if secret.expose().is_empty() {
            return Err(AppError::InvalidInput {
                message: "The client secret is empty: paste the secret's value (not its id)."
                    .into(),
                details: InvalidInputDetails {
                    field: "clientSecret".into(),
                },
            });
        }
        let id = prefs.client_secret_id_or_new().await?;
        state.secrets().put(&id, &secret)?;
    }
    prefs.set_sign_in_method(&method).await?;
    if let Some(custom) = custom_cloud {
        prefs.set_custom_cloud(&custom).await?;
    }
    state.azure.invalidate();
    sign_in_view(&state).await
}

/// Who the app signs in as: asks the credential for an ARM token (by listing subscriptions, the
/// cheapest call every identity may make); for the Azure CLI and the developer tools, also the
/// account and tenant `az account show` names.
#[tauri::command]
#[specta::specta]
pub async fn azure_whoami(state: State<'_, AppState>) -> Result<Identity, AppError> {
    let store = state.store()?;
    let run = arm_run(&state).await?;
    let result = run.client.list_subscriptions().await;
    run.store_traces(store).await;
    let subscriptions = result.map_err(|e| run.error(&e))?;
    let first = subscriptions.first();
    let mut identity = Identity {
        source: run.source.clone(),
        account: None,
        tenant_id: first.and_then(|s| s.tenant_id.clone()),
        subscription: first.map(|s| s.display_name.clone()),
    };
    if let Some(method) = &run.method {
        let (tokens, scope) = run.client.tokens();
        let shown = sign_in::who_am_i(method, tokens, scope, &Shell::default()).await?;
        identity.account = shown.account;
        identity.tenant_id = shown.tenant_id.or(identity.tenant_id);
        identity.subscription = shown.subscription.or(identity.subscription);
    }
    Ok(identity)
}

#[tauri::command]
#[specta::specta]
pub async fn azure_subscriptions(
    state: State<'_, AppState>,
) -> Result<Vec<Subscription>, AppError> {
    let mut subscriptions = traced!(&state, run => run.client.list_subscriptions())?;
    subscriptions.sort_by_key(|s| s.display_name.to_lowercase());
    Ok(subscriptions)
}

#[tauri::command]
#[specta::specta]
pub async fn azure_resource_groups(
    state: State<'_, AppState>,
    subscription_id: String,
) -> Result<Vec<ResourceGroup>, AppError> {
    let mut groups = traced!(&state, run => run.client.list_resource_groups(&subscription_id))?;
    groups.sort_by_key(|g| g.name.to_lowercase());
    Ok(groups)
}

/// The accounts of a resource group, Foundry accounts (kind AIServices) first, then by name.
#[tauri::command]
#[specta::specta]
pub async fn azure_accounts(
    state: State<'_, AppState>,
    subscription_id: String,
    resource_group: String,
) -> Result<Vec<Account>, AppError> {
    let mut accounts =
        traced!(&state, run => run.client.list_accounts(&subscription_id, Some(&resource_group)))?;
    accounts.sort_by_key(|a| (!a.is_foundry(), a.name.to_lowercase()));
    Ok(accounts)
}

#[tauri::command]
#[specta::specta]
pub async fn azure_projects(
    state: State<'_, AppState>,
    account: AccountRef,
) -> Result<Vec<Project>, AppError> {
    let mut projects = traced!(&state, run => run.client.list_projects(&account))?;
    projects.sort_by_key(|p| p.name.to_lowercase());
    Ok(projects)
}

/// The last scope picked in the current cloud.
#[tauri::command]
#[specta::specta]
pub async fn azure_scope_get(state: State<'_, AppState>) -> Result<Option<AzureScope>, AppError> {
    let store = state.store()?;
    let cloud = Settings::load(store).await?.cloud;
    Ok(AzurePreferences::new(store).scope(cloud).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn azure_scope_set(
    state: State<'_, AppState>,
    scope: AzureScope,
) -> Result<(), AppError> {
    let store = state.store()?;
    let cloud = Settings::load(store).await?.cloud;
    Ok(AzurePreferences::new(store)
        .set_scope(cloud, &scope)
        .await?)
}

/// The connections of an account or project: gateways (ApiManagement, ModelGateway) first, then
/// by name.
#[tauri::command]
#[specta::specta]
pub async fn azure_connections(
    state: State<'_, AppState>,
    parent: ConnectionParent,
) -> Result<Vec<ArmConnection>, AppError> {
    let filter = ConnectionFilter::default();
    let mut connections = traced!(&state, run => run.client.list_connections(&parent, &filter))?;
    connections.sort_by_key(|c| (!c.is_gateway(), c.name.to_lowercase()));
    Ok(connections)
}

/// Reads the Azure connection into a local draft linked to it: the draft already linked to it
/// (refreshed, its keyring secret kept: ARM never returns one), else an unlinked draft of the
/// same name and target (e.g. a sandbox sample, with its key), else a new draft.
#[tauri::command]
#[specta::specta]
pub async fn azure_connection_open(
    state: State<'_, AppState>,
    parent: ConnectionParent,
    name: String,
) -> Result<Draft, AppError> {
    let run = arm_run(&state).await?;
    let result = run.client.get_connection(&parent, &name).await;
    run.store_traces(state.store()?).await;
    let remote = result.map_err(|e| run.error(&e))?;
    let imported = remote.import().map_err(|e| AppError::InvalidFile {
        message: format!("The Azure connection {name} cannot be read as a connection: {e}"),
        details: InvalidFileDetails {
            path: e.path().to_string(),
            code: e.code().to_string(),
        },
    })?;
    let link = DraftLink {
        cloud: run.cloud,
        parent,
        name: remote.name.clone(),
    };
    let drafts = state.drafts()?;
    let mut id = drafts.find_linked(&link).await?;
    if id.is_none() {
        for summary in drafts.list().await? {
            if summary.linked.is_none()
                && summary.name.as_deref() == Some(remote.name.as_str())
                && Some(summary.target.as_str()) == remote.target()
            {
                id = Some(summary.id);
                break;
            }
        }
    }
    // No secrets given: the keyring keeps what it has for this draft.
    let draft = drafts
        .save(id.as_deref(), &imported.connection, &[])
        .await?;
    drafts.set_link(&draft.id, Some(&link)).await?;
    Ok(drafts.get(&draft.id).await?)
}

/// The draft's secret for the PUT body: the one its auth type sends.
async fn draft_secret(
    state: &AppState,
    draft: &Draft,
) -> Result<Option<Sensitive<String>>, AppError> {
    let Some(slot) = draft.connection.auth.secret_slot() else {
        return Ok(None);
    };
    Ok(state.drafts()?.secret(&draft.id, slot).await?)
}

fn draft_name(draft: &Draft) -> Result<String, AppError> {
    match draft.connection.name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Ok(name.to_string()),
        _ => Err(AppError::InvalidInput {
            message: "The draft has no name: give the connection a name before deploying it."
                .into(),
            details: InvalidInputDetails {
                field: "name".into(),
            },
        }),
    }
}

/// Reads what exists and plans the PUT of the draft (fresh every time).
async fn plan(
    state: &AppState,
    run: &ArmRun,
    draft: &Draft,
    parent: &ConnectionParent,
) -> Result<(DeployPlan, Option<Sensitive<String>>), AppError> {
    let name = draft_name(draft)?;
    let secret = draft_secret(state, draft).await?;
    let existing = read_existing(&run.client, parent, &name).await;
    run.store_traces(state.store()?).await;
    let existing = existing.map_err(|e| run.error(&e))?;
    let plan = plan_deploy(
        &run.client,
        parent,
        &draft.connection,
        existing.as_ref(),
        secret.as_ref(),
    );
    Ok((plan, secret))
}

/// What deploying the draft to `parent` would do: create or replace, the field changes (secrets
/// masked), blockers and what needs an explicit yes.
#[tauri::command]
#[specta::specta]
pub async fn azure_deploy_plan(
    state: State<'_, AppState>,
    draft_id: String,
    parent: ConnectionParent,
) -> Result<DeployPlan, AppError> {
    let draft = state.drafts()?.get(&draft_id).await?;
    let run = arm_run(&state).await?;
    Ok(plan(&state, &run, &draft, &parent).await?.0)
}

/// Deploys the draft: re-reads and re-plans (a plan shown earlier may be stale), refuses on
/// blockers or unconfirmed confirmations, PUTs, then links the draft to the resource.
#[tauri::command]
#[specta::specta]
pub async fn azure_deploy(
    state: State<'_, AppState>,
    draft_id: String,
    parent: ConnectionParent,
    confirmed: bool,
) -> Result<ArmConnection, AppError> {
    let drafts = state.drafts()?;
    let draft = drafts.get(&draft_id).await?;
    let run = arm_run(&state).await?;
    let (plan, secret) = plan(&state, &run, &draft, &parent).await?;
    if !plan.blockers.is_empty() {
        let issues: Vec<String> = plan.blockers.iter().map(|b| b.message.clone()).collect();
        let fixes: Vec<String> = plan.blockers.iter().map(|b| b.fix.clone()).collect();
        return Err(AppError::arm_refused(
            "deploy-blocked",
            format!(
                "Nothing was deployed to {}: {}",
                plan.url,
                issues.join("; ")
            ),
            fixes.join(" "),
            Some(&run.run_id),
        ));
    }
    if !plan.can_deploy(confirmed) {
        let issues: Vec<String> = plan
            .confirmations
            .iter()
            .map(|c| c.message.clone())
            .collect();
        return Err(AppError::arm_refused(
            "deploy-needs-confirmation",
            format!(
                "Nothing was deployed to {}: the deploy needs your confirmation: {}",
                plan.url,
                issues.join("; ")
            ),
            "Review the plan and deploy again with the confirmation checked.".into(),
            Some(&run.run_id),
        ));
    }
    let Some(body) = put_body(&parent, &draft.connection, secret.as_ref()) else {
        return Err(AppError::arm_refused(
            "deploy-secret-missing",
            format!(
                "Nothing was deployed to {}: the draft's secret is not in the keyring.",
                plan.url
            ),
            "Type the key (or client secret) in the editor and save the draft, then deploy again."
                .into(),
            Some(&run.run_id),
        ));
    };
    let name = plan.name.clone();
    let result = run.client.put_connection(&parent, &name, &body).await;
    run.store_traces(state.store()?).await;
    let deployed = result.map_err(|e| run.error(&e))?;
    let link = DraftLink {
        cloud: run.cloud,
        parent,
        name: deployed.name.clone(),
    };
    drafts.set_link(&draft_id, Some(&link)).await?;
    Ok(deployed)
}

/// Deletes the Azure connection; a draft linked to it stays, unlinked.
#[tauri::command]
#[specta::specta]
pub async fn azure_connection_delete(
    state: State<'_, AppState>,
    parent: ConnectionParent,
    name: String,
) -> Result<Deletion, AppError> {
    let run = arm_run(&state).await?;
    let result = run.client.delete_connection(&parent, &name).await;
    run.store_traces(state.store()?).await;
    let deletion = result.map_err(|e| run.error(&e))?;
    let link = DraftLink {
        cloud: run.cloud,
        parent,
        name,
    };
    let drafts = state.drafts()?;
    if let Some(id) = drafts.find_linked(&link).await? {
        drafts.set_link(&id, None).await?;
    }
    Ok(deletion)
}

/// The account's model deployments (the UI offers them as model rows).
#[tauri::command]
#[specta::specta]
pub async fn azure_deployments(
    state: State<'_, AppState>,
    account: AccountRef,
) -> Result<Vec<Deployment>, AppError> {
    let mut deployments = traced!(&state, run => run.client.list_deployments(&account))?;
    deployments.sort_by_key(|d| d.name.to_lowercase());
    Ok(deployments)
}

/// The ARM exchanges of one command call (`traceRunId` of an `AppError::Arm`), oldest first;
/// open one with `trace_exchange_get`.
#[tauri::command]
#[specta::specta]
pub async fn azure_trace_list(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<Vec<TraceSummary>, AppError> {
    Traces::new(state.store()?)
        .list_run(&run_id)
        .await
        .map_err(|e| gateway_studio_core::checks::runs::RunStoreError::Trace(e).into())
}
