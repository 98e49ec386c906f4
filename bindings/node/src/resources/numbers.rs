//! `rep.numbers` (one enterprise's monitored numbers) and `client.numbers` (the
//! account-wide "simplified" endpoints). Numbers are E.164 strings; the facade checks them
//! before any request.

use napi::bindgen_prelude::{Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use serde::Serialize;

use crate::convert::{convert, fused, via_serde};
use crate::models::{
    BulkAddReport, BulkRefreshReport, NumberOwnership, RefreshOutcome, ReputationNumber,
};
use crate::pager::NumberPager;
use crate::promise::{self, RequestOptions, WithExtras};

/// Options of the account-wide `numbers.get(..)`.
#[napi(object)]
#[derive(Default)]
pub struct AccountGetOptions {
    /// A live (billable) lookup instead of the cached data.
    pub fresh: Option<bool>,
}

/// Filters and page size of `numbers.list(..)` (the facade's `NumberFilter`).
#[napi(object)]
#[derive(Default, Serialize)]
pub struct NumberListOptions {
    /// Items per page, 1 to 250.
    pub page_size: Option<u32>,
    /// Only numbers containing these digits.
    pub phone_number_contains: Option<String>,
    /// Only this E.164 number.
    pub phone_number_eq: Option<String>,
    /// Only numbers in this ownership state.
    #[napi(ts_type = "'verified' | 'flagged' | 'pending_confirmation' | 'removed'")]
    pub ownership_status: Option<String>,
    /// Only numbers from this source: `telnyx` or `external`.
    #[napi(ts_type = "'telnyx' | 'external'")]
    pub source: Option<String>,
    /// Only numbers of this enterprise (account-wide list only).
    pub enterprise_id: Option<String>,
}

/// Options of `numbers.addAll(..)` and `numbers.refreshAll(..)`.
#[napi(object)]
#[derive(Default)]
pub struct BulkAddOptions {
    /// Batches of 100 in flight at once, 1 to 16 (default 4).
    pub concurrency: Option<u32>,
}

fn bulk_options(options: Option<BulkAddOptions>) -> facade::BulkAddOptions {
    let mut bulk = facade::BulkAddOptions::default();
    if let Some(concurrency) = options.unwrap_or_default().concurrency {
        bulk.concurrency = concurrency as usize;
    }
    bulk
}

type NumberList = Result<facade::Pager<facade::ReputationNumber>, facade::Error>;

/// The options as the facade's `NumberFilter` (one serde mapping); a bad value is reported
/// by the first fetch, before any request.
fn list_pager(
    pager: facade::Pager<facade::ReputationNumber>,
    options: NumberListOptions,
) -> NumberList {
    Ok(pager.filter(via_serde(&options)?))
}

fn number(n: facade::ReputationNumber) -> Result<ReputationNumber, facade::Error> {
    convert(n)
}

/// One enterprise's monitored numbers (`rep.numbers`).
#[napi]
pub struct Numbers {
    inner: facade::Numbers,
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

impl Numbers {
    pub(crate) fn new(inner: facade::Numbers) -> Self {
        Numbers { inner, raw: false }
    }

    /// This handle, raw when `raw` is (a raw handle's sub-handles are raw too).
    pub(crate) fn raw_if(mut self, raw: bool) -> Self {
        self.raw = raw;
        self
    }
}

#[napi]
impl Numbers {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<Numbers>")]
    pub fn with_raw_response(&self) -> Numbers {
        Numbers {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// Register 1 to 100 numbers atomically (billable; both gates must be approved).
    #[napi]
    pub fn add<'env>(
        &self,
        env: &'env Env,
        phone_numbers: Vec<String>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Vec<ReputationNumber>>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn_json(
            env,
            self.raw,
            async move { inner.add(phone_numbers).await },
            fused,
        )
    }

    /// Register any number of numbers in atomic batches of 100, `concurrency` (1-16,
    /// default 4) at a time. Every number is validated first (nothing is sent if one is
    /// invalid or repeated); then each batch is billed and succeeds or fails on its own, and
    /// the report lists the added numbers and each failed batch with its numbers and error.
    #[napi]
    pub fn add_all<'env>(
        &self,
        env: &'env Env,
        phone_numbers: Vec<String>,
        options: Option<BulkAddOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, BulkAddReport>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let bulk = bulk_options(options);
        promise::spawn_json(
            env,
            self.raw,
            async move { inner.add_all(phone_numbers, bulk).await },
            fused,
        )
    }

    /// Refresh any number of distinct numbers in batches of 100, `concurrency` (1-16,
    /// default 4) at a time, like `addAll`: every number is validated first (nothing is sent
    /// if one is invalid or repeated); then each batch is billed and succeeds or fails on its
    /// own, and the report has the per-number results and each failed batch with its error.
    #[napi]
    pub fn refresh_all<'env>(
        &self,
        env: &'env Env,
        phone_numbers: Vec<String>,
        options: Option<BulkAddOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, BulkRefreshReport>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let bulk = bulk_options(options);
        promise::spawn(
            env,
            self.raw,
            async move { inner.refresh_all(phone_numbers, bulk).await },
            convert,
        )
    }

    /// Monitored numbers, paged (no I/O until iterated).
    #[napi]
    pub fn list(
        &self,
        env: Env,
        options: Option<NumberListOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<NumberPager> {
        let inner = self.inner.with_extras(&env, request_options)?;
        Ok(NumberPager::new(list_pager(
            inner.list(),
            options.unwrap_or_default(),
        )))
    }

    /// One number with its cached reputation (the first read of a new number is billed).
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        phone_number: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationNumber>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.get(phone_number).await },
            number,
        )
    }

    /// One number with a live (billed) reputation lookup.
    #[napi]
    pub fn get_fresh<'env>(
        &self,
        env: &'env Env,
        phone_number: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationNumber>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.get_fresh(phone_number).await },
            number,
        )
    }

    /// Stop monitoring a number.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn remove<'env>(
        &self,
        env: &'env Env,
        phone_number: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.remove(phone_number).await },
            Ok,
        )
    }

    /// Collect fresh reputation data for 1 to 100 numbers now (billable).
    #[napi]
    pub fn refresh<'env>(
        &self,
        env: &'env Env,
        phone_numbers: Vec<String>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, RefreshOutcome>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.refresh(phone_numbers).await },
            convert,
        )
    }

    /// Ownership tracking of a number.
    #[napi]
    pub fn ownership<'env>(
        &self,
        env: &'env Env,
        phone_number: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, NumberOwnership>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.ownership(phone_number).await },
            convert,
        )
    }

    /// Confirm (or deny, with `stillOwn = false`) that you still own a flagged number,
    /// optionally with an uploaded evidence document.
    #[napi]
    pub fn confirm_ownership<'env>(
        &self,
        env: &'env Env,
        phone_number: String,
        still_own: bool,
        evidence_document_id: Option<String>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationNumber>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let future = async move {
            inner
                .confirm_ownership(phone_number, still_own, evidence_document_id.as_deref())
                .await
        };
        promise::spawn(env, self.raw, future, number)
    }
}

/// Monitored numbers across every enterprise of the account (`client.numbers`).
#[napi]
pub struct AccountNumbers {
    inner: facade::AccountNumbers,
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

impl AccountNumbers {
    pub(crate) fn new(inner: facade::AccountNumbers) -> Self {
        AccountNumbers { inner, raw: false }
    }
}

#[napi]
impl AccountNumbers {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<AccountNumbers>")]
    pub fn with_raw_response(&self) -> AccountNumbers {
        AccountNumbers {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// Monitored numbers of every enterprise, paged (no I/O until iterated).
    #[napi]
    pub fn list(
        &self,
        env: Env,
        options: Option<NumberListOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<NumberPager> {
        let inner = self.inner.with_extras(&env, request_options)?;
        Ok(NumberPager::new(list_pager(
            inner.list(),
            options.unwrap_or_default(),
        )))
    }

    /// One monitored number, whichever enterprise monitors it; `{ fresh: true }` is a live
    /// (billable) lookup.
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        phone_number: String,
        options: Option<AccountGetOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ReputationNumber>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let fresh = options.and_then(|o| o.fresh).unwrap_or(false);
        promise::spawn(
            env,
            self.raw,
            async move {
                if fresh {
                    inner.get_fresh(phone_number).await
                } else {
                    inner.get(phone_number).await
                }
            },
            number,
        )
    }

    /// Stop monitoring a number.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn remove<'env>(
        &self,
        env: &'env Env,
        phone_number: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.remove(phone_number).await },
            Ok,
        )
    }
}
