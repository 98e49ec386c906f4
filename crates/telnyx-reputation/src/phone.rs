//! `PhoneNumber`: a US E.164 number (`+1` NPA NXX XXXX, NPA and NXX starting 2–9), the only
//! kind the Number Reputation API accepts, plus the batch parser every method taking numbers
//! uses so that all of them are checked before any I/O. Other input checks live in `validate`.
//!
//! `+1` is shared by the whole North American Numbering Plan: Canada and the Caribbean
//! members use it too. Which region an area code belongs to comes from the `phonenumber`
//! crate (a port of libphonenumber, whose metadata is maintained upstream), read at build
//! time by `telnyx-reputation-api`'s `build.rs` into `telnyx_reputation_api::nanp` (the
//! table the emulator's add path uses too), not from a list kept here; a number of any region but `US` is rejected
//! naming that region. A `+1` number whose area code no region claims is left to the server.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use telnyx_reputation_api::nanp;

use crate::Error;

/// A validated US E.164 phone number such as `+12025551234`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parse and validate a US E.164 number.
    pub fn parse(text: &str) -> Result<Self, Error> {
        if let Some(why) = problem(text) {
            return Err(Error::invalid(format!(
                "{text} is not a US E.164 number: {why}"
            )));
        }
        if let Some(region) = non_us_region(text) {
            return Err(Error::invalid(format!(
                "{text} is not a US number: area code {} is in region {region} of the North \
                 American Numbering Plan; Number Reputation monitors US numbers only",
                &text[2..5]
            )));
        }
        Ok(PhoneNumber(text.to_owned()))
    }

    /// The number as sent on the wire, e.g. `+12025551234`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What is wrong with `text`, or `None` when it is a valid US E.164 number.
fn problem(text: &str) -> Option<&'static str> {
    let Some(digits) = text.strip_prefix("+1") else {
        return Some("expected +1 followed by 10 digits");
    };
    if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some("expected +1 followed by 10 digits");
    }
    let bytes = digits.as_bytes();
    if !(b'2'..=b'9').contains(&bytes[0]) {
        return Some("the area code (NPA) must start with 2-9");
    }
    if !(b'2'..=b'9').contains(&bytes[3]) {
        return Some("the exchange (NXX) must start with 2-9");
    }
    None
}

/// The NANP region of a structurally valid `+1` number when it is not the US, e.g. `CA`.
///
/// Non-US NANP regions are claimed by area code, so the answer depends on the NPA alone; the
/// table of those area codes is built from libphonenumber's metadata when the crate is
/// compiled (`telnyx_reputation_api::nanp`), because loading the metadata in the process costs far more than the
/// rest of validation (about 90 ms of CPU on the first number).
fn non_us_region(text: &str) -> Option<&'static str> {
    match nanp::region(nanp::area_code(text)?) {
        nanp::Region::Other(region) => Some(region),
        _ => None,
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        PhoneNumber::parse(s)
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self, Error> {
        PhoneNumber::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        PhoneNumber::parse(&s)
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<PhoneNumber> for String {
    fn from(n: PhoneNumber) -> String {
        n.0
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        PhoneNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Validate one number given for parameter `field`.
pub(crate) fn parse_one(field: &str, text: &str) -> Result<PhoneNumber, Error> {
    PhoneNumber::parse(text).map_err(|e| Error::invalid(format!("{field}: {}", bare(&e))))
}

/// Validate every number of a batch (all of them, before any I/O) and its size.
pub(crate) fn parse_batch<I, S>(
    field: &str,
    numbers: I,
    min: usize,
    max: usize,
) -> Result<Vec<String>, Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let parsed = parse_all(field, numbers, " (the server refuses duplicates)")?;
    if parsed.len() < min || parsed.len() > max {
        return Err(Error::invalid(format!(
            "{field}: expected {min} to {max} numbers, got {}",
            parsed.len()
        )));
    }
    Ok(parsed)
}

/// Most problems listed in one `InvalidInput` message; the rest are counted (every one
/// still has its entry in the error's `errors`).
const MAX_LISTED_PROBLEMS: usize = 20;

/// Validate every number of a bulk input (all of them, before any I/O): at least one, each
/// a US E.164 number, none repeated. The message names the index and value of each problem.
pub(crate) fn parse_distinct<I, S>(field: &str, numbers: I) -> Result<Vec<String>, Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let parsed = parse_all(field, numbers, "")?;
    if parsed.is_empty() {
        return Err(Error::invalid(format!(
            "{field}: expected at least 1 number"
        )));
    }
    Ok(parsed)
}

/// Every number parsed, in order, or one `InvalidInput` listing each problem in index
/// order: a number that is not US E.164, or one repeating an earlier one (`repeat_note`
/// ends that message). Repeats are found by borrowing the parsed numbers, not copying them.
fn parse_all<I, S>(field: &str, numbers: I, repeat_note: &str) -> Result<Vec<String>, Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for (index, number) in numbers.into_iter().enumerate() {
        match PhoneNumber::parse(number.as_ref()) {
            Ok(n) => parsed.push((index, n.0)),
            Err(e) => problems.push((
                index,
                Error::invalid(format!("{field}[{index}]: {}", bare(&e))),
            )),
        }
    }
    let mut first_at: HashMap<&str, usize> = HashMap::with_capacity(parsed.len());
    for (index, number) in &parsed {
        match first_at.entry(number.as_str()) {
            Entry::Occupied(first) => problems.push((
                *index,
                Error::invalid(format!(
                    "{field}[{index}]: {number} repeats {field}[{}]{repeat_note}",
                    first.get()
                )),
            )),
            Entry::Vacant(slot) => {
                slot.insert(*index);
            }
        }
    }
    // Each index has at most one problem: it did not parse, or it repeats.
    problems.sort_unstable_by_key(|(index, _)| *index);
    let problems = problems.into_iter().map(|(_, problem)| problem).collect();
    if let Some(all) = Error::invalid_all(problems, MAX_LISTED_PROBLEMS) {
        return Err(all);
    }
    Ok(parsed.into_iter().map(|(_, number)| number).collect())
}

/// The message of an `InvalidInput` without its "invalid input: " prefix.
fn bare(e: &Error) -> String {
    match e {
        Error::InvalidInput { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canadian_and_caribbean_numbers_are_rejected_naming_the_region() {
        for (number, region) in [
            ("+14165550123", "CA"),
            ("+16045550123", "CA"),
            ("+15145550123", "CA"),
            ("+18675550123", "CA"),
            ("+12045550123", "CA"),
            ("+18095550123", "DO"),
            ("+18765550123", "JM"),
            ("+12425550123", "BS"),
        ] {
            let e = PhoneNumber::parse(number).unwrap_err().to_string();
            assert!(
                e.contains(&format!("in region {region}")) && e.contains(number),
                "{number}: {e}"
            );
        }
        for us in [
            "+12025551234",
            "+13035550000",
            "+14155550100",
            "+13125550000",
            "+12125550123",
            "+19075550123",
            "+18085550123",
        ] {
            assert!(PhoneNumber::parse(us).is_ok(), "{us}");
        }
    }

    #[test]
    fn other_regions_come_from_the_build_time_area_code_table() {
        assert_eq!(non_us_region("+14165550123"), Some("CA"));
        assert_eq!(non_us_region("+17875550123"), Some("PR"));
        assert_eq!(non_us_region("+12025550123"), None);
        for &(area_code, region) in nanp::NON_US_AREA_CODES {
            assert_eq!(
                non_us_region(&format!("+1{area_code}5550123")),
                Some(region)
            );
        }
    }

    #[test]
    fn accepts_us_e164() {
        let n: PhoneNumber = "+12025551234".parse().unwrap();
        assert_eq!(n.to_string(), "+12025551234");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"+12025551234\"");
    }

    #[test]
    fn rejects_with_a_clear_message() {
        let e = PhoneNumber::parse("+44 20 7946 0958").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid input: +44 20 7946 0958 is not a US E.164 number: expected +1 followed by 10 digits"
        );
        for bad in [
            "2025551234",
            "+1202555123",
            "+120255512345",
            "+1202555123a",
            "+12025551234 ",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
        let npa = PhoneNumber::parse("+11025551234").unwrap_err().to_string();
        assert!(npa.contains("area code (NPA) must start with 2-9"), "{npa}");
        let nxx = PhoneNumber::parse("+12021551234").unwrap_err().to_string();
        assert!(nxx.contains("exchange (NXX) must start with 2-9"), "{nxx}");
    }

    #[test]
    fn serde_rejects_invalid() {
        assert!(serde_json::from_str::<PhoneNumber>("\"+15\"").is_err());
    }

    #[test]
    fn batch_names_index_and_value() {
        let e = parse_batch("phone_numbers", ["+12025551234", "+4420", "bad"], 1, 100).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid input: phone_numbers[1]: +4420 is not a US E.164 number: expected +1 followed by 10 digits; \
             phone_numbers[2]: bad is not a US E.164 number: expected +1 followed by 10 digits"
        );
    }

    #[test]
    fn distinct_rejects_repeats_and_bad_numbers_naming_each() {
        let e =
            parse_distinct("phone_numbers", ["+12025551234", "+4420", "+12025551234"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid input: phone_numbers[1]: +4420 is not a US E.164 number: expected +1 followed by 10 digits; \
             phone_numbers[2]: +12025551234 repeats phone_numbers[0]"
        );
        // Listed in index order, a repeat before a bad number too.
        let e = parse_batch(
            "phone_numbers",
            ["+12025551234", "+12025551234", "+4420"],
            1,
            100,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid input: phone_numbers[1]: +12025551234 repeats phone_numbers[0] (the server \
             refuses duplicates); phone_numbers[2]: +4420 is not a US E.164 number: expected +1 \
             followed by 10 digits"
        );
        let empty: [&str; 0] = [];
        assert!(parse_distinct("phone_numbers", empty).is_err());
        let ok = parse_distinct("phone_numbers", ["+12025551234", "+12025551235"]).unwrap();
        assert_eq!(ok, ["+12025551234", "+12025551235"]);
    }

    #[test]
    fn distinct_lists_the_first_problems_and_counts_the_rest() {
        let bad: Vec<String> = (0..25).map(|i| format!("bad{i}")).collect();
        let message = parse_distinct("phone_numbers", &bad)
            .unwrap_err()
            .to_string();
        assert!(message.contains("phone_numbers[19]: bad19"), "{message}");
        assert!(!message.contains("phone_numbers[20]"), "{message}");
        assert!(message.ends_with("; and 5 more"), "{message}");
    }

    #[test]
    fn batch_limits() {
        let empty: [&str; 0] = [];
        assert!(parse_batch("phone_numbers", empty, 1, 100).is_err());
        let many: Vec<String> = (0..101).map(|i| format!("+1202555{i:04}")).collect();
        let e = parse_batch("phone_numbers", &many, 1, 100).unwrap_err();
        assert!(e.to_string().contains("expected 1 to 100 numbers, got 101"));
        assert_eq!(
            parse_batch("phone_numbers", &many[..100], 1, 100)
                .unwrap()
                .len(),
            100
        );
    }
}
