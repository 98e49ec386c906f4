//! The exported error classes: `TelnyxReputationError` (extends `Error`) and one subclass
//! per facade `ErrorKind`, named as the Python classes are (`NotFoundError`,
//! `RateLimitError`, ...), so `e instanceof NotFoundError` narrows in TypeScript while
//! `e.code` stays. They are defined once per JavaScript environment when the addon loads
//! (`#[napi(module_exports)]`), exported beside the generated names, and `error::to_js`
//! builds every error as an instance of its kind's class. Their declarations are
//! `errors.d.ts`, the header napi puts at the top of `index.d.ts`.

use napi::bindgen_prelude::{Env, Function, FunctionRef, JsObjectValue, Object};
use napi_derive::napi;

/// The class definitions; evaluated once per environment, never with user input.
const CLASSES_JS: &str = r#"(() => {
  class TelnyxReputationError extends Error {}
  class InvalidInputError extends TelnyxReputationError {}
  class APIStatusError extends TelnyxReputationError {}
  class BadRequestError extends APIStatusError {}
  class AuthenticationError extends APIStatusError {}
  class PermissionDeniedError extends APIStatusError {}
  class NotFoundError extends APIStatusError {}
  class ConflictError extends APIStatusError {}
  class UnprocessableEntityError extends APIStatusError {}
  class RateLimitError extends APIStatusError {}
  class InternalServerError extends APIStatusError {}
  class APIConnectionError extends TelnyxReputationError {}
  class APITimeoutError extends APIConnectionError {}
  class APIResponseValidationError extends TelnyxReputationError {}
  class GateRejectedError extends TelnyxReputationError {}
  class BillingRefusedError extends TelnyxReputationError {}
  class WebhookVerificationError extends TelnyxReputationError {}
  const classes = {
    TelnyxReputationError, InvalidInputError, APIStatusError, BadRequestError,
    AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError,
    UnprocessableEntityError, RateLimitError, InternalServerError, APIConnectionError,
    APITimeoutError, APIResponseValidationError, GateRejectedError, BillingRefusedError,
    WebhookVerificationError,
  }
  for (const [name, Class] of Object.entries(classes)) {
    Object.defineProperty(Class.prototype, 'name', { value: name, writable: true, configurable: true })
  }
  const byCode = {
    INVALID_INPUT: InvalidInputError, AUTHENTICATION: AuthenticationError,
    PERMISSION_DENIED: PermissionDeniedError, NOT_FOUND: NotFoundError,
    CONFLICT: ConflictError, UNPROCESSABLE: UnprocessableEntityError,
    RATE_LIMITED: RateLimitError, BAD_REQUEST: BadRequestError, API_ERROR: APIStatusError,
    SERVER_ERROR: InternalServerError, TIMEOUT: APITimeoutError,
    CONNECTION: APIConnectionError, DECODE: APIResponseValidationError,
    GATE_REJECTED: GateRejectedError, WEBHOOK_VERIFICATION: WebhookVerificationError,
    BILLING_REFUSED: BillingRefusedError,
  }
  // napi passes the Rust tuple `(code, message)` as one array argument.
  const make = (...args) => {
    const [code, message] = Array.isArray(args[0]) ? args[0] : args
    return new (byCode[code] ?? TelnyxReputationError)(message)
  }
  return { classes, make }
})()"#;

/// Every exported class name (what `CLASSES_JS` defines).
pub const CLASS_NAMES: [&str; 17] = [
    "TelnyxReputationError",
    "InvalidInputError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "GateRejectedError",
    "BillingRefusedError",
    "WebhookVerificationError",
];

/// `make(code, message)`: a new instance of the class of `code`.
type Make = FunctionRef<(String, String), Object<'static>>;

/// What the environment keeps: the constructor of error instances.
struct ErrorClasses {
    make: Make,
}

/// Define the classes in this environment, export them (and `PRICES`) and keep `make` for `error::to_js`.
#[napi(module_exports)]
pub fn exports(mut exports: Object, env: Env) -> napi::Result<()> {
    let defined: Object = env.run_script(CLASSES_JS)?;
    let classes: Object = defined.get_named_property("classes")?;
    for name in CLASS_NAMES {
        let class: napi::bindgen_prelude::Unknown = classes.get_named_property(name)?;
        exports.set_named_property(name, class)?;
    }
    // The published price table, beside the classes (declared in the `index.d.ts` header).
    let prices = crate::client::price_rows(&telnyx_reputation::PriceTable::default());
    exports.set_named_property("PRICES", prices)?;
    let make: Function<(String, String), Object<'static>> = defined.get_named_property("make")?;
    env.set_instance_data(
        ErrorClasses {
            make: make.create_ref()?,
        },
        (),
        |_| {},
    )
}

/// A new error of `code`'s class carrying `message`, or `None` when the classes are not
/// defined in this environment (the caller falls back to a plain `Error`).
pub fn instance<'env>(env: &'env Env, code: &str, message: &str) -> Option<Object<'env>> {
    let classes = env.get_instance_data::<ErrorClasses>().ok()??;
    let make = classes.make.borrow_back(env).ok()?;
    make.call((code.to_owned(), message.to_owned())).ok()
}
