//! Exports and import: a connection draft as the files an Azure engineer deploys from, and
//! ARM JSON back into a draft.
//!
//! This module owns five renderings of the same ARM body ([`ExportFormat`]):
//! - `arm`: the REST body as pretty JSON, plus the resource `type` so an import restores the
//!   scope;
//! - `az`: a bash script that PUTs that body with `az rest`, the secret read from an
//!   environment variable at run time;
//! - `bicep`: a template with `@secure()` parameters and the JSON-encoded metadata written as
//!   `string(<Bicep literal>)`, so it reads and edits like Bicep;
//! - `terraform`: an `azapi_resource` with `jsonencode(<HCL literal>)` metadata and sensitive
//!   variables;
//! - `parameters`: the ARM deployment parameters file for that Bicep template, secrets as Key
//!   Vault references.
//!
//! Every format is built from `to_arm_body`, so none can drift from what the app itself would
//! PUT. No format ever holds a secret value: the draft has none (only [`SecretRef`]s), and each
//! format says where the value comes from instead. In ARM JSON that is the placeholder
//! [`SecretSlot::export_placeholder`] (`${GATEWAY_API_KEY}`, `${GATEWAY_CLIENT_SECRET}`), which
//! [`import`] reads as "no secret value".
//!
//! [`SecretRef`]: crate::connection::SecretRef
//! [`SecretSlot::export_placeholder`]: crate::connection::SecretSlot::export_placeholder

mod arm;
mod az;
mod bicep;
mod body;
mod node;
mod parameters;
mod terraform;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::secrets::Sensitive;

use crate::connection::{
    Connection, ImportedConnection, ParseError, import_arm_json, name_problem,
};

/// The ARM api-version the REST body, the `az` script and the Terraform resource use: the
/// newest stable one with the gateway categories (byo-gateway.md §2.2).
pub const ARM_API_VERSION: &str = "2026-05-01";
/// The api-version of the Bicep resource types: the one the official Bicep samples were tested
/// with (§2.2). Its types lack `ProjectManagedIdentity`, `audience`, `tokenUrl` and `scopes`,
/// hence `any()` where those appear (trap §7 #6).
pub const BICEP_API_VERSION: &str = "2025-04-01-preview";

/// What to export to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    /// The ARM REST body (`arm.json`).
    Arm,
    /// A bash script around `az rest --method put` (`az.sh`).
    Az,
    /// A Bicep template (`main.bicep`).
    Bicep,
    /// A Terraform `azapi_resource` (`main.tf`).
    Terraform,
    /// An ARM deployment parameters file for the Bicep template (`parameters.json`).
    Parameters,
}

impl ExportFormat {
    pub const ALL: [Self; 5] = [
        Self::Arm,
        Self::Az,
        Self::Bicep,
        Self::Terraform,
        Self::Parameters,
    ];

    /// The command-line and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Arm => "arm",
            Self::Az => "az",
            Self::Bicep => "bicep",
            Self::Terraform => "terraform",
            Self::Parameters => "parameters",
        }
    }

    /// Every [`Self::as_str`], for command-line help.
    pub fn names() -> [&'static str; 5] {
        Self::ALL.map(Self::as_str)
    }

    /// The file name to save the export as.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Arm => "arm.json",
            Self::Az => "az.sh",
            Self::Bicep => "main.bicep",
            Self::Terraform => "main.tf",
            Self::Parameters => "parameters.json",
        }
    }

    /// What the export is, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Self::Arm => "ARM JSON body",
            Self::Az => "az rest script",
            Self::Bicep => "Bicep template",
            Self::Terraform => "Terraform configuration",
            Self::Parameters => "Bicep parameters file",
        }
    }

    /// Whether the export writes the connection name into a resource id or URL. The ARM body
    /// does not need it: the URL it is sent to names the connection.
    pub fn needs_name(self) -> bool {
        self != Self::Arm
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of [`ExportFormat::names`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an export format. Use one of: arm, az, bicep, terraform, parameters.")]
pub struct UnknownExportFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownExportFormat;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownExportFormat(text.to_string()))
    }
}

/// Why a connection cannot be exported to a format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error(
        "The connection has no name, and the `{format}` export needs one: the name is the last segment of the connection's ARM resource id. Give the connection a name (3–33 letters, digits, `_` or `-`) and export again."
    )]
    NameMissing { format: ExportFormat },
    #[error(
        "{problem} The `{format}` export writes the name into the connection's ARM resource id, so it must be a valid connection name."
    )]
    NameInvalid {
        format: ExportFormat,
        /// What is wrong with the name and what to use instead.
        problem: String,
    },
}

impl ExportError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NameMissing { .. } => "name-missing",
            Self::NameInvalid { .. } => "name-invalid",
        }
    }
}

/// The connection as `format`'s file text (UTF-8, ending with a newline). Secrets are never
/// written: see the module docs for where each format takes them from.
pub fn export(connection: &Connection, format: ExportFormat) -> Result<String, ExportError> {
    if format == ExportFormat::Arm {
        return Ok(arm::render(connection));
    }
    // The name is written into code (a URL in a shell script, a Bicep or HCL string), so only a
    // name ARM would accept gets that far.
    let name = connection
        .name
        .as_deref()
        .ok_or(ExportError::NameMissing { format })?;
    if let Some(problem) = name_problem(name) {
        return Err(ExportError::NameInvalid { format, problem });
    }
    Ok(match format {
        ExportFormat::Arm => arm::render(connection),
        ExportFormat::Az => az::render(connection, name),
        ExportFormat::Bicep => bicep::render(connection, name),
        ExportFormat::Terraform => terraform::render(connection, name),
        ExportFormat::Parameters => parameters::render(connection, name),
    })
}

/// The bytes of an ARM PUT: the `arm` export with the secret in place of its placeholder, so
/// what is deployed is exactly what an export shows. Only `azure::arm::deploy` calls it.
pub(crate) fn arm_put_body(connection: &Connection, secret: Option<&Sensitive<String>>) -> String {
    arm::render_put(connection, secret)
}

/// Reads ARM connection JSON: an exported `arm.json`, a PUT body, an ARM GET response or what
/// the portal and the official samples write (including `authHeaderName`/`authHeaderFormat`
/// metadata). This is the connection module's own parser ([`import_arm_json`]), so an import
/// and the editor agree on every repair and finding; the findings are in the result.
/// Placeholders (an export's `${GATEWAY_API_KEY}`, `<…>`, masks) are never returned as secrets.
/// The ARM PUT body in the order the samples write it, secrets masked, for previews.
pub fn masked_put_body(connection: &Connection) -> String {
    arm::render_masked_put_body(connection)
}

pub fn import(text: &str) -> Result<ImportedConnection, ParseError> {
    import_arm_json(text)
}

/// Text for a one-line comment in any of the formats: control characters (which could end the
/// comment and start code) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// "ApiManagement, ApiKey auth": how the file headers describe the connection.
fn describe(connection: &Connection) -> String {
    one_line(&format!(
        "{}, {} auth",
        connection.category.as_wire(),
        connection.auth.auth_type()
    ))
}
