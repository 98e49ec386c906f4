//! One module per API group: its clap subcommands and how each becomes one facade call
//! and one printed [`View`](crate::output::View). Connection setup shared by all of them
//! (API key, base URL, enterprise id) is [`Context`]; nothing here does HTTP itself.

pub mod account_numbers;
pub mod cost;
pub mod documents;
pub mod emulator;
pub mod enterprises;
pub mod external_verification;
pub mod listen;
pub mod loa;
pub mod monitor;
pub mod numbers;
pub mod remediation;
pub mod reputation;
pub mod terms;
pub mod webhooks;

use std::path::Path;

use serde::de::DeserializeOwned;
use telnyx_reputation::{Client, Page, Pager, PriceOverrides, PriceTable, Reputation};

use crate::cli::{GlobalArgs, PageArgs};
use crate::exit::{CliError, CliResult};
use crate::output::Format;

/// What every command needs: the global options, turned into a client on demand.
pub struct Context {
    global: GlobalArgs,
}

impl Context {
    /// Wrap the parsed global options.
    pub fn new(global: GlobalArgs) -> Self {
        Self { global }
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.global.format
    }

    /// A facade client from `--api-key`/`TELNYX_API_KEY` and `--base-url`/`TELNYX_BASE_URL`.
    pub fn client(&self) -> CliResult<Client> {
        let key = self.global.api_key.as_deref().filter(|k| !k.is_empty()).ok_or_else(|| {
            CliError::usage("no API key: pass --api-key or set TELNYX_API_KEY (try `telnyx-reputation demo`, which needs none)")
        })?;
        self.client_with_key(key)
    }

    /// A facade client like [`Context::client`]'s (base URL, budgets, prices) with another
    /// account's API key (a `[[account]]` of `monitor.toml`).
    pub fn client_with_key(&self, key: &str) -> CliResult<Client> {
        let mut builder = Client::builder().api_key(key);
        if let Some(url) = &self.global.base_url {
            builder = builder.base_url(url);
        }
        if let Some(max) = self.global.max_billable {
            builder = builder.max_billable(max);
        }
        if let Some(max) = self.global.max_spend {
            builder = builder.max_spend(max);
        }
        Ok(builder.prices(self.prices()?).build()?)
    }

    /// The price table: the published one with `--prices FILE` applied.
    pub fn prices(&self) -> CliResult<PriceTable> {
        let Some(path) = &self.global.prices else {
            return Ok(PriceTable::default());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            || text.trim_start().starts_with('{');
        let value: serde_json::Value = if is_json {
            serde_json::from_str(&text).map_err(|e| {
                CliError::usage(format!("{} is not valid JSON: {e}", path.display()))
            })?
        } else {
            toml::from_str(&text).map_err(|e| {
                CliError::usage(format!("{} is not valid TOML: {e}", path.display()))
            })?
        };
        let overrides = PriceOverrides::from_json(value)
            .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
        let source = format!("--prices {}", path.display());
        Ok(PriceTable::default().with_overrides(&overrides, &source, "not stated"))
    }

    /// The enterprise id from `--enterprise`/`TELNYX_ENTERPRISE_ID`.
    pub fn enterprise_id(&self) -> CliResult<String> {
        self.global.enterprise.clone().ok_or_else(|| {
            CliError::usage("no enterprise: pass --enterprise ID or set TELNYX_ENTERPRISE_ID")
        })
    }

    /// `--enterprise` when given, for commands where it only narrows the output.
    pub fn enterprise_filter(&self) -> Option<String> {
        self.global.enterprise.clone()
    }

    /// The reputation handle of the selected enterprise.
    pub fn reputation(&self) -> CliResult<Reputation> {
        Ok(self.client()?.reputation(self.enterprise_id()?))
    }
}

/// Every item of a list, or one page of it when `--page` is given.
pub async fn fetch<T: Send + 'static>(pager: Pager<T>, paging: PageArgs) -> CliResult<Vec<T>> {
    let pager = match paging.page_size {
        Some(size) => pager.page_size(size),
        None => pager,
    };
    Ok(match paging.page {
        Some(n) => {
            let page: Page<T> = pager.fetch_page(u64::from(n)).await?;
            page.items
        }
        None => pager.collect_all().await?,
    })
}

/// Read a JSON request body from a file or stdin (`-`) into a facade type.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> CliResult<T> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::other(format!("cannot read {}: {e}", path.display())))?
    };
    serde_json::from_str(&text).map_err(|e| {
        CliError::usage(format!(
            "{} is not a valid request body: {e}",
            path.display()
        ))
    })
}

/// Resolves at the first SIGINT (Ctrl-C) or SIGTERM, with the signal's name: long-running
/// commands select on it to finish cleanly (close the store, answer what is in flight)
/// instead of being killed mid-write. The handlers are installed when this is called (in a
/// runtime), not when the future is first polled, so no signal in between is lost.
pub fn shutdown_signal() -> impl std::future::Future<Output = &'static str> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut int), Ok(mut term)) => tokio::select! {
                    _ = int.recv() => "SIGINT",
                    _ = term.recv() => "SIGTERM",
                },
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                    "SIGINT"
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// Run a command group's future on a fresh runtime. `Context` is moved in so the
/// commands can be written as plain `async fn`s.
pub fn block_on<F: std::future::Future<Output = CliResult>>(future: F) -> CliResult {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::other(format!("cannot start the async runtime: {e}")))?
        .block_on(future)
}
