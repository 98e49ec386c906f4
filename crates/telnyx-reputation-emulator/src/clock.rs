//! The virtual clock's bounds and the one way the crate writes a timestamp.
//!
//! Every timestamp the emulator emits (API answers, webhooks, admin views, the journal, the
//! ledger) is written by [`timestamp`] or serialised through [`Stamp`], which share one
//! writer: RFC 3339 UTC with microseconds and `Z`, as the API renders them.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// The furthest the virtual clock may run ahead of the wall clock: a thousand years.
pub const MAX_CLOCK_OFFSET_MS: i64 = 1000 * 366 * 86_400_000;

/// An account's now: the emulator's virtual `now` moved on by the account's own test-clock
/// offset (bounded with the global one by `MAX_CLOCK_OFFSET_MS`, so this stays in range).
pub fn account_now(now: DateTime<Utc>, offset_ms: i64) -> DateTime<Utc> {
    chrono::Duration::try_milliseconds(offset_ms)
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// An RFC 3339 UTC timestamp with microseconds, as the API renders them.
pub fn timestamp(t: DateTime<Utc>) -> String {
    let mut buf = [0u8; 27];
    match stamp_bytes(t, &mut buf) {
        Some(text) => text.to_string(),
        None => general(t),
    }
}

/// Years outside 0000-9999 take chrono's general writer (same format).
fn general(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A timestamp serialised as [`timestamp`] writes it, without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp(pub DateTime<Utc>);

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 27];
        match stamp_bytes(self.0, &mut buf) {
            Some(text) => s.serialize_str(text),
            None => s.serialize_str(&general(self.0)),
        }
    }
}

impl Stamp {
    /// The timestamp as a JSON string, the bytes its `Serialize` writes through
    /// `serde_json` (its text never needs escaping), appended to `out` directly.
    pub fn write_json(self, out: &mut Vec<u8>) {
        let mut buf = [0u8; 27];
        out.push(b'"');
        match stamp_bytes(self.0, &mut buf) {
            Some(text) => out.extend_from_slice(text.as_bytes()),
            None => out.extend_from_slice(general(self.0).as_bytes()),
        }
        out.push(b'"');
    }
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` written digit by digit (the same text as `timestamp`,
/// without `fmt` or an allocation); `None` outside years 0-9999.
fn stamp_bytes(t: DateTime<Utc>, buf: &mut [u8; 27]) -> Option<&str> {
    use chrono::{Datelike, Timelike};
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    let micros = (t.nanosecond() % 1_000_000_000) / 1000;
    let mut put = |at: usize, value: u32, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, t.month(), 2);
    put(8, t.day(), 2);
    put(11, t.hour(), 2);
    put(14, t.minute(), 2);
    put(17, t.second(), 2);
    put(20, micros, 6);
    buf[4] = b'-';
    buf[7] = b'-';
    buf[10] = b'T';
    buf[13] = b':';
    buf[16] = b':';
    buf[19] = b'.';
    buf[26] = b'Z';
    std::str::from_utf8(buf).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_fast_writer_matches_rfc3339_with_micros() {
        for t in [
            Utc.with_ymd_and_hms(2026, 12, 1, 9, 5, 7)
                .single()
                .expect("t"),
            Utc::now(),
            Utc.timestamp_opt(0, 123_456_789).single().expect("t"),
        ] {
            let mut buf = [0u8; 27];
            assert_eq!(stamp_bytes(t, &mut buf), Some(general(t).as_str()));
            assert_eq!(timestamp(t), general(t));
        }
        let far = Utc
            .with_ymd_and_hms(12026, 1, 1, 0, 0, 0)
            .single()
            .expect("t");
        assert_eq!(timestamp(far), general(far));
        assert_eq!(
            serde_json::to_string(&Stamp(far)).expect("a stamp serialises"),
            format!("\"{}\"", general(far))
        );
    }
}
