//! In situ series (CSV, ICARTT) read under caps and drawn as a quick-look plot.
//!
//! Every count in such a file is input: a header line of 64 MB of commas, an
//! ICARTT header that declares 1.8e19 lines, millions of rows. Lines are read
//! one at a time and refused past [`MAX_LINE_BYTES`], declared header lengths
//! are checked before they are skipped, only the plotted columns are kept and
//! rows stop at [`MAX_ROWS`], so a file costs at most a few tens of MB.

use std::io::{BufRead, Read};

use image::{Rgb, RgbImage};

use super::{Pixels, PreviewError};

/// The textual series formats that get a plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesFormat {
    /// A header line, then comma-separated rows; the first column is the abscissa.
    Csv,
    /// NASA ICARTT, file format index 1001: `NLHEAD, 1001` on the first line,
    /// NLHEAD header lines of which the last names the columns, then rows.
    Icartt,
}

/// Columns of numbers: the first is the abscissa, the others are plotted.
#[derive(Debug, Default)]
pub struct Series {
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
struct Lines<R> {
    reader: std::io::Take<R>,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    fn new(source: R) -> Self {
        Self {
            reader: source.take(MAX_SERIES_BYTES),
            buf: Vec::new(),
        }
    }

    /// The next line without its end, or `None` at the end of the file.
    fn next_line(&mut self) -> Result<Option<&str>, PreviewError> {
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

/// Reads a series under the caps above; the plotted columns, or why there
/// is nothing to plot.
pub fn read(source: impl BufRead, format: SeriesFormat) -> Result<Series, PreviewError> {
    let mut lines = Lines::new(source);
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
pub(crate) fn plot(series: &Series) -> Pixels {
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
    use super::super::tests::write;
    use super::super::{render, PreviewLimits};
    use super::*;

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

    #[test]
    fn empty_truncated_and_malformed_series_get_a_reason_and_the_next_one_a_plot() {
        let tmp = tempfile::tempdir().unwrap();
        let limits = PreviewLimits::default();
        for (name, bytes, reason) in [
            ("empty.csv", &b""[..], "the file is empty"),
            ("empty.ict", b"", "the first line must be `NLHEAD, 1001`"),
            ("zero.ict", b"0, 1001\nx\n", "NLHEAD is 0"),
            ("one.ict", b"1, 1001\n", "NLHEAD is 1"),
            ("words.ict", b"many, 1001\n", "the first line must be"),
            ("other.ict", b"4, 2110\n", "only ICARTT format 1001"),
            ("negative.ict", b"-3, 1001\n", "the first line must be"),
            (
                "header-only.csv",
                b"time,t2m\n",
                "no column after the first",
            ),
            (
                "cut.ict",
                b"3, 1001\nPI\nStart_UTC, O3\n36000, 4",
                "no column after the first",
            ),
            ("binary.csv", b"a,b\n\xff\xfe,\x00\n", "not UTF-8"),
        ] {
            let path = write(tmp.path(), name, bytes);
            let ext = name.rsplit('.').next().unwrap();
            let err = render(&path, ext, &limits).unwrap_err().to_string();
            assert!(err.contains(reason), "{name}: {err}");
        }
        let good = write(tmp.path(), "good.csv", b"t,v\n1,2\n2,3\n");
        assert!(render(&good, "csv", &limits).is_ok());
    }
}
