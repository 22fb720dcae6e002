//! GRIB2 files the fuzz target (fuzz/fuzz_targets/grib.rs) found crashing
//! a reader, kept as they were found (products/media/tests/hostile): each
//! read through every step the target takes — listed, laid out, indexed,
//! sampled, drawn, its thumbnail made — ends in a value or a reason.

mod samples;

use std::io::Cursor;

use media::field_map::{render, Crs, Located, Scale, View};
use media::grib::{gridded, messages, Limits};
use media::preview::{render_bytes, PreviewLimits};

fn every_step(data: &[u8]) {
    let limits = Limits {
        max_bytes: 16 << 20,
        max_messages: 64,
        max_points: 1 << 20,
    };
    if let Ok(listed) = messages(Cursor::new(data), limits) {
        for message in listed.iter().take(4) {
            let Ok(grid) = gridded(Cursor::new(data), message.index, limits) else {
                continue;
            };
            let Some(field) = Located::new(grid) else {
                continue;
            };
            let _ = field.sample(45.0, 5.0);
            let scale = Scale::for_field(&message.field(), None, field.range());
            if let Ok(view) = View::new(Crs::LonLat, field.bbox(), 16, 8) {
                let _ = render(&field, &scale, &view);
            }
        }
    }
    let _ = render_bytes(data, "grib2", &PreviewLimits::default());
}

#[test]
fn files_the_fuzzer_found_end_in_a_value_or_a_reason() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).expect("the hostile files") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "grib2") {
            every_step(&std::fs::read(&path).expect("read"));
            read += 1;
        }
    }
    assert!(read >= 5);
    // The fifth: a JPEG 2000 code stream declaring an image of 6 113 ×
    // 4 294 901 761 for 6 114 values (its decoder would have asked for
    // 309 GB: an abort).
    let fifth = std::fs::read(dir.join("grib_fuzz_5.grib2")).expect("read");
    let refused = messages(Cursor::new(&fifth), Limits::default()).expect_err("refused");
    assert!(
        refused.to_string().contains("a JPEG 2000 image of"),
        "{refused}"
    );
    // The third: 4 × 10⁹ columns declaring few points (the crate would
    // have allocated 32 GB for their longitudes: an abort).
    let third = std::fs::read(dir.join("grib_fuzz_3.grib2")).expect("read");
    let refused = gridded(Cursor::new(&third), 0, Limits::default()).expect_err("refused");
    assert!(refused.to_string().contains("declares"), "{refused}");
    // The second: a grid whose corners overflow the crate's arithmetic.
    let second = std::fs::read(dir.join("grib_fuzz_2.grib2")).expect("read");
    let listed = messages(Cursor::new(&second), Limits::default()).expect("still listed");
    assert_eq!(listed[0].bbox, None);
    let refused = gridded(Cursor::new(&second), 0, Limits::default()).expect_err("not laid out");
    assert!(refused.to_string().contains("message 0"), "{refused}");
}

/// pygrib's one-message sample.
fn good() -> Vec<u8> {
    samples::sample("regular_latlon_surface.grib2").1
}

/// Where section `number` of the first message starts.
fn section(bytes: &[u8], number: u8) -> usize {
    let mut at = 16;
    loop {
        let length = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if bytes[at + 4] == number {
            return at;
        }
        at += length;
    }
}

#[test]
fn lying_lengths_cut_files_and_impossible_grids_get_reasons_and_the_next_file_reads() {
    let limits = Limits::default();
    let list = |bytes: &[u8]| messages(Cursor::new(bytes), limits);
    let good = good();
    let s3 = section(&good, 3);
    let mut cases: Vec<(&str, Vec<u8>, &str)> = Vec::new();
    let mut longer = good.clone();
    longer[8..16].copy_from_slice(&(good.len() as u64 * 1000).to_be_bytes());
    cases.push(("a total length past the file", longer, "a message of"));
    let mut short_section = good.clone();
    short_section[s3..s3 + 4].copy_from_slice(&2u32.to_be_bytes());
    cases.push((
        "a section shorter than its header",
        short_section,
        "section 3 declares 2 bytes",
    ));
    let mut long_section = good.clone();
    long_section[s3..s3 + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    cases.push((
        "a section past its message",
        long_section,
        "section 3 declares 4294967295",
    ));
    cases.push((
        "cut at half",
        good[..good.len() / 2].to_vec(),
        "a message of",
    ));
    let mut no_end = good.clone();
    let n = no_end.len();
    no_end[n - 4..].copy_from_slice(b"7770");
    cases.push(("no 7777", no_end, "does not end in 7777"));
    let mut edition = good.clone();
    edition[7] = 3;
    cases.push(("edition 3", edition, "edition 3"));
    for (what, bytes, reason) in cases {
        let said = list(&bytes).expect_err(what).to_string();
        assert!(said.contains(reason), "{what}: {said}");
        every_step(&bytes);
        assert_eq!(
            list(&good).expect("the good file after").len(),
            1,
            "after {what}"
        );
    }

    // 10^10 points: Ni = Nj = 100 000 (template 3.0, octets 31-38).
    let mut huge = good.clone();
    huge[s3 + 30..s3 + 34].copy_from_slice(&100_000u32.to_be_bytes());
    huge[s3 + 34..s3 + 38].copy_from_slice(&100_000u32.to_be_bytes());
    let listed = list(&huge).expect("its headers read");
    let refused = gridded(Cursor::new(&huge), 0, limits).expect_err("not decoded");
    assert!(!listed.is_empty());
    assert!(refused.to_string().contains("message 0"), "{refused}");
    every_step(&huge);
    // An unknown grid template (3.65000): listed with its problem, not drawn.
    let mut unknown = good.clone();
    unknown[s3 + 12..s3 + 14].copy_from_slice(&65_000u16.to_be_bytes());
    let listed = list(&unknown).expect("listed");
    assert!(listed[0].problem.is_some(), "{:?}", listed[0]);
    assert!(gridded(Cursor::new(&unknown), 0, limits).is_err());
    every_step(&unknown);
    assert_eq!(list(&good).expect("the good file after").len(), 1);
}
