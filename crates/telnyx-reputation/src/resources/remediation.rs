//! Remediation requests: ask the call-analytics networks to re-evaluate flagged numbers, then
//! follow each request to its outcome.

use std::time::{Duration, Instant};

use futures::{FutureExt, Stream, StreamExt, stream};
use telnyx_reputation_api::types as g;
use uuid::Uuid;

use super::non_zero;
use crate::client::{Client, send};
use crate::convert;
use crate::enums::RemediationStatus;
use crate::models::{Page, Remediation, RemediationRequest, RemediationSummary, WaitOptions};
use crate::operations::{
    REMEDIATION_GET as GET, REMEDIATION_LIST as LIST, REMEDIATION_SUBMIT as SUBMIT,
};
use crate::pager::{ListQuery, Pager};
use crate::{Error, phone, validate};

/// Numbers per remediation request.
const MAX_NUMBERS: usize = 2000;

/// An enterprise's remediation requests (`client.reputation(id).remediation()`).
#[derive(Debug, Clone)]
pub struct Remediations {
    client: Client,
    enterprise_id: String,
}

impl Remediations {
    pub(crate) fn new(client: Client, enterprise_id: String) -> Self {
        Remediations {
            client,
            enterprise_id,
        }
    }

    fn id(&self) -> Result<Uuid, Error> {
        validate::uuid("enterprise_id", &self.enterprise_id)
    }

    /// Submit 1 to 2,000 numbers for re-evaluation (billable per number submitted; retried
    /// only on a connect failure or 429; a number with an in-flight request gives
    /// [`Error::Conflict`]).
    pub async fn submit(&self, request: RemediationRequest) -> Result<Remediation, Error> {
        let id = self.id()?;
        let body: g::CreateRemediationRequest =
            convert::request_body("remediation", &checked(&self.client, request)?)?;
        let units = body.phone_numbers.len() as u64;
        let api = self.client.api();
        let wrapped = self
            .client
            .run_units(SUBMIT, units, || {
                send(
                    api.create_remediation()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::remediation(wrapped.data))
    }

    /// Follow a request: poll every `options.interval` and yield it each time its status
    /// changes, ending after a final status (completed, failed or cancelled). When
    /// `options.timeout` passes first the stream ends with [`Error::Timeout`].
    pub fn watch(
        &self,
        remediation_id: impl Into<String>,
        options: WaitOptions,
    ) -> impl Stream<Item = Result<Remediation, Error>> + Send + 'static {
        let watch = Watch {
            handle: self.clone(),
            id: remediation_id.into(),
            options,
            last: None,
            waited: Duration::ZERO,
            started: Instant::now(),
            finished: false,
        };
        stream::try_unfold(watch, Watch::next_change)
    }

    /// Poll a request until it reaches a final status and return it (see [`Remediations::watch`]).
    pub async fn wait_until_finished(
        &self,
        remediation_id: impl Into<String>,
        options: WaitOptions,
    ) -> Result<Remediation, Error> {
        let id = remediation_id.into();
        let mut changes = std::pin::pin!(self.watch(id.clone(), options));
        let mut last = None;
        while let Some(change) = changes.next().await {
            last = Some(change?);
        }
        last.ok_or_else(|| Error::invalid(format!("remediation_id: {id} was never read")))
    }

    /// One request with its per-number results.
    pub async fn get(&self, remediation_id: impl Into<String>) -> Result<Remediation, Error> {
        let id = self.id()?;
        let remediation_id = validate::uuid("remediation_id", &remediation_id.into())?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(GET, move || {
                send(
                    api.get_remediation()
                        .enterprise_id(id)
                        .remediation_id(remediation_id)
                        .send(),
                )
            })
            .await?;
        Ok(convert::remediation(wrapped.data))
    }

    /// Requests (slim shape), paged; filter with [`Pager::status`],
    /// [`Pager::created_at_gte`] and [`Pager::created_at_lte`].
    pub fn list(&self) -> Pager<RemediationSummary> {
        let client = self.client.clone();
        let enterprise_id = self.enterprise_id.clone();
        Pager::new(move |query| list_page(client.clone(), enterprise_id.clone(), query).boxed())
    }
}

/// Validate every field of a request, reporting every bad one at once; numbers are
/// normalised to their checked form.
fn checked(client: &Client, request: RemediationRequest) -> Result<RemediationRequest, Error> {
    let phone_numbers = phone::parse_batch("phone_numbers", &request.phone_numbers, 1, MAX_NUMBERS);
    let checks = [
        phone_numbers.as_ref().map(|_| ()).map_err(Clone::clone),
        validate::length("call_purpose", &request.call_purpose, 1, 2000),
        request
            .contact_email
            .as_deref()
            .map_or(Ok(()), |email| validate::email("contact_email", email)),
        request
            .webhook_url
            .as_deref()
            .map_or(Ok(()), |url| client.check_webhook_url("webhook_url", url)),
    ];
    validate::all(checks)?;
    let phone_numbers = phone_numbers?;
    Ok(RemediationRequest {
        phone_numbers,
        ..request
    })
}

async fn list_page(
    client: Client,
    enterprise_id: String,
    query: ListQuery,
) -> Result<Page<RemediationSummary>, Error> {
    let id = validate::uuid("enterprise_id", &enterprise_id)?;
    let api = client.api();
    let list = client
        .run(LIST, || {
            let mut call = api
                .list_remediations()
                .enterprise_id(id)
                .page_number(non_zero(query.page_number));
            if let Some(size) = query.page_size {
                call = call.page_size(non_zero(size.into()));
            }
            let filter = &query.remediation;
            if let Some(status) = &filter.status {
                call = call.filter_status(g::RemediationStatus(status.as_str().to_owned()));
            }
            if let Some(when) = filter.created_at_gte {
                call = call.filter_created_at_gte(when);
            }
            if let Some(when) = filter.created_at_lte {
                call = call.filter_created_at_lte(when);
            }
            send(call.send())
        })
        .await?;
    Ok(Page {
        items: list
            .data
            .into_iter()
            .map(convert::remediation_summary)
            .collect(),
        meta: convert::meta(list.meta),
    })
}

/// The state of one [`Remediations::watch`] stream.
struct Watch {
    handle: Remediations,
    id: String,
    options: WaitOptions,
    last: Option<RemediationStatus>,
    waited: Duration,
    started: Instant,
    finished: bool,
}

impl Watch {
    /// Poll until the status differs from the last one yielded (or is final).
    async fn next_change(mut self) -> Result<Option<(Remediation, Watch)>, Error> {
        if self.finished {
            return Ok(None);
        }
        if self.options.interval.is_zero() {
            return Err(Error::invalid("interval: must be greater than zero"));
        }
        loop {
            if self.last.is_some() {
                self.pause().await?;
            }
            let current = self.handle.get(&self.id).await?;
            let changed = self.last.as_ref() != Some(&current.status);
            self.last = Some(current.status.clone());
            self.finished = current.status.is_final();
            if changed || self.finished {
                return Ok(Some((current, self)));
            }
        }
    }

    /// Sleep one interval, or fail with a timeout once the budget is spent.
    async fn pause(&mut self) -> Result<(), Error> {
        let timeout = self.options.timeout;
        if self.waited >= timeout || self.started.elapsed() >= timeout {
            let status = self
                .last
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(Error::Timeout {
                message: format!("remediation {} still {status} after {timeout:?}", self.id),
                outcome_unknown: false,
            });
        }
        self.handle
            .client
            .sleeper()
            .sleep(self.options.interval)
            .await;
        self.waited += self.options.interval;
        Ok(())
    }
}

impl Remediations {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
    }
}
