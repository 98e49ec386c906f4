//! `bench-rust`: the Rust side of `cargo xtask bench`, built in release by the driver.
//!
//! - `bench-rust seed`: set up a benchmark account on the emulator over plain HTTP (terms,
//!   enterprise, LOA document, enable, gates, then numbers in batches of 100 and an
//!   optional refresh so every number carries reputation data); prints the enterprise id.
//!   `bench-rust reset` forgets that account again (emulator admin API).
//! - `bench-rust facade|raw|raw-typed sweep|sweep-prefetch|add|add-pipelined|get`: one workload, timed in process, printed as one
//!   JSON line — the same contract as the Python and Node scripts beside this crate.
//!
//! Parameters come from the `BENCH_*` environment variables the driver sets. Timing,
//! repetition and reporting belong to the driver (`xtask/src/bench/`), not here.

mod raw;
mod seed;
mod workloads;

use std::process::ExitCode;

/// Numbers every workload uses: `+12025550000` … `+1202555NNNN`, valid US E.164.
pub fn bench_numbers(count: usize) -> Vec<String> {
    assert!(count <= 10_000, "the number plan holds 10,000 numbers");
    (0..count).map(|i| format!("+1202555{i:04}")).collect()
}

/// A required environment variable.
pub fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

/// A numeric environment variable with a default.
pub fn env_usize(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Ok(v) => v.parse().map_err(|e| format!("{name}={v:?}: {e}")),
        Err(_) => Ok(default),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["seed"] => seed::run().await,
        ["reset"] => seed::reset().await,
        [client, workload] => workloads::run(client, workload).await,
        _ => Err(
            "usage: bench-rust seed | reset | bench-rust facade|raw|raw-typed sweep|sweep-prefetch|add|add-pipelined|get"
                .to_string(),
        ),
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("bench-rust: {message}");
            ExitCode::FAILURE
        }
    }
}
