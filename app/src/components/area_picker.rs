//! The search page's area, drawn on a small map: press, drag, release, and
//! the box's corners fill the Area field (west,south,east,north), which
//! can still be typed. The map opens on the box asked, or on Europe and the
//! Atlantic; + and − zoom it.

use leptos::prelude::*;

use super::map_layers::{BasemapLayer, Graticule};
use crate::map_view::{Basemap, Bounds, MapView, HEIGHT, WIDTH};

/// The map and the box drawn on it; `area` is the Area field's text.
#[component]
pub fn AreaPicker(area: RwSignal<String>) -> impl IntoView {
    let asked = model::search::bbox_of_text(&area.get_untracked());
    let view = RwSignal::new(asked.map_or_else(MapView::default, |[w, s, e, n]| {
        let (dx, dy) = ((e - w) * 1.5, (n - s) * 1.5);
        MapView::fit([w - dx, s - dy, e + dx, n + dy])
    }));
    let basemap = RwSignal::new(Basemap::default());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| crate::map_fetch::basemap(&view.get(), basemap));
    // The corner pressed, while the box is being drawn.
    let pressed: RwSignal<Option<[f64; 2]>> = RwSignal::new(None);
    let drawn: RwSignal<Option<Bounds>> = RwSignal::new(asked);
    let at = move |ev: &leptos::ev::PointerEvent| {
        screen_point(ev).map(|point| view.get_untracked().to_lon_lat(point))
    };
    let down = move |ev: leptos::ev::PointerEvent| {
        ev.prevent_default();
        pressed.set(at(&ev));
    };
    let moved = move |ev: leptos::ev::PointerEvent| {
        if let (Some(start), Some(here)) = (pressed.get_untracked(), at(&ev)) {
            drawn.set(Some(corners(start, here)));
        }
    };
    let up = move |ev: leptos::ev::PointerEvent| {
        if let (Some(start), Some(here)) = (pressed.get_untracked(), at(&ev)) {
            let box_ = corners(start, here);
            drawn.set(Some(box_));
            area.set(text_of(box_));
        }
        pressed.set(None);
    };
    let zoom =
        move |factor: f64| view.update(|v| *v = v.zoomed(factor, (WIDTH / 2.0, HEIGHT / 2.0)));
    let rect = move || {
        drawn.get().map(|[w, s, e, n]| {
            let v = view.get();
            let (x0, y0) = v.to_screen([w, n]);
            let (x1, y1) = v.to_screen([e, s]);
            view! {
                <rect class="area-box" x=format!("{x0:.1}") y=format!("{y0:.1}")
                    width=format!("{:.1}", (x1 - x0).max(0.0)) height=format!("{:.1}", (y1 - y0).max(0.0))/>
            }
        })
    };
    view! {
        <div class="area-picker">
            <svg class="map-svg area-map" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-label="Draw the area to search: press, drag, release"
                data-view=move || view.with(|v| format!("{},{},{}", v.lon, v.lat, v.deg_per_px))
                on:pointerdown=down on:pointermove=moved on:pointerup=up>
                <rect class="sea" width=WIDTH height=HEIGHT/>
                <BasemapLayer view basemap/>
                <Graticule view/>
                {rect}
            </svg>
            <span class="area-zoom">
                <button type="button" aria-label="Zoom the area map in" on:click=move |_| zoom(2.0)>"+"</button>
                <button type="button" aria-label="Zoom the area map out" on:click=move |_| zoom(0.5)>"−"</button>
                <button type="button" on:click=move |_| { drawn.set(None); area.set(String::new()); }>"Clear"</button>
            </span>
        </div>
    }
}

/// The point under the pointer, in the map's drawing units.
#[cfg(feature = "hydrate")]
fn screen_point(ev: &leptos::ev::PointerEvent) -> Option<(f64, f64)> {
    use wasm_bindgen::JsCast;
    let svg = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
    let rect = svg.get_bounding_client_rect();
    Some((
        (f64::from(ev.client_x()) - rect.left()) * WIDTH / rect.width().max(1.0),
        (f64::from(ev.client_y()) - rect.top()) * HEIGHT / rect.height().max(1.0),
    ))
}

/// The server draws no boxes.
#[cfg(not(feature = "hydrate"))]
fn screen_point(_: &leptos::ev::PointerEvent) -> Option<(f64, f64)> {
    None
}

/// The box with corners `a` and `b`, whichever way it was drawn.
fn corners([x0, y0]: [f64; 2], [x1, y1]: [f64; 2]) -> Bounds {
    let lat = |y: f64| y.clamp(-90.0, 90.0);
    [x0.min(x1), lat(y0.min(y1)), x0.max(x1), lat(y0.max(y1))]
}

/// The Area field's text for `bounds`, to a hundredth of a degree.
fn text_of([w, s, e, n]: Bounds) -> String {
    let d = |v: f64| {
        let text = format!("{v:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    format!("{},{},{},{}", d(w), d(s), d(e), d(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_drawn_either_way_is_west_south_east_north() {
        let drawn = corners([8.5, 46.3], [7.5, 47.0]);
        assert_eq!(drawn, [7.5, 46.3, 8.5, 47.0]);
        assert_eq!(text_of(drawn), "7.5,46.3,8.5,47");
        assert_eq!(model::search::bbox_of_text(&text_of(drawn)), Some(drawn));
        assert_eq!(corners([0.0, 95.0], [1.0, -100.0])[1], -90.0);
    }
}
