//! The one lifecycle of an operation, enforced by the server: which status
//! may follow which. The browser reads the same table to offer only the
//! moves the server will accept.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where an operation stands. Spelled on the wire as the campaign's
/// operations centre says it: `proposed`, `pre-warning` (D-2), `warning`
/// (D-1), `go`, `no-go`, `postponed`, `cancelled`, `in-progress`,
/// `completed`, `aborted`, `reported`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Proposed,
    PreWarning,
    Warning,
    Go,
    NoGo,
    Postponed,
    Cancelled,
    InProgress,
    Completed,
    Aborted,
    Reported,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Proposed,
        Status::PreWarning,
        Status::Warning,
        Status::Go,
        Status::NoGo,
        Status::Postponed,
        Status::Cancelled,
        Status::InProgress,
        Status::Completed,
        Status::Aborted,
        Status::Reported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::PreWarning => "pre-warning",
            Status::Warning => "warning",
            Status::Go => "go",
            Status::NoGo => "no-go",
            Status::Postponed => "postponed",
            Status::Cancelled => "cancelled",
            Status::InProgress => "in-progress",
            Status::Completed => "completed",
            Status::Aborted => "aborted",
            Status::Reported => "reported",
        }
    }

    /// How the operations centre says it on a board or a phone.
    /// A call that commits people and aircraft (go, no-go, cancelled):
    /// asked to be confirmed before it is recorded.
    pub fn is_final_call(self) -> bool {
        matches!(self, Status::Go | Status::NoGo | Status::Cancelled)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Proposed => "Proposed",
            Status::PreWarning => "D-2 pre-warning",
            Status::Warning => "D-1 warning",
            Status::Go => "GO",
            Status::NoGo => "NO-GO",
            Status::Postponed => "Postponed",
            Status::Cancelled => "Cancelled",
            Status::InProgress => "In progress",
            Status::Completed => "Completed",
            Status::Aborted => "Aborted",
            Status::Reported => "Reported",
        }
    }

    /// The statuses a decision may move an operation to from here.
    ///
    /// The D-2/D-1 cycle may be entered late (a short-notice opportunity
    /// goes from proposed straight to the D-1 warning) but never skips the
    /// warning on the way to a go: crews and airspace need their day's
    /// notice. A postponed operation re-enters the cycle with its new
    /// times; a no-go may be postponed to another day. `reported` is not
    /// here: attaching a report moves a completed or aborted operation
    /// there, a decision cannot.
    pub fn moves(self) -> &'static [Status] {
        use Status::*;
        match self {
            Proposed => &[PreWarning, Warning, Postponed, Cancelled],
            PreWarning => &[Warning, NoGo, Postponed, Cancelled],
            Warning => &[Go, NoGo, Postponed, Cancelled],
            Go => &[InProgress, NoGo, Postponed, Cancelled],
            NoGo => &[Postponed, Cancelled],
            Postponed => &[PreWarning, Warning, Cancelled],
            InProgress => &[Completed, Aborted],
            Completed | Aborted | Cancelled | Reported => &[],
        }
    }

    /// Whether a decision may move an operation from `self` to `to`.
    pub fn may_move_to(self, to: Status) -> bool {
        self.moves().contains(&to)
    }

    /// Whether a report may be attached (which moves the operation to
    /// `reported`, or keeps it there when a report is amended).
    pub fn takes_a_report(self) -> bool {
        matches!(self, Status::Completed | Status::Aborted | Status::Reported)
    }

    /// Whether the operation still lies ahead (planned, not yet flown nor
    /// called off): what a planner's board and a calendar feed show first.
    pub fn is_ahead(self) -> bool {
        matches!(
            self,
            Status::Proposed
                | Status::PreWarning
                | Status::Warning
                | Status::Go
                | Status::Postponed
                | Status::InProgress
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that is not one of [`Status::ALL`].
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?}; the statuses are proposed, pre-warning, warning, go, no-go, postponed, cancelled, in-progress, completed, aborted, reported")]
pub struct StatusError(pub String);

impl FromStr for Status {
    type Err = StatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| StatusError(s.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_str() {
        for status in Status::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(status.as_str().parse::<Status>(), Ok(status));
        }
        assert!("GO".parse::<Status>().is_err());
        assert!("".parse::<Status>().is_err());
    }

    #[test]
    fn the_d2_d1_cycle_leads_to_a_go_only_through_the_warning() {
        assert!(Status::Proposed.may_move_to(Status::PreWarning));
        assert!(Status::PreWarning.may_move_to(Status::Warning));
        assert!(Status::Warning.may_move_to(Status::Go));
        assert!(!Status::Proposed.may_move_to(Status::Go));
        assert!(!Status::PreWarning.may_move_to(Status::Go));
        assert!(Status::Go.may_move_to(Status::InProgress));
        assert!(Status::InProgress.may_move_to(Status::Completed));
        assert!(Status::InProgress.may_move_to(Status::Aborted));
    }

    #[test]
    fn ends_are_ends_and_reported_comes_only_from_a_report() {
        for status in [
            Status::Cancelled,
            Status::Completed,
            Status::Aborted,
            Status::Reported,
        ] {
            assert!(status.moves().is_empty(), "{status} moves on");
        }
        for status in Status::ALL {
            assert!(!status.may_move_to(Status::Reported));
            assert!(!status.may_move_to(status), "{status} moves to itself");
            assert!(!status.may_move_to(Status::Proposed));
        }
        assert!(Status::Completed.takes_a_report());
        assert!(!Status::Go.takes_a_report());
    }
}
