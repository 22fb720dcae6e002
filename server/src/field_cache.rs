//! Model fields kept decoded between requests. A map is asked for many
//! times over one field (each pan of the board, each WMS tile, each step
//! back and forth through the leads), and decoding a GRIB2 message or a
//! NetCDF variable's slice costs far
//! more than drawing it; so the messages a file holds and each field decoded
//! and indexed ([`Located`]) are kept, least recently used dropped first,
//! within a memory budget.
//!
//! Entries are keyed by the file's path, size and modification time: a file
//! replaced in place is read again, never drawn from a stale copy. Blocking:
//! call from `spawn_blocking`. Two requests for one field not yet kept may
//! both decode it; the second keeps its copy.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use lru::LruCache;
use media::field_map::Located;
use media::grib::Limits;
use media::model_file::{Message, ModelFile, ModelFileError};

/// Files whose message lists are kept.
const LISTS: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FileKey {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

#[derive(Debug, thiserror::Error)]
pub enum FieldReadError {
    #[error("the file is missing")]
    Missing,
    #[error(transparent)]
    File(#[from] ModelFileError),
    #[error("message {0} has no point with a place")]
    NoPoints(usize),
}

struct Kept {
    lists: LruCache<FileKey, Arc<Vec<Message>>>,
    fields: LruCache<(FileKey, usize), Arc<Located>>,
    bytes: usize,
}

/// The door to the kept fields. Cheap to clone.
#[derive(Clone)]
pub struct FieldCache {
    kept: Arc<Mutex<Kept>>,
    budget: usize,
    limits: Limits,
}

impl FieldCache {
    /// Keeps decoded fields up to about `budget` bytes.
    pub fn new(budget: usize) -> Self {
        Self {
            kept: Arc::new(Mutex::new(Kept {
                lists: LruCache::new(NonZeroUsize::new(LISTS).unwrap_or(NonZeroUsize::MIN)),
                fields: LruCache::unbounded(),
                bytes: 0,
            })),
            budget,
            limits: Limits::default(),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic elsewhere while holding it leaves a usable cache.
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The messages of the model file (GRIB2, NetCDF) at `path`.
    pub fn messages(&self, path: &Path) -> Result<Arc<Vec<Message>>, FieldReadError> {
        let key = key_of(path)?;
        if let Some(found) = self.kept().lists.get(&key) {
            return Ok(found.clone());
        }
        let listed = Arc::new(open(path, self.limits)?.messages().to_vec());
        self.kept().lists.put(key, listed.clone());
        Ok(listed)
    }

    /// Message `index` of the file at `path`, decoded and indexed.
    pub fn field(&self, path: &Path, index: usize) -> Result<Arc<Located>, FieldReadError> {
        let key = (key_of(path)?, index);
        if let Some(found) = self.kept().fields.get(&key) {
            return Ok(found.clone());
        }
        let grid = open(path, self.limits)?.gridded(index)?;
        let located = Arc::new(Located::new(grid).ok_or(FieldReadError::NoPoints(index))?);
        let mut kept = self.kept();
        kept.bytes += located.bytes();
        if let Some(old) = kept.fields.put(key, located.clone()) {
            kept.bytes = kept.bytes.saturating_sub(old.bytes());
        }
        while kept.bytes > self.budget && kept.fields.len() > 1 {
            match kept.fields.pop_lru() {
                Some((_, old)) => kept.bytes = kept.bytes.saturating_sub(old.bytes()),
                None => break,
            }
        }
        Ok(located)
    }
}

fn key_of(path: &Path) -> Result<FileKey, FieldReadError> {
    let meta = std::fs::symlink_metadata(path).map_err(|_| FieldReadError::Missing)?;
    if !meta.is_file() {
        return Err(FieldReadError::Missing);
    }
    Ok(FileKey {
        path: path.to_path_buf(),
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// Opens `path` as a model file, never through a symbolic link.
fn open(path: &Path, limits: Limits) -> Result<ModelFile, FieldReadError> {
    key_of(path)?;
    Ok(ModelFile::open(path, limits)?)
}
