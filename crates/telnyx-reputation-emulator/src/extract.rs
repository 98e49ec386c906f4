//! Request extractors that fail with Telnyx-shaped errors: the bearer account, a JSON object
//! body, and the raw query parameters (bracketed keys such as `page[size]` kept verbatim).
//!
//! They only parse; what a field must contain is checked in `validate.rs` and the routes.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorItem, codes};

/// The calling account: the bearer token of `Authorization: Bearer <key>`.
#[derive(Debug, Clone)]
pub struct Account(pub ApiKey);

/// An API key as the request carried it: the `Authorization` value itself (hyper's bytes,
/// shared rather than copied), read as the token it holds.
#[derive(Debug, Clone)]
pub struct ApiKey(axum::http::HeaderValue);

impl std::ops::Deref for ApiKey {
    type Target = str;

    fn deref(&self) -> &str {
        // Checked to hold a bearer token when the key was extracted.
        bearer_of(&self.0).unwrap_or_default()
    }
}

/// The bearer token of a request, if it carries a non-empty one.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    bearer_str(headers).map(str::to_string)
}

/// [`bearer`], borrowed from the headers.
pub fn bearer_str(headers: &axum::http::HeaderMap) -> Option<&str> {
    bearer_of(headers.get(AUTHORIZATION)?)
}

fn bearer_of(value: &axum::http::HeaderValue) -> Option<&str> {
    let value = value.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl<S: Send + Sync> FromRequestParts<S> for Account {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .headers
            .get(AUTHORIZATION)
            .filter(|value| bearer_of(value).is_some())
            .map(|value| Account(ApiKey(value.clone())))
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// A JSON object body. An empty body reads as `{}` (the official Python SDK sends
/// `Content-Type: application/json` with no body on bodyless POSTs).
#[derive(Debug, Clone, Default)]
pub struct JsonObject(pub Map<String, Value>);

impl JsonObject {
    /// Parse raw bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(ApiError::invalid(
                "/",
                "The request body must be a JSON object.",
            )),
            Err(e) => Err(ApiError::one(
                axum::http::StatusCode::BAD_REQUEST,
                ErrorItem::new(
                    codes::BAD_REQUEST,
                    "Bad Request",
                    format!("The request failed because it was not well-formed: {e}."),
                )
                .at("/"),
            )),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::too_large(crate::gateway::BODY_LIMIT))?;
        Self::parse(&bytes)
    }
}

/// The query string as decoded key/value pairs.
#[derive(Debug, Clone, Default)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    /// Decode a raw query string.
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                .unwrap_or_default(),
        )
    }

    /// The last value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A phone-number-like value. Form decoding turns a literal `+` into a space, so a
    /// leading space is read back as `+` (`?filter[phone_number][eq]=+1202...` works unencoded).
    pub fn phone(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| match v.strip_prefix(' ') {
            Some(rest) => format!("+{rest}"),
            None => v.to_string(),
        })
    }

    /// A boolean parameter (`true`/`false`, also `1`/`0`).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true" | "1" | "True" | "TRUE") => Ok(Some(true)),
            Some("false" | "0" | "False" | "FALSE") => Ok(Some(false)),
            Some(other) => Err(ApiError::bad_parameter(
                name,
                format!("{name} must be true or false, got '{other}'."),
            )),
        }
    }

    /// A timestamp parameter; a space (a decoded literal `+`) is read back as `+`.
    pub fn datetime(&self, name: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        let fixed = raw.replace(' ', "+");
        chrono::DateTime::parse_from_rfc3339(&fixed)
            .map(|t| Some(t.with_timezone(&chrono::Utc)))
            .or_else(|_| {
                chrono::NaiveDate::parse_from_str(&fixed, "%Y-%m-%d")
                    .map(|d| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
            })
            .map_err(|_| {
                ApiError::bad_parameter(
                    name,
                    format!("{name} must be an ISO 8601 timestamp, got '{raw}'."),
                )
            })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::parse(parts.uri.query()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_brackets_and_plus() {
        let q = Query::parse(Some(
            "page%5Bsize%5D=5&filter[phone_number][eq]=+12025551234&x=%2B1",
        ));
        assert_eq!(q.get("page[size]"), Some("5"));
        assert_eq!(
            q.phone("filter[phone_number][eq]").as_deref(),
            Some("+12025551234")
        );
        assert_eq!(q.phone("x").as_deref(), Some("+1"));
    }

    #[test]
    fn empty_body_is_an_empty_object() {
        assert!(JsonObject::parse(b"").is_ok_and(|o| o.0.is_empty()));
        assert!(JsonObject::parse(b"[1]").is_err());
        assert_eq!(
            JsonObject::parse(b"{").map_err(|e| e.status.as_u16()).err(),
            Some(400)
        );
    }
}
