//! `opsboard provider add|list|revoke`: managing upload rights from the shell
//! of the server machine (whoever can run this can read the catalogue anyway).

use anyhow::{bail, Context};
use catalogue::provider::{hash_token, new_token};
use catalogue::Catalogue;
use clap::{Args, Subcommand};

use crate::config::CatalogueDir;

/// `opsboard provider …`.
#[derive(Debug, Args)]
pub struct ProviderArgs {
    #[command(flatten)]
    pub catalogue: CatalogueDir,

    #[command(subcommand)]
    pub action: ProviderAction,
}

#[derive(Debug, Subcommand)]
pub enum ProviderAction {
    /// Add a provider and print its token (shown this once; only its hash is kept).
    Add {
        name: String,
        /// A category it may send (repeat for several; none: any).
        #[arg(long = "category")]
        categories: Vec<String>,
        /// A platform it may send (repeat for several; none: any).
        #[arg(long = "platform")]
        platforms: Vec<String>,
        /// Its products are for participants only unless their sidecar says otherwise.
        #[arg(long)]
        restricted: bool,
    },
    /// List providers and their rights.
    List,
    /// Revoke a provider's token at once.
    Revoke { name: String },
}

pub async fn run(args: ProviderArgs) -> anyhow::Result<()> {
    let catalogue = args.catalogue.open().await?;
    let result = act(&catalogue, args.action).await;
    catalogue.close().await;
    result
}

async fn act(catalogue: &Catalogue, action: ProviderAction) -> anyhow::Result<()> {
    match action {
        ProviderAction::Add {
            name,
            categories,
            platforms,
            restricted,
        } => {
            if name.trim().is_empty() {
                bail!("a provider needs a name");
            }
            let token = new_token().context("no randomness available for a token")?;
            let provider = catalogue
                .add_provider(
                    &name,
                    &categories,
                    &platforms,
                    restricted,
                    &hash_token(&token),
                )
                .await?;
            println!("provider {:?} added ({})", provider.name, provider.rights());
            println!("token (shown once, keep it secret): {token}");
        }
        ProviderAction::List => {
            let providers = catalogue.providers().await?;
            if providers.is_empty() {
                println!("no providers");
            }
            for p in providers {
                let state = match p.revoked_at {
                    Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M UTC")),
                    None => "active".to_string(),
                };
                println!(
                    "{}\t{}\t{}\tadded {}",
                    p.name,
                    state,
                    p.rights(),
                    p.created_at.format("%Y-%m-%d %H:%M UTC")
                );
            }
        }
        ProviderAction::Revoke { name } => {
            if !catalogue.revoke_provider(&name).await? {
                bail!("no active provider named {name:?}");
            }
            println!("provider {name:?} revoked");
        }
    }
    Ok(())
}
