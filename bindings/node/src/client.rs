//! `new Client({ apiKey?, baseUrl?, timeoutMs?, maxRetries?, retryCapMs?, retryDeadlineMs?,
//! userAgent?, allowInsecureHttp?, maxBillable?, onBillable? })` and the entry points to each
//! resource, mirroring the facade's `Client`. The options object is deserialized (serde) into
//! [`ClientOptions`], the camelCase mirror of the facade's `ClientOptions`, converted once; an
//! unknown or mistyped option, like any configuration the facade's builder refuses, throws an
//! `INVALID_INPUT` error naming it from the constructor.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use napi::Status;
use napi::bindgen_prelude::{Env, JsObjectValue, Object, Unknown};
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;
use serde::Deserialize;
use telnyx_reputation as facade;

use crate::error;
use crate::resources::{AccountNumbers, Documents, Enterprises, Reputation, TermsOfService};

/// The `onBillable` hook: called on the JavaScript thread, it returns `false` (or throws) to
/// refuse; weak, so a client holding one never keeps the process alive.
type BillingHook =
    ThreadsafeFunction<BillableRequest, Option<bool>, BillableRequest, Status, false, true>;

/// One billable request about to be sent, as `onBillable` sees it.
#[napi(object)]
#[derive(Clone)]
pub struct BillableRequest {
    /// The operation, e.g. `numbers.add`.
    pub operation: String,
    /// `enable`, `numbers_added`, `live_lookups` or `refreshes`.
    pub action: String,
    /// HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Numbers added or refreshed; 1 for enable and live reads.
    pub units: u32,
}

/// Billable requests of one action and the units they carried.
#[napi(object)]
pub struct ActionUsage {
    /// Requests sent.
    pub requests: u32,
    /// Units (numbers added or refreshed; 1 per enable or live read).
    pub units: u32,
}

/// What `client.usage()` returns.
#[napi(object)]
pub struct Usage {
    /// Billable requests sent, all actions together.
    pub total_requests: u32,
    /// Per action (`enable`, `numbers_added`, `live_lookups`, `refreshes`); unused ones absent.
    pub actions: HashMap<String, ActionUsage>,
}

/// Options of `new Client(..)`; each falls back to the environment, then the facade's
/// default. Times are milliseconds (the `Ms` suffix). A name not listed here is refused.
#[napi(object, object_to_js = false)]
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOptions {
    /// API key; default `$TELNYX_API_KEY`.
    pub api_key: Option<String>,
    /// Base URL, e.g. an emulator's `http://127.0.0.1:4010/v2`; default `$TELNYX_BASE_URL`,
    /// else `https://api.telnyx.com/v2`.
    pub base_url: Option<String>,
    /// Per-request timeout in milliseconds (default 60,000).
    pub timeout_ms: Option<u32>,
    /// Retries after the first attempt (default 2; 0 disables retries).
    pub max_retries: Option<u32>,
    /// Longest single wait between attempts, in milliseconds (default 8,000). A server asking
    /// for longer gets its error returned rather than a longer wait.
    pub retry_cap_ms: Option<u32>,
    /// Overall budget of an operation including its retries, in milliseconds (default: none).
    pub retry_deadline_ms: Option<u32>,
    /// The `User-Agent` header (default `telnyx-reputation-node/<version>`).
    pub user_agent: Option<String>,
    /// Allow sending the key over plain `http://` to a non-loopback host (default false).
    pub allow_insecure_http: Option<bool>,
    /// Billable requests allowed for the client's lifetime; one over it rejects with code
    /// `BILLING_REFUSED` and nothing is sent (default: unlimited).
    pub max_billable: Option<u32>,
    /// Called before each billable request; return `false` (or throw) to refuse it.
    #[napi(ts_type = "(request: BillableRequest) => boolean | undefined | void")]
    #[serde(skip)]
    pub on_billable: Option<BillingHook>,
}

impl From<ClientOptions> for facade::ClientOptions {
    fn from(o: ClientOptions) -> Self {
        let ms = |v: Option<u32>| v.map(|ms| Duration::from_millis(ms.into()));
        facade::ClientOptions {
            api_key: o.api_key.map(facade::ApiKey::new),
            base_url: o.base_url,
            timeout: ms(o.timeout_ms),
            max_retries: o.max_retries,
            retry_cap: ms(o.retry_cap_ms),
            retry_deadline: ms(o.retry_deadline_ms),
            user_agent: o.user_agent,
            allow_insecure_http: o.allow_insecure_http,
            max_billable: o.max_billable.map(u64::from),
            max_spend: None,
            prices: None,
        }
    }
}

/// The name of the one option that is a function, not data.
const ON_BILLABLE: &str = "onBillable";

/// Read the options object: `onBillable` as the hook, every other own property through serde
/// (so an unknown name or a wrong type is refused, naming the option).
fn read_options(env: &Env, object: Object<'_>) -> Result<ClientOptions, facade::Error> {
    let invalid = |message: String| facade::Error::invalid_input(message);
    let napi_error = |e: napi::Error| invalid(format!("client options: {}", e.reason));
    let on_billable: Option<BillingHook> = object.get(ON_BILLABLE).map_err(napi_error)?;
    // A copy without the function, which serde cannot read; the caller's object is untouched.
    let mut data = Object::new(env).map_err(napi_error)?;
    let names = object.get_property_names().map_err(napi_error)?;
    for index in 0..names.get_array_length().map_err(napi_error)? {
        let name: String = names.get_element(index).map_err(napi_error)?;
        if name != ON_BILLABLE {
            let value: Unknown = object.get_named_property(&name).map_err(napi_error)?;
            data.set_named_property(&name, value).map_err(napi_error)?;
        }
    }
    let mut options: ClientOptions = serde_path_to_error::deserialize(&mut napi::De::new(&data))
        .map_err(|e| {
            let path = e.path().to_string();
            // napi's error prints its status first; the reason is serde's message.
            let mut reason = e.into_inner().reason;
            if reason.starts_with("unknown field") {
                // serde lists the data options; the hook is the one more.
                reason.push_str(", or `onBillable`");
            }
            match path.as_str() {
                "." => invalid(format!("client options: {reason}")),
                _ => invalid(format!("client options: {path}: {reason}")),
            }
        })?;
    options.on_billable = on_billable;
    Ok(options)
}

/// A Telnyx Number Reputation client. Every method returns a `Promise`; failures reject
/// with an `Error` carrying a stable `code` (see the README's errors table).
#[napi]
pub struct Client {
    inner: facade::Client,
}

#[napi]
impl Client {
    /// Configure a client; options left out come from the environment or the defaults.
    #[napi(
        constructor,
        ts_args_type = "options?: ClientOptions | undefined | null"
    )]
    pub fn new(env: Env, options: Option<Object<'_>>) -> napi::Result<Self> {
        options
            .map(|object| read_options(&env, object))
            .transpose()
            .and_then(|options| build(options.unwrap_or_default()))
            .map(|inner| Client { inner })
            .map_err(|e| error::to_js(&env, &e))
    }

    /// The base URL requests go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Billable requests sent so far, per action. A request the server provably did not
    /// process (connection refused, 429) is not counted.
    #[napi]
    pub fn usage(&self) -> Usage {
        let usage = self.inner.usage();
        Usage {
            total_requests: clamp(usage.total_requests),
            actions: usage
                .actions
                .iter()
                .map(|(action, u)| {
                    let counts = ActionUsage {
                        requests: clamp(u.requests),
                        units: clamp(u.units),
                    };
                    (action.as_str().to_owned(), counts)
                })
                .collect(),
        }
    }

    /// The `maxBillable` budget, if one was set.
    #[napi(getter)]
    pub fn max_billable(&self) -> Option<u32> {
        self.inner.max_billable().map(clamp)
    }

    /// Billable requests the `maxBillable` budget still allows, if one was set.
    #[napi(getter)]
    pub fn remaining_billable(&self) -> Option<u32> {
        self.inner.remaining_billable().map(clamp)
    }

    /// Terms of service: agree, status, info, agreements.
    #[napi(getter)]
    pub fn terms_of_service(&self) -> TermsOfService {
        TermsOfService::new(self.inner.terms_of_service())
    }

    /// Enterprises: create, list, get, replace, delete.
    #[napi(getter)]
    pub fn enterprises(&self) -> Enterprises {
        Enterprises::new(self.inner.enterprises())
    }

    /// Documents: upload.
    #[napi(getter)]
    pub fn documents(&self) -> Documents {
        Documents::new(self.inner.documents())
    }

    /// Number Reputation of one enterprise (no I/O; the id is checked when a method runs).
    #[napi]
    pub fn reputation(&self, enterprise_id: String) -> Reputation {
        Reputation::new(self.inner.reputation(enterprise_id))
    }

    /// Account-wide ("simplified") monitored-number endpoints.
    #[napi(getter)]
    pub fn numbers(&self) -> AccountNumbers {
        AccountNumbers::new(self.inner.numbers())
    }
}

fn build(mut options: ClientOptions) -> Result<facade::Client, facade::Error> {
    // Seeded from TELNYX_API_KEY / TELNYX_BASE_URL; explicit options override them.
    let hook = options.on_billable.take();
    let mut builder = facade::ClientBuilder::from_env()
        .user_agent(concat!(
            "telnyx-reputation-node/",
            env!("CARGO_PKG_VERSION")
        ))
        .with_options(options.into());
    if let Some(hook) = hook {
        let hook = Arc::new(hook);
        builder = builder.on_billable_async(Arc::new(move |request: facade::BillableRequest| {
            let hook = hook.clone();
            Box::pin(async move { ask(&hook, request).await })
        }));
    }
    builder.build()
}

/// Ask the JavaScript hook about one request: `false` or a throw refuses it.
async fn ask(hook: &BillingHook, request: facade::BillableRequest) -> Result<(), String> {
    let js = BillableRequest {
        operation: request.operation.to_owned(),
        action: request.action.as_str().to_owned(),
        method: request.method.to_owned(),
        path: request.path.to_owned(),
        units: clamp(request.units),
    };
    match hook.call_async_catch(js).await {
        Ok(Some(false)) => Err("onBillable returned false".to_owned()),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("onBillable threw: {}", e.reason)),
    }
}

/// A count as a JavaScript-safe u32 (saturating; no client sends 4 billion requests).
fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
