//! The real GRIB files the media tests read (pygrib's sample data and
//! ecCodes' from Debian, `scripts/grib-samples.sh`), and what ecCodes
//! itself decodes of them.

use std::path::PathBuf;
use std::process::Command;

/// A sample by name in `target/grib-samples/`, or by absolute path: its
/// path and bytes.
pub fn sample(name: &str) -> (PathBuf, Vec<u8>) {
    // An absolute name replaces the folder.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/grib-samples")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run scripts/grib-samples.sh (make unit does)",
            path.display()
        )
    });
    (path, bytes)
}

/// `grib_get_data`'s points of message `index`: latitude, longitude, value
/// (`nan` where missing).
#[allow(dead_code)] // not every test file compares values
pub fn their_points(path: &str, index: usize) -> Vec<[f64; 3]> {
    let count = format!("count={}", index + 1);
    let out = Command::new("grib_get_data")
        .args(["-m", "nan", "-F", "%.10e", "-w", &count, path])
        .output()
        .expect("grib_get_data; run scripts/grib-samples.sh (make unit does)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(|line| {
            let mut cells = line
                .split_whitespace()
                .map(|c| c.parse::<f64>().unwrap_or(f64::NAN));
            [(); 3].map(|_| cells.next().unwrap_or(f64::NAN))
        })
        .collect()
}
