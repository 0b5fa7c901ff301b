//! Where things are in ARM: the names that address an account, a connection's parent, and the
//! URLs built from them (byo-gateway.md §2.1, §4.3). Names are percent-encoded one segment at a
//! time, so a name can never add a path segment or a query.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::connection::ConnectionScope;

pub(super) const PROVIDER: &str = "Microsoft.CognitiveServices";

/// A Foundry account, by the names in its resource id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountRef {
    pub subscription_id: String,
    pub resource_group: String,
    pub account: String,
}

impl AccountRef {
    pub fn new(
        subscription_id: impl Into<String>,
        resource_group: impl Into<String>,
        account: impl Into<String>,
    ) -> Self {
        Self {
            subscription_id: subscription_id.into(),
            resource_group: resource_group.into(),
            account: account.into(),
        }
    }

    /// `/subscriptions/{s}/resourceGroups/{g}`: the scope of roles that deploy connections.
    pub fn resource_group_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}",
            self.subscription_id, self.resource_group
        )
    }

    /// `…/providers/Microsoft.CognitiveServices/accounts/{a}`.
    pub fn id(&self) -> String {
        format!(
            "{}/providers/{PROVIDER}/accounts/{}",
            self.resource_group_id(),
            self.account
        )
    }

    pub(super) fn segments(&self) -> Vec<&str> {
        vec![
            "subscriptions",
            &self.subscription_id,
            "resourceGroups",
            &self.resource_group,
            "providers",
            PROVIDER,
            "accounts",
            &self.account,
        ]
    }
}

/// Where connections live: an account, or one of its projects.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionParent {
    pub account: AccountRef,
    /// `None`: account-level connections, shared by every project of the account.
    pub project: Option<String>,
}

impl ConnectionParent {
    /// The account's own connections.
    pub fn account(account: AccountRef) -> Self {
        Self {
            account,
            project: None,
        }
    }

    /// A project's connections.
    pub fn project(account: AccountRef, project: impl Into<String>) -> Self {
        Self {
            account,
            project: Some(project.into()),
        }
    }

    pub fn scope(&self) -> ConnectionScope {
        match self.project {
            Some(_) => ConnectionScope::Project,
            None => ConnectionScope::Account,
        }
    }

    /// The parent's resource id (the account's, or the project's).
    pub fn id(&self) -> String {
        match &self.project {
            Some(project) => format!("{}/projects/{project}", self.account.id()),
            None => self.account.id(),
        }
    }

    pub(super) fn segments(&self) -> Vec<&str> {
        let mut segments = self.account.segments();
        if let Some(project) = &self.project {
            segments.extend(["projects", project.as_str()]);
        }
        segments.push("connections");
        segments
    }
}

/// Why a name cannot go into a URL. ARM validates names itself (and its message is better), so
/// only what would change *which* URL is called is refused here: an empty segment, `.` or `..`
/// (which URL normalisation would swallow, turning a DELETE of a connection into one of its
/// parent's list).
pub(super) fn segment_problem(name: &str) -> Option<&'static str> {
    match name {
        "" => Some("it is empty"),
        "." | ".." => Some("`.` and `..` are not names"),
        _ if name.chars().any(char::is_control) => Some("it contains a control character"),
        _ => None,
    }
}

/// `endpoint` + `segments` (each percent-encoded) + `?api-version=`.
pub(super) fn build_url(endpoint: &Url, segments: &[&str], api_version: &str) -> Url {
    let mut url = endpoint.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url.query_pairs_mut()
        .append_pair("api-version", api_version);
    url
}

/// What a URL addresses, read back from its path: used to say which level is missing on a 404
/// and which scope a role is needed on. Keys compare case-insensitively, as ARM's do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct PathNames {
    pub subscription: Option<String>,
    pub resource_group: Option<String>,
    pub account: Option<String>,
    pub project: Option<String>,
    pub connection: Option<String>,
    pub deployment: Option<String>,
    /// The last collection named (`connections`, `deployments`, `accounts`, …) when the path
    /// ends with it: a list.
    pub list_of: Option<String>,
}

impl PathNames {
    pub(super) fn read(url: &Url) -> Self {
        Self::read_path(url.path())
    }

    /// The names in a resource id or a URL path.
    pub(super) fn read_path(path: &str) -> Self {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        let mut names = Self::default();
        let mut i = 0;
        while i < segments.len() {
            let key = segments[i].to_ascii_lowercase();
            let value = segments.get(i + 1).cloned();
            if key == "providers" {
                // `providers/{namespace}`: the namespace is not a name of ours.
                i += 2;
                continue;
            }
            let slot = match key.as_str() {
                "subscriptions" => &mut names.subscription,
                "resourcegroups" => &mut names.resource_group,
                "accounts" => &mut names.account,
                "projects" => &mut names.project,
                "connections" => &mut names.connection,
                "deployments" => &mut names.deployment,
                _ => {
                    i += 2;
                    continue;
                }
            };
            match value {
                Some(value) => *slot = Some(value),
                None => names.list_of = Some(key),
            }
            i += 2;
        }
        names
    }

    /// `/subscriptions/{s}[/resourceGroups/{g}]`: the narrowest scope of the path above the
    /// provider's resources.
    pub(super) fn group_or_subscription_scope(&self) -> Option<String> {
        let subscription = self.subscription.as_ref()?;
        Some(match &self.resource_group {
            Some(group) => format!("/subscriptions/{subscription}/resourceGroups/{group}"),
            None => format!("/subscriptions/{subscription}"),
        })
    }
}

/// `%XX` decoded (names arrive encoded in URLs); anything else kept as it is.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| {
            bytes
                .get(at)
                .and_then(|b| char::from(*b).to_digit(16))
                .and_then(|d| u8::try_from(d).ok())
        };
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi * 16 + lo);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
