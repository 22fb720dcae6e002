//! `opsboard import DIR` with the real binary: copies, catalogues, and reports
//! every refusal with its reason.

use crate::common;

use common::{opsboard_cli, png, TestServer};
use model::Product;

#[tokio::test]
async fn a_past_campaign_is_imported_with_a_summary_of_refusals() {
    let source = tempfile::tempdir().unwrap();
    let campaign = source.path().join("campaign");
    std::fs::create_dir_all(campaign.join("day2")).unwrap();
    let good = [
        "model.AROME.202607010000.012h_precip.png",
        "satellite.MSG.202607011200.ir108.png",
        "day2/upperair.TRAPPES.202607021200.sounding.csv",
    ];
    for (i, name) in good.iter().enumerate() {
        std::fs::write(campaign.join(name), png(i as u8)).unwrap();
    }
    std::fs::write(
        campaign.join("model.AROME.202607010000.012h_precip.png.json"),
        br#"{"title": "AROME precip"}"#,
    )
    .unwrap();
    std::fs::write(campaign.join("notes.txt"), b"field notes").unwrap();
    std::fs::write(
        campaign.join("day2/surface.SITE.202613011200.t2m.csv"),
        b"t\n",
    )
    .unwrap();

    let data = tempfile::tempdir().unwrap();
    let (ok, out) = opsboard_cli(&[
        "import",
        &campaign.to_string_lossy(),
        "--data-dir",
        &data.path().to_string_lossy(),
    ]);
    assert!(ok, "{out}");
    assert!(
        out.contains("imported 4 (1 new versions or metadata updates)"),
        "{out}"
    );
    assert!(out.contains("2 rejected"), "{out}");
    assert!(
        out.contains("rejected notes.txt: expected 5 dot-separated tokens"),
        "{out}"
    );
    assert!(
        out.contains("surface.SITE.202613011200.t2m.csv: the time token"),
        "{out}"
    );
    // The source folder is untouched.
    for name in good {
        assert!(campaign.join(name).exists(), "{name} still in the source");
    }

    // A second import of the same folder changes nothing.
    let (ok, again) = opsboard_cli(&[
        "import",
        &campaign.to_string_lossy(),
        "--data-dir",
        &data.path().to_string_lossy(),
    ]);
    assert!(
        ok && again.contains("imported 1 (1 new versions or metadata updates), 3 unchanged"),
        "{again}"
    );

    let t = TestServer::start_in(data).await;
    let (_, list) = t.get_json("/api/v1/products").await;
    let products: Vec<Product> = serde_json::from_value(list).unwrap();
    assert_eq!(products.len(), 3);
    let model = products.iter().find(|p| p.category == "model").unwrap();
    assert_eq!(model.meta.title.as_deref(), Some("AROME precip"));
    let (_, rejections) = t.get_json("/api/v1/rejections").await;
    assert_eq!(rejections.as_array().unwrap().len(), 4, "{rejections}");
    t.server.shutdown().await.unwrap();
}
