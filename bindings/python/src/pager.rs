//! The native side of a list: one configured facade `Pager`. `fetch_page(n)` takes one page;
//! `pages()` is the facade's page cursor (`Pager::pages`, the next page's request already in
//! flight while Python handles the current one), its items converted to the native model
//! classes on the runtime. `telnyx_reputation/_paging.py` turns both into `models.Page` and
//! the `for` / `async for` protocols; where a list ends is the facade's decision.

use std::sync::Arc;

use futures::future::BoxFuture;
use pyo3::prelude::*;
use telnyx_reputation::{Page as FacadePage, Pager as FacadePager, Pages as FacadePages};
use tokio::sync::Mutex;

use crate::client::{Build, Shared};
use crate::{error, models};

/// A fetched page as `(items, meta, has_next)`, its item type erased.
pub struct PageParts(Box<dyn ErasedParts + Send>);

trait ErasedParts {
    fn into_py<'py>(self: Box<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl<N> ErasedParts for (Vec<N>, models::PageMeta, bool)
where
    N: for<'a> IntoPyObject<'a> + Send,
{
    fn into_py<'py>(self: Box<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok((*self).into_pyobject(py)?.into_any())
    }
}

impl<'py> IntoPyObject<'py> for PageParts {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.into_py(py)
    }
}

impl PageParts {
    /// A facade page with its items converted to the native class `N`.
    pub fn new<T, N>(page: FacadePage<T>) -> Self
    where
        N: From<T> + for<'a> IntoPyObject<'a> + Send + 'static,
    {
        let has_next = page.has_next();
        let items: Vec<N> = page.items.into_iter().map(N::from).collect();
        let meta = models::PageMeta::from(page.meta);
        PageParts(Box::new((items, meta, has_next)))
    }
}

type FetchPage = Arc<dyn Fn(u64) -> BoxFuture<'static, PyResult<PageParts>> + Send + Sync>;
type StartPages = Arc<dyn Fn() -> Box<dyn NextParts> + Send + Sync>;

/// A facade page cursor whose items become the native class `N`, its item type erased.
trait NextParts: Send {
    /// The next page's parts, `None` after the last page (or after an error was raised).
    fn next(&mut self) -> BoxFuture<'_, PyResult<Option<PageParts>>>;
}

struct Cursor<T, N> {
    pages: FacadePages<T>,
    item: std::marker::PhantomData<fn() -> N>,
}

impl<T, N> NextParts for Cursor<T, N>
where
    T: Send + 'static,
    N: From<T> + for<'a> IntoPyObject<'a> + Send + 'static,
{
    fn next(&mut self) -> BoxFuture<'_, PyResult<Option<PageParts>>> {
        Box::pin(async move {
            match self.pages.next().await {
                Some(page) => Ok(Some(PageParts::new::<T, N>(error::map(page)?))),
                None => Ok(None),
            }
        })
    }
}

/// A configured list endpoint.
#[pyclass(module = "telnyx_reputation._native", frozen)]
pub struct Pager {
    shared: Arc<Shared>,
    fetch: FetchPage,
    start: StartPages,
}

impl Pager {
    /// Wrap a facade pager whose items become the native class `N`.
    pub fn new<T, N>(shared: Arc<Shared>, pager: FacadePager<T>) -> Self
    where
        T: Send + 'static,
        N: From<T> + for<'a> IntoPyObject<'a> + Send + 'static,
    {
        let fetched = pager.clone();
        let fetch: FetchPage = Arc::new(move |number| {
            let pager = fetched.clone();
            Box::pin(async move {
                let page = error::map(pager.fetch_page(number).await)?;
                Ok(PageParts::new::<T, N>(page))
            })
        });
        let start: StartPages = Arc::new(move || {
            Box::new(Cursor::<T, N> {
                pages: pager.pages(),
                item: std::marker::PhantomData,
            })
        });
        Pager {
            shared,
            fetch,
            start,
        }
    }
}

#[pymethods]
impl Pager {
    /// Page `number` (1-based) as a `models.Page`; blocking or a coroutine per the client.
    fn fetch_page<'py>(&self, py: Python<'py>, number: u64) -> PyResult<Bound<'py, PyAny>> {
        self.shared
            .finish_raw(py, (self.fetch)(number), Build::Page)
    }

    /// A new cursor over every page, from the first (no I/O until its first `next()`).
    fn pages(&self) -> PageCursor {
        PageCursor {
            shared: Arc::clone(&self.shared),
            cursor: Arc::new(Mutex::new((self.start)())),
        }
    }
}

/// The facade's page cursor: `next()` gives `(items, meta, has_next)` or `None` at the end.
/// Dropping it (the Python object is collected) cancels the request in flight.
#[pyclass(module = "telnyx_reputation._native", frozen)]
pub struct PageCursor {
    shared: Arc<Shared>,
    cursor: Arc<Mutex<Box<dyn NextParts>>>,
}

#[pymethods]
impl PageCursor {
    /// The next page's parts or `None`; blocking or a coroutine per the client. Calls made
    /// while one is still running wait for it, so pages come out in order.
    fn next<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let cursor = Arc::clone(&self.cursor);
        let call = async move { cursor.lock().await.next().await };
        self.shared.finish_raw(py, call, Build::Plain)
    }
}
