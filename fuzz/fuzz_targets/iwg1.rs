//! Any bytes as IWG1 packets, one a line: parsing never panics, and a packet
//! taken has its position in range and only finite values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model::tracks::iwg1;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines() {
        if let Ok(fix) = iwg1::parse(line) {
            assert!((-90.0..=90.0).contains(&fix.lat));
            assert!((-180.0..=180.0).contains(&fix.lon));
            assert!(fix.values.iter().flatten().all(|v| v.is_finite()));
        }
    }
});
