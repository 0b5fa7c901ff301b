//! What ARM answers, typed with the fields the pickers and the connection list need; each
//! keeps the whole JSON it was read from in `raw`, so nothing ARM said is lost.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::paths::{AccountRef, PathNames};
use crate::connection::{
    ConnectionScope, ImportedConnection, ModelFormat, ModelInfo, ParseError, import_arm_value,
};

/// The `endpoints` key of accounts and projects that holds the Foundry data-plane URL.
pub const FOUNDRY_API_ENDPOINT: &str = "AI Foundry API";

/// The account `kind` of Foundry accounts. Other kinds (`OpenAI`, `CognitiveServices`,
/// `SpeechServices`, …) have no projects and cannot hold gateway connections for agents.
pub const FOUNDRY_ACCOUNT_KIND: &str = "AIServices";

/// A subscription the signed-in identity can see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// `/subscriptions/{subscriptionId}`.
    pub id: String,
    pub subscription_id: String,
    pub display_name: String,
    pub tenant_id: Option<String>,
    /// `Enabled`, `Disabled`, `Warned`, `PastDue`, `Deleted`.
    pub state: Option<String>,
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    pub id: String,
    pub name: String,
    pub location: Option<String>,
    pub raw: Value,
}

/// A `Microsoft.CognitiveServices/accounts` resource. Lists return every kind; only
/// [`is_foundry`](Self::is_foundry) ones (kind `AIServices`) have projects and connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: String,
    pub name: String,
    /// Read from the id (ARM keeps the case the group was created with).
    pub resource_group: String,
    pub subscription_id: String,
    pub location: Option<String>,
    pub kind: Option<String>,
    /// `properties.endpoints."AI Foundry API"`.
    pub foundry_endpoint: Option<String>,
    /// `properties.endpoint`.
    pub endpoint: Option<String>,
    /// `properties.allowProjectManagement`: whether the account can have Foundry projects.
    pub allow_project_management: Option<bool>,
    pub provisioning_state: Option<String>,
    pub raw: Value,
}

impl Account {
    /// A Foundry account (kind `AIServices`, compared case-insensitively).
    pub fn is_foundry(&self) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|kind| kind.eq_ignore_ascii_case(FOUNDRY_ACCOUNT_KIND))
    }

    pub fn account_ref(&self) -> AccountRef {
        AccountRef::new(&self.subscription_id, &self.resource_group, &self.name)
    }
}

/// A Foundry project (`Microsoft.CognitiveServices/accounts/projects`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    /// The project's own name (the last segment of its id).
    pub name: String,
    pub location: Option<String>,
    pub display_name: Option<String>,
    /// `properties.endpoints."AI Foundry API"`: the project endpoint of the data plane.
    pub foundry_endpoint: Option<String>,
    pub provisioning_state: Option<String>,
    pub raw: Value,
}

/// A connection as ARM shows it: no secrets (ARM never returns them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ArmConnection {
    pub id: String,
    /// The connection's own name (the last segment of its id).
    pub name: String,
    pub scope: ConnectionScope,
    /// The resource `type`, as ARM wrote it.
    pub resource_type: Option<String>,
    /// `properties`, as ARM wrote them.
    pub properties: Value,
    /// `systemData.createdAt`.
    pub created_at: Option<String>,
    /// `systemData.lastModifiedAt`.
    pub last_modified_at: Option<String>,
    pub raw: Value,
}

/// How a connection tells the Agent Service its models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ModelSource {
    /// `metadata.models`: a static list of this many models.
    Static { count: u32 },
    /// `metadata.modelDiscovery`, or an `ApiManagement` connection's discovery defaults.
    Discovery,
    /// Neither (or an unreadable `models` string).
    Unknown,
}

impl ArmConnection {
    fn property(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(Value::as_str)
    }

    fn metadata(&self, key: &str) -> Option<&str> {
        self.properties
            .get("metadata")
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
    }

    /// `properties.category`, e.g. `ModelGateway`.
    pub fn category(&self) -> Option<&str> {
        self.property("category")
    }

    /// `properties.target`: the gateway base URL.
    pub fn target(&self) -> Option<&str> {
        self.property("target")
    }

    /// `properties.authType`, e.g. `ApiKey`.
    pub fn auth_type(&self) -> Option<&str> {
        self.property("authType")
    }

    /// An `ApiManagement` or `ModelGateway` connection: the ones the app edits.
    pub fn is_gateway(&self) -> bool {
        matches!(self.category(), Some("ApiManagement" | "ModelGateway"))
    }

    /// Where the connection's models come from (byo-gateway.md §3, §4.3).
    pub fn model_source(&self) -> ModelSource {
        if let Some(models) = self.metadata("models") {
            return match serde_json::from_str::<Value>(models) {
                Ok(Value::Array(list)) => ModelSource::Static {
                    count: u32::try_from(list.len()).unwrap_or(u32::MAX),
                },
                _ => ModelSource::Unknown,
            };
        }
        if self.metadata("modelDiscovery").is_some() || self.category() == Some("ApiManagement") {
            return ModelSource::Discovery;
        }
        ModelSource::Unknown
    }

    /// The number of static models, when the connection lists them.
    pub fn model_count(&self) -> Option<u32> {
        match self.model_source() {
            ModelSource::Static { count } => Some(count),
            _ => None,
        }
    }

    /// The connection as an editor draft (the connection module's own import, so the editor
    /// and an import agree). ARM returns no secrets: the draft references none, and the
    /// editor asks for them again.
    pub fn import(&self) -> Result<ImportedConnection, ParseError> {
        let mut body = serde_json::Map::new();
        body.insert("name".into(), Value::from(self.name.clone()));
        if let Some(resource_type) = &self.resource_type {
            body.insert("type".into(), Value::from(resource_type.clone()));
        }
        body.insert("properties".into(), self.properties.clone());
        import_arm_value(&Value::Object(body))
    }
}

/// A model deployment of an account (`Microsoft.CognitiveServices/accounts/deployments`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub id: String,
    pub name: String,
    /// `properties.model.name`.
    pub model_name: Option<String>,
    pub model_version: Option<String>,
    /// `properties.model.format`, e.g. `OpenAI`.
    pub model_format: Option<String>,
    /// `sku.name`, e.g. `GlobalStandard`.
    pub sku_name: Option<String>,
    pub sku_capacity: Option<u32>,
    pub provisioning_state: Option<String>,
    pub raw: Value,
}

impl Deployment {
    /// The deployment as a row of a connection's static `models` list.
    pub fn model_info(&self) -> ModelInfo {
        ModelInfo {
            deployment_name: Some(self.name.clone()),
            model_name: self.model_name.clone(),
            model_version: self.model_version.clone(),
            format: self.model_format.as_deref().map(ModelFormat::from_wire),
            ..ModelInfo::default()
        }
    }
}

// --- Reading: each function names what is missing; the client adds the URL. ---

fn text(value: &Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn required(value: &Value, pointer: &str, what: &str) -> Result<String, String> {
    text(value, pointer).ok_or_else(|| {
        let key = pointer.trim_start_matches('/').replace('/', ".");
        format!("{what} without a `{key}` string")
    })
}

/// `…/{name}` → `name`.
fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

/// The resource's own name: the last segment of `id` (nested types may write `a/p` as `name`).
fn own_name(value: &Value, id: &str, what: &str) -> Result<String, String> {
    let from_id = last_segment(id);
    if !from_id.is_empty() {
        return Ok(from_id.to_string());
    }
    required(value, "/name", what).map(|name| last_segment(&name).to_string())
}

fn foundry_endpoint(value: &Value) -> Option<String> {
    value
        .get("properties")
        .and_then(|p| p.get("endpoints"))
        .and_then(|e| e.get(FOUNDRY_API_ENDPOINT))
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub(super) fn subscription(value: &Value) -> Result<Subscription, String> {
    let what = "a subscription";
    let subscription_id = required(value, "/subscriptionId", what)?;
    Ok(Subscription {
        id: text(value, "/id").unwrap_or_else(|| format!("/subscriptions/{subscription_id}")),
        display_name: text(value, "/displayName").unwrap_or_else(|| subscription_id.clone()),
        subscription_id,
        tenant_id: text(value, "/tenantId"),
        state: text(value, "/state"),
        raw: value.clone(),
    })
}

pub(super) fn resource_group(value: &Value) -> Result<ResourceGroup, String> {
    let what = "a resource group";
    Ok(ResourceGroup {
        id: required(value, "/id", what)?,
        name: required(value, "/name", what)?,
        location: text(value, "/location"),
        raw: value.clone(),
    })
}

pub(super) fn account(value: &Value) -> Result<Account, String> {
    let what = "an account";
    let id = required(value, "/id", what)?;
    let names = PathNames::read_path(&id);
    let (Some(subscription_id), Some(resource_group)) = (names.subscription, names.resource_group)
    else {
        return Err(format!(
            "an account whose id `{id}` names no subscription and resource group"
        ));
    };
    Ok(Account {
        name: own_name(value, &id, what)?,
        id,
        resource_group,
        subscription_id,
        location: text(value, "/location"),
        kind: text(value, "/kind"),
        foundry_endpoint: foundry_endpoint(value),
        endpoint: text(value, "/properties/endpoint"),
        allow_project_management: value
            .pointer("/properties/allowProjectManagement")
            .and_then(Value::as_bool),
        provisioning_state: text(value, "/properties/provisioningState"),
        raw: value.clone(),
    })
}

pub(super) fn project(value: &Value) -> Result<Project, String> {
    let what = "a project";
    let id = required(value, "/id", what)?;
    Ok(Project {
        name: own_name(value, &id, what)?,
        id,
        location: text(value, "/location"),
        display_name: text(value, "/properties/displayName"),
        foundry_endpoint: foundry_endpoint(value),
        provisioning_state: text(value, "/properties/provisioningState"),
        raw: value.clone(),
    })
}

pub(super) fn connection(value: &Value) -> Result<ArmConnection, String> {
    let what = "a connection";
    let id = required(value, "/id", what)?;
    let properties = match value.get("properties") {
        Some(properties @ Value::Object(_)) => properties.clone(),
        _ => return Err("a connection without a `properties` object".to_string()),
    };
    let resource_type = text(value, "/type");
    let scope = if PathNames::read_path(&id).project.is_some() {
        ConnectionScope::Project
    } else {
        ConnectionScope::Account
    };
    Ok(ArmConnection {
        name: own_name(value, &id, what)?,
        id,
        scope,
        resource_type,
        properties,
        created_at: text(value, "/systemData/createdAt"),
        last_modified_at: text(value, "/systemData/lastModifiedAt"),
        raw: value.clone(),
    })
}

pub(super) fn deployment(value: &Value) -> Result<Deployment, String> {
    let what = "a deployment";
    let id = required(value, "/id", what)?;
    Ok(Deployment {
        name: own_name(value, &id, what)?,
        id,
        model_name: text(value, "/properties/model/name"),
        model_version: text(value, "/properties/model/version"),
        model_format: text(value, "/properties/model/format"),
        sku_name: text(value, "/sku/name"),
        sku_capacity: value
            .pointer("/sku/capacity")
            .and_then(Value::as_u64)
            .and_then(|c| u32::try_from(c).ok()),
        provisioning_state: text(value, "/properties/provisioningState"),
        raw: value.clone(),
    })
}
