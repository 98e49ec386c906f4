//! Monitored phone numbers: the enterprise-scoped endpoints (`Numbers`) and the account-wide
//! "simplified" ones (`AccountNumbers`). Every number is validated as US E.164 before I/O.

use futures::{FutureExt, StreamExt, stream};
use telnyx_reputation_api::types as g;
use uuid::Uuid;

use super::non_zero;
use crate::client::{Client, send, send_list_any_2xx, send_page};
use crate::convert;
use crate::models::{
    BatchFailure, BatchProgress, BulkAddOptions, BulkAddReport, BulkRefreshReport, NumberOwnership,
    Page, RefreshOutcome, ReputationNumber,
};
use crate::operations::{
    ACCOUNT_NUMBERS_GET as ACCOUNT_GET, ACCOUNT_NUMBERS_GET_FRESH as ACCOUNT_GET_FRESH,
    ACCOUNT_NUMBERS_LIST as ACCOUNT_LIST, ACCOUNT_NUMBERS_REMOVE as ACCOUNT_REMOVE,
    NUMBERS_ADD as ADD, NUMBERS_CONFIRM_OWNERSHIP as CONFIRM, NUMBERS_GET as GET,
    NUMBERS_GET_FRESH as GET_FRESH, NUMBERS_LIST as LIST, NUMBERS_OWNERSHIP as OWNERSHIP,
    NUMBERS_REFRESH as REFRESH, NUMBERS_REMOVE as REMOVE,
};
use crate::pager::{ListQuery, Pager};
use crate::{Error, phone, validate};

/// Numbers per add or refresh request: the contract's `maxItems` on
/// `PhoneNumbersRequest.phone_numbers` (generated into `telnyx_reputation_api::rules`).
static MAX_BATCH: std::sync::LazyLock<usize> = std::sync::LazyLock::new(|| {
    telnyx_reputation_api::rules::max_items(
        &telnyx_reputation_api::rules::PHONE_NUMBERS_REQUEST,
        "phone_numbers",
    )
    .expect("the contract bounds PhoneNumbersRequest.phone_numbers with maxItems")
});
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
        let numbers = phone::parse_batch("phone_numbers", numbers, 1, *MAX_BATCH)?;
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
    ///
    /// With a `max_billable` or `max_spend` budget, the whole plan (every number is one
    /// billable unit) must fit before the first batch is sent, else
    /// [`Error::BillingRefused`] and nothing is sent.
    pub async fn add_all<I, S>(
        &self,
        numbers: I,
        options: BulkAddOptions,
    ) -> Result<BulkAddReport, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.add_all_with_progress(numbers, options, |_| {}).await
    }

    /// [`Numbers::add_all`], calling `progress` as each batch finishes (e.g. for a progress
    /// bar), in completion order.
    pub async fn add_all_with_progress<I, S, P>(
        &self,
        numbers: I,
        options: BulkAddOptions,
        progress: P,
    ) -> Result<BulkAddReport, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
        P: Fn(&BatchProgress) + Send + Sync,
    {
        let (added, failed) = self
            .bulk(&ADD, numbers, options, &progress, |id, batch| {
                self.send_add(id, batch)
            })
            .await?;
        let added = added.into_iter().flatten().collect();
        Ok(BulkAddReport { added, failed })
    }

    /// Refresh any number of distinct numbers, in batches of 100 sent up to
    /// `options.concurrency` at a time; like [`Numbers::add_all`]: every number is validated
    /// and the whole plan checked against the budget before anything is sent, a failed batch
    /// does not stop the others, and the report names every failed batch.
    pub async fn refresh_all<I, S>(
        &self,
        numbers: I,
        options: BulkAddOptions,
    ) -> Result<BulkRefreshReport, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.refresh_all_with_progress(numbers, options, |_| {})
            .await
    }

    /// [`Numbers::refresh_all`], calling `progress` as each batch finishes.
    pub async fn refresh_all_with_progress<I, S, P>(
        &self,
        numbers: I,
        options: BulkAddOptions,
        progress: P,
    ) -> Result<BulkRefreshReport, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
        P: Fn(&BatchProgress) + Send + Sync,
    {
        let (refreshed, failed) = self
            .bulk(&REFRESH, numbers, options, &progress, |id, batch| {
                self.send_refresh(id, batch)
            })
            .await?;
        let results = refreshed.into_iter().flat_map(|r| r.results).collect();
        Ok(BulkRefreshReport { results, failed })
    }

    /// A bulk call (`add_all`, `refresh_all`): validate every number and the options, check
    /// the whole plan against the budget, then send the batches of 100, `concurrency` at a
    /// time, reporting each to `progress` as it finishes. The answered batches' results in
    /// batch order, and every failed batch with its numbers and error.
    async fn bulk<'a, I, S, T, F, Fut>(
        &'a self,
        op: &crate::operations::Operation,
        numbers: I,
        options: BulkAddOptions,
        progress: &'a (dyn Fn(&BatchProgress) + Send + Sync),
        send_batch: F,
    ) -> Result<(Vec<T>, Vec<BatchFailure>), Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
        F: Fn(Uuid, Vec<String>) -> Fut + 'a,
        Fut: std::future::Future<Output = Result<T, Error>> + 'a,
    {
        let id = self.id()?;
        let concurrency = validate_concurrency(options.concurrency)?;
        let numbers = phone::parse_distinct("phone_numbers", numbers)?;
        let batches: Vec<Vec<String>> =
            numbers.chunks(*MAX_BATCH).map(<[String]>::to_vec).collect();
        self.client.check_plan(op, numbers.len() as u64)?;
        let total = batches.len();
        let send_batch = &send_batch;
        let outcomes: Vec<(usize, Vec<String>, Result<T, Error>)> = stream::iter(
            batches
                .into_iter()
                .enumerate()
                .map(|(index, batch)| async move {
                    let outcome = send_batch(id, batch.clone()).await;
                    (index, batch, outcome)
                }),
        )
        .buffered(concurrency)
        .inspect(|(index, batch, outcome)| {
            progress(&BatchProgress {
                batch_index: *index,
                batches: total,
                numbers: batch.len(),
                ok: outcome.is_ok(),
            });
        })
        .collect()
        .await;
        let mut answered = Vec::new();
        let mut failed = Vec::new();
        for (batch_index, numbers, outcome) in outcomes {
            match outcome {
                Ok(result) => answered.push(result),
                Err(error) => failed.push(BatchFailure {
                    batch_index,
                    numbers,
                    error,
                }),
            }
        }
        Ok((answered, failed))
    }

    /// One atomic add request of already validated numbers.
    async fn send_add(
        &self,
        id: Uuid,
        phone_numbers: Vec<String>,
    ) -> Result<Vec<ReputationNumber>, Error> {
        let body = g::PhoneNumbersRequest { phone_numbers };
        let api = self.client.api();
        let added = self
            .client
            .run_units(ADD, body.phone_numbers.len() as u64, || {
                send_list_any_2xx(
                    201,
                    EMPTY_NUMBER_LIST,
                    api.add_reputation_numbers()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                    convert::number_page_from_json,
                    convert::number_page,
                )
            })
            .await?;
        Ok(added.items)
    }

    /// Monitored numbers, paged; filter with [`Pager::phone_number_contains`],
    /// [`Pager::phone_number_eq`], [`Pager::ownership_status`] and [`Pager::source`].
    pub fn list(&self) -> Pager<ReputationNumber> {
        let client = self.client.clone();
        let enterprise_id = self.enterprise_id.clone();
        Pager::new(move |query| list_page(client.clone(), enterprise_id.clone(), query).boxed())
    }

    /// One number with its cached reputation. The first read of a number without data is a
    /// live, billed lookup on the server's side, so the cost guard reserves one live lookup
    /// against `max_billable`/`max_spend` before sending (refused, nothing sent, when the
    /// budget cannot cover it) and gives it back when the answer came from the cache.
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
        self.client
            .run_read(
                op,
                || {
                    let mut call = api
                        .get_reputation_number()
                        .enterprise_id(id)
                        .phone_number(number.as_str());
                    if fresh {
                        call = call.fresh(true);
                    }
                    async { send(call.send()).await.map(|w| convert::number(w.data)) }
                },
                served_from_cache,
            )
            .await
    }

    /// Stop monitoring a number (it stays in your inventory).
    pub async fn remove(&self, number: impl AsRef<str>) -> Result<(), Error> {
        let id = self.id()?;
        let number = phone::parse_one("phone_number", number.as_ref())?;
        let api = self.client.api();
        self.client
            .run_delete(REMOVE, || {
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
        let numbers = phone::parse_batch("phone_numbers", numbers, 1, *MAX_BATCH)?;
        self.send_refresh(id, numbers).await
    }

    /// One refresh request of already validated numbers.
    async fn send_refresh(
        &self,
        id: Uuid,
        phone_numbers: Vec<String>,
    ) -> Result<RefreshOutcome, Error> {
        let units = phone_numbers.len() as u64;
        let body = g::PhoneNumbersRequest { phone_numbers };
        let api = self.client.api();
        let wrapped = self
            .client
            .run_units(REFRESH, units, || {
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

/// Whether a read's answer was served from the cache: reputation data whose
/// `last_refreshed_at` is older than the second the request was sent in. No data, or data
/// refreshed since the request was sent, means the server looked the number up live (and
/// billed it). Whole seconds, because the server may not send finer timestamps: a live
/// lookup in the same second is never mistaken for a cached read.
fn served_from_cache(number: &ReputationNumber, sent_at: chrono::DateTime<chrono::Utc>) -> bool {
    let Some(refreshed) = number
        .reputation_data
        .as_ref()
        .and_then(|d| d.last_refreshed_at)
    else {
        return false;
    };
    refreshed.timestamp() < sent_at.timestamp()
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

/// The page size and [`crate::NumberFilter`] of `$query` on a generated list-numbers call
/// builder: one mapping for both number lists, whose builders are distinct types with the
/// same methods (the account-wide list's `enterprise_id` is added by its caller).
macro_rules! number_filter {
    ($call:expr, $query:expr) => {{
        let query: &ListQuery = $query;
        let filter = &query.numbers;
        let mut call = $call;
        if let Some(size) = query.page_size {
            call = call.page_size(non_zero(size.into()));
        }
        if let Some(text) = &filter.phone_number_contains {
            call = call.filter_phone_number_contains(text.clone());
        }
        if let Some(number) = &filter.phone_number_eq {
            call = call.filter_phone_number_eq(number.clone());
        }
        if let Some(status) = &filter.ownership_status {
            call = call.filter_ownership_status(g::OwnershipStatus(status.as_str().to_owned()));
        }
        if let Some(source) = &filter.source {
            call = call.filter_source(g::NumberSource(source.as_str().to_owned()));
        }
        call
    }};
}

async fn list_page(
    client: Client,
    enterprise_id: String,
    query: ListQuery,
) -> Result<Page<ReputationNumber>, Error> {
    let id = validate::uuid("enterprise_id", &enterprise_id)?;
    if query.numbers.enterprise_id.is_some() {
        return Err(Error::invalid(
            "enterprise_id: this list is already scoped to one enterprise; the filter applies \
             to client.numbers().list()",
        ));
    }
    let api = client.api();
    client
        .run(LIST, || {
            let mut call = api
                .list_reputation_numbers()
                .enterprise_id(id)
                .page_number(non_zero(query.page_number));
            call = number_filter!(call, &query);
            send_number_page(call.send())
        })
        .await
}

/// A page of numbers, decoded straight into the facade's models ([`send_page`],
/// [`convert::number_page_from_json`]).
fn send_number_page(
    call: impl Future<
        Output = Result<
            progenitor_client::ResponseValue<g::ReputationNumberList>,
            progenitor_client::Error<g::Errors>,
        >,
    >,
) -> impl Future<Output = Result<Page<ReputationNumber>, Error>> {
    send_page(
        EMPTY_NUMBER_LIST,
        call,
        convert::number_page_from_json,
        convert::number_page,
    )
}

/// What the generated client decodes while a page of numbers (or an added batch) is read
/// straight into the facade's models: an empty `ReputationNumberList`.
const EMPTY_NUMBER_LIST: &str =
    r#"{"data":[],"meta":{"page_number":1,"page_size":0,"total_pages":0,"total_results":0}}"#;

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

    /// One number with its cached reputation. The first read of a number without data is a
    /// live, billed lookup on the server's side, so the cost guard reserves one live lookup
    /// against `max_billable`/`max_spend` before sending (refused, nothing sent, when the
    /// budget cannot cover it) and gives it back when the answer came from the cache.
    pub async fn get(&self, number: impl AsRef<str>) -> Result<ReputationNumber, Error> {
        self.lookup(number.as_ref(), false).await
    }

    /// One number with a live (billed) reputation lookup, whichever enterprise monitors it;
    /// retried only on a connect failure or 429.
    pub async fn get_fresh(&self, number: impl AsRef<str>) -> Result<ReputationNumber, Error> {
        self.lookup(number.as_ref(), true).await
    }

    async fn lookup(&self, number: &str, fresh: bool) -> Result<ReputationNumber, Error> {
        let number = phone::parse_one("phone_number", number)?;
        let api = self.client.api();
        let op = if fresh {
            ACCOUNT_GET_FRESH
        } else {
            ACCOUNT_GET
        };
        self.client
            .run_read(
                op,
                || {
                    let mut call = api
                        .get_account_reputation_number()
                        .phone_number(number.as_str());
                    if fresh {
                        call = call.fresh(true);
                    }
                    async { send(call.send()).await.map(|w| convert::number(w.data)) }
                },
                served_from_cache,
            )
            .await
    }

    /// Stop monitoring a number, whichever enterprise monitors it.
    pub async fn remove(&self, number: impl AsRef<str>) -> Result<(), Error> {
        let number = phone::parse_one("phone_number", number.as_ref())?;
        let api = self.client.api();
        self.client
            .run_delete(ACCOUNT_REMOVE, || {
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
    let enterprise = query.numbers.enterprise_id.as_deref();
    let enterprise = enterprise
        .map(|id| validate::uuid("enterprise_id", id))
        .transpose()?;
    let api = client.api();
    client
        .run(ACCOUNT_LIST, || {
            let mut call = api
                .list_account_reputation_numbers()
                .page_number(non_zero(query.page_number));
            if let Some(id) = enterprise {
                call = call.filter_enterprise_id(id);
            }
            call = number_filter!(call, &query);
            send_number_page(call.send())
        })
        .await
}

impl Numbers {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
    }
}

impl AccountNumbers {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
    }
}
