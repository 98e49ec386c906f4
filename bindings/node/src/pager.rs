//! Paged lists: `list()` returns a pager (no I/O) that is async-iterable over every item
//! across pages (`for await (const n of rep.numbers.list({ pageSize: 250 }))`) and offers
//! `firstPage()` with its `meta`. One pager and cursor class per item type, made by
//! `pager!` because napi classes cannot be generic; paging itself is the facade's `Pager`.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use napi::bindgen_prelude::{Env, Object, PromiseRaw, This};
use napi_derive::napi;
use telnyx_reputation as facade;
use tokio::sync::Mutex;

use crate::convert::{convert, convert_all};
use crate::models::{Enterprise, PageMeta, RemediationSummary, ReputationNumber, TosAgreement};
use crate::promise;

/// The facade's item stream, shared by a cursor's successive `next()` calls.
type ItemStream<T> = Arc<Mutex<Pin<Box<dyn Stream<Item = Result<T, facade::Error>> + Send>>>>;

/// A facade pager, or the input problem found while building it (reported on first use).
type Built<T> = Result<facade::Pager<T>, facade::Error>;

/// The `{ value, done }` object of the async-iterator protocol.
fn iterator_result<'env, V: napi::bindgen_prelude::ToNapiValue>(
    env: &'env Env,
    item: Option<V>,
) -> napi::Result<Object<'env>> {
    let mut object = Object::new(env)?;
    object.set("done", item.is_none())?;
    object.set("value", item)?;
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
                        items: convert_all(&page.items)?,
                        meta: convert(&page.meta)?,
                    })
                })
            }

            /// Iterate every item across pages, fetching each page as it is needed.
            #[napi(well_known_symbol = "asyncIterator")]
            pub fn iter(&self) -> $cursor {
                let stream = match self.inner.clone() {
                    Ok(pager) => pager.stream().boxed(),
                    Err(problem) => futures::stream::once(async move { Err(problem) }).boxed(),
                };
                $cursor {
                    stream: Arc::new(Mutex::new(stream)),
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
            stream: ItemStream<$facade_item>,
        }

        #[napi]
        impl $cursor {
            /// The next item, fetching the next page when needed.
            #[napi(ts_return_type = $next_ts)]
            pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Object<'env>>> {
                let stream = Arc::clone(&self.stream);
                let next = async move { stream.lock().await.next().await.transpose() };
                env.spawn_future_with_callback(async move { Ok(next.await) }, |env, result| {
                    let item = result
                        .and_then(|item| item.as_ref().map(convert::<_, $item>).transpose())
                        .map_err(|e| crate::error::to_js(env, &e))?;
                    iterator_result(env, item)
                })
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
