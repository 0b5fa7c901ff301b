//! Reading ARM JSON: a PUT body file, an ARM GET response, or what the official samples write.
//!
//! The parse is lenient where the intent is clear (a raw array where a JSON-encoded string
//! belongs, `"deploymentInPath": true`) and records a finding for every such repair, so the
//! user learns what the file gets wrong while the draft still carries what was meant. It fails
//! only when there is no gateway connection to speak of (not JSON, no `properties`, no or a
//! foreign `category`, no `authType`).

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value};

use super::finding::{Finding, FindingCode};
use super::model::{
    AuthConfig, Connection, ConnectionAuth, ConnectionCategory, ConnectionMetadata,
    ConnectionScope, DiscoveryProvider, ModelDiscovery, ModelFormat, ModelInfo, SecretRef,
    SecretSlot,
};
use super::syntax::{looks_like_placeholder, show};
use super::validate::validate;
use super::wire::{self, path};
use crate::secrets::Sensitive;

/// Why a document is not a gateway connection at all. Every message names the place and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error(
        "The file is not valid JSON: {reason} (line {line}, column {column}). Fix the syntax there; an ARM connection body is one JSON object, {{\"properties\": {{…}}}}."
    )]
    InvalidJson {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("`{path}` {problem}. {fix}")]
    Shape {
        path: String,
        problem: String,
        fix: String,
    },
    #[error(
        "`{path}` is {value}, which is not a gateway connection category. Use \"ApiManagement\" for Azure API Management or \"ModelGateway\" for any other gateway; other categories are not \"bring your own AI gateway\" connections."
    )]
    UnsupportedCategory { path: String, value: String },
}

impl ParseError {
    /// The JSON path the error is about (`$` for the whole document).
    pub fn path(&self) -> &str {
        match self {
            Self::InvalidJson { .. } => "$",
            Self::Shape { path, .. } | Self::UnsupportedCategory { path, .. } => path,
        }
    }

    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidJson { .. } => "invalid-json",
            Self::Shape { .. } => "invalid-shape",
            Self::UnsupportedCategory { .. } => "unsupported-category",
        }
    }
}

/// A secret value found in an imported body, for the keyring. Never part of the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSecret {
    pub slot: SecretSlot,
    pub value: Sensitive<String>,
}

/// Everything an import yields.
#[derive(Debug, Clone)]
pub struct ImportedConnection {
    pub connection: Connection,
    /// Parse-time findings (what the file gets wrong that the draft no longer shows) followed
    /// by `validate(&connection)`: everything to show for that file.
    pub findings: Vec<Finding>,
    /// Real secret values the body carried (placeholders and masks are not secrets).
    pub secrets: Vec<ImportedSecret>,
}

/// Parses an ARM connection body. The findings are the parse-time ones followed by
/// [`validate`]'s. Secret values in the body are dropped: use [`import_arm_json`] to keep them.
pub fn parse_arm_json(text: &str) -> Result<(Connection, Vec<Finding>), ParseError> {
    import_arm_json(text).map(|imported| (imported.connection, imported.findings))
}

/// [`parse_arm_json`], also returning the secret values the body carried.
pub fn import_arm_json(text: &str) -> Result<ImportedConnection, ParseError> {
    // Editors on Windows like to start files with a byte-order mark; serde_json does not.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let reason = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(head, _)| head)
            .to_string();
        ParseError::InvalidJson {
            line: e.line(),
            column: e.column(),
            reason,
        }
    })?;
    import_arm_value(&value)
}

/// [`import_arm_json`] for an already parsed document.
pub fn import_arm_value(value: &Value) -> Result<ImportedConnection, ParseError> {
    let mut parser = Parser::default();
    let connection = parser.connection(value)?;
    let Parser {
        mut findings,
        secrets,
        dropped,
    } = parser;
    // A value the parse had to drop is reported once, by the parse; validation would only
    // repeat that it is missing.
    findings.extend(
        validate(&connection)
            .into_iter()
            .filter(|f| !dropped.contains(&f.path)),
    );
    Ok(ImportedConnection {
        connection,
        findings,
        secrets,
    })
}

/// "a string", "an array", …: for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a JSON boolean",
        Value::Number(_) => "a JSON number",
        Value::String(_) => "a string",
        Value::Array(_) => "a JSON array",
        Value::Object(_) => "a JSON object",
    }
}

const ENCODE_HINT: &str = "ARM metadata values must be strings: JSON-encode nested values (Bicep `string(...)`, Terraform `jsonencode(...)`)";

#[derive(Default)]
struct Parser {
    findings: Vec<Finding>,
    secrets: Vec<ImportedSecret>,
    /// Paths whose value the parse could not use.
    dropped: HashSet<String>,
}

/// The keys of an ARM-level object, looked up the way ARM's deserialiser does: exactly, else
/// ignoring case ([I] ARM resource providers read JSON properties case-insensitively, unlike the
/// metadata dictionary whose keys are data).
struct Keys<'v> {
    object: &'v Map<String, Value>,
    base: &'static str,
    used: HashSet<&'v str>,
}

impl<'v> Keys<'v> {
    fn new(object: &'v Map<String, Value>, base: &'static str) -> Self {
        Self {
            object,
            base,
            used: HashSet::new(),
        }
    }

    fn take(&mut self, key: &str, parser: &mut Parser) -> Option<&'v Value> {
        if let Some((k, v)) = self.object.get_key_value(key) {
            self.used.insert(k.as_str());
            return Some(v);
        }
        let (k, v) = self
            .object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key) && !self.used.contains(k.as_str()))?;
        self.used.insert(k.as_str());
        let at = path::key(self.base, k);
        parser.findings.push(Finding::warning(
            FindingCode::KeyWrongCase,
            at,
            format!(
                "{} is read as `{key}`, but write it exactly `{key}`: the exported body does, and only ARM's own keys are matched ignoring case.",
                show(k)
            ),
        ));
        Some(v)
    }

    fn unused(&self) -> impl Iterator<Item = (&'v String, &'v Value)> + '_ {
        self.object
            .iter()
            .filter(|(k, _)| !self.used.contains(k.as_str()))
    }
}

impl Parser {
    fn error(&mut self, code: FindingCode, at: impl Into<String>, message: impl Into<String>) {
        self.findings.push(Finding::error(code, at, message));
    }

    fn drop_error(&mut self, code: FindingCode, at: String, message: impl Into<String>) {
        self.dropped.insert(at.clone());
        self.findings.push(Finding::error(code, at, message));
    }

    fn connection(&mut self, value: &Value) -> Result<Connection, ParseError> {
        let Some(top) = value.as_object() else {
            return Err(ParseError::Shape {
                path: "$".into(),
                problem: format!("is {}, not a JSON object", kind(value)),
                fix: "An ARM connection body is one object: {\"properties\": {\"category\": …, \"target\": …, \"authType\": …}}.".into(),
            });
        };
        let mut keys = Keys::new(top, "");
        let name = match keys.take(path::NAME, self) {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(name.clone()),
            Some(other) => {
                let message = format!(
                    "`name` is {}; it must be the connection name as a string. The name was ignored.",
                    kind(other)
                );
                self.drop_error(FindingCode::ValueWrongType, path::NAME.into(), message);
                None
            }
        };
        let scope = self.scope(top);
        let properties = match keys.take(path::PROPERTIES, self) {
            Some(Value::Object(properties)) => properties,
            Some(other) => {
                return Err(ParseError::Shape {
                    path: path::PROPERTIES.into(),
                    problem: format!("is {}, not a JSON object", kind(other)),
                    fix: "Write the connection's settings as an object: \"properties\": {\"category\": …, \"target\": …, \"authType\": …}.".into(),
                });
            }
            None => {
                let bare = [wire::CATEGORY, wire::AUTH_TYPE, wire::TARGET]
                    .iter()
                    .any(|k| top.contains_key(*k));
                let fix = if bare {
                    "The file looks like the inside of `properties`: wrap it as {\"properties\": { … }}."
                } else {
                    "An ARM connection body is {\"properties\": {\"category\": …, \"target\": …, \"authType\": …}}."
                };
                return Err(ParseError::Shape {
                    path: path::PROPERTIES.into(),
                    problem: "is missing".into(),
                    fix: fix.into(),
                });
            }
        };
        self.properties(properties, name, scope)
    }

    /// Project or account, from the `type` (or `id`) an ARM GET carries.
    fn scope(&mut self, top: &Map<String, Value>) -> ConnectionScope {
        const PROJECT: &str = "microsoft.cognitiveservices/accounts/projects/connections";
        const ACCOUNT: &str = "microsoft.cognitiveservices/accounts/connections";
        if let Some(resource_type) = top.get("type").and_then(Value::as_str) {
            match resource_type.to_ascii_lowercase().as_str() {
                PROJECT => return ConnectionScope::Project,
                ACCOUNT => return ConnectionScope::Account,
                _ => self.findings.push(Finding::warning(
                    FindingCode::ResourceTypeUnexpected,
                    "type",
                    format!(
                        "`type` is {}, not a Foundry connection (`Microsoft.CognitiveServices/accounts/projects/connections` or `…/accounts/connections`). Check that the file is the connection you meant.",
                        show(resource_type)
                    ),
                )),
            }
        }
        if let Some(id) = top.get("id").and_then(Value::as_str) {
            let id = id.to_ascii_lowercase();
            if id.contains("/connections/") && !id.contains("/projects/") {
                return ConnectionScope::Account;
            }
        }
        ConnectionScope::Project
    }

    fn properties(
        &mut self,
        properties: &Map<String, Value>,
        name: Option<String>,
        scope: ConnectionScope,
    ) -> Result<Connection, ParseError> {
        let mut keys = Keys::new(properties, path::PROPERTIES);
        let category = keys.take(wire::CATEGORY, self);
        let category = self.category(category)?;
        let auth_type = keys.take(wire::AUTH_TYPE, self);
        let auth_type = self.auth_type(auth_type)?;

        let target = match keys.take(wire::TARGET, self) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(target)) => target.clone(),
            Some(other) => {
                let message = format!(
                    "`target` is {}; it must be the gateway URL as a string, e.g. \"https://contoso-apim.azure-api.net/openai\".",
                    kind(other)
                );
                self.drop_error(FindingCode::ValueWrongType, path::TARGET.into(), message);
                String::new()
            }
        };

        let is_shared_to_all = match keys.take(wire::IS_SHARED_TO_ALL, self) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(Value::String(text))
                if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") =>
            {
                let flag = text.eq_ignore_ascii_case("true");
                self.error(
                    FindingCode::ValueWrongType,
                    path::IS_SHARED_TO_ALL,
                    format!("`isSharedToAll` is the string {}; ARM expects a JSON boolean. Write {flag} without quotes.", show(text)),
                );
                flag
            }
            Some(other) => {
                let message = format!(
                    "`isSharedToAll` is {}; ARM expects true or false. It was read as false.",
                    kind(other)
                );
                self.drop_error(
                    FindingCode::ValueWrongType,
                    path::IS_SHARED_TO_ALL.into(),
                    message,
                );
                false
            }
        };

        let empty = Map::new();
        let credentials = match keys.take(wire::CREDENTIALS, self) {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(credentials)) => credentials,
            Some(other) => {
                let message = format!(
                    "`credentials` is {}; it must be an object such as {{\"key\": \"…\"}}. It was ignored.",
                    kind(other)
                );
                self.drop_error(
                    FindingCode::ValueWrongType,
                    path::CREDENTIALS.into(),
                    message,
                );
                &empty
            }
        };

        let auth = self.auth(&auth_type, credentials, &mut keys);

        let metadata = match keys.take(wire::METADATA, self) {
            None | Some(Value::Null) => {
                self.custom_headers_missing();
                ConnectionMetadata::default()
            }
            Some(Value::Object(metadata)) => self.metadata(metadata),
            Some(other) => {
                let message = format!(
                    "`metadata` is {}; it must be an object of strings, e.g. {{\"deploymentInPath\": \"false\"}}. It was ignored.",
                    kind(other)
                );
                self.drop_error(FindingCode::ValueWrongType, path::METADATA.into(), message);
                ConnectionMetadata::default()
            }
        };

        let extra_properties = keys
            .unused()
            .filter(|(k, v)| !v.is_null() && !wire::READ_ONLY_PROPERTIES.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();

        Ok(Connection {
            name,
            scope,
            category,
            target,
            is_shared_to_all,
            auth,
            metadata,
            extra_properties,
        })
    }

    fn category(&mut self, value: Option<&Value>) -> Result<ConnectionCategory, ParseError> {
        let fix = "Set it to \"ApiManagement\" (Azure API Management) or \"ModelGateway\" (any other gateway).";
        let raw = match value {
            Some(Value::String(raw)) => raw,
            Some(other) => {
                return Err(ParseError::Shape {
                    path: path::CATEGORY.into(),
                    problem: format!("is {}, not a string", kind(other)),
                    fix: fix.into(),
                });
            }
            None => {
                return Err(ParseError::Shape {
                    path: path::CATEGORY.into(),
                    problem: "is missing".into(),
                    fix: fix.into(),
                });
            }
        };
        if let Some(category) = ConnectionCategory::ALL
            .into_iter()
            .find(|c| c.as_wire() == raw)
        {
            return Ok(category);
        }
        if let Some(category) = ConnectionCategory::ALL
            .into_iter()
            .find(|c| c.as_wire().eq_ignore_ascii_case(raw.trim()))
        {
            self.findings.push(Finding::warning(
                FindingCode::ValueWrongCase,
                path::CATEGORY,
                format!(
                    "`category` is {}; write it exactly \"{}\" (the exported body does).",
                    show(raw),
                    category.as_wire()
                ),
            ));
            return Ok(category);
        }
        Err(ParseError::UnsupportedCategory {
            path: path::CATEGORY.into(),
            value: show(raw),
        })
    }

    fn auth_type(&mut self, value: Option<&Value>) -> Result<String, ParseError> {
        let fix = "Set it to \"ApiKey\", \"ProjectManagedIdentity\" (ApiManagement) or \"OAuth2\" (ModelGateway).";
        let raw = match value {
            Some(Value::String(raw)) => raw,
            Some(other) => {
                return Err(ParseError::Shape {
                    path: path::AUTH_TYPE.into(),
                    problem: format!("is {}, not a string", kind(other)),
                    fix: fix.into(),
                });
            }
            None => {
                return Err(ParseError::Shape {
                    path: path::AUTH_TYPE.into(),
                    problem: "is missing (ARM requires it)".into(),
                    fix: fix.into(),
                });
            }
        };
        const KNOWN: [&str; 3] = ["ApiKey", "ProjectManagedIdentity", "OAuth2"];
        if KNOWN.contains(&raw.as_str()) {
            return Ok(raw.clone());
        }
        if let Some(known) = KNOWN.iter().find(|k| k.eq_ignore_ascii_case(raw.trim())) {
            self.findings.push(Finding::warning(
                FindingCode::ValueWrongCase,
                path::AUTH_TYPE,
                format!(
                    "`authType` is {}; write it exactly \"{known}\" (the exported body does).",
                    show(raw)
                ),
            ));
            return Ok((*known).to_string());
        }
        Ok(raw.clone())
    }

    fn auth(
        &mut self,
        auth_type: &str,
        credentials: &Map<String, Value>,
        properties: &mut Keys<'_>,
    ) -> ConnectionAuth {
        let mut credential_keys = Keys::new(credentials, path::CREDENTIALS);
        let auth = match auth_type {
            "ApiKey" => ConnectionAuth::ApiKey {
                key: self.secret(&mut credential_keys, SecretSlot::ApiKey, path::KEY),
            },
            "ProjectManagedIdentity" => ConnectionAuth::ProjectManagedIdentity {
                audience: self.text_property(properties, wire::AUDIENCE, path::AUDIENCE),
            },
            "OAuth2" => {
                let client_id = match credential_keys.take(wire::CLIENT_ID, self) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(id)) => id.clone(),
                    Some(other) => {
                        let message = format!(
                            "`clientId` is {}; it must be the application (client) id as a string.",
                            kind(other)
                        );
                        self.drop_error(
                            FindingCode::ValueWrongType,
                            path::CLIENT_ID.into(),
                            message,
                        );
                        String::new()
                    }
                };
                let client_secret = self.secret(
                    &mut credential_keys,
                    SecretSlot::ClientSecret,
                    path::CLIENT_SECRET,
                );
                let token_url = self.text_property(properties, wire::TOKEN_URL, path::TOKEN_URL);
                let scopes_value = properties.take(wire::SCOPES, self);
                let scopes = self.scopes(scopes_value);
                ConnectionAuth::OAuth2 {
                    client_id,
                    client_secret,
                    token_url,
                    scopes,
                }
            }
            other => {
                // Credentials of auth types we do not support are not kept: they may be secrets.
                return ConnectionAuth::Unsupported {
                    auth_type: other.to_string(),
                };
            }
        };
        let dropped: Vec<String> = credential_keys.unused().map(|(k, _)| k.clone()).collect();
        for key in dropped {
            self.findings.push(Finding::warning(
                FindingCode::CredentialsKeyDropped,
                path::key(path::CREDENTIALS, &key),
                format!(
                    "`credentials` has {}, which a {auth_type} gateway connection does not use; it was not kept. {}",
                    show(&key),
                    match auth_type {
                        "ApiKey" => "The key goes in `credentials.key`.",
                        "OAuth2" => "Only `clientId` and `clientSecret` are used.",
                        _ => "ProjectManagedIdentity sends `credentials: {}`.",
                    }
                ),
            ));
        }
        auth
    }

    /// A secret credential: `None` when absent or empty, a reference otherwise. Real values go
    /// to `secrets`; placeholders and masks do not.
    fn secret(
        &mut self,
        credentials: &mut Keys<'_>,
        slot: SecretSlot,
        at: &str,
    ) -> Option<SecretRef> {
        match credentials.take(slot.wire_key(), self) {
            None | Some(Value::Null) => None,
            Some(Value::String(value)) if value.trim().is_empty() => None,
            Some(Value::String(value)) => {
                // Checked by name first: an exported file must never put its placeholder in
                // the keyring, whatever `looks_like_placeholder` learns or forgets later.
                if let Some(exported) = SecretSlot::ALL
                    .into_iter()
                    .find(|s| s.export_placeholder() == value)
                {
                    self.findings.push(Finding::warning(
                        FindingCode::SecretPlaceholder,
                        at,
                        format!(
                            "`{}` holds `{}`, the placeholder Gateway Studio exports write instead of the secret. Enter the real value before deploying (the exported az script reads it from ${}).",
                            slot.wire_key(),
                            exported.export_placeholder(),
                            exported.env_var()
                        ),
                    ));
                } else if looks_like_placeholder(value) {
                    self.findings.push(Finding::warning(
                        FindingCode::SecretPlaceholder,
                        at,
                        format!(
                            "`{}` holds {}, a placeholder or a masked value, not a secret. Enter the real value before deploying.",
                            slot.wire_key(),
                            show(value)
                        ),
                    ));
                } else {
                    self.secrets.push(ImportedSecret {
                        slot,
                        value: Sensitive::new(value.clone()),
                    });
                }
                Some(SecretRef { slot })
            }
            Some(other) => {
                let message = format!(
                    "`{}` is {}; a secret must be a string. It was ignored.",
                    slot.wire_key(),
                    kind(other)
                );
                self.drop_error(FindingCode::ValueWrongType, at.into(), message);
                None
            }
        }
    }

    fn text_property(&mut self, properties: &mut Keys<'_>, key: &str, at: &str) -> String {
        match properties.take(key, self) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => {
                let message = format!("`{key}` is {}; it must be a string.", kind(other));
                self.drop_error(FindingCode::ValueWrongType, at.into(), message);
                String::new()
            }
        }
    }

    fn scopes(&mut self, value: Option<&Value>) -> Vec<String> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(scope) => scope.clone(),
                    other => {
                        self.error(
                            FindingCode::ValueWrongType,
                            path::index(path::SCOPES, i),
                            format!(
                                "`scopes[{i}]` is {}; each scope must be a string such as \"api://<gateway-app-id>/.default\".",
                                kind(other)
                            ),
                        );
                        match other {
                            Value::Null => String::new(),
                            other => other.to_string(),
                        }
                    }
                })
                .collect(),
            Some(Value::String(scope)) => {
                self.error(
                    FindingCode::ValueWrongType,
                    path::SCOPES,
                    format!(
                        "`scopes` is the string {}; it must be an array of strings: [\"…\"].",
                        show(scope)
                    ),
                );
                vec![scope.clone()]
            }
            Some(other) => {
                let message = format!(
                    "`scopes` is {}; it must be an array of strings such as [\"api://<gateway-app-id>/.default\"]. It was ignored.",
                    kind(other)
                );
                self.drop_error(FindingCode::ValueWrongType, path::SCOPES.into(), message);
                Vec::new()
            }
        }
    }

    fn custom_headers_missing(&mut self) {
        self.findings.push(Finding::warning(
            FindingCode::CustomHeadersMissing,
            path::CUSTOM_HEADERS,
            "`customHeaders` is absent. The Foundry portal misbehaves without it; the exported body writes \"customHeaders\": \"{}\" (set it yourself in templates).",
        ));
    }

    fn metadata(&mut self, metadata: &Map<String, Value>) -> ConnectionMetadata {
        let mut m = ConnectionMetadata::default();
        for (key, value) in metadata {
            let at = path::key(path::METADATA, key);
            match key.as_str() {
                wire::DEPLOYMENT_IN_PATH => m.deployment_in_path = self.flag(value, at),
                wire::INFERENCE_API_VERSION => m.inference_api_version = self.text(key, value, at),
                wire::DEPLOYMENT_API_VERSION => {
                    m.deployment_api_version = self.text(key, value, at);
                }
                wire::AUTH_HEADER_NAME => m.auth_header_name = self.text(key, value, at),
                wire::AUTH_HEADER_FORMAT => m.auth_header_format = self.text(key, value, at),
                wire::MODELS => {
                    m.models = self
                        .decoded(key, value, &at)
                        .and_then(|v| self.models(&v, at));
                }
                wire::MODEL_DISCOVERY => {
                    m.model_discovery = self
                        .decoded(key, value, &at)
                        .and_then(|v| self.discovery(&v, at));
                }
                wire::CUSTOM_HEADERS => {
                    m.custom_headers = self
                        .decoded(key, value, &at)
                        .map(|v| self.headers(&v, at))
                        .unwrap_or_default();
                }
                wire::AUTH_CONFIG => {
                    m.auth_config = self
                        .decoded(key, value, &at)
                        .and_then(|v| self.auth_config(&v, at));
                }
                _ => {
                    if let Some(text) = self.text(key, value, at) {
                        m.extra.insert(key.clone(), text);
                    }
                }
            }
        }
        if !metadata.contains_key(wire::CUSTOM_HEADERS) {
            self.custom_headers_missing();
        }
        m
    }

    /// A plain metadata string. Non-strings are read leniently (`5` → "5") and reported.
    fn text(&mut self, key: &str, value: &Value, at: String) -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            Value::Null => {
                let message = format!(
                    "`{key}` is null. {ENCODE_HINT}; remove the key or give it a string value."
                );
                self.drop_error(FindingCode::MetadataValueNotString, at, message);
                None
            }
            other => {
                let text = other.to_string();
                self.error(
                    FindingCode::MetadataValueNotString,
                    at,
                    format!(
                        "`{key}` is {}. {ENCODE_HINT}; write it as the string {}.",
                        kind(other),
                        show(&Value::from(text.as_str()).to_string())
                    ),
                );
                Some(text)
            }
        }
    }

    /// `deploymentInPath`: exactly "true" or "false".
    fn flag(&mut self, value: &Value, at: String) -> Option<bool> {
        match value {
            Value::String(text) if text == "true" => Some(true),
            Value::String(text) if text == "false" => Some(false),
            Value::String(text)
                if text.trim().eq_ignore_ascii_case("true")
                    || text.trim().eq_ignore_ascii_case("false") =>
            {
                let flag = text.trim().eq_ignore_ascii_case("true");
                self.error(
                    FindingCode::DeploymentInPathInvalid,
                    at,
                    format!(
                        "`deploymentInPath` is {}; the service expects exactly \"{flag}\" (lowercase).",
                        show(text)
                    ),
                );
                Some(flag)
            }
            Value::String(text) => {
                let message = format!(
                    "`deploymentInPath` is {}; it must be \"true\" (URLs like …/deployments/{{name}}/chat/completions) or \"false\" (model name in the request body).",
                    show(text)
                );
                self.drop_error(FindingCode::DeploymentInPathInvalid, at, message);
                None
            }
            Value::Bool(flag) => {
                self.error(
                    FindingCode::MetadataValueNotString,
                    at,
                    format!(
                        "`deploymentInPath` is the JSON boolean {flag}. {ENCODE_HINT}; write \"{flag}\"."
                    ),
                );
                Some(*flag)
            }
            other => {
                let message = format!(
                    "`deploymentInPath` is {}. {ENCODE_HINT}; write \"true\" or \"false\".",
                    kind(other)
                );
                self.drop_error(FindingCode::MetadataValueNotString, at, message);
                None
            }
        }
    }

    /// The decoded value of a JSON-encoded metadata string. A raw array/object (the mistake the
    /// objects docs invite, trap §7 #4) is used as it is, and reported.
    fn decoded(&mut self, key: &str, value: &Value, at: &str) -> Option<Value> {
        match value {
            Value::String(text) => match serde_json::from_str::<Value>(text) {
                Ok(decoded) => Some(decoded),
                Err(e) => {
                    let message = format!(
                        "`{key}` must hold JSON encoded as a string, but {} does not decode ({e}). Fix the JSON inside the string; Bicep `string(...)` or Terraform `jsonencode(...)` write it correctly.",
                        show(text)
                    );
                    self.drop_error(FindingCode::MetadataJsonInvalid, at.to_string(), message);
                    None
                }
            },
            Value::Array(_) | Value::Object(_) => {
                self.error(
                    FindingCode::MetadataValueNotString,
                    at,
                    format!(
                        "`{key}` is {}, not a string. {ENCODE_HINT}. It was read as if encoded.",
                        kind(value)
                    ),
                );
                Some(value.clone())
            }
            other => {
                let message = format!("`{key}` is {}. {ENCODE_HINT}. It was ignored.", kind(other));
                self.drop_error(FindingCode::MetadataValueNotString, at.to_string(), message);
                None
            }
        }
    }

    fn shape_error(&mut self, at: String, what: &str, found: &Value, expected: &str) {
        let message = format!(
            "{what} decodes to {}; it must be {expected}. It was ignored.",
            kind(found)
        );
        self.drop_error(FindingCode::MetadataJsonShape, at, message);
    }

    fn models(&mut self, value: &Value, at: String) -> Option<Vec<ModelInfo>> {
        match value {
            Value::Array(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.model(item, i))
                    .collect(),
            ),
            Value::Object(_) => {
                self.error(
                    FindingCode::MetadataJsonShape,
                    at,
                    "`models` decodes to a single JSON object; it must be an array of models, [{\"name\": …, \"properties\": {\"model\": {…}}}]. It was read as a list of one.",
                );
                Some(vec![self.model(value, 0)])
            }
            other => {
                self.shape_error(
                    at,
                    "`models`",
                    other,
                    "an array of models, [{\"name\": …, \"properties\": {\"model\": {…}}}]",
                );
                None
            }
        }
    }

    fn model(&mut self, item: &Value, index: usize) -> ModelInfo {
        let at = path::index(path::MODELS, index);
        let Value::Object(item) = item else {
            // Kept as an empty entry so later entries keep their index in paths.
            self.shape_error(
                at,
                &format!("`models[{index}]`"),
                item,
                "an object {\"name\": …, \"properties\": {\"model\": {…}}}",
            );
            return ModelInfo::default();
        };
        let mut model = ModelInfo {
            deployment_name: self.nested_text(item, wire::MODEL_ITEM_NAME, &at),
            ..ModelInfo::default()
        };
        model.extra = unknown(item, wire::KNOWN_MODEL_ITEM);
        let properties_at = format!("{at}.{}", wire::MODEL_ITEM_PROPERTIES);
        let Some(properties) = self.nested_object(item, wire::MODEL_ITEM_PROPERTIES, &at) else {
            return model;
        };
        model.properties_extra = unknown(properties, wire::KNOWN_MODEL_PROPERTIES);
        let Some(inner) = self.nested_object(properties, wire::MODEL_ITEM_MODEL, &properties_at)
        else {
            return model;
        };
        let model_at = format!("{properties_at}.{}", wire::MODEL_ITEM_MODEL);
        model.model_name = self.nested_text(inner, wire::MODEL_NAME, &model_at);
        model.model_version = self.nested_text(inner, wire::MODEL_VERSION, &model_at);
        model.format = self
            .nested_text(inner, wire::MODEL_FORMAT, &model_at)
            .map(|f| ModelFormat::from_wire(&f));
        model.model_extra = unknown(inner, wire::KNOWN_MODEL);
        model
    }

    /// A string inside a decoded metadata object. Numbers and booleans are read as text and
    /// reported; arrays and objects are dropped and reported; null counts as absent.
    fn nested_text(
        &mut self,
        object: &Map<String, Value>,
        key: &str,
        base: &str,
    ) -> Option<String> {
        let at = path::key(base, key);
        match object.get(key)? {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            value @ (Value::Bool(_) | Value::Number(_)) => {
                self.error(
                    FindingCode::ValueWrongType,
                    at,
                    format!("`{key}` is {}; write it as a string.", kind(value)),
                );
                Some(value.to_string())
            }
            value => {
                let message = format!(
                    "`{key}` is {}; it must be a string. It was ignored.",
                    kind(value)
                );
                self.drop_error(FindingCode::ValueWrongType, at, message);
                None
            }
        }
    }

    fn nested_object<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        key: &str,
        base: &str,
    ) -> Option<&'v Map<String, Value>> {
        match object.get(key)? {
            Value::Null => None,
            Value::Object(inner) => Some(inner),
            other => {
                let message = format!(
                    "`{key}` is {}; it must be an object. It was ignored.",
                    kind(other)
                );
                self.drop_error(FindingCode::ValueWrongType, path::key(base, key), message);
                None
            }
        }
    }

    fn discovery(&mut self, value: &Value, at: String) -> Option<ModelDiscovery> {
        let Value::Object(object) = value else {
            self.shape_error(
                at,
                "`modelDiscovery`",
                value,
                "an object {\"listModelsEndpoint\": …, \"getModelEndpoint\": …, \"deploymentProvider\": …}",
            );
            return None;
        };
        Some(ModelDiscovery {
            list_models_endpoint: self.nested_text(object, wire::LIST_MODELS_ENDPOINT, &at),
            get_model_endpoint: self.nested_text(object, wire::GET_MODEL_ENDPOINT, &at),
            deployment_provider: self
                .nested_text(object, wire::DEPLOYMENT_PROVIDER, &at)
                .map(|p| DiscoveryProvider::from_wire(&p)),
            extra: unknown(object, wire::KNOWN_DISCOVERY),
        })
    }

    fn auth_config(&mut self, value: &Value, at: String) -> Option<AuthConfig> {
        let Value::Object(object) = value else {
            self.shape_error(
                at,
                "`authConfig`",
                value,
                "an object {\"type\": \"api_key\", \"name\": <header>, \"format\": \"{api_key}\"}",
            );
            return None;
        };
        Some(AuthConfig {
            kind: self.nested_text(object, wire::AUTH_CONFIG_TYPE, &at),
            header_name: self.nested_text(object, wire::AUTH_CONFIG_NAME, &at),
            format: self.nested_text(object, wire::AUTH_CONFIG_FORMAT, &at),
            extra: unknown(object, wire::KNOWN_AUTH_CONFIG),
        })
    }

    fn headers(&mut self, value: &Value, at: String) -> BTreeMap<String, String> {
        let Value::Object(object) = value else {
            self.shape_error(
                at,
                "`customHeaders`",
                value,
                "an object of header names to string values, e.g. {\"X-Client-App\": \"foundry-agents\"}",
            );
            return BTreeMap::new();
        };
        let mut headers = BTreeMap::new();
        for (name, value) in object {
            let header_at = path::key(&at, name);
            match value {
                Value::String(text) => {
                    headers.insert(name.clone(), text.clone());
                }
                Value::Bool(_) | Value::Number(_) => {
                    self.error(
                        FindingCode::ValueWrongType,
                        header_at,
                        format!(
                            "The value of header {} is {}; header values must be strings.",
                            show(name),
                            kind(value)
                        ),
                    );
                    headers.insert(name.clone(), value.to_string());
                }
                other => {
                    let message = format!(
                        "The value of header {} is {}; header values must be strings. The header was ignored.",
                        show(name),
                        kind(other)
                    );
                    self.drop_error(FindingCode::ValueWrongType, header_at, message);
                }
            }
        }
        headers
    }
}

/// The keys of `object` outside `known`, kept verbatim.
fn unknown(object: &Map<String, Value>, known: &[&str]) -> BTreeMap<String, Value> {
    object
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
