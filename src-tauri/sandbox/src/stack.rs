//! The whole sandbox in one call: the emulated ARM and Foundry data plane over one seeded
//! tenant, the two sample gateways and the OAuth2 token endpoint. The app's "Sandbox" cloud,
//! `gateway-studio sandbox` and the end-to-end tests all start it through [`start_sandbox`].
//!
//! The default seed is what a new user needs to try every feature: one subscription, resource
//! group, Foundry account and project; the account's model deployments; and, in the project,
//! one connection per sample gateway (`sandbox-openai`, a ModelGateway with dynamic discovery
//! and a Bearer `authConfig`; `sandbox-apim`, an ApiManagement connection with static models
//! and an `inferenceAPIVersion`), written the way the official samples write them.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use gateway_studio_core::net::NetworkOptions;
use serde::Serialize;
use serde_json::{Value, json};

use crate::arm::{ArmOptions, RunningArm, start_arm_on};
use crate::demo;
use crate::foundry::{FoundryOptions, RunningFoundry, start_foundry_on};
use crate::gateway::{GatewayAuth, GatewayConfig, GatewayStyle, RunningGateway, start_gateway_on};
use crate::token::{RunningTokenEndpoint, TokenEndpointConfig, start_token_endpoint_on};
use crate::world::{
    Account, AccountDeployment, Project, ResourceGroup, StoredConnection, Subscription, World,
    WorldData,
};

/// What the tenant starts with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Seed {
    /// The subscription → project hierarchy, the account's deployments and one project
    /// connection per sample gateway.
    #[default]
    Default,
    /// The subscription → project hierarchy only: no connections, no deployments.
    Empty,
}

/// Ports of the sandbox's servers. 0 picks a free port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SandboxPorts {
    pub arm: u16,
    pub foundry: u16,
    pub openai_gateway: u16,
    pub apim_gateway: u16,
    pub token_endpoint: u16,
}

impl SandboxPorts {
    /// Consecutive ports from `first` (ARM, Foundry, OpenAI gateway, APIM gateway, token).
    pub fn from(first: u16) -> Self {
        Self {
            arm: first,
            foundry: first.saturating_add(1),
            openai_gateway: first.saturating_add(2),
            apim_gateway: first.saturating_add(3),
            token_endpoint: first.saturating_add(4),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct SandboxOptions {
    pub seed: Seed,
    pub ports: SandboxPorts,
    pub arm: ArmOptions,
    /// How the data plane reaches gateways (only matters for connections to real gateways).
    pub network: NetworkOptions,
}

/// Names of the seeded connections, one per sample gateway.
pub const OPENAI_CONNECTION: &str = "sandbox-openai";
pub const APIM_CONNECTION: &str = "sandbox-apim";

/// Everything a script needs to use a running sandbox; `gateway-studio sandbox` prints it as
/// one JSON line. Demo keys and the token are not secrets: they only open these emulators.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SandboxInfo {
    pub arm_endpoint: String,
    /// Bearer token the emulated ARM and Foundry accept.
    pub token: String,
    pub tenant_id: String,
    pub subscription_id: String,
    pub resource_group: String,
    pub location: String,
    pub account: String,
    pub project: String,
    pub project_endpoint: String,
    pub gateways: Vec<GatewayInfo>,
    pub oauth2: OAuth2Info,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct GatewayInfo {
    /// The seeded connection for this gateway (present in the project with the default seed).
    pub name: String,
    /// `openai` (`/v1/models`, `/v1/chat/completions`) or `apim` (Azure OpenAI behind APIM:
    /// `/openai/deployments/{name}/chat/completions?api-version=`).
    pub style: String,
    /// The connection `target`.
    pub target: String,
    pub api_key: String,
    /// The header the key goes in, with its format (`Authorization: Bearer {api_key}`).
    pub auth_header: String,
    /// `api-version` the gateway requires, if any.
    pub api_version: Option<String>,
    /// Deployment names the gateway serves.
    pub deployments: Vec<String>,
}

/// The sandbox's OAuth2 client-credentials endpoint, for trying `OAuth2` connections.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OAuth2Info {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub scope: String,
}

/// A running sandbox; [`shutdown`](Self::shutdown) (or drop) stops every server.
pub struct RunningSandbox {
    pub world: World,
    pub arm: RunningArm,
    pub foundry: RunningFoundry,
    pub openai_gateway: RunningGateway,
    pub apim_gateway: RunningGateway,
    pub token_endpoint: RunningTokenEndpoint,
    info: SandboxInfo,
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// The OpenAI-style sample gateway: `Authorization: Bearer DEMO_API_KEY`.
fn openai_gateway_config() -> GatewayConfig {
    GatewayConfig::demo_openai()
}

/// The APIM-style sample gateway: `api-key: DEMO_APIM_API_KEY`, `api-version` required. Its own
/// key, so a connection that sends the other gateway's key fails as it would in the field.
fn apim_gateway_config() -> GatewayConfig {
    GatewayConfig::new(
        GatewayStyle::AzureOpenAi,
        GatewayAuth::api_key(demo::DEMO_APIM_API_KEY),
    )
    .with_required_api_version(demo::DEMO_API_VERSION)
}

/// Starts every emulator. A port that is taken fails with the OS error naming the address.
pub async fn start_sandbox(options: SandboxOptions) -> io::Result<RunningSandbox> {
    let ports = options.ports;
    let bind_error = |what: &str, port: u16| {
        let what = what.to_string();
        move |err: io::Error| {
            io::Error::new(err.kind(), format!("{what} on 127.0.0.1:{port}: {err}"))
        }
    };
    let token_endpoint =
        start_token_endpoint_on(loopback(ports.token_endpoint), TokenEndpointConfig::demo())
            .await
            .map_err(bind_error("the token endpoint", ports.token_endpoint))?;
    let openai_gateway = start_gateway_on(loopback(ports.openai_gateway), openai_gateway_config())
        .await
        .map_err(bind_error("the OpenAI-style gateway", ports.openai_gateway))?;
    let apim_gateway = start_gateway_on(loopback(ports.apim_gateway), apim_gateway_config())
        .await
        .map_err(bind_error("the APIM-style gateway", ports.apim_gateway))?;

    let world = World::new(seed_world(options.seed, &openai_gateway, &apim_gateway));
    let foundry = start_foundry_on(
        loopback(ports.foundry),
        world.clone(),
        demo::DEMO_ACCOUNT,
        FoundryOptions {
            network: options.network,
        },
    )
    .await
    .map_err(bind_error("the Foundry data plane", ports.foundry))?;
    let arm = start_arm_on(loopback(ports.arm), world.clone(), options.arm)
        .await
        .map_err(bind_error("the ARM emulator", ports.arm))?;

    let info = SandboxInfo {
        arm_endpoint: arm.base_url().to_string(),
        token: world.token(),
        tenant_id: demo::DEMO_TENANT_ID.to_string(),
        subscription_id: demo::DEMO_SUBSCRIPTION_ID.to_string(),
        resource_group: demo::DEMO_RESOURCE_GROUP.to_string(),
        location: demo::DEMO_LOCATION.to_string(),
        account: demo::DEMO_ACCOUNT.to_string(),
        project: demo::DEMO_PROJECT.to_string(),
        project_endpoint: foundry.project_endpoint(demo::DEMO_PROJECT).to_string(),
        gateways: vec![
            GatewayInfo {
                name: OPENAI_CONNECTION.to_string(),
                style: "openai".to_string(),
                target: openai_gateway.target().to_string(),
                api_key: demo::DEMO_API_KEY.to_string(),
                auth_header: "Authorization: Bearer {api_key}".to_string(),
                api_version: None,
                deployments: deployment_names(&openai_gateway_config()),
            },
            GatewayInfo {
                name: APIM_CONNECTION.to_string(),
                style: "apim".to_string(),
                target: apim_gateway.target().to_string(),
                api_key: demo::DEMO_APIM_API_KEY.to_string(),
                auth_header: "api-key: {api_key}".to_string(),
                api_version: Some(demo::DEMO_API_VERSION.to_string()),
                deployments: deployment_names(&apim_gateway_config()),
            },
        ],
        oauth2: OAuth2Info {
            token_url: token_endpoint.token_url().to_string(),
            client_id: demo::DEMO_CLIENT_ID.to_string(),
            client_secret: demo::DEMO_CLIENT_SECRET.to_string(),
            scope: demo::DEMO_SCOPE.to_string(),
        },
    };
    Ok(RunningSandbox {
        world,
        arm,
        foundry,
        openai_gateway,
        apim_gateway,
        token_endpoint,
        info,
    })
}

fn deployment_names(config: &GatewayConfig) -> Vec<String> {
    config.deployments.iter().map(|d| d.name.clone()).collect()
}

impl RunningSandbox {
    pub fn info(&self) -> &SandboxInfo {
        &self.info
    }

    /// A connection body for each sample gateway, exactly as the default seed PUT it (secrets
    /// included): `{"name": …, "properties": {…}}`. The app turns them into drafts.
    pub fn gateway_connections(&self) -> Vec<Value> {
        [
            (OPENAI_CONNECTION, openai_connection(&self.openai_gateway)),
            (APIM_CONNECTION, apim_connection(&self.apim_gateway)),
        ]
        .into_iter()
        .map(|(name, properties)| json!({ "name": name, "properties": properties }))
        .collect()
    }

    pub async fn shutdown(self) {
        self.arm.shutdown().await;
        self.foundry.shutdown().await;
        self.openai_gateway.shutdown().await;
        self.apim_gateway.shutdown().await;
        self.token_endpoint.shutdown().await;
    }
}

/// `sandbox-openai`: a ModelGateway in front of an OpenAI-compatible API, key as a Bearer
/// token through `authConfig`, models found by dynamic discovery (byo-gateway.md §2.4 (c)).
fn openai_connection(gateway: &RunningGateway) -> Value {
    let style = GatewayStyle::OpenAi;
    json!({
        "category": "ModelGateway",
        "target": gateway.target().as_str().trim_end_matches('/'),
        "authType": "ApiKey",
        "isSharedToAll": false,
        "credentials": { "key": demo::DEMO_API_KEY },
        "metadata": {
            "deploymentInPath": "false",
            "inferenceAPIVersion": "",
            "modelDiscovery": json!({
                "listModelsEndpoint": style.list_models_endpoint(),
                "getModelEndpoint": style.get_model_endpoint(),
                "deploymentProvider": style.deployment_provider(),
            }).to_string(),
            "authConfig": json!({
                "type": "api_key",
                "name": "Authorization",
                "format": "Bearer {api_key}",
            }).to_string(),
            "customHeaders": "{}",
        }
    })
}

/// `sandbox-apim`: Azure OpenAI behind APIM with the key in `api-key`, the deployment in the
/// path, an `inferenceAPIVersion` and a static model list (byo-gateway.md §2.4 (a)).
fn apim_connection(gateway: &RunningGateway) -> Value {
    let models: Vec<Value> = apim_gateway_config()
        .deployments
        .iter()
        .map(|d| {
            json!({
                "name": d.name,
                "properties": { "model": {
                    "name": d.model_name, "version": d.model_version, "format": d.format,
                } }
            })
        })
        .collect();
    json!({
        "category": "ApiManagement",
        "target": gateway.target().as_str().trim_end_matches('/'),
        "authType": "ApiKey",
        "isSharedToAll": false,
        "credentials": { "key": demo::DEMO_APIM_API_KEY },
        "metadata": {
            "deploymentInPath": "true",
            "inferenceAPIVersion": demo::DEMO_API_VERSION,
            "models": Value::from(models).to_string(),
            "customHeaders": "{}",
        }
    })
}

fn seed_world(seed: Seed, openai: &RunningGateway, apim: &RunningGateway) -> WorldData {
    let now = crate::arm::resources::now();
    let stored = |name: &str, properties: Value| StoredConnection {
        name: name.to_string(),
        properties,
        created_at: now.clone(),
        last_modified_at: now.clone(),
    };
    let (connections, deployments) = match seed {
        Seed::Empty => (Vec::new(), Vec::new()),
        Seed::Default => (
            vec![
                stored(OPENAI_CONNECTION, openai_connection(openai)),
                stored(APIM_CONNECTION, apim_connection(apim)),
            ],
            vec![
                AccountDeployment {
                    name: "gpt-4o".into(),
                    model_name: "gpt-4o".into(),
                    model_version: "2024-11-20".into(),
                    model_format: "OpenAI".into(),
                    sku_name: "GlobalStandard".into(),
                    capacity: 50,
                },
                AccountDeployment {
                    name: "gpt-4o-mini".into(),
                    model_name: "gpt-4o-mini".into(),
                    model_version: "2024-07-18".into(),
                    model_format: "OpenAI".into(),
                    sku_name: "GlobalStandard".into(),
                    capacity: 100,
                },
            ],
        ),
    };
    let mut data = WorldData::new(demo::DEMO_AZURE_TOKEN);
    data.subscriptions.push(Subscription {
        subscription_id: demo::DEMO_SUBSCRIPTION_ID.to_string(),
        display_name: demo::DEMO_SUBSCRIPTION_NAME.to_string(),
        resource_groups: vec![ResourceGroup {
            name: demo::DEMO_RESOURCE_GROUP.to_string(),
            location: demo::DEMO_LOCATION.to_string(),
            accounts: vec![Account {
                name: demo::DEMO_ACCOUNT.to_string(),
                location: demo::DEMO_LOCATION.to_string(),
                foundry_endpoint: None,
                deployments,
                projects: vec![Project {
                    name: demo::DEMO_PROJECT.to_string(),
                    display_name: "Sandbox project".to_string(),
                    connections,
                }],
                connections: Vec::new(),
            }],
        }],
    });
    data
}
