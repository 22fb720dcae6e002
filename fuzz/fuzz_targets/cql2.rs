//! Any bytes as a STAC filter, in cql2-text and in cql2-json: read or
//! refused with a reason, never a panic or a stack too deep, and a filter
//! taken stays within its bounds.
#![no_main]

use catalogue::stac::filter::{Filter, FilterLang, MAX_FILTER_BYTES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for lang in [FilterLang::Text, FilterLang::Json] {
        if Filter::parse(&text, lang).is_ok() {
            assert!(text.len() <= MAX_FILTER_BYTES);
        }
    }
});
