//! The one shape of a page's loading: "Loading…" while the loader runs, the
//! page once it answered, a sentence when what the URL names does not exist,
//! and the loader's refusal (a role, a bad request) or the server's one
//! sentence for its own failure — never a database's words, which
//! `ssr::internal` keeps for the log.

use leptos::prelude::*;

/// A page loaded by `resource`, drawn by `page`.
pub fn when_loaded<T, V>(
    resource: Resource<Result<T, ServerFnError>>,
    page: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    suspended(resource, move |found| page(found).into_any())
}

/// A page of one thing (a day, an operation) loaded by `resource`: drawn by
/// `page` when it exists, else `missing` is said.
pub fn when_found<T, V>(
    resource: Resource<Result<Option<T>, ServerFnError>>,
    missing: &'static str,
    page: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    suspended(resource, move |found| match found {
        Some(found) => page(found).into_any(),
        None => view! { <p class="not-found">{missing}</p> }.into_any(),
    })
}

/// "Loading…", then `draw` of the answer, or the refusal.
fn suspended<A>(
    resource: Resource<Result<A, ServerFnError>>,
    draw: impl Fn(A) -> AnyView + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    A: Clone + Send + Sync + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {
                let draw = draw.clone();
                move || resource.get().map(|answer| match answer {
                    Ok(found) => draw(found),
                    Err(error) => view! {
                        <p class="login-error" role="alert">{error.to_string()}</p>
                    }.into_any(),
                })
            }
        </Suspense>
    }
}
