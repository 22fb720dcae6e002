//! Any bytes as a model file — GRIB2, NetCDF (classic or HDF5) or either
//! compressed with bzip2, told apart by the first bytes as the server does:
//! its fields listed, the first few laid out in rows, indexed by place,
//! sampled and drawn small, and (1 input in 64) the file's thumbnail made as
//! the preview workers make it — or a reason, never a panic, within limits
//! scaled down so that libFuzzer's memory limit would catch a reader that
//! ignores them.
//!
//! Seeds (fuzz/corpus/model_file): two of pygrib's sample files (MIT) and
//! ecCodes' GRIB2 templates from Debian's libeccodes-data (Apache 2.0) —
//! lat/lon, rotated, polar stereographic, reduced Gaussian, JPEG 2000 and
//! CCSDS; pycontrails' small ERA5 NetCDF-4 files (Apache 2.0), a classic
//! file made from one with Debian's `nccopy`, and a bzip2 GRIB2 file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use media::field_map::{render, Crs, Located, Scale, View};
use media::grib::Limits;
use media::model_file::ModelFile;
use media::preview::{render_bytes, PreviewLimits};

fuzz_target!(
    init: {
        // The readers turn a panic inside the `grib` or `netcdf-reader`
        // crate into a refusal (catch_unwind at their boundary); libFuzzer's hook would abort
        // before that. A panic that escapes them still fails the target:
        // libfuzzer-sys aborts on any panic reaching it.
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
    let limits = Limits {
        max_bytes: 16 << 20,
        max_messages: 64,
        max_points: 1 << 16,
    };
    let Ok(mut file) = ModelFile::from_bytes(data.to_vec(), limits) else {
        return;
    };
    let listed = file.messages().to_vec();
    assert!(listed.len() <= limits.max_messages);
    for message in listed.iter().take(4) {
        let Ok(grid) = file.gridded(message.index) else {
            continue;
        };
        assert!(grid.len() <= limits.max_points);
        let Some(field) = Located::new(grid) else {
            continue;
        };
        let _ = field.sample(45.0, 5.0);
        let _ = field.sample(-89.9, 359.9);
        let scale = Scale::for_field(&message.field(), None, field.range());
        if let Ok(view) = View::new(Crs::LonLat, field.bbox(), 16, 8) {
            assert_eq!(render(&field, &scale, &view).len(), 16 * 8 * 4);
        }
    }
    let preview = PreviewLimits {
        max_pixels: 4_000_000,
        max_bytes: 16 << 20,
        max_memory: 64 << 20,
    };
    // The thumbnail (two pictures of up to 1 200 px) for 1 input in 64:
    // drawn for every input it would be nearly all the time spent.
    if data.len() % 64 == 0 {
        let _ = render_bytes(data, "grib2", &preview);
    }
});
