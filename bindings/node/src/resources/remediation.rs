//! `rep.remediation`: submit, get, watch and list remediation requests.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use napi::bindgen_prelude::{Env, Object, PromiseRaw, This};
use napi_derive::napi;
use telnyx_reputation as facade;
use tokio::sync::Mutex;

use serde::Serialize;

use crate::convert::{convert, via_serde};
use crate::models::Remediation;
use crate::pager::RemediationPager;
use crate::promise::{self, RequestOptions, WithExtras};
use crate::resources::reputation::{WaitOptions, wait_options};

/// Filters and page size of `remediation.list(..)`.
#[napi(object)]
#[derive(Default, Serialize)]
pub struct RemediationListOptions {
    /// Items per page, 1 to 250.
    pub page_size: Option<u32>,
    /// Only requests in this state.
    #[napi(ts_type = "'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled'")]
    pub status: Option<String>,
    /// Only requests created at or after this ISO 8601 time.
    pub created_at_gte: Option<String>,
    /// Only requests created at or before this ISO 8601 time.
    pub created_at_lte: Option<String>,
}

/// Remediation requests of one enterprise (`rep.remediation`).
#[napi]
pub struct Remediations {
    inner: facade::Remediations,
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

impl Remediations {
    pub(crate) fn new(inner: facade::Remediations) -> Self {
        Remediations { inner, raw: false }
    }

    /// This handle, raw when `raw` is (a raw handle's sub-handles are raw too).
    pub(crate) fn raw_if(mut self, raw: bool) -> Self {
        self.raw = raw;
        self
    }
}

#[napi]
impl Remediations {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<Remediations>")]
    pub fn with_raw_response(&self) -> Remediations {
        Remediations {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// Ask the analytics networks to re-evaluate 1 to 2,000 flagged numbers (billable):
    /// `submit(phoneNumbers, callPurpose, contactEmail?, webhookUrl?)`.
    #[napi]
    pub fn submit<'env>(
        &self,
        env: &'env Env,
        phone_numbers: Vec<String>,
        call_purpose: String,
        contact_email: Option<String>,
        webhook_url: Option<String>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Remediation>> {
        let request = facade::RemediationRequest {
            phone_numbers,
            call_purpose,
            contact_email,
            webhook_url,
        };
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.submit(request).await },
            convert,
        )
    }

    /// One remediation request with its per-number results.
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        remediation_id: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Remediation>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.get(remediation_id).await },
            convert,
        )
    }

    /// Poll a request until it is completed, failed or cancelled and resolve with it;
    /// rejects with `TIMEOUT` when `timeoutMs` passes first.
    #[napi]
    pub fn wait_until_finished<'env>(
        &self,
        env: &'env Env,
        remediation_id: String,
        options: Option<WaitOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Remediation>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let options = wait_options(options.unwrap_or_default());
        let future = async move { inner.wait_until_finished(remediation_id, options).await };
        promise::spawn(env, self.raw, future, convert)
    }

    /// Follow a request: `for await (const r of rep.remediation.watch(id, { intervalMs }))`
    /// yields the request each time its status changes and ends after a final status
    /// (completed, failed or cancelled); a `TIMEOUT` error ends it when `timeoutMs` passes
    /// first. No I/O until iterated.
    #[napi]
    pub fn watch(
        &self,
        env: Env,
        remediation_id: String,
        options: Option<WaitOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<RemediationWatch> {
        let options = wait_options(options.unwrap_or_default());
        Ok(RemediationWatch {
            changes: Arc::new(Mutex::new(Box::pin(
                self.inner
                    .with_extras(&env, request_options)?
                    .watch(remediation_id, options),
            ))),
        })
    }

    /// Remediation requests, paged (no I/O until iterated).
    #[napi]
    pub fn list(
        &self,
        env: Env,
        options: Option<RemediationListOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<RemediationPager> {
        Ok(RemediationPager::new(list_pager(
            &self.inner.with_extras(&env, request_options)?,
            options.unwrap_or_default(),
        )))
    }
}

/// The options as the facade's `RemediationFilter` (one serde mapping; times are ISO 8601).
fn list_pager(
    inner: &facade::Remediations,
    options: RemediationListOptions,
) -> Result<facade::Pager<facade::RemediationSummary>, facade::Error> {
    Ok(inner.list().filter(via_serde(&options)?))
}

type Changes = Pin<Box<dyn Stream<Item = Result<facade::Remediation, facade::Error>> + Send>>;

/// The snapshots of one request as its status changes (what `for await` drives), from
/// the facade's `Remediations::watch`.
#[napi]
pub struct RemediationWatch {
    changes: Arc<Mutex<Changes>>,
}

#[napi]
impl RemediationWatch {
    /// The next snapshot, after polling until the status changes.
    #[napi(ts_return_type = "Promise<IteratorResult<Remediation, undefined>>")]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Object<'env>>> {
        let changes = Arc::clone(&self.changes);
        env.spawn_future_with_callback(
            async move { Ok(changes.lock().await.next().await.transpose()) },
            |env, result| {
                let item = result.map_err(|e| crate::error::to_js(env, &e))?;
                let mut step = Object::new(env)?;
                step.set("done", item.is_none())?;
                if let Some(remediation) = item {
                    step.set("value", Remediation::from(remediation))?;
                }
                Ok(step)
            },
        )
    }

    /// A watch is its own async iterator.
    #[napi(well_known_symbol = "asyncIterator")]
    pub fn iter<'a>(&self, this: This<'a>) -> This<'a> {
        this
    }
}
