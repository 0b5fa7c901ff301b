//! What the emulator knows about connections, read at start-up from the ARM OpenAPI excerpt
//! (`core/tests-data/spec/cognitiveservices.2026-05-01.connections-excerpt.json`), so the rules
//! it enforces are the spec's own: the `ConnectionAuthType` and `ConnectionCategory` enums, the
//! property types of `ConnectionPropertiesV2` (`metadata` values are strings, ...), which fields
//! are `readOnly`, the credential object of each auth type with its `x-ms-secret` fields, the
//! `connectionName` pattern and the list operation's query parameters.
//!
//! The few things the excerpt does not say are tables here, each marked with its source: which
//! credential fields are required, the four auth-type subtypes the excerpt left out, and the
//! extra properties the official samples send.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The spec excerpt, embedded so the emulator and the app's tests read the same file.
const SPEC_JSON: &str = include_str!(
    "../../../core/tests-data/spec/cognitiveservices.2026-05-01.connections-excerpt.json"
);

/// Credential fields the resource provider needs for each auth type. The spec marks none of them
/// `required`; `OAuth2` follows the spec's own description of `ConnectionOAuth2` ("ClientId and
/// ClientSecret are required"), the others are the fields without which the credential cannot
/// be used [I].
const REQUIRED_CREDENTIALS: &[(&str, &[&str])] = &[
    ("ApiKey", &["key"]),
    ("OAuth2", &["clientId", "clientSecret"]),
    ("AccountKey", &["key"]),
    ("PAT", &["pat"]),
    ("SAS", &["sas"]),
    ("AccessKey", &["accessKeyId", "secretAccessKey"]),
    ("UsernamePassword", &["username", "password"]),
    (
        "ServicePrincipal",
        &["clientId", "clientSecret", "tenantId"],
    ),
    ("CustomKeys", &["keys"]),
];

/// Auth-type subtypes of the full spec that the excerpt did not transcribe (its `x-excerpt-note`
/// names them); their credential definitions are in the excerpt.
const SUBTYPES_NOT_IN_EXCERPT: &[(&str, &str)] = &[
    ("ManagedIdentity", "ConnectionManagedIdentity"),
    ("SAS", "ConnectionSharedAccessSignature"),
    ("ServicePrincipal", "ConnectionServicePrincipal"),
    ("UsernamePassword", "ConnectionUsernamePassword"),
];

/// Credential maps whose values are secrets although the spec does not mark them `x-ms-secret`:
/// `CustomKeys.keys` holds the keys themselves [I].
const SECRET_MAPS: &[(&str, &str)] = &[("CustomKeys", "keys")];

/// Properties outside the swagger that the official samples send and the resource provider
/// accepts (byo-gateway.md §2.3: `audience` for ProjectManagedIdentity, `tokenUrl` and `scopes`
/// for OAuth2 ModelGateway connections).
fn sample_properties() -> Vec<Property> {
    let string = || Kind::String(None);
    vec![
        Property::new("audience", string()),
        Property::new("tokenUrl", string()),
        Property::new("scopes", Kind::Array(Box::new(string()))),
    ]
}

/// The JSON type a value must have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A string, with the spec's `format` (`uuid`, `date-time`, `uri` are checked).
    String(Option<String>),
    Boolean,
    Integer,
    Number,
    Array(Box<Kind>),
    /// An object whose every value has this kind (`additionalProperties`).
    Map(Box<Kind>),
    /// Any object.
    Object,
    /// One of these strings, compared exactly; the name is the spec's enum name.
    Enum(String, Vec<String>),
}

#[derive(Clone, Debug)]
pub(crate) struct Property {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) read_only: bool,
}

impl Property {
    fn new(name: &str, kind: Kind) -> Self {
        Self {
            name: name.to_string(),
            kind,
            read_only: false,
        }
    }
}

/// One field of a credential object.
#[derive(Clone, Debug)]
pub(crate) struct CredentialField {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    /// `x-ms-secret` (or a secret map, see [`SECRET_MAPS`]): never returned.
    pub(crate) secret: bool,
    pub(crate) required: bool,
}

/// The credential object of one auth type.
#[derive(Clone, Debug)]
pub(crate) struct CredentialSchema {
    /// Its definition in the spec, e.g. `ConnectionApiKey`.
    pub(crate) definition: String,
    pub(crate) fields: Vec<CredentialField>,
}

impl CredentialSchema {
    pub(crate) fn field(&self, name: &str) -> Option<&CredentialField> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A path parameter's pattern and length limits.
#[derive(Clone, Debug)]
pub(crate) struct NameRule {
    pub(crate) pattern: String,
    atoms: Vec<Atom>,
    pub(crate) min_length: Option<usize>,
    pub(crate) max_length: Option<usize>,
}

impl NameRule {
    pub(crate) fn accepts(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        self.min_length.is_none_or(|min| chars.len() >= min)
            && self.max_length.is_none_or(|max| chars.len() <= max)
            && match_atoms(&self.atoms, &chars)
    }
}

/// A query parameter of the connection list operation.
#[derive(Clone, Debug)]
pub(crate) struct QueryParameter {
    pub(crate) name: String,
    pub(crate) kind: Kind,
}

/// Everything the emulator takes from the spec.
#[derive(Clone, Debug)]
pub(crate) struct ConnectionSpec {
    /// `ConnectionPropertiesV2`'s properties (without `credentials`, which depends on
    /// `authType`), then the samples' extra ones.
    pub(crate) properties: Vec<Property>,
    /// `ConnectionPropertiesV2.required` (`authType`).
    pub(crate) required: Vec<String>,
    /// Credential object per auth type; auth types without one take no credentials.
    pub(crate) credentials: BTreeMap<String, CredentialSchema>,
    pub(crate) connection_name: NameRule,
    pub(crate) list_parameters: Vec<QueryParameter>,
}

impl ConnectionSpec {
    /// Reads the embedded spec; an error names what the spec lacks.
    pub(crate) fn load() -> Result<Self, String> {
        let doc: Value =
            serde_json::from_str(SPEC_JSON).map_err(|err| format!("spec is not JSON: {err}"))?;
        let defs = doc
            .get("definitions")
            .and_then(Value::as_object)
            .ok_or("spec has no definitions")?;
        let paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("spec has no paths")?;

        let auth_types = enum_values(defs, "ConnectionAuthType")?;
        let base = definition(defs, "ConnectionPropertiesV2")?;
        let mut properties = Vec::new();
        for (name, schema) in object(base, "properties", "ConnectionPropertiesV2")? {
            properties.push(Property {
                name: name.clone(),
                kind: kind_of(schema, defs)?,
                read_only: schema.get("readOnly").and_then(Value::as_bool) == Some(true),
            });
        }
        properties.extend(sample_properties());
        let required = base
            .get("required")
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();

        let mut credentials = BTreeMap::new();
        for (auth_type, definition_name) in credential_definitions(defs)? {
            if !auth_types.contains(&auth_type) {
                return Err(format!(
                    "auth type {auth_type} has a subtype but is not in ConnectionAuthType"
                ));
            }
            let schema = credential_schema(defs, &auth_type, &definition_name)?;
            credentials.insert(auth_type, schema);
        }
        for (auth_type, fields) in REQUIRED_CREDENTIALS {
            let schema = credentials.get(*auth_type).ok_or_else(|| {
                format!("no credential object for required fields of {auth_type}")
            })?;
            for field in *fields {
                if schema.field(field).is_none() {
                    return Err(format!(
                        "{} has no field {field} (required for {auth_type})",
                        schema.definition
                    ));
                }
            }
        }

        let connection_item = paths
            .iter()
            .find(|(path, _)| path.ends_with("/connections/{connectionName}"))
            .map(|(_, item)| item)
            .ok_or("spec has no connection item path")?;
        let connection_name = path_parameter(connection_item, "get", "connectionName")?;
        let connection_list = paths
            .iter()
            .find(|(path, _)| path.ends_with("/connections"))
            .map(|(_, item)| item)
            .ok_or("spec has no connection list path")?;
        let list_parameters = query_parameters(connection_list, "get", defs)?;

        Ok(Self {
            properties,
            required,
            credentials,
            connection_name,
            list_parameters,
        })
    }

    pub(crate) fn credentials_for(&self, auth_type: &str) -> Option<&CredentialSchema> {
        self.credentials.get(auth_type)
    }

    /// The values of the enum property `name` (`authType`, `category`, ...).
    #[cfg(test)]
    fn enum_of(&self, name: &str) -> &[String] {
        match self
            .properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.kind)
        {
            Some(Kind::Enum(_, values)) => values,
            _ => &[],
        }
    }
}

fn definition<'a>(defs: &'a Map<String, Value>, name: &str) -> Result<&'a Value, String> {
    defs.get(name)
        .ok_or_else(|| format!("spec has no definition {name}"))
}

fn object<'a>(value: &'a Value, key: &str, owner: &str) -> Result<&'a Map<String, Value>, String> {
    value
        .get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{owner} has no {key} object"))
}

fn enum_values(defs: &Map<String, Value>, name: &str) -> Result<Vec<String>, String> {
    let values: Vec<String> = definition(defs, name)?
        .get("enum")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{name} is not an enum"))?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if values.is_empty() {
        return Err(format!("{name} has no values"));
    }
    Ok(values)
}

/// `#/definitions/Name` → `Name`.
fn local_ref(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
}

fn kind_of(schema: &Value, defs: &Map<String, Value>) -> Result<Kind, String> {
    if let Some(name) = local_ref(schema) {
        let target = definition(defs, name)?;
        if target.get("enum").is_some() {
            return Ok(Kind::Enum(name.to_string(), enum_values(defs, name)?));
        }
        return kind_of(target, defs);
    }
    if let Some(other) = schema.get("$ref") {
        return Err(format!("cannot resolve {other} here"));
    }
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_string);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Ok(Kind::String(format)),
        Some("boolean") => Ok(Kind::Boolean),
        Some("integer") => Ok(Kind::Integer),
        Some("number") => Ok(Kind::Number),
        Some("array") => {
            let items = schema.get("items").ok_or("array without items")?;
            Ok(Kind::Array(Box::new(kind_of(items, defs)?)))
        }
        Some("object") | None => match schema.get("additionalProperties") {
            Some(values) if values.is_object() => Ok(Kind::Map(Box::new(kind_of(values, defs)?))),
            _ => Ok(Kind::Object),
        },
        Some(other) => Err(format!("unknown schema type {other}")),
    }
}

/// `(authType, credential definition)` for every auth-type subtype: the discriminated subtypes of
/// `ConnectionPropertiesV2` in the excerpt whose `credentials` property names a definition, plus
/// [`SUBTYPES_NOT_IN_EXCERPT`].
fn credential_definitions(defs: &Map<String, Value>) -> Result<Vec<(String, String)>, String> {
    let mut found = Vec::new();
    for schema in defs.values() {
        let Some(auth_type) = schema
            .get("x-ms-discriminator-value")
            .and_then(Value::as_str)
        else {
            continue;
        };
        let extends_base = schema
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|parents| {
                parents
                    .iter()
                    .any(|p| local_ref(p) == Some("ConnectionPropertiesV2"))
            });
        if !extends_base {
            continue;
        }
        if let Some(credentials) = schema.pointer("/properties/credentials") {
            let name = local_ref(credentials)
                .ok_or_else(|| format!("credentials of {auth_type} is not a local $ref"))?;
            found.push((auth_type.to_string(), name.to_string()));
        }
    }
    for (auth_type, name) in SUBTYPES_NOT_IN_EXCERPT {
        if found.iter().any(|(a, _)| a == auth_type) {
            return Err(format!(
                "{auth_type} is in the excerpt now; drop it from the table"
            ));
        }
        definition(defs, name)?;
        found.push(((*auth_type).to_string(), (*name).to_string()));
    }
    Ok(found)
}

fn credential_schema(
    defs: &Map<String, Value>,
    auth_type: &str,
    definition_name: &str,
) -> Result<CredentialSchema, String> {
    let def = definition(defs, definition_name)?;
    let required: &[&str] = REQUIRED_CREDENTIALS
        .iter()
        .find(|(a, _)| *a == auth_type)
        .map_or(&[], |(_, fields)| fields);
    let mut fields = Vec::new();
    for (name, schema) in object(def, "properties", definition_name)? {
        let secret = schema.get("x-ms-secret").and_then(Value::as_bool) == Some(true)
            || SECRET_MAPS.contains(&(auth_type, name.as_str()));
        fields.push(CredentialField {
            name: name.clone(),
            kind: kind_of(schema, defs)?,
            secret,
            required: required.contains(&name.as_str()),
        });
    }
    Ok(CredentialSchema {
        definition: definition_name.to_string(),
        fields,
    })
}

fn operation_parameters<'a>(item: &'a Value, method: &str) -> Result<&'a Vec<Value>, String> {
    item.get(method)
        .and_then(|op| op.get("parameters"))
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{method} operation without parameters"))
}

fn path_parameter(item: &Value, method: &str, name: &str) -> Result<NameRule, String> {
    let parameter = operation_parameters(item, method)?
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .ok_or_else(|| format!("no path parameter {name}"))?;
    let pattern = parameter
        .get("pattern")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{name} has no pattern"))?;
    let length = |key: &str| {
        parameter
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    Ok(NameRule {
        pattern: pattern.to_string(),
        atoms: parse_pattern(pattern)?,
        min_length: length("minLength"),
        max_length: length("maxLength"),
    })
}

fn query_parameters(
    item: &Value,
    method: &str,
    defs: &Map<String, Value>,
) -> Result<Vec<QueryParameter>, String> {
    let mut found = Vec::new();
    for parameter in operation_parameters(item, method)? {
        if parameter.get("in").and_then(Value::as_str) != Some("query") {
            continue;
        }
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .ok_or("query parameter without name")?;
        found.push(QueryParameter {
            name: name.to_string(),
            kind: kind_of(parameter, defs)?,
        });
    }
    Ok(found)
}

/// One `[class]` of a pattern with its repetition.
#[derive(Clone, Debug)]
struct Atom {
    ranges: Vec<(char, char)>,
    min: usize,
    max: usize,
}

/// Parses the anchored character-class patterns the spec uses for names, such as
/// `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$`: a sequence of `[...]` classes, each optionally followed
/// by `{m,n}`, `{m}`, `*`, `+` or `?`. Anything else is refused, so a new kind of pattern in the
/// spec fails loudly at start-up instead of being half understood.
fn parse_pattern(pattern: &str) -> Result<Vec<Atom>, String> {
    let body = pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .ok_or_else(|| format!("pattern {pattern} is not anchored"))?;
    let chars: Vec<char> = body.chars().collect();
    let mut atoms = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '[' {
            return Err(format!("pattern {pattern}: expected '[' at {i}"));
        }
        i += 1;
        let mut ranges = Vec::new();
        while i < chars.len() && chars[i] != ']' {
            let start = if chars[i] == '\\' {
                i += 1;
                *chars.get(i).ok_or("dangling escape")?
            } else {
                chars[i]
            };
            if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|c| *c != ']') {
                ranges.push((start, chars[i + 2]));
                i += 3;
            } else {
                ranges.push((start, start));
                i += 1;
            }
        }
        if i >= chars.len() {
            return Err(format!("pattern {pattern}: unclosed class"));
        }
        i += 1;
        let (min, max) = match chars.get(i) {
            Some('*') => {
                i += 1;
                (0, usize::MAX)
            }
            Some('+') => {
                i += 1;
                (1, usize::MAX)
            }
            Some('?') => {
                i += 1;
                (0, 1)
            }
            Some('{') => {
                let close = chars[i..]
                    .iter()
                    .position(|c| *c == '}')
                    .ok_or_else(|| format!("pattern {pattern}: unclosed repetition"))?;
                let inside: String = chars[i + 1..i + close].iter().collect();
                i += close + 1;
                let number = |s: &str| {
                    s.trim()
                        .parse::<usize>()
                        .map_err(|_| format!("pattern {pattern}: bad repetition {inside}"))
                };
                match inside.split_once(',') {
                    Some((lo, hi)) => (number(lo)?, number(hi)?),
                    None => {
                        let n = number(&inside)?;
                        (n, n)
                    }
                }
            }
            _ => (1, 1),
        };
        atoms.push(Atom { ranges, min, max });
    }
    Ok(atoms)
}

fn match_atoms(atoms: &[Atom], chars: &[char]) -> bool {
    let Some((atom, rest)) = atoms.split_first() else {
        return chars.is_empty();
    };
    let in_class = |c: &char| atom.ranges.iter().any(|(lo, hi)| lo <= c && c <= hi);
    let run = chars.iter().take_while(|c| in_class(c)).count();
    let most = run.min(atom.max);
    if most < atom.min {
        return false;
    }
    // Greedy with backtracking; names are short.
    (atom.min..=most)
        .rev()
        .any(|n| match_atoms(rest, &chars[n..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_spec_loads() {
        let spec = ConnectionSpec::load().unwrap();
        assert!(
            spec.enum_of("authType")
                .iter()
                .any(|a| a == "ProjectManagedIdentity")
        );
        assert!(spec.enum_of("category").iter().any(|c| c == "ModelGateway"));
        assert!(
            spec.enum_of("category")
                .iter()
                .any(|c| c == "ApiManagement")
        );
        assert_eq!(spec.enum_of("category").len(), 120);
        assert_eq!(spec.required, vec!["authType".to_string()]);
        let api_key = spec.credentials_for("ApiKey").unwrap();
        assert!(api_key.field("key").unwrap().secret);
        let oauth = spec.credentials_for("OAuth2").unwrap();
        assert_eq!(
            oauth.field("clientId").unwrap().kind,
            Kind::String(Some("uuid".into()))
        );
        assert!(!oauth.field("clientId").unwrap().secret);
        assert!(oauth.field("clientSecret").unwrap().secret);
        assert!(spec.credentials_for("ProjectManagedIdentity").is_none());
        let metadata = spec
            .properties
            .iter()
            .find(|p| p.name == "metadata")
            .unwrap();
        assert_eq!(metadata.kind, Kind::Map(Box::new(Kind::String(None))));
        let group = spec.properties.iter().find(|p| p.name == "group").unwrap();
        assert!(group.read_only);
        let names: Vec<&str> = spec
            .list_parameters
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["target", "category", "includeAll"]);
    }

    #[test]
    fn the_connection_name_pattern() {
        let rule = ConnectionSpec::load().unwrap().connection_name;
        assert_eq!(rule.pattern, "^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$");
        for good in ["abc", "a_b", "A-1", "x".repeat(33).as_str()] {
            assert!(rule.accepts(good), "{good}");
        }
        for bad in [
            "ab",
            "-ab",
            "_ab",
            "a.bc",
            "a bc",
            "",
            "é-ab",
            "x".repeat(34).as_str(),
        ] {
            assert!(!rule.accepts(bad), "{bad}");
        }
    }

    #[test]
    fn patterns_with_open_repetition() {
        let atoms = parse_pattern("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$").unwrap();
        assert!(match_atoms(&atoms, &['a']));
        assert!(match_atoms(&atoms, &"a.b-c_d".chars().collect::<Vec<_>>()));
        assert!(!match_atoms(&atoms, &".a".chars().collect::<Vec<_>>()));
        assert!(parse_pattern("^abc$").is_err());
        assert!(parse_pattern("[a-z]").is_err());
    }
}
