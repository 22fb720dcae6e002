//! What the centres publish and when.
//!
//! A campaign lists its sources in `sources.toml`: where each one publishes
//! (a URL template per file, or a WMS GetMap per time), what the files are
//! called on the board (the EOL name built from the source's fields), and
//! when they are expected (model runs × leads, or an observation cadence,
//! with the time they are normally there and a deadline). `[[expect]]`
//! entries say what providers push without being fetched.
//!
//! This crate reads and checks that file and lays out the schedule; it does
//! no I/O. The server's poller fetches what is due and hands each file to
//! the ingest exactly as a drop.

mod config;
pub mod expected;
pub mod index;
pub mod listing;
pub mod punctuality;
pub mod schedule;
pub mod template;

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use model::name::format_time;
use thiserror::Error;

pub use config::{DEFAULT_MAX_BYTES, DEFAULT_PER_HOST, MAX_FILE_BYTES, MAX_SOURCES};
pub use index::Index;
pub use listing::Listing;
pub use model::expected::Expected;
pub use model::expected::Punctuality;
pub use schedule::{Cadence, Schedule, Slot, Status};
pub use template::{Moment, Template};

/// How a source is fetched.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// One URL per expected file.
    Http,
    /// One WMS GetMap per expected time.
    Wms,
    /// A directory listing read every poll: the files it links to that
    /// match its pattern are fetched, named from the pattern's groups.
    Listing(Listing),
    /// One URL per expected file, of which only some fields are fetched,
    /// by byte ranges read from the index published beside it.
    Index(Index),
}

impl Kind {
    /// Its name in the file.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Wms => "wms",
            Self::Listing(_) => "listing",
            Self::Index(_) => "index",
        }
    }
}

/// Where a source's credential is: the secret itself is never in the file,
/// and is read only when a request is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// A header whose value is the environment variable `var`.
    Env { header: String, var: String },
    /// A header whose value is the content of the file at `path`.
    File { header: String, path: PathBuf },
}

/// A checked source.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub name: String,
    pub kind: Kind,
    pub category: String,
    /// The EOL name's platform; empty only for a listing whose pattern
    /// names it.
    pub platform: String,
    /// The file's URL (a listing's: the listing's, without fields).
    pub url: Template,
    /// The EOL name's product token; `None` only for a listing whose
    /// pattern names it.
    pub product: Option<Template>,
    /// The file extension; `None`: taken from the answer's media type (a
    /// listing's: from the file's name).
    pub ext: Option<String>,
    /// When its products are expected; `None` only for a listing that
    /// expects nothing (it fetches what appears).
    pub schedule: Option<Schedule>,
    pub poll: Duration,
    pub bbox: Option<[f64; 4]>,
    pub auth: Option<Auth>,
    pub max_bytes: u64,
    /// Where it starts in the file.
    pub line: usize,
}

impl Source {
    /// The URL of `slot`'s file.
    pub fn url_of(&self, slot: &Slot) -> String {
        self.url.expand(&slot.moment)
    }

    /// The EOL name `slot`'s file is catalogued under, with `ext` when the
    /// source names none: `category.platform.YYYYMMDDhhmm.product.ext`, the
    /// time being the run for a forecast, else the valid time.
    pub fn file_name(&self, slot: &Slot, ext: &str) -> String {
        let product = self
            .product
            .as_ref()
            .map(|p| p.expand(&slot.moment))
            .unwrap_or_default();
        self.name_of(&self.platform, slot.reference(), &product, ext)
    }

    /// `category.platform.YYYYMMDDhhmm.product.ext`, `ext` if the source
    /// names none.
    fn name_of(&self, platform: &str, time: DateTime<Utc>, product: &str, ext: &str) -> String {
        let ext = self.ext.as_deref().unwrap_or(ext);
        format!(
            "{}.{platform}.{}.{product}.{ext}",
            self.category,
            format_time(time),
        )
    }
}

/// A product a provider pushes, expected without being fetched.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    pub category: String,
    pub platform: String,
    /// The product token its files carry, when said: then it is drawn in
    /// its lane on the board, and only that product meets it.
    pub product: Option<Template>,
    pub schedule: Schedule,
    pub line: usize,
}

/// Why a `sources.toml` was refused: the line and the reason.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("line {line}: {reason}")]
pub struct ConfigError {
    pub line: usize,
    pub reason: String,
}

/// Every source and expectation of a campaign, as checked.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceSet {
    pub sources: Vec<Source>,
    pub expects: Vec<Expect>,
    /// Most requests at once to one host, all sources together.
    pub per_host: usize,
}

impl Default for SourceSet {
    fn default() -> Self {
        Self {
            sources: Vec::new(),
            expects: Vec::new(),
            per_host: DEFAULT_PER_HOST,
        }
    }
}

impl SourceSet {
    /// Reads a whole `sources.toml`; the first fault refuses all of it (a
    /// running set is replaced only by one that is right throughout).
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(ConfigError {
                line: 1,
                reason: format!(
                    "the file is {} bytes; at most {MAX_FILE_BYTES} are read",
                    text.len()
                ),
            });
        }
        let lines = config::Lines(text);
        let raw: config::RawFile = toml::from_str(text).map_err(|e| ConfigError {
            line: e.span().map_or(1, |s| lines.line(s.start)),
            reason: e.message().to_string(),
        })?;
        for (list, what) in [
            (raw.source.len(), "sources"),
            (raw.expect.len(), "[[expect]] entries"),
        ] {
            if list > MAX_SOURCES {
                return Err(ConfigError {
                    line: 1,
                    reason: format!("{list} {what}; at most {MAX_SOURCES}"),
                });
            }
        }
        let mut sources: Vec<Source> = Vec::with_capacity(raw.source.len());
        for whole in raw.source {
            let span = whole.span();
            let source = whole.into_inner().check(&lines, &span)?;
            if let Some(first) = sources.iter().find(|s| s.name == source.name) {
                return Err(ConfigError {
                    line: source.line,
                    reason: format!(
                        "a second source named {:?} (the first is on line {})",
                        source.name, first.line
                    ),
                });
            }
            sources.push(source);
        }
        let expects = raw
            .expect
            .into_iter()
            .map(|whole| {
                let span = whole.span();
                whole.into_inner().check(&lines, &span)
            })
            .collect::<Result<_, _>>()?;
        let per_host = config::per_host(&lines, raw.per_host.as_ref())?;
        Ok(Self {
            sources,
            expects,
            per_host,
        })
    }

    /// The source named `name`.
    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests;
