//! A scale's legend as PNG, for the clients that show no SVG (QGIS and
//! msui show a WMS layer's legend as an image): the same bar, ticks and
//! labels as [`super::legend_svg`], lettered in the public-domain 8×8
//! bitmap font.

use font8x8::{UnicodeFonts, BASIC_FONTS, LATIN_FONTS};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

use super::legend::{heading, tick_label};
use super::Scale;

const WIDTH: u32 = 320;
const HEIGHT: u32 = 60;
const MARGIN: u32 = 12;
const INK: [u8; 4] = [40, 40, 40, 255];

struct Canvas {
    rgba: Vec<u8>,
}

impl Canvas {
    fn new() -> Self {
        Self {
            rgba: [255, 255, 255, 217].repeat((WIDTH * HEIGHT) as usize),
        }
    }

    fn set(&mut self, x: i64, y: i64, colour: [u8; 4]) {
        if (0..i64::from(WIDTH)).contains(&x) && (0..i64::from(HEIGHT)).contains(&y) {
            let at = ((y * i64::from(WIDTH) + x) * 4) as usize;
            self.rgba[at..at + 4].copy_from_slice(&colour);
        }
    }

    /// `text` from `x` (its left) at `y` (its top), 8 px a character; a
    /// character the font lacks is drawn as `?`.
    fn text(&mut self, text: &str, x: i64, y: i64) {
        for (n, c) in text.chars().enumerate() {
            let glyph = BASIC_FONTS
                .get(c)
                .or_else(|| LATIN_FONTS.get(c))
                .or_else(|| BASIC_FONTS.get('?'))
                .unwrap_or_default();
            for (row, bits) in glyph.iter().enumerate() {
                for column in 0..8 {
                    if bits & (1 << column) != 0 {
                        self.set(x + n as i64 * 8 + column, y + row as i64, INK);
                    }
                }
            }
        }
    }
}

/// The legend of `scale` for the field titled `title`, as PNG.
pub fn legend_png(title: &str, scale: &Scale) -> Result<Vec<u8>, String> {
    let mut canvas = Canvas::new();
    let most = ((WIDTH - 2 * MARGIN) / 8) as usize;
    let heading: String = heading(title, scale).chars().take(most).collect();
    canvas.text(&heading, i64::from(MARGIN), 3);
    let bar = WIDTH - 2 * MARGIN;
    for x in 0..bar {
        let colour = scale.palette.rgba(f64::from(x) / f64::from(bar - 1));
        for y in 18..34 {
            canvas.set(i64::from(MARGIN + x), y, colour);
        }
    }
    for x in MARGIN - 1..=MARGIN + bar {
        canvas.set(i64::from(x), 17, INK);
        canvas.set(i64::from(x), 34, INK);
    }
    for y in 17..=34 {
        canvas.set(i64::from(MARGIN - 1), y, INK);
        canvas.set(i64::from(MARGIN + bar), y, INK);
    }
    // Every tick marked; labels where they do not run into the last one.
    let mut free_from = i64::MIN;
    for value in &scale.ticks {
        let x = i64::from(MARGIN) + (scale.position(*value) * f64::from(bar - 1)).round() as i64;
        for y in 35..39 {
            canvas.set(x, y, INK);
        }
        let label = tick_label(scale, *value);
        let left = (x - label.chars().count() as i64 * 4).max(0);
        if left >= free_from {
            canvas.text(&label, left, 42);
            free_from = left + label.chars().count() as i64 * 8 + 4;
        }
    }
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
        .write_image(&canvas.rgba, WIDTH, HEIGHT, ExtendedColorType::Rgba8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}
