//! `Pager<T>`: lazily pages through a list endpoint. Set the page size and filters, then
//! `stream()` every item, walk the pages with `pages()` (what the bindings build their
//! iterators on), take `first_page()`, or `fetch_page(n)`. Both `stream()` and `pages()`
//! fetch the following pages while the caller handles the current one (`pages()` one
//! request at a time, `stream()` two): a request goes out once the answer that many
//! requests before it is in (for pages of numbers, before that answer is decoded, so the
//! server answers while the client decodes). Which endpoint a pager calls is decided by its
//! creator in `resources`.

use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::{Stream, TryStreamExt, stream};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::enums::{NumberSource, OwnershipStatus, ProductType, RemediationStatus, RoleType};
use crate::models::{Enterprise, Page, RemediationSummary, ReputationNumber, TosAgreement};
use crate::{Error, phone, validate};

/// Page number, page size and filters of a list call; each endpoint reads its own filter.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub(crate) page_number: u64,
    pub(crate) page_size: Option<u32>,
    pub(crate) enterprises: EnterpriseFilter,
    pub(crate) numbers: NumberFilter,
    pub(crate) remediation: RemediationFilter,
    pub(crate) agreements: AgreementFilter,
}

/// Which enterprises `client.enterprises().list()` returns, and how many per page. Set it
/// whole with [`Pager::filter`] (the bindings deserialize their options into it) or field by
/// field with [`Pager::legal_name_contains`] and [`Pager::role_type`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnterpriseFilter {
    /// Items per page, 1 to 250 (the server's default applies when unset).
    pub page_size: Option<u32>,
    /// Only enterprises whose legal name contains this text (case-insensitive).
    pub legal_name_contains: Option<String>,
    /// Only enterprises of this role.
    pub role_type: Option<RoleType>,
}

/// Which monitored numbers a list returns (`rep.numbers().list()` or the account-wide
/// `client.numbers().list()`), and how many per page. Set it whole with [`Pager::filter`] or
/// field by field with the pager's methods of the same names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NumberFilter {
    /// Items per page, 1 to 250 (the server's default applies when unset).
    pub page_size: Option<u32>,
    /// Only numbers containing these digits, at least 5 (e.g. `"202555"`).
    pub phone_number_contains: Option<String>,
    /// Only this exact number (US E.164).
    pub phone_number_eq: Option<String>,
    /// Only numbers in this ownership state.
    pub ownership_status: Option<OwnershipStatus>,
    /// Only numbers hosted at this source.
    pub source: Option<NumberSource>,
    /// Only numbers of this enterprise (a UUID); account-wide lists only.
    pub enterprise_id: Option<String>,
}

/// Which remediation requests `rep.remediation().list()` returns, and how many per page.
/// Set it whole with [`Pager::filter`] or field by field with the pager's methods.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RemediationFilter {
    /// Items per page, 1 to 250 (the server's default applies when unset).
    pub page_size: Option<u32>,
    /// Only requests in this status.
    pub status: Option<RemediationStatus>,
    /// Only requests created at or after this time.
    pub created_at_gte: Option<DateTime<Utc>>,
    /// Only requests created at or before this time.
    pub created_at_lte: Option<DateTime<Utc>>,
}

/// Which terms-of-service agreements `client.terms_of_service().agreements().list()`
/// returns, and how many per page. Set it whole with [`Pager::filter`] or with
/// [`Pager::product_type`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgreementFilter {
    /// Items per page, 1 to 250 (the server's default applies when unset).
    pub page_size: Option<u32>,
    /// Only agreements to this product's terms (the server defaults to Branded Calling).
    pub product_type: Option<ProductType>,
}

/// A user-given enum value must be one this version knows (`Unknown` is for server values).
fn known(field: &str, value: Option<&str>, known: &[&str], name: &str) -> Result<(), Error> {
    match value {
        Some(text) if !known.contains(&text) => Err(Error::invalid(format!(
            "{field}: {text:?} is not a valid {name}: expected one of {}",
            known.join(", ")
        ))),
        _ => Ok(()),
    }
}

impl EnterpriseFilter {
    fn check(&self) -> Result<(), Error> {
        known(
            "role_type",
            self.role_type.as_ref().map(|v| v.as_str()),
            RoleType::KNOWN,
            "RoleType",
        )
    }
}

impl NumberFilter {
    fn check(&self) -> Result<(), Error> {
        if let Some(digits) = &self.phone_number_contains {
            validate::contains_digits("phone_number_contains", digits)?;
        }
        if let Some(number) = &self.phone_number_eq {
            phone::parse_one("phone_number_eq", number)?;
        }
        known(
            "ownership_status",
            self.ownership_status.as_ref().map(|v| v.as_str()),
            OwnershipStatus::KNOWN,
            "OwnershipStatus",
        )?;
        known(
            "source",
            self.source.as_ref().map(|v| v.as_str()),
            NumberSource::KNOWN,
            "NumberSource",
        )?;
        if let Some(id) = &self.enterprise_id {
            validate::uuid("enterprise_id", id)?;
        }
        Ok(())
    }
}

impl RemediationFilter {
    fn check(&self) -> Result<(), Error> {
        known(
            "status",
            self.status.as_ref().map(|v| v.as_str()),
            RemediationStatus::KNOWN,
            "RemediationStatus",
        )
    }
}

impl AgreementFilter {
    fn check(&self) -> Result<(), Error> {
        known(
            "product_type",
            self.product_type.as_ref().map(|v| v.as_str()),
            ProductType::KNOWN,
            "ProductType",
        )
    }
}

type Fetch<T> = Arc<dyn Fn(ListQuery) -> BoxFuture<'static, Result<Page<T>, Error>> + Send + Sync>;

/// A lazily evaluated, cloneable list. Nothing is sent until a page is fetched.
pub struct Pager<T> {
    fetch: Fetch<T>,
    query: ListQuery,
    problem: Option<Error>,
}

impl<T> Clone for Pager<T> {
    fn clone(&self) -> Self {
        Pager {
            fetch: Arc::clone(&self.fetch),
            query: self.query.clone(),
            problem: self.problem.clone(),
        }
    }
}

impl<T> fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("query", &self.query)
            .field("problem", &self.problem)
            .finish()
    }
}

impl<T: Send + 'static> Pager<T> {
    pub(crate) fn new<F>(fetch: F) -> Self
    where
        F: Fn(ListQuery) -> BoxFuture<'static, Result<Page<T>, Error>> + Send + Sync + 'static,
    {
        Pager {
            fetch: Arc::new(fetch),
            query: ListQuery::default(),
            problem: None,
        }
    }

    /// Items per page, 1 to 250 (the server's default applies when unset).
    pub fn page_size(mut self, size: u32) -> Self {
        self.remember(validate::page_size(size));
        self.query.page_size = Some(size);
        self
    }

    /// Fetch one page (1-based). Invalid settings fail here, before any request.
    pub async fn fetch_page(&self, page_number: u64) -> Result<Page<T>, Error> {
        if let Some(problem) = &self.problem {
            return Err(problem.clone());
        }
        if page_number == 0 {
            return Err(Error::invalid("page_number: pages are numbered from 1"));
        }
        let query = ListQuery {
            page_number,
            ..self.query.clone()
        };
        (self.fetch)(query).await
    }

    /// Fetch the first page with its `meta`.
    pub async fn first_page(&self) -> Result<Page<T>, Error> {
        self.fetch_page(1).await
    }

    /// Every page in order, as a cursor: [`Pages::next`] (or its [`Stream`] impl). While the
    /// caller handles one page, the next page is already being fetched (on the tokio runtime
    /// driving the cursor). Stops after the last page (`page_number >= total_pages`) or at
    /// an empty page; an error is yielded once and ends the cursor. Nothing is sent until
    /// the first `next()`; dropping the cursor aborts a request still in flight. Requests go
    /// out one after the other: a page's request is sent once the previous page's answer
    /// is in (a page of numbers: before it is decoded; while the caller waits in `next()`,
    /// the page after the awaited one is queued for that moment), so a cursor dropped or
    /// ended there may have sent one request it never yields (lists are not billed).
    /// Nothing is sent after a failed request.
    pub fn pages(&self) -> Pages<T> {
        Pages::new(self.clone(), 1)
    }

    /// Every item across all pages, in order. Stops like [`Pager::pages`]; while the caller
    /// works through one page, up to two following pages are fetched (on the tokio runtime
    /// driving the stream), two requests at a time: a page's request goes out once the
    /// answer two requests before it is in (otherwise as in [`Pager::pages`]). An error is
    /// the last item.
    pub fn stream(&self) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        Pages::new(self.clone(), 2)
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok::<T, Error>)))
            .try_flatten()
    }

    /// Collect every item of every page.
    pub async fn collect_all(&self) -> Result<Vec<T>, Error> {
        self.stream().try_collect().await
    }

    /// Keep the first invalid setting so fetching reports it.
    fn remember(&mut self, check: Result<(), Error>) {
        if let (Err(e), None) = (check, &self.problem) {
            self.problem = Some(e);
        }
    }
}

/// A cursor over the pages of a [`Pager`], made by [`Pager::pages`]: each `next()` yields
/// the following page, while the page after it is already being fetched.
pub struct Pages<T> {
    pager: Pager<T>,
    /// Requests started and not yet yielded, in page order.
    in_flight: VecDeque<Request<T>>,
    /// Of the last `ahead` requests started, in order, what each opens once its answer's
    /// body is in (or it succeeded; dropped unopened if it failed): a prefetched request
    /// waits for the one `ahead` requests before it, see [`body_arrived`].
    bodies_in: VecDeque<oneshot::Receiver<()>>,
    /// The page number to request next.
    next_number: u64,
    /// `total_pages` of the latest page (0 before the first): nothing past it is requested.
    last_page: u64,
    /// Most pages fetched ahead (started, not yet yielded) while the caller holds a page.
    ahead: usize,
    /// Set after the last page or an error: nothing more is requested or yielded.
    done: bool,
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("query", &self.pager.query)
            .field("in_flight", &self.in_flight.len())
            .field("next_number", &self.next_number)
            .field("done", &self.done)
            .finish()
    }
}

impl<T: Send + 'static> Pages<T> {
    fn new(pager: Pager<T>, ahead: usize) -> Self {
        Pages {
            pager,
            in_flight: VecDeque::new(),
            bodies_in: VecDeque::new(),
            next_number: 1,
            last_page: 0,
            ahead: ahead.max(1),
            done: false,
        }
    }

    /// Start requests up to `count` in flight, up to the last page known.
    fn prefetch(&mut self, count: usize) {
        while self.in_flight.len() < count && self.next_number <= self.last_page {
            // At most `ahead` requests on the wire: this one waits for the answer `ahead`
            // requests before it.
            let after = if self.bodies_in.len() >= self.ahead {
                self.bodies_in.pop_front()
            } else {
                None
            };
            let (body_in, next_after) = oneshot::channel();
            let request = Request::prefetch(&self.pager, self.next_number, after, body_in);
            self.bodies_in.push_back(next_after);
            self.in_flight.push_back(request);
            self.next_number += 1;
        }
    }

    /// The next page, `None` after the last one. An error is yielded once and then `None`.
    pub async fn next(&mut self) -> Option<Result<Page<T>, Error>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Page<T>, Error>>> {
        if self.done {
            return Poll::Ready(None);
        }
        if self.in_flight.is_empty() {
            // Asked for now: fetched by the caller's own task, nothing to spawn.
            let request = Request::inline(&self.pager, self.next_number);
            self.in_flight.push_back(request);
            self.next_number += 1;
        }
        // The caller waits for the front page: the page after those in flight is queued too,
        // its request sent once the answer before it is in, so that it is already on its way
        // (`ahead` past the page handed out) while the front page is decoded.
        self.prefetch(self.ahead + 1);
        let front = self
            .in_flight
            .front_mut()
            .expect("a request was just queued");
        let outcome = ready!(Pin::new(front).poll(cx));
        self.in_flight.pop_front();
        match outcome {
            Ok(page) if page.has_next() => {
                self.last_page = page.meta.total_pages;
                self.prefetch(self.ahead);
                Poll::Ready(Some(Ok(page)))
            }
            outcome => {
                // The last page or an error: whatever is still in flight is not wanted.
                self.done = true;
                self.in_flight.clear();
                self.bodies_in.clear();
                Poll::Ready(Some(outcome))
            }
        }
    }
}

impl<T: Send + 'static> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// One page's request: spawned on the runtime (so it progresses while the caller is busy
/// elsewhere), or a future the cursor polls itself.
enum Request<T> {
    Spawned(u64, AbortOnDrop<Result<Page<T>, Error>>),
    Inline(BoxFuture<'static, Result<Page<T>, Error>>),
}

impl<T: Send + 'static> Request<T> {
    fn inline(pager: &Pager<T>, number: u64) -> Self {
        let pager = pager.clone();
        Request::Inline(Box::pin(async move { pager.fetch_page(number).await }))
    }

    /// Fetch `number` on the current tokio runtime (or later, inline, without one): its
    /// request is sent once the previous request's answer is in (`after` opens; never if
    /// that request failed), and `body_in` is opened once this one's is (see
    /// [`body_arrived`]) or, at the latest, once it succeeded.
    fn prefetch(
        pager: &Pager<T>,
        number: u64,
        after: Option<oneshot::Receiver<()>>,
        body_in: oneshot::Sender<()>,
    ) -> Self {
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let pager = pager.clone();
                let task = runtime.spawn(async move {
                    if let Some(after) = after
                        && after.await.is_err()
                    {
                        // The request before failed: the cursor ends there and aborts this
                        // task when it takes that error, so nothing is sent past it.
                        std::future::pending::<()>().await;
                    }
                    let fetch = async {
                        let page = pager.fetch_page(number).await;
                        if page.is_ok() {
                            // A list that did not call `body_arrived`: go on now.
                            open_next();
                        }
                        page
                    };
                    BODY_IN.scope(Cell::new(Some(body_in)), fetch).await
                });
                Request::Spawned(number, AbortOnDrop(task))
            }
            Err(_) => {
                // Polled in turn by the cursor: nothing to hold back after it.
                let _ = body_in.send(());
                Request::inline(pager, number)
            }
        }
    }
}

impl<T> Future for Request<T> {
    type Output = Result<Page<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Request::Inline(fetch) => fetch.as_mut().poll(cx),
            Request::Spawned(number, task) => match ready!(Pin::new(&mut task.0).poll(cx)) {
                Ok(outcome) => Poll::Ready(outcome),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                // Only the runtime shutting down cancels it: dropping the guard drops us too.
                Err(_) => Poll::Ready(Err(Error::Connection {
                    message: format!("the runtime shut down before page {number} arrived"),
                    before_send: false,
                    outcome_unknown: false,
                })),
            },
        }
    }
}

tokio::task_local! {
    /// In a prefetched page's task: what opens the next page's request, see [`body_arrived`].
    static BODY_IN: Cell<Option<oneshot::Sender<()>>>;
}

/// Called by a page's request once its answer's body is read, before decoding it: in a
/// prefetched page's task, the next page's request (waiting for this) is let go and given a
/// turn of the runtime to be written, so the server answers it while this page is decoded
/// (on a `current_thread` runtime it would otherwise only go out once the decoding is
/// done). A no-op anywhere else. Lists whose pages are decoded by the generated client do
/// not call it; their next request goes once the page's request has succeeded.
pub(crate) async fn body_arrived() {
    if open_next() {
        tokio::task::yield_now().await;
    }
}

/// Let the next page's request go, once; whether one was waiting for it.
fn open_next() -> bool {
    let next = BODY_IN.try_with(Cell::take).ok().flatten();
    next.is_some_and(|next| next.send(()).is_ok())
}

/// A request the caller stopped wanting (an early `break`, a dropped cursor) is cancelled,
/// not left running.
struct AbortOnDrop<R>(tokio::task::JoinHandle<R>);

impl<R> Drop for AbortOnDrop<R> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Generate `Pager<$item>::filter` and the per-field sugar over `$field` of the query.
macro_rules! filters {
    ($item:ty, $filter:ident, $field:ident) => {
        impl Pager<$item> {
            /// Replace the filters (and, when set, the page size) with `filter`. Invalid values
            /// are reported by the first fetch, before any request.
            pub fn filter(mut self, mut filter: $filter) -> Self {
                if let Some(size) = filter.page_size.take() {
                    self = self.page_size(size);
                }
                self.query.$field = filter;
                self.recheck();
                self
            }

            fn set(mut self, change: impl FnOnce(&mut $filter)) -> Self {
                change(&mut self.query.$field);
                self.recheck();
                self
            }

            fn recheck(&mut self) {
                let check = self.query.$field.check();
                self.remember(check);
            }
        }
    };
}

filters!(Enterprise, EnterpriseFilter, enterprises);
filters!(ReputationNumber, NumberFilter, numbers);
filters!(RemediationSummary, RemediationFilter, remediation);
filters!(TosAgreement, AgreementFilter, agreements);

impl Pager<Enterprise> {
    /// Only enterprises whose legal name contains `text` (case-insensitive).
    pub fn legal_name_contains(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.set(|f| f.legal_name_contains = Some(text))
    }

    /// Only enterprises of this role.
    pub fn role_type(self, role: RoleType) -> Self {
        self.set(|f| f.role_type = Some(role))
    }
}

impl Pager<ReputationNumber> {
    /// Only numbers containing `digits`, e.g. `"202555"`.
    /// At least 5 digits, as the server requires (checked before the first request).
    pub fn phone_number_contains(self, digits: impl Into<String>) -> Self {
        let digits = digits.into();
        self.set(|f| f.phone_number_contains = Some(digits))
    }

    /// Only this exact number (validated as US E.164).
    pub fn phone_number_eq(self, number: impl AsRef<str>) -> Self {
        let number = number.as_ref().to_owned();
        self.set(|f| f.phone_number_eq = Some(number))
    }

    /// Only numbers in this ownership state.
    pub fn ownership_status(self, status: OwnershipStatus) -> Self {
        self.set(|f| f.ownership_status = Some(status))
    }

    /// Only numbers hosted at this source.
    pub fn source(self, source: NumberSource) -> Self {
        self.set(|f| f.source = Some(source))
    }

    /// Only numbers of this enterprise. Account-wide lists (`client.numbers().list()`)
    /// only; an enterprise's own list reports `InvalidInput`.
    pub fn enterprise_id(self, enterprise_id: impl Into<String>) -> Self {
        let id = enterprise_id.into();
        self.set(|f| f.enterprise_id = Some(id))
    }
}

impl Pager<RemediationSummary> {
    /// Only requests in this status.
    pub fn status(self, status: RemediationStatus) -> Self {
        self.set(|f| f.status = Some(status))
    }

    /// Only requests created at or after `when`.
    pub fn created_at_gte(self, when: DateTime<Utc>) -> Self {
        self.set(|f| f.created_at_gte = Some(when))
    }

    /// Only requests created at or before `when`.
    pub fn created_at_lte(self, when: DateTime<Utc>) -> Self {
        self.set(|f| f.created_at_lte = Some(when))
    }
}

impl Pager<TosAgreement> {
    /// Only agreements to this product's terms (the server defaults to Branded Calling).
    pub fn product_type(self, product: ProductType) -> Self {
        self.set(|f| f.product_type = Some(product))
    }
}
