//! Thumbnails and previews of model fields (GRIB2, NetCDF): one field drawn over
//! the whole grid on its colour scale, coastlines over it, so a planner
//! sees at a glance what run and what quantity a file holds. The field is
//! the first of the sidecar's `fields` the file has (`"msl"`, `"t@850"`),
//! else the first of mean sea level pressure, 2 m temperature, total
//! precipitation and 500 hPa temperature it has, else its first readable
//! message.

use std::path::Path;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

use super::{
    PreviewError, PreviewLimits, Rendition, Renditions, PREVIEW_MAX_SIDE, THUMBNAIL_WIDTH,
};
use crate::field_map::{render, Crs, Located, Scale, View};
use crate::model_file::{choose, Limits, Message, ModelFile, ModelFileError, Wanted};

/// What is drawn when the sidecar chooses nothing the file has.
const DEFAULT_FIELDS: [&str; 5] = ["msl", "prmsl", "2t", "tp", "t@500"];
/// Where there is no value: a light grey, so the land and sea lines show.
const BACKGROUND: [u8; 4] = [232, 236, 239, 255];
const COAST: [u8; 4] = [30, 30, 30, 255];

/// Lines (`[lon, lat]` polylines) to draw over a box at a width in pixels:
/// the server's basemap, or nothing.
pub type Overlay<'a> = &'a dyn Fn([f64; 4], u32) -> Vec<Vec<[f64; 2]>>;

/// What a model file may hold to be drawn within the preview's budget.
fn limits_of(limits: &PreviewLimits) -> Limits {
    Limits {
        max_bytes: limits.max_bytes,
        max_points: (limits.max_memory / 24).min(50_000_000) as usize,
        ..Limits::default()
    }
}

fn bad(e: ModelFileError) -> PreviewError {
    PreviewError::Decode(e.to_string())
}

/// The renditions of the model file (GRIB2 or NetCDF) at `path`.
pub fn renditions(
    path: &Path,
    limits: &PreviewLimits,
    chosen: &[String],
    overlay: Overlay,
) -> Result<Renditions, PreviewError> {
    let file = ModelFile::open(path, limits_of(limits)).map_err(bad)?;
    draw(file, chosen, overlay)
}

/// The renditions of a model file's bytes.
pub fn renditions_of_bytes(
    bytes: &[u8],
    limits: &PreviewLimits,
    chosen: &[String],
    overlay: Overlay,
) -> Result<Renditions, PreviewError> {
    let file = ModelFile::from_bytes(bytes.to_vec(), limits_of(limits)).map_err(bad)?;
    draw(file, chosen, overlay)
}

fn draw(
    mut file: ModelFile,
    chosen: &[String],
    overlay: Overlay,
) -> Result<Renditions, PreviewError> {
    let message = pick(file.messages(), chosen)
        .ok_or_else(|| PreviewError::Decode("no field can be drawn".into()))?
        .clone();
    let field = Located::new(file.gridded(message.index).map_err(bad)?)
        .ok_or_else(|| PreviewError::Decode("the field has no placed point".into()))?;
    let scale = Scale::for_field(&message.field(), message.units.as_deref(), field.range());
    let drawn = |width: u32| -> Result<Rendition, PreviewError> {
        let bbox = field.bbox();
        let [w, s, e, n] = bbox;
        let squeeze = ((s + n) / 2.0).to_radians().cos().max(0.2);
        let height = (f64::from(width) * (n - s) / ((e - w).max(1e-6) * squeeze))
            .round()
            .clamp(1.0, f64::from(PREVIEW_MAX_SIDE)) as u32;
        let view = View::new(Crs::LonLat, bbox, width, height)
            .map_err(|e| PreviewError::Decode(e.to_string()))?;
        let mut rgba = render(&field, &scale, &view);
        for pixel in rgba.chunks_exact_mut(4) {
            blend_over(pixel, BACKGROUND);
        }
        for line in overlay(bbox, width) {
            draw_line(&mut rgba, bbox, (width, height), &line);
        }
        let mut bytes = Vec::new();
        PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Adaptive)
            .write_image(&rgba, width, height, ExtendedColorType::Rgba8)
            .map_err(|e| PreviewError::Encode(e.to_string()))?;
        Ok(Rendition {
            bytes,
            ext: "png",
            width,
            height,
        })
    };
    Ok(Renditions {
        thumbnail: drawn(THUMBNAIL_WIDTH)?,
        preview: drawn(1200.min(PREVIEW_MAX_SIDE))?,
    })
}

/// The message to draw: the first of `chosen` (`name` or `name@level`) the
/// file has, else of [`DEFAULT_FIELDS`], else the first readable one.
fn pick<'a>(listed: &'a [Message], chosen: &[String]) -> Option<&'a Message> {
    let wanted = |spec: &str| -> Option<&'a Message> {
        let (field, level) = match spec.split_once('@') {
            Some((field, level)) => (field, Some(level.parse::<f64>().ok()?)),
            None => (spec, None),
        };
        let found = choose(
            listed,
            &Wanted {
                field,
                level,
                time: None,
            },
        );
        // A field at several levels without one chosen: the level nearest
        // the ground (the highest pressure, the lowest height).
        found.ok().or_else(|| {
            let of_field = listed
                .iter()
                .filter(|m| level.is_none() && m.field() == field && m.problem.is_none());
            if listed
                .iter()
                .any(|m| m.field() == field && m.level_type == 100)
            {
                of_field.max_by(|a, b| a.level.total_cmp(&b.level))
            } else {
                of_field.min_by(|a, b| a.level.total_cmp(&b.level))
            }
        })
    };
    chosen
        .iter()
        .map(String::as_str)
        .chain(DEFAULT_FIELDS)
        .find_map(wanted)
        .filter(|m| m.problem.is_none())
        .or_else(|| listed.iter().find(|m| m.problem.is_none()))
}

/// `over` drawn under a pixel that may be clear.
fn blend_over(pixel: &mut [u8], under: [u8; 4]) {
    let a = u16::from(pixel[3]);
    for c in 0..3 {
        pixel[c] = ((u16::from(pixel[c]) * a + u16::from(under[c]) * (255 - a)) / 255) as u8;
    }
    pixel[3] = 255;
}

/// A polyline of `[lon, lat]` drawn one pixel wide (Bresenham's steps).
fn draw_line(rgba: &mut [u8], bbox: [f64; 4], (width, height): (u32, u32), line: &[[f64; 2]]) {
    let [w, s, e, n] = bbox;
    let to_px = |[lon, lat]: [f64; 2]| -> (i64, i64) {
        // A longitude east of the box by a turn is drawn in it.
        let lon = if lon < w { lon + 360.0 } else { lon };
        (
            ((lon - w) / (e - w) * f64::from(width)) as i64,
            ((n - lat) / (n - s) * f64::from(height)) as i64,
        )
    };
    let (wi, hi) = (i64::from(width), i64::from(height));
    for pair in line.windows(2) {
        let ((mut x0, mut y0), (x1, y1)) = (to_px(pair[0]), to_px(pair[1]));
        // A segment across the box's seam is not drawn across the picture.
        if (x1 - x0).abs() > wi / 2 {
            continue;
        }
        let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
        let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
        let mut err = dx + dy;
        for _ in 0..=(dx - dy).min(4 * (wi + hi)) {
            if (0..wi).contains(&x0) && (0..hi).contains(&y0) {
                let at = ((y0 * wi + x0) * 4) as usize;
                rgba[at..at + 4].copy_from_slice(&COAST);
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
}
