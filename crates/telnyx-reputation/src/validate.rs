//! Client-side input checks other than US phone numbers (see `phone`): the contract's field
//! rules on a request body (`contract`: lengths, patterns such as the FEIN and E.164 contact
//! phones, the country enum, e-mail formats, read from the tables `cargo xtask codegen`
//! generates into `telnyx_reputation_api::rules`), ids, webhook URLs, page sizes and the
//! `contains` filter. Every check returns `Error::InvalidInput` naming the field (and
//! index), with an `errors` entry pointing at it, and runs before I/O; `all` reports every
//! failed check of a request at once. They mirror what the server enforces, so a request that would
//! be refused is refused here, with nothing sent.

use telnyx_reputation_api::rules::{self, Enums, Options, Problem, Schema, Violation};
use uuid::Uuid;

use crate::Error;

/// Largest page the API serves.
pub(crate) const MAX_PAGE_SIZE: u32 = 250;

/// Parse a UUID id given for `field`.
pub(crate) fn uuid(field: &str, value: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(value).map_err(|_| Error::invalid(format!("{field}: {value:?} is not a UUID")))
}

/// Parse every id of a list given for `field`, naming the index of each bad one.
pub(crate) fn uuids<I, S>(field: &str, values: I) -> Result<Vec<Uuid>, Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut parsed = Vec::new();
    for (index, value) in values.into_iter().enumerate() {
        parsed.push(uuid(&format!("{field}[{index}]"), value.as_ref())?);
    }
    if parsed.is_empty() {
        return Err(Error::invalid(format!(
            "{field}: at least one id is required"
        )));
    }
    Ok(parsed)
}

/// Require a non-empty id (for ids that are not UUIDs, e.g. ToS agreements).
pub(crate) fn non_empty(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(format!("{field}: must not be empty")));
    }
    Ok(())
}

/// Require `value` to be between `min` and `max` characters long.
pub(crate) fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let len = value.chars().count();
    if len < min || len > max {
        return Err(Error::invalid(format!(
            "{field}: expected {min} to {max} characters, got {len}"
        )));
    }
    Ok(())
}

/// Require a webhook URL of at most 2,048 characters: `https://`, or `http://` to a
/// loopback host (127.0.0.0/8, `::1`, `localhost`: a local receiver or the emulator), or
/// `http://` to any host when `allow_insecure_http` is set.
pub(crate) fn webhook_url(
    field: &str,
    value: &str,
    allow_insecure_http: bool,
) -> Result<(), Error> {
    length(field, value, 1, 2048)?;
    let parsed = reqwest::Url::parse(value)
        .map_err(|e| Error::invalid(format!("{field}: {value:?} is not a URL ({e})")))?;
    if parsed.host_str().is_none() {
        return Err(Error::invalid(format!("{field}: {value:?} has no host")));
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || crate::client::is_loopback(&parsed) => Ok(()),
        "http" => Err(Error::invalid(format!(
            "{field}: {value:?} must be an https:// URL (plain http:// is accepted for a \
             loopback host, or for any host with allow_insecure_http)"
        ))),
        _ => Err(Error::invalid(format!(
            "{field}: {value:?} must be an https:// URL"
        ))),
    }
}

/// An opaque document id (what `loa_document_id` takes): 1 to 255 characters, not a UUID
/// necessarily.
pub(crate) fn document_id(field: &str, value: &str) -> Result<String, Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(format!("{field}: must not be empty")));
    }
    length(field, value, 1, 255)?;
    Ok(value.to_owned())
}

/// How the facade reads a body against the contract: its bodies are typed, so no unknown
/// field can occur; blank text is the server's to refuse; of the named enums only
/// `CountryCode` is checked (the facade takes the country as text), the typed enums (with
/// their `Unknown` arm) pass a value this version does not know on to the server.
const FACADE: Options = Options {
    unknown_fields: false,
    refuse_blank: false,
    enums: Enums::Only(&["CountryCode"]),
};

/// The contract's rules for `schema` (`minLength`/`maxLength`, `pattern`, `enum`,
/// `format: email`, `required`, `minItems`/`maxItems`), generated from `openapi/` into
/// `telnyx_reputation_api::rules`, checked on a request body before any I/O. Every failed
/// rule is reported at once, each message naming the field path (`agent.city`).
pub(crate) fn contract<T: serde::Serialize>(schema: &Schema, body: &T) -> Result<(), Error> {
    let value =
        serde_json::to_value(body).map_err(|e| Error::invalid(format!("request body: {e}")))?;
    all(rules::check(schema, &value, "", FACADE)
        .iter()
        .map(|v| Err(Error::invalid(message(v)))))
}

/// The message of one failed contract rule, starting with the field path.
fn message(v: &Violation) -> String {
    let path = v.path();
    let given = v.value.as_deref().unwrap_or_default();
    match &v.problem {
        Problem::Missing => format!("{path}: is required"),
        Problem::WrongType(expected) => format!("{path}: must be {expected}"),
        Problem::Blank => format!("{path}: must not be empty"),
        Problem::Length { min, max, got } => match (min, max) {
            (Some(min), Some(max)) => {
                format!("{path}: expected {min} to {max} characters, got {got}")
            }
            (None, Some(max)) => format!("{path}: expected at most {max} characters, got {got}"),
            (Some(min), None) => format!("{path}: expected at least {min} characters, got {got}"),
            (None, None) => format!("{path}: bad length {got}"),
        },
        Problem::NotOneOf(values) => format!(
            "{path}: {given:?} is not supported (expected one of {})",
            values.join(", ")
        ),
        Problem::Pattern(pattern) => format!("{path}: {given:?} does not match {pattern}"),
        Problem::Format("email") => {
            format!("{path}: {given:?} is not an e-mail address (expected name@example.com)")
        }
        Problem::Format(format) => format!("{path}: {given:?} is not a valid {format}"),
        Problem::Items { min, max, got } => format!(
            "{path}: expected {} to {} items, got {got}",
            min.unwrap_or(0),
            max.map_or("any number of".to_string(), |m| m.to_string())
        ),
        Problem::Range { min, max } => format!(
            "{path}: expected a value from {} to {}",
            min.map_or("-inf".to_string(), |m| m.to_string()),
            max.map_or("inf".to_string(), |m| m.to_string())
        ),
        Problem::Unknown => format!("{path}: is not a field of this request"),
    }
}

/// Most problems one `InvalidInput` message lists; the rest are counted.
const MAX_LISTED: usize = 20;

/// Every failed check of `checks` at once (their messages joined, every entry kept), or
/// `Ok` when all passed.
pub(crate) fn all(checks: impl IntoIterator<Item = Result<(), Error>>) -> Result<(), Error> {
    let problems: Vec<Error> = checks.into_iter().filter_map(Result::err).collect();
    match Error::invalid_all(problems, MAX_LISTED) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Require a plausible e-mail address (`local@domain.tld`, no spaces, at most 255 chars).
pub(crate) fn email(field: &str, value: &str) -> Result<(), Error> {
    length(field, value, 3, 255)?;
    let plausible = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
    }) && !value.contains(char::is_whitespace);
    if !plausible {
        return Err(Error::invalid(format!(
            "{field}: {value:?} is not an e-mail address (expected name@example.com)"
        )));
    }
    Ok(())
}

/// Require at least 5 digits in a `phone_number` `contains` filter.
pub(crate) fn contains_digits(field: &str, value: &str) -> Result<(), Error> {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    if digits < 5 {
        return Err(Error::invalid(format!(
            "{field}: {value:?} must contain at least 5 digits, got {digits}"
        )));
    }
    Ok(())
}

/// Require a page size of 1 to 250.
pub(crate) fn page_size(size: u32) -> Result<(), Error> {
    if size == 0 || size > MAX_PAGE_SIZE {
        return Err(Error::invalid(format!(
            "page_size: expected 1 to {MAX_PAGE_SIZE}, got {size}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_enforced_formats_are_checked_here() {
        assert!(email("e", "sam@acme.example.com").is_ok());
        for bad in ["sam@acme", "sam acme@x.com", "@x.com", "sam@.com", "sam"] {
            let e = email("organization_contact.email", bad)
                .unwrap_err()
                .to_string();
            assert!(e.contains("organization_contact.email"), "{e}");
        }
        assert!(contains_digits("phone_number_contains", "20255").is_ok());
        let e = contains_digits("phone_number_contains", "+1202").unwrap_err();
        assert!(e.to_string().contains("at least 5 digits, got 4"), "{e}");
    }

    #[test]
    fn webhook_urls_may_be_plain_http_to_loopback_or_when_allowed() {
        for ok in [
            "https://example.com/hook",
            "http://127.0.0.1:8080/hook",
            "http://127.1.2.3/hook",
            "http://[::1]:9/hook",
            "http://localhost:3000/webhooks",
        ] {
            assert!(webhook_url("webhook_url", ok, false).is_ok(), "{ok}");
        }
        let e = webhook_url("webhook_url", "http://example.com/hook", false).unwrap_err();
        assert!(e.to_string().contains("must be an https:// URL"), "{e}");
        assert!(webhook_url("webhook_url", "http://example.com/hook", true).is_ok());
        assert!(webhook_url("webhook_url", "ftp://127.0.0.1/hook", true).is_err());
        assert!(webhook_url("webhook_url", "not a url", true).is_err());
    }

    #[test]
    fn ids_and_lengths() {
        assert!(uuid("enterprise_id", "4a6192a4-573d-446d-b3ce-aff9117272a6").is_ok());
        assert_eq!(
            uuid("enterprise_id", "nope").unwrap_err().to_string(),
            "invalid input: enterprise_id: \"nope\" is not a UUID"
        );
        assert!(length("call_purpose", "", 1, 2000).is_err());
        assert!(page_size(0).is_err() && page_size(251).is_err() && page_size(250).is_ok());
        let e = uuids(
            "document_ids",
            ["4a6192a4-573d-446d-b3ce-aff9117272a6", "x"],
        )
        .unwrap_err();
        assert!(e.to_string().contains("document_ids[1]"));
    }

    #[test]
    fn document_ids_are_opaque_text_of_1_to_255_characters() {
        assert_eq!(document_id("loa_document_id", "doc_1").unwrap(), "doc_1");
        assert!(document_id("loa_document_id", &"d".repeat(255)).is_ok());
        assert_eq!(
            document_id("loa_document_id", &"d".repeat(256))
                .unwrap_err()
                .to_string(),
            "invalid input: loa_document_id: expected 1 to 255 characters, got 256"
        );
        assert!(document_id("loa_document_id", " ").is_err());
    }

    #[test]
    fn contract_rules_name_the_nested_field() {
        use telnyx_reputation_api::rules::{ENTERPRISE_CREATE, ENTERPRISE_REPLACE};
        let body = serde_json::json!({
            "website": "https://a.example",
            "fein": "123-456789",
            "industry": "not-yet-known",
            "billing_contact": { "first_name": "x".repeat(256), "last_name": "y",
                                 "email": "b@x.example", "phone_number": "+13125550000" }
        });
        let e = contract(&ENTERPRISE_REPLACE, &body)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "invalid input: fein: \"123-456789\" does not match \
             ^([0-9]{2}-[0-9]{7}|[0-9]{9}([A-Z]{2}[0-9]{4})?)$; \
             billing_contact.first_name: expected at most 255 characters, got 256"
        );
        let e = contract(
            &ENTERPRISE_CREATE,
            &serde_json::json!({"country_code": "GB"}),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("country_code: \"GB\" is not supported (expected one of US, CA)"),
            "{e}"
        );
        assert!(e.contains("legal_name: is required"), "{e}");
    }
}
