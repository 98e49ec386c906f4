//! `new Client({ apiKey?, baseUrl?, timeoutMs?, maxRetries?, retryCapMs?, retryDeadlineMs?,
//! userAgent?, allowInsecureHttp?, maxBillable?, maxSpend?, prices?, onBillable? })` and the entry points to each
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
    /// `enable`, `numbers_added`, `live_lookups`, `refreshes` or `remediations`.
    pub action: String,
    /// HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Billed units: numbers added, refreshed or remediated; 1 for enable and live reads.
    pub units: u32,
}

/// Billable requests of one action, the units they carried and what those cost.
#[napi(object, use_nullable = true)]
pub struct ActionUsage {
    /// Requests sent.
    pub requests: u32,
    /// Billed units (numbers added, refreshed or remediated; 1 per enable or live read).
    pub units: u32,
    /// What the units cost at the client's prices, in US dollars as a decimal string
    /// (`'0.20'`); `null` when the price of this action is unknown (never guessed).
    pub usd: Option<String>,
}

/// A sum of US dollars that says when part of it is unknown.
#[napi(object)]
pub struct Amount {
    /// Dollars of the units with a known price, as a decimal string (`'12.30'`); a lower
    /// bound when `exact` is false.
    pub usd: String,
    /// True when no part of the amount depends on an unknown price.
    pub exact: bool,
    /// Units of each item whose price is unknown.
    pub unknown_units: HashMap<String, u32>,
}

/// What `client.usage()` returns: requests, billed units and US dollars so far.
#[napi(object)]
pub struct Usage {
    /// Billable requests sent, all actions together.
    pub total_requests: u32,
    /// Billed units, all actions together (what `maxBillable` counts).
    pub total_units: u32,
    /// Dollars, all actions together, at `client.prices`.
    pub usd: Amount,
    /// Per action (`enable`, `numbers_added`, `live_lookups`, `refreshes`, `remediations`);
    /// unused ones absent.
    pub actions: HashMap<String, ActionUsage>,
}

/// One row of the price table (`PRICES`, `client.prices`).
#[napi(object, use_nullable = true)]
pub struct Price {
    /// What is priced: `monitoring`, `enable`, `numbers_added`, `live_lookups`,
    /// `refreshes`, `scheduled_refresh` or `remediations`.
    pub item: String,
    /// Per what: `enterprise-month`, `check`, `number-added`, `number-remediated`, ...
    pub unit: String,
    /// The price of one unit in US dollars as a decimal string (`'0.10'`); `null` when the
    /// source does not state it.
    pub usd: Option<String>,
    /// Where the price was read.
    pub source: String,
    /// When it was read (e.g. `2026-12`).
    pub read: String,
}

/// A facade price table as `Price` rows.
pub fn price_rows(table: &facade::PriceTable) -> Vec<Price> {
    table
        .rows()
        .iter()
        .map(|p| Price {
            item: p.item.as_str().to_owned(),
            unit: serde_json::to_value(p.unit)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            usd: p.usd.map(facade::Usd::to_decimal),
            source: p.source.clone(),
            read: p.read.clone(),
        })
        .collect()
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
    /// Billed units allowed for the client's lifetime (numbers added, checks made, numbers
    /// remediated, enterprises enabled; not requests); one over it rejects with code
    /// `BILLING_REFUSED` and nothing is sent (default: unlimited).
    pub max_billable: Option<u32>,
    /// The same budget in US dollars (`'25.00'` or `25`) at `prices`; an action whose price
    /// is unknown is refused under it (default: unlimited).
    #[napi(ts_type = "string | number")]
    pub max_spend: Option<serde_json::Value>,
    /// Price overrides: item name to price (`'0.12'`, `0.12`, `'unknown'`) or
    /// `{ usd, source?, read? }`; the others keep the published `PRICES`.
    #[napi(
        ts_type = "Record<string, string | number | { usd: string | number; source?: string; read?: string }>"
    )]
    pub prices: Option<serde_json::Value>,
    /// Called before each billable request; return `false` (or throw) to refuse it.
    #[napi(ts_type = "(request: BillableRequest) => boolean | undefined | void")]
    #[serde(skip)]
    pub on_billable: Option<BillingHook>,
}

impl TryFrom<ClientOptions> for facade::ClientOptions {
    type Error = facade::Error;

    fn try_from(o: ClientOptions) -> Result<Self, facade::Error> {
        let ms = |v: Option<u32>| v.map(|ms| Duration::from_millis(ms.into()));
        let max_spend = o
            .max_spend
            .map(|v| {
                serde_json::from_value::<facade::Usd>(v).map_err(|e| {
                    facade::Error::invalid_input(format!("client options: maxSpend: {e}"))
                })
            })
            .transpose()?;
        let prices = o
            .prices
            .map(facade::PriceOverrides::from_json)
            .transpose()?;
        Ok(facade::ClientOptions {
            api_key: o.api_key.map(facade::ApiKey::new),
            base_url: o.base_url,
            timeout: ms(o.timeout_ms),
            max_retries: o.max_retries,
            retry_cap: ms(o.retry_cap_ms),
            retry_deadline: ms(o.retry_deadline_ms),
            user_agent: o.user_agent,
            allow_insecure_http: o.allow_insecure_http,
            max_billable: o.max_billable.map(u64::from),
            max_spend,
            prices,
        })
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

    /// Requests, billed units and US dollars so far, per action and in total. A request the server provably did not
    /// process (connection refused, 429) is not counted.
    #[napi]
    pub fn usage(&self) -> Usage {
        let usage = self.inner.usage();
        Usage {
            total_requests: clamp(usage.total_requests),
            total_units: clamp(usage.total_units),
            usd: Amount {
                usd: usage.usd.known.to_decimal(),
                exact: usage.usd.is_exact(),
                unknown_units: usage
                    .usd
                    .unknown
                    .iter()
                    .map(|(item, units)| (item.as_str().to_owned(), clamp(*units)))
                    .collect(),
            },
            actions: usage
                .actions
                .iter()
                .map(|(action, u)| {
                    let counts = ActionUsage {
                        requests: clamp(u.requests),
                        units: clamp(u.units),
                        usd: u.usd.map(facade::Usd::to_decimal),
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

    /// Billed units the `maxBillable` budget still allows, if one was set.
    #[napi(getter)]
    pub fn remaining_billable(&self) -> Option<u32> {
        self.inner.remaining_billable().map(clamp)
    }

    /// The `maxSpend` budget in US dollars (a decimal string), if one was set.
    #[napi(getter)]
    pub fn max_spend(&self) -> Option<String> {
        self.inner.max_spend().map(facade::Usd::to_decimal)
    }

    /// US dollars (a decimal string) the `maxSpend` budget still allows, if one was set.
    #[napi(getter)]
    pub fn remaining_spend(&self) -> Option<String> {
        self.inner.remaining_spend().map(facade::Usd::to_decimal)
    }

    /// The prices this client counts with: `PRICES` unless overridden with `prices`.
    #[napi(getter)]
    pub fn prices(&self) -> Vec<Price> {
        price_rows(self.inner.prices())
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
        .with_options(options.try_into()?);
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
