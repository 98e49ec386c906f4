//! Paged lists: `list()` returns a pager (no I/O) that is async-iterable over every item
//! across pages (`for await (const n of rep.numbers.list({ pageSize: 250 }))`) and offers
//! `firstPage()` with its `meta`. One pager and cursor class per item type, made by
//! `pager!` because napi classes cannot be generic; paging itself is the facade's `Pager`.
//!
//! A cursor works a page at a time: one trip to the runtime fetches a page (`fetch_page`,
//! stopping where the facade's `has_next` says) and converts its items there; the following
//! `next()` calls resolve from that buffer without leaving the JavaScript thread.

use std::collections::VecDeque;
use std::sync::Arc;

use napi::bindgen_prelude::{Env, Object, PromiseRaw, This, ToNapiValue};
use napi_derive::napi;
use telnyx_reputation as facade;
use tokio::sync::Mutex;

use crate::convert::{convert, convert_all};
use crate::models::{Enterprise, PageMeta, RemediationSummary, ReputationNumber, TosAgreement};
use crate::promise;

/// A facade pager, or the input problem found while building it (reported on first use).
type Built<T> = Result<facade::Pager<T>, facade::Error>;

/// Where a cursor is: the pager, the next page to fetch (`None` once done or failed) and
/// the converted items of the current page not yet handed out.
struct CursorState<T, J> {
    pager: Built<T>,
    next_page: Option<u64>,
    buffer: VecDeque<J>,
}

impl<T, J> CursorState<T, J>
where
    T: Send + 'static,
    J: From<T>,
{
    fn new(pager: Built<T>) -> Arc<Mutex<Self>> {
        Arc::new(Mutex::new(CursorState {
            pager,
            next_page: Some(1),
            buffer: VecDeque::new(),
        }))
    }

    /// The next item, fetching pages until one has items or the list ends. An error ends
    /// the iteration, like the facade's `stream()`.
    async fn next(&mut self) -> Result<Option<J>, facade::Error> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            let Some(number) = self.next_page.take() else {
                return Ok(None);
            };
            let pager = self.pager.as_ref().map_err(Clone::clone)?;
            let page = pager.fetch_page(number).await?;
            self.next_page = page.has_next().then_some(number + 1);
            let items = convert_all(page.items)?;
            self.buffer = items.into();
        }
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

macro_rules! pager {
    (
        $(#[$doc:meta])*
        $pager:ident, $cursor:ident, $page:ident,
        $facade_item:ty => $item:ident,
        $next_ts:literal
    ) => {
        $(#[$doc])*
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
            pub fn first_page<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, $page>> {
                let pager = self.inner.clone();
                promise::spawn(env, async move { pager?.first_page().await }, |page| {
                    Ok($page {
                        items: convert_all(page.items)?,
                        meta: convert(page.meta)?,
                    })
                })
            }

            /// Iterate every item across pages, fetching each page as it is needed.
            #[napi(well_known_symbol = "asyncIterator")]
            pub fn iter(&self) -> $cursor {
                $cursor {
                    state: CursorState::new(self.inner.clone()),
                }
            }
        }

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
            /// The next item, fetching the next page when needed.
            #[napi(ts_return_type = $next_ts)]
            pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Object<'env>>> {
                next_result(env, &self.state)
            }

            /// A cursor is its own async iterator.
            #[napi(well_known_symbol = "asyncIterator")]
            pub fn iter<'a>(&self, this: This<'a>) -> This<'a> {
                this
            }
        }
    };
}

pager!(
    /// Enterprises, paged: `for await (const e of client.enterprises.list())`.
    EnterprisePager, EnterpriseCursor, EnterprisePage,
    facade::Enterprise => Enterprise,
    "Promise<IteratorResult<Enterprise, undefined>>"
);
pager!(
    /// Monitored numbers, paged: `for await (const n of rep.numbers.list({ pageSize: 250 }))`.
    NumberPager, NumberCursor, NumberPage,
    facade::ReputationNumber => ReputationNumber,
    "Promise<IteratorResult<ReputationNumber, undefined>>"
);
pager!(
    /// Remediation requests, paged.
    RemediationPager, RemediationCursor, RemediationPage,
    facade::RemediationSummary => RemediationSummary,
    "Promise<IteratorResult<RemediationSummary, undefined>>"
);
pager!(
    /// Terms-of-service agreements, paged.
    AgreementPager, AgreementCursor, AgreementPage,
    facade::TosAgreement => TosAgreement,
    "Promise<IteratorResult<TosAgreement, undefined>>"
);
