//! Paged lists: `list()` returns a pager (no I/O) that is async-iterable over every item
//! across pages (`for await (const n of rep.numbers.list({ pageSize: 250 }))`), walks the
//! pages themselves with `pages()`, and offers `firstPage()` and `fetchPage(n)` with their
//! `meta`. One pager, cursor and page-cursor class per item type, made by `pager!` because
//! napi classes cannot be generic.
//!
//! Paging is the facade's page cursor (`Pager::pages`): while JavaScript handles one page,
//! the next page's request is already in flight. An item cursor converts a page's items on
//! the runtime; the following `next()` calls resolve from that buffer without leaving the
//! JavaScript thread. `return()` (what `break` calls) ends a cursor and cancels the request
//! in flight.

use std::collections::VecDeque;
use std::sync::Arc;

use napi::bindgen_prelude::{Env, Object, PromiseRaw, This, ToNapiValue};
use napi_derive::napi;
use serde::Serialize;
use telnyx_reputation as facade;
use tokio::sync::Mutex;

use crate::convert::{convert_all, fused};
use crate::models::{Enterprise, PageMeta, RemediationSummary, ReputationNumber, TosAgreement};
use crate::promise::{self, ViaJson};

/// A facade pager, or the input problem found while building it (reported on first use).
type Built<T> = Result<facade::Pager<T>, facade::Error>;

/// The facade's page cursor of a built pager; a build problem is its one and only result.
struct PageSource<T> {
    /// `None` once ended: after the last page, an error, or `return()`.
    pages: Option<Result<facade::Pages<T>, facade::Error>>,
}

impl<T: Send + 'static> PageSource<T> {
    fn new(pager: Built<T>) -> Self {
        PageSource {
            pages: Some(pager.map(|p| p.pages())),
        }
    }

    /// The next page; an error is returned once and ends the source.
    async fn next(&mut self) -> Result<Option<facade::Page<T>>, facade::Error> {
        let outcome = match self.pages.as_mut() {
            None => return Ok(None),
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(pages)) => pages.next().await.transpose(),
        };
        if !matches!(outcome, Ok(Some(_))) {
            self.end();
        }
        outcome
    }

    /// Stop: a request still in flight is cancelled.
    fn end(&mut self) {
        self.pages = None;
    }
}

/// Where an item cursor is: its pages and the converted items of the current page not yet
/// handed out.
struct CursorState<T, J> {
    source: PageSource<T>,
    buffer: VecDeque<J>,
}

impl<T, J> CursorState<T, J>
where
    T: Send + 'static,
    J: From<T>,
{
    fn new(pager: Built<T>) -> Arc<Mutex<Self>> {
        Arc::new(Mutex::new(CursorState {
            source: PageSource::new(pager),
            buffer: VecDeque::new(),
        }))
    }

    /// The next item, taking pages until one has items or the list ends. An error ends
    /// the iteration, like the facade's `stream()`.
    async fn next(&mut self) -> Result<Option<J>, facade::Error> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            let Some(page) = self.source.next().await? else {
                return Ok(None);
            };
            self.buffer = convert_all(page.items)?.into();
        }
    }

    fn end(&mut self) {
        self.source.end();
        self.buffer.clear();
    }
}

/// A cursor's `next()`: resolved at once from the buffered page when it has an item,
/// otherwise after fetching on the runtime (which also waits out a `next()` in flight).
fn next_result<'env, T, J>(
    env: &'env Env,
    state: &Arc<Mutex<CursorState<T, J>>>,
) -> napi::Result<PromiseRaw<'env, Object<'env>>>
where
    T: Send + 'static,
    J: From<T> + ToNapiValue + Send + 'static,
{
    if let Ok(mut buffered) = state.try_lock()
        && let Some(item) = buffered.buffer.pop_front()
    {
        drop(buffered);
        return PromiseRaw::resolve(env, iterator_result(env, Some(item))?);
    }
    let state = Arc::clone(state);
    env.spawn_future_with_callback(
        async move { Ok(state.lock().await.next().await) },
        |env, result| {
            let item = result.map_err(|e| crate::error::to_js(env, &e))?;
            iterator_result(env, item)
        },
    )
}

/// A page cursor's `next()`: the next page with its items converted, on the runtime.
fn next_page<'env, T, P>(
    env: &'env Env,
    source: &Arc<Mutex<PageSource<T>>>,
    shape: fn(facade::Page<T>) -> Result<P, facade::Error>,
) -> napi::Result<PromiseRaw<'env, Object<'env>>>
where
    T: Send + 'static,
    P: Serialize + Send + 'static,
{
    let source = Arc::clone(source);
    env.spawn_future_with_callback(
        async move {
            let page = source.lock().await.next().await;
            Ok(page.and_then(|page| page.map(shape).transpose()))
        },
        |env, result| {
            let page = result.map_err(|e| crate::error::to_js(env, &e))?;
            // A page can hold a thousand items: handed over as JSON text, like `fetchPage`.
            iterator_result(env, page.map(ViaJson))
        },
    )
}

/// `return()`: end an iteration (after a `next()` still running), resolving `{ done: true }`.
fn finish<'env, S: Send + 'static>(
    env: &'env Env,
    state: &Arc<Mutex<S>>,
    end: fn(&mut S),
) -> napi::Result<PromiseRaw<'env, Object<'env>>> {
    let state = Arc::clone(state);
    env.spawn_future_with_callback(
        async move {
            end(&mut *state.lock().await);
            Ok(())
        },
        |env, ()| iterator_result::<bool>(env, None),
    )
}

/// The `{ value, done }` object of the async-iterator protocol.
fn iterator_result<'env, V: napi::bindgen_prelude::ToNapiValue>(
    env: &'env Env,
    item: Option<V>,
) -> napi::Result<Object<'env>> {
    let mut object = Object::new(env)?;
    object.set("done", item.is_none())?;
    // A finished iteration has no `value` key at all, so it reads as `undefined`.
    if let Some(item) = item {
        object.set("value", item)?;
    }
    Ok(object)
}

/// A 1-based page number from JavaScript; anything below 1 becomes 0, which the facade
/// rejects as invalid input before any request.
fn page_number(number: i64) -> u64 {
    u64::try_from(number).unwrap_or(0)
}

macro_rules! pager {
    (
        #[doc = $doc:literal]
        $pager:ident, $cursor:ident, $pages:ident, $page:ident,
        $facade_item:ty => $item:ident,
        $next_ts:literal, $next_page_ts:literal
    ) => {
        // A plain string literal (not a `///` comment, which reaches napi as a raw string
        // and would leave `r"` in index.d.ts).
        #[doc = $doc]
        #[napi]
        pub struct $pager {
            inner: Built<$facade_item>,
        }

        impl $pager {
            pub(crate) fn new(inner: Built<$facade_item>) -> Self {
                $pager { inner }
            }
        }

        #[napi]
        impl $pager {
            /// The first page with its `meta`.
            #[napi]
            pub fn first_page<'env>(
                &self,
                env: &'env Env,
            ) -> napi::Result<PromiseRaw<'env, $page>> {
                self.fetch_page(env, 1)
            }

            /// Page `number` (1-based) with its `meta`.
            #[napi]
            pub fn fetch_page<'env>(
                &self,
                env: &'env Env,
                number: i64,
            ) -> napi::Result<PromiseRaw<'env, $page>> {
                let pager = self.inner.clone();
                let number = page_number(number);
                promise::spawn_json(
                    env,
                    false,
                    async move { pager?.fetch_page(number).await },
                    fused,
                )
            }

            /// Every page in order (`for await (const page of pager.pages())`), the next
            /// page's request in flight while one is handled.
            #[napi]
            pub fn pages(&self) -> $pages {
                $pages {
                    source: Arc::new(Mutex::new(PageSource::new(self.inner.clone()))),
                }
            }

            /// Iterate every item across pages, the next page's request in flight while
            /// one is handled.
            #[napi(well_known_symbol = "asyncIterator")]
            pub fn iter(&self) -> $cursor {
                $cursor {
                    state: CursorState::new(self.inner.clone()),
                }
            }
        }

        // What `convert::Js` of the facade's page serializes as.
        /// One page of a list.
        #[napi(object)]
        pub struct $page {
            /// The items of this page.
            pub items: Vec<$item>,
            /// Where this page sits.
            pub meta: PageMeta,
        }

        /// An iteration over every item of a list (what `for await` drives).
        #[napi]
        pub struct $cursor {
            state: Arc<Mutex<CursorState<$facade_item, $item>>>,
        }

        #[napi]
        impl $cursor {
            /// The next item, taking the next page when needed.
            #[napi(ts_return_type = $next_ts)]
            pub fn next<'env>(
                &self,
                env: &'env Env,
            ) -> napi::Result<PromiseRaw<'env, Object<'env>>> {
                next_result(env, &self.state)
            }

            /// End the iteration (what `break` calls); a request in flight is cancelled.
            #[napi(
                js_name = "return",
                ts_return_type = "Promise<IteratorResult<never, undefined>>"
            )]
            pub fn finish<'env>(
                &self,
                env: &'env Env,
            ) -> napi::Result<PromiseRaw<'env, Object<'env>>> {
                finish(env, &self.state, CursorState::end)
            }

            /// A cursor is its own async iterator.
            #[napi(well_known_symbol = "asyncIterator")]
            pub fn iter<'a>(&self, this: This<'a>) -> This<'a> {
                this
            }
        }

        /// An iteration over every page of a list (`pager.pages()`).
        #[napi]
        pub struct $pages {
            source: Arc<Mutex<PageSource<$facade_item>>>,
        }

        #[napi]
        impl $pages {
            /// The next page.
            #[napi(ts_return_type = $next_page_ts)]
            pub fn next<'env>(
                &self,
                env: &'env Env,
            ) -> napi::Result<PromiseRaw<'env, Object<'env>>> {
                next_page(env, &self.source, fused)
            }

            /// End the iteration (what `break` calls); a request in flight is cancelled.
            #[napi(
                js_name = "return",
                ts_return_type = "Promise<IteratorResult<never, undefined>>"
            )]
            pub fn finish<'env>(
                &self,
                env: &'env Env,
            ) -> napi::Result<PromiseRaw<'env, Object<'env>>> {
                finish(env, &self.source, PageSource::end)
            }

            /// A page cursor is its own async iterator.
            #[napi(well_known_symbol = "asyncIterator")]
            pub fn iter<'a>(&self, this: This<'a>) -> This<'a> {
                this
            }
        }
    };
}

pager!(
    #[doc = "Enterprises, paged: `for await (const e of client.enterprises.list())`."]
    EnterprisePager, EnterpriseCursor, EnterprisePages, EnterprisePage,
    facade::Enterprise => Enterprise,
    "Promise<IteratorResult<Enterprise, undefined>>",
    "Promise<IteratorResult<EnterprisePage, undefined>>"
);
pager!(
    #[doc = "Monitored numbers, paged: `for await (const n of rep.numbers.list({ pageSize: 250 }))`."]
    NumberPager, NumberCursor, NumberPages, NumberPage,
    facade::ReputationNumber => ReputationNumber,
    "Promise<IteratorResult<ReputationNumber, undefined>>",
    "Promise<IteratorResult<NumberPage, undefined>>"
);
pager!(
    #[doc = "Remediation requests, paged."]
    RemediationPager, RemediationCursor, RemediationPages, RemediationPage,
    facade::RemediationSummary => RemediationSummary,
    "Promise<IteratorResult<RemediationSummary, undefined>>",
    "Promise<IteratorResult<RemediationPage, undefined>>"
);
pager!(
    #[doc = "Terms-of-service agreements, paged."]
    AgreementPager, AgreementCursor, AgreementPages, AgreementPage,
    facade::TosAgreement => TosAgreement,
    "Promise<IteratorResult<TosAgreement, undefined>>",
    "Promise<IteratorResult<AgreementPage, undefined>>"
);
