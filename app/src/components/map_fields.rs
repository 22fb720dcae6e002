//! Model fields on the map: a GRIB2 lane's field (2 m temperature, the
//! 850 hPa temperature, pressure with its isobars) drawn under the tracks
//! and plans, from the lane's run valid nearest the cursor, so stepping
//! the cursor steps the lead; its legend under the map and the value under
//! the pointer beside it. The server draws the field for the map's box
//! (`/api/v1/products/{id}/map`): the page only places the picture, and
//! asks again once the view has settled after a pan or a zoom.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use leptos::prelude::*;
use model::fields::Field;

use crate::map_view::{MapView, HEIGHT, WIDTH};
use crate::select::{self, LaneKey};
use crate::state::Dash;

/// Media type of the files whose fields are drawn.
const GRIB: &str = "application/x-grib";

/// A field the map can draw: a model lane's parameter at one level.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChoice {
    pub lane: LaneKey,
    pub field: String,
    pub level: Option<f64>,
    pub label: String,
}

/// What is drawn now: the product, field, level and valid time.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDrawn {
    pub id: i64,
    pub field: String,
    pub level: Option<f64>,
    pub time: Option<DateTime<Utc>>,
}

impl FieldDrawn {
    fn query(&self) -> String {
        let mut q = format!("field={}", encoded(&self.field));
        if let Some(level) = self.level {
            q.push_str(&format!("&level={level}"));
        }
        if let Some(time) = self.time {
            q.push_str(&format!(
                "&time={}",
                time.to_rfc3339_opts(SecondsFormat::Secs, true)
            ));
        }
        q
    }

    /// The picture of `bounds` at `width` × `height` pixels.
    pub fn map_url(&self, [w, s, e, n]: [f64; 4], width: u32, height: u32) -> String {
        format!(
            "/api/v1/products/{}/map?{}&bbox={w:.4},{s:.4},{e:.4},{n:.4}&width={width}&height={height}",
            self.id,
            self.query()
        )
    }

    pub fn legend_url(&self) -> String {
        format!("/api/v1/products/{}/legend?{}", self.id, self.query())
    }

    pub fn value_url(&self, [lon, lat]: [f64; 2]) -> String {
        format!(
            "/api/v1/products/{}/value?{}&lat={lat:.4}&lon={lon:.4}",
            self.id,
            self.query()
        )
    }
}

/// A name as a query value: letters, digits and `._-` as they are, the
/// rest percent-encoded.
pub(crate) fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What the map knows and shows of model fields.
#[derive(Clone, Copy)]
pub struct ModelFields {
    /// Lanes of GRIB2 products.
    pub lanes: Memo<Vec<LaneKey>>,
    /// The fields of products, by id, as fetched.
    pub known: RwSignal<BTreeMap<i64, Vec<Field>>>,
    pub options: Memo<Vec<FieldChoice>>,
    pub chosen: RwSignal<Option<FieldChoice>>,
    pub drawn: Memo<Option<FieldDrawn>>,
    /// The view the picture is drawn for: the map's, once it rests.
    pub settled: RwSignal<MapView>,
    /// The value under the pointer, in words.
    pub readout: RwSignal<String>,
}

impl ModelFields {
    pub fn new(dash: Dash, view: RwSignal<MapView>) -> Self {
        let lanes = Memo::new(move |_| model_lanes(dash));
        let known = RwSignal::new(BTreeMap::new());
        let options = Memo::new(move |_| known.with(|k| choices(&lanes.get(), dash, k)));
        let chosen = RwSignal::new(None::<FieldChoice>);
        let drawn = Memo::new(move |_| {
            let choice = chosen.get()?;
            known.with(|k| drawn_at(dash, &choice, k))
        });
        Self {
            lanes,
            known,
            options,
            chosen,
            drawn,
            settled: RwSignal::new(view.get_untracked()),
            readout: RwSignal::new(String::new()),
        }
    }
}

/// The model lanes: lanes of GRIB2 products.
pub fn model_lanes(dash: Dash) -> Vec<LaneKey> {
    dash.with_visible(|list| select::lanes(list.into_iter().filter(|p| p.media_type == GRIB)))
}

/// The choices of fields, from the fields known of each model lane's
/// products (the first product of the lane whose fields are known).
pub fn choices(
    lanes: &[LaneKey],
    dash: Dash,
    known: &BTreeMap<i64, Vec<Field>>,
) -> Vec<FieldChoice> {
    let mut out = Vec::new();
    dash.with_visible(|list| {
        for lane in lanes {
            let fields = list
                .iter()
                .filter(|p| p.media_type == GRIB && &LaneKey::of(p) == lane)
                .find_map(|p| known.get(&p.id));
            for field in fields.into_iter().flatten() {
                let levels: Vec<Option<f64>> = if field.levels.len() > 1 {
                    field.levels.iter().rev().map(|l| Some(*l)).collect()
                } else {
                    vec![None]
                };
                for level in levels {
                    let at = match (level, field.level_type.as_str()) {
                        (Some(l), "isobaricInhPa") => format!(" {l} hPa"),
                        (Some(l), _) => format!(" {l}"),
                        (None, _) => String::new(),
                    };
                    let choice = FieldChoice {
                        lane: lane.clone(),
                        field: field.field.clone(),
                        level,
                        label: format!("{} · {}{at}", lane.platform, field.field),
                    };
                    if !out.contains(&choice) {
                        out.push(choice);
                    }
                }
            }
        }
    });
    out
}

/// The chosen field from the lane's product valid nearest the cursor, at
/// the valid time it holds nearest the cursor.
pub fn drawn_at(
    dash: Dash,
    chosen: &FieldChoice,
    known: &BTreeMap<i64, Vec<Field>>,
) -> Option<FieldDrawn> {
    let at = dash.cursor.get();
    let id = dash.with_visible(|list| {
        select::nearest(
            list.into_iter().filter(|p| p.media_type == GRIB),
            &chosen.lane,
            at,
        )
        .map(|p| p.id)
    })?;
    let time = known.get(&id).and_then(|fields| {
        fields
            .iter()
            .filter(|f| f.field == chosen.field)
            .flat_map(|f| f.valid_times.iter().copied())
            .min_by_key(|t| (*t - at).num_seconds().abs())
    });
    Some(FieldDrawn {
        id,
        field: chosen.field.clone(),
        level: chosen.level,
        time,
    })
}

/// The menu of fields.
#[component]
pub fn FieldMenu(
    options: Memo<Vec<FieldChoice>>,
    chosen: RwSignal<Option<FieldChoice>>,
) -> impl IntoView {
    let pick = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let found = value
            .parse::<usize>()
            .ok()
            .and_then(|n| options.with_untracked(|o| o.get(n).cloned()));
        chosen.set(found);
    };
    view! {
        <label class="map-field" class:hidden=move || options.with(Vec::is_empty)>
            "Model "
            <select aria-label="Model field" on:change=pick>
                <option value="" selected=move || chosen.with(Option::is_none)>"none"</option>
                {move || options.get().into_iter().enumerate().map(|(n, o)| {
                    let selected = chosen.with(|c| c.as_ref() == Some(&o));
                    view! { <option value=n.to_string() selected=selected>{o.label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// The field drawn over the settled view's box, placed by the live view
/// (so a drag moves it with the coasts until the new picture arrives).
#[component]
pub fn FieldLayer(
    view: RwSignal<MapView>,
    settled: RwSignal<MapView>,
    drawn: Memo<Option<FieldDrawn>>,
    opacity: RwSignal<u8>,
) -> impl IntoView {
    let placed = move || {
        let field = drawn.get()?;
        let [w, s, e, n] = settled.get().bounds();
        let (s, n) = (s.max(-89.99), n.min(89.99));
        let v = view.get();
        let (x0, y0) = v.to_screen([w, n]);
        let (x1, y1) = v.to_screen([e, s]);
        let at = settled.get();
        let (px0, py0) = at.to_screen([w, n]);
        let (px1, py1) = at.to_screen([e, s]);
        let width = ((px1 - px0).round() as u32).clamp(1, WIDTH as u32);
        let height = ((py1 - py0).round() as u32).clamp(1, HEIGHT as u32);
        Some((
            field.map_url([w, s, e, n], width, height),
            x0,
            y0,
            x1 - x0,
            y1 - y0,
        ))
    };
    view! {
        <g class="map-field-layer" opacity=move || f64::from(opacity.get()) / 100.0>
            {move || placed().map(|(href, x, y, w, h)| view! {
                <image
                    href=href
                    preserveAspectRatio="none"
                    x=format!("{x:.1}")
                    y=format!("{y:.1}")
                    width=format!("{:.1}", w.max(0.0))
                    height=format!("{:.1}", h.max(0.0))
                />
            })}
        </g>
    }
}

/// The legend of the field drawn and the value under the pointer.
#[component]
pub fn FieldLegend(drawn: Memo<Option<FieldDrawn>>, readout: RwSignal<String>) -> impl IntoView {
    view! {
        {move || drawn.get().map(|field| view! {
            <div class="map-field-legend">
                <img src=field.legend_url() alt=format!("Legend of {}", field.field) width="320" height="60"/>
                <output class="map-value" aria-live="polite">{move || readout.get()}</output>
            </div>
        })}
    }
}

/// The readout of a `/value` answer, in the legend's units: "t 850 hPa:
/// 5.6 °C at 45.00° N 5.00° E (nearest grid point, 12 km)".
pub fn readout_of(answer: &serde_json::Value) -> String {
    let number = |key: &str| answer[key].as_f64();
    let (Some(lat), Some(lon)) = (number("lat"), number("lon")) else {
        return String::new();
    };
    let (value, units) = match (number("value"), answer["units"].as_str()) {
        (Some(v), Some("K")) => (format!("{:.1}", v - 273.15), "°C"),
        (Some(v), Some("Pa")) => (format!("{:.1}", v / 100.0), "hPa"),
        (Some(v), units) => (format!("{v:.1}"), units.unwrap_or_default()),
        (None, _) => ("no value".to_string(), ""),
    };
    let level = match (answer["level_type"].as_str(), number("level")) {
        (Some("isobaricInhPa"), Some(l)) => format!(" {l} hPa"),
        (Some("heightAboveGround"), Some(l)) => format!(" {l} m"),
        _ => String::new(),
    };
    let hemisphere = |v: f64, plus: char, minus: char| {
        format!("{:.2}° {}", v.abs(), if v < 0.0 { minus } else { plus })
    };
    let value = if units.is_empty() {
        value
    } else {
        format!("{value} {units}")
    };
    format!(
        "{}{level}: {value} at {} {} ({}, {:.0} km)",
        answer["field"].as_str().unwrap_or_default(),
        hemisphere(lat, 'N', 'S'),
        hemisphere((lon + 180.0).rem_euclid(360.0) - 180.0, 'E', 'W'),
        answer["method"].as_str().unwrap_or_default(),
        number("distance_km").unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::readout_of;

    #[test]
    fn a_value_reads_in_the_legends_units() {
        let answer = serde_json::json!({
            "field": "t", "level_type": "isobaricInhPa", "level": 850.0,
            "value": 278.85, "units": "K", "lat": 45.0, "lon": 357.5,
            "distance_km": 19.6, "method": "nearest grid point"
        });
        assert_eq!(
            readout_of(&answer),
            "t 850 hPa: 5.7 °C at 45.00° N 2.50° W (nearest grid point, 20 km)"
        );
        let missing = serde_json::json!({
            "field": "prmsl", "level_type": "meanSea", "level": 0.0, "value": null,
            "units": "Pa", "lat": -10.0, "lon": 20.0, "distance_km": 0.0, "method": "nearest grid point"
        });
        assert_eq!(
            readout_of(&missing),
            "prmsl: no value at 10.00° S 20.00° E (nearest grid point, 0 km)"
        );
        assert_eq!(readout_of(&serde_json::json!({"reason": "x"})), "");
    }
}

/// In the browser: fetches the fields of each model lane's product nearest
/// the cursor (once per product), settles the view a moment after it stops
/// moving, and reads the value under the pointer once it rests.
#[cfg(feature = "hydrate")]
pub fn follow(
    fields: ModelFields,
    dash: Dash,
    view: RwSignal<MapView>,
    svg_ref: NodeRef<leptos::svg::Svg>,
) {
    let ModelFields {
        lanes,
        known,
        drawn,
        settled,
        readout,
        ..
    } = fields;
    use std::cell::Cell;
    use std::collections::BTreeSet;
    use std::rc::Rc;
    use std::time::Duration;

    use crate::listeners::Listener;

    let asked = StoredValue::new(BTreeSet::<i64>::new());
    Effect::new(move |_| {
        let at = dash.cursor.get();
        let ids: Vec<i64> = lanes
            .get()
            .iter()
            .filter_map(|lane| {
                dash.with_visible(|list| {
                    select::nearest(list.into_iter().filter(|p| p.media_type == GRIB), lane, at)
                        .map(|p| p.id)
                })
            })
            .collect();
        for id in ids {
            if asked.with_value(|a| a.contains(&id)) {
                continue;
            }
            asked.update_value(|a| {
                a.insert(id);
            });
            crate::request::get(
                &format!("/api/v1/products/{id}/fields"),
                move |status, text| match (status, serde_json::from_str::<Vec<Field>>(&text)) {
                    (200, Ok(fields)) => known.update(|k| {
                        k.insert(id, fields);
                    }),
                    _ => leptos::logging::warn!(
                        "the fields of product {id} could not be read ({status})"
                    ),
                },
            );
        }
    });

    // Settled 300 ms after the last move: a drag asks for one picture.
    let moves = Rc::new(Cell::new(0u64));
    Effect::new(move |_| {
        let v = view.get();
        let n = moves.get() + 1;
        moves.set(n);
        let moves = moves.clone();
        set_timeout(
            move || {
                if moves.get() == n && settled.get_untracked() != v {
                    settled.set(v);
                }
            },
            Duration::from_millis(300),
        );
    });

    Effect::new(move |_| {
        drawn.track();
        readout.set(String::new());
    });

    // The value under a resting pointer (250 ms), not while dragging.
    Effect::new(move |_| {
        let svg = svg_ref.get()?;
        let element: web_sys::Element = svg.into();
        let rests = Rc::new(Cell::new(0u64));
        let target = element.clone();
        Some(Listener::new(
            element.as_ref(),
            "pointermove",
            move |ev: web_sys::PointerEvent| {
                if ev.buttons() != 0 {
                    return;
                }
                let Some(field) = drawn.get_untracked() else {
                    return;
                };
                let rect = target.get_bounding_client_rect();
                let x = (f64::from(ev.client_x()) - rect.left()) * WIDTH / rect.width().max(1.0);
                let y = (f64::from(ev.client_y()) - rect.top()) * HEIGHT / rect.height().max(1.0);
                let place = view.get_untracked().to_lon_lat((x, y));
                let n = rests.get() + 1;
                rests.set(n);
                let rests = rests.clone();
                set_timeout(
                    move || {
                        if rests.get() != n {
                            return;
                        }
                        crate::request::get(&field.value_url(place), move |status, text| {
                            let answer: serde_json::Value =
                                serde_json::from_str(&text).unwrap_or_default();
                            readout.set(match status {
                                200 => readout_of(&answer),
                                _ => answer["reason"].as_str().unwrap_or_default().to_string(),
                            });
                        });
                    },
                    Duration::from_millis(250),
                );
            },
        ))
    });
}
