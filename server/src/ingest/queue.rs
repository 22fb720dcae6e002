//! How files reach the ingest task: the watcher's queue of complete drops and
//! the uploads' queue, each upload with the channel its answer goes back on.

use std::path::PathBuf;

use catalogue::CatalogueError;
use tokio::sync::{mpsc, oneshot};

use super::Outcome;

/// What the ingest task takes files from: the watcher's complete drops and
/// the uploads. Kept outside the task so that a restarted task finds the
/// queues as they were.
pub struct Inbox {
    pub ready: mpsc::Receiver<PathBuf>,
    pub uploads: mpsc::Receiver<Upload>,
}

/// A file received over HTTP, taken in turn with the drop folder's, and
/// where its outcome goes.
pub struct Upload {
    pub path: PathBuf,
    pub provider: String,
    pub reply: oneshot::Sender<Result<Outcome, IngestError>>,
}

/// Hands uploaded files to the ingest task. Cheap to clone.
#[derive(Clone)]
pub struct Uploads {
    sender: mpsc::Sender<Upload>,
}

impl Uploads {
    pub fn new(sender: mpsc::Sender<Upload>) -> Self {
        Self { sender }
    }

    /// Runs `path` through the pipeline as sent by `provider` and waits for the outcome.
    pub async fn submit(&self, path: PathBuf, provider: String) -> Result<Outcome, IngestError> {
        let (reply, outcome) = oneshot::channel();
        self.sender
            .send(Upload {
                path,
                provider,
                reply,
            })
            .await
            .map_err(|_| IngestError::Stopped)?;
        outcome.await.map_err(|_| IngestError::Stopped)?
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the ingest task has stopped")]
    Stopped,
    #[error("catalogue: {0}")]
    Catalogue(#[from] CatalogueError),
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    #[error("worker thread failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}
