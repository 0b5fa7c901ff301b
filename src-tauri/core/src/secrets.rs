//! Secrets. `Sensitive<T>` wraps a value that must never reach a log, a trace, an export, an
//! error message or the clipboard unmasked; [`SecretStore`] keeps secrets at rest, in the OS
//! keyring ([`KeyringStore`]) or, for unit tests, in memory ([`MemoryStore`]). SQLite only ever
//! holds a [`SecretId`].
//!
//! It deliberately implements neither `Serialize` nor `specta::Type`: a struct holding a secret
//! cannot be written to SQLite, sent over IPC or turned into JSON without someone calling
//! [`Sensitive::expose`] on purpose, and that call is easy to find in review.

use std::fmt;

/// What `Debug` and `Display` print instead of the value.
pub const REDACTED: &str = "<redacted>";

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself. Call it only where the value leaves for its one legitimate
    /// destination (an HTTP header, the keyring).
    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Reading a secret from input (an IPC argument, a form) is allowed; writing one out is not.
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

/// Names one secret in the keyring. Random, so it reveals nothing about the secret or its
/// connection, and stable for the secret's lifetime.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(transparent)]
pub struct SecretId(String);

impl SecretId {
    pub fn new() -> Self {
        Self(format!("secret-{}", uuid::Uuid::new_v4()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SecretId {
    fn default() -> Self {
        Self::new()
    }
}

impl From<&str> for SecretId {
    fn from(id: &str) -> Self {
        Self(id.to_string())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No usable keyring: nothing was stored anywhere else.
    #[error(
        "the OS keyring is not available ({reason}). On Linux Gateway Studio uses the Secret Service over D-Bus: start and unlock GNOME Keyring or KWallet, then try again. Nothing was saved elsewhere"
    )]
    Unavailable { reason: String },
    #[error("the keyring refused to {action} secret {id}: {reason}")]
    Failed {
        action: &'static str,
        id: String,
        reason: String,
    },
}

/// Where secrets rest. Implementations never log or echo the value.
pub trait SecretStore: Send + Sync {
    fn put(&self, id: &SecretId, value: &Sensitive<String>) -> Result<(), SecretError>;
    fn get(&self, id: &SecretId) -> Result<Option<Sensitive<String>>, SecretError>;
    /// Deleting a secret that does not exist is not an error.
    fn delete(&self, id: &SecretId) -> Result<(), SecretError>;
}

/// The OS keyring: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// `service` groups our entries in the keyring (the app identifier in the app; a unique
    /// name in tests so they never touch real entries).
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, id: &SecretId, action: &'static str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, id.as_str()).map_err(|e| map_keyring(e, action, id))
    }
}

fn map_keyring(e: keyring::Error, action: &'static str, id: &SecretId) -> SecretError {
    match e {
        keyring::Error::NoStorageAccess(inner) => SecretError::Unavailable {
            reason: inner.to_string(),
        },
        keyring::Error::PlatformFailure(inner) => SecretError::Unavailable {
            reason: inner.to_string(),
        },
        other => SecretError::Failed {
            action,
            id: id.as_str().to_string(),
            reason: other.to_string(),
        },
    }
}

impl SecretStore for KeyringStore {
    fn put(&self, id: &SecretId, value: &Sensitive<String>) -> Result<(), SecretError> {
        self.entry(id, "store")?
            .set_password(value.expose())
            .map_err(|e| map_keyring(e, "store", id))
    }

    fn get(&self, id: &SecretId) -> Result<Option<Sensitive<String>>, SecretError> {
        match self.entry(id, "read")?.get_password() {
            Ok(value) => Ok(Some(Sensitive::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e, "read", id)),
        }
    }

    fn delete(&self, id: &SecretId) -> Result<(), SecretError> {
        match self.entry(id, "delete")?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e, "delete", id)),
        }
    }
}

/// In-memory store behind the same trait, for unit tests of code that needs secrets.
#[derive(Debug, Default)]
pub struct MemoryStore {
    values: std::sync::Mutex<std::collections::HashMap<SecretId, Sensitive<String>>>,
}

impl MemoryStore {
    fn values(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<SecretId, Sensitive<String>>> {
        self.values.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn put(&self, id: &SecretId, value: &Sensitive<String>) -> Result<(), SecretError> {
        self.values().insert(id.clone(), value.clone());
        Ok(())
    }

    fn get(&self, id: &SecretId) -> Result<Option<Sensitive<String>>, SecretError> {
        Ok(self.values().get(id).cloned())
    }

    fn delete(&self, id: &SecretId) -> Result<(), SecretError> {
        self.values().remove(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let key = Sensitive::new("sk-canary-123".to_string());
        assert_eq!(format!("{key:?}"), "<redacted>");
        assert_eq!(format!("{key}"), "<redacted>");
        assert_eq!(format!("{:#?}", Some(&key)), "Some(\n    <redacted>,\n)");
        assert_eq!(key.expose(), "sk-canary-123");
    }

    #[test]
    fn nested_in_a_derived_debug_it_stays_redacted() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Credentials {
            client_id: String,
            client_secret: Sensitive<String>,
        }
        let c = Credentials {
            client_id: "app".into(),
            client_secret: "hunter2".to_string().into(),
        };
        let printed = format!("{c:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn deserialises_from_input() {
        let s: Sensitive<String> = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(s.expose(), "abc");
    }

    fn round_trip(store: &dyn SecretStore) {
        let id = SecretId::new();
        assert!(store.get(&id).unwrap().is_none());
        let value = Sensitive::new("canary-\u{1F511}-key".to_string());
        store.put(&id, &value).unwrap();
        assert_eq!(store.get(&id).unwrap().unwrap().expose(), value.expose());
        store
            .put(&id, &Sensitive::new("rotated".to_string()))
            .unwrap();
        assert_eq!(store.get(&id).unwrap().unwrap().expose(), "rotated");
        store.delete(&id).unwrap();
        assert!(store.get(&id).unwrap().is_none());
        store.delete(&id).unwrap();
    }

    #[test]
    fn memory_store_round_trip() {
        round_trip(&MemoryStore::default());
    }

    /// Uses the real Secret Service: `make test` runs the suite inside `dbus-run-session` with a
    /// private, unlocked gnome-keyring (scripts/with-keyring.sh).
    #[test]
    fn keyring_store_round_trip_on_the_real_secret_service() {
        let store = KeyringStore::new(format!("gateway-studio-test-{}", uuid::Uuid::new_v4()));
        if let Err(e) = store.get(&SecretId::new()) {
            panic!(
                "no usable keyring: {e}. Run the tests with `make test-rust`, which provides one."
            );
        }
        round_trip(&store);
    }

    /// With no Secret Service on the bus, every call fails with `Unavailable` and a message
    /// that says what to start. Runs itself in a child process whose D-Bus address leads
    /// nowhere, so the environment of the other tests is untouched.
    #[test]
    fn an_unreachable_keyring_is_reported_as_unavailable() {
        const CHILD: &str = "GATEWAY_STUDIO_KEYRING_PROBE_CHILD";
        if std::env::var_os(CHILD).is_some() {
            let store = KeyringStore::new("gateway-studio-test-unreachable");
            let err = store
                .put(&SecretId::new(), &Sensitive::new("v".to_string()))
                .unwrap_err();
            assert!(matches!(err, SecretError::Unavailable { .. }), "{err:?}");
            let message = err.to_string();
            assert!(message.contains("GNOME Keyring or KWallet"), "{message}");
            assert!(message.contains("Nothing was saved"), "{message}");
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "secrets::tests::an_unreachable_keyring_is_reported_as_unavailable",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/gateway-studio-test-bus",
            )
            .env_remove("DISPLAY")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "child failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn secret_ids_are_unique_and_reveal_nothing() {
        let (a, b) = (SecretId::new(), SecretId::new());
        assert_ne!(a, b);
        assert!(a.as_str().starts_with("secret-"));
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            format!("\"{}\"", a.as_str())
        );
    }

    // `Sensitive<T>` must not implement `Serialize`. The probe resolves to the inherent
    // constant (true) only when the trait is implemented, otherwise to the trait's (false);
    // the assertions run at compile time, so adding the impl breaks the build of the tests.
    struct Probe<T>(std::marker::PhantomData<T>);
    trait NotSerialize {
        const IS_SERIALIZE: bool = false;
    }
    impl<T> NotSerialize for Probe<T> {}
    #[allow(dead_code)]
    impl<T: serde::Serialize> Probe<T> {
        const IS_SERIALIZE: bool = true;
    }
    const _: () = assert!(Probe::<String>::IS_SERIALIZE, "the probe itself works");
    const _: () = assert!(
        !Probe::<Sensitive<String>>::IS_SERIALIZE,
        "Sensitive<T> must not be serialisable"
    );
}
