//! ICARTT headers: what the columns are called, their units, scale factors
//! and missing-value indicators (the NASA Ames layout ICARTT uses, formats
//! 1001 — a time series — and 2110 — profiles, one block of levels per time).
//!
//! Every count in a header is input: the header length and the number of
//! variables are checked against caps before anything is read or kept.

use std::io::BufRead;

use super::column::Column;
use super::lines::Lines;
use super::PreviewError;

/// Most header lines an ICARTT file may declare (real ones have tens to hundreds).
pub const MAX_HEADER_LINES: usize = 10_000;
/// Most variables a header may declare (merge files have a few hundred).
const MAX_VARIABLES: usize = 2_000;

/// The file format indices read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ffi {
    /// One independent variable (time), one row per time.
    TimeSeries,
    /// Two: a bounded one (altitude) varying fastest within a record, and
    /// the record's own (time); each record says how many levels follow.
    Profiles,
}

/// A header read: the independent variables, fastest varying first, then
/// the primary variables. (A 2110 file's auxiliary variables are checked to
/// be there — the first says how many levels a record has — but not kept.)
#[derive(Debug)]
pub struct Header {
    pub ffi: Ffi,
    pub independent: Vec<Column>,
    pub variables: Vec<Column>,
}

fn no_series(reason: impl Into<String>) -> PreviewError {
    PreviewError::NoSeries(reason.into())
}

/// Reads an ICARTT header up to and including its last line.
pub fn read_header<R: BufRead>(lines: &mut Lines<R>) -> Result<Header, PreviewError> {
    let first = lines.next_line()?.unwrap_or_default().to_string();
    let mut fields = first.split(',').map(str::trim);
    let nlhead: usize = fields
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| no_series("the first line must be `NLHEAD, 1001` or `NLHEAD, 2110`"))?;
    let ffi = match fields.next() {
        Some("1001") => Ffi::TimeSeries,
        Some("2110") => Ffi::Profiles,
        other => {
            return Err(no_series(format!(
                "ICARTT formats 1001 and 2110 are plotted, not {}",
                other.unwrap_or("none")
            )))
        }
    };
    if !(2..=MAX_HEADER_LINES).contains(&nlhead) {
        return Err(no_series(format!(
            "NLHEAD is {nlhead}; ICARTT headers of 2 to {MAX_HEADER_LINES} lines are read"
        )));
    }
    let mut reader = HeaderReader {
        lines,
        read: 1,
        nlhead,
    };
    // PI, organisation, source, mission, volumes, dates, intervals.
    for _ in 0..7 {
        reader.line()?;
    }
    let independent_count = if ffi == Ffi::Profiles { 2 } else { 1 };
    let mut independent = Vec::new();
    for _ in 0..independent_count {
        independent.push(Column::described(&reader.line()?));
    }
    let variables = reader.variables(true)?;
    let auxiliary = if ffi == Ffi::Profiles {
        reader.variables(false)?
    } else {
        Vec::new()
    };
    // Comments and the column names line: the header declared its length.
    while reader.read < nlhead {
        reader.line()?;
    }
    if ffi == Ffi::Profiles && auxiliary.is_empty() {
        return Err(no_series(
            "a 2110 file needs an auxiliary variable: the number of levels of each record",
        ));
    }
    Ok(Header {
        ffi,
        independent,
        variables,
    })
}

/// Lines of a header, never past its declared end.
struct HeaderReader<'a, R> {
    lines: &'a mut Lines<R>,
    read: usize,
    nlhead: usize,
}

impl<R: BufRead> HeaderReader<'_, R> {
    fn line(&mut self) -> Result<String, PreviewError> {
        if self.read >= self.nlhead {
            return Err(no_series(format!(
                "the header says it has {} lines but its variables need more",
                self.nlhead
            )));
        }
        self.read += 1;
        match self.lines.next_line()? {
            Some(line) => Ok(line.to_string()),
            None => Err(no_series(format!(
                "the file ends inside its {}-line header",
                self.nlhead
            ))),
        }
    }

    /// A count, its scale factors, missing indicators and descriptions.
    fn variables(&mut self, primary: bool) -> Result<Vec<Column>, PreviewError> {
        let what = if primary {
            "variables"
        } else {
            "auxiliary variables"
        };
        let count_line = self.line()?;
        let count: usize = count_line
            .split(',')
            .next()
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| {
                no_series(format!(
                    "the number of {what} is not a number: {count_line:.40}"
                ))
            })?;
        if count > MAX_VARIABLES || count > self.nlhead.saturating_sub(self.read) {
            return Err(no_series(format!(
                "the header declares {count} {what}; at most {MAX_VARIABLES} within its {} lines are read",
                self.nlhead
            )));
        }
        if count == 0 {
            return Ok(Vec::new());
        }
        let numbers = |line: String| -> Vec<f64> {
            line.split(',')
                .take(count)
                .map(|v| v.trim().parse().unwrap_or(f64::NAN))
                .collect()
        };
        let scales = numbers(self.line()?);
        let missing = numbers(self.line()?);
        let mut columns = Vec::with_capacity(count);
        for i in 0..count {
            let mut column = Column::described(&self.line()?);
            column.scale = scales
                .get(i)
                .copied()
                .filter(|s| s.is_finite() && *s != 0.0)
                .unwrap_or(1.0);
            if let Some(m) = missing.get(i).copied().filter(|m| m.is_finite()) {
                column.missing = Some(m);
            }
            columns.push(column);
        }
        Ok(columns)
    }
}
