//! `Pager<T>`: lazily pages through a list endpoint. Set the page size and filters, then
//! `stream()` every item, take `first_page()`, or `fetch_page(n)` (what the bindings build
//! their iterators on). Which endpoint a pager calls is decided by its creator in `resources`.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::{Stream, StreamExt, TryStreamExt, stream};
use uuid::Uuid;

use crate::enums::{NumberSource, OwnershipStatus, ProductType, RemediationStatus, RoleType};
use crate::models::{Enterprise, Page, RemediationSummary, ReputationNumber, TosAgreement};
use crate::{Error, phone, validate};

/// Filters and page size of a list call; each endpoint reads the fields it supports.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub(crate) page_number: u64,
    pub(crate) page_size: Option<u32>,
    pub(crate) legal_name_contains: Option<String>,
    pub(crate) role_type: Option<RoleType>,
    pub(crate) phone_number_contains: Option<String>,
    pub(crate) phone_number_eq: Option<String>,
    pub(crate) ownership_status: Option<OwnershipStatus>,
    pub(crate) source: Option<NumberSource>,
    pub(crate) enterprise_id: Option<Uuid>,
    pub(crate) status: Option<RemediationStatus>,
    pub(crate) created_at_gte: Option<DateTime<Utc>>,
    pub(crate) created_at_lte: Option<DateTime<Utc>>,
    pub(crate) product_type: Option<ProductType>,
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

    /// Every item across all pages. Stops after the last page (`page_number >= total_pages`)
    /// or at an empty page. While the caller works through one page, the next page's request
    /// is already in flight (on the tokio runtime driving the stream, when there is one).
    pub fn stream(&self) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        let pager = self.clone();
        let first = NextPage::Inline(1);
        stream::try_unfold(Some(first), move |next| {
            let pager = pager.clone();
            async move {
                let Some(next) = next else {
                    return Ok(None);
                };
                let (number, page) = next.resolve(&pager).await?;
                let after = page
                    .has_next()
                    .then(|| NextPage::prefetch(&pager, number + 1));
                let items = stream::iter(page.items.into_iter().map(Ok::<T, Error>));
                Ok(Some((items, after)))
            }
        })
        .try_flatten()
        .boxed()
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

/// The page a [`Pager::stream`] reads next: fetched when asked for, or already requested.
enum NextPage<T> {
    Inline(u64),
    InFlight(u64, AbortOnDrop<Result<Page<T>, Error>>),
}

impl<T: Send + 'static> NextPage<T> {
    /// Start fetching `number` now on the current tokio runtime, or later without one.
    fn prefetch(pager: &Pager<T>, number: u64) -> Self {
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let pager = pager.clone();
                let task = runtime.spawn(async move { pager.fetch_page(number).await });
                NextPage::InFlight(number, AbortOnDrop(task))
            }
            Err(_) => NextPage::Inline(number),
        }
    }

    async fn resolve(self, pager: &Pager<T>) -> Result<(u64, Page<T>), Error> {
        match self {
            NextPage::Inline(number) => Ok((number, pager.fetch_page(number).await?)),
            NextPage::InFlight(number, mut task) => match (&mut task.0).await {
                Ok(page) => Ok((number, page?)),
                // The task is only aborted by dropping this guard, so this is a panic.
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            },
        }
    }
}

/// A prefetch the caller stopped wanting (an early `break`) is cancelled, not left running.
struct AbortOnDrop<R>(tokio::task::JoinHandle<R>);

impl<R> Drop for AbortOnDrop<R> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Pager<Enterprise> {
    /// Only enterprises whose legal name contains `text` (case-insensitive).
    pub fn legal_name_contains(mut self, text: impl Into<String>) -> Self {
        self.query.legal_name_contains = Some(text.into());
        self
    }

    /// Only enterprises of this role.
    pub fn role_type(mut self, role: RoleType) -> Self {
        self.query.role_type = Some(role);
        self
    }
}

impl Pager<ReputationNumber> {
    /// Only numbers containing `digits`, e.g. `"202555"`.
    /// At least 5 digits, as the server requires (checked before the first request).
    pub fn phone_number_contains(mut self, digits: impl Into<String>) -> Self {
        let digits = digits.into();
        self.remember(validate::contains_digits("phone_number_contains", &digits));
        self.query.phone_number_contains = Some(digits);
        self
    }

    /// Only this exact number (validated as US E.164).
    pub fn phone_number_eq(mut self, number: impl AsRef<str>) -> Self {
        let parsed = phone::parse_one("phone_number_eq", number.as_ref());
        self.query.phone_number_eq = Some(number.as_ref().to_owned());
        self.remember(parsed.map(drop));
        self
    }

    /// Only numbers in this ownership state.
    pub fn ownership_status(mut self, status: OwnershipStatus) -> Self {
        self.query.ownership_status = Some(status);
        self
    }

    /// Only numbers hosted at this source.
    pub fn source(mut self, source: NumberSource) -> Self {
        self.query.source = Some(source);
        self
    }

    /// Only numbers of this enterprise. Account-wide lists (`client.numbers().list()`)
    /// only; an enterprise's own list reports `InvalidInput`.
    pub fn enterprise_id(mut self, enterprise_id: impl Into<String>) -> Self {
        match validate::uuid("enterprise_id", &enterprise_id.into()) {
            Ok(id) => self.query.enterprise_id = Some(id),
            Err(e) => self.remember(Err(e)),
        }
        self
    }
}

impl Pager<RemediationSummary> {
    /// Only requests in this status.
    pub fn status(mut self, status: RemediationStatus) -> Self {
        self.query.status = Some(status);
        self
    }

    /// Only requests created at or after `when`.
    pub fn created_at_gte(mut self, when: DateTime<Utc>) -> Self {
        self.query.created_at_gte = Some(when);
        self
    }

    /// Only requests created at or before `when`.
    pub fn created_at_lte(mut self, when: DateTime<Utc>) -> Self {
        self.query.created_at_lte = Some(when);
        self
    }
}

impl Pager<TosAgreement> {
    /// Only agreements to this product's terms (the server defaults to Branded Calling).
    pub fn product_type(mut self, product: ProductType) -> Self {
        self.query.product_type = Some(product);
        self
    }
}
