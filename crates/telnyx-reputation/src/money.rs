//! Money: [`Usd`] (integer micro-dollars, so sums never drift), the [`PriceTable`] of every
//! billable action, and [`Amount`], a sum of dollars that says when part of it is unknown.
//!
//! The prices themselves, with the date and the page they were read from, are the
//! [`crate::PRICES`] table beside the operations table; a client can be given other prices
//! ([`crate::ClientBuilder::prices`], [`crate::ClientOptions`]'s `prices`). A price the
//! pricing page does not state is *unknown* (`None`), and every figure that depends on it
//! says so ([`Amount::unknown`]) rather than guessing.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::Error;

/// US dollars as integer micro-dollars (1 USD = 1,000,000): exact for every price and sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usd(u64);

const MICROS: u64 = 1_000_000;

impl Usd {
    /// Zero dollars.
    pub const ZERO: Usd = Usd(0);

    /// An amount in micro-dollars.
    pub const fn from_micros(micros: u64) -> Usd {
        Usd(micros)
    }

    /// An amount in cents.
    pub const fn from_cents(cents: u64) -> Usd {
        Usd(cents * 10_000)
    }

    /// The amount in micro-dollars.
    pub const fn micros(self) -> u64 {
        self.0
    }

    /// `self × units`, `None` on overflow.
    pub fn checked_mul(self, units: u64) -> Option<Usd> {
        self.0.checked_mul(units).map(Usd)
    }

    /// `self + other`, saturating.
    pub fn saturating_add(self, other: Usd) -> Usd {
        Usd(self.0.saturating_add(other.0))
    }

    /// `self - other`, saturating at zero.
    pub fn saturating_sub(self, other: Usd) -> Usd {
        Usd(self.0.saturating_sub(other.0))
    }

    /// The decimal form without the dollar sign: at least two decimals, more only when the
    /// amount has them (`"0.10"`, `"2200.00"`, `"0.000001"`).
    pub fn to_decimal(self) -> String {
        let whole = self.0 / MICROS;
        let frac = format!("{:06}", self.0 % MICROS);
        let frac = frac.trim_end_matches('0');
        let frac = if frac.len() < 2 {
            format!("{frac:0<2}")
        } else {
            frac.to_owned()
        };
        format!("{whole}.{frac}")
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${}", self.to_decimal())
    }
}

impl FromStr for Usd {
    type Err = Error;

    /// `"25"`, `"25.00"`, `"$0.10"`, `"0.000001"`: a non-negative decimal with at most six
    /// decimals (finer amounts cannot be represented and are refused, never rounded).
    fn from_str(text: &str) -> Result<Usd, Error> {
        let invalid = || {
            Error::invalid(format!(
                "{text:?} is not an amount of US dollars (expected e.g. 25.00, at most 6 decimals)"
            ))
        };
        let digits = text.trim();
        let digits = digits.strip_prefix('$').unwrap_or(digits);
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty())
            || !all_digits(whole)
            || !all_digits(frac)
            || frac.len() > 6
        {
            return Err(invalid());
        }
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| invalid())?
        };
        let frac: u64 = format!("{frac:0<6}").parse().map_err(|_| invalid())?;
        whole
            .checked_mul(MICROS)
            .and_then(|w| w.checked_add(frac))
            .map(Usd)
            .ok_or_else(invalid)
    }
}

impl Serialize for Usd {
    /// A decimal string (`"0.10"`): exact in every language, unlike a float.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_decimal())
    }
}

impl<'de> Deserialize<'de> for Usd {
    /// A decimal string or a number (`"0.10"`, `0.1`, `25`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => s,
            // A float's shortest round-trip form (`0.1` → "0.1") is the decimal it was
            // written as, so no binary rounding reaches the micro-dollars.
            serde_json::Value::Number(n) => n.to_string(),
            other => {
                return Err(de::Error::custom(format!(
                    "expected an amount of US dollars, got {other}"
                )));
            }
        };
        text.parse().map_err(de::Error::custom)
    }
}

/// Everything Telnyx prices, named as the emulator's ledger names it (plus the monthly
/// monitoring fee, which no request triggers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceItem {
    /// The monthly fee of an enterprise with Number Reputation enabled.
    Monitoring,
    /// Enabling Number Reputation for an enterprise.
    Enable,
    /// A number added for monitoring.
    NumbersAdded,
    /// A fresh (live) reputation check, including the first cached read of a number
    /// without data.
    LiveLookups,
    /// A number refreshed on demand.
    Refreshes,
    /// A number re-checked by the enterprise's `check_frequency` schedule.
    ScheduledRefresh,
    /// A number submitted for remediation.
    Remediations,
}

impl PriceItem {
    /// Every item, in the table's order.
    pub const ALL: [PriceItem; 7] = [
        PriceItem::Monitoring,
        PriceItem::Enable,
        PriceItem::NumbersAdded,
        PriceItem::LiveLookups,
        PriceItem::Refreshes,
        PriceItem::ScheduledRefresh,
        PriceItem::Remediations,
    ];

    /// The stable name (`monitoring`, `numbers_added`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            PriceItem::Monitoring => "monitoring",
            PriceItem::Enable => "enable",
            PriceItem::NumbersAdded => "numbers_added",
            PriceItem::LiveLookups => "live_lookups",
            PriceItem::Refreshes => "refreshes",
            PriceItem::ScheduledRefresh => "scheduled_refresh",
            PriceItem::Remediations => "remediations",
        }
    }

    /// The item named `name`, if any.
    pub fn from_name(name: &str) -> Option<PriceItem> {
        PriceItem::ALL.into_iter().find(|i| i.as_str() == name)
    }
}

impl fmt::Display for PriceItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one unit of a [`PriceItem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PriceUnit {
    /// One enterprise for one month.
    EnterpriseMonth,
    /// One enterprise enabled.
    EnterpriseEnabled,
    /// One number added.
    NumberAdded,
    /// One reputation check of one number.
    Check,
    /// One number submitted for remediation.
    NumberRemediated,
}

impl PriceUnit {
    /// The unit as words: `enterprise-month`, `check`, `number remediated`, …
    pub fn as_str(self) -> &'static str {
        match self {
            PriceUnit::EnterpriseMonth => "enterprise-month",
            PriceUnit::EnterpriseEnabled => "enterprise enabled",
            PriceUnit::NumberAdded => "number added",
            PriceUnit::Check => "check",
            PriceUnit::NumberRemediated => "number remediated",
        }
    }
}

impl fmt::Display for PriceUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the price table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Price {
    /// What is priced.
    pub item: PriceItem,
    /// Per what.
    pub unit: PriceUnit,
    /// The price of one unit; `None` when the source does not state it (unknown).
    #[serde(serialize_with = "price_value::serialize")]
    pub usd: Option<Usd>,
    /// Where the price was read.
    pub source: String,
    /// When it was read (e.g. `2026-12`).
    pub read: String,
}

/// Prices of every [`PriceItem`]; [`PriceTable::default`] is the published table
/// ([`crate::PRICES`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PriceTable {
    rows: Vec<Price>,
}

impl Default for PriceTable {
    fn default() -> Self {
        PriceTable {
            rows: crate::operations::PRICES
                .iter()
                .map(|p| Price {
                    item: p.item,
                    unit: p.unit,
                    usd: p.micros.map(Usd::from_micros),
                    source: p.source.to_owned(),
                    read: p.read.to_owned(),
                })
                .collect(),
        }
    }
}

impl PriceTable {
    /// Every row, in [`PriceItem::ALL`] order.
    pub fn rows(&self) -> &[Price] {
        &self.rows
    }

    /// The row of `item`.
    pub fn get(&self, item: PriceItem) -> &Price {
        self.rows
            .iter()
            .find(|p| p.item == item)
            .expect("the price table has a row for every item")
    }

    /// The unit price of `item` (`None`: unknown).
    pub fn usd(&self, item: PriceItem) -> Option<Usd> {
        self.get(item).usd
    }

    /// What `units` of `item` cost.
    pub fn cost(&self, item: PriceItem, units: u64) -> Amount {
        let mut amount = Amount::default();
        amount.add(self, item, units);
        amount
    }

    /// The published table with `overrides` applied; an override without a source gets
    /// `default_source`, one without a date gets `read`.
    pub fn with_overrides(
        mut self,
        overrides: &PriceOverrides,
        default_source: &str,
        read: &str,
    ) -> PriceTable {
        for (item, o) in &overrides.0 {
            if let Some(row) = self.rows.iter_mut().find(|p| p.item == *item) {
                row.usd = o.usd;
                row.source = o
                    .source
                    .clone()
                    .unwrap_or_else(|| default_source.to_owned());
                row.read = o.read.clone().unwrap_or_else(|| read.to_owned());
            }
        }
        self
    }

    /// The published table with the overrides of a JSON value (see [`PriceOverrides`]).
    pub fn from_json(value: serde_json::Value) -> Result<PriceTable, Error> {
        let overrides = PriceOverrides::from_json(value)?;
        Ok(PriceTable::default().with_overrides(&overrides, "override", "unknown"))
    }
}

/// Price overrides: a map from item name to either the price (`0.12`, `"0.12"`,
/// `"unknown"`) or `{usd, source, read}`:
///
/// ```
/// use telnyx_reputation::{PriceItem, PriceTable, Usd};
///
/// let table = PriceTable::from_json(serde_json::json!({
///     "live_lookups": "0.08",
///     "numbers_added": {"usd": 0.05, "source": "our contract", "read": "2027-01"},
/// }))?;
/// assert_eq!(table.usd(PriceItem::LiveLookups), Some(Usd::from_cents(8)));
/// assert_eq!(table.get(PriceItem::NumbersAdded).source, "our contract");
/// # Ok::<(), telnyx_reputation::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PriceOverrides(pub BTreeMap<PriceItem, PriceOverride>);

impl PriceOverrides {
    /// Read overrides from JSON; a misspelt item or a bad amount is an
    /// [`Error::InvalidInput`] naming it.
    pub fn from_json(value: serde_json::Value) -> Result<PriceOverrides, Error> {
        let serde_json::Value::Object(map) = value else {
            return Err(Error::invalid(
                "prices: expected a map from item name to price",
            ));
        };
        let mut overrides = BTreeMap::new();
        for (name, value) in map {
            let item = PriceItem::from_name(&name).ok_or_else(|| {
                let known: Vec<&str> = PriceItem::ALL.iter().map(|i| i.as_str()).collect();
                Error::invalid(format!(
                    "prices: unknown item `{name}`, expected one of {}",
                    known.join(", ")
                ))
            })?;
            let price = PriceOverride::deserialize(value)
                .map_err(|e| Error::invalid(format!("prices: {name}: {e}")))?;
            overrides.insert(item, price);
        }
        Ok(PriceOverrides(overrides))
    }
}

impl<'de> Deserialize<'de> for PriceOverrides {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        PriceOverrides::from_json(value).map_err(de::Error::custom)
    }
}

/// One overridden price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceOverride {
    /// The unit price; `None`: unknown.
    #[serde(serialize_with = "price_value::serialize")]
    pub usd: Option<Usd>,
    /// Where it comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<String>,
}

impl<'de> Deserialize<'de> for PriceOverride {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            #[serde(deserialize_with = "price_value::deserialize")]
            usd: Option<Usd>,
            #[serde(default)]
            source: Option<String>,
            #[serde(default)]
            read: Option<String>,
        }
        let value = serde_json::Value::deserialize(d)?;
        if value.is_object() {
            let full = Full::deserialize(value).map_err(de::Error::custom)?;
            return Ok(PriceOverride {
                usd: full.usd,
                source: full.source,
                read: full.read,
            });
        }
        Ok(PriceOverride {
            usd: price_value::deserialize(value).map_err(de::Error::custom)?,
            source: None,
            read: None,
        })
    }
}

/// A price: a [`Usd`] amount or the string `"unknown"` (`None`).
mod price_value {
    use serde::{Deserialize, Deserializer, Serializer, de};

    use super::Usd;

    pub fn serialize<S: Serializer>(value: &Option<Usd>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(usd) => s.serialize_str(&usd.to_decimal()),
            None => s.serialize_str("unknown"),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Usd>, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        if value.as_str() == Some("unknown") {
            return Ok(None);
        }
        Usd::deserialize(value).map(Some).map_err(de::Error::custom)
    }
}

/// A sum of dollars: the part whose prices are known, and the units of each item whose
/// price is unknown (then the sum is a lower bound and says so).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amount {
    /// Dollars of the units with a known price.
    pub known: Usd,
    /// Units of items whose price is unknown.
    pub unknown: BTreeMap<PriceItem, u64>,
}

impl Amount {
    /// Add `units` of `item` at `table`'s price.
    pub fn add(&mut self, table: &PriceTable, item: PriceItem, units: u64) {
        if units == 0 {
            return;
        }
        match table.usd(item) {
            Some(price) => {
                let cost = price.checked_mul(units).unwrap_or(Usd(u64::MAX));
                self.known = self.known.saturating_add(cost);
            }
            None => *self.unknown.entry(item).or_default() += units,
        }
    }

    /// Add another amount.
    pub fn add_amount(&mut self, other: &Amount) {
        self.known = self.known.saturating_add(other.known);
        for (item, units) in &other.unknown {
            *self.unknown.entry(*item).or_default() += units;
        }
    }

    /// True when no part of the amount depends on an unknown price.
    pub fn is_exact(&self) -> bool {
        self.unknown.is_empty()
    }
}

impl fmt::Display for Amount {
    /// `$12.30`, or `$12.30 + unknown (500 numbers_added)` when part of it is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.known)?;
        if !self.is_exact() {
            let parts: Vec<String> = self
                .unknown
                .iter()
                .map(|(item, units)| format!("{units} {item}"))
                .collect();
            write!(f, " + unknown ({})", parts.join(", "))?;
        }
        Ok(())
    }
}

impl Serialize for Amount {
    /// `{"usd": "12.30", "exact": false, "unknown_units": {"numbers_added": 500}}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("usd", &self.known)?;
        map.serialize_entry("exact", &self.is_exact())?;
        map.serialize_entry("unknown_units", &self.unknown)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn dollars_parse_and_print_exactly() {
        for (text, micros) in [
            ("25.00", 25_000_000),
            ("$0.10", 100_000),
            ("0.000001", 1),
            ("100", 100_000_000),
            (".5", 500_000),
        ] {
            assert_eq!(text.parse::<Usd>().unwrap().micros(), micros, "{text}");
        }
        for bad in ["", "-1", "1.0000001", "1,00", "abc", "."] {
            assert!(bad.parse::<Usd>().is_err(), "{bad}");
        }
        assert_eq!(Usd::from_cents(10).to_string(), "$0.10");
        assert_eq!(Usd::from_micros(1).to_string(), "$0.000001");
        assert_eq!(Usd::from_micros(2_200_000_000).to_string(), "$2200.00");
    }

    #[test]
    fn ten_cents_a_thousand_times_is_exactly_one_hundred_dollars() {
        let mut total = Usd::ZERO;
        for _ in 0..1000 {
            total = total.saturating_add(Usd::from_cents(10));
        }
        assert_eq!(total, Usd::from_cents(10_000));
        // A float sum of 0.1 a thousand times is not 100.
        assert_ne!((0..1000).map(|_| 0.1_f64).sum::<f64>(), 100.0);
    }

    #[test]
    fn the_published_table_has_every_item_and_marks_the_unstated_ones_unknown() {
        let table = PriceTable::default();
        assert_eq!(
            table.rows().iter().map(|p| p.item).collect::<Vec<_>>(),
            PriceItem::ALL
        );
        assert_eq!(
            table.usd(PriceItem::Monitoring),
            Some(Usd::from_cents(10_000))
        );
        assert_eq!(table.usd(PriceItem::LiveLookups), Some(Usd::from_cents(10)));
        assert_eq!(
            table.usd(PriceItem::Remediations),
            Some(Usd::from_cents(100))
        );
        assert_eq!(table.usd(PriceItem::NumbersAdded), None);
        assert_eq!(table.usd(PriceItem::Enable), None);
        for row in table.rows() {
            assert!(!row.source.is_empty() && !row.read.is_empty(), "{row:?}");
        }
        let amount = table.cost(PriceItem::NumbersAdded, 500);
        assert_eq!(amount.to_string(), "$0.00 + unknown (500 numbers_added)");
        assert!(!amount.is_exact());
    }

    #[test]
    fn overrides_replace_prices_and_name_their_source() {
        let table = PriceTable::from_json(json!({
            "numbers_added": 0.05,
            "live_lookups": {"usd": "0.08", "source": "contract", "read": "2027-01"},
            "remediations": "unknown",
        }))
        .unwrap();
        assert_eq!(table.usd(PriceItem::NumbersAdded), Some(Usd::from_cents(5)));
        assert_eq!(table.get(PriceItem::NumbersAdded).source, "override");
        assert_eq!(table.get(PriceItem::LiveLookups).read, "2027-01");
        assert_eq!(table.usd(PriceItem::Remediations), None);
        let e = PriceTable::from_json(json!({"live_lookup": 1})).unwrap_err();
        assert!(e.to_string().contains("live_lookup"), "{e}");
        let e = PriceTable::from_json(json!({"live_lookups": -1})).unwrap_err();
        assert!(e.to_string().contains("live_lookups"), "{e}");
        let written = serde_json::to_value(&table).unwrap();
        assert_eq!(written[3]["usd"], "0.08");
        assert_eq!(written[6]["usd"], "unknown");
        assert_eq!(written[0]["unit"], "enterprise-month");
    }
}
