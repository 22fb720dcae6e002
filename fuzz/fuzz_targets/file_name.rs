//! Any bytes as a dropped file's name: parsing never panics, and a name that
//! parses gives times that can be computed and formatted again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model::name::{format_time, strip_lead};
use model::NameRules;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = strip_lead(text);
    if let Ok(name) = NameRules::default().parse(text) {
        let _ = format_time(name.time);
        let _ = name.valid_time();
        let _ = name.run_time();
        let _ = strip_lead(&name.product);
    }
});
