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
}
