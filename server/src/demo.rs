//! The demo feeder (`serve --demo`): writes realistic products into the drop
//! folder, the way a provider would (write `.name.part`, then rename), so that a
//! newcomer sees the board come alive and every part of the pipeline runs.
//!
//! It cycles through a model forecast at successive lead times (a PNG field),
//! a satellite-like infrared image (JPEG), a surface-station CSV time series
//! and a radiosonde CSV profile.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use image::{ImageFormat, Rgb, RgbImage};
use model::name::format_time;

/// Lead times of one demo model run: 0 to 48 h every 3 h.
const LEADS: u64 = 17;
/// Runs the demo goes back over before it starts again.
const RUNS: u64 = 4;

/// A file the demo is about to drop.
pub struct DemoDrop {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Writes a day of history, then one demo product every `every` into
/// `incoming`, until the task is dropped. The history is deterministic, so a
/// restarted demo finds it already catalogued and changes nothing.
pub async fn run(incoming: PathBuf, every: Duration) {
    let dir = incoming.clone();
    let backfill = tokio::task::spawn_blocking(move || {
        for drop in history(Utc::now())? {
            write_into(&dir, &drop)?;
        }
        Ok::<_, anyhow::Error>(())
    })
    .await;
    if let Ok(Err(error)) = backfill {
        tracing::warn!(%error, "demo history failed");
    }
    let mut interval = tokio::time::interval(every);
    for tick in 0u64.. {
        interval.tick().await;
        let dir = incoming.clone();
        let written = tokio::task::spawn_blocking(move || {
            let drop = make(tick, Utc::now())?;
            write_into(&dir, &drop)?;
            Ok::<_, anyhow::Error>(drop.name)
        })
        .await;
        match written {
            Ok(Ok(name)) => tracing::debug!(%name, "demo product dropped"),
            Ok(Err(error)) => tracing::warn!(%error, "demo product failed"),
            Err(error) => tracing::warn!(%error, "demo task failed"),
        }
    }
}

/// Drops `drop` into `dir` atomically: a `.part` file renamed into place.
pub fn write_into(dir: &Path, drop: &DemoDrop) -> std::io::Result<()> {
    let part = dir.join(format!(".{}.part", drop.name));
    std::fs::write(&part, &drop.bytes)?;
    std::fs::rename(&part, dir.join(&drop.name))
}

/// The `tick`-th live demo product, at real time `now`: the four kinds in turn.
pub fn make(tick: u64, now: DateTime<Utc>) -> anyhow::Result<DemoDrop> {
    let round = tick / 4;
    let now = now.duration_trunc(Span::seconds(1))?;
    match tick % 4 {
        0 => {
            let latest_run = now.duration_trunc(Span::hours(6))?;
            let run = latest_run - Span::hours(6 * ((round / LEADS) % RUNS) as i64);
            model(run, 3 * (round % LEADS))
        }
        1 => satellite(now),
        2 => Ok(surface(now)),
        _ => Ok(upper_air(now)),
    }
}

/// The last 24 hours: hourly satellite images and station series, soundings
/// every 6 hours, and the previous model run every 6 hours of lead time.
pub fn history(now: DateTime<Utc>) -> anyhow::Result<Vec<DemoDrop>> {
    let hour = now.duration_trunc(Span::hours(1))?;
    let mut drops = Vec::new();
    for h in (1..=24).rev() {
        let t = hour - Span::hours(h);
        drops.push(satellite(t)?);
        drops.push(surface(t));
        if t.timestamp() % (6 * 3600) == 0 {
            drops.push(upper_air(t));
        }
    }
    let previous_run = now.duration_trunc(Span::hours(6))? - Span::hours(6);
    for lead in (0..=48).step_by(6) {
        drops.push(model(previous_run, lead)?);
    }
    Ok(drops)
}

fn model(run: DateTime<Utc>, lead: u64) -> anyhow::Result<DemoDrop> {
    Ok(DemoDrop {
        name: format!("model.AROME.{}.{lead:03}h_precip.png", format_time(run)),
        bytes: encode(
            &precipitation_field(run.timestamp() as u64, lead),
            ImageFormat::Png,
        )?,
    })
}

fn satellite(t: DateTime<Utc>) -> anyhow::Result<DemoDrop> {
    Ok(DemoDrop {
        name: format!("satellite.MSG.{}.ir108.jpg", format_time(t)),
        bytes: encode(&infrared_image(t.timestamp() as u64), ImageFormat::Jpeg)?,
    })
}

fn surface(t: DateTime<Utc>) -> DemoDrop {
    DemoDrop {
        name: format!("surface.TOULOUSE.{}.t2m.csv", format_time(t)),
        bytes: station_series(t).into_bytes(),
    }
}

fn upper_air(t: DateTime<Utc>) -> DemoDrop {
    DemoDrop {
        name: format!("upperair.TRAPPES.{}.sounding.csv", format_time(t)),
        bytes: sounding(t.timestamp() as u64).into_bytes(),
    }
}

fn encode(img: &RgbImage, format: ImageFormat) -> anyhow::Result<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format)?;
    Ok(out.into_inner())
}

/// Smooth pseudo-random value noise in [0, 1), deterministic in its seed.
fn noise(seed: u64, x: f32, y: f32) -> f32 {
    fn hash(seed: u64, x: i64, y: i64) -> f32 {
        let mut h = seed
            ^ (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (y as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        (h >> 40) as f32 / (1u64 << 24) as f32
    }
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let (xi, yi) = (x0 as i64, y0 as i64);
    let top = hash(seed, xi, yi) * (1.0 - sx) + hash(seed, xi + 1, yi) * sx;
    let bottom = hash(seed, xi, yi + 1) * (1.0 - sx) + hash(seed, xi + 1, yi + 1) * sx;
    top * (1.0 - sy) + bottom * sy
}

/// Fractal noise: several octaves of [`noise`].
fn clouds(seed: u64, x: f32, y: f32) -> f32 {
    (0..5)
        .map(|o| {
            let f = (1 << o) as f32;
            noise(seed.wrapping_add(o), x * f, y * f) / f
        })
        .sum::<f32>()
        / 1.94
}

/// A precipitation-like field that drifts east with lead time.
fn precipitation_field(run_seed: u64, lead: u64) -> RgbImage {
    let (w, h) = (640, 480);
    let shift = lead as f32 * 0.08;
    RgbImage::from_fn(w, h, |x, y| {
        let v = clouds(run_seed, x as f32 / 90.0 - shift, y as f32 / 90.0);
        let rain = ((v - 0.45) * 4.0).clamp(0.0, 1.0);
        if rain <= 0.0 {
            Rgb([236, 240, 244])
        } else {
            // Light blue to deep purple, like radar rain-rate palettes.
            let t = rain;
            Rgb([
                (120.0 * t + 60.0 * (1.0 - t)) as u8,
                (200.0 * (1.0 - t) + 30.0) as u8,
                (255.0 - 60.0 * t) as u8,
            ])
        }
    })
}

/// An infrared-like cloud image: bright cold cloud tops over a darker surface.
fn infrared_image(seed: u64) -> RgbImage {
    let (w, h) = (800, 600);
    RgbImage::from_fn(w, h, |x, y| {
        let v = clouds(seed, x as f32 / 120.0, y as f32 / 120.0);
        let g = (40.0 + 215.0 * ((v - 0.3) * 1.8).clamp(0.0, 1.0)) as u8;
        Rgb([g, g, g])
    })
}

/// Six hours of 10-minute temperature and humidity at a surface station.
fn station_series(now: DateTime<Utc>) -> String {
    let mut csv = String::from("time,t2m_degC,rh_percent\n");
    for i in (0..36).rev() {
        let t = now - Span::minutes(10 * i);
        let phase = t.timestamp() as f32 / 86_400.0 * std::f32::consts::TAU;
        csv.push_str(&format!(
            "{},{:.1},{:.0}\n",
            t.format("%Y-%m-%dT%H:%M:%SZ"),
            11.0 + 4.0 * phase.sin(),
            70.0 - 15.0 * phase.sin()
        ));
    }
    csv
}

/// A radiosonde profile: pressure, temperature, dew point, wind.
fn sounding(seed: u64) -> String {
    let mut csv = String::from("pressure_hPa,temp_degC,dewpoint_degC,wind_dir_deg,wind_speed_ms\n");
    for (i, p) in (100..=1000).rev().step_by(50).enumerate() {
        let z = i as f32;
        let jitter = noise(seed, z, 0.5) - 0.5;
        csv.push_str(&format!(
            "{p},{:.1},{:.1},{:.0},{:.1}\n",
            14.0 - 3.4 * z + jitter,
            8.0 - 4.0 * z + jitter,
            (250.0 + 3.0 * z) % 360.0,
            5.0 + 1.8 * z
        ));
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::NameRules;

    #[test]
    fn every_demo_product_follows_the_convention_and_decodes() {
        let rules = NameRules::default();
        let now = Utc::now();
        for tick in 0..8 {
            let drop = make(tick, now).unwrap();
            let name = rules
                .parse(&drop.name)
                .unwrap_or_else(|e| panic!("{}: {e}", drop.name));
            assert!(!drop.bytes.is_empty());
            if name.ext == "png" || name.ext == "jpg" {
                image::load_from_memory(&drop.bytes).unwrap();
            }
        }
    }

    #[test]
    fn history_is_a_day_of_distinct_valid_products_and_deterministic() {
        let rules = NameRules::default();
        let now = Utc::now();
        let first = history(now).unwrap();
        let names: std::collections::BTreeSet<_> = first.iter().map(|d| d.name.clone()).collect();
        assert_eq!(
            names.len(),
            first.len(),
            "no two history products share a name"
        );
        assert!(first.len() >= 48);
        for drop in &first {
            let name = rules.parse(&drop.name).unwrap();
            assert!(
                name.time <= now && name.time >= now - Span::hours(25),
                "{}",
                drop.name
            );
        }
        let t = now - Span::hours(3);
        assert_eq!(satellite(t).unwrap().bytes, satellite(t).unwrap().bytes);
        assert_eq!(surface(t).bytes, surface(t).bytes);
    }
}
