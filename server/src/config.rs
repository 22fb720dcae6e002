//! The command line and its environment variables.
//!
//! Every setting has a flag and an `OPSBOARD_*` variable, so the same binary is
//! driven by hand, by systemd units and by the tests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use catalogue::CatalogueError;
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
    Provider(ProviderArgs),
    /// Manage participants' accounts: add, list, set a password, a role, disable.
    User(UserArgs),
    /// Import a folder of files (a past campaign) through the ingest pipeline.
    /// The files are copied, never moved. Runs only while no server uses the
    /// data dir (it refuses otherwise); to add files to a running server, drop
    /// them into its incoming/ folder.
    Import(ImportArgs),
    /// Export or import the campaign's set-up (platforms and IOPs) as TOML,
    /// so a campaign can be prepared before it starts.
    Campaign(CampaignArgs),
    /// Write the campaign as a static website (calendar, days, case studies,
    /// products with their files, a static STAC catalog) that works from
    /// file:// and any static web server, for the archive.
    ExportSite(ExportSiteArgs),
    /// Make the thumbnails and previews the server would make, for operators
    /// and benchmarks: `<name>.thumbnail.<ext>` and `<name>.preview.<ext>` in --out.
    Thumbnail(ThumbnailArgs),
}

/// `opsboard export-site DIR`.
#[derive(Debug, Args)]
pub struct ExportSiteArgs {
    /// Folder to write the site into (made if missing; files of the same
    /// names are replaced).
    pub dir: PathBuf,

    #[command(flatten)]
    pub catalogue: CatalogueDir,

    /// First day exported (YYYY-MM-DD; default: the campaign's first, or the case study's).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,

    /// Last day exported (default: the campaign's last, or the case study's).
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,

    /// Only this case study, and by default its days.
    #[arg(long)]
    pub case_study: Option<String>,

    /// What participants see: restricted products and draft case studies too.
    #[arg(long)]
    pub include_restricted: bool,

    /// Hours of each day page's key products, UTC (default 0,6,12,18).
    #[arg(long)]
    pub hours: Option<String>,

    /// The campaign's name: the site's title.
    #[arg(long, default_value = "The campaign")]
    pub title: String,

    /// Where `cargo leptos build` put the site: its style sheet is copied.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
}

/// `opsboard thumbnail FILE… --out DIR`.
#[derive(Debug, Args)]
pub struct ThumbnailArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// Folder to write the renditions into.
    #[arg(long)]
    pub out: PathBuf,

    #[command(flatten)]
    pub limits: PreviewLimitArgs,
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

/// `opsboard import DIR`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Folder to import, recursively.
    pub dir: PathBuf,

    /// Data directory to import into (as for `serve`).
    #[arg(long, env = "OPSBOARD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Accepted categories, comma-separated (default: the Field Catalog list).
    #[arg(long, env = "OPSBOARD_CATEGORIES", value_delimiter = ',')]
    pub categories: Vec<String>,

    /// The server's `--restrict` rules, so imported products are restricted alike.
    #[arg(long = "restrict", env = "OPSBOARD_RESTRICT", value_delimiter = ',')]
    pub restrict: Vec<model::RestrictRule>,
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

/// `opsboard user …`.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub catalogue: CatalogueDir,

    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a user with a role; the password is asked for (or read from stdin).
    Add {
        name: String,
        /// viewer, scientist or admin.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input (scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users with their role, state and last login.
    List,
    /// Set a user's password (asked for, or read from stdin).
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a user another role.
    Role { name: String, role: String },
    /// Disable a user (`--enable` to undo).
    Disable {
        name: String,
        #[arg(long)]
        enable: bool,
    },
    /// Print a new personal API token for scripts (shown once; sent as
    /// `Authorization: Bearer …`, it acts with the user's role).
    Token {
        name: String,
        /// What the token is for, to recognise it in the list.
        #[arg(long, default_value = "script")]
        label: String,
    },
    /// List personal tokens.
    Tokens,
    /// Revoke a personal token by its number (from `user tokens`).
    RevokeToken { id: i64 },
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

    #[command(flatten)]
    pub access: crate::auth::AccessArgs,

    #[command(flatten)]
    pub positions: crate::positions::udp::PositionArgs,

    /// Faults and thresholds the tests set; no flag reaches them.
    #[arg(skip)]
    pub hooks: TestHooks,
}

/// What the integration tests inject to prove that opsboard survives a bug,
/// a stall or a failed write. All off unless a test sets them; there is no
/// flag or variable for them.
#[derive(Clone, Debug, Default)]
pub struct TestHooks {
    /// Ingest panics on a file whose name contains this text.
    pub panic_on: Option<String>,
    /// Ingest spends this long on a file whose name contains the text.
    pub stall_on: Option<(String, Duration)>,
    /// The next catalogue writes of products whose name contains the text fail
    /// (as a full disk would), as many times as the counter says.
    pub fail_writes_on: Option<(String, Arc<AtomicU32>)>,
    /// The same for the records of their thumbnails and previews.
    pub fail_renditions_on: Option<(String, Arc<AtomicU32>)>,
    /// How long a preview job that failed for the machine's reasons waits
    /// before it is tried again (default 20 s).
    pub preview_retry_after: Option<Duration>,
    /// How long an item may be in hand before health says stuck
    /// (default [`crate::supervisor::STUCK_AFTER`]).
    pub stuck_after: Option<Duration>,
    /// Just before ingest moves a file whose name contains the text into the
    /// archive, the file is replaced by a symbolic link to the path given.
    pub swap_before_archive: Option<(String, PathBuf)>,
}

impl TestHooks {
    /// Called by ingest on each file before anything else.
    pub async fn before_ingest(&self, file_name: &str) {
        if let Some(text) = &self.panic_on {
            assert!(
                !file_name.contains(text.as_str()),
                "test fault on {file_name}"
            );
        }
        if let Some((text, stall)) = &self.stall_on {
            if file_name.contains(text.as_str()) {
                tokio::time::sleep(*stall).await;
            }
        }
    }

    /// Called by ingest just before it moves a file into the archive.
    pub fn before_archive(&self, path: &std::path::Path) {
        let Some((text, target)) = &self.swap_before_archive else {
            return;
        };
        let named = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains(text.as_str()));
        #[cfg(unix)]
        if named {
            let swapped =
                std::fs::remove_file(path).and_then(|()| std::os::unix::fs::symlink(target, path));
            assert!(swapped.is_ok(), "test fault: could not swap {path:?}");
        }
    }

    /// A failure to use in place of the catalogue write of `file_name`, if one is due.
    pub fn catalogue_write_fault(&self, file_name: &str) -> Option<CatalogueError> {
        fault_due(&self.fail_writes_on, file_name)
    }

    /// A failure to use in place of recording the renditions of the product
    /// stored at `stored_path`, if one is due.
    pub fn renditions_write_fault(&self, stored_path: &str) -> Option<CatalogueError> {
        fault_due(&self.fail_renditions_on, stored_path)
    }
}

/// A write failure if `hook` names `name` and has failures left (one is used).
fn fault_due(hook: &Option<(String, Arc<AtomicU32>)>, name: &str) -> Option<CatalogueError> {
    let (text, left) = hook.as_ref()?;
    let due = name.contains(text.as_str())
        && left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    // What a catalogue too busy or too full to take a write answers.
    due.then_some(CatalogueError::Database(catalogue::SqlxError::PoolTimedOut))
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
