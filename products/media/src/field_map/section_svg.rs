//! A vertical section drawn as a chart: the field's colours (the section's
//! picture, embedded as PNG) on a log-pressure axis with the pressures
//! charts mark, distance along the path below, each waypoint named above
//! with a line down the section, and the planned altitude drawn through
//! the waypoints' pressures.

use base64::Engine;

use super::legend::escape;
use super::section::{section_png, Section};
use super::Scale;
use crate::preview::plot::number;

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 46.0;
const BOTTOM: f64 = 40.0;
/// The pressures marked on the axis, where in range.
const MARKED: [f64; 12] = [
    1000.0, 925.0, 850.0, 700.0, 500.0, 400.0, 300.0, 250.0, 200.0, 150.0, 100.0, 50.0,
];

/// The section from its lowest to its highest level, as SVG.
pub fn section_svg(section: &Section, scale: &Scale, title: &str) -> String {
    let (p_bot, p_top) = match (section.levels.first(), section.levels.last()) {
        (Some(&b), Some(&t)) if b > t => (b, t),
        _ => (1000.0, 100.0),
    };
    let total = section.distance_km.last().copied().unwrap_or(0.0).max(1e-6);
    let (pw, ph) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let x = |d: f64| LEFT + d / total * pw;
    let y = |p: f64| TOP + (p_top.ln() - p.ln()) / (p_top.ln() - p_bot.ln()) * ph;
    let picture = section_png(section, scale, pw as u32, ph as u32, p_bot, p_top)
        .map(|png| base64::engine::general_purpose::STANDARD.encode(png))
        .unwrap_or_default();
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="11">"##
    );
    svg += &format!(
        r##"<title>{}</title><text x="{LEFT}" y="14" font-size="13" font-weight="bold">{}</text>"##,
        escape(title),
        escape(title)
    );
    svg += &format!(
        r##"<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="#eef1f3"/><image x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" preserveAspectRatio="none" href="data:image/png;base64,{picture}"/>"##
    );
    for p in MARKED.iter().filter(|p| **p <= p_bot && **p >= p_top) {
        let py = y(*p);
        svg += &format!(
            r##"<g class="pressure"><line x1="{LEFT}" x2="{}" y1="{py:.1}" y2="{py:.1}" stroke="#fff" stroke-opacity="0.5"/><text x="{}" y="{:.1}" text-anchor="end">{p} hPa</text></g>"##,
            LEFT + pw,
            LEFT - 4.0,
            py + 4.0
        );
    }
    let step = nice_step(total / 6.0);
    let mut d = 0.0;
    while d <= total + 1e-9 {
        svg += &format!(
            r##"<text class="distance" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            x(d),
            TOP + ph + 16.0,
            number(d)
        );
        d += step;
    }
    svg += &format!(
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">distance along the plan, km</text>"##,
        LEFT + pw / 2.0,
        HEIGHT - 6.0
    );
    for mark in &section.waypoints {
        let mx = x(mark.distance_km);
        svg += &format!(
            r##"<g class="waypoint"><line x1="{mx:.1}" x2="{mx:.1}" y1="{TOP}" y2="{:.1}" stroke="#333" stroke-dasharray="3 3" stroke-opacity="0.6"/><text x="{mx:.1}" y="{:.1}" text-anchor="middle">{}</text></g>"##,
            TOP + ph,
            TOP - 6.0,
            escape(&mark.label)
        );
    }
    let altitude: Vec<String> = section
        .waypoints
        .iter()
        .filter_map(|m| {
            let p = m.pressure_hpa?.clamp(p_top, p_bot);
            Some(format!("{:.1},{:.1}", x(m.distance_km), y(p)))
        })
        .collect();
    if altitude.len() > 1 {
        svg += &format!(
            r##"<polyline class="planned-altitude" points="{}" fill="none" stroke="#000" stroke-width="2.5"/>"##,
            altitude.join(" ")
        );
    }
    svg += "</svg>";
    svg
}

/// A step of 1, 2 or 5 times a power of ten near `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.max(1e-6).log10().floor());
    let f = raw / power;
    power
        * if f < 1.5 {
            1.0
        } else if f < 3.5 {
            2.0
        } else if f < 7.5 {
            5.0
        } else {
            10.0
        }
}
