//! Receiving positions: IWG1 lines from a relay or UDP packets from the
//! aircraft ([`udp`]), parsed, stored as the platform's track, pushed to
//! open maps ([`live`]), and counted — with the
//! last reasons a packet was refused kept for admins, since a mis-set
//! instrument on board sends the same bad packet every second and nobody on
//! the ground would otherwise know why the aircraft is not on the map.

pub mod live;
pub mod recent;
pub mod udp;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use products::catalogue::{Catalogue, CatalogueError};
use products::tracks::{iwg1, Fix, Position};
use products::{RestrictRule, Visibility};
use serde::Serialize;

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
            match iwg1::parse(line) {
                Ok(fix) => self.fixes.push(fix),
                Err(error) => {
                    self.refused += 1;
                    if self.reasons.len() < REASONS_KEPT {
                        self.reasons.push(format!("line {}: {error}", self.lines));
                    }
                }
            }
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

/// Whether a `--restrict` rule names `platform` (any category): its
/// positions are then for participants only, as its products are.
pub fn restricted(rules: &[RestrictRule], platform: &str) -> bool {
    rules.iter().any(|rule| {
        rule.platform
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case(platform))
    })
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
        if restricted(rules, &platform.name) && visibility == Visibility::OpenOnly {
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
