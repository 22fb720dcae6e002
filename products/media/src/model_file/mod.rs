//! A model run's file, GRIB2 or CF-NetCDF, as fields: what it holds
//! ([`Message`]s, grouped by [`fields`]), one of them chosen by what is
//! asked ([`choose`]) and decoded as rows ([`ModelFile::gridded`]), a value
//! read off it ([`probe`]). The map, the thumbnail, the value under the
//! pointer and the WMS go through here, so both formats are drawn alike.
//!
//! The format is told by the file's first bytes, not its name: `CDF` or
//! HDF5's signature is NetCDF, anything else is searched for GRIB2
//! messages. A file compressed with bzip2 (DWD publishes its runs as
//! `.grib2.bz2`) is decompressed as it is read, never past the byte budget
//! of [`Limits`]: a small file that inflates without end is refused when it
//! passes it.

mod choose;

pub use crate::fields::{fields, level_type_name, Limits, Message};
pub use choose::{choose, probe, Probe, ProbeError, Wanted};

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use netcdf_reader::{BytesStorage, DynStorage, FileStorage, NcFile, NcOpenOptions};

use crate::field_map::Gridded;
use crate::grib::{self, GribError};
use crate::netcdf::{check_groups, NetCdf, NetCdfError};

/// Why a model file, or one of its fields, could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    #[error("the file cannot be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("GRIB2: {0}")]
    Grib(#[from] GribError),
    #[error("NetCDF: {0}")]
    NetCdf(#[from] NetCdfError),
    #[error("bzip2: {0}")]
    Bzip2(String),
    #[error("bzip2: it decompresses to over {0} bytes")]
    Inflated(u64),
}

/// The bytes a GRIB2 file is read from.
enum GribSource {
    File(std::io::BufReader<std::fs::File>),
    Bytes(Cursor<Arc<[u8]>>),
}

impl Read for GribSource {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Self::File(f) => f.read(buf),
            Self::Bytes(b) => b.read(buf),
        }
    }
}

impl Seek for GribSource {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        match self {
            Self::File(f) => f.seek(pos),
            Self::Bytes(b) => b.seek(pos),
        }
    }
}

enum Format {
    Grib(GribSource),
    NetCdf(Box<NetCdf>),
}

/// A model file opened: its messages listed, any of them decoded on ask.
pub struct ModelFile {
    format: Format,
    messages: Vec<Message>,
    limits: Limits,
}

impl ModelFile {
    /// Opens the file at `path` (read in place: a NetCDF file by ranges, a
    /// GRIB2 file by its messages; a bzip2 file into memory).
    pub fn open(path: &Path, limits: Limits) -> Result<Self, ModelFileError> {
        let mut file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        let mut head = [0u8; 8];
        let n = read_head(&mut file, &mut head)?;
        file.seek(SeekFrom::Start(0))?;
        match kind(&head[..n]) {
            Kind::Bzip2 => Self::from_bytes(inflate(file, limits)?, limits),
            _ if len > limits.max_bytes => Err(GribError::TooLarge(len, limits.max_bytes).into()),
            Kind::NetCdf => {
                let storage = FileStorage::from_file(file)
                    .map_err(|e| NetCdfError::NotNetCdf(e.to_string()))?;
                Self::netcdf(Arc::new(storage), &head[..n], limits)
            }
            Kind::Grib => Self::grib(GribSource::File(std::io::BufReader::new(file)), limits),
        }
    }

    /// Reads a model file's bytes (a thumbnail's source, a test's input).
    pub fn from_bytes(bytes: Vec<u8>, limits: Limits) -> Result<Self, ModelFileError> {
        let head = &bytes[..bytes.len().min(8)];
        match kind(head) {
            Kind::Bzip2 => {
                let inflated = inflate(Cursor::new(bytes), limits)?;
                if kind(&inflated[..inflated.len().min(8)]) == Kind::Bzip2 {
                    return Err(ModelFileError::Bzip2("compressed twice".into()));
                }
                Self::from_bytes(inflated, limits)
            }
            _ if bytes.len() as u64 > limits.max_bytes => {
                Err(GribError::TooLarge(bytes.len() as u64, limits.max_bytes).into())
            }
            Kind::NetCdf => {
                let head = head.to_vec();
                Self::netcdf(Arc::new(BytesStorage::from_owner(bytes)), &head, limits)
            }
            Kind::Grib => Self::grib(GribSource::Bytes(Cursor::new(bytes.into())), limits),
        }
    }

    fn netcdf(storage: DynStorage, head: &[u8], limits: Limits) -> Result<Self, ModelFileError> {
        if head.starts_with(b"\x89HDF") {
            guarded(|| check_groups(storage.clone()))?;
        }
        let nc = guarded(|| {
            let file = NcFile::from_storage_with_options(storage, options(limits))
                .map_err(|e| NetCdfError::NotNetCdf(e.to_string()))?;
            NetCdf::new(file, limits)
        })?;
        Ok(Self {
            messages: nc.messages().to_vec(),
            format: Format::NetCdf(Box::new(nc)),
            limits,
        })
    }

    fn grib(mut source: GribSource, limits: Limits) -> Result<Self, ModelFileError> {
        let messages = grib::messages(&mut source, limits)?;
        Ok(Self {
            format: Format::Grib(source),
            messages,
            limits,
        })
    }

    /// What the file holds.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// Message `index` decoded, in rows where its grid has rows.
    pub fn gridded(&mut self, index: usize) -> Result<Gridded, ModelFileError> {
        match &mut self.format {
            Format::Grib(source) => Ok(grib::gridded(source, index, self.limits)?),
            Format::NetCdf(nc) => Ok(guarded(|| nc.gridded(index))?),
        }
    }
}

/// The reader's own bounds, from ours: no read larger than a field.
fn options(limits: Limits) -> NcOpenOptions {
    NcOpenOptions {
        max_read_bytes: limits.max_points.saturating_mul(8),
        ..NcOpenOptions::default()
    }
}

/// A panic in the NetCDF reader on a hostile file is a refusal, not a
/// crash of the task reading it.
fn guarded<T>(read: impl FnOnce() -> Result<T, NetCdfError>) -> Result<T, NetCdfError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(NetCdfError::NotNetCdf(
            "the reader failed on this file".into(),
        ))
    })
}

#[derive(PartialEq, Eq)]
enum Kind {
    Bzip2,
    NetCdf,
    Grib,
}

fn kind(head: &[u8]) -> Kind {
    if head.starts_with(b"BZh") {
        Kind::Bzip2
    } else if head.starts_with(b"CDF") || head.starts_with(b"\x89HDF\r\n\x1a\n") {
        Kind::NetCdf
    } else {
        Kind::Grib
    }
}

fn read_head(file: &mut std::fs::File, head: &mut [u8; 8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The bytes a bzip2 stream decompresses to, refused past the budget.
fn inflate(source: impl Read, limits: Limits) -> Result<Vec<u8>, ModelFileError> {
    let mut out = Vec::new();
    bzip2::read::MultiBzDecoder::new(source)
        .take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| ModelFileError::Bzip2(e.to_string()))?;
    if out.len() as u64 > limits.max_bytes {
        return Err(ModelFileError::Inflated(limits.max_bytes));
    }
    Ok(out)
}
