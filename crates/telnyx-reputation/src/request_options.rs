//! Escape hatches for what the SDK does not model yet: [`RequestOptions`] (extra headers,
//! query parameters and body fields sent with a call) and [`with_raw_response`] (a call's
//! value with the HTTP status, headers and request id of its answer).
//!
//! Extras never get around the safety rails: they are checked before any I/O (and before the
//! cost guard counts anything), an operation is billed and retried by its row of
//! [`crate::OPERATIONS`] whatever extras it carries, and an extra may not replace what the
//! SDK models: credential and framing headers, the query parameters and body fields the
//! contract declares. Those go through the method's own (validated) parameters.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use telnyx_reputation_api::RequestExtras;
use telnyx_reputation_api::types as g;

use crate::Error;
use crate::operations::Operation;

/// Headers an extra may not set: the credential (the key is the client's), the idempotency
/// key (whether a request may be repeated is the SDK's retry policy, per operation), and the
/// headers that frame the body or route the request.
pub const REFUSED_HEADERS: [&str; 9] = [
    "authorization",
    "proxy-authorization",
    "idempotency-key",
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "cookie",
];

/// Query parameters the contract declares (paging, filters, `fresh`, `product_type`): set
/// through the method's parameters, where they are validated and billed (`fresh=true` is a
/// billable live lookup), never as an extra.
pub const DECLARED_QUERY: [&str; 15] = [
    "page[number]",
    "page[size]",
    "fresh",
    "filter[phone_number][contains]",
    "filter[phone_number][eq]",
    "filter[ownership_status]",
    "filter[source]",
    "product_type",
    "filter[status]",
    "filter[created_at][gte]",
    "filter[created_at][lte]",
    "filter[enterprise_id]",
    "filter[legal_name][contains]",
    "filter[role_type]",
    "legal_name",
];

/// Per-call additions for what the SDK does not model yet, sent with every request of the
/// calls made through a handle carrying them ([`crate::Client::with_request_options`] or a
/// resource handle's `with_request_options`).
///
/// - `extra_headers`: set on each request. [`REFUSED_HEADERS`] (`Authorization`,
///   `Idempotency-Key`, ...) are refused.
/// - `extra_query`: appended to each request's query string. The parameters the contract
///   declares ([`DECLARED_QUERY`]: paging, filters, `fresh`) are refused.
/// - `extra_body`: fields merged into the JSON body of a `POST`/`PUT`/`PATCH` whose
///   contract body allows additional properties. A field the contract declares for that
///   body is refused (pass it as the method's argument); so is any body extra on an
///   operation without a JSON body or with a closed one (`numbers.add`, `numbers.refresh`,
///   `reputation.enable`, `reputation.set_frequency`, `remediation.submit`,
///   `enterprises.replace`).
///
/// A refused extra is an [`Error::InvalidInput`] naming it, before any I/O. The serde form
/// (what the bindings read) has the three field names above; unknown fields are refused.
///
/// ```
/// use telnyx_reputation::RequestOptions;
///
/// let options = RequestOptions::new()
///     .extra_header("X-Trace-Id", "abc123")
///     .extra_query("beta_feature", "on");
/// assert_eq!(options.extra_headers["X-Trace-Id"], "abc123");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestOptions {
    /// Header name to value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_headers: BTreeMap<String, String>,
    /// Query parameter name to value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_query: BTreeMap<String, String>,
    /// Fields added to the JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_body: Option<Map<String, Value>>,
}

impl RequestOptions {
    /// No extras.
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// Add a header (a later one of the same name replaces it).
    pub fn extra_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.insert(name.into(), value.into());
        self
    }

    /// Add a query parameter.
    pub fn extra_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_query.insert(name.into(), value.into());
        self
    }

    /// Add a field to the JSON body.
    pub fn extra_body(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra_body
            .get_or_insert_with(Map::new)
            .insert(name.into(), value.into());
        self
    }

    /// Read options from a JSON value (`{"extra_headers": {...}, "extra_query": {...},
    /// "extra_body": {...}}`); a misspelt name or a wrong type is an [`Error::InvalidInput`]
    /// naming it.
    pub fn from_json(value: Value) -> Result<RequestOptions, Error> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." {
                Error::invalid(format!("request options: {inner}"))
            } else {
                Error::invalid(format!("{path}: {inner}"))
            }
        })
    }

    /// True when there is nothing to add.
    pub fn is_empty(&self) -> bool {
        self.extra_headers.is_empty()
            && self.extra_query.is_empty()
            && self.extra_body.as_ref().is_none_or(Map::is_empty)
    }

    /// Check the extras for `op` and turn them into what the transport adds; every refused
    /// extra is reported at once.
    pub(crate) fn checked_for(&self, op: &Operation) -> Result<Arc<RequestExtras>, Error> {
        let mut problems = Vec::new();
        let mut headers = HeaderMap::new();
        for (name, value) in &self.extra_headers {
            let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
                problems.push(Error::invalid(format!(
                    "extra_headers: {name:?} is not a valid header name"
                )));
                continue;
            };
            if REFUSED_HEADERS.contains(&header.as_str()) {
                problems.push(Error::invalid(format!(
                    "extra_headers: `{name}` cannot be set per call (the SDK sets it: the API \
                     key, the retry policy and the body framing are the client's)"
                )));
                continue;
            }
            match HeaderValue::from_str(value) {
                Ok(value) => {
                    headers.insert(header, value);
                }
                Err(_) => problems.push(Error::invalid(format!(
                    "extra_headers: the value of `{name}` has characters not allowed in a header"
                ))),
            }
        }
        for name in self.extra_query.keys() {
            if DECLARED_QUERY.contains(&name.as_str()) {
                problems.push(Error::invalid(format!(
                    "extra_query: `{name}` is a parameter the SDK models; pass it through the \
                     method (it is validated there, and `fresh` is billed)"
                )));
            }
        }
        let body = self.extra_body.as_ref().filter(|fields| !fields.is_empty());
        if let Some(fields) = body {
            match body_schema(op.name()) {
                None => problems.push(Error::invalid(format!(
                    "extra_body: {} ({} {}) sends no JSON body",
                    op.name(),
                    op.method(),
                    op.path()
                ))),
                Some(schema) if !schema.open => problems.push(Error::invalid(format!(
                    "extra_body: the contract's {} body ({}) allows no additional properties",
                    op.name(),
                    schema.name
                ))),
                Some(schema) => {
                    let declared = (schema.fields)();
                    for name in fields.keys().filter(|k| declared.contains(&k.as_str())) {
                        problems.push(Error::invalid(format!(
                            "extra_body: `{name}` is a field of {} the SDK models; pass it \
                             through the method",
                            schema.name
                        )));
                    }
                }
            }
        }
        if let Some(error) = Error::invalid_all(problems, 10) {
            return Err(error);
        }
        Ok(Arc::new(RequestExtras {
            headers,
            query: self
                .extra_query
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            body: body.cloned(),
        }))
    }
}

/// A request body of the contract, as the extras check sees it.
struct BodySchema {
    /// The schema's name.
    name: &'static str,
    /// The properties it declares.
    fields: fn() -> &'static [&'static str],
    /// Whether it allows additional properties (no `additionalProperties: false`).
    open: bool,
}

/// The JSON request body of an operation (by its name in [`crate::OPERATIONS`]); `None`
/// for one without a JSON body.
fn body_schema(operation: &str) -> Option<BodySchema> {
    macro_rules! schema {
        ($ty:ident, $open:expr) => {
            BodySchema {
                name: stringify!($ty),
                fields: declared_fields::<g::$ty>,
                open: $open,
            }
        };
    }
    Some(match operation {
        "enterprises.create" => schema!(EnterpriseCreate, true),
        "enterprises.replace" => schema!(EnterpriseReplace, false),
        "documents.upload_json" => schema!(DocumentUploadJson, true),
        "reputation.enable" => schema!(EnableReputationRequest, false),
        "reputation.set_frequency" => schema!(UpdateFrequencyRequest, false),
        "reputation.set_webhook" => schema!(UpdateWebhookRequest, true),
        "loa.render" => schema!(LoaRenderRequest, true),
        "loa.replace" => schema!(ReplaceLoaRequest, true),
        "numbers.add" | "numbers.refresh" => schema!(PhoneNumbersRequest, false),
        "numbers.confirm_ownership" => schema!(OwnershipConfirmRequest, true),
        "remediation.submit" => schema!(CreateRemediationRequest, false),
        "external_verification.submit" => schema!(SubmitExternalVerificationRequest, true),
        _ => return None,
    })
}

/// The field names a serde struct declares, read from what its `Deserialize` impl passes to
/// `deserialize_struct` (no value is built).
fn declared_fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};

    struct Fields<'a>(&'a mut &'static [&'static str]);

    impl<'de> de::Deserializer<'de> for Fields<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("fields read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

/// A call's value with the HTTP answer it came from ([`with_raw_response`]).
///
/// For a call that sends several requests (a bulk add, a watch, a pager's page after
/// retries), the status, headers and request id are those of the **last** successful answer.
#[derive(Debug, Clone)]
pub struct RawResponse<T> {
    status: u16,
    headers: HeaderMap,
    value: T,
}

impl<T> RawResponse<T> {
    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-request-id` the server stamped on the answer, if any (quote it to support).
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
    }

    /// The parsed value, as the call returns it.
    pub fn parsed(&self) -> &T {
        &self.value
    }

    /// The parsed value, keeping nothing else.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The same answer with its value converted (the bindings use it).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> RawResponse<U> {
        RawResponse {
            status: self.status,
            headers: self.headers,
            value: f(self.value),
        }
    }
}

/// The status and headers of the last successful answer of a call run by
/// [`with_raw_response`].
type Captured = Arc<Mutex<Option<(u16, HeaderMap)>>>;

tokio::task_local! {
    static RAW: Captured;
}

/// Run any call of the SDK and return its value together with the HTTP status, headers and
/// request id of its answer.
///
/// ```no_run
/// # async fn demo(client: telnyx_reputation::Client) -> Result<(), telnyx_reputation::Error> {
/// let raw = telnyx_reputation::with_raw_response(client.enterprises().get("6a09cdc3-8948-47f0-aa62-74ac943d6c58")).await?;
/// println!("{} {:?}", raw.status(), raw.request_id());
/// let enterprise = raw.into_inner();
/// # Ok(()) }
/// ```
///
/// A call that succeeds without sending any request (nothing to do) has no answer to show:
/// that is an [`Error::InvalidInput`].
pub async fn with_raw_response<T, F>(call: F) -> Result<RawResponse<T>, Error>
where
    F: Future<Output = Result<T, Error>>,
{
    let slot = Captured::default();
    // Boxed: a call's future can be large, and the scope would copy it on the stack.
    let value = RAW.scope(slot.clone(), Box::pin(call)).await?;
    let captured = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    let (status, headers) = captured.ok_or_else(|| {
        Error::invalid("with_raw_response: the call sent no request, so there is no answer")
    })?;
    Ok(RawResponse {
        status,
        headers,
        value,
    })
}

/// Record a successful answer for an enclosing [`with_raw_response`], if any.
pub(crate) fn record_answer(status: u16, headers: &HeaderMap) {
    let _ = RAW.try_with(|slot| {
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some((status, headers.clone()));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::operation;
    use serde_json::json;

    #[test]
    fn declared_fields_are_read_from_the_generated_types() {
        let fields = declared_fields::<g::PhoneNumbersRequest>();
        assert_eq!(fields, ["phone_numbers"]);
        let fields = declared_fields::<g::UpdateWebhookRequest>();
        assert_eq!(fields, ["webhook_url"]);
    }

    /// The `open` flags of the table match the generated types: a closed body
    /// (`additionalProperties: false`) refuses an unknown field when deserialized.
    #[test]
    fn open_flags_match_the_contract() {
        for op in crate::OPERATIONS {
            let Some(schema) = body_schema(op.name()) else {
                continue;
            };
            let probe = json!({"__probe_unknown_field": 1});
            let refused = match schema.name {
                "EnterpriseCreate" => probe_refuses::<g::EnterpriseCreate>(probe),
                "EnterpriseReplace" => probe_refuses::<g::EnterpriseReplace>(probe),
                "DocumentUploadJson" => probe_refuses::<g::DocumentUploadJson>(probe),
                "EnableReputationRequest" => probe_refuses::<g::EnableReputationRequest>(probe),
                "UpdateFrequencyRequest" => probe_refuses::<g::UpdateFrequencyRequest>(probe),
                "UpdateWebhookRequest" => probe_refuses::<g::UpdateWebhookRequest>(probe),
                "LoaRenderRequest" => probe_refuses::<g::LoaRenderRequest>(probe),
                "ReplaceLoaRequest" => probe_refuses::<g::ReplaceLoaRequest>(probe),
                "PhoneNumbersRequest" => probe_refuses::<g::PhoneNumbersRequest>(probe),
                "OwnershipConfirmRequest" => probe_refuses::<g::OwnershipConfirmRequest>(probe),
                "CreateRemediationRequest" => probe_refuses::<g::CreateRemediationRequest>(probe),
                "SubmitExternalVerificationRequest" => {
                    probe_refuses::<g::SubmitExternalVerificationRequest>(probe)
                }
                other => panic!("no probe for {other}"),
            };
            assert_eq!(refused, !schema.open, "{} ({})", op.name(), schema.name);
        }
    }

    fn probe_refuses<T: serde::de::DeserializeOwned>(probe: Value) -> bool {
        match serde_json::from_value::<T>(probe) {
            Ok(_) => false,
            Err(e) => e.to_string().contains("unknown field"),
        }
    }

    #[test]
    fn declared_query_matches_the_contract() {
        let spec = include_str!("../../../openapi/number-reputation.yaml");
        let lines: Vec<&str> = spec.lines().map(str::trim).collect();
        let mut in_contract: Vec<&str> = lines
            .windows(2)
            .filter(|w| w[1] == "in: query")
            .filter_map(|w| w[0].trim_start_matches("- ").strip_prefix("name: "))
            .collect();
        in_contract.sort_unstable();
        in_contract.dedup();
        let mut ours = DECLARED_QUERY.to_vec();
        ours.sort_unstable();
        assert_eq!(ours, in_contract);
    }

    #[test]
    fn refused_extras_are_named_all_at_once() {
        let op = operation("numbers.add").unwrap();
        let e = RequestOptions::new()
            .extra_header("Authorization", "Bearer other")
            .extra_header("idempotency-key", "k1")
            .extra_query("fresh", "true")
            .extra_body("phone_numbers", json!(["+12025550100"]))
            .checked_for(op)
            .unwrap_err();
        let text = e.to_string();
        for name in [
            "`Authorization`",
            "`idempotency-key`",
            "`fresh`",
            "no additional",
        ] {
            assert!(text.contains(name), "{name} in {text}");
        }
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }

    #[test]
    fn an_open_body_takes_new_fields_but_not_declared_ones() {
        let op = operation("reputation.set_webhook").unwrap();
        let ok = RequestOptions::new()
            .extra_body("future_field", true)
            .checked_for(op)
            .unwrap();
        assert_eq!(ok.body.as_ref().unwrap()["future_field"], json!(true));
        let e = RequestOptions::new()
            .extra_body("webhook_url", "http://evil.example")
            .checked_for(op)
            .unwrap_err();
        assert!(e.to_string().contains("`webhook_url`"), "{e}");
        let get = operation("reputation.settings").unwrap();
        let e = RequestOptions::new()
            .extra_body("x", 1)
            .checked_for(get)
            .unwrap_err();
        assert!(e.to_string().contains("sends no JSON body"), "{e}");
    }

    #[test]
    fn from_json_refuses_unknown_fields() {
        let options = RequestOptions::from_json(json!({
            "extra_headers": {"X-A": "1"}, "extra_query": {"q": "2"}, "extra_body": {"b": 3},
        }))
        .unwrap();
        assert_eq!(options.extra_headers["X-A"], "1");
        let e = RequestOptions::from_json(json!({"extra_header": {}})).unwrap_err();
        assert!(
            e.to_string().contains("unknown field `extra_header`"),
            "{e}"
        );
        let e = RequestOptions::from_json(json!({"extra_query": {"q": 1}})).unwrap_err();
        assert!(e.to_string().contains("extra_query.q"), "{e}");
    }
}
