//! Field validation for JSON bodies, collecting every problem with a JSON pointer.
//!
//! The `Checker` walks a body and accumulates Telnyx error items (missing field, wrong type,
//! bad enum value, bad format), so one 422 names every offending field at once. Phone-number
//! rules (US E.164, batch limits, duplicates) are here too. Business rules that need state
//! (is the number registered? are the gates approved?) stay in the routes.

use serde_json::{Map, Value};
use std::collections::HashMap;

use crate::error::{ApiError, ErrorItem, codes, invalid_item, missing_item};

/// `^\+1[2-9]\d{2}[2-9]\d{6}$`: a US number in E.164 form.
pub fn is_us_e164(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 12
        && b.starts_with(b"+1")
        && b[2..].iter().all(u8::is_ascii_digit)
        && (b'2'..=b'9').contains(&b[2])
        && (b'2'..=b'9').contains(&b[5])
}

/// Where a `+1` number is, by the NANP numbering plan of libphonenumber's metadata (the
/// `phonenumber` crate): `Ok(())` for the United States, `Err(Some("CA"))` for another NANP
/// region (Canada, the Caribbean, the Pacific territories), `Err(None)` when no region's
/// plan covers the number (an unassigned area code).
pub fn nanp_region(s: &str) -> Result<(), Option<String>> {
    let Ok(number) = phonenumber::parse(None, s) else {
        return Err(None);
    };
    match number.country().id() {
        Some(phonenumber::country::Id::US) => Ok(()),
        Some(other) => Err(Some(format!("{other:?}"))),
        None => Err(None),
    }
}

/// `^\+[1-9]\d{1,14}$`: any E.164 number.
pub fn is_e164(s: &str) -> bool {
    let b = s.as_bytes();
    (3..=16).contains(&b.len())
        && b[0] == b'+'
        && (b'1'..=b'9').contains(&b[1])
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// A plausible e-mail address: `local@domain.tld`, no spaces.
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// An `https://` URL with a host.
pub fn is_https_url(s: &str) -> bool {
    s.strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/') && !rest.contains(' '))
}

/// A webhook target: an `https://` URL, or `http://` to a loopback host.
pub fn is_webhook_url(s: &str) -> bool {
    is_https_url(s)
        || (s.starts_with("http://")
            && !s.contains(' ')
            && url::Url::parse(s)
                .is_ok_and(|u| u.host_str().is_some_and(crate::webhooks::is_loopback_host)))
}

/// Accumulates field errors while reading a body.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<ErrorItem>,
}

/// How a string field is constrained beyond being a non-empty string.
#[derive(Debug, Clone, Copy)]
pub enum Rule<'a> {
    /// Any non-blank string.
    Text,
    /// Any non-blank string of at most this many characters (the API's `maxLength`).
    TextMax(usize),
    /// One of these values.
    OneOf(&'a [&'a str]),
    /// Between these character counts.
    Length(usize, usize),
    /// E.164 phone number.
    E164,
    /// E-mail address.
    Email,
    /// ASCII digits, exactly this many.
    Digits(usize),
    /// Custom predicate with a description of the expected form.
    Format(fn(&str) -> bool, &'a str),
}

impl Checker {
    /// Record an error.
    pub fn push(&mut self, item: ErrorItem) {
        self.errors.push(item);
    }

    /// `Ok` if nothing failed, else a 422 with every error.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::unprocessable(self.errors))
        }
    }

    /// A required string field.
    pub fn required(
        &mut self,
        obj: &Map<String, Value>,
        base: &str,
        name: &str,
        rule: Rule<'_>,
    ) -> Option<String> {
        let pointer = format!("{base}/{name}");
        match obj.get(name) {
            None | Some(Value::Null) => {
                self.push(missing_item(&pointer));
                None
            }
            Some(value) => self.string(value, &pointer, rule),
        }
    }

    /// An optional string field: `None` when absent, `Some(None)` when explicitly null.
    pub fn optional(
        &mut self,
        obj: &Map<String, Value>,
        base: &str,
        name: &str,
        rule: Rule<'_>,
    ) -> Option<Option<String>> {
        let pointer = format!("{base}/{name}");
        match obj.get(name) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(value) => self.string(value, &pointer, rule).map(Some),
        }
    }

    /// Check one string value against `rule`.
    pub fn string(&mut self, value: &Value, pointer: &str, rule: Rule<'_>) -> Option<String> {
        let name = pointer.rsplit('/').next().unwrap_or(pointer);
        let Some(s) = value.as_str() else {
            self.push(invalid_item(pointer, format!("'{name}' must be a string.")));
            return None;
        };
        if s.trim().is_empty() {
            self.push(invalid_item(
                pointer,
                format!("'{name}' must not be empty."),
            ));
            return None;
        }
        let problem = match rule {
            Rule::Text => None,
            Rule::TextMax(max) => {
                let n = s.chars().count();
                (n > max)
                    .then(|| format!("'{name}' must be at most {max} characters long (got {n})."))
            }
            Rule::OneOf(allowed) => (!allowed.contains(&s)).then(|| {
                format!(
                    "'{s}' is not a valid {name}; expected one of: {}.",
                    allowed.join(", ")
                )
            }),
            Rule::Length(min, max) => {
                let n = s.chars().count();
                (n < min || n > max)
                    .then(|| format!("'{name}' must be {min} to {max} characters long (got {n})."))
            }
            Rule::E164 => (!is_e164(s))
                .then(|| format!("'{s}' is not an E.164 phone number (e.g. +13125550000).")),
            Rule::Email => (!is_email(s)).then(|| format!("'{s}' is not a valid e-mail address.")),
            Rule::Digits(n) => (s.len() != n || !s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| format!("'{name}' must be exactly {n} digits.")),
            Rule::Format(ok, expected) => {
                (!ok(s)).then(|| format!("'{s}' is not a valid {name}: expected {expected}."))
            }
        };
        match problem {
            Some(detail) => {
                self.push(invalid_item(pointer, detail));
                None
            }
            None => Some(s.to_string()),
        }
    }

    /// A required object field.
    pub fn object<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        base: &str,
        name: &str,
    ) -> Option<&'v Map<String, Value>> {
        let pointer = format!("{base}/{name}");
        match obj.get(name) {
            None | Some(Value::Null) => {
                self.push(missing_item(&pointer));
                None
            }
            Some(Value::Object(map)) => Some(map),
            Some(_) => {
                self.push(invalid_item(
                    &pointer,
                    format!("'{name}' must be an object."),
                ));
                None
            }
        }
    }

    /// Reject fields outside `allowed`, so a misplaced parameter is never silently dropped.
    pub fn only(&mut self, obj: &Map<String, Value>, base: &str, allowed: &[&str]) {
        for key in obj.keys().filter(|k| !allowed.contains(&k.as_str())) {
            self.push(
                ErrorItem::new(
                    codes::BAD_REQUEST,
                    "Unknown field",
                    format!("The field '{key}' is not recognised here."),
                )
                .at(format!("{base}/{key}")),
            );
        }
    }
}

/// Read `field` as a list of 1 to `max` US E.164 numbers with no duplicates, naming every
/// offending index.
pub fn phone_list(
    body: &Map<String, Value>,
    field: &str,
    max: usize,
) -> Result<Vec<String>, ApiError> {
    let pointer = format!("/{field}");
    let items = match body.get(field) {
        None | Some(Value::Null) => {
            return Err(ApiError::unprocessable(vec![missing_item(&pointer)]));
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(ApiError::invalid(
                &pointer,
                format!("'{field}' must be an array of E.164 strings."),
            ));
        }
    };
    if items.is_empty() || items.len() > max {
        return Err(ApiError::invalid(
            &pointer,
            format!(
                "'{field}' must contain 1 to {max} phone numbers (got {}).",
                items.len()
            ),
        ));
    }
    let mut errors = Vec::new();
    let mut first_seen: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("{pointer}/{i}");
        let Some(s) = item.as_str() else {
            errors.push(invalid_item(&at, format!("Item {i} must be a string.")));
            continue;
        };
        if !is_us_e164(s) {
            errors.push(
                ErrorItem::new(
                    codes::E164_REQUIRED,
                    "Invalid phone number",
                    format!(
                        "'{s}' at index {i} is not a US number in E.164 format (+1NPANXXXXXX)."
                    ),
                )
                .at(at),
            );
        } else if let Err(region) = nanp_region(s) {
            let detail = match region {
                Some(region) => format!(
                    "'{s}' at index {i} is a {region} number (NANP region {region}, area code {}), not a US number; Number Reputation covers US numbers only.",
                    &s[2..5]
                ),
                None => format!(
                    "'{s}' at index {i} is not in the US numbering plan (area code {} is not assigned to the United States).",
                    &s[2..5]
                ),
            };
            errors.push(
                ErrorItem::new(codes::E164_REQUIRED, "Phone number outside the US", detail).at(at),
            );
        } else if let Some(first) = first_seen.get(s) {
            errors.push(invalid_item(
                &at,
                format!("'{s}' at index {i} duplicates index {first} in the same request."),
            ));
        } else {
            first_seen.insert(s, i);
        }
    }
    if errors.is_empty() {
        Ok(items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect())
    } else {
        Err(ApiError::unprocessable(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nanp_regions_come_from_the_metadata() {
        assert_eq!(nanp_region("+12025551234"), Ok(()));
        assert_eq!(nanp_region("+13125550000"), Ok(()));
        assert_eq!(nanp_region("+14165550123"), Err(Some("CA".to_string())));
        assert_eq!(nanp_region("+18765550123"), Err(Some("JM".to_string())));
        assert_eq!(nanp_region("+17875550123"), Err(Some("PR".to_string())));
    }

    #[test]
    fn us_e164() {
        assert!(is_us_e164("+12025551234"));
        assert!(!is_us_e164("+11025551234"));
        assert!(!is_us_e164("+12021551234"));
        assert!(!is_us_e164("+442071234567"));
        assert!(!is_us_e164("12025551234"));
    }

    #[test]
    fn phone_list_names_indices_and_duplicates() {
        let body = json!({"phone_numbers": ["+12025551234", "nope", "+12025551234"]});
        let Some(map) = body.as_object() else { return };
        let err = phone_list(map, "phone_numbers", 100).err();
        let pointers: Vec<_> = err
            .iter()
            .flat_map(|e| e.items.iter())
            .filter_map(|i| i.source.clone())
            .collect();
        assert_eq!(
            pointers,
            vec![
                crate::error::Source::Pointer("/phone_numbers/1".into()),
                crate::error::Source::Pointer("/phone_numbers/2".into())
            ]
        );
    }

    #[test]
    fn emails_and_urls() {
        assert!(is_email("sam@acme.example.com"));
        assert!(!is_email("sam@acme"));
        assert!(is_https_url("https://example.com/hook"));
        assert!(!is_https_url("http://example.com"));
    }
}
