//! The track inside a product's file: a dropped `.iwg1` file (a whole
//! flight's packets), a sounding's `.csv` with latitude and longitude
//! columns, or a predicted trajectory in `.geojson`. Read for the map
//! (`GET /api/v1/products/{id}/track`) and at ingest, where the track's
//! extent becomes the product's box: a flight is then a place, found by an
//! area search and placed by its STAC item.

use chrono::{DateTime, Utc};
use media::trajectory::{self, Trajectory};
use model::tracks::Fix;

use super::Batch;

/// Most bytes of a track file read: a 10 h flight at 1 Hz is about 11 MB.
pub const MAX_TRACK_FILE_BYTES: u64 = 64 << 20;

/// The files a product's track is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackFile {
    Iwg1,
    Table,
    GeoJson,
}

impl TrackFile {
    /// The kind of track file `file_name` is, by its extension.
    pub fn of(file_name: &str) -> Option<Self> {
        let ext = file_name.rsplit('.').next()?.to_ascii_lowercase();
        match ext.as_str() {
            "iwg1" => Some(TrackFile::Iwg1),
            "csv" => Some(TrackFile::Table),
            "geojson" => Some(TrackFile::GeoJson),
            _ => None,
        }
    }

    /// The file's points in time order (`start`, the product's time, for
    /// tables timed in seconds after it), or why it has none.
    pub fn read(self, bytes: &[u8], start: DateTime<Utc>) -> Result<Trajectory, String> {
        if bytes.len() as u64 > MAX_TRACK_FILE_BYTES {
            return Err(format!("the file is over {MAX_TRACK_FILE_BYTES} bytes"));
        }
        let text = String::from_utf8_lossy(bytes);
        match self {
            TrackFile::Iwg1 => {
                let mut batch = Batch::default();
                batch.read(&text);
                let mut fixes = batch.fixes;
                fixes.sort_by_key(|f| f.time);
                Ok(Trajectory {
                    fixes,
                    refused: batch.refused,
                    reasons: batch.reasons,
                })
            }
            TrackFile::Table => trajectory::from_csv(&text, start).map_err(|e| e.to_string()),
            TrackFile::GeoJson => trajectory::from_geojson(&text).map_err(|e| e.to_string()),
        }
    }
}

/// `[west, south, east, north]` of `fixes`, in degrees; `None` without any.
/// A track crossing the date line gets the box that wraps it (west > east),
/// as STAC and the search's box do, rather than one around the world.
pub fn extent(fixes: &[Fix]) -> Option<[f64; 4]> {
    let first = fixes.first()?;
    let (mut south, mut north) = (first.lat, first.lat);
    for fix in fixes {
        south = south.min(fix.lat);
        north = north.max(fix.lat);
    }
    let mut lons: Vec<f64> = fixes.iter().map(|f| f.lon).collect();
    lons.sort_by(f64::total_cmp);
    // The widest gap between consecutive longitudes (round the globe) is
    // where the box is not.
    let (mut gap, mut after) = (360.0 - (lons[lons.len() - 1] - lons[0]), 0);
    for (i, pair) in lons.windows(2).enumerate() {
        if pair[1] - pair[0] > gap {
            gap = pair[1] - pair[0];
            after = i + 1;
        }
    }
    let (west, east) = if after == 0 {
        (lons[0], lons[lons.len() - 1])
    } else {
        (lons[after], lons[after - 1])
    };
    Some([west, south, east, north])
}

/// The extent of the track in the file at `path` (named `file_name`, timed
/// from `start`): a flight's, a sounding's or a trajectory's box, for a
/// product whose sidecar gives none. `None` for other files and for one
/// that holds no readable track.
pub async fn extent_of_file(
    path: &std::path::Path,
    file_name: &str,
    start: DateTime<Utc>,
) -> Option<[f64; 4]> {
    let kind = TrackFile::of(file_name)?;
    let path = path.to_path_buf();
    let read = tokio::task::spawn_blocking(move || {
        let (bytes, _) = catalogue::store::read_regular_file(&path, MAX_TRACK_FILE_BYTES).ok()?;
        extent(&kind.read(&bytes, start).ok()?.fixes)
    });
    read.await.ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(lon: f64, lat: f64) -> Fix {
        Fix {
            time: Utc::now(),
            lat,
            lon,
            alt: None,
            values: Vec::new(),
            extra: 0,
        }
    }

    #[test]
    fn a_tracks_extent_is_its_box_and_wraps_the_date_line() {
        assert_eq!(extent(&[]), None);
        let flight = [fix(1.0, 43.0), fix(-1.5, 45.0), fix(2.0, 44.0)];
        assert_eq!(extent(&flight), Some([-1.5, 43.0, 2.0, 45.0]));
        let pacific = [fix(175.0, -17.0), fix(179.5, -16.0), fix(-178.0, -18.0)];
        assert_eq!(extent(&pacific), Some([175.0, -18.0, -178.0, -16.0]));
        assert_eq!(
            TrackFile::of("aircraft.GV.202208151800.flight.IWG1"),
            Some(TrackFile::Iwg1)
        );
        assert_eq!(TrackFile::of("satellite.MSG.202611291200.ir108.png"), None);
    }
}
