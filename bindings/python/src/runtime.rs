//! The per-process tokio runtime every facade call runs on, and the two ways Python waits
//! for a call: blocking with the GIL released (`Client`) or as an asyncio coroutine
//! (`AsyncClient`). Nothing about the API lives here.
//!
//! Fork safety: a child made by `fork()` inherits the parent's runtime but none of its
//! worker threads, so the runtime is keyed by process id and rebuilt in a child. The
//! parent's copy is leaked there on purpose: dropping it would wait for threads that do
//! not exist in the child.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{self, ContextExt};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// How often a blocking call looks for Ctrl-C while it waits.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// The runtime of this process, built on first use (and again after a fork).
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    match *slot {
        Some((owner, runtime)) if owner == pid => runtime,
        _ => {
            let runtime: &'static Runtime = Box::leak(Box::new(
                tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .thread_name("telnyx-reputation")
                    .build()
                    .expect("cannot start the tokio runtime"),
            ));
            *slot = Some((pid, runtime));
            runtime
        }
    }
}

/// Run `fut` to completion with the GIL released, waking every 100 ms so Ctrl-C
/// (`KeyboardInterrupt`) cancels the call instead of being ignored until it ends.
pub fn block_on<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: Send + 'static,
{
    let mut task = runtime().spawn(fut);
    loop {
        let waited = py.detach(|| {
            runtime().block_on(async { tokio::time::timeout(SIGNAL_CHECK, &mut task).await })
        });
        match waited {
            Ok(joined) => return joined.map_err(panicked)?,
            Err(_elapsed) => {
                if let Err(interrupt) = py.check_signals() {
                    task.abort();
                    return Err(interrupt);
                }
            }
        }
    }
}

/// A coroutine that, once awaited, runs `fut` on the runtime and returns its result
/// passed through `build` (a Python callable, or `None` for the value as is).
///
/// The asyncio future is only created when the coroutine starts, inside the running
/// loop: creating it eagerly fails outside a loop (`asyncio.run(client.x())`).
pub fn coroutine<'py, F, T>(
    py: Python<'py>,
    fut: F,
    build: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let pending = Mutex::new(Some(fut));
    let start = PyCFunction::new_closure(py, None, None, move |args, _kwargs| {
        let fut = pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err("this call was already awaited")
            })?;
        generic::future_into_py::<ForkSafeRuntime, _, _>(args.py(), fut).map(Bound::unbind)
    })?;
    static RUN: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    RUN.import(py, "telnyx_reputation._awaitable", "run")?
        .call1((start, build))
}

fn panicked(error: tokio::task::JoinError) -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err(format!("telnyx-reputation task failed: {error}"))
}

/// [`runtime`] as a pyo3-async-runtimes runtime, so awaitables survive a fork too.
struct ForkSafeRuntime;

tokio::task_local! {
    static TASK_LOCALS: TaskLocals;
}

impl generic::Runtime for ForkSafeRuntime {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        runtime().spawn(fut)
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        runtime().spawn_blocking(f)
    }
}

impl ContextExt for ForkSafeRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        Box::pin(TASK_LOCALS.scope(locals, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(Clone::clone).ok()
    }
}
