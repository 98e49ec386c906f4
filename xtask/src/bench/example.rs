//! What the monitor's benchmark steps (`monitor`, `monitor-service`, `dashboard`) share:
//! build one of the monitor crate's examples in release, run it, read the one JSON object
//! it prints on stdout, keep that object under `target/bench/`, and replace a marked
//! section of `docs/monitor-benchmarks.md` in place.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::Result;
use crate::pipeline::cargo;

/// What one run of an example printed, and the load average around it.
pub struct Ran {
    /// Its JSON object.
    pub figures: Value,
    /// Its stdout as printed (the same object).
    pub stdout: Vec<u8>,
    /// The load average (1, 5, 15 min) before it ran.
    pub load_before: String,
    /// … and after.
    pub load_after: String,
}

/// Build `crates/telnyx-reputation-monitor/examples/{example}.rs` (release, locked) and run
/// it with `args`, its progress (stderr) shown as it goes; `what` names it in errors.
pub fn run(root: &Path, example: &str, args: &[String], what: &str) -> Result<Ran> {
    cargo(
        root,
        &[
            "build",
            "--release",
            "--locked",
            "-p",
            "telnyx-reputation-monitor",
            "--example",
            example,
        ],
    )?;
    let binary = root.join("target/release/examples").join(example);
    let load_before = load_average();
    let output = Command::new(&binary)
        .args(args)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} exited with {}",
            binary.display(),
            output.status
        ));
    }
    let figures: Value = serde_json::from_slice(&output.stdout).map_err(|e| {
        format!(
            "the {what} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })?;
    Ok(Ran {
        figures,
        stdout: output.stdout,
        load_before,
        load_after: load_average(),
    })
}

/// Keep `bytes` as `target/bench/{name}`.
pub fn keep(root: &Path, name: &str, bytes: &[u8]) -> Result {
    let scratch = root.join("target/bench");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {scratch:?}: {e}"))?;
    std::fs::write(scratch.join(name), bytes)
        .map_err(|e| format!("cannot write target/bench/{name}: {e}"))
}

/// Replace the section between `begin` and `end` of `docs/monitor-benchmarks.md` by
/// `section` (appended when the file has none), keeping the rest.
pub fn write_section(root: &Path, begin: &str, end: &str, section: &str) -> Result {
    let path = root.join("docs/monitor-benchmarks.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Monitor benchmarks\n".into());
    std::fs::write(&path, with_section(&doc, begin, end, section))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `doc` with the section marked by `begin` and `end` replaced by `section`, or `section`
/// appended.
pub fn with_section(doc: &str, begin: &str, end: &str, section: &str) -> String {
    match (doc.find(begin), doc.find(end)) {
        (Some(start), Some(stop)) if stop > start => format!(
            "{}{}{}",
            &doc[..start],
            section.trim_end(),
            &doc[stop + end.len()..]
        ),
        _ => format!("{}\n\n{}", doc.trim_end(), section),
    }
}

/// The load average (1, 5, 15 min), or `unknown`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// `yes`, or a bold `no`, for a target's column.
pub fn met(ok: bool) -> &'static str {
    if ok { "yes" } else { "**no**" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_in_place_or_appended() {
        let (b, e) = ("<!-- x -->", "<!-- /x -->");
        let doc = with_section("# T\n\nrest\n", b, e, &format!("{b}\none\n{e}\n"));
        assert_eq!(doc, format!("# T\n\nrest\n\n{b}\none\n{e}\n"));
        let again = with_section(
            &format!("{doc}\n## Later\n"),
            b,
            e,
            &format!("{b}\ntwo\n{e}\n"),
        );
        assert_eq!(again, format!("# T\n\nrest\n\n{b}\ntwo\n{e}\n\n## Later\n"));
    }
}
