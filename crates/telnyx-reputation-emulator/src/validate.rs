//! Field validation for JSON bodies, collecting every problem with a JSON pointer.
//!
//! The `Checker` walks a body and accumulates Telnyx error items (missing field, wrong type,
//! bad enum value, bad format), so one 422 names every offending field at once. Phone-number
//! rules (US E.164, batch limits, duplicates) are here too. Business rules that need state
//! (is the number registered? are the gates approved?) stay in the routes.
//!
//! Bodies the contract describes fully (enterprise create and replace, the LOA agent) are
//! checked by [`contract`] against the rules generated from `openapi/` into
//! `telnyx_reputation_api::rules`: no field list, enum or limit is repeated here.

use serde_json::{Map, Value};
use std::collections::HashMap;
use telnyx_reputation_api::nanp;
use telnyx_reputation_api::rules::{self, Enums, Options, Problem, Schema, Violation};

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

/// Where a `+1` number is, by the NANP numbering plan of libphonenumber's metadata:
/// `Ok(())` for the United States, `Err(Some("CA"))` for another NANP region (Canada, the
/// Caribbean, the Pacific territories), `Err(None)` when no region's plan covers the number
/// (an unassigned area code). The answer comes from the area-code table built from that
/// metadata at compile time (`telnyx_reputation_api::nanp`, the facade's table too); only
/// an area code split between regions asks the metadata itself (the `phonenumber` crate).
pub fn nanp_region(s: &str) -> Result<(), Option<String>> {
    let Some(npa) = nanp::area_code(s) else {
        return Err(None);
    };
    match nanp::region(npa) {
        nanp::Region::Us => Ok(()),
        nanp::Region::Other(region) => Err(Some(region.to_string())),
        nanp::Region::Unassigned => Err(None),
        nanp::Region::Split => metadata_region(s),
    }
}

/// [`nanp_region`] by the full metadata (loaded on first use: about 90 ms of CPU).
pub fn metadata_region(s: &str) -> Result<(), Option<String>> {
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

/// A plausible e-mail address: `local@domain.tld`, no spaces (the contract's `format: email`).
pub use telnyx_reputation_api::rules::is_email;

/// How the server reads a body against the contract: unknown fields and blank strings are
/// refused, every enum is checked.
const SERVER: Options = Options {
    unknown_fields: true,
    refuse_blank: true,
    enums: Enums::All,
};

/// Every rule of the contract's `schema` that `body` (at pointer `base`) breaks, as Telnyx
/// error items with a `source.pointer` each.
pub fn contract_items(schema: &Schema, body: &Value, base: &str) -> Vec<ErrorItem> {
    rules::check(schema, body, base, SERVER)
        .iter()
        .map(item)
        .collect()
}

/// `Ok` when `body` follows the contract's `schema`, else a 422 naming every field.
pub fn contract(schema: &Schema, body: &Value) -> Result<(), ApiError> {
    let items = contract_items(schema, body, "");
    if items.is_empty() {
        Ok(())
    } else {
        Err(ApiError::unprocessable(items))
    }
}

/// The enum values of `schema`'s text property `field` (empty when it has none).
pub fn enum_values(schema: &Schema, field: &str) -> &'static [&'static str] {
    match schema.field(field).map(|f| &f.shape) {
        Some(rules::Shape::Text(text)) => text.values,
        _ => &[],
    }
}

/// One violation as the Telnyx error item the server answers.
fn item(v: &Violation) -> ErrorItem {
    let name = v.name();
    let pointer = v.pointer.as_str();
    let given = v.value.as_deref().unwrap_or_default();
    let detail = match &v.problem {
        Problem::Missing => return missing_item(pointer),
        Problem::Unknown => {
            return ErrorItem::new(
                codes::BAD_REQUEST,
                "Unknown field",
                format!("The field '{name}' is not recognised here."),
            )
            .at(pointer);
        }
        Problem::WrongType(expected) => format!("'{name}' must be {expected}."),
        Problem::Blank => format!("'{name}' must not be empty."),
        Problem::Length { min, max, got } => match (min, max) {
            (Some(min), Some(max)) => {
                format!("'{name}' must be {min} to {max} characters long (got {got}).")
            }
            (None, Some(max)) => {
                format!("'{name}' must be at most {max} characters long (got {got}).")
            }
            (Some(min), None) => {
                format!("'{name}' must be at least {min} characters long (got {got}).")
            }
            (None, None) => format!("'{name}' has a bad length (got {got})."),
        },
        Problem::NotOneOf(values) => format!(
            "'{given}' is not a valid {name}; expected one of: {}.",
            values.join(", ")
        ),
        Problem::Pattern(pattern) => {
            format!("'{given}' is not a valid {name}: expected a value matching {pattern}.")
        }
        Problem::Format("email") => format!("'{given}' is not a valid e-mail address."),
        Problem::Format(format) => format!("'{given}' is not a valid {format}."),
        Problem::Items { min, max, got } => format!(
            "'{name}' must contain {} to {} items (got {got}).",
            min.unwrap_or(0),
            max.map_or("any number of".to_string(), |m| m.to_string())
        ),
        Problem::Range { min, max } => format!(
            "'{name}' must be between {} and {}.",
            min.map_or("-inf".to_string(), |m| m.to_string()),
            max.map_or("inf".to_string(), |m| m.to_string())
        ),
    };
    invalid_item(pointer, detail)
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
        // The item's pointer, written only for an error (this is the hot path of an add).
        let at = || format!("{pointer}/{i}");
        let Some(s) = item.as_str() else {
            errors.push(invalid_item(&at(), format!("Item {i} must be a string.")));
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
                .at(at()),
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
                ErrorItem::new(codes::E164_REQUIRED, "Phone number outside the US", detail)
                    .at(at()),
            );
        } else if let Some(first) = first_seen.get(s) {
            errors.push(invalid_item(
                &at(),
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

/// `body`, once its rules passed, read into the contract's generated request type: what a
/// handler then uses comes from the contract (its defaults included). A value the type
/// refuses (the rules and the type disagreeing) is a 422 at that field's pointer.
pub fn typed<T: serde::de::DeserializeOwned>(body: &Map<String, Value>) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(Value::Object(body.clone())).map_err(|e| {
        use serde_path_to_error::Segment;
        let pointer: String = e
            .path()
            .iter()
            .map(|segment| match segment {
                Segment::Seq { index } => format!("/{index}"),
                Segment::Map { key } => format!("/{key}"),
                Segment::Enum { variant } => format!("/{variant}"),
                Segment::Unknown => String::new(),
            })
            .collect();
        ApiError::unprocessable(vec![invalid_item(&pointer, e.inner().to_string())])
    })
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
    fn the_build_time_table_gives_the_metadata_s_answers() {
        // Every area code, at exchanges the table's build did not sample.
        for npa in 200..=999u16 {
            for exchange in ["212", "300", "468", "900"] {
                let number = format!("+1{npa}{exchange}4567");
                assert_eq!(nanp_region(&number), metadata_region(&number), "{number}");
            }
        }
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

    #[test]
    fn typed_bodies_come_from_the_contracts_types_with_pointers() {
        use telnyx_reputation_api::types::CreateRemediationRequest;
        let ok = serde_json::json!({"phone_numbers": ["+13125550100"], "call_purpose": "x"});
        let request: CreateRemediationRequest =
            typed(ok.as_object().expect("an object")).expect("fits the contract");
        assert_eq!(request.phone_numbers, ["+13125550100"]);
        assert_eq!(request.call_purpose.as_str(), "x");
        let bad = serde_json::json!({"phone_numbers": ["+13125550100", 7], "call_purpose": "x"});
        let err = typed::<CreateRemediationRequest>(bad.as_object().expect("an object"))
            .expect_err("a number is not a string");
        assert_eq!(err.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        let body = err.body();
        assert_eq!(body["errors"][0]["source"]["pointer"], "/phone_numbers/1");
    }
}
