//! Where Azure clients get their bearer tokens: the [`TokenSource`] trait, asked for one token
//! per scope (`https://management.azure.com/.default` for ARM), and [`StaticToken`], a token
//! handed to the app as it is (the sandbox's token, or `--access-token-env VAR` in a pipeline).
//! The `azure_identity` credentials (Azure CLI, service principal, developer tools) implement
//! the same trait, so the ARM client never knows which one it has.

use std::future::Future;
use std::pin::Pin;

use crate::secrets::Sensitive;

/// The future a [`TokenSource`] returns: boxed so the trait can be used as `Arc<dyn …>`.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Sensitive<String>, CredentialError>> + Send + 'a>>;

/// Something that hands out bearer tokens. Implementations cache as they see fit; the client
/// asks before every request, so a refreshed token is used as soon as there is one.
pub trait TokenSource: Send + Sync {
    /// A bearer token (without the `Bearer ` prefix) for `scope`, e.g.
    /// `https://management.azure.com/.default`.
    fn token<'a>(&'a self, scope: &'a str) -> TokenFuture<'a>;

    /// Where the token comes from, for messages: "the access token in $ARM_TOKEN",
    /// "Azure CLI (alice@contoso.com, tenant …)".
    fn describe(&self) -> String {
        "the access token".to_string()
    }

    /// What to do when the service rejects this source's token (401): the command or setting
    /// that gets a fresh one.
    fn when_rejected(&self) -> String {
        "Sign in again to get a fresh token.".to_string()
    }
}

/// Why no token could be had. Every message names the source and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// `resource` is the audience the token is for (`https://management.azure.com` for ARM,
    /// `https://ai.azure.com` for the Foundry data plane), so the command in the fix gets the
    /// right one.
    #[error(
        "the environment variable {var} is not set. Set it to an access token for {resource}, e.g. `export {var}=$(az account get-access-token --resource {resource} --query accessToken -o tsv)`"
    )]
    EnvVarMissing { var: String, resource: String },
    #[error(
        "the environment variable {var} is set but empty (or not UTF-8). Put an access token for {resource} in it, e.g. from `az account get-access-token --resource {resource} --query accessToken -o tsv`"
    )]
    EnvVarEmpty { var: String, resource: String },
    #[error("the access token given is empty: give the bearer token itself (without `Bearer `)")]
    Empty,
    /// Signing in failed for a known reason (`az` missing, login expired, wrong tenant, a
    /// rejected client secret); `code` names it for the UI, `fix` is the command or setting.
    #[error("{credential}: {reason}. {fix}")]
    SignIn {
        code: &'static str,
        credential: String,
        reason: String,
        fix: String,
    },
    /// A credential could not produce a token (the `azure_identity` sources report here).
    #[error("{credential} could not get a token for {scope}: {reason}. {fix}")]
    Unavailable {
        credential: String,
        scope: String,
        reason: String,
        fix: String,
    },
}

impl CredentialError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EnvVarMissing { .. } => "token-env-missing",
            Self::EnvVarEmpty { .. } => "token-env-empty",
            Self::Empty => "token-empty",
            Self::Unavailable { .. } => "credential-unavailable",
            Self::SignIn { code, .. } => code,
        }
    }

    /// The message without its fix, and the fix, for a caller that shows them apart (the
    /// window's error note, the CLI's `fix:` line). Messages that carry their fix inline
    /// have `None`.
    pub fn parts(&self) -> (String, Option<String>) {
        match self {
            Self::SignIn {
                credential,
                reason,
                fix,
                ..
            } => (format!("{credential}: {reason}"), Some(fix.clone())),
            Self::Unavailable {
                credential,
                scope,
                reason,
                fix,
            } => (
                format!("{credential} could not get a token for {scope}: {reason}"),
                Some(fix.clone()),
            ),
            other => (other.to_string(), None),
        }
    }
}

/// ARM's resource in the public cloud, for a given token whose purpose is not known.
const ARM_RESOURCE: &str = "https://management.azure.com";

/// One token for every scope, as given: the sandbox's token, or a pipeline's
/// (`--access-token-env VAR`). It never refreshes; when it expires, ARM answers 401 and the
/// hint says to get a new one.
#[derive(Debug, Clone)]
pub struct StaticToken {
    token: Sensitive<String>,
    /// The variable it was read from and the resource it is for, for messages.
    from_env: Option<FromEnv>,
}

#[derive(Debug, Clone)]
struct FromEnv {
    var: String,
    resource: String,
}

impl StaticToken {
    /// `token` is the bearer token; a pasted `Bearer ` prefix and surrounding whitespace (a
    /// trailing newline from a file or `$(…)`) are removed.
    pub fn new(token: Sensitive<String>) -> Result<Self, CredentialError> {
        let bare = bare_token(token.expose());
        if bare.is_empty() {
            return Err(CredentialError::Empty);
        }
        Ok(Self {
            token: Sensitive::new(bare.to_string()),
            from_env: None,
        })
    }

    /// The token in environment variable `var`, meant for `scope` (e.g.
    /// `https://ai.azure.com/.default`): the messages name the resource to get a token for.
    pub fn from_env(var: &str, scope: &str) -> Result<Self, CredentialError> {
        let from = FromEnv {
            var: var.to_string(),
            resource: resource_of(scope).to_string(),
        };
        let empty = |from: &FromEnv| CredentialError::EnvVarEmpty {
            var: from.var.clone(),
            resource: from.resource.clone(),
        };
        let value = match std::env::var(var) {
            Ok(value) => value,
            Err(std::env::VarError::NotPresent) => {
                return Err(CredentialError::EnvVarMissing {
                    var: from.var,
                    resource: from.resource,
                });
            }
            Err(std::env::VarError::NotUnicode(_)) => return Err(empty(&from)),
        };
        let mut token = Self::new(Sensitive::new(value)).map_err(|_| empty(&from))?;
        token.from_env = Some(from);
        Ok(token)
    }
}

/// `https://ai.azure.com/.default` → `https://ai.azure.com`: what `az account get-access-token
/// --resource` takes.
fn resource_of(scope: &str) -> &str {
    scope
        .strip_suffix("/.default")
        .or_else(|| scope.strip_suffix(".default"))
        .unwrap_or(scope)
}

/// The token without surrounding whitespace or a pasted `Bearer ` scheme.
fn bare_token(text: &str) -> &str {
    let text = text.trim();
    match text.split_once(char::is_whitespace) {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        None if text.eq_ignore_ascii_case("bearer") => "",
        _ => text,
    }
}

impl TokenSource for StaticToken {
    fn token<'a>(&'a self, _scope: &'a str) -> TokenFuture<'a> {
        let token = self.token.clone();
        Box::pin(async move { Ok(token) })
    }

    fn describe(&self) -> String {
        match &self.from_env {
            Some(from) => format!("the access token in ${}", from.var),
            None => "the access token given".to_string(),
        }
    }

    fn when_rejected(&self) -> String {
        let (resource, target) = match &self.from_env {
            Some(from) => (from.resource.as_str(), format!("put it in ${}", from.var)),
            None => (ARM_RESOURCE, "give it again".to_string()),
        };
        format!(
            "Get a fresh token (`az account get-access-token --resource {resource} --query accessToken -o tsv`, for the tenant of the subscription) and {target}; for a running `gateway-studio sandbox`, use the token its JSON line prints."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn static_token_is_trimmed_and_the_same_for_every_scope() {
        let token = StaticToken::new(Sensitive::new("  Bearer abc.def \n".into())).unwrap();
        for scope in [
            "https://management.azure.com/.default",
            "https://ai.azure.com/.default",
        ] {
            assert_eq!(token.token(scope).await.unwrap().expose(), "abc.def");
        }
        assert_eq!(format!("{token:?}").matches("abc.def").count(), 0);
        assert_eq!(
            StaticToken::new(Sensitive::new(" Bearer ".into())).unwrap_err(),
            CredentialError::Empty
        );
    }

    #[test]
    fn a_missing_variable_is_named_with_the_fix() {
        let var = "GATEWAY_STUDIO_TEST_TOKEN_THAT_IS_NEVER_SET";
        let err = StaticToken::from_env(var, "https://ai.azure.com/.default").unwrap_err();
        assert_eq!(err.code(), "token-env-missing");
        let text = err.to_string();
        assert!(
            text.contains(var)
                && text.contains("az account get-access-token --resource https://ai.azure.com "),
            "{text}"
        );
        let err = StaticToken::from_env(var, "https://management.usgovcloudapi.net/.default")
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("--resource https://management.usgovcloudapi.net "),
            "{err}"
        );
    }
}
