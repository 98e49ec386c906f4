//! The one place facade errors become JavaScript errors: an `Error` whose `code` is
//! `ErrorKind::code()` (`NOT_FOUND`, `RATE_LIMITED`, ...), with `status`, `requestId`,
//! `errors` (the API's `errors[]`), `retryAfterMs`, for `GATE_REJECTED` the `gate` and
//! `reasons`, and for a `CONNECTION` / `TIMEOUT` of a sent billable request whose answer was
//! lost `outcomeUnknown: true`. `errors` is always an array; the other properties are set
//! only when they apply. No classification happens here: the facade's `ErrorKind` decides.

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
}

impl From<&facade::ApiError> for ApiError {
    fn from(e: &facade::ApiError) -> Self {
        ApiError {
            code: e.code.clone(),
            title: e.title.clone(),
            detail: e.detail.clone(),
            pointer: e.pointer.clone(),
            parameter: e.parameter.clone(),
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
    let mut object = env.create_error(Error::new(Status::GenericFailure, error.to_string()))?;
    object.set_named_property("code", error.kind().code())?;
    if let Some(status) = error.status() {
        object.set_named_property("status", status)?;
    }
    if let Some(request_id) = error.request_id() {
        object.set_named_property("requestId", request_id)?;
    }
    if let Some(wait) = error.retry_after() {
        object.set_named_property("retryAfterMs", wait.as_millis() as f64)?;
    }
    let errors: Vec<ApiError> = error.api_errors().iter().map(ApiError::from).collect();
    object.set_named_property("errors", errors)?;
    if error.outcome_unknown() {
        object.set_named_property("outcomeUnknown", true)?;
    }
    if let facade::Error::GateRejected { gate, reasons } = error {
        object.set_named_property("gate", gate.to_string())?;
        object.set_named_property("reasons", reasons.clone())?;
    }
    Ok(object)
}
