//! Throttling of failed sign-ins, per login name and per client address.
//!
//! The login name is the text the visitor typed (normalised), whether or not such an account
//! exists, so throttling answers alike for existing and unknown accounts.

use chrono::{DateTime, Duration, Utc};

/// Limits on failed sign-ins within a sliding window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures of one login name that block it.
    pub per_login: u32,
    /// Failures from one client address that block it.
    pub per_address: u32,
    /// The sliding window.
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    /// 5 failures per login name or 20 per address within 15 minutes.
    fn default() -> Self {
        ThrottlePolicy {
            per_login: 5,
            per_address: 20,
            window: Duration::minutes(15),
        }
    }
}

impl ThrottlePolicy {
    /// Until when sign-in is blocked, given the failures within the window, newest first
    /// (at most `limit` of them are needed). `None`: not blocked.
    pub fn blocked_until(
        &self,
        recent_newest_first: &[DateTime<Utc>],
        limit: u32,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let limit = usize::try_from(limit).ok()?.max(1);
        let oldest_counted = recent_newest_first.get(limit - 1)?;
        let until = *oldest_counted + self.window;
        (until > now).then_some(until)
    }
}

/// The normalised key under which failures of a typed login name are counted.
pub fn login_key(typed: &str) -> String {
    typed.trim().to_lowercase().chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_in_the_window_blocks_until_the_oldest_ages_out() {
        let policy = ThrottlePolicy::default();
        let now = Utc::now();
        let minutes = |m: i64| now - Duration::minutes(m);
        let four = [minutes(1), minutes(2), minutes(3), minutes(4)];
        assert_eq!(policy.blocked_until(&four, policy.per_login, now), None);
        let five = [minutes(1), minutes(2), minutes(3), minutes(4), minutes(10)];
        assert_eq!(
            policy.blocked_until(&five, policy.per_login, now),
            Some(minutes(10) + Duration::minutes(15)),
            "blocked for the 5 minutes until the oldest of the five is 15 minutes old"
        );
        let aged = [minutes(1), minutes(2), minutes(3), minutes(4), minutes(16)];
        assert_eq!(policy.blocked_until(&aged, policy.per_login, now), None);
    }

    #[test]
    fn login_keys_fold_case_and_space() {
        assert_eq!(login_key("  Jan.NOVAK "), "jan.novak");
        assert_eq!(login_key("Žluťoučký"), "žluťoučký");
        assert_eq!(login_key(&"a".repeat(500)).len(), 64);
    }
}
