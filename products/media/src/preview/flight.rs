//! A flight's quick-look from its IWG1 file: altitude, ground speed,
//! latitude and longitude against time, one panel each — what a scientist
//! looks at first to see the legs flown. Read under the series caps; a line
//! that is not a packet is skipped, as the live relay skips it.

use std::io::BufRead;

use super::lines::Lines;
use super::series::{Abscissa, Column, Series, Variable, MAX_ROWS};
use super::PreviewError;
use model::tracks::iwg1;

/// The panels drawn, with the packet's value each reads.
const PANELS: [(&str, &str); 4] = [
    ("altitude", "m"),
    ("ground speed", "m/s"),
    ("latitude", "°N"),
    ("longitude", "°E"),
];

pub fn read(source: impl BufRead) -> Result<Series, PreviewError> {
    let mut lines = Lines::new(source);
    let column = |name: &str, units: &str| Column {
        name: name.into(),
        units: Some(units.into()),
        scale: 1.0,
        missing: None,
    };
    let mut x = Variable {
        column: column("time", "UTC"),
        values: Vec::new(),
    };
    let mut ys: Vec<Variable> = PANELS
        .iter()
        .map(|(name, units)| Variable {
            column: column(name, units),
            values: Vec::new(),
        })
        .collect();
    let speed_at = iwg1::FIELDS[2..]
        .iter()
        .position(|(name, _)| *name == "grnd_spd");
    let mut skipped = 0usize;
    while let Some(line) = lines.next_line()? {
        if x.values.len() >= MAX_ROWS {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let Ok(fix) = iwg1::parse(line) else {
            skipped += 1;
            continue;
        };
        let speed = speed_at.and_then(|i| fix.values.get(i).copied().flatten());
        x.values.push(fix.time.timestamp_millis() as f64 / 1000.0);
        for (y, value) in ys
            .iter_mut()
            .zip([fix.alt, speed, Some(fix.lat), Some(fix.lon)])
        {
            y.values.push(value.unwrap_or(f64::NAN));
        }
    }
    ys.retain(Variable::varies);
    if x.values.len() < 2 || ys.is_empty() {
        return Err(PreviewError::NoSeries(format!(
            "{} IWG1 packet(s) with a changing value ({skipped} line(s) not packets)",
            x.values.len()
        )));
    }
    Ok(Series::Time {
        x,
        abscissa: Abscissa::Epoch,
        ys,
    })
}
