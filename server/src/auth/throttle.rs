//! Login throttling (`governor`): a burst of attempts, then one every few
//! seconds, per account and per client address. Guessing a password online
//! then takes years; a participant who mistypes a few times never notices.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;
use catalogue::user::MAX_NAME;

/// Attempts on one account in a row before it is slowed down.
const ACCOUNT_BURST: u32 = 10;
/// Then one attempt per this many seconds.
const ACCOUNT_EVERY_SECONDS: u64 = 6;
/// Attempts from one address in a row (an operations centre behind one NAT
/// logs in many people at 08 UTC).
const ADDRESS_BURST: u32 = 30;
const ADDRESS_EVERY_SECONDS: u64 = 2;
/// Keys remembered before forgotten ones are swept: names are input, so an
/// attacker could otherwise fill memory with made-up ones.
const SWEEP_ABOVE: usize = 10_000;

/// Failed logins written to the audit trail from one address in a row,
/// then one a minute: 300 guesses must not push the real audit off the
/// admin page, nor cost 300 synchronous commits.
const FAILURES_AUDITED_BURST: u32 = 10;
const FAILURES_AUDITED_EVERY_SECONDS: u64 = 60;

#[derive(Clone)]
pub struct Throttle {
    accounts: Arc<DefaultKeyedRateLimiter<String>>,
    addresses: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    audited: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// Failures not written since the last one written, per address.
    unaudited: Arc<Mutex<HashMap<IpAddr, u64>>>,
}

fn quota(burst: u32, every_seconds: u64) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(std::time::Duration::from_secs(every_seconds))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            accounts: Arc::new(RateLimiter::keyed(quota(
                ACCOUNT_BURST,
                ACCOUNT_EVERY_SECONDS,
            ))),
            addresses: Arc::new(RateLimiter::keyed(quota(
                ADDRESS_BURST,
                ADDRESS_EVERY_SECONDS,
            ))),
            audited: Arc::new(RateLimiter::keyed(quota(
                FAILURES_AUDITED_BURST,
                FAILURES_AUDITED_EVERY_SECONDS,
            ))),
            unaudited: Arc::default(),
        }
    }
}

impl Throttle {
    /// One login attempt on `account` from `address`: refused with the
    /// seconds to wait when either is over its quota.
    pub fn attempt(&self, account: &str, address: IpAddr) -> Result<(), ApiError> {
        if self.accounts.len().max(self.addresses.len()) > SWEEP_ABOVE {
            self.accounts.retain_recent();
            self.addresses.retain_recent();
        }
        let key: String = account
            .chars()
            .take(MAX_NAME)
            .collect::<String>()
            .to_lowercase();
        let clock = DefaultClock::default();
        let wait = |not_until: governor::NotUntil<_>| {
            ApiError::Throttled(not_until.wait_time_from(clock.now()).as_secs() + 1)
        };
        self.addresses.check_key(&address).map_err(wait)?;
        self.accounts.check_key(&key).map_err(wait)?;
        Ok(())
    }

    /// Whether a failed login from `address` is written to the audit trail
    /// now: `Some(n)` with the failures left unwritten before it, `None`
    /// when it is only counted.
    pub fn audit_failure(&self, address: IpAddr) -> Option<u64> {
        let mut unaudited = self.unaudited.lock().unwrap_or_else(|p| p.into_inner());
        if unaudited.len() > SWEEP_ABOVE {
            self.audited.retain_recent();
            unaudited.clear();
        }
        if self.audited.check_key(&address).is_ok() {
            Some(unaudited.remove(&address).unwrap_or(0))
        } else {
            *unaudited.entry(address).or_default() += 1;
            None
        }
    }
}
