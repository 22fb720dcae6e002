//! What the latency benchmarks drop: the demo feeder's products, as a
//! campaign's providers send them (a PNG model field of ~100 KB, a JPEG
//! satellite image, a CSV series and a CSV sounding).

use chrono::{DateTime, Utc};

/// The four payloads, each with its file extension.
pub fn demo_payloads(now: DateTime<Utc>) -> Vec<(String, Vec<u8>)> {
    (0..4)
        .map(|tick| {
            let drop = opsboard::demo::make(tick, now).expect("demo product");
            let ext = drop.name.rsplit('.').next().unwrap_or("bin").to_string();
            (ext, drop.bytes)
        })
        .collect()
}
