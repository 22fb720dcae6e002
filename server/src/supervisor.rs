//! The long-running tasks (ingest, watcher, previews) under watch.
//!
//! Each task reports what it is working on; [`supervise`] restarts one that
//! panics (after a short pause, so a task that dies at once does not spin),
//! and `/api/v1/health` reads the reports, so a task that is down or stuck on
//! one file is visible to monitoring instead of hiding behind an `ok`.
//!
//! A panic in one *item* (one file, one preview) is caught closer to it, by the
//! task itself; the supervisor is the net under that net.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::task::JoinHandle;

/// How long a task may work on one item before health calls it stuck.
pub const STUCK_AFTER: Duration = Duration::from_secs(60);
/// Pause before a task that panicked is started again.
const RESTART_PAUSE: Duration = Duration::from_millis(500);

/// The reports of every task. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Tasks {
    inner: Arc<Mutex<BTreeMap<&'static str, TaskState>>>,
}

#[derive(Debug, Default)]
struct TaskState {
    down: Option<String>,
    stopped: bool,
    restarts: u32,
    last_failure: Option<String>,
    /// Items in hand, by a number of their own: what, and since when.
    busy: BTreeMap<u64, (String, Instant)>,
    next_item: u64,
}

/// What health says of one task.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TaskReport {
    /// `running`, `down` (panicked, restarting) or `stopped` (at shutdown).
    pub state: &'static str,
    /// The item it has been on the longest, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy_with: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy_for_s: Option<f64>,
    pub restarts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<String>,
}

impl Tasks {
    /// The handle a task reports through; registers it as running.
    pub fn register(&self, name: &'static str) -> TaskHandle {
        self.lock().entry(name).or_default();
        TaskHandle {
            name,
            tasks: self.clone(),
        }
    }

    /// Every task's report, and the first reason the whole is unhealthy:
    /// a task down, or one item held longer than `stuck_after`.
    pub fn report(
        &self,
        stuck_after: Duration,
    ) -> (BTreeMap<&'static str, TaskReport>, Option<Problem>) {
        let now = Instant::now();
        let mut problem = None;
        let reports = self
            .lock()
            .iter()
            .map(|(&name, state)| {
                let oldest = state.busy.values().min_by_key(|(_, since)| *since);
                let busy_for = oldest.map(|(_, since)| now.duration_since(*since));
                let status = match (&state.down, state.stopped) {
                    (Some(_), _) => "down",
                    (None, true) => "stopped",
                    (None, false) => "running",
                };
                if problem.is_none() {
                    if let Some(reason) = &state.down {
                        problem = Some(Problem {
                            class: format!("{name} is down"),
                            detail: format!("{name} is down: {reason}"),
                        });
                    } else if let (Some((what, _)), Some(d)) = (oldest, busy_for) {
                        if d > stuck_after {
                            problem = Some(Problem {
                                class: format!("{name} is stuck"),
                                detail: format!("{name} has been on {what} for {} s", d.as_secs()),
                            });
                        }
                    }
                }
                let report = TaskReport {
                    state: status,
                    busy_with: oldest.map(|(what, _)| what.clone()),
                    busy_for_s: busy_for.map(|d| (d.as_secs_f64() * 10.0).round() / 10.0),
                    restarts: state.restarts,
                    last_failure: state.last_failure.clone(),
                };
                (name, report)
            })
            .collect();
        (reports, problem)
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<&'static str, TaskState>> {
        // A panic while the lock is held cannot leave a report half-written
        // in a way that matters: take it back rather than fail health.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What is wrong with the server: a class anyone may read ("ingest is
/// stuck"), and the detail only admins may (it names files, which may be
/// restricted products, and errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub class: String,
    pub detail: String,
}

/// One task's side of [`Tasks`]. Cheap to clone.
#[derive(Clone, Debug)]
pub struct TaskHandle {
    name: &'static str,
    tasks: Tasks,
}

impl TaskHandle {
    /// Marks `what` as in hand until the returned guard is dropped (also
    /// when the work panics, as the guard is dropped while unwinding).
    pub fn busy(&self, what: impl Into<String>) -> Busy {
        let mut all = self.tasks.lock();
        let state = all.entry(self.name).or_default();
        let id = state.next_item;
        state.next_item += 1;
        state.busy.insert(id, (what.into(), Instant::now()));
        Busy {
            handle: self.clone(),
            id,
        }
    }

    fn update(&self, change: impl FnOnce(&mut TaskState)) {
        change(self.tasks.lock().entry(self.name).or_default());
    }
}

/// An item in hand; see [`TaskHandle::busy`].
#[must_use = "the item counts as in hand only while this lives"]
pub struct Busy {
    handle: TaskHandle,
    id: u64,
}

impl Drop for Busy {
    fn drop(&mut self) {
        let id = self.id;
        self.handle.update(|state| {
            state.busy.remove(&id);
        });
    }
}

/// Runs the task `make()` builds until it returns; if it panics, reports it
/// down, waits a moment and starts a new one. The returned handle ends when
/// the task ends normally (at shutdown).
pub fn supervise<F, Fut>(handle: TaskHandle, mut make: F) -> JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            match tokio::spawn(make()).await {
                Ok(()) => {
                    handle.update(|s| s.stopped = true);
                    return;
                }
                Err(error) if error.is_cancelled() => return,
                Err(error) => {
                    let reason = panic_message(error.into_panic());
                    tracing::error!(task = handle.name, %reason, "task panicked; restarting it");
                    handle.update(|s| {
                        s.down = Some(reason.clone());
                        s.last_failure = Some(reason);
                        s.busy.clear();
                    });
                    tokio::time::sleep(RESTART_PAUSE).await;
                    handle.update(|s| {
                        s.down = None;
                        s.restarts += 1;
                    });
                }
            }
        }
    })
}

/// The text a panic carries, for logs and for the reason a file is refused.
pub fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn a_panicking_task_is_restarted_and_reported() {
        let tasks = Tasks::default();
        let runs = Arc::new(AtomicU32::new(0));
        let counter = runs.clone();
        let done = supervise(tasks.register("ingest"), move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    panic!("first run fails");
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(5), done)
            .await
            .expect("the second run ends the task")
            .expect("the supervisor itself does not panic");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        let (reports, problem) = tasks.report(STUCK_AFTER);
        let ingest = &reports["ingest"];
        assert_eq!((ingest.state, ingest.restarts), ("stopped", 1));
        assert_eq!(ingest.last_failure.as_deref(), Some("first run fails"));
        assert_eq!(problem, None);
    }

    #[test]
    fn an_item_held_too_long_makes_health_fail_until_it_is_released() {
        let tasks = Tasks::default();
        let handle = tasks.register("previews");
        let busy = handle.busy("product 7");
        std::thread::sleep(Duration::from_millis(20));
        let (reports, problem) = tasks.report(Duration::from_millis(10));
        assert_eq!(reports["previews"].busy_with.as_deref(), Some("product 7"));
        let problem = problem.unwrap();
        assert!(problem.detail.starts_with("previews has been on product 7"));
        assert_eq!(problem.class, "previews is stuck");
        drop(busy);
        let (reports, problem) = tasks.report(Duration::from_millis(10));
        assert_eq!(
            (reports["previews"].busy_with.clone(), problem),
            (None, None)
        );
    }
}
