//! The service benchmark (numbers in docs/monitor-benchmarks.md): `monitor serve`'s
//! [`Service`] watching `N` numbers (default 100,000) of one enterprise with no changes,
//! scheduled every second, for `SYNCS` no-change syncs (default 200):
//!
//! - CPU time per sync of this process (user + system, `/proc/self/stat`, 10 ms ticks) over
//!   the measured syncs, the service's idle time and housekeeping between them included,
//!   against the CPU time of a bare facade sweep of the same numbers (list every page,
//!   nothing stored) and of a no-change [`Monitor::sync`] (what `monitor sync` runs);
//! - the resident set (`VmRSS`) after the first measured sync and after the last, and its
//!   peak between;
//! - the store's growth per no-change sync (SQLite `page_count × page_size`, and the file
//!   sizes with the write-ahead log).
//!
//! The emulator runs in a child process (this binary again, `emulator-child`), so the CPU
//! and memory measured are the client's and the service's only.
//!
//! `cargo run --release -p telnyx-reputation-monitor --example service_bench [-- N [SYNCS]]`
//! prints progress on stderr and one JSON object of figures on stdout; `cargo xtask bench
//! --only monitor` runs it and writes its section of docs/monitor-benchmarks.md.

use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use telnyx_reputation::{CheckFrequency, Client, LoaRenderOptions, NewEnterprise, WaitOptions};
use telnyx_reputation_emulator::{ApprovalDelay, Emulator};
use telnyx_reputation_monitor::service::{Config, Service, ServiceEvent};
use telnyx_reputation_monitor::{Monitor, Store, SyncOptions};

fn numbers(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("+1312{:03}{:04}", 200 + i / 10_000, i % 10_000))
        .collect()
}

/// This process's CPU time (user + system, every thread), in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // After the command name's closing parenthesis: field 3 (state) onwards.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // USER_HZ is 100 on Linux.
    ticks as f64 / 100.0
}

/// This process's resident set, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

fn file_bytes(path: &std::path::Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|suffix| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            std::fs::metadata(p).map_or(0, |m| m.len())
        })
        .sum()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if args.first().is_some_and(|a| a == "emulator-child") {
        return runtime.block_on(emulator_child());
    }
    let count: usize = args.first().map_or(Ok(100_000), |a| a.parse())?;
    let syncs: usize = args.get(1).map_or(Ok(200), |a| a.parse())?;
    let figures = runtime.block_on(workload(count, syncs))?;
    println!("{figures}");
    Ok(())
}

/// The emulator, for the parent: prints its base URL, serves until stdin closes.
async fn emulator_child() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder()
        .port(0)
        .approval_delay(ApprovalDelay::After(Duration::ZERO))
        .refresh_limit(None)
        .start()
        .await?;
    println!("{}", emulator.base_url());
    std::io::stdout().flush()?;
    tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {}
    })
    .await?;
    emulator.shutdown().await;
    Ok(())
}

async fn workload(
    count: usize,
    syncs: usize,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let mut child = std::process::Command::new(std::env::current_exe()?)
        .arg("emulator-child")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    let base_url = line.trim().to_owned();
    let client = Client::builder()
        .api_key("bench-service")
        .base_url(&base_url)
        .build()?;
    client.terms_of_service().agree_number_reputation().await?;
    let new: NewEnterprise = telnyx_reputation::examples::acme();
    let enterprise = client.enterprises().create(new).await?;
    let rep = client.reputation(&enterprise.id);
    let pdf = rep.loa().render(LoaRenderOptions::default()).await?;
    let loa = client.documents().upload("loa.pdf", pdf).await?;
    rep.enable(&loa.id, CheckFrequency::BusinessDaily).await?;
    rep.wait_until_approved(WaitOptions::default()).await?;
    eprintln!("bench service: adding {count} numbers");
    let all = numbers(count);
    for batch in all.chunks(100) {
        rep.numbers().add(batch).await?;
        rep.numbers().refresh(batch).await?;
    }
    let dir = tempfile::tempdir()?;

    // The bare facade sweep (5 runs now and 6 after the service, so the median spans the
    // whole run's machine state) and `monitor sync`'s no-change sync (5 runs).
    let sweep = || async {
        let cpu = cpu_seconds();
        let listed: Vec<_> = rep
            .numbers()
            .list()
            .page_size(250)
            .stream()
            .try_collect()
            .await?;
        assert_eq!(listed.len(), count);
        Ok::<_, telnyx_reputation::Error>(cpu_seconds() - cpu)
    };
    let mut bare = Vec::new();
    for _ in 0..5 {
        bare.push(sweep().await?);
    }
    let store = Store::open(&format!("sqlite://{}/sync.sqlite", dir.path().display())).await?;
    Monitor::new(client.clone(), store.clone())
        .sync(&enterprise.id, &SyncOptions::default(), |_| {})
        .await?;
    let mut plain = Vec::new();
    for _ in 0..5 {
        // A new process, as each `monitor sync` from cron is (no state kept in memory).
        let monitor = Monitor::new(client.clone(), store.clone());
        let cpu = cpu_seconds();
        let report = monitor
            .sync(&enterprise.id, &SyncOptions::default(), |_| {})
            .await?;
        plain.push(cpu_seconds() - cpu);
        assert_eq!(report.readings_written, 0);
    }
    store.close().await?;
    eprintln!(
        "bench service: bare sweep {:.3} s CPU, monitor sync {:.3} s CPU",
        median(bare.clone()),
        median(plain.clone())
    );

    // The service: every second, no change; the first sync imports, the second warms up,
    // then `syncs` are measured.
    let db = dir.path().join("service.sqlite");
    let store = Store::open(&format!("sqlite://{}", db.display())).await?;
    let config = Config::parse(
        &format!(
            "store = \"(opened by the bench)\"\nevery = \"1s\"\nlisten = \"127.0.0.1:0\"\n\
             enterprises = [\"{}\"]\n",
            enterprise.id
        ),
        "bench.toml",
    )?;
    let (tx, mut synced) = tokio::sync::mpsc::unbounded_channel();
    let service = Service::new(config, client.clone(), store.clone()).on_event(move |e| {
        if let ServiceEvent::Synced(report) = e {
            let _ = tx.send((report.readings_written, report.changes.len()));
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let measure = async {
        eprintln!("bench service: first sync (import)");
        synced.recv().await.expect("the service runs");
        synced.recv().await.expect("the service runs");
        let (cpu0, rss0, t0) = (cpu_seconds(), rss_kib(), Instant::now());
        let (size0, file0) = (store.size_bytes().await?, file_bytes(&db));
        let mut peak = rss0;
        let mut written = 0u64;
        let mut changes = 0usize;
        for i in 0..syncs {
            let (w, c) = synced.recv().await.expect("the service runs");
            written += w;
            changes += c;
            peak = peak.max(rss_kib());
            if (i + 1) % 20 == 0 {
                eprintln!("bench service: {}/{syncs} syncs", i + 1);
            }
        }
        let (cpu1, rss1, elapsed) = (cpu_seconds(), rss_kib(), t0.elapsed());
        let (size1, file1) = (store.size_bytes().await?, file_bytes(&db));
        stop.send(()).expect("the service listens");
        Ok::<_, Box<dyn std::error::Error>>(serde_json::json!({
            "cpu_per_sync_s": (cpu1 - cpu0) / syncs as f64,
            "wall_per_sync_s": elapsed.as_secs_f64() / syncs as f64,
            "rss_first_kib": rss0,
            "rss_last_kib": rss1,
            "rss_peak_kib": peak,
            "store_bytes_first": size0,
            "store_bytes_last": size1,
            "file_bytes_first": file0,
            "file_bytes_last": file1,
            "readings_written": written,
            "changes": changes,
        }))
    };
    let (ran, measured) = futures::future::join(
        service.run(listener, async move {
            let _ = stopped.await;
        }),
        measure,
    )
    .await;
    ran?;
    let service = measured?;
    store.close().await?;
    for _ in 0..6 {
        bare.push(sweep().await?);
    }
    drop(child.stdin.take());
    child.wait()?;
    let bare_cpu = median(bare.clone());
    let plain_cpu = median(plain.clone());
    Ok(serde_json::json!({
        "numbers": count,
        "syncs": syncs,
        "bare_sweep_cpu_s": bare,
        "bare_sweep_cpu_median_s": bare_cpu,
        "monitor_sync_cpu_s": plain,
        "monitor_sync_cpu_median_s": plain_cpu,
        "service": service,
    }))
}
