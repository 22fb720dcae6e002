//! Media types of product files, decided by extension.
//!
//! The extension is part of the naming convention, so it is the one thing every
//! provider controls and every reader can check; sniffing content would let a
//! file claim to be something its name does not say.

/// The media type served for a product file with extension `ext` (case-insensitive).
pub fn media_type_for(ext: &str) -> &'static str {
    let ext = ext.to_ascii_lowercase();
    if ext.ends_with(".bz2") || ext == "bz2" {
        return "application/x-bzip2";
    }
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "csv" => "text/csv",
        "txt" | "ict" | "iwg1" => "text/plain",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "kml" => "application/vnd.google-earth.kml+xml",
        "kmz" => "application/vnd.google-earth.kmz",
        "nc" | "nc4" | "cdf" => "application/x-netcdf",
        "grb" | "grib" | "grb2" | "grib2" => "application/x-grib",
        _ => "application/octet-stream",
    }
}

/// The extension a file of `media_type` (as an HTTP answer names it,
/// parameters allowed) is given when its source names none.
pub fn ext_for(media_type: &str) -> Option<&'static str> {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    Some(match essence.to_ascii_lowercase().as_str() {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "application/pdf" => "pdf",
        "text/csv" => "csv",
        "text/plain" => "txt",
        "application/json" => "json",
        "application/geo+json" => "geojson",
        "application/vnd.google-earth.kml+xml" => "kml",
        "application/vnd.google-earth.kmz" => "kmz",
        "application/x-netcdf" | "application/netcdf" => "nc",
        "application/x-grib" | "application/grib" | "application/x-grib2" => "grib2",
        _ => return None,
    })
}

/// The extension of `file_name`: its last dot-separated token, or its last
/// two when the last says the file is compressed (`grib2.bz2`).
pub fn ext_of(file_name: &str) -> &str {
    let mut tokens = file_name.rsplitn(3, '.');
    let last = tokens.next().unwrap_or_default();
    match tokens.next() {
        Some(inner) if last.eq_ignore_ascii_case("bz2") && tokens.next().is_some() => {
            &file_name[file_name.len() - inner.len() - last.len() - 1..]
        }
        _ => last,
    }
}

/// Whether files with extension `ext` hold model fields: GRIB2 or NetCDF,
/// compressed with bzip2 or not (DWD publishes `.grib2.bz2`).
pub fn is_model_file(ext: &str) -> bool {
    let ext = ext.to_ascii_lowercase();
    let inner = ext.strip_suffix(".bz2").unwrap_or(&ext);
    matches!(
        inner,
        "grb" | "grib" | "grb2" | "grib2" | "nc" | "nc4" | "cdf"
    )
}

/// Whether a media type is an image the dashboard can show inline.
pub fn is_image(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compressed_files_extension_is_its_last_two_tokens() {
        assert_eq!(ext_of("model.ICON.202612071200.t2m.grib2.bz2"), "grib2.bz2");
        assert_eq!(ext_of("model.ICON.202612071200.t2m.grib2"), "grib2");
        assert_eq!(ext_of("a.bz2"), "bz2");
        assert_eq!(media_type_for("grib2.bz2"), "application/x-bzip2");
        assert!(is_model_file("grib2.bz2"));
        assert!(is_model_file("NC"));
        assert!(!is_model_file("png.bz2"));
        assert!(!is_model_file("bz2"));
    }

    #[test]
    fn known_extensions_map_to_their_types() {
        assert_eq!(media_type_for("PNG"), "image/png");
        assert_eq!(media_type_for("jpeg"), "image/jpeg");
        assert_eq!(media_type_for("nc"), "application/x-netcdf");
        assert_eq!(media_type_for("exe"), "application/octet-stream");
        assert!(is_image("image/webp"));
        assert!(!is_image("text/csv"));
    }

    #[test]
    fn an_answers_media_type_gives_an_extension_that_maps_back() {
        for media_type in [
            "image/png",
            "text/csv",
            "application/x-grib",
            "application/x-netcdf",
        ] {
            assert_eq!(media_type_for(ext_for(media_type).unwrap()), media_type);
        }
        assert_eq!(ext_for("image/PNG; charset=binary"), Some("png"));
        assert_eq!(ext_for("application/octet-stream"), None);
    }
}
