//! The ARM deployment parameters file for the Bicep template: the same parameter names, the
//! names of the Foundry parents as placeholders to fill in, the connection name, and each
//! secure parameter as a Key Vault reference (ARM resolves it at deployment; the file never
//! holds the secret).

use super::bicep::secret_param;
use super::body::secret_slot;
use super::node::Node;
use crate::connection::{Connection, ConnectionScope};

const SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";
const KEY_VAULT_ID: &str = "/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.KeyVault/vaults/<key-vault-name>";

pub(super) fn render(connection: &Connection, name: &str) -> String {
    let value = |text: &str| Node::Object(vec![("value".to_string(), Node::text(text))]);
    let mut parameters = vec![("accountName".to_string(), value("<foundry-account-name>"))];
    if connection.scope == ConnectionScope::Project {
        parameters.push(("projectName".to_string(), value("<foundry-project-name>")));
    }
    parameters.push(("connectionName".to_string(), value(name)));
    if let Some(slot) = secret_slot(connection) {
        let reference = Node::Object(vec![
            (
                "keyVault".to_string(),
                Node::Object(vec![("id".to_string(), Node::text(KEY_VAULT_ID))]),
            ),
            ("secretName".to_string(), Node::text("<secret-name>")),
        ]);
        parameters.push((
            secret_param(slot).to_string(),
            Node::Object(vec![("reference".to_string(), reference)]),
        ));
    }
    let file = Node::Object(vec![
        ("$schema".to_string(), Node::text(SCHEMA)),
        ("contentVersion".to_string(), Node::text("1.0.0.0")),
        ("parameters".to_string(), Node::Object(parameters)),
    ]);
    format!("{}\n", file.pretty())
}
