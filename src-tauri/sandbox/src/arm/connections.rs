//! Connections at account and project level: list (filters, paging), get, put, patch,
//! delete (byo-gateway.md §2.1), with the body rules of [`validate`](super::validate).
//!
//! - PUT replaces the whole resource and answers 200 (the spec has no 201).
//! - PATCH merges `properties` with JSON merge patch (RFC 7396: objects merge key by key,
//!   `null` removes, arrays and scalars replace), so a PATCH without `credentials` keeps the
//!   stored secret; the merged result must pass the PUT rules, or nothing changes [I].
//! - DELETE answers 200 when it deleted, 204 when there was nothing to delete.
//! - Every write stamps `lastModifiedAt`; a replaced connection keeps its `createdAt` and the
//!   name it was created with.

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::errors::{ArmError, ArmResult};
use super::resources;
use super::routes::{
    ACCOUNT_CONNECTIONS, ArmState, CONNECTION_METHODS, Call, PROJECT_CONNECTIONS, find_group, ok,
};
use super::spec::Kind;
use super::validate::{self, Violation};
use crate::world::{self, StoredConnection, WorldData};

/// Where connections live: an account, or one of its projects, as named in the path.
#[derive(Clone, Debug)]
pub(super) struct Scope {
    pub(super) subscription: String,
    pub(super) group: String,
    pub(super) account: String,
    pub(super) project: Option<String>,
}

impl Scope {
    /// ARM's short type, e.g. `accounts/projects/connections`.
    pub(super) fn resource_type(&self) -> &'static str {
        if self.project.is_some() {
            PROJECT_CONNECTIONS
        } else {
            ACCOUNT_CONNECTIONS
        }
    }
}

/// Names of a resolved connection scope, in the case they were created with.
struct ScopeNames {
    subscription: String,
    group: String,
    account: String,
    project: Option<String>,
}

impl ScopeNames {
    fn parent_id(&self) -> String {
        let account = resources::account_id(&self.subscription, &self.group, &self.account);
        match &self.project {
            Some(project) => format!("{account}/projects/{project}"),
            None => account,
        }
    }

    fn resource_type(&self) -> &'static str {
        if self.project.is_some() {
            resources::PROJECT_CONNECTION_TYPE
        } else {
            resources::ACCOUNT_CONNECTION_TYPE
        }
    }

    fn connections<'a>(&self, data: &'a WorldData) -> Option<&'a Vec<StoredConnection>> {
        let account = data
            .subscription(&self.subscription)?
            .resource_group(&self.group)?
            .account(&self.account)?;
        match &self.project {
            Some(project) => account.project(project).map(|p| &p.connections),
            None => Some(&account.connections),
        }
    }

    fn connections_mut<'a>(
        &self,
        data: &'a mut WorldData,
    ) -> Option<&'a mut Vec<StoredConnection>> {
        let account = data
            .subscription_mut(&self.subscription)?
            .resource_group_mut(&self.group)?
            .account_mut(&self.account)?;
        match &self.project {
            Some(project) => account.project_mut(project).map(|p| &mut p.connections),
            None => Some(&mut account.connections),
        }
    }
}

impl ArmState {
    /// Checks the subscription, resource group, api-version and parents of a connection scope.
    fn resolve_scope(
        &self,
        data: &WorldData,
        scope: &Scope,
        action: &str,
        version: &str,
    ) -> ArmResult<ScopeNames> {
        let (subscription, group) = find_group(data, &scope.subscription, &scope.group)?;
        let resource_type = scope.resource_type();
        self.provider_version(data, resource_type, version, &group.location)?;
        let sub = &subscription.subscription_id;
        let account = group.account(&scope.account).ok_or_else(|| {
            let mut parent = resources::account_id(sub, &group.name, &scope.account);
            if let Some(project) = &scope.project {
                parent = format!("{parent}/projects/{project}");
            }
            ArmError::parent_not_found(action, resource_type, &parent)
        })?;
        let project = match &scope.project {
            None => None,
            Some(project) => {
                let found = account.project(project).ok_or_else(|| {
                    ArmError::parent_not_found(
                        action,
                        resource_type,
                        &format!(
                            "{}/projects/{project}",
                            resources::account_id(sub, &group.name, &account.name)
                        ),
                    )
                })?;
                Some(found.name.clone())
            }
        };
        Ok(ScopeNames {
            subscription: sub.clone(),
            group: group.name.clone(),
            account: account.name.clone(),
            project,
        })
    }

    pub(super) fn connections(
        &self,
        call: &Call<'_>,
        version: &str,
        scope: &Scope,
        name: Option<&str>,
    ) -> ArmResult<Response> {
        let action = match call.method {
            "GET" => "read",
            "DELETE" => "delete",
            _ => "write",
        };
        let mut data = self.world.lock();
        let names = self.resolve_scope(&data, scope, action, version)?;
        let parent_id = names.parent_id();
        let Some(name) = name else {
            let filters = self.list_filters(call)?;
            let items = names
                .connections(&data)
                .map(|list| {
                    list.iter()
                        .filter(|c| {
                            filters.iter().all(|(property, wanted)| {
                                c.properties.get(property).and_then(Value::as_str)
                                    == Some(wanted.as_str())
                            })
                        })
                        .map(|c| {
                            resources::connection(&self.spec, &parent_id, names.resource_type(), c)
                        })
                        .collect()
                })
                .unwrap_or_default();
            drop(data);
            return self.list(items, call);
        };
        let rule = &self.spec.connection_name;
        if !rule.accepts(name) {
            return Err(ArmError::invalid_connection_name(name, &rule.pattern));
        }
        let connection_id = format!("{parent_id}/connections/{name}");
        let show = |c: &StoredConnection| {
            ok(resources::connection(
                &self.spec,
                &parent_id,
                names.resource_type(),
                c,
            ))
        };
        match call.method {
            "GET" => names
                .connections(&data)
                .and_then(|list| list.iter().find(|c| c.name.eq_ignore_ascii_case(name)))
                .map(show)
                .ok_or_else(|| ArmError::child_not_found(&connection_id)),
            "PUT" => {
                let body = parse_object(call.body)?;
                let properties =
                    body.get("properties")
                        .filter(|p| !p.is_null())
                        .ok_or_else(|| {
                            ArmError::from(Violation {
                                path: "properties".into(),
                                problem: "the property is required".into(),
                            })
                        })?;
                validate::check_properties(&self.spec, properties)?;
                let now = resources::now();
                let stored = StoredConnection {
                    name: name.to_string(),
                    properties: validate::stored_properties(&self.spec, properties.clone()),
                    created_at: now.clone(),
                    last_modified_at: now,
                };
                let list = names
                    .connections_mut(&mut data)
                    .ok_or_else(|| ArmError::child_not_found(&connection_id))?;
                world::upsert_connection(list, stored);
                list.iter()
                    .find(|c| c.name.eq_ignore_ascii_case(name))
                    .map(show)
                    .ok_or_else(|| ArmError::child_not_found(&connection_id))
            }
            "PATCH" => {
                let list = names
                    .connections_mut(&mut data)
                    .ok_or_else(|| ArmError::child_not_found(&connection_id))?;
                let existing = list
                    .iter_mut()
                    .find(|c| c.name.eq_ignore_ascii_case(name))
                    .ok_or_else(|| ArmError::child_not_found(&connection_id))?;
                let body = parse_object(call.body)?;
                let mut merged = existing.properties.clone();
                match body.get("properties") {
                    None | Some(Value::Null) => {}
                    Some(patch @ Value::Object(_)) => validate::merge_patch(&mut merged, patch),
                    Some(other) => {
                        validate::check(&Kind::Object, other, "properties")?;
                    }
                }
                // The result must be a connection a PUT would accept.
                validate::check_properties(&self.spec, &merged)?;
                existing.properties = validate::stored_properties(&self.spec, merged);
                existing.last_modified_at = resources::now();
                Ok(show(existing))
            }
            "DELETE" => {
                let removed = names
                    .connections_mut(&mut data)
                    .is_some_and(|list| world::remove_connection(list, name));
                Ok(if removed {
                    StatusCode::OK.into_response()
                } else {
                    (StatusCode::NO_CONTENT, Body::empty()).into_response()
                })
            }
            other => Err(ArmError::method_not_allowed(
                other,
                call.path,
                CONNECTION_METHODS,
            )),
        }
    }

    /// The list operation's query parameters, as the spec declares them: string parameters
    /// (`target`, `category`) filter the property of the same name exactly; boolean ones must be
    /// `true` or `false`. `includeAll` — "return both connections and datastores" — changes
    /// nothing here, since the emulated world has no datastores.
    fn list_filters(&self, call: &Call<'_>) -> ArmResult<Vec<(String, String)>> {
        let mut filters = Vec::new();
        for parameter in &self.spec.list_parameters {
            let Some(value) = call.query_value(&parameter.name) else {
                continue;
            };
            let boolean = value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false");
            match parameter.kind {
                Kind::Boolean if !boolean => {
                    return Err(ArmError::invalid_query(
                        &parameter.name,
                        &format!("'{value}' is not a boolean (true or false)"),
                    ));
                }
                Kind::String(_) => filters.push((parameter.name.clone(), value)),
                _ => {}
            }
        }
        Ok(filters)
    }
}

/// The request body as a JSON object.
fn parse_object(body: &[u8]) -> ArmResult<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ArmError::invalid_content("the request body is empty"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ArmError::invalid_content(&format!(
            "expected a JSON object, got {}",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Null => "null",
                _ => "a scalar",
            }
        ))),
        Err(err) => Err(ArmError::invalid_content(&err.to_string())),
    }
}
