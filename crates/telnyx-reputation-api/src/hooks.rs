//! Request hooks that fix what the generated client sends, once, for every operation.
//!
//! - progenitor leaves `+` unescaped in path segments; the API wants `%2B` (a literal `+`
//!   may be read as a space), and pre-encoding is impossible because `%` gets escaped.
//! - progenitor always adds `api-version: <info.version>`, which the API does not define.
//! - progenitor sends `Accept: */*` for non-JSON responses; the LOA render wants
//!   `application/pdf`.
//! - an error status whose body is not a Telnyx `{"errors": [...]}` document (a proxy's HTML
//!   502, an empty 503) would fail to decode and lose its status; `exec` rewrites such a body
//!   into a Telnyx-shaped one so the status survives and callers can classify and retry it.
//! - per-call extras ([`RequestExtras`], run with [`with_request_extras`]): headers, query
//!   pairs and JSON body fields the caller adds to every request of one call, for what the
//!   contract does not model yet. The facade checks them before any I/O; here they are only
//!   applied.
//! - a 2xx answer whose body does not decode reaches the caller as the body and a serde error
//!   only; `exec` records its status and `x-request-id` for a caller running the call inside
//!   [`with_response_meta`], so that failure can name both.
//! - a caller that decodes a success body into its own types (the facade's pages of numbers)
//!   runs the call inside [`with_unread_body`]: `exec` keeps the answer of the expected status
//!   unread for it and hands progenitor a stand-in with the same status and headers and a
//!   minimal body, so the body is decoded once, and only by the caller.
//!
//! This impl for `Client` wins over the generated blanket `impl ClientHooks for &Client` by
//! auto-ref method resolution.

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;

use futures::FutureExt;
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue};

use crate::Client;

/// The operation whose response is a PDF rather than JSON.
const PDF_OPERATION: &str = "render_loa";

impl ClientHooks<()> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        encode_plus_in_path(request);
        request.headers_mut().remove("api-version");
        if info.operation_id == PDF_OPERATION {
            request
                .headers_mut()
                .insert(ACCEPT, HeaderValue::from_static("application/pdf"));
        }
        apply_request_extras(request).map_err(Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        if response.status().is_client_error() || response.status().is_server_error() {
            return ensure_telnyx_error_body(response).await;
        }
        // Outside `with_response_meta` there is no slot and nothing is recorded.
        let _ = RESPONSE_META.try_with(|slot| {
            slot.set(Some(ResponseMeta {
                status: response.status().as_u16(),
                request_id: response.headers().get("x-request-id").cloned(),
            }))
        });
        // Inside `with_unread_body`: keep the expected answer for the caller.
        match UNREAD_BODY.try_with(|slot| (slot.status, slot.placeholder)) {
            Ok((status, placeholder)) if response.status().as_u16() == status => {
                Ok(keep_unread(response, placeholder))
            }
            _ => Ok(response),
        }
    }
}

/// The status line and request id of the last successful answer of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseMeta {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `x-request-id` header, when the server sent one.
    pub request_id: Option<HeaderValue>,
}

impl ResponseMeta {
    /// The request id as text (`None` when absent or not visible ASCII).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_ref().and_then(|v| v.to_str().ok())
    }
}

tokio::task_local! {
    static RESPONSE_META: Cell<Option<ResponseMeta>>;
}

/// Run `call` (a generated-client call) and return its output with the status and request
/// id of the last 2xx answer it received, if any. Progenitor reports an undecodable 2xx body
/// as the bytes and a serde error only; this is how the caller learns which answer it was.
///
/// Written with a combinator rather than as an `async fn`: the call's future is then held
/// once, where an `async` wrapper holds it twice (about three times its size in all), and
/// a page's request goes through two of these wrappers.
pub fn with_response_meta<F: Future>(
    call: F,
) -> impl Future<Output = (F::Output, Option<ResponseMeta>)> {
    RESPONSE_META.scope(
        Cell::new(None),
        call.map(|output| (output, RESPONSE_META.with(Cell::take))),
    )
}

struct UnreadBody {
    /// The status whose answer is kept (the operation's declared success status).
    status: u16,
    /// What progenitor decodes instead: a valid, minimal JSON value of the operation's type.
    placeholder: &'static str,
    /// The last answer of that status, its body not read yet.
    response: Cell<Option<reqwest::Response>>,
}

tokio::task_local! {
    static UNREAD_BODY: UnreadBody;
}

/// Run `call` (a generated-client call) and return its output with its last answer of
/// `status`, body unread, for the caller to decode into its own types. Progenitor decodes
/// `placeholder` instead, with that answer's status and headers, so `placeholder` must be a
/// valid, minimal JSON value of the operation's response type. Everything else is the
/// generated call's own: the request and its hooks, the error statuses and their bodies, any
/// other status (which reaches progenitor untouched). A combinator, like
/// [`with_response_meta`], so that the call's future is held once.
pub fn with_unread_body<F: Future>(
    status: u16,
    placeholder: &'static str,
    call: F,
) -> impl Future<Output = (F::Output, Option<reqwest::Response>)> {
    let slot = UnreadBody {
        status,
        placeholder,
        response: Cell::new(None),
    };
    UNREAD_BODY.scope(
        slot,
        call.map(|output| (output, UNREAD_BODY.with(|slot| slot.response.take()))),
    )
}

/// Keep `response` in the [`with_unread_body`] slot; progenitor gets a stand-in with its
/// status, version and headers (unchanged: what a caller records of the answer) and
/// `placeholder` as its body.
fn keep_unread(response: reqwest::Response, placeholder: &'static str) -> reqwest::Response {
    let mut stand_in = http::Response::new(bytes::Bytes::from_static(placeholder.as_bytes()));
    *stand_in.status_mut() = response.status();
    *stand_in.version_mut() = response.version();
    *stand_in.headers_mut() = response.headers().clone();
    UNREAD_BODY.with(|slot| slot.response.set(Some(response)));
    reqwest::Response::from(stand_in)
}

/// What one call adds to each of its requests: headers (replacing any of the same name),
/// query pairs (appended) and fields merged into a JSON object body. The facade decides what
/// is allowed (no credentials, no field the contract models); this only applies them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestExtras {
    /// Headers set on each request.
    pub headers: HeaderMap,
    /// Query pairs appended to each request's URL.
    pub query: Vec<(String, String)>,
    /// Fields added to the JSON object body (`None`: the body is left as it is).
    pub body: Option<serde_json::Map<String, serde_json::Value>>,
}

impl RequestExtras {
    /// Add the extras to `request`; a body extra on a request without a JSON object body is
    /// an error (the facade refuses it before any I/O, so this is a backstop).
    fn apply(&self, request: &mut reqwest::Request) -> Result<(), String> {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        if !self.query.is_empty() {
            let mut pairs = request.url_mut().query_pairs_mut();
            for (name, value) in &self.query {
                pairs.append_pair(name, value);
            }
        }
        if let Some(fields) = self.body.as_ref().filter(|fields| !fields.is_empty()) {
            let bytes = request.body().and_then(reqwest::Body::as_bytes);
            let mut object = match bytes.map(serde_json::from_slice::<serde_json::Value>) {
                Some(Ok(serde_json::Value::Object(object))) => object,
                _ => return Err("extra_body: this request has no JSON object body".to_owned()),
            };
            for (name, value) in fields {
                object.insert(name.clone(), value.clone());
            }
            let merged = serde_json::to_vec(&object).map_err(|e| e.to_string())?;
            request.headers_mut().remove(CONTENT_LENGTH);
            *request.body_mut() = Some(reqwest::Body::from(merged));
        }
        Ok(())
    }
}

tokio::task_local! {
    static REQUEST_EXTRAS: Arc<RequestExtras>;
}

/// Add the extras of the enclosing [`with_request_extras`] (if any) to `request`: the
/// generated calls do it in their `pre` hook; a request built by hand (the multipart upload)
/// calls this.
pub fn apply_request_extras(request: &mut reqwest::Request) -> Result<(), String> {
    match REQUEST_EXTRAS.try_with(Arc::clone) {
        Ok(extras) => extras.apply(request),
        Err(_) => Ok(()),
    }
}

/// Run `call` (generated-client calls, retries included) with `extras` added to each
/// request it sends.
pub fn with_request_extras<F: Future>(
    extras: Arc<RequestExtras>,
    call: F,
) -> impl Future<Output = F::Output> {
    REQUEST_EXTRAS.scope(extras, call)
}

/// How much of a foreign error body is kept as the synthesized `detail`.
const DETAIL_LIMIT: usize = 300;

/// Pass a Telnyx error document through; wrap anything else in one, keeping the status and
/// headers and quoting the start of the original body as `detail`.
async fn ensure_telnyx_error_body(
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let mut headers = response.headers().clone();
    let body = response.bytes().await?;
    let is_telnyx = serde_json::from_slice::<serde_json::Value>(&body)
        .is_ok_and(|v| v.get("errors").is_some_and(serde_json::Value::is_array));
    let body = if is_telnyx {
        body
    } else {
        let text = String::from_utf8_lossy(&body);
        let detail: String = text.trim().chars().take(DETAIL_LIMIT).collect();
        let title = status.canonical_reason().unwrap_or("HTTP error");
        let synthesized = serde_json::json!({
            "errors": [{ "title": title, "detail": detail }]
        });
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.remove(CONTENT_LENGTH);
        bytes::Bytes::from(synthesized.to_string())
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// Rewrite every `+` in the URL path as `%2B` (query strings are already encoded).
fn encode_plus_in_path(request: &mut reqwest::Request) {
    if request.url().path().contains('+') {
        let path = request.url().path().replace('+', "%2B");
        request.url_mut().set_path(&path);
    }
}
