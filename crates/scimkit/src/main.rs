//! `scimkit`: a SCIM 2.0 server (RFC 7643, RFC 7644) that Microsoft Entra ID, Okta and other
//! identity providers provision into, on an embedded SQLite store, plus the tools a developer
//! debugging an IdP payload reaches for.
//!
//! ```text
//! scimkit serve                      # http://127.0.0.1:8080/scim/v2, data in ./scimkit.db
//! scimkit serve --memory --token T   # in memory, a fixed token (scripts, tests)
//! scimkit tenant add acme            # another tenant; prints its token
//! scimkit filter 'emails[type eq "work"].value eq "ada@example.com"'
//! scimkit patch --resource user.json --patch request.json --compat entra-legacy
//! ```
//!
//! See `scimkit --help` and the repository README.
#![forbid(unsafe_code)]

mod app;
mod cli;
mod connections;
mod provisioning_log;
mod serve;
mod tenants;
mod tools;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, LogFormat};
use tools::ToolOutput;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Filter(args) => print_tool(tools::filter(&args.expression, args.compat)),
        Command::Patch(args) => print_tool(tools::patch(
            &args.resource,
            &args.patch,
            args.compat,
            args.resource_type.as_deref(),
        )),
        Command::Tenant(command) => {
            init_logging(LogFormat::Text);
            run_async(async move {
                let text = tenants::run(command).await?;
                println!("{text}");
                Ok(())
            })
        }
        Command::Serve(args) => {
            init_logging(args.log_format);
            run_async(serve::run(args))
        }
    }
}

fn print_tool(output: ToolOutput) -> ExitCode {
    match output {
        ToolOutput::Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        ToolOutput::ErrorDocument(text) => {
            println!("{text}");
            ExitCode::FAILURE
        }
        ToolOutput::Error(text) => {
            eprintln!("{text}");
            ExitCode::FAILURE
        }
    }
}

fn run_async(future: impl std::future::Future<Output = Result<(), String>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(future) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to standard error: `RUST_LOG` filters them (default `info`).
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
