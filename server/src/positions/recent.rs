//! The recent stretch of each platform's track, held in memory: a map opens
//! on the last hours of every aircraft, and reading 36 000 rows of a 10 h
//! flight from SQLite for each map that opens took 70 ms of a 100 ms
//! budget. The catalogue stays the record; this is a copy of its newest
//! rows, loaded the first time they are asked for and kept as new packets
//! are stored.
//!
//! What is held for a platform is everything from one instant on, so a
//! question about a stretch after that instant is answered here and any
//! other goes to the catalogue. A store of packets empties the held copy
//! before it writes and puts it back, with the packets, after: a write that
//! fails or is cancelled halfway leaves nothing stale behind, only a copy to
//! load again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use catalogue::{Catalogue, CatalogueError, MAX_TRACK_POINTS};
use chrono::{DateTime, Utc};
use model::tracks::{thin, Fix};

/// Most fixes held per platform: 28 h at 1 Hz, about 8 MB. A platform with
/// more in the asked stretch is read from the catalogue, thinned, each time.
pub const HELD_PER_PLATFORM: usize = 100_000;

/// Every fix of one platform from `from_ms` on, oldest first, places and
/// times only.
struct Held {
    from_ms: i64,
    fixes: Vec<Fix>,
}

impl Held {
    fn covers(&self, from_ms: i64) -> bool {
        from_ms >= self.from_ms
    }

    /// Adds freshly stored `fixes` (one replacing another of the same time,
    /// as the catalogue does), dropping the oldest beyond the cap.
    fn merge(&mut self, fixes: &[Fix]) {
        for fix in fixes {
            let ms = fix.time.timestamp_millis();
            if ms < self.from_ms {
                continue;
            }
            let place = Fix {
                values: Vec::new(),
                ..fix.clone()
            };
            match self
                .fixes
                .binary_search_by_key(&ms, |f| f.time.timestamp_millis())
            {
                Ok(i) => self.fixes[i] = place,
                Err(i) => self.fixes.insert(i, place),
            }
        }
        if self.fixes.len() > HELD_PER_PLATFORM {
            // A tenth at once, so a platform at its cap does not move every
            // fix at every packet.
            let excess = self.fixes.len() - HELD_PER_PLATFORM * 9 / 10;
            self.fixes.drain(..excess);
            self.from_ms = self
                .fixes
                .first()
                .map_or(i64::MAX, |f| f.time.timestamp_millis());
        }
    }

    /// The fixes from `from_ms` to `to_ms`, both included.
    fn between(&self, from_ms: i64, to_ms: i64) -> Vec<Fix> {
        let start = self
            .fixes
            .partition_point(|f| f.time.timestamp_millis() < from_ms);
        let end = self
            .fixes
            .partition_point(|f| f.time.timestamp_millis() <= to_ms);
        self.fixes
            .get(start..end.max(start))
            .unwrap_or_default()
            .to_vec()
    }
}

/// One platform's held stretch, `None` until a track asks for it. Storing a
/// packet and loading the stretch take turns on this lock (held across the
/// catalogue's await, hence tokio's), so what is held never misses a packet.
type Slot = Arc<tokio::sync::Mutex<Option<Held>>>;

/// The held stretches, one per platform (by name, in any case). Cheap to
/// clone. Only the campaign's platforms are ever asked for, so the map
/// stays as small as the campaign.
#[derive(Clone, Default)]
pub struct RecentTracks {
    platforms: Arc<Mutex<HashMap<String, Slot>>>,
}

impl RecentTracks {
    fn slot(&self, platform: &str) -> Slot {
        // A map of handles only: a panic while it was held leaves nothing to repair.
        let mut platforms = self.platforms.lock().unwrap_or_else(|p| p.into_inner());
        platforms
            .entry(platform.to_ascii_lowercase())
            .or_default()
            .clone()
    }

    /// Stores `fixes` as `platform`'s in the catalogue and in what is held.
    pub async fn record(
        &self,
        catalogue: &Catalogue,
        platform: &str,
        fixes: &[Fix],
    ) -> Result<(), CatalogueError> {
        let slot = self.slot(platform);
        let mut held = slot.lock().await;
        let kept = held.take();
        catalogue.record_fixes(platform, fixes).await?;
        *held = kept.map(|mut h| {
            h.merge(fixes);
            h
        });
        Ok(())
    }

    /// `platform`'s fixes from `from` to `to` (either open), oldest first,
    /// at most [`MAX_TRACK_POINTS`] (thinned evenly, the last kept), as
    /// [`Catalogue::track`] answers them.
    pub async fn track(
        &self,
        catalogue: &Catalogue,
        platform: &str,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<Fix>, CatalogueError> {
        let from_ms = from.map_or(i64::MIN, |t| t.timestamp_millis());
        let to_ms = to.map_or(i64::MAX, |t| t.timestamp_millis());
        let slot = self.slot(platform);
        let mut held = slot.lock().await;
        if !held.as_ref().is_some_and(|h| h.covers(from_ms)) {
            match catalogue
                .fixes_since(platform, from, HELD_PER_PLATFORM)
                .await?
            {
                Some(fixes) => *held = Some(Held { from_ms, fixes }),
                None => {
                    drop(held);
                    return catalogue.track(platform, from, to).await;
                }
            }
        }
        let fixes = held
            .as_ref()
            .map(|h| h.between(from_ms, to_ms))
            .unwrap_or_default();
        Ok(thin(fixes, MAX_TRACK_POINTS as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use catalogue::EventLog;

    fn fix(second: i64, lon: f64) -> Fix {
        Fix {
            time: DateTime::from_timestamp(1_795_000_000 + second, 0).unwrap_or_default(),
            lat: 43.0,
            lon,
            alt: Some(1000.0),
            values: vec![Some(1.0); 29],
            extra: 0,
        }
    }

    fn places(t: &[Fix]) -> Vec<(i64, f64)> {
        t.iter().map(|f| (f.time.timestamp(), f.lon)).collect()
    }

    /// What is held answers as the catalogue does, through new packets
    /// (late, repeated, older than the held stretch), for stretches inside
    /// and outside it.
    #[tokio::test]
    async fn held_tracks_answer_as_the_catalogue_does_as_packets_arrive() {
        let dir = tempfile::tempdir().unwrap();
        let (_log, catalogue) = EventLog::open(&dir.path().join("catalogue.db"))
            .await
            .unwrap();
        let recent = RecentTracks::default();
        let first: Vec<Fix> = (0..100).map(|s| fix(s, s as f64 * 0.01)).collect();
        recent.record(&catalogue, "ATR42", &first).await.unwrap();
        let from = Some(first[50].time);
        // Loads from the 50th second on.
        let held = recent.track(&catalogue, "atr42", from, None).await.unwrap();
        assert_eq!(held.len(), 50);
        assert!(held.iter().all(|f| f.values.is_empty()));
        // New packets: one late (inside the held stretch), one repeating a
        // time with a new place, one before it, one ahead.
        let more = [fix(60, 9.0), fix(75, 7.5), fix(10, 5.0), fix(200, 2.0)];
        recent.record(&catalogue, "Atr42", &more).await.unwrap();
        for (from, to) in [
            (from, None),
            (Some(first[70].time), Some(first[80].time)),
            (None, None),
            (Some(first[5].time), Some(first[20].time)),
        ] {
            let mine = recent.track(&catalogue, "ATR42", from, to).await.unwrap();
            let theirs = catalogue.track("ATR42", from, to).await.unwrap();
            assert_eq!(places(&mine), places(&theirs), "{from:?}..{to:?}");
        }
        let whole = recent.track(&catalogue, "ATR42", None, None).await.unwrap();
        assert_eq!(
            whole.len(),
            101,
            "100 seconds and one ahead, the repeat replaced"
        );
        assert_eq!(whole[60].lon, 9.0);
        assert!(recent
            .track(&catalogue, "FALCON", None, None)
            .await
            .unwrap()
            .is_empty());
    }

    /// A platform over the cap is read thinned from the catalogue; one held
    /// at the cap drops its oldest and still answers whole.
    #[tokio::test]
    async fn past_the_cap_the_oldest_go_and_long_stretches_read_the_catalogue() {
        let dir = tempfile::tempdir().unwrap();
        let (_log, catalogue) = EventLog::open(&dir.path().join("catalogue.db"))
            .await
            .unwrap();
        let recent = RecentTracks::default();
        let fixes: Vec<Fix> = (0..HELD_PER_PLATFORM as i64).map(|s| fix(s, 0.0)).collect();
        recent.record(&catalogue, "SHIP", &fixes).await.unwrap();
        let whole = recent.track(&catalogue, "SHIP", None, None).await.unwrap();
        assert_eq!(whole.len(), 50_001, "every second fix, the last included");
        let theirs = catalogue.track("SHIP", None, None).await.unwrap();
        assert_eq!(places(&whole), places(&theirs));
        let more: Vec<Fix> = (0..20)
            .map(|s| fix(HELD_PER_PLATFORM as i64 + s, 1.0))
            .collect();
        recent.record(&catalogue, "SHIP", &more).await.unwrap();
        let since = Some(more[0].time);
        let tail = recent.track(&catalogue, "SHIP", since, None).await.unwrap();
        assert_eq!(tail.len(), 20);
        // Over the cap: read from the catalogue each time, thinned.
        let all = recent.track(&catalogue, "SHIP", None, None).await.unwrap();
        let theirs = catalogue.track("SHIP", None, None).await.unwrap();
        assert_eq!(all.last().map(|f| f.lon), Some(1.0), "ends with the newest");
        assert_eq!(places(&all), places(&theirs));
    }
}
