//! Deterministic data: the stable hash, seeded ids and the reputation profile of a number.
//!
//! Everything here is a pure function of the emulator seed and its inputs, so two runs with
//! the same seed give the same scores and ids. It uses its own hash (FNV-1a folded through a
//! SplitMix64 finaliser) rather than std's `RandomState`, which is randomised per process.
//! State transitions and storage do not belong here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A stable 64-bit hash of a sequence of byte strings (length-prefixed, so parts never blur).
pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    splitmix(fnv_parts(parts))
}

/// The FNV-1a state after `parts`, each length-prefixed, before the finaliser.
fn fnv_parts(parts: &[&[u8]]) -> u64 {
    parts
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, part| fnv(h, part))
}

/// FNV-1a state `h` carried over one length-prefixed part.
fn fnv(mut h: u64, part: &[u8]) -> u64 {
    for byte in (part.len() as u64).to_le_bytes().iter().chain(part.iter()) {
        h ^= u64::from(*byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A version-4-shaped UUID derived from the seed, the account and a per-account counter.
pub fn seeded_uuid(seed: u64, account: &str, counter: u64) -> String {
    // `stable_hash` of the parts then `hi`, and of the parts then `lo`: the common parts are
    // hashed once (ids are made under the state lock, one per added number).
    let parts = [
        &seed.to_le_bytes()[..],
        account.as_bytes(),
        &counter.to_le_bytes(),
    ];
    let prefix = fnv_parts(&parts);
    let hi = splitmix(fnv(prefix, b"hi"));
    let lo = splitmix(fnv(prefix, b"lo"));
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut uuid::Uuid::encode_buffer())
        .to_owned()
}

/// Spam categories a high-risk number may carry (opaque labels on the wire).
const SPAM_CATEGORIES: [&str; 4] = ["telemarketing", "robocall", "scam", "debt_collection"];

/// The reputation of one number, as the analytics networks would report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// `low`, `medium` or `high`, or `None` when there is not enough data.
    pub spam_risk: Option<String>,
    /// Category label for flagged numbers.
    pub spam_category: Option<String>,
    /// Maturity score 0-100.
    pub maturity_score: Option<i64>,
    /// Connection score 0-100.
    pub connection_score: Option<i64>,
    /// Engagement score 0-100.
    pub engagement_score: Option<i64>,
    /// Sentiment score 0-100.
    pub sentiment_score: Option<i64>,
}

impl Profile {
    /// The deterministic profile of `number` under `seed`: about 15 % high, 25 % medium,
    /// 60 % low risk; scores skew with the risk, and each score is null about 8 % of the time.
    pub fn derive(seed: u64, number: &str) -> Self {
        Self::at_epoch(seed, number, 0)
    }

    /// The profile of `number` in drift epoch `epoch` (see [`drift_epoch`]): epoch 0 is
    /// [`Profile::derive`]; every later epoch is an independent draw from the same
    /// distribution, so numbers rise to high risk and fall back as scheduled checks go by.
    pub fn at_epoch(seed: u64, number: &str, epoch: u64) -> Self {
        let epoch_bytes = epoch.to_le_bytes();
        let roll = |salt: &[u8]| {
            if epoch == 0 {
                stable_hash(&[&seed.to_le_bytes(), number.as_bytes(), salt])
            } else {
                stable_hash(&[&seed.to_le_bytes(), number.as_bytes(), &epoch_bytes, salt])
            }
        };
        let risk_roll = roll(b"risk") % 100;
        let (risk, low, high) = match risk_roll {
            0..15 => ("high", 0u64, 45u64),
            15..40 => ("medium", 30, 75),
            _ => ("low", 55, 100),
        };
        let score = |salt: &[u8]| -> Option<i64> {
            let h = roll(salt);
            // Bits above the null roll pick the value, so the two are independent.
            (h % 100 >= 8).then(|| (low + (h >> 8) % (high - low + 1)) as i64)
        };
        let category = (risk == "high").then(|| {
            SPAM_CATEGORIES[(roll(b"category") % SPAM_CATEGORIES.len() as u64) as usize].to_string()
        });
        Self {
            spam_risk: Some(risk.to_string()),
            spam_category: category,
            maturity_score: score(b"maturity"),
            connection_score: score(b"connection"),
            engagement_score: score(b"engagement"),
            sentiment_score: score(b"sentiment"),
        }
    }

    /// The same profile after a successful remediation: low risk, not flagged.
    pub fn cleared(&self) -> Self {
        Self {
            spam_risk: Some("low".to_string()),
            spam_category: None,
            ..self.clone()
        }
    }

    /// Whether the analytics networks consider this number flagged.
    pub fn is_high_risk(&self) -> bool {
        self.spam_risk.as_deref() == Some("high")
    }

    /// The `reputation_data` object, stamped with when it was collected.
    pub fn to_json(&self, refreshed_at: DateTime<Utc>) -> Value {
        json!({
            "spam_risk": self.spam_risk,
            "spam_category": self.spam_category,
            "maturity_score": self.maturity_score,
            "connection_score": self.connection_score,
            "engagement_score": self.engagement_score,
            "sentiment_score": self.sentiment_score,
            "last_refreshed_at": crate::clock::timestamp(refreshed_at),
        })
    }
}

/// The drift epoch of `number` at scheduled check `check_index` (0 before the first
/// check): each number keeps its data for a span of 3 to 10 checks (fixed per number by the
/// seed), then draws new data.
pub fn drift_epoch(seed: u64, number: &str, check_index: u64) -> u64 {
    let span = 3 + stable_hash(&[&seed.to_le_bytes(), number.as_bytes(), b"span"]) % 8;
    check_index / span
}

/// How the numbers' reputation drifts (see the README's "Drift model").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Drift {
    /// The default: a number's data is redrawn at scheduled checks ([`drift_epoch`]), so
    /// it changes only when the enterprise's schedule runs.
    #[default]
    PerCheck,
    /// The networks' view changes with time whether anyone checks or not; a check (scheduled
    /// or fresh) reads the view at its time. See [`TimedDrift`].
    Timed(TimedDrift),
}

/// Time-driven drift: each number keeps one draw of its data for a span of
/// `min_span_hours..=max_span_hours` (fixed per number by the seed, with a per-number
/// phase so the fleet does not change all at once), then draws again from the same
/// distribution as [`Profile::at_epoch`] (15 % high, 25 % medium, 60 % low; scores in
/// the range of the risk). With `score_lead_hours` > 0 the scores of the next draw show
/// that long before its risk label does (blocked calls and spam reports rise before the
/// label appears).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedDrift {
    /// When epoch 0 (the registration data, [`Profile::derive`]) starts.
    pub origin: DateTime<Utc>,
    /// Shortest span of one draw, in hours (at least 1).
    pub min_span_hours: u64,
    /// Longest span of one draw, in hours.
    pub max_span_hours: u64,
    /// How long before a new draw's label its scores show, in hours (less than the span).
    pub score_lead_hours: u64,
}

/// One change of a number's risk label under [`TimedDrift`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The number.
    pub phone_number: String,
    /// When the label changed.
    pub at: DateTime<Utc>,
    /// The label before.
    pub from: Option<String>,
    /// The label after.
    pub to: Option<String>,
}

impl TimedDrift {
    /// The model with these parameters, starting at `origin`.
    pub fn new(
        origin: DateTime<Utc>,
        min_span_hours: u64,
        max_span_hours: u64,
        score_lead_hours: u64,
    ) -> Self {
        let min_span_hours = min_span_hours.max(1);
        let max_span_hours = max_span_hours.max(min_span_hours);
        Self {
            origin,
            min_span_hours,
            max_span_hours,
            score_lead_hours: score_lead_hours.min(min_span_hours - 1),
        }
    }

    fn span_secs(&self, seed: u64, number: &str) -> i64 {
        let range = self.max_span_hours - self.min_span_hours + 1;
        let hours = self.min_span_hours
            + stable_hash(&[&seed.to_le_bytes(), number.as_bytes(), b"timed-span"]) % range;
        (hours * 3600) as i64
    }

    fn phase_secs(&self, seed: u64, number: &str, span: i64) -> i64 {
        (stable_hash(&[&seed.to_le_bytes(), number.as_bytes(), b"timed-phase"]) % span as u64)
            as i64
    }

    /// The draw `number` is in at `t` (0 until its first change after `origin`).
    pub fn epoch_at(&self, seed: u64, number: &str, t: DateTime<Utc>) -> u64 {
        let span = self.span_secs(seed, number);
        let phase = self.phase_secs(seed, number, span);
        let elapsed = (t - self.origin).num_seconds() + phase;
        if elapsed < 0 {
            0
        } else {
            (elapsed / span) as u64
        }
    }

    /// When draw `epoch` (≥ 1) of `number` starts.
    fn epoch_start(&self, seed: u64, number: &str, epoch: u64) -> DateTime<Utc> {
        let span = self.span_secs(seed, number);
        let phase = self.phase_secs(seed, number, span);
        self.origin + chrono::Duration::seconds(epoch as i64 * span - phase)
    }

    /// What the networks say about `number` at `t`: the label of the current draw, the
    /// scores of the draw `score_lead_hours` ahead.
    pub fn profile_at(&self, seed: u64, number: &str, t: DateTime<Utc>) -> Profile {
        let label = Profile::at_epoch(seed, number, self.epoch_at(seed, number, t));
        let ahead = t + chrono::Duration::hours(self.score_lead_hours as i64);
        let scores = Profile::at_epoch(seed, number, self.epoch_at(seed, number, ahead));
        Profile {
            spam_risk: label.spam_risk,
            spam_category: label.spam_category,
            ..scores
        }
    }

    /// Every change of `number`'s risk label to `to` (or every change, `None`) in
    /// `(since, until]`: the ground truth a monitor's detection is measured against.
    pub fn transitions(
        &self,
        seed: u64,
        number: &str,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        to: Option<&str>,
    ) -> Vec<Transition> {
        let first = self.epoch_at(seed, number, since);
        let last = self.epoch_at(seed, number, until);
        let mut out = Vec::new();
        let mut before = Profile::at_epoch(seed, number, first).spam_risk;
        for epoch in first + 1..=last {
            let after = Profile::at_epoch(seed, number, epoch).spam_risk;
            if after != before && to.is_none_or(|t| after.as_deref() == Some(t)) {
                out.push(Transition {
                    phone_number: number.to_owned(),
                    at: self.epoch_start(seed, number, epoch),
                    from: before.clone(),
                    to: after.clone(),
                });
            }
            before = after;
        }
        out
    }
}

/// Whether scheduled check `check_index` finds that `number` changed carrier (about 1 check
/// in 500), which asks the owner to confirm ownership.
pub fn carrier_changes(seed: u64, number: &str, check_index: u64) -> bool {
    check_index > 0
        && stable_hash(&[
            &seed.to_le_bytes(),
            number.as_bytes(),
            &check_index.to_le_bytes(),
            b"carrier",
        ])
        .is_multiple_of(500)
}

/// Whether a high-risk number comes out of remediation cleared (about 3 in 4) or still
/// needing review, decided from the seed and the number alone.
pub fn remediation_clears(seed: u64, number: &str) -> bool {
    !stable_hash(&[&seed.to_le_bytes(), number.as_bytes(), b"remediation"]).is_multiple_of(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timed_drift_changes_with_time_and_scores_lead_the_label() {
        let origin = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let drift = TimedDrift::new(origin, 72, 240, 24);
        let until = origin + chrono::Duration::days(90);
        let mut to_high = 0;
        for i in 0..200 {
            let n = format!("+1312555{i:04}");
            assert_eq!(
                drift.epoch_at(1, &n, origin - chrono::Duration::days(30)),
                0
            );
            let changes = drift.transitions(1, &n, origin, until, Some("high"));
            for t in &changes {
                assert_eq!(t.to.as_deref(), Some("high"));
                assert_ne!(t.from.as_deref(), Some("high"));
                // The label changes exactly at the transition...
                let just_before = t.at - chrono::Duration::seconds(1);
                assert_ne!(
                    drift.profile_at(1, &n, just_before).spam_risk.as_deref(),
                    Some("high")
                );
                assert_eq!(
                    drift.profile_at(1, &n, t.at).spam_risk.as_deref(),
                    Some("high")
                );
                // ...and the scores of the high draw show a day before it.
                let lead = t.at - chrono::Duration::hours(23);
                let high = Profile::at_epoch(1, &n, drift.epoch_at(1, &n, t.at));
                assert_eq!(
                    drift.profile_at(1, &n, lead).maturity_score,
                    high.maturity_score
                );
            }
            to_high += changes.len();
        }
        // Spans of 3 to 10 days over 90 days: about 14 redraws a number, 15 % high.
        assert!((150..600).contains(&to_high), "{to_high}");
    }

    #[test]
    fn hash_is_stable_across_runs() {
        assert_eq!(stable_hash(&[b"a", b"bc"]), stable_hash(&[b"a", b"bc"]));
        assert_ne!(stable_hash(&[b"a", b"bc"]), stable_hash(&[b"ab", b"c"]));
    }

    #[test]
    fn profile_depends_on_seed_and_number_only() {
        assert_eq!(
            Profile::derive(7, "+12025551234"),
            Profile::derive(7, "+12025551234")
        );
    }

    #[test]
    fn roughly_fifteen_percent_are_high_risk() {
        let high = (0..2000)
            .filter(|i| Profile::derive(1, &format!("+1202555{i:04}")).is_high_risk())
            .count();
        assert!((200..400).contains(&high), "high-risk count {high}");
    }

    #[test]
    fn scores_stay_in_range_and_some_are_null() {
        let mut nulls = 0;
        for i in 0..500 {
            let p = Profile::derive(3, &format!("+1312555{i:04}"));
            for s in [
                p.maturity_score,
                p.connection_score,
                p.engagement_score,
                p.sentiment_score,
            ] {
                match s {
                    Some(v) => assert!((0..=100).contains(&v)),
                    None => nulls += 1,
                }
            }
            assert_eq!(p.spam_category.is_some(), p.is_high_risk());
        }
        assert!(nulls > 0);
    }

    #[test]
    fn drift_moves_numbers_into_high_risk_and_back() {
        let number = "+12025551234";
        let risks: Vec<bool> = (0..200)
            .map(|epoch| Profile::at_epoch(5, number, epoch).is_high_risk())
            .collect();
        assert!(risks.iter().any(|h| *h) && risks.iter().any(|h| !*h));
        assert_eq!(Profile::at_epoch(5, number, 0), Profile::derive(5, number));
        assert_eq!(drift_epoch(5, number, 0), 0);
        assert!(drift_epoch(5, number, 30) >= 3);
    }

    #[test]
    fn seeded_uuids_stay_what_earlier_versions_gave() {
        // Ids are part of a seeded run's reproducible output: these must never change.
        assert_eq!(
            seeded_uuid(1, "key", 1),
            "5789ab89-b3e4-493d-a243-78d3e54fd0be"
        );
        assert_eq!(
            seeded_uuid(42, "bench-sweep", 7),
            "36cdaaf9-da46-428d-8e86-469a70538639"
        );
        assert_eq!(
            seeded_uuid(0, "", 0),
            "48c6b37a-7009-4935-b0c3-997424766a06"
        );
    }

    #[test]
    fn seeded_uuids_are_valid_and_distinct() {
        let a = seeded_uuid(1, "key", 1);
        let b = seeded_uuid(1, "key", 2);
        assert_ne!(a, b);
        assert_eq!(
            uuid::Uuid::parse_str(&a).map(|u| u.get_version_num()),
            Ok(4)
        );
    }
}
