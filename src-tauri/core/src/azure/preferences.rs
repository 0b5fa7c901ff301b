//! What the app remembers about Azure per data dir, in the `settings` table: the sign-in method,
//! the custom cloud's endpoints and the last scope picked per cloud. Never a secret: the service
//! principal's client secret lives in the keyring; only the id of its entry is kept here.

use serde::{Deserialize, Serialize};

use super::{CloudId, CustomCloud, SignInMethod};
use crate::secrets::SecretId;
use crate::settings;
use crate::store::{Store, StoreError};

const SIGN_IN_KEY: &str = "azure.signInMethod";
const CUSTOM_CLOUD_KEY: &str = "azure.customCloud";

const CLIENT_SECRET_ID_KEY: &str = "azure.clientSecretId";

/// The last subscription / resource group / account / project picked in a cloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AzureScope {
    pub subscription_id: String,
    pub subscription_name: Option<String>,
    pub resource_group: String,
    pub account: String,
    pub project: Option<String>,
}

pub struct AzurePreferences<'a> {
    store: &'a Store,
}

impl<'a> AzurePreferences<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    pub async fn sign_in_method(&self) -> Result<SignInMethod, StoreError> {
        Ok(self.read(SIGN_IN_KEY).await?.unwrap_or_default())
    }

    pub async fn set_sign_in_method(&self, method: &SignInMethod) -> Result<(), StoreError> {
        self.write(SIGN_IN_KEY, method).await
    }

    pub async fn custom_cloud(&self) -> Result<CustomCloud, StoreError> {
        Ok(self.read(CUSTOM_CLOUD_KEY).await?.unwrap_or_default())
    }

    pub async fn set_custom_cloud(&self, cloud: &CustomCloud) -> Result<(), StoreError> {
        self.write(CUSTOM_CLOUD_KEY, cloud).await
    }

    /// The keyring entry of the service principal's client secret, once one was stored.
    pub async fn client_secret_id(&self) -> Result<Option<SecretId>, StoreError> {
        self.read(CLIENT_SECRET_ID_KEY).await
    }

    /// The entry to store the client secret under: the known one, or a new id remembered now.
    pub async fn client_secret_id_or_new(&self) -> Result<SecretId, StoreError> {
        if let Some(id) = self.client_secret_id().await? {
            return Ok(id);
        }
        let id = SecretId::new();
        self.write(CLIENT_SECRET_ID_KEY, &id).await?;
        Ok(id)
    }

    pub async fn scope(&self, cloud: CloudId) -> Result<Option<AzureScope>, StoreError> {
        self.read(&scope_key(cloud)).await
    }

    pub async fn set_scope(&self, cloud: CloudId, scope: &AzureScope) -> Result<(), StoreError> {
        self.write(&scope_key(cloud), scope).await
    }

    async fn read<T: for<'de> Deserialize<'de>>(&self, key: &str) -> Result<Option<T>, StoreError> {
        settings::read(self.store, key).await
    }

    async fn write<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        settings::write(self.store, key, value).await
    }
}

fn scope_key(cloud: CloudId) -> String {
    let name = serde_json::to_value(cloud)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    format!("azure.scope.{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn preferences_round_trip_per_cloud_and_default_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).await.unwrap();
        let prefs = AzurePreferences::new(&store);
        assert_eq!(
            prefs.sign_in_method().await.unwrap(),
            SignInMethod::default()
        );
        assert_eq!(prefs.scope(CloudId::Sandbox).await.unwrap(), None);
        let method = SignInMethod::ServicePrincipal {
            tenant_id: "t".into(),
            client_id: "c".into(),
        };
        prefs.set_sign_in_method(&method).await.unwrap();
        let scope = AzureScope {
            subscription_id: "s".into(),
            subscription_name: Some("Sub".into()),
            resource_group: "rg".into(),
            account: "a".into(),
            project: None,
        };
        prefs.set_scope(CloudId::Sandbox, &scope).await.unwrap();
        assert_eq!(prefs.sign_in_method().await.unwrap(), method);
        assert_eq!(prefs.scope(CloudId::Sandbox).await.unwrap(), Some(scope));
        assert_eq!(prefs.scope(CloudId::Public).await.unwrap(), None);
    }
}
