//! The WMS's layers: one per model platform, field and level type, from the
//! model files (GRIB2, NetCDF) the caller may see (a restricted run is never read for a
//! caller who may not see it: the catalogue leaves it out). Each layer knows
//! where each of its maps is — the run, valid time and level of every
//! message — so GetMap finds its message without reading any file again.
//! The messages of each file come from the field cache (headers read once).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use media::model_file::level_type_name;
use model::Visibility;

use super::exception::WmsError;
use crate::state::AppState;

/// One map of a layer: a message of a file.
#[derive(Clone, Debug)]
pub struct Source {
    pub product_id: i64,
    pub path: PathBuf,
    pub index: usize,
    pub run: Option<DateTime<Utc>>,
    pub time: Option<DateTime<Utc>>,
    pub level: f64,
}

#[derive(Clone, Debug)]
pub struct Layer {
    /// `platform.field.level_type`: `GFS.t.isobaricInhPa`.
    pub name: String,
    pub platform: String,
    pub field: String,
    pub level_type: String,
    pub units: Option<String>,
    pub bbox: Option<[f64; 4]>,
    pub sources: Vec<Source>,
}

impl Layer {
    pub fn runs(&self) -> BTreeSet<DateTime<Utc>> {
        self.sources.iter().filter_map(|s| s.run).collect()
    }

    pub fn times(&self) -> BTreeSet<DateTime<Utc>> {
        self.sources.iter().filter_map(|s| s.time).collect()
    }

    /// Its levels, nearest the ground first (highest pressure, lowest
    /// height); empty when it has one.
    pub fn levels(&self) -> Vec<f64> {
        let mut levels: Vec<f64> = self.sources.iter().map(|s| s.level).collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        if self.level_type == "isobaricInhPa" {
            levels.reverse();
        }
        if levels.len() > 1 {
            levels
        } else {
            Vec::new()
        }
    }

    /// The map asked for: the run (the latest by default), the valid time
    /// (the run's first by default) and the level (the first by default).
    pub fn source(
        &self,
        run: Option<DateTime<Utc>>,
        time: Option<DateTime<Utc>>,
        level: Option<f64>,
    ) -> Result<&Source, WmsError> {
        let run = match run {
            Some(run) if self.runs().contains(&run) => Some(run),
            Some(run) => {
                return Err(WmsError::dimension(format!(
                    "{} has no run {}",
                    self.name,
                    run.to_rfc3339()
                )))
            }
            None => self.runs().last().copied(),
        };
        let of_run: Vec<&Source> = self.sources.iter().filter(|s| s.run == run).collect();
        let time = time.or_else(|| of_run.iter().filter_map(|s| s.time).min());
        let level = level.or_else(|| self.levels().first().copied());
        of_run
            .into_iter()
            .find(|s| s.time == time && level.is_none_or(|l| (s.level - l).abs() < 1e-6))
            .ok_or_else(|| {
                WmsError::dimension(format!(
                    "{} has no map for run {}, time {}{}",
                    self.name,
                    run.map(|r| r.to_rfc3339()).unwrap_or_default(),
                    time.map(|t| t.to_rfc3339()).unwrap_or_default(),
                    level
                        .map(|l| format!(", elevation {l}"))
                        .unwrap_or_default()
                ))
            })
    }
}

/// The layers `visibility` may see, by name.
pub async fn layers(
    state: &AppState,
    visibility: Visibility,
) -> Result<BTreeMap<String, Layer>, WmsError> {
    let files = state
        .catalogue
        .model_files(visibility)
        .await
        .map_err(|e| WmsError::new("NoApplicableCode", format!("the catalogue: {e}")))?;
    let located: Vec<(i64, String, Option<DateTime<Utc>>, PathBuf)> = files
        .into_iter()
        .filter_map(|f| {
            let path = state.data.resolve(std::path::Path::new(&f.stored_path))?;
            Some((f.product.id, f.product.platform, f.product.run_time, path))
        })
        .collect();
    let cache = state.fields.clone();
    tokio::task::spawn_blocking(move || {
        let mut layers: BTreeMap<String, Layer> = BTreeMap::new();
        for (product_id, platform, run_time, path) in located {
            // A file that cannot be read is left out; /fields says why.
            let Ok(messages) = cache.messages(&path) else {
                continue;
            };
            for m in messages.iter().filter(|m| m.problem.is_none()) {
                let level_type = level_type_name(m.level_type);
                // A name of letters, digits, `_`, `-` and dots ("type 213"
                // is "type213"; a NetCDF variable may hold anything).
                let name: String = format!("{platform}.{}.{}", m.field(), level_type)
                    .chars()
                    .filter(|c| *c != ' ')
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || "._-".contains(c) {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let layer = layers.entry(name.clone()).or_insert_with(|| Layer {
                    name,
                    platform: platform.clone(),
                    field: m.field(),
                    level_type,
                    units: m.units.clone(),
                    bbox: m.bbox,
                    sources: Vec::new(),
                });
                layer.sources.push(Source {
                    product_id,
                    path: path.clone(),
                    index: m.index,
                    run: m.reference_time.or(run_time),
                    time: m.valid_time,
                    level: m.level,
                });
            }
        }
        layers
    })
    .await
    .map_err(|e| WmsError::new("NoApplicableCode", e.to_string()))
}
