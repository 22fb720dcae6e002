//! A briefing's items on its page, and how scientists change them: drag
//! (or ↑/↓) to reorder, a comment per item, remove. Each change replaces
//! the briefing's items through the API (`PUT`), so every open page — and
//! the presentation — follows through the event stream.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use model::operations::{Briefing, BriefingItem, Slide};

use crate::components::briefing_slide::SlideContent;

/// The items of the briefing a page shows, with what the page may do.
#[derive(Clone, Copy)]
pub struct Deck {
    id: i64,
    /// What a replacement sends besides the items: title, time, operations.
    head: StoredValue<(String, DateTime<Utc>, Vec<i64>)>,
    /// Each item as stored and as this reader sees it.
    pub items: RwSignal<Vec<(BriefingItem, Slide)>>,
    /// The item the presenter shows.
    pub position: RwSignal<usize>,
    /// Why the last change was refused.
    pub problem: RwSignal<Option<String>>,
    /// The item being dragged.
    dragging: RwSignal<Option<usize>>,
}

impl Deck {
    pub fn new(briefing: &Briefing, slides: Vec<Slide>) -> Self {
        Self {
            id: briefing.id,
            head: StoredValue::new((
                briefing.title.clone(),
                briefing.at,
                briefing.operations.clone(),
            )),
            items: RwSignal::new(briefing.items.iter().cloned().zip(slides).collect()),
            position: RwSignal::new(briefing.position),
            problem: RwSignal::new(None),
            dragging: RwSignal::new(None),
        }
    }

    pub fn count(&self) -> usize {
        self.items.with(Vec::len)
    }

    /// Moves every presentation to item `to` (the presenter's to do).
    pub fn present(&self, to: usize) {
        self.position.set(to);
        let body = serde_json::json!({ "position": to }).to_string();
        #[cfg(feature = "hydrate")]
        crate::request::post_json(
            &format!("/api/v1/briefings/{}/position", self.id),
            &body,
            |_, _| {},
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = body;
    }

    /// The briefing changed elsewhere: follow the presenter, and read the
    /// items again when they are not those shown.
    pub fn updated(self, briefing: &Briefing) {
        if briefing.id != self.id {
            return;
        }
        self.position.set(briefing.position);
        self.head.set_value((
            briefing.title.clone(),
            briefing.at,
            briefing.operations.clone(),
        ));
        let same = self.items.with_untracked(|items| {
            items.len() == briefing.items.len()
                && items.iter().zip(&briefing.items).all(|((a, _), b)| a == b)
        });
        if !same {
            self.reload();
        }
    }

    /// Reads the items again as this reader sees them.
    fn reload(self) {
        #[cfg(feature = "hydrate")]
        crate::request::get(
            &format!("/api/v1/briefings/{}", self.id),
            move |status, text| {
                let detail = serde_json::from_str::<model::operations::BriefingDetail>(&text);
                if let (200, Ok(detail)) = (status, detail) {
                    let items = detail.briefing.items.into_iter().zip(detail.slides);
                    self.items.set(items.collect());
                    self.position.set(detail.briefing.position);
                }
            },
        );
    }

    /// Shows `items` at once and stores them; a refusal is said and the
    /// stored items come back.
    fn save(self, items: Vec<(BriefingItem, Slide)>) {
        let (title, at, operations) = self.head.get_value();
        let body = serde_json::json!({
            "title": title,
            "at": at,
            "items": items.iter().map(|(item, _)| item).collect::<Vec<_>>(),
            "operations": operations,
        })
        .to_string();
        self.items.set(items);
        self.problem.set(None);
        #[cfg(feature = "hydrate")]
        crate::request::send_json(
            "PUT",
            &format!("/api/v1/briefings/{}", self.id),
            &body,
            move |status, text| {
                if status != 200 {
                    self.problem
                        .set(Some(crate::request::refusal(status, &text)));
                    self.reload();
                }
            },
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = body;
    }

    /// Moves item `from` to where item `to` is.
    pub fn moved(self, from: usize, to: usize) {
        let mut items = self.items.get_untracked();
        if from == to || from >= items.len() || to >= items.len() {
            return;
        }
        let item = items.remove(from);
        items.insert(to, item);
        self.save(items);
    }

    pub fn commented(self, at: usize, comment: String) {
        let mut items = self.items.get_untracked();
        if let Some((item, slide)) = items.get_mut(at) {
            item.comment.clone_from(&comment);
            slide.comment = comment;
            self.save(items);
        }
    }

    pub fn removed(self, at: usize) {
        let mut items = self.items.get_untracked();
        if at < items.len() {
            items.remove(at);
            self.save(items);
        }
    }
}

/// One item: what it shows, its comment, and (for scientists) the tools to
/// move, comment and remove it.
#[component]
pub fn SlideItem(slide: Slide, at: usize, deck: Deck, may_edit: bool) -> impl IntoView {
    let comment = slide.comment.clone();
    let last = deck.count().saturating_sub(1);
    let tools = may_edit.then(|| {
        let label = format!("Comment on item {}", at + 1);
        view! {
            <div class="slide-tools">
                <textarea aria-label=label rows="2" prop:value=comment.clone()
                    on:change=move |ev| deck.commented(at, event_target_value(&ev))></textarea>
                <button type="button" aria-label=format!("Move item {} up", at + 1) disabled=at == 0
                    on:click=move |_| deck.moved(at, at.saturating_sub(1))>"↑"</button>
                <button type="button" aria-label=format!("Move item {} down", at + 1) disabled=at == last
                    on:click=move |_| deck.moved(at, at + 1)>"↓"</button>
                <button type="button" class="remove" on:click=move |_| deck.removed(at)>"Remove"</button>
            </div>
        }
    });
    view! {
        <li class="slide" class:current=move || deck.position.get() == at data-slide=at
            draggable=may_edit.then_some("true")
            on:dragstart=move |_| deck.dragging.set(Some(at))
            on:dragover=move |ev| if may_edit { ev.prevent_default() }
            on:drop=move |ev| {
                ev.prevent_default();
                if let Some(from) = deck.dragging.get_untracked() {
                    deck.dragging.set(None);
                    deck.moved(from, at);
                }
            }>
            <SlideContent slide/>
            <p class="prose slide-comment">{comment}</p>
            {tools}
        </li>
    }
}
