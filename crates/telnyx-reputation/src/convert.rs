//! The one place generated-client types become facade types (and facade request structs
//! become generated bodies).
//!
//! Every response conversion takes the generated struct apart with an exhaustive `let`
//! pattern (no `..`), so when `cargo xtask codegen` adds a field to a contract schema the
//! compiler names this function until the facade model carries the field (or the pattern
//! drops it on purpose with `field: _` and a comment). Request bodies still go through
//! `serde_json`: the generated types' `TryFrom` checks are the length and pattern rules.

use serde::Serialize;
use serde::de::DeserializeOwned;
use telnyx_reputation_api::types as g;

use crate::Error;
use crate::enums::*;
use crate::models::*;

/// Build a generated request body from a facade request struct: its `TryFrom` checks are the
/// contract's length and pattern rules, so a failure is invalid input.
pub(crate) fn request_body<A: Serialize, B: DeserializeOwned>(
    field: &str,
    value: &A,
) -> Result<B, Error> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| Error::invalid(format!("{field}: {e}")))
}

fn address(a: g::PhysicalAddress) -> PhysicalAddress {
    let g::PhysicalAddress {
        street_address,
        extended_address,
        city,
        administrative_area,
        postal_code,
        country,
    } = a;
    PhysicalAddress {
        street_address,
        extended_address,
        city,
        administrative_area,
        postal_code,
        country: country.0,
    }
}

fn billing_contact(c: g::BillingContact) -> BillingContact {
    let g::BillingContact {
        first_name,
        last_name,
        email,
        phone_number,
    } = c;
    BillingContact {
        first_name: first_name.into(),
        last_name: last_name.into(),
        email,
        phone_number,
    }
}

fn organization_contact(c: g::OrganizationContact) -> OrganizationContact {
    let g::OrganizationContact {
        first_name,
        last_name,
        email,
        job_title,
        phone_number,
    } = c;
    OrganizationContact {
        first_name,
        last_name,
        email,
        job_title,
        phone_number,
    }
}

pub(crate) fn enterprise(e: g::Enterprise) -> Enterprise {
    let g::Enterprise {
        id,
        legal_name,
        doing_business_as,
        organization_type,
        organization_legal_type,
        country_code,
        jurisdiction_of_incorporation,
        website,
        fein,
        industry,
        number_of_employees,
        organization_contact: contact,
        billing_contact: billing,
        organization_physical_address,
        billing_address,
        corporate_registration_number,
        customer_reference,
        dun_bradstreet_number,
        primary_business_domain_sic_code,
        professional_license_number,
        role_type,
        number_reputation_enabled,
        branded_calling_enabled,
        bpo_verification_status,
        bpo_verification_rejection_reason,
        created_at,
        updated_at,
    } = e;
    Enterprise {
        id: id.to_string(),
        legal_name,
        doing_business_as,
        organization_type: OrganizationType::from_wire(&organization_type.0),
        organization_legal_type: OrganizationLegalType::from_wire(&organization_legal_type.0),
        country_code,
        jurisdiction_of_incorporation,
        website,
        fein,
        industry: industry.0,
        number_of_employees: NumberOfEmployees::from_wire(&number_of_employees.0),
        organization_contact: organization_contact(contact),
        billing_contact: billing_contact(billing),
        organization_physical_address: address(organization_physical_address),
        billing_address: address(billing_address),
        corporate_registration_number,
        customer_reference,
        dun_bradstreet_number,
        primary_business_domain_sic_code,
        professional_license_number,
        role_type: role_type.map(|r| RoleType::from_wire(&r.0)),
        number_reputation_enabled,
        branded_calling_enabled,
        bpo_verification_status: bpo_verification_status.map(|s| GateStatus::from_wire(&s.0)),
        bpo_verification_rejection_reason,
        created_at,
        updated_at,
    }
}

pub(crate) fn document(d: g::Document) -> Document {
    let g::Document {
        id,
        filename,
        content_type,
        size,
        sha256,
        status,
        av_scan_status,
        customer_reference,
        created_at,
        updated_at,
        // Always `"document"`: the facade's type says what it is.
        record_type: _,
    } = d;
    Document {
        id: id.to_string(),
        filename,
        content_type,
        size: size.map(|s| {
            let g::DocumentSize { amount, unit } = s;
            DocumentSize { amount, unit }
        }),
        sha256,
        status: status.map(|s| s.0),
        av_scan_status: av_scan_status.map(|s| s.0),
        customer_reference,
        created_at,
        updated_at,
    }
}

pub(crate) fn settings(s: g::ReputationSettings) -> ReputationSettings {
    let g::ReputationSettings {
        enterprise_id,
        status,
        loa_status,
        check_frequency,
        loa_document_id,
        rejection_reasons,
        external_verification_status,
        webhook_url,
        created_at,
        updated_at,
    } = s;
    ReputationSettings {
        enterprise_id: enterprise_id.to_string(),
        status: ReputationStatus::from_wire(&status.0),
        loa_status: GateStatus::from_wire(&loa_status.0),
        check_frequency: CheckFrequency::from_wire(&check_frequency.0),
        loa_document_id,
        rejection_reasons: rejection_reasons.unwrap_or_default(),
        external_verification_status: external_verification_status
            .map(|v| GateStatus::from_wire(&v.0)),
        webhook_url,
        created_at,
        updated_at,
    }
}

fn reputation_data(d: g::ReputationData) -> ReputationData {
    let g::ReputationData {
        spam_risk,
        spam_category,
        maturity_score,
        connection_score,
        engagement_score,
        sentiment_score,
        last_refreshed_at,
    } = d;
    ReputationData {
        spam_risk: spam_risk.map(|r| SpamRisk::from_wire(&r.0)),
        spam_category,
        maturity_score,
        connection_score,
        engagement_score,
        sentiment_score,
        last_refreshed_at,
    }
}

pub(crate) fn number(n: g::ReputationNumber) -> ReputationNumber {
    let g::ReputationNumber {
        id,
        enterprise_id,
        phone_number,
        reputation_data: data,
        source,
        ownership_status,
        flag_reason,
        confirm_by,
        removal_reason,
        removed_at,
        created_at,
        updated_at,
    } = n;
    ReputationNumber {
        id: id.to_string(),
        enterprise_id: enterprise_id.to_string(),
        phone_number,
        reputation_data: data.map(reputation_data),
        source: source.map(|s| NumberSource::from_wire(&s.0)),
        ownership_status: ownership_status.map(|s| OwnershipStatus::from_wire(&s.0)),
        flag_reason,
        confirm_by,
        removal_reason: removal_reason.map(|r| RemovalReason::from_wire(&r.0)),
        removed_at,
        created_at,
        updated_at,
    }
}

pub(crate) fn numbers(list: Vec<g::ReputationNumber>) -> Vec<ReputationNumber> {
    list.into_iter().map(number).collect()
}

pub(crate) fn meta(m: g::PaginationMeta) -> PageMeta {
    let g::PaginationMeta {
        page_number,
        page_size,
        total_pages,
        total_results,
    } = m;
    PageMeta {
        page_number: page_number.get(),
        page_size,
        total_pages,
        total_results,
    }
}

/// One JSON value read as the straight page decoding reads a timestamp (property tests).
#[cfg(test)]
pub(crate) fn wire_timestamp(json: &str) -> serde_json::Result<chrono::DateTime<chrono::Utc>> {
    wire::timestamp(&mut serde_json::Deserializer::from_str(json))
}

/// A timestamp's text read by the straight page decoding's fast path alone (`None` where it
/// leaves the text to chrono's parsers), for the property tests.
#[cfg(test)]
pub(crate) fn fast_timestamp(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    wire::utc_form(text)
}

/// One JSON value read as the straight page decoding reads an id (property tests).
#[cfg(test)]
pub(crate) fn wire_uuid(json: &str) -> serde_json::Result<String> {
    wire::uuid_text(&mut serde_json::Deserializer::from_str(json))
}

/// A generated page of numbers as the facade's page (the fallback of the direct decoding).
pub(crate) fn number_page(list: g::ReputationNumberList) -> Page<ReputationNumber> {
    let g::ReputationNumberList { data, meta: m } = list;
    Page {
        items: numbers(data),
        meta: meta(m),
    }
}

/// A page of numbers read straight from the list's JSON body into the facade's models (the
/// hot path of a sweep: no generated value to build and convert). As strict as the generated
/// `ReputationNumberList` it stands in for, and giving the same values as [`number_page`]
/// over it: ids must be UUIDs and come out in the canonical lowercase form the generated
/// `Uuid` prints, `reputation_data` must be present (it may be null), `page_number` must not
/// be 0. The test `direct_pages_decode_like_the_generated_types` holds the two together.
pub(crate) fn number_page_from_json(body: &[u8]) -> serde_json::Result<Page<ReputationNumber>> {
    let wire::NumberPage { data, meta: m } = wire::page(body)?;
    Ok(Page {
        items: data.0,
        meta: meta(m),
    })
}

mod wire {
    use std::fmt;

    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
    use serde::Deserialize;
    use serde::de::value::StrDeserializer;
    use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};

    use crate::enums::*;
    use crate::models::*;

    #[derive(Deserialize)]
    pub(super) struct NumberPage {
        pub data: Numbers,
        /// The generated type, as strict (`page_number` is a `NonZeroU64`).
        pub meta: super::g::PaginationMeta,
    }

    /// The page's items, each moved into the facade's model as it is read.
    pub(super) struct Numbers(pub Vec<ReputationNumber>);

    impl<'de> Deserialize<'de> for Numbers {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Items;
            impl<'de> Visitor<'de> for Items {
                type Value = Numbers;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    // `Vec`'s own words, as the generated list reads it.
                    f.write_str("a sequence")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Numbers, A::Error> {
                    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                    while seq.next_element_seed(Push(&mut items))?.is_some() {}
                    Ok(Numbers(items))
                }
            }
            d.deserialize_seq(Items)
        }
    }

    /// Reads one item straight into the facade's model and pushes it.
    struct Push<'a>(&'a mut Vec<ReputationNumber>);

    impl<'de> DeserializeSeed<'de> for Push<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            self.0.push(Number::deserialize(d)?);
            Ok(())
        }
    }

    /// `ReputationNumber` as the generated type reads it, with the facade's field types,
    /// built in place (serde's `remote`: no intermediate struct to move from).
    #[derive(Deserialize)]
    #[serde(remote = "ReputationNumber")]
    struct Number {
        #[serde(deserialize_with = "uuid_text")]
        id: String,
        #[serde(deserialize_with = "uuid_text")]
        enterprise_id: String,
        phone_number: String,
        /// Required, and may be null (as in the generated type).
        #[serde(deserialize_with = "reputation_data")]
        reputation_data: Option<ReputationData>,
        source: Option<NumberSource>,
        ownership_status: Option<OwnershipStatus>,
        flag_reason: Option<String>,
        #[serde(default, deserialize_with = "optional_timestamp")]
        confirm_by: Option<DateTime<Utc>>,
        removal_reason: Option<RemovalReason>,
        #[serde(default, deserialize_with = "optional_timestamp")]
        removed_at: Option<DateTime<Utc>>,
        #[serde(deserialize_with = "timestamp")]
        created_at: DateTime<Utc>,
        #[serde(deserialize_with = "timestamp")]
        updated_at: DateTime<Utc>,
    }

    /// `ReputationData` as the generated type reads it, with the facade's field types.
    #[derive(Deserialize)]
    #[serde(remote = "ReputationData")]
    struct Data {
        spam_risk: Option<SpamRisk>,
        spam_category: Option<String>,
        maturity_score: Option<i64>,
        connection_score: Option<i64>,
        engagement_score: Option<i64>,
        sentiment_score: Option<i64>,
        #[serde(default, deserialize_with = "optional_timestamp")]
        last_refreshed_at: Option<DateTime<Utc>>,
    }

    /// A number's `reputation_data`: [`Data`], or null.
    fn reputation_data<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<ReputationData>, D::Error> {
        #[derive(Deserialize)]
        struct Present(#[serde(with = "Data")] ReputationData);
        Ok(Option::<Present>::deserialize(d)?.map(|Present(data)| data))
    }

    /// A UUID, refused otherwise exactly as `uuid::Uuid` refuses it, in the canonical text
    /// the generated `Uuid` prints (lowercase, hyphenated). Text already in that form is
    /// copied once it parsed; any other accepted form (upper case, no hyphens, braces, a
    /// URN) is printed, and anything refused goes through `Uuid`'s own `Deserialize` for its
    /// very error. (`serde_json` hands a string to nothing but `visit_str`.)
    pub(super) fn uuid_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // `uuid::Uuid`'s own words, for the same message on a wrong JSON type.
                f.write_str("a formatted UUID string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
                if is_canonical_uuid(text.as_bytes()) {
                    return Ok(text.to_owned());
                }
                match uuid::Uuid::try_parse(text) {
                    Ok(id) => Ok(canonical(id)),
                    Err(_) => {
                        uuid::Uuid::deserialize(StrDeserializer::<E>::new(text)).map(canonical)
                    }
                }
            }
        }
        d.deserialize_str(Text)
    }

    /// Whether `text` is a UUID in its canonical form already (`8-4-4-4-12` lowercase hex
    /// digits), which `uuid` reads and prints back unchanged: checked in one branch-free
    /// pass, where parsing it into bytes and testing the case after took twice as long.
    fn is_canonical_uuid(text: &[u8]) -> bool {
        const HYPHEN: [bool; 36] = {
            let mut at = [false; 36];
            at[8] = true;
            at[13] = true;
            at[18] = true;
            at[23] = true;
            at
        };
        let Ok(text) = <&[u8; 36]>::try_from(text) else {
            return false;
        };
        text.iter().zip(HYPHEN).fold(true, |ok, (&b, hyphen)| {
            let hex = (b.wrapping_sub(b'0') < 10) | (b.wrapping_sub(b'a') < 6);
            ok & if hyphen { b == b'-' } else { hex }
        })
    }

    fn canonical(id: uuid::Uuid) -> String {
        id.hyphenated()
            .encode_lower(&mut uuid::Uuid::encode_buffer())
            .to_owned()
    }

    /// A timestamp as `chrono`'s `Deserialize` reads it (its relaxed RFC 3339 `FromStr`),
    /// faster: the service's own form (`2026-04-26T18:06:51.940749Z`) straight into chrono's
    /// date and time constructors, then the strict `parse_from_rfc3339` (several times
    /// faster than the relaxed parser). What either accepts the relaxed parser reads to the
    /// same instant (the property test `wire_timestamps_read_as_chrono_reads_them`); anything
    /// they refuse goes through `chrono`'s own `Deserialize`, for its answer or its very error.
    pub(super) fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        d.deserialize_str(Timestamp)
    }

    /// [`timestamp`], absent or null as `None` (with `#[serde(default)]`, as chrono's
    /// `Option<DateTime<Utc>>` reads it).
    fn optional_timestamp<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        struct Optional;
        impl<'de> Visitor<'de> for Optional {
            type Value = Option<DateTime<Utc>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("option")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                timestamp(d).map(Some)
            }
        }
        d.deserialize_option(Optional)
    }

    struct Timestamp;

    impl Visitor<'_> for Timestamp {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            // `chrono`'s own words, for the same message on a wrong JSON type.
            f.write_str("an RFC 3339 formatted date and time string")
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
            if let Some(at) = utc_form(text) {
                return Ok(at);
            }
            match DateTime::<FixedOffset>::parse_from_rfc3339(text) {
                Ok(at) => Ok(at.with_timezone(&Utc)),
                Err(_) => DateTime::<Utc>::deserialize(StrDeserializer::<E>::new(text)),
            }
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.F]Z` (1 to 9 digits of fraction, no leap second), what the
    /// service writes, as chrono reads it; `None` for any other text, valid or not.
    pub(super) fn utc_form(text: &str) -> Option<DateTime<Utc>> {
        let (b'Z', text) = text.as_bytes().split_last()? else {
            return None;
        };
        let (head, fraction) = text.split_at_checked(19)?;
        // The head as three little-endian words (byte `i` in lane `i`), each XORed with its
        // template: a digit's lane holds its value (a byte gives 0..=9 exactly when it is a
        // digit) and a separator's lane 0 exactly when it is the one expected.
        let field = |at: usize, template: &Template| {
            let bytes: [u8; 8] = head[at..at + 8].try_into().expect("8 of the 19 bytes");
            template.read(bytes)
        };
        const DATE: Template = Template::of(b"0000-00-");
        const DAY_TIME: Template = Template::of(b"00T00:00");
        const TIME: Template = Template::of(b"00:00:00");
        const DIGITS: Template = Template::of(b"00000000");
        let date = field(0, &DATE)?;
        let day_time = field(8, &DAY_TIME)?;
        let time = field(11, &TIME)?;
        // Each lane times ten plus the next one: a two-digit field's value in its first lane.
        let pairs = |lanes: u64| lanes * 10 + (lanes >> 8);
        let lane = |lanes: u64, at: u32| (lanes >> (8 * at)) as u8 as u32;
        let (date, day_time, time) = (pairs(date), pairs(day_time), pairs(time));
        let year = lane(date, 0) * 100 + lane(date, 2);
        let (month, day) = (lane(date, 5), lane(day_time, 0));
        let (hour, minute, second) = (lane(day_time, 3), lane(day_time, 6), lane(time, 6));
        let nanos = match fraction {
            [] => 0,
            [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
                // The text's last eight bytes hold the fraction's last digits (up to eight) in
                // their top lanes: shifted down to the first lanes, they read as eight digits,
                // the fraction's then zeros, so the fraction times 10^(8 - its digits).
                let tail: [u8; 8] = text[text.len() - 8..].try_into().expect("past the head");
                let low = digits.len().min(8);
                let lanes = (u64::from_le_bytes(tail) ^ DIGITS.form) >> (8 * (8 - low));
                if !DIGITS.fits(lanes) {
                    return None;
                }
                let eight = eight_digits(lanes);
                match digits {
                    [first, _, _, _, _, _, _, _, _] => match first.wrapping_sub(b'0') {
                        d @ 0..=9 => u32::from(d) * 100_000_000 + eight,
                        _ => return None,
                    },
                    _ => eight * 10,
                }
            }
            _ => return None,
        };
        if second > 59 {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
        Some(date.and_time(time).and_utc())
    }

    /// Eight bytes of a timestamp's form: `0` where a digit goes, else the very separator.
    struct Template {
        /// The form, as a little-endian word.
        form: u64,
        /// Added to a lane of the text XORed with `form`: 0x76 to a digit's, 0x7f to a
        /// separator's, so that its top bit is set exactly when the lane is past 9 (past 0).
        limits: u64,
    }

    impl Template {
        const fn of(form: &[u8; 8]) -> Template {
            let mut limits = 0u64;
            let mut i = 0;
            while i < 8 {
                let limit: u64 = if form[i] == b'0' { 0x76 } else { 0x7f };
                limits |= limit << (8 * i);
                i += 1;
            }
            Template {
                form: u64::from_le_bytes(*form),
                limits,
            }
        }

        /// Eight bytes of text in this form as one digit value per lane (0 in a separator's),
        /// `None` when a digit is no digit or a separator not this one.
        fn read(&self, bytes: [u8; 8]) -> Option<u64> {
            let lanes = u64::from_le_bytes(bytes) ^ self.form;
            self.fits(lanes).then_some(lanes)
        }

        /// Whether text XORed with `form` holds a digit value (0..=9) in each digit's lane and
        /// 0 in each separator's. A lane whose top bit is set fails on its own, so a carry out
        /// of it into the next lane changes nothing.
        fn fits(&self, lanes: u64) -> bool {
            const TOP: u64 = 0x8080_8080_8080_8080;
            (lanes | lanes.wrapping_add(self.limits)) & TOP == 0
        }
    }

    /// Eight digit values, one per lane (the first in the lowest), as the number they write:
    /// pairs, then quads, then the eight, each step a multiply and a shift.
    fn eight_digits(lanes: u64) -> u32 {
        let pairs = (lanes * 10 + (lanes >> 8)) & 0x00ff_00ff_00ff_00ff;
        let quads = (pairs * 100 + (pairs >> 16)) & 0x0000_ffff_0000_ffff;
        ((quads * 10_000 + (quads >> 32)) & 0xffff_ffff) as u32
    }

    /// The body as text checked once, so that `serde_json` does not check every string on
    /// its own; a body that is no UTF-8 is read as bytes, for `serde_json`'s own error.
    pub(super) fn page(body: &[u8]) -> serde_json::Result<NumberPage> {
        match std::str::from_utf8(body) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(body),
        }
    }
}

pub(crate) fn refresh(r: g::RefreshResult) -> RefreshOutcome {
    let g::RefreshResult {
        results,
        total_requested,
        total_successful,
        total_failed,
    } = r;
    RefreshOutcome {
        results: results
            .into_iter()
            .map(|i| {
                let g::RefreshResultItem {
                    phone_number,
                    success,
                    error,
                } = i;
                RefreshResult {
                    phone_number,
                    success,
                    error,
                }
            })
            .collect(),
        total_requested,
        total_successful,
        total_failed,
    }
}

pub(crate) fn ownership(o: g::NumberOwnership) -> NumberOwnership {
    let g::NumberOwnership {
        phone_number,
        source,
        ownership_status,
        flag_reason,
        confirm_by,
        baseline_carrier,
        baseline_recorded_at,
        last_checked_at,
        history,
    } = o;
    NumberOwnership {
        phone_number,
        source: source.map(|s| NumberSource::from_wire(&s.0)),
        ownership_status: ownership_status.map(|s| OwnershipStatus::from_wire(&s.0)),
        flag_reason,
        confirm_by,
        baseline_carrier,
        baseline_recorded_at,
        last_checked_at,
        history: history
            .into_iter()
            .map(|h| {
                let g::OwnershipHistoryEntry {
                    event_type,
                    occurred_at,
                    outcome,
                } = h;
                OwnershipEvent {
                    event_type,
                    occurred_at,
                    outcome,
                }
            })
            .collect(),
    }
}

pub(crate) fn remediation_results(r: g::RemediationResults) -> RemediationResults {
    let g::RemediationResults {
        remediated,
        not_flagged,
        requires_review,
        ineligible,
        refused,
    } = r;
    RemediationResults {
        remediated,
        not_flagged,
        requires_review,
        ineligible,
        refused,
    }
}

pub(crate) fn remediation(r: g::Remediation) -> Remediation {
    let g::Remediation {
        id,
        status,
        phone_numbers_count,
        phone_numbers_submitted,
        phone_numbers_ineligible,
        call_purpose,
        contact_email,
        webhook_url,
        tier1_completed_at,
        tier2_completed_at,
        results,
        created_at,
        updated_at,
    } = r;
    Remediation {
        id: id.to_string(),
        status: RemediationStatus::from_wire(&status.0),
        phone_numbers_count,
        phone_numbers_submitted,
        phone_numbers_ineligible,
        call_purpose,
        contact_email,
        webhook_url,
        tier1_completed_at,
        tier2_completed_at,
        results: results.map(remediation_results),
        created_at,
        updated_at,
    }
}

pub(crate) fn remediation_summary(r: g::RemediationSummary) -> RemediationSummary {
    let g::RemediationSummary {
        id,
        status,
        phone_numbers_count,
        call_purpose,
        tier1_completed_at,
        tier2_completed_at,
        created_at,
        updated_at,
    } = r;
    RemediationSummary {
        id: id.to_string(),
        status: RemediationStatus::from_wire(&status.0),
        phone_numbers_count,
        call_purpose,
        tier1_completed_at,
        tier2_completed_at,
        created_at,
        updated_at,
    }
}

pub(crate) fn external_verification(v: g::ExternalVerification) -> ExternalVerification {
    let g::ExternalVerification {
        enterprise_id,
        status,
        document_ids,
        phone_numbers,
        rejection_reason,
        submitted_at,
        reviewed_at,
    } = v;
    ExternalVerification {
        enterprise_id: enterprise_id.map(|id| id.to_string()),
        status: status.map(|s| GateStatus::from_wire(&s.0)),
        document_ids,
        phone_numbers,
        rejection_reason,
        submitted_at,
        reviewed_at,
    }
}

pub(crate) fn agreement(a: g::TosAgreement) -> TosAgreement {
    let g::TosAgreement {
        id,
        product_type,
        version,
        terms_version,
        agreed_at,
        created_at,
    } = a;
    TosAgreement {
        id: id.to_string(),
        product_type: ProductType::from_wire(&product_type.0),
        version,
        terms_version,
        agreed_at,
        created_at,
    }
}

pub(crate) fn tos_status(s: g::TosStatus) -> TosStatus {
    let g::TosStatus {
        product_type,
        has_agreed,
        agreement_required,
        current_terms_version,
        agreed_version,
        agreed_at,
    } = s;
    TosStatus {
        product_type: ProductType::from_wire(&product_type.0),
        has_agreed,
        agreement_required,
        current_terms_version,
        agreed_version,
        agreed_at,
    }
}

pub(crate) fn terms_info(t: g::TosTermsInfo) -> TermsInfo {
    let g::TosTermsInfo {
        product_type,
        current_version,
        description,
        effective_date,
        terms_url,
    } = t;
    TermsInfo {
        product_type: product_type.map(|p| ProductType::from_wire(&p.0)),
        current_version,
        description,
        effective_date,
        terms_url,
    }
}

pub(crate) fn frequency(f: &CheckFrequency) -> g::CheckFrequency {
    g::CheckFrequency(f.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_converts_field_by_field() {
        let wire = serde_json::json!({
            "id": "8a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e62",
            "enterprise_id": "4a6192a4-573d-446d-b3ce-aff9117272a6",
            "phone_number": "+12025551234",
            "reputation_data": {"spam_risk": "critical", "maturity_score": 82,
                                "last_refreshed_at": "2026-04-26T18:09:24.785211Z"},
            "created_at": "2026-04-26T18:06:51.940749Z",
            "updated_at": "2026-04-26T18:09:24.785211Z"
        });
        let generated: g::ReputationNumber = serde_json::from_value(wire).unwrap();
        let n = number(generated);
        assert_eq!(n.phone_number, "+12025551234");
        let data = n.reputation_data.unwrap();
        assert_eq!(data.spam_risk, Some(SpamRisk::Unknown("critical".into())));
        assert_eq!(data.maturity_score, Some(82));
    }

    /// The direct decoding of a page of numbers gives what the generated type and
    /// `number_page` give, and fails where the generated type fails.
    #[test]
    fn direct_pages_decode_like_the_generated_types() {
        use serde_json::{Value, json};
        let full = json!({
            "id": "8a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e62",
            "enterprise_id": "4a6192a4-573d-446d-b3ce-aff9117272a6",
            "phone_number": "+12025551234",
            "reputation_data": {"spam_risk": "high", "spam_category": "robocall",
                                "maturity_score": 82, "connection_score": 1,
                                "engagement_score": 2, "sentiment_score": 3,
                                "last_refreshed_at": "2026-04-26T18:09:24.785211Z"},
            "source": "telnyx",
            "ownership_status": "flagged",
            "flag_reason": "carrier changed",
            "confirm_by": "2026-05-01T00:00:00Z",
            "removal_reason": "released",
            "removed_at": "2026-05-02T00:00:00Z",
            "created_at": "2026-04-26T18:06:51.940749Z",
            "updated_at": "2026-04-26T18:09:24.785211+02:00",
            "a_future_field": {"x": 1}
        });
        let meta = json!({"page_number": 2, "page_size": 1, "total_pages": 3, "total_results": 3});
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut item = full.clone();
            edit(&mut item);
            json!({"data": [item], "meta": meta})
        };
        let cases: Vec<(&str, Value)> = vec![
            ("every field", with(&|_| {})),
            (
                "unknown enum values",
                with(&|n| {
                    n["source"] = json!("satellite");
                    n["reputation_data"]["spam_risk"] = json!("critical");
                }),
            ),
            (
                "upper-case ids",
                with(&|n| {
                    n["id"] = json!("8A4B1F5E-2F12-4C0C-9A98-9B3A7D8B8E62");
                    n["enterprise_id"] = json!("4a6192a4573d446db3ceaff9117272a6");
                }),
            ),
            (
                "no optional field",
                with(&|n| {
                    let object = n.as_object_mut().unwrap();
                    for key in [
                        "source",
                        "ownership_status",
                        "flag_reason",
                        "confirm_by",
                        "removal_reason",
                        "removed_at",
                    ] {
                        object.remove(key);
                    }
                    object.insert("reputation_data".into(), json!({}));
                }),
            ),
            (
                "null optionals",
                with(&|n| {
                    for key in ["reputation_data", "source", "confirm_by", "removed_at"] {
                        n[key] = Value::Null;
                    }
                }),
            ),
            ("an id that is no UUID", with(&|n| n["id"] = json!("n1"))),
            (
                "ids in every form a UUID reads",
                with(&|n| {
                    n["id"] = json!("{8a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e62}");
                    n["enterprise_id"] = json!("urn:uuid:4A6192A4-573D-446D-B3CE-AFF9117272A6");
                }),
            ),
            (
                "an id of 36 characters that is no UUID",
                with(&|n| n["id"] = json!("8a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e6g")),
            ),
            (
                "an id in hyphens out of place",
                with(&|n| n["id"] = json!("8a4b1f5e2-f12-4c0c-9a98-9b3a7d8b8e62")),
            ),
            (
                "an id as 16 bytes",
                with(&|n| n["id"] = json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])),
            ),
            ("an id as a number", with(&|n| n["id"] = json!(7))),
            (
                "timestamps in every form RFC 3339 allows",
                with(&|n| {
                    n["created_at"] = json!("2026-04-26t18:06:51.9z");
                    n["updated_at"] = json!("2026-04-26 18:06:51.123456789-05:30");
                    n["confirm_by"] = json!("2026-12-31T23:59:60Z");
                    n["removed_at"] = json!("2026-05-02T00:00:00-00:00");
                    n["reputation_data"]["last_refreshed_at"] = json!("2026-04-26T18:09:24+14:00");
                }),
            ),
            (
                "timestamps only the relaxed parser reads",
                with(&|n| {
                    n["created_at"] = json!("2026-04-26T18:06:51 Z");
                    n["updated_at"] = json!("2026-04-26T18:06:51.5+0200");
                    n["reputation_data"]["last_refreshed_at"] = json!(" 2026-04-26T18:09:24Z");
                }),
            ),
            (
                "a timestamp out of range",
                with(&|n| n["created_at"] = json!("2026-02-30T00:00:00Z")),
            ),
            (
                "a timestamp as a number",
                with(&|n| n["reputation_data"]["last_refreshed_at"] = json!(1_777_000_000)),
            ),
            (
                "no reputation_data",
                with(&|n| {
                    n.as_object_mut().unwrap().remove("reputation_data");
                }),
            ),
            (
                "no created_at",
                with(&|n| {
                    n.as_object_mut().unwrap().remove("created_at");
                }),
            ),
            (
                "a bad timestamp",
                with(&|n| n["updated_at"] = json!("yesterday")),
            ),
            (
                "a score as text",
                with(&|n| n["reputation_data"]["maturity_score"] = json!("82")),
            ),
            (
                "an enum as a number",
                with(&|n| n["ownership_status"] = json!(3)),
            ),
            (
                "page 0",
                json!({"data": [], "meta": {"page_number": 0, "page_size": 0,
                                                   "total_pages": 0, "total_results": 0}}),
            ),
            ("no meta", json!({"data": []})),
            ("data not a list", json!({"data": {}, "meta": meta})),
            (
                "an item that is no object",
                json!({"data": [5], "meta": meta}),
            ),
            (
                "reputation_data that is no object",
                with(&|n| n["reputation_data"] = json!("high")),
            ),
            ("an empty page", json!({"data": [], "meta": meta})),
        ];
        for (name, body) in &cases {
            let bytes = serde_json::to_vec(body).unwrap();
            let generated =
                serde_json::from_slice::<g::ReputationNumberList>(&bytes).map(number_page);
            let direct = number_page_from_json(&bytes);
            match (generated, direct) {
                (Ok(generated), Ok(direct)) => assert_eq!(direct, generated, "{name}"),
                // The same error at the same place; the same words too, but for the enums'
                // (which name their type where the generated ones say "a string").
                (Err(generated), Err(direct)) => {
                    let place = |e: &serde_json::Error| (e.classify(), e.line(), e.column());
                    assert_eq!(place(&direct), place(&generated), "{name}");
                    if !name.starts_with("an enum") {
                        assert_eq!(direct.to_string(), generated.to_string(), "{name}");
                    }
                }
                (generated, direct) => {
                    panic!("{name}: generated {generated:?}, direct {direct:?}")
                }
            }
        }
        // Every accepted form of an id or a timestamp, through either path, is accepted.
        for (name, body) in &cases {
            let decodes = number_page_from_json(&serde_json::to_vec(body).unwrap()).is_ok();
            let expected = name.starts_with("ids in") || name.starts_with("timestamps");
            if expected {
                assert!(decodes, "{name}");
            }
        }
        let forms = |name: &str| {
            let (_, body) = cases.iter().find(|(n, _)| *n == name).unwrap();
            number_page_from_json(&serde_json::to_vec(body).unwrap())
                .unwrap()
                .items
                .remove(0)
        };
        let n = forms("ids in every form a UUID reads");
        assert_eq!(n.id, "8a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e62");
        assert_eq!(n.enterprise_id, "4a6192a4-573d-446d-b3ce-aff9117272a6");
        let n = forms("timestamps in every form RFC 3339 allows");
        assert_eq!(
            n.updated_at.to_rfc3339(),
            "2026-04-26T23:36:51.123456789+00:00"
        );
        assert_eq!(
            n.confirm_by.unwrap().to_rfc3339(),
            "2026-12-31T23:59:60+00:00"
        );
        let n = forms("timestamps only the relaxed parser reads");
        assert_eq!(n.updated_at.to_rfc3339(), "2026-04-26T16:06:51.500+00:00");

        // Bodies `json!` does not write: escaped text, and text that is no UTF-8.
        let escaped = br#"{"data": [{"id": "\u0038a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e62",
            "enterprise_id": "4a6192a4-573d-446d-b3ce-aff9117272a6",
            "phone_number": "+1202555\u00312\u00334", "reputation_data": null,
            "created_at": "2026\u002d04-26T18:06:51Z", "updated_at": "2026-04-26T18:06:51Z"}],
            "meta": {"page_number": 1, "page_size": 1, "total_pages": 1, "total_results": 1}}"#;
        let not_utf8 = [&escaped[..60], b"\xff", &escaped[60..]].concat();
        for (name, bytes) in [("escaped text", &escaped[..]), ("no UTF-8", &not_utf8[..])] {
            let generated = serde_json::from_slice::<g::ReputationNumberList>(bytes)
                .map(number_page)
                .map_err(|e| e.to_string());
            let direct = number_page_from_json(bytes).map_err(|e| e.to_string());
            assert_eq!(direct, generated, "{name}");
        }
        assert!(number_page_from_json(&not_utf8).is_err());
        let page = number_page_from_json(escaped).unwrap();
        assert_eq!(page.items[0].id, "8a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e62");
        assert_eq!(page.items[0].phone_number, "+12025551234");

        // The cases above do decode (or not) as named.
        let page = number_page_from_json(&serde_json::to_vec(&with(&|_| {})).unwrap()).unwrap();
        assert_eq!(page.meta.page_number, 2);
        assert_eq!(
            page.items[0].source,
            Some(NumberSource::from_wire("telnyx"))
        );
        let upper = with(&|n| n["id"] = json!("8A4B1F5E-2F12-4C0C-9A98-9B3A7D8B8E62"));
        let page = number_page_from_json(&serde_json::to_vec(&upper).unwrap()).unwrap();
        assert_eq!(page.items[0].id, "8a4b1f5e-2f12-4c0c-9a98-9b3a7d8b8e62");
        let no_data = with(&|n| {
            n.as_object_mut().unwrap().remove("reputation_data");
        });
        assert!(number_page_from_json(&serde_json::to_vec(&no_data).unwrap()).is_err());
    }

    #[test]
    fn invalid_request_body_is_invalid_input() {
        let update = EnterpriseUpdate {
            legal_name: Some("ab".into()),
            ..EnterpriseUpdate::default()
        };
        let e = request_body::<_, g::EnterpriseReplace>("enterprise", &update).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }
}
