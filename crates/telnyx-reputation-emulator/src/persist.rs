//! `--state-file`: the whole emulated world as one JSON document, loaded at start and saved
//! atomically (written to a temporary file beside it, flushed to disk, then renamed over it),
//! so a crash mid-write leaves the previous complete file in place.
//!
//! Saved: every account (enterprises, numbers, remediations, documents, agreements, ledger,
//! admin reputation overrides, pending events, id counters, test-clock offsets), the virtual
//! clock offset, the webhook delivery queue, in-flight deliveries and log, and the fault
//! rules. Not saved: the request journal (a debugging aid with raw headers).
//!
//! No API key is written: accounts are saved under the [`key_digest`] of their key (as are
//! the account fields of their events and delivery attempts), and a restored account takes
//! its key back on the first request that presents it ([`crate::accounts::World::account`]).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use serde::Serializer;

use crate::accounts::{Account, World};
use crate::faults::Faults;
use crate::keys::{is_digest, key_digest};
use crate::webhooks::Deliveries;

/// Format version written in every file; a file of another version is refused.
pub const VERSION: u32 = 1;

/// The accounts, keyed by [`key_digest`].
struct DigestKeyed<'a>(&'a HashMap<String, Account>);

impl Serialize for DigestKeyed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, account) in self.0 {
            if is_digest(key) {
                map.serialize_entry(key, account)?;
            } else {
                map.serialize_entry(&key_digest(key), account)?;
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
struct SnapshotRef<'a> {
    version: u32,
    seed: u64,
    clock_offset_ms: i64,
    accounts: DigestKeyed<'a>,
    faults: &'a Faults,
    deliveries: &'a Deliveries,
}

#[derive(Deserialize)]
struct Snapshot {
    version: u32,
    seed: u64,
    clock_offset_ms: i64,
    accounts: HashMap<String, Account>,
    faults: Faults,
    deliveries: Deliveries,
}

/// What a state file restores.
pub struct Restored {
    /// The world.
    pub world: World,
    /// The virtual clock offset.
    pub clock_offset_ms: i64,
}

/// Serialise the world (call with the lock held; the write happens in [`write_atomic`]).
pub fn encode(world: &World, seed: u64, clock_offset_ms: i64) -> Vec<u8> {
    let snapshot = SnapshotRef {
        version: VERSION,
        seed,
        clock_offset_ms,
        accounts: DigestKeyed(&world.accounts),
        faults: &world.faults,
        deliveries: &world.deliveries,
    };
    // Every type in the snapshot serialises infallibly (string keys, no custom errors).
    serde_json::to_vec(&snapshot).unwrap_or_default()
}

/// Write `bytes` to `path` atomically: temp file in the same directory, fsync, rename,
/// fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_string());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        // Make the rename itself durable; not every platform can open a directory.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Load `path` if it exists (`Ok(None)` if it does not). A file that is not a complete
/// state file of this version, or was written with another seed, is an error that names the
/// file and the problem; it is never overwritten silently.
pub fn load(path: &Path, seed: u64) -> io::Result<Option<Restored>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("cannot read state file {}: {e}", path.display()),
            ));
        }
    };
    let invalid = |detail: String| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("state file {}: {detail}", path.display()),
        )
    };
    let snapshot: Snapshot = serde_json::from_slice(&bytes).map_err(|e| {
        invalid(format!(
            "not a valid emulator state file ({e}); move it away or pass another --state-file"
        ))
    })?;
    if snapshot.version != VERSION {
        return Err(invalid(format!(
            "format version {} is not supported (this emulator reads version {VERSION})",
            snapshot.version
        )));
    }
    if snapshot.seed != seed {
        return Err(invalid(format!(
            "written with --seed {}, but this emulator runs with --seed {seed}; ids and data would not line up",
            snapshot.seed
        )));
    }
    let mut deliveries = snapshot.deliveries;
    // Deliveries cut off by the stop start again from the queue.
    let resumed: Vec<_> = deliveries.in_flight.drain(..).collect();
    for event in resumed.into_iter().rev() {
        deliveries.queue.push_front(event);
    }
    Ok(Some(Restored {
        world: World {
            accounts: snapshot.accounts,
            faults: snapshot.faults,
            deliveries,
        },
        clock_offset_ms: snapshot.clock_offset_ms,
    }))
}
