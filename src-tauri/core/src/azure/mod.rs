//! Azure: the clouds the app can work against and their endpoints (byo-gateway.md §9), where
//! bearer tokens come from ([`TokenSource`]), and the ARM client ([`arm`]). `azure_identity` no
//! longer carries ARM endpoints, so the cloud table lives here.

pub mod arm;
mod cloud;
mod credential;
pub mod identity;
pub mod preferences;
pub mod sign_in;

pub use arm::{ArmClient, ArmClientOptions, ArmError};
pub use cloud::{CloudEndpoints, CloudId, CustomCloud};
pub use credential::{CredentialError, StaticToken, TokenFuture, TokenSource};
pub use identity::{Identity, SignInMethod};
