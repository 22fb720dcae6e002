//! A NetCDF-4 file's groups walked before the reader builds them: HDF5
//! lets a group hold a link to itself or to an ancestor, and `netcdf-reader`
//! follows such a link for ever (the stack overflows, which aborts the
//! process — no `catch_unwind` stops it). The walk here remembers every
//! group by its address and refuses a file whose groups form a cycle or
//! nest deeper than any campaign file does.

use std::collections::HashSet;

use hdf5_reader::storage::DynStorage;
use hdf5_reader::Hdf5File;

use super::NetCdfError;

/// Deepest nesting of groups read.
const MAX_DEPTH: usize = 32;
/// Most groups in one file.
const MAX_GROUPS: usize = 4096;

/// Whether the HDF5 file `storage` holds has a tree of groups.
pub fn check(storage: DynStorage) -> Result<(), NetCdfError> {
    let file = Hdf5File::from_storage(storage).map_err(bad)?;
    let root = file.root_group().map_err(bad)?;
    let mut seen: HashSet<u64> = HashSet::from([root.address()]);
    let mut stack = vec![(root, 0usize)];
    while let Some((group, depth)) = stack.pop() {
        for child in group.groups().map_err(bad)? {
            if !seen.insert(child.address()) {
                return Err(NetCdfError::NotNetCdf(format!(
                    "group {} is reached twice: its groups form a cycle",
                    child.name()
                )));
            }
            if depth + 1 > MAX_DEPTH || seen.len() > MAX_GROUPS {
                return Err(NetCdfError::NotNetCdf(format!(
                    "groups nest deeper than {MAX_DEPTH} or number over {MAX_GROUPS}"
                )));
            }
            stack.push((child, depth + 1));
        }
    }
    Ok(())
}

fn bad(e: impl std::fmt::Display) -> NetCdfError {
    NetCdfError::NotNetCdf(e.to_string())
}
