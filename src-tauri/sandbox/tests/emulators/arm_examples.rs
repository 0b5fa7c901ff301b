//! The five example connection bodies of byo-gateway.md §2.4 (copied verbatim into
//! `tests-data/byo-examples/`), PUT through the ARM emulator at project and account level and
//! read back: what was sent comes back, secrets do not.

use serde_json::Value;

use crate::arm_support::{
    account_connections, all_pages, arm_get, assert_hidden, project_connections, put, start, url,
};

/// `(file, connection name, secret values in the body)`.
const EXAMPLES: &[(&str, &str, &str, &[&str])] = &[
    (
        "a-apim-apikey-static",
        include_str!("../../tests-data/byo-examples/a-apim-apikey-static.json"),
        "apim-gw",
        &["<APIM subscription key>"],
    ),
    (
        "b-apim-pmi-discovery",
        include_str!("../../tests-data/byo-examples/b-apim-pmi-discovery.json"),
        "apim-pmi",
        &[],
    ),
    (
        "c-modelgateway-apikey-authconfig",
        include_str!("../../tests-data/byo-examples/c-modelgateway-apikey-authconfig.json"),
        "mg-authconfig",
        &["<gateway key>"],
    ),
    (
        "d-modelgateway-oauth2-static",
        include_str!("../../tests-data/byo-examples/d-modelgateway-oauth2-static.json"),
        "mg-oauth2",
        &["<secret>"],
    ),
    (
        "e-modelgateway-portal",
        include_str!("../../tests-data/byo-examples/e-modelgateway-portal.json"),
        "mg-portal",
        &["<key>"],
    ),
];

/// Properties that must come back exactly as sent.
const ECHOED: &[&str] = &[
    "category",
    "target",
    "authType",
    "metadata",
    "isSharedToAll",
    "audience",
    "tokenUrl",
    "scopes",
];

#[tokio::test]
async fn arm_accepts_and_returns_the_byo_example_bodies() {
    let arm = start().await;
    for (file, text, name, secrets) in EXAMPLES {
        let body: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let sent = &body["properties"];
        for item in [project_connections(name), account_connections(name)] {
            let item_url = url(&arm, &item);
            let created = put(&item_url, &body).await;
            assert_eq!(created.status, 200, "{file} at {item}: {}", created.text());
            let got = arm_get(&item_url).await;
            assert_eq!(got.status, 200, "{file}: {}", got.text());
            let list_url = url(&arm, item.trim_end_matches(&format!("/{name}")));
            let listed = arm_get(&list_url).await;
            assert_eq!(listed.status, 200);
            for reply in [&created, &got, &listed] {
                for secret in *secrets {
                    assert_hidden(reply, secret);
                }
            }
            let resource = got.json();
            assert_eq!(resource["name"], *name);
            assert_eq!(resource["id"], item);
            let properties = &resource["properties"];
            for key in ECHOED {
                assert_eq!(properties.get(*key), sent.get(*key), "{file}: {key}");
            }
            assert!(sent["metadata"].is_object(), "{file} has metadata");
            // What remains of the credentials is only what is not secret.
            match sent["authType"].as_str() {
                Some("OAuth2") => assert_eq!(
                    properties["credentials"],
                    serde_json::json!({ "clientId": sent["credentials"]["clientId"] }),
                    "{file}"
                ),
                _ => assert_eq!(properties.get("credentials"), None, "{file}"),
            }
            // Found on some page of the list (page size 2).
            let pages = all_pages(&list_url).await;
            for page in &pages {
                for secret in *secrets {
                    assert!(!page.to_string().contains(secret), "{file}");
                }
            }
            let entry = pages
                .iter()
                .flat_map(|page| page["value"].as_array().unwrap().clone())
                .find(|c| c["name"] == *name)
                .unwrap_or_else(|| panic!("{file} listed"));
            assert_eq!(entry, resource, "{file}: list and get agree");
        }
    }
}

#[test]
fn the_example_files_are_the_documented_bodies() {
    // Each is a connection body: `properties` with an auth type and string metadata, as §2.4
    // shows (the files are copied verbatim, so this guards against a bad copy).
    for (file, text, _, secrets) in EXAMPLES {
        let body: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let properties = body["properties"].as_object().unwrap();
        assert!(properties["authType"].is_string(), "{file}");
        for (key, value) in properties["metadata"].as_object().unwrap() {
            assert!(value.is_string(), "{file}: metadata.{key}");
        }
        for secret in *secrets {
            assert!(text.contains(secret), "{file} carries {secret}");
        }
    }
}
