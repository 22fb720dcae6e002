//! Thumbnail wall time: `opsboard thumbnail` (thumbnail + preview of every
//! file) against `vipsthumbnail` and ImageMagick's `mogrify -thumbnail`
//! (thumbnail only), side by side on the same images in one run. Each tool is
//! one process over the whole set, run `RUNS` times (default 5); the median
//! pass is reported. Every tool is held to one thread (VIPS_CONCURRENCY=1,
//! MAGICK_THREAD_LIMIT=1; opsboard renders one file at a time), so the figures
//! compare work per core, which is what a busy server has.
//!
//! `cargo bench -p server --bench thumbnails` (needs Debian's libvips-tools
//! and imagemagick; `make bench` installs them).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use image::{ImageFormat, Rgb, RgbImage};

/// Campaign-sized and small images, with cloud-like content (flat test
/// patterns compress and decode unrealistically fast).
fn make_set(dir: &Path) -> Vec<PathBuf> {
    let sizes = [
        (4500, 3000, ImageFormat::Jpeg),
        (4000, 4000, ImageFormat::Jpeg),
        (3000, 2000, ImageFormat::Jpeg),
        (4500, 3000, ImageFormat::Png),
        (3600, 2400, ImageFormat::Png),
        (3000, 3000, ImageFormat::Png),
        (800, 600, ImageFormat::Jpeg),
        (640, 480, ImageFormat::Jpeg),
        (800, 600, ImageFormat::Png),
        (640, 480, ImageFormat::Png),
    ];
    sizes
        .iter()
        .enumerate()
        .map(|(i, &(w, h, format))| {
            let img = RgbImage::from_fn(w, h, |x, y| {
                let (fx, fy) = (x as f32 / 97.0, y as f32 / 89.0);
                let v = (fx.sin() * fy.cos() + (fx * 0.37 + fy * 0.21).sin() * 0.5 + 1.5) / 3.0;
                let n = ((x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) >> 27) as f32 / 32.0;
                let g = ((v * 0.9 + n * 0.1) * 255.0) as u8;
                Rgb([g, g.saturating_add(10), 255 - g / 2])
            });
            let ext = if format == ImageFormat::Png {
                "png"
            } else {
                "jpg"
            };
            let path = dir.join(format!("satellite.BENCH{i}.202611281200.img.{ext}"));
            img.save_with_format(&path, format)
                .expect("write test image");
            path
        })
        .collect()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// Times `command` `runs` times; None if the tool is not installed.
fn time(runs: usize, mut command: impl FnMut() -> Command) -> Option<Duration> {
    let mut passes = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let status = command().status().ok()?;
        if !status.success() {
            return None;
        }
        passes.push(started.elapsed());
    }
    Some(median(passes))
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let tmp = tempfile::tempdir().expect("temp dir");
    // BENCH_IMAGES keeps the generated set there, for profiling one tool.
    let images = std::env::var_os("BENCH_IMAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().join("images"));
    std::fs::create_dir_all(&images).unwrap();
    let set = make_set(&images);
    let megapixels: f64 = set
        .iter()
        .map(|p| {
            let (w, h) = image::image_dimensions(p).unwrap();
            w as f64 * h as f64 / 1e6
        })
        .sum();
    let out = |name: &str| {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    };
    let (ob_out, vips_out, im_out) = (out("opsboard"), out("vips"), out("magick"));

    let opsboard = time(runs, || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_opsboard"));
        c.arg("thumbnail").args(&set).arg("--out").arg(&ob_out);
        c.stdout(std::process::Stdio::null());
        c
    })
    .expect("opsboard thumbnail runs");
    let vips = time(runs, || {
        let mut c = Command::new("vipsthumbnail");
        c.env("VIPS_CONCURRENCY", "1")
            .args(["-s", "320"])
            .arg("-o")
            .arg(format!("{}/%s.jpg", vips_out.display()))
            .args(&set);
        c
    });
    let magick = time(runs, || {
        let mut c = Command::new("mogrify");
        c.env("MAGICK_THREAD_LIMIT", "1")
            .arg("-path")
            .arg(&im_out)
            .args(["-thumbnail", "320x"])
            .args(&set);
        c
    });

    println!(
        "thumbnails of {} images ({:.0} Mpx: 3 JPEG and 3 PNG of 3000-4500 px, 4 small), median of {runs} passes, one thread each",
        set.len(),
        megapixels
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("  opsboard thumbnail + preview  {:8.0} ms", ms(opsboard));
    match vips {
        Some(v) => println!(
            "  vipsthumbnail (thumbnail)     {:8.0} ms   opsboard/vips = {:.2}",
            ms(v),
            ms(opsboard) / ms(v)
        ),
        None => println!("  vipsthumbnail: not installed (apt-get install libvips-tools)"),
    }
    match magick {
        Some(m) => println!(
            "  mogrify -thumbnail            {:8.0} ms   opsboard/ImageMagick = {:.2}",
            ms(m),
            ms(opsboard) / ms(m)
        ),
        None => println!("  mogrify: not installed (apt-get install imagemagick)"),
    }
}
