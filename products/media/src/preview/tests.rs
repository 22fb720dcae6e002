//! Renditions of images: sizes, formats, limits, broken and hostile files.

use super::*;
use image::{Rgb, RgbImage};
use std::io::{Cursor, Write};

/// A file of `bytes` named `name` in `dir`.
fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path
}

fn encoded(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn gradient(w: u32, h: u32) -> image::DynamicImage {
    image::DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    }))
}

#[test]
fn large_jpegs_get_a_preview_and_a_thumbnail() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(
        tmp.path(),
        "a.jpg",
        &encoded(gradient(3000, 2000), image::ImageFormat::Jpeg),
    );
    let r = render(&path, "jpg", &PreviewLimits::default()).unwrap();
    assert_eq!((r.preview.width, r.preview.height), (1600, 1067));
    assert_eq!((r.thumbnail.width, r.thumbnail.height), (320, 213));
    assert_eq!(r.preview.ext, "jpg");
    let back = image::load_from_memory(&r.thumbnail.bytes).unwrap();
    assert_eq!((back.width(), back.height()), (320, 213));
}

#[test]
fn small_images_keep_their_size_and_alpha_stays_png() {
    let tmp = tempfile::tempdir().unwrap();
    let rgba = image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
        200,
        100,
        image::Rgba([1, 2, 3, 100]),
    ));
    let path = write(tmp.path(), "a.png", &encoded(rgba, image::ImageFormat::Png));
    let r = render(&path, "png", &PreviewLimits::default()).unwrap();
    assert_eq!(
        (r.preview.width, r.preview.height, r.preview.ext),
        (200, 100, "png")
    );
    assert_eq!(r.thumbnail.width, 200, "never enlarged");
    let gif = write(
        tmp.path(),
        "a.gif",
        &encoded(gradient(640, 480), image::ImageFormat::Gif),
    );
    assert_eq!(
        render(&gif, "gif", &PreviewLimits::default())
            .unwrap()
            .thumbnail
            .width,
        320
    );
}

// Decompression bombs are tried through the server (server/tests/previews.rs).
#[test]
fn broken_and_oversized_files_get_a_clear_reason() {
    let tmp = tempfile::tempdir().unwrap();

    let png = encoded(gradient(64, 64), image::ImageFormat::Png);
    let cut = write(tmp.path(), "cut.png", &png[..png.len() / 2]);
    assert!(matches!(
        render(&cut, "png", &PreviewLimits::default()),
        Err(PreviewError::Decode(_))
    ));
    let jpg = encoded(gradient(64, 64), image::ImageFormat::Jpeg);
    let cut = write(tmp.path(), "cut.jpg", &jpg[..jpg.len() / 3]);
    assert!(matches!(
        render(&cut, "jpg", &PreviewLimits::default()),
        Err(PreviewError::Decode(_))
    ));

    let big = write(tmp.path(), "big.png", &png);
    let tight = PreviewLimits {
        max_pixels: 1000,
        max_bytes: 10,
        max_memory: 1 << 20,
    };
    assert!(matches!(
        render(&big, "png", &tight),
        Err(PreviewError::TooManyBytes { .. })
    ));
    assert!(matches!(
        render(&big, "pdf", &PreviewLimits::default()),
        Err(PreviewError::NotSupported)
    ));
    // A PNG named as NetCDF is read as what its bytes say it is: no field.
    assert!(matches!(
        render(&big, "nc", &PreviewLimits::default()),
        Err(PreviewError::Decode(_))
    ));
}

/// Found by the `image` fuzz target on 2026-11-29 (a divide by zero).
#[test]
fn a_gif_whose_frame_lies_outside_its_screen_gets_a_reason() {
    let gif = [
        71, 73, 70, 56, 57, 97, 0, 0, 59, 0, 128, 0, 0, 0, 0, 0, 255, 251, 0, 44, 0, 0, 0, 0, 1, 0,
        1, 0, 0, 2, 2, 76, 1, 0, 1,
    ];
    for ext in ["gif", "webp", "png"] {
        let limits = PreviewLimits::default();
        let err = render_bytes(&gif, ext, &limits).unwrap_err().to_string();
        assert!(err.contains("0 × 59 px: it has no pixels"), "{ext}: {err}");
    }
}

#[test]
fn decoded_size_is_checked_against_the_memory_budget_before_decoding() {
    let tmp = tempfile::tempdir().unwrap();
    // 16-bit RGB: 6 bytes a pixel decoded, plus the 8-bit copy.
    let wide = image::DynamicImage::ImageRgb16(image::ImageBuffer::from_pixel(
        400,
        300,
        image::Rgb([1000u16, 2000, 3000]),
    ));
    let path = write(tmp.path(), "w.png", &encoded(wide, image::ImageFormat::Png));
    let budget = |max_memory| PreviewLimits {
        max_memory,
        ..PreviewLimits::default()
    };
    let needed = 400 * 300 * (6 + 4);
    match render(&path, "png", &budget(needed - 1)) {
        Err(PreviewError::TooMuchMemory { needed: n, .. }) => assert_eq!(n, needed),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(render(&path, "png", &budget(needed)).is_ok());
    let jpg = write(
        tmp.path(),
        "j.jpg",
        &encoded(gradient(400, 300), image::ImageFormat::Jpeg),
    );
    assert!(matches!(
        render(&jpg, "jpg", &budget(1000)),
        Err(PreviewError::TooMuchMemory { .. })
    ));
}

/// An IWG1 file of `n` packets a minute apart, climbing then level.
fn iwg1_flight(n: usize) -> String {
    (0..n)
        .map(|i| {
            let alt = 300.0 + 100.0 * (i.min(30) as f64);
            format!(
                "IWG1,2026-11-29T14:{:02}:00,{:.3},{:.3},{alt},,,,{},{}",
                i % 60,
                43.5 + 0.01 * i as f64,
                1.0 + 0.02 * i as f64,
                120 + i,
                ",".repeat(22)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_flights_iwg1_file_gets_its_altitude_and_speed_plotted() {
    let text = format!("{}\nnot a packet\n\0\0\0\n", iwg1_flight(50));
    let r = render_bytes(text.as_bytes(), "iwg1", &PreviewLimits::default()).unwrap();
    assert_eq!(r.preview.ext, "svg");
    let svg = String::from_utf8(r.preview.bytes).unwrap();
    for panel in [
        "altitude (m)",
        "ground speed (m/s)",
        "latitude",
        "longitude",
    ] {
        assert!(svg.contains(panel), "no {panel} panel");
    }
    assert!(svg.contains("14:"), "the time axis in UTC");
    assert!(has_preview("IWG1"));
    // Nothing to draw: said, not drawn.
    for bad in ["", "not,an,iwg1,file\n", &iwg1_flight(1)] {
        let refused = render_bytes(bad.as_bytes(), "iwg1", &PreviewLimits::default());
        assert!(
            matches!(refused, Err(PreviewError::NoSeries(_))),
            "{bad:?}: {refused:?}"
        );
    }
}
