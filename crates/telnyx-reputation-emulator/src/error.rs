//! Telnyx-shaped error bodies: `{"errors":[{code,title,detail,source,meta}]}`.
//!
//! Every non-2xx answer of the emulator (API and admin alike) is built here, so the shape
//! never drifts. What a given failure means belongs to the route that raises it, not here.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Where in the request an error points: a JSON pointer into the body or a query/path parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// RFC 6901 pointer into the JSON body, e.g. `/phone_numbers/3`.
    Pointer(String),
    /// Name of a query or path parameter, e.g. `page[size]`.
    Parameter(String),
}

/// One entry of the `errors` array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorItem {
    /// Telnyx error code; always a string on the wire.
    pub code: &'static str,
    /// Short, stable title.
    pub title: String,
    /// Human-readable explanation naming the offending value where possible.
    pub detail: String,
    /// What the error points at, if anything.
    pub source: Option<Source>,
}

impl ErrorItem {
    /// An error without a source.
    pub fn new(code: &'static str, title: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            code,
            title: title.into(),
            detail: detail.into(),
            source: None,
        }
    }

    /// Attach a JSON pointer into the request body.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.source = Some(Source::Pointer(pointer.into()));
        self
    }

    /// Attach a query or path parameter name.
    pub fn param(mut self, name: impl Into<String>) -> Self {
        self.source = Some(Source::Parameter(name.into()));
        self
    }

    fn to_json(&self) -> Value {
        let mut item = json!({
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
            "meta": { "url": format!("https://developers.telnyx.com/docs/overview/errors/{}", self.code) },
        });
        if let Some(source) = &self.source {
            item["source"] = match source {
                Source::Pointer(p) => json!({ "pointer": p }),
                Source::Parameter(p) => json!({ "parameter": p }),
            };
        }
        item
    }
}

/// Error codes used by the emulator, following the Telnyx catalogue.
pub mod codes {
    /// A required parameter is missing.
    pub const MISSING_PARAMETER: &str = "10004";
    /// The resource does not exist or is not visible to this account.
    pub const NOT_FOUND: &str = "10005";
    /// Unexpected server error.
    pub const UNEXPECTED: &str = "10007";
    /// Missing or invalid credentials.
    pub const AUTHENTICATION: &str = "10009";
    /// Authenticated, but not allowed (for example, terms not accepted).
    pub const AUTHORIZATION: &str = "10010";
    /// Rate limited.
    pub const TOO_MANY_REQUESTS: &str = "10011";
    /// Duplicate or conflicting resource.
    pub const CONFLICT: &str = "10012";
    /// The request is not well-formed or a value is invalid.
    pub const BAD_REQUEST: &str = "10015";
    /// A phone number is not in the required E.164 form.
    pub const E164_REQUIRED: &str = "10016";
}

/// An HTTP error answer: a status plus one or more Telnyx error items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// The `errors` array; never empty.
    pub items: Vec<ErrorItem>,
}

impl ApiError {
    /// An error with a single item.
    pub fn one(status: StatusCode, item: ErrorItem) -> Self {
        Self {
            status,
            items: vec![item],
        }
    }

    /// 401: missing or empty bearer token.
    pub fn unauthenticated() -> Self {
        Self::one(
            StatusCode::UNAUTHORIZED,
            ErrorItem::new(
                codes::AUTHENTICATION,
                "Authentication failed",
                "The API key is missing or empty. Send `Authorization: Bearer <API key>`; any non-empty key is an account in the emulator.",
            ),
        )
    }

    /// 404 with a detail naming what was not found.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::one(
            StatusCode::NOT_FOUND,
            ErrorItem::new(codes::NOT_FOUND, "Resource not found", detail),
        )
    }

    /// 400 with a detail explaining the rule that was broken.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::one(
            StatusCode::BAD_REQUEST,
            ErrorItem::new(codes::BAD_REQUEST, "Bad Request", detail),
        )
    }

    /// 400 for a body field (`source.pointer`), e.g. an admin value out of bounds.
    pub fn bad_request_at(pointer: &str, detail: impl Into<String>) -> Self {
        Self::one(
            StatusCode::BAD_REQUEST,
            ErrorItem::new(codes::BAD_REQUEST, "Bad Request", detail).at(pointer),
        )
    }

    /// 400 for a query or path parameter.
    pub fn bad_parameter(name: &str, detail: impl Into<String>) -> Self {
        Self::one(
            StatusCode::BAD_REQUEST,
            ErrorItem::new(codes::BAD_REQUEST, "Invalid parameter", detail).param(name),
        )
    }

    /// 403 because the Number Reputation terms of service were not accepted.
    pub fn terms_not_accepted() -> Self {
        Self::one(
            StatusCode::FORBIDDEN,
            ErrorItem::new(
                codes::AUTHORIZATION,
                "Terms of service not accepted",
                "terms_of_service_not_accepted: agree to the Number Reputation terms first with POST /v2/terms_of_service/number_reputation/agree.",
            ),
        )
    }

    /// 409 with a detail naming the conflicting resource.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::one(
            StatusCode::CONFLICT,
            ErrorItem::new(codes::CONFLICT, "Conflict", detail),
        )
    }

    /// 422 with one or more field errors.
    pub fn unprocessable(items: Vec<ErrorItem>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            items,
        }
    }

    /// 422 with one field error.
    pub fn invalid(pointer: &str, detail: impl Into<String>) -> Self {
        Self::unprocessable(vec![invalid_item(pointer, detail)])
    }

    /// 413: the body exceeds the emulator's limit.
    pub fn too_large(limit: usize) -> Self {
        Self::one(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorItem::new(
                codes::BAD_REQUEST,
                "Request entity too large",
                format!("The request body exceeds the limit of {limit} bytes."),
            ),
        )
    }

    /// 405 for a known path with the wrong method.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::one(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorItem::new(
                codes::BAD_REQUEST,
                "Method not allowed",
                format!("{method} is not supported on {path}."),
            ),
        )
    }

    /// The JSON body of this error.
    pub fn body(&self) -> Value {
        json!({ "errors": self.items.iter().map(ErrorItem::to_json).collect::<Vec<_>>() })
    }
}

/// A 422 item for an invalid field value.
pub fn invalid_item(pointer: &str, detail: impl Into<String>) -> ErrorItem {
    ErrorItem::new(codes::BAD_REQUEST, "Invalid value", detail).at(pointer)
}

/// A 422 item for a missing required field.
pub fn missing_item(pointer: &str) -> ErrorItem {
    let name = pointer.rsplit('/').next().unwrap_or(pointer);
    ErrorItem::new(
        codes::MISSING_PARAMETER,
        "Missing required parameter",
        format!("The field '{name}' is required."),
    )
    .at(pointer)
}

/// The default body for an injected fault with the given status.
pub fn default_fault_body(status: StatusCode) -> Value {
    let item = match status.as_u16() {
        429 => ErrorItem::new(
            codes::TOO_MANY_REQUESTS,
            "Too many requests",
            "You have exceeded the maximum number of allowed requests.",
        ),
        s if s >= 500 => ErrorItem::new(
            codes::UNEXPECTED,
            "Unexpected error",
            "An unexpected error occurred (injected by the emulator).",
        ),
        _ => ErrorItem::new(
            codes::BAD_REQUEST,
            status.canonical_reason().unwrap_or("Error"),
            "Error injected by the emulator.",
        ),
    };
    ApiError::one(status, item).body()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}
