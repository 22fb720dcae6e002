//! The `grib` crate kept within bounds: what it would size by a declared
//! value is checked first ([`bounded`]), and a panic inside it (it trusts
//! some input values in arithmetic) is a refusal ([`guarded`]), so no file
//! takes down the task that reads it.

use super::{is_reduced_gaussian, GribError, Limits};

/// Runs `read` and turns a panic inside the `grib` crate (it trusts some
/// values of its input in arithmetic: an overflow panics in debug builds)
/// into a refusal of message `index` (`usize::MAX`: of the file), so one
/// file never takes down the task that reads it.
pub(super) fn guarded<T>(
    index: usize,
    read: impl FnOnce() -> Result<T, GribError>,
) -> Result<T, GribError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        let reason = format!("the decoder failed on it ({why})");
        Err(match index {
            usize::MAX => GribError::NotGrib(reason),
            index => GribError::Message(index, reason),
        })
    })
}

/// The points message `index` declares, once they are within `limits` and
/// its rows (`Ni` × `Nj`) hold exactly that many: the `grib` crate sizes
/// its coordinates by `Ni` and `Nj` alone, so a grid of 4 × 10⁹ columns
/// declaring ten points would have it allocate 32 GB (an abort, not a
/// panic). Checked before any coordinate or value is computed.
pub(super) fn bounded<R: grib::Grib2Read>(
    sub: &grib::SubMessage<'_, R>,
    index: usize,
    limits: Limits,
) -> Result<usize, GribError> {
    let points = sub.grid_def().num_points() as usize;
    if points > limits.max_points {
        return Err(GribError::TooManyPoints {
            index,
            points,
            limit: limits.max_points,
        });
    }
    if !is_reduced_gaussian(sub) {
        if let Ok((ni, nj)) = sub.grid_shape() {
            if ni.checked_mul(nj) != Some(points) {
                return Err(GribError::Message(
                    index,
                    format!("a grid of {ni} × {nj} declares {points} points"),
                ));
            }
        }
    }
    Ok(points)
}
