//! The poller's tasks: one per source, so that a slow or stalled centre
//! never holds another's files back. The running set's changes start,
//! stop and restart them (a source whose lines changed starts afresh); a
//! task that ended by a panic is started again; a stop waits for every
//! task to drop the fetch in hand.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::Utc;
use sources::Source;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::poll_now::heard;
use super::{Backoffs, Poller};
use crate::source_file::Sources;

/// The longest a source's task sleeps without looking at the clock again
/// (the wall clock may jump; a sleep does not).
const LOOK_AT_LEAST_EVERY: StdDuration = StdDuration::from_secs(60);
/// How often the tasks are checked for one that ended.
const CHECK_TASKS_EVERY: StdDuration = StdDuration::from_secs(5);

impl Poller {
    /// Polls the running set of sources until `stop`.
    pub async fn run(self, mut sources: watch::Receiver<Sources>, mut stop: watch::Receiver<bool>) {
        let mut running: HashMap<String, (Source, JoinHandle<()>)> = HashMap::new();
        let mut followed = true;
        while !*stop.borrow() {
            let set = sources.borrow_and_update().set.clone();
            self.client.hosts().set_limit(set.per_host);
            running.retain(|name, (source, task)| {
                if task.is_finished() {
                    tracing::error!(source = %name, "a source's task ended; it starts again");
                    return false;
                }
                let same = set.source(name) == Some(source);
                if !same {
                    task.abort();
                }
                same
            });
            for source in &set.sources {
                if !running.contains_key(&source.name) {
                    let task = tokio::spawn(self.clone().follow(source.clone(), stop.clone()));
                    running.insert(source.name.clone(), (source.clone(), task));
                }
            }
            tokio::select! {
                changed = sources.changed(), if followed => followed = changed.is_ok(),
                _ = tokio::time::sleep(CHECK_TASKS_EVERY) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
        }
        for (_, (_, task)) in running {
            let _ = task.await;
        }
    }

    /// Polls one source whenever it is due, until `stop`.
    async fn follow(self, source: Source, mut stop: watch::Receiver<bool>) {
        let backoff = Backoffs::default();
        let mut asks = self.poll_now.subscribe();
        loop {
            let next = tokio::select! {
                next = self.poll(&source, Utc::now(), &backoff) => next,
                _ = stop.wait_for(|s| *s) => return,
            };
            self.reports
                .update(&source.name, |r| r.next_poll = Some(next));
            loop {
                let wake = (next - Utc::now())
                    .to_std()
                    .unwrap_or_default()
                    .min(LOOK_AT_LEAST_EVERY);
                let asked = tokio::select! {
                    _ = tokio::time::sleep(wake) => false,
                    _ = heard(&mut asks, &source.name) => true,
                    _ = stop.wait_for(|s| *s) => return,
                };
                if asked {
                    backoff.lock().await.clear();
                    break;
                }
                if Utc::now() >= next {
                    break;
                }
            }
        }
    }
}
