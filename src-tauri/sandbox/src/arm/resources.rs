//! The JSON shapes ARM answers with: subscriptions, resource groups, Foundry accounts, projects,
//! connections and deployments (ids, names, types, properties, `systemData`). Ids keep the case
//! the resources were created with, as ARM does whatever case the request used.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::spec::ConnectionSpec;
use super::validate::public_properties;
use crate::world::{Account, AccountDeployment, Project, ResourceGroup, StoredConnection};

pub(super) const PROVIDER: &str = "Microsoft.CognitiveServices";
pub(super) const ACCOUNT_TYPE: &str = "Microsoft.CognitiveServices/accounts";
pub(super) const PROJECT_TYPE: &str = "Microsoft.CognitiveServices/accounts/projects";
pub(super) const ACCOUNT_CONNECTION_TYPE: &str = "Microsoft.CognitiveServices/accounts/connections";
pub(super) const PROJECT_CONNECTION_TYPE: &str =
    "Microsoft.CognitiveServices/accounts/projects/connections";
pub(super) const DEPLOYMENT_TYPE: &str = "Microsoft.CognitiveServices/accounts/deployments";

pub(super) fn subscription_id(subscription: &str) -> String {
    format!("/subscriptions/{subscription}")
}

pub(super) fn resource_group_id(subscription: &str, group: &str) -> String {
    format!("{}/resourceGroups/{group}", subscription_id(subscription))
}

pub(super) fn account_id(subscription: &str, group: &str, account: &str) -> String {
    format!(
        "{}/providers/{PROVIDER}/accounts/{account}",
        resource_group_id(subscription, group)
    )
}

pub(super) fn subscription(subscription_id_: &str, display_name: &str, tenant: &str) -> Value {
    json!({
        "id": subscription_id(subscription_id_),
        "subscriptionId": subscription_id_,
        "tenantId": tenant,
        "displayName": display_name,
        "state": "Enabled",
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
    })
}

pub(super) fn resource_group(subscription: &str, group: &ResourceGroup) -> Value {
    json!({
        "id": resource_group_id(subscription, &group.name),
        "name": group.name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": group.location,
        "properties": { "provisioningState": "Succeeded" },
    })
}

/// `https://{account}.services.ai.azure.com/` — where the Foundry API of an account lives in
/// Azure; the emulated data plane's URL replaces it once it runs.
fn foundry_endpoint(account: &Account) -> String {
    account.foundry_endpoint.as_ref().map_or_else(
        || format!("https://{}.services.ai.azure.com/", account.name),
        |url| url.to_string(),
    )
}

pub(super) fn account(subscription: &str, group: &str, account: &Account) -> Value {
    json!({
        "id": account_id(subscription, group, &account.name),
        "name": account.name,
        "type": ACCOUNT_TYPE,
        "kind": "AIServices",
        "location": account.location,
        "sku": { "name": "S0" },
        "properties": {
            "provisioningState": "Succeeded",
            "endpoint": format!("https://{}.cognitiveservices.azure.com/", account.name),
            "customSubDomainName": account.name,
            "endpoints": { "AI Foundry API": foundry_endpoint(account) },
            "allowProjectManagement": true,
        },
    })
}

/// A project. `endpoints."AI Foundry API"` is the project endpoint of the data plane
/// (`{foundry}api/projects/{project}`); the rest of the shape is inferred from the account's [I].
pub(super) fn project(
    subscription: &str,
    group: &str,
    account: &Account,
    project: &Project,
) -> Value {
    let endpoint = account.project_endpoint(&project.name).map_or_else(
        || format!("{}api/projects/{}", foundry_endpoint(account), project.name),
        |url| url.to_string(),
    );
    json!({
        "id": format!("{}/projects/{}", account_id(subscription, group, &account.name), project.name),
        "name": project.name,
        "type": PROJECT_TYPE,
        "location": account.location,
        "properties": {
            "provisioningState": "Succeeded",
            "displayName": project.display_name,
            "endpoints": { "AI Foundry API": endpoint },
        },
    })
}

pub(super) fn deployment(account_id: &str, deployment: &AccountDeployment) -> Value {
    json!({
        "id": format!("{account_id}/deployments/{}", deployment.name),
        "name": deployment.name,
        "type": DEPLOYMENT_TYPE,
        "sku": { "name": deployment.sku_name, "capacity": deployment.capacity },
        "properties": {
            "model": {
                "format": deployment.model_format,
                "name": deployment.model_name,
                "version": deployment.model_version,
            },
            "provisioningState": "Succeeded",
        },
    })
}

/// A connection under `parent_id` (an account or project id), secrets removed.
pub(super) fn connection(
    spec: &ConnectionSpec,
    parent_id: &str,
    resource_type: &str,
    connection: &StoredConnection,
) -> Value {
    json!({
        "id": format!("{parent_id}/connections/{}", connection.name),
        "name": connection.name,
        "type": resource_type,
        "properties": public_properties(spec, &connection.properties),
        "systemData": {
            "createdAt": connection.created_at,
            "lastModifiedAt": connection.last_modified_at,
        },
    })
}

/// Now in RFC 3339 with ARM's seven fractional digits, e.g. `2026-05-01T10:00:00.1234567Z`.
pub(crate) fn now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(since.as_secs(), since.subsec_nanos())
}

fn rfc3339(unix_seconds: u64, nanos: u32) -> String {
    // Howard Hinnant's civil-from-days.
    let days = i64::try_from(unix_seconds / 86_400).unwrap_or(0) + 719_468;
    let seconds_of_day = unix_seconds % 86_400;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:07}Z",
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60,
        nanos / 100
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.0000000Z");
        assert_eq!(
            rfc3339(1_777_629_600, 123_456_789),
            "2026-05-01T10:00:00.1234567Z"
        );
        assert_eq!(rfc3339(951_782_400, 0), "2000-02-29T00:00:00.0000000Z");
    }
}
