//! `client.reputation(enterpriseId)`: settings, enable, disable, frequency, webhook, the
//! approval waiter, and the LOA, numbers, remediation and external-verification handles.

use std::time::Duration;

use napi::Either;
use napi::bindgen_prelude::{Env, Null, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use super::{ExternalVerifications, Loa, Numbers, Remediations};
use crate::convert::convert;
use crate::models::ReputationSettings;
use crate::promise::{self, RequestOptions, WithExtras};

/// How `waitUntilApproved` polls; each option left out takes the facade's default.
#[napi(object)]
#[derive(Default)]
pub struct WaitOptions {
    /// Time between polls in milliseconds (default 2,000).
    pub interval_ms: Option<u32>,
    /// Give up after this many milliseconds with a `TIMEOUT` error (default 600,000).
    pub timeout_ms: Option<u32>,
}

/// Number Reputation of one enterprise (`client.reputation(enterpriseId)`).
#[napi]
pub struct Reputation {
    inner: facade::Reputation,
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

impl Reputation {
    pub(crate) fn new(inner: facade::Reputation) -> Self {
        Reputation { inner, raw: false }
    }

    /// Run one facade call returning settings as a Promise of `ReputationSettings`.
    fn settings_call<'env, F, Fut>(
        &self,
        env: &'env Env,
        request_options: Option<RequestOptions>,
        call: F,
    ) -> napi::Result<PromiseRaw<'env, ReputationSettings>>
    where
        F: FnOnce(facade::Reputation) -> Fut,
        Fut: Future<Output = Result<facade::ReputationSettings, facade::Error>> + Send + 'static,
    {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(env, self.raw, call(inner), convert)
    }
}

#[napi]
impl Reputation {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<Reputation>")]
    pub fn with_raw_response(&self) -> Reputation {
        Reputation {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// The enterprise id this handle was made for.
    #[napi(getter)]
    pub fn enterprise_id(&self) -> String {
        self.inner.enterprise_id().to_owned()
    }

    /// The reputation settings and both approval gates.
    #[napi]
    pub fn settings<'env>(
        &self,
        env: &'env Env,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationSettings>> {
        self.settings_call(
            env,
            request_options,
            |rep| async move { rep.settings().await },
        )
    }

    /// Enable Number Reputation with the signed LOA's document id and an optional check
    /// frequency (`business_daily`, the default, `daily`, `weekly`, `biweekly`, `monthly`,
    /// `never`). Billable.
    #[napi]
    pub fn enable<'env>(
        &self,
        env: &'env Env,
        loa_document_id: String,
        #[napi(
            ts_arg_type = "'business_daily' | 'daily' | 'weekly' | 'biweekly' | 'monthly' | 'never' | undefined | null"
        )]
        frequency: Option<String>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationSettings>> {
        self.settings_call(env, request_options, |rep| async move {
            let frequency: Option<facade::CheckFrequency> =
                frequency.map(|f| f.parse()).transpose()?;
            rep.enable(loa_document_id, frequency).await
        })
    }

    /// Disable Number Reputation; every registered number is de-registered.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn disable<'env>(
        &self,
        env: &'env Env,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let rep = self.inner.with_extras(env, request_options)?;
        promise::spawn(env, self.raw, async move { rep.disable().await }, Ok)
    }

    /// Change how often numbers are re-checked (the `status` gate must be approved).
    #[napi]
    pub fn set_frequency<'env>(
        &self,
        env: &'env Env,
        #[napi(
            ts_arg_type = "'business_daily' | 'daily' | 'weekly' | 'biweekly' | 'monthly' | 'never'"
        )]
        frequency: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationSettings>> {
        self.settings_call(env, request_options, |rep| async move {
            rep.set_frequency(frequency.parse()?).await
        })
    }

    /// Set the `https://` URL reputation events go to, or stop delivery with `null`.
    #[napi]
    pub fn set_webhook<'env>(
        &self,
        env: &'env Env,
        url: Either<String, Null>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationSettings>> {
        let url = match url {
            Either::A(url) => Some(url),
            Either::B(Null) => None,
        };
        self.settings_call(env, request_options, |rep| async move {
            rep.set_webhook(url.as_deref()).await
        })
    }

    /// Poll until both gates are approved; a rejected gate rejects with `GATE_REJECTED`
    /// (carrying `gate` and `reasons`), running out of time with `TIMEOUT`.
    #[napi]
    pub fn wait_until_approved<'env>(
        &self,
        env: &'env Env,
        options: Option<WaitOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationSettings>> {
        let options = wait_options(options.unwrap_or_default());
        self.settings_call(env, request_options, |rep| async move {
            rep.wait_until_approved(options).await
        })
    }

    /// The Letter of Authorization.
    #[napi(getter)]
    pub fn loa(&self) -> Loa {
        Loa::new(self.inner.loa()).raw_if(self.raw)
    }

    /// The enterprise's monitored numbers.
    #[napi(getter)]
    pub fn numbers(&self) -> Numbers {
        Numbers::new(self.inner.numbers()).raw_if(self.raw)
    }

    /// Remediation requests.
    #[napi(getter)]
    pub fn remediation(&self) -> Remediations {
        Remediations::new(self.inner.remediation()).raw_if(self.raw)
    }

    /// Ownership evidence for externally hosted numbers.
    #[napi(getter)]
    pub fn external_verification(&self) -> ExternalVerifications {
        ExternalVerifications::new(self.inner.external_verification()).raw_if(self.raw)
    }
}

pub(crate) fn wait_options(options: WaitOptions) -> facade::WaitOptions {
    let defaults = facade::WaitOptions::default();
    let millis = |ms: u32| Duration::from_millis(ms.into());
    facade::WaitOptions {
        interval: options.interval_ms.map_or(defaults.interval, millis),
        timeout: options.timeout_ms.map_or(defaults.timeout, millis),
    }
}
