//! The map's layers, drawn as SVG by Leptos, bottom to top: georeferenced
//! images, the basemap, the graticule, operations' target areas, flight
//! plans, range rings, tracks and the platforms where they are at the
//! cursor. Each takes the view and projects its own points.

use leptos::prelude::*;
use model::tracks::plan::StoredPlan;

use crate::map_view::{ring, Basemap, Bounds, MapView, Track, HEIGHT, WIDTH};

/// An SVG path through `lines` (each a polyline of `[lon, lat]`), in screen
/// units to a tenth of a pixel.
pub fn path_of<'a>(view: &MapView, lines: impl IntoIterator<Item = &'a [[f64; 2]]>) -> String {
    let mut d = String::new();
    for line in lines {
        for (i, point) in line.iter().enumerate() {
            let (x, y) = view.to_screen(*point);
            let command = if i == 0 { 'M' } else { 'L' };
            d.push_str(&format!("{command}{x:.1} {y:.1}"));
        }
    }
    d
}

/// A georeferenced image: where it goes and what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub id: i64,
    pub src: String,
    pub bounds: Bounds,
    pub lane: String,
}

#[component]
pub fn ImagesLayer(
    view: RwSignal<MapView>,
    images: Memo<Vec<Placed>>,
    opacity: RwSignal<u8>,
) -> impl IntoView {
    view! {
        <g class="map-images" opacity=move || f64::from(opacity.get()) / 100.0>
            <For each=move || images.get() key=|image| image.id let:image>
                {
                    let [w, s, e, n] = image.bounds;
                    let corners = move || {
                        let v = view.get();
                        let (x0, y0) = v.to_screen([w, n]);
                        let (x1, y1) = v.to_screen([e, s]);
                        (x0, y0, (x1 - x0).max(0.0), (y1 - y0).max(0.0))
                    };
                    view! {
                        <image
                            href=image.src.clone()
                            data-id=image.id
                            data-lane=image.lane.clone()
                            preserveAspectRatio="none"
                            x=move || format!("{:.1}", corners().0)
                            y=move || format!("{:.1}", corners().1)
                            width=move || format!("{:.1}", corners().2)
                            height=move || format!("{:.1}", corners().3)
                        />
                    }
                }
            </For>
        </g>
    }
}

#[component]
pub fn BasemapLayer(view: RwSignal<MapView>, basemap: RwSignal<Basemap>) -> impl IntoView {
    let coast = move || basemap.with(|b| path_of(&view.get(), b.coast.iter().map(Vec::as_slice)));
    let borders =
        move || basemap.with(|b| path_of(&view.get(), b.borders.iter().map(Vec::as_slice)));
    view! {
        <g class="basemap">
            <path class="border" d=borders/>
            <path class="coast" d=coast/>
        </g>
    }
}

#[component]
pub fn Graticule(view: RwSignal<MapView>) -> impl IntoView {
    let lines = move || {
        let v = view.get();
        let step = v.graticule_step();
        let [w, s, e, n] = v.bounds();
        let mut meridians = Vec::new();
        let mut lon = (w / step).ceil() * step;
        while lon <= e && meridians.len() < 40 {
            meridians.push(lon);
            lon += step;
        }
        let mut parallels = Vec::new();
        let mut lat = (s.max(-90.0) / step).ceil() * step;
        while lat <= n.min(90.0) && parallels.len() < 40 {
            parallels.push(lat);
            lat += step;
        }
        let mut d = String::new();
        let mut labels = Vec::new();
        for lon in meridians {
            let (x, _) = v.to_screen([lon, 0.0]);
            d.push_str(&format!("M{x:.1} 0V{HEIGHT}"));
            labels.push((x + 3.0, HEIGHT - 4.0, degrees(lon, 'E', 'W', step)));
        }
        for lat in parallels {
            let (_, y) = v.to_screen([0.0, lat]);
            d.push_str(&format!("M0 {y:.1}H{WIDTH}"));
            labels.push((3.0, y - 3.0, degrees(lat, 'N', 'S', step)));
        }
        (d, labels)
    };
    view! {
        <g class="graticule">
            <path d=move || lines().0/>
            {move || lines().1.into_iter().map(|(x, y, text)| view! {
                <text x=format!("{x:.1}") y=format!("{y:.1}")>{text}</text>
            }).collect_view()}
        </g>
    }
}

/// `12.5°E`, with as many decimals as the step needs.
fn degrees(value: f64, positive: char, negative: char, step: f64) -> String {
    let hemisphere = if value >= 0.0 { positive } else { negative };
    let decimals = if step < 1.0 { 1 } else { 0 };
    format!("{:.*}°{hemisphere}", decimals, value.abs())
}

/// An operation's target area, dashed, with its code.
#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    pub code: String,
    pub bounds: Bounds,
    pub colour: String,
}

#[component]
pub fn AreasLayer(view: RwSignal<MapView>, areas: Memo<Vec<Area>>) -> impl IntoView {
    view! {
        <g class="map-areas">
            {move || {
                let v = view.get();
                areas.get().into_iter().map(|area| {
                    let [w, s, e, n] = area.bounds;
                    let (x0, y0) = v.to_screen([w, n]);
                    let (x1, y1) = v.to_screen([e, s]);
                    view! {
                        <rect x=format!("{x0:.1}") y=format!("{y0:.1}") width=format!("{:.1}", x1 - x0) height=format!("{:.1}", y1 - y0) stroke=area.colour.clone()/>
                        <text x=format!("{:.1}", x0 + 3.0) y=format!("{:.1}", y0 + 12.0) fill=area.colour.clone()>{area.code.clone()}</text>
                    }
                }).collect_view()
            }}
        </g>
    }
}

#[component]
pub fn PlansLayer(
    view: RwSignal<MapView>,
    plans: Memo<Vec<(StoredPlan, String)>>,
) -> impl IntoView {
    view! {
        <g class="map-plans">
            {move || {
                let v = view.get();
                plans.get().into_iter().map(|(plan, colour)| {
                    let points: Vec<[f64; 2]> = plan.plan.waypoints.iter().map(|p| [p.lon, p.lat]).collect();
                    let d = path_of(&v, [points.as_slice()]);
                    // Labels only where they can be read.
                    let labelled = plan.plan.waypoints.len() <= 40;
                    let marks = plan.plan.waypoints.iter().map(|p| {
                        let (x, y) = v.to_screen([p.lon, p.lat]);
                        let label = (labelled && !p.label.is_empty()).then(|| view! {
                            <text x=format!("{:.1}", x + 5.0) y=format!("{:.1}", y - 4.0)>{p.label.clone()}</text>
                        });
                        view! {
                            <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="3" fill=colour.clone()/>
                            {label}
                        }
                    }).collect_view();
                    let title = format!("{} · {:.0} km", plan.plan.name, plan.length_km);
                    view! {
                        <g class="map-plan" data-plan=plan.id>
                            <title>{title}</title>
                            <path d=d stroke=colour.clone()/>
                            {marks}
                        </g>
                    }
                }).collect_view()
            }}
        </g>
    }
}

/// A platform's base and the range rings around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Base {
    pub platform: String,
    pub colour: String,
    /// `[lon, lat]`.
    pub at: [f64; 2],
    pub rings_km: Vec<f64>,
}

#[component]
pub fn RingsLayer(view: RwSignal<MapView>, bases: Memo<Vec<Base>>) -> impl IntoView {
    view! {
        <g class="map-rings">
            {move || {
                let v = view.get();
                bases.get().into_iter().map(|base| {
                    let rings = base.rings_km.iter().map(|km| {
                        let around = ring(base.at, *km, 96);
                        // The label at the ring's northernmost point.
                        let (x, y) = v.to_screen(around[0]);
                        view! {
                            <path d=path_of(&v, [around.as_slice()]) stroke=base.colour.clone()/>
                            <text x=format!("{x:.1}") y=format!("{:.1}", y - 3.0)>{format!("{km} km")}</text>
                        }
                    }).collect_view();
                    let (x, y) = v.to_screen(base.at);
                    view! {
                        <g class="map-base" data-base=base.platform.clone() data-rings=base.rings_km.len()>
                            {rings}
                            <rect x=format!("{:.1}", x - 4.0) y=format!("{:.1}", y - 4.0) width="8" height="8" fill=base.colour.clone()/>
                        </g>
                    }
                }).collect_view()
            }}
        </g>
    }
}

/// A platform's track and where it is at the cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    /// What it is the track of: a platform's name, or `product:ID`.
    pub key: String,
    /// The name shown beside it.
    pub label: String,
    /// A predicted trajectory (drawn dashed), not a flown one.
    pub predicted: bool,
    pub colour: String,
    pub track: Track,
    /// Points flown by the cursor's time (drawn solid; the rest faint).
    pub flown: usize,
    /// Where it is at the cursor, and its altitude if known.
    pub at: Option<([f64; 2], Option<f64>)>,
    /// Its heading (degrees) and ground speed (km/h) then, if known.
    pub motion: Option<(f64, f64)>,
    /// Seconds since its last fix, while the map follows now.
    pub fix_age_s: Option<i64>,
}

impl Drawn {
    /// What its marker says: name, altitude, heading, ground speed, and
    /// how old the fix is ("GV 9097 m · 245° · 780 km/h · 12 s ago").
    pub fn marker_label(&self) -> String {
        let mut parts = vec![self.label.clone()];
        if let Some((_, Some(alt))) = self.at {
            parts[0] = format!("{} {alt:.0} m", self.label);
        }
        if let Some((heading, speed)) = self.motion {
            parts.push(format!("{heading:03.0}°"));
            parts.push(format!("{speed:.0} km/h"));
        }
        match self.fix_age_s {
            Some(s) if s < 120 => parts.push(format!("{s} s ago")),
            Some(s) if s < 7200 => parts.push(format!("{} min ago", s / 60)),
            Some(s) => parts.push(format!("{} h ago", s / 3600)),
            None => {}
        }
        parts.join(" · ")
    }
}

#[component]
pub fn TracksLayer(view: RwSignal<MapView>, drawn: Memo<Vec<Drawn>>) -> impl IntoView {
    view! {
        <g class="map-tracks">
            {move || {
                let v = view.get();
                drawn.get().into_iter().map(|d| {
                    let points = d.track.points.as_slice();
                    let split = d.flown.min(points.len());
                    let flown = path_of(&v, [&points[..split]]);
                    let ahead = path_of(&v, [&points[split.saturating_sub(1)..]]);
                    let label = d.marker_label();
                    let marker = d.at.map(|(p, _)| {
                        let (x, y) = v.to_screen(p);
                        // An arrow along its heading; a dot when it is not known.
                        let shape = match d.motion {
                            Some((heading, _)) => view! {
                                <path class="heading" d="M0 -8L6 8L0 4L-6 8Z" fill=d.colour.clone()
                                    transform=format!("translate({x:.1} {y:.1}) rotate({heading:.0})")/>
                            }.into_any(),
                            None => view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="6" fill=d.colour.clone()/> }.into_any(),
                        };
                        view! {
                            <g class="map-platform" data-platform=d.key.clone() data-lon=format!("{:.4}", p[0]) data-lat=format!("{:.4}", p[1])>
                                {shape}
                                <text x=format!("{:.1}", x + 10.0) y=format!("{:.1}", y + 4.0)>{label}</text>
                            </g>
                        }
                    });
                    view! {
                        <g class="map-track" class:predicted=d.predicted data-track=d.key.clone() data-points=points.len()>
                            <path class="ahead" d=ahead stroke=d.colour.clone()/>
                            <path class="flown" d=flown stroke=d.colour.clone()/>
                            {marker}
                        </g>
                    }
                }).collect_view()
            }}
        </g>
    }
}
