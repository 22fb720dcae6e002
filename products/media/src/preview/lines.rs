//! A text file read a line at a time within bounds: no line past
//! [`MAX_LINE_BYTES`], nothing past [`MAX_SERIES_BYTES`] of the file, and
//! lines that are not UTF-8 counted rather than fatal. Every series reader
//! (CSV, ICARTT, IWG1 flight files) reads through it, and a line's cells
//! are read by the `csv` crate ([`cells`]), as flight plans' tables are:
//! quoted cells keep their commas and lose their quotes.

use std::io::{BufRead, Read};

use super::PreviewError;

/// Largest series file plotted; beyond, the plot would be unreadable anyway.
pub(super) const MAX_SERIES_BYTES: u64 = 64 * 1024 * 1024;
/// Longest line read, header included: a line of 64 MB of commas is refused
/// before it is split, not after.
pub(super) const MAX_LINE_BYTES: usize = 64 * 1024;

/// Lines of a text file, each at most [`MAX_LINE_BYTES`], from at most
/// [`MAX_SERIES_BYTES`] of it.
pub struct Lines<R> {
    reader: std::io::Take<R>,
    buf: Vec<u8>,
    /// Lines that were not UTF-8 text, read as empty.
    not_text: usize,
}

impl<R: BufRead> Lines<R> {
    /// How many lines were not UTF-8 text (each read as empty).
    pub fn not_text(&self) -> usize {
        self.not_text
    }

    pub(super) fn new(source: R) -> Self {
        Self {
            reader: source.take(MAX_SERIES_BYTES),
            buf: Vec::new(),
            not_text: 0,
        }
    }

    /// The next line without its end, or `None` at the end of the file. A
    /// line that is not UTF-8 is counted and read as empty.
    pub fn next_line(&mut self) -> Result<Option<&str>, PreviewError> {
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
        match std::str::from_utf8(&self.buf) {
            Ok(line) => Ok(Some(line.trim_end_matches(['\n', '\r']))),
            Err(_) => {
                self.not_text += 1;
                Ok(Some(""))
            }
        }
    }
}

/// The comma-separated cells of one line, unquoted as RFC 4180 says
/// (`"temperature, °C"` is one cell); an empty line has one empty cell.
pub fn cells(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(line.len() + 1)
        .from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(str::to_string).collect(),
        // Not UTF-8 cannot happen (the line is a &str); an empty line is one
        // empty cell, as splitting it would say.
        _ => vec![String::new()],
    }
}
