//! Colour scales suited to the quantity drawn, so that a planner reads a map
//! the way forecasters' charts read: temperatures from blue to red on a
//! fixed range (the same colour is the same temperature at every lead),
//! precipitation clear where it is dry and spread by its square root (light
//! rain shows beside a downpour), pressure with isolines every 4 hPa, wind
//! components diverging round zero, cloud as white over the map. A field
//! with no scale of its own is coloured over its own range, rounded.

use serde::Serialize;

/// The colour ramps (from d3-scale-chromatic, by `colorous`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Palette {
    Temperature,
    Precipitation,
    Pressure,
    Diverging,
    Humidity,
    Cloud,
    Sequential,
}

impl Palette {
    /// The colour and opacity at `t` in [0, 1].
    pub fn rgba(self, t: f64) -> [u8; 4] {
        let t = t.clamp(0.0, 1.0);
        let c = match self {
            Palette::Temperature => colorous::TURBO.eval_continuous(t),
            Palette::Precipitation => colorous::YELLOW_GREEN_BLUE.eval_continuous(0.15 + 0.85 * t),
            Palette::Pressure => colorous::SPECTRAL.eval_continuous(1.0 - t),
            Palette::Diverging => colorous::RED_BLUE.eval_continuous(1.0 - t),
            Palette::Humidity => colorous::BROWN_GREEN.eval_continuous(t),
            Palette::Cloud => return [255, 255, 255, (40.0 + 215.0 * t) as u8],
            Palette::Sequential => colorous::VIRIDIS.eval_continuous(t),
        };
        [c.r, c.g, c.b, 255]
    }
}

/// How values become colours.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scale {
    pub palette: Palette,
    pub min: f64,
    pub max: f64,
    /// Values spread by their square root rather than linearly.
    pub sqrt: bool,
    /// Values under this are drawn clear (dry, cloudless).
    pub clear_below: Option<f64>,
    /// Isolines every so many units, where drawn.
    pub isolines: Option<f64>,
    /// The values the legend labels.
    pub ticks: Vec<f64>,
    pub units: Option<String>,
}

impl Scale {
    /// The scale for `field` (a GRIB short name or a NetCDF variable), in
    /// `units`, whose values span `range`.
    pub fn for_field(field: &str, units: Option<&str>, range: Option<(f32, f32)>) -> Self {
        let (lo, hi) = range.map_or((0.0, 1.0), |(a, b)| (f64::from(a), f64::from(b)));
        let fixed = |palette, min: f64, max: f64, step: f64| Scale {
            palette,
            min,
            max,
            sqrt: false,
            clear_below: None,
            isolines: None,
            ticks: ticks(min, max, step),
            units: units.map(str::to_string),
        };
        match field {
            "2t" | "2d" | "t2m" | "d2m" | "skt" | "sst" => {
                fixed(Palette::Temperature, 233.15, 313.15, 10.0)
            }
            "t" | "ta" | "temperature" | "air_temperature" => {
                // Rounded in degrees Celsius, as the legend labels it.
                let kelvin = units == Some("K");
                let shift = if kelvin { 273.15 } else { 0.0 };
                let (min, max, step) = nice(lo - shift, hi - shift);
                fixed(Palette::Temperature, min + shift, max + shift, step)
            }
            "tp" | "cp" | "lsp" | "pr" | "precipitation" => Scale {
                sqrt: true,
                clear_below: Some(0.1),
                ticks: vec![0.1, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0],
                ..fixed(Palette::Precipitation, 0.0, 50.0, 10.0)
            },
            "msl" | "prmsl" => Scale {
                isolines: Some(400.0),
                ..fixed(Palette::Pressure, 97_000.0, 104_000.0, 1000.0)
            },
            "u" | "v" | "10u" | "10v" | "u10" | "v10" | "w" | "ua" | "va" => {
                let (_, top, step) = nice(0.0, lo.abs().max(hi.abs()));
                fixed(Palette::Diverging, -top, top, step)
            }
            "r" | "2r" | "rh" | "hur" => fixed(Palette::Humidity, 0.0, 100.0, 20.0),
            "tcc" | "lcc" | "mcc" | "hcc" | "clt" => {
                let top = if hi <= 1.0 { 1.0 } else { 100.0 };
                Scale {
                    clear_below: Some(top * 0.05),
                    ..fixed(Palette::Cloud, 0.0, top, top / 5.0)
                }
            }
            _ => {
                let (min, max, step) = nice(lo, hi);
                Scale {
                    isolines: matches!(field, "gh" | "z" | "sp" | "zg").then_some(step),
                    ..fixed(Palette::Sequential, min, max, step)
                }
            }
        }
    }

    /// Where `value` falls on the scale, from 0 to 1.
    pub fn position(&self, value: f64) -> f64 {
        let span = self.max - self.min;
        if span <= 0.0 || !value.is_finite() {
            return 0.0;
        }
        let t = ((value - self.min) / span).clamp(0.0, 1.0);
        if self.sqrt {
            t.sqrt()
        } else {
            t
        }
    }

    /// The colour of `value`: clear where it is missing or under
    /// [`Scale::clear_below`]. One of 256 steps of the palette, as maps
    /// are drawn.
    pub fn rgba(&self, value: f32) -> [u8; 4] {
        let v = f64::from(value);
        if !v.is_finite() || self.clear_below.is_some_and(|c| v < c) {
            return [0; 4];
        }
        self.palette.rgba(self.step(v) as f64 / 255.0)
    }

    /// Which of the palette's 256 steps `value` is drawn in.
    pub fn step(&self, value: f64) -> usize {
        (self.position(value) * 255.0).round() as usize
    }
}

/// A rounded range covering `lo`..`hi` and the step of about ten ticks.
fn nice(lo: f64, hi: f64) -> (f64, f64, f64) {
    let (lo, hi) = if hi - lo > 1e-9 && lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        let v = if lo.is_finite() { lo } else { 0.0 };
        (v - 1.0, v + 1.0)
    };
    let rough = (hi - lo) / 10.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    ((lo / step).floor() * step, (hi / step).ceil() * step, step)
}

/// Ticks from `min` to `max` every `step` (at most 21).
fn ticks(min: f64, max: f64, step: f64) -> Vec<f64> {
    if step <= 0.0 || !step.is_finite() {
        return vec![min, max];
    }
    (0..=20)
        .map(|n| min + f64::from(n) * step)
        .take_while(|t| *t <= max + step * 1e-9)
        .collect()
}
