//! The one place facade errors become JavaScript errors: an instance of the kind's exported
//! class (`NotFoundError`, ... extending `TelnyxReputationError` and `Error`, see
//! `error_classes.rs`) whose `code` is
//! `ErrorKind::code()` (`NOT_FOUND`, `RATE_LIMITED`, `DECODE`, ...), and on every error the same
//! properties, `null` where they do not apply: `status`, `requestId`, `errors` (the API's
//! `errors[]`, each with `meta`; always an array), `retryAfter` (seconds) and `retryAfterMs`,
//! `gate`, `reasons`, `outcomeUnknown`, `body` (the start of an undecodable answer), and
//! `details`: the facade's `Error::details()` as a plain object, the same keys and values as
//! Python's `err.details`. No classification happens here: the facade decides.

use napi::bindgen_prelude::{Env, JsObjectValue, JsValue, Object};
use napi::{Error, Status};
use napi_derive::napi;
use serde::{Deserialize, Serialize};
use telnyx_reputation as facade;

/// One entry of the API's `errors[]`, as carried by an error's `errors` property.
#[napi(object, use_nullable = true)]
#[derive(Serialize, Deserialize)]
pub struct ApiError {
    /// Telnyx error code, e.g. `"10015"`.
    pub code: Option<String>,
    /// Short title.
    pub title: Option<String>,
    /// Longer explanation.
    pub detail: Option<String>,
    /// JSON pointer into the request body, e.g. `/phone_numbers/0`.
    pub pointer: Option<String>,
    /// Query or path parameter at fault.
    pub parameter: Option<String>,
    /// Free-form extra data the API attached (often `{ url }`); `{}` when none.
    #[napi(ts_type = "Record<string, unknown>")]
    pub meta: serde_json::Map<String, serde_json::Value>,
}

impl From<&facade::ApiError> for ApiError {
    fn from(e: &facade::ApiError) -> Self {
        ApiError {
            code: e.code.clone(),
            title: e.title.clone(),
            detail: e.detail.clone(),
            pointer: e.pointer.clone(),
            parameter: e.parameter.clone(),
            meta: e.meta.clone(),
        }
    }
}

/// Build the JavaScript `Error` for a facade error and wrap it so napi throws or rejects
/// with that very object.
pub fn to_js(env: &Env, error: &facade::Error) -> Error {
    match build(env, error) {
        Ok(object) => Error::from(object.to_unknown()),
        // Building the object failed (out of memory, a pending exception): keep the message.
        Err(_) => Error::new(Status::GenericFailure, error.to_string()),
    }
}

fn build<'env>(env: &'env Env, error: &facade::Error) -> napi::Result<Object<'env>> {
    let details = error.details();
    // An instance of the kind's exported class (`NotFoundError`, ...); a plain `Error` only
    // if the classes are missing from this environment.
    let mut object =
        match crate::error_classes::instance(env, error.kind().code(), &details.message) {
            Some(object) => object,
            None => env.create_error(Error::new(Status::GenericFailure, &details.message))?,
        };
    object.set_named_property("code", error.kind().code())?;
    object.set_named_property("status", details.status)?;
    object.set_named_property("requestId", details.request_id.as_deref())?;
    let errors: Vec<ApiError> = error.api_errors().iter().map(ApiError::from).collect();
    object.set_named_property("errors", errors)?;
    object.set_named_property("retryAfter", details.retry_after)?;
    let retry_after_ms = error.retry_after().map(|wait| wait.as_millis() as f64);
    object.set_named_property("retryAfterMs", retry_after_ms)?;
    object.set_named_property("gate", details.gate.map(|g| g.to_string()))?;
    object.set_named_property("reasons", details.reasons.clone())?;
    object.set_named_property("outcomeUnknown", details.outcome_unknown)?;
    object.set_named_property("body", details.body.as_deref())?;
    object.set_named_property("details", env.to_js_value(&details)?)?;
    Ok(object)
}
