//! The structure of a GRIB2 file checked before the `grib` crate reads it:
//! each message starts with `GRIB` and edition 2, its total length fits in
//! the file, each section's length is at least its own header and ends
//! within its message, section numbers are 1 to 7, and the message ends in
//! `7777`. The crate trusts these lengths (a section declaring fewer bytes
//! than its header makes it subtract past zero; one declaring more than the
//! file makes it allocate that much), so a file whose lengths lie is
//! refused here with where and why, before anything is allocated for it.
//! Bytes before and between messages are skipped, as ecCodes skips them.

use std::io::{Read, Seek, SeekFrom};

use super::{GribError, Limits};

/// Most sections one message may hold (a message repeats sections 2 to 7
/// for each submessage).
const MAX_SECTIONS: usize = 100_000;

/// Checks the file `reader` reads, `size` bytes long.
pub(super) fn check<R: Read + Seek>(
    reader: &mut R,
    size: u64,
    limits: Limits,
) -> Result<(), GribError> {
    let bad = |at: u64, what: String| GribError::NotGrib(format!("at byte {at}: {what}"));
    let mut at = 0u64;
    let mut count = 0usize;
    while size.saturating_sub(at) >= 16 {
        let mut indicator = [0u8; 16];
        reader
            .seek(SeekFrom::Start(at))
            .and_then(|_| reader.read_exact(&mut indicator))
            .map_err(|e| bad(at, e.to_string()))?;
        if &indicator[..4] != b"GRIB" {
            // Bytes before or between messages (a WMO bulletin's header,
            // padding) are skipped, as ecCodes and the crate skip them.
            match find_magic(reader, at, size).map_err(|e| bad(at, e.to_string()))? {
                Some(next) => {
                    at = next;
                    continue;
                }
                None => break,
            }
        }
        if indicator[7] != 2 {
            return Err(bad(at, format!("edition {}, not 2", indicator[7])));
        }
        let total = u64::from_be_bytes(indicator[8..16].try_into().unwrap_or_default());
        if total < 16 + 4 || total > size - at {
            return Err(bad(
                at,
                format!("a message of {total} bytes in {} left", size - at),
            ));
        }
        count += 1;
        if count > limits.max_messages {
            return Err(GribError::TooManyMessages(limits.max_messages));
        }
        let end = at + total - 4;
        let mut section_at = at + 16;
        let mut sections = 0usize;
        // The last section 5's template and number of values.
        let mut packing: Option<(u16, u64)> = None;
        while section_at < end {
            let mut header = [0u8; 5];
            reader
                .seek(SeekFrom::Start(section_at))
                .and_then(|_| reader.read_exact(&mut header))
                .map_err(|e| bad(section_at, e.to_string()))?;
            let length = u64::from(u32::from_be_bytes(
                header[..4].try_into().unwrap_or_default(),
            ));
            let number = header[4];
            if !(1..=7).contains(&number) {
                return Err(bad(section_at, format!("section number {number}")));
            }
            if length < 5 || length > end - section_at {
                return Err(bad(
                    section_at,
                    format!("section {number} declares {length} bytes"),
                ));
            }
            sections += 1;
            if sections > MAX_SECTIONS {
                return Err(bad(at, format!("over {MAX_SECTIONS} sections")));
            }
            match number {
                5 => packing = data_representation(reader, section_at, length),
                7 if packing.is_some_and(|(template, _)| template == 40) => {
                    let values = packing.map_or(0, |(_, values)| values);
                    check_jpeg2000(reader, section_at, length, values)
                        .map_err(|what| bad(section_at, what))?;
                }
                _ => {}
            }
            section_at += length;
        }
        let mut tail = [0u8; 4];
        reader
            .seek(SeekFrom::Start(end))
            .and_then(|_| reader.read_exact(&mut tail))
            .map_err(|e| bad(end, e.to_string()))?;
        if &tail != b"7777" || section_at != end {
            return Err(bad(end, "the message does not end in 7777".into()));
        }
        at += total;
    }
    if count == 0 {
        return Err(GribError::NotGrib("the file holds no GRIB2 message".into()));
    }
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| GribError::NotGrib(e.to_string()))?;
    Ok(())
}

/// Where the next `GRIB` is at or after `from`, read a block at a time.
fn find_magic<R: Read + Seek>(
    reader: &mut R,
    from: u64,
    size: u64,
) -> std::io::Result<Option<u64>> {
    const BLOCK: usize = 64 * 1024;
    let mut block = vec![0u8; BLOCK];
    let mut at = from;
    while at < size {
        let want = (size - at).min(BLOCK as u64) as usize;
        reader.seek(SeekFrom::Start(at))?;
        reader.read_exact(&mut block[..want])?;
        if let Some(found) = block[..want].windows(4).position(|w| w == b"GRIB") {
            return Ok(Some(at + found as u64));
        }
        if want < 4 {
            break;
        }
        // The last three bytes again: a magic across two blocks.
        at += (want - 3) as u64;
    }
    Ok(None)
}

/// Section 5's data representation template and number of values.
fn data_representation<R: Read + Seek>(reader: &mut R, at: u64, length: u64) -> Option<(u16, u64)> {
    if length < 11 {
        return None;
    }
    let mut octets = [0u8; 11];
    reader.seek(SeekFrom::Start(at)).ok()?;
    reader.read_exact(&mut octets).ok()?;
    let values = u64::from(u32::from_be_bytes(octets[5..9].try_into().ok()?));
    let template = u16::from_be_bytes(octets[9..11].try_into().ok()?);
    Some((template, values))
}

/// A JPEG 2000 code stream (section 7 under template 5.40) whose image
/// size (its SIZ marker) is more than the values section 5 declares: the
/// decoder would allocate for the declared image (hundreds of GB: an
/// abort), so it is refused here.
fn check_jpeg2000<R: Read + Seek>(
    reader: &mut R,
    at: u64,
    length: u64,
    values: u64,
) -> Result<(), String> {
    // SOC, SIZ, Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz,
    // XTOsiz, YTOsiz, Csiz.
    const SIZ: usize = 2 + 2 + 2 + 2 + 8 * 4 + 2;
    if length < 5 + SIZ as u64 {
        return Ok(()); // too short to decode: the decoder says so
    }
    let mut head = [0u8; SIZ];
    reader
        .seek(SeekFrom::Start(at + 5))
        .and_then(|_| reader.read_exact(&mut head))
        .map_err(|e| e.to_string())?;
    if head[..4] != [0xFF, 0x4F, 0xFF, 0x51] {
        return Ok(()); // not a code stream the decoder will read either
    }
    let word = |n: usize| {
        u64::from(u32::from_be_bytes([
            head[8 + 4 * n],
            head[9 + 4 * n],
            head[10 + 4 * n],
            head[11 + 4 * n],
        ]))
    };
    let (x, y, x0, y0, tx, ty, tx0, ty0) = (
        word(0),
        word(1),
        word(2),
        word(3),
        word(4),
        word(5),
        word(6),
        word(7),
    );
    let components = u16::from_be_bytes([head[40], head[41]]);
    let (width, height) = (x.saturating_sub(x0), y.saturating_sub(y0));
    let tiles =
        |size: u64, origin: u64, tile: u64| size.saturating_sub(origin).div_ceil(tile.max(1));
    let image_fits = width
        .checked_mul(height)
        .is_some_and(|pixels| pixels <= values.max(1));
    let tiles_fit = tx > 0
        && ty > 0
        && tiles(x, tx0, tx)
            .checked_mul(tiles(y, ty0, ty))
            .is_some_and(|n| n <= values.max(1));
    if x0 > x || y0 > y || components == 0 || components > 4 || !image_fits || !tiles_fit {
        return Err(format!(
            "a JPEG 2000 image of {width} × {height} ({components} components) for {values} values"
        ));
    }
    Ok(())
}
