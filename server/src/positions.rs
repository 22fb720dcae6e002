//! Receiving positions: IWG1 lines from a relay (and, next, UDP packets and
//! files), parsed, stored as the platform's track, and counted — with the
//! last reasons a packet was refused kept for admins, since a mis-set
//! instrument on board sends the same bad packet every second and nobody on
//! the ground would otherwise know why the aircraft is not on the map.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use products::catalogue::{Catalogue, CatalogueError};
use products::tracks::iwg1;
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
/// the campaign's platforms are counted (the relay refuses others), so the
/// map stays as small as the campaign.
#[derive(Clone, Default)]
pub struct Receivers {
    counts: Arc<Mutex<HashMap<String, Received>>>,
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
    /// Parses `text` (one packet a line), stores the good ones as
    /// `platform`'s track, counts the rest with their reasons.
    pub async fn take_lines(
        &self,
        catalogue: &Catalogue,
        platform: &str,
        text: &str,
    ) -> Result<Outcome, CatalogueError> {
        let mut fixes = Vec::new();
        let mut reasons = Vec::new();
        let mut refused = 0;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match iwg1::parse(line) {
                Ok(fix) => fixes.push(fix),
                Err(error) => {
                    refused += 1;
                    if reasons.len() < REASONS_KEPT {
                        reasons.push(format!("line {}: {error}", n + 1));
                    }
                }
            }
        }
        catalogue.record_fixes(platform, &fixes).await?;
        let mut counts = self.lock();
        let received = counts.entry(platform.to_string()).or_default();
        received.accepted += fixes.len() as u64;
        received.refused += refused as u64;
        if !fixes.is_empty() {
            received.last_packet_at = Some(Utc::now());
        }
        for reason in &reasons {
            received.last_reasons.push_front(reason.clone());
        }
        received.last_reasons.truncate(REASONS_KEPT);
        Ok(Outcome {
            accepted: fixes.len(),
            refused,
            reasons,
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
