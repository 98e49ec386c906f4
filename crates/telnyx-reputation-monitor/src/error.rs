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
    /// The database refused or failed a statement.
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("store migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The Number Reputation API (through the facade) failed.
    #[error(transparent)]
    Api(#[from] telnyx_reputation::Error),
    /// A rules file is invalid; `message` carries the line and column.
    #[error("rules {origin}: {message}")]
    Rules {
        /// Where the rules came from (a path, or `<string>`).
        origin: String,
        /// What is wrong, and where.
        message: String,
    },
    /// A billable call was refused before it was made.
    #[error(
        "refused: this would make {needed} billable call(s) ({what}) but the limit is {limit}; raise it explicitly to go ahead"
    )]
    BillingRefused {
        /// What would have been billed.
        what: String,
        /// How many billable calls were needed.
        needed: u64,
        /// The cap in force.
        limit: u64,
    },
    /// A notification could not be delivered.
    #[error("notify {url}: {message}")]
    Notify {
        /// Where it was going.
        url: String,
        /// What went wrong.
        message: String,
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
