//! The emulated Azure resources, shared by the ARM emulator (which reads and writes them) and
//! the Foundry data-plane emulator (which resolves an agent's `<connection>/<deployment>` model
//! through them).
//!
//! One tenant holds subscriptions → resource groups → Foundry accounts
//! (`Microsoft.CognitiveServices/accounts`, kind `AIServices`) → projects. Accounts and projects
//! each hold connections; accounts hold model deployments. Connections are kept exactly as they
//! were PUT (`properties`, secrets included): the ARM emulator strips secrets on the way out,
//! the Foundry emulator needs them to call the gateway.
//!
//! ARM names are case-insensitive (and keep the case they were created with), so every lookup
//! here compares with `eq_ignore_ascii_case`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::Value;
use url::Url;

use crate::demo;

/// The emulated tenant; cloning shares it.
#[derive(Clone)]
pub struct World {
    data: Arc<Mutex<WorldData>>,
}

#[derive(Clone, Debug)]
pub struct WorldData {
    pub tenant_id: String,
    /// The bearer token both emulators accept (`Authorization: Bearer <token>`).
    pub token: String,
    /// The Entra token a project's managed identity would present to a gateway
    /// (`ProjectManagedIdentity` connections).
    pub managed_identity_token: String,
    pub subscriptions: Vec<Subscription>,
}

#[derive(Clone, Debug)]
pub struct Subscription {
    pub subscription_id: String,
    pub display_name: String,
    pub resource_groups: Vec<ResourceGroup>,
}

#[derive(Clone, Debug)]
pub struct ResourceGroup {
    pub name: String,
    pub location: String,
    pub accounts: Vec<Account>,
}

#[derive(Clone, Debug)]
pub struct Account {
    pub name: String,
    pub location: String,
    /// Base URL of this account's Foundry data plane (`https://{account}.services.ai.azure.com/`
    /// in Azure); set when its emulator starts. Project endpoints are
    /// `{foundry_endpoint}api/projects/{project}`.
    pub foundry_endpoint: Option<Url>,
    pub deployments: Vec<AccountDeployment>,
    pub projects: Vec<Project>,
    pub connections: Vec<StoredConnection>,
}

#[derive(Clone, Debug)]
pub struct Project {
    pub name: String,
    pub display_name: String,
    pub connections: Vec<StoredConnection>,
}

/// A model deployment of the account (`Microsoft.CognitiveServices/accounts/deployments`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountDeployment {
    pub name: String,
    pub model_name: String,
    pub model_version: String,
    /// `OpenAI`, ...
    pub model_format: String,
    pub sku_name: String,
    pub capacity: u32,
}

/// A connection exactly as last written through ARM.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredConnection {
    pub name: String,
    /// The `properties` object, secrets included.
    pub properties: Value,
    /// RFC 3339, for `systemData`.
    pub created_at: String,
    pub last_modified_at: String,
}

/// Where a connection was found for a project: its own, or its account's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionLevel {
    Project,
    Account,
}

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl World {
    pub fn new(data: WorldData) -> Self {
        Self {
            data: Arc::new(Mutex::new(data)),
        }
    }

    /// Locks the world for a short read or update (never held across an `.await`).
    pub fn lock(&self) -> MutexGuard<'_, WorldData> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The token the emulators accept.
    pub fn token(&self) -> String {
        self.lock().token.clone()
    }

    /// A connection a project can use: its own first, then its account's (account-level
    /// connections are visible to every project of the account, inferred). Looked up by account name
    /// alone, since account names are globally unique (they are DNS names).
    pub fn project_connection(
        &self,
        account: &str,
        project: &str,
        connection: &str,
    ) -> Option<(StoredConnection, ConnectionLevel)> {
        let data = self.lock();
        let account = data.account_by_name(account)?;
        if let Some(found) = account
            .project(project)
            .and_then(|p| p.connection(connection))
        {
            return Some((found.clone(), ConnectionLevel::Project));
        }
        account
            .connection(connection)
            .map(|c| (c.clone(), ConnectionLevel::Account))
    }
}

impl WorldData {
    /// An empty tenant that accepts `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            tenant_id: demo::DEMO_TENANT_ID.to_string(),
            token: token.into(),
            managed_identity_token: demo::DEMO_BEARER_TOKEN.to_string(),
            subscriptions: Vec::new(),
        }
    }

    pub fn subscription(&self, id: &str) -> Option<&Subscription> {
        self.subscriptions
            .iter()
            .find(|s| same(&s.subscription_id, id))
    }

    pub fn subscription_mut(&mut self, id: &str) -> Option<&mut Subscription> {
        self.subscriptions
            .iter_mut()
            .find(|s| same(&s.subscription_id, id))
    }

    pub fn account_by_name(&self, name: &str) -> Option<&Account> {
        self.subscriptions
            .iter()
            .flat_map(|s| &s.resource_groups)
            .flat_map(|g| &g.accounts)
            .find(|a| same(&a.name, name))
    }

    pub fn account_by_name_mut(&mut self, name: &str) -> Option<&mut Account> {
        self.subscriptions
            .iter_mut()
            .flat_map(|s| &mut s.resource_groups)
            .flat_map(|g| &mut g.accounts)
            .find(|a| same(&a.name, name))
    }
}

impl Subscription {
    pub fn resource_group(&self, name: &str) -> Option<&ResourceGroup> {
        self.resource_groups.iter().find(|g| same(&g.name, name))
    }

    pub fn resource_group_mut(&mut self, name: &str) -> Option<&mut ResourceGroup> {
        self.resource_groups
            .iter_mut()
            .find(|g| same(&g.name, name))
    }
}

impl ResourceGroup {
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| same(&a.name, name))
    }

    pub fn account_mut(&mut self, name: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| same(&a.name, name))
    }
}

impl Account {
    pub fn project(&self, name: &str) -> Option<&Project> {
        self.projects.iter().find(|p| same(&p.name, name))
    }

    pub fn project_mut(&mut self, name: &str) -> Option<&mut Project> {
        self.projects.iter_mut().find(|p| same(&p.name, name))
    }

    pub fn connection(&self, name: &str) -> Option<&StoredConnection> {
        self.connections.iter().find(|c| same(&c.name, name))
    }

    pub fn deployment(&self, name: &str) -> Option<&AccountDeployment> {
        self.deployments.iter().find(|d| same(&d.name, name))
    }

    /// `{foundry_endpoint}api/projects/{project}`, once the data plane runs.
    pub fn project_endpoint(&self, project: &str) -> Option<Url> {
        let base = self.foundry_endpoint.as_ref()?;
        base.join(&format!("api/projects/{project}")).ok()
    }
}

impl Project {
    pub fn connection(&self, name: &str) -> Option<&StoredConnection> {
        self.connections.iter().find(|c| same(&c.name, name))
    }
}

/// Puts `connection` into `list`, replacing one of the same name (case-insensitively) and
/// keeping its creation time and original name. Returns whether it replaced one.
pub fn upsert_connection(list: &mut Vec<StoredConnection>, connection: StoredConnection) -> bool {
    match list.iter_mut().find(|c| same(&c.name, &connection.name)) {
        Some(existing) => {
            existing.properties = connection.properties;
            existing.last_modified_at = connection.last_modified_at;
            true
        }
        None => {
            list.push(connection);
            false
        }
    }
}

/// Removes the connection named `name`; whether it existed.
pub fn remove_connection(list: &mut Vec<StoredConnection>, name: &str) -> bool {
    let before = list.len();
    list.retain(|c| !same(&c.name, name));
    list.len() != before
}
