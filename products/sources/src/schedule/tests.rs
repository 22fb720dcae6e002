use super::*;
use chrono::TimeZone;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, h, m, 0).unwrap()
}

fn gfs() -> Schedule {
    Schedule {
        cadence: Cadence::Runs {
            hours: vec![0, 6, 12, 18],
            leads: parse_leads("0..=48/3", 10_000).unwrap(),
        },
        available_after: Duration::minutes(210),
        deadline: Duration::hours(5),
        keep: 2,
    }
}

#[test]
fn runs_and_leads_are_laid_out_newest_runs_kept() {
    let slots = gfs().slots(at(13, 0));
    // The 06 and 12 runs, 17 leads each, oldest first.
    assert_eq!(slots.len(), 34);
    assert_eq!(slots[0].moment.run, Some(at(6, 0)));
    assert_eq!(slots[33].moment.run, Some(at(12, 0)));
    assert_eq!(slots[33].moment.lead, Some(48));
    assert_eq!(slots[33].moment.valid, at(12, 0) + Duration::hours(48));
    assert_eq!(slots[17].due_at, at(15, 30));
    assert_eq!(slots[17].deadline_at, at(17, 0));
    // Just after midnight, yesterday's 18 run is the one before today's 00.
    let slots = gfs().slots(at(0, 10));
    assert_eq!(slots[0].moment.run, Some(at(0, 0) - Duration::hours(6)));
    assert_eq!(slots[17].moment.run, Some(at(0, 0)));
}

#[test]
fn a_cadence_steps_back_from_now() {
    let msg = Schedule {
        cadence: Cadence::Every(Duration::minutes(15)),
        available_after: Duration::zero(),
        deadline: Duration::minutes(25),
        keep: 4,
    };
    let valid: Vec<_> = msg
        .slots(at(10, 7))
        .iter()
        .map(|s| s.moment.valid)
        .collect();
    assert_eq!(valid, vec![at(9, 15), at(9, 30), at(9, 45), at(10, 0)]);
    assert_eq!(msg.next_due(at(10, 7)), at(10, 15));
}

#[test]
fn a_product_is_due_then_late_then_missed_unless_it_arrives() {
    let slot = gfs().slots(at(13, 0))[20]; // the 12 run, +9 h
    assert_eq!(slot.status(None, at(16, 59)), Status::Due);
    assert_eq!(
        slot.status(None, at(17, 41)),
        Status::Late { late_s: 41 * 60 }
    );
    assert_eq!(
        slot.status(None, at(17, 0) + Duration::hours(24)),
        Status::Missed
    );
    assert_eq!(
        slot.status(Some(at(16, 0)), at(18, 0)),
        Status::Arrived {
            delay_s: 4 * 3600,
            on_time: true
        }
    );
    assert_eq!(
        slot.status(Some(at(17, 30)), at(18, 0)),
        Status::Arrived {
            delay_s: 5 * 3600 + 1800,
            on_time: false
        }
    );
}

#[test]
fn the_next_run_wakes_the_poller() {
    assert_eq!(gfs().next_due(at(13, 0)), at(15, 30));
    assert_eq!(
        gfs().next_due(at(22, 0)),
        at(0, 0) + Duration::days(1) + Duration::minutes(210)
    );
}

#[test]
fn leads_are_read_and_bounded() {
    assert_eq!(parse_leads("0..=12/6", 100).unwrap(), vec![0, 6, 12]);
    assert_eq!(parse_leads("0..12/6", 100).unwrap(), vec![0, 6]);
    assert_eq!(parse_leads("3..=5", 100).unwrap(), vec![3, 4, 5]);
    let err = |t: &str| parse_leads(t, 10_000).unwrap_err();
    assert!(err("0..=1000000/0").contains("the step is 0"));
    assert!(err("0..=1000000/1").contains("beyond the longest lead"));
    assert!(err("0..=9999/1").contains("at most 1000"));
    assert!(err("12..=0/1").contains("empty"));
    assert!(err("zero to 48").contains("a range with a step"));
    assert!(err("0..0").contains("a range with a step"));
    assert_eq!(check_leads(vec![12, 0, 6, 6], 48).unwrap(), vec![0, 6, 12]);
    assert!(check_leads(vec![], 48).is_err());
    assert!(check_leads(vec![49], 48).unwrap_err().contains("49 h"));
}

#[test]
fn run_hours_are_utc_hours() {
    assert_eq!(
        parse_runs(&["12".into(), "00".into()]).unwrap(),
        vec![0, 12]
    );
    assert!(parse_runs(&["25".into()]).unwrap_err().contains("\"25\""));
    assert!(parse_runs(&["007".into()]).is_err());
    assert!(parse_runs(&[]).is_err());
}
