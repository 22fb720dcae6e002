//! Any bytes as an in situ series: the first byte says CSV or ICARTT, the
//! rest is the file, read by the series reader under its caps. Columns or a
//! reason, never a panic, a hang or a large allocation (libFuzzer's RSS and
//! time limits enforce the last two). The plot drawn from what is read has
//! fixed dimensions; one input in 128 is drawn too.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use media::preview::series::{read, SeriesFormat};
use media::preview::{render_bytes, PreviewLimits};

fuzz_target!(|data: &[u8]| {
    let Some((&kind, file)) = data.split_first() else {
        return;
    };
    let (format, ext) = if kind % 2 == 0 {
        (SeriesFormat::Csv, "csv")
    } else {
        (SeriesFormat::Icartt, "ict")
    };
    let read = read(Cursor::new(file), format, &[]);
    if read.is_ok() && kind >= 254 {
        let _ = render_bytes(file, ext, &PreviewLimits::default());
    }
});
