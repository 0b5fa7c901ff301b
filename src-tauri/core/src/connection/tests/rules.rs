//! One table for every validation rule: valid cases (the code must not appear) and invalid
//! cases (code + path + severity). A final check makes sure every finding code has a case.

use std::collections::HashSet;

use super::*;
use FindingCode as C;
use Severity::{Error as E, Warning as W};

/// What a case expects.
enum Expect {
    /// This finding must be present.
    Finding(FindingCode, String, Severity),
    /// This code must not appear at all.
    Clean(FindingCode),
}

struct Case {
    what: String,
    findings: Vec<Finding>,
    expect: Expect,
    /// Words the message must contain.
    says: Vec<&'static str>,
}

fn with(mut c: Connection, change: impl FnOnce(&mut Connection)) -> Connection {
    change(&mut c);
    c
}

/// Cases on a draft.
fn bad(
    what: &str,
    c: Connection,
    code: FindingCode,
    path: &str,
    severity: Severity,
    says: &[&'static str],
) -> Case {
    Case {
        what: what.into(),
        findings: validate(&c),
        expect: Expect::Finding(code, path.into(), severity),
        says: says.to_vec(),
    }
}

fn good(what: &str, c: Connection, code: FindingCode) -> Case {
    Case {
        what: what.into(),
        findings: validate(&c),
        expect: Expect::Clean(code),
        says: Vec::new(),
    }
}

/// Cases on an imported body (parse-time findings plus validation).
fn parsed(
    what: &str,
    body: &str,
    code: FindingCode,
    path: &str,
    severity: Severity,
    says: &[&'static str],
) -> Case {
    let (_, findings) = parse_arm_json(body).unwrap_or_else(|e| panic!("{what}: {e}"));
    Case {
        what: what.into(),
        findings,
        expect: Expect::Finding(code, path.into(), severity),
        says: says.to_vec(),
    }
}

fn parsed_clean(what: &str, body: &str, code: FindingCode) -> Case {
    let (_, findings) = parse_arm_json(body).unwrap_or_else(|e| panic!("{what}: {e}"));
    Case {
        what: what.into(),
        findings,
        expect: Expect::Clean(code),
        says: Vec::new(),
    }
}

/// A ModelGateway API-key body with `metadata` replaced.
fn mg_body(metadata: &str) -> String {
    format!(
        r#"{{"name":"gw-1","properties":{{"category":"ModelGateway","target":"https://gw.example.com/v1","authType":"ApiKey","credentials":{{"key":"k"}},"metadata":{metadata}}}}}"#
    )
}

/// A body with `properties` replaced.
fn props_body(properties: &str) -> String {
    format!(r#"{{"name":"gw-1","properties":{properties}}}"#)
}

fn discovery(c: &mut Connection) -> &mut ModelDiscovery {
    c.metadata
        .model_discovery
        .get_or_insert_with(Default::default)
}

fn model(c: &mut Connection, i: usize) -> &mut ModelInfo {
    &mut c.metadata.models.as_mut().unwrap()[i]
}

fn headers(c: &mut Connection, pairs: &[(&str, &str)]) {
    for (k, v) in pairs {
        c.metadata.custom_headers.insert((*k).into(), (*v).into());
    }
}

fn oauth2(
    c: &mut Connection,
) -> (
    &mut String,
    &mut Option<SecretRef>,
    &mut String,
    &mut Vec<String>,
) {
    match &mut c.auth {
        ConnectionAuth::OAuth2 {
            client_id,
            client_secret,
            token_url,
            scopes,
        } => (client_id, client_secret, token_url, scopes),
        _ => unreachable!("base is OAuth2"),
    }
}

fn name_cases() -> Vec<Case> {
    let named = |n: &str| with(reference_a(), |c| c.name = Some(n.into()));
    vec![
        good("plain name", named("apim-gw"), C::NamePattern),
        good("3 chars", named("a_1"), C::NamePattern),
        good("33 chars", named(&"a".repeat(33)), C::NamePattern),
        bad("empty", named(""), C::NamePattern, "name", E, &["empty"]),
        bad(
            "too short",
            named("ab"),
            C::NamePattern,
            "name",
            E,
            &["2 characters", "minimum is 3"],
        ),
        bad(
            "too long",
            named(&"a".repeat(40)),
            C::NamePattern,
            "name",
            E,
            &["40 characters", "maximum is 33", "e.g."],
        ),
        bad(
            "dot",
            named("my.conn"),
            C::NamePattern,
            "name",
            E,
            &["dot", "`my-conn`"],
        ),
        bad(
            "leading dash",
            named("-conn"),
            C::NamePattern,
            "name",
            E,
            &["starts with `-`", "`conn`"],
        ),
        bad(
            "leading underscore",
            named("_conn"),
            C::NamePattern,
            "name",
            E,
            &["starts with `_`"],
        ),
        bad(
            "space",
            named("my conn"),
            C::NamePattern,
            "name",
            E,
            &["a space", "position 3"],
        ),
        bad(
            "non-ascii",
            named("café-gw"),
            C::NamePattern,
            "name",
            E,
            &["non-ASCII", "`é`"],
        ),
        bad(
            "rtl override",
            named("ab\u{202e}cd"),
            C::NamePattern,
            "name",
            E,
            &["U+202E"],
        ),
        bad("slash", named("a/b/c"), C::NamePattern, "name", E, &["`/`"]),
        good("name given", reference_a(), C::NameMissing),
        bad(
            "no name",
            with(reference_a(), |c| c.name = None),
            C::NameMissing,
            "name",
            W,
            &["URL"],
        ),
    ]
}

fn target_cases() -> Vec<Case> {
    let t = |url: &str| with(reference_c(), |c| c.target = url.into());
    vec![
        good("https target", reference_c(), C::UrlNotHttps),
        good(
            "target with port",
            t("https://gw.example.com:8443/v1"),
            C::UrlInvalid,
        ),
        bad(
            "empty",
            t(""),
            C::TargetMissing,
            "properties.target",
            E,
            &["gateway base URL"],
        ),
        bad(
            "blank",
            t("   "),
            C::TargetMissing,
            "properties.target",
            E,
            &[],
        ),
        bad(
            "no scheme",
            t("contoso.azure-api.net/openai"),
            C::UrlInvalid,
            "properties.target",
            E,
            &["`https://contoso.azure-api.net/openai`"],
        ),
        bad(
            "bad port",
            t("https://gw.example.com:99999/v1"),
            C::UrlInvalid,
            "properties.target",
            E,
            &["not a valid URL"],
        ),
        bad(
            "http public",
            t("http://gw.example.com/v1"),
            C::UrlNotHttps,
            "properties.target",
            E,
            &["https"],
        ),
        bad(
            "ftp",
            t("ftp://gw.example.com/v1"),
            C::UrlNotHttps,
            "properties.target",
            E,
            &["`ftp:`"],
        ),
        bad(
            "http localhost",
            t("http://localhost:4000/v1"),
            C::UrlHttpLoopback,
            "properties.target",
            W,
            &["cannot reach"],
        ),
        bad(
            "http 127/8",
            t("http://127.8.0.1:4000"),
            C::UrlHttpLoopback,
            "properties.target",
            W,
            &[],
        ),
        bad(
            "http ::1",
            t("http://[::1]:4000/v1"),
            C::UrlHttpLoopback,
            "properties.target",
            W,
            &[],
        ),
        good(
            "http loopback is no error",
            t("http://localhost:4000/v1"),
            C::UrlNotHttps,
        ),
        bad(
            "user info",
            t("https://me:pw@gw.example.com/v1"),
            C::UrlUserInfo,
            "properties.target",
            E,
            &["credentials"],
        ),
        bad(
            "query api-version",
            t("https://gw.example.com/v1?api-version=2024-10-21"),
            C::UrlQuery,
            "properties.target",
            E,
            &["inferenceAPIVersion"],
        ),
        bad(
            "query other",
            t("https://gw.example.com/v1?x=1"),
            C::UrlQuery,
            "properties.target",
            E,
            &["middle of the URL"],
        ),
        bad(
            "fragment",
            t("https://gw.example.com/v1#top"),
            C::UrlFragment,
            "properties.target",
            E,
            &[],
        ),
        bad(
            "leading space",
            t(" https://gw.example.com/v1"),
            C::UrlWhitespace,
            "properties.target",
            E,
            &[],
        ),
        bad(
            "newline",
            t("https://gw.example.com/v1\n"),
            C::UrlWhitespace,
            "properties.target",
            E,
            &[],
        ),
        bad(
            "chat completions pasted",
            t("https://gw.example.com/api/v1/custom/chat/completions"),
            C::TargetOperationSuffix,
            "properties.target",
            W,
            &[
                "`/chat/completions`",
                "`https://gw.example.com/api/v1/custom`",
                "\"false\"",
            ],
        ),
        bad(
            "deployment URL pasted",
            t("https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions"),
            C::TargetOperationSuffix,
            "properties.target",
            W,
            &[
                "`/deployments/gpt-4o/chat/completions`",
                "`https://res.openai.azure.com/openai`",
                "\"true\"",
            ],
        ),
        bad(
            "deployments at root",
            t("https://gateway.corp.com/deployments/gpt-4/chat/completions"),
            C::TargetOperationSuffix,
            "properties.target",
            W,
            &["`https://gateway.corp.com`"],
        ),
        bad(
            "deployment without chat",
            t("https://gw.example.com/openai/deployments/gpt-4o"),
            C::TargetOperationSuffix,
            "properties.target",
            W,
            &["`https://gw.example.com/openai`"],
        ),
        good(
            "deployments deeper in the base path",
            t("https://gw.example.com/deployments/team/a/b"),
            C::TargetOperationSuffix,
        ),
        good(
            "deployments-like segment",
            t("https://gw.example.com/deployments-api/v1"),
            C::TargetOperationSuffix,
        ),
        good(
            "models endpoint target",
            t("https://res.services.ai.azure.com/models"),
            C::TargetOperationSuffix,
        ),
    ]
}

fn key_cases() -> Vec<Case> {
    let extra_prop = |k: &str, v: serde_json::Value| {
        with(reference_c(), |c| {
            c.extra_properties.insert(k.into(), v);
        })
    };
    let meta = |k: &str| {
        with(reference_c(), |c| {
            c.metadata.extra.insert(k.into(), "x".into());
        })
    };
    vec![
        good(
            "spec passthrough",
            extra_prop("sharedUserList", json("[]")),
            C::UnknownKey,
        ),
        bad(
            "audience on ApiKey",
            extra_prop("audience", json("\"https://x\"")),
            C::PropertyUnused,
            "properties.audience",
            W,
            &["ProjectManagedIdentity"],
        ),
        bad(
            "tokenUrl on ApiKey",
            extra_prop("tokenUrl", json("\"https://x\"")),
            C::PropertyUnused,
            "properties.tokenUrl",
            W,
            &["OAuth2"],
        ),
        bad(
            "wrong-case property",
            extra_prop("IsSharedToAll", json("true")),
            C::KeyWrongCase,
            "properties.IsSharedToAll",
            E,
            &["`isSharedToAll`"],
        ),
        bad(
            "misspelt property",
            extra_prop("isSharedToAl", json("true")),
            C::KeyMisspelt,
            "properties.isSharedToAl",
            E,
            &["`isSharedToAll`"],
        ),
        bad(
            "unknown property",
            extra_prop("colour", json("\"red\"")),
            C::UnknownKey,
            "properties.colour",
            W,
            &["metadata"],
        ),
        good("open metadata bag", meta("ApiType"), C::KeyMisspelt),
        good(
            "audience in metadata (accelerator)",
            meta("audience"),
            C::KeyWrongCase,
        ),
        bad(
            "inferenceApiVersion",
            meta("inferenceApiVersion"),
            C::KeyWrongCase,
            "properties.metadata.inferenceApiVersion",
            E,
            &["`inferenceAPIVersion`", "case-sensitive"],
        ),
        bad(
            "deploymentapiversion",
            meta("deploymentapiversion"),
            C::KeyWrongCase,
            "properties.metadata.deploymentapiversion",
            E,
            &["`deploymentAPIVersion`"],
        ),
        bad(
            "DeploymentInPath",
            meta("DeploymentInPath"),
            C::KeyWrongCase,
            "properties.metadata.DeploymentInPath",
            E,
            &["`deploymentInPath`"],
        ),
        bad(
            "ModelDiscovery",
            meta("ModelDiscovery"),
            C::KeyWrongCase,
            "properties.metadata.ModelDiscovery",
            E,
            &["`modelDiscovery`"],
        ),
        bad(
            "customheaders",
            meta("customheaders"),
            C::KeyWrongCase,
            "properties.metadata.customheaders",
            E,
            &["`customHeaders`"],
        ),
        bad(
            "AuthConfig",
            meta("AuthConfig"),
            C::KeyWrongCase,
            "properties.metadata.AuthConfig",
            E,
            &[],
        ),
        bad(
            "misspelt metadata key",
            meta("inferenceAPIVersoin"),
            C::KeyMisspelt,
            "properties.metadata.inferenceAPIVersoin",
            E,
            &["did you mean `inferenceAPIVersion`"],
        ),
        bad(
            "model (singular)",
            meta("model"),
            C::KeyMisspelt,
            "properties.metadata.model",
            E,
            &["`models`"],
        ),
        bad(
            "listModelEndpoint typo",
            with(reference_c(), |c| {
                let d = discovery(c);
                let v = d.list_models_endpoint.take().unwrap();
                d.extra
                    .insert("listModelEndpoint".into(), json(&format!("{v:?}")));
            }),
            C::KeyMisspelt,
            "properties.metadata.modelDiscovery.listModelEndpoint",
            E,
            &["`listModelsEndpoint`"],
        ),
        bad(
            "GetModelEndpoint case",
            with(reference_c(), |c| {
                discovery(c)
                    .extra
                    .insert("GetModelEndpoint".into(), json("\"/x/{deploymentName}\""));
            }),
            C::KeyWrongCase,
            "properties.metadata.modelDiscovery.GetModelEndpoint",
            E,
            &["`getModelEndpoint`"],
        ),
        bad(
            "unknown discovery key",
            with(reference_c(), |c| {
                discovery(c)
                    .extra
                    .insert("timeoutSeconds".into(), json("5"));
            }),
            C::UnknownKey,
            "properties.metadata.modelDiscovery.timeoutSeconds",
            W,
            &["listModelsEndpoint"],
        ),
        bad(
            "authConfig Name",
            with(reference_c(), |c| {
                c.metadata
                    .auth_config
                    .as_mut()
                    .unwrap()
                    .extra
                    .insert("Name".into(), json("\"x\""));
            }),
            C::KeyWrongCase,
            "properties.metadata.authConfig.Name",
            E,
            &[],
        ),
        bad(
            "model item Name",
            with(reference_a(), |c| {
                model(c, 0).extra.insert("Name".into(), json("\"x\""));
            }),
            C::KeyWrongCase,
            "properties.metadata.models[0].Name",
            E,
            &[],
        ),
        bad(
            "model properties typo",
            with(reference_a(), |c| {
                model(c, 0)
                    .properties_extra
                    .insert("modle".into(), json("{}"));
            }),
            C::KeyMisspelt,
            "properties.metadata.models[0].properties.modle",
            E,
            &["`model`"],
        ),
        bad(
            "model Format case",
            with(reference_a(), |c| {
                model(c, 0)
                    .model_extra
                    .insert("Format".into(), json("\"OpenAI\""));
            }),
            C::KeyWrongCase,
            "properties.metadata.models[0].properties.model.Format",
            E,
            &[],
        ),
        bad(
            "model unknown key",
            with(reference_a(), |c| {
                model(c, 0)
                    .model_extra
                    .insert("capabilities".into(), json("{}"));
            }),
            C::UnknownKey,
            "properties.metadata.models[0].properties.model.capabilities",
            W,
            &[],
        ),
    ]
}

fn metadata_value_cases() -> Vec<Case> {
    vec![
        good(
            "deploymentInPath set",
            reference_a(),
            C::DeploymentInPathMissing,
        ),
        bad(
            "APIM without deploymentInPath",
            with(reference_a(), |c| c.metadata.deployment_in_path = None),
            C::DeploymentInPathMissing,
            "properties.metadata.deploymentInPath",
            E,
            &["required"],
        ),
        bad(
            "MG without deploymentInPath",
            with(reference_c(), |c| c.metadata.deployment_in_path = None),
            C::DeploymentInPathMissing,
            "properties.metadata.deploymentInPath",
            W,
            &["\"false\""],
        ),
        good(
            "inferenceAPIVersion empty string",
            reference_c(),
            C::InferenceApiVersionMissing,
        ),
        bad(
            "no inferenceAPIVersion",
            reference_e(),
            C::InferenceApiVersionMissing,
            "properties.metadata.inferenceAPIVersion",
            W,
            &["\"\""],
        ),
        good("plain version", reference_a(), C::ApiVersionInvalid),
        good(
            "preview version",
            with(reference_a(), |c| {
                c.metadata.inference_api_version = Some("2025-03-01-preview".into())
            }),
            C::ApiVersionInvalid,
        ),
        bad(
            "query fragment as version",
            with(reference_a(), |c| {
                c.metadata.inference_api_version = Some("api-version=2024-10-21".into())
            }),
            C::ApiVersionInvalid,
            "properties.metadata.inferenceAPIVersion",
            E,
            &["\"2024-10-21\""],
        ),
        bad(
            "spaces in version",
            with(reference_a(), |c| {
                c.metadata.inference_api_version = Some("2024 10 21".into())
            }),
            C::ApiVersionInvalid,
            "properties.metadata.inferenceAPIVersion",
            E,
            &["spaces"],
        ),
        bad(
            "deploymentAPIVersion as query",
            with(reference_c(), |c| {
                c.metadata.deployment_api_version = Some("?api-version=2023-05-01".into())
            }),
            C::ApiVersionInvalid,
            "properties.metadata.deploymentAPIVersion",
            E,
            &[],
        ),
        good(
            "deploymentAPIVersion with discovery",
            with(reference_c(), |c| {
                c.metadata.deployment_api_version = Some("2023-05-01".into())
            }),
            C::DeploymentApiVersionUnused,
        ),
        good(
            "deploymentAPIVersion with APIM defaults",
            with(reference_b(), |c| {
                c.metadata.model_discovery = None;
                c.metadata.deployment_api_version = Some("2023-05-01".into());
            }),
            C::DeploymentApiVersionUnused,
        ),
        bad(
            "deploymentAPIVersion with static models",
            with(reference_d(), |c| {
                c.metadata.deployment_api_version = Some("2023-05-01".into())
            }),
            C::DeploymentApiVersionUnused,
            "properties.metadata.deploymentAPIVersion",
            W,
            &["statically"],
        ),
        bad(
            "tokenUrl in metadata",
            with(reference_d(), |c| {
                c.metadata
                    .extra
                    .insert("tokenUrl".into(), "https://login.example.com/token".into());
            }),
            C::Oauth2SettingInMetadata,
            "properties.metadata.tokenUrl",
            W,
            &["properties.tokenUrl"],
        ),
    ]
}

fn model_cases() -> Vec<Case> {
    let two = |c: &mut Connection| {
        c.metadata.models = Some(vec![
            ModelInfo::new("gpt-4o", "gpt-4o", "2024-11-20", ModelFormat::OpenAi),
            ModelInfo::new("claude", "claude-sonnet", "", ModelFormat::Anthropic),
        ]);
    };
    vec![
        good("static only", reference_d(), C::ModelsAndDiscovery),
        good("discovery only", reference_c(), C::ModelsAndDiscovery),
        bad(
            "both",
            with(reference_c(), |c| {
                c.metadata.models = reference_d().metadata.models
            }),
            C::ModelsAndDiscovery,
            "properties.metadata.modelDiscovery",
            E,
            &["mutually exclusive"],
        ),
        bad(
            "MG with neither",
            with(reference_c(), |c| c.metadata.model_discovery = None),
            C::ModelsMissing,
            "properties.metadata",
            E,
            &["modelDiscovery"],
        ),
        // APIM without either uses the service defaults: no finding (decision in validate.rs).
        good(
            "APIM with neither",
            with(reference_b(), |c| c.metadata.model_discovery = None),
            C::ModelsMissing,
        ),
        good(
            "APIM with neither: not incomplete",
            with(reference_b(), |c| c.metadata.model_discovery = None),
            C::DiscoveryIncomplete,
        ),
        bad(
            "empty list",
            with(reference_d(), |c| c.metadata.models = Some(vec![])),
            C::ModelsEmpty,
            "properties.metadata.models",
            E,
            &[],
        ),
        good(
            "two distinct models",
            with(reference_d(), two),
            C::ModelDeploymentNameDuplicate,
        ),
        bad(
            "deployment name missing",
            with(reference_d(), |c| {
                two(c);
                model(c, 1).deployment_name = None;
            }),
            C::ModelDeploymentNameMissing,
            "properties.metadata.models[1].name",
            E,
            &["`models[1]`"],
        ),
        bad(
            "deployment name blank",
            with(reference_d(), |c| {
                model(c, 0).deployment_name = Some(" ".into())
            }),
            C::ModelDeploymentNameMissing,
            "properties.metadata.models[0].name",
            E,
            &[],
        ),
        bad(
            "model name missing",
            with(reference_d(), |c| model(c, 0).model_name = None),
            C::ModelNameMissing,
            "properties.metadata.models[0].properties.model.name",
            E,
            &[],
        ),
        bad(
            "duplicate deployment",
            with(reference_d(), |c| {
                two(c);
                model(c, 1).deployment_name = Some("gpt-4o".into());
            }),
            C::ModelDeploymentNameDuplicate,
            "properties.metadata.models[1].name",
            E,
            &["`models[0]`"],
        ),
        bad(
            "duplicate by case",
            with(reference_d(), |c| {
                two(c);
                model(c, 1).deployment_name = Some("GPT-4o".into());
            }),
            C::ModelDeploymentNameDuplicate,
            "properties.metadata.models[1].name",
            W,
            &["case"],
        ),
        good("format OpenAI", reference_d(), C::ModelFormatUnknown),
        good(
            "format NonOpenAI",
            with(reference_d(), |c| {
                model(c, 0).format = Some(ModelFormat::NonOpenAi)
            }),
            C::ModelFormatUnknown,
        ),
        bad(
            "format missing",
            with(reference_d(), |c| model(c, 0).format = None),
            C::ModelFormatMissing,
            "properties.metadata.models[0].properties.model.format",
            W,
            &["\"OpenAI\""],
        ),
        bad(
            "format DeepSeek",
            with(reference_d(), |c| {
                model(c, 0).format = Some(ModelFormat::Other("DeepSeek".into()))
            }),
            C::ModelFormatUnknown,
            "properties.metadata.models[0].properties.model.format",
            W,
            &["`DeepSeek`", "\"NonOpenAI\""],
        ),
        bad(
            "format openai",
            with(reference_d(), |c| {
                model(c, 0).format = Some(ModelFormat::Other("openai".into()))
            }),
            C::ModelFormatUnknown,
            "properties.metadata.models[0].properties.model.format",
            W,
            &["write \"OpenAI\""],
        ),
        good(
            "slash with model in body",
            with(reference_d(), |c| {
                model(c, 0).deployment_name = Some("openai/gpt-4o".into())
            }),
            C::ModelDeploymentNameSlash,
        ),
        bad(
            "slash in URL path",
            with(reference_d(), |c| {
                c.metadata.deployment_in_path = Some(true);
                model(c, 0).deployment_name = Some("openai/gpt-4o".into());
            }),
            C::ModelDeploymentNameSlash,
            "properties.metadata.models[0].name",
            W,
            &["`/`"],
        ),
        good(
            "MG static models: no portal warning",
            reference_d(),
            C::ApimStaticModelsPortal,
        ),
        bad(
            "APIM static models",
            reference_a(),
            C::ApimStaticModelsPortal,
            "properties.metadata.models",
            W,
            &["#728"],
        ),
    ]
}

fn discovery_cases() -> Vec<Case> {
    let list = |e: &str| {
        with(reference_c(), |c| {
            discovery(c).list_models_endpoint = Some(e.into())
        })
    };
    let get = |e: &str| {
        with(reference_c(), |c| {
            discovery(c).get_model_endpoint = Some(e.into())
        })
    };
    const LIST: &str = "properties.metadata.modelDiscovery.listModelsEndpoint";
    const GET: &str = "properties.metadata.modelDiscovery.getModelEndpoint";
    const PROVIDER: &str = "properties.metadata.modelDiscovery.deploymentProvider";
    vec![
        good("complete", reference_c(), C::DiscoveryIncomplete),
        bad(
            "only list",
            with(reference_c(), |c| {
                let d = discovery(c);
                d.get_model_endpoint = None;
                d.deployment_provider = None;
            }),
            C::DiscoveryIncomplete,
            GET,
            E,
            &["all three"],
        ),
        bad(
            "only list: provider",
            with(reference_c(), |c| {
                let d = discovery(c);
                d.get_model_endpoint = None;
                d.deployment_provider = None;
            }),
            C::DiscoveryIncomplete,
            PROVIDER,
            E,
            &["\"AzureOpenAI\""],
        ),
        bad(
            "empty list endpoint",
            list(""),
            C::DiscoveryIncomplete,
            LIST,
            E,
            &["is empty"],
        ),
        bad(
            "APIM partial mentions defaults",
            with(reference_b(), |c| discovery(c).list_models_endpoint = None),
            C::DiscoveryIncomplete,
            LIST,
            E,
            &["APIM defaults"],
        ),
        good(
            "relative with slash",
            list("/models"),
            C::DiscoveryEndpointInvalid,
        ),
        good(
            "relative without slash",
            list("v1/models"),
            C::DiscoveryEndpointOrigin,
        ),
        good(
            "absolute same origin",
            list("https://llm-gw.contoso.com/v1/models"),
            C::DiscoveryEndpointOrigin,
        ),
        good(
            "absolute explicit default port",
            get("https://llm-gw.contoso.com:443/models/{deploymentName}"),
            C::DiscoveryEndpointOrigin,
        ),
        bad(
            "other host",
            list("https://evil.example.com/models"),
            C::DiscoveryEndpointOrigin,
            LIST,
            E,
            &["`https://evil.example.com`", "`https://llm-gw.contoso.com`"],
        ),
        bad(
            "other port",
            list("https://llm-gw.contoso.com:8443/models"),
            C::DiscoveryEndpointOrigin,
            LIST,
            E,
            &[],
        ),
        bad(
            "protocol-relative",
            list("//evil.example.com/models"),
            C::DiscoveryEndpointOrigin,
            LIST,
            E,
            &["`//`"],
        ),
        bad(
            "http absolute",
            list("http://llm-gw.contoso.com/models"),
            C::DiscoveryEndpointNotHttps,
            LIST,
            E,
            &["HTTPS"],
        ),
        bad(
            "http on loopback target",
            with(reference_c(), |c| {
                c.target = "http://localhost:4000/v1".into();
                discovery(c).list_models_endpoint = Some("http://localhost:4000/v1/models".into());
            }),
            C::DiscoveryEndpointNotHttps,
            LIST,
            W,
            &["local tests"],
        ),
        bad(
            "user info",
            list("https://u:p@llm-gw.contoso.com/models"),
            C::DiscoveryEndpointUserInfo,
            LIST,
            E,
            &[],
        ),
        bad(
            "fragment",
            list("/models#all"),
            C::DiscoveryEndpointFragment,
            LIST,
            E,
            &[],
        ),
        bad(
            "traversal",
            list("/v1/../admin/models"),
            C::DiscoveryEndpointTraversal,
            LIST,
            E,
            &["`..`"],
        ),
        bad(
            "encoded traversal",
            list("/v1/%2E%2E/admin"),
            C::DiscoveryEndpointTraversal,
            LIST,
            E,
            &[],
        ),
        bad(
            "encoded slash",
            list("/v1%2Fmodels"),
            C::DiscoveryEndpointEncodedSeparator,
            LIST,
            E,
            &["`%2F`"],
        ),
        bad(
            "encoded backslash",
            get("/models%5c{deploymentName}"),
            C::DiscoveryEndpointEncodedSeparator,
            GET,
            E,
            &[],
        ),
        bad(
            "backslash",
            list("\\models"),
            C::DiscoveryEndpointInvalid,
            LIST,
            E,
            &["backslash"],
        ),
        bad(
            "space",
            list("/my models"),
            C::DiscoveryEndpointInvalid,
            LIST,
            E,
            &["spaces"],
        ),
        bad(
            "invalid absolute",
            list("https://llm-gw.contoso.com:99999/models"),
            C::DiscoveryEndpointInvalid,
            LIST,
            E,
            &["not a valid URL"],
        ),
        good("one placeholder", reference_c(), C::DiscoveryPlaceholder),
        bad(
            "no placeholder",
            get("/models"),
            C::DiscoveryPlaceholder,
            GET,
            E,
            &["no `{deploymentName}`"],
        ),
        bad(
            "placeholder twice",
            get("/models/{deploymentName}/{deploymentName}"),
            C::DiscoveryPlaceholder,
            GET,
            E,
            &["2 times"],
        ),
        bad(
            "placeholder wrong case",
            get("/models/{deploymentname}"),
            C::DiscoveryPlaceholder,
            GET,
            E,
            &["`{deploymentname}`", "case-sensitive"],
        ),
        bad(
            "placeholder in query",
            get("/models?id={deploymentName}"),
            C::DiscoveryPlaceholder,
            GET,
            E,
            &["query"],
        ),
        bad(
            "placeholder in list",
            list("/models/{deploymentName}"),
            C::DiscoveryPlaceholder,
            LIST,
            W,
            &["literally"],
        ),
        good(
            "one api-version",
            list("https://llm-gw.contoso.com/models?api-version=2024-10-21"),
            C::DiscoveryApiVersionDuplicate,
        ),
        bad(
            "duplicate api-version",
            list("https://llm-gw.contoso.com/models?api-version=1&api-version=2"),
            C::DiscoveryApiVersionDuplicate,
            LIST,
            E,
            &["2 times"],
        ),
        bad(
            "api-version beats deploymentAPIVersion",
            with(reference_c(), |c| {
                c.metadata.deployment_api_version = Some("2023-05-01".into());
                discovery(c).list_models_endpoint =
                    Some("https://llm-gw.contoso.com/models?api-version=2024-10-21".into());
            }),
            C::DiscoveryApiVersionOverridden,
            LIST,
            W,
            &["wins", "`2023-05-01`"],
        ),
        good("provider exact", reference_c(), C::DiscoveryProviderInvalid),
        bad(
            "provider lowercase",
            with(reference_c(), |c| {
                discovery(c).deployment_provider =
                    Some(DiscoveryProvider::Other("azureopenai".into()))
            }),
            C::DiscoveryProviderInvalid,
            PROVIDER,
            E,
            &["Did you mean \"AzureOpenAI\""],
        ),
        bad(
            "provider unknown",
            with(reference_c(), |c| {
                discovery(c).deployment_provider =
                    Some(DiscoveryProvider::Other("Anthropic".into()))
            }),
            C::DiscoveryProviderInvalid,
            PROVIDER,
            E,
            &["\"OpenAI\""],
        ),
    ]
}

fn auth_cases() -> Vec<Case> {
    let mg_pmi = with(reference_c(), |c| {
        c.auth = ConnectionAuth::project_managed_identity();
        c.metadata.auth_config = None;
    });
    let apim_oauth2 = with(reference_d(), |c| {
        c.category = ConnectionCategory::ApiManagement
    });
    let audience = |a: &str| {
        with(reference_b(), |c| {
            c.auth = ConnectionAuth::ProjectManagedIdentity { audience: a.into() }
        })
    };
    vec![
        good("ApiKey on APIM", reference_a(), C::AuthTypeNotAllowed),
        good("ApiKey on MG", reference_c(), C::AuthTypeNotAllowed),
        good("PMI on APIM", reference_b(), C::AuthTypeNotAllowed),
        good("OAuth2 on MG", reference_d(), C::AuthTypeNotAllowed),
        bad(
            "PMI on MG",
            mg_pmi,
            C::AuthTypeNotAllowed,
            "properties.authType",
            E,
            &["ApiManagement"],
        ),
        bad(
            "OAuth2 on APIM",
            apim_oauth2,
            C::AuthTypeNotAllowed,
            "properties.authType",
            E,
            &["ModelGateway"],
        ),
        bad(
            "AAD",
            with(reference_c(), |c| {
                c.auth = ConnectionAuth::Unsupported {
                    auth_type: "AAD".into(),
                }
            }),
            C::AuthTypeUnsupported,
            "properties.authType",
            E,
            &["`AAD`"],
        ),
        good("key set", reference_a(), C::ApiKeyMissing),
        bad(
            "key missing",
            with(reference_a(), |c| {
                c.auth = ConnectionAuth::ApiKey { key: None }
            }),
            C::ApiKeyMissing,
            "properties.credentials.key",
            E,
            &["never returns"],
        ),
        good("default audience", reference_b(), C::AudienceNotDefault),
        bad(
            "audience missing",
            audience(""),
            C::AudienceMissing,
            "properties.audience",
            E,
            &["https://cognitiveservices.azure.com"],
        ),
        bad(
            "audience not a URL",
            audience("cognitiveservices"),
            C::UrlInvalid,
            "properties.audience",
            E,
            &["absolute https"],
        ),
        bad(
            "audience http",
            audience("http://cognitiveservices.azure.com"),
            C::UrlInvalid,
            "properties.audience",
            E,
            &[],
        ),
        bad(
            "audience trailing slash",
            audience("https://cognitiveservices.azure.com/"),
            C::AudienceNotDefault,
            "properties.audience",
            W,
            &["trailing `/`"],
        ),
        bad(
            "audience sovereign",
            audience("https://cognitiveservices.azure.us"),
            C::AudienceNotDefault,
            "properties.audience",
            W,
            &["APIM policy"],
        ),
        good("GUID client id", reference_d(), C::Oauth2ClientIdNotGuid),
        bad(
            "client id missing",
            with(reference_d(), |c| oauth2(c).0.clear()),
            C::Oauth2ClientIdMissing,
            "properties.credentials.clientId",
            E,
            &[],
        ),
        bad(
            "client id not a GUID",
            with(reference_d(), |c| *oauth2(c).0 = "0oa1b2c3d4EXAMPLE".into()),
            C::Oauth2ClientIdNotGuid,
            "properties.credentials.clientId",
            W,
            &["UUID"],
        ),
        bad(
            "client secret missing",
            with(reference_d(), |c| *oauth2(c).1 = None),
            C::Oauth2ClientSecretMissing,
            "properties.credentials.clientSecret",
            E,
            &[],
        ),
        bad(
            "token URL missing",
            with(reference_d(), |c| oauth2(c).2.clear()),
            C::Oauth2TokenUrlMissing,
            "properties.tokenUrl",
            E,
            &["oauth2/v2.0/token"],
        ),
        bad(
            "token URL http",
            with(reference_d(), |c| {
                *oauth2(c).2 = "http://idp.example.com/token".into()
            }),
            C::UrlNotHttps,
            "properties.tokenUrl",
            E,
            &["`tokenUrl`"],
        ),
        bad(
            "token URL loopback",
            with(reference_d(), |c| {
                *oauth2(c).2 = "http://127.0.0.1:9000/token".into()
            }),
            C::UrlHttpLoopback,
            "properties.tokenUrl",
            W,
            &[],
        ),
        bad(
            "token URL fragment",
            with(reference_d(), |c| {
                *oauth2(c).2 = "https://idp.example.com/token#x".into()
            }),
            C::UrlFragment,
            "properties.tokenUrl",
            E,
            &[],
        ),
        good(
            "token URL query allowed",
            with(reference_d(), |c| {
                *oauth2(c).2 = "https://idp.example.com/token?tenant=x".into()
            }),
            C::UrlQuery,
        ),
        bad(
            "scopes missing",
            with(reference_d(), |c| oauth2(c).3.clear()),
            C::Oauth2ScopesMissing,
            "properties.scopes",
            E,
            &[".default"],
        ),
        bad(
            "scope empty",
            with(reference_d(), |c| oauth2(c).3.insert(0, " ".into())),
            C::Oauth2ScopeEmpty,
            "properties.scopes[0]",
            E,
            &[],
        ),
    ]
}

fn auth_header_cases() -> Vec<Case> {
    let cfg = |change: fn(&mut AuthConfig)| {
        with(reference_c(), |c| {
            change(c.metadata.auth_config.as_mut().unwrap())
        })
    };
    const CFG: &str = "properties.metadata.authConfig";
    vec![
        good(
            "authConfig with ApiKey",
            reference_c(),
            C::AuthConfigNotApiKey,
        ),
        bad(
            "authConfig with PMI",
            with(reference_b(), |c| {
                c.metadata.auth_config = Some(AuthConfig::api_key("x-api-key", "{api_key}"))
            }),
            C::AuthConfigNotApiKey,
            CFG,
            E,
            &["ProjectManagedIdentity"],
        ),
        bad(
            "type missing",
            cfg(|a| a.kind = None),
            C::AuthConfigType,
            "properties.metadata.authConfig.type",
            E,
            &["\"api_key\""],
        ),
        bad(
            "type apiKey",
            cfg(|a| a.kind = Some("apiKey".into())),
            C::AuthConfigType,
            "properties.metadata.authConfig.type",
            E,
            &["`apiKey`"],
        ),
        bad(
            "name missing",
            cfg(|a| a.header_name = None),
            C::AuthConfigNameMissing,
            "properties.metadata.authConfig.name",
            E,
            &[],
        ),
        bad(
            "name with space",
            cfg(|a| a.header_name = Some("X Api Key".into())),
            C::HeaderNameInvalid,
            "properties.metadata.authConfig.name",
            E,
            &["a space"],
        ),
        bad(
            "name with colon",
            cfg(|a| a.header_name = Some("Authorization:".into())),
            C::HeaderNameInvalid,
            "properties.metadata.authConfig.name",
            E,
            &["colon"],
        ),
        good("format Bearer", reference_c(), C::AuthConfigFormat),
        bad(
            "format missing",
            cfg(|a| a.format = None),
            C::AuthConfigFormat,
            "properties.metadata.authConfig.format",
            E,
            &["Bearer {api_key}"],
        ),
        bad(
            "format without key",
            cfg(|a| a.format = Some("Bearer".into())),
            C::AuthConfigFormat,
            "properties.metadata.authConfig.format",
            E,
            &["never be sent"],
        ),
        bad(
            "format apiKey",
            cfg(|a| a.format = Some("Bearer {apiKey}".into())),
            C::AuthConfigFormat,
            "properties.metadata.authConfig.format",
            E,
            &["`{apiKey}`", "`{api_key}` exactly"],
        ),
        bad(
            "format twice",
            cfg(|a| a.format = Some("{api_key}{api_key}".into())),
            C::AuthConfigFormat,
            "properties.metadata.authConfig.format",
            E,
            &["2 times"],
        ),
        bad(
            "format CRLF",
            cfg(|a| a.format = Some("Bearer {api_key}\r\nX: y".into())),
            C::HeaderValueInvalid,
            "properties.metadata.authConfig.format",
            E,
            &["line break"],
        ),
        good("portal style alone", reference_e(), C::AuthHeaderConflict),
        bad(
            "both styles",
            with(reference_c(), |c| {
                c.metadata.auth_header_name = Some("api-key".into());
                c.metadata.auth_header_format = Some("{api_key}".into());
            }),
            C::AuthHeaderConflict,
            "properties.metadata.authHeaderName",
            W,
            &["not documented"],
        ),
        bad(
            "portal format without key",
            with(reference_e(), |c| {
                c.metadata.auth_header_format = Some("key".into())
            }),
            C::AuthHeaderFormat,
            "properties.metadata.authHeaderFormat",
            E,
            &[],
        ),
        bad(
            "portal name invalid",
            with(reference_e(), |c| {
                c.metadata.auth_header_name = Some("api key".into())
            }),
            C::HeaderNameInvalid,
            "properties.metadata.authHeaderName",
            E,
            &[],
        ),
        bad(
            "portal name only",
            with(reference_e(), |c| c.metadata.auth_header_format = None),
            C::AuthHeaderIncomplete,
            "properties.metadata.authHeaderFormat",
            W,
            &[],
        ),
        bad(
            "portal format only",
            with(reference_e(), |c| c.metadata.auth_header_name = None),
            C::AuthHeaderIncomplete,
            "properties.metadata.authHeaderName",
            W,
            &[],
        ),
        bad(
            "portal style with OAuth2",
            with(reference_d(), |c| {
                c.metadata.auth_header_name = Some("x-api-key".into())
            }),
            C::AuthConfigNotApiKey,
            "properties.metadata.authHeaderName",
            E,
            &["OAuth2"],
        ),
    ]
}

fn header_cases() -> Vec<Case> {
    let h = |base: Connection, pairs: &'static [(&'static str, &'static str)]| {
        with(base, |c| headers(c, pairs))
    };
    vec![
        good("ordinary header", reference_c(), C::HeaderNameInvalid),
        bad(
            "space in name",
            h(reference_c(), &[("X Client", "a")]),
            C::HeaderNameInvalid,
            "properties.metadata.customHeaders[\"X Client\"]",
            E,
            &["a space"],
        ),
        bad(
            "empty name",
            h(reference_c(), &[("", "a")]),
            C::HeaderNameInvalid,
            "properties.metadata.customHeaders[\"\"]",
            E,
            &["empty"],
        ),
        bad(
            "emoji name",
            h(reference_c(), &[("X-🚀", "a")]),
            C::HeaderNameInvalid,
            "properties.metadata.customHeaders[\"X-🚀\"]",
            E,
            &["non-ASCII"],
        ),
        bad(
            "CRLF value",
            h(reference_c(), &[("X-A", "a\r\nInjected: 1")]),
            C::HeaderValueInvalid,
            "properties.metadata.customHeaders[\"X-A\"]",
            E,
            &["line break"],
        ),
        bad(
            "NUL value",
            h(reference_c(), &[("X-A", "a\0b")]),
            C::HeaderValueInvalid,
            "properties.metadata.customHeaders[\"X-A\"]",
            E,
            &["NUL"],
        ),
        good(
            "tab value",
            h(reference_c(), &[("X-A", "a\tb")]),
            C::HeaderValueInvalid,
        ),
        bad(
            "non-ASCII value",
            h(reference_c(), &[("X-A", "héllo")]),
            C::HeaderValueNonAscii,
            "properties.metadata.customHeaders[\"X-A\"]",
            W,
            &[],
        ),
        good(
            "api-key header with Bearer authConfig",
            h(reference_c(), &[("api-key", "k2")]),
            C::HeaderAuthClash,
        ),
        bad(
            "clash with default api-key",
            h(reference_a(), &[("API-Key", "k2")]),
            C::HeaderAuthClash,
            "properties.metadata.customHeaders[\"API-Key\"]",
            E,
            &["default API key header", "`api-key`"],
        ),
        bad(
            "clash with authConfig name",
            h(reference_c(), &[("authorization", "x")]),
            C::HeaderAuthClash,
            "properties.metadata.customHeaders.authorization",
            E,
            &["authConfig.name"],
        ),
        bad(
            "clash with portal name",
            h(reference_e(), &[("api-key", "x")]),
            C::HeaderAuthClash,
            "properties.metadata.customHeaders[\"api-key\"]",
            E,
            &["authHeaderName"],
        ),
        bad(
            "clash with bearer token (PMI)",
            h(reference_b(), &[("Authorization", "x")]),
            C::HeaderAuthClash,
            "properties.metadata.customHeaders.Authorization",
            E,
            &["bearer token"],
        ),
        bad(
            "clash with bearer token (OAuth2)",
            h(reference_d(), &[("AUTHORIZATION", "x")]),
            C::HeaderAuthClash,
            "properties.metadata.customHeaders.AUTHORIZATION",
            E,
            &[],
        ),
        // The accelerator's variant: PMI plus the APIM key as a custom header.
        good(
            "PMI + api-key header",
            h(reference_b(), &[("api-key", "k")]),
            C::HeaderAuthClash,
        ),
        bad(
            "PMI + api-key header is not secret",
            h(reference_b(), &[("api-key", "k")]),
            C::HeaderSecretInMetadata,
            "properties.metadata.customHeaders[\"api-key\"]",
            W,
            &["everyone"],
        ),
        bad(
            "Host",
            h(reference_c(), &[("Host", "x")]),
            C::HeaderManaged,
            "properties.metadata.customHeaders.Host",
            W,
            &[],
        ),
        bad(
            "Content-Length",
            h(reference_c(), &[("content-length", "1")]),
            C::HeaderManaged,
            "properties.metadata.customHeaders[\"content-length\"]",
            W,
            &[],
        ),
        bad(
            "Content-Type",
            h(reference_c(), &[("Content-Type", "text/plain")]),
            C::HeaderManaged,
            "properties.metadata.customHeaders[\"Content-Type\"]",
            W,
            &[],
        ),
        bad(
            "Transfer-Encoding",
            h(reference_c(), &[("Transfer-Encoding", "chunked")]),
            C::HeaderManaged,
            "properties.metadata.customHeaders[\"Transfer-Encoding\"]",
            W,
            &[],
        ),
        bad(
            "Connection",
            h(reference_c(), &[("Connection", "close")]),
            C::HeaderManaged,
            "properties.metadata.customHeaders.Connection",
            W,
            &[],
        ),
        bad(
            "same header twice",
            h(reference_c(), &[("X-A", "1"), ("x-a", "2")]),
            C::HeaderDuplicate,
            "properties.metadata.customHeaders[\"x-a\"]",
            W,
            &["ignore case"],
        ),
    ]
}

/// Rules found while parsing an imported body.
fn parse_cases() -> Vec<Case> {
    let good_md = r#"{"deploymentInPath":"false","inferenceAPIVersion":"","customHeaders":"{}","models":"[{\"name\":\"m\",\"properties\":{\"model\":{\"name\":\"m\",\"format\":\"OpenAI\"}}}]"}"#;
    vec![
        parsed_clean("clean body", &mg_body(good_md), C::MetadataValueNotString),
        parsed(
            "raw models array",
            &mg_body(
                r#"{"deploymentInPath":"false","customHeaders":"{}","models":[{"name":"m","properties":{"model":{"name":"m"}}}]}"#,
            ),
            C::MetadataValueNotString,
            "properties.metadata.models",
            E,
            &["jsonencode", "string("],
        ),
        parsed(
            "bool deploymentInPath",
            &mg_body(r#"{"deploymentInPath":true,"customHeaders":"{}"}"#),
            C::MetadataValueNotString,
            "properties.metadata.deploymentInPath",
            E,
            &["\"true\""],
        ),
        parsed(
            "number api version",
            &mg_body(r#"{"inferenceAPIVersion":2024,"customHeaders":"{}"}"#),
            C::MetadataValueNotString,
            "properties.metadata.inferenceAPIVersion",
            E,
            &[],
        ),
        parsed(
            "models not JSON",
            &mg_body(r#"{"models":"[{name:gpt}]","customHeaders":"{}"}"#),
            C::MetadataJsonInvalid,
            "properties.metadata.models",
            E,
            &["does not decode"],
        ),
        parsed(
            "models object",
            &mg_body(r#"{"models":"{\"name\":\"m\"}","customHeaders":"{}"}"#),
            C::MetadataJsonShape,
            "properties.metadata.models",
            E,
            &["array"],
        ),
        parsed(
            "deploymentInPath True",
            &mg_body(r#"{"deploymentInPath":"True","customHeaders":"{}"}"#),
            C::DeploymentInPathInvalid,
            "properties.metadata.deploymentInPath",
            E,
            &["lowercase"],
        ),
        parsed(
            "deploymentInPath yes",
            &mg_body(r#"{"deploymentInPath":"yes","customHeaders":"{}"}"#),
            C::DeploymentInPathInvalid,
            "properties.metadata.deploymentInPath",
            E,
            &[],
        ),
        parsed(
            "nested wrong type",
            &mg_body(r#"{"modelDiscovery":"{\"listModelsEndpoint\":5}","customHeaders":"{}"}"#),
            C::ValueWrongType,
            "properties.metadata.modelDiscovery.listModelsEndpoint",
            E,
            &[],
        ),
        parsed(
            "isSharedToAll string",
            &props_body(
                r#"{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com","isSharedToAll":"true"}"#,
            ),
            C::ValueWrongType,
            "properties.isSharedToAll",
            E,
            &["JSON boolean"],
        ),
        parsed(
            "category case",
            &props_body(
                r#"{"category":"modelgateway","authType":"ApiKey","target":"https://g.example.com"}"#,
            ),
            C::ValueWrongCase,
            "properties.category",
            W,
            &["\"ModelGateway\""],
        ),
        parsed(
            "authType case",
            &props_body(
                r#"{"category":"ModelGateway","authType":"apikey","target":"https://g.example.com"}"#,
            ),
            C::ValueWrongCase,
            "properties.authType",
            W,
            &["\"ApiKey\""],
        ),
        parsed(
            "property key case",
            &props_body(
                r#"{"Category":"ModelGateway","authType":"ApiKey","Target":"https://g.example.com"}"#,
            ),
            C::KeyWrongCase,
            "properties.Target",
            W,
            &["`target`"],
        ),
        parsed_clean(
            "customHeaders present",
            &mg_body(good_md),
            C::CustomHeadersMissing,
        ),
        parsed(
            "customHeaders absent",
            &mg_body(r#"{"deploymentInPath":"false"}"#),
            C::CustomHeadersMissing,
            "properties.metadata.customHeaders",
            W,
            &["\"{}\""],
        ),
        parsed(
            "placeholder key",
            fixture!("a-apim-apikey-static.json"),
            C::SecretPlaceholder,
            "properties.credentials.key",
            W,
            &["placeholder"],
        ),
        parsed(
            "masked secret",
            &props_body(
                r#"{"category":"ModelGateway","authType":"OAuth2","target":"https://g.example.com","credentials":{"clientId":"00000000-0000-0000-0000-000000000000","clientSecret":"********"}}"#,
            ),
            C::SecretPlaceholder,
            "properties.credentials.clientSecret",
            W,
            &[],
        ),
        parsed(
            "extra credential",
            &props_body(
                r#"{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com","credentials":{"key":"k","username":"u"}}"#,
            ),
            C::CredentialsKeyDropped,
            "properties.credentials.username",
            W,
            &["credentials.key"],
        ),
        parsed(
            "foreign resource type",
            r#"{"type":"Microsoft.MachineLearningServices/workspaces/connections","properties":{"category":"ModelGateway","authType":"ApiKey"}}"#,
            C::ResourceTypeUnexpected,
            "type",
            W,
            &[],
        ),
    ]
}

#[test]
fn every_rule_has_valid_and_invalid_cases() {
    let cases: Vec<Case> = [
        name_cases(),
        target_cases(),
        key_cases(),
        metadata_value_cases(),
        model_cases(),
        discovery_cases(),
        auth_cases(),
        auth_header_cases(),
        header_cases(),
        parse_cases(),
    ]
    .into_iter()
    .flatten()
    .collect();

    let mut covered = HashSet::new();
    for case in &cases {
        match &case.expect {
            Expect::Finding(code, path, severity) => {
                let message = expect(&case.findings, *code, path, *severity);
                for word in &case.says {
                    assert!(
                        message.contains(word),
                        "{}: message lacks {word:?}: {message}",
                        case.what
                    );
                }
                assert!(message.len() < 1_000, "{}: message too long", case.what);
                covered.insert(*code);
            }
            Expect::Clean(code) => {
                let hits: Vec<_> = case.findings.iter().filter(|f| f.code == *code).collect();
                assert!(
                    hits.is_empty(),
                    "{}: unexpected {code}: {hits:#?}",
                    case.what
                );
            }
        }
    }
    let missing: Vec<_> = FindingCode::ALL
        .iter()
        .filter(|c| !covered.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an invalid case: {missing:?}"
    );
}

#[test]
fn finding_codes_are_unique_kebab_case() {
    let mut seen = HashSet::new();
    for code in FindingCode::ALL {
        let text = code.as_str();
        assert!(seen.insert(text), "duplicate {text}");
        assert!(
            text.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{text}"
        );
        assert_eq!(serde_json::to_value(code).unwrap(), text);
    }
}

#[test]
fn findings_serialise_camel_case() {
    let finding = Finding::warning(C::NameMissing, "name", "m");
    assert_eq!(
        serde_json::to_value(&finding).unwrap(),
        json(r#"{"severity":"warning","code":"name-missing","path":"name","message":"m"}"#)
    );
}
