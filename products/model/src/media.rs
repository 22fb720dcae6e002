//! Media types of product files, decided by extension.
//!
//! The extension is part of the naming convention, so it is the one thing every
//! provider controls and every reader can check; sniffing content would let a
//! file claim to be something its name does not say.

/// The media type served for a product file with extension `ext` (case-insensitive).
pub fn media_type_for(ext: &str) -> &'static str {
    match ext.to_ascii_lowercase().as_str() {
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
