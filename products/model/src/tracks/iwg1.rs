//! IWG1, the airborne data packet of the IWGADTS (NCAR EOL's definition): the
//! keyword `IWG1`, an ISO 8601 UTC time, then 31 values in a fixed order
//! (latitude, longitude, altitudes, speeds, attitude, temperatures, winds,
//! sun angles), any of them empty, and a platform's own values after them.
//! One line a packet, one packet a second from each aircraft.
//!
//! Read defensively: a packet comes off a network from equipment on board,
//! so its length, its number of fields and every number are bounded, and a
//! bad packet gets a reason rather than stopping the reader.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// The 31 values after the time, in their order, with their units.
pub const FIELDS: [(&str, &str); 31] = [
    ("lat", "degree_N"),
    ("lon", "degree_E"),
    ("gps_msl_alt", "m"),
    ("wgs_84_alt", "m"),
    ("press_alt", "ft"),
    ("radar_alt", "ft"),
    ("grnd_spd", "m/s"),
    ("true_airspeed", "m/s"),
    ("indicated_airspeed", "kt"),
    ("mach_number", "1"),
    ("vert_velocity", "m/s"),
    ("true_hdg", "degree"),
    ("track", "degree"),
    ("drift", "degree"),
    ("pitch", "degree"),
    ("roll", "degree"),
    ("side_slip", "degree"),
    ("angle_of_attack", "degree"),
    ("ambient_temp", "degC"),
    ("dew_point", "degC"),
    ("total_temp", "degC"),
    ("static_press", "hPa"),
    ("dynamic_press", "hPa"),
    ("cabin_pressure", "hPa"),
    ("wind_speed", "m/s"),
    ("wind_dir", "degree"),
    ("vert_wind_spd", "m/s"),
    ("solar_zenith", "degree"),
    ("sun_elev_ac", "degree"),
    ("sun_az_grd", "degree"),
    ("sun_az_ac", "degree"),
];

/// The longest packet read, in bytes: the 33 standard fields take about 300;
/// a platform's own values after them rarely double that.
pub const MAX_PACKET_BYTES: usize = 4096;
/// The most fields a packet may have, its own values included.
pub const MAX_FIELDS: usize = 256;
/// Any value beyond this magnitude is refused as not a measurement (the
/// largest real one, a pressure altitude in feet, stays under 10⁵).
const MAX_MAGNITUDE: f64 = 1e7;

/// One packet: where a platform was, when, and what it measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    pub time: DateTime<Utc>,
    pub lat: f64,
    /// Within −180 to 180 (0–360 longitudes are brought back).
    pub lon: f64,
    /// GPS altitude above mean sea level, m; else the WGS 84 one.
    pub alt: Option<f64>,
    /// The 29 values after the position, in [`FIELDS`]' order from
    /// `gps_msl_alt`; None where the packet left them empty.
    pub values: Vec<Option<f64>>,
    /// How many of the platform's own values followed (kept out: their
    /// meaning is the platform's).
    pub extra: usize,
}

/// Why a packet was not taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Iwg1Error {
    #[error("the packet is {0} bytes; at most {MAX_PACKET_BYTES}")]
    TooLong(usize),
    #[error("not an IWG1 packet: it starts with {0:?}")]
    NotIwg1(String),
    #[error("{0} fields; at most {MAX_FIELDS}")]
    TooManyFields(usize),
    #[error("no time")]
    NoTime,
    #[error("time {0:?} is not ISO 8601 (20261129T140502 or 2026-11-29T14:05:02.5)")]
    BadTime(String),
    #[error("no position: latitude and longitude are empty")]
    NoPosition,
    #[error("{field} is {value:?}, not a number")]
    NotANumber { field: &'static str, value: String },
    #[error("{field} is {value}, outside {min} to {max}")]
    OutOfRange {
        field: &'static str,
        value: f64,
        min: f64,
        max: f64,
    },
}

/// Reads one packet (a line, its end of line optional).
pub fn parse(line: &str) -> Result<Fix, Iwg1Error> {
    if line.len() > MAX_PACKET_BYTES {
        return Err(Iwg1Error::TooLong(line.len()));
    }
    let line = line.trim_end_matches(['\r', '\n']);
    let mut fields = line.split(',');
    let keyword = fields.next().unwrap_or_default().trim();
    if keyword != "IWG1" {
        let start: String = keyword.chars().take(16).collect();
        return Err(Iwg1Error::NotIwg1(start));
    }
    let count = line.split(',').count();
    if count > MAX_FIELDS {
        return Err(Iwg1Error::TooManyFields(count));
    }
    let time = parse_time(fields.next().unwrap_or_default().trim())?;
    let mut values = Vec::with_capacity(FIELDS.len());
    for (name, _) in FIELDS {
        values.push(number(name, fields.next().unwrap_or_default())?);
    }
    let extra = fields.count();
    let (lat, lon) = match (values[0], values[1]) {
        (Some(lat), Some(lon)) => (lat, lon),
        _ => return Err(Iwg1Error::NoPosition),
    };
    check_range("lat", lat, -90.0, 90.0)?;
    check_range("lon", lon, -180.0, 360.0)?;
    let lon = if lon > 180.0 { lon - 360.0 } else { lon };
    let alt = values[2].or(values[3]);
    values.drain(..2);
    Ok(Fix {
        time,
        lat,
        lon,
        alt,
        values,
        extra,
    })
}

/// `20140606T062250` or `2015-05-22T15:40:55.999`, with or without a `Z`.
fn parse_time(text: &str) -> Result<DateTime<Utc>, Iwg1Error> {
    if text.is_empty() {
        return Err(Iwg1Error::NoTime);
    }
    let bare = text.strip_suffix('Z').unwrap_or(text);
    ["%Y%m%dT%H%M%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(bare, format).ok())
        .map(|t| t.and_utc())
        .ok_or_else(|| Iwg1Error::BadTime(text.chars().take(40).collect()))
}

/// An empty field is a missing value; anything else must be a finite number
/// of a sane magnitude.
fn number(field: &'static str, text: &str) -> Result<Option<f64>, Iwg1Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let not_a_number = || Iwg1Error::NotANumber {
        field,
        value: text.chars().take(40).collect(),
    };
    let value: f64 = text.parse().map_err(|_| not_a_number())?;
    if !value.is_finite() {
        return Err(not_a_number());
    }
    check_range(field, value, -MAX_MAGNITUDE, MAX_MAGNITUDE)?;
    Ok(Some(value))
}

fn check_range(field: &'static str, value: f64, min: f64, max: f64) -> Result<(), Iwg1Error> {
    if !(min..=max).contains(&value) {
        return Err(Iwg1Error::OutOfRange {
            field,
            value,
            min,
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole packet in the standard's order (an aircraft over New Zealand).
    const GV: &str = "IWG1,20140606T062250,-43.3061,172.599,4785.97,4799.04,15779.6,0,154.901,160.627,132.375,0.460215,-0.269432,51.3026,52.7669,1.20669,0.881103,-1.09291,-0.0269241,2.44469,-17.4694,-25.2839,-6.84025,565.617,170.193,789.727,9.60021,220.106,0.106313,97.9437,-2.09788,21.1437,-147.799";

    #[test]
    fn a_real_packet_is_read_with_its_position_and_values() {
        let fix = parse(GV).unwrap();
        assert_eq!(fix.time.to_rfc3339(), "2014-06-06T06:22:50+00:00");
        assert_eq!((fix.lat, fix.lon), (-43.3061, 172.599));
        assert_eq!(fix.alt, Some(4785.97));
        assert_eq!(fix.values.len(), 29);
        assert_eq!(fix.values[FIELDS.len() - 3], Some(-147.799), "sun_az_ac");
        assert_eq!(fix.extra, 0);
    }

    #[test]
    fn both_time_forms_empty_fields_and_extra_values() {
        let fix = parse("IWG1,2015-05-22T15:40:55.999,10.5,-20.25,,,,,,\r\n").unwrap();
        assert_eq!(fix.time.timestamp_millis() % 1000, 999);
        assert_eq!((fix.lat, fix.lon, fix.alt), (10.5, -20.25, None));
        assert!(fix.values.iter().all(Option::is_none));
        let mut long = GV.to_string();
        long.push_str(",1.5,,custom");
        let fix = parse(&long).unwrap();
        assert_eq!(
            fix.extra, 3,
            "the platform's own values are counted, not read"
        );
        let zulu = parse("IWG1,20261129T140502Z,45,350").unwrap();
        assert_eq!(zulu.lon, -10.0, "0-360 longitudes come back to -180-180");
    }

    #[test]
    fn bad_packets_get_a_reason() {
        let cases: [(&str, &str); 10] = [
            ("", "not an IWG1 packet"),
            ("IWG2,20261129T140502,45,5", "not an IWG1 packet"),
            ("IWG1", "no time"),
            ("IWG1,yesterday,45,5", "not ISO 8601"),
            ("IWG1,20261129T140502,,", "no position"),
            ("IWG1,20261129T140502,45,", "no position"),
            ("IWG1,20261129T140502,91,5", "lat is 91"),
            ("IWG1,20261129T140502,45,5,NaN", "gps_msl_alt is \"NaN\""),
            ("IWG1,20261129T140502,45,5,1e300", "outside"),
            ("IWG1,20261129T140502,4 5,5", "lat is \"4 5\""),
        ];
        for (line, reason) in cases {
            let error = parse(line).unwrap_err().to_string();
            assert!(error.contains(reason), "{line:?}: {error}");
        }
        let long = format!("IWG1,20261129T140502,45,5{}", ",1".repeat(MAX_FIELDS));
        assert!(matches!(parse(&long), Err(Iwg1Error::TooManyFields(_))));
        let huge = "IWG1,".to_string() + &"9".repeat(MAX_PACKET_BYTES);
        assert!(matches!(parse(&huge), Err(Iwg1Error::TooLong(_))));
        let keyword = "X".repeat(1000);
        assert!(
            parse(&keyword).unwrap_err().to_string().len() < 100,
            "reasons stay short"
        );
    }
}
