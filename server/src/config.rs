//! The command line and its environment variables: the subcommands, the
//! settings of `serve`, and the argument groups several commands share (the
//! preview limits, the data dir of the catalogue-only commands). Each other
//! subcommand's own arguments live beside it (`import::ImportArgs`,
//! `users::UserArgs`…); the faults tests inject live in `faults`.
//!
//! Every setting has a flag and an `OPSBOARD_*` variable, so the same binary is
//! driven by hand, by systemd units and by the tests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use media::preview::PreviewLimits;
use model::NameRules;

/// `opsboard`: a live campaign support dashboard.
#[derive(Debug, Parser)]
#[command(name = "opsboard", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Watch the drop folder, catalogue what arrives and serve the dashboard.
    Serve(Box<ServeArgs>),
    /// Manage the providers that upload over HTTP.
    Provider(crate::providers::ProviderArgs),
    /// Manage participants' accounts: add, list, set a password, a role, disable.
    User(crate::users::UserArgs),
    /// Import a folder of files (a past campaign) through the ingest pipeline.
    /// The files are copied, never moved. Runs only while no server uses the
    /// data dir (it refuses otherwise); to add files to a running server, drop
    /// them into its incoming/ folder.
    Import(crate::import::ImportArgs),
    /// Export or import the campaign's set-up (platforms and IOPs) as TOML,
    /// so a campaign can be prepared before it starts.
    Campaign(crate::campaign::CampaignArgs),
    /// Write the campaign as a static website (calendar, days, case studies,
    /// products with their files, a static STAC catalog) that works from
    /// file:// and any static web server, for the archive.
    ExportSite(crate::export_site::ExportSiteArgs),
    /// Make the thumbnails and previews the server would make, for operators
    /// and benchmarks: `<name>.thumbnail.<ext>` and `<name>.preview.<ext>` in --out.
    Thumbnail(crate::previews::ThumbnailArgs),
}

/// The decompression-bomb guards, shared by `serve` and `thumbnail`.
#[derive(Clone, Debug, Args)]
pub struct PreviewLimitArgs {
    /// Largest image turned into a preview, in pixels.
    #[arg(long, env = "OPSBOARD_PREVIEW_MAX_PIXELS", default_value_t = PreviewLimits::default().max_pixels)]
    pub preview_max_pixels: u64,

    /// Largest file turned into a preview, in bytes.
    #[arg(long, env = "OPSBOARD_PREVIEW_MAX_BYTES", default_value_t = PreviewLimits::default().max_bytes)]
    pub preview_max_bytes: u64,

    /// Most memory one preview job may use for decoded pixels, in bytes.
    #[arg(long, env = "OPSBOARD_PREVIEW_MAX_MEMORY", default_value_t = PreviewLimits::default().max_memory)]
    pub preview_max_memory: u64,
}

impl PreviewLimitArgs {
    pub fn limits(&self) -> PreviewLimits {
        PreviewLimits {
            max_pixels: self.preview_max_pixels,
            max_bytes: self.preview_max_bytes,
            max_memory: self.preview_max_memory,
        }
    }
}

/// The data directory of the commands that only edit the catalogue
/// (`provider`, `user`): they run beside a serving opsboard.
#[derive(Debug, Args)]
pub struct CatalogueDir {
    /// Data directory holding the catalogue (as for `serve`).
    #[arg(
        long,
        env = "OPSBOARD_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
}

impl CatalogueDir {
    /// Opens the catalogue, creating the data dir if it is new.
    pub async fn open(&self) -> anyhow::Result<catalogue::Catalogue> {
        use anyhow::Context;
        let data = catalogue::store::DataDir::new(&self.data_dir);
        data.create_all()
            .with_context(|| format!("creating the data dir {}", self.data_dir.display()))?;
        Ok(catalogue::Catalogue::open(&data.database()).await?)
    }
}

/// Settings of `opsboard serve`.
#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// Data directory: holds incoming/ (the drop folder), archive/, rejected/ and the catalogue.
    #[arg(long, env = "OPSBOARD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Address to listen on. Port 0 picks a free port (the chosen address is logged).
    #[arg(long, env = "OPSBOARD_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// The campaign's sources and expected products (default:
    /// `sources.toml` in the data dir; none when there is no such file).
    #[arg(long, env = "OPSBOARD_SOURCES")]
    pub sources: Option<PathBuf>,

    /// Write realistic demo products into the drop folder every few seconds.
    #[arg(long, env = "OPSBOARD_DEMO")]
    pub demo: bool,

    /// Milliseconds between two demo products.
    #[arg(long, env = "OPSBOARD_DEMO_INTERVAL_MS", default_value_t = 2500)]
    pub demo_interval_ms: u64,

    /// Accepted categories, comma-separated (default: the Field Catalog list).
    #[arg(long, env = "OPSBOARD_CATEGORIES", value_delimiter = ',')]
    pub categories: Vec<String>,

    /// Take files only once their size and mtime have been stable for the
    /// settle time, even where the OS reports closed files: for drop folders
    /// written from other machines (network shares).
    #[arg(long, env = "OPSBOARD_SETTLE_ONLY")]
    pub settle_only: bool,

    /// Milliseconds a file's size and mtime must stay unchanged before it is
    /// taken, on platforms that do not report when a writer closes a file
    /// (and with --settle-only).
    #[arg(long, env = "OPSBOARD_SETTLE_MS", default_value_t = 2000)]
    pub settle_ms: u64,

    /// Make no thumbnails or previews (a machine short of CPU, or tests that
    /// count events).
    #[arg(long, env = "OPSBOARD_NO_PREVIEWS")]
    pub no_previews: bool,

    #[command(flatten)]
    pub preview_limits: PreviewLimitArgs,

    /// Previews made at once (default: one less than the cores, at least one,
    /// so that ingest always has a core, and no more than half the memory
    /// holds at the preview memory budget each).
    #[arg(long, env = "OPSBOARD_PREVIEW_WORKERS")]
    pub preview_workers: Option<usize>,

    /// Largest file accepted by `PUT /api/v1/drops/{name}`, in bytes.
    #[arg(long, env = "OPSBOARD_MAX_UPLOAD_BYTES", default_value_t = 1 << 30)]
    pub max_upload_bytes: u64,

    /// Uploads one provider may have in progress at once (429 beyond).
    #[arg(long, env = "OPSBOARD_MAX_UPLOADS_PER_PROVIDER", default_value_t = 4)]
    pub max_uploads_per_provider: usize,

    /// Bytes of a provider's refused uploads kept in rejected/ over the last
    /// 24 hours beyond which its uploads are refused with 429 until the
    /// window moves on: a provider cannot fill the disk with rejections.
    #[arg(long, env = "OPSBOARD_REJECTED_QUOTA_BYTES", default_value_t = 1 << 30)]
    pub rejected_quota_bytes: u64,

    /// Most live websocket sessions (open dashboards) at once.
    #[arg(long, env = "OPSBOARD_MAX_WEBSOCKETS", default_value_t = 4096)]
    pub max_websockets: usize,

    /// Most live websocket sessions from one address (an operations centre
    /// behind one NAT has tens of screens).
    #[arg(
        long,
        env = "OPSBOARD_MAX_WEBSOCKETS_PER_ADDRESS",
        default_value_t = 256
    )]
    pub max_websockets_per_address: usize,

    /// An IANA time zone (e.g. `Europe/Paris`) whose time the header shows
    /// beside UTC: the operations centre's local time.
    #[arg(long, env = "OPSBOARD_LOCAL_TZ")]
    pub local_tz: Option<String>,

    /// Who publishes the campaign's data (the data centre): the publisher
    /// of case-study bundles' DataCite metadata.
    #[arg(long, env = "OPSBOARD_PUBLISHER", default_value = "opsboard")]
    pub publisher: String,

    /// The built site (wasm, JS, CSS, public assets), as written by `cargo leptos build`.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// The hash file of a build that named its files after their content
    /// (`hash.txt`, which cargo-leptos writes beside the binary: the default).
    /// Without one, the files keep their plain names and are checked again on
    /// each visit instead of kept for good.
    #[arg(long, env = "OPSBOARD_SITE_HASHES")]
    pub site_hashes: Option<PathBuf>,

    #[command(flatten)]
    pub access: crate::auth::AccessArgs,

    #[command(flatten)]
    pub positions: crate::positions::udp::PositionArgs,

    /// Faults and thresholds the tests set; no flag reaches them.
    #[arg(skip)]
    pub hooks: crate::faults::TestHooks,
}

impl ServeArgs {
    /// What the pages need to know of these settings.
    pub fn site_config(&self) -> app::pages::board::load::SiteConfig {
        app::pages::board::load::SiteConfig {
            local_tz: self.local_tz.clone(),
        }
    }

    /// Settings for a server on `data_dir` listening on a free loopback port,
    /// with everything else at its default but previews off (their
    /// `product.updated` events would interleave with what tests count):
    /// what tests and benchmarks start.
    ///
    /// Read by clap from those flags alone, so every other default is the
    /// one `opsboard serve` has: the two cannot drift apart.
    pub fn for_tests(data_dir: impl Into<PathBuf>) -> Self {
        #[derive(Parser)]
        struct Serve {
            #[command(flatten)]
            args: ServeArgs,
        }
        let flags = [
            "opsboard",
            "--listen",
            "127.0.0.1:0",
            "--no-previews",
            // Tests of other things read as the public or with a token;
            // the access tests set participants mode themselves.
            "--access",
            "public",
        ];
        let mut args = match Serve::try_parse_from(flags) {
            Ok(serve) => serve.args,
            Err(error) => panic!("the test flags are serve's: {error}"),
        };
        args.data_dir = data_dir.into();
        args
    }

    pub fn name_rules(&self) -> NameRules {
        name_rules(&self.categories)
    }

    pub fn preview_workers(&self) -> usize {
        self.preview_workers.unwrap_or_else(|| {
            let cores = std::thread::available_parallelism()
                .map(|n| n.get().saturating_sub(1))
                .unwrap_or(1);
            let budget = self.preview_limits.preview_max_memory.max(1);
            let by_memory = memory_bytes().map_or(usize::MAX, |total| {
                usize::try_from(total / 2 / budget).unwrap_or(usize::MAX)
            });
            cores.min(by_memory).max(1)
        })
    }

    pub fn completion(&self) -> crate::watcher::Completion {
        if self.settle_only {
            crate::watcher::Completion::Settle
        } else {
            crate::watcher::Completion::Auto
        }
    }

    pub fn settle(&self) -> Duration {
        Duration::from_millis(self.settle_ms)
    }
}

/// The machine's memory, from `/proc/meminfo` where there is one.
fn memory_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 = info
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    kib.checked_mul(1024)
}

/// The naming rules for a configured category list (empty: the defaults).
pub fn name_rules(categories: &[String]) -> NameRules {
    if categories.is_empty() {
        NameRules::default()
    } else {
        NameRules {
            categories: categories.to_vec(),
        }
    }
}
