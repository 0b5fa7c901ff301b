//! Sensible starting values per category, and what changes when a draft switches category.

use super::model::{Connection, ConnectionAuth, ConnectionCategory, ConnectionMetadata};

/// The `inferenceAPIVersion` the official APIM samples use (byo-gateway.md §2.4 a/b).
pub const APIM_INFERENCE_API_VERSION: &str = "2024-10-21";

/// What a category starts with: `(deploymentInPath, inferenceAPIVersion)`. APIM fronts Azure
/// OpenAI-style paths (`/deployments/{name}/…`, FS-apim Bicep default `true`); other gateways
/// usually take the model in the body (FS-mg default `false`, no api-version).
fn category_defaults(category: ConnectionCategory) -> (bool, &'static str) {
    match category {
        ConnectionCategory::ApiManagement => (true, APIM_INFERENCE_API_VERSION),
        ConnectionCategory::ModelGateway => (false, ""),
    }
}

impl Connection {
    /// A new, unnamed draft for `category` with its documented defaults and API key auth.
    pub fn template(category: ConnectionCategory) -> Self {
        let (in_path, api_version) = category_defaults(category);
        let mut connection =
            Connection::new("", category, "", ConnectionAuth::ApiKey { key: None });
        connection.name = None;
        connection.metadata = ConnectionMetadata {
            deployment_in_path: Some(in_path),
            inference_api_version: Some(api_version.to_string()),
            ..ConnectionMetadata::default()
        };
        connection
    }

    /// The draft moved to `category`. Values the user left at the old category's default take
    /// the new one; values they typed stay. An auth type the new category does not allow
    /// (managed identity is APIM-only, OAuth2 is ModelGateway-only) becomes API key auth, which
    /// both accept; the validation findings then say nothing is wrong rather than leaving the
    /// draft in a state Azure rejects.
    pub fn with_category(mut self, category: ConnectionCategory) -> Self {
        if self.category == category {
            return self;
        }
        let (old_in_path, old_version) = category_defaults(self.category);
        let (new_in_path, new_version) = category_defaults(category);
        let metadata = &mut self.metadata;
        if metadata.deployment_in_path.is_none_or(|v| v == old_in_path) {
            metadata.deployment_in_path = Some(new_in_path);
        }
        if metadata
            .inference_api_version
            .as_deref()
            .is_none_or(|v| v == old_version)
        {
            metadata.inference_api_version = Some(new_version.to_string());
        }
        let allowed = matches!(
            (&self.auth, category),
            (ConnectionAuth::ApiKey { .. }, _)
                | (
                    ConnectionAuth::ProjectManagedIdentity { .. },
                    ConnectionCategory::ApiManagement
                )
                | (
                    ConnectionAuth::OAuth2 { .. },
                    ConnectionCategory::ModelGateway
                )
        );
        if !allowed {
            self.auth = ConnectionAuth::ApiKey { key: None };
        }
        self.category = category;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::{ModelDiscovery, validate};

    #[test]
    fn templates_carry_the_category_defaults() {
        let apim = Connection::template(ConnectionCategory::ApiManagement);
        assert_eq!(apim.metadata.deployment_in_path, Some(true));
        assert_eq!(
            apim.metadata.inference_api_version.as_deref(),
            Some("2024-10-21")
        );
        let mg = Connection::template(ConnectionCategory::ModelGateway);
        assert_eq!(mg.metadata.deployment_in_path, Some(false));
        assert_eq!(mg.metadata.inference_api_version.as_deref(), Some(""));
        assert_eq!(mg.name, None);
    }

    #[test]
    fn switching_category_keeps_what_the_user_typed() {
        let mut c = Connection::template(ConnectionCategory::ModelGateway);
        c.name = Some("llm-gw".into());
        c.target = "https://gw.contoso.com/v1".into();
        c.metadata.model_discovery = Some(ModelDiscovery::apim_defaults());
        let apim = c.clone().with_category(ConnectionCategory::ApiManagement);
        assert_eq!(apim.metadata.deployment_in_path, Some(true));
        assert_eq!(
            apim.metadata.inference_api_version.as_deref(),
            Some("2024-10-21")
        );
        assert_eq!(apim.target, c.target);
        assert_eq!(apim.name, c.name);
        assert_eq!(apim.metadata.model_discovery, c.metadata.model_discovery);

        let mut typed = c.clone();
        typed.metadata.deployment_in_path = Some(true);
        typed.metadata.inference_api_version = Some("2025-03-01-preview".into());
        let apim = typed.with_category(ConnectionCategory::ApiManagement);
        assert_eq!(
            apim.metadata.inference_api_version.as_deref(),
            Some("2025-03-01-preview")
        );
        // Back again: a value equal to the APIM default reverts, a typed one stays.
        let back = apim.with_category(ConnectionCategory::ModelGateway);
        assert_eq!(back.metadata.deployment_in_path, Some(false));
        assert_eq!(
            back.metadata.inference_api_version.as_deref(),
            Some("2025-03-01-preview")
        );
    }

    #[test]
    fn an_auth_type_the_category_forbids_becomes_api_key() {
        let mut pmi = Connection::template(ConnectionCategory::ApiManagement);
        pmi.auth = ConnectionAuth::project_managed_identity();
        let mg = pmi.clone().with_category(ConnectionCategory::ModelGateway);
        assert_eq!(mg.auth, ConnectionAuth::ApiKey { key: None });
        assert!(
            !validate(&mg)
                .iter()
                .any(|f| f.path.ends_with("authType") && f.code.as_str().contains("auth")),
            "{:?}",
            validate(&mg)
        );
        // Allowed auth survives.
        let kept = Connection::template(ConnectionCategory::ApiManagement)
            .with_category(ConnectionCategory::ModelGateway);
        assert!(matches!(kept.auth, ConnectionAuth::ApiKey { .. }));
    }
}
