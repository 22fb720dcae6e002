//! A column of a series file: its name and units as the header gives them,
//! and how its cells become values (scale factors, missing-value
//! indicators, times), plus what kind of column it is.

/// Longest name or unit kept.
const MAX_NAME: usize = 64;
/// Fill values that mean "missing" in ICARTT files and common CSV exports,
/// besides those a header declares.
const MISSING: [f64; 12] = [
    -9999.0,
    -99999.0,
    -999999.0,
    -9999999.0,
    -99999999.0,
    -999999999.0,
    -8888.0,
    -7777.0,
    -888888.0,
    -777777.0,
    -888888888.0,
    -777777777.0,
];

/// A column: its name and units, and how its cells become values.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub units: Option<String>,
    /// ICARTT scale factor: values are multiplied by it.
    pub scale: f64,
    /// The header's missing-value indicator, compared before scaling.
    pub missing: Option<f64>,
}

impl Column {
    /// A CSV header cell: `CO2`, `CO2 (ppm)` or `CO2 [ppm]`.
    pub fn named(cell: &str) -> Self {
        let cell = cell.trim().trim_matches('"');
        let (name, units) = match cell.split_once(['(', '[']) {
            Some((name, rest)) if rest.ends_with([')', ']']) => {
                (name.trim(), Some(&rest[..rest.len() - 1]))
            }
            _ => (cell, None),
        };
        Self {
            name: clean(name),
            units: units.map(clean).filter(|u| !u.is_empty()),
            scale: 1.0,
            missing: None,
        }
    }

    /// An ICARTT variable line: `name, units[, standard name, long name]`.
    pub fn described(line: &str) -> Self {
        let mut fields = line.split(',').map(str::trim);
        Self {
            name: clean(fields.next().unwrap_or_default()),
            units: fields.next().map(clean).filter(|u| !u.is_empty()),
            scale: 1.0,
            missing: None,
        }
    }

    /// `CO2 (ppmv)`, as axes and legends say it.
    pub fn label(&self) -> String {
        match &self.units {
            Some(units) => format!("{} ({units})", self.name),
            None => self.name.clone(),
        }
    }

    /// The value of a cell: NaN when missing or not a number; an RFC 3339
    /// time is read as seconds since 1970 (CSV time columns).
    pub(super) fn value(&self, cell: &str) -> f64 {
        let cell = cell.trim();
        match cell.parse::<f64>() {
            // Beyond 1e15 no instrument reads: garbage, whose range would
            // overflow the plot's arithmetic.
            Ok(v) if !v.is_finite() || v.abs() > 1e15 => f64::NAN,
            Ok(v) if self.missing == Some(v) || MISSING.contains(&v) => f64::NAN,
            Ok(v) => v * self.scale,
            Err(_) => chrono::DateTime::parse_from_rfc3339(cell)
                .map(|t| t.timestamp() as f64)
                .unwrap_or(f64::NAN),
        }
    }

    pub(super) fn key(&self) -> String {
        self.name.to_ascii_lowercase()
    }

    /// Index, date, flag and quality columns: bookkeeping, not a measurement.
    pub(super) fn is_bookkeeping(&self) -> bool {
        const EXACT: [&str; 14] = [
            "index", "idx", "jday", "doy", "flight", "fltno", "year", "month", "day", "hour",
            "minute", "second", "date", "time",
        ];
        const PART: [&str; 9] = [
            "flag",
            "_qc",
            "qc_",
            "index",
            "jday",
            "julian",
            "sun_time",
            "utc",
            "day_of_year",
        ];
        let key = self.key();
        EXACT.contains(&key.as_str()) || PART.iter().any(|p| key.contains(p))
    }

    /// Longitudes read 0–360° are drawn as −180–180°, so a track across the
    /// Greenwich meridian stays one line.
    pub(super) fn is_longitude(&self) -> bool {
        let key = self.key();
        key.starts_with("lon") || key.contains("_lon") || key == "long"
    }
}

/// A name or unit as kept: printable, trimmed, bounded.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect::<String>()
        .trim()
        .to_string()
}
