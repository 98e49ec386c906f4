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
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in (part.len() as u64).to_le_bytes().iter().chain(part.iter()) {
            h ^= u64::from(*byte);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    splitmix(h)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A version-4-shaped UUID derived from the seed, the account and a per-account counter.
pub fn seeded_uuid(seed: u64, account: &str, counter: u64) -> String {
    let seed = seed.to_le_bytes();
    let counter = counter.to_le_bytes();
    let hi = stable_hash(&[&seed, account.as_bytes(), &counter, b"hi"]);
    let lo = stable_hash(&[&seed, account.as_bytes(), &counter, b"lo"]);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
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
            "last_refreshed_at": crate::state::timestamp(refreshed_at),
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
