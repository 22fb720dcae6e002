//! A scale's legend as SVG (as PNG: [`super::legend_png`]): the colour bar as drawn on the map, its ticks
//! labelled, the field's name and units above. Pressures in pascals are
//! labelled in hectopascals and temperatures in kelvin in degrees Celsius,
//! as charts are read; the values the API returns keep the file's units.

use super::Scale;
use crate::preview::plot::number;

const WIDTH: f64 = 320.0;
const MARGIN: f64 = 12.0;
const STOPS: u32 = 32;

/// The units a legend shows for the scale's, and how a value converts:
/// `(units, shift, factor)`, shown = (value + shift) × factor.
fn shown_units(scale: &Scale) -> (String, f64, f64) {
    match scale.units.as_deref() {
        Some("Pa") => ("hPa".to_string(), 0.0, 0.01),
        Some("K") => ("°C".to_string(), -273.15, 1.0),
        Some(u) => (u.to_string(), 0.0, 1.0),
        None => (String::new(), 0.0, 1.0),
    }
}

/// A value as the legend labels it, in its shown units.
pub(super) fn tick_label(scale: &Scale, value: f64) -> String {
    let (_, shift, factor) = shown_units(scale);
    number((value + shift) * factor)
}

/// The legend's heading, unescaped: "t 850 hPa (°C)", with where it is
/// clear ("tp (kg m-2), clear under 0.1").
pub(super) fn heading(title: &str, scale: &Scale) -> String {
    let (units, _, _) = shown_units(scale);
    let mut out = if units.is_empty() {
        title.to_string()
    } else {
        format!("{title} ({units})")
    };
    if let Some(clear) = scale.clear_below {
        out.push_str(&format!(", clear under {}", tick_label(scale, clear)));
    }
    out
}

/// The legend of `scale` for the field titled `title`.
pub fn legend_svg(title: &str, scale: &Scale) -> String {
    let label = |v: f64| tick_label(scale, v);
    let bar = WIDTH - 2.0 * MARGIN;
    let mut stops = String::new();
    for n in 0..=STOPS {
        let t = f64::from(n) / f64::from(STOPS);
        let [r, g, b, a] = scale.palette.rgba(t);
        stops.push_str(&format!(
            r##"<stop offset="{t:.4}" stop-color="#{r:02x}{g:02x}{b:02x}" stop-opacity="{:.3}"/>"##,
            f64::from(a) / 255.0
        ));
    }
    let (mut marks, mut labels) = (String::new(), String::new());
    for value in &scale.ticks {
        let x = MARGIN + scale.position(*value) * bar;
        marks.push_str(&format!(
            r#"<line x1="{x:.1}" y1="38" x2="{x:.1}" y2="42"/>"#
        ));
        labels.push_str(&format!(
            r#"<text x="{x:.1}" y="53" text-anchor="middle">{}</text>"#,
            label(*value)
        ));
    }
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="60" viewBox="0 0 {w} 60" font-family="sans-serif" font-size="10">"#,
            r##"<rect width="{w}" height="60" fill="#fff" fill-opacity="0.85"/>"##,
            r#"<linearGradient id="ramp">{stops}</linearGradient>"#,
            r#"<text x="{m}" y="13" font-size="11" font-weight="bold">{heading}</text>"#,
            r##"<rect x="{m}" y="20" width="{bar}" height="18" fill="url(#ramp)" stroke="#333" stroke-width="0.5"/>"##,
            r##"<g stroke="#333">{marks}</g><g>{labels}</g></svg>"##
        ),
        w = WIDTH,
        m = MARGIN,
        bar = bar,
        stops = stops,
        heading = escape(&heading(title, scale)),
        marks = marks,
        labels = labels,
    )
}

/// Text and attribute values escaped for XML (SVG here, the WMS's
/// documents in the server).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
