//! Agent versions (byo-gateway.md §6.2): `POST|GET agents/{name}/versions`,
//! `GET|DELETE agents/{name}/versions/{version}`, `GET|DELETE agents/{name}`, `GET agents`.
//! The `api-version=v1` rule is checked in front of these (`gate`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Map, Value, json};

use super::errors::{Reply, azure_bad_request, azure_not_found, json_object, ok};
use super::paging::Page;
use super::store::{Agent, AgentVersion};
use super::{Shared, now};

/// Longest agent name (§6.2).
pub(super) const MAX_NAME: usize = 63;
/// Most metadata pairs (§6.2).
pub(super) const MAX_METADATA: usize = 16;
/// `AgentKind` values (§6.2).
pub(super) const KINDS: [&str; 5] = ["prompt", "hosted", "workflow", "external", "voice"];

/// Letters and digits at both ends, hyphens allowed in between, at most 63 characters.
pub(super) fn name_problem(name: &str) -> Option<String> {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name.chars().all(|c| alnum(c) || c == '-')
        && name.starts_with(alnum)
        && name.ends_with(alnum);
    (!ok).then(|| {
        format!(
            "Invalid agent name '{name}': it must be 1 to {MAX_NAME} characters of letters, digits and hyphens, and start and end with a letter or digit."
        )
    })
}

/// `metadata`: an object of at most 16 string pairs (keys ≤ 64, values ≤ 512 characters, as
/// OpenAI's metadata [I]). `Err` is the message for a 400.
pub(super) fn check_metadata(metadata: Option<&Value>) -> Result<Value, String> {
    let Some(metadata) = metadata.filter(|m| !m.is_null()) else {
        return Ok(json!({}));
    };
    let Some(map) = metadata.as_object() else {
        return Err("Invalid 'metadata': expected an object of string key/value pairs.".into());
    };
    if map.len() > MAX_METADATA {
        return Err(format!(
            "Invalid 'metadata': {} pairs given; at most {MAX_METADATA} are allowed.",
            map.len()
        ));
    }
    for (key, value) in map {
        if key.chars().count() > 64 {
            return Err(format!(
                "Invalid 'metadata': the key '{key}' is longer than 64 characters."
            ));
        }
        match value.as_str() {
            Some(text) if text.chars().count() <= 512 => {}
            Some(_) => {
                return Err(format!(
                    "Invalid 'metadata.{key}': the value is longer than 512 characters."
                ));
            }
            None => {
                return Err(format!("Invalid 'metadata.{key}': values must be strings."));
            }
        }
    }
    Ok(metadata.clone())
}

/// Checks a create-version body; `Err` is the message for a 400.
fn check_definition(body: &Map<String, Value>) -> Result<Value, String> {
    let Some(definition) = body.get("definition") else {
        return Err("Missing required property 'definition'.".into());
    };
    let Some(definition) = definition.as_object() else {
        return Err("Invalid 'definition': expected an object.".into());
    };
    let kind = match definition.get("kind") {
        None | Some(Value::Null) => {
            return Err("Missing required property 'definition.kind'.".into());
        }
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => return Err("Invalid 'definition.kind': expected a string.".into()),
    };
    if !KINDS.contains(&kind) {
        return Err(format!(
            "Invalid 'definition.kind': '{kind}'. Supported values are: {}.",
            KINDS.map(|k| format!("'{k}'")).join(", ")
        ));
    }
    match definition.get("model") {
        Some(Value::String(model)) if !model.trim().is_empty() => {}
        // Hosted and other kinds may carry no model [I]; a prompt agent needs one.
        None | Some(Value::Null) if kind != "prompt" => {}
        None | Some(Value::Null) => {
            return Err("Missing required property 'definition.model'.".into());
        }
        Some(_) => {
            return Err("Invalid 'definition.model': expected a non-empty string.".into());
        }
    }
    if let Some(tools) = definition.get("tools").filter(|t| !t.is_null()) {
        let Some(tools) = tools.as_array() else {
            return Err("Invalid 'definition.tools': expected an array.".into());
        };
        for (index, tool) in tools.iter().enumerate() {
            let Some(kind) = tool.get("type").and_then(Value::as_str) else {
                return Err(format!(
                    "Missing required property 'definition.tools[{index}].type'."
                ));
            };
            let named = tool
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| !n.is_empty());
            if kind == "function" && !named {
                return Err(format!(
                    "Missing required property 'definition.tools[{index}].name'."
                ));
            }
        }
    }
    for key in ["temperature", "top_p"] {
        if let Some(value) = definition.get(key).filter(|v| !v.is_null())
            && !value.is_number()
        {
            return Err(format!("Invalid 'definition.{key}': expected a number."));
        }
    }
    Ok(Value::Object(definition.clone()))
}

/// `AgentDetails`: the agent with its latest version.
fn agent_details(agent: &Agent) -> Value {
    json!({
        "object": "agent",
        "id": agent.name,
        "name": agent.name,
        "versions": { "latest": agent.latest().map(|v| v.details.clone()) },
    })
}

pub(super) async fn create_version(
    State(service): State<Shared>,
    Path((project, name)): Path<(String, String)>,
    body: Bytes,
) -> Reply {
    if let Some(problem) = name_problem(&name) {
        return Err(azure_bad_request(&problem));
    }
    let body = json_object(&body, false, azure_bad_request)?;
    let definition = check_definition(&body).map_err(|m| azure_bad_request(&m))?;
    let metadata = check_metadata(body.get("metadata")).map_err(|m| azure_bad_request(&m))?;
    let description = match body.get("description") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(text)) => json!(text),
        Some(_) => {
            return Err(azure_bad_request(
                "Invalid 'description': expected a string.",
            ));
        }
    };
    let project = service.project(&project).unwrap_or(project);
    let mut store = service.store();
    let seq = store.next_seq();
    if store.agent(&project, &name).is_none() {
        store.agents.push(Agent {
            project: project.clone(),
            name: name.clone(),
            next_version: 1,
            versions: Vec::new(),
        });
    }
    let Some(agent) = store.agent_mut(&project, &name) else {
        return Err(azure_not_found(&format!("Agent '{name}' not found.")));
    };
    let version = agent.next_version.to_string();
    agent.next_version += 1;
    let details = json!({
        "object": "agent.version",
        "id": format!("{name}:{version}"),
        "name": name,
        "version": version,
        "description": description,
        "created_at": now(),
        "definition": definition,
        "metadata": metadata,
    });
    agent.versions.push(AgentVersion {
        version,
        seq,
        details: details.clone(),
    });
    Ok(ok(details))
}

pub(super) async fn get_version(
    State(service): State<Shared>,
    Path((project, name, version)): Path<(String, String, String)>,
) -> Reply {
    let store = service.store();
    let agent = store
        .agent(&project, &name)
        .ok_or_else(|| azure_not_found(&format!("Agent '{name}' not found.")))?;
    let found = agent.version(&version).ok_or_else(|| {
        azure_not_found(&format!("Version '{version}' of agent '{name}' not found."))
    })?;
    Ok(ok(found.details.clone()))
}

/// Deletes one version; the agent goes with its last version [I]. `force` (hosted agents
/// only) is accepted and changes nothing here.
pub(super) async fn delete_version(
    State(service): State<Shared>,
    Path((project, name, version)): Path<(String, String, String)>,
) -> Reply {
    let mut store = service.store();
    let agent = store
        .agent_mut(&project, &name)
        .ok_or_else(|| azure_not_found(&format!("Agent '{name}' not found.")))?;
    let before = agent.versions.len();
    agent.versions.retain(|v| v.version != version);
    if agent.versions.len() == before {
        return Err(azure_not_found(&format!(
            "Version '{version}' of agent '{name}' not found."
        )));
    }
    if agent.versions.is_empty() {
        store.remove_agent(&project, &name);
    }
    Ok(ok(json!({
        "object": "agent.version.deleted",
        "name": name,
        "version": version,
        "deleted": true,
    })))
}

pub(super) async fn list_versions(
    State(service): State<Shared>,
    Path((project, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Reply {
    let page = Page::from_query(query.as_deref(), true).map_err(|m| azure_bad_request(&m))?;
    let store = service.store();
    let agent = store
        .agent(&project, &name)
        .ok_or_else(|| azure_not_found(&format!("Agent '{name}' not found.")))?;
    let mut versions: Vec<&AgentVersion> = agent.versions.iter().collect();
    versions.sort_by_key(|v| v.seq);
    let items = versions
        .iter()
        .map(|v| (format!("{name}:{}", v.version), v.details.clone()))
        .collect();
    Ok(ok(page.list(items)))
}

pub(super) async fn get_agent(
    State(service): State<Shared>,
    Path((project, name)): Path<(String, String)>,
) -> Reply {
    let store = service.store();
    let agent = store
        .agent(&project, &name)
        .ok_or_else(|| azure_not_found(&format!("Agent '{name}' not found.")))?;
    Ok(ok(agent_details(agent)))
}

pub(super) async fn delete_agent(
    State(service): State<Shared>,
    Path((project, name)): Path<(String, String)>,
) -> Reply {
    if !service.store().remove_agent(&project, &name) {
        return Err(azure_not_found(&format!("Agent '{name}' not found.")));
    }
    Ok(ok(json!({
        "object": "agent.deleted",
        "name": name,
        "deleted": true,
    })))
}

/// `GET agents` with an optional `kind` filter (the latest version's kind).
pub(super) async fn list_agents(
    State(service): State<Shared>,
    Path(project): Path<String>,
    RawQuery(query): RawQuery,
) -> Reply {
    let page = Page::from_query(query.as_deref(), true).map_err(|m| azure_bad_request(&m))?;
    let kind = query
        .as_deref()
        .and_then(|q| crate::server::query_param(q, "kind"));
    if let Some(kind) = &kind
        && !KINDS.contains(&kind.as_str())
    {
        return Err(azure_bad_request(&format!(
            "Invalid 'kind': '{kind}'. Supported values are: {}.",
            KINDS.map(|k| format!("'{k}'")).join(", ")
        )));
    }
    let store = service.store();
    let mut agents: Vec<&Agent> = store
        .agents
        .iter()
        .filter(|a| a.project.eq_ignore_ascii_case(&project))
        .filter(|a| {
            kind.as_deref().is_none_or(|kind| {
                a.latest()
                    .and_then(|v| v.details.pointer("/definition/kind"))
                    .and_then(Value::as_str)
                    == Some(kind)
            })
        })
        .collect();
    agents.sort_by_key(|a| a.seq());
    let items = agents
        .iter()
        .map(|a| (a.name.clone(), agent_details(a)))
        .collect();
    Ok(ok(page.list(items)))
}

/// The version a run uses: `version`, or the latest.
pub(super) fn find_version(
    store: &super::store::Store,
    project: &str,
    name: &str,
    version: Option<&str>,
) -> Result<Value, String> {
    let agent = store
        .agent(project, name)
        .ok_or_else(|| format!("Agent '{name}' not found."))?;
    let found = match version {
        Some(version) => agent.version(version),
        None => agent.latest(),
    };
    found
        .map(|v| v.details.clone())
        .ok_or_else(|| match version {
            Some(version) => format!("Version '{version}' of agent '{name}' not found."),
            None => format!("Agent '{name}' not found."),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_names_follow_the_rules() {
        for good in ["a", "gw-smoke", "A1", &"a".repeat(63), "a-b-c"] {
            assert!(name_problem(good).is_none(), "{good}");
        }
        for bad in ["", "-a", "a-", "a_b", "a.b", &"a".repeat(64), "a b"] {
            assert!(name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn metadata_is_limited() {
        let many: Map<String, Value> = (0..17).map(|i| (format!("k{i}"), json!("v"))).collect();
        assert!(check_metadata(Some(&Value::Object(many))).is_err());
        assert!(check_metadata(Some(&json!({"a": 1}))).is_err());
        assert_eq!(check_metadata(None).unwrap(), json!({}));
    }
}
