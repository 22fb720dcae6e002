//! A centre's directory listing (`kind = "listing"`): an Apache or nginx
//! autoindex page, or an S3 bucket listing, read every poll. The files it
//! links to whose names match the source's pattern are fetched; the
//! pattern's named groups (`time`, and `platform` or `product` when the
//! source does not fix them) make each file's EOL name.
//!
//! Reading the page is pure (text in, entries out) so that every page shape
//! is tested without a server.

use std::sync::OnceLock;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use regex::Regex;
use url::Url;

use crate::Source;

/// Largest listing page read, in bytes.
pub const MAX_PAGE_BYTES: u64 = 8 << 20;
/// Most entries taken from one page.
pub const MAX_ENTRIES: usize = 100_000;
/// Most new files fetched from one poll of a listing, newest first: a first
/// look at a large archive fills the recent past first, the rest follows.
pub const MAX_NEW_PER_POLL: usize = 100;
/// The groups a pattern may name.
pub const GROUPS: [&str; 3] = ["time", "platform", "product"];
/// Largest compiled pattern: a pattern is the campaign's text, and a
/// pathological one must be refused when the file is read.
const MAX_PATTERN_BYTES: usize = 1 << 20;

/// What a listing source fetches.
#[derive(Clone, Debug)]
pub struct Listing {
    /// Matched against each file's name (the last segment of its path).
    pub pattern: Regex,
    /// Files whose time is older than this are not fetched: a listing is
    /// read for what is new, not to copy an archive.
    pub max_age: Duration,
}

impl PartialEq for Listing {
    fn eq(&self, other: &Self) -> bool {
        self.pattern.as_str() == other.pattern.as_str() && self.max_age == other.max_age
    }
}

impl Listing {
    /// Compiles `pattern`: bounded in size, with a `time` group, and no
    /// group but [`GROUPS`].
    pub fn compile(pattern: &str) -> Result<Regex, String> {
        let regex = regex::RegexBuilder::new(pattern)
            .size_limit(MAX_PATTERN_BYTES)
            .build()
            .map_err(|e| format!("match: {e}"))?;
        let names: Vec<&str> = regex.capture_names().flatten().collect();
        if let Some(other) = names.iter().find(|n| !GROUPS.contains(n)) {
            return Err(format!(
                "match: a group named {other:?}; the groups fill the name: time, platform, product"
            ));
        }
        if !names.contains(&"time") {
            return Err("match: name the file's time with (?P<time>…)".into());
        }
        Ok(regex)
    }

    /// Whether the pattern names `group`.
    pub fn names(&self, group: &str) -> bool {
        self.pattern.capture_names().flatten().any(|n| n == group)
    }
}

/// A file a listing links to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Where it is fetched from.
    pub url: String,
    /// The last segment of its path, matched against the pattern.
    pub name: String,
    /// What the listing says of it besides its name: an HTML index's rest
    /// of the line (its date and size), an S3 listing's ETag and date. A
    /// stamp that changes means the file was replaced: it is asked again.
    pub stamp: String,
}

/// Longest stamp kept of an entry.
const MAX_STAMP: usize = 200;

/// The files a listing page links to, resolved against `base` (the
/// listing's URL): the `href`s of an HTML index (not its sorting links nor
/// its parent), or the `Key`s of an S3 listing (relative to the bucket).
/// Only http(s) links on the listing's own host are kept.
pub fn entries(page: &str, base: &Url) -> Vec<Entry> {
    static HREF: OnceLock<Regex> = OnceLock::new();
    static CONTENTS: OnceLock<Regex> = OnceLock::new();
    static TAG: OnceLock<Regex> = OnceLock::new();
    let href = HREF.get_or_init(|| {
        Regex::new(r#"(?i)href\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("a fixed pattern")
    });
    let contents = CONTENTS
        .get_or_init(|| Regex::new(r"(?s)<Contents>(.*?)</Contents>").expect("a fixed pattern"));
    let tag = TAG.get_or_init(|| Regex::new(r"<[^>]*>").expect("a fixed pattern"));
    // S3 keys are from the bucket's root: the listing's path, its query off.
    let mut bucket = base.clone();
    bucket.set_query(None);
    if !bucket.path().ends_with('/') {
        let path = format!("{}/", bucket.path());
        bucket.set_path(&path);
    }
    let links = href.captures_iter(page).filter_map(|c| {
        let link = c.get(1).or_else(|| c.get(2))?;
        // The rest of its line, tags out: the date and size an index shows.
        let rest = &page[c.get(0)?.end()..];
        let line = rest.split('\n').next().unwrap_or_default();
        let stamp = tag.replace_all(line, " ");
        Some((base, link.as_str(), squeeze(&stamp)))
    });
    let keys = contents.captures_iter(page).filter_map(|c| {
        let block = c.get(1)?.as_str();
        let key = element(block, "Key")?;
        let stamp = format!(
            "{} {}",
            element(block, "ETag").unwrap_or_default(),
            element(block, "LastModified").unwrap_or_default()
        );
        Some((&bucket, key, squeeze(&stamp)))
    });
    let mut out: Vec<Entry> = Vec::new();
    for (against, link, stamp) in links.chain(keys) {
        if out.len() >= MAX_ENTRIES {
            break;
        }
        let link = link.replace("&amp;", "&");
        let Ok(url) = against.join(&link) else {
            continue;
        };
        let on_host = matches!(url.scheme(), "http" | "https")
            && url.host_str() == base.host_str()
            && url.port_or_known_default() == base.port_or_known_default();
        if !on_host || url.query().is_some() || url.path().ends_with('/') {
            continue;
        }
        let Some(name) = url.path_segments().and_then(|mut s| s.next_back()) else {
            continue;
        };
        if name.is_empty() || out.iter().any(|e| e.url == url.as_str()) {
            continue;
        }
        out.push(Entry {
            name: name.to_string(),
            url: url.to_string(),
            stamp,
        });
    }
    out
}

/// The text of `<name>…</name>` in an S3 listing's block.
fn element<'a>(block: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = block.find(&open)? + open.len();
    let end = block[start..].find(&format!("</{name}>"))?;
    Some(&block[start..start + end])
}

/// Whitespace collapsed, entities such as `&quot;` left as they are,
/// bounded.
fn squeeze(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.len() > MAX_STAMP {
        let mut cut = MAX_STAMP;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

/// A listed file that matched: its EOL name and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub file_name: String,
    pub time: DateTime<Utc>,
}

impl Source {
    /// The EOL name of a listed file, if its name matches the pattern and
    /// its groups make a good name (a time that is a time, tokens of
    /// letters, digits, `_` and `-`).
    pub fn found(&self, listing: &Listing, name: &str) -> Option<Found> {
        let groups = listing.pattern.captures(name)?;
        let time = parse_time(groups.name("time")?.as_str())?;
        let token = |group: &str, fixed: Option<String>| -> Option<String> {
            let value = match groups.name(group) {
                Some(m) => m.as_str().to_string(),
                None => fixed?,
            };
            let ok = !value.is_empty()
                && value.len() <= 120
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            ok.then_some(value)
        };
        let platform = token("platform", Some(self.platform.clone()))?;
        let fixed_product = self.product.as_ref().map(|p| {
            p.expand(&crate::Moment {
                run: None,
                lead: None,
                valid: time,
            })
        });
        let product = token("product", fixed_product)?;
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| {
                !e.is_empty() && e.len() <= 12 && e.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        let ext = self.ext.clone().or(ext)?;
        Some(Found {
            file_name: self.name_of(&platform, time, &product, &ext),
            time,
        })
    }
}

/// A time as file names carry it: its digits, 8 (a day), 10 (an hour), 12
/// (a minute) or 14 (a second); separators such as `-`, `T`, `:` and `Z`
/// are skipped, so `2026-12-07T06:00Z` reads too.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let naive = match digits.len() {
        8 => NaiveDate::parse_from_str(&digits, "%Y%m%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?,
        10 => NaiveDateTime::parse_from_str(&format!("{digits}00"), "%Y%m%d%H%M").ok()?,
        12 => NaiveDateTime::parse_from_str(&digits, "%Y%m%d%H%M").ok()?,
        14 => NaiveDateTime::parse_from_str(&digits, "%Y%m%d%H%M%S").ok()?,
        _ => return None,
    };
    Some(naive.and_utc())
}
