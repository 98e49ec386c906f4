//! Emulator-wide settings fixed at start: review and remediation timing, the seed, the
//! refresh rate limit and how reputation drifts.

use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::data::Drift;

/// How long reviews (both gates, external verification) and remediation stages take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalDelay {
    /// Resolve automatically this long after submission (`0s` resolves on the next read).
    After(Duration),
    /// Stay pending until the admin API decides.
    Manual,
}

impl Default for ApprovalDelay {
    fn default() -> Self {
        Self::After(Duration::from_secs(2))
    }
}

impl fmt::Display for ApprovalDelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Manual => f.write_str("manual"),
            Self::After(d) if d.subsec_millis() == 0 => write!(f, "{}s", d.as_secs()),
            Self::After(d) => write!(f, "{}ms", d.as_millis()),
        }
    }
}

impl FromStr for ApprovalDelay {
    type Err = String;

    /// Accepts `manual`, or an integer with a unit: `500ms`, `2s`, `1m`, `1h` (a bare `0` too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("manual") {
            return Ok(Self::Manual);
        }
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, unit) = s.split_at(split);
        let value: u64 = digits
            .parse()
            .map_err(|_| format!("invalid delay '{s}': expected e.g. 2s, 500ms or manual"))?;
        let millis = match unit {
            "ms" => Some(value),
            "s" => value.checked_mul(1_000),
            "m" => value.checked_mul(60_000),
            "h" => value.checked_mul(3_600_000),
            "" if value == 0 => Some(0),
            _ => None,
        }
        .ok_or_else(|| format!("invalid delay '{s}': expected e.g. 2s, 500ms or manual"))?;
        Ok(Self::After(Duration::from_millis(millis)))
    }
}

impl ApprovalDelay {
    /// When something submitted at `now` resolves, or `None` in manual mode.
    pub fn due(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Manual => None,
            Self::After(d) => Some(now + chrono::Duration::from_std(d).unwrap_or_default()),
        }
    }

    /// The remediation schedule for a request created at `now`: `in_progress` after one
    /// delay, `completed` after two.
    pub fn remediation_schedule(
        self,
        now: DateTime<Utc>,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        match self {
            Self::Manual => None,
            Self::After(d) => {
                let d = chrono::Duration::from_std(d).unwrap_or_default();
                Some((now + d, now + d + d))
            }
        }
    }
}

/// A request budget: at most `requests` in any `window` (virtual time, sliding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window.
    pub window: Duration,
}

impl Default for RateLimit {
    /// 60 refresh requests per enterprise per minute.
    fn default() -> Self {
        Self {
            requests: 60,
            window: Duration::from_secs(60),
        }
    }
}

impl FromStr for RateLimit {
    type Err = String;

    /// `N/DURATION`, e.g. `60/1m`, `5/10s`, `1/500ms`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid rate limit '{s}': expected N/DURATION, e.g. 60/1m, or off");
        let (count, window) = s.trim().split_once('/').ok_or_else(bad)?;
        let requests: u32 = count.trim().parse().map_err(|_| bad())?;
        let window = match window.trim().parse::<ApprovalDelay>() {
            Ok(ApprovalDelay::After(d)) if !d.is_zero() => d,
            _ => return Err(bad()),
        };
        if requests == 0 {
            return Err(bad());
        }
        Ok(Self { requests, window })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.requests, ApprovalDelay::After(self.window))
    }
}

/// Emulator-wide settings fixed at start.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Review and remediation timing.
    pub approval_delay: ApprovalDelay,
    /// Seed for scores and ids.
    pub seed: u64,
    /// Per-enterprise limit on `POST .../numbers/refresh`; `None` is unlimited.
    pub refresh_limit: Option<RateLimit>,
    /// How the numbers' reputation drifts.
    pub drift: Drift,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            approval_delay: ApprovalDelay::default(),
            seed: 0,
            refresh_limit: Some(RateLimit::default()),
            drift: Drift::PerCheck,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_delays() {
        assert_eq!("manual".parse(), Ok(ApprovalDelay::Manual));
        assert_eq!(
            "500ms".parse(),
            Ok(ApprovalDelay::After(Duration::from_millis(500)))
        );
        assert_eq!(
            "2s".parse(),
            Ok(ApprovalDelay::After(Duration::from_secs(2)))
        );
        assert_eq!("0".parse(), Ok(ApprovalDelay::After(Duration::ZERO)));
        assert!("2 days".parse::<ApprovalDelay>().is_err());
        assert!("".parse::<ApprovalDelay>().is_err());
        assert_eq!(ApprovalDelay::default().to_string(), "2s");
    }
}
