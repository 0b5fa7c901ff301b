//! Secrets in memory. `Sensitive<T>` wraps a value that must never reach a log, a trace, an
//! export, an error message or the clipboard unmasked.
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
