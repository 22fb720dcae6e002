//! Moving and reading the files of the data dir safely: renames that never
//! replace and survive a power cut, and files taken through one descriptor,
//! opened without following a symbolic link, so what is checked is what is
//! read and what is archived.

use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

/// Renames `from` to `to` (creating `to`'s folder), then syncs the folders so
/// the move survives a power cut. Never replaces an existing file: on Linux
/// the kernel checks (`renameat2` with `RENAME_NOREPLACE`), so no other
/// writer can slip a file in between a check and the rename.
pub fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    move_unsynced(from, to)?;
    for dir in [to.parent(), from.parent()].into_iter().flatten() {
        sync_dir(dir)?;
    }
    Ok(())
}

/// [`move_file`] without the folders' syncs: for files moved together, whose
/// folders are then synced once each ([`sync_dir`]) before any of them is
/// catalogued.
pub fn move_unsynced(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    rename_no_replace(from, to)
}

#[cfg(target_os = "linux")]
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        // A file system without the flag: check, then rename.
        Err(Errno::INVAL | Errno::NOSYS) => checked_rename(from, to),
        Err(Errno::EXIST) => Err(exists(to)),
        Err(other) => Err(other.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    checked_rename(from, to)
}

fn checked_rename(from: &Path, to: &Path) -> io::Result<()> {
    if to.symlink_metadata().is_ok() {
        return Err(exists(to));
    }
    fs::rename(from, to)
}

fn exists(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{} already exists", path.display()),
    )
}

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Syncs a folder: the names moved in or out of it survive a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    // Directories can be opened and fsynced on Unix; elsewhere this is a no-op.
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Which file a path named when it was opened (device and inode), to notice
/// a file swapped for another (or for a symbolic link) while it is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileIdentity {
    device: u64,
    inode: u64,
}

impl FileIdentity {
    fn of(meta: &fs::Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Self {
                device: meta.dev(),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Self {
                device: 0,
                inode: 0,
            }
        }
    }

    /// Whether `path` (not followed if it is a link) is still this file.
    pub fn is_at(&self, path: &Path) -> bool {
        fs::symlink_metadata(path)
            .is_ok_and(|meta| meta.file_type().is_file() && FileIdentity::of(&meta) == *self)
    }
}

/// Why a file could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    /// A symbolic link, a folder, a device or a pipe where a file was expected.
    #[error("not a regular file (symbolic links, devices and pipes are not accepted)")]
    NotRegular,
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// A file as taken: its identity, size and hex SHA-256, all read through one
/// descriptor.
#[derive(Clone, Debug)]
pub struct Hashed {
    pub identity: FileIdentity,
    pub size: u64,
    pub sha256: String,
}

/// Opens `path` without following a symbolic link and without blocking on a
/// pipe, and checks through the descriptor that it is a regular file: what
/// is read is what was checked, whatever is renamed in meanwhile.
pub fn open_regular(path: &Path) -> Result<(fs::File, fs::Metadata), TakeError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let flags = OFlags::NOFOLLOW | OFlags::NONBLOCK;
        options.custom_flags(flags.bits() as i32);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        // O_NOFOLLOW on a link.
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            return Err(TakeError::NotRegular)
        }
        Err(e) => return Err(e.into()),
    };
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(TakeError::NotRegular);
    }
    Ok((file, meta))
}

/// Identity, size and hex SHA-256 of a regular file, read in chunks (files
/// can be large) through one descriptor opened by [`open_regular`].
pub fn hash_regular_file(path: &Path) -> Result<Hashed, TakeError> {
    let (mut file, meta) = open_regular(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok(Hashed {
        identity: FileIdentity::of(&meta),
        size,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// The bytes of a small regular file, at most `limit` of them: a file that
/// grows while it is read (a sidecar still being written, or one that never
/// ends) is cut at `limit + 1`, which the caller refuses as too large.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<(Vec<u8>, FileIdentity), TakeError> {
    let (file, meta) = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes, FileIdentity::of(&meta)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_pipes_and_folders_are_not_taken_and_moves_never_replace() {
        let tmp = tempfile::tempdir().unwrap();
        let secret = tmp.path().join("secret");
        fs::write(&secret, b"do not read").unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        assert!(matches!(
            hash_regular_file(&link),
            Err(TakeError::NotRegular)
        ));
        assert!(matches!(
            read_regular_file(&link, 100),
            Err(TakeError::NotRegular)
        ));
        assert!(matches!(
            hash_regular_file(tmp.path()),
            Err(TakeError::NotRegular)
        ));
        let fifo = tmp.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                hash_regular_file(&fifo),
                Err(TakeError::NotRegular)
            ));
        }

        let hashed = hash_regular_file(&secret).unwrap();
        assert!(hashed.identity.is_at(&secret));
        assert!(!hashed.identity.is_at(&link), "a link is not the file");
        let other = tmp.path().join("other");
        fs::write(&other, b"x").unwrap();
        let err = move_file(&other, &secret).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&secret).unwrap(), b"do not read");
        let (bytes, _) = read_regular_file(&secret, 4).unwrap();
        assert_eq!(bytes.len(), 5, "cut at the limit plus one");
    }

    #[test]
    fn hash_file_matches_a_known_digest() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        fs::write(&path, b"abc").unwrap();
        let Hashed { size, sha256, .. } = hash_regular_file(&path).unwrap();
        assert_eq!(size, 3);
        assert_eq!(
            sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
