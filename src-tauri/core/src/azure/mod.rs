//! Azure: the clouds the app can work against and their endpoints (byo-gateway.md §9).
//! `azure_identity` no longer carries ARM endpoints, so the table lives here.

mod cloud;

pub use cloud::{CloudEndpoints, CloudId};
