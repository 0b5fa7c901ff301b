//! Sign-in against real processes and real sockets: a fake `az` script on `PATH` (answering
//! like Azure CLI 2.6x does, errors included) and a loopback HTTPS token endpoint with a test CA
//! for the service principal.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::*;
use crate::net::ProxySettings;
use crate::net::tests::{client, pki, reply, serve};

const SCOPE: &str = "https://management.azure.com/.default";

/// A folder with an `az` that logs its arguments to `calls` and answers by `mode`.
struct FakeAz {
    dir: tempfile::TempDir,
}

impl FakeAz {
    fn new(mode: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let script = r#"#!/bin/sh
dir=$(dirname "$0")
echo "$*" >> "$dir/calls"
mode=$(cat "$dir/mode")
now=$(date +%s)
case "$1 $2" in
  "account get-access-token")
    n=$(grep -c get-access-token "$dir/calls")
    case "$mode" in
      ok) printf '{"accessToken":"cli-token-%s","expiresOn":"x","expires_on":%s,"subscription":"s","tenant":"t","tokenType":"Bearer"}' "$n" $((now + 3600)) ;;
      soon) printf '{"accessToken":"cli-token-%s","expiresOn":"x","expires_on":%s,"subscription":"s","tenant":"t","tokenType":"Bearer"}' "$n" $((now + 60)) ;;
      loggedout) echo "ERROR: Please run 'az login' to setup account." >&2; exit 1 ;;
      expired) echo "ERROR: AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2026-01-01 and was inactive for 90.00:00:00." >&2; echo "Interactive authentication is needed. Please run: az login --scope https://management.azure.com/.default" >&2; exit 1 ;;
      tenant) echo "ERROR: AADSTS90002: Tenant 'wrong-tenant' not found. Check to make sure you have the correct tenant ID." >&2; exit 1 ;;
    esac ;;
  "account show")
    printf '{"environmentName":"AzureCloud","id":"sub-1","name":"Contoso Dev","tenantId":"tid-1","user":{"name":"ada@contoso.com","type":"user"}}' ;;
esac
"#;
        let az = dir.path().join("az");
        std::fs::write(&az, script).unwrap();
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(dir.path().join("calls"), "").unwrap();
        let fake = Self { dir };
        fake.set_mode(mode);
        fake
    }

    fn set_mode(&self, mode: &str) {
        std::fs::write(self.dir.path().join("mode"), mode).unwrap();
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn token_calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("calls"))
            .unwrap()
            .lines()
            .filter(|l| l.contains("get-access-token"))
            .map(str::to_string)
            .collect()
    }

    fn shell(&self) -> Shell {
        Shell::with_path_first(self.path())
    }
}

fn http() -> HttpClient {
    client(true, ProxySettings::default())
}

fn cli(tenant: Option<&str>, shell: Shell) -> Arc<dyn TokenSource> {
    credential(
        &SignInMethod::AzureCli {
            tenant_id: tenant.map(str::to_string),
        },
        "https://login.microsoftonline.com",
        None,
        &http(),
        shell,
        None,
    )
    .expect("credential")
}

fn code(error: &CredentialError) -> &'static str {
    error.code()
}

#[tokio::test]
async fn azure_cli_tokens_are_cached_per_scope_until_shortly_before_they_expire() {
    let az = FakeAz::new("ok");
    let source = cli(None, az.shell());
    let first = source.token(SCOPE).await.expect("a token");
    let second = source.token(SCOPE).await.expect("a token");
    assert_eq!(first.expose(), "cli-token-1");
    assert_eq!(second.expose(), "cli-token-1", "the second call is cached");
    assert_eq!(az.token_calls().len(), 1, "az ran once");
    assert!(az.token_calls()[0].contains(&format!("--scope {SCOPE}")));

    // Another scope is another token.
    source.token("https://ai.azure.com/.default").await.unwrap();
    assert_eq!(az.token_calls().len(), 2);

    // A token that expires within five minutes is not reused.
    let az = FakeAz::new("soon");
    let source = cli(None, az.shell());
    source.token(SCOPE).await.unwrap();
    let again = source.token(SCOPE).await.unwrap();
    assert_eq!(again.expose(), "cli-token-2");
    assert_eq!(az.token_calls().len(), 2);
}

#[tokio::test]
async fn the_tenant_is_passed_to_az() {
    let az = FakeAz::new("ok");
    cli(Some("contoso.onmicrosoft.com"), az.shell())
        .token(SCOPE)
        .await
        .unwrap();
    assert!(
        az.token_calls()[0].contains("--tenant contoso.onmicrosoft.com"),
        "{:?}",
        az.token_calls()
    );
}

#[tokio::test]
async fn a_missing_az_says_to_install_it() {
    let empty = tempfile::tempdir().unwrap();
    let error = cli(None, Shell::with_path_only(empty.path()))
        .token(SCOPE)
        .await
        .expect_err("no az");
    assert_eq!(code(&error), "az-missing", "{error}");
    let text = error.to_string();
    assert!(text.contains("install-azure-cli"), "{text}");
    assert!(text.contains("`az login`"), "{text}");
}

#[tokio::test]
async fn logged_out_and_expired_logins_say_to_run_az_login() {
    for mode in ["loggedout", "expired"] {
        let az = FakeAz::new(mode);
        let error = cli(Some("contoso.onmicrosoft.com"), az.shell())
            .token(SCOPE)
            .await
            .expect_err(mode);
        assert_eq!(code(&error), "az-login-needed", "{mode}: {error}");
        assert!(
            error
                .to_string()
                .contains("`az login --tenant contoso.onmicrosoft.com`"),
            "{mode}: {error}"
        );
    }
    // Without a tenant, plain `az login`.
    let az = FakeAz::new("loggedout");
    let error = cli(None, az.shell()).token(SCOPE).await.unwrap_err();
    assert!(
        error.to_string().contains("Run `az login`, then"),
        "{error}"
    );
}

#[tokio::test]
async fn a_wrong_tenant_names_it_and_the_login_for_it() {
    let az = FakeAz::new("tenant");
    let error = cli(Some("wrong-tenant"), az.shell())
        .token(SCOPE)
        .await
        .unwrap_err();
    assert_eq!(code(&error), "az-wrong-tenant", "{error}");
    let text = error.to_string();
    assert!(text.contains("tenant wrong-tenant"), "{text}");
    assert!(text.contains("`az login --tenant wrong-tenant`"), "{text}");
}

#[tokio::test]
async fn who_am_i_reads_the_cli_account() {
    let az = FakeAz::new("ok");
    let method = SignInMethod::AzureCli { tenant_id: None };
    let source = cli(None, az.shell());
    let identity = who_am_i(&method, source.as_ref(), SCOPE, &az.shell())
        .await
        .unwrap();
    assert_eq!(
        identity,
        Identity {
            source: "Azure CLI".into(),
            account: Some("ada@contoso.com".into()),
            tenant_id: Some("tid-1".into()),
            subscription: Some("Contoso Dev".into()),
        }
    );
    // A broken sign-in fails here, with its fix, rather than naming nobody.
    az.set_mode("loggedout");
    let source = cli(None, az.shell());
    let error = who_am_i(&method, source.as_ref(), SCOPE, &az.shell())
        .await
        .unwrap_err();
    assert_eq!(code(&error), "az-login-needed");
}

#[tokio::test]
async fn developer_tools_use_the_cli_first() {
    let az = FakeAz::new("ok");
    let source = credential(
        &SignInMethod::DeveloperTools { tenant_id: None },
        "https://login.microsoftonline.com",
        None,
        &http(),
        az.shell(),
        None,
    )
    .unwrap();
    assert_eq!(source.token(SCOPE).await.unwrap().expose(), "cli-token-1");
    assert_eq!(source.describe(), "Developer tools");
}

fn service_principal(authority: &str, secret: &str) -> Arc<dyn TokenSource> {
    credential(
        &SignInMethod::ServicePrincipal {
            tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
            client_id: "5b0c6f3e-8a1d-4c2b-9e7f-1a2b3c4d5e6f".into(),
        },
        authority,
        Some(Sensitive::new(secret.to_string())),
        &http(),
        Shell::default(),
        None,
    )
    .expect("credential")
}

/// An Entra-like token endpoint over TLS: a token for the right secret, AADSTS7000215 otherwise.
async fn token_endpoint() -> crate::net::tests::Server {
    serve(Some(pki().localhost.clone()), |seen| {
        let body = String::from_utf8_lossy(&seen.body).to_string();
        if seen.method == "POST"
            && seen
                .target
                .ends_with("/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token")
            && body.contains("grant_type=client_credentials")
            && body.contains("client_secret=right-secret")
        {
            reply(
                200,
                &[("Content-Type", "application/json")],
                br#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"sp-token"}"#,
            )
        } else {
            reply(
                401,
                &[("Content-Type", "application/json")],
                br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.","error_codes":[7000215]}"#,
            )
        }
    })
    .await
}

fn authority(server: &crate::net::tests::Server) -> String {
    let url = server.https("/");
    url.as_str().trim_end_matches('/').to_string()
}

#[tokio::test]
async fn a_service_principal_gets_tokens_through_the_apps_http_client_and_caches_them() {
    let server = token_endpoint().await;
    let source = service_principal(&authority(&server), "right-secret");
    assert_eq!(source.token(SCOPE).await.unwrap().expose(), "sp-token");
    assert_eq!(source.token(SCOPE).await.unwrap().expose(), "sp-token");
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "the second token came from the cache");
    let body = String::from_utf8_lossy(&seen[0].body);
    assert!(
        body.contains("scope=https%3A%2F%2Fmanagement.azure.com%2F.default"),
        "{body}"
    );
    assert!(
        body.contains("client_id=5b0c6f3e-8a1d-4c2b-9e7f-1a2b3c4d5e6f"),
        "{body}"
    );
}

/// A service principal's token requests reach the trace, with neither the secret nor the
/// token in them; the refused one too.
#[tokio::test]
async fn a_service_principal_s_token_requests_are_traced_redacted() {
    let server = token_endpoint().await;
    let seen: Arc<std::sync::Mutex<Vec<crate::trace::TraceExchange>>> = Arc::default();
    let traced = |secret: &str| {
        let seen = seen.clone();
        credential(
            &SignInMethod::ServicePrincipal {
                tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
                client_id: "5b0c6f3e-8a1d-4c2b-9e7f-1a2b3c4d5e6f".into(),
            },
            &authority(&server),
            Some(Sensitive::new(secret.to_string())),
            &http(),
            Shell::default(),
            Some(Arc::new(move |record| seen.lock().unwrap().push(record))),
        )
        .expect("credential")
    };
    assert_eq!(
        traced("right-secret").token(SCOPE).await.unwrap().expose(),
        "sp-token"
    );
    assert!(traced("wrong-secret-value").token(SCOPE).await.is_err());
    let records = seen.lock().unwrap().clone();
    assert!(records.len() >= 2, "{records:?}");
    assert!(
        records
            .iter()
            .all(|r| r.kind == crate::trace::TraceKind::Token
                && r.label == super::SIGN_IN_TOKEN_LABEL
                && r.url.ends_with("/oauth2/v2.0/token"))
    );
    assert_eq!(records[0].response.as_ref().map(|r| r.status), Some(200));
    let text = serde_json::to_string(&records).unwrap();
    for secret in ["right-secret", "wrong-secret-value", "sp-token"] {
        assert!(!text.contains(secret), "{secret} is in the trace: {text}");
    }
}

#[tokio::test]
async fn a_rejected_secret_is_named_without_the_secret() {
    let server = token_endpoint().await;
    let source = service_principal(&authority(&server), "wrong-secret-value");
    let error = source.token(SCOPE).await.unwrap_err();
    assert_eq!(code(&error), "sp-invalid-secret", "{error}");
    let text = error.to_string();
    assert!(text.contains("AADSTS7000215"), "{text}");
    assert!(
        !text.contains("wrong-secret-value"),
        "the secret leaked: {text}"
    );
}

#[tokio::test]
async fn an_unreachable_token_endpoint_names_the_authority_host() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let host = format!("https://localhost:{port}");
    let error = service_principal(&host, "right-secret")
        .token(SCOPE)
        .await
        .unwrap_err();
    assert_eq!(code(&error), "token-endpoint-unreachable", "{error}");
    assert!(error.to_string().contains(&host), "{error}");
}

#[tokio::test]
async fn a_service_principal_without_a_secret_is_refused_before_any_call() {
    let error = credential(
        &SignInMethod::ServicePrincipal {
            tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
            client_id: "app".into(),
        },
        "https://login.microsoftonline.com",
        None,
        &http(),
        Shell::default(),
        None,
    )
    .err()
    .expect("refused");
    assert_eq!(code(&error), "sp-secret-missing");
}
