//! Running one workload process and reading what it cost: wall time from spawn to exit,
//! the workload's own timing (its JSON line), and peak RSS from `/usr/bin/time`.
//! Statistics over repeated samples (median and spread) live here too; what the numbers
//! mean is for `report`.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Result;

/// GNU time: `-f %M -o FILE` writes the child's peak RSS in KiB.
const TIME_BIN: &str = "/usr/bin/time";

/// No single workload process may run longer than this (every loop is bounded).
const PROCESS_LIMIT: Duration = Duration::from_secs(300);

/// What one run of one workload process cost.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Spawn to exit, seconds (what a user waits for a new process).
    pub wall: f64,
    /// The workload's own timing (`seconds` in its JSON line), if it reports one.
    pub inner: Option<f64>,
    /// Peak resident set size, KiB.
    pub rss_kib: u64,
    /// The workload's JSON line (counts, items) for sanity checks.
    pub line: Value,
}

/// Run `command` under `/usr/bin/time`, expecting one JSON line on stdout.
pub fn sample(command: &mut Command, scratch: &Path) -> Result<Sample> {
    let rss_file = scratch.join("peak-rss.txt");
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let mut timed = Command::new(TIME_BIN);
    timed
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(&program)
        .args(&args)
        .envs(
            command
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    let shown = format!("{program:?} {args:?}");
    let started = Instant::now();
    let child = timed
        .spawn()
        .map_err(|e| format!("cannot start {TIME_BIN} (apt-get install time): {e}"))?;
    let output = wait_bounded(child, &shown, PROCESS_LIMIT)?;
    let wall = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "{shown} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    let line: Value = serde_json::from_str(last)
        .map_err(|e| format!("{shown} printed {last:?}, not a JSON line: {e}"))?;
    let rss_kib = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
        .ok_or_else(|| format!("{TIME_BIN} reported no peak RSS for {shown}"))?;
    Ok(Sample {
        wall,
        inner: line["seconds"].as_f64(),
        rss_kib,
        line,
    })
}

/// Wait for the child, killing it past `limit`; its pipes are drained on threads
/// so a chatty child cannot block on a full pipe.
///
/// The wait blocks on a thread that owns the child and hands its status over a channel,
/// so the exit is seen within microseconds without polling: a poll loop on this 2-core
/// machine competes with the workload it times (a 200 µs poll inflated and spread every
/// sample). The kill on timeout goes by pid: the waiter has not reaped the child yet, so
/// the pid is still the child's.
fn wait_bounded(
    mut child: std::process::Child,
    shown: &str,
    limit: Duration,
) -> Result<std::process::Output> {
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let pid = child.id();
    let (exited, exit) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let _ = exited.send(child.wait());
    });
    let status = match exit.recv_timeout(limit) {
        Ok(status) => status.map_err(|e| format!("waiting for {shown}: {e}"))?,
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            let _ = waiter.join();
            return Err(format!("{shown} ran past {limit:?} and was killed"));
        }
    };
    let _ = waiter.join();
    Ok(std::process::Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Median and spread of a set of measurements.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Stats {
    pub fn of(values: &[f64]) -> Option<Stats> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mid = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            sorted[mid]
        } else {
            (sorted[mid - 1] + sorted[mid]) / 2.0
        };
        Some(Stats {
            median,
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            n: sorted.len(),
        })
    }

    /// Half the range relative to the median, in percent (the "±" shown in the report).
    pub fn spread_pct(&self) -> f64 {
        if self.median == 0.0 {
            0.0
        } else {
            (self.max - self.min) / 2.0 / self.median * 100.0
        }
    }
}

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use super::{Stats, wait_bounded};

    #[test]
    fn a_child_past_its_limit_is_killed_and_reported() {
        let child = Command::new("sleep")
            .arg("600")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let err = wait_bounded(child, "sleep 600", Duration::from_millis(200)).unwrap_err();
        assert!(
            err.contains("sleep 600 ran past 200ms and was killed"),
            "{err}"
        );
        // Reaped, not left running or as a zombie.
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }

    #[test]
    fn a_child_that_exits_hands_back_its_status_and_output() {
        let child = Command::new("sh")
            .args(["-c", "echo out; echo err >&2; exit 3"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = wait_bounded(child, "sh", Duration::from_secs(60)).unwrap();
        assert_eq!(output.status.code(), Some(3));
        assert_eq!(output.stdout, b"out\n");
        assert_eq!(output.stderr, b"err\n");
    }

    #[test]
    fn median_and_spread() {
        let s = Stats::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.n), (2.0, 1.0, 3.0, 3));
        assert_eq!(s.spread_pct(), 50.0);
        assert_eq!(Stats::of(&[1.0, 2.0, 3.0, 4.0]).unwrap().median, 2.5);
        assert!(Stats::of(&[]).is_none());
    }
}
