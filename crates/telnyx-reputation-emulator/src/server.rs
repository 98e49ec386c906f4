//! Starting and stopping the emulator: the builder, the running handle, and the accept loop
//! (hyper HTTP/1.1 with graceful shutdown, and the connection drop used by
//! `drop_connection` faults). Request handling itself is the router's.

use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt;

use crate::admin_guard::{AdminToken, Policy};
use crate::config::{ApprovalDelay, Config};
use crate::gateway::DropConnection;
use crate::routes::router_with;
use crate::state::AppState;
use crate::webhooks::WebhookSettings;

/// How long shutdown waits for in-flight requests before closing connections anyway.
const GRACE: Duration = Duration::from_secs(5);

/// Entry point: `Emulator::builder()...start().await`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: 127.0.0.1, port 4010, approval delay 2 s, seed 0.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Settings for a new emulator.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    host: String,
    port: u16,
    config: Config,
    webhook_secret: Option<[u8; 32]>,
    webhook_allow_hosts: Vec<String>,
    state_file: Option<std::path::PathBuf>,
    fixtures: Option<std::path::PathBuf>,
    policy: Policy,
    header_read_timeout: Duration,
}

/// Default time a client has to send a complete request head before the connection is closed.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_string(),
            port: 4010,
            config: Config::default(),
            webhook_secret: None,
            webhook_allow_hosts: Vec::new(),
            state_file: None,
            fixtures: None,
            policy: Policy::default(),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        }
    }
}

impl EmulatorBuilder {
    /// Address to bind (default `127.0.0.1`).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// Port to bind; `0` picks a free one (default 4010).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// How long reviews and remediation take, or `Manual`.
    pub fn approval_delay(mut self, delay: ApprovalDelay) -> Self {
        self.config.approval_delay = delay;
        self
    }

    /// Seed for reputation data and ids.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// How the numbers' reputation drifts (default [`crate::Drift::PerCheck`]; see the
    /// README's "Drift model").
    pub fn drift(mut self, drift: crate::Drift) -> Self {
        self.config.drift = drift;
        self
    }

    /// Per-enterprise limit on `POST .../numbers/refresh` (default 60 per minute); `None`
    /// lifts it.
    pub fn refresh_limit(mut self, limit: Option<crate::config::RateLimit>) -> Self {
        self.config.refresh_limit = limit;
        self
    }

    /// Sign webhooks with this 32-byte Ed25519 secret instead of the one derived from the
    /// seed.
    pub fn webhook_key(mut self, secret: [u8; 32]) -> Self {
        self.webhook_secret = Some(secret);
        self
    }

    /// Also deliver webhooks to this host (besides loopback, which is always allowed).
    pub fn webhook_allow_host(mut self, host: impl Into<String>) -> Self {
        self.webhook_allow_hosts
            .push(host.into().to_ascii_lowercase());
        self
    }

    /// Keep the state in this file: load it at start if it exists, save it atomically after
    /// changes and at shutdown.
    pub fn state_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Require this token (header `X-Emulator-Admin-Token`) on every `/_emulator/*` call.
    /// Without one, the emulator refuses to listen on a non-loopback address.
    pub fn admin_token(mut self, token: AdminToken) -> Self {
        self.policy.admin_token = Some(token);
        self
    }

    /// Also answer admin calls addressed (`Host`) to this name; loopback names always are.
    pub fn admin_allow_host(mut self, host: impl Into<String>) -> Self {
        self.policy
            .admin_allow_hosts
            .push(host.into().trim().to_ascii_lowercase());
        self
    }

    /// Hold at most this many accounts at once (default 10,000); requests with a new API key
    /// past it are refused with a 403 until an account is reset.
    pub fn max_accounts(mut self, max: usize) -> Self {
        self.policy.max_accounts = max;
        self
    }

    /// Close a connection whose request head is not complete this long after it started
    /// (default 10 s).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Load this fixture scenario (JSON, or YAML when it ends `.yaml`/`.yml`; see the README's
    /// "Fixture files") at start, as the account its `api_key` names; a start with a refused
    /// file fails, naming step and field.
    pub fn fixtures(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.fixtures = Some(path.into());
        self
    }

    /// Bind and start serving in the background of the current tokio runtime. Fails with
    /// `InvalidInput` for a non-loopback address without an admin token.
    pub async fn start(self) -> io::Result<RunningEmulator> {
        // Decided before binding, so a refused address is never opened, not even briefly.
        if self.policy.admin_token.is_none() {
            let addrs = tokio::net::lookup_host((self.host.as_str(), self.port)).await?;
            if let Some(open) = addrs.into_iter().find(|a| !a.ip().is_loopback()) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "refusing to listen on {open} without an admin token (--admin-token or TELNYX_EMULATOR_ADMIN_TOKEN): anyone who can reach a non-loopback address could reset the state or read the request journal through /_emulator"
                    ),
                ));
            }
        }
        let listener = TcpListener::bind((self.host.as_str(), self.port)).await?;
        let addr = listener.local_addr()?;
        let mut webhooks = match self.webhook_secret {
            Some(secret) => WebhookSettings::from_secret(secret),
            None => WebhookSettings::from_seed(self.config.seed),
        };
        webhooks.allow_hosts = self.webhook_allow_hosts;
        let state = match self.state_file {
            Some(path) => AppState::persisted(self.config, webhooks, path)?,
            None => AppState::with_webhooks(self.config, webhooks),
        };
        if let Some(path) = &self.fixtures {
            load_fixture_file(&state, path).await?;
        }
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(background(state.clone(), stopped.clone()));
        if state.state_file().is_some() {
            tokio::spawn(persister(state.clone(), stopped.clone()));
        }
        let app = router_with(state.clone(), self.policy);
        let task = tokio::spawn(serve(listener, app, self.header_read_timeout, stopped));
        Ok(RunningEmulator {
            addr,
            state,
            stop,
            task: Some(task),
        })
    }
}

/// Load a `--fixtures` file (JSON, or YAML when it ends `.yaml`/`.yml`) into `state`;
/// errors read `FILE: POINTER: message` (`FILE:LINE: …` when the text cannot be read).
async fn load_fixture_file(state: &AppState, path: &std::path::Path) -> io::Result<()> {
    let shown = path.display();
    let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
    let text = std::fs::read_to_string(path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{shown}: cannot read the fixture file: {e}"),
        )
    })?;
    let format = crate::fixtures::Format::of_path(path);
    let value = crate::fixtures::read(&text, format).map_err(|e| match e.line {
        Some(line) => invalid(format!("{shown}:{line}: {e}")),
        None => invalid(format!("{shown}: {e}")),
    })?;
    let refused = |e: crate::error::ApiError| {
        let lines: Vec<String> = e
            .items
            .iter()
            .map(|item| {
                let pointer = match &item.source {
                    Some(crate::error::Source::Pointer(p) | crate::error::Source::Parameter(p)) => {
                        p.as_str()
                    }
                    None => "",
                };
                format!("{shown}: {pointer}: {}", item.detail)
            })
            .collect();
        invalid(lines.join("\n"))
    };
    let scenario = crate::fixtures::parse(&value).map_err(refused)?;
    let Some(key) = scenario.api_key.clone() else {
        return Err(invalid(format!(
            "{shown}: /api_key: a fixture file loaded at start must name its account with api_key"
        )));
    };
    crate::fixtures::load(state, &key, &scenario, crate::routes::router)
        .await
        .map_err(refused)?;
    Ok(())
}

/// A started emulator. Dropping it stops the server (without waiting); prefer `shutdown`.
pub struct RunningEmulator {
    addr: SocketAddr,
    state: AppState,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// API base URL, e.g. `http://127.0.0.1:4010/v2`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// Admin base URL, e.g. `http://127.0.0.1:4010/_emulator`.
    pub fn admin_url(&self) -> String {
        format!("http://{}/_emulator", self.addr)
    }

    /// The base64 Ed25519 public key webhook deliveries verify with.
    pub fn webhook_public_key(&self) -> String {
        self.state.webhooks().public_key()
    }

    /// The live state (for in-process inspection).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stop accepting, let in-flight requests finish (up to 5 s), wait for the server, and
    /// save the state file (if any) one last time.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            // A panicked or cancelled server task has nothing left to clean up.
            let _ = task.await;
        }
        if let Err(e) = self.state.save() {
            eprintln!("telnyx-reputation-emulator: could not save the state file: {e}");
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// The error that makes hyper close a connection without writing a response.
#[derive(Debug)]
struct DroppedByFault;

impl fmt::Display for DroppedByFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedByFault {}

/// How often the background task settles every account without a request (so deadlines
/// and scheduled checks fire, and their webhooks go out, while nobody calls).
const TICK: Duration = Duration::from_secs(1);

/// Settle on a timer and hand queued events to delivery tasks, until stopped.
async fn background(state: AppState, mut stopped: watch::Receiver<bool>) {
    let client = crate::webhooks::client();
    loop {
        tokio::select! {
            _ = state.queued() => {}
            _ = tokio::time::sleep(TICK) => state.settle_all(),
            _ = stopped.wait_for(|stop| *stop) => break,
        }
        let events: Vec<_> = {
            let mut world = state.world();
            let events: Vec<_> = world.deliveries.queue.drain(..).collect();
            world.deliveries.in_flight.extend(events.iter().cloned());
            events
        };
        for event in events {
            tokio::spawn(crate::delivery::deliver(
                state.clone(),
                client.clone(),
                event,
            ));
        }
    }
}

/// Save the state file shortly after changes (changes within 50 ms share one write).
async fn persister(state: AppState, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = state.changed() => {}
            _ = stopped.wait_for(|stop| *stop) => break,
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let saver = state.clone();
        let saved = tokio::task::spawn_blocking(move || saver.save()).await;
        if let Ok(Err(e)) = saved {
            eprintln!("telnyx-reputation-emulator: could not save the state file: {e}");
        }
    }
}

async fn serve(
    listener: TcpListener,
    app: Router,
    header_read_timeout: Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.wait_for(|stop| *stop) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Transient (e.g. too many open files): back off briefly and keep serving.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let app = app.clone();
            async move {
                let response = match app.oneshot(req.map(Body::new)).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                if response.extensions().get::<DropConnection>().is_some() {
                    Err(DroppedByFault)
                } else {
                    Ok(response)
                }
            }
        });
        let connection = http.serve_connection(TokioIo::new(ShapedErrors::new(stream)), service);
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            // Connection errors (client went away, dropped by a fault) end only this connection.
            let _ = watched.await;
        });
    }
    drop(listener);
    // Past the grace period the remaining connections are simply abandoned.
    let _ = tokio::time::timeout(GRACE, graceful.shutdown()).await;
}

/// The connection's socket, with one change on the way out: the bodiless error answers hyper
/// writes by itself when it cannot parse a request head (`400` malformed, `414` URI over
/// 65,534 bytes, `431` over 100 header fields or a head past its ~400 KiB buffer: the
/// request never reaches the router) are replaced by the same status with a Telnyx-shaped
/// JSON body. They are recognised by what only hyper sends: a `400`/`414`/`431` head with
/// `connection: close` and `content-length: 0`, written in one piece (every answer of the
/// router carries a JSON body). Everything else passes through untouched.
struct ShapedErrors<T> {
    inner: T,
    /// The replacement being written, how much of it is written, and the length of hyper's
    /// original write (what hyper is told was written once the replacement is out).
    replacing: Option<(Vec<u8>, usize, usize)>,
}

impl<T> ShapedErrors<T> {
    fn new(inner: T) -> Self {
        Self {
            inner,
            replacing: None,
        }
    }
}

/// The Telnyx-shaped answer to stand in for hyper's automatic one, if `head` is one.
fn shaped_parse_error(head: &[u8]) -> Option<Vec<u8>> {
    // Every answer passes through here: look at the status and the end before reading (or
    // copying) anything else.
    let status = head.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    if !matches!(status, b"400" | b"414" | b"431") || !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let status = &text[9..12];
    let lower = text.to_ascii_lowercase();
    if !lower.contains("\r\nconnection: close\r\n") || !lower.contains("\r\ncontent-length: 0\r\n")
    {
        return None;
    }
    let (title, detail) = match status {
        "400" => (
            "Bad Request",
            "The request is not well-formed HTTP/1.1 (request line or a header could not be parsed); the connection is closed.",
        ),
        "414" => (
            "URI Too Long",
            "The request URI is longer than the 65,534 bytes the emulator reads; the connection is closed.",
        ),
        "431" => (
            "Request Header Fields Too Large",
            "The request has more than 100 header fields, or its head is larger than the emulator's read buffer (about 400 KiB); the connection is closed.",
        ),
        _ => return None,
    };
    let code = StatusCode::from_bytes(status.as_bytes()).ok()?;
    let body = crate::error::ApiError::one(
        code,
        crate::error::ErrorItem::new(crate::error::codes::BAD_REQUEST, title, detail),
    )
    .body()
    .to_string();
    let status_line = text.split("\r\n").next()?;
    let date = text
        .split("\r\n")
        .find(|line| line.to_ascii_lowercase().starts_with("date:"))
        .map(|line| format!("{line}\r\n"))
        .unwrap_or_default();
    Some(
        format!(
            "{status_line}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{date}\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

impl<T: AsyncWrite + Unpin> ShapedErrors<T> {
    /// Write the pending replacement; `Ready(Ok(n))` with hyper's original length when done.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        while let Some((bytes, written, original)) = &mut self.replacing {
            if *written == bytes.len() {
                let original = *original;
                self.replacing = None;
                return Poll::Ready(Ok(original));
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                other => return other,
            }
        }
        Poll::Ready(Ok(0))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ShapedErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ShapedErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.replacing.is_none() {
            match shaped_parse_error(buf) {
                Some(replacement) => self.replacing = Some((replacement, 0, buf.len())),
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        self.poll_replacement(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.replacing.is_none() {
            let total: usize = bufs.iter().map(|b| b.len()).sum();
            let only = bufs.iter().filter(|b| !b.is_empty()).count() == 1;
            let first = bufs.iter().find(|b| !b.is_empty());
            match first.filter(|_| only).and_then(|b| shaped_parse_error(b)) {
                Some(replacement) => self.replacing = Some((replacement, 0, total)),
                None => return Pin::new(&mut self.inner).poll_write_vectored(cx, bufs),
            }
        }
        self.poll_replacement(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::shaped_parse_error;

    #[test]
    fn only_hypers_bodiless_parse_errors_are_shaped() {
        let hyper_head = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: Tue, 01 Dec 2026 12:00:00 GMT\r\n\r\n";
        let shaped = shaped_parse_error(hyper_head).expect("shaped");
        let text = String::from_utf8(shaped).expect("utf8");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        assert!(head.starts_with("HTTP/1.1 431 "));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert!(head.contains("date: Tue, 01 Dec 2026"));
        let body: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(body["errors"][0]["code"], "10015");
        // The router's own answers always have a body; other statuses are never touched.
        for head in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 120\r\n\r\n"[..],
            b"HTTP/1.1 204 No Content\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n{}",
            b"{\"data\": []}",
        ] {
            assert!(shaped_parse_error(head).is_none());
        }
    }
}
