//! `GET /api/v1/events?after=SEQ`: the live event stream, over a websocket.
//!
//! A session first subscribes to the hub, then replays the stored events after
//! `after`, then forwards live ones, skipping any `seq` it has already sent:
//! subscribing before reading the backlog leaves no gap, and the `seq` check
//! leaves no duplicate at the seam. A session that falls behind the broadcast
//! reads what it missed from the catalogue. A client that stops reading is
//! dropped after [`SEND_TIMEOUT`], or when it stops answering pings.
//!
//! Each session sees what its caller may see: an event about a restricted
//! product (for the public) or a refusal (for all but admins and the
//! uploading provider) is sent as `{"type":"skip","seq":N}`, so the client's
//! `seq` stays gap-free without learning what happened. When the caller's
//! access ends (logout, account disabled, password changed) the session is
//! closed with code 4401 within a second.
//!
//! With `?positions=true` the session also carries platforms' positions
//! (`{"type":"position",…}`, no `seq`: they are telemetry, not events): the
//! newest of each platform when it opens, then each platform's newest at
//! most once a second, stored before it is sent. A map that reconnects asks
//! `GET /api/v1/platforms/{p}/track?from=` for what it missed.
//!
//! A client resuming after a `seq` the catalogue never reached gets
//! `{"type":"reset","last_seq":N}` and then live events after N. Clients send
//! nothing but control frames, so messages are capped at [`MAX_MESSAGE`], and
//! sessions are capped in all and per address (see [`crate::connections`]).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use model::event::CLOSE_ACCESS_ENDED;
use model::{Event, EventKind, Product, Reset, Role, Skip, Visibility};
use serde::Deserialize;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{timeout, Instant};

use crate::auth::origin::from_this_site;
use crate::auth::{client_address, Caller, Credential, ReadAccess, SessionAuth, SESSION_KEY};
use crate::error::ApiError;
use crate::positions::{self, live::Pushed};
use crate::state::AppState;

/// How often the server pings each client.
const PING_EVERY: Duration = Duration::from_secs(30);
/// A client silent for this long (no pong, no message) is gone.
const SILENCE_LIMIT: Duration = Duration::from_secs(75);
/// A client that cannot take one frame within this time is dropped.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Events read from the catalogue per query while catching up.
const REPLAY_PAGE: i64 = 500;
/// Largest message or frame a client may send, in bytes.
const MAX_MESSAGE: usize = 4 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route("/events", get(upgrade))
}

#[derive(Debug, Deserialize)]
struct EventsParams {
    /// Replay stored events with a greater `seq` first. Without it, only live events.
    after: Option<i64>,
    /// Carry platforms' positions too (maps ask; boards do not).
    #[serde(default)]
    positions: bool,
}

async fn upgrade(
    State(state): State<AppState>,
    Query(params): Query<EventsParams>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    access: ReadAccess,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    if !from_this_site(&headers, state.auth.args.public_url.as_deref()) {
        return Err(ApiError::Forbidden(
            "the live stream opens from this site's pages only".into(),
        ));
    }
    let caller = access.caller;
    // Behind --trust-proxy every socket comes from the proxy: the cap is
    // per client, as the proxy names it.
    let admitted = state
        .connections
        .admit(client_address(&state, &headers, peer))
        .map_err(ApiError::Unavailable)?;
    Ok(ws
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            if let Err(reason) = session(socket, state, caller, params).await {
                tracing::debug!(%reason, "websocket session ended");
            }
            drop(admitted);
        }))
}

/// Why a session ended (for the log).
type Ended = String;

async fn session(
    mut socket: WebSocket,
    state: AppState,
    caller: Caller,
    params: EventsParams,
) -> Result<(), Ended> {
    let after = params.after;
    let mut revoked = state.auth.revocations.subscribe();
    let mut live = state.hub.subscribe();
    let mut positions = params.positions.then(|| state.receivers.live.subscribe());
    let stored = state
        .catalogue
        .last_seq()
        .await
        .map_err(|e| e.to_string())?;
    let mut last = match after {
        Some(seq) if seq > stored => {
            let reset =
                serde_json::to_string(&Reset { last_seq: stored }).map_err(|e| e.to_string())?;
            send_text(&mut socket, reset.into()).await?;
            stored
        }
        Some(seq) => seq.max(0),
        None => stored,
    };
    catch_up(&mut socket, &state, &caller, &mut last).await?;
    // Each platform's newest position sent at connect, by time: a push of
    // it (stored between the subscription and this read) is not sent twice.
    let mut sent_at = HashMap::new();
    let mut hidden_platforms = HiddenPlatforms::default();
    if positions.is_some() {
        let rules = &state.auth.args.restrict;
        let latest = positions::latest(&state.catalogue, rules, caller.visibility())
            .await
            .map_err(|e| e.to_string())?;
        for position in latest {
            send_text(&mut socket, position.json).await?;
            sent_at.insert(position.platform, position.time);
        }
    }

    let mut shutdown = state.shutdown.clone();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            received = live.recv() => match received {
                Ok(live) if live.event.seq <= last => {}
                Ok(live) if live.event.seq == last + 1 => {
                    if let EventKind::PlatformSaved { platform } = &live.event.kind {
                        hidden_platforms.forget(&platform.name);
                    }
                    // Written a moment ago under the hub's lock: its copy of
                    // a product is what the product is now.
                    let now = chrono::Utc::now();
                    let open = |p: &Product| Visibility::OpenOnly.may_see(p, now);
                    let text = if may_see(&caller, &live.event, open) { &live.json } else { &live.skip };
                    send_text(&mut socket, text.clone()).await?;
                    last = live.event.seq;
                }
                // A gap or a lag: the catalogue has everything, in order.
                Ok(_) | Err(RecvError::Lagged(_)) => {
                    catch_up(&mut socket, &state, &caller, &mut last).await?
                }
                Err(RecvError::Closed) => return Err("hub closed".into()),
            },
            pushed = next_position(&mut positions) => match pushed {
                Ok(pushed) => {
                    let hidden = caller.visibility() == Visibility::OpenOnly
                        && hidden_platforms.hides(&state, &pushed.platform).await?;
                    let had = sent_at.get(&pushed.platform).is_some_and(|t| pushed.time <= *t);
                    if !hidden && !had {
                        send_text(&mut socket, pushed.json.clone()).await?;
                    }
                }
                // A map that lagged gets the next push, which is newer.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => positions = None,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None => return Ok(()),
                Some(Ok(_)) => heard = Instant::now(),
                Some(Err(e)) => return Err(e.to_string()),
            },
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE_LIMIT {
                    return Err("client stopped answering pings".into());
                }
                if !still_allowed(&state, &caller).await {
                    return close_access_ended(&mut socket).await;
                }
                timeout(SEND_TIMEOUT, socket.send(Message::Ping(Default::default())))
                    .await
                    .map_err(|_| "ping timed out".to_string())?
                    .map_err(|e| e.to_string())?;
            },
            _ = revoked.changed() => {
                if !still_allowed(&state, &caller).await {
                    return close_access_ended(&mut socket).await;
                }
            },
            _ = shutdown.changed() => {
                let _ = socket.send(Message::Close(None)).await;
                return Ok(());
            }
        }
    }
}

/// Whether the public may see each platform's positions, asked of the
/// catalogue once per platform and session (pushes come every second) and
/// asked again when the platform is saved (its kind may have changed).
#[derive(Default)]
struct HiddenPlatforms(HashMap<String, bool>);

impl HiddenPlatforms {
    async fn hides(&mut self, state: &AppState, platform: &str) -> Result<bool, Ended> {
        if let Some(hidden) = self.0.get(platform) {
            return Ok(*hidden);
        }
        let rules = &state.auth.args.restrict;
        let hidden = positions::restricted_by_name(&state.catalogue, rules, platform)
            .await
            .map_err(|e| e.to_string())?;
        self.0.insert(platform.to_string(), hidden);
        Ok(hidden)
    }

    fn forget(&mut self, platform: &str) {
        self.0.remove(platform);
    }
}

/// Closes a session whose caller's access ended or changed: the page
/// reloads with what the caller may do now (or goes to the login).
async fn close_access_ended(socket: &mut WebSocket) -> Result<(), Ended> {
    let close = CloseFrame {
        code: CLOSE_ACCESS_ENDED,
        reason: Utf8Bytes::from_static("access ended"),
    };
    let _ = socket.send(Message::Close(Some(close))).await;
    Err("the caller's access ended or changed".into())
}

/// The next position pushed, if the session carries them; never otherwise.
async fn next_position(
    positions: &mut Option<broadcast::Receiver<Arc<Pushed>>>,
) -> Result<Arc<Pushed>, RecvError> {
    match positions {
        Some(positions) => positions.recv().await,
        None => std::future::pending().await,
    }
}

/// Whether the caller of a session may still read with the rights it
/// opened with: the account enabled, its role unchanged (a demoted admin
/// must stop getting what admins get), its sessions not revoked, the login
/// younger than the absolute limit; a provider not revoked. Asked when
/// any access changes and at every ping, so an age limit passing or a
/// change made by another process (`opsboard user`) is noticed too.
async fn still_allowed(state: &AppState, caller: &Caller) -> bool {
    let participant = match caller {
        Caller::Anonymous => return true, // the public's access does not end
        Caller::Provider(provider) => {
            return matches!(
                state.catalogue.providers().await,
                Ok(all) if all.iter().any(|p| p.name == provider.name && p.revoked_at.is_none())
            )
        }
        Caller::Participant(participant) => participant,
    };
    let same_rights = |user: &catalogue::user::User| {
        !user.disabled
            && user.role == participant.user.role
            && user.session_epoch == participant.user.session_epoch
    };
    let id = match &participant.via {
        // Gone when revoked or when its owner is disabled.
        Credential::Token(hash) => {
            return matches!(state.catalogue.user_by_api_token(hash).await, Ok(Some(u)) if same_rights(&u))
        }
        Credential::Session(id) => id,
    };
    let Some(id) = id else {
        // No stored session to recheck: the account alone.
        let user = state.catalogue.user_by_id(participant.user.id).await;
        return matches!(user, Ok(Some(u)) if same_rights(&u));
    };
    use tower_sessions::SessionStore;
    let Ok(Some(record)) = state.auth.sessions.load(id).await else {
        return false;
    };
    let Some(auth) = record
        .data
        .get(SESSION_KEY)
        .and_then(|v| serde_json::from_value::<SessionAuth>(v.clone()).ok())
    else {
        return false;
    };
    // The absolute age only: an open socket is activity, so the idle limit
    // (for pages left unused) does not close a board on a wall.
    let age = chrono::Utc::now().timestamp_millis() - auth.login_ms;
    if age > state.auth.args.max_age().as_millis() as i64 {
        return false;
    }
    let user = state.catalogue.user_by_id(auth.user_id).await;
    matches!(user, Ok(Some(u)) if u.session_epoch == auth.epoch && same_rights(&u))
}

/// Whether `caller` may see `event`; `open` says whether the public may see
/// the product an event is about, as it is now.
fn may_see(caller: &Caller, event: &Event, open: impl Fn(&Product) -> bool) -> bool {
    match &event.kind {
        EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } => {
            caller.visibility() == Visibility::Everything || open(product)
        }
        EventKind::ProductRejected { rejection } => match caller {
            Caller::Participant(p) => p.user.role == Role::Admin,
            Caller::Provider(p) => rejection.provider.as_deref() == Some(p.name.as_str()),
            Caller::Anonymous => false,
        },
        // Operations are campaign-wide: whoever may read sees them. A
        // decision's evidence, like a report's attachments, is ids only
        // (see EventKind): pages resolve them as the reader may see them.
        EventKind::PlatformSaved { .. }
        | EventKind::IopSaved { .. }
        | EventKind::OperationCreated { .. }
        | EventKind::OperationUpdated { .. }
        | EventKind::DecisionRecorded { .. }
        | EventKind::BriefingUpdated { .. }
        | EventKind::ReportUpdated { .. }
        | EventKind::FlightPlanSaved { .. }
        | EventKind::FlightPlanRemoved { .. }
        | EventKind::CaseTagSaved { .. } => true,
        // Drafts are the participants' work in progress.
        EventKind::CaseStudySaved { case_study } => {
            case_study.published || matches!(caller, Caller::Participant(_))
        }
        // What is late, and what came late, is the campaign's: an arrival
        // may be a restricted product's, so participants only.
        EventKind::ExpectedLate { .. } | EventKind::ExpectedArrived { .. } => {
            matches!(caller, Caller::Participant(_))
        }
        EventKind::CaseStudyDeleted { published, .. } => {
            *published || matches!(caller, Caller::Participant(_))
        }
    }
}

/// Sends every stored event after `last`, advancing it.
async fn catch_up(
    socket: &mut WebSocket,
    state: &AppState,
    caller: &Caller,
    last: &mut i64,
) -> Result<(), Ended> {
    loop {
        // One read at a time per turn: a thousand replays never hold every
        // catalogue connection, and nothing is held while sending.
        let turn = state.connections.replay_read().await;
        let page = state
            .catalogue
            .events_after(*last, REPLAY_PAGE)
            .await
            .map_err(|e| e.to_string())?;
        let Some(newest) = page.last().map(|e| e.seq) else {
            return Ok(());
        };
        // A stored event holds the product as it was then: whether the
        // public may see it is asked of the catalogue as it is now (a
        // product restricted since stays hidden on replay).
        let hidden = match caller.visibility() {
            Visibility::Everything => HashSet::new(),
            Visibility::OpenOnly => state
                .catalogue
                .hidden_from_public(&product_ids(&page))
                .await
                .map_err(|e| e.to_string())?,
        };
        drop(turn);
        let open = |p: &Product| !hidden.contains(&p.id);
        for event in &page {
            send(socket, may_see(caller, event, open), event).await?;
        }
        *last = newest;
    }
}

/// The products the events of `page` are about.
fn product_ids(page: &[Event]) -> Vec<i64> {
    page.iter()
        .filter_map(|event| match &event.kind {
            EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } => {
                Some(product.id)
            }
            _ => None,
        })
        .collect()
}

/// Sends `event`, or its skip marker if its reader may not see it.
async fn send(socket: &mut WebSocket, visible: bool, event: &Event) -> Result<(), Ended> {
    let text = if visible {
        serde_json::to_string(event)
    } else {
        serde_json::to_string(&Skip::of(event))
    };
    send_text(socket, text.map_err(|e| e.to_string())?.into()).await
}

async fn send_text(socket: &mut WebSocket, text: Utf8Bytes) -> Result<(), Ended> {
    timeout(SEND_TIMEOUT, socket.send(Message::Text(text)))
        .await
        .map_err(|_| "client too slow: send timed out".to_string())?
        .map_err(|e| e.to_string())
}
