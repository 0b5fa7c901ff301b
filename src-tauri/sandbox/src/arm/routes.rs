//! One handler for every ARM path: it splits the path (ARM's fixed segments such as
//! `resourceGroups`, `providers`, `Microsoft.CognitiveServices` match in any case, as in Azure),
//! then enforces in ARM's order:
//!
//! 1. `Authorization: Bearer <world token>` (401 `AuthenticationFailed` /
//!    `InvalidAuthenticationToken`, with `WWW-Authenticate`);
//! 2. a path ARM serves (404) and a method it serves there (405);
//! 3. `api-version` present (400 `MissingApiVersionParameter`) and date-shaped
//!    (400 `InvalidApiVersionParameter`);
//! 4. the subscription (400 `InvalidSubscriptionId`, 404 `SubscriptionNotFound`), for
//!    subscription and resource-group routes the Microsoft.Resources api-version
//!    (400 `InvalidApiVersionParameter`), the resource group (404 `ResourceGroupNotFound`);
//! 5. for `Microsoft.CognitiveServices` routes the api-version registered for the resource type
//!    (400 `NoRegisteredProviderFound`, naming the resource group's location), then the parents
//!    (404 `ParentResourceNotFound`) or the resource itself (404 `ResourceNotFound` for accounts
//!    and projects, `NotFound` for deployments and connections);
//! 6. the connection name pattern (400), then the operation and its body.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::Value;
use url::Url;

use super::connections::Scope;
use super::errors::{ArmError, ArmResult};
use super::paging::{self, ListRequest};
use super::resources::{self, PROVIDER};
use super::spec::ConnectionSpec;
use super::validate;
use crate::dialect::{self, Dialect};
use crate::faults::Route;
use crate::server::ServerSpec;
use crate::world::{ResourceGroup, Subscription, World, WorldData};

/// Largest body the handler reads (the recorder in front of it caps bodies too).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Microsoft.Resources versions for subscriptions and resource groups [I: a representative set
/// of the versions ARM serves for these types].
const RESOURCES_VERSIONS: &[&str] = &[
    "2025-04-01",
    "2024-11-01",
    "2024-07-01",
    "2024-03-01",
    "2023-07-01",
    "2022-12-01",
    "2022-09-01",
    "2022-01-01",
    "2021-04-01",
    "2021-01-01",
    "2020-06-01",
    "2020-01-01",
    "2019-10-01",
    "2016-06-01",
];

/// CognitiveServices versions that have projects and connections (byo-gateway.md §2.2: the
/// TypeSpec versions plus the older hand-written ones the samples use).
const CONNECTION_VERSIONS: &[&str] = &[
    "2025-04-01-preview",
    "2025-06-01",
    "2025-10-01-preview",
    "2025-12-01",
    "2026-01-15-preview",
    "2026-03-01",
    "2026-03-15-preview",
    "2026-05-01",
    "2026-07-01-preview",
];

/// Older CognitiveServices versions that serve deployments (the APIM guide's discovery rewrite
/// uses `2023-05-01`) [I: list].
const DEPLOYMENT_ONLY_VERSIONS: &[&str] = &[
    "2021-10-01",
    "2022-03-01",
    "2022-10-01",
    "2022-12-01",
    "2023-05-01",
    "2023-10-01-preview",
    "2024-04-01-preview",
    "2024-06-01-preview",
    "2024-10-01",
];

/// Older CognitiveServices versions that serve accounts only [I: list].
const ACCOUNT_ONLY_VERSIONS: &[&str] = &["2017-04-18", "2021-04-30"];

const ACCOUNTS: &str = "accounts";
const PROJECTS: &str = "accounts/projects";
pub(super) const ACCOUNT_CONNECTIONS: &str = "accounts/connections";
pub(super) const PROJECT_CONNECTIONS: &str = "accounts/projects/connections";
const DEPLOYMENTS: &str = "accounts/deployments";

/// What a connection item serves.
pub(super) const CONNECTION_METHODS: &[&str] = &["GET", "PUT", "PATCH", "DELETE"];

/// Versions the provider registered for a resource type (ARM's short form, e.g.
/// `accounts/projects/connections`).
fn provider_versions(resource_type: &str) -> Vec<&'static str> {
    let mut versions: Vec<&'static str> = CONNECTION_VERSIONS.to_vec();
    if resource_type == DEPLOYMENTS || resource_type == ACCOUNTS {
        versions.extend(DEPLOYMENT_ONLY_VERSIONS);
    }
    if resource_type == ACCOUNTS {
        versions.extend(ACCOUNT_ONLY_VERSIONS);
    }
    versions.sort_unstable_by(|a, b| b.cmp(a));
    versions
}

/// The emulator's shared state.
pub(super) struct ArmState {
    pub(super) world: World,
    pub(super) spec: ConnectionSpec,
    page_size: usize,
    /// Set once the server is bound; `nextLink`s point at it.
    base_url: OnceLock<Url>,
}

impl ArmState {
    pub(super) fn new(world: World, spec: ConnectionSpec, page_size: usize) -> Self {
        Self {
            world,
            spec,
            page_size: page_size.max(1),
            base_url: OnceLock::new(),
        }
    }

    pub(super) fn set_base_url(&self, url: Url) {
        let _ = self.base_url.set(url);
    }
}

pub(super) fn server_spec(state: Arc<ArmState>) -> ServerSpec {
    ServerSpec {
        app: Router::new().fallback(handle).with_state(state),
        dialect: Dialect::Azure,
        classify,
    }
}

/// Every ARM request is one kind for the fault knobs.
fn classify(_path: &str) -> Route {
    Route::Arm
}

/// One request, read.
pub(super) struct Call<'a> {
    pub(super) method: &'a str,
    /// Still percent-encoded.
    pub(super) path: &'a str,
    pub(super) query: &'a str,
    pub(super) headers: &'a HeaderMap,
    pub(super) body: &'a [u8],
}

impl Call<'_> {
    pub(super) fn query_value(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }
}

async fn handle(State(state): State<Arc<ArmState>>, request: Request) -> Response {
    let (parts, request_body) = request.into_parts();
    let Ok(bytes) = body::to_bytes(request_body, MAX_BODY).await else {
        return ArmError::invalid_content("the request body could not be read").into_response();
    };
    let call = Call {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        headers: &parts.headers,
        body: &bytes,
    };
    state.serve(&call).unwrap_or_else(ArmError::into_response)
}

/// A Foundry account named in a path.
#[derive(Clone, Debug)]
struct AccountRef {
    subscription: String,
    group: String,
    account: String,
}

/// What a path names.
#[derive(Debug)]
enum Target {
    Subscriptions,
    Subscription(String),
    ResourceGroups(String),
    ResourceGroup(String, String),
    Accounts {
        subscription: String,
        group: Option<String>,
    },
    Account(AccountRef),
    Projects(AccountRef),
    Project(AccountRef, String),
    Connections(Scope),
    Connection(Scope, String),
    Deployments(AccountRef),
    Deployment(AccountRef, String),
    /// A `Microsoft.CognitiveServices` type the emulator does not serve, e.g. `accounts/skus`.
    UnknownType(String),
    /// A provider other than `Microsoft.CognitiveServices`.
    UnknownNamespace(String),
}

impl Target {
    fn methods(&self) -> &'static [&'static str] {
        match self {
            Target::Connection(..) => CONNECTION_METHODS,
            Target::UnknownType(_) | Target::UnknownNamespace(_) => {
                &["GET", "PUT", "PATCH", "DELETE", "POST", "HEAD"]
            }
            _ => &["GET"],
        }
    }

    /// The provider resource type, `None` for Microsoft.Resources routes.
    fn resource_type(&self) -> Option<&'static str> {
        match self {
            Target::Subscriptions
            | Target::Subscription(_)
            | Target::ResourceGroups(_)
            | Target::ResourceGroup(..) => None,
            Target::Accounts { .. } | Target::Account(_) => Some(ACCOUNTS),
            Target::Projects(_) | Target::Project(..) => Some(PROJECTS),
            Target::Connections(scope) | Target::Connection(scope, _) => {
                Some(scope.resource_type())
            }
            Target::Deployments(_) | Target::Deployment(..) => Some(DEPLOYMENTS),
            Target::UnknownType(_) | Target::UnknownNamespace(_) => Some(ACCOUNTS),
        }
    }

    fn supported_versions(&self) -> Vec<&'static str> {
        self.resource_type()
            .map_or_else(|| RESOURCES_VERSIONS.to_vec(), provider_versions)
    }
}

fn keyword(segment: &str, word: &str) -> bool {
    segment.eq_ignore_ascii_case(word)
}

/// Decodes `%XX` in a path segment (names may arrive encoded).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            // Both digits are below 16, so the byte fits.
            out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse(path: &str) -> Option<Target> {
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let sub = |id: &str| id.to_string();
    match s.as_slice() {
        [subs] if keyword(subs, "subscriptions") => Some(Target::Subscriptions),
        [subs, id] if keyword(subs, "subscriptions") => Some(Target::Subscription(sub(id))),
        [subs, id, groups]
            if keyword(subs, "subscriptions") && keyword(groups, "resourceGroups") =>
        {
            Some(Target::ResourceGroups(sub(id)))
        }
        [subs, id, groups, group]
            if keyword(subs, "subscriptions") && keyword(groups, "resourceGroups") =>
        {
            Some(Target::ResourceGroup(sub(id), group.to_string()))
        }
        [subs, id, providers, namespace, rest @ ..]
            if keyword(subs, "subscriptions") && keyword(providers, "providers") =>
        {
            provider_target(id, None, namespace, rest)
        }
        [subs, id, groups, group, providers, namespace, rest @ ..]
            if keyword(subs, "subscriptions")
                && keyword(groups, "resourceGroups")
                && keyword(providers, "providers") =>
        {
            provider_target(id, Some(group), namespace, rest)
        }
        _ => None,
    }
}

fn provider_target(
    subscription: &str,
    group: Option<&str>,
    namespace: &str,
    rest: &[&str],
) -> Option<Target> {
    if !keyword(namespace, PROVIDER) {
        return Some(Target::UnknownNamespace(namespace.to_string()));
    }
    let Some(group) = group else {
        // Accounts can be listed per subscription; everything else needs a resource group.
        return match rest {
            [accounts] if keyword(accounts, "accounts") => Some(Target::Accounts {
                subscription: subscription.to_string(),
                group: None,
            }),
            _ => None,
        };
    };
    let account = |name: &str| AccountRef {
        subscription: subscription.to_string(),
        group: group.to_string(),
        account: name.to_string(),
    };
    let scope = |name: &str, project: Option<&str>| Scope {
        subscription: subscription.to_string(),
        group: group.to_string(),
        account: name.to_string(),
        project: project.map(str::to_string),
    };
    let target = match rest {
        [accounts] if keyword(accounts, "accounts") => Target::Accounts {
            subscription: subscription.to_string(),
            group: Some(group.to_string()),
        },
        [accounts, a] if keyword(accounts, "accounts") => Target::Account(account(a)),
        [accounts, a, projects]
            if keyword(accounts, "accounts") && keyword(projects, "projects") =>
        {
            Target::Projects(account(a))
        }
        [accounts, a, projects, p]
            if keyword(accounts, "accounts") && keyword(projects, "projects") =>
        {
            Target::Project(account(a), p.to_string())
        }
        [accounts, a, projects, p, connections]
            if keyword(accounts, "accounts")
                && keyword(projects, "projects")
                && keyword(connections, "connections") =>
        {
            Target::Connections(scope(a, Some(p)))
        }
        [accounts, a, projects, p, connections, c]
            if keyword(accounts, "accounts")
                && keyword(projects, "projects")
                && keyword(connections, "connections") =>
        {
            Target::Connection(scope(a, Some(p)), c.to_string())
        }
        [accounts, a, connections]
            if keyword(accounts, "accounts") && keyword(connections, "connections") =>
        {
            Target::Connections(scope(a, None))
        }
        [accounts, a, connections, c]
            if keyword(accounts, "accounts") && keyword(connections, "connections") =>
        {
            Target::Connection(scope(a, None), c.to_string())
        }
        [accounts, a, deployments]
            if keyword(accounts, "accounts") && keyword(deployments, "deployments") =>
        {
            Target::Deployments(account(a))
        }
        [accounts, a, deployments, d]
            if keyword(accounts, "accounts") && keyword(deployments, "deployments") =>
        {
            Target::Deployment(account(a), d.to_string())
        }
        // Types are the segments at even positions: accounts/{a}/skus -> accounts/skus.
        _ => Target::UnknownType(
            rest.iter()
                .step_by(2)
                .copied()
                .collect::<Vec<_>>()
                .join("/"),
        ),
    };
    Some(target)
}

pub(super) fn ok(body: Value) -> Response {
    dialect::json(StatusCode::OK, body)
}

fn find_subscription<'a>(data: &'a WorldData, id: &str) -> ArmResult<&'a Subscription> {
    if !validate::is_uuid(id) {
        return Err(ArmError::invalid_subscription_id(id));
    }
    data.subscription(id)
        .ok_or_else(|| ArmError::subscription_not_found(id))
}

pub(super) fn find_group<'a>(
    data: &'a WorldData,
    subscription: &str,
    group: &str,
) -> ArmResult<(&'a Subscription, &'a ResourceGroup)> {
    let subscription = find_subscription(data, subscription)?;
    let group = subscription
        .resource_group(group)
        .ok_or_else(|| ArmError::resource_group_not_found(group))?;
    Ok((subscription, group))
}

/// Every location of the world, for ARM's "supported locations".
fn locations(data: &WorldData) -> Vec<String> {
    let mut found: Vec<String> = data
        .subscriptions
        .iter()
        .flat_map(|s| &s.resource_groups)
        .flat_map(|g| {
            std::iter::once(g.location.to_ascii_lowercase())
                .chain(g.accounts.iter().map(|a| a.location.to_ascii_lowercase()))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// `YYYY-MM-DD` with an optional `-suffix` (`-preview`, `-beta`, ...).
fn well_formed_version(version: &str) -> bool {
    let (date, suffix) = match version.get(10..) {
        Some(rest) if !rest.is_empty() => (&version[..10], Some(rest)),
        _ => (version, None),
    };
    let date_ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let suffix_ok = suffix.is_none_or(|s| {
        s.len() > 1 && s.starts_with('-') && s[1..].bytes().all(|b| b.is_ascii_alphanumeric())
    });
    date_ok && suffix_ok
}

impl ArmState {
    fn serve(&self, call: &Call<'_>) -> ArmResult<Response> {
        self.authenticate(call.headers)?;
        let target = parse(call.path).ok_or_else(|| ArmError::no_route(call.method, call.path))?;
        let allowed = target.methods();
        if !allowed.contains(&call.method) {
            return Err(ArmError::method_not_allowed(
                call.method,
                call.path,
                allowed,
            ));
        }
        let version = call
            .query_value("api-version")
            .filter(|v| !v.is_empty())
            .ok_or_else(ArmError::missing_api_version)?;
        if !well_formed_version(&version) {
            return Err(ArmError::invalid_api_version(
                &version,
                &target.supported_versions(),
            ));
        }
        match target {
            Target::Subscriptions => {
                resources_version(&version)?;
                let data = self.world.lock();
                let items = data
                    .subscriptions
                    .iter()
                    .map(|s| {
                        resources::subscription(
                            &s.subscription_id,
                            &s.display_name,
                            &data.tenant_id,
                        )
                    })
                    .collect();
                drop(data);
                self.list(items, call)
            }
            Target::Subscription(id) => {
                resources_version(&version)?;
                let data = self.world.lock();
                let subscription = find_subscription(&data, &id)?;
                Ok(ok(resources::subscription(
                    &subscription.subscription_id,
                    &subscription.display_name,
                    &data.tenant_id,
                )))
            }
            Target::ResourceGroups(id) => {
                let data = self.world.lock();
                let subscription = find_subscription(&data, &id)?;
                resources_version(&version)?;
                let items = subscription
                    .resource_groups
                    .iter()
                    .map(|g| resources::resource_group(&subscription.subscription_id, g))
                    .collect();
                drop(data);
                self.list(items, call)
            }
            Target::ResourceGroup(id, group) => {
                let data = self.world.lock();
                let subscription = find_subscription(&data, &id)?;
                resources_version(&version)?;
                let group = subscription
                    .resource_group(&group)
                    .ok_or_else(|| ArmError::resource_group_not_found(&group))?;
                Ok(ok(resources::resource_group(
                    &subscription.subscription_id,
                    group,
                )))
            }
            Target::Accounts {
                subscription,
                group,
            } => self.list_accounts(call, &version, &subscription, group.as_deref()),
            Target::Account(account) => self.get_account(&version, &account),
            Target::Projects(account) => self.projects(call, &version, &account, None),
            Target::Project(account, project) => {
                self.projects(call, &version, &account, Some(&project))
            }
            Target::Deployments(account) => self.deployments(call, &version, &account, None),
            Target::Deployment(account, name) => {
                self.deployments(call, &version, &account, Some(&name))
            }
            Target::Connections(scope) => self.connections(call, &version, &scope, None),
            Target::Connection(scope, name) => {
                self.connections(call, &version, &scope, Some(&name))
            }
            Target::UnknownType(resource_type) => {
                Err(ArmError::invalid_resource_type(&resource_type, &version))
            }
            Target::UnknownNamespace(namespace) => Err(ArmError::invalid_namespace(&namespace)),
        }
    }

    fn authenticate(&self, headers: &HeaderMap) -> ArmResult<()> {
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or_else(ArmError::missing_authorization)?;
        let value = value
            .to_str()
            .map_err(|_| ArmError::malformed_authorization())?;
        let (scheme, token) = value
            .trim()
            .split_once(' ')
            .ok_or_else(ArmError::malformed_authorization)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(ArmError::malformed_authorization());
        }
        if token != self.world.token() {
            return Err(ArmError::invalid_token());
        }
        Ok(())
    }

    /// `http://host:port` for `nextLink`s: the bound address, or the `Host` the client used if a
    /// request races the start-up.
    fn origin(&self, headers: &HeaderMap) -> String {
        if let Some(url) = self.base_url.get() {
            return url.as_str().trim_end_matches('/').to_string();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        format!("http://{host}")
    }

    pub(super) fn list(&self, items: Vec<Value>, call: &Call<'_>) -> ArmResult<Response> {
        let request = ListRequest {
            path: call.path,
            query: call.query,
        };
        let body = paging::page(items, self.page_size, &request, &self.origin(call.headers))?;
        Ok(ok(body))
    }

    /// The api-version check of provider routes, at the resource group's location.
    pub(super) fn provider_version(
        &self,
        data: &WorldData,
        resource_type: &str,
        version: &str,
        location: &str,
    ) -> ArmResult<()> {
        let supported = provider_versions(resource_type);
        if supported.iter().any(|v| v.eq_ignore_ascii_case(version)) {
            Ok(())
        } else {
            Err(ArmError::no_registered_provider(
                location,
                version,
                resource_type,
                &supported,
                &locations(data),
            ))
        }
    }

    fn list_accounts(
        &self,
        call: &Call<'_>,
        version: &str,
        subscription: &str,
        group: Option<&str>,
    ) -> ArmResult<Response> {
        let data = self.world.lock();
        let items: Vec<Value> = match group {
            Some(group) => {
                let (subscription, group) = find_group(&data, subscription, group)?;
                self.provider_version(&data, ACCOUNTS, version, &group.location)?;
                group
                    .accounts
                    .iter()
                    .map(|a| resources::account(&subscription.subscription_id, &group.name, a))
                    .collect()
            }
            None => {
                let subscription = find_subscription(&data, subscription)?;
                // A subscription-wide list has no resource group to take a location from [I].
                self.provider_version(&data, ACCOUNTS, version, "global")?;
                subscription
                    .resource_groups
                    .iter()
                    .flat_map(|g| {
                        g.accounts
                            .iter()
                            .map(|a| resources::account(&subscription.subscription_id, &g.name, a))
                    })
                    .collect()
            }
        };
        drop(data);
        self.list(items, call)
    }

    fn get_account(&self, version: &str, account: &AccountRef) -> ArmResult<Response> {
        let data = self.world.lock();
        let (subscription, group) = find_group(&data, &account.subscription, &account.group)?;
        self.provider_version(&data, ACCOUNTS, version, &group.location)?;
        let found = group.account(&account.account).ok_or_else(|| {
            ArmError::resource_not_found(
                &format!("{}/{}", resources::ACCOUNT_TYPE, account.account),
                &group.name,
            )
        })?;
        Ok(ok(resources::account(
            &subscription.subscription_id,
            &group.name,
            found,
        )))
    }

    fn projects(
        &self,
        call: &Call<'_>,
        version: &str,
        account: &AccountRef,
        project: Option<&str>,
    ) -> ArmResult<Response> {
        let data = self.world.lock();
        let (subscription, group) = find_group(&data, &account.subscription, &account.group)?;
        self.provider_version(&data, PROJECTS, version, &group.location)?;
        let sub = &subscription.subscription_id;
        let found = group.account(&account.account).ok_or_else(|| {
            ArmError::parent_not_found(
                "read",
                PROJECTS,
                &resources::account_id(sub, &group.name, &account.account),
            )
        })?;
        let Some(project) = project else {
            let items = found
                .projects
                .iter()
                .map(|p| resources::project(sub, &group.name, found, p))
                .collect();
            drop(data);
            return self.list(items, call);
        };
        let one = found.project(project).ok_or_else(|| {
            ArmError::resource_not_found(
                &format!(
                    "{}/{}/projects/{project}",
                    resources::ACCOUNT_TYPE,
                    found.name
                ),
                &group.name,
            )
        })?;
        Ok(ok(resources::project(sub, &group.name, found, one)))
    }

    fn deployments(
        &self,
        call: &Call<'_>,
        version: &str,
        account: &AccountRef,
        name: Option<&str>,
    ) -> ArmResult<Response> {
        let data = self.world.lock();
        let (subscription, group) = find_group(&data, &account.subscription, &account.group)?;
        self.provider_version(&data, DEPLOYMENTS, version, &group.location)?;
        let sub = &subscription.subscription_id;
        let found = group.account(&account.account).ok_or_else(|| {
            ArmError::parent_not_found(
                "read",
                DEPLOYMENTS,
                &resources::account_id(sub, &group.name, &account.account),
            )
        })?;
        let account_id = resources::account_id(sub, &group.name, &found.name);
        let Some(name) = name else {
            let items = found
                .deployments
                .iter()
                .map(|d| resources::deployment(&account_id, d))
                .collect();
            drop(data);
            return self.list(items, call);
        };
        let one = found.deployment(name).ok_or_else(|| {
            ArmError::child_not_found(&format!("{account_id}/deployments/{name}"))
        })?;
        Ok(ok(resources::deployment(&account_id, one)))
    }
}

fn resources_version(version: &str) -> ArmResult<()> {
    if RESOURCES_VERSIONS
        .iter()
        .any(|v| v.eq_ignore_ascii_case(version))
    {
        Ok(())
    } else {
        Err(ArmError::invalid_api_version(version, RESOURCES_VERSIONS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_case_insensitive() {
        let path = "/SUBSCRIPTIONS/s/ResourceGroups/g/PROVIDERS/microsoft.cognitiveservices/Accounts/a/Projects/p/Connections/c";
        match parse(path) {
            Some(Target::Connection(scope, name)) => {
                assert_eq!(scope.account, "a");
                assert_eq!(scope.project.as_deref(), Some("p"));
                assert_eq!(name, "c");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse("/subscriptions/s/providers/Microsoft.CognitiveServices/accounts"),
            Some(Target::Accounts { group: None, .. })
        ));
        assert!(matches!(
            parse("/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a/skus"),
            Some(Target::UnknownType(t)) if t == "accounts/skus"
        ));
        assert!(matches!(
            parse("/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts"),
            Some(Target::UnknownNamespace(_))
        ));
        assert!(parse("/tenants").is_none());
        match parse(
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a/connections/a%2Eb",
        ) {
            Some(Target::Connection(_, name)) => assert_eq!(name, "a.b"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn api_version_shapes() {
        assert!(well_formed_version("2026-05-01"));
        assert!(well_formed_version("2025-04-01-preview"));
        assert!(!well_formed_version("2026-5-1"));
        assert!(!well_formed_version("latest"));
        assert!(!well_formed_version("2026-05-01-"));
    }
}
