//! `Client` and `ClientBuilder`: configuration, the authenticated HTTP client, and the entry
//! points to every resource handle. The client is an `Arc` inside, so clones are cheap and
//! every handle owns one. What each operation sends lives in `resources`.

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use progenitor_client::ResponseValue;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use telnyx_reputation_api::types::Errors;

use crate::Error;
use crate::billing::{BillableRequest, BillingHook, CostGuard, Usage};
use crate::error::{decode_error, from_generated_with};
use crate::money::{PriceTable, Usd};
use crate::request_options::{RequestOptions, record_answer};
use crate::resources::{AccountNumbers, Documents, Enterprises, Reputation, TermsOfService};
use crate::retry::{Jitter, Op, RetryConfig, Sleeper, provably_not_processed};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.telnyx.com/v2";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An API key that never prints itself: `Debug` and `Display` show `KEY***` or `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wrap a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The secret itself, for building the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn redacted(&self) -> &'static str {
        if self.0.starts_with("KEY") {
            "KEY***"
        } else {
            "[redacted]"
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.redacted())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.redacted())
    }
}

/// The entry point: holds configuration and the connection pool; cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Extras sent with each request of this handle's calls ([`Client::with_request_options`]).
    request: Option<Arc<RequestOptions>>,
}

struct Inner {
    api: telnyx_reputation_api::Client,
    retry: RetryConfig,
    api_key: ApiKey,
    base_url: String,
    timeout: Duration,
    guard: CostGuard,
    /// [`ClientBuilder::allow_insecure_http`]: also lets webhook URLs be plain `http://`.
    allow_insecure_http: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &self.inner.api_key)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.retry.max_retries)
            .field("max_billable", &self.inner.guard.max())
            .field("max_spend", &self.inner.guard.max_spend())
            .field("request_options", &self.request)
            .finish()
    }
}

impl Client {
    /// This client (sharing its connection pool, budget and usage) sending `options`' extra
    /// headers, query parameters and body fields with each request of its calls, and of
    /// every handle made from it; empty options send none. Extras are checked per call,
    /// before any I/O ([`RequestOptions`] says what is refused). Every resource handle has
    /// the same method, for one call's extras.
    pub fn with_request_options(&self, options: RequestOptions) -> Client {
        Client {
            inner: self.inner.clone(),
            request: (!options.is_empty()).then(|| Arc::new(options)),
        }
    }

    /// The extras this client sends ([`Client::with_request_options`]), if any.
    pub fn request_options(&self) -> Option<&RequestOptions> {
        self.request.as_deref()
    }

    /// Configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `TELNYX_API_KEY` (required) and `TELNYX_BASE_URL` (optional, default
    /// `https://api.telnyx.com/v2`).
    pub fn from_env() -> Result<Client, Error> {
        let builder = ClientBuilder::from_env();
        if builder.api_key.is_none() {
            return Err(Error::invalid("TELNYX_API_KEY is not set"));
        }
        builder.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Terms of service: agree, status, info, agreements.
    pub fn terms_of_service(&self) -> TermsOfService {
        TermsOfService::new(self.clone())
    }

    /// Enterprises: create, list, get, replace, delete.
    pub fn enterprises(&self) -> Enterprises {
        Enterprises::new(self.clone())
    }

    /// Documents: upload (multipart).
    pub fn documents(&self) -> Documents {
        Documents::new(self.clone())
    }

    /// Number Reputation of one enterprise. No I/O happens here; the id is checked when a
    /// method is called.
    pub fn reputation(&self, enterprise_id: impl Into<String>) -> Reputation {
        Reputation::new(self.clone(), enterprise_id.into())
    }

    /// Account-wide ("simplified") monitored-number endpoints.
    pub fn numbers(&self) -> AccountNumbers {
        AccountNumbers::new(self.clone())
    }

    /// What this client (and every clone and handle of it) has been billed for so far:
    /// requests, units and dollars per action and in total, at [`Client::prices`]; a unit
    /// whose price is unknown is named in [`Usage::usd`] rather than priced. Counted before
    /// sending; a request the server provably did not process (connect failure, 429), or a
    /// possibly billed cached read answered from the cache, is not counted.
    pub fn usage(&self) -> Usage {
        self.inner.guard.usage()
    }

    /// The budget of billable units set by [`ClientBuilder::max_billable`], if any.
    pub fn max_billable(&self) -> Option<u64> {
        self.inner.guard.max()
    }

    /// Billable units the budget still allows (`None` when no budget is set).
    pub fn remaining_billable(&self) -> Option<u64> {
        self.inner.guard.remaining()
    }

    /// The dollar budget set by [`ClientBuilder::max_spend`], if any.
    pub fn max_spend(&self) -> Option<Usd> {
        self.inner.guard.max_spend()
    }

    /// Dollars the `max_spend` budget still allows (`None` when none is set).
    pub fn remaining_spend(&self) -> Option<Usd> {
        self.inner.guard.remaining_spend()
    }

    /// The prices this client counts with: [`crate::PRICES`] unless overridden with
    /// [`ClientBuilder::prices`].
    pub fn prices(&self) -> &PriceTable {
        self.inner.guard.prices()
    }

    /// Refuse a bulk plan of `units` billable units of `op` the budgets cannot cover.
    pub(crate) fn check_plan(&self, op: &Op, units: u64) -> Result<(), Error> {
        self.inner.guard.check_plan(op, units)
    }

    /// Check a webhook URL this client is asked to register: `https://`, or plain `http://`
    /// to a loopback host (a local receiver, the emulator's deliveries), or plain `http://`
    /// anywhere when the client was built with [`ClientBuilder::allow_insecure_http`].
    pub(crate) fn check_webhook_url(&self, field: &str, url: &str) -> Result<(), Error> {
        crate::validate::webhook_url(field, url, self.inner.allow_insecure_http)
    }

    /// The generated low-level client.
    pub(crate) fn api(&self) -> &telnyx_reputation_api::Client {
        &self.inner.api
    }

    pub(crate) fn sleeper(&self) -> &Arc<dyn Sleeper> {
        &self.inner.retry.sleeper
    }

    /// Run `attempt` under the retry policy and the cost guard of `op` (one billable unit).
    pub(crate) async fn run<T, F, Fut>(&self, op: Op, attempt: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        self.run_units(op, 1, attempt).await
    }

    /// Run a DELETE: a 404 on a retry whose earlier attempt may have been processed (its
    /// answer was lost to a timeout, a broken connection or a 5xx) means the delete is done.
    pub(crate) async fn run_delete<F, Fut>(&self, op: Op, mut attempt: F) -> Result<(), Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<(), Error>>,
    {
        let maybe_processed = std::sync::atomic::AtomicBool::new(false);
        let result = self
            .run(op, || {
                let call = attempt();
                let maybe_processed = &maybe_processed;
                async move {
                    let result = call.await;
                    if let Err(error) = &result
                        && !provably_not_processed(error)
                        && !matches!(error, Error::NotFound(_))
                    {
                        maybe_processed.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                    result
                }
            })
            .await;
        match result {
            Err(Error::NotFound(_))
                if maybe_processed.load(std::sync::atomic::Ordering::Relaxed) =>
            {
                Ok(())
            }
            other => other,
        }
    }

    /// Run `attempt` for a request carrying `units` billable units (numbers added or
    /// refreshed): the guard admits it before any I/O, then the retry policy runs it.
    pub(crate) async fn run_units<T, F, Fut>(
        &self,
        op: Op,
        units: u64,
        attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        self.run_guarded(op, units, attempt, |_| false).await
    }

    /// Run a cached read that may be billed ([`crate::Billing::FirstReadBillable`]): one
    /// live lookup is reserved against the budgets before sending and given back when
    /// `from_cache(answer, sent_at)` shows the answer was served from the cache.
    pub(crate) async fn run_read<T, F, Fut>(
        &self,
        op: Op,
        attempt: F,
        from_cache: impl FnOnce(&T, chrono::DateTime<chrono::Utc>) -> bool,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let sent_at = chrono::Utc::now();
        self.run_guarded(op, 1, attempt, |value| from_cache(value, sent_at))
            .await
    }

    async fn run_guarded<T, F, Fut>(
        &self,
        op: Op,
        units: u64,
        attempt: F,
        from_cache: impl FnOnce(&T) -> bool,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        // Extras are checked before the guard counts anything and before any I/O.
        let extras = match &self.request {
            Some(options) => Some(options.checked_for(&op)?),
            None => None,
        };
        let admitted = self.inner.guard.admit(&op, units).await?;
        let result = match extras {
            Some(extras) => {
                // Boxed: the scope would otherwise copy the attempt loop's future around.
                let run = Box::pin(self.inner.retry.run(op, attempt));
                telnyx_reputation_api::with_request_extras(extras, run).await
            }
            None => self.inner.retry.run(op, attempt).await,
        };
        if let Some(admitted) = admitted {
            let give_back = match &result {
                // Not processed, or answered with a rejection (4xx other than 408): the
                // server billed nothing.
                Err(error) => {
                    provably_not_processed(error)
                        || matches!(error.status(), Some(s) if (400..500).contains(&s) && s != 408)
                }
                Ok(value) => op.billing() == crate::Billing::FirstReadBillable && from_cache(value),
            };
            if give_back {
                self.inner.guard.refund(admitted);
            }
        }
        result
    }
}

/// Await a generated-client call and classify its failure.
///
/// This and the `send_*` functions below are plain functions returning a combinator, not
/// `async fn`s: an `async fn` holds a future it is given twice (as its argument and as what
/// it awaits), and a request's future is large, so each such layer tripled what every
/// attempt builds and moves (a page of numbers: 29.7 KB down to a few KB).
pub(crate) fn send<T, Fut>(call: Fut) -> impl Future<Output = Result<T, Error>>
where
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<Errors>>>,
{
    telnyx_reputation_api::with_response_meta(call).then(|answer| async move {
        match answer {
            (Ok(value), _) => {
                record_answer(value.status().as_u16(), value.headers());
                Ok(value.into_inner())
            }
            (Err(e), meta) => Err(from_generated_with(e, meta).await),
        }
    })
}

/// [`send`] for a list operation whose 200 body is decoded straight into the facade's page
/// `P` by `decode` (the hot path of a sweep: no generated intermediate to convert). The
/// request, its hooks (extras, the error-body rewrite), retries and error statuses are the
/// generated call's; the generated client decodes `placeholder` (an empty page of its own
/// list type) with the answer's real status and headers, which is what `with_raw_response`
/// records. A body that cannot be read or decoded fails exactly as it would in the
/// generated client (the same `progenitor_client::Error`, with the answer's status and
/// request id). Should the answer not have been kept (it always is for the declared 200),
/// the generated value is converted with `convert`.
pub(crate) fn send_page<G, P, Fut>(
    placeholder: &'static str,
    call: Fut,
    decode: fn(&[u8]) -> serde_json::Result<P>,
    convert: fn(G) -> P,
) -> impl Future<Output = Result<P, Error>>
where
    Fut: Future<Output = Result<ResponseValue<G>, progenitor_client::Error<Errors>>>,
{
    send_decoded(200, false, placeholder, call, decode, convert)
}

/// [`send_page`] for an operation answering `status` (its declared success) with a list,
/// whose answer the docs and the upstream spec disagree on, like [`send_any_2xx`]: any
/// other 2xx is decoded by `decode` as well (the bulk add path: an added batch is read
/// straight into the facade's models, as a page of a sweep is).
pub(crate) fn send_list_any_2xx<G, P, Fut>(
    status: u16,
    placeholder: &'static str,
    call: Fut,
    decode: fn(&[u8]) -> serde_json::Result<P>,
    convert: fn(G) -> P,
) -> impl Future<Output = Result<P, Error>>
where
    Fut: Future<Output = Result<ResponseValue<G>, progenitor_client::Error<Errors>>>,
{
    send_decoded(status, true, placeholder, call, decode, convert)
}

/// The body of an answer of the `declared` status decoded by `decode`; with `other_2xx`,
/// any other 2xx as well.
fn send_decoded<G, P, Fut>(
    declared: u16,
    other_2xx: bool,
    placeholder: &'static str,
    call: Fut,
    decode: fn(&[u8]) -> serde_json::Result<P>,
    convert: fn(G) -> P,
) -> impl Future<Output = Result<P, Error>>
where
    Fut: Future<Output = Result<ResponseValue<G>, progenitor_client::Error<Errors>>>,
{
    telnyx_reputation_api::with_unread_body(
        declared,
        placeholder,
        telnyx_reputation_api::with_response_meta(call),
    )
    .then(move |((sent, meta), unread)| async move {
        let value = match sent {
            Ok(value) => value,
            Err(progenitor_client::Error::UnexpectedResponse(response))
                if other_2xx && response.status().is_success() =>
            {
                return decode_other_2xx(response, decode).await;
            }
            Err(e) => return Err(from_generated_with(e, meta).await),
        };
        record_answer(value.status().as_u16(), value.headers());
        let Some(response) = unread else {
            return Ok(convert(value.into_inner()));
        };
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) => {
                let e = progenitor_client::Error::ResponseBodyError(e);
                return Err(from_generated_with(e, meta).await);
            }
        };
        crate::pager::body_arrived().await;
        match decode(&body) {
            Ok(page) => Ok(page),
            Err(e) => {
                let e = progenitor_client::Error::InvalidResponsePayload(body, e);
                Err(from_generated_with(e, meta).await)
            }
        }
    })
}

/// A 2xx other than the declared one, recorded and decoded by `decode` (see
/// [`send_any_2xx`]).
async fn decode_other_2xx<T>(
    response: reqwest::Response,
    decode: impl FnOnce(&[u8]) -> serde_json::Result<T>,
) -> Result<T, Error> {
    let status = response.status().as_u16();
    record_answer(status, response.headers());
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .bytes()
        .await
        .map_err(|e| crate::error::from_transport(&e))?;
    decode(&body).map_err(|e| decode_error(Some(status), request_id.as_deref(), e, &body))
}

/// [`send`] for the operations whose success status the product docs and the upstream
/// spec disagree on (enable, add numbers, the terms agreement: 201 upstream; document
/// upload: 200 upstream). The generated client accepts only the code the contract
/// declares; any other 2xx is decoded as the same body here, so either answer succeeds.
pub(crate) fn send_any_2xx<T, Fut>(call: Fut) -> impl Future<Output = Result<T, Error>>
where
    T: serde::de::DeserializeOwned,
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<Errors>>>,
{
    telnyx_reputation_api::with_response_meta(call).then(|answer| async move {
        match answer {
            (Ok(value), _) => {
                record_answer(value.status().as_u16(), value.headers());
                Ok(value.into_inner())
            }
            (Err(progenitor_client::Error::UnexpectedResponse(response)), _)
                if response.status().is_success() =>
            {
                decode_other_2xx(response, |body| serde_json::from_slice(body)).await
            }
            (Err(e), meta) => Err(from_generated_with(e, meta).await),
        }
    })
}

/// Configures a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: String,
    timeout: Duration,
    user_agent: String,
    allow_insecure_http: bool,
    retry: RetryConfig,
    max_billable: Option<u64>,
    max_spend: Option<Usd>,
    prices: PriceTable,
    billing_hook: Option<BillingHook>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.retry.max_retries)
            .field("max_billable", &self.max_billable)
            .field("max_spend", &self.max_spend)
            .field("billing_hook", &self.billing_hook.is_some())
            .finish()
    }
}

/// An environment variable's value, unless unset or blank.
fn env_value(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            user_agent: format!("telnyx-reputation-rust/{}", env!("CARGO_PKG_VERSION")),
            allow_insecure_http: false,
            retry: RetryConfig::default(),
            max_billable: None,
            max_spend: None,
            prices: PriceTable::default(),
            billing_hook: None,
        }
    }
}

impl ClientBuilder {
    /// A builder seeded from `TELNYX_API_KEY` and `TELNYX_BASE_URL` where they are set (and
    /// not blank); later calls override them. The bindings build every client this way.
    pub fn from_env() -> ClientBuilder {
        let mut builder = ClientBuilder::default();
        if let Some(key) = env_value("TELNYX_API_KEY") {
            builder = builder.api_key(key);
        }
        if let Some(url) = env_value("TELNYX_BASE_URL") {
            builder = builder.base_url(url);
        }
        builder
    }

    /// The API key (required).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey::new(key));
        self
    }

    /// The base URL, e.g. an emulator's `http://127.0.0.1:4010/v2`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Per-request timeout (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 2; 0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Longest single wait between attempts (default 8 s). A server asking for longer gets
    /// its error returned rather than a longer wait.
    pub fn retry_cap(mut self, cap: Duration) -> Self {
        self.retry.cap = cap;
        self
    }

    /// Overall time budget for an operation including retries (default: none).
    pub fn retry_deadline(mut self, deadline: Duration) -> Self {
        self.retry.deadline = Some(deadline);
        self
    }

    /// The `User-Agent` header (the bindings set their own).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Allow sending the key over plain `http://` to a non-loopback host (default false).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// A budget of billable units for the client's lifetime (default: unlimited): what
    /// Telnyx bills — numbers added, checks made (fresh reads, numbers refreshed), numbers
    /// submitted for remediation, enterprises enabled — not requests, so one add of 100
    /// numbers spends 100. Each billable request (see [`crate::OPERATIONS`]) is checked
    /// before any I/O; one over the budget fails with [`Error::BillingRefused`] and nothing
    /// is sent. Bulk calls (`add_all`, `refresh_all`) check their whole plan first. A cached
    /// read that may be billed (the first read of a number without data) reserves one
    /// check, given back when the answer came from the cache. `0` refuses every billable
    /// request.
    pub fn max_billable(mut self, units: u64) -> Self {
        self.max_billable = Some(units);
        self
    }

    /// A budget in US dollars for the client's lifetime (default: unlimited), at
    /// [`ClientBuilder::prices`]: checked before any I/O exactly like
    /// [`ClientBuilder::max_billable`]. A request whose price is unknown (adding numbers and
    /// enabling, in the published table) cannot be shown to fit and is refused while a
    /// `max_spend` is set; give it a price with [`ClientBuilder::prices`].
    pub fn max_spend(mut self, usd: Usd) -> Self {
        self.max_spend = Some(usd);
        self
    }

    /// The prices [`Client::usage`] and `max_spend` count with (default: the published
    /// table, [`crate::PRICES`]).
    pub fn prices(mut self, prices: PriceTable) -> Self {
        self.prices = prices;
        self
    }

    /// Called before each billable request, after the budget check; returning `Err(reason)`
    /// refuses the request ([`Error::BillingRefused`] with that reason, nothing sent).
    pub fn on_billable<F>(mut self, hook: F) -> Self
    where
        F: Fn(&BillableRequest) -> Result<(), String> + Send + Sync + 'static,
    {
        self.billing_hook = Some(std::sync::Arc::new(move |request: BillableRequest| {
            let verdict = hook(&request);
            Box::pin(async move { verdict })
        }));
        self
    }

    /// Like [`ClientBuilder::on_billable`] with an asynchronous hook (the bindings use it to
    /// call back into Python or JavaScript).
    pub fn on_billable_async(mut self, hook: BillingHook) -> Self {
        self.billing_hook = Some(hook);
        self
    }

    /// How the client waits between attempts (default `tokio::time::sleep`).
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.retry.sleeper = sleeper;
        self
    }

    /// How the client picks a delay below the backoff ceiling (default uniform full jitter).
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.retry.jitter = jitter;
        self
    }

    /// Check the configuration and build the client.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = self
            .api_key
            .filter(|k| !k.expose().trim().is_empty())
            .ok_or_else(|| Error::invalid("api_key is required (or set TELNYX_API_KEY)"))?;
        let base_url = checked_base_url(&self.base_url, self.allow_insecure_http)?;
        if self.timeout.is_zero() || self.retry.cap.is_zero() {
            return Err(Error::invalid(
                "timeout and retry_cap must be greater than zero",
            ));
        }
        let http = http_client(&api_key, &self.user_agent, self.timeout)?;
        Ok(Client {
            inner: Arc::new(Inner {
                api: telnyx_reputation_api::Client::new_with_client(&base_url, http),
                retry: self.retry,
                api_key,
                base_url,
                timeout: self.timeout,
                guard: CostGuard::new(
                    self.max_billable,
                    self.max_spend,
                    self.prices,
                    self.billing_hook,
                ),
                allow_insecure_http: self.allow_insecure_http,
            }),
            request: None,
        })
    }
}

/// Validate the base URL and refuse plain http to non-loopback hosts unless allowed.
fn checked_base_url(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::invalid(format!("base_url: {url:?} is not a URL ({e})")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&parsed) => {}
        "http" => {
            return Err(Error::invalid(format!(
                "base_url: refusing to send the API key over plain http to {url}; use https, \
                 a loopback host, or allow_insecure_http(true)"
            )));
        }
        other => {
            return Err(Error::invalid(format!(
                "base_url: unsupported scheme {other:?} (expected https or http)"
            )));
        }
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// 127.0.0.0/8, ::1 and `localhost` are loopback.
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn http_client(
    key: &ApiKey,
    user_agent: &str,
    timeout: Duration,
) -> Result<reqwest::Client, Error> {
    let mut auth = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
        .map_err(|_| Error::invalid("api_key contains characters not allowed in a header"))?;
    auth.set_sensitive(true);
    let agent = HeaderValue::from_str(user_agent)
        .map_err(|_| Error::invalid("user_agent contains characters not allowed in a header"))?;
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, auth);
    headers.insert(USER_AGENT, agent);
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(timeout)
        .connect_timeout(timeout.min(CONNECT_TIMEOUT))
        .build()
        .map_err(|e| Error::invalid(format!("could not build the HTTP client: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each layer between a generated call and the retry loop holds the call's future once.
    /// As `async fn`s, `with_response_meta`, `with_unread_body` and the `send_*` functions
    /// held it twice each: a page's request future grew from 2.4 KB to 29.7 KB, built and
    /// moved on every attempt.
    #[test]
    fn the_send_layers_hold_a_request_future_once() {
        let client = Client::builder().api_key("KEY").build().unwrap();
        let call = || {
            client
                .api()
                .list_reputation_numbers()
                .enterprise_id(uuid::Uuid::nil())
                .send()
        };
        let bare = std::mem::size_of_val(&call());
        let page = std::mem::size_of_val(&send_page(
            "{}",
            call(),
            |_| Ok(()),
            |_: telnyx_reputation_api::types::ReputationNumberList| (),
        ));
        let plain = std::mem::size_of_val(&send(call()));
        let any_2xx = std::mem::size_of_val(&send_any_2xx(call()));
        for (layer, size) in [
            ("send_page", page),
            ("send", plain),
            ("send_any_2xx", any_2xx),
        ] {
            assert!(
                size < bare + 1024,
                "{layer}: {size} bytes around a call of {bare}"
            );
        }
    }

    #[test]
    fn debug_redacts_the_key() {
        let client = Client::builder().api_key("KEYsecret123").build().unwrap();
        let text = format!("{client:?}");
        assert!(
            text.contains("KEY***") && !text.contains("secret"),
            "{text}"
        );
        assert_eq!(ApiKey::new("abc").to_string(), "[redacted]");
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:4010/v2",
            "http://127.8.9.1/v2",
            "http://localhost:1/v2",
            "http://[::1]:9/v2",
            "https://api.telnyx.com/v2",
        ] {
            assert!(checked_base_url(ok, false).is_ok(), "{ok}");
        }
        let e = checked_base_url("http://api.example.com/v2", false).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        assert!(checked_base_url("http://api.example.com/v2", true).is_ok());
        assert!(checked_base_url("ftp://x/v2", true).is_err());
    }

    #[test]
    fn key_is_required() {
        let e = Client::builder().build().unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }

    #[test]
    fn trailing_slash_is_trimmed() {
        let client = Client::builder()
            .api_key("KEY1")
            .base_url("http://127.0.0.1:1/v2/")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:1/v2");
    }
}
