//! The per-process tokio runtime every facade call runs on, and the two ways Python waits
//! for a call: blocking with the GIL released (`Client`) or as an asyncio coroutine
//! (`AsyncClient`). Nothing about the API lives here.
//!
//! Fork safety: a child made by `fork()` inherits the parent's runtime but none of its
//! worker threads, so the runtime is keyed by process id and rebuilt in a child. The
//! parent's copy is leaked there on purpose: dropping it would wait for threads that do
//! not exist in the child.
//!
//! Interpreter exit: pyo3-async-runtimes hands each result to asyncio from a blocking
//! thread holding the GIL. If the interpreter finalizes while such a thread is between
//! two GIL hand-offs, the thread is killed mid-call and CPython aborts. So every awaitable
//! is counted until its hand-off returns, and an `atexit` hook ([`drain`]) waits for the
//! count to reach zero with the GIL released.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{self, ContextExt};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// Awaitables started whose result was not yet handed to asyncio.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// The longest `drain` waits at exit (a hand-off takes microseconds).
const DRAIN_LIMIT: Duration = Duration::from_secs(5);

/// How often a blocking call looks for Ctrl-C while it waits.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// The runtime of this process, built on first use (and again after a fork).
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    match *slot {
        Some((owner, runtime)) if owner == pid => runtime,
        inherited => {
            if inherited.is_some() {
                // Hand-offs in flight in the parent never finish in this child.
                IN_FLIGHT.store(0, Ordering::SeqCst);
            }
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
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        generic::future_into_py::<ForkSafeRuntime, _, _>(args.py(), fut)
            .map(Bound::unbind)
            .inspect_err(|_| drop(HandOff))
    })?;
    static RUN: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    RUN.import(py, "telnyx_reputation._awaitable", "run")?
        .call1((start, build))
}

/// `atexit` hook: wait, without the GIL, until no result hand-off is running.
#[pyfunction]
pub fn drain(py: Python<'_>) {
    py.detach(|| {
        let started = Instant::now();
        while IN_FLIGHT.load(Ordering::SeqCst) > 0 && started.elapsed() < DRAIN_LIMIT {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// Marks one awaitable's hand-off as done when dropped (also if the hand-off panicked).
struct HandOff;

impl Drop for HandOff {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
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

    /// pyo3-async-runtimes calls this exactly once per awaitable, to hand over its result.
    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        runtime().spawn_blocking(move || {
            let _done = HandOff;
            f();
        })
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
