//! Malformed input: every document must give a clean `ParseError` or a connection with
//! findings, never a panic. Parsed ones must also survive serialise → parse unchanged.

use super::*;

/// What a corpus entry must produce.
enum Outcome {
    /// A parse error with this code.
    Fails(&'static str),
    /// A connection whose findings include this code at this path.
    Finds(FindingCode, String),
}
use Outcome::{Fails, Finds};

fn finds(code: FindingCode, path: &str) -> Outcome {
    Finds(code, path.to_string())
}

/// A body whose `properties` are `properties`.
fn props(properties: &str) -> String {
    format!(r#"{{"properties":{properties}}}"#)
}

/// A ModelGateway API-key body whose `metadata` is `metadata`.
fn meta(metadata: &str) -> String {
    props(&format!(
        r#"{{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com","credentials":{{"key":"k"}},"metadata":{metadata}}}"#
    ))
}

/// A body with the given top-level name.
fn named(name: &str) -> String {
    format!(
        r#"{{"name":{},"properties":{{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com"}}}}"#,
        serde_json::to_string(name).unwrap()
    )
}

/// A body with one custom header.
fn header(name: &str, value: &str) -> String {
    let encoded = serde_json::to_string(&serde_json::json!({ name: value })).unwrap();
    meta(&format!(
        r#"{{"customHeaders":{}}}"#,
        serde_json::to_string(&encoded).unwrap()
    ))
}

fn corpus() -> Vec<(&'static str, String, Outcome)> {
    use FindingCode as C;
    let mb = "a".repeat(1 << 20);
    let deep_array = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    let nested_100 = format!("{}1{}", r#"{"a":"#.repeat(100), "}".repeat(100));
    vec![
        // Broken JSON.
        ("empty input", String::new(), Fails("invalid-json")),
        ("whitespace only", "  \n\t ".into(), Fails("invalid-json")),
        ("unclosed object", "{".into(), Fails("invalid-json")),
        ("trailing comma", r#"{"properties":{"category":"ModelGateway",}}"#.into(), Fails("invalid-json")),
        ("single quotes", "{'properties':{}}".into(), Fails("invalid-json")),
        ("comment", "// body\n{}".into(), Fails("invalid-json")),
        ("trailing garbage", format!("{} x", named("gw-1")), Fails("invalid-json")),
        ("lone surrogate", r#"{"name":"\ud800","properties":{}}"#.into(), Fails("invalid-json")),
        ("NaN", r#"{"properties":{"category":NaN}}"#.into(), Fails("invalid-json")),
        ("deeply nested array", deep_array.clone(), Fails("invalid-json")),
        ("deeply nested object", deep_object, Fails("invalid-json")),
        // Wrong document shapes.
        ("array document", "[]".into(), Fails("invalid-shape")),
        ("array of bodies", format!("[{}]", named("gw-1")), Fails("invalid-shape")),
        ("null document", "null".into(), Fails("invalid-shape")),
        ("number document", "42".into(), Fails("invalid-shape")),
        ("string document", "\"{}\"".into(), Fails("invalid-shape")),
        ("empty object", "{}".into(), Fails("invalid-shape")),
        ("bare properties", r#"{"category":"ModelGateway","authType":"ApiKey","target":"https://g"}"#.into(), Fails("invalid-shape")),
        ("properties array", props("[]"), Fails("invalid-shape")),
        ("properties null", props("null"), Fails("invalid-shape")),
        ("properties string", props("\"category=ModelGateway\""), Fails("invalid-shape")),
        ("properties empty", props("{}"), Fails("invalid-shape")),
        ("category number", props(r#"{"category":1,"authType":"ApiKey"}"#), Fails("invalid-shape")),
        ("category null", props(r#"{"category":null,"authType":"ApiKey"}"#), Fails("invalid-shape")),
        ("category foreign", props(r#"{"category":"AzureOpenAI","authType":"ApiKey"}"#), Fails("unsupported-category")),
        ("category empty", props(r#"{"category":"","authType":"ApiKey"}"#), Fails("unsupported-category")),
        ("authType missing", props(r#"{"category":"ModelGateway"}"#), Fails("invalid-shape")),
        ("authType array", props(r#"{"category":"ModelGateway","authType":["ApiKey"]}"#), Fails("invalid-shape")),
        // Wrong types and cases at `properties` level.
        ("authType foreign", props(r#"{"category":"ModelGateway","authType":"AAD"}"#), finds(C::AuthTypeUnsupported, "properties.authType")),
        ("authType lowercase", props(r#"{"category":"ModelGateway","authType":"oauth2"}"#), finds(C::ValueWrongCase, "properties.authType")),
        ("category wrong case", props(r#"{"category":"APIMANAGEMENT","authType":"ApiKey"}"#), finds(C::ValueWrongCase, "properties.category")),
        ("keys wrong case", props(r#"{"Category":"ModelGateway","AuthType":"ApiKey"}"#), finds(C::KeyWrongCase, "properties.AuthType")),
        ("Properties wrong case", r#"{"Properties":{"category":"ModelGateway","authType":"ApiKey"}}"#.into(), finds(C::KeyWrongCase, "Properties")),
        ("target number", props(r#"{"category":"ModelGateway","authType":"ApiKey","target":42}"#), finds(C::ValueWrongType, "properties.target")),
        ("target object", props(r#"{"category":"ModelGateway","authType":"ApiKey","target":{"url":"https://g"}}"#), finds(C::ValueWrongType, "properties.target")),
        ("isSharedToAll number", props(r#"{"category":"ModelGateway","authType":"ApiKey","isSharedToAll":1}"#), finds(C::ValueWrongType, "properties.isSharedToAll")),
        ("credentials string", props(r#"{"category":"ModelGateway","authType":"ApiKey","credentials":"k"}"#), finds(C::ValueWrongType, "properties.credentials")),
        ("credentials array", props(r#"{"category":"ModelGateway","authType":"ApiKey","credentials":["k"]}"#), finds(C::ValueWrongType, "properties.credentials")),
        ("key number", props(r#"{"category":"ModelGateway","authType":"ApiKey","credentials":{"key":12345}}"#), finds(C::ValueWrongType, "properties.credentials.key")),
        ("clientId number", props(r#"{"category":"ModelGateway","authType":"OAuth2","credentials":{"clientId":7}}"#), finds(C::ValueWrongType, "properties.credentials.clientId")),
        ("scopes string", props(r#"{"category":"ModelGateway","authType":"OAuth2","scopes":"api://x/.default"}"#), finds(C::ValueWrongType, "properties.scopes")),
        ("scopes with null", props(r#"{"category":"ModelGateway","authType":"OAuth2","scopes":[null,3]}"#), finds(C::ValueWrongType, "properties.scopes[1]")),
        ("scopes object", props(r#"{"category":"ModelGateway","authType":"OAuth2","scopes":{"a":1}}"#), finds(C::ValueWrongType, "properties.scopes")),
        ("tokenUrl array", props(r#"{"category":"ModelGateway","authType":"OAuth2","tokenUrl":["https://x"]}"#), finds(C::ValueWrongType, "properties.tokenUrl")),
        ("audience number", props(r#"{"category":"ApiManagement","authType":"ProjectManagedIdentity","audience":1}"#), finds(C::ValueWrongType, "properties.audience")),
        ("name number", r#"{"name":5,"properties":{"category":"ModelGateway","authType":"ApiKey"}}"#.into(), finds(C::ValueWrongType, "name")),
        ("metadata array", meta("[]"), finds(C::ValueWrongType, "properties.metadata")),
        ("metadata string", meta(r#""{\"deploymentInPath\":\"true\"}""#), finds(C::ValueWrongType, "properties.metadata")),
        // Nulls.
        (
            "nulls everywhere",
            r#"{"name":null,"properties":{"category":"ModelGateway","authType":"ApiKey","target":null,"credentials":null,"metadata":null,"isSharedToAll":null,"scopes":null}}"#.into(),
            finds(C::TargetMissing, "properties.target"),
        ),
        ("null metadata value", meta(r#"{"inferenceAPIVersion":null}"#), finds(C::MetadataValueNotString, "properties.metadata.inferenceAPIVersion")),
        ("null modelDiscovery", meta(r#"{"modelDiscovery":null}"#), finds(C::MetadataValueNotString, "properties.metadata.modelDiscovery")),
        ("models string null", meta(r#"{"models":"null"}"#), finds(C::MetadataJsonShape, "properties.metadata.models")),
        // Numbers and other non-strings as metadata values.
        ("number deploymentInPath", meta(r#"{"deploymentInPath":1}"#), finds(C::MetadataValueNotString, "properties.metadata.deploymentInPath")),
        ("number models", meta(r#"{"models":3}"#), finds(C::MetadataValueNotString, "properties.metadata.models")),
        ("bool customHeaders", meta(r#"{"customHeaders":false}"#), finds(C::MetadataValueNotString, "properties.metadata.customHeaders")),
        ("float api version", meta(r#"{"deploymentAPIVersion":1.5e3}"#), finds(C::MetadataValueNotString, "properties.metadata.deploymentAPIVersion")),
        ("object unknown key", meta(r#"{"extra":{"a":1}}"#), finds(C::MetadataValueNotString, "properties.metadata.extra")),
        ("raw modelDiscovery object", meta(r#"{"modelDiscovery":{"listModelsEndpoint":"/m","getModelEndpoint":"/m/{deploymentName}","deploymentProvider":"OpenAI"}}"#), finds(C::MetadataValueNotString, "properties.metadata.modelDiscovery")),
        // JSON-encoded strings that are not JSON, or the wrong JSON.
        ("modelDiscovery not JSON", meta(r#"{"modelDiscovery":"{listModelsEndpoint: /models}"}"#), finds(C::MetadataJsonInvalid, "properties.metadata.modelDiscovery")),
        ("modelDiscovery empty string", meta(r#"{"modelDiscovery":""}"#), finds(C::MetadataJsonInvalid, "properties.metadata.modelDiscovery")),
        ("modelDiscovery array", meta(r#"{"modelDiscovery":"[\"/models\"]"}"#), finds(C::MetadataJsonShape, "properties.metadata.modelDiscovery")),
        ("modelDiscovery fields numbers", meta(r#"{"modelDiscovery":"{\"listModelsEndpoint\":1,\"getModelEndpoint\":true,\"deploymentProvider\":[]}"}"#), finds(C::ValueWrongType, "properties.metadata.modelDiscovery.deploymentProvider")),
        ("models object string", meta(r#"{"models":"{\"name\":\"gpt-4o\",\"properties\":{\"model\":{\"name\":\"gpt-4o\"}}}"}"#), finds(C::MetadataJsonShape, "properties.metadata.models")),
        ("models items not objects", meta(r#"{"models":"[1,\"x\",null]"}"#), finds(C::MetadataJsonShape, "properties.metadata.models[2]")),
        ("models arrays in arrays", meta(r#"{"models":"[[{\"name\":\"m\"}]]"}"#), finds(C::MetadataJsonShape, "properties.metadata.models[0]")),
        ("model name number", meta(r#"{"models":"[{\"name\":4,\"properties\":{\"model\":{\"name\":\"m\"}}}]"}"#), finds(C::ValueWrongType, "properties.metadata.models[0].name")),
        ("model properties string", meta(r#"{"models":"[{\"name\":\"m\",\"properties\":\"gpt\"}]"}"#), finds(C::ValueWrongType, "properties.metadata.models[0].properties")),
        ("model model array", meta(r#"{"models":"[{\"name\":\"m\",\"properties\":{\"model\":[]}}]"}"#), finds(C::ValueWrongType, "properties.metadata.models[0].properties.model")),
        ("flat model item", meta(r#"{"models":"[{\"name\":\"m\",\"model\":\"gpt-4o\"}]"}"#), finds(C::ModelNameMissing, "properties.metadata.models[0].properties.model.name")),
        ("customHeaders not JSON", meta(r#"{"customHeaders":"X-A: 1"}"#), finds(C::MetadataJsonInvalid, "properties.metadata.customHeaders")),
        ("customHeaders array", meta(r#"{"customHeaders":"[\"X-A\"]"}"#), finds(C::MetadataJsonShape, "properties.metadata.customHeaders")),
        ("customHeaders nested", meta(r#"{"customHeaders":"{\"X-A\":{\"v\":1}}"}"#), finds(C::ValueWrongType, "properties.metadata.customHeaders[\"X-A\"]")),
        ("authConfig not JSON", meta(r#"{"authConfig":"api_key"}"#), finds(C::MetadataJsonInvalid, "properties.metadata.authConfig")),
        ("authConfig array", meta(r#"{"authConfig":"[\"api_key\"]"}"#), finds(C::MetadataJsonShape, "properties.metadata.authConfig")),
        ("deep JSON in a metadata string", meta(&format!(r#"{{"models":{}}}"#, serde_json::to_string(&deep_array).unwrap())), finds(C::MetadataJsonInvalid, "properties.metadata.models")),
        // Wrong case inside metadata.
        ("wrong-case metadata keys", meta(r#"{"inferenceApiVersion":"1","DeploymentInPath":"true","customheaders":"{}"}"#), finds(C::KeyWrongCase, "properties.metadata.DeploymentInPath")),
        ("deploymentInPath FALSE", meta(r#"{"deploymentInPath":"FALSE"}"#), finds(C::DeploymentInPathInvalid, "properties.metadata.deploymentInPath")),
        ("deploymentInPath empty", meta(r#"{"deploymentInPath":""}"#), finds(C::DeploymentInPathInvalid, "properties.metadata.deploymentInPath")),
        ("provider lowercase", meta(r#"{"modelDiscovery":"{\"listModelsEndpoint\":\"/m\",\"getModelEndpoint\":\"/m/{deploymentName}\",\"deploymentProvider\":\"openai\"}"}"#), finds(C::DiscoveryProviderInvalid, "properties.metadata.modelDiscovery.deploymentProvider")),
        // Huge strings.
        ("1 MB name", named(&mb), finds(C::NamePattern, "name")),
        ("1 MB target", props(&format!(r#"{{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com/{mb}?q"}}"#)), finds(C::UrlQuery, "properties.target")),
        ("1 MB host", props(&format!(r#"{{"category":"ModelGateway","authType":"ApiKey","target":"https://{mb}.com"}}"#)), finds(C::UrlInvalid, "properties.target")),
        ("1 MB metadata key", meta(&format!(r#"{{"{mb}":"v"}}"#)), finds(C::CustomHeadersMissing, "properties.metadata.customHeaders")),
        ("1 MB header value", header("X-Big", &format!("{mb}\n")), finds(C::HeaderValueInvalid, "properties.metadata.customHeaders[\"X-Big\"]")),
        ("1 MB key", props(&format!(r#"{{"category":"ModelGateway","authType":"ApiKey","credentials":{{"key":"{mb}"}},"target":"ftp://x"}}"#)), finds(C::UrlNotHttps, "properties.target")),
        ("many models", meta(&format!(r#"{{"models":{}}}"#, serde_json::to_string(&format!("[{}{{\"name\":\"m\"}}]", r#"{"name":"m"},"#.repeat(10_000))).unwrap())), finds(C::ModelDeploymentNameDuplicate, "properties.metadata.models[10000].name")),
        ("nesting within the limit", props(&format!(r#"{{"category":"ModelGateway","authType":"ApiKey","futureThing":{nested_100}}}"#)), finds(C::UnknownKey, "properties.futureThing")),
        // Unicode, emoji, RTL and NUL in names and headers.
        ("emoji name", named("gw-🚀-prod"), finds(C::NamePattern, "name")),
        ("RTL override name", named("gw\u{202e}dorp"), finds(C::NamePattern, "name")),
        ("Arabic name", named("بوابة"), finds(C::NamePattern, "name")),
        ("NUL in name", named("gw\0prod"), finds(C::NamePattern, "name")),
        ("zero-width in name", named("gw\u{200b}prod"), finds(C::NamePattern, "name")),
        ("emoji header name", header("X-🚀", "1"), finds(C::HeaderNameInvalid, "properties.metadata.customHeaders[\"X-🚀\"]")),
        ("NUL header name", header("X\0A", "1"), finds(C::HeaderNameInvalid, "properties.metadata.customHeaders[\"X\\u0000A\"]")),
        ("RTL header value", header("X-A", "\u{202e}evil"), finds(C::HeaderValueNonAscii, "properties.metadata.customHeaders[\"X-A\"]")),
        ("CRLF header value", header("X-A", "1\r\nHost: evil"), finds(C::HeaderValueInvalid, "properties.metadata.customHeaders[\"X-A\"]")),
        ("NUL in target", props(r#"{"category":"ModelGateway","authType":"ApiKey","target":"https://g.example.com/\u0000"}"#), finds(C::UrlWhitespace, "properties.target")),
        ("unicode host target", props(r#"{"category":"ModelGateway","authType":"ApiKey","target":"http://bücher.example/v1"}"#), finds(C::UrlNotHttps, "properties.target")),
    ]
}

#[test]
fn malformed_input_never_panics() {
    let corpus = corpus();
    assert!(corpus.len() >= 50, "corpus has {} cases", corpus.len());
    for (what, text, outcome) in corpus {
        let result = parse_arm_json(&text);
        match (outcome, result) {
            (Fails(code), Err(error)) => {
                assert_eq!(error.code(), code, "{what}: {error}");
                let message = error.to_string();
                assert!(
                    message.contains('`') || message.contains("line"),
                    "{what}: {message}"
                );
                assert!(message.len() < 2_000, "{what}: message too long");
            }
            (Fails(code), Ok((c, findings))) => {
                panic!(
                    "{what}: expected {code}, parsed {c:?} with {:#?}",
                    keys(&findings)
                )
            }
            (Finds(code, path), Ok((connection, findings))) => {
                assert!(!findings.is_empty(), "{what}: no findings");
                assert!(
                    findings.iter().any(|f| f.code == code && f.path == path),
                    "{what}: expected {code} at {path}; got {:#?}",
                    keys(&findings)
                );
                for f in &findings {
                    assert!(f.message.len() < 2_000, "{what}: long message {f:?}");
                }
                // Whatever was read, it survives the way out and back in.
                let body = to_arm_body(&connection, SecretRendering::Masked);
                let (again, _) = parse_arm_json(&body.to_string())
                    .unwrap_or_else(|e| panic!("{what}: re-parse failed: {e}"));
                let mut expected = connection.clone();
                expected.scope = ConnectionScope::Project; // scope is not in the body
                assert_eq!(again, expected, "{what}");
            }
            (Finds(code, path), Err(error)) => {
                panic!("{what}: expected {code} at {path}, got error {error}")
            }
        }
    }
}
