//! Tests of the export module: golden files for every format, the `az` script run for real
//! against a fake `az`, the Bicep and Terraform literals read back, ARM bodies checked against
//! the ARM OpenAPI excerpt, and import round trips.

mod az_script;
mod cases;
mod formats;
mod golden;
mod import;
mod literals;
mod spec;

pub use cases::{REALISTIC_SECRET, cases, put_body};
