//! The bridge from a facade future to a JavaScript `Promise`: the future runs on napi's
//! tokio runtime; back on the JavaScript thread its value is converted, or its error is
//! rejected through `error::to_js` (so rejections carry a stable `code`).
//!
//! On a `withRawResponse` handle the same call resolves to `{ data, response: { status,
//! headers, requestId } }` instead (the facade's `with_raw_response`); `index.d.ts` types
//! such a handle with the `WithRawResponse<T>` mapped type of its header.

use std::collections::HashMap;
use std::future::Future;

use napi::bindgen_prelude::{
    Env, Function, JsObjectValue, JsValue, Object, PromiseRaw, ToNapiValue, Unknown,
};
use napi::{JsString, sys};
use napi_derive::napi;
use serde::Serialize;
use telnyx_reputation as facade;

use crate::error;

/// The HTTP answer of a `withRawResponse` call.
#[napi(object, object_from_js = false)]
pub struct RawResponseInfo {
    /// The HTTP status (2xx).
    pub status: u32,
    /// The response headers, names in lower case; a repeated header's values joined by `, `.
    pub headers: HashMap<String, String>,
    /// The `x-request-id` the server stamped on the answer, if any.
    pub request_id: Option<String>,
}

/// A result handed to JavaScript as one JSON text that `JSON.parse` turns into the same
/// plain object (the models serialize with the keys and `null`s napi would set). For a
/// list of thousands of numbers V8's parser builds the objects several times faster than
/// setting each property through N-API, which was most of a bulk add's cost in Node.
pub struct ViaJson<T>(pub T);

impl<T: Serialize> ToNapiValue for ViaJson<T> {
    unsafe fn to_napi_value(raw_env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        let text = serde_json::to_string(&value.0)
            .map_err(|e| napi::Error::from_reason(format!("cannot hand over a result: {e}")))?;
        let env = Env::from_raw(raw_env);
        let json: Object = env.get_global()?.get_named_property("JSON")?;
        let parse: Function<JsString, Unknown> = json.get_named_property("parse")?;
        // ASCII (as JSON text of ids, numbers and timestamps nearly always is) is Latin-1
        // too, which V8 copies as it is instead of decoding it as UTF-8.
        let text = if text.is_ascii() {
            env.create_string_latin1(text.as_bytes())?
        } else {
            env.create_string_from_std(text)?
        };
        Ok(parse.call(text)?.raw())
    }
}

/// Resolve with the future's value, converted to its JavaScript shape by `shape`; with
/// `raw`, resolve with `{ data, response }`.
pub fn spawn<'env, T, V, F>(
    env: &'env Env,
    raw: bool,
    future: F,
    shape: fn(T) -> Result<V, facade::Error>,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue + 'static,
    F: Future<Output = Result<T, facade::Error>> + Send + 'static,
{
    spawn_as(env, raw, future, shape, |v| v)
}

/// [`spawn`] for a result that can hold thousands of models: handed over as JSON text
/// ([`ViaJson`]), the same object at a fraction of the cost. `shape` gives what serializes
/// as the JavaScript value (`convert::fused`: the facade's value itself); the Promise is
/// typed as the model `J` that JavaScript gets.
pub fn spawn_json<'env, T, V, J, F>(
    env: &'env Env,
    raw: bool,
    future: F,
    shape: fn(T) -> Result<V, facade::Error>,
) -> napi::Result<PromiseRaw<'env, J>>
where
    T: Send + 'static,
    V: Serialize + 'static,
    F: Future<Output = Result<T, facade::Error>> + Send + 'static,
{
    let promise = spawn_as(env, raw, future, shape, ViaJson)?;
    // The same Promise, typed by what JavaScript gets.
    Ok(PromiseRaw::new(env.raw(), promise.raw()))
}

/// The future's value shaped by `shape`, then wrapped by `wrap` for the hand-over.
fn spawn_as<'env, T, V, W, F>(
    env: &'env Env,
    raw: bool,
    future: F,
    shape: fn(T) -> Result<V, facade::Error>,
    wrap: fn(V) -> W,
) -> napi::Result<PromiseRaw<'env, W>>
where
    T: Send + 'static,
    V: 'static,
    W: ToNapiValue + 'static,
    F: Future<Output = Result<T, facade::Error>> + Send + 'static,
{
    if !raw {
        return env.spawn_future_with_callback(
            async move { Ok(future.await) },
            move |env, result| {
                result
                    .and_then(shape)
                    .map(wrap)
                    .map_err(|e| error::to_js(env, &e))
            },
        );
    }
    let future = async move { Ok(facade::with_raw_response(future).await) };
    let promise = env.spawn_future_with_callback(future, move |env, result| {
        let answer = result.map_err(|e| error::to_js(env, &e))?;
        let mut headers: HashMap<String, String> = HashMap::new();
        for (name, value) in answer.headers() {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            headers
                .entry(name.as_str().to_owned())
                .and_modify(|joined| {
                    joined.push_str(", ");
                    joined.push_str(&value);
                })
                .or_insert(value);
        }
        let info = RawResponseInfo {
            status: u32::from(answer.status()),
            request_id: answer.request_id().map(str::to_owned),
            headers,
        };
        let data = shape(answer.into_inner())
            .map(wrap)
            .map_err(|e| error::to_js(env, &e))?;
        let mut envelope = Object::new(env)?;
        envelope.set("data", data)?;
        envelope.set("response", info)?;
        Ok(envelope)
    })?;
    // The same Promise, typed as the plain call's: `index.d.ts` types the raw handle.
    Ok(PromiseRaw::new(env.raw(), promise.raw()))
}

/// The last argument of every call: what the SDK does not model yet, sent with the call's
/// requests. A value of the wrong type throws `INVALID_INPUT` naming it. Checked before the
/// cost guard and any I/O: `Authorization`, `Idempotency-Key` and the framing headers, the
/// query parameters the API declares (paging, filters, `fresh`), body fields the API declares
/// and body extras on calls without an open JSON body are refused (`INVALID_INPUT` naming
/// them).
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct RequestOptions {
    /// Headers to add to each request.
    #[napi(ts_type = "Record<string, string>")]
    pub extra_headers: Option<serde_json::Value>,
    /// Query parameters to add to each request.
    #[napi(ts_type = "Record<string, string>")]
    pub extra_query: Option<serde_json::Value>,
    /// Fields to merge into the JSON body (only where the API's body allows more fields).
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra_body: Option<serde_json::Value>,
}

impl RequestOptions {
    /// As the facade's options, read by the facade (which names a mistyped value).
    fn facade(self) -> Result<facade::RequestOptions, facade::Error> {
        let mut given = serde_json::Map::new();
        let fields = [
            ("extra_headers", self.extra_headers),
            ("extra_query", self.extra_query),
            ("extra_body", self.extra_body),
        ];
        for (name, value) in fields {
            if let Some(value) = value.filter(|v| !v.is_null()) {
                given.insert(name.to_owned(), value);
            }
        }
        facade::RequestOptions::from_json(serde_json::Value::Object(given)).map_err(|e| {
            let message = e
                .to_string()
                .trim_start_matches("invalid input: ")
                .replace("extra_headers", "extraHeaders")
                .replace("extra_query", "extraQuery")
                .replace("extra_body", "extraBody");
            facade::Error::invalid_input(message)
        })
    }
}

/// A facade handle that can carry per-call extras.
pub trait WithExtras: Clone {
    /// This handle sending `options`.
    fn with_options(&self, options: facade::RequestOptions) -> Self;

    /// A clone of this handle sending the call's extras, if any; a mistyped one throws.
    fn with_extras(&self, env: &Env, options: Option<RequestOptions>) -> napi::Result<Self> {
        match options {
            Some(options) => options
                .facade()
                .map(|options| self.with_options(options))
                .map_err(|e| error::to_js(env, &e)),
            None => Ok(self.clone()),
        }
    }
}

macro_rules! with_extras {
    ($($handle:ident),+) => {$(
        impl WithExtras for facade::$handle {
            fn with_options(&self, options: facade::RequestOptions) -> Self {
                self.with_request_options(options)
            }
        }
    )+};
}

with_extras!(
    Documents,
    Enterprises,
    ExternalVerifications,
    Loa,
    Numbers,
    AccountNumbers,
    Remediations,
    Reputation,
    TermsOfService,
    Agreements
);
