//! `opsboard campaign export|import FILE`: the campaign's set-up (its
//! platforms and IOPs) as a TOML file, so that it can be written before the
//! campaign starts, reviewed, kept with the campaign's documents, and loaded
//! into a fresh data dir.
//!
//! Import writes through a hub of its own, like `opsboard import`: each
//! platform and IOP is an event (`platform.saved`, `iop.saved`) that
//! dashboards replay. It takes the data dir's lock, so it refuses to run
//! beside a server (whose dashboards would not be told); on a running
//! server, admins use `POST /api/v1/platforms` and `/iops`.

use clap::{Args, Subcommand};
use std::io::Read;
use std::path::Path;
use std::path::PathBuf;

use anyhow::Context;
use catalogue::store::DataDir;
use catalogue::EventLog;
use model::operations::CampaignSetup;

use crate::config::CatalogueDir;
use crate::hub::Hub;

/// `opsboard campaign export|import FILE`.
#[derive(Debug, Args)]
pub struct CampaignArgs {
    #[command(flatten)]
    pub catalogue: CatalogueDir,

    #[command(subcommand)]
    pub action: CampaignAction,
}

#[derive(Debug, Subcommand)]
pub enum CampaignAction {
    /// Write the platforms and IOPs to FILE (`-` for standard output).
    Export { file: PathBuf },
    /// Add the platforms and IOPs of FILE, replacing those of the same
    /// name; others stay. Runs only while no server uses the data dir.
    Import { file: PathBuf },
}

/// Largest set-up file read: thousands of platforms and IOPs fit in far less.
const MAX_FILE: u64 = 1024 * 1024;
/// Most platforms or IOPs one file may declare.
const MAX_ENTRIES: usize = 1_000;

pub async fn run(args: CampaignArgs) -> anyhow::Result<()> {
    match &args.action {
        CampaignAction::Export { file } => {
            let catalogue = args.catalogue.open().await?;
            let setup = catalogue.campaign_setup().await?;
            let text = to_toml(&setup)?;
            if file.as_os_str() == "-" {
                print!("{text}");
            } else {
                std::fs::write(file, text)
                    .with_context(|| format!("writing {}", file.display()))?;
                println!(
                    "exported {} platforms and {} IOPs to {}",
                    setup.platforms.len(),
                    setup.iops.len(),
                    file.display()
                );
            }
            Ok(())
        }
        CampaignAction::Import { file } => {
            let setup = read_setup(file)?;
            let data = DataDir::new(&args.catalogue.data_dir);
            data.create_all()?;
            let _lock = data.lock()?;
            let (log, catalogue) = EventLog::open(&data.database()).await?;
            let hub = Hub::new(log, catalogue, Default::default());
            import(&hub, &setup).await?;
            println!(
                "imported {} platforms and {} IOPs from {}",
                setup.platforms.len(),
                setup.iops.len(),
                file.display()
            );
            Ok(())
        }
    }
}

/// The set-up as TOML: `[[platforms]]` then `[[iops]]` tables.
pub fn to_toml(setup: &CampaignSetup) -> anyhow::Result<String> {
    let body = toml::to_string_pretty(setup).context("writing the set-up as TOML")?;
    Ok(format!(
        "# opsboard campaign set-up: platforms and intensive observation periods.\n\
         # Load with `opsboard campaign import FILE`.\n\n{body}"
    ))
}

/// Reads and checks a set-up file: bounded in size and in entries, every
/// platform and IOP valid, before anything is written.
pub fn read_setup(file: &Path) -> anyhow::Result<CampaignSetup> {
    let mut text = String::new();
    std::fs::File::open(file)
        .with_context(|| format!("opening {}", file.display()))?
        .take(MAX_FILE + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("reading {} (UTF-8 TOML expected)", file.display()))?;
    anyhow::ensure!(
        text.len() as u64 <= MAX_FILE,
        "{} is over {MAX_FILE} bytes",
        file.display()
    );
    let setup: CampaignSetup =
        toml::from_str(&text).with_context(|| format!("reading {}", file.display()))?;
    anyhow::ensure!(
        setup.platforms.len() <= MAX_ENTRIES && setup.iops.len() <= MAX_ENTRIES,
        "at most {MAX_ENTRIES} platforms and {MAX_ENTRIES} IOPs"
    );
    for platform in &setup.platforms {
        platform
            .check()
            .with_context(|| format!("platform {:?}", platform.name))?;
    }
    for iop in &setup.iops {
        iop.check().with_context(|| format!("IOP {:?}", iop.name))?;
    }
    Ok(setup)
}

/// Saves every platform, then every IOP, each announced by the hub.
pub async fn import(hub: &Hub, setup: &CampaignSetup) -> anyhow::Result<()> {
    for platform in &setup.platforms {
        hub.save_platform(platform)
            .await
            .with_context(|| format!("platform {:?}", platform.name))?;
    }
    for iop in &setup.iops {
        hub.save_iop(iop)
            .await
            .with_context(|| format!("IOP {:?}", iop.name))?;
    }
    Ok(())
}
