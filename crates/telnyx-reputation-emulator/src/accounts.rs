//! Accounts: everything one API key owns, and the world of all accounts.
//!
//! Each API key is its own account, created on first use. The time-driven transitions of an
//! account live in `lifecycle.rs`; the lock around the world in `state.rs`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::data::{Drift, Profile, seeded_uuid};
use crate::faults::Faults;
use crate::ledger::Ledger;
use crate::model::{Document, Enterprise, NumberRecord, TosAgreement};
use crate::webhooks::{Deliveries, Outbox};

/// Everything one API key owns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    /// The API key; saved as its digest (`keys::key_digest`), taken back by `rekey`.
    #[serde(serialize_with = "crate::keys::as_digest")]
    key: String,
    id_counter: u64,
    number_seq: u64,
    /// Terms agreements.
    pub agreements: Vec<TosAgreement>,
    /// Enterprises in creation order (soft-deleted ones included).
    pub enterprises: Vec<Enterprise>,
    /// Uploaded documents by id.
    pub documents: HashMap<String, Document>,
    /// Billable actions.
    pub ledger: Ledger,
    /// Reputation set through the admin API, by number; `None` means "no data".
    pub overrides: HashMap<String, Option<Profile>>,
    /// Webhook events not yet queued for delivery.
    pub outbox: Outbox,
    /// How far this account's test clock runs ahead of the emulator's clock, in milliseconds
    /// (`POST /_emulator/clock/advance?api_key=`); everything the account schedules follows it.
    #[serde(default)]
    pub clock_offset_ms: i64,
}

impl Account {
    fn new(key: &str) -> Self {
        Self {
            key: key.to_string(),
            id_counter: 0,
            number_seq: 0,
            agreements: Vec::new(),
            enterprises: Vec::new(),
            documents: HashMap::new(),
            ledger: Ledger::default(),
            overrides: HashMap::new(),
            outbox: Outbox::new(key),
            clock_offset_ms: 0,
        }
    }

    /// Give a restored account (saved under its key's digest) its key back.
    fn rekey(&mut self, key: &str) {
        self.key = key.to_string();
        self.outbox.rekey(key);
    }

    /// Whether the account holds nothing a fresh one would not (a read by an unknown key
    /// leaves no account behind, so distinct keys cannot grow memory by themselves).
    pub fn is_pristine(&self) -> bool {
        self.id_counter == 0
            && self.number_seq == 0
            && self.agreements.is_empty()
            && self.enterprises.is_empty()
            && self.documents.is_empty()
            && self.ledger.is_empty()
            && self.overrides.is_empty()
            && self.outbox.events.is_empty()
            && self.clock_offset_ms == 0
    }

    /// A new seeded id, unique within the account.
    pub fn next_id(&mut self, seed: u64) -> String {
        self.id_counter += 1;
        seeded_uuid(seed, &self.key, self.id_counter)
    }

    /// A new listing sequence number for a registered number.
    pub fn next_number_seq(&mut self) -> u64 {
        self.number_seq += 1;
        self.number_seq
    }

    /// A live (not soft-deleted) enterprise by id.
    pub fn enterprise(&self, id: &str) -> Option<&Enterprise> {
        self.enterprises
            .iter()
            .find(|e| e.id == id && e.deleted_at.is_none())
    }

    /// A live enterprise by id, mutably.
    pub fn enterprise_mut(&mut self, id: &str) -> Option<&mut Enterprise> {
        self.enterprises
            .iter_mut()
            .find(|e| e.id == id && e.deleted_at.is_none())
    }

    /// Live enterprises in creation order.
    pub fn live_enterprises(&self) -> impl Iterator<Item = &Enterprise> {
        self.enterprises.iter().filter(|e| e.deleted_at.is_none())
    }

    /// Whether the account accepted the Number Reputation terms.
    pub fn agreed_to_reputation_terms(&self) -> bool {
        self.agreements
            .iter()
            .any(|a| a.product_type == "number_reputation")
    }

    /// The id of the live enterprise that monitors `number`, if any.
    pub fn enterprise_of_number(&self, number: &str) -> Option<String> {
        self.live_enterprises()
            .find(|e| e.numbers.contains_key(number))
            .map(|e| e.id.clone())
    }

    /// What a live lookup of `record` returns now: the admin override if any, else the
    /// seeded profile, cleared if a remediation succeeded.
    pub fn live_profile(
        &self,
        seed: u64,
        drift: Drift,
        at: DateTime<Utc>,
        record: &NumberRecord,
    ) -> Option<Profile> {
        let base = match self.overrides.get(&record.phone_number) {
            Some(profile) => profile.clone(),
            None => Some(match drift {
                Drift::PerCheck => Profile::at_epoch(seed, &record.phone_number, record.epoch),
                Drift::Timed(timed) => timed.profile_at(seed, &record.phone_number, at),
            }),
        };
        if record.remediated {
            base.map(|p| p.cleared())
        } else {
            base
        }
    }
}

/// The whole emulated world.
#[derive(Debug, Default)]
pub struct World {
    /// Accounts by API key.
    pub accounts: HashMap<String, Account>,
    /// Injected faults.
    pub faults: Faults,
    /// Webhook delivery queue and log.
    pub deliveries: Deliveries,
}

impl World {
    /// The account for `key`, created on first use.
    pub fn account(&mut self, key: &str) -> &mut Account {
        // Look up before inserting: the common case allocates no key.
        if !self.accounts.contains_key(key) {
            let account = match self.take_restored(key) {
                Some(restored) => restored,
                None => Account::new(key),
            };
            self.accounts.insert(key.to_string(), account);
        }
        self.accounts
            .get_mut(key)
            .expect("the account was just inserted")
    }

    /// The account of `key` as a state file restored it (under the key's digest), given its
    /// key back, with its queued and logged deliveries; `None` if there is none.
    pub fn take_restored(&mut self, key: &str) -> Option<Account> {
        if self.accounts.is_empty() {
            return None;
        }
        let digest = crate::keys::key_digest(key);
        let mut account = self.accounts.remove(&digest)?;
        account.rekey(key);
        self.deliveries.rekey(&digest, key);
        Some(account)
    }

    /// Move an account's pending events to the delivery queue; whether any moved.
    pub(crate) fn drain_outbox(&mut self, key: &str) -> bool {
        let Some(account) = self.accounts.get_mut(key) else {
            return false;
        };
        let events = std::mem::take(&mut account.outbox.events);
        let any = !events.is_empty();
        self.deliveries.queue.extend(events);
        any
    }
}
