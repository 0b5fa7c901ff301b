//! Integration tests of the desktop app package: the CLI as a user runs it, the IPC surface
//! through Tauri's real command/ACL layer, and the generated TypeScript bindings.

mod agent_cli;
mod arm;
mod azure_ipc;
mod bindings;
mod canary;
mod check_cli;
mod checks;
mod cli;
mod connection_arm_cli;
mod connection_cli;
mod foundry;
mod ipc;
mod playground_ipc;
mod sandbox_cli;
mod support;
mod trace_cli;
mod traces_ipc;
