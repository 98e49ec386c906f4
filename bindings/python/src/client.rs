//! `Client` (blocking) and `AsyncClient` (asyncio): configuration, the entry points to every
//! resource, and [`Shared::finish`], the one place a facade future becomes a Python result.
//!
//! Fork safety: the facade client (its connection pool) belongs to the process that built
//! it, so [`Shared::api`] rebuilds it from the kept builder when the process id changed.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use serde::Serialize;
use telnyx_reputation::{
    BillableRequest, Client as Api, ClientBuilder, ClientOptions, Error, PriceTable, RawResponse,
    RequestOptions, Usage, Usd, with_raw_response,
};

use crate::convert::Json;
use crate::resources::{AccountNumbers, Documents, Enterprises, Reputation, TermsOfService};
use crate::{error, runtime};

/// Whether calls block (GIL released) or return coroutines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `Client`.
    Blocking,
    /// `AsyncClient`.
    Async,
}

/// How a call's result becomes the Python value returned.
#[derive(Debug, Clone, Copy)]
pub enum Build {
    /// As is (`None`, bytes, native models, plain values).
    Plain,
    /// `models.<name>._from_api(value)`, for the Python-side models (`Usage`).
    Model(&'static str),
    /// `models.Page._from_parts((items, meta, has_next))`.
    Page,
}

/// What every resource handle of one client holds: the client's state, and whether the
/// handle is a `with_raw_response` one (its calls return `RawResponse`).
pub struct Shared {
    state: Arc<State>,
    raw: bool,
}

struct State {
    builder: ClientBuilder,
    mode: Mode,
    api: Mutex<(u32, Api)>,
}

/// The keyword arguments every call takes for what the SDK does not model yet.
const EXTRAS: [&str; 3] = ["extra_headers", "extra_query", "extra_body"];

impl Shared {
    /// Whether this client's calls block or return coroutines.
    pub fn mode(&self) -> Mode {
        self.state.mode
    }

    /// Whether calls return `RawResponse` (a `with_raw_response` handle).
    pub fn is_raw(&self) -> bool {
        self.raw
    }

    /// The same client, its calls returning `RawResponse`.
    pub fn raw_twin(&self) -> Arc<Shared> {
        Arc::new(Shared {
            state: Arc::clone(&self.state),
            raw: true,
        })
    }

    /// The facade client of this process.
    pub fn api(&self) -> PyResult<Api> {
        let pid = std::process::id();
        let mut slot = self
            .state
            .api
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if slot.0 != pid {
            *slot = (pid, error::map(self.state.builder.clone().build())?);
        }
        Ok(slot.1.clone())
    }

    /// The facade client sending a call's `extra_headers` / `extra_query` / `extra_body`
    /// keywords (`extras`, the call's `**extras`): read into the facade's `RequestOptions`,
    /// which names a value of the wrong type; another keyword is a `TypeError`.
    pub fn api_with(&self, method: &str, extras: Option<&Bound<'_, PyDict>>) -> PyResult<Api> {
        let api = self.api()?;
        let Some(extras) = extras.filter(|e| !e.is_empty()) else {
            return Ok(api);
        };
        let given = PyDict::new(extras.py());
        for (name, value) in extras.iter() {
            let key: String = name.extract()?;
            if !EXTRAS.contains(&key.as_str()) {
                return Err(PyTypeError::new_err(format!(
                    "{method}() got an unexpected keyword argument '{key}'"
                )));
            }
            if !value.is_none() {
                given.set_item(key, value)?;
            }
        }
        let options = error::map(RequestOptions::from_json(crate::convert::to_value(
            given.as_any(),
        )?))?;
        Ok(api.with_request_options(options))
    }

    /// Run a facade call the way this client waits, converting its result through serde.
    pub fn finish<'py, T, F>(
        &self,
        py: Python<'py>,
        call: F,
        build: Build,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        T: Serialize + Send + 'static,
        F: Future<Output = Result<T, Error>> + Send + 'static,
    {
        if self.raw {
            let call = async move { raw_parts(with_raw_response(call).await, |v| Json::of(&v)) };
            return self.finish_build(py, call, build, true);
        }
        self.finish_raw(py, async move { Json::of(&error::map(call.await)?) }, build)
    }

    /// Run a facade call whose result becomes the native model class `N` (no JSON hop).
    pub fn finish_as<'py, N, T, F>(&self, py: Python<'py>, call: F) -> PyResult<Bound<'py, PyAny>>
    where
        T: Send + 'static,
        N: From<T> + for<'a> IntoPyObject<'a> + Send + 'static,
        F: Future<Output = Result<T, Error>> + Send + 'static,
    {
        if self.raw {
            let call = async move { raw_parts(with_raw_response(call).await, |v| Ok(N::from(v))) };
            return self.finish_build(py, call, Build::Plain, true);
        }
        self.finish_raw(
            py,
            async move { error::map(call.await).map(N::from) },
            Build::Plain,
        )
    }

    /// [`Shared::finish_as`] for a call returning a list.
    pub fn finish_list<'py, N, T, F>(&self, py: Python<'py>, call: F) -> PyResult<Bound<'py, PyAny>>
    where
        T: Send + 'static,
        N: From<T> + for<'a> IntoPyObject<'a> + Send + 'static,
        F: Future<Output = Result<Vec<T>, Error>> + Send + 'static,
    {
        let convert = |items: Vec<T>| items.into_iter().map(N::from).collect::<Vec<N>>();
        if self.raw {
            let call = async move { raw_parts(with_raw_response(call).await, |v| Ok(convert(v))) };
            return self.finish_build(py, call, Build::Plain, true);
        }
        let call = async move { error::map(call.await).map(convert) };
        self.finish_raw(py, call, Build::Plain)
    }

    /// A list: a pager (`_paging.Pager` / `AsyncPager`); on a `with_raw_response` handle,
    /// the first page as a `RawResponse[Page]` (as the official SDKs' raw lists).
    pub fn list<'py, T, N>(
        self: &Arc<Self>,
        py: Python<'py>,
        pager: telnyx_reputation::Pager<T>,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        T: Send + 'static,
        N: From<T> + for<'a> IntoPyObject<'a> + Send + 'static,
    {
        if self.raw {
            let call = async move {
                raw_parts(with_raw_response(pager.first_page()).await, |page| {
                    Ok(crate::pager::PageParts::new::<T, N>(page))
                })
            };
            return self.finish_build(py, call, Build::Page, true);
        }
        let native = crate::pager::Pager::new::<T, N>(Arc::clone(self), pager);
        self.pager(py, native)
    }

    /// Like [`Shared::finish`] for a future already producing a Python-convertible value
    /// (never a `RawResponse`: the raw calls go through `finish_build`).
    pub fn finish_raw<'py, T, F>(
        &self,
        py: Python<'py>,
        call: F,
        build: Build,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        T: for<'a> IntoPyObject<'a> + Send + 'static,
        F: Future<Output = PyResult<T>> + Send + 'static,
    {
        self.finish_build(py, call, build, false)
    }

    /// Run `call` and build its value; with `raw`, the value is a [`RawParts`] and becomes a
    /// `RawResponse` around the built value.
    fn finish_build<'py, T, F>(
        &self,
        py: Python<'py>,
        call: F,
        build: Build,
        raw: bool,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        T: for<'a> IntoPyObject<'a> + Send + 'static,
        F: Future<Output = PyResult<T>> + Send + 'static,
    {
        let mut build = builder(py, build)?;
        if raw {
            static WRAP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
            let wrap = WRAP.import(py, "telnyx_reputation._raw", "wrap")?;
            build = Some(wrap.call1((build,))?);
        }
        match self.state.mode {
            Mode::Blocking => {
                let value = runtime::block_on(py, call)?.into_bound_py_any(py)?;
                match build {
                    Some(build) => build.call1((value,)),
                    None => Ok(value),
                }
            }
            Mode::Async => runtime::coroutine(py, call, build),
        }
    }

    /// `telnyx_reputation._paging.Pager` or `AsyncPager` around a native pager.
    pub fn pager<'py>(
        &self,
        py: Python<'py>,
        native: crate::pager::Pager,
    ) -> PyResult<Bound<'py, PyAny>> {
        static PAGING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let class = match self.mode() {
            Mode::Blocking => "Pager",
            Mode::Async => "AsyncPager",
        };
        PAGING
            .import(py, "telnyx_reputation", "_paging")?
            .getattr(class)?
            .call1((native,))
    }
}

/// A call's answer as the native side hands it to `_raw.wrap`: `(status, headers, value)`,
/// the headers as `(name, value)` pairs in order.
pub struct RawParts<N> {
    status: u16,
    headers: Vec<(String, String)>,
    value: N,
}

impl<'py, N: IntoPyObject<'py>> IntoPyObject<'py> for RawParts<N> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = self.value.into_bound_py_any(py)?;
        Ok((self.status, self.headers, value)
            .into_pyobject(py)?
            .into_any())
    }
}

/// A facade raw answer with its value converted by `convert`.
fn raw_parts<T, N>(
    raw: Result<RawResponse<T>, Error>,
    convert: impl FnOnce(T) -> PyResult<N>,
) -> PyResult<RawParts<N>> {
    let raw = error::map(raw)?;
    let status = raw.status();
    let headers = raw
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    Ok(RawParts {
        status,
        headers,
        value: convert(raw.into_inner())?,
    })
}

/// The Python callable that finishes a result, if any.
fn builder<'py>(py: Python<'py>, build: Build) -> PyResult<Option<Bound<'py, PyAny>>> {
    static MODELS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let models = || MODELS.import(py, "telnyx_reputation", "models");
    Ok(Some(match build {
        Build::Plain => return Ok(None),
        Build::Model(name) => models()?.getattr(name)?.getattr("_from_api")?,
        Build::Page => models()?.getattr("Page")?.getattr("_from_parts")?,
    }))
}

/// Seconds (a Python float) as a `Duration`; negative or not finite is invalid input.
pub fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        Python::attach(|py| {
            error::to_py(
                py,
                &Error::invalid_input(format!("{name}: {value} is not a number of seconds")),
            )
        })
    })
}

/// Build the configuration: the keyword arguments, deserialized into the facade's
/// `ClientOptions` (names, types and the unknown-keyword check live there), over the
/// environment the way the facade's `Client::from_env` reads it, over the facade's defaults.
fn configure(
    mode: Mode,
    options: Option<&Bound<'_, PyDict>>,
    on_billable: Option<Py<PyAny>>,
) -> PyResult<Arc<Shared>> {
    let options = match options {
        Some(options) => error::map(ClientOptions::from_json(crate::convert::to_value(options)?))?,
        None => ClientOptions::default(),
    };
    // Seeded from TELNYX_API_KEY / TELNYX_BASE_URL; keyword arguments override them.
    let mut builder = ClientBuilder::from_env()
        .user_agent(concat!(
            "telnyx-reputation-python/",
            env!("CARGO_PKG_VERSION")
        ))
        .with_options(options);
    if let Some(hook) = on_billable {
        builder = builder.on_billable(move |request| call_hook(&hook, request));
    }
    let api = error::map(builder.clone().build())?;
    Ok(Arc::new(Shared {
        state: Arc::new(State {
            builder,
            mode,
            api: Mutex::new((std::process::id(), api)),
        }),
        raw: false,
    }))
}

/// Call the Python `on_billable` hook with the request as a dict: `False` or an exception
/// refuses the request (the exception's text is the reason); anything else allows it.
fn call_hook(hook: &Py<PyAny>, request: &BillableRequest) -> Result<(), String> {
    Python::attach(|py| {
        let verdict = (|| -> PyResult<bool> {
            let info = pyo3::types::PyDict::new(py);
            info.set_item("operation", request.operation)?;
            info.set_item("action", request.action.as_str())?;
            info.set_item("method", request.method)?;
            info.set_item("path", request.path)?;
            info.set_item("units", request.units)?;
            let answer = hook.bind(py).call1((info,))?;
            let refused = answer.is_instance_of::<pyo3::types::PyBool>() && !answer.is_truthy()?;
            Ok(!refused)
        })();
        match verdict {
            Ok(true) => Ok(()),
            Ok(false) => Err("on_billable returned False".to_owned()),
            Err(e) => Err(format!("on_billable raised {e}")),
        }
    })
}

/// The facade's usage as the dict `models.Usage._from_api` reads; dollars as decimal
/// strings (`models` makes them `Decimal`), an unknown price as `None`.
fn usage_json(usage: &Usage) -> serde_json::Value {
    let actions: serde_json::Map<String, serde_json::Value> = usage
        .actions
        .iter()
        .map(|(action, u)| {
            (
                action.as_str().to_owned(),
                serde_json::json!({
                    "requests": u.requests,
                    "units": u.units,
                    "usd": u.usd.map(Usd::to_decimal),
                }),
            )
        })
        .collect();
    serde_json::json!({
        "total_requests": usage.total_requests,
        "total_units": usage.total_units,
        "usd": usage.usd,
        "actions": actions,
    })
}

/// A price table as a list of `models.Price`.
pub fn prices_list<'py>(py: Python<'py>, table: &PriceTable) -> PyResult<Bound<'py, PyAny>> {
    static MODELS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let value = Json::of(table)?.into_pyobject(py)?;
    MODELS
        .import(py, "telnyx_reputation", "models")?
        .getattr("Price")?
        .getattr("_list")?
        .call1((value,))
}

/// The published price table (`telnyx_reputation.PRICES`), as `models.Price` rows.
#[pyfunction]
pub fn published_prices(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    prices_list(py, &PriceTable::default())
}

/// An amount of dollars as a Python `Decimal` (exact, unlike a float).
fn decimal(py: Python<'_>, usd: Usd) -> PyResult<Bound<'_, PyAny>> {
    static DECIMAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    DECIMAL
        .import(py, "decimal", "Decimal")?
        .call1((usd.to_decimal(),))
}

/// `Client` and `AsyncClient` differ only in [`Mode`]; one macro keeps them identical.
macro_rules! client_class {
    ($name:ident, $mode:expr, $doc:literal) => {
        #[doc = $doc]
        #[pyclass(module = "telnyx_reputation._native", frozen)]
        pub struct $name {
            shared: Arc<Shared>,
        }

        #[pymethods]
        impl $name {
            /// Keyword options: those of the facade's `ClientOptions` (`api_key`, `base_url`,
            /// `timeout`, `max_retries`, `retry_cap`, `retry_deadline`, `user_agent`,
            /// `allow_insecure_http`, `max_billable`, `max_spend`, `prices`; times in seconds) and `on_billable`.
            #[new]
            #[pyo3(signature = (*, on_billable=None, **options))]
            fn new(
                on_billable: Option<Py<PyAny>>,
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Self> {
                let shared = configure($mode, options, on_billable)?;
                Ok(Self { shared })
            }

            /// The base URL requests go to.
            #[getter]
            fn base_url(&self) -> PyResult<String> {
                Ok(self.shared.api()?.base_url().to_owned())
            }

            /// Billable requests sent so far, per action (`models.Usage`).
            fn usage<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let usage = self.shared.api()?.usage();
                let value = Json(usage_json(&usage)).into_pyobject(py)?;
                builder(py, Build::Model("Usage"))?
                    .expect("a model builder")
                    .call1((value,))
            }

            /// The `max_billable` budget, if any.
            #[getter]
            fn max_billable(&self) -> PyResult<Option<u64>> {
                Ok(self.shared.api()?.max_billable())
            }

            /// Billable requests the `max_billable` budget still allows, if one was set.
            #[getter]
            fn remaining_billable(&self) -> PyResult<Option<u64>> {
                Ok(self.shared.api()?.remaining_billable())
            }

            /// The `max_spend` budget in US dollars (`Decimal`), if one was set.
            #[getter]
            fn max_spend<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
                self.shared
                    .api()?
                    .max_spend()
                    .map(|usd| decimal(py, usd))
                    .transpose()
            }

            /// Dollars (`Decimal`) the `max_spend` budget still allows, if one was set.
            #[getter]
            fn remaining_spend<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
                self.shared
                    .api()?
                    .remaining_spend()
                    .map(|usd| decimal(py, usd))
                    .transpose()
            }

            /// The prices this client counts with (`list[models.Price]`): the published
            /// table unless overridden with `prices=`.
            #[getter]
            fn prices<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                prices_list(py, self.shared.api()?.prices())
            }

            /// Terms of service: agree, status, info, agreements.
            #[getter]
            fn terms_of_service<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                TermsOfService::new(self.shared.clone()).into_handle(py, $mode)
            }

            /// Enterprises: create, list, get, replace, delete.
            #[getter]
            fn enterprises<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Enterprises::new(self.shared.clone()).into_handle(py, $mode)
            }

            /// Documents: upload.
            #[getter]
            fn documents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Documents::new(self.shared.clone()).into_handle(py, $mode)
            }

            /// Monitored numbers across every enterprise of the account.
            #[getter]
            fn numbers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                AccountNumbers::new(self.shared.clone()).into_handle(py, $mode)
            }

            /// Number Reputation of one enterprise (a handle; nothing is sent).
            fn reputation<'py>(
                &self,
                py: Python<'py>,
                enterprise_id: String,
            ) -> PyResult<Bound<'py, PyAny>> {
                Reputation::new(self.shared.clone(), enterprise_id).into_handle(py, $mode)
            }

            fn __repr__(&self) -> PyResult<String> {
                // The facade's Debug redacts the API key.
                Ok(format!("{}({:?})", stringify!($name), self.shared.api()?))
            }
        }
    };
}

client_class!(
    Client,
    Mode::Blocking,
    "The blocking client. Calls release the GIL while they wait. Options default to the \
     environment (`TELNYX_API_KEY`, `TELNYX_BASE_URL`), then the facade's defaults."
);
client_class!(
    AsyncClient,
    Mode::Async,
    "The asyncio client: every call returns a coroutine. Same options as `Client`."
);
