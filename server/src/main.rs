//! The `opsboard` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use opsboard::config::{Cli, Command};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
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
