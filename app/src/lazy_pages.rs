//! The pages fetched when opened. On a satellite link every kilobyte of the
//! first visit costs time before the board answers a click, so the wasm is
//! split (`cargo leptos build --split`): the board is in the first file, and
//! each page below, with the code only it uses, in a file of its own that the
//! router fetches when the page is opened (or, for a first visit to that
//! page, that the server names in the page's preload links).
//!
//! Each route is a [`LazyRoute`] with no data of its own: the pages load
//! their data themselves, in resources the server already awaited.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::pages::admin::AdminPage;
use crate::pages::board::MapPage;
use crate::pages::briefing::BriefingView;
use crate::pages::briefings::BriefingsPage;
use crate::pages::calendar::CalendarPage;
use crate::pages::case_new::NewCaseStudy;
use crate::pages::case_study::CaseStudyView;
use crate::pages::day::DayView;
use crate::pages::login::{LoginPage, WelcomePage};
use crate::pages::operation::OperationView;
use crate::pages::operations::OperationsPage;
use crate::pages::search::SearchPage;
use crate::pages::upload::UploadPage;

/// Declares `$route`, the lazily loaded route showing the page `$page`.
/// (Each split function is named after its route type, so the names stay
/// unique however many pages this declares.)
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(
    /// `/admin`.
    AdminRoute => AdminPage
);
lazy_page!(
    /// `/map`: the board with its map drawn large.
    MapRoute => MapPage
);
lazy_page!(
    /// `/operations`.
    OperationsRoute => OperationsPage
);
lazy_page!(
    /// `/operations/:id`.
    OperationRoute => OperationView
);
lazy_page!(
    /// `/briefings`.
    BriefingsRoute => BriefingsPage
);
lazy_page!(
    /// `/briefings/:id`.
    BriefingRoute => BriefingView
);
lazy_page!(
    /// `/case-studies/new`.
    NewCaseRoute => NewCaseStudy
);
lazy_page!(
    /// `/case-studies/:slug`.
    CaseStudyRoute => CaseStudyView
);
lazy_page!(
    /// `/calendar`.
    CalendarRoute => CalendarPage
);
lazy_page!(
    /// `/days/:day`.
    DayRoute => DayView
);
lazy_page!(
    /// `/search`.
    SearchRoute => SearchPage
);
lazy_page!(
    /// `/upload`.
    UploadRoute => UploadPage
);
lazy_page!(
    /// `/login`.
    LoginRoute => LoginPage
);
lazy_page!(
    /// `/welcome`.
    WelcomeRoute => WelcomePage
);
