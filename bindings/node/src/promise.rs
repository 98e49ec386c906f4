//! The bridge from a facade future to a JavaScript `Promise`: the future runs on napi's
//! tokio runtime; back on the JavaScript thread its value is converted, or its error is
//! rejected through `error::to_js` (so rejections carry a stable `code`).

use std::future::Future;

use napi::bindgen_prelude::{Env, PromiseRaw, ToNapiValue};
use telnyx_reputation as facade;

use crate::error;

/// Resolve with the future's value, converted to its JavaScript shape by `shape`.
pub fn spawn<'env, T, V, F>(
    env: &'env Env,
    future: F,
    shape: fn(T) -> Result<V, facade::Error>,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue + 'static,
    F: Future<Output = Result<T, facade::Error>> + Send + 'static,
{
    env.spawn_future_with_callback(async move { Ok(future.await) }, move |env, result| {
        result.and_then(shape).map_err(|e| error::to_js(env, &e))
    })
}
