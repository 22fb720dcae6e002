//! In situ series (CSV, ICARTT 1001 and 2110) read under caps, with what a
//! plot needs to be read by a scientist: names, units, missing values as
//! gaps, and the variables worth drawing.
//!
//! Every count in such a file is input: a header line of 64 MB of commas, an
//! ICARTT header that declares 1.8e19 lines, millions of rows, a record that
//! announces a billion levels. Lines are read one at a time and refused past
//! [`MAX_LINE_BYTES`](super::lines::MAX_LINE_BYTES), declared counts are checked before they are used,
//! only the chosen columns are kept and rows stop at [`MAX_ROWS`], so a file
//! costs at most a few tens of MB. Stray lines (a trailing line of NULs, a
//! comment in the data) are skipped and counted, never plotted.

use std::io::BufRead;

pub use super::column::Column;
use super::icartt::{self, Ffi, Header};
use super::lines::{cells, Lines};
use super::PreviewError;

/// The textual series formats that get a plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesFormat {
    /// A header line of column names (`name (units)` understood), then
    /// comma-separated rows; the first column is the abscissa.
    Csv,
    /// NASA ICARTT, format 1001 (time series) or 2110 (profiles).
    Icartt,
}

/// Most rows (or profile levels) kept: far more than a plot can show.
pub(super) const MAX_ROWS: usize = 200_000;
/// Most levels one ICARTT 2110 record may announce.
const MAX_LEVELS: usize = 10_000;
/// Variables drawn at most, one panel each.
pub const MAX_PLOTTED: usize = 4;
/// Columns read as candidates when none are chosen: constant ones are then
/// dropped, so a flight-number column does not take a panel.
const CANDIDATES: usize = 8;
/// A column and its values, NaN where missing.
#[derive(Clone, Debug)]
pub struct Variable {
    pub column: Column,
    pub values: Vec<f64>,
}

impl Variable {
    fn new(column: Column) -> Self {
        Self {
            column,
            values: Vec::new(),
        }
    }

    /// Whether there is anything to draw: two values, not all the same.
    pub(super) fn varies(&self) -> bool {
        let mut finite = self.values.iter().filter(|v| v.is_finite());
        let Some(first) = finite.next() else {
            return false;
        };
        finite.any(|v| v != first)
    }
}

/// What the abscissa of a time series counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abscissa {
    /// Seconds since 1970 (a CSV column of RFC 3339 times).
    Epoch,
    /// Seconds since midnight UTC (ICARTT's `Start_UTC`).
    SecondsOfDay,
    Plain,
}

/// One record of an ICARTT 2110 file: its time and (value, level) pairs.
#[derive(Clone, Debug)]
pub struct Profile {
    pub at: f64,
    pub points: Vec<(f64, f64)>,
}

/// What a series file holds, as drawn.
#[derive(Clone, Debug)]
pub enum Series {
    /// Variables against a common abscissa, one panel each.
    Time {
        x: Variable,
        abscissa: Abscissa,
        ys: Vec<Variable>,
    },
    /// A sounding: temperature and dew point against pressure.
    Sounding {
        pressure: Variable,
        temperature: Variable,
        dewpoint: Option<Variable>,
    },
    /// Profiles (ICARTT 2110): a variable against the level coordinate, one
    /// line per record.
    Profiles {
        variable: Column,
        level: Column,
        time: Column,
        profiles: Vec<Profile>,
    },
}

/// Reads a series under the caps above. `wanted` names the variables to
/// draw (a sidecar's `plot`); empty, sensible ones are chosen.
pub fn read(
    source: impl BufRead,
    format: SeriesFormat,
    wanted: &[String],
) -> Result<Series, PreviewError> {
    let mut lines = Lines::new(source);
    let mut stray = 0;
    let series = match format {
        SeriesFormat::Csv => {
            let header = lines
                .next_line()?
                .ok_or_else(|| PreviewError::NoSeries("the file is empty".into()))?;
            let columns: Vec<Column> = cells(header).iter().map(|c| Column::named(c)).collect();
            table(&mut lines, columns, None, wanted, &mut stray)
        }
        SeriesFormat::Icartt => {
            let header = icartt::read_header(&mut lines)?;
            match header.ffi {
                Ffi::TimeSeries => {
                    let Header {
                        mut independent,
                        variables,
                        ..
                    } = header;
                    let seconds = independent
                        .first()
                        .and_then(|x| x.units.as_deref())
                        .is_some_and(|u| u.to_ascii_lowercase().starts_with("s"));
                    independent.extend(variables);
                    let abscissa = seconds.then_some(Abscissa::SecondsOfDay);
                    table(&mut lines, independent, abscissa, wanted, &mut stray)
                }
                Ffi::Profiles => profiles(&mut lines, header, wanted, &mut stray),
            }
        }
    };
    series.map_err(|e| match (e, stray + lines.not_text()) {
        (PreviewError::NoSeries(reason), skipped) if skipped > 0 => PreviewError::NoSeries(
            format!("{reason} ({skipped} line(s) skipped: not rows of numbers)"),
        ),
        (e, _) => e,
    })
}

/// Sounding columns, by the names radiosonde exports use.
fn sounding_columns(columns: &[Column]) -> Option<(usize, usize, Option<usize>)> {
    let find = |names: &[&str]| {
        columns
            .iter()
            .position(|c| names.contains(&c.key().as_str()))
    };
    let pressure = find(&["p", "pres", "press", "pressure", "prs", "air_pressure"])?;
    let temperature = find(&["t", "ta", "temp", "temperature", "tdry", "air_temperature"])?;
    let dewpoint = find(&[
        "td",
        "dp",
        "dwpt",
        "tdew",
        "dewpoint",
        "dew_point",
        "dew_point_temperature",
    ]);
    Some((pressure, temperature, dewpoint))
}

/// The columns drawn against the first: those wanted, or the first
/// candidates that are measurements.
fn choose(columns: &[Column], wanted: &[String]) -> Vec<usize> {
    let named: Vec<usize> = wanted
        .iter()
        .filter_map(|w| columns.iter().position(|c| c.name.eq_ignore_ascii_case(w)))
        .filter(|&i| i != 0)
        .take(MAX_PLOTTED)
        .collect();
    if !named.is_empty() {
        return named;
    }
    (1..columns.len())
        .filter(|&i| !columns[i].is_bookkeeping())
        .take(CANDIDATES)
        .collect()
}

/// Rows of numbers (CSV, ICARTT 1001): a sounding when the columns say so
/// and nothing else is asked for, otherwise a time series.
fn table<R: BufRead>(
    lines: &mut Lines<R>,
    columns: Vec<Column>,
    abscissa: Option<Abscissa>,
    wanted: &[String],
    stray: &mut usize,
) -> Result<Series, PreviewError> {
    let sounding = wanted
        .is_empty()
        .then(|| sounding_columns(&columns))
        .flatten();
    let (x, picks) = match sounding {
        Some((p, t, td)) => (p, [Some(t), td].into_iter().flatten().collect()),
        None => (0, choose(&columns, wanted)),
    };
    let mut xs = Variable::new(columns[x].clone());
    let mut ys: Vec<Variable> = picks
        .iter()
        .map(|&i| Variable::new(columns[i].clone()))
        .collect();
    let mut epoch = false;
    let mut rows = 0;
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        if rows == MAX_ROWS {
            break;
        }
        let cells = cells(line);
        let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or_default();
        let at = xs.column.value(cell(x));
        if !at.is_finite() {
            *stray += 1;
            continue;
        }
        epoch |= x == 0 && cell(0).trim().parse::<f64>().is_err();
        rows += 1;
        xs.values.push(at);
        for (y, &i) in ys.iter_mut().zip(&picks) {
            let mut v = y.column.value(cell(i));
            if y.column.is_longitude() && v > 180.0 {
                v -= 360.0;
            }
            y.values.push(v);
        }
    }
    if sounding.is_some() {
        let mut ys = ys.into_iter();
        if let Some(temperature) = ys.next().filter(Variable::varies) {
            return Ok(Series::Sounding {
                pressure: xs,
                temperature,
                dewpoint: ys.next().filter(Variable::varies),
            });
        }
        return Err(PreviewError::NoSeries(
            "the sounding has no temperatures".into(),
        ));
    }
    ys.retain(Variable::varies);
    ys.truncate(MAX_PLOTTED);
    if ys.is_empty() {
        return Err(PreviewError::NoSeries(
            "no column after the first has two different numbers".into(),
        ));
    }
    let abscissa = abscissa.unwrap_or(if epoch {
        Abscissa::Epoch
    } else {
        Abscissa::Plain
    });
    Ok(Series::Time {
        x: xs,
        abscissa,
        ys,
    })
}

/// ICARTT 2110 records: a line with the time and the number of levels, then
/// that many lines of level and values.
fn profiles<R: BufRead>(
    lines: &mut Lines<R>,
    header: Header,
    wanted: &[String],
    stray: &mut usize,
) -> Result<Series, PreviewError> {
    let Header {
        independent,
        variables,
        ..
    } = header;
    let (level, time) = match independent.as_slice() {
        [level, time] => (level.clone(), time.clone()),
        _ => {
            return Err(PreviewError::NoSeries(
                "a 2110 header names two independent variables".into(),
            ))
        }
    };
    let pick = wanted
        .iter()
        .find_map(|w| {
            variables
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(w))
        })
        .or_else(|| variables.iter().position(|c| !c.is_bookkeeping()))
        .ok_or_else(|| PreviewError::NoSeries("the header declares no variable".into()))?;
    let variable = variables[pick].clone();
    let mut profiles = Vec::new();
    let mut points = 0;
    while points < MAX_ROWS {
        let Some(line) = lines.next_line()? else {
            break;
        };
        if line.trim().is_empty() {
            continue;
        }
        let mut cells = line.split(',');
        let at = time.value(cells.next().unwrap_or_default());
        let levels = cells
            .next()
            .unwrap_or_default()
            .trim()
            .parse::<usize>()
            .ok();
        let (Some(levels), true) = (levels.filter(|n| *n <= MAX_LEVELS), at.is_finite()) else {
            *stray += 1;
            continue;
        };
        let mut profile = Profile {
            at,
            points: Vec::with_capacity(levels.min(MAX_ROWS - points)),
        };
        for _ in 0..levels.min(MAX_ROWS - points) {
            let Some(line) = lines.next_line()? else {
                break;
            };
            let cells: Vec<&str> = line.split(',').take(pick + 2).collect();
            let z = level.value(cells.first().copied().unwrap_or_default());
            let v = variable.value(cells.get(pick + 1).copied().unwrap_or_default());
            profile.points.push((v, z));
        }
        points += profile.points.len();
        profiles.push(profile);
    }
    profiles.retain(|p| {
        p.points
            .iter()
            .filter(|(v, z)| v.is_finite() && z.is_finite())
            .count()
            >= 2
    });
    if profiles.is_empty() {
        return Err(PreviewError::NoSeries(format!(
            "no record has two levels of {}",
            variable.name
        )));
    }
    Ok(Series::Profiles {
        variable,
        level,
        time,
        profiles,
    })
}
