//! A small fixed map of one area: a briefing's map item as it was added
//! (its area and the images it showed), a flight plan's thumbnail. The
//! same layers as the map, without its inputs; the basemap is fetched once
//! the page is in the browser.

use leptos::prelude::*;

use super::map_layers::{path_of, BasemapLayer, Graticule, ImagesLayer, Placed};
use crate::map_view::{Basemap, Bounds, MapView, HEIGHT, WIDTH};

/// The map of `area` (west above east when it crosses the date line) with
/// `images` under the coast and `lines` over it.
#[component]
pub fn MapSnapshot(
    area: Bounds,
    #[prop(optional)] images: Vec<Placed>,
    #[prop(optional)] lines: Vec<Vec<[f64; 2]>>,
    label: String,
) -> impl IntoView {
    let view = RwSignal::new(MapView::fit(unwrapped(area)));
    let basemap = RwSignal::new(Basemap::default());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| crate::map_fetch::basemap(&view.get_untracked(), basemap));
    let images = Memo::new(move |_| images.clone());
    let lines = path_of(&view.get_untracked(), lines.iter().map(Vec::as_slice));
    view! {
        <svg class="map-svg map-snapshot" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label>
            <rect class="sea" width=WIDTH height=HEIGHT/>
            <ImagesLayer view images opacity=RwSignal::new(85)/>
            <BasemapLayer view basemap/>
            <Graticule view/>
            <path class="snapshot-line" d=lines/>
        </svg>
    }
}

/// `area` with its east beyond 180° when it crosses the date line, so that
/// the view fitted to it lies over the Pacific rather than around the world.
fn unwrapped([w, s, e, n]: Bounds) -> Bounds {
    [w, s, if e < w { e + 360.0 } else { e }, n]
}

/// What of `products` a map can place: those with a picture and a box.
pub fn placed<'a>(products: impl IntoIterator<Item = &'a model::Product>) -> Vec<Placed> {
    products
        .into_iter()
        .filter_map(|p| {
            Some(Placed {
                id: p.id,
                src: crate::select::picture(p)?,
                bounds: p.meta.bbox?,
                lane: format!("{}.{}", p.category, p.platform),
            })
        })
        .collect()
}
