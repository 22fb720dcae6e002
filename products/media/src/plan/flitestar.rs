//! FliteStar/FliteMap routes: a marker line, then one `FWP` line per
//! waypoint — `FWP n type IDENT N 43 30.5 E 001 15.2 35000` — with the
//! latitude and longitude in degrees and decimal minutes and the altitude
//! in feet. Other lines (headers, fuel, comments) are not the route.

use model::tracks::plan::{FlightPlan, PlanError, Waypoint, FLITESTAR_MARK, MAX_WAYPOINTS};

/// One foot, in metres.
const FOOT_M: f64 = 0.3048;

pub fn route(text: &str) -> Result<FlightPlan, PlanError> {
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let first = lines.next().unwrap_or_default().trim();
    if !first.starts_with(FLITESTAR_MARK) {
        return Err(PlanError::Empty(
            "a FliteStar route begins with its marker line",
        ));
    }
    let mut waypoints = Vec::new();
    let mut skipped = 0usize;
    for line in lines {
        let fields: Vec<&str> = line.split_whitespace().take(16).collect();
        if fields.first() != Some(&"FWP") {
            skipped += usize::from(!line.trim().is_empty() && !line.starts_with('#'));
            continue;
        }
        let n = waypoints.len() + 1;
        if n > MAX_WAYPOINTS {
            return Err(PlanError::TooMany(n));
        }
        waypoints.push(waypoint(n, &fields)?);
    }
    if waypoints.is_empty() {
        return Err(PlanError::Empty("the route has no FWP line"));
    }
    Ok(FlightPlan {
        name: String::new(),
        waypoints,
        skipped: (skipped > 0)
            .then(|| format!("{skipped} lines that are not waypoints"))
            .into_iter()
            .collect(),
    })
}

fn waypoint(n: usize, fields: &[&str]) -> Result<Waypoint, PlanError> {
    let problem = |problem: String| PlanError::Waypoint { n, problem };
    if fields.len() < 10 {
        return Err(problem(format!(
            "{} fields; FWP n type ident N deg min E deg min altitude has 11",
            fields.len()
        )));
    }
    let number = |at: usize, what: &str| -> Result<f64, PlanError> {
        fields[at]
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| problem(format!("{what} {:?} is not a number", fields[at])))
    };
    let minutes = |at: usize| -> Result<f64, PlanError> {
        let m = number(at, "minutes")?;
        if (0.0..60.0).contains(&m) {
            Ok(m / 60.0)
        } else {
            Err(problem(format!("minutes {m} outside 0 to 60")))
        }
    };
    let sign = |at: usize, positive: &str, negative: &str| match fields[at] {
        h if h.eq_ignore_ascii_case(positive) => Ok(1.0),
        h if h.eq_ignore_ascii_case(negative) => Ok(-1.0),
        h => Err(problem(format!(
            "hemisphere {h:?} is neither {positive} nor {negative}"
        ))),
    };
    let lat = sign(4, "N", "S")? * (number(5, "latitude")? + minutes(6)?);
    let lon = sign(7, "E", "W")? * (number(8, "longitude")? + minutes(9)?);
    // The altitude is the line's last field, as Open-MSS reads it.
    let last = fields.len() - 1;
    let alt = match last >= 10 {
        true => Some(number(last, "altitude")? * FOOT_M),
        false => None,
    };
    Ok(Waypoint {
        lat,
        lon,
        alt,
        label: fields[3].chars().take(64).collect(),
    })
}
