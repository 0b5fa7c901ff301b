//! `ExportFormat` spellings, export errors, and what every format promises: no secret values,
//! a trailing newline, the draft's name.

use super::{REALISTIC_SECRET, cases};
use crate::connection::{ConnectionScope, SecretSlot};
use crate::export::{ExportError, ExportFormat, UnknownExportFormat, export, import};

#[test]
fn formats_parse_and_print_their_command_line_names() {
    for format in ExportFormat::ALL {
        assert_eq!(format.as_str().parse::<ExportFormat>(), Ok(format));
        assert_eq!(format.to_string(), format.as_str());
        // The wire (IPC) form is the same word.
        assert_eq!(
            serde_json::to_value(format).unwrap(),
            serde_json::Value::from(format.as_str())
        );
    }
    assert_eq!(
        ExportFormat::names(),
        ["arm", "az", "bicep", "terraform", "parameters"]
    );
    assert_eq!(" Bicep ".parse::<ExportFormat>(), Ok(ExportFormat::Bicep));
    let err = "tf".parse::<ExportFormat>().unwrap_err();
    assert_eq!(err, UnknownExportFormat("tf".into()));
    assert!(
        err.to_string()
            .contains("arm, az, bicep, terraform, parameters")
    );
}

#[test]
fn a_connection_without_a_name_exports_only_as_arm_json() {
    let mut c = cases().remove(0).connection;
    c.name = None;
    let arm = export(&c, ExportFormat::Arm).unwrap();
    assert!(!arm.contains("\"name\""), "{arm}");
    for format in ExportFormat::ALL.into_iter().filter(|f| f.needs_name()) {
        let err = export(&c, format).unwrap_err();
        assert_eq!(err, ExportError::NameMissing { format });
        assert_eq!(err.code(), "name-missing");
        let message = err.to_string();
        assert!(message.contains("has no name"), "{message}");
        assert!(message.contains(&format!("`{format}` export")), "{message}");
    }
}

#[test]
fn a_name_arm_would_refuse_is_never_written_into_code() {
    let mut c = cases().remove(0).connection;
    for bad in [
        "x$(touch pwned)",
        "a'b",
        "gw\"; rm -rf ~; echo \"",
        "with space",
        "dotted.name",
        "-leading",
        "ab",
        &"n".repeat(34),
        "line\nbreak",
    ] {
        c.name = Some(bad.to_string());
        for format in ExportFormat::ALL.into_iter().filter(|f| f.needs_name()) {
            match export(&c, format) {
                Err(ExportError::NameInvalid { problem, .. }) => {
                    assert!(problem.contains("connection name"), "{problem}");
                }
                other => panic!("{bad:?} {format}: {other:?}"),
            }
        }
    }
    c.name = Some("dotted.name".into());
    let err = export(&c, ExportFormat::Bicep).unwrap_err().to_string();
    assert!(err.contains("e.g. `dotted-name`"), "{err}");
}

#[test]
fn every_export_ends_with_a_newline_and_names_the_connection() {
    for case in cases() {
        for format in ExportFormat::ALL {
            let text = export(&case.connection, format).unwrap();
            assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{format}");
            assert!(
                text.contains(case.connection_name()),
                "{} {format}",
                case.name
            );
        }
    }
}

#[test]
fn a_secret_read_from_a_file_never_reaches_an_export() {
    for case in cases() {
        // Import the PUT body with a real secret, as a user's file would hold it.
        let body = super::put_body(&case.connection, REALISTIC_SECRET).to_string();
        let imported = import(&body).unwrap();
        assert!(!format!("{:?}", imported.connection).contains(REALISTIC_SECRET));
        let has_secret = crate::export::body::secret_slot(&case.connection).is_some();
        assert_eq!(
            imported.secrets.len(),
            usize::from(has_secret),
            "{}",
            case.name
        );
        for format in ExportFormat::ALL {
            let text = export(&imported.connection, format).unwrap();
            assert!(!text.contains(REALISTIC_SECRET), "{} {format}", case.name);
        }
    }
}

#[test]
fn secrets_are_placeholders_variables_or_key_vault_references() {
    let find = |name: &str| {
        cases()
            .into_iter()
            .find(|c| c.name == name)
            .unwrap()
            .connection
    };
    let key = find("apim-apikey-static");
    let oauth = find("modelgateway-oauth2-static");
    let pmi = find("apim-pmi-discovery");
    let has = |c, f, needle: &str| export(c, f).unwrap().contains(needle);

    assert!(has(
        &key,
        ExportFormat::Arm,
        "\"key\": \"${GATEWAY_API_KEY}\""
    ));
    assert!(has(
        &key,
        ExportFormat::Az,
        "\"${GATEWAY_API_KEY:?set GATEWAY_API_KEY"
    ));
    assert!(has(
        &key,
        ExportFormat::Bicep,
        "@secure()\n@description('The gateway key (credentials.key).')\nparam apiKey string"
    ));
    assert!(has(&key, ExportFormat::Bicep, "key: apiKey"));
    assert!(has(&key, ExportFormat::Terraform, "key = var.api_key"));
    assert!(has(&key, ExportFormat::Terraform, "sensitive   = true"));
    assert!(has(
        &key,
        ExportFormat::Parameters,
        "\"apiKey\": {\n      \"reference\": {"
    ));

    assert!(has(
        &oauth,
        ExportFormat::Arm,
        "\"clientSecret\": \"${GATEWAY_CLIENT_SECRET}\""
    ));
    assert!(has(
        &oauth,
        ExportFormat::Az,
        "json_string \"$GATEWAY_CLIENT_SECRET\""
    ));
    assert!(has(
        &oauth,
        ExportFormat::Bicep,
        "clientSecret: clientSecret"
    ));
    assert!(has(
        &oauth,
        ExportFormat::Terraform,
        "clientSecret = var.client_secret"
    ));
    assert!(has(
        &oauth,
        ExportFormat::Parameters,
        "\"clientSecret\": {\n      \"reference\""
    ));

    // Managed identity: nothing secret, so no secret parameter anywhere.
    for format in ExportFormat::ALL {
        let text = export(&pmi, format).unwrap();
        for slot in SecretSlot::ALL {
            assert!(!text.contains(slot.env_var()), "{format}");
        }
        assert!(
            !text.contains("@secure()") && !text.contains("sensitive"),
            "{format}"
        );
    }
}

#[test]
fn scope_chooses_the_parent_in_every_format() {
    for case in cases() {
        let account = case.connection.scope == ConnectionScope::Account;
        let az = export(&case.connection, ExportFormat::Az).unwrap();
        assert_eq!(
            az.contains("/projects/${PROJECT_NAME}/"),
            !account,
            "{}",
            case.name
        );
        let bicep = export(&case.connection, ExportFormat::Bicep).unwrap();
        assert_eq!(
            bicep.contains("'Microsoft.CognitiveServices/accounts/connections@2025-04-01-preview'"),
            account
        );
        assert_eq!(bicep.contains("param projectName string"), !account);
        let tf = export(&case.connection, ExportFormat::Terraform).unwrap();
        assert_eq!(tf.contains("parent_id = var.account_id"), account);
        assert_eq!(
            tf.contains("\"Microsoft.CognitiveServices/accounts/connections@2026-05-01\""),
            account
        );
        let parameters = export(&case.connection, ExportFormat::Parameters).unwrap();
        assert_eq!(parameters.contains("\"projectName\""), !account);
        let arm = export(&case.connection, ExportFormat::Arm).unwrap();
        assert_eq!(
            arm.contains("\"type\": \"Microsoft.CognitiveServices/accounts/connections\""),
            account
        );
    }
}

#[test]
fn the_arm_export_is_the_arm_body_with_placeholders_and_the_resource_type() {
    for case in cases() {
        let arm: serde_json::Value =
            serde_json::from_str(&export(&case.connection, ExportFormat::Arm).unwrap()).unwrap();
        let mut expected = super::put_body(&case.connection, "");
        if let Some(slot) = crate::export::body::secret_slot(&case.connection) {
            expected["properties"]["credentials"][slot.wire_key()] =
                slot.export_placeholder().into();
        }
        expected["type"] = crate::export::body::resource_type(case.connection.scope).into();
        assert_eq!(arm, expected, "{}", case.name);
    }
}

#[test]
fn error_messages_say_how_to_fix_the_name() {
    let err = ExportError::NameMissing {
        format: ExportFormat::Terraform,
    };
    assert!(err.to_string().contains("Give the connection a name"));
}

#[test]
fn every_case_is_a_connection_validation_accepts() {
    for case in cases() {
        let findings = crate::connection::validate(&case.connection);
        assert!(
            findings.iter().all(|f| !f.is_error()),
            "{}: {findings:#?}",
            case.name
        );
    }
}
