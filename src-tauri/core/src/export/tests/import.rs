//! Import: exported ARM JSON reads back to the same draft, and what an import does with
//! placeholders, real secrets, GET responses and portal-style metadata.

use super::{REALISTIC_SECRET, cases, put_body};
use crate::connection::{
    ConnectionAuth, ConnectionScope, FindingCode, SecretSlot, Severity, validate,
};
use crate::export::{ExportFormat, export, import};

#[test]
fn import_of_the_arm_export_gives_back_the_draft() {
    for case in cases() {
        let text = export(&case.connection, ExportFormat::Arm).unwrap();
        let imported = import(&text).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(imported.connection, case.connection, "{}", case.name);
        // A placeholder is never a secret for the keyring.
        assert!(imported.secrets.is_empty(), "{}", case.name);
        // The file adds nothing to what validation says about the draft, except that the
        // secret still has to be entered.
        let mut expected = validate(&case.connection);
        if let Some(slot) = crate::export::body::secret_slot(&case.connection) {
            let at = format!("properties.credentials.{}", slot.wire_key());
            let placeholder = imported
                .findings
                .iter()
                .find(|f| f.code == FindingCode::SecretPlaceholder)
                .unwrap_or_else(|| panic!("{}: no placeholder finding", case.name));
            assert_eq!(placeholder.path, at);
            assert_eq!(placeholder.severity, Severity::Warning);
            assert!(placeholder.message.contains(slot.export_placeholder()));
            assert!(placeholder.message.contains(slot.env_var()));
            expected.insert(0, placeholder.clone());
        }
        assert_eq!(imported.findings, expected, "{}", case.name);
    }
}

#[test]
fn the_scope_survives_the_round_trip() {
    for case in cases() {
        let text = export(&case.connection, ExportFormat::Arm).unwrap();
        assert_eq!(
            import(&text).unwrap().connection.scope,
            case.connection.scope
        );
    }
    let account = cases()
        .into_iter()
        .filter(|c| c.connection.scope == ConnectionScope::Account)
        .count();
    assert!(account >= 2, "the cases cover account scope");
}

#[test]
fn either_placeholder_in_either_slot_is_no_secret() {
    for slot in SecretSlot::ALL {
        for (auth_type, credentials) in [
            (
                "ApiKey",
                format!(r#"{{"key":"{}"}}"#, slot.export_placeholder()),
            ),
            (
                "OAuth2",
                format!(
                    r#"{{"clientId":"3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b","clientSecret":"{}"}}"#,
                    slot.export_placeholder()
                ),
            ),
        ] {
            let body = format!(
                r#"{{"properties":{{"category":"ModelGateway","target":"https://g.example.com","authType":"{auth_type}","credentials":{credentials},"metadata":{{"customHeaders":"{{}}"}}}}}}"#
            );
            let imported = import(&body).unwrap();
            assert!(imported.secrets.is_empty(), "{auth_type} {slot:?}");
            assert!(
                imported
                    .findings
                    .iter()
                    .any(|f| f.code == FindingCode::SecretPlaceholder),
                "{auth_type} {slot:?}"
            );
        }
    }
}

#[test]
fn a_real_secret_is_returned_for_the_keyring_and_kept_out_of_the_draft() {
    for case in cases() {
        let Some(slot) = crate::export::body::secret_slot(&case.connection) else {
            continue;
        };
        let mut body = put_body(&case.connection, REALISTIC_SECRET);
        // A PUT body has no `type`; the scope comes from it on import.
        body["type"] = crate::export::body::resource_type(case.connection.scope).into();
        let imported = import(&body.to_string()).unwrap();
        assert_eq!(imported.connection, case.connection, "{}", case.name);
        assert_eq!(imported.secrets.len(), 1);
        assert_eq!(imported.secrets[0].slot, slot);
        assert_eq!(imported.secrets[0].value.expose(), REALISTIC_SECRET);
        let draft = serde_json::to_string(&imported.connection).unwrap();
        assert!(!draft.contains(REALISTIC_SECRET));
        assert!(!format!("{imported:?}").contains(REALISTIC_SECRET));
    }
}

#[test]
fn an_arm_get_response_and_portal_style_metadata_import() {
    let get = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests-data/connection/get-project-connection.json"
    ));
    let imported = import(get).unwrap();
    assert_eq!(imported.connection.name.as_deref(), Some("apim-gw"));
    assert_eq!(
        imported.connection.auth,
        ConnectionAuth::ApiKey { key: None }
    );

    let portal = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests-data/connection/e-modelgateway-portal-style.json"
    ));
    let imported = import(portal).unwrap();
    assert_eq!(
        imported.connection.metadata.auth_header_name.as_deref(),
        Some("api-key")
    );
    assert_eq!(
        imported.connection.metadata.auth_header_format.as_deref(),
        Some("{api_key}")
    );
    // `<key>` in that sample is a placeholder too.
    assert!(imported.secrets.is_empty());
}

#[test]
fn import_errors_name_the_place_and_the_fix() {
    let err =
        import("{\n  \"properties\": {\n    \"category\": \"ModelGateway\",\n  }\n}").unwrap_err();
    assert_eq!(err.code(), "invalid-json");
    let message = err.to_string();
    assert!(message.contains("line 4"), "{message}");
    let err = import(r#"{"category":"ModelGateway","authType":"ApiKey"}"#).unwrap_err();
    assert!(err.to_string().contains("wrap it as"), "{err}");
}
