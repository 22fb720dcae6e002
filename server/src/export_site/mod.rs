//! `opsboard export-site DIR`: the campaign as a static website for the
//! post-campaign archive — the calendar (`index.html`), a page per day,
//! per published case study and per product (with its thumbnail, preview
//! and file), and a static STAC catalog — that works from `file://` and
//! any static web server, the server long gone.
//!
//! Pages are the live site's own components rendered with relative links
//! ([`app::links::Links::Static`]), so the archive reads like the site did.
//! It reads the catalogue only (beside a running server, too), a page of
//! products at a time. What it holds is what the public sees, unless
//! `--include-restricted`: what participants see (restricted products and
//! draft case studies), for their own archive.

mod files;
mod pages;
mod stac;

use crate::config::CatalogueDir;
use clap::Args;
use std::path::{Path, PathBuf};

use anyhow::Context;
use catalogue::store::DataDir;
use catalogue::{CaseStudyQuery, Catalogue};
use chrono::{Datelike, NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use model::days::{day_end, day_start, parse_hours, Calendar, DEFAULT_HOURS};
use model::Visibility;

/// `opsboard export-site DIR`.
#[derive(Debug, Args)]
pub struct ExportSiteArgs {
    /// Folder to write the site into (made if missing; files of the same
    /// names are replaced).
    pub dir: PathBuf,

    #[command(flatten)]
    pub catalogue: CatalogueDir,

    /// First day exported (YYYY-MM-DD; default: the campaign's first, or the case study's).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,

    /// Last day exported (default: the campaign's last, or the case study's).
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,

    /// Only this case study, and by default its days.
    #[arg(long)]
    pub case_study: Option<String>,

    /// What participants see: restricted products and draft case studies too.
    #[arg(long)]
    pub include_restricted: bool,

    /// Hours of each day page's key products, UTC (default 0,6,12,18).
    #[arg(long)]
    pub hours: Option<String>,

    /// The campaign's name: the site's title.
    #[arg(long, default_value = "The campaign")]
    pub title: String,

    /// Where `cargo leptos build` put the site: its style sheet is copied.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// The build's hash file, where its files are named after their content
    /// (default: `hash.txt` beside the binary, as for `serve`).
    #[arg(long, env = "OPSBOARD_SITE_HASHES")]
    pub site_hashes: Option<PathBuf>,
}

/// Products read per page of the catalogue.
const PAGE: i64 = 1_000;

/// What an export wrote, for its last line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub days: usize,
    pub case_studies: usize,
    pub products: usize,
    /// Products whose file was missing from the archive (pages still made).
    pub missing: usize,
    /// The first and last day exported.
    pub span: (NaiveDate, NaiveDate),
}

/// An export under way: where it reads and writes.
pub(crate) struct Export {
    catalogue: Catalogue,
    data: DataDir,
    out: PathBuf,
    campaign: String,
    /// The days exported.
    from: NaiveDate,
    to: NaiveDate,
}

pub async fn run(args: ExportSiteArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let summary = export(&args).await?;
    println!(
        "exported {} days ({} to {}), {} case studies and {} products to {} in {:.1} s{}",
        summary.days,
        summary.span.0,
        summary.span.1,
        summary.case_studies,
        summary.products,
        args.dir.display(),
        started.elapsed().as_secs_f64(),
        if summary.missing > 0 {
            format!(" ({} files missing from the archive)", summary.missing)
        } else {
            String::new()
        }
    );
    Ok(())
}

/// Writes the site; what it holds.
pub async fn export(args: &ExportSiteArgs) -> anyhow::Result<Summary> {
    let catalogue = args.catalogue.open().await?;
    let visibility = if args.include_restricted {
        Visibility::Everything
    } else {
        Visibility::OpenOnly
    };
    // Every day asked for, however many years apart: the calendar is drawn
    // year by year (see `calendars`), the products are read in pages.
    let (from, to) = span(&catalogue, args, visibility).await?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let export = Export {
        catalogue,
        data: DataDir::new(&args.catalogue.data_dir),
        out: args.dir.clone(),
        campaign: args.title.clone(),
        from,
        to,
    };
    let mut summary = Summary {
        span: (from, to),
        ..Summary::default()
    };
    let (start, end) = (day_start(from), day_end(to));

    let total = export
        .catalogue
        .export_count(start, end, visibility)
        .await?;
    let bar = ProgressBar::new(u64::try_from(total).unwrap_or(0)).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} products {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut lanes = stac::Lanes::default();
    let mut copies = files::Copies::default();
    let mut after = None;
    loop {
        let page = export
            .catalogue
            .export_page(start, end, visibility, after, PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.product.valid_time, last.product.id));
        for stored in page {
            let copied = copies.copy(&export, stored)?;
            summary.missing += usize::from(!copied.file);
            let product = copied.product;
            pages::product(&export, &product)?;
            lanes.add(&export, &product)?;
            summary.products += 1;
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    stac::write_catalog(&export, lanes)?;

    let hours = args
        .hours
        .as_deref()
        .map_or(DEFAULT_HOURS.to_vec(), parse_hours);
    let calendars = calendars(&export.catalogue, from, to, visibility).await?;
    let days = calendars
        .iter()
        .flat_map(|c| c.days.iter().map(move |day| (day, (c.from, c.to))));
    for (day, year) in days {
        let mut page = export
            .catalogue
            .day_page(day.day, &hours, visibility)
            .await?;
        for lane in &mut page.lanes {
            for slot in &mut lane.slots {
                if let Some(product) = &mut slot.product {
                    copies.relink(product);
                }
            }
        }
        pages::day(&export, year, page)?;
        summary.days += 1;
    }
    pages::calendars(&export, calendars)?;

    let query = CaseStudyQuery {
        from: Some(start),
        to: Some(end),
        tag: None,
    };
    for case in export
        .catalogue
        .case_studies(&query, visibility)
        .await?
        .into_iter()
        .filter(|c| args.case_study.as_ref().is_none_or(|slug| *slug == c.slug))
    {
        let Some(mut detail) = export
            .catalogue
            .case_study_detail(&case.slug, visibility)
            .await?
        else {
            continue;
        };
        // A case's pins may be older versions, outside the products above.
        for product in &mut detail.products {
            if !copies.has(product.id) {
                if let Some(stored) = export.catalogue.product(product.id, visibility).await? {
                    let copied = copies.copy(&export, stored)?;
                    summary.missing += usize::from(!copied.file);
                    pages::product(&export, &copied.product)?;
                    summary.products += 1;
                }
            }
            copies.relink(product);
        }
        pages::case_study(&export, detail)?;
        summary.case_studies += 1;
    }
    pages::style(&export, &args.site_root, args.site_hashes.as_deref())?;
    Ok(summary)
}

/// The calendars of `from..=to`, one per calendar year that has anything
/// (a product, an operation, an IOP, a case study): a campaign of 2012 and
/// 2022 is two calendars, not ten years of empty weeks.
async fn calendars(
    catalogue: &Catalogue,
    from: NaiveDate,
    to: NaiveDate,
    visibility: Visibility,
) -> anyhow::Result<Vec<Calendar>> {
    let mut calendars = Vec::new();
    for year in from.year()..=to.year() {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).map_or(from, |d| d.max(from));
        let last = NaiveDate::from_ymd_opt(year, 12, 31).map_or(to, |d| d.min(to));
        let calendar = catalogue.calendar(first, last, visibility).await?;
        if calendar
            .days
            .iter()
            .any(|day| !day.is_quiet() || !day.iops.is_empty())
        {
            calendars.push(calendar);
        }
    }
    Ok(calendars)
}

/// The days to export: those asked, else the case study's, else the
/// campaign's.
async fn span(
    catalogue: &Catalogue,
    args: &ExportSiteArgs,
    visibility: Visibility,
) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let case = match &args.case_study {
        Some(slug) => {
            let case = catalogue
                .case_study(slug, visibility)
                .await?
                .with_context(|| format!("no case study {slug:?} to export"))?;
            Some((case.start.date_naive(), case.end.date_naive()))
        }
        None => None,
    };
    let campaign = catalogue.campaign_days(visibility).await?;
    let today = Utc::now().date_naive();
    let (first, last) = case.or(campaign).unwrap_or((today, today));
    Ok((args.from.unwrap_or(first), args.to.unwrap_or(last)))
}

impl Export {
    /// `relative` under the output folder, its folders made.
    fn path(&self, relative: &str) -> anyhow::Result<PathBuf> {
        let path = self.out.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        Ok(path)
    }

    fn write(&self, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path(relative)?;
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
    }

    fn archive(&self, relative: &str) -> Option<PathBuf> {
        self.data.resolve(Path::new(relative))
    }
}
