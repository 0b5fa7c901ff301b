//! Serialisation golden tests: the reference bodies of byo-gateway.md §2.4 (a)–(e).

use serde_json::Value;

use super::*;
use crate::secrets::Sensitive;

/// The §2.4 body as the serialiser must write it: identical, plus `customHeaders: "{}"` where
/// the sample leaves it out (always written, trap §7 #8).
fn expected_body(fixture: &str) -> Value {
    let mut expected = json(fixture);
    let metadata = expected["properties"]["metadata"]
        .as_object_mut()
        .expect("fixture has metadata");
    metadata
        .entry("customHeaders")
        .or_insert_with(|| Value::from("{}"));
    expected
}

#[test]
fn reference_bodies_serialise_exactly() {
    for (label, mut connection, fixture, secret) in references() {
        connection.name = None; // §2.4 bodies carry the name in the URL only
        let secret = Sensitive::new(secret.to_string());
        let body = to_arm_body(&connection, SecretRendering::Value(&secret));
        let expected = expected_body(fixture);
        assert_eq!(
            body,
            expected,
            "({label}) body differs:\n{}",
            serde_json::to_string_pretty(&body).unwrap()
        );
        // The encoded metadata strings must match byte for byte, not only as decoded JSON.
        let fixture_metadata = json(fixture)["properties"]["metadata"].clone();
        for (key, value) in fixture_metadata.as_object().unwrap() {
            assert_eq!(
                body["properties"]["metadata"][key].as_str(),
                value.as_str(),
                "({label}) metadata.{key} string differs"
            );
        }
    }
}

#[test]
fn reference_connections_have_no_errors() {
    for (label, connection, _, _) in references() {
        let findings = validate(&connection);
        assert!(
            errors(&findings).is_empty(),
            "({label}) errors: {:#?}",
            errors(&findings)
        );
    }
}

#[test]
fn metadata_values_are_all_strings_and_custom_headers_always_present() {
    for (label, connection, _, _) in references() {
        let body = to_arm_body(&connection, SecretRendering::Masked);
        let metadata = body["properties"]["metadata"].as_object().unwrap();
        assert!(metadata.values().all(Value::is_string), "({label})");
        assert!(metadata.contains_key("customHeaders"), "({label})");
    }
    let bare = Connection::new(
        "bare",
        ConnectionCategory::ApiManagement,
        "https://x.azure-api.net/openai",
        ConnectionAuth::api_key(),
    );
    let body = to_arm_body(&bare, SecretRendering::Masked);
    assert_eq!(
        body["properties"]["metadata"],
        json(r#"{"customHeaders":"{}"}"#)
    );
}

#[test]
fn booleans_are_lowercase_strings() {
    let mut c = reference_b();
    c.metadata.deployment_in_path = Some(true);
    let body = to_arm_body(&c, SecretRendering::Masked);
    assert_eq!(body["properties"]["metadata"]["deploymentInPath"], "true");
    c.metadata.deployment_in_path = Some(false);
    let body = to_arm_body(&c, SecretRendering::Masked);
    assert_eq!(body["properties"]["metadata"]["deploymentInPath"], "false");
    assert_eq!(body["properties"]["isSharedToAll"], Value::Bool(false));
}

#[test]
fn secrets_render_as_the_caller_chooses() {
    let real = Sensitive::new("sk-canary-123".to_string());
    for connection in [reference_a(), reference_d()] {
        let masked = to_arm_body(&connection, SecretRendering::Masked).to_string();
        assert!(!masked.contains("sk-canary-123"));
        assert!(masked.contains(MASKED_SECRET));

        let placeholder =
            to_arm_body(&connection, SecretRendering::Placeholder("${API_KEY}")).to_string();
        assert!(!placeholder.contains("sk-canary-123"));
        assert!(placeholder.contains("${API_KEY}"));

        let put = to_arm_body(&connection, SecretRendering::Value(&real)).to_string();
        assert!(put.contains("sk-canary-123"));
    }
    let body = to_arm_body(&reference_a(), SecretRendering::Value(&real));
    assert_eq!(
        body["properties"]["credentials"],
        json(r#"{"key":"sk-canary-123"}"#)
    );
    let body = to_arm_body(&reference_d(), SecretRendering::Value(&real));
    assert_eq!(
        body["properties"]["credentials"],
        json(
            r#"{"clientId":"00000000-0000-0000-0000-000000000000","clientSecret":"sk-canary-123"}"#
        )
    );
}

#[test]
fn an_unset_secret_is_never_written() {
    let real = Sensitive::new("sk-canary-123".to_string());
    let mut c = reference_a();
    c.auth = ConnectionAuth::ApiKey { key: None };
    let body = to_arm_body(&c, SecretRendering::Value(&real));
    assert_eq!(body["properties"]["credentials"], json("{}"));
    // PMI has no secret: `credentials` is `{}` and the audience sits at `properties` level.
    let body = to_arm_body(&reference_b(), SecretRendering::Value(&real));
    assert_eq!(body["properties"]["credentials"], json("{}"));
    assert_eq!(
        body["properties"]["audience"],
        "https://cognitiveservices.azure.com"
    );
    assert!(!body.to_string().contains("sk-canary-123"));
}

#[test]
fn the_name_is_written_when_the_draft_has_one() {
    let body = to_arm_body(&reference_a(), SecretRendering::Masked);
    assert_eq!(body["name"], "apim-gw");
    let mut c = reference_a();
    c.name = None;
    let body = to_arm_body(&c, SecretRendering::Masked);
    assert!(body.get("name").is_none());
    assert_eq!(body.as_object().unwrap().len(), 1, "only `properties`");
}

#[test]
fn serialisation_is_deterministic_and_unknown_keys_follow_known_ones() {
    let mut c = reference_c();
    let discovery = c.metadata.model_discovery.as_mut().unwrap();
    discovery.extra.insert("zeta".into(), Value::from(1));
    discovery.extra.insert("alpha".into(), Value::from("x"));
    c.metadata
        .extra
        .insert("audience".into(), "https://x".into());
    c.extra_properties
        .insert("sharedUserList".into(), json(r#"["a@b.c"]"#));
    let first = to_arm_body(&c, SecretRendering::Masked);
    let second = to_arm_body(&c.clone(), SecretRendering::Masked);
    assert_eq!(first.to_string(), second.to_string());
    assert_eq!(
        first["properties"]["metadata"]["modelDiscovery"],
        r#"{"listModelsEndpoint":"/models","getModelEndpoint":"/models/{deploymentName}","deploymentProvider":"OpenAI","alpha":"x","zeta":1}"#
    );
    assert_eq!(first["properties"]["metadata"]["audience"], "https://x");
    assert_eq!(first["properties"]["sharedUserList"], json(r#"["a@b.c"]"#));
}

#[test]
fn extra_keys_never_override_modelled_ones() {
    let mut c = reference_a();
    c.extra_properties
        .insert("target".into(), Value::from("https://evil.example"));
    c.metadata.extra.insert("models".into(), "[]".into());
    let body = to_arm_body(&c, SecretRendering::Masked);
    assert_eq!(
        body["properties"]["target"],
        "https://contoso-apim.azure-api.net/foundry/models"
    );
    assert_ne!(body["properties"]["metadata"]["models"], "[]");
}

#[test]
fn models_keep_the_sample_key_order_and_omit_absent_fields() {
    let mut c = reference_a();
    c.metadata.models = Some(vec![
        ModelInfo::new("a", "m", "1", ModelFormat::Other("DeepSeek".into())),
        ModelInfo {
            deployment_name: Some("b".into()),
            model_name: Some("m2".into()),
            ..ModelInfo::default()
        },
    ]);
    let body = to_arm_body(&c, SecretRendering::Masked);
    assert_eq!(
        body["properties"]["metadata"]["models"],
        r#"[{"name":"a","properties":{"model":{"name":"m","version":"1","format":"DeepSeek"}}},{"name":"b","properties":{"model":{"name":"m2"}}}]"#
    );
}

#[test]
fn the_draft_serialises_for_storage_without_secrets() {
    // The draft itself (not the ARM body) is plain serde: it goes to SQLite and over IPC.
    let draft = serde_json::to_value(reference_d()).unwrap();
    assert_eq!(draft["auth"]["kind"], "oauth2");
    assert_eq!(
        draft["auth"]["clientSecret"],
        json(r#"{"slot":"clientSecret"}"#)
    );
    assert_eq!(draft["category"], "ModelGateway");
    let back: Connection = serde_json::from_value(draft).unwrap();
    assert_eq!(back, reference_d());

    let mut c = reference_c();
    c.metadata
        .model_discovery
        .as_mut()
        .unwrap()
        .deployment_provider = Some(DiscoveryProvider::Other("azureopenai".into()));
    let back: Connection = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
    assert_eq!(back, c);
}
