//! `rep.remediation`: submit, get and list remediation requests.

use napi::bindgen_prelude::{Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use serde::Serialize;

use crate::convert::{convert, via_serde};
use crate::models::{Remediation, RemediationRequest};
use crate::pager::RemediationPager;
use crate::promise;
use crate::resources::reputation::{WaitOptions, wait_options};

/// Filters and page size of `remediation.list(..)`.
#[napi(object)]
#[derive(Default, Serialize)]
pub struct RemediationListOptions {
    /// Items per page, 1 to 250.
    pub page_size: Option<u32>,
    /// Only requests in this state.
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
}

impl Remediations {
    pub(crate) fn new(inner: facade::Remediations) -> Self {
        Remediations { inner }
    }
}

#[napi]
impl Remediations {
    /// Ask the analytics networks to re-evaluate flagged numbers (billable).
    #[napi]
    pub fn submit<'env>(
        &self,
        env: &'env Env,
        request: RemediationRequest,
    ) -> napi::Result<PromiseRaw<'env, Remediation>> {
        let inner = self.inner.clone();
        let future = async move { inner.submit(convert(request)?).await };
        promise::spawn(env, future, convert)
    }

    /// One remediation request with its per-number results.
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        remediation_id: String,
    ) -> napi::Result<PromiseRaw<'env, Remediation>> {
        let inner = self.inner.clone();
        promise::spawn(env, async move { inner.get(remediation_id).await }, |r| {
            convert(r)
        })
    }

    /// Poll a request until it is completed, failed or cancelled and resolve with it;
    /// rejects with `TIMEOUT` when `timeoutMs` passes first.
    #[napi]
    pub fn wait_until_finished<'env>(
        &self,
        env: &'env Env,
        remediation_id: String,
        options: Option<WaitOptions>,
    ) -> napi::Result<PromiseRaw<'env, Remediation>> {
        let inner = self.inner.clone();
        let options = wait_options(options.unwrap_or_default());
        let future = async move { inner.wait_until_finished(remediation_id, options).await };
        promise::spawn(env, future, convert)
    }

    /// Remediation requests, paged (no I/O until iterated).
    #[napi]
    pub fn list(&self, options: Option<RemediationListOptions>) -> RemediationPager {
        RemediationPager::new(list_pager(&self.inner, options.unwrap_or_default()))
    }
}

/// The options as the facade's `RemediationFilter` (one serde mapping; times are ISO 8601).
fn list_pager(
    inner: &facade::Remediations,
    options: RemediationListOptions,
) -> Result<facade::Pager<facade::RemediationSummary>, facade::Error> {
    Ok(inner.list().filter(via_serde(&options)?))
}
