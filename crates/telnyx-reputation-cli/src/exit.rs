//! Exit codes and error reporting: the one place a failure becomes a message and a code.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | other failure (local file I/O, a webhook that does not verify) |
//! | 2 | usage: bad arguments, or input rejected before any request (e.g. invalid numbers, a billable request over `--max-billable`) |
//! | 3 | API: the server answered with an error (the Telnyx error detail is printed), or a gate was rejected |
//! | 4 | network: connection failure or timeout |
//! | 5 | `monitor sync --fail-on`: a number is high, or something changed |
//! | 6 | a `--wait` ran out of time; what it waited for keeps going on the server |
//!
//! Commands return [`CliError`]; `main` prints it on stderr and exits with its code.
//! Nothing here ever prints the API key.

use std::fmt;
use std::process::ExitCode;

use telnyx_reputation::{Error, ErrorKind};

/// Exit-code documentation shown at the end of `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  other failure (local file I/O, a webhook that does not verify)
  2  usage error: bad arguments, or input rejected before any request (e.g. invalid
     numbers, a billable request over --max-billable)
  3  API error: the server answered with an error (its Telnyx error detail is printed)
  4  network error: connection failure or timeout
  5  monitor sync --fail-on: a number is high, or something changed
  6  a --wait ran out of time (the request keeps running; check again later)";

/// The class of a failure, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Exit 1.
    Other,
    /// Exit 2.
    Usage,
    /// Exit 3.
    Api,
    /// Exit 4.
    Network,
    /// Exit 5: a `--fail-on` condition was met.
    Alert,
    /// Exit 6: a `--wait` ran out of time.
    WaitTimeout,
}

impl Class {
    /// The process exit code of this class.
    pub fn code(self) -> u8 {
        match self {
            Class::Other => 1,
            Class::Usage => 2,
            Class::Api => 3,
            Class::Network => 4,
            Class::Alert => 5,
            Class::WaitTimeout => 6,
        }
    }
}

/// A failure to report: its class and the lines to print.
#[derive(Debug)]
pub struct CliError {
    class: Class,
    message: String,
    details: Vec<String>,
}

impl CliError {
    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Class::Usage, message)
    }

    /// Any other failure (exit 1).
    pub fn other(message: impl Into<String>) -> Self {
        Self::new(Class::Other, message)
    }

    /// An error of the given class.
    pub fn new(class: Class, message: impl Into<String>) -> Self {
        Self {
            class,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// The class, which decides the exit code.
    pub fn class(&self) -> Class {
        self.class
    }

    /// Prefix the message with what was being done, e.g. `"add numbers"`.
    pub fn context(mut self, doing: &str) -> Self {
        self.message = format!("{doing}: {}", self.message);
        self
    }

    /// Print to stderr and return the exit code.
    pub fn report(&self) -> ExitCode {
        eprintln!("error: {self}");
        ExitCode::from(self.class.code())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for detail in &self.details {
            write!(f, "\n  {detail}")?;
        }
        Ok(())
    }
}

/// The exit class of a facade error.
pub fn class_of(error: &Error) -> Class {
    match error.kind() {
        ErrorKind::InvalidInput | ErrorKind::BillingRefused => Class::Usage,
        ErrorKind::Timeout | ErrorKind::Connection => Class::Network,
        ErrorKind::WebhookVerification => Class::Other,
        _ => Class::Api,
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        // The message already carries every Telnyx error's code, title and detail.
        let details: Vec<String> = error
            .request_id()
            .map(|id| format!("request id: {id}"))
            .into_iter()
            .collect();
        Self {
            class: class_of(&error),
            message: error.to_string(),
            details,
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        Self::other(error.to_string())
    }
}

impl From<crate::numbers_input::InputError> for CliError {
    fn from(error: crate::numbers_input::InputError) -> Self {
        match error {
            crate::numbers_input::InputError::Read { .. } => Self::other(error.to_string()),
            _ => Self::usage(error.to_string()),
        }
    }
}

/// What every command returns.
pub type CliResult<T = ()> = Result<T, CliError>;
