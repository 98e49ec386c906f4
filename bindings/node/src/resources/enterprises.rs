//! `client.enterprises`: create, list, get, replace, delete.

use napi::bindgen_prelude::{Env, PromiseRaw};
use napi_derive::napi;
use telnyx_reputation as facade;

use serde::Serialize;

use crate::convert::{convert, via_serde};
use crate::models::{Enterprise, EnterpriseUpdate, NewEnterprise};
use crate::pager::EnterprisePager;
use crate::promise::{self, RequestOptions, WithExtras};

/// Filters and page size of `enterprises.list(..)`.
#[napi(object)]
#[derive(Default, Serialize)]
pub struct EnterpriseListOptions {
    /// Items per page, 1 to 250.
    pub page_size: Option<u32>,
    /// Only enterprises whose legal name contains this text.
    pub legal_name_contains: Option<String>,
    /// Only this role: `enterprise` or `bpo`.
    #[napi(ts_type = "'enterprise' | 'bpo'")]
    pub role_type: Option<String>,
}

/// Enterprises (`client.enterprises`).
#[napi]
pub struct Enterprises {
    inner: facade::Enterprises,
    /// Calls resolve to `{ data, response }` (`withRawResponse`).
    raw: bool,
}

impl Enterprises {
    pub(crate) fn new(inner: facade::Enterprises) -> Self {
        Enterprises { inner, raw: false }
    }
}

#[napi]
impl Enterprises {
    /// This handle, its calls resolving to `{ data, response: { status, headers,
    /// requestId } }` (the parsed value and the HTTP answer it came from).
    #[napi(getter, ts_return_type = "WithRawResponse<Enterprises>")]
    pub fn with_raw_response(&self) -> Enterprises {
        Enterprises {
            inner: self.inner.clone(),
            raw: true,
        }
    }

    /// Create an enterprise (not retried: a retry could create a duplicate).
    #[napi]
    pub fn create<'env>(
        &self,
        env: &'env Env,
        enterprise: NewEnterprise,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Enterprise>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let future = async move { inner.create(convert(enterprise)?).await };
        promise::spawn(env, self.raw, future, convert)
    }

    /// Enterprises you own, paged (no I/O until iterated).
    #[napi]
    pub fn list(
        &self,
        env: Env,
        options: Option<EnterpriseListOptions>,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<EnterprisePager> {
        Ok(EnterprisePager::new(list_pager(
            &self.inner.with_extras(&env, request_options)?,
            options.unwrap_or_default(),
        )))
    }

    /// One enterprise by id.
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        enterprise_id: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Enterprise>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.get(enterprise_id).await },
            convert,
        )
    }

    /// Replace the enterprise's mutable fields with those given.
    #[napi]
    pub fn replace<'env>(
        &self,
        env: &'env Env,
        enterprise_id: String,
        update: EnterpriseUpdate,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, Enterprise>> {
        let inner = self.inner.with_extras(env, request_options)?;
        let future = async move { inner.replace(enterprise_id, convert(update)?).await };
        promise::spawn(env, self.raw, future, convert)
    }

    /// Soft-delete an enterprise.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn delete<'env>(
        &self,
        env: &'env Env,
        enterprise_id: String,
        request_options: Option<RequestOptions>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let inner = self.inner.with_extras(env, request_options)?;
        promise::spawn(
            env,
            self.raw,
            async move { inner.delete(enterprise_id).await },
            Ok,
        )
    }
}

/// The options as the facade's `EnterpriseFilter` (one serde mapping).
fn list_pager(
    inner: &facade::Enterprises,
    options: EnterpriseListOptions,
) -> Result<facade::Pager<facade::Enterprise>, facade::Error> {
    Ok(inner.list().filter(via_serde(&options)?))
}
