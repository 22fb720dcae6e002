//! Positions pushed to open maps: each platform's newest fix, at most about
//! once a second (an aircraft sending at 20 Hz is still one update a second
//! on a satcom link), and never before it is stored, so a map that reconnects and
//! asks for the track since the last point it saw finds every point after it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use model::tracks::{Fix, Position};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

/// The least time between two pushes of one platform.
pub const PUSH_EVERY: Duration = Duration::from_secs(1);
/// How early a packet may come and still go at once: an aircraft sending
/// once a second is not exact to the millisecond, and without this slack
/// every packet arriving a hair early would wait for the next tick.
const SLACK: Duration = Duration::from_millis(100);
/// How often held-back fixes are looked at.
const TICK: Duration = Duration::from_millis(50);
/// How many pushes a slow map may lag before it skips to the newest.
const CAPACITY: usize = 256;

/// A position as pushed: the platform (for filtering by who may see it) and
/// its JSON, written once for every map.
pub struct Pushed {
    pub platform: String,
    /// The packet's time: a map that got this platform's newest at connect
    /// skips a push it already has.
    pub time: chrono::DateTime<chrono::Utc>,
    pub json: Utf8Bytes,
}

#[derive(Default)]
struct Pace {
    last: Option<Instant>,
    held: Option<Position>,
}

/// The door to open maps. Cheap to clone.
#[derive(Clone)]
pub struct Live {
    sender: broadcast::Sender<Arc<Pushed>>,
    paces: Arc<Mutex<HashMap<String, Pace>>>,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
            paces: Arc::default(),
        }
    }
}

impl Live {
    /// Every position pushed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Pushed>> {
        self.sender.subscribe()
    }

    /// Offers `platform`'s newest stored fix: pushed now if the platform's
    /// last push is a second old, else held and pushed when it is.
    pub fn offer(&self, platform: &str, fix: &Fix) {
        let position = Position::of(platform, fix);
        let now = Instant::now();
        let mut paces = self.lock();
        let pace = paces.entry(platform.to_string()).or_default();
        match pace.last {
            Some(last) if now.duration_since(last) + SLACK < PUSH_EVERY => {
                pace.held = Some(position)
            }
            _ => {
                pace.last = Some(now);
                pace.held = None;
                self.push(position);
            }
        }
    }

    /// Pushes the held fixes whose second has come, until `stop`.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(TICK);
        loop {
            tokio::select! {
                _ = stop.wait_for(|stopping| *stopping) => return,
                _ = tick.tick() => {}
            }
            let now = Instant::now();
            let due: Vec<Position> = self
                .lock()
                .values_mut()
                .filter(|p| {
                    p.last
                        .is_none_or(|last| now.duration_since(last) + SLACK >= PUSH_EVERY)
                })
                .filter_map(|p| {
                    let held = p.held.take()?;
                    p.last = Some(now);
                    Some(held)
                })
                .collect();
            for position in due {
                self.push(position);
            }
        }
    }

    fn push(&self, position: Position) {
        let Some(json) = encode(&position) else {
            return;
        };
        let pushed = Pushed {
            platform: position.platform,
            time: position.time,
            json,
        };
        // No open map is not an error: the position is stored.
        let _ = self.sender.send(Arc::new(pushed));
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Pace>> {
        // Pacing only: a panic while it was held leaves nothing to repair.
        self.paces.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A position as the stream sends it: `{"type":"position", "platform": …,
/// "time": …, "lat": …, "lon": …, "alt": …, "values": {…}}`.
pub fn encode(position: &Position) -> Option<Utf8Bytes> {
    let mut json = match serde_json::to_value(position) {
        Ok(json) => json,
        Err(error) => {
            tracing::error!(%error, "a position could not be encoded");
            return None;
        }
    };
    json["type"] = "position".into();
    Some(json.to_string().into())
}
