//! `new Client({ apiKey?, baseUrl?, timeoutMs?, maxRetries? })` and the entry points to
//! each resource, mirroring the facade's `Client`. Configuration is checked by the facade's
//! builder; a bad option throws an `INVALID_INPUT` error from the constructor.

use std::time::Duration;

use napi::bindgen_prelude::Env;
use napi_derive::napi;
use telnyx_reputation as facade;

use crate::error;
use crate::resources::{AccountNumbers, Documents, Enterprises, Reputation, TermsOfService};

/// Options of `new Client(..)`; each falls back to the facade's default.
#[napi(object)]
#[derive(Default)]
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
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<ClientOptions>) -> napi::Result<Self> {
        build(options.unwrap_or_default())
            .map(|inner| Client { inner })
            .map_err(|e| error::to_js(&env, &e))
    }

    /// The base URL requests go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
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

fn build(options: ClientOptions) -> Result<facade::Client, facade::Error> {
    let mut builder = facade::Client::builder().user_agent(concat!(
        "telnyx-reputation-node/",
        env!("CARGO_PKG_VERSION")
    ));
    // The facade offers `from_env()` but no builder seeded from the environment, so the
    // two documented variables are read here, each only when its option is left out.
    if let Some(key) = options.api_key.or_else(|| from_env("TELNYX_API_KEY")) {
        builder = builder.api_key(key);
    }
    if let Some(url) = options.base_url.or_else(|| from_env("TELNYX_BASE_URL")) {
        builder = builder.base_url(url);
    }
    if let Some(ms) = options.timeout_ms {
        builder = builder.timeout(Duration::from_millis(ms.into()));
    }
    if let Some(retries) = options.max_retries {
        builder = builder.max_retries(retries);
    }
    builder.build()
}

fn from_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
