//! Where product files live on disk.
//!
//! ```text
//! <data dir>/
//!   incoming/                     the watched drop folder (providers write here)
//!   archive/<category>/<platform>/<YYYY>/<MM>/<DD>/<file name>   accepted originals
//!   rejected/<file name>          refused files, bytes untouched
//!   rejected/<file name>.reason.txt
//!   opsboard.sqlite               the catalogue
//! ```
//!
//! Files only ever move by `rename` inside the data dir (one file system, so a
//! move is atomic and never copies), and the directory entry is synced, so a
//! crash cannot leave a file half in one place and half in another.

mod files;

pub use files::{
    hash_regular_file, move_file, move_unsynced, open_regular, read_regular_file, sync_dir,
    FileIdentity, Hashed, TakeError,
};

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use files::write_synced;

use model::name::ProductName;

/// The data directory and the names of its parts. Paths stored in the
/// catalogue are relative to it, so a campaign's data dir can be moved whole.
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Creates the folders that must exist before the server starts.
    pub fn create_all(&self) -> io::Result<()> {
        for dir in [self.incoming(), self.archive(), self.rejected()] {
            fs::create_dir_all(dir)?;
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn incoming(&self) -> PathBuf {
        self.root.join("incoming")
    }
    pub fn archive(&self) -> PathBuf {
        self.root.join("archive")
    }
    pub fn rejected(&self) -> PathBuf {
        self.root.join("rejected")
    }
    pub fn database(&self) -> PathBuf {
        self.root.join("opsboard.sqlite")
    }
    /// Where HTTP uploads are written before ingest takes them.
    pub fn uploads(&self) -> PathBuf {
        self.root.join("uploads")
    }

    /// Takes the data dir for this process: two processes writing one
    /// catalogue and one archive (a second `serve`, an `import` during
    /// `serve`) would each repair what the other is doing. The lock is the
    /// OS's (released by a crash too), on `opsboard.lock`, which names the
    /// holder's process id for the message the second one prints.
    pub fn lock(&self) -> Result<DataLock, LockError> {
        let path = self.root.join("opsboard.lock");
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|error| LockError::Io {
                path: path.clone(),
                error,
            })?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0)
                    .and_then(|()| file.write_all(format!("{}\n", std::process::id()).as_bytes()))
                    .map_err(|error| LockError::Io {
                        path: path.clone(),
                        error,
                    })?;
                Ok(DataLock { _file: file })
            }
            Err(fs::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                Err(LockError::Held {
                    root: self.root.clone(),
                    pid: holder.trim().to_string(),
                })
            }
            Err(fs::TryLockError::Error(error)) => Err(LockError::Io { path, error }),
        }
    }

    /// Removes what `uploads/` holds: at start, only uploads whose sender
    /// never got an answer (an answer comes after ingest took the file), who
    /// will send them again. Returns how many entries were removed.
    pub fn sweep_uploads(&self) -> io::Result<usize> {
        let dir = self.uploads();
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut removed = 0;
        for entry in entries {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                fs::remove_dir_all(entry.path())?;
            } else {
                fs::remove_file(entry.path())?;
            }
            removed += 1;
        }
        Ok(removed)
    }

    /// Where version `version` of a product is archived, relative to the root.
    /// Version 1 keeps its file name; later ones get a `~vN` suffix beside it.
    pub fn archive_path(&self, name: &ProductName, file_name: &str, version: i64) -> PathBuf {
        let day = name.time.format("%Y/%m/%d").to_string();
        let file = if version <= 1 {
            file_name.to_string()
        } else {
            format!("{file_name}~v{version}")
        };
        Path::new("archive")
            .join(&name.category)
            .join(&name.platform)
            .join(day)
            .join(file)
    }

    /// The file name a provider sent, from an archived file's name (which may
    /// carry a `~vN` version suffix).
    pub fn original_name(archived: &str) -> &str {
        match archived.rsplit_once("~v") {
            Some((name, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => archived,
        }
    }

    /// The version an archived file's name carries: `~vN`, or 1 without one.
    pub fn archived_version(archived: &str) -> i64 {
        match archived.rsplit_once("~v") {
            Some((_, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                n.parse().unwrap_or(i64::MAX)
            }
            _ => 1,
        }
    }

    /// Turns a stored relative path into a real one, refusing any path that
    /// would leave the data dir (absolute, or with `..`).
    pub fn resolve(&self, relative: &Path) -> Option<PathBuf> {
        let safe = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        safe.then(|| self.root.join(relative))
    }

    /// Moves a refused file into `rejected/` with its reason beside it and
    /// returns the path it now has. An earlier rejection of the same name is
    /// never overwritten: the newcomer gets a `~N` suffix.
    pub fn reject(&self, from: &Path, reason: &str) -> io::Result<PathBuf> {
        let name = from.file_name().unwrap_or(OsStr::new("unnamed"));
        let dir = self.rejected();
        fs::create_dir_all(&dir)?;
        let mut target = dir.join(name);
        let mut n = 2;
        while target.symlink_metadata().is_ok() || reason_path(&target).symlink_metadata().is_ok() {
            let mut with_suffix = OsString::from(name);
            with_suffix.push(format!("~{n}"));
            target = dir.join(with_suffix);
            n += 1;
        }
        write_synced(&reason_path(&target), format!("{reason}\n").as_bytes())?;
        move_file(from, &target)?;
        Ok(target)
    }
}

/// The data dir, held by this process until dropped.
#[derive(Debug)]
pub struct DataLock {
    _file: fs::File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another opsboard (process {pid}) is using the data dir {}: stop it first; \
         to add files while it runs, drop them into its incoming/ folder or upload them",
        root.display()
    )]
    Held { root: PathBuf, pid: String },
    #[error("locking {}: {error}", path.display())]
    Io { path: PathBuf, error: io::Error },
}

/// `<file>.reason.txt`, beside the rejected file.
pub fn reason_path(rejected_file: &Path) -> PathBuf {
    let mut name = rejected_file
        .file_name()
        .map(OsString::from)
        .unwrap_or_default();
    name.push(".reason.txt");
    rejected_file.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::name::NameRules;

    #[test]
    fn archive_paths_are_per_category_platform_and_day() {
        let data = DataDir::new("/d");
        let file = "model.AROME.202611281200.024h_precip.png";
        let name = NameRules::default().parse(file).unwrap();
        assert_eq!(
            data.archive_path(&name, file, 1),
            Path::new("archive/model/AROME/2026/11/28").join(file)
        );
        assert!(data
            .archive_path(&name, file, 3)
            .to_string_lossy()
            .ends_with("precip.png~v3"));
    }

    #[test]
    fn original_names_drop_the_version_suffix() {
        assert_eq!(DataDir::original_name("a.b.c.d.png~v12"), "a.b.c.d.png");
        assert_eq!(DataDir::original_name("a.b.c.d.png"), "a.b.c.d.png");
        assert_eq!(DataDir::original_name("a.b.c.d.png~vx"), "a.b.c.d.png~vx");
        assert_eq!(DataDir::archived_version("a.b.c.d.png~v12"), 12);
        assert_eq!(DataDir::archived_version("a.b.c.d.png"), 1);
    }

    #[test]
    fn resolve_refuses_paths_leaving_the_data_dir() {
        let data = DataDir::new("/d");
        assert!(data.resolve(Path::new("archive/x")).is_some());
        assert!(data.resolve(Path::new("../etc/passwd")).is_none());
        assert!(data.resolve(Path::new("/etc/passwd")).is_none());
    }

    #[test]
    fn reject_keeps_bytes_and_reason_and_never_overwrites() {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path());
        data.create_all().unwrap();
        for bytes in [b"first".as_slice(), b"second".as_slice()] {
            let dropped = data.incoming().join("bad.name");
            fs::write(&dropped, bytes).unwrap();
            data.reject(&dropped, "expected 5 tokens").unwrap();
            assert!(!dropped.exists());
        }
        let rejected = data.rejected();
        assert_eq!(fs::read(rejected.join("bad.name")).unwrap(), b"first");
        assert_eq!(fs::read(rejected.join("bad.name~2")).unwrap(), b"second");
        assert_eq!(
            fs::read_to_string(rejected.join("bad.name~2.reason.txt")).unwrap(),
            "expected 5 tokens\n"
        );
    }

    #[test]
    fn a_data_dir_is_held_by_one_process_at_a_time() {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path());
        let held = data.lock().unwrap();
        let err = data.lock().unwrap_err().to_string();
        assert!(err.contains("another opsboard (process"), "{err}");
        assert!(err.contains(&std::process::id().to_string()), "{err}");
        drop(held);
        assert!(data.lock().is_ok(), "released when dropped");
    }

    #[test]
    fn sweeping_uploads_leaves_the_folder_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path());
        assert_eq!(data.sweep_uploads().unwrap(), 0, "no folder yet");
        fs::create_dir_all(data.uploads().join("123-0")).unwrap();
        fs::write(data.uploads().join("123-0").join("x.png"), b"half").unwrap();
        fs::write(data.uploads().join("stray"), b"x").unwrap();
        assert_eq!(data.sweep_uploads().unwrap(), 2);
        assert_eq!(fs::read_dir(data.uploads()).unwrap().count(), 0);
    }
}
