//! Moving values between the facade's types and their JavaScript shapes in `models`.
//! The generated `models` converts field by field (`From`, both directions); `via_serde`
//! remains for the shapes that are not models (webhook events, timestamps given as text).

use serde::Serialize;
use serde::de::DeserializeOwned;
use telnyx_reputation as facade;

/// A facade value as its JavaScript shape (or the reverse, for inputs).
pub fn convert<T, U: From<T>>(value: T) -> Result<U, facade::Error> {
    Ok(U::from(value))
}

/// Every element of a list converted.
pub fn convert_all<T, U: From<T>>(values: Vec<T>) -> Result<Vec<U>, facade::Error> {
    Ok(values.into_iter().map(U::from).collect())
}

/// A value moved across through its serde form. Only an input can fail (a value the
/// facade's types cannot hold), which is reported as `INVALID_INPUT`.
pub fn via_serde<T: Serialize, U: DeserializeOwned>(value: &T) -> Result<U, facade::Error> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| {
            facade::Error::invalid_input(format!("cannot convert {}: {e}", short_name::<U>()))
        })
}

/// A string parsed into a facade enum or other `FromStr` type (the facade reports bad text).
pub fn parse<T: std::str::FromStr<Err = facade::Error>>(
    text: Option<&str>,
) -> Result<Option<T>, facade::Error> {
    text.map(str::parse).transpose()
}

fn short_name<U>() -> &'static str {
    let full = std::any::type_name::<U>();
    full.rsplit("::").next().unwrap_or(full)
}

/// A borrowed facade value that serializes as its JavaScript shape: the same JSON text as
/// the converted model (`models` generates the impl of every result model), written
/// straight from the facade's value. Results of thousands of models cross this way
/// (`promise::ViaJson` of [`Fused`]).
pub struct Js<'a, T>(pub &'a T);

/// An owned facade value serialized through [`Js`].
pub struct Fused<T>(pub T);

impl<T> Serialize for Fused<T>
where
    for<'a> Js<'a, T>: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Js(&self.0).serialize(serializer)
    }
}

/// A facade result as [`Fused`], for `promise::spawn_json`.
pub fn fused<T>(value: T) -> Result<Fused<T>, facade::Error> {
    Ok(Fused(value))
}

impl<'a, T> Serialize for Js<'a, Vec<T>>
where
    Js<'a, T>: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Js))
    }
}

/// A page as the pagers' page objects serialize: `{ items, meta }`.
impl<'a, T> Serialize for Js<'a, facade::Page<T>>
where
    Js<'a, T>: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Page", 2)?;
        out.serialize_field("items", &Js(&self.0.items))?;
        out.serialize_field("meta", &Js(&self.0.meta))?;
        out.end()
    }
}

/// A timestamp as the models hold it: RFC 3339 in UTC, `Z`, with as many fraction digits
/// as it needs (0, 3, 6 or 9: chrono's `SecondsFormat::AutoSi`), written without
/// allocating. A leap second or a year outside 0-9999 goes through chrono itself.
/// Hand-written because it is on the hot path of a bulk add (2-3 per number): about 90 ns
/// a timestamp, against about 200 ns through chrono's `format_with_items` straight into
/// the JSON; the test below holds it equal to chrono's text.
#[derive(Clone, Copy)]
pub struct Stamp(pub chrono::DateTime<chrono::Utc>);

impl Stamp {
    /// The text, in `buffer` when it fits the common form.
    fn write<'b>(&self, buffer: &'b mut [u8; 30]) -> Option<&'b str> {
        use chrono::{Datelike, Timelike};
        let at = self.0;
        let (year, nanos) = (at.year(), at.nanosecond());
        if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
            return None;
        }
        let mut put = |at: usize, value: u32, digits: usize| {
            let mut value = value;
            for i in (at..at + digits).rev() {
                buffer[i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, year as u32, 4);
        put(5, at.month(), 2);
        put(8, at.day(), 2);
        put(11, at.hour(), 2);
        put(14, at.minute(), 2);
        put(17, at.second(), 2);
        let (fraction, digits) = match nanos {
            0 => (0, 0),
            n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
            n if n % 1_000 == 0 => (n / 1_000, 6),
            n => (n, 9),
        };
        if digits > 0 {
            put(20, fraction, digits);
        }
        for (i, b) in [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
        ] {
            buffer[i] = b;
        }
        let end = if digits > 0 { 20 + digits } else { 19 };
        buffer[end] = b'Z';
        std::str::from_utf8(&buffer[..=end]).ok()
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.write(&mut [0; 30]) {
            Some(text) => serializer.serialize_str(text),
            None => serializer
                .serialize_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        }
    }
}

/// A value serialized as its `Display` text (a date, as the models hold it).
pub struct Shown<'a, T>(pub &'a T);

impl<T: std::fmt::Display> Serialize for Shown<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

    use super::Stamp;

    fn written(at: DateTime<Utc>) -> String {
        serde_json::to_value(Stamp(at))
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// What the converted models hold (`to_rfc3339_opts`, `AutoSi`, `Z`), for instants of
    /// every fraction width across the years, a leap second and years past 9999.
    #[test]
    fn stamps_write_what_the_converted_models_hold() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut checked = 0;
        for _ in 0..20_000 {
            let secs = (next() % 253_402_300_800) as i64 - 62_135_596_800; // 0001..=9999
            let nanos = match next() % 4 {
                0 => 0,
                1 => (next() % 1_000) as u32 * 1_000_000,
                2 => (next() % 1_000_000) as u32 * 1_000,
                _ => (next() % 1_000_000_000) as u32,
            };
            let at = DateTime::from_timestamp(secs, nanos).unwrap();
            assert_eq!(
                written(at),
                at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                "{secs} {nanos}"
            );
            checked += 1;
        }
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        let far = DateTime::from_timestamp(300_000_000_000, 7).unwrap();
        let early = NaiveDate::from_ymd_opt(0, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        for at in [leap, far, early] {
            assert_eq!(written(at), at.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        }
        assert_eq!(checked, 20_000);
        assert_eq!(written(leap), "2016-12-31T23:59:60.500Z");
    }
}
