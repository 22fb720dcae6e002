//! The login page and the welcome page (setting a password from an
//! invitation, or creating the first admin). Plain forms posted to the API:
//! they work without JavaScript, and nothing here needs the wasm.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/login?next=/…&failed=…`
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next").unwrap_or_else(|| "/".into()));
    let failed = query.with_untracked(|q| q.get("failed"));
    let message = failed.map(|why| {
        let text = match why.as_str() {
            "throttled" => "Too many attempts: wait a minute, then try again.",
            _ => "Wrong user name or password.",
        };
        view! { <p class="login-error" role="alert">{text}</p> }
    });
    view! {
        <main class="login">
            <h1>"opsboard"</h1>
            <form class="login-form" method="post" action="/api/v1/session">
                <h2>"Log in"</h2>
                {message}
                <label>"User name"
                    <input name="user" autocomplete="username" required autofocus maxlength="64"/>
                </label>
                <label>"Password"
                    <input type="password" name="password" autocomplete="current-password" required maxlength="1024"/>
                </label>
                <input type="hidden" name="next" value=next/>
                <button type="submit">"Log in"</button>
                <p class="login-help">"No account? Ask the campaign's data manager for an invitation."</p>
            </form>
        </main>
    }
}

/// `/welcome?invitation=…` or `/welcome?setup=…` (the first admin).
#[component]
pub fn WelcomePage() -> impl IntoView {
    let query = use_query_map();
    let (setup, invitation, failed) =
        query.with_untracked(|q| (q.get("setup"), q.get("invitation"), q.get("failed")));
    let first_admin = setup.is_some();
    let token = setup.or(invitation).unwrap_or_default();
    let failed = failed.map(|why| {
        let shown: String = why.chars().take(200).collect();
        view! { <p class="login-error" role="alert">{shown}</p> }
    });
    let heading = if first_admin {
        "Create the first admin"
    } else {
        "Welcome: choose your password"
    };
    view! {
        <main class="login">
            <h1>"opsboard"</h1>
            <form class="login-form" method="post" action="/api/v1/invitations/accept">
                <h2>{heading}</h2>
                {failed}
                <Show when=move || first_admin>
                    <label>"User name"
                        <input name="user" autocomplete="username" required maxlength="64"
                            pattern="[A-Za-z0-9._@\\-]{1,64}"
                            title="letters, digits, '.', '_', '-' or '@'"/>
                    </label>
                </Show>
                <label>"Password (at least 10 characters)"
                    <input type="password" name="password" autocomplete="new-password" required minlength="10" maxlength="1024"/>
                </label>
                <input type="hidden" name="token" value=token.clone()/>
                <button type="submit">"Set password and log in"</button>
            </form>
        </main>
    }
}
