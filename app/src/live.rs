//! The browser's live client: a websocket on `/api/v1/events` that resumes
//! after the last `seq` it applied, with exponential backoff between attempts,
//! so a network cut or a server restart loses nothing. A page showing a map
//! asks for platforms' positions too (they are telemetry, not events: no
//! `seq`, and a map fetches the track it missed after a cut).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use model::tracks::Position;
use model::{Event, Reset, Skip};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::components::connection::ConnState;

const FIRST_RETRY_MS: u32 = 500;
const MAX_RETRY_MS: u32 = 30_000;

struct Live {
    /// Highest `seq` applied; the resume point.
    last_seq: Cell<i64>,
    retry_ms: Cell<u32>,
    status: RwSignal<ConnState>,
    on_event: Box<dyn Fn(Event)>,
    /// A product this page holds is no longer for its reader (restricted since).
    on_withdrawn: Box<dyn Fn(i64)>,
    /// Where positions go, when they are asked for (a map is shown).
    on_position: RefCell<Option<OnPosition>>,
    /// The open socket and its callbacks, kept alive together.
    connection: RefCell<Option<Connection>>,
}

struct Connection {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

/// Where a map wants positions.
pub type OnPosition = Box<dyn Fn(Position)>;

thread_local! {
    /// The page's one live client, for [`want_positions`].
    static LIVE: RefCell<Option<Rc<Live>>> = const { RefCell::new(None) };
    /// The bytes of the messages received, for lite mode's count.
    static RECEIVED: Cell<u64> = const { Cell::new(0) };
}

/// The bytes the live stream has brought this page (message text).
pub fn bytes_received() -> u64 {
    RECEIVED.with(Cell::get)
}

/// Connects and keeps the page current from `after` on: `on_event` for each
/// event, `on_withdrawn` for a product to drop.
pub fn start(
    after: i64,
    status: RwSignal<ConnState>,
    on_event: impl Fn(Event) + 'static,
    on_withdrawn: impl Fn(i64) + 'static,
) {
    let live = Rc::new(Live {
        last_seq: Cell::new(after),
        retry_ms: Cell::new(FIRST_RETRY_MS),
        status,
        on_event: Box::new(on_event),
        on_withdrawn: Box::new(on_withdrawn),
        on_position: RefCell::new(None),
        connection: RefCell::new(None),
    });
    LIVE.with(|held| *held.borrow_mut() = Some(live.clone()));
    status.set(ConnState::Connecting);
    connect(live);
}

/// Asks for platforms' positions on the stream, handed to `on_position`, or
/// (`None`) stops: the stream is opened again from the last event applied,
/// so no event is missed.
pub fn want_positions(on_position: Option<OnPosition>) {
    let Some(live) = LIVE.with(|held| held.borrow().clone()) else {
        return;
    };
    let was = live.on_position.replace(on_position).is_some();
    if was != live.on_position.borrow().is_some() {
        connect(live);
    }
}

fn events_url(after: i64, positions: bool) -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    let positions = if positions { "&positions=true" } else { "" };
    format!("{scheme}://{host}/api/v1/events?after={after}{positions}")
}

fn connect(live: Rc<Live>) {
    let positions = live.on_position.borrow().is_some();
    let socket = match WebSocket::new(&events_url(live.last_seq.get(), positions)) {
        Ok(socket) => socket,
        Err(_) => return retry_later(live),
    };
    let on_open = {
        let live = live.clone();
        Closure::<dyn FnMut()>::new(move || {
            live.retry_ms.set(FIRST_RETRY_MS);
            live.status.set(ConnState::Live);
        })
    };
    let on_message = {
        let live = live.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            let Some(text) = message.data().as_string() else {
                return;
            };
            RECEIVED.with(|received| received.set(received.get() + text.len() as u64));
            match serde_json::from_str::<Event>(&text) {
                Ok(event) if event.seq > live.last_seq.get() => {
                    live.last_seq.set(event.seq);
                    (live.on_event)(event);
                }
                Ok(_) => {}
                Err(error) => {
                    if let Ok(position) = serde_json::from_str::<Position>(&text) {
                        if let Some(on_position) = live.on_position.borrow().as_ref() {
                            on_position(position);
                        }
                    } else if let Ok(skip) = serde_json::from_str::<Skip>(&text) {
                        // An event this reader may not see: the seq moves on.
                        live.last_seq.set(live.last_seq.get().max(skip.seq));
                        if let Some(id) = skip.withdrawn {
                            (live.on_withdrawn)(id);
                        }
                    } else if serde_json::from_str::<Reset>(&text).is_ok() {
                        // The page holds another catalogue's state: start afresh.
                        let _ = window().location().reload();
                    } else {
                        leptos::logging::warn!("unreadable event: {error}");
                    }
                }
            }
        })
    };
    let on_close = {
        let live = live.clone();
        Closure::<dyn FnMut(CloseEvent)>::new(move |closed: CloseEvent| {
            // Logged out, disabled, or the password changed: back to the login.
            if closed.code() == model::event::CLOSE_ACCESS_ENDED {
                let _ = window().location().reload();
                return;
            }
            // Keep the time of the first failure: "offline since" counts from it.
            if !matches!(live.status.get_untracked(), ConnState::Down { .. }) {
                live.status.set(ConnState::Down {
                    since: chrono::Utc::now(),
                });
            }
            retry_later(live.clone());
        })
    };
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // Replacing the old connection drops its callbacks; this runs from a timer,
    // never from inside one of them.
    if let Some(old) = live.connection.replace(Some(Connection {
        socket,
        _on_open: on_open,
        _on_message: on_message,
        _on_close: on_close,
    })) {
        old.socket.set_onclose(None);
        old.socket.set_onmessage(None);
        let _ = old.socket.close();
    }
}

fn retry_later(live: Rc<Live>) {
    let delay = live.retry_ms.get();
    live.retry_ms.set((delay * 2).min(MAX_RETRY_MS));
    set_timeout(move || connect(live), Duration::from_millis(delay as u64));
}
