//! Any bytes as an image: the first byte picks the extension (PNG, JPEG,
//! GIF, WebP), the rest is the file. Renditions or a reason, never a panic,
//! within a budget scaled down so that libFuzzer's memory limit would catch
//! a decoder that ignores it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use media::preview::{render_bytes, PreviewLimits};

const EXTENSIONS: [&str; 4] = ["png", "jpg", "gif", "webp"];

fuzz_target!(|data: &[u8]| {
    let Some((&kind, file)) = data.split_first() else {
        return;
    };
    let limits = PreviewLimits {
        max_pixels: 4_000_000,
        max_bytes: 16 << 20,
        max_memory: 64 << 20,
    };
    let _ = render_bytes(file, EXTENSIONS[kind as usize % 4], &limits);
});
