//! A scale's legend as SVG: the colour bar as drawn on the map, its ticks
//! labelled, the field's name and units above. Pressures in pascals are
//! labelled in hectopascals and temperatures in kelvin in degrees Celsius,
//! as charts are read; the values the API returns keep the file's units.

use super::Scale;

const WIDTH: f64 = 320.0;
const MARGIN: f64 = 12.0;
const STOPS: u32 = 32;

/// The legend of `scale` for the field titled `title`.
pub fn legend_svg(title: &str, scale: &Scale) -> String {
    let (shown_units, shift, factor) = match scale.units.as_deref() {
        Some("Pa") => ("hPa".to_string(), 0.0, 0.01),
        Some("K") => ("°C".to_string(), -273.15, 1.0),
        Some(u) => (u.to_string(), 0.0, 1.0),
        None => (String::new(), 0.0, 1.0),
    };
    let label = |v: f64| format_number((v + shift) * factor);
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
    let heading = if shown_units.is_empty() {
        escape(title)
    } else {
        format!("{} ({})", escape(title), escape(&shown_units))
    };
    let clear = scale
        .clear_below
        .map(|c| format!(", clear under {}", label(c)))
        .unwrap_or_default();
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="60" viewBox="0 0 {w} 60" font-family="sans-serif" font-size="10">"#,
            r##"<rect width="{w}" height="60" fill="#fff" fill-opacity="0.85"/>"##,
            r#"<linearGradient id="ramp">{stops}</linearGradient>"#,
            r#"<text x="{m}" y="13" font-size="11" font-weight="bold">{heading}{clear}</text>"#,
            r##"<rect x="{m}" y="20" width="{bar}" height="18" fill="url(#ramp)" stroke="#333" stroke-width="0.5"/>"##,
            r##"<g stroke="#333">{marks}</g><g>{labels}</g></svg>"##
        ),
        w = WIDTH,
        m = MARGIN,
        bar = bar,
        stops = stops,
        heading = heading,
        clear = escape(&clear),
        marks = marks,
        labels = labels,
    )
}

/// A tick's label: no more decimals than it needs (at most three).
fn format_number(v: f64) -> String {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
