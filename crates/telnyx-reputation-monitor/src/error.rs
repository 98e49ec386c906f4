//! The monitor's one error type. Facade errors pass through unchanged so callers can still
//! ask for their kind; everything else names what was wrong and where.

/// What can go wrong while monitoring.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    /// The store URL is not one this crate can open.
    #[error("invalid store URL {url:?}: {reason}")]
    StoreUrl {
        /// The URL as given (never holds an API key; a password in it is not printed).
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The store could not be opened: the server did not answer or refused, the file is
    /// not an SQLite database, or a new file was not allowed there.
    #[error("cannot open the store {url}: {cause}")]
    StoreOpen {
        /// The store URL (password redacted).
        url: String,
        /// Why, in the database's or the file system's words.
        cause: String,
    },
    /// A statement failed on a named store (e.g. a read-only file).
    #[error("store {url}: {cause}")]
    StoreAt {
        /// The store URL (password redacted).
        url: String,
        /// What failed.
        cause: String,
    },
    /// The database refused or failed a statement.
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("store migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The Number Reputation API (through the facade) failed.
    #[error(transparent)]
    Api(#[from] telnyx_reputation::Error),
    /// A policy file that cannot be used.
    #[error("policy {origin}: {message}")]
    Policy {
        /// The file.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// A rules file is invalid; `message` carries the line and column.
    #[error("rules {origin}: {message}")]
    Rules {
        /// Where the rules came from (a path, or `<string>`).
        origin: String,
        /// What is wrong, and where.
        message: String,
    },
    /// A `monitor serve` config file is invalid.
    #[error("{origin}:{line}: {key}: {message}")]
    Config {
        /// The file.
        origin: String,
        /// The line (1-based) of the offending key.
        line: usize,
        /// The key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A plan of billable requests was refused before any was sent: the client's
    /// `max_billable` budget does not cover it.
    #[error(
        "refused: this needs {needed} billable request(s) ({what}) but the client's max_billable budget allows {limit} more; nothing was sent (raise --max-billable to go ahead)"
    )]
    BillingRefused {
        /// The operation and what it bills.
        what: String,
        /// How many billable requests the plan needs.
        needed: u64,
        /// What the budget still allows.
        limit: u64,
    },
    /// A billable plan on a client with no `max_billable` budget: refused before any
    /// request, so nothing is billed by surprise.
    #[error(
        "refused: {what} is billable and the client has no max_billable budget; set one (CLI: --max-billable N) to allow it; nothing was sent"
    )]
    BudgetRequired {
        /// The operation and what it bills.
        what: String,
        /// How many billable requests the plan needs (0: not counted yet).
        needed: u64,
    },
    /// A notification could not be delivered.
    #[error("notify {url}: {message}")]
    Notify {
        /// Where it was going.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// Another sync of the enterprise holds its lock.
    #[error(
        "another sync of enterprise {enterprise_id} is running ({holder}); {}",
        match waited {
            Some(w) => format!("still held after waiting {} s", w.as_secs()),
            None => "nothing was done; wait for it with --wait-lock[=DURATION]".to_owned(),
        }
    )]
    Locked {
        /// The enterprise.
        enterprise_id: String,
        /// Who holds the lock, and since when.
        holder: String,
        /// How long this sync waited (`None`: it did not).
        waited: Option<std::time::Duration>,
    },
    /// Another `monitor serve` runs on this SQLite store (SQLite takes one per file).
    #[error(
        "{store} is already served by another `monitor serve`: {holder} holds {lock_file}; \
         SQLite takes one `serve` per file (stop that one first, or put both replicas on one \
         PostgreSQL store)"
    )]
    Served {
        /// The store URL.
        store: String,
        /// The lock file beside it.
        lock_file: String,
        /// What the lock file says of its holder (pid, replica, since when).
        holder: String,
    },
    /// Local I/O (report file, store directory).
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Result alias of this crate.
pub type Result<T, E = MonitorError> = std::result::Result<T, E>;
