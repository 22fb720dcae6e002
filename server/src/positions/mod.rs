//! Receiving positions: IWG1 lines from a relay or UDP packets from the
//! aircraft ([`udp`]), parsed, stored as the platform's track, pushed to
//! open maps ([`live`]), and counted — with the
//! last reasons a packet was refused kept for admins, since a mis-set
//! instrument on board sends the same bad packet every second and nobody on
//! the ground would otherwise know why the aircraft is not on the map.

pub mod live;
pub mod recent;
pub mod track_file;
pub mod udp;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use catalogue::{Catalogue, CatalogueError};
use chrono::{DateTime, Utc};
use model::operations::Platform;
use model::tracks::{iwg1, Fix, Position};
use model::{RestrictRule, Visibility};
use serde::Serialize;

/// How far ahead of this server's clock a packet may be dated: an
/// aircraft's clock a little ahead is taken, a packet dated 2099 would
/// otherwise be the platform's newest position for good and hide every
/// real one.
const MAX_CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// How many refusal reasons are kept per platform.
const REASONS_KEPT: usize = 10;

/// What one platform's receivers have taken and refused since the start.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Received {
    pub accepted: u64,
    pub refused: u64,
    pub last_packet_at: Option<DateTime<Utc>>,
    /// The newest first.
    pub last_reasons: VecDeque<String>,
}

/// The counts of every platform that sent something. Cheap to clone. Only
/// the campaign's platforms (the relay refuses others) and the configured
/// listeners' are counted, so the map stays as small as the campaign.
#[derive(Clone, Default)]
pub struct Receivers {
    counts: Arc<Mutex<HashMap<String, Received>>>,
    /// Open maps.
    pub live: live::Live,
    /// The newest stretch of each track, as maps ask for it.
    pub recent: recent::RecentTracks,
}

/// Packets read, before they are stored.
#[derive(Debug, Default)]
pub struct Batch {
    pub fixes: Vec<Fix>,
    pub refused: usize,
    /// The first reasons, `line N: …` (numbered within what was read).
    pub reasons: Vec<String>,
    lines: usize,
}

impl Batch {
    /// Reads `text`, one packet a line, into this batch.
    pub fn read(&mut self, text: &str) {
        for line in text.lines() {
            self.lines += 1;
            if line.trim().is_empty() {
                continue;
            }
            let latest = Utc::now() + MAX_CLOCK_SKEW;
            match iwg1::parse(line) {
                Ok(fix) if fix.time > latest => self.refuse(format!(
                    "dated {}, in the future (a clock {} s ahead at most is taken)",
                    fix.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    MAX_CLOCK_SKEW.num_seconds()
                )),
                Ok(fix) => self.fixes.push(fix),
                Err(error) => self.refuse(error.to_string()),
            }
        }
    }

    /// Counts a refused line and keeps the first reasons.
    pub fn refuse(&mut self, reason: String) {
        self.refused += 1;
        if self.reasons.len() < REASONS_KEPT {
            self.reasons.push(format!("line {}: {reason}", self.lines));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fixes.is_empty() && self.refused == 0
    }
}

/// What a batch of lines came to.
#[derive(Debug, Serialize)]
pub struct Outcome {
    pub accepted: usize,
    pub refused: usize,
    /// The first reasons, `line N: …`.
    pub reasons: Vec<String>,
}

impl Receivers {
    /// Stores `batch`'s fixes as `platform`'s track, then offers the newest
    /// to open maps, and counts the batch.
    pub async fn take(
        &self,
        catalogue: &Catalogue,
        platform: &str,
        batch: Batch,
    ) -> Result<Outcome, CatalogueError> {
        self.recent
            .record(catalogue, platform, &batch.fixes)
            .await?;
        if let Some(newest) = batch.fixes.iter().max_by_key(|f| f.time) {
            self.live.offer(platform, newest);
        }
        let mut counts = self.lock();
        let received = counts.entry(platform.to_string()).or_default();
        received.accepted += batch.fixes.len() as u64;
        received.refused += batch.refused as u64;
        if !batch.fixes.is_empty() {
            received.last_packet_at = Some(Utc::now());
        }
        for reason in &batch.reasons {
            received.last_reasons.push_front(reason.clone());
        }
        received.last_reasons.truncate(REASONS_KEPT);
        Ok(Outcome {
            accepted: batch.fixes.len(),
            refused: batch.refused,
            reasons: batch.reasons,
        })
    }

    /// What `platform`'s receivers have counted.
    pub fn of(&self, platform: &str) -> Received {
        self.lock().get(platform).cloned().unwrap_or_default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Received>> {
        // Counts only: a panic while they were held leaves nothing to repair.
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Whether `platform`'s positions are for participants only: when a
/// `--restrict` rule names the platform (in any category), or restricts
/// its kind as a whole (`--restrict aircraft` covers every aircraft's
/// positions, as it covers their `aircraft.*` flight files).
pub fn restricted(rules: &[RestrictRule], platform: &Platform) -> bool {
    rules
        .iter()
        .any(|rule| match (&rule.category, &rule.platform) {
            (_, Some(named)) => named.eq_ignore_ascii_case(&platform.name),
            (Some(category), None) => category == platform.kind.as_str(),
            (None, None) => true,
        })
}

/// Whether the public may not see the positions of the platform named
/// `name`, as [`restricted`] decides; a platform the campaign does not have
/// (yet) is hidden.
pub async fn restricted_by_name(
    catalogue: &Catalogue,
    rules: &[RestrictRule],
    name: &str,
) -> Result<bool, CatalogueError> {
    Ok(catalogue
        .platforms()
        .await?
        .iter()
        .find(|p| p.name == name)
        .is_none_or(|p| restricted(rules, p)))
}

/// The newest position of each of the campaign's platforms that a reader
/// with `visibility` may see, encoded for the stream: what a map shows the
/// moment it opens.
pub async fn latest(
    catalogue: &Catalogue,
    rules: &[RestrictRule],
    visibility: Visibility,
) -> Result<Vec<live::Pushed>, CatalogueError> {
    let mut latest = Vec::new();
    for platform in catalogue.platforms().await? {
        if restricted(rules, &platform) && visibility == Visibility::OpenOnly {
            continue;
        }
        if let Some(fix) = catalogue.latest_fix(&platform.name).await? {
            let position = Position::of(&platform.name, &fix);
            if let Some(json) = live::encode(&position) {
                latest.push(live::Pushed {
                    platform: platform.name,
                    time: fix.time,
                    json,
                });
            }
        }
    }
    Ok(latest)
}
