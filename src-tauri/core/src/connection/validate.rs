//! Validation: every rule about a connection, in one place. The UI and the CLI only show the
//! findings. Rules cite byo-gateway.md (§ numbers, trap §7 #n); where a rule settles an open
//! question (§10.n) the comment says so.

use std::collections::HashMap;

use url::Url;

use super::finding::{Finding, FindingCode};
use super::model::{
    Connection, ConnectionAuth, ConnectionCategory, DEFAULT_API_KEY_HEADER, DEFAULT_PMI_AUDIENCE,
    DiscoveryProvider, ModelDiscovery, ModelFormat, ModelInfo,
};
use super::syntax::{
    KeyMatch, has_scheme, header_name_problem, header_value_problem, is_guid, is_hidden_char,
    is_loopback, match_key, origin, same_origin, show,
};
use super::wire::{self, path};

/// Headers the HTTP client sets itself; a custom value is ignored or corrupts the request.
const MANAGED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
];
/// Header names that usually carry a credential.
const CREDENTIAL_HEADERS: &[&str] = &[
    "api-key",
    "x-api-key",
    "ocp-apim-subscription-key",
    "authorization",
    "proxy-authorization",
    "cookie",
];

/// Name pattern from the ARM spec: `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$` (trap §7 #5).
const NAME_MIN: usize = 3;
const NAME_MAX: usize = 33;

/// All findings for a connection, errors and warnings, in a stable order.
pub fn validate(connection: &Connection) -> Vec<Finding> {
    let mut v = Validator {
        c: connection,
        out: Vec::new(),
        target: None,
    };
    v.name();
    v.target();
    v.properties_keys();
    v.auth();
    v.metadata_keys();
    v.deployment_in_path();
    v.api_versions();
    v.models_and_discovery();
    v.auth_header();
    v.custom_headers();
    v.out
}

struct Validator<'c> {
    c: &'c Connection,
    out: Vec<Finding>,
    /// The parsed target, for same-origin checks.
    target: Option<Url>,
}

/// What to accept in a URL field.
struct UrlRules {
    /// How a message names the field.
    field: &'static str,
    /// `target` must not have a query: the service appends paths after it.
    query_allowed: bool,
}

impl Validator<'_> {
    fn error(&mut self, code: FindingCode, at: impl Into<String>, message: impl Into<String>) {
        self.out.push(Finding::error(code, at, message));
    }

    fn warning(&mut self, code: FindingCode, at: impl Into<String>, message: impl Into<String>) {
        self.out.push(Finding::warning(code, at, message));
    }

    fn is_api_key(&self) -> bool {
        matches!(self.c.auth, ConnectionAuth::ApiKey { .. })
    }

    // ---- name ------------------------------------------------------------------------------

    fn name(&mut self) {
        match &self.c.name {
            None => self.warning(
                FindingCode::NameMissing,
                path::NAME,
                "The connection has no name. ARM takes it from the URL; set one (3–33 letters, digits, `_` or `-`) before deploying.",
            ),
            Some(name) => {
                if let Some(message) = name_problem(name) {
                    self.error(FindingCode::NamePattern, path::NAME, message);
                }
            }
        }
    }

    // ---- target ----------------------------------------------------------------------------

    fn target(&mut self) {
        let raw = self.c.target.as_str();
        if raw.trim().is_empty() {
            self.error(
                FindingCode::TargetMissing,
                path::TARGET,
                "`target` is empty. Set the gateway base URL: everything before `/chat/completions` (or `/deployments/{name}/chat/completions`), e.g. `https://contoso-apim.azure-api.net/openai`.",
            );
            return;
        }
        let rules = UrlRules {
            field: "target",
            query_allowed: false,
        };
        let Some(url) = self.url(raw, path::TARGET, &rules) else {
            return;
        };
        self.target_suffix(&url);
        self.target = Some(url);
    }

    /// Checks an absolute URL field; returns it when it parses.
    fn url(&mut self, raw: &str, at: &str, rules: &UrlRules) -> Option<Url> {
        let field = rules.field;
        let trimmed = raw.trim();
        if trimmed != raw
            || trimmed
                .chars()
                .any(|c| c.is_whitespace() || is_hidden_char(c))
        {
            self.error(
                FindingCode::UrlWhitespace,
                at,
                format!(
                    "`{field}` {} contains spaces, line breaks or invisible characters (often from copy and paste). Remove them.",
                    show(raw)
                ),
            );
        }
        if !has_scheme(trimmed) {
            self.error(
                FindingCode::UrlInvalid,
                at,
                format!(
                    "`{field}` {} is not an absolute URL. Write it with its scheme, e.g. `https://{}`.",
                    show(raw),
                    trimmed.trim_start_matches('/')
                ),
            );
            return None;
        }
        let url = match Url::parse(trimmed) {
            Ok(url) => url,
            Err(e) => {
                self.error(
                    FindingCode::UrlInvalid,
                    at,
                    format!(
                        "`{field}` {} is not a valid URL ({e}). Check the host name and port.",
                        show(raw)
                    ),
                );
                return None;
            }
        };
        if let Some(url::Host::Domain(host)) = url.host()
            && (host.len() > 253 || host.split('.').any(|label| label.len() > 63))
        {
            self.error(
                FindingCode::UrlInvalid,
                at,
                format!(
                    "`{field}` has a host name longer than DNS allows (253 characters, 63 per label), so it cannot resolve. Check the host."
                ),
            );
            return None;
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => self.warning(
                FindingCode::UrlHttpLoopback,
                at,
                format!(
                    "`{field}` uses plain http to a loopback address: fine for local tests, but the Agent Service runs in Azure and cannot reach {}. Use the gateway's public https URL to deploy.",
                    origin(&url)
                ),
            ),
            "http" => self.error(
                FindingCode::UrlNotHttps,
                at,
                format!(
                    "`{field}` uses plain http. Use https (`https://{}`…); only loopback addresses may use http, for local tests.",
                    url.host_str().unwrap_or_default()
                ),
            ),
            scheme => {
                self.error(
                    FindingCode::UrlNotHttps,
                    at,
                    format!("`{field}` uses the scheme `{scheme}:`. Use an https URL."),
                );
                return None;
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            self.error(
                FindingCode::UrlUserInfo,
                at,
                format!(
                    "`{field}` contains credentials (`user:password@`). Remove them: ARM returns the URL to every reader, and the connection's auth settings carry credentials."
                ),
            );
        }
        if let (Some(query), false) = (url.query(), rules.query_allowed) {
            let hint = if query.to_ascii_lowercase().contains("api-version") {
                "Move the api-version into `inferenceAPIVersion` (the service appends `?api-version=` itself)"
            } else {
                "Remove it: the Agent Service appends paths after the target, so a query would end up in the middle of the URL"
            };
            self.error(
                FindingCode::UrlQuery,
                at,
                format!("`{field}` has a query string (`?{query}`). {hint}."),
            );
        }
        if url.fragment().is_some() {
            self.error(
                FindingCode::UrlFragment,
                at,
                format!("`{field}` has a fragment (`#…`). Remove it."),
            );
        }
        Some(url)
    }

    /// A target that ends with what the service appends (§4.1): `/chat/completions`,
    /// `/deployments/{name}[/chat/completions]`.
    fn target_suffix(&mut self, url: &Url) {
        let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
        let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
        let mut keep = segments.len();
        let mut chat = false;
        if keep >= 2 && lower[keep - 2] == "chat" && lower[keep - 1] == "completions" {
            keep -= 2;
            chat = true;
        }
        let mut deployments = false;
        if let Some(pos) = lower[..keep].iter().rposition(|s| s == "deployments") {
            // Only at the end (`…/deployments` or `…/deployments/{name}`): a gateway may well
            // have `deployments` deeper in its own base path.
            if pos + 2 >= keep {
                keep = pos;
                deployments = true;
            }
        }
        if !chat && !deployments {
            return;
        }
        let removed = format!("/{}", segments[keep..].join("/"));
        let suggested = if keep == 0 {
            origin(url)
        } else {
            format!("{}/{}", origin(url), segments[..keep].join("/"))
        };
        let flag = if deployments { "true" } else { "false" };
        self.warning(
            FindingCode::TargetOperationSuffix,
            path::TARGET,
            format!(
                "`target` ends with `{removed}`, which the Agent Service appends itself. Set `target` to `{suggested}` and `deploymentInPath` to \"{flag}\"."
            ),
        );
    }

    // ---- keys ------------------------------------------------------------------------------

    fn properties_keys(&mut self) {
        let c = self.c;
        let known: Vec<&str> = wire::MODELLED_PROPERTIES
            .iter()
            .chain(wire::PASSTHROUGH_PROPERTIES)
            .chain(wire::READ_ONLY_PROPERTIES)
            .copied()
            .collect();
        for key in c.extra_properties.keys() {
            let at = path::key(path::PROPERTIES, key);
            match match_key(key, &known) {
                KeyMatch::Exact => {
                    let owner = match key.as_str() {
                        wire::AUDIENCE => Some("ProjectManagedIdentity"),
                        wire::TOKEN_URL | wire::SCOPES => Some("OAuth2"),
                        _ => None,
                    };
                    if let Some(owner) = owner {
                        self.warning(
                            FindingCode::PropertyUnused,
                            at,
                            format!(
                                "`{key}` is only read for {owner} auth; this connection uses {}. Remove it.",
                                c.auth.auth_type()
                            ),
                        );
                    }
                }
                // ARM reads property names ignoring case, so a second spelling of a known
                // property clashes with it (or belongs to another auth type).
                KeyMatch::WrongCase(right) => self.error(
                    FindingCode::KeyWrongCase,
                    at,
                    format!(
                        "{} is `{right}` in another case: ARM reads property names ignoring case, so it clashes with `{right}` or is read in its place. Keep one, spelt exactly `{right}`.",
                        show(key)
                    ),
                ),
                KeyMatch::Misspelt(right) => {
                    self.key_near_miss(key, right, at, "connection properties");
                }
                KeyMatch::Unknown => self.warning(
                    FindingCode::UnknownKey,
                    at,
                    format!(
                        "{} is not a connection property ARM knows; ARM may reject the body or drop it. Remove it, or move it into `metadata` if it is meant for the gateway.",
                        show(key)
                    ),
                ),
            }
        }
    }

    /// A key that is almost a known one: the service will not read it under that spelling.
    fn key_near_miss(&mut self, key: &str, right: &str, at: String, shape: &str) {
        if key.eq_ignore_ascii_case(right) {
            self.error(
                FindingCode::KeyWrongCase,
                at,
                format!(
                    "{} is not `{right}`: keys of {shape} are case-sensitive, so the service ignores this one. Rename it to `{right}`.",
                    show(key)
                ),
            );
        } else {
            self.error(
                FindingCode::KeyMisspelt,
                at,
                format!(
                    "{} is not a key of {shape}; did you mean `{right}`? The service ignores unknown keys, so this setting has no effect.",
                    show(key)
                ),
            );
        }
    }

    /// Keys of a closed JSON shape (`modelDiscovery`, `authConfig`, a model entry).
    fn closed_keys<'k>(
        &mut self,
        keys: impl Iterator<Item = &'k String>,
        known: &[&str],
        base: &str,
        shape: &str,
    ) {
        for key in keys {
            let at = path::key(base, key);
            match match_key(key, known) {
                KeyMatch::Exact => {}
                KeyMatch::WrongCase(right) | KeyMatch::Misspelt(right) => {
                    self.key_near_miss(key, right, at, shape);
                }
                KeyMatch::Unknown => self.warning(
                    FindingCode::UnknownKey,
                    at,
                    format!(
                        "{} is not a documented key of {shape} (known: {}). Remove it unless your gateway setup needs it.",
                        show(key),
                        known.join(", ")
                    ),
                ),
            }
        }
    }

    fn metadata_keys(&mut self) {
        let m = &self.c.metadata;
        for key in m.extra.keys() {
            let at = path::key(path::METADATA, key);
            match match_key(key, wire::KNOWN_METADATA) {
                KeyMatch::Exact => {
                    if matches!(key.as_str(), wire::TOKEN_URL | wire::SCOPES) {
                        // Open question §10.3: whether the service reads OAuth2 settings from
                        // metadata is unknown; the samples put them at `properties` level.
                        self.warning(
                            FindingCode::Oauth2SettingInMetadata,
                            at,
                            format!(
                                "`{key}` is in metadata; the samples put it at `properties.{key}`, and whether the service reads it from metadata is unknown. Set `properties.{key}` (and keep this copy only if you know your setup needs it)."
                            ),
                        );
                    }
                }
                KeyMatch::WrongCase(right) | KeyMatch::Misspelt(right) => {
                    self.key_near_miss(key, right, at, "metadata");
                }
                // Metadata is an open bag (other tools write their own keys): no finding.
                KeyMatch::Unknown => {}
            }
        }
    }

    // ---- metadata values -------------------------------------------------------------------

    fn deployment_in_path(&mut self) {
        if self.c.metadata.deployment_in_path.is_some() {
            return;
        }
        let how = "Set \"true\" when calls go to `{target}/deployments/{name}/chat/completions` (Azure OpenAI style), \"false\" when they go to `{target}/chat/completions` with the model in the body.";
        match self.c.category {
            // The APIM objects doc: required, "Connection will fail validation" without it.
            ConnectionCategory::ApiManagement => self.error(
                FindingCode::DeploymentInPathMissing,
                path::DEPLOYMENT_IN_PATH,
                format!("`deploymentInPath` is required for ApiManagement connections. {how}"),
            ),
            // Open question §10.5: not documented as required for ModelGateway; warn so it is
            // set explicitly.
            ConnectionCategory::ModelGateway => self.warning(
                FindingCode::DeploymentInPathMissing,
                path::DEPLOYMENT_IN_PATH,
                format!(
                    "`deploymentInPath` is not set; it is only documented as required for ApiManagement, but the call URL depends on it. {how}"
                ),
            ),
        }
    }

    fn api_versions(&mut self) {
        let m = &self.c.metadata;
        match &m.inference_api_version {
            // Open question §10.4: the default when absent is "a default API version", not
            // documented; ask for an explicit value ("" = send none).
            None => self.warning(
                FindingCode::InferenceApiVersionMissing,
                path::INFERENCE_API_VERSION,
                "`inferenceAPIVersion` is not set, and the service's default is not documented. Set it explicitly: the api-version your gateway expects (e.g. \"2024-10-21\"), or \"\" to send none.",
            ),
            Some(version) => self.api_version(version, path::INFERENCE_API_VERSION, "inferenceAPIVersion"),
        }
        if let Some(version) = &m.deployment_api_version {
            self.api_version(
                version,
                path::DEPLOYMENT_API_VERSION,
                "deploymentAPIVersion",
            );
            if self.c.effective_model_discovery().is_none() {
                self.warning(
                    FindingCode::DeploymentApiVersionUnused,
                    path::DEPLOYMENT_API_VERSION,
                    "`deploymentAPIVersion` is only used for discovery calls, and this connection lists its models statically. Remove it.",
                );
            }
        }
    }

    fn api_version(&mut self, version: &str, at: &str, field: &str) {
        let problem = if version
            .chars()
            .any(|c| c.is_whitespace() || is_hidden_char(c))
        {
            Some("contains spaces or invisible characters".to_string())
        } else if version.contains(['?', '&', '=', '/', '#']) {
            let bare = version
                .rsplit(['=', '?', '&'])
                .next()
                .unwrap_or_default()
                .trim_matches('/');
            Some(format!(
                "looks like part of a URL; write only the version{}",
                if bare.is_empty() {
                    String::new()
                } else {
                    format!(", e.g. \"{bare}\"")
                }
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            self.error(
                FindingCode::ApiVersionInvalid,
                at,
                format!(
                    "`{field}` {} {problem}. The service appends `?api-version=<value>` itself.",
                    show(version)
                ),
            );
        }
    }

    // ---- models and discovery --------------------------------------------------------------

    fn models_and_discovery(&mut self) {
        let m = &self.c.metadata;
        match (&m.models, &m.model_discovery) {
            (Some(_), Some(_)) => self.error(
                FindingCode::ModelsAndDiscovery,
                path::MODEL_DISCOVERY,
                "Both static `models` and `modelDiscovery` are set; they are mutually exclusive. Keep `models` (recommended: no discovery calls) or `modelDiscovery`, and remove the other.",
            ),
            (None, None) => match self.c.category {
                ConnectionCategory::ModelGateway => self.error(
                    FindingCode::ModelsMissing,
                    path::METADATA,
                    "A ModelGateway connection needs its models: add a static `models` list, or `modelDiscovery` with listModelsEndpoint, getModelEndpoint and deploymentProvider.",
                ),
                // Decision: no finding. The service applies the APIM defaults (`/deployments`,
                // `/deployments/{deploymentName}`, `AzureOpenAI`) when both are absent [C]; the
                // FS Bicep template refusing it is a template rule, not a service rule.
                ConnectionCategory::ApiManagement => {}
            },
            _ => {}
        }
        if let Some(models) = &m.models {
            self.models(models);
        }
        if let Some(discovery) = &m.model_discovery {
            self.discovery(discovery);
        }
    }

    fn models(&mut self, models: &[ModelInfo]) {
        if models.is_empty() {
            self.error(
                FindingCode::ModelsEmpty,
                path::MODELS,
                "`models` is an empty list. Add at least one model ({\"name\": <deployment>, \"properties\": {\"model\": {\"name\", \"version\", \"format\"}}}), or use `modelDiscovery` instead.",
            );
            return;
        }
        if self.c.category == ConnectionCategory::ApiManagement {
            self.warning(
                FindingCode::ApimStaticModelsPortal,
                path::MODELS,
                "The Foundry portal page has been reported to fail for ApiManagement connections with static models created outside the portal (foundry-samples issue #728, open). Agents are not affected; use `modelDiscovery` if you need the portal view.",
            );
        }
        let in_path = self.c.metadata.deployment_in_path == Some(true);
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut seen_folded: HashMap<String, usize> = HashMap::new();
        for (i, model) in models.iter().enumerate() {
            let name_at = path::model(i, "name");
            match model.deployment_name.as_deref().map(str::trim) {
                None | Some("") => self.error(
                    FindingCode::ModelDeploymentNameMissing,
                    name_at.clone(),
                    format!(
                        "`models[{i}]` has no deployment `name`. Set the name agents use after the connection name (`<connection>/<name>`)."
                    ),
                ),
                Some(_) => {}
            }
            if let Some(name) = model
                .deployment_name
                .as_deref()
                .filter(|n| !n.trim().is_empty())
            {
                if let Some(first) = seen.get(name) {
                    self.error(
                        FindingCode::ModelDeploymentNameDuplicate,
                        name_at.clone(),
                        format!(
                            "Deployment name {} is also used by `models[{first}]`. Agents pick a model by `<connection>/<deployment>`, so names must be unique: rename or remove one.",
                            show(name)
                        ),
                    );
                } else if let Some(first) = seen_folded.get(&name.to_lowercase()) {
                    self.warning(
                        FindingCode::ModelDeploymentNameDuplicate,
                        name_at.clone(),
                        format!(
                            "Deployment name {} differs from `models[{first}]` only by case; deployment names are usually matched ignoring case. Use clearly different names.",
                            show(name)
                        ),
                    );
                }
                seen.entry(name).or_insert(i);
                seen_folded.entry(name.to_lowercase()).or_insert(i);
                if in_path && name.contains('/') {
                    self.warning(
                        FindingCode::ModelDeploymentNameSlash,
                        name_at.clone(),
                        format!(
                            "Deployment name {} contains `/`, and `deploymentInPath` is \"true\": the name lands in the URL path (`…/deployments/{{name}}/chat/completions`) and the `/` splits it. Use a name without `/`, or \"false\" if the gateway takes the model in the body.",
                            show(name)
                        ),
                    );
                }
            }
            if model
                .model_name
                .as_deref()
                .is_none_or(|n| n.trim().is_empty())
            {
                self.error(
                    FindingCode::ModelNameMissing,
                    path::model(i, "properties.model.name"),
                    format!(
                        "`models[{i}]` has no model name (`properties.model.name`). Set the provider's model name, e.g. \"gpt-4o\"."
                    ),
                );
            }
            let format_at = path::model(i, "properties.model.format");
            match &model.format {
                None => self.warning(
                    FindingCode::ModelFormatMissing,
                    format_at,
                    format!(
                        "`models[{i}]` has no `format`. Set \"OpenAI\" (OpenAI chat completions, any host), \"Anthropic\" (the /messages API) or \"NonOpenAI\" (anything else)."
                    ),
                ),
                Some(ModelFormat::Other(format)) => {
                    let message = match ModelFormat::DOCUMENTED
                        .iter()
                        .find(|f| f.eq_ignore_ascii_case(format))
                    {
                        Some(right) => format!(
                            "`format` {} is not spelt like the documented \"{right}\"; write \"{right}\".",
                            show(format)
                        ),
                        None => format!(
                            "`format` {} is not one of the documented formats \"OpenAI\", \"Anthropic\", \"NonOpenAI\". Use \"OpenAI\" if the gateway speaks OpenAI chat completions for this model (tools, tool_choice, response_format), \"NonOpenAI\" otherwise.",
                            show(format)
                        ),
                    };
                    self.warning(FindingCode::ModelFormatUnknown, format_at, message);
                }
                Some(_) => {}
            }
            let base = path::index(path::MODELS, i);
            self.closed_keys(
                model.extra.keys(),
                wire::KNOWN_MODEL_ITEM,
                &base,
                "a model entry",
            );
            self.closed_keys(
                model.properties_extra.keys(),
                wire::KNOWN_MODEL_PROPERTIES,
                &format!("{base}.properties"),
                "a model entry's `properties`",
            );
            self.closed_keys(
                model.model_extra.keys(),
                wire::KNOWN_MODEL,
                &format!("{base}.properties.model"),
                "a model entry's `properties.model`",
            );
        }
    }

    fn discovery(&mut self, discovery: &ModelDiscovery) {
        let apim = self.c.category == ConnectionCategory::ApiManagement;
        let fields: [(&str, &str, Option<&str>, &str); 3] = [
            (
                wire::LIST_MODELS_ENDPOINT,
                path::LIST_MODELS_ENDPOINT,
                discovery.list_models_endpoint.as_deref(),
                "e.g. \"/deployments\" (AzureOpenAI) or \"/models\" (OpenAI)",
            ),
            (
                wire::GET_MODEL_ENDPOINT,
                path::GET_MODEL_ENDPOINT,
                discovery.get_model_endpoint.as_deref(),
                "e.g. \"/deployments/{deploymentName}\" (AzureOpenAI) or \"/models/{deploymentName}\" (OpenAI)",
            ),
            (
                wire::DEPLOYMENT_PROVIDER,
                path::DEPLOYMENT_PROVIDER,
                discovery
                    .deployment_provider
                    .as_ref()
                    .map(DiscoveryProvider::as_wire),
                "\"AzureOpenAI\" or \"OpenAI\"",
            ),
        ];
        for (key, at, value, example) in fields {
            if value.is_none_or(|v| v.trim().is_empty()) {
                let state = if value.is_some() {
                    "is empty"
                } else {
                    "is missing"
                };
                let apim_hint = if apim {
                    " (or remove `modelDiscovery` to use the APIM defaults)"
                } else {
                    ""
                };
                self.error(
                    FindingCode::DiscoveryIncomplete,
                    at,
                    format!(
                        "`modelDiscovery` needs all three of listModelsEndpoint, getModelEndpoint and deploymentProvider; `{key}` {state}. Set it, {example}{apim_hint}."
                    ),
                );
            }
        }
        if let Some(DiscoveryProvider::Other(provider)) = &discovery.deployment_provider
            && !provider.trim().is_empty()
        {
            let message = match DiscoveryProvider::DOCUMENTED
                .iter()
                .find(|p| p.eq_ignore_ascii_case(provider.trim()))
            {
                Some(right) => format!(
                    "`deploymentProvider` is {}; the service compares it exactly. Did you mean \"{right}\"?",
                    show(provider)
                ),
                None => format!(
                    "`deploymentProvider` is {}; it must be \"AzureOpenAI\" (list returns {{\"value\": [...]}}) or \"OpenAI\" (list returns {{\"data\": [...]}}).",
                    show(provider)
                ),
            };
            self.error(
                FindingCode::DiscoveryProviderInvalid,
                path::DEPLOYMENT_PROVIDER,
                message,
            );
        }
        if let Some(endpoint) = discovery
            .list_models_endpoint
            .as_deref()
            .filter(|e| !e.trim().is_empty())
        {
            self.endpoint(endpoint, path::LIST_MODELS_ENDPOINT, false);
        }
        if let Some(endpoint) = discovery
            .get_model_endpoint
            .as_deref()
            .filter(|e| !e.trim().is_empty())
        {
            self.endpoint(endpoint, path::GET_MODEL_ENDPOINT, true);
        }
        self.closed_keys(
            discovery.extra.keys(),
            wire::KNOWN_DISCOVERY,
            path::MODEL_DISCOVERY,
            "`modelDiscovery`",
        );
    }

    /// A discovery endpoint: a path relative to `target`, or an absolute HTTPS URL on the
    /// target's origin (§3; trap §7 #14).
    fn endpoint(&mut self, raw: &str, at: &str, is_get: bool) {
        let field = if is_get {
            wire::GET_MODEL_ENDPOINT
        } else {
            wire::LIST_MODELS_ENDPOINT
        };
        if raw.chars().any(|c| c.is_whitespace() || is_hidden_char(c)) {
            self.error(
                FindingCode::DiscoveryEndpointInvalid,
                at,
                format!(
                    "`{field}` {} contains spaces, line breaks or invisible characters. Remove them.",
                    show(raw)
                ),
            );
            return;
        }
        if raw.contains('\\') {
            self.error(
                FindingCode::DiscoveryEndpointInvalid,
                at,
                format!(
                    "`{field}` {} contains a backslash. Use `/` between path segments.",
                    show(raw)
                ),
            );
            return;
        }
        let lower = raw.to_ascii_lowercase();
        if lower.contains("%2f") || lower.contains("%5c") {
            self.error(
                FindingCode::DiscoveryEndpointEncodedSeparator,
                at,
                format!(
                    "`{field}` {} contains an encoded path separator (`%2F` or `%5C`), which the service rejects. Write `/` literally.",
                    show(raw)
                ),
            );
        }
        let (before_fragment, fragment) = match raw.split_once('#') {
            Some((head, tail)) => (head, Some(tail)),
            None => (raw, None),
        };
        if fragment.is_some() {
            self.error(
                FindingCode::DiscoveryEndpointFragment,
                at,
                format!("`{field}` has a fragment (`#…`), which the service rejects. Remove it."),
            );
        }
        let (path_part, query) = match before_fragment.split_once('?') {
            Some((head, tail)) => (head, Some(tail)),
            None => (before_fragment, None),
        };
        let traversal = path_part.split('/').any(|segment| {
            matches!(
                segment.to_ascii_lowercase().as_str(),
                ".." | "%2e%2e" | ".%2e" | "%2e."
            )
        });
        if traversal {
            self.error(
                FindingCode::DiscoveryEndpointTraversal,
                at,
                format!(
                    "`{field}` contains `..`, which the service rejects (path traversal). Write the path from `target` without `..`, or an absolute URL on the target's origin."
                ),
            );
        }
        if raw.starts_with("//") {
            self.error(
                FindingCode::DiscoveryEndpointOrigin,
                at,
                format!(
                    "`{field}` starts with `//`, which names another host. Write a path relative to `target` (e.g. \"/models\") or an absolute https URL on the target's origin."
                ),
            );
        } else if has_scheme(raw) {
            self.absolute_endpoint(raw, at, field);
        }
        self.placeholder(path_part, query, at, field, is_get);
        if let Some(query) = query {
            let count = query
                .split('&')
                .filter(|pair| {
                    pair.split('=')
                        .next()
                        .is_some_and(|k| k.eq_ignore_ascii_case("api-version"))
                })
                .count();
            let deployment_version = self
                .c
                .metadata
                .deployment_api_version
                .as_deref()
                .filter(|v| !v.is_empty());
            if count > 1 {
                self.error(
                    FindingCode::DiscoveryApiVersionDuplicate,
                    at,
                    format!(
                        "`{field}` has `api-version` {count} times; the service rejects duplicate api-version parameters. Keep one."
                    ),
                );
            } else if let (1, Some(version)) = (count, deployment_version) {
                self.warning(
                    FindingCode::DiscoveryApiVersionOverridden,
                    at,
                    format!(
                        "`{field}` carries its own `api-version`, which wins over `deploymentAPIVersion` ({}). State the version once: remove one of them.",
                        show(version)
                    ),
                );
            }
        }
    }

    fn absolute_endpoint(&mut self, raw: &str, at: &str, field: &str) {
        let url = match Url::parse(raw) {
            Ok(url) => url,
            Err(e) => {
                self.error(
                    FindingCode::DiscoveryEndpointInvalid,
                    at,
                    format!("`{field}` {} is not a valid URL ({e}).", show(raw)),
                );
                return;
            }
        };
        if !url.username().is_empty() || url.password().is_some() {
            self.error(
                FindingCode::DiscoveryEndpointUserInfo,
                at,
                format!(
                    "`{field}` contains credentials (`user:password@`), which the service rejects. Remove them; the connection's auth is sent with discovery calls."
                ),
            );
        }
        let target = self.target.clone();
        let same = target.as_ref().is_some_and(|t| same_origin(&url, t));
        if url.scheme() != "https" {
            if url.scheme() == "http" && same && is_loopback(&url) {
                self.warning(
                    FindingCode::DiscoveryEndpointNotHttps,
                    at,
                    format!(
                        "`{field}` uses plain http on a loopback target: fine for local tests, but the service only accepts absolute HTTPS endpoints."
                    ),
                );
            } else {
                self.error(
                    FindingCode::DiscoveryEndpointNotHttps,
                    at,
                    format!(
                        "`{field}` uses `{}:`; an absolute discovery endpoint must be HTTPS. Use https, or a path relative to `target`.",
                        url.scheme()
                    ),
                );
            }
        }
        if let Some(target) = target
            && !same
            && (url.scheme() == target.scheme() || url.scheme() == "https")
        {
            self.error(
                FindingCode::DiscoveryEndpointOrigin,
                at,
                format!(
                    "`{field}` is on {}, but an absolute discovery endpoint must be on the target's origin {} (same scheme, host and port). Use a path relative to `target`, or fix the host.",
                    show(&origin(&url)),
                    show(&origin(&target))
                ),
            );
        }
    }

    fn placeholder(
        &mut self,
        path_part: &str,
        query: Option<&str>,
        at: &str,
        field: &str,
        is_get: bool,
    ) {
        const PLACEHOLDER: &str = wire::DEPLOYMENT_NAME_PLACEHOLDER;
        let count = path_part.matches(PLACEHOLDER).count();
        let in_query = query.is_some_and(|q| q.contains(PLACEHOLDER));
        if !is_get {
            if count > 0 || in_query {
                self.warning(
                    FindingCode::DiscoveryPlaceholder,
                    at,
                    format!(
                        "`{field}` contains `{PLACEHOLDER}`, which is only replaced in getModelEndpoint; the list call would send it literally. Remove it."
                    ),
                );
            }
            return;
        }
        let message = match (count, in_query) {
            (1, false) => return,
            (0, true) => format!(
                "`{field}` has `{PLACEHOLDER}` in the query string; it must be in the path, e.g. \"/models/{PLACEHOLDER}\"."
            ),
            (0, false) => {
                let other = path_part
                    .split('{')
                    .nth(1)
                    .and_then(|rest| rest.split_once('}'))
                    .map(|(inner, _)| format!("{{{inner}}}"));
                match other {
                    Some(other) => format!(
                        "`{field}` has {} but no `{PLACEHOLDER}`; the placeholder is case-sensitive. Write `{PLACEHOLDER}`.",
                        show(&other)
                    ),
                    None => format!(
                        "`{field}` has no `{PLACEHOLDER}`; the service replaces it with each deployment name. Add it to the path, e.g. \"/deployments/{PLACEHOLDER}\"."
                    ),
                }
            }
            (n, _) => format!(
                "`{field}` contains `{PLACEHOLDER}` {} times; it must appear exactly once, in the path.",
                n + usize::from(in_query)
            ),
        };
        self.error(FindingCode::DiscoveryPlaceholder, at, message);
    }

    // ---- auth ------------------------------------------------------------------------------

    fn auth(&mut self) {
        let c = self.c;
        match &c.auth {
            ConnectionAuth::ApiKey { key } => {
                if key.is_none() {
                    self.error(
                        FindingCode::ApiKeyMissing,
                        path::KEY,
                        "No API key is set. Enter the gateway key (for ApiManagement: the APIM subscription key). ARM never returns keys, so an imported connection needs its key again before it is saved.",
                    );
                }
            }
            ConnectionAuth::ProjectManagedIdentity { audience } => {
                if c.category == ConnectionCategory::ModelGateway {
                    self.error(
                        FindingCode::AuthTypeNotAllowed,
                        path::AUTH_TYPE,
                        "ProjectManagedIdentity is only supported for ApiManagement connections. Use ApiKey or OAuth2 for a ModelGateway, or set the category to ApiManagement if the gateway is Azure API Management.",
                    );
                }
                self.audience(audience);
            }
            ConnectionAuth::OAuth2 {
                client_id,
                client_secret,
                token_url,
                scopes,
            } => {
                if c.category == ConnectionCategory::ApiManagement {
                    self.error(
                        FindingCode::AuthTypeNotAllowed,
                        path::AUTH_TYPE,
                        "OAuth2 is only supported for ModelGateway connections. Use ApiKey or ProjectManagedIdentity for ApiManagement, or set the category to ModelGateway.",
                    );
                }
                self.oauth2(client_id, client_secret.is_some(), token_url, scopes);
            }
            ConnectionAuth::Unsupported { auth_type } => self.error(
                FindingCode::AuthTypeUnsupported,
                path::AUTH_TYPE,
                format!(
                    "`authType` {} is not supported for gateway connections. Use \"ApiKey\" (both categories), \"ProjectManagedIdentity\" (ApiManagement) or \"OAuth2\" (ModelGateway).",
                    show(auth_type)
                ),
            ),
        }
    }

    fn audience(&mut self, audience: &str) {
        if audience.trim().is_empty() {
            self.error(
                FindingCode::AudienceMissing,
                path::AUDIENCE,
                format!(
                    "`audience` is not set. Set it to \"{DEFAULT_PMI_AUDIENCE}\", the audience the setup guide's APIM policy validates."
                ),
            );
            return;
        }
        let valid = has_scheme(audience)
            && Url::parse(audience).is_ok_and(|u| u.scheme() == "https" && u.host().is_some());
        if !valid {
            self.error(
                FindingCode::UrlInvalid,
                path::AUDIENCE,
                format!(
                    "`audience` {} is not an absolute https URL. Use \"{DEFAULT_PMI_AUDIENCE}\" unless your APIM policy validates another audience.",
                    show(audience)
                ),
            );
            return;
        }
        if audience != DEFAULT_PMI_AUDIENCE {
            let detail = if audience.trim_end_matches('/') == DEFAULT_PMI_AUDIENCE {
                " It differs only by the trailing `/`, and token audiences are compared exactly."
            } else {
                " (Sovereign-cloud audiences are unverified.)"
            };
            self.warning(
                FindingCode::AudienceNotDefault,
                path::AUDIENCE,
                format!(
                    "`audience` is {}, not \"{DEFAULT_PMI_AUDIENCE}\", which the setup guide's APIM policy validates. Keep it only if your APIM policy expects this audience.{detail}",
                    show(audience)
                ),
            );
        }
    }

    fn oauth2(&mut self, client_id: &str, has_secret: bool, token_url: &str, scopes: &[String]) {
        if client_id.trim().is_empty() {
            self.error(
                FindingCode::Oauth2ClientIdMissing,
                path::CLIENT_ID,
                "`clientId` is not set. Enter the client (application) id the gateway's identity provider issued.",
            );
        } else if !is_guid(client_id) {
            // Open question §10.2: the spec types clientId as a UUID; whether the service
            // enforces it is unverified, so a warning rather than an error.
            self.warning(
                FindingCode::Oauth2ClientIdNotGuid,
                path::CLIENT_ID,
                format!(
                    "`clientId` {} is not a GUID. The ARM spec types it as a UUID; whether ARM rejects other client ids (Okta, Auth0, …) is unverified. If ARM refuses the connection, this is the likely cause.",
                    show(client_id)
                ),
            );
        }
        if !has_secret {
            self.error(
                FindingCode::Oauth2ClientSecretMissing,
                path::CLIENT_SECRET,
                "No client secret is set. Enter it; ARM never returns secrets, so an imported connection needs it again before it is saved.",
            );
        }
        if token_url.trim().is_empty() {
            self.error(
                FindingCode::Oauth2TokenUrlMissing,
                path::TOKEN_URL,
                "`tokenUrl` is not set. Enter the token endpoint, e.g. \"https://login.microsoftonline.com/<tenant-id>/oauth2/v2.0/token\".",
            );
        } else {
            let rules = UrlRules {
                field: "tokenUrl",
                query_allowed: true,
            };
            self.url(token_url, path::TOKEN_URL, &rules);
        }
        if scopes.is_empty() {
            self.error(
                FindingCode::Oauth2ScopesMissing,
                path::SCOPES,
                "`scopes` is empty. Add at least one, e.g. \"api://<gateway-app-id>/.default\".",
            );
        }
        for (i, scope) in scopes.iter().enumerate() {
            if scope.trim().is_empty() {
                self.error(
                    FindingCode::Oauth2ScopeEmpty,
                    path::index(path::SCOPES, i),
                    format!("`scopes[{i}]` is empty. Remove it or enter the scope."),
                );
            }
        }
    }

    // ---- auth header -----------------------------------------------------------------------

    fn auth_header(&mut self) {
        let m = &self.c.metadata;
        let api_key = self.is_api_key();
        let auth_type = self.c.auth.auth_type().to_string();
        if let Some(config) = &m.auth_config {
            if !api_key {
                self.error(
                    FindingCode::AuthConfigNotApiKey,
                    path::AUTH_CONFIG,
                    format!(
                        "`authConfig` only changes how an API key is sent, and this connection uses {auth_type}. Remove it."
                    ),
                );
            }
            match config.kind.as_deref() {
                Some(wire::AUTH_CONFIG_TYPE_API_KEY) => {}
                None => self.error(
                    FindingCode::AuthConfigType,
                    path::AUTH_CONFIG_TYPE,
                    "`authConfig.type` is missing. Set it to \"api_key\".",
                ),
                Some(other) => self.error(
                    FindingCode::AuthConfigType,
                    path::AUTH_CONFIG_TYPE,
                    format!(
                        "`authConfig.type` is {}; the only documented value is \"api_key\" (lowercase, underscore).",
                        show(other)
                    ),
                ),
            }
            match config.header_name.as_deref() {
                None | Some("") => self.error(
                    FindingCode::AuthConfigNameMissing,
                    path::AUTH_CONFIG_NAME,
                    "`authConfig.name` is missing. Set the header that carries the key, e.g. \"Authorization\" or \"x-api-key\".",
                ),
                Some(name) => self.header_name(name, path::AUTH_CONFIG_NAME, "`authConfig.name`"),
            }
            match config.format.as_deref() {
                None => self.error(
                    FindingCode::AuthConfigFormat,
                    path::AUTH_CONFIG_FORMAT,
                    "`authConfig.format` is missing. Set the header value with `{api_key}` where the key goes, e.g. \"{api_key}\" or \"Bearer {api_key}\".",
                ),
                Some(format) => self.key_format(
                    format,
                    path::AUTH_CONFIG_FORMAT,
                    "`authConfig.format`",
                    FindingCode::AuthConfigFormat,
                ),
            }
            self.closed_keys(
                config.extra.keys(),
                wire::KNOWN_AUTH_CONFIG,
                path::AUTH_CONFIG,
                "`authConfig`",
            );
        }

        let name = m.auth_header_name.as_deref();
        let format = m.auth_header_format.as_deref();
        if name.is_none() && format.is_none() {
            return;
        }
        let first_at = if name.is_some() {
            path::AUTH_HEADER_NAME
        } else {
            path::AUTH_HEADER_FORMAT
        };
        if !api_key {
            self.error(
                FindingCode::AuthConfigNotApiKey,
                first_at,
                format!(
                    "`authHeaderName`/`authHeaderFormat` only change how an API key is sent, and this connection uses {auth_type}. Remove them."
                ),
            );
        }
        if m.auth_config.is_some() {
            // Open question §10.1: which of the two the service prefers is not documented.
            self.warning(
                FindingCode::AuthHeaderConflict,
                first_at,
                "Both `authConfig` and `authHeaderName`/`authHeaderFormat` are set, and which one the service uses is not documented. Keep only one: `authConfig` is the documented form, the portal writes `authHeaderName`/`authHeaderFormat`.",
            );
        }
        match (name, format) {
            (Some(name), Some(format)) => {
                self.header_name(name, path::AUTH_HEADER_NAME, "`authHeaderName`");
                self.key_format(
                    format,
                    path::AUTH_HEADER_FORMAT,
                    "`authHeaderFormat`",
                    FindingCode::AuthHeaderFormat,
                );
            }
            (Some(name), None) => {
                self.header_name(name, path::AUTH_HEADER_NAME, "`authHeaderName`");
                self.warning(
                    FindingCode::AuthHeaderIncomplete,
                    path::AUTH_HEADER_FORMAT,
                    "`authHeaderName` is set without `authHeaderFormat`. Set both, as the portal does, e.g. \"{api_key}\".",
                );
            }
            (None, Some(format)) => {
                self.key_format(
                    format,
                    path::AUTH_HEADER_FORMAT,
                    "`authHeaderFormat`",
                    FindingCode::AuthHeaderFormat,
                );
                self.warning(
                    FindingCode::AuthHeaderIncomplete,
                    path::AUTH_HEADER_NAME,
                    "`authHeaderFormat` is set without `authHeaderName`. Set both, as the portal does, e.g. \"api-key\".",
                );
            }
            (None, None) => {}
        }
    }

    fn header_name(&mut self, name: &str, at: &str, field: &str) {
        if let Some(problem) = header_name_problem(name) {
            self.error(
                FindingCode::HeaderNameInvalid,
                at,
                format!("{field} {} {problem}.", show(name)),
            );
        }
    }

    /// A header value template with exactly one `{api_key}`.
    fn key_format(&mut self, format: &str, at: &str, field: &str, code: FindingCode) {
        const KEY: &str = wire::API_KEY_PLACEHOLDER;
        let count = format.matches(KEY).count();
        if count != 1 {
            let near = ["{apiKey}", "{api-key}", "{API_KEY}", "{key}", "{apikey}"]
                .iter()
                .find(|n| format.contains(*n));
            let message = match (count, near) {
                (0, Some(near)) => format!(
                    "{field} {} has `{near}`, but the placeholder is `{KEY}` exactly. Write e.g. \"Bearer {KEY}\".",
                    show(format)
                ),
                (0, None) => format!(
                    "{field} {} has no `{KEY}`, so the key would never be sent. Write e.g. \"{KEY}\" or \"Bearer {KEY}\".",
                    show(format)
                ),
                (n, _) => format!("{field} contains `{KEY}` {n} times; use it exactly once."),
            };
            self.error(code, at, message);
        }
        if let Some(problem) = header_value_problem(format) {
            self.error(
                FindingCode::HeaderValueInvalid,
                at,
                format!("{field} {problem}. Remove it."),
            );
        }
    }

    // ---- custom headers --------------------------------------------------------------------

    /// The header the connection's auth sends, and how to describe it.
    fn auth_header_name(&self) -> Option<(String, &'static str)> {
        let m = &self.c.metadata;
        match &self.c.auth {
            ConnectionAuth::ApiKey { .. } => Some(
                match (
                    m.auth_config
                        .as_ref()
                        .and_then(|c| c.header_name.as_deref()),
                    m.auth_header_name.as_deref(),
                ) {
                    (Some(name), _) => (
                        name.to_string(),
                        "the API key header from `authConfig.name`",
                    ),
                    (None, Some(name)) => {
                        (name.to_string(), "the API key header from `authHeaderName`")
                    }
                    (None, None) => (
                        DEFAULT_API_KEY_HEADER.to_string(),
                        "the default API key header",
                    ),
                },
            ),
            ConnectionAuth::ProjectManagedIdentity { .. } | ConnectionAuth::OAuth2 { .. } => {
                Some(("Authorization".to_string(), "the bearer token header"))
            }
            ConnectionAuth::Unsupported { .. } => None,
        }
    }

    fn custom_headers(&mut self) {
        let c = self.c;
        let auth_header = self.auth_header_name();
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (name, value) in &c.metadata.custom_headers {
            let at = path::key(path::CUSTOM_HEADERS, name);
            if let Some(problem) = header_name_problem(name) {
                self.error(
                    FindingCode::HeaderNameInvalid,
                    at.clone(),
                    format!("Custom header name {} {problem}.", show(name)),
                );
            }
            if let Some(problem) = header_value_problem(value) {
                self.error(
                    FindingCode::HeaderValueInvalid,
                    at.clone(),
                    format!(
                        "The value of custom header {} {problem}. Remove it.",
                        show(name)
                    ),
                );
            } else if !value.is_ascii() {
                self.warning(
                    FindingCode::HeaderValueNonAscii,
                    at.clone(),
                    format!(
                        "The value of custom header {} has non-ASCII characters, which many HTTP stacks reject or mangle. Use ASCII (percent-encode if the gateway expects it).",
                        show(name)
                    ),
                );
            }
            let folded = name.to_ascii_lowercase();
            if let Some(first) = seen.get(&folded) {
                self.warning(
                    FindingCode::HeaderDuplicate,
                    at.clone(),
                    format!(
                        "Custom headers {} and {} are the same header (names ignore case). Keep one.",
                        show(first),
                        show(name)
                    ),
                );
            } else {
                seen.insert(folded.clone(), name);
            }
            if let Some((auth_name, how)) = &auth_header
                && auth_name.eq_ignore_ascii_case(name)
            {
                self.error(
                    FindingCode::HeaderAuthClash,
                    at,
                    format!(
                        "Custom header {} has the same name as {how} (`{auth_name}`), so the two would clash. Remove the custom header, or send the key in another header.",
                        show(name)
                    ),
                );
            } else if MANAGED_HEADERS.contains(&folded.as_str()) {
                self.warning(
                    FindingCode::HeaderManaged,
                    at,
                    format!(
                        "`{name}` is set by the HTTP client itself; a custom value is ignored or breaks the request. Remove it."
                    ),
                );
            } else if CREDENTIAL_HEADERS.contains(&folded.as_str()) {
                self.warning(
                    FindingCode::HeaderSecretInMetadata,
                    at,
                    format!(
                        "`{name}` usually carries a credential, but custom headers are metadata, which ARM returns to everyone who can read the connection. Prefer the connection's credentials (ApiKey, with `authConfig` for the header) unless the gateway needs a second key."
                    ),
                );
            }
        }
    }
}

/// Why `name` breaks the connection-name pattern, most specific reason first.
pub(crate) fn name_problem(name: &str) -> Option<String> {
    let pattern =
        "Use 3–33 characters: letters, digits, `_` or `-`, starting with a letter or digit";
    let length = name.chars().count();
    let suggestion = suggested_name(name)
        .filter(|s| s != name)
        .map(|s| format!(", e.g. `{s}`"))
        .unwrap_or_default();
    let Some(first) = name.chars().next() else {
        return Some(format!("The connection name is empty. {pattern}."));
    };
    let problem = if !first.is_ascii_alphanumeric()
        && (first == '-' || first == '_' || first == '.')
    {
        format!(
            "The connection name {} starts with `{first}`; it must start with a letter or digit",
            show(name)
        )
    } else if name.contains('.') {
        format!(
            "The connection name {} contains a dot; dots are not allowed in connection names (unlike account names)",
            show(name)
        )
    } else if let Some((i, c)) = name
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        let what = if c.is_whitespace() {
            "a space".to_string()
        } else if is_hidden_char(c) {
            format!("the invisible character U+{:04X}", c as u32)
        } else if !c.is_ascii() {
            format!("the non-ASCII character `{c}`")
        } else {
            format!("`{c}`")
        };
        format!(
            "The connection name {} contains {what} at position {}; only ASCII letters, digits, `_` and `-` are allowed",
            show(name),
            i + 1
        )
    } else if length < NAME_MIN {
        format!(
            "The connection name {} is {length} character{} long; the minimum is {NAME_MIN}",
            show(name),
            if length == 1 { "" } else { "s" }
        )
    } else if length > NAME_MAX {
        format!("The connection name is {length} characters long; the maximum is {NAME_MAX}")
    } else {
        return None;
    };
    Some(format!("{problem}. {pattern}{suggestion}."))
}

/// The name with invalid characters replaced by `-`, leading separators dropped, cut to the
/// maximum length; `None` when nothing valid is left.
fn suggested_name(name: &str) -> Option<String> {
    let replaced: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed: String = replaced
        .trim_start_matches(['-', '_'])
        .chars()
        .take(NAME_MAX)
        .collect();
    let trimmed = trimmed.trim_end_matches('-').to_string();
    (trimmed.chars().count() >= NAME_MIN).then_some(trimmed)
}
