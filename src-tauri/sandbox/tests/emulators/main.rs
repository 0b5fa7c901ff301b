//! The emulators over real HTTP on loopback, called the way the Agent Service calls gateways.

mod agent_run;
mod arm;
mod arm_connections;
mod arm_examples;
mod arm_spec;
mod arm_support;
mod azure_gateway;
mod chat;
mod common;
mod faults;
mod foundry;
mod foundry_failures;
mod foundry_runs;
mod openai_gateway;
mod token_endpoint;
