//! `sources.toml` as written: every key known, every value checked, and an
//! error that names the line. What it becomes is in [`crate::Source`].

mod kinds;
mod values;

use std::ops::Range;

use chrono::Duration;
use serde::Deserialize;
use toml::Spanned;

use crate::schedule::{check_leads, parse_leads, parse_runs, Cadence, Schedule};
use crate::template::{Field, Moment, Template};
use crate::{ConfigError, Kind, Source};
use values::{check_auth, check_bbox, extension, url_extension};

/// Largest `sources.toml` read, in bytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Most sources (and, apart, `[[expect]]` entries) in one file.
pub const MAX_SOURCES: usize = 200;
/// Most products one source may expect at once (runs kept × leads).
pub const MAX_SLOTS: usize = 20_000;
/// Largest file a source may fetch unless it says otherwise: 2 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;
/// Requests at once to one host unless the file says otherwise.
pub const DEFAULT_PER_HOST: usize = 2;
/// Largest `per_host` accepted.
const MAX_PER_HOST: u32 = 16;
/// Largest `max_bytes` accepted: 64 GiB.
pub const MAX_BYTES_LIMIT: u64 = 64 << 30;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    /// Most requests at once to one host (top of the file).
    pub per_host: Option<Spanned<u32>>,
    #[serde(default)]
    pub source: Vec<Spanned<RawSource>>,
    #[serde(default)]
    pub expect: Vec<Spanned<RawExpect>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    name: Spanned<String>,
    kind: Spanned<String>,
    category: Spanned<String>,
    platform: Option<Spanned<String>>,
    url: Spanned<String>,
    product: Option<Spanned<String>>,
    ext: Option<Spanned<String>>,
    runs: Option<Spanned<Vec<String>>>,
    leads: Option<Spanned<RawLeads>>,
    every: Option<Spanned<String>>,
    available_after: Option<Spanned<String>>,
    deadline: Option<Spanned<String>>,
    poll: Option<Spanned<String>>,
    keep_runs: Option<Spanned<u32>>,
    bbox: Option<Spanned<[f64; 4]>>,
    auth: Option<Spanned<RawAuth>>,
    max_bytes: Option<Spanned<u64>>,
    /// A listing's pattern.
    #[serde(rename = "match")]
    pattern: Option<Spanned<String>>,
    /// A listing's oldest file fetched.
    max_age: Option<Spanned<String>>,
    /// An index source's fields.
    fields: Option<Spanned<Vec<String>>>,
    /// An index source's index URL.
    index: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    category: Spanned<String>,
    platform: Spanned<String>,
    product: Option<Spanned<String>>,
    runs: Option<Spanned<Vec<String>>>,
    leads: Option<Spanned<RawLeads>>,
    every: Option<Spanned<String>>,
    deadline: Spanned<String>,
    keep_runs: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawLeads {
    Range(String),
    List(Vec<u32>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    header: String,
    env: Option<String>,
    file: Option<String>,
}

/// `per_host`, checked.
pub(crate) fn per_host(lines: &Lines, value: Option<&Spanned<u32>>) -> Result<usize, ConfigError> {
    match value {
        None => Ok(DEFAULT_PER_HOST),
        Some(v) if (1..=MAX_PER_HOST).contains(v.get_ref()) => Ok(*v.get_ref() as usize),
        Some(v) => Err(lines.at(v, format!("per_host is 1 to {MAX_PER_HOST}"))),
    }
}

/// Where spans become lines.
pub(crate) struct Lines<'a>(pub &'a str);

impl Lines<'_> {
    pub fn at<T>(&self, value: &Spanned<T>, reason: impl Into<String>) -> ConfigError {
        self.at_span(&value.span(), reason)
    }

    pub fn at_span(&self, span: &Range<usize>, reason: impl Into<String>) -> ConfigError {
        ConfigError {
            line: self.line(span.start),
            reason: reason.into(),
        }
    }

    pub fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.0.len());
        self.0.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }
}

/// A duration as people write it (`"3h30m"`), within `max`.
fn duration(
    lines: &Lines,
    value: &Spanned<String>,
    key: &str,
    min: Duration,
    max: Duration,
) -> Result<Duration, ConfigError> {
    let std = humantime::parse_duration(value.get_ref()).map_err(|e| {
        lines.at(
            value,
            format!(
                "{key} {:?}: {e}; write it as \"3h30m\" or \"15m\"",
                value.get_ref()
            ),
        )
    })?;
    Duration::from_std(std)
        .ok()
        .filter(|d| (min..=max).contains(d))
        .ok_or_else(|| {
            lines.at(
                value,
                format!(
                    "{key} {:?} is out of range: {} to {}",
                    value.get_ref(),
                    humantime::format_duration(min.to_std().unwrap_or_default()),
                    humantime::format_duration(max.to_std().unwrap_or_default()),
                ),
            )
        })
}

fn cadence(
    lines: &Lines,
    runs: &Option<Spanned<Vec<String>>>,
    leads: &Option<Spanned<RawLeads>>,
    every: &Option<Spanned<String>>,
    whole: &Range<usize>,
) -> Result<Cadence, ConfigError> {
    match (runs, every) {
        (Some(runs), None) => {
            let hours = parse_runs(runs.get_ref()).map_err(|e| lines.at(runs, e))?;
            let max = model::sidecar::MAX_LEAD_HOURS;
            let leads = match leads {
                Some(l) => match l.get_ref() {
                    RawLeads::Range(text) => parse_leads(text, max),
                    RawLeads::List(list) => check_leads(list.clone(), max),
                }
                .map_err(|e| lines.at(l, e))?,
                None => vec![0],
            };
            Ok(Cadence::Runs { hours, leads })
        }
        (None, Some(every)) => {
            if let Some(leads) = leads {
                return Err(lines.at(leads, "leads go with runs, not with every"));
            }
            let step = duration(
                lines,
                every,
                "every",
                Duration::minutes(1),
                Duration::days(1),
            )?;
            if Duration::days(1).num_seconds() % step.num_seconds() != 0 {
                return Err(lines.at(every, "every must divide a day (5m, 15m, 1h, 3h…)"));
            }
            Ok(Cadence::Every(step))
        }
        (Some(runs), Some(_)) => Err(lines.at(runs, "runs and every: one or the other")),
        (None, None) => Err(lines.at_span(
            whole,
            "say when products come: runs (with leads) for a model, every for observations",
        )),
    }
}

fn keep(lines: &Lines, keep: &Option<Spanned<u32>>) -> Result<u32, ConfigError> {
    match keep {
        None => Ok(4),
        Some(k) if (1..=60).contains(k.get_ref()) => Ok(*k.get_ref()),
        Some(k) => Err(lines.at(k, "keep_runs is 1 to 60")),
    }
}

fn slots_bounded(
    lines: &Lines,
    schedule: &Schedule,
    whole: &Range<usize>,
) -> Result<(), ConfigError> {
    let per_start = match &schedule.cadence {
        Cadence::Runs { leads, .. } => leads.len(),
        Cadence::Every(_) => 1,
    };
    let slots = per_start * schedule.keep as usize;
    if slots > crate::config::MAX_SLOTS {
        return Err(lines.at_span(
            whole,
            format!("{slots} products expected at once (runs kept × leads); at most {MAX_SLOTS}"),
        ));
    }
    Ok(())
}

/// A name, platform or category: letters, digits, `_` and `-`.
fn token(
    lines: &Lines,
    value: &Spanned<String>,
    key: &str,
    lower: bool,
) -> Result<String, ConfigError> {
    let text = value.get_ref();
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && (!lower || !text.bytes().any(|b| b.is_ascii_uppercase()));
    if ok {
        Ok(text.clone())
    } else {
        let letters = if lower { "a-z, 0-9" } else { "letters, digits" };
        Err(lines.at(
            value,
            format!("{key} {text:?}: 1 to 64 of {letters}, `_` and `-`"),
        ))
    }
}

impl RawSource {
    pub fn check(self, lines: &Lines, whole: &Range<usize>) -> Result<Source, ConfigError> {
        let name = token(lines, &self.name, "name", true)?;
        let category = token(lines, &self.category, "category", true)?;
        let listing = kinds::listing(lines, &self)?;
        let schedule = match &listing {
            Some(_) if self.runs.is_none() && self.every.is_none() => {
                kinds::nothing_expected(lines, &self)?;
                None
            }
            _ => Some(self.schedule(lines, whole)?),
        };
        let platform = match (&self.platform, &listing) {
            (Some(p), _) => token(lines, p, "platform", false)?,
            (None, Some(l)) if l.names("platform") && schedule.is_none() => String::new(),
            (None, _) => {
                return Err(lines.at_span(
                    whole,
                    "platform is missing (the EOL name's platform; a listing that expects nothing may take it from its pattern)",
                ))
            }
        };
        let fields = schedule.as_ref().map_or(&[][..], fields_of);
        let url = Template::parse(self.url.get_ref(), fields)
            .map_err(|e| lines.at(&self.url, format!("url: {e}")))?;
        check_url(&url, schedule.as_ref()).map_err(|e| lines.at(&self.url, e))?;
        let product = match &self.product {
            Some(p) => {
                let t = Template::parse(p.get_ref(), fields)
                    .map_err(|e| lines.at(p, format!("product: {e}")))?;
                check_product(&t, schedule.as_ref()).map_err(|e| lines.at(p, e))?;
                Some(t)
            }
            None if listing.as_ref().is_some_and(|l| l.names("product")) => None,
            None => {
                return Err(
                    lines.at_span(whole, "product is missing (the EOL name's product token)")
                )
            }
        };
        let kind = match listing {
            Some(listing) => Kind::Listing(listing),
            None => kinds::other(lines, &self, schedule.as_ref())?,
        };
        let ext = match &self.ext {
            Some(e) => Some(extension(lines, e)?),
            None if matches!(kind, Kind::Listing(_)) => None,
            None => url_extension(self.url.get_ref()),
        };
        let poll = match &self.poll {
            Some(p) => duration(lines, p, "poll", Duration::seconds(1), Duration::hours(1))?,
            None => Duration::minutes(2),
        };
        let bbox = match &self.bbox {
            Some(b) => Some(check_bbox(*b.get_ref()).map_err(|e| lines.at(b, e))?),
            None => None,
        };
        let auth = match &self.auth {
            Some(a) => Some(check_auth(a.get_ref()).map_err(|e| lines.at(a, e))?),
            None => None,
        };
        let max_bytes = match &self.max_bytes {
            Some(m) if (1..=MAX_BYTES_LIMIT).contains(m.get_ref()) => *m.get_ref(),
            Some(m) => return Err(lines.at(m, format!("max_bytes is 1 to {MAX_BYTES_LIMIT}"))),
            None => DEFAULT_MAX_BYTES,
        };
        Ok(Source {
            name,
            kind,
            category,
            platform,
            url,
            product,
            ext,
            schedule,
            poll,
            bbox,
            auth,
            max_bytes,
            line: lines.line(whole.start),
        })
    }

    /// When the source's products are expected.
    fn schedule(&self, lines: &Lines, whole: &Range<usize>) -> Result<Schedule, ConfigError> {
        let schedule = Schedule {
            cadence: cadence(lines, &self.runs, &self.leads, &self.every, whole)?,
            available_after: match &self.available_after {
                Some(a) => duration(
                    lines,
                    a,
                    "available_after",
                    Duration::zero(),
                    Duration::days(7),
                )?,
                None => Duration::zero(),
            },
            deadline: match &self.deadline {
                Some(d) => duration(
                    lines,
                    d,
                    "deadline",
                    Duration::minutes(1),
                    Duration::days(7),
                )?,
                None => {
                    return Err(lines.at_span(whole, "deadline is missing (when a product is late)"))
                }
            },
            keep: keep(lines, &self.keep_runs)?,
        };
        if schedule.available_after >= schedule.deadline {
            let at = self
                .available_after
                .as_ref()
                .map_or_else(|| lines.at_span(whole, ""), |a| lines.at(a, ""));
            return Err(ConfigError {
                reason: "available_after is after the deadline: nothing could ever be on time"
                    .into(),
                ..at
            });
        }
        slots_bounded(lines, &schedule, whole)?;
        Ok(schedule)
    }
}

impl RawExpect {
    pub fn check(self, lines: &Lines, whole: &Range<usize>) -> Result<crate::Expect, ConfigError> {
        let schedule = Schedule {
            cadence: cadence(lines, &self.runs, &self.leads, &self.every, whole)?,
            available_after: Duration::zero(),
            deadline: duration(
                lines,
                &self.deadline,
                "deadline",
                Duration::minutes(1),
                Duration::days(7),
            )?,
            keep: keep(lines, &self.keep_runs)?,
        };
        slots_bounded(lines, &schedule, whole)?;
        let product = match &self.product {
            Some(p) => {
                let t = Template::parse(p.get_ref(), fields_of(&schedule))
                    .map_err(|e| lines.at(p, format!("product: {e}")))?;
                check_product(&t, Some(&schedule)).map_err(|e| lines.at(p, e))?;
                Some(t)
            }
            None => None,
        };
        Ok(crate::Expect {
            category: token(lines, &self.category, "category", true)?,
            platform: token(lines, &self.platform, "platform", false)?,
            product,
            schedule,
            line: lines.line(whole.start),
        })
    }
}

/// The fields a template of `schedule`'s products may name.
pub(crate) fn fields_of(schedule: &Schedule) -> &'static [Field] {
    match schedule.cadence {
        Cadence::Runs { .. } => &[Field::Run, Field::Lead, Field::Valid],
        Cadence::Every(_) => &[Field::Valid],
    }
}

/// A sample of the schedule's first slot, to check what templates make.
fn sample(schedule: Option<&Schedule>) -> Moment {
    let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH + Duration::days(20_000);
    schedule
        .and_then(|s| s.slots(now).first().map(|s| s.moment))
        .unwrap_or(Moment {
            run: None,
            lead: None,
            valid: now,
        })
}

pub(crate) fn check_url(url: &Template, schedule: Option<&Schedule>) -> Result<(), String> {
    let expanded = url.expand(&sample(schedule));
    let parsed =
        url::Url::parse(&expanded).map_err(|e| format!("url: {expanded:?} is not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!(
            "url: {}: only http and https URLs are fetched",
            parsed.scheme()
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("url: no credentials in the URL; give them with auth = {header, env}".into());
    }
    Ok(())
}

fn check_product(product: &Template, schedule: Option<&Schedule>) -> Result<(), String> {
    let token = product.expand(&sample(schedule));
    let ok = !token.is_empty()
        && token.len() <= 120
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !ok {
        return Err(format!(
            "product makes {token:?}: the EOL name's product token is letters, digits, `_` and `-`"
        ));
    }
    if let Some(Cadence::Runs { leads, .. }) = schedule.map(|s| &s.cadence) {
        if leads.len() > 1 && !product.names(Field::Lead) {
            return Err("product: with several leads, name the lead (\"{lead:03}h_t2m\") or every lead gets the same name".into());
        }
    }
    Ok(())
}
