//! The access settings of `opsboard serve`.

use std::time::Duration;

use clap::{Args, ValueEnum};
use model::{Policy, RestrictRule};

/// Who may reach the dashboard without logging in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Access {
    /// Anyone may read unrestricted products; participants log in for the rest.
    Public,
    /// Every page, API call and websocket needs a participant's login (health excepted).
    #[default]
    Participants,
}

#[derive(Clone, Debug, Args)]
pub struct AccessArgs {
    /// Who may read without logging in.
    #[arg(long, env = "OPSBOARD_ACCESS", value_enum, default_value_t = Access::Participants)]
    pub access: Access,

    /// Restrict every product of CATEGORY, CATEGORY.PLATFORM or *.PLATFORM to
    /// participants, whatever its sidecar says (repeatable).
    #[arg(long = "restrict", env = "OPSBOARD_RESTRICT", value_delimiter = ',')]
    pub restrict: Vec<RestrictRule>,

    /// Behind a reverse proxy that terminates TLS: session cookies are
    /// `Secure`, and a client's address is the last one the proxy adds to
    /// `X-Forwarded-For`.
    #[arg(long, env = "OPSBOARD_TRUST_PROXY")]
    pub trust_proxy: bool,

    /// The address participants use, for the links the server prints (the
    /// first admin's) and the origin check (default: the listening address).
    #[arg(long, env = "OPSBOARD_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Hours without a request after which a session ends.
    #[arg(long, env = "OPSBOARD_SESSION_IDLE_HOURS", default_value_t = 24)]
    pub session_idle_hours: u64,

    /// Days after a login when its session ends, however active.
    #[arg(long, env = "OPSBOARD_SESSION_MAX_DAYS", default_value_t = 14)]
    pub session_max_days: u64,
}

impl Default for AccessArgs {
    fn default() -> Self {
        Self {
            access: Access::Participants,
            restrict: Vec::new(),
            trust_proxy: false,
            public_url: None,
            session_idle_hours: 24,
            session_max_days: 14,
        }
    }
}

impl AccessArgs {
    pub fn policy(&self) -> Policy {
        Policy {
            rules: self.restrict.clone(),
        }
    }

    pub fn idle(&self) -> Duration {
        Duration::from_secs(self.session_idle_hours.clamp(1, 24 * 365) * 3600)
    }

    pub fn max_age(&self) -> Duration {
        Duration::from_secs(self.session_max_days.clamp(1, 365) * 86_400)
    }
}
