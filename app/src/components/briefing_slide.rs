//! One slide of a briefing, drawn as what it shows: a product version as
//! its picture; a run-to-run or a comparison as its versions side by side;
//! a map view as the map of its area with the images it showed. The same
//! on screen, presented and printed; the link to the live view stays.

use leptos::prelude::*;
use model::operations::Slide;
use model::Product;

use super::map_snapshot::{placed, MapSnapshot};
use crate::select::picture;

/// The slide's pictures and its caption; the comment is the caller's.
#[component]
pub fn SlideContent(slide: Slide) -> impl IntoView {
    let Slide {
        product,
        view,
        shown,
        area,
        comment: _,
    } = slide;
    let body = match (area, product) {
        (Some(area), _) => {
            let label = format!("Map of {}", shown_names(&shown));
            view! {
                <div class="slide-map">
                    <MapSnapshot area images=placed(&shown) label/>
                </div>
            }
            .into_any()
        }
        (None, Some(product)) => view! { <Picture product/> }.into_any(),
        (None, None) if !shown.is_empty() => {
            let count = shown.len();
            let pictures = shown
                .into_iter()
                .map(|product| view! { <Picture product/> })
                .collect_view();
            view! { <div class="slide-pictures" data-count=count>{pictures}</div> }.into_any()
        }
        (None, None) => ().into_any(),
    };
    view! {
        {body}
        {view.map(|href| view! { <p class="slide-link"><a href=href rel="external">"Open this view live"</a></p> })}
    }
}

/// A product version as a figure: its picture, or its name when it has none.
#[component]
fn Picture(product: Product) -> impl IntoView {
    let name = format!("{} (v{})", product.file_name, product.version);
    let src = picture(&product);
    view! {
        <figure class="slide-figure">
            {src.map(|src| view! { <img src=src alt=name.clone()/> })}
            <figcaption class="slide-name">{name.clone()}</figcaption>
        </figure>
    }
}

fn shown_names(shown: &[Product]) -> String {
    match shown.len() {
        0 => "the campaign area".into(),
        _ => shown
            .iter()
            .map(|p| p.file_name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}
