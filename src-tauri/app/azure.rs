//! The app's way into Azure Resource Manager: one ARM client for the current cloud and sign-in
//! (cached, rebuilt when either changes), and a trace run per command call that stores every
//! ARM exchange, redacted, in the trace table.

use std::sync::{Arc, Mutex, MutexGuard};

use gateway_studio_core::azure::preferences::AzurePreferences;
use gateway_studio_core::azure::sign_in::{self, Shell};
use gateway_studio_core::azure::{
    ArmClient, ArmError, CloudId, CustomCloud, SignInMethod, StaticToken, TokenSource,
};
use gateway_studio_core::net::HttpClient;
use gateway_studio_core::secrets::{SecretStore, Sensitive};
use gateway_studio_core::settings::{NetworkSettings, Settings};
use gateway_studio_core::store::Store;
use gateway_studio_core::trace::{TraceExchange, Traces};
use url::Url;

use crate::error::AppError;
use crate::sandbox::SandboxService;

/// The ARM scope the sandbox's token is good for (it accepts any scope; this is Public's).
pub const SANDBOX_ARM_SCOPE: &str = "https://management.azure.com/.default";

pub const SANDBOX_NOT_RUNNING: &str =
    "The sandbox is not running: choose Sandbox in Settings → Azure";

#[derive(Clone, Default)]
pub struct AzureService {
    cached: Arc<Mutex<Option<(ClientKey, ArmClient)>>>,
}

/// What the cached client was built for; any difference rebuilds it.
#[derive(Clone, PartialEq)]
struct ClientKey {
    cloud: CloudId,
    endpoint: String,
    /// `None` in the Sandbox (its own credential).
    method: Option<SignInMethod>,
    network: NetworkSettings,
    /// The sandbox's token (a restarted sandbox may have another); compared in memory only.
    sandbox_token: Option<String>,
}

/// The client for one command call, recording its exchanges under `run_id`.
pub struct ArmRun {
    pub run_id: String,
    pub cloud: CloudId,
    pub client: ArmClient,
    /// Where the tokens come from ("Sandbox", "Azure CLI", …).
    pub source: String,
    /// The sign-in of a real cloud; `None` in the Sandbox.
    pub method: Option<SignInMethod>,
    records: Arc<Mutex<Vec<TraceExchange>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl ArmRun {
    /// Stores the exchanges recorded so far (a storage failure is logged: the command's own
    /// answer matters more than its trace).
    pub async fn store_traces(&self, store: &Store) {
        let records = std::mem::take(&mut *lock(&self.records));
        let traces = Traces::new(store);
        for record in &records {
            if let Err(e) = traces.insert(record).await {
                tracing::warn!(run = %self.run_id, error = %e, "could not store an ARM trace");
            }
        }
    }

    /// `e` as the app error of this run: a credential that gave no token is a sign-in problem
    /// (`AppError::Credential`), anything else an ARM one naming the run.
    pub fn error(&self, e: &ArmError) -> AppError {
        if let ArmError::Credential { source, .. } = e {
            // The credential's own words say where the token should have come from; the fix
            // goes to `details.fix` alone.
            return AppError::from(source.clone());
        }
        AppError::arm(e, Some(&self.run_id))
    }
}

impl AzureService {
    /// Forgets the cached client (the sign-in changed).
    pub fn invalidate(&self) {
        *lock(&self.cached) = None;
    }

    /// A client for the current cloud and sign-in, with a fresh trace run.
    pub async fn run(
        &self,
        store: &Store,
        secrets: &dyn SecretStore,
        sandbox: &SandboxService,
    ) -> Result<ArmRun, AppError> {
        let settings = Settings::load(store).await?;
        let cloud = settings.cloud;
        let prefs = AzurePreferences::new(store);
        let (key, sandbox_token) = if cloud == CloudId::Sandbox {
            let Some((endpoint, token)) = sandbox.arm_access().await else {
                return Err(AppError::sandbox(
                    SANDBOX_NOT_RUNNING.to_string(),
                    "Choose Sandbox in Settings → Azure to start it, or choose another cloud.",
                ));
            };
            let key = ClientKey {
                cloud,
                endpoint,
                method: None,
                network: settings.network.clone(),
                sandbox_token: Some(token.expose().clone()),
            };
            (key, Some(token))
        } else {
            let custom = prefs.custom_cloud().await?;
            let key = ClientKey {
                cloud,
                endpoint: arm_endpoint(cloud, &custom)?,
                method: Some(prefs.sign_in_method().await?),
                network: settings.network.clone(),
                sandbox_token: None,
            };
            (key, None)
        };

        let cached = lock(&self.cached)
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, c)| c.clone());
        let (client, source) = match cached {
            Some(client) => (client, source_name(key.method.as_ref())),
            None => {
                let network = settings.network.network_options().map_err(|message| {
                    AppError::sandbox(
                        message,
                        "Fix or remove the CA bundle in Settings → Network.",
                    )
                })?;
                let http = HttpClient::new(&network).map_err(|e| {
                    AppError::sandbox(
                        e.to_string(),
                        "Fix or remove the CA bundle in Settings → Network.",
                    )
                })?;
                let endpoint = Url::parse(&key.endpoint).map_err(|e| AppError::InvalidInput {
                    message: format!(
                        "The ARM endpoint {} is not a URL ({e}); fix it in Settings → Azure.",
                        key.endpoint
                    ),
                    details: crate::error::InvalidInputDetails {
                        field: "customCloud.armEndpoint".into(),
                    },
                })?;
                let (tokens, scope): (Arc<dyn TokenSource>, String) = match (
                    &key.method,
                    sandbox_token,
                ) {
                    (None, Some(token)) => {
                        (Arc::new(StaticToken::new(token)?), SANDBOX_ARM_SCOPE.into())
                    }
                    (Some(method), _) => {
                        let custom = prefs.custom_cloud().await?;
                        // Only a service principal has a secret: other methods never
                        // touch the keyring (no unlock prompt for nothing).
                        let secret = match (method, prefs.client_secret_id().await?) {
                            (SignInMethod::ServicePrincipal { .. }, Some(id)) => {
                                secrets.get(&id)?
                            }
                            _ => None,
                        };
                        let tokens = real_credential(method, cloud, &custom, secret, &http, store)?;
                        (tokens, arm_scope(cloud, &custom))
                    }
                    // The Sandbox key is only built with its token; stay an error, not a panic.
                    (None, None) => {
                        return Err(AppError::sandbox(
                            SANDBOX_NOT_RUNNING.to_string(),
                            "Choose Sandbox in Settings → Azure to start it, or choose another cloud.",
                        ));
                    }
                };
                let client = ArmClient::new(http, endpoint, scope, tokens);
                *lock(&self.cached) = Some((key.clone(), client.clone()));
                (client, source_name(key.method.as_ref()))
            }
        };

        let run_id = gateway_studio_core::checks::runs::new_run_id();
        let records: Arc<Mutex<Vec<TraceExchange>>> = Arc::default();
        let observer = {
            let records = records.clone();
            let run_id = run_id.clone();
            Arc::new(
                move |observed: &gateway_studio_core::azure::arm::ObservedExchange<'_>| {
                    lock(&records).push(observed.record(&run_id));
                },
            )
        };
        Ok(ArmRun {
            run_id,
            cloud,
            client: client.with_observer(observer),
            source,
            method: key.method.clone(),
            records,
        })
    }
}

fn source_name(method: Option<&SignInMethod>) -> String {
    match method {
        None => "Sandbox",
        Some(SignInMethod::AzureCli { .. }) => "Azure CLI",
        Some(SignInMethod::ServicePrincipal { .. }) => "Service principal",
        Some(SignInMethod::DeveloperTools { .. }) => "Developer tools",
    }
    .to_string()
}

/// The ARM endpoint of a real or custom cloud.
fn arm_endpoint(cloud: CloudId, custom: &CustomCloud) -> Result<String, AppError> {
    if let Some(endpoints) = cloud.endpoints() {
        return Ok(endpoints.arm_endpoint.to_string());
    }
    if custom.arm_endpoint.trim().is_empty() {
        return Err(AppError::InvalidInput {
            message: "The custom cloud has no ARM endpoint: set it in Settings → Azure (e.g. https://management.azure.com)."
                .into(),
            details: crate::error::InvalidInputDetails {
                field: "customCloud.armEndpoint".into(),
            },
        });
    }
    Ok(custom.arm_endpoint.trim().to_string())
}

pub fn arm_scope(cloud: CloudId, custom: &CustomCloud) -> String {
    match cloud.endpoints() {
        Some(endpoints) => endpoints.arm_scope.to_string(),
        None if !custom.arm_scope.trim().is_empty() => custom.arm_scope.trim().to_string(),
        None => format!(
            "{}/.default",
            custom.arm_endpoint.trim().trim_end_matches('/')
        ),
    }
}

/// The `azure_identity` credential of a real or custom cloud for `method`, signing in at the
/// cloud's Entra ID authority host. `az`/`azd` are looked up on the app's own PATH. A service
/// principal's token requests are kept in `store`'s traces, each as a run of its own (the
/// credential, and its token cache, outlive any one ARM operation).
fn real_credential(
    method: &SignInMethod,
    cloud: CloudId,
    custom: &CustomCloud,
    client_secret: Option<Sensitive<String>>,
    http: &HttpClient,
    store: &Store,
) -> Result<Arc<dyn TokenSource>, AppError> {
    let authority = authority_host(cloud, custom);
    let store = store.clone();
    let trace: sign_in::SignInObserver = Arc::new(move |mut record: TraceExchange| {
        record.run_id = gateway_studio_core::checks::runs::new_run_id();
        let store = store.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(e) = Traces::new(&store).insert(&record).await {
                tracing::warn!(error = %e, "a sign-in token request is not in the traces");
            }
        });
    });
    Ok(sign_in::credential(
        method,
        &authority,
        client_secret,
        http,
        Shell::default(),
        Some(trace),
    )?)
}

/// Entra ID of a real cloud, or the custom cloud's (public Entra ID when it names none).
pub fn authority_host(cloud: CloudId, custom: &CustomCloud) -> String {
    match cloud.endpoints() {
        Some(endpoints) => endpoints.authority_host.to_string(),
        None if !custom.authority_host.trim().is_empty() => custom
            .authority_host
            .trim()
            .trim_end_matches('/')
            .to_string(),
        None => CloudId::Public
            .endpoints()
            .map(|e| e.authority_host.to_string())
            .unwrap_or_default(),
    }
}
