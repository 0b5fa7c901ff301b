//! Parsing: the §2.4 bodies, an ARM GET response, secrets on import, lenient repairs, and the
//! round trip parse(serialise(x)) == x.

use serde_json::Value;

use super::*;
use crate::secrets::Sensitive;

#[test]
fn reference_bodies_parse_into_the_reference_models() {
    for (label, mut expected, fixture, _) in references() {
        expected.name = None;
        let (connection, findings) =
            parse_arm_json(fixture).unwrap_or_else(|e| panic!("({label}) {e}"));
        assert_eq!(connection, expected, "({label})");
        assert!(
            errors(&findings).is_empty(),
            "({label}) errors: {:#?}",
            errors(&findings)
        );
    }
}

#[test]
fn reference_bodies_without_custom_headers_are_flagged() {
    // (a), (b) and (d) leave `customHeaders` out, like the FS templates (trap §7 #8).
    for (label, fixture) in [
        ("a", fixture!("a-apim-apikey-static.json")),
        ("b", fixture!("b-apim-pmi-discovery.json")),
        ("d", fixture!("d-modelgateway-oauth2-static.json")),
    ] {
        let (_, findings) = parse_arm_json(fixture).unwrap();
        expect(
            &findings,
            FindingCode::CustomHeadersMissing,
            "properties.metadata.customHeaders",
            Severity::Warning,
        );
        let _ = label;
    }
    let (_, findings) = parse_arm_json(fixture!("e-modelgateway-portal-style.json")).unwrap();
    expect_none(&findings, FindingCode::CustomHeadersMissing);
}

#[test]
fn an_arm_get_response_parses() {
    let imported = import_arm_json(fixture!("get-project-connection.json")).unwrap();
    let c = &imported.connection;
    assert_eq!(c.name.as_deref(), Some("apim-gw"));
    assert_eq!(c.scope, ConnectionScope::Project);
    assert_eq!(c.category, ConnectionCategory::ApiManagement);
    assert_eq!(c.target, "https://contoso-apim.azure-api.net/openai");
    // GET never returns secrets: the key is missing and validation says so.
    assert_eq!(c.auth, ConnectionAuth::ApiKey { key: None });
    assert!(imported.secrets.is_empty());
    expect(
        &imported.findings,
        FindingCode::ApiKeyMissing,
        "properties.credentials.key",
        Severity::Error,
    );
    // Writable spec keys are kept; read-only ones and nulls are not.
    let kept: Vec<&str> = c.extra_properties.keys().map(String::as_str).collect();
    assert_eq!(
        kept,
        [
            "peRequirement",
            "peStatus",
            "sharedUserList",
            "useWorkspaceManagedIdentity"
        ]
    );
    // No finding about id/type/systemData or the read-only keys.
    expect_none(&imported.findings, FindingCode::UnknownKey);
    expect_none(&imported.findings, FindingCode::ResourceTypeUnexpected);
    let body = to_arm_body(c, SecretRendering::Masked);
    assert!(body["properties"].get("group").is_none());
    assert!(body.get("id").is_none() && body.get("systemData").is_none());
}

#[test]
fn account_scope_comes_from_type_or_id() {
    let body = |extra: &str| {
        format!(
            r#"{{{extra}"properties":{{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com"}}}}"#
        )
    };
    let (c, _) = parse_arm_json(&body(
        r#""type":"Microsoft.CognitiveServices/accounts/connections","#,
    ))
    .unwrap();
    assert_eq!(c.scope, ConnectionScope::Account);
    let (c, _) = parse_arm_json(&body(
        r#""id":"/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a/connections/gw","#,
    ))
    .unwrap();
    assert_eq!(c.scope, ConnectionScope::Account);
    let (c, _) = parse_arm_json(&body("")).unwrap();
    assert_eq!(c.scope, ConnectionScope::Project);
}

#[test]
fn a_top_level_name_is_kept() {
    let text = r#"{"name":"my-gw","properties":{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com"}}"#;
    let (c, findings) = parse_arm_json(text).unwrap();
    assert_eq!(c.name.as_deref(), Some("my-gw"));
    expect_none(&findings, FindingCode::NameMissing);
}

#[test]
fn real_secrets_are_imported_separately_and_never_printed() {
    let text = r#"{"properties":{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com","credentials":{"key":"sk-canary-123"}}}"#;
    let imported = import_arm_json(text).unwrap();
    assert_eq!(
        imported.connection.auth,
        ConnectionAuth::ApiKey {
            key: Some(SecretRef::API_KEY)
        }
    );
    assert_eq!(
        imported.secrets,
        vec![ImportedSecret {
            slot: SecretSlot::ApiKey,
            value: Sensitive::new("sk-canary-123".into())
        }]
    );
    let printed = format!("{imported:?}");
    assert!(!printed.contains("sk-canary-123"), "{printed}");
    let draft = serde_json::to_string(&imported.connection).unwrap();
    assert!(!draft.contains("sk-canary-123"));
    for f in &imported.findings {
        assert!(!f.message.contains("sk-canary-123"));
    }

    let text = r#"{"properties":{"category":"ModelGateway","authType":"OAuth2","target":"https://g.example.com","credentials":{"clientId":"c","clientSecret":"s3cr3t"}}}"#;
    let imported = import_arm_json(text).unwrap();
    assert_eq!(imported.secrets[0].slot, SecretSlot::ClientSecret);
    assert_eq!(imported.secrets[0].value.expose(), "s3cr3t");
}

#[test]
fn an_empty_secret_counts_as_missing() {
    let text = r#"{"properties":{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com","credentials":{"key":" "}}}"#;
    let imported = import_arm_json(text).unwrap();
    assert_eq!(
        imported.connection.auth,
        ConnectionAuth::ApiKey { key: None }
    );
    assert!(imported.secrets.is_empty());
}

#[test]
fn non_string_metadata_is_read_leniently_and_reported() {
    let text = r#"{"properties":{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com","credentials":{"key":"k"},
        "metadata":{
            "deploymentInPath": true,
            "inferenceAPIVersion": 2024,
            "models": [{"name":"gpt-4o","properties":{"model":{"name":"gpt-4o","version":"1","format":"OpenAI"}}}],
            "customHeaders": {"X-A": "1", "X-N": 5},
            "authConfig": {"type":"api_key","name":"x-api-key","format":"{api_key}"},
            "colour": ["red"]
        }}}"#;
    let (c, findings) = parse_arm_json(text).unwrap();
    assert_eq!(c.metadata.deployment_in_path, Some(true));
    assert_eq!(c.metadata.inference_api_version.as_deref(), Some("2024"));
    assert_eq!(
        c.metadata.models,
        Some(vec![ModelInfo::new(
            "gpt-4o",
            "gpt-4o",
            "1",
            ModelFormat::OpenAi
        )])
    );
    assert_eq!(c.metadata.custom_headers["X-N"], "5");
    assert_eq!(
        c.metadata.auth_config,
        Some(AuthConfig::api_key("x-api-key", "{api_key}"))
    );
    assert_eq!(c.metadata.extra["colour"], r#"["red"]"#);
    for key in [
        "deploymentInPath",
        "inferenceAPIVersion",
        "models",
        "customHeaders",
        "authConfig",
        "colour",
    ] {
        let message = expect(
            &findings,
            FindingCode::MetadataValueNotString,
            &format!("properties.metadata.{key}"),
            Severity::Error,
        );
        assert!(message.contains(&format!("`{key}`")), "{message}");
    }
    expect(
        &findings,
        FindingCode::ValueWrongType,
        "properties.metadata.customHeaders[\"X-N\"]",
        Severity::Error,
    );
    // Serialising repairs the file: every metadata value is a string again.
    let body = to_arm_body(&c, SecretRendering::Masked);
    let metadata = body["properties"]["metadata"].as_object().unwrap();
    assert!(metadata.values().all(Value::is_string));
    let (again, findings) = parse_arm_json(&body.to_string()).unwrap();
    assert_eq!(again, c);
    expect_none(&findings, FindingCode::MetadataValueNotString);
}

#[test]
fn a_dropped_value_is_reported_once() {
    let text = r#"{"properties":{"category":"ApiManagement","authType":"ApiKey","target":"https://g.example.com","credentials":{"key":"k"},"metadata":{"deploymentInPath":"yes","customHeaders":"{}"}}}"#;
    let (c, findings) = parse_arm_json(text).unwrap();
    assert_eq!(c.metadata.deployment_in_path, None);
    let at_path: Vec<_> = findings
        .iter()
        .filter(|f| f.path == "properties.metadata.deploymentInPath")
        .collect();
    assert_eq!(at_path.len(), 1, "{at_path:#?}");
    assert_eq!(at_path[0].code, FindingCode::DeploymentInPathInvalid);
}

#[test]
fn unknown_keys_survive_a_round_trip() {
    let text = r#"{"properties":{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com","credentials":{"key":"k"},
        "sharedUserList":["a@b.c"], "audience":"https://x",
        "metadata":{"deploymentInPath":"false","inferenceApiVersion":"2024-10-21","customHeaders":"{}",
          "modelDiscovery":"{\"listModelEndpoint\":\"/models\",\"getModelEndpoint\":\"/models/{deploymentName}\",\"deploymentProvider\":\"azureopenai\",\"x\":{\"y\":[1,2]}}",
          "models":"[{\"name\":\"m\",\"Name\":\"n\",\"properties\":{\"model\":{\"name\":\"m\",\"format\":\"DeepSeek\",\"capabilities\":{\"tools\":true}},\"sku\":\"s\"}}]"}}}"#;
    let (c, findings) = parse_arm_json(text).unwrap();
    assert_eq!(c.metadata.extra["inferenceApiVersion"], "2024-10-21");
    let d = c.metadata.model_discovery.as_ref().unwrap();
    assert_eq!(d.list_models_endpoint, None);
    assert!(d.extra.contains_key("listModelEndpoint"));
    assert_eq!(
        d.deployment_provider,
        Some(DiscoveryProvider::Other("azureopenai".into()))
    );
    let m = &c.metadata.models.as_ref().unwrap()[0];
    assert!(m.extra.contains_key("Name"));
    assert!(m.properties_extra.contains_key("sku"));
    assert!(m.model_extra.contains_key("capabilities"));
    assert_eq!(m.format, Some(ModelFormat::Other("DeepSeek".into())));
    assert!(c.extra_properties.contains_key("audience"));
    for (code, path) in [
        (
            FindingCode::KeyWrongCase,
            "properties.metadata.inferenceApiVersion",
        ),
        (
            FindingCode::KeyMisspelt,
            "properties.metadata.modelDiscovery.listModelEndpoint",
        ),
        (
            FindingCode::DiscoveryProviderInvalid,
            "properties.metadata.modelDiscovery.deploymentProvider",
        ),
        (
            FindingCode::KeyWrongCase,
            "properties.metadata.models[0].Name",
        ),
    ] {
        expect(&findings, code, path, Severity::Error);
    }
    let (again, _) = parse_arm_json(&to_arm_body(&c, SecretRendering::Masked).to_string()).unwrap();
    assert_eq!(again, c);
}

/// Connections that exercise every part of the model.
fn varied() -> Vec<Connection> {
    let mut all: Vec<Connection> = references().into_iter().map(|(_, c, _, _)| c).collect();
    let mut c = reference_c();
    c.name = None;
    c.is_shared_to_all = true;
    c.metadata.deployment_in_path = None;
    c.metadata.inference_api_version = None;
    c.metadata.deployment_api_version = Some("2023-05-01".into());
    c.metadata.auth_header_name = Some("x-api-key".into());
    c.metadata.auth_header_format = Some("{api_key}".into());
    c.metadata
        .extra
        .insert("audience".into(), "https://x".into());
    c.metadata
        .extra
        .insert("émoji 🚀".into(), "\u{202e}rtl".into());
    c.metadata
        .custom_headers
        .insert("X-Ünicode".into(), "värde\ttab".into());
    let d = c.metadata.model_discovery.as_mut().unwrap();
    d.deployment_provider = Some(DiscoveryProvider::Other("openai".into()));
    d.extra
        .insert("nested".into(), json(r#"{"a":[1,{"b":null}]}"#));
    c.metadata.auth_config.as_mut().unwrap().kind = None;
    c.extra_properties
        .insert("expiryTime".into(), Value::from("2030-01-01T00:00:00Z"));
    all.push(c);

    let mut c = reference_d();
    c.auth = ConnectionAuth::OAuth2 {
        client_id: String::new(),
        client_secret: None,
        token_url: String::new(),
        scopes: vec![String::new(), "a b".into()],
    };
    c.metadata.models = Some(vec![
        ModelInfo::default(),
        ModelInfo {
            deployment_name: Some("x".into()),
            format: Some(ModelFormat::NonOpenAi),
            ..ModelInfo::default()
        },
    ]);
    all.push(c);

    let mut c = reference_a();
    c.auth = ConnectionAuth::Unsupported {
        auth_type: "AAD".into(),
    };
    c.target = String::new();
    c.metadata = ConnectionMetadata::default();
    all.push(c);

    let mut c = reference_b();
    c.auth = ConnectionAuth::ProjectManagedIdentity {
        audience: String::new(),
    };
    c.metadata.model_discovery = Some(ModelDiscovery::default());
    all.push(c);
    all
}

#[test]
fn parse_of_serialise_is_the_identity() {
    let secret = Sensitive::new("sk-real".to_string());
    for (i, connection) in varied().into_iter().enumerate() {
        for rendering in [
            SecretRendering::Masked,
            SecretRendering::Placeholder("<key>"),
            SecretRendering::Value(&secret),
        ] {
            let body = to_arm_body(&connection, rendering);
            let text = serde_json::to_string_pretty(&body).unwrap();
            let (parsed, _) =
                parse_arm_json(&text).unwrap_or_else(|e| panic!("case {i} {rendering:?}: {e}"));
            assert_eq!(parsed, connection, "case {i} {rendering:?}\n{text}");
            // …and serialising again gives the same bytes.
            assert_eq!(to_arm_body(&parsed, rendering), body, "case {i}");
        }
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let text = format!(
        "\u{feff}{}",
        fixture!("c-modelgateway-apikey-discovery.json")
    );
    assert!(parse_arm_json(&text).is_ok());
}

#[test]
fn parse_errors_name_the_path_and_the_fix() {
    let cases: [(&str, &str, &str); 6] = [
        ("{", "$", "line 1"),
        ("[]", "$", "one object"),
        ("{}", "properties", "is missing"),
        (
            r#"{"category":"ModelGateway","authType":"ApiKey"}"#,
            "properties",
            "wrap it",
        ),
        (
            r#"{"properties":{"authType":"ApiKey"}}"#,
            "properties.category",
            "\"ModelGateway\"",
        ),
        (
            r#"{"properties":{"category":"AzureOpenAI","authType":"ApiKey"}}"#,
            "properties.category",
            "`AzureOpenAI`",
        ),
    ];
    for (text, path, words) in cases {
        let error = parse_arm_json(text).expect_err(text);
        assert_eq!(error.path(), path, "{text}");
        let message = error.to_string();
        assert!(message.contains(words), "{text}: {message}");
        if path != "$" {
            assert!(message.contains(&format!("`{path}`")), "{message}");
        }
    }
    let error = parse_arm_json(r#"{"properties":{"category":"ModelGateway"}}"#).unwrap_err();
    assert_eq!(error.path(), "properties.authType");
    assert_eq!(error.code(), "invalid-shape");
    assert!(error.to_string().contains("\"OAuth2\""));
}
