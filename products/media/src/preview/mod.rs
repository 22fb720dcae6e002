//! Thumbnails and screen previews of product files.
//!
//! Images (PNG, JPEG, GIF — first frame — and WebP) are decoded under limits
//! against decompression bombs, then resized with a SIMD resizer. JPEGs are
//! decoded at reduced size in the DCT domain when that still gives enough
//! pixels for the preview, which saves most of the decoding time on
//! campaign-sized images. In situ CSV series and ICARTT files (`.ict`,
//! formats 1001 and 2110), and aircraft IWG1 files (`flight`), get an SVG plot instead (see [`series`] and `plot`). Everything here is blocking and
//! CPU-bound: callers run it off the async runtime.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::path::Path;

mod column;
pub mod field;
mod flight;
mod icartt;
mod lines;
pub(crate) mod plot;
pub mod series;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{ExtendedColorType, ImageDecoder, ImageEncoder, ImageReader};
use thiserror::Error;

use series::SeriesFormat;

/// Width of a thumbnail, in pixels.
pub const THUMBNAIL_WIDTH: u32 = 320;
/// Longest side of a screen preview, in pixels.
pub const PREVIEW_MAX_SIDE: u32 = 1600;
/// JPEG quality of renditions: small on satcom links, clean on a wall screen.
const JPEG_QUALITY: u8 = 82;

/// The narrower widths a thumbnail may be asked for (`?w=`, lite mode on a
/// satellite link): few, so that each is made once and kept.
pub const NARROW_WIDTHS: [u32; 2] = [120, 160];

/// A thumbnail this module wrote (JPEG or PNG) drawn `width` pixels wide
/// (never wider than it is), in the same encoding rules as every rendition.
pub fn narrowed(thumbnail: &[u8], width: u32) -> Result<Rendition, PreviewError> {
    let limits = PreviewLimits::default();
    check_bytes(thumbnail.len() as u64, &limits)?;
    let pixels = if thumbnail.starts_with(&[0xFF, 0xD8]) {
        decode_jpeg(thumbnail, &limits)?
    } else {
        decode_image(Cursor::new(thumbnail), &limits)?
    };
    if pixels.width == 0 || pixels.height == 0 {
        return Err(PreviewError::Decode("the thumbnail has no pixels".into()));
    }
    let w = width.clamp(1, pixels.width);
    let h = ((u64::from(pixels.height) * u64::from(w) / u64::from(pixels.width)) as u32).max(1);
    encode(&resize(&pixels, w, h)?)
}

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
    /// File extension of the encoding (`jpg`, `png`, or `svg` for plots).
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
        "jpg" | "jpeg" | "png" | "gif" | "webp" | "csv" | "ict" | "iwg1"
    ) || model::media::is_model_file(ext)
}

/// Makes the renditions of the file at `path`, whose name ends in `.ext`.
pub fn render(path: &Path, ext: &str, limits: &PreviewLimits) -> Result<Renditions, PreviewError> {
    render_with(path, ext, limits, &[])
}

/// The same, drawing the series variables named in `plot` (a sidecar's
/// `plot`) when the file is a series that has them.
pub fn render_with(
    path: &Path,
    ext: &str,
    limits: &PreviewLimits,
    plot: &[String],
) -> Result<Renditions, PreviewError> {
    let file = File::open(path)?;
    check_bytes(file.metadata()?.len(), limits)?;
    if model::media::is_model_file(ext) {
        return field::renditions(path, limits, plot, &|_, _| Vec::new());
    }
    render_from(BufReader::new(file), ext, limits, plot)
}

/// The same from a file's bytes in memory (what the fuzz targets feed).
pub fn render_bytes(
    bytes: &[u8],
    ext: &str,
    limits: &PreviewLimits,
) -> Result<Renditions, PreviewError> {
    check_bytes(bytes.len() as u64, limits)?;
    if model::media::is_model_file(ext) {
        return field::renditions_of_bytes(bytes, limits, &[], &|_, _| Vec::new());
    }
    render_from(Cursor::new(bytes), ext, limits, &[])
}

fn check_bytes(size: u64, limits: &PreviewLimits) -> Result<(), PreviewError> {
    if size > limits.max_bytes {
        return Err(PreviewError::TooManyBytes {
            size,
            max: limits.max_bytes,
        });
    }
    Ok(())
}

fn render_from<R: BufRead + Seek>(
    source: R,
    ext: &str,
    limits: &PreviewLimits,
    plot: &[String],
) -> Result<Renditions, PreviewError> {
    match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => renditions_of(decode_jpeg(source, limits)?),
        "png" | "gif" | "webp" => renditions_of(decode_image(source, limits)?),
        "csv" => plotted(&series::read(source, SeriesFormat::Csv, plot)?),
        "ict" => plotted(&series::read(source, SeriesFormat::Icartt, plot)?),
        "iwg1" => plotted(&flight::read(source)?),
        _ => Err(PreviewError::NotSupported),
    }
}

/// Size of a series plot (the preview) and of its thumbnail, in CSS pixels:
/// the thumbnail is drawn smaller rather than scaled, so its text stays legible.
pub const PLOT_SIZE: (u32, u32) = (960, 540);
const PLOT_THUMBNAIL_SIZE: (u32, u32) = (480, 270);

/// A series drawn as SVG, at preview and thumbnail size.
fn plotted(series: &series::Series) -> Result<Renditions, PreviewError> {
    let rendition = |(width, height): (u32, u32)| -> Result<Rendition, PreviewError> {
        Ok(Rendition {
            bytes: plot::svg(series, (width, height))?.into_bytes(),
            ext: "svg",
            width,
            height,
        })
    };
    Ok(Renditions {
        thumbnail: rendition(PLOT_THUMBNAIL_SIZE)?,
        preview: rendition(PLOT_SIZE)?,
    })
}

/// Decoded pixels, RGB or RGBA, 8 bits.
pub(crate) struct Pixels {
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

fn decode_jpeg(source: impl Read, limits: &PreviewLimits) -> Result<Pixels, PreviewError> {
    let mut decoder = jpeg_decoder::Decoder::new(source);
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

fn decode_image<R: BufRead + Seek>(
    source: R,
    limits: &PreviewLimits,
) -> Result<Pixels, PreviewError> {
    let decode = |e: image::ImageError| PreviewError::Decode(e.to_string());
    let mut reader = ImageReader::new(source)
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
    // Decoders accept images of zero width or height (a GIF's screen can
    // say 0 × 59); there is nothing to show, and nothing to divide by.
    if pixels.width == 0 || pixels.height == 0 {
        return Err(PreviewError::Decode(format!(
            "the image is {} × {} px: it has no pixels",
            pixels.width, pixels.height
        )));
    }
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

#[cfg(test)]
mod tests;
