//! The one error type of the facade, and the one place where failures are classified.
//!
//! Every HTTP failure (typed by the generated client or read by hand, as for the multipart
//! upload) goes through [`classify_status`], every transport failure through
//! [`from_transport`], every 2xx answer that does not decode through [`decode_error`]. Retry
//! decisions (in `retry`) and the bindings' error mapping read the resulting [`Error`] /
//! [`ErrorKind`] / [`ErrorDetails`] and nothing else. Retry policy does not belong here.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::retry::server_retry_hint;

/// One entry of the API's `errors[]` array.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ApiError {
    /// Telnyx error code, e.g. `"10015"`.
    pub code: Option<String>,
    /// Short title, e.g. `"Invalid phone number"`.
    pub title: Option<String>,
    /// Longer human-readable explanation.
    pub detail: Option<String>,
    /// JSON pointer into the request body that caused the error, e.g. `/phone_numbers/0`.
    pub pointer: Option<String>,
    /// Query or path parameter that caused the error.
    pub parameter: Option<String>,
    /// Free-form extra data (often `{"url": ...}` pointing at the error's documentation).
    pub meta: serde_json::Map<String, serde_json::Value>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = [self.code.as_deref(), self.title.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        // The title is generic ("Bad Request"); the detail says what was wrong, so show both.
        let text = match (&self.detail, text.is_empty()) {
            (Some(detail), true) => detail.clone(),
            (Some(detail), false) if self.title.as_deref() == Some(detail.as_str()) => text,
            (Some(detail), false) if self.title.is_none() => format!("{text} {detail}"),
            (Some(detail), false) => format!("{text}: {detail}"),
            (None, _) => text,
        };
        f.write_str(&text)?;
        match (&self.pointer, &self.parameter) {
            (Some(pointer), _) => write!(f, " (at {pointer})"),
            (None, Some(parameter)) => write!(f, " (parameter {parameter})"),
            (None, None) => Ok(()),
        }
    }
}

/// What every HTTP error carries: the status, the request id and the parsed `errors[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HttpError {
    /// HTTP status code.
    pub status: u16,
    /// The `x-request-id` response header, when the server sent one.
    pub request_id: Option<String>,
    /// The API's `errors[]`, empty when the body was not a Telnyx error document.
    pub errors: Vec<ApiError>,
    /// How long the server asked the client to wait before retrying (`retry-after-ms`,
    /// `Retry-After` in seconds or as an HTTP date, or `x-ratelimit-reset`), if it said.
    pub retry_after: Option<Duration>,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, status_label(self.status))?;
        let details: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        let details: Vec<&String> = details.iter().filter(|d| !d.is_empty()).collect();
        if !details.is_empty() {
            let joined: Vec<&str> = details.iter().map(|d| d.as_str()).collect();
            write!(f, ": {}", joined.join("; "))?;
        }
        Ok(())
    }
}

/// The approval gate a waiter saw rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    /// The reputation activation lifecycle (`status`).
    Status,
    /// The Letter of Authorization review (`loa_status`).
    LoaStatus,
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Gate::Status => "status",
            Gate::LoaStatus => "loa_status",
        })
    }
}

/// Every failure the facade reports. Match on [`Error::kind`] for a stable classification.
#[non_exhaustive]
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// Rejected client-side; nothing was sent. Every problem found is reported at once.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What was wrong, naming the field, index and value of each problem.
        message: String,
        /// One entry per problem, in the shape of a server 422's `errors[]`: the field as a
        /// JSON `pointer` into the request body (`/phone_numbers/3`), or as the `parameter`
        /// for a path or query parameter or a client option. What [`Error::api_errors`]
        /// returns for this kind.
        errors: Vec<ApiError>,
    },
    /// 401: the API key is missing, wrong or revoked.
    #[error("{0}")]
    Authentication(HttpError),
    /// 403: e.g. the Number Reputation terms of service were not accepted.
    #[error("{0}")]
    PermissionDenied(HttpError),
    /// 404: the resource does not exist or belongs to another account.
    #[error("{0}")]
    NotFound(HttpError),
    /// 409: e.g. a number already has an in-flight remediation request. Never retried.
    #[error("{0}")]
    Conflict(HttpError),
    /// 422: the server rejected a field.
    #[error("{0}")]
    Unprocessable(HttpError),
    /// 429: too many requests; [`Error::retry_after`] says how long the server asked to wait.
    #[error("{0}")]
    RateLimited(HttpError),
    /// 400.
    #[error("{0}")]
    BadRequest(HttpError),
    /// Any other 4xx (e.g. 418), or any other error status.
    #[error("{0}")]
    Api(HttpError),
    /// 5xx.
    #[error("{0}")]
    Server(HttpError),
    /// The request or a waiter ran out of time.
    #[error("timeout: {message}{}", outcome_note(*.outcome_unknown))]
    Timeout {
        /// What timed out.
        message: String,
        /// True when a billable or non-idempotent request was sent and no answer came in
        /// time: the server may have applied (and billed) it. It was not retried.
        outcome_unknown: bool,
    },
    /// The connection failed or broke.
    #[error("connection error: {message}{}", outcome_note(*.outcome_unknown))]
    Connection {
        /// The transport's description.
        message: String,
        /// True when the connection could not be established, so the server never saw the request.
        before_send: bool,
        /// True when a billable or non-idempotent request was sent and the connection broke
        /// before its answer: the server may have applied (and billed) it. It was not retried.
        outcome_unknown: bool,
    },
    /// `wait_until_approved` saw `status` or `loa_status` become `rejected`.
    #[error("{gate} was rejected: {}", display_reasons(.reasons))]
    GateRejected {
        /// Which gate was rejected.
        gate: Gate,
        /// The server's `rejection_reasons` (may be empty, e.g. for the LOA gate).
        reasons: Vec<String>,
    },
    /// The cost guard refused a billable request before sending it: over the client's
    /// `max_billable` budget, or refused by its billing hook. Nothing was sent.
    #[error("billing refused: {message}")]
    BillingRefused {
        /// What was refused and why, naming the operation and the budget.
        message: String,
    },
    /// A webhook's signature, timestamp or body did not verify.
    #[error("webhook verification failed: {message}")]
    WebhookVerification {
        /// Why verification failed.
        message: String,
    },
    /// A success (2xx) answer whose body is not the shape the contract declares: the server
    /// (or a proxy in front of it) sent something this client cannot read. Whether the request
    /// took effect is not known from the body; it was not retried.
    #[error("{}", decode_message(*.status, .message, .body))]
    Decode {
        /// What did not decode, as the JSON parser said it (field, line and column).
        message: String,
        /// The HTTP status of the answer, when known.
        status: Option<u16>,
        /// The `x-request-id` of the answer, when the server sent one.
        request_id: Option<String>,
        /// The start of the body (at most [`BODY_EXCERPT_CHARS`] characters, lossy UTF-8).
        body: String,
    },
}

/// How much of an undecodable body [`Error::Decode`] keeps.
pub const BODY_EXCERPT_CHARS: usize = 200;

fn decode_message(status: Option<u16>, message: &str, body: &str) -> String {
    let answer = match status {
        Some(status) => format!("the {status} response"),
        None => "the response".to_owned(),
    };
    if body.is_empty() {
        format!("could not decode {answer}: {message} (empty body)")
    } else {
        format!("could not decode {answer}: {message} (body starts: {body})")
    }
}

/// Stable classification of an [`Error`], shared by the Python and Node bindings and the CLI.
/// Its serde form is [`ErrorKind::code`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorKind {
    /// See [`Error::InvalidInput`].
    InvalidInput,
    /// See [`Error::Authentication`].
    Authentication,
    /// See [`Error::PermissionDenied`].
    PermissionDenied,
    /// See [`Error::NotFound`].
    NotFound,
    /// See [`Error::Conflict`].
    Conflict,
    /// See [`Error::Unprocessable`].
    Unprocessable,
    /// See [`Error::RateLimited`].
    RateLimited,
    /// See [`Error::BadRequest`].
    BadRequest,
    /// See [`Error::Api`].
    #[serde(rename = "API_ERROR")]
    Api,
    /// See [`Error::Server`].
    #[serde(rename = "SERVER_ERROR")]
    Server,
    /// See [`Error::Timeout`].
    Timeout,
    /// See [`Error::Connection`].
    Connection,
    /// See [`Error::GateRejected`].
    GateRejected,
    /// See [`Error::WebhookVerification`].
    WebhookVerification,
    /// See [`Error::BillingRefused`].
    BillingRefused,
    /// See [`Error::Decode`].
    Decode,
}

impl ErrorKind {
    /// The Node `code` (and CLI error code) for this kind, e.g. `"RATE_LIMITED"`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "INVALID_INPUT",
            ErrorKind::Authentication => "AUTHENTICATION",
            ErrorKind::PermissionDenied => "PERMISSION_DENIED",
            ErrorKind::NotFound => "NOT_FOUND",
            ErrorKind::Conflict => "CONFLICT",
            ErrorKind::Unprocessable => "UNPROCESSABLE",
            ErrorKind::RateLimited => "RATE_LIMITED",
            ErrorKind::BadRequest => "BAD_REQUEST",
            ErrorKind::Api => "API_ERROR",
            ErrorKind::Server => "SERVER_ERROR",
            ErrorKind::Timeout => "TIMEOUT",
            ErrorKind::Connection => "CONNECTION",
            ErrorKind::GateRejected => "GATE_REJECTED",
            ErrorKind::WebhookVerification => "WEBHOOK_VERIFICATION",
            ErrorKind::BillingRefused => "BILLING_REFUSED",
            ErrorKind::Decode => "DECODE",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Error {
    /// The stable classification of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Authentication(_) => ErrorKind::Authentication,
            Error::PermissionDenied(_) => ErrorKind::PermissionDenied,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Unprocessable(_) => ErrorKind::Unprocessable,
            Error::RateLimited(_) => ErrorKind::RateLimited,
            Error::BadRequest(_) => ErrorKind::BadRequest,
            Error::Api(_) => ErrorKind::Api,
            Error::Server(_) => ErrorKind::Server,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Connection { .. } => ErrorKind::Connection,
            Error::GateRejected { .. } => ErrorKind::GateRejected,
            Error::WebhookVerification { .. } => ErrorKind::WebhookVerification,
            Error::BillingRefused { .. } => ErrorKind::BillingRefused,
            Error::Decode { .. } => ErrorKind::Decode,
        }
    }

    /// Status, request id and `errors[]` when this error came from an HTTP response.
    pub fn http(&self) -> Option<&HttpError> {
        match self {
            Error::Authentication(e)
            | Error::PermissionDenied(e)
            | Error::NotFound(e)
            | Error::Conflict(e)
            | Error::Unprocessable(e)
            | Error::BadRequest(e)
            | Error::Api(e)
            | Error::Server(e)
            | Error::RateLimited(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, when this error came from an HTTP response (an error status, or the
    /// 2xx of an undecodable answer).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode { status, .. } => *status,
            other => other.http().map(|e| e.status),
        }
    }

    /// The `x-request-id` of the failed response, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Decode { request_id, .. } => request_id.as_deref(),
            other => other.http().and_then(|e| e.request_id.as_deref()),
        }
    }

    /// The API's `errors[]`; for [`Error::InvalidInput`], one entry per problem found
    /// client-side, the same shape (empty for other non-HTTP errors).
    pub fn api_errors(&self) -> &[ApiError] {
        match self {
            Error::InvalidInput { errors, .. } => errors,
            other => other.http().map(|e| e.errors.as_slice()).unwrap_or(&[]),
        }
    }

    /// How long the server asked the client to wait (typically on a 429 or 503).
    pub fn retry_after(&self) -> Option<Duration> {
        self.http().and_then(|e| e.retry_after)
    }

    /// True when a billable or non-idempotent request was sent but its answer was lost (a
    /// broken connection or a timeout after sending): the server may or may not have applied
    /// and billed it. Such a request is never retried blindly; check its effect (e.g. list
    /// the numbers) before sending it again.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Error::Timeout {
                outcome_unknown: true,
                ..
            } | Error::Connection {
                outcome_unknown: true,
                ..
            }
        )
    }

    /// This error, marked as leaving the outcome of a sent billable or non-idempotent
    /// request unknown when it is a transport failure after sending (see
    /// [`Error::outcome_unknown`]); other errors are returned as they are.
    pub(crate) fn after_sending_not_idempotent(self) -> Self {
        match self {
            Error::Connection {
                message,
                before_send: false,
                ..
            } => Error::Connection {
                message,
                before_send: false,
                outcome_unknown: true,
            },
            Error::Timeout { message, .. } => Error::Timeout {
                message,
                outcome_unknown: true,
            },
            other => other,
        }
    }

    /// Everything this error carries, as one serializable value: what the Python
    /// (`err.details`) and Node (`err.details`) bindings expose, identically.
    pub fn details(&self) -> ErrorDetails {
        let (gate, reasons) = match self {
            Error::GateRejected { gate, reasons } => (Some(*gate), Some(reasons.clone())),
            _ => (None, None),
        };
        ErrorDetails {
            kind: self.kind(),
            message: self.to_string(),
            status: self.status(),
            request_id: self.request_id().map(str::to_owned),
            errors: self.api_errors().iter().map(ErrorEntry::from).collect(),
            retry_after: self.retry_after().map(|d| d.as_secs_f64()),
            gate,
            reasons,
            outcome_unknown: match self {
                Error::Timeout { .. } | Error::Connection { .. } => Some(self.outcome_unknown()),
                _ => None,
            },
            body: match self {
                Error::Decode { body, .. } => Some(body.clone()),
                _ => None,
            },
        }
    }

    /// An [`Error::InvalidInput`] for one problem. A message that starts with the field it
    /// is about (`"phone_numbers[3]: ..."`, `"billing_contact.email: ..."`) gets an entry
    /// pointing at that field (see `invalid_entry`); any other message, an entry with
    /// only its `detail`.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        let message = message.into();
        Error::InvalidInput {
            errors: vec![invalid_entry(&message)],
            message,
        }
    }

    /// Shorthand for [`Error::invalid_input`].
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::invalid_input(message)
    }

    /// Every problem of `problems` (each an [`Error::InvalidInput`]) as one error: the
    /// messages joined with `; ` (at most `max_listed`, the rest counted) and every entry.
    /// `None` when there is no problem.
    pub(crate) fn invalid_all(problems: Vec<Error>, max_listed: usize) -> Option<Self> {
        if problems.is_empty() {
            return None;
        }
        let mut messages = Vec::new();
        let mut errors = Vec::new();
        let total = problems.len();
        for problem in problems {
            match problem {
                Error::InvalidInput {
                    message,
                    errors: entries,
                } => {
                    if messages.len() < max_listed {
                        messages.push(message);
                    }
                    errors.extend(entries);
                }
                other => {
                    if messages.len() < max_listed {
                        messages.push(other.to_string());
                    }
                }
            }
        }
        if total > messages.len() {
            messages.push(format!("and {} more", total - messages.len()));
        }
        Some(Error::InvalidInput {
            message: messages.join("; "),
            errors,
        })
    }
}

/// Names that are path or query parameters (or client options), reported as `parameter`;
/// any other field is a JSON pointer into the request body.
const PARAMETERS: &[&str] = &[
    "enterprise_id",
    "remediation_id",
    "agreement_id",
    "phone_number",
    "page_size",
    "phone_number_contains",
    "phone_number_eq",
    "legal_name_contains",
    "api_key",
    "base_url",
    "user_agent",
];

/// The `errors[]` entry of a client-side problem described by `message`: when the message
/// starts with a field path and `": "`, the path becomes a JSON pointer (`a.b[2]` is
/// `/a/b/2`) or, for a path or query parameter, the `parameter`; the rest is the `detail`.
pub(crate) fn invalid_entry(message: &str) -> ApiError {
    let field = message.split_once(": ").and_then(|(field, detail)| {
        let plausible = !field.is_empty()
            && field
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.[]".contains(c))
            && field.starts_with(|c: char| c.is_ascii_lowercase());
        plausible.then_some((field, detail))
    });
    let mut entry = ApiError {
        title: Some("Invalid input".to_owned()),
        detail: Some(message.to_owned()),
        ..ApiError::default()
    };
    if let Some((field, detail)) = field {
        entry.detail = Some(detail.to_owned());
        if PARAMETERS.contains(&field) {
            entry.parameter = Some(field.to_owned());
        } else {
            let pointer: String = field
                .replace(']', "")
                .split(['.', '['])
                .map(|part| format!("/{}", part.replace('~', "~0").replace('/', "~1")))
                .collect();
            entry.pointer = Some(pointer);
        }
    }
    entry
}

/// What an outcome-unknown error adds to its message.
fn outcome_note(outcome_unknown: bool) -> &'static str {
    if outcome_unknown {
        "; outcome unknown: the request was sent and its answer lost, so the server may have \
         applied and billed it; it was not retried, because a retry could apply it twice \
         (check its effect before sending it again)"
    } else {
        ""
    }
}

fn display_reasons(reasons: &[String]) -> String {
    if reasons.is_empty() {
        "no reason given".to_owned()
    } else {
        reasons.join("; ")
    }
}

/// The label printed after the status code.
fn status_label(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        422 => "Unprocessable",
        429 => "Too Many Requests",
        500..=599 => "Server Error",
        _ => "API Error",
    }
}

/// The wire shape of a Telnyx error document, read leniently (`detail` or `description`).
#[derive(Deserialize)]
struct WireErrors {
    #[serde(default)]
    errors: Vec<WireError>,
}

#[derive(Deserialize)]
struct WireError {
    code: Option<serde_json::Value>,
    title: Option<String>,
    detail: Option<String>,
    description: Option<String>,
    #[serde(default)]
    source: Option<WireSource>,
    #[serde(default)]
    meta: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct WireSource {
    pointer: Option<String>,
    parameter: Option<String>,
}

/// Parse an error body; anything that is not a Telnyx error document yields no entries.
pub(crate) fn parse_error_body(body: &[u8]) -> Vec<ApiError> {
    let Ok(wire) = serde_json::from_slice::<WireErrors>(body) else {
        return Vec::new();
    };
    wire.errors.into_iter().map(api_error_from_wire).collect()
}

fn api_error_from_wire(e: WireError) -> ApiError {
    let code = e.code.map(|c| match c {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    });
    let (pointer, parameter) = e
        .source
        .map(|s| (s.pointer, s.parameter))
        .unwrap_or_default();
    ApiError {
        code,
        title: e.title,
        detail: e.detail.or(e.description),
        pointer,
        parameter,
        meta: e.meta.unwrap_or_default(),
    }
}

/// The generated client's typed error entries, as facade [`ApiError`]s.
pub(crate) fn api_errors_from_generated(
    errors: Vec<telnyx_reputation_api::types::Error>,
) -> Vec<ApiError> {
    errors
        .into_iter()
        .map(|e| {
            let (pointer, parameter) = e
                .source
                .map(|s| (s.pointer, s.parameter))
                .unwrap_or_default();
            ApiError {
                code: e.code,
                title: e.title,
                detail: e.detail,
                pointer,
                parameter,
                meta: e.meta,
            }
        })
        .collect()
}

/// Classify an HTTP error response. The single place that maps statuses to kinds.
pub(crate) fn classify_status(status: u16, headers: &HeaderMap, errors: Vec<ApiError>) -> Error {
    let error = HttpError {
        status,
        request_id: request_id(headers),
        errors,
        retry_after: server_retry_hint(headers),
    };
    match status {
        400 => Error::BadRequest(error),
        401 => Error::Authentication(error),
        403 => Error::PermissionDenied(error),
        404 => Error::NotFound(error),
        409 => Error::Conflict(error),
        422 => Error::Unprocessable(error),
        429 => Error::RateLimited(error),
        500..=599 => Error::Server(error),
        _ => Error::Api(error),
    }
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Classify a transport failure (no HTTP status).
pub(crate) fn from_transport(e: &reqwest::Error) -> Error {
    let message = transport_message(e);
    if e.is_timeout() {
        Error::Timeout {
            message,
            outcome_unknown: false,
        }
    } else {
        Error::Connection {
            message,
            before_send: e.is_connect(),
            outcome_unknown: false,
        }
    }
}

/// reqwest's top-level message hides the cause ("error sending request"); append the chain.
fn transport_message(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// A 2xx answer whose body could not be decoded into the expected shape.
pub(crate) fn decode_error(
    status: Option<u16>,
    request_id: Option<&str>,
    detail: impl fmt::Display,
    body: &[u8],
) -> Error {
    Error::Decode {
        message: detail.to_string(),
        status,
        request_id: request_id.map(str::to_owned),
        body: String::from_utf8_lossy(body)
            .trim()
            .chars()
            .take(BODY_EXCERPT_CHARS)
            .collect(),
    }
}

/// Everything an [`Error`] carries, as one serializable value ([`Error::details`]). Fields
/// that do not apply to the error's kind are `None` (`null`); `errors` is always a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetails {
    /// The kind's stable code, e.g. `"RATE_LIMITED"` ([`ErrorKind::code`]).
    pub kind: ErrorKind,
    /// The error's message, as `Display` prints it.
    pub message: String,
    /// The HTTP status, for an error status or an undecodable 2xx answer.
    pub status: Option<u16>,
    /// The `x-request-id` of the answer, when the server sent one.
    pub request_id: Option<String>,
    /// The API's `errors[]`, in the shape the API sends them.
    pub errors: Vec<ErrorEntry>,
    /// Seconds the server asked to wait before retrying, when it said.
    pub retry_after: Option<f64>,
    /// For `GATE_REJECTED`: which gate (`"status"` or `"loa_status"`).
    pub gate: Option<Gate>,
    /// For `GATE_REJECTED`: the server's rejection reasons (possibly empty).
    pub reasons: Option<Vec<String>>,
    /// For `TIMEOUT` / `CONNECTION`: whether a sent billable or non-idempotent request may
    /// have been applied ([`Error::outcome_unknown`]).
    pub outcome_unknown: Option<bool>,
    /// For `DECODE`: the start of the body that did not decode.
    pub body: Option<String>,
}

/// One `errors[]` entry of [`ErrorDetails`], in the API's own shape.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// Telnyx error code, e.g. `"10015"`.
    pub code: Option<String>,
    /// Short title.
    pub title: Option<String>,
    /// Longer explanation.
    pub detail: Option<String>,
    /// Where in the request the error is, when the API said.
    pub source: Option<ErrorSource>,
    /// Free-form extra data (often `{"url": ...}`).
    pub meta: serde_json::Map<String, serde_json::Value>,
}

/// The `source` of an [`ErrorEntry`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorSource {
    /// JSON pointer into the request body, e.g. `/phone_numbers/0`.
    pub pointer: Option<String>,
    /// The query or path parameter at fault.
    pub parameter: Option<String>,
}

impl From<&ApiError> for ErrorEntry {
    fn from(e: &ApiError) -> Self {
        let source = (e.pointer.is_some() || e.parameter.is_some()).then(|| ErrorSource {
            pointer: e.pointer.clone(),
            parameter: e.parameter.clone(),
        });
        ErrorEntry {
            code: e.code.clone(),
            title: e.title.clone(),
            detail: e.detail.clone(),
            source,
            meta: e.meta.clone(),
        }
    }
}

/// Convert a generated-client error into a facade error (reading the body when it is unread).
pub(crate) async fn from_generated(
    e: progenitor_client::Error<telnyx_reputation_api::types::Errors>,
) -> Error {
    use progenitor_client::Error as G;
    match e {
        G::ErrorResponse(rv) => {
            let status = rv.status().as_u16();
            let headers = rv.headers().clone();
            classify_status(
                status,
                &headers,
                api_errors_from_generated(rv.into_inner().errors),
            )
        }
        G::UnexpectedResponse(response) => from_response(response).await,
        G::CommunicationError(e) | G::ResponseBodyError(e) => from_transport(&e),
        // Without the answer's status line (see `from_generated_with`).
        G::InvalidResponsePayload(body, e) => decode_error(None, None, e, &body),
        G::InvalidRequest(message) => Error::invalid(message),
        G::InvalidUpgrade(e) => from_transport(&e),
        // Only a hook produces `Custom`, and ours produce none.
        G::Custom(message) => decode_error(None, None, message, b""),
    }
}

/// [`from_generated`] for a call run inside `with_response_meta`: an undecodable 2xx body
/// keeps the status and request id of the answer it came in.
pub(crate) async fn from_generated_with(
    e: progenitor_client::Error<telnyx_reputation_api::types::Errors>,
    meta: Option<telnyx_reputation_api::ResponseMeta>,
) -> Error {
    match (e, meta) {
        (progenitor_client::Error::InvalidResponsePayload(body, e), Some(meta)) => {
            decode_error(Some(meta.status), meta.request_id(), e, &body)
        }
        (e, _) => from_generated(e).await,
    }
}

/// Classify a non-success `reqwest::Response`, reading its body for `errors[]`.
pub(crate) async fn from_response(response: reqwest::Response) -> Error {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    match response.bytes().await {
        Ok(body) => classify_status(status, &headers, parse_error_body(&body)),
        Err(_) => classify_status(status, &headers, Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unprocessable() -> Error {
        let body = br#"{"errors":[{"code":"10015","title":"Invalid phone number","detail":"must be US E.164","source":{"pointer":"/phone_numbers/0"}}]}"#;
        classify_status(422, &HeaderMap::new(), parse_error_body(body))
    }

    #[test]
    fn message_names_status_code_title_and_pointer() {
        assert_eq!(
            unprocessable().to_string(),
            "422 Unprocessable: 10015 Invalid phone number: must be US E.164 (at /phone_numbers/0)"
        );
        let body = br#"{"errors":[{"code":"10015","title":"Invalid phone number","source":{"pointer":"/phone_numbers/0"}}]}"#;
        assert_eq!(
            classify_status(422, &HeaderMap::new(), parse_error_body(body)).to_string(),
            "422 Unprocessable: 10015 Invalid phone number (at /phone_numbers/0)"
        );
    }

    #[test]
    fn kinds_map_to_node_codes() {
        let e = unprocessable();
        assert_eq!(e.kind(), ErrorKind::Unprocessable);
        assert_eq!(e.kind().code(), "UNPROCESSABLE");
        assert_eq!(e.status(), Some(422));
        assert_eq!(
            e.api_errors()[0].pointer.as_deref(),
            Some("/phone_numbers/0")
        );
    }

    #[test]
    fn statuses_classify() {
        let h = HeaderMap::new();
        let codes: Vec<&str> = [400, 401, 403, 404, 408, 409, 422, 429, 500, 503]
            .into_iter()
            .map(|s| classify_status(s, &h, vec![]).kind().code())
            .collect();
        assert_eq!(
            codes,
            [
                "BAD_REQUEST",
                "AUTHENTICATION",
                "PERMISSION_DENIED",
                "NOT_FOUND",
                "API_ERROR",
                "CONFLICT",
                "UNPROCESSABLE",
                "RATE_LIMITED",
                "SERVER_ERROR",
                "SERVER_ERROR"
            ]
        );
    }

    #[test]
    fn non_json_body_still_classifies() {
        let e = classify_status(
            502,
            &HeaderMap::new(),
            parse_error_body(b"<html>bad gateway"),
        );
        assert_eq!(e.to_string(), "502 Server Error");
    }

    #[test]
    fn request_id_and_description_fallback() {
        let mut h = HeaderMap::new();
        h.insert("x-request-id", "req-1".parse().unwrap());
        let body = br#"{"errors":[{"code":10009,"description":"Authentication failed"}]}"#;
        let e = classify_status(401, &h, parse_error_body(body));
        assert_eq!(e.request_id(), Some("req-1"));
        assert_eq!(
            e.to_string(),
            "401 Unauthorized: 10009 Authentication failed"
        );
    }

    #[test]
    fn only_transport_failures_after_sending_become_outcome_unknown() {
        let broken = Error::Connection {
            message: "connection closed before message completed".into(),
            before_send: false,
            outcome_unknown: false,
        };
        assert!(!broken.outcome_unknown());
        let unknown = broken.after_sending_not_idempotent();
        assert!(unknown.outcome_unknown());
        assert_eq!(unknown.kind(), ErrorKind::Connection);
        assert!(
            unknown.to_string().starts_with(
                "connection error: connection closed before message completed; outcome unknown: \
                 the request was sent and its answer lost"
            ),
            "{unknown}"
        );
        let timeout = Error::Timeout {
            message: "operation timed out".into(),
            outcome_unknown: false,
        }
        .after_sending_not_idempotent();
        assert!(timeout.outcome_unknown());
        assert_eq!(timeout.kind(), ErrorKind::Timeout);
        let never_sent = Error::Connection {
            message: "connection refused".into(),
            before_send: true,
            outcome_unknown: false,
        }
        .after_sending_not_idempotent();
        assert!(!never_sent.outcome_unknown());
        assert!(!never_sent.to_string().contains("outcome unknown"));
        assert!(
            !unprocessable()
                .after_sending_not_idempotent()
                .outcome_unknown()
        );
    }

    #[test]
    fn kinds_serialize_as_their_codes() {
        let kinds = [
            ErrorKind::InvalidInput,
            ErrorKind::Authentication,
            ErrorKind::PermissionDenied,
            ErrorKind::NotFound,
            ErrorKind::Conflict,
            ErrorKind::Unprocessable,
            ErrorKind::RateLimited,
            ErrorKind::BadRequest,
            ErrorKind::Api,
            ErrorKind::Server,
            ErrorKind::Timeout,
            ErrorKind::Connection,
            ErrorKind::GateRejected,
            ErrorKind::WebhookVerification,
            ErrorKind::BillingRefused,
            ErrorKind::Decode,
        ];
        for kind in kinds {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.code());
            let back: ErrorKind = serde_json::from_value(kind.code().into()).unwrap();
            assert_eq!(back, kind);
        }
    }

    #[test]
    fn a_decode_error_keeps_a_bounded_body_excerpt() {
        let body = format!("{{\"data\": \"{}\"}}", "x".repeat(1000));
        let e = decode_error(
            Some(200),
            Some("req-9"),
            "missing field `id`",
            body.as_bytes(),
        );
        let Error::Decode { body: excerpt, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(excerpt.chars().count(), BODY_EXCERPT_CHARS);
        assert!(body.starts_with(excerpt.as_str()));
        assert_eq!((e.status(), e.request_id()), (Some(200), Some("req-9")));
        assert!(e.http().is_none() && e.api_errors().is_empty());
        let empty = decode_error(Some(204), None, "EOF while parsing", b"");
        assert_eq!(
            empty.to_string(),
            "could not decode the 204 response: EOF while parsing (empty body)"
        );
    }

    #[test]
    fn gate_rejected_message() {
        let e = Error::GateRejected {
            gate: Gate::Status,
            reasons: vec!["FEIN mismatch".into()],
        };
        assert_eq!(e.to_string(), "status was rejected: FEIN mismatch");
        assert_eq!(e.kind().code(), "GATE_REJECTED");
    }
}
