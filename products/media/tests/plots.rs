//! Plots of real-format in situ files, read back with an XML parser: the
//! axes say what and in which units, the legend names every line, missing
//! values are gaps, stray lines are not drawn, chosen variables are.

use std::path::{Path, PathBuf};

use media::preview::{render_with, PreviewLimits};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The preview's SVG: its texts, and its polylines as (stroke, width, points).
struct Plot {
    texts: Vec<String>,
    /// Each text's height on the picture (SVG y grows downwards).
    heights: Vec<(String, f64)>,
    lines: Vec<(String, String, usize)>,
}

fn plot(name: &str, chosen: &[&str]) -> Plot {
    let path = data(name);
    let ext = name.rsplit('.').next().unwrap();
    let chosen: Vec<String> = chosen.iter().map(|s| s.to_string()).collect();
    let renditions = render_with(&path, ext, &PreviewLimits::default(), &chosen).unwrap();
    assert_eq!(renditions.preview.ext, "svg");
    assert_eq!(renditions.thumbnail.ext, "svg");
    let svg = String::from_utf8(renditions.preview.bytes).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(
        roxmltree::Document::parse(std::str::from_utf8(&renditions.thumbnail.bytes).unwrap())
            .is_ok(),
        "the thumbnail is well-formed too"
    );
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().trim().to_string())
        .collect();
    let heights = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            let y = n
                .attribute("y")
                .and_then(|y| y.parse().ok())
                .unwrap_or(f64::NAN);
            (n.text().unwrap_or_default().trim().to_string(), y)
        })
        .collect();
    let lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .map(|n| {
            (
                n.attribute("stroke").unwrap_or_default().to_uppercase(),
                n.attribute("stroke-width").unwrap_or_default().to_string(),
                n.attribute("points")
                    .unwrap_or_default()
                    .split_whitespace()
                    .count(),
            )
        })
        .collect();
    Plot {
        texts,
        heights,
        lines,
    }
}

impl Plot {
    fn count(&self, text: &str) -> usize {
        self.texts.iter().filter(|t| t.as_str() == text).count()
    }

    /// Data lines (width 1 or 2, not the legend's short samples) in `stroke`.
    fn runs(&self, stroke: &str) -> Vec<usize> {
        self.lines
            .iter()
            .filter(|(s, _, points)| s == stroke && *points > 2)
            .map(|(_, _, points)| *points)
            .collect()
    }
}

#[test]
fn an_icartt_merge_is_plotted_with_units_legend_gaps_and_no_bookkeeping() {
    let plot = plot("actamerica-merge-c130-20160718.ict", &[]);
    // Axis titles and legend entries: each variable twice.
    for label in [
        "LONGITUDE (degrees)",
        "ALTP (m)",
        "CO2_NOAA (ppm)",
        "O3 (ppbv)",
    ] {
        assert_eq!(plot.count(label), 2, "{label}: {:?}", plot.texts);
    }
    assert_eq!(plot.count("Start_UTC (UTC, hh:mm)"), 1);
    for skipped in ["JDAY", "INDEX", "FLIGHT", "LOCAL_SUN_TIME (hours)"] {
        assert_eq!(plot.count(skipped), 0, "{skipped} is bookkeeping");
    }
    // Time ticks stay within the flight (14:00 to 14:09:50 UTC): the NUL line
    // at the end is not a row.
    let ticks: Vec<&String> = plot
        .texts
        .iter()
        .filter(|t| t.len() == 5 && t.as_bytes()[2] == b':')
        .collect();
    assert!(!ticks.is_empty());
    assert!(
        ticks
            .iter()
            .all(|t| t.as_str() >= "13:59" && t.as_str() <= "14:10"),
        "{ticks:?}"
    );
    // O3 (the fourth colour) is missing for five rows: two runs, not one.
    assert_eq!(plot.runs("#CC79A7").len(), 2, "{:?}", plot.lines);
    assert_eq!(plot.runs("#0072B2").len(), 1);
    // No axis reaches down to the missing-value indicator.
    assert!(!plot
        .texts
        .iter()
        .any(|t| t.contains("999") || t.contains("e5") || t.contains("e6")));
    // 0–360° longitudes are drawn as −180–180°: negative ticks.
    assert!(
        plot.texts.iter().any(|t| t.starts_with("-9")),
        "{:?}",
        plot.texts
    );
}

#[test]
fn a_sidecar_chooses_the_variables() {
    let plot = plot(
        "actamerica-merge-c130-20160718.ict",
        &["CO2_NOAA", "ALTP", "nonsense"],
    );
    assert_eq!(plot.count("CO2_NOAA (ppm)"), 2);
    assert_eq!(plot.count("ALTP (m)"), 2);
    assert_eq!(plot.count("O3 (ppbv)"), 0);
    assert_eq!(plot.count("LONGITUDE (degrees)"), 0);
    // In the order asked: CO2 in the first colour.
    assert_eq!(plot.runs("#0072B2").len(), 1);
    assert_eq!(plot.runs("#D55E00").len(), 1);
    assert!(plot.runs("#009E73").is_empty());
}

#[test]
fn icartt_2110_profiles_are_lines_against_altitude_one_per_record() {
    let plot = plot("mtp-profiles-orcas-20160118.ict", &[]);
    assert_eq!(plot.count("Temperature (K)"), 1, "{:?}", plot.texts);
    assert_eq!(plot.count("GPS_Altitude (km)"), 1);
    let legend: Vec<&String> = plot.texts.iter().filter(|t| t.ends_with(" UTC")).collect();
    assert_eq!(legend.len(), 5, "one entry per record: {legend:?}");
    assert_eq!(legend[0], "17:00 UTC");
    // 15 levels a record; the third misses one: split in two.
    let long: Vec<usize> = plot.lines.iter().map(|l| l.2).filter(|p| *p > 2).collect();
    assert_eq!(long.iter().sum::<usize>(), 5 * 15 - 1, "{long:?}");
    assert_eq!(long.len(), 6);
}

#[test]
fn a_sounding_is_temperature_and_dew_point_against_log_pressure() {
    let plot = plot("sounding-toulouse-20261129T1100.csv", &[]);
    for label in ["temperature (C)", "dewpoint (C)"] {
        assert!(plot.count(label) >= 1, "{label}: {:?}", plot.texts);
    }
    assert_eq!(plot.count("pressure (hPa)"), 1);
    for level in ["1000", "850", "700", "500", "300", "200", "100"] {
        assert_eq!(plot.count(level), 1, "{level} hPa labelled");
    }
    assert_eq!(plot.count("wind_direction (deg)"), 0);
    // Pressure decreases upwards: 1000 hPa below 500 hPa, below 100 hPa.
    let height = |label: &str| plot.heights.iter().find(|(t, _)| t == label).unwrap().1;
    assert!(height("1000") > height("500") && height("500") > height("100"));
    // Two profile lines of 21 levels.
    let long: Vec<usize> = plot.lines.iter().map(|l| l.2).filter(|p| *p > 2).collect();
    assert_eq!(long, [21, 21], "{:?}", plot.lines);
}
