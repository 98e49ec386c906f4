//! Property tests of the facade's parsers of untrusted input: phone numbers, webhook
//! signatures, Telnyx error bodies and the server's pacing headers. Seeded and bounded
//! (`config`), so every run tries the same cases in well under a second each.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use reqwest::header::{HeaderMap, HeaderValue};

use crate::error::{classify_status, parse_error_body};
use crate::phone::PhoneNumber;
use crate::retry::server_retry_hint;
use crate::webhooks::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE_SECONDS};
use crate::{Error, ErrorKind};

/// Fixed seed and case count: reproducible, and bounded in CI.
fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x7e1e_c0de),
        failure_persistence: None,
        ..Config::default()
    }
}

/// What a valid US E.164 number looks like.
fn us_shape(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 12
        && text.starts_with("+1")
        && b[2..].iter().all(u8::is_ascii_digit)
        && (b'2'..=b'9').contains(&b[2])
        && (b'2'..=b'9').contains(&b[5])
}

const NOW: i64 = 1_764_590_000;

fn event_body(note: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "data": {"event_type": "number_reputation.soak.note", "id": "e-1", "payload": {"note": note}},
        "meta": {"attempt": 1}
    }))
    .expect("serialisable")
}

fn headers_of(signature: &str, timestamp: &str) -> Vec<(String, String)> {
    vec![
        (SIGNATURE_HEADER.to_owned(), signature.to_owned()),
        (TIMESTAMP_HEADER.to_owned(), timestamp.to_owned()),
    ]
}

fn header_map(name: &'static str, value: &str) -> Option<HeaderMap> {
    let mut map = HeaderMap::new();
    map.insert(name, HeaderValue::from_str(value).ok()?);
    Some(map)
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn any_text_either_parses_as_us_e164_or_is_invalid_input(text in "\\PC{0,16}|\\+1[0-9]{10}") {
        match PhoneNumber::parse(&text) {
            Ok(number) => {
                prop_assert!(us_shape(&text), "{text:?} accepted");
                prop_assert_eq!(number.as_str(), text.as_str());
            }
            Err(e) => {
                prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
                prop_assert!(e.to_string().contains(text.as_str()), "{e} names the input");
            }
        }
    }

    #[test]
    fn every_us_shaped_number_parses_unless_its_area_code_is_not_us(
        npa in 200u32..1000, nxx in 200u32..1000, line in 0u32..10_000,
    ) {
        let text = format!("+1{npa}{nxx}{line:04}");
        match PhoneNumber::parse(&text) {
            Ok(number) => prop_assert_eq!(number.as_str(), text.as_str()),
            Err(e) => prop_assert!(e.to_string().contains("region"), "{text}: {e}"),
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn only_the_exact_signature_body_and_timestamp_verify(
        secret in any::<[u8; 32]>(),
        note in "\\PC{0,40}",
        skew in -TOLERANCE_SECONDS..=TOLERANCE_SECONDS,
        part in 0usize..3,
        position in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let signing_key = STANDARD.encode(secret);
        let public_key = webhooks::public_key(&signing_key).expect("a valid key");
        let now = Utc.timestamp_opt(NOW, 0).single().expect("a valid time");
        let body = event_body(&note);
        let timestamp = NOW + skew;
        let signed = webhooks::sign(&body, timestamp, &signing_key).expect("signs");
        let (signature, stamp) = (signed[0].1.clone(), signed[1].1.clone());
        prop_assert!(webhooks::verify_at(&body, headers_of(&signature, &stamp), &public_key, now).is_ok());

        // Flip one byte of the body, the timestamp or the raw signature: it must fail.
        let (mut body, mut stamp, mut raw) =
            (body, stamp.into_bytes(), STANDARD.decode(&signature).expect("base64"));
        let target: &mut Vec<u8> = match part {
            0 => &mut body,
            1 => &mut stamp,
            _ => &mut raw,
        };
        let at = position.index(target.len());
        target[at] ^= mask;
        let stamp = String::from_utf8_lossy(&stamp).into_owned();
        let result = webhooks::verify_at(&body, headers_of(&STANDARD.encode(&raw), &stamp), &public_key, now);
        prop_assert!(
            matches!(result, Err(Error::WebhookVerification { .. })),
            "part {part} byte {at} flipped by {mask:#x} still verified: {result:?}"
        );
    }

    #[test]
    fn verification_never_panics_on_arbitrary_input(
        body in prop::collection::vec(any::<u8>(), 0..200),
        signature in "\\PC{0,100}",
        timestamp in "\\PC{0,24}|-?[0-9]{1,20}",
        public_key in "\\PC{0,60}|[A-Za-z0-9+/]{43}=",
    ) {
        let now = Utc.timestamp_opt(NOW, 0).single().expect("a valid time");
        let result = webhooks::verify_at(&body, headers_of(&signature, &timestamp), &public_key, now);
        prop_assert!(matches!(result, Err(Error::WebhookVerification { .. })), "{result:?}");
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn error_bodies_never_panic_and_read_back_what_they_say(
        garbage in prop::collection::vec(any::<u8>(), 0..300),
        entries in prop::collection::vec(
            (prop::option::of("[0-9]{5}"), prop::option::of("\\PC{1,20}"),
             prop::option::of("\\PC{1,40}"), prop::option::of("/[a-z_]{1,12}/[0-9]")),
            0..4,
        ),
        status in 400u16..600,
    ) {
        let errors = parse_error_body(&garbage);
        let _ = classify_status(status, &HeaderMap::new(), errors).to_string();

        let doc: Vec<serde_json::Value> = entries
            .iter()
            .map(|(code, title, detail, pointer)| serde_json::json!({
                "code": code, "title": title, "detail": detail,
                "source": {"pointer": pointer},
            }))
            .collect();
        let body = serde_json::to_vec(&serde_json::json!({ "errors": doc })).expect("json");
        let parsed = parse_error_body(&body);
        prop_assert_eq!(parsed.len(), entries.len());
        for (got, (code, title, detail, pointer)) in parsed.iter().zip(&entries) {
            prop_assert_eq!(&got.code, code);
            prop_assert_eq!(&got.title, title);
            prop_assert_eq!(&got.detail, detail);
            prop_assert_eq!(&got.pointer, pointer);
        }
        let error = classify_status(status, &HeaderMap::new(), parsed);
        prop_assert_eq!(error.status(), Some(status));
        let message = error.to_string();
        prop_assert!(message.starts_with(&status.to_string()), "{message}");
        for (_, _, _, pointer) in &entries {
            if let Some(pointer) = pointer {
                prop_assert!(message.contains(pointer.as_str()), "{message} names {pointer}");
            }
        }
    }

    #[test]
    fn pacing_headers_never_panic_and_read_exact_numbers(
        text in "\\PC{0,30}|[0-9]{1,3}e[0-9]{1,3}|[0-9]{15,25}(\\.[0-9])?",
        millis in 0u64..10_000_000,
        seconds in 0u64..1_000_000,
        negative in 1u64..1_000_000,
    ) {
        for name in ["retry-after-ms", "retry-after", "x-ratelimit-reset"] {
            if let Some(map) = header_map(name, &text) {
                let _ = server_retry_hint(&map);
            }
            let negative = header_map(name, &format!("-{negative}")).expect("ascii");
            prop_assert_eq!(server_retry_hint(&negative), None);
        }
        let map = header_map("retry-after-ms", &millis.to_string()).expect("ascii");
        prop_assert_eq!(server_retry_hint(&map), Some(Duration::from_millis(millis)));
        let map = header_map("retry-after", &seconds.to_string()).expect("ascii");
        prop_assert_eq!(server_retry_hint(&map), Some(Duration::from_secs(seconds)));
        let map = header_map("x-ratelimit-reset", &seconds.to_string()).expect("ascii");
        prop_assert_eq!(server_retry_hint(&map), Some(Duration::from_secs(seconds)));
        // An HTTP date `seconds` ahead reads as (at most) that long.
        let date = (Utc::now() + chrono::Duration::seconds(seconds as i64)).to_rfc2822();
        let map = header_map("retry-after", &date).expect("ascii");
        let hint = server_retry_hint(&map).expect("an HTTP date");
        prop_assert!(hint <= Duration::from_secs(seconds) && hint + Duration::from_secs(3) >= Duration::from_secs(seconds), "{hint:?} for {seconds}");
    }
}

/// A timestamp's text: RFC 3339's forms and what chrono's relaxed parser also reads
/// (separators, fraction lengths, offsets, leap seconds, days out of range).
fn timestamp_text() -> impl Strategy<Value = String> {
    (
        (0u32..10_000, 0u32..14, 0u32..33),
        (0u32..25, 0u32..61, 0u32..62),
        prop_oneof![Just("T"), Just("t"), Just(" "), Just("x")],
        "(\\.[0-9]{0,11})?",
        prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            Just(String::new()),
            "[+-][0-9]{2}:?[0-9]{2}"
        ],
    )
        .prop_map(|((y, mo, d), (h, mi, s), t, fraction, offset)| {
            format!("{y:04}-{mo:02}-{d:02}{t}{h:02}:{mi:02}:{s:02}{fraction}{offset}")
        })
}

/// `text` as a JSON string read by the straight page decoding and by `chrono`'s
/// `Deserialize`: the instants, or the errors' words.
type Reading = Result<chrono::DateTime<Utc>, String>;
fn read_both(text: &str) -> (Reading, Reading) {
    let json = serde_json::to_string(text).expect("text");
    let wire = crate::convert::wire_timestamp(&json).map_err(|e| e.to_string());
    let chrono = serde_json::from_str::<chrono::DateTime<Utc>>(&json).map_err(|e| e.to_string());
    (wire, chrono)
}

proptest! {
    #![proptest_config(config(2_000))]

    /// The straight page decoding's timestamps (a fast path for the service's own form,
    /// then chrono's strict parser) read every text exactly as `chrono`'s `Deserialize`
    /// does: the same instant, or an error with the same words.
    #[test]
    fn wire_timestamps_read_as_chrono_reads_them(text in timestamp_text()) {
        let (wire, chrono) = read_both(&text);
        prop_assert_eq!(wire, chrono, "{}", text);
    }

    /// Every instant in the service's own form (`YYYY-MM-DDTHH:MM:SS`, 0 to 9 digits of
    /// fraction, `Z`), from year 0 to 9999, is read by the fast path itself, to the instant
    /// chrono reads: the equality tests above hold just as well when the fast path refuses
    /// everything and chrono reads it all.
    #[test]
    fn the_services_own_timestamps_take_the_fast_path(
        seconds in -62_167_219_200i64..253_402_300_800,
        nanos in 0u32..1_000_000_000,
        digits in 0usize..10,
    ) {
        let at = Utc.timestamp_opt(seconds, nanos).single().expect("in range");
        let fraction = format!("{:09}", at.timestamp_subsec_nanos());
        let text = match digits {
            0 => format!("{}Z", at.format("%Y-%m-%dT%H:%M:%S")),
            n => format!("{}.{}Z", at.format("%Y-%m-%dT%H:%M:%S"), &fraction[..n]),
        };
        let (_, chrono) = read_both(&text);
        prop_assert_eq!(crate::convert::fast_timestamp(&text), Some(chrono.expect("valid")), "{}", text);
    }

    /// The same with one character replaced by any printable ASCII one: the fast path's
    /// digit and separator checks refuse what chrono refuses, and read what it reads.
    #[test]
    fn timestamps_with_a_stray_character_read_as_chrono_reads_them(
        text in timestamp_text(),
        at in any::<prop::sample::Index>(),
        stray in 0x20u8..0x7f,
    ) {
        let mut text = text.into_bytes();
        let at = at.index(text.len());
        text[at] = stray;
        let text = String::from_utf8(text).expect("ASCII");
        let (wire, chrono) = read_both(&text);
        prop_assert_eq!(wire, chrono, "{}", text);
    }
}

/// `text` as a JSON string read as an id by the straight page decoding and by the generated
/// types (`uuid::Uuid`, printed in its canonical form): the texts, or the errors' words.
fn read_id_both(text: &str) -> (Result<String, String>, Result<String, String>) {
    let json = serde_json::to_string(text).expect("text");
    let wire = crate::convert::wire_uuid(&json).map_err(|e| e.to_string());
    let generated = serde_json::from_str::<uuid::Uuid>(&json)
        .map(|id| id.hyphenated().to_string())
        .map_err(|e| e.to_string());
    (wire, generated)
}

proptest! {
    #![proptest_config(config(2_000))]

    /// The straight page decoding's ids (a one-pass check of the canonical form, then
    /// `uuid`'s parser) read every text as the generated `Uuid` does: a UUID in any of its
    /// forms and cases with one character replaced by any printable ASCII one gives the
    /// same canonical text, or an error with the same words.
    #[test]
    fn ids_read_as_the_generated_uuid_reads_them(
        id in any::<u128>(),
        form in 0usize..4,
        upper in any::<bool>(),
        at in any::<prop::sample::Index>(),
        stray in prop::option::of(0x20u8..0x7f),
    ) {
        let id = uuid::Uuid::from_u128(id);
        let text = match form {
            0 => id.hyphenated().to_string(),
            1 => id.simple().to_string(),
            2 => id.braced().to_string(),
            _ => id.urn().to_string(),
        };
        let mut text = if upper { text.to_uppercase() } else { text }.into_bytes();
        if let Some(stray) = stray {
            let at = at.index(text.len());
            text[at] = stray;
        }
        let text = String::from_utf8(text).expect("ASCII");
        let (wire, generated) = read_id_both(&text);
        prop_assert_eq!(wire, generated, "{}", text);
    }
}
