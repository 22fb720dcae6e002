//! Thumbnails and screen previews of product files.
//!
//! Images (PNG, JPEG, GIF — first frame — and WebP) are decoded under limits
//! against decompression bombs, then resized with a SIMD resizer. JPEGs are
//! decoded at reduced size in the DCT domain when that still gives enough
//! pixels for the preview, which saves most of the decoding time on
//! campaign-sized images. In situ CSV series and ICARTT (`.ict`, format 1001)
//! files get a small line plot instead. Everything here is blocking and
//! CPU-bound: callers run it off the async runtime.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{ExtendedColorType, ImageDecoder, ImageEncoder, ImageReader, Rgb, RgbImage};
use thiserror::Error;

/// Width of a thumbnail, in pixels.
pub const THUMBNAIL_WIDTH: u32 = 320;
/// Longest side of a screen preview, in pixels.
pub const PREVIEW_MAX_SIDE: u32 = 1600;
/// JPEG quality of renditions: small on satcom links, clean on a wall screen.
const JPEG_QUALITY: u8 = 82;

/// Refusal thresholds, configurable per deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreviewLimits {
    /// Largest image decoded, in pixels (width × height).
    pub max_pixels: u64,
    /// Largest file read, in bytes.
    pub max_bytes: u64,
    /// Most memory one job may use for decoded pixels, in bytes: checked
    /// from the header before decoding, and given to the decoders as their
    /// allocation limit. Worker count is bounded by it too.
    pub max_memory: u64,
}

impl Default for PreviewLimits {
    fn default() -> Self {
        Self {
            max_pixels: 150_000_000,
            max_bytes: 512 * 1024 * 1024,
            max_memory: 512 * 1024 * 1024,
        }
    }
}

/// One encoded rendition.
#[derive(Clone, Debug)]
pub struct Rendition {
    pub bytes: Vec<u8>,
    /// File extension of the encoding (`jpg` or `png`).
    pub ext: &'static str,
    pub width: u32,
    pub height: u32,
}

/// A thumbnail and a screen preview of one file.
#[derive(Clone, Debug)]
pub struct Renditions {
    pub thumbnail: Rendition,
    pub preview: Rendition,
}

#[derive(Debug, Error)]
pub enum PreviewError {
    /// Not an error of the file: this kind simply has no preview.
    #[error("no preview for this kind of file")]
    NotSupported,
    #[error("the image is {width} × {height} px ({} Mpx); previews are made up to {} Mpx", width * height / 1_000_000, max / 1_000_000)]
    TooManyPixels { width: u64, height: u64, max: u64 },
    #[error("the file is {size} bytes; previews are made up to {max} bytes")]
    TooManyBytes { size: u64, max: u64 },
    #[error("decoding the image needs {} MiB; previews are made within {} MiB", needed >> 20, max >> 20)]
    TooMuchMemory { needed: u64, max: u64 },
    #[error("the image could not be decoded: {0}")]
    Decode(String),
    #[error("no numeric series to plot: {0}")]
    NoSeries(String),
    #[error("reading the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("encoding the rendition: {0}")]
    Encode(String),
}

/// Whether files with extension `ext` get renditions.
pub fn has_preview(ext: &str) -> bool {
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "jpg" | "jpeg" | "png" | "gif" | "webp" | "csv" | "ict"
    )
}

/// Makes the renditions of the file at `path`, whose name ends in `.ext`.
pub fn render(path: &Path, ext: &str, limits: &PreviewLimits) -> Result<Renditions, PreviewError> {
    let size = std::fs::metadata(path)?.len();
    if size > limits.max_bytes {
        return Err(PreviewError::TooManyBytes {
            size,
            max: limits.max_bytes,
        });
    }
    match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => renditions_of(decode_jpeg(path, limits)?),
        "png" | "gif" | "webp" => renditions_of(decode_image(path, limits)?),
        "csv" => renditions_of(plot(&read_series(path, SeriesFormat::Csv)?)),
        "ict" => renditions_of(plot(&read_series(path, SeriesFormat::Icartt)?)),
        _ => Err(PreviewError::NotSupported),
    }
}

/// Decoded pixels, RGB or RGBA, 8 bits.
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

fn check_pixels(width: u64, height: u64, limits: &PreviewLimits) -> Result<(), PreviewError> {
    if width.saturating_mul(height) > limits.max_pixels {
        return Err(PreviewError::TooManyPixels {
            width,
            height,
            max: limits.max_pixels,
        });
    }
    Ok(())
}

fn check_memory(needed: u64, limits: &PreviewLimits) -> Result<(), PreviewError> {
    if needed > limits.max_memory {
        return Err(PreviewError::TooMuchMemory {
            needed,
            max: limits.max_memory,
        });
    }
    Ok(())
}

/// The size of the preview of a `width` × `height` image.
fn preview_size(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= PREVIEW_MAX_SIDE {
        return (width, height);
    }
    let scale = PREVIEW_MAX_SIDE as f64 / longest as f64;
    (
        ((width as f64 * scale).round() as u32).max(1),
        ((height as f64 * scale).round() as u32).max(1),
    )
}

fn decode_jpeg(path: &Path, limits: &PreviewLimits) -> Result<Pixels, PreviewError> {
    let mut decoder = jpeg_decoder::Decoder::new(BufReader::new(File::open(path)?));
    decoder
        .read_info()
        .map_err(|e| PreviewError::Decode(e.to_string()))?;
    let info = decoder
        .info()
        .ok_or_else(|| PreviewError::Decode("no JPEG header".into()))?;
    check_pixels(info.width.into(), info.height.into(), limits)?;
    // Decode at 1/2, 1/4 or 1/8 size when that still covers the preview.
    let (pw, ph) = preview_size(info.width.into(), info.height.into());
    let (width, height) = decoder
        .scale(pw as u16, ph as u16)
        .map_err(|e| PreviewError::Decode(e.to_string()))?;
    // Decoded samples (up to 4 bytes a pixel) and their RGB copy.
    let pixels = u64::from(width) * u64::from(height);
    check_memory(pixels * (4 + 3), limits)?;
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_memory).unwrap_or(usize::MAX));
    let raw = decoder
        .decode()
        .map_err(|e| PreviewError::Decode(e.to_string()))?;
    let data = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => raw,
        jpeg_decoder::PixelFormat::L8 => raw.iter().flat_map(|&v| [v, v, v]).collect(),
        jpeg_decoder::PixelFormat::L16 => raw
            .chunks_exact(2)
            .flat_map(|c| [c[0], c[0], c[0]])
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => raw
            .chunks_exact(4)
            .flat_map(|c| {
                let k = 255 - c[3] as u16;
                let f = |v: u8| ((255 - v as u16) * k / 255) as u8;
                [f(c[0]), f(c[1]), f(c[2])]
            })
            .collect(),
    };
    Ok(Pixels {
        width: width.into(),
        height: height.into(),
        alpha: false,
        data,
    })
}

fn decode_image(path: &Path, limits: &PreviewLimits) -> Result<Pixels, PreviewError> {
    let decode = |e: image::ImageError| PreviewError::Decode(e.to_string());
    let mut reader = ImageReader::new(BufReader::new(File::open(path)?))
        .with_guessed_format()
        .map_err(PreviewError::Io)?;
    let mut image_limits = image::Limits::default();
    image_limits.max_alloc = Some(limits.max_memory);
    reader.limits(image_limits);
    // The header alone says how large the image claims to be, and in what
    // sample format: checked before a byte of pixels is allocated.
    let decoder = reader.into_decoder().map_err(decode)?;
    let (w, h) = decoder.dimensions();
    check_pixels(w.into(), h.into(), limits)?;
    let pixels = u64::from(w) * u64::from(h);
    let conversion = match decoder.color_type() {
        image::ColorType::Rgb8 | image::ColorType::Rgba8 => 0,
        _ => pixels * 4,
    };
    check_memory(decoder.total_bytes().saturating_add(conversion), limits)?;
    let image = image::DynamicImage::from_decoder(decoder).map_err(decode)?;
    let alpha = image.color().has_alpha();
    let (width, height, data) = if alpha {
        let rgba = image.into_rgba8();
        (rgba.width(), rgba.height(), rgba.into_raw())
    } else {
        let rgb = image.into_rgb8();
        (rgb.width(), rgb.height(), rgb.into_raw())
    };
    Ok(Pixels {
        width,
        height,
        alpha,
        data,
    })
}

fn resize(src: &Pixels, width: u32, height: u32) -> Result<Pixels, PreviewError> {
    if (width, height) == (src.width, src.height) {
        return Ok(Pixels {
            width,
            height,
            alpha: src.alpha,
            data: src.data.clone(),
        });
    }
    let kind = if src.alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let from = ImageRef::new(src.width, src.height, &src.data, kind)
        .map_err(|e| PreviewError::Encode(e.to_string()))?;
    let mut to = Image::new(width, height, kind);
    Resizer::new()
        .resize(
            &from,
            &mut to,
            &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom)),
        )
        .map_err(|e| PreviewError::Encode(e.to_string()))?;
    Ok(Pixels {
        width,
        height,
        alpha: src.alpha,
        data: to.into_vec(),
    })
}

fn encode(pixels: &Pixels) -> Result<Rendition, PreviewError> {
    let width = u16::try_from(pixels.width).map_err(|e| PreviewError::Encode(e.to_string()))?;
    let height = u16::try_from(pixels.height).map_err(|e| PreviewError::Encode(e.to_string()))?;
    let mut bytes = Vec::new();
    let ext = if pixels.alpha {
        image::codecs::png::PngEncoder::new(&mut bytes)
            .write_image(
                &pixels.data,
                pixels.width,
                pixels.height,
                ExtendedColorType::Rgba8,
            )
            .map_err(|e| PreviewError::Encode(e.to_string()))?;
        "png"
    } else {
        // jpeg-encoder's SIMD path: encoding the preview is a large share of
        // the work, as vips only makes the small thumbnail.
        jpeg_encoder::Encoder::new(&mut bytes, JPEG_QUALITY)
            .encode(&pixels.data, width, height, jpeg_encoder::ColorType::Rgb)
            .map_err(|e| PreviewError::Encode(e.to_string()))?;
        "jpg"
    };
    Ok(Rendition {
        bytes,
        ext,
        width: pixels.width,
        height: pixels.height,
    })
}

/// The preview from the decoded image, the thumbnail from the preview.
fn renditions_of(pixels: Pixels) -> Result<Renditions, PreviewError> {
    let (pw, ph) = preview_size(pixels.width, pixels.height);
    let preview = resize(&pixels, pw, ph)?;
    drop(pixels);
    let tw = THUMBNAIL_WIDTH.min(preview.width);
    let th = ((preview.height as u64 * tw as u64 / preview.width as u64) as u32).max(1);
    let thumbnail = resize(&preview, tw, th)?;
    Ok(Renditions {
        thumbnail: encode(&thumbnail)?,
        preview: encode(&preview)?,
    })
}

/// The textual series formats that get a plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SeriesFormat {
    /// A header line, then comma-separated rows; the first column is the abscissa.
    Csv,
    /// NASA ICARTT, file format index 1001: `NLHEAD, 1001` on the first line,
    /// NLHEAD header lines of which the last names the columns, then rows.
    Icartt,
}

/// Columns of numbers: the first is the abscissa, the others are plotted.
#[derive(Debug, Default)]
struct Series {
    columns: Vec<Vec<Option<f64>>>,
}

/// Largest series file plotted; beyond, the plot would be unreadable anyway.
const MAX_SERIES_BYTES: u64 = 64 * 1024 * 1024;
/// Longest line read, header included: a line of 64 MB of commas is refused
/// before it is split, not after.
const MAX_LINE_BYTES: usize = 64 * 1024;
/// Most header lines an ICARTT file may declare (real ones have tens).
const MAX_HEADER_LINES: usize = 10_000;
/// Most rows kept: far more than the 960 px of a plot can show.
const MAX_ROWS: usize = 500_000;
/// Columns kept: the abscissa and the four plotted series.
const KEPT_COLUMNS: usize = 5;
/// Fill values that mean "missing" in ICARTT and common CSV exports.
const MISSING: [f64; 4] = [-9999.0, -99999.0, -8888.0, -7777.0];

/// Lines of a text file, each at most [`MAX_LINE_BYTES`], from at most
/// [`MAX_SERIES_BYTES`] of it.
struct Lines {
    reader: std::io::Take<BufReader<File>>,
    buf: Vec<u8>,
}

impl Lines {
    fn open(path: &Path) -> Result<Self, PreviewError> {
        Ok(Self {
            reader: BufReader::new(File::open(path)?).take(MAX_SERIES_BYTES),
            buf: Vec::new(),
        })
    }

    /// The next line without its end, or `None` at the end of the file.
    fn next_line(&mut self) -> Result<Option<&str>, PreviewError> {
        use std::io::BufRead;
        self.buf.clear();
        let limit = MAX_LINE_BYTES as u64 + 1;
        let read = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buf)?;
        if read == 0 {
            return Ok(None);
        }
        if self.buf.len() > MAX_LINE_BYTES {
            return Err(PreviewError::NoSeries(format!(
                "a line is longer than {} KiB",
                MAX_LINE_BYTES / 1024
            )));
        }
        let line = std::str::from_utf8(&self.buf)
            .map_err(|_| PreviewError::NoSeries("the file is not UTF-8 text".into()))?;
        Ok(Some(line.trim_end_matches(['\n', '\r'])))
    }
}

fn read_series(path: &Path, format: SeriesFormat) -> Result<Series, PreviewError> {
    let mut lines = Lines::open(path)?;
    if format == SeriesFormat::Icartt {
        let first = lines.next_line()?.unwrap_or_default();
        let mut fields = first.split(',').map(str::trim);
        let nlhead: usize = fields.next().and_then(|n| n.parse().ok()).ok_or_else(|| {
            PreviewError::NoSeries("the first line must be `NLHEAD, 1001`".into())
        })?;
        if fields.next() != Some("1001") {
            return Err(PreviewError::NoSeries(
                "only ICARTT format 1001 is plotted".into(),
            ));
        }
        if !(2..=MAX_HEADER_LINES).contains(&nlhead) {
            return Err(PreviewError::NoSeries(format!(
                "NLHEAD is {nlhead}; ICARTT headers of 2 to {MAX_HEADER_LINES} lines are read"
            )));
        }
        // The column names are the last header line; the first line was read.
        for _ in 1..nlhead - 1 {
            if lines.next_line()?.is_none() {
                return Err(PreviewError::NoSeries(format!(
                    "the file ends inside its {nlhead}-line header"
                )));
            }
        }
    }
    let header = lines
        .next_line()?
        .ok_or_else(|| PreviewError::NoSeries("the file is empty".into()))?;
    let width = header.split(',').take(KEPT_COLUMNS).count();
    let mut series = Series {
        columns: vec![Vec::new(); width],
    };
    let mut rows = 0;
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        if rows == MAX_ROWS {
            break;
        }
        rows += 1;
        let mut cells = line.split(',');
        for column in series.columns.iter_mut() {
            let value = cells.next().and_then(|cell| parse_cell(cell.trim()));
            column.push(value.filter(|v| !MISSING.contains(v)));
        }
    }
    let plotted = series
        .columns
        .iter()
        .skip(1)
        .any(|c| c.iter().flatten().count() >= 2);
    if !plotted {
        return Err(PreviewError::NoSeries(
            "no column after the first has two numbers".into(),
        ));
    }
    Ok(series)
}

/// A number, or an RFC 3339 time as seconds (so time columns become abscissae).
fn parse_cell(cell: &str) -> Option<f64> {
    cell.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(cell)
                .ok()
                .map(|t| t.timestamp() as f64)
        })
}

/// Up to four series as lines on a light background, each scaled to its own
/// range (a quick look, not a figure).
fn plot(series: &Series) -> Pixels {
    const W: u32 = 960;
    const H: u32 = 540;
    const PAD: i64 = 24;
    const COLOURS: [[u8; 3]; 4] = [[0, 114, 178], [213, 94, 0], [0, 158, 115], [204, 121, 167]];
    let mut img = RgbImage::from_pixel(W, H, Rgb([250, 251, 252]));
    let grey = Rgb([200, 205, 210]);
    for x in PAD..(W as i64 - PAD) {
        img.put_pixel(x as u32, (H as i64 - PAD) as u32, grey);
    }
    for y in PAD..(H as i64 - PAD) {
        img.put_pixel(PAD as u32, y as u32, grey);
    }
    let rows = series.columns.first().map(Vec::len).unwrap_or(0);
    let xs: Vec<f64> = (0..rows)
        .map(|i| series.columns[0][i].unwrap_or(i as f64))
        .collect();
    let range = |values: &mut dyn Iterator<Item = f64>| {
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
    };
    let (x0, x1) = range(&mut xs.iter().copied());
    let span = |lo: f64, hi: f64| if hi > lo { hi - lo } else { 1.0 };
    let to_px = |x: f64, y: f64, y0: f64, y1: f64| {
        let px = PAD + ((x - x0) / span(x0, x1) * (W as i64 - 2 * PAD) as f64) as i64;
        let py = (H as i64 - PAD) - ((y - y0) / span(y0, y1) * (H as i64 - 2 * PAD) as f64) as i64;
        (px, py)
    };
    for (column, colour) in series.columns.iter().skip(1).zip(COLOURS) {
        let (y0, y1) = range(&mut column.iter().flatten().copied());
        let mut last: Option<(i64, i64)> = None;
        for (x, y) in xs.iter().zip(column) {
            let Some(y) = y else {
                last = None;
                continue;
            };
            let point = to_px(*x, *y, y0, y1);
            if let Some(from) = last {
                line(&mut img, from, point, Rgb(colour));
            }
            last = Some(point);
        }
    }
    Pixels {
        width: W,
        height: H,
        alpha: false,
        data: img.into_raw(),
    }
}

/// A 2-pixel-wide line (Bresenham).
fn line(img: &mut RgbImage, (mut x0, mut y0): (i64, i64), (x1, y1): (i64, i64), colour: Rgb<u8>) {
    let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
    let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
    let mut err = dx + dy;
    loop {
        for (ox, oy) in [(0, 0), (0, 1)] {
            let (x, y) = (x0 + ox, y0 + oy);
            if x >= 0 && y >= 0 && (x as u32) < img.width() && (y as u32) < img.height() {
                img.put_pixel(x as u32, y as u32, colour);
            }
        }
        if x0 == x1 && y0 == y1 {
            break;
        }
        let e2 = 2 * err;
        if e2 >= dy {
            err += dy;
            x0 += sx;
        }
        if e2 <= dx {
            err += dx;
            y0 += sy;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

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
            render(&big, "nc", &PreviewLimits::default()),
            Err(PreviewError::NotSupported)
        ));
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

    #[test]
    fn hostile_series_headers_are_refused_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let limits = PreviewLimits::default();
        let nlhead = write(tmp.path(), "n.ict", b"18446744073709551615, 1001\nx\n");
        let err = render(&nlhead, "ict", &limits).unwrap_err().to_string();
        assert!(err.contains("NLHEAD is 18446744073709551615"), "{err}");
        let short = write(tmp.path(), "s.ict", b"50, 1001\nPI\n");
        let err = render(&short, "ict", &limits).unwrap_err().to_string();
        assert!(err.contains("ends inside its 50-line header"), "{err}");
        let mut commas = vec![b','; MAX_LINE_BYTES + 10];
        commas.extend_from_slice(b"\n1,2\n3,4\n");
        let wide = write(tmp.path(), "c.csv", &commas);
        let err = render(&wide, "csv", &limits).unwrap_err().to_string();
        assert!(err.contains("longer than 64 KiB"), "{err}");
        // Many columns within the line limit: only the plotted ones are kept.
        let mut many = (0..5000)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(",");
        many.push('\n');
        for row in 0..3 {
            many.push_str(&format!("{row},{}\n", row * 2));
        }
        let csv = write(tmp.path(), "m.csv", many.as_bytes());
        assert!(render(&csv, "csv", &limits).is_ok());
    }

    #[test]
    fn csv_and_icartt_series_are_plotted() {
        let tmp = tempfile::tempdir().unwrap();
        let csv = write(
            tmp.path(),
            "s.csv",
            b"time,t2m,rh\n2026-11-28T10:00:00Z,10.5,70\n2026-11-28T10:10:00Z,11.0,-9999\n2026-11-28T10:20:00Z,11.8,65\n",
        );
        let r = render(&csv, "csv", &PreviewLimits::default()).unwrap();
        assert_eq!((r.preview.width, r.thumbnail.width), (960, 320));
        let ict = write(
            tmp.path(),
            "f.ict",
            b"4, 1001\nPI\nINSTITUTION\nStart_UTC, O3_ppbv, CO_ppbv\n36000, 41.2, 110\n36001, 41.9, 112\n36002, -9999, 111\n",
        );
        assert!(render(&ict, "ict", &PreviewLimits::default()).is_ok());
        let words = write(tmp.path(), "w.csv", b"a,b\nx,y\n");
        assert!(matches!(
            render(&words, "csv", &PreviewLimits::default()),
            Err(PreviewError::NoSeries(_))
        ));
    }
}
