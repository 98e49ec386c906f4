//! The native side of a list: one configured facade `Pager`, fetched a page at a time.
//! Iteration (`for`, `async for`) is `telnyx_reputation/_paging.py`, which stops where the
//! facade's `Page::has_next` says.

use std::sync::Arc;

use futures::future::BoxFuture;
use pyo3::prelude::*;
use serde::Serialize;
use telnyx_reputation::Pager as FacadePager;

use crate::client::{Build, Shared};
use crate::convert::Json;
use crate::error;

type FetchPage = Arc<dyn Fn(u64) -> BoxFuture<'static, PyResult<Json>> + Send + Sync>;

/// A configured list endpoint.
#[pyclass(module = "telnyx_reputation._native", frozen)]
pub struct Pager {
    shared: Arc<Shared>,
    fetch: FetchPage,
    model: &'static str,
}

impl Pager {
    /// Wrap a facade pager whose items become `models.<model>`.
    pub fn new<T>(shared: Arc<Shared>, pager: FacadePager<T>, model: &'static str) -> Self
    where
        T: Serialize + Send + 'static,
    {
        let fetch: FetchPage = Arc::new(move |number| {
            let pager = pager.clone();
            Box::pin(async move {
                let page = error::map(pager.fetch_page(number).await)?;
                let has_next = page.has_next();
                let mut value = Json::of(&page)?;
                value.0["has_next"] = has_next.into();
                Ok(value)
            })
        });
        Pager {
            shared,
            fetch,
            model,
        }
    }
}

#[pymethods]
impl Pager {
    /// Page `number` (1-based) as a `models.Page`; blocking or a coroutine per the client.
    fn fetch_page<'py>(&self, py: Python<'py>, number: u64) -> PyResult<Bound<'py, PyAny>> {
        self.shared
            .finish_raw(py, (self.fetch)(number), Build::Page(self.model))
    }
}
