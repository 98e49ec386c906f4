//! Monitored phone numbers: the enterprise-scoped endpoints (`Numbers`) and the account-wide
//! "simplified" ones (`AccountNumbers`). Every number is validated as US E.164 before I/O.

use futures::{FutureExt, StreamExt, stream};
use telnyx_reputation_api::types as g;
use uuid::Uuid;

use super::non_zero;
use crate::client::{Client, send, send_any_2xx};
use crate::convert;
use crate::models::{
    BatchFailure, BulkAddOptions, BulkAddReport, NumberOwnership, Page, RefreshOutcome,
    ReputationNumber,
};
use crate::pager::{ListQuery, Pager};
use crate::retry::Op;
use crate::retry::RetryClass::{Idempotent, NotIdempotent};
use crate::{Error, phone, validate};

const NUMBERS: &str = "/enterprises/{enterprise_id}/reputation/numbers";
const ONE_NUMBER: &str = "/enterprises/{enterprise_id}/reputation/numbers/{phone_number}";
const LIST: Op = Op::new("GET", NUMBERS, Idempotent);
const ADD: Op = Op::new("POST", NUMBERS, NotIdempotent);
const GET: Op = Op::new("GET", ONE_NUMBER, Idempotent);
const GET_FRESH: Op = Op::new("GET", ONE_NUMBER, NotIdempotent);
const REMOVE: Op = Op::new("DELETE", ONE_NUMBER, Idempotent);
const REFRESH: Op = Op::new(
    "POST",
    "/enterprises/{enterprise_id}/reputation/numbers/refresh",
    NotIdempotent,
);
const OWNERSHIP: Op = Op::new(
    "GET",
    "/enterprises/{enterprise_id}/reputation/numbers/{phone_number}/ownership",
    Idempotent,
);
const CONFIRM: Op = Op::new(
    "POST",
    "/enterprises/{enterprise_id}/reputation/numbers/{phone_number}/ownership_confirm",
    NotIdempotent,
);
const ACCOUNT_LIST: Op = Op::new("GET", "/reputation/numbers", Idempotent);
const ACCOUNT_GET: Op = Op::new("GET", "/reputation/numbers/{phone_number}", Idempotent);
const ACCOUNT_REMOVE: Op = Op::new("DELETE", "/reputation/numbers/{phone_number}", Idempotent);

/// Numbers per add or refresh request.
const MAX_BATCH: usize = 100;
/// Most `add_all` batches in flight at once.
const MAX_CONCURRENCY: usize = 16;

/// An enterprise's monitored numbers (`client.reputation(id).numbers()`).
#[derive(Debug, Clone)]
pub struct Numbers {
    client: Client,
    enterprise_id: String,
}

impl Numbers {
    pub(crate) fn new(client: Client, enterprise_id: String) -> Self {
        Numbers {
            client,
            enterprise_id,
        }
    }

    fn id(&self) -> Result<Uuid, Error> {
        validate::uuid("enterprise_id", &self.enterprise_id)
    }

    /// Register 1 to 100 numbers for monitoring, atomically (billable; retried only on a
    /// connect failure or 429). Both approval gates must be approved.
    pub async fn add<I, S>(&self, numbers: I) -> Result<Vec<ReputationNumber>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let id = self.id()?;
        let numbers = phone::parse_batch("phone_numbers", numbers, 1, MAX_BATCH)?;
        self.send_add(id, numbers).await
    }

    /// Register any number of numbers for monitoring, in atomic batches of 100 sent up to
    /// `options.concurrency` at a time.
    ///
    /// Every number is validated first: one that is not US E.164, or one given twice, is an
    /// [`Error::InvalidInput`] naming its index and value, and then nothing is sent. After
    /// that the call does not fail as a whole: each batch is one atomic, billable `add`
    /// (retried only on a connect failure or 429, like `add`) that succeeds or fails on its
    /// own, and the later batches are still sent when one fails. The report lists the added
    /// numbers and, for each failed batch, its index, its numbers and the error, so nothing
    /// is silently dropped; resend a failed batch's `numbers` once its cause is fixed.
    pub async fn add_all<I, S>(
        &self,
        numbers: I,
        options: BulkAddOptions,
    ) -> Result<BulkAddReport, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let id = self.id()?;
        let concurrency = validate_concurrency(options.concurrency)?;
        let numbers = phone::parse_distinct("phone_numbers", numbers)?;
        let batches = numbers.chunks(MAX_BATCH).map(<[String]>::to_vec);
        let outcomes: Vec<_> = stream::iter(batches.enumerate().map(|(index, batch)| async move {
            let outcome = self.send_add(id, batch.clone()).await;
            (index, batch, outcome)
        }))
        .buffered(concurrency)
        .collect()
        .await;
        let mut report = BulkAddReport::default();
        for (batch_index, numbers, outcome) in outcomes {
            match outcome {
                Ok(added) => report.added.extend(added),
                Err(error) => report.failed.push(BatchFailure {
                    batch_index,
                    numbers,
                    error,
                }),
            }
        }
        Ok(report)
    }

    /// One atomic add request of already validated numbers.
    async fn send_add(
        &self,
        id: Uuid,
        phone_numbers: Vec<String>,
    ) -> Result<Vec<ReputationNumber>, Error> {
        let body = g::PhoneNumbersRequest { phone_numbers };
        let api = self.client.api();
        let list = self
            .client
            .run(ADD, || {
                send_any_2xx(
                    api.add_reputation_numbers()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::numbers(list.data))
    }

    /// Monitored numbers, paged; filter with [`Pager::phone_number_contains`],
    /// [`Pager::phone_number_eq`], [`Pager::ownership_status`] and [`Pager::source`].
    pub fn list(&self) -> Pager<ReputationNumber> {
        let client = self.client.clone();
        let enterprise_id = self.enterprise_id.clone();
        Pager::new(move |query| list_page(client.clone(), enterprise_id.clone(), query).boxed())
    }

    /// One number with its cached reputation (the first read of a number without data is a
    /// live, billed lookup on the server's side).
    pub async fn get(&self, number: impl AsRef<str>) -> Result<ReputationNumber, Error> {
        self.lookup(number.as_ref(), false).await
    }

    /// One number with a live (billed) reputation lookup; retried only on a connect failure
    /// or 429.
    pub async fn get_fresh(&self, number: impl AsRef<str>) -> Result<ReputationNumber, Error> {
        self.lookup(number.as_ref(), true).await
    }

    async fn lookup(&self, number: &str, fresh: bool) -> Result<ReputationNumber, Error> {
        let id = self.id()?;
        let number = phone::parse_one("phone_number", number)?;
        let api = self.client.api();
        let op = if fresh { GET_FRESH } else { GET };
        let wrapped = self
            .client
            .run(op, || {
                let mut call = api
                    .get_reputation_number()
                    .enterprise_id(id)
                    .phone_number(number.as_str());
                if fresh {
                    call = call.fresh(true);
                }
                send(call.send())
            })
            .await?;
        Ok(convert::number(wrapped.data))
    }

    /// Stop monitoring a number (it stays in your inventory).
    pub async fn remove(&self, number: impl AsRef<str>) -> Result<(), Error> {
        let id = self.id()?;
        let number = phone::parse_one("phone_number", number.as_ref())?;
        let api = self.client.api();
        self.client
            .run(REMOVE, || {
                send(
                    api.remove_reputation_number()
                        .enterprise_id(id)
                        .phone_number(number.as_str())
                        .send(),
                )
            })
            .await
    }

    /// Collect fresh reputation data for 1 to 100 numbers now (billable; retried only on a
    /// connect failure or 429).
    pub async fn refresh<I, S>(&self, numbers: I) -> Result<RefreshOutcome, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let id = self.id()?;
        let body = g::PhoneNumbersRequest {
            phone_numbers: phone::parse_batch("phone_numbers", numbers, 1, MAX_BATCH)?,
        };
        let api = self.client.api();
        let wrapped = self
            .client
            .run(REFRESH, || {
                send(
                    api.refresh_reputation_numbers()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::refresh(wrapped.data))
    }

    /// Ownership tracking detail of a number.
    pub async fn ownership(&self, number: impl AsRef<str>) -> Result<NumberOwnership, Error> {
        let id = self.id()?;
        let number = phone::parse_one("phone_number", number.as_ref())?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(OWNERSHIP, || {
                send(
                    api.get_number_ownership()
                        .enterprise_id(id)
                        .phone_number(number.as_str())
                        .send(),
                )
            })
            .await?;
        Ok(convert::ownership(wrapped.data))
    }

    /// Confirm (or deny, with `still_own = false`) that you still own a flagged number,
    /// optionally with an uploaded evidence document.
    pub async fn confirm_ownership(
        &self,
        number: impl AsRef<str>,
        still_own: bool,
        evidence_document_id: Option<&str>,
    ) -> Result<ReputationNumber, Error> {
        let id = self.id()?;
        let number = phone::parse_one("phone_number", number.as_ref())?;
        let evidence = evidence_document_id
            .map(|d| validate::uuid("evidence_document_id", d))
            .transpose()?;
        let body = g::OwnershipConfirmRequest {
            still_own,
            evidence_document_id: evidence,
        };
        let api = self.client.api();
        let wrapped = self
            .client
            .run(CONFIRM, || {
                send(
                    api.confirm_number_ownership()
                        .enterprise_id(id)
                        .phone_number(number.as_str())
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::number(wrapped.data))
    }
}

fn validate_concurrency(concurrency: usize) -> Result<usize, Error> {
    if (1..=MAX_CONCURRENCY).contains(&concurrency) {
        Ok(concurrency)
    } else {
        Err(Error::invalid(format!(
            "concurrency: expected 1 to {MAX_CONCURRENCY}, got {concurrency}"
        )))
    }
}

async fn list_page(
    client: Client,
    enterprise_id: String,
    query: ListQuery,
) -> Result<Page<ReputationNumber>, Error> {
    let id = validate::uuid("enterprise_id", &enterprise_id)?;
    if query.enterprise_id.is_some() {
        return Err(Error::invalid(
            "enterprise_id: this list is already scoped to one enterprise; the filter applies \
             to client.numbers().list()",
        ));
    }
    let api = client.api();
    let list = client
        .run(LIST, || {
            let mut call = api
                .list_reputation_numbers()
                .enterprise_id(id)
                .page_number(non_zero(query.page_number));
            if let Some(size) = query.page_size {
                call = call.page_size(non_zero(size.into()));
            }
            if let Some(text) = &query.phone_number_contains {
                call = call.filter_phone_number_contains(text.clone());
            }
            if let Some(number) = &query.phone_number_eq {
                call = call.filter_phone_number_eq(number.clone());
            }
            if let Some(status) = &query.ownership_status {
                call = call.filter_ownership_status(g::OwnershipStatus(status.as_str().to_owned()));
            }
            if let Some(source) = &query.source {
                call = call.filter_source(g::NumberSource(source.as_str().to_owned()));
            }
            send(call.send())
        })
        .await?;
    Ok(Page {
        items: convert::numbers(list.data),
        meta: convert::meta(list.meta),
    })
}

/// Monitored numbers across every enterprise of the account (`client.numbers()`).
#[derive(Debug, Clone)]
pub struct AccountNumbers {
    client: Client,
}

impl AccountNumbers {
    pub(crate) fn new(client: Client) -> Self {
        AccountNumbers { client }
    }

    /// Monitored numbers of every enterprise, paged; filter with [`Pager::enterprise_id`],
    /// [`Pager::phone_number_contains`], [`Pager::phone_number_eq`],
    /// [`Pager::ownership_status`] and [`Pager::source`].
    pub fn list(&self) -> Pager<ReputationNumber> {
        let client = self.client.clone();
        Pager::new(move |query| account_list_page(client.clone(), query).boxed())
    }

    /// One number with its cached reputation.
    pub async fn get(&self, number: impl AsRef<str>) -> Result<ReputationNumber, Error> {
        let number = phone::parse_one("phone_number", number.as_ref())?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(ACCOUNT_GET, || {
                send(
                    api.get_account_reputation_number()
                        .phone_number(number.as_str())
                        .send(),
                )
            })
            .await?;
        Ok(convert::number(wrapped.data))
    }

    /// Stop monitoring a number, whichever enterprise monitors it.
    pub async fn remove(&self, number: impl AsRef<str>) -> Result<(), Error> {
        let number = phone::parse_one("phone_number", number.as_ref())?;
        let api = self.client.api();
        self.client
            .run(ACCOUNT_REMOVE, || {
                send(
                    api.remove_account_reputation_number()
                        .phone_number(number.as_str())
                        .send(),
                )
            })
            .await
    }
}

async fn account_list_page(
    client: Client,
    query: ListQuery,
) -> Result<Page<ReputationNumber>, Error> {
    let api = client.api();
    let list = client
        .run(ACCOUNT_LIST, || {
            let mut call = api
                .list_account_reputation_numbers()
                .page_number(non_zero(query.page_number));
            if let Some(size) = query.page_size {
                call = call.page_size(non_zero(size.into()));
            }
            if let Some(id) = query.enterprise_id {
                call = call.filter_enterprise_id(id);
            }
            if let Some(text) = &query.phone_number_contains {
                call = call.filter_phone_number_contains(text.clone());
            }
            if let Some(number) = &query.phone_number_eq {
                call = call.filter_phone_number_eq(number.clone());
            }
            if let Some(status) = &query.ownership_status {
                call = call.filter_ownership_status(g::OwnershipStatus(status.as_str().to_owned()));
            }
            if let Some(source) = &query.source {
                call = call.filter_source(g::NumberSource(source.as_str().to_owned()));
            }
            send(call.send())
        })
        .await?;
    Ok(Page {
        items: convert::numbers(list.data),
        meta: convert::meta(list.meta),
    })
}
