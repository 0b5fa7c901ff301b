//! `gateway-studio sandbox`: the local emulators, headless, until interrupted.
//!
//! Prints ONE JSON line on stdout once every server listens (the endpoints, the token the
//! emulators accept, the seeded names and the sample gateways with their demo keys), so a
//! script can read it and go; human notes go to stderr. Ctrl+C or SIGTERM stops it (exit 0).

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use gateway_studio_core::net::{NetworkOptions, ProxySettings};
use gateway_studio_sandbox::{SandboxOptions, SandboxPorts, Seed, start_sandbox};

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port of the emulated ARM endpoint (default: a free port). The data plane, the gateways
    /// and the token endpoint take free ports.
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    /// `default`: a subscription, resource group, Foundry account and project, the account's
    /// deployments and one connection per sample gateway. `empty`: the hierarchy only.
    #[arg(long, value_enum, default_value_t = SeedArg::Default)]
    seed: SeedArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SeedArg {
    Default,
    Empty,
}

pub fn sandbox(args: SandboxArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: SandboxArgs) -> ExitCode {
    let options = SandboxOptions {
        seed: match args.seed {
            SeedArg::Default => Seed::Default,
            SeedArg::Empty => Seed::Empty,
        },
        ports: SandboxPorts {
            arm: args.port.unwrap_or(0),
            ..SandboxPorts::default()
        },
        // The seeded gateways are on loopback; a connection a script PUTs may point at a real
        // gateway, which the data plane then reaches through the environment's proxy.
        network: NetworkOptions {
            proxy: ProxySettings::from_env(),
            extra_ca_pem: Vec::new(),
        },
        ..SandboxOptions::default()
    };
    let sandbox = match start_sandbox(options).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!(
                "error: the sandbox could not start: {e}. Choose another --port, or stop what is using it."
            );
            return ExitCode::from(2);
        }
    };
    match serde_json::to_string(sandbox.info()) {
        Ok(line) => println!("{line}"),
        Err(e) => {
            eprintln!("error: cannot write the sandbox details as JSON: {e}");
            return ExitCode::from(2);
        }
    }
    let info = sandbox.info();
    eprintln!(
        "Sandbox running: ARM {} · project {} · {} sample gateways. A local emulation: nothing reaches Azure. Ctrl+C stops it.",
        info.arm_endpoint,
        info.project_endpoint,
        info.gateways.len()
    );
    wait_for_stop().await;
    eprintln!("Stopping the sandbox.");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

/// Ctrl+C, or SIGTERM on Unix (what `kill` and service managers send).
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
