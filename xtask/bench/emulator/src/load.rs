//! The `load` workload: the release emulator binary and a bare axum handler, each in its own
//! child process on 127.0.0.1, hit by the same load generator in this process.
//!
//! The generator opens one keep-alive HTTP/1.1 connection per client (hyper's client
//! connection, no pool) and sends each client's next request as soon as the previous answer
//! is read, so `connections` is exactly the number of requests in flight. Every answer is read
//! to the end; latency is measured per request, from sending to the last body byte.

use axum::body::Body;
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::{KEY, NUMBERS};

/// Cached numbers the load walks through, in turn; a fault rule on the first one answers 1
/// request in this many.
const ROTATION: usize = 20;
/// Connection counts measured.
const CONNECTIONS: [usize; 2] = [32, 256];
/// Rounds per configuration (the targets alternate within each round).
const ROUNDS: usize = 2;

/// A child process serving on 127.0.0.1, killed when dropped.
struct Server {
    child: std::process::Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Start `command` and read the address from its first line
    /// (`listening on http://HOST:PORT[/...]`).
    fn start(mut command: Command) -> Result<Server, String> {
        let shown = format!("{command:?}");
        let mut child = command
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {shown}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("{shown}: {e}"))?;
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok());
        match addr {
            Some(addr) => Ok(Server { child, addr }),
            None => {
                let _ = child.kill();
                Err(format!("{shown} printed {line:?} instead of its address"))
            }
        }
    }

    /// CPU time the process used so far (user + system, all threads), in seconds (Linux
    /// `/proc`, clock ticks of 1/100 s).
    fn cpu_seconds(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 =
            fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
        Some(ticks / 100.0)
    }

    /// Resident set size of the process, in KiB (Linux `/proc`).
    fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

/// The emulator binary beside this one (both built into the same target directory).
pub fn sibling_emulator() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.with_file_name(format!(
        "telnyx-reputation-emulator{}",
        std::env::consts::EXE_SUFFIX
    ))
}

/// One request on a fresh connection (for seeding): status and JSON body.
async fn once(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Result<(u16, Value), String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(connection);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .header("authorization", format!("Bearer {KEY}"));
    let body = match body {
        Some(v) => {
            request = request.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let response = sender
        .send_request(request.body(body).map_err(|e| e.to_string())?)
        .await
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(Body::new(response.into_body()), usize::MAX)
        .await
        .map_err(|e| format!("{method} {path}: {e}"))?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

async fn expect(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let (status, body) = once(addr, method, path, body).await?;
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        Err(format!("{method} {path}: {status} {body}"))
    }
}

/// An approved enterprise with 10,000 numbers, every one with cached data; its id.
async fn seed(addr: SocketAddr) -> Result<String, String> {
    expect(
        addr,
        "POST",
        "/v2/terms_of_service/number_reputation/agree",
        Some(json!({})),
    )
    .await?;
    let enterprise = expect(
        addr,
        "POST",
        "/v2/enterprises",
        Some(crate::enterprise_body()),
    )
    .await?;
    let id = enterprise["data"]["id"]
        .as_str()
        .ok_or("no enterprise id")?
        .to_string();
    let doc = expect(
        addr,
        "POST",
        "/v2/documents",
        Some(json!({ "file": "JVBERi0xLjc=", "filename": "loa.pdf" })),
    )
    .await?;
    let doc = doc["data"]["id"].as_str().ok_or("no document id")?;
    expect(
        addr,
        "POST",
        &format!("/v2/enterprises/{id}/reputation"),
        Some(json!({ "loa_document_id": doc, "check_frequency": "daily" })),
    )
    .await?;
    expect(
        addr,
        "GET",
        &format!("/v2/enterprises/{id}/reputation"),
        None,
    )
    .await?;
    for batch in 0..NUMBERS / 100 {
        let numbers: Vec<String> = (0..100)
            .map(|i| crate::bench_number(batch * 100 + i))
            .collect();
        expect(
            addr,
            "POST",
            &format!("/v2/enterprises/{id}/reputation/numbers"),
            Some(json!({ "phone_numbers": numbers })),
        )
        .await?;
    }
    // One day of checks: every number carries reputation data, so every GET is cached.
    expect(
        addr,
        "POST",
        "/_emulator/clock/advance",
        Some(json!({ "seconds": 86_460 })),
    )
    .await?;
    Ok(id)
}

/// When a load run stops.
#[derive(Clone, Copy)]
enum Until {
    Elapsed(Duration),
    Requests(u64),
}

/// What one load run measured.
struct Run {
    requests: u64,
    ok: u64,
    unavailable: u64,
    failed: u64,
    seconds: f64,
    /// Server CPU time per request, in microseconds.
    cpu_us: f64,
    /// Latencies in microseconds, sorted.
    latencies: Vec<u32>,
}

impl Run {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() - 1) as f64 * p).round() as usize;
        f64::from(self.latencies[i]) / 1e3
    }

    fn to_json(&self) -> Value {
        json!({
            "requests": self.requests,
            "ok": self.ok,
            "status_503": self.unavailable,
            "failed": self.failed,
            "seconds": self.seconds,
            "rps": self.rps(),
            "p50_ms": self.percentile_ms(0.50),
            "p99_ms": self.percentile_ms(0.99),
            "server_cpu_us_per_request": self.cpu_us,
        })
    }
}

/// One client: a connection sending `paths` in turn until `until`.
async fn client(
    addr: SocketAddr,
    paths: Arc<Vec<String>>,
    auth: bool,
    until: Until,
    started: Instant,
    claimed: Arc<AtomicU64>,
    first: usize,
) -> Result<(Vec<u32>, [u64; 3]), String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(connection);
    let host = addr.to_string();
    let bearer = format!("Bearer {KEY}");
    let mut latencies = Vec::new();
    let mut counts = [0u64; 3];
    let mut i = first;
    loop {
        match until {
            Until::Elapsed(d) if started.elapsed() >= d => break,
            Until::Requests(n) if claimed.fetch_add(1, Ordering::Relaxed) >= n => break,
            _ => {}
        }
        let mut request = Request::get(paths[i % paths.len()].as_str()).header("host", &host);
        if auth {
            request = request.header("authorization", &bearer);
        }
        i += 1;
        let request = request.body(Body::empty()).map_err(|e| e.to_string())?;
        sender
            .ready()
            .await
            .map_err(|e| format!("connection: {e}"))?;
        let start = Instant::now();
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("request: {e}"))?;
        let status = response.status().as_u16();
        axum::body::to_bytes(Body::new(response.into_body()), usize::MAX)
            .await
            .map_err(|e| format!("body: {e}"))?;
        latencies.push(u32::try_from(start.elapsed().as_micros()).unwrap_or(u32::MAX));
        counts[match status {
            200..=299 => 0,
            503 => 1,
            _ => 2,
        }] += 1;
    }
    Ok((latencies, counts))
}

/// Run `connections` clients against `addr` until `until`.
async fn generate(
    server: &Server,
    paths: &Arc<Vec<String>>,
    auth: bool,
    connections: usize,
    until: Until,
) -> Result<Run, String> {
    let addr = server.addr;
    let cpu_before = server.cpu_seconds();
    let started = Instant::now();
    let claimed = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            tokio::spawn(client(
                addr,
                paths.clone(),
                auth,
                until,
                started,
                claimed.clone(),
                c,
            ))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut counts = [0u64; 3];
    for task in tasks {
        let (l, c) = task.await.map_err(|e| e.to_string())??;
        latencies.extend(l);
        for (total, n) in counts.iter_mut().zip(c) {
            *total += n;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = match (cpu_before, server.cpu_seconds()) {
        (Some(before), Some(after)) => after - before,
        _ => f64::NAN,
    };
    latencies.sort_unstable();
    Ok(Run {
        cpu_us: cpu * 1e6 / latencies.len().max(1) as f64,
        requests: latencies.len() as u64,
        ok: counts[0],
        unavailable: counts[1],
        failed: counts[2],
        seconds,
        latencies,
    })
}

/// `bench-emulator bare BYTES`: serve a JSON body of BYTES bytes at every path on
/// 127.0.0.1 (a free port, printed like the emulator prints its own) until killed.
pub fn bare_main() -> ExitCode {
    let size: usize = match std::env::args().nth(2).and_then(|s| s.parse().ok()) {
        Some(n) => n,
        None => {
            eprintln!("bench-emulator bare: expected the body size in bytes");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async move {
        let filler = size.saturating_sub(8);
        let payload = axum::body::Bytes::from(format!("{{\"x\":\"{}\"}}", "a".repeat(filler)));
        let app = axum::Router::new().fallback(move || {
            let payload = payload.clone();
            async move { ([("content-type", "application/json")], payload) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        use std::io::Write;
        println!(
            "listening on http://{}",
            listener.local_addr().expect("addr")
        );
        let _ = std::io::stdout().flush();
        let _ = axum::serve(listener, app).await;
    });
    ExitCode::SUCCESS
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The whole `load` workload; its figures as JSON.
pub async fn run(emulator: &Path, requests: u64, seconds: f64) -> Result<Value, String> {
    let mut command = Command::new(emulator);
    command.args([
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--approval-delay",
        "0s",
        "--seed",
        "7",
        "--refresh-rate-limit",
        "off",
    ]);
    let emu = Server::start(command)?;
    let seeding = Instant::now();
    let id = seed(emu.addr).await?;
    println!(
        "load: seeded {NUMBERS} numbers in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let paths: Vec<String> = (0..ROTATION)
        .map(|i| {
            format!(
                "/v2/enterprises/{id}/reputation/numbers/{}",
                crate::bench_number(i * (NUMBERS / ROTATION))
            )
        })
        .collect();
    let mut sizes = Vec::new();
    for path in &paths {
        let (status, body) = once(emu.addr, "GET", path, None).await?;
        if status != 200 {
            return Err(format!("GET {path}: {status} {body}"));
        }
        sizes.push(body.to_string().len());
    }
    let body_bytes = sizes.iter().sum::<usize>() / sizes.len();
    let mut bare_command = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
    bare_command.args(["bare", &body_bytes.to_string()]);
    let bare = Server::start(bare_command)?;
    let emu_paths = Arc::new(paths.clone());
    let bare_paths = Arc::new(vec!["/bare".to_string()]);
    let fault = json!({
        "method": "GET", "path_prefix": paths[0], "status": 503, "count": 1_000_000,
    });
    let for_time = Until::Elapsed(Duration::from_secs_f64(seconds));

    // Warm-up, discarded.
    generate(
        &emu,
        &emu_paths,
        true,
        32,
        Until::Elapsed(Duration::from_secs(1)),
    )
    .await?;
    generate(
        &bare,
        &bare_paths,
        false,
        32,
        Until::Elapsed(Duration::from_secs(1)),
    )
    .await?;

    let mut configurations = Vec::new();
    for connections in CONNECTIONS {
        let mut off = Vec::new();
        let mut on = Vec::new();
        let mut bare_runs = Vec::new();
        for _ in 0..ROUNDS {
            off.push(generate(&emu, &emu_paths, true, connections, for_time).await?);
            bare_runs.push(generate(&bare, &bare_paths, false, connections, for_time).await?);
            expect(emu.addr, "POST", "/_emulator/faults", Some(fault.clone())).await?;
            on.push(generate(&emu, &emu_paths, true, connections, for_time).await?);
            expect(emu.addr, "DELETE", "/_emulator/faults", None).await?;
        }
        let rps = |runs: &[Run]| median(&mut runs.iter().map(Run::rps).collect::<Vec<_>>());
        let p99 = |runs: &[Run]| {
            median(
                &mut runs
                    .iter()
                    .map(|r| r.percentile_ms(0.99))
                    .collect::<Vec<_>>(),
            )
        };
        let cpu = |runs: &[Run]| median(&mut runs.iter().map(|r| r.cpu_us).collect::<Vec<_>>());
        let ratio = rps(&off) / rps(&bare_runs);
        println!(
            "load: {connections} connections: emulator {:.0} req/s (p99 {:.2} ms, {:.1} µs CPU), with 5 % faults {:.0} req/s (p99 {:.2} ms), bare {:.0} req/s (p99 {:.2} ms, {:.1} µs CPU): ratio {ratio:.2}",
            rps(&off),
            p99(&off),
            cpu(&off),
            rps(&on),
            p99(&on),
            rps(&bare_runs),
            p99(&bare_runs),
            cpu(&bare_runs),
        );
        configurations.push(json!({
            "connections": connections,
            "emulator": { "rps": rps(&off), "p99_ms": p99(&off), "cpu_us": cpu(&off), "runs": off.iter().map(Run::to_json).collect::<Vec<_>>() },
            "emulator_faults": { "rps": rps(&on), "p99_ms": p99(&on), "cpu_us": cpu(&on), "runs": on.iter().map(Run::to_json).collect::<Vec<_>>() },
            "bare": { "rps": rps(&bare_runs), "p99_ms": p99(&bare_runs), "cpu_us": cpu(&bare_runs), "runs": bare_runs.iter().map(Run::to_json).collect::<Vec<_>>() },
            "ratio": ratio,
        }));
    }

    let rss_before = emu.rss_kib();
    let long = generate(&emu, &emu_paths, true, 32, Until::Requests(requests)).await?;
    let rss_after = emu.rss_kib();
    println!(
        "load: RSS {} KiB before and {} KiB after {} requests ({:.0} req/s)",
        rss_before.map_or("?".into(), |k| k.to_string()),
        rss_after.map_or("?".into(), |k| k.to_string()),
        long.requests,
        long.rps()
    );
    Ok(json!({
        "body_bytes": body_bytes,
        "rotation": ROTATION,
        "seconds_per_run": seconds,
        "rounds": ROUNDS,
        "configurations": configurations,
        "rss": {
            "requests": long.requests,
            "connections": 32,
            "before_kib": rss_before,
            "after_kib": rss_after,
            "run": long.to_json(),
        },
    }))
}
