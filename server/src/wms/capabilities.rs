//! The WMS 1.3.0 capabilities document: the service, its operations at this
//! server's address, and a layer per model platform, field and level type
//! with its time, reference time (the runs) and elevation dimensions, each
//! listing its values, and a style whose legend is opsboard's.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, SecondsFormat, Utc};

use super::layers::Layer;
use super::MAX_SIDE;

pub use media::field_map::escape;

fn iso(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The document for `layers`, with operations at `url` (`…/wms`).
pub fn document(url: &str, title: &str, layers: &BTreeMap<String, Layer>) -> String {
    let href = escape(&format!("{url}?"));
    let operation = |name: &str, formats: &[&str]| {
        let formats: String = formats
            .iter()
            .map(|f| format!("<Format>{f}</Format>"))
            .collect();
        format!(
            r#"<{name}>{formats}<DCPType><HTTP><Get><OnlineResource xlink:type="simple" xlink:href="{href}"/></Get></HTTP></DCPType></{name}>"#
        )
    };
    let mut out = String::new();
    out.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        r#"<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" "#,
        r#"xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
        r#"xsi:schemaLocation="http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd">"#
    ));
    let _ = write!(
        out,
        concat!(
            "<Service><Name>WMS</Name><Title>{title}</Title>",
            "<Abstract>Model fields of the campaign's runs, drawn by opsboard as they arrive.</Abstract>",
            r#"<OnlineResource xlink:type="simple" xlink:href="{href}"/>"#,
            "<Fees>none</Fees><AccessConstraints>none</AccessConstraints>",
            "<LayerLimit>1</LayerLimit><MaxWidth>{max}</MaxWidth><MaxHeight>{max}</MaxHeight></Service>"
        ),
        title = escape(title),
        href = href,
        max = MAX_SIDE,
    );
    out.push_str("<Capability><Request>");
    out.push_str(&operation("GetCapabilities", &["text/xml"]));
    out.push_str(&operation("GetMap", &["image/png"]));
    out.push_str(&operation(
        "GetFeatureInfo",
        &["text/plain", "application/json"],
    ));
    out.push_str("</Request><Exception><Format>XML</Format></Exception>");
    let _ = write!(
        out,
        concat!(
            "<Layer><Title>{title}: model fields</Title>",
            "<CRS>EPSG:4326</CRS><CRS>CRS:84</CRS><CRS>EPSG:3857</CRS>",
            "<EX_GeographicBoundingBox><westBoundLongitude>-180</westBoundLongitude>",
            "<eastBoundLongitude>180</eastBoundLongitude><southBoundLatitude>-90</southBoundLatitude>",
            "<northBoundLatitude>90</northBoundLatitude></EX_GeographicBoundingBox>"
        ),
        title = escape(title)
    );
    for layer in layers.values() {
        out.push_str(&layer_element(layer, url));
    }
    out.push_str("</Layer></Capability></WMS_Capabilities>");
    out
}

fn layer_element(layer: &Layer, url: &str) -> String {
    // EX_GeographicBoundingBox is in -180..180: a box across the date line
    // is given as the whole band of longitudes.
    let [mut w, s, mut e, n] = layer.bbox.unwrap_or([-180.0, -90.0, 180.0, 90.0]);
    if e > 180.0 || w < -180.0 {
        (w, e) = (-180.0, 180.0);
    }
    let mut out = format!(
        concat!(
            r#"<Layer queryable="1"><Name>{name}</Name><Title>{title}</Title>{vertical}"#,
            "<EX_GeographicBoundingBox><westBoundLongitude>{w}</westBoundLongitude>",
            "<eastBoundLongitude>{e}</eastBoundLongitude><southBoundLatitude>{s}</southBoundLatitude>",
            "<northBoundLatitude>{n}</northBoundLatitude></EX_GeographicBoundingBox>",
            r#"<BoundingBox CRS="CRS:84" minx="{w}" miny="{s}" maxx="{e}" maxy="{n}"/>"#,
            r#"<BoundingBox CRS="EPSG:4326" minx="{s}" miny="{w}" maxx="{n}" maxy="{e}"/>"#
        ),
        w = w,
        s = s,
        e = e,
        n = n,
        name = escape(&layer.name),
        // Layers on pressure levels are drawn as vertical sections too, in
        // Open-MSS's own system (its side view lists layers offering it).
        vertical = if layer.level_type == "isobaricInhPa" && layer.levels().len() > 1 {
            "<CRS>VERT:LOGP</CRS>"
        } else {
            ""
        },
        title = escape(&format!(
            "{} {} ({}{})",
            layer.platform,
            layer.field,
            layer.level_type,
            layer.units.as_ref().map(|u| format!(", {u}")).unwrap_or_default()
        )),
    );
    let times = layer.times();
    if let Some(first) = times.first() {
        let list: Vec<String> = times.iter().map(iso).collect();
        let _ = write!(
            out,
            r#"<Dimension name="time" units="ISO8601" default="{}" nearestValue="0">{}</Dimension>"#,
            iso(first),
            list.join(",")
        );
    }
    let runs = layer.runs();
    if let Some(last) = runs.last() {
        let list: Vec<String> = runs.iter().map(iso).collect();
        let _ = write!(
            out,
            r#"<Dimension name="reference_time" units="ISO8601" default="{}">{}</Dimension>"#,
            iso(last),
            list.join(",")
        );
    }
    let levels = layer.levels();
    if let Some(first) = levels.first() {
        let units = match layer.level_type.as_str() {
            "isobaricInhPa" => "hPa",
            "heightAboveGround" | "heightAboveSea" => "m",
            "theta" => "K",
            _ => "level",
        };
        let list: Vec<String> = levels.iter().map(f64::to_string).collect();
        let _ = write!(
            out,
            r#"<Dimension name="elevation" units="{units}" unitSymbol="{units}" default="{first}">{}</Dimension>"#,
            list.join(",")
        );
    }
    let legend = escape(&format!(
        "{url}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER={}",
        layer.name
    ));
    let _ = write!(
        out,
        concat!(
            "<Style><Name>default</Name><Title>opsboard's scale for {field}</Title>",
            r#"<LegendURL width="320" height="60"><Format>image/png</Format>"#,
            r#"<OnlineResource xlink:type="simple" xlink:href="{legend}"/></LegendURL></Style></Layer>"#
        ),
        field = escape(&layer.field),
        legend = legend
    );
    out
}
