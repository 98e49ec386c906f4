//! The native side of a list: one configured facade `Pager`, fetched a page at a time, its
//! items converted to the native model classes. Iteration (`for`, `async for`) is
//! `telnyx_reputation/_paging.py`, which stops where the facade's `Page::has_next` says.

use std::sync::Arc;

use futures::future::BoxFuture;
use pyo3::prelude::*;
use telnyx_reputation::Pager as FacadePager;

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

type FetchPage = Arc<dyn Fn(u64) -> BoxFuture<'static, PyResult<PageParts>> + Send + Sync>;

/// A configured list endpoint.
#[pyclass(module = "telnyx_reputation._native", frozen)]
pub struct Pager {
    shared: Arc<Shared>,
    fetch: FetchPage,
}

impl Pager {
    /// Wrap a facade pager whose items become the native class `N`.
    pub fn new<T, N>(shared: Arc<Shared>, pager: FacadePager<T>) -> Self
    where
        T: Send + 'static,
        N: From<T> + for<'a> IntoPyObject<'a> + Send + 'static,
    {
        let fetch: FetchPage = Arc::new(move |number| {
            let pager = pager.clone();
            Box::pin(async move {
                let page = error::map(pager.fetch_page(number).await)?;
                let has_next = page.has_next();
                let items: Vec<N> = page.items.into_iter().map(N::from).collect();
                let meta = models::PageMeta::from(page.meta);
                Ok(PageParts(Box::new((items, meta, has_next))))
            })
        });
        Pager { shared, fetch }
    }
}

#[pymethods]
impl Pager {
    /// Page `number` (1-based) as a `models.Page`; blocking or a coroutine per the client.
    fn fetch_page<'py>(&self, py: Python<'py>, number: u64) -> PyResult<Bound<'py, PyAny>> {
        self.shared
            .finish_raw(py, (self.fetch)(number), Build::Page)
    }
}
