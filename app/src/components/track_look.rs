//! The viewer's quick-look map of a product that is a track (an aircraft's
//! IWG1 file, a sounding, a predicted trajectory): the track drawn over the
//! coast in its own box, beside the altitude plot its preview shows.

use leptos::prelude::*;
use model::Product;

use super::map_snapshot::MapSnapshot;

/// Whether `product`'s file holds a track the server reads
/// (`/api/v1/products/{id}/track`): a flight's IWG1, a predicted
/// trajectory, a sounding's table (upper air, or of a `balloon` platform).
pub fn holds_track(product: &Product, balloon: bool) -> bool {
    let name = product.file_name.to_ascii_lowercase();
    name.ends_with(".iwg1")
        || name.ends_with(".geojson")
        || (name.ends_with(".csv") && (balloon || product.category == "upperair"))
}

/// Whether the viewer draws `product`'s track: one with a box to show it in.
pub fn is_track(product: &Product) -> bool {
    holds_track(product, false) && product.meta.bbox.is_some()
}

#[component]
pub fn TrackLook(product: Product) -> impl IntoView {
    let id = product.id;
    let area = product.meta.bbox;
    let line: RwSignal<Option<Vec<[f64; 2]>>> = RwSignal::new(None);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        crate::request::get(
            &format!("/api/v1/products/{id}/track?tolerance=0.001"),
            move |status, text| {
                let feature = serde_json::from_str::<crate::map_view::TrackFeature>(&text);
                if let (200, Ok(feature)) = (status, feature) {
                    line.set(Some(crate::map_view::Track::from(feature).points));
                }
            },
        );
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
    move || {
        let (area, points) = (area?, line.get()?);
        let label = format!("Map of the track of {}", product.file_name);
        let count = points.len();
        Some(view! {
            <figure class="track-look" data-points=count>
                <MapSnapshot area lines=vec![points] label/>
                <figcaption>"Track"</figcaption>
            </figure>
        })
    }
}
