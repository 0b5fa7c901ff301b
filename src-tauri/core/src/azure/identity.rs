//! Signing in to Azure: which credential the app uses ([`SignInMethod`]) and who it turned out
//! to be ([`Identity`]). The credentials themselves come from `azure_identity` 1.x and implement
//! [`super::TokenSource`].

use serde::{Deserialize, Serialize};

/// How the app gets ARM tokens for a real cloud. The Sandbox cloud ignores it: it has its own
/// built-in credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SignInMethod {
    /// `az login` already done: the Azure CLI's account (the default).
    #[serde(rename_all = "camelCase")]
    AzureCli {
        /// Ask for tokens of this tenant instead of the CLI's default one.
        tenant_id: Option<String>,
    },
    /// A service principal; its secret is in the keyring, never in settings.
    #[serde(rename_all = "camelCase")]
    ServicePrincipal {
        tenant_id: String,
        client_id: String,
    },
    /// The developer-tools chain (Azure CLI, then Azure Developer CLI).
    #[serde(rename_all = "camelCase")]
    DeveloperTools { tenant_id: Option<String> },
}

impl Default for SignInMethod {
    fn default() -> Self {
        SignInMethod::AzureCli { tenant_id: None }
    }
}

/// Who the credential signs in as, for the UI and the CLI ("alice@contoso.com in tenant …").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// "Azure CLI", "Service principal", "Developer tools", "Sandbox".
    pub source: String,
    /// The user or application, when known.
    pub account: Option<String>,
    pub tenant_id: Option<String>,
    /// The CLI's default subscription, when known.
    pub subscription: Option<String>,
}
