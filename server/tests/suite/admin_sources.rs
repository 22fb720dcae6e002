//! The admin page's sources: the file edited on the page, saved only when
//! it reads well (refused with its line otherwise, the file untouched), then
//! taken up by the running server; what each source's polling did shown.

use reqwest::StatusCode;

use crate::admin::{admin_page, participants, post};
use crate::common::centre::{Centre, Serve};
use crate::common::png;

#[tokio::test]
async fn an_admin_edits_the_sources_on_the_page_and_a_bad_edit_changes_nothing() {
    let t = participants().await;
    let file = t.data().join("sources.toml");
    let centre = Centre::start().await;
    centre.put("a.png", png(1), Serve::Plain);
    let good = format!(
        "[[source]]\nname = \"paged\"\nkind = \"wms\"\ncategory = \"satellite\"\nplatform = \"PAGED\"\n\
         url = \"{}/a.png?t={{valid:%H%M}}\"\nproduct = \"ir108\"\nevery = \"15m\"\ndeadline = \"25m\"\npoll = \"1s\"\nkeep_runs = 1\n",
        centre.url()
    );
    // CRLF, as a browser's text area sends it.
    let (status, page) = post(
        &t,
        &[
            ("act", "save-sources"),
            ("text", &good.replace('\n', "\r\n")),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("sources.toml is saved"), "{page}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), good);

    // Refused with its line; the file and the running set unchanged.
    let bad = good.replace("every = \"15m\"", "every = \"7m\"");
    let (status, page) = post(&t, &[("act", "save-sources"), ("text", &bad)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("sources.toml is not saved: line 8: every must divide a day"),
        "{page}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), good);

    // Hostile texts: refused with their reason, the file as it was; the
    // next good one still saves (below, the good file stays in force).
    let huge = format!("{good}# {}\n", "x".repeat(1 << 20));
    let cut = &good[..good.find("kind").unwrap() + 9];
    for (text, reason) in [
        (huge.as_str(), "at most 1048576"),
        (cut, "line 3"),
        ("[[source]]\nname = 7\n", "line 2"),
        ("leads = \"0..=1000000000/1\"\n", "unknown field `leads`"),
    ] {
        let (status, page) = post(&t, &[("act", "save-sources"), ("text", text)]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reason}");
        assert!(page.contains(reason), "{reason}: {page}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), good);
    }
    let (status, _) = post(&t, &[("act", "save-sources"), ("text", &good)]).await;
    assert_eq!(status, StatusCode::OK);

    // Taken up: the source is polled, and its row says what it fetched.
    let mut shown = String::new();
    for _ in 0..100 {
        shown = admin_page(&t).await;
        if shown.contains(r#"data-source="paged""#) && shown.contains("1 files") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(shown.contains(r#"data-source="paged""#), "{shown}");
    assert!(shown.contains("1 files"), "{shown}");
    assert!(shown.contains("satellite.PAGED"));
    // The text area holds the file as saved.
    assert!(
        shown.contains("name = &quot;paged&quot;") || shown.contains("name = \"paged\""),
        "{shown}"
    );
    let audit = crate::common::catalogue_of(t.data())
        .await
        .audit_trail(5)
        .await
        .unwrap();
    assert!(audit.iter().any(|a| a.action == "sources.saved"));
}
