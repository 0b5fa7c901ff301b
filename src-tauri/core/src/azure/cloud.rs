//! The cloud table (byo-gateway.md §9). `[I]` rows are inferred there; they are kept as the
//! reference gives them.

use serde::{Deserialize, Serialize};

/// Which Azure the app talks to. `Sandbox` is the local emulation (the `sandbox` crate): its
/// endpoints are loopback URLs known only once it runs.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "camelCase")]
pub enum CloudId {
    #[default]
    Public,
    UsGovernment,
    China,
    Sandbox,
    /// A cloud the table does not know (Azure Stack, a sovereign cloud): its endpoints come
    /// from [`CustomCloud`] in the settings.
    Custom,
}

/// The endpoints of a custom cloud, typed by the user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomCloud {
    pub arm_endpoint: String,
    /// Entra ID authority host, e.g. `https://login.microsoftonline.com`.
    pub authority_host: String,
    /// Scope of ARM tokens, e.g. `https://management.azure.com/.default`.
    pub arm_scope: String,
    /// Scope of Foundry data-plane tokens.
    pub foundry_scope: String,
}

/// Fixed endpoints of a real cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloudEndpoints {
    /// Entra ID authority host.
    pub authority_host: &'static str,
    pub arm_endpoint: &'static str,
    /// Scope of ARM tokens.
    pub arm_scope: &'static str,
    /// Host suffix of Foundry project endpoints (`{account}.{suffix}`).
    pub foundry_host_suffix: &'static str,
    /// Scope of Foundry data-plane tokens.
    pub foundry_scope: &'static str,
}

impl CloudId {
    pub const ALL: [CloudId; 5] = [
        CloudId::Public,
        CloudId::UsGovernment,
        CloudId::China,
        CloudId::Sandbox,
        CloudId::Custom,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CloudId::Public => "Azure",
            CloudId::UsGovernment => "Azure US Government",
            CloudId::China => "Azure China",
            CloudId::Sandbox => "Sandbox (local emulation)",
            CloudId::Custom => "Custom cloud",
        }
    }

    /// The endpoints of a real cloud; `None` for the sandbox, whose endpoints come from the
    /// running emulators, and for a custom cloud, whose endpoints are in the settings.
    pub fn endpoints(self) -> Option<CloudEndpoints> {
        match self {
            CloudId::Public => Some(CloudEndpoints {
                authority_host: "https://login.microsoftonline.com",
                arm_endpoint: "https://management.azure.com",
                arm_scope: "https://management.azure.com/.default",
                foundry_host_suffix: "services.ai.azure.com",
                foundry_scope: "https://ai.azure.com/.default",
            }),
            CloudId::UsGovernment => Some(CloudEndpoints {
                authority_host: "https://login.microsoftonline.us",
                arm_endpoint: "https://management.usgovcloudapi.net",
                arm_scope: "https://management.usgovcloudapi.net/.default",
                foundry_host_suffix: "services.ai.azure.us",
                foundry_scope: "https://ai.azure.us/.default",
            }),
            CloudId::China => Some(CloudEndpoints {
                authority_host: "https://login.chinacloudapi.cn",
                arm_endpoint: "https://management.chinacloudapi.cn",
                arm_scope: "https://management.chinacloudapi.cn/.default",
                foundry_host_suffix: "services.ai.azure.cn",
                foundry_scope: "https://ai.azure.cn/.default",
            }),
            CloudId::Sandbox | CloudId::Custom => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_real_cloud_has_https_endpoints_and_default_scopes() {
        for cloud in CloudId::ALL {
            let Some(e) = cloud.endpoints() else {
                assert!(matches!(cloud, CloudId::Sandbox | CloudId::Custom));
                continue;
            };
            for url in [e.authority_host, e.arm_endpoint] {
                assert!(url.starts_with("https://") && !url.ends_with('/'), "{url}");
            }
            assert_eq!(e.arm_scope, format!("{}/.default", e.arm_endpoint));
            assert!(e.foundry_scope.ends_with("/.default"));
        }
        assert_eq!(
            serde_json::to_string(&CloudId::UsGovernment).unwrap(),
            "\"usGovernment\""
        );
    }
}
