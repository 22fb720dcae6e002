//! The `opsboard` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use opsboard::config::{Cli, Command};
use tracing_subscriber::EnvFilter;

/// Stack of each runtime thread. Pages render on these threads, and
/// Leptos's server rendering nests a frame per element: an operation's page
/// overflowed tokio's default 2 MiB in a debug build, and an overflow aborts
/// the whole process, not the one request. 8 MiB (the main thread's) leaves
/// room; the memory is reserved, and only touched as deep as a page goes.
const THREAD_STACK: usize = 8 << 20;

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("opsboard: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => opsboard::serve(*args).await,
        Command::Provider(args) => opsboard::providers::run(args).await,
        Command::User(args) => opsboard::users::run(args).await,
        Command::Import(args) => opsboard::import::run(args).await,
        Command::Campaign(args) => opsboard::campaign::run(args).await,
        Command::ExportSite(args) => opsboard::export_site::run(args).await,
        Command::Thumbnail(args) => opsboard::previews::thumbnail_command(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}
