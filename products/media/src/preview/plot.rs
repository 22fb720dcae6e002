//! Plots of in situ series, drawn with `plotters` as SVG: axes with their
//! names and units, a legend, missing values as gaps. Time series get one
//! panel per variable on a shared time axis; soundings are temperature and
//! dew point against pressure on a log scale, highest pressure at the bottom;
//! ICARTT 2110 profiles are one line per record, coloured by time.
//!
//! SVG keeps the text sharp at any size and costs a few tens of kB; long
//! series are thinned to about two points per pixel column, keeping each
//! column's extremes so that spikes survive.

use plotters::chart::{MeshStyle, SeriesAnno};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::series::{Abscissa, Profile, Series, Variable};
use super::PreviewError;

/// Okabe-Ito colours, as on the board: safe for colour-blind readers.
const COLOURS: [RGBColor; 4] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
];
const GRID: RGBColor = RGBColor(232, 235, 239);
const FRAME: RGBColor = RGBColor(190, 196, 203);
/// Profiles drawn at most from one 2110 file, spread over its records.
const MAX_PROFILES: usize = 8;
/// Standard pressure levels labelled on a sounding, in hPa.
const LEVELS: [f64; 16] = [
    1000.0, 925.0, 850.0, 700.0, 500.0, 400.0, 300.0, 250.0, 200.0, 150.0, 100.0, 70.0, 50.0, 30.0,
    20.0, 10.0,
];

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn failed(error: impl std::fmt::Display) -> PreviewError {
    PreviewError::Encode(format!("drawing the plot: {error}"))
}

/// The series drawn as an SVG document `width` × `height` px.
pub(crate) fn svg(series: &Series, (width, height): (u32, u32)) -> Result<String, PreviewError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let columns = width as usize;
        match series {
            Series::Time { x, abscissa, ys } => time_series(&root, x, *abscissa, ys, columns)?,
            Series::Sounding {
                pressure,
                temperature,
                dewpoint,
            } => sounding(&root, pressure, temperature, dewpoint.as_ref(), columns)?,
            Series::Profiles {
                variable,
                level,
                time,
                profiles,
            } => profile_lines(&root, variable, level, time, profiles)?,
        }
        root.present().map_err(failed)?;
    }
    Ok(out)
}

/// The finite range of `values`, widened a little (and made non-empty).
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.04
    } else {
        lo.abs().max(1.0) * 0.5
    };
    (lo - pad, hi + pad)
}

/// `(x, y)` runs without a missing value, each thinned to about `columns`
/// min/max pairs.
fn segments(xs: &[f64], ys: &[f64], columns: usize) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (&x, &y) in xs.iter().zip(ys) {
        if x.is_finite() && y.is_finite() {
            run.push((x, y));
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    let total: usize = runs.iter().map(Vec::len).sum();
    let budget = columns.max(1) * 2;
    if total <= budget {
        return runs;
    }
    let chunk = total.div_ceil(columns.max(1));
    runs.into_iter()
        .map(|run| {
            run.chunks(chunk)
                .flat_map(|c| {
                    let low = c
                        .iter()
                        .copied()
                        .fold(c[0], |a, p| if p.1 < a.1 { p } else { a });
                    let high = c
                        .iter()
                        .copied()
                        .fold(c[0], |a, p| if p.1 > a.1 { p } else { a });
                    if low.0 <= high.0 {
                        [low, high]
                    } else {
                        [high, low]
                    }
                })
                .collect()
        })
        .collect()
}

/// A number as an axis (or a legend) says it: no float noise, exponents
/// when huge or tiny.
pub(crate) fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        return format!("{v:.2e}");
    }
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// `hh:mm` of a number of seconds since midnight (past 24 h on long flights).
fn clock(seconds: f64) -> String {
    let minutes = (seconds / 60.0).round() as i64;
    let (h, m) = (minutes.div_euclid(60), minutes.rem_euclid(60));
    if h >= 24 {
        format!("{:02}:{m:02}+1d", h - 24)
    } else {
        format!("{h:02}:{m:02}")
    }
}

fn time_series(
    root: &Area,
    x: &Variable,
    abscissa: Abscissa,
    ys: &[Variable],
    columns: usize,
) -> Result<(), PreviewError> {
    let (x0, x1) = range(x.values.iter().copied());
    let long = x1 - x0 > 2.0 * 86_400.0;
    let x_label = move |v: &f64| match abscissa {
        Abscissa::Epoch => chrono::DateTime::from_timestamp(*v as i64, 0)
            .map(|t| {
                t.format(if long { "%d %b %H:%M" } else { "%H:%M" })
                    .to_string()
            })
            .unwrap_or_default(),
        Abscissa::SecondsOfDay => clock(*v),
        Abscissa::Plain => number(*v),
    };
    let x_desc = match abscissa {
        Abscissa::Epoch => format!("{} (UTC)", x.column.name),
        Abscissa::SecondsOfDay => format!("{} (UTC, hh:mm)", x.column.name),
        Abscissa::Plain => x.column.label(),
    };
    let panels = root.split_evenly((ys.len().max(1), 1));
    for (i, (area, y)) in panels.iter().zip(ys).enumerate() {
        let last = i + 1 == ys.len();
        let (y0, y1) = range(y.values.iter().copied());
        let mut chart = ChartBuilder::on(area)
            .margin_top(6)
            .margin_right(14)
            .x_label_area_size(if last { 40 } else { 0 })
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(failed)?;
        let mut mesh = chart.configure_mesh();
        styled(&mut mesh)
            .x_labels(8)
            .y_labels(4)
            .x_label_formatter(&x_label)
            .y_label_formatter(&|v| number(*v))
            .y_desc(y.column.label());
        if last {
            mesh.x_desc(x_desc.as_str());
        }
        mesh.draw().map_err(failed)?;
        let colour = COLOURS[i % COLOURS.len()];
        for (k, run) in segments(&x.values, &y.values, columns)
            .into_iter()
            .enumerate()
        {
            let drawn = chart
                .draw_series(LineSeries::new(run, colour.stroke_width(1)))
                .map_err(failed)?;
            if k == 0 {
                in_legend(drawn, y.column.label(), colour.stroke_width(2));
            }
        }
        legend(&mut chart)?;
    }
    Ok(())
}

/// The whole picture as one chart, with room for the axes' labels.
fn one_chart<'a>(
    root: &Area<'a>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a>, PreviewError> {
    ChartBuilder::on(root)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)
        .map_err(failed)
}

type Chart<'a> = ChartContext<'a, SVGBackend<'a>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The look of every axis: small labels, light grid, a quiet frame.
fn styled<'m, 'a, 'b, X: Ranged, Y: Ranged>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, SVGBackend<'a>>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, SVGBackend<'a>> {
    mesh.label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .light_line_style(GRID)
        .bold_line_style(GRID)
        .axis_style(FRAME)
}

/// Names a drawn line in the legend, with a sample of its stroke.
fn in_legend(drawn: &mut SeriesAnno<'_, SVGBackend<'_>>, label: String, stroke: ShapeStyle) {
    drawn
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], stroke));
}

/// The legend box, top right of a chart.
fn legend<'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
) -> Result<(), PreviewError> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(FRAME)
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(failed)
}

fn sounding(
    root: &Area,
    pressure: &Variable,
    temperature: &Variable,
    dewpoint: Option<&Variable>,
    columns: usize,
) -> Result<(), PreviewError> {
    // Pascals are hectopascals a hundred times over.
    let pa = pressure
        .values
        .iter()
        .copied()
        .filter(|p| p.is_finite())
        .fold(0.0, f64::max)
        > 2000.0;
    let hpa = |p: f64| if pa { p / 100.0 } else { p };
    // Drawn against −ln p: a log scale with the ground at the bottom.
    let ys: Vec<f64> = pressure
        .values
        .iter()
        .map(|&p| if hpa(p) > 0.0 { -hpa(p).ln() } else { f64::NAN })
        .collect();
    let (y0, y1) = range(ys.iter().copied());
    let lines: Vec<&Variable> = std::iter::once(temperature).chain(dewpoint).collect();
    let (x0, x1) = range(lines.iter().flat_map(|v| v.values.iter().copied()));
    let keys: Vec<f64> = LEVELS
        .iter()
        .map(|p| -p.ln())
        .filter(|y| (y0..=y1).contains(y))
        .collect();
    let mut chart = one_chart(root, x0..x1, y0..y1)?;
    let units = pressure
        .column
        .units
        .clone()
        .filter(|_| !pa)
        .unwrap_or_else(|| "hPa".into());
    // The standard levels, as grid lines and labels: a log axis whose
    // ticks are the pressures a forecaster reads.
    for y in keys {
        chart
            .draw_series(LineSeries::new([(x0, y), (x1, y)], GRID))
            .map_err(failed)?;
        let (px, py) = chart.backend_coord(&(x0, y));
        let style = ("sans-serif", 12)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        root.draw(&Text::new(
            format!("{:.0}", (-y).exp()),
            (px - 6, py),
            style,
        ))
        .map_err(failed)?;
    }
    styled(&mut chart.configure_mesh())
        .x_labels(8)
        .y_labels(0)
        .disable_y_mesh()
        .x_label_formatter(&|v| number(*v))
        .x_desc(temperature.column.label())
        .y_desc(format!("{} ({units})", pressure.column.name))
        .draw()
        .map_err(failed)?;
    for (line, colour) in lines
        .into_iter()
        .zip([RGBColor(200, 30, 30), RGBColor(0, 140, 70)])
    {
        for (k, run) in segments(&line.values, &ys, columns).into_iter().enumerate() {
            let drawn = chart
                .draw_series(LineSeries::new(run, colour.stroke_width(2)))
                .map_err(failed)?;
            if k == 0 {
                in_legend(drawn, line.column.label(), colour.stroke_width(2));
            }
        }
    }
    legend(&mut chart)
}

fn profile_lines(
    root: &Area,
    variable: &super::series::Column,
    level: &super::series::Column,
    time: &super::series::Column,
    profiles: &[Profile],
) -> Result<(), PreviewError> {
    let step = profiles.len().div_ceil(MAX_PROFILES).max(1);
    let shown: Vec<&Profile> = profiles.iter().step_by(step).collect();
    let (x0, x1) = range(shown.iter().flat_map(|p| p.points.iter().map(|(v, _)| *v)));
    let (y0, y1) = range(shown.iter().flat_map(|p| p.points.iter().map(|(_, z)| *z)));
    let mut chart = one_chart(root, x0..x1, y0..y1)?;
    styled(&mut chart.configure_mesh())
        .x_label_formatter(&|v| number(*v))
        .y_label_formatter(&|v| number(*v))
        .x_desc(variable.label())
        .y_desc(level.label())
        .draw()
        .map_err(failed)?;
    let seconds = time
        .units
        .as_deref()
        .is_some_and(|u| u.to_ascii_lowercase().starts_with('s'));
    let count = shown.len().max(2) - 1;
    for (i, profile) in shown.iter().enumerate() {
        // Early records blue, late ones red.
        let colour = HSLColor(0.62 - 0.62 * i as f64 / count as f64, 0.75, 0.42);
        let (values, levels): (Vec<f64>, Vec<f64>) = profile.points.iter().copied().unzip();
        let name = if seconds {
            format!("{} UTC", clock(profile.at))
        } else {
            format!("{} {}", time.name, number(profile.at))
        };
        for (k, run) in segments(&levels, &values, usize::MAX / 4)
            .into_iter()
            .enumerate()
        {
            let run: Vec<(f64, f64)> = run.into_iter().map(|(z, v)| (v, z)).collect();
            let drawn = chart
                .draw_series(LineSeries::new(run, colour.stroke_width(2)))
                .map_err(failed)?;
            if k == 0 {
                in_legend(drawn, name.clone(), colour.stroke_width(2));
            }
        }
    }
    legend(&mut chart)
}
