//! The monitor as a service (`telnyx-reputation monitor serve --config monitor.toml`): one
//! process that syncs every enterprise (or the configured ones) on a schedule, runs the
//! rules after every sync and delivers what they decide through the outbox, and serves
//! one HTTP server with the webhook receiver (`POST /webhooks/telnyx`), `GET /healthz`,
//! `GET /readyz` and the dashboard ([`crate::dashboard`]).
//!
//! - **Accounts**: one account (the client given to [`Service::new`]), or every
//!   `[[account]]` of the config ([`Service::for_accounts`]), each with its own client
//!   (its key read from the environment variable the table names): every account's
//!   enterprises (its listed ones, or every approved one) are synced, and each account's
//!   remediations are followed with its key. An account whose enterprises cannot be listed
//!   is reported and skipped that round; the others go on.
//! - **Schedule**: each enterprise is synced when its last sync (as stored) is `every`
//!   old, plus a jitter of up to a tenth of `every` (at most 30 s), so several services
//!   or enterprises do not all call at once. After downtime an overdue enterprise is
//!   synced once, then every `every` from then: missed slots are not replayed.
//! - **One sync per enterprise**: each sync takes the store's per-enterprise lock
//!   ([`Store::lock_sync`]); one held elsewhere (a `monitor sync` from cron) skips this
//!   turn and is tried again a second later.
//! - **Cached reads only**: a service sync never makes a billable call. Rules' `remediate`
//!   actions are dry runs unless the config has a `[remediation]` table
//!   ([`crate::remediations::RemediationBudget`]): then what a sync decides is written to the
//!   outbox with the sync (one row per rule and sweep, its idempotency key naming both, so a
//!   restart or a `kill -9` never submits it twice), numbers already in an open remediation
//!   are left out, each request is priced and refused before it is sent when it would pass
//!   the enterprise's monthly budget, and what is submitted is followed to its outcome.
//! - **Clock**: by default the host's; [`Service::clock`] makes the schedule, the sweeps'
//!   times and the remediation follow-up run on another (the emulator's virtual clock in
//!   the demo and the tests), looked at at least every quarter of a second.
//! - **Remediations and retention**: every round it follows the remediations the store
//!   tracks (submitted by `monitor sync --apply` or recorded by `remediation submit
//!   --record`) to their outcome and re-checks the numbers they remediated
//!   ([`Monitor::follow_remediations`]); with `retention` set it prunes the history past it
//!   once a day ([`Store::prune`]).
//! - **Replicas**: only the replica holding the store's serve lease (`lease.rs`) syncs,
//!   runs the rules and delivers; on PostgreSQL a second replica stands by, receiving
//!   webhooks, and takes over when the leader stops; on SQLite a second `serve` on one
//!   file is refused at start. `/readyz` and [`ServiceEvent::Role`] say which it is.
//! - **Stopping**: when `shutdown` resolves no new sync starts, a sync in flight gets
//!   [`Service::grace`] to finish and is otherwise abandoned (its transaction is never
//!   committed, so the store keeps the previous sync), the lock is released, and
//!   [`Service::run`] returns.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use telnyx_reputation::Client;

use crate::channels::Channel;
use crate::error::{MonitorError, Result};
use crate::lease::{Leadership, Lease, Role};
use crate::outbox::{self, DeliverOptions, OutboxItem, OutboxKind};
use crate::receiver::{Receiver, ServeOptions, serve_router};
use crate::rules::{Rule, Rules};
use crate::{Monitor, Store, SyncOptions, SyncReport};

/// Below this schedule against a base URL that is not loopback, [`Config::warnings`] warns.
pub const MIN_REAL_EVERY: Duration = Duration::from_secs(60);

/// A parsed `monitor.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Store URL: `sqlite://PATH` or `postgres://USER@HOST:PORT/DB`.
    pub store: String,
    /// How often each enterprise is synced (`30s`, `15m`, `1h`, `1d`; at least 1 s).
    #[serde(deserialize_with = "deserialize_every")]
    pub every: Duration,
    /// Address of the HTTP server, e.g. `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// Enterprises to watch; default every enterprise of the account whose Number
    /// Reputation is approved (listed again at each round, free).
    #[serde(default)]
    pub enterprises: Option<Vec<String>>,
    /// Base64 Ed25519 public key verifying `POST /webhooks/telnyx` (Mission Control,
    /// Keys & Credentials); without it (here or in `TELNYX_PUBLIC_KEY`, which the CLI
    /// reads) the webhook route answers 503.
    #[serde(default)]
    pub public_key: Option<String>,
    /// A score counts as dropped when it fell by at least this much (default 10; lowered to
    /// the smallest `score_dropped_by` of the rules).
    #[serde(default)]
    pub score_drop: Option<i64>,
    /// The rules, as the `[[rule]]` tables of a `monitor sync --rules` file.
    #[serde(default, rename = "rule")]
    pub rules: Vec<toml::Spanned<Rule>>,
    /// Where alert notifications go: `[[channel]]` tables (see [`crate::channels`]), named
    /// by the rules' `notify` actions.
    #[serde(default, rename = "channel")]
    pub channels: Vec<toml::Spanned<Channel>>,
    /// A budgeted re-check policy (the `[policy]` table of `monitor sync --policy`): each
    /// scheduled sync also reads fresh the riskiest numbers the day's and month's budget
    /// left covers.
    #[serde(default)]
    pub policy: Option<crate::Policy>,
    /// How long history is kept (`400d`; at least a day): once a day the service deletes
    /// readings, changes, delivered outbox rows, webhook events, finished remediations and
    /// resolved alerts older than this ([`Store::prune`]). Unset: everything is kept.
    #[serde(default, deserialize_with = "deserialize_retention")]
    pub retention: Option<Duration>,
    /// Lets the service submit what its rules' `remediate` actions decide, within a monthly
    /// dollar budget per enterprise (the `[remediation]` table); without it they are dry
    /// runs.
    #[serde(default)]
    pub remediation: Option<crate::remediations::RemediationBudget>,
    /// The Telnyx accounts to watch, for platforms that manage several: `[[account]]`
    /// tables, each naming the environment variable that holds its API key. None: the one
    /// account of `TELNYX_API_KEY`.
    #[serde(default, rename = "account")]
    pub accounts: Vec<Account>,
}

/// One `[[account]]` table: a Telnyx account the service syncs, its API key read from the
/// environment variable `api_key_env` (never from the file; never logged).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// A name for the account, unique in the file (logs and errors say it).
    pub name: String,
    /// The environment variable holding the account's API key, e.g. `TELNYX_API_KEY_EAST`.
    pub api_key_env: String,
    /// Its enterprises to watch; default every one whose Number Reputation is approved.
    #[serde(default)]
    pub enterprises: Option<Vec<String>>,
    /// The line of the table's header in the file (for errors found after parsing).
    #[serde(skip)]
    pub line: usize,
}

impl Account {
    /// The account's API key from its environment variable (`env` reads one, e.g.
    /// `|name| std::env::var(name).ok()`); an error names `origin`, the table's line and
    /// `account.api_key_env` when it is unset or empty. The key itself is never in an error.
    pub fn api_key(&self, origin: &str, env: impl Fn(&str) -> Option<String>) -> Result<String> {
        env(&self.api_key_env)
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| MonitorError::Config {
                origin: origin.to_owned(),
                line: self.line,
                key: "account.api_key_env".into(),
                message: format!(
                    "account {:?}: the environment variable {} is not set (or empty); it must \
                     hold the account's API key",
                    self.name, self.api_key_env
                ),
            })
    }
}

/// Whether `name` is an environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn deserialize_retention<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Duration>, D::Error> {
    let text = String::deserialize(deserializer)?;
    let retention = parse_duration(&text).map_err(serde::de::Error::custom)?;
    if retention < crate::retention::MIN_RETENTION {
        return Err(serde::de::Error::custom(format!(
            "{text:?} is less than a day; retention keeps history for days (e.g. 400d)"
        )));
    }
    Ok(Some(retention))
}

fn deserialize_every<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Duration, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_every(&text).map_err(serde::de::Error::custom)
}

/// `500ms`, `30s` (or `30`), `5m`, `1h`, `1d`: the durations every command and config
/// file of the monitor takes.
pub fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 500ms, 30s, 5m or 1h"))?;
    Ok(match unit {
        "ms" => Duration::from_millis(n),
        "s" | "" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        "d" => Duration::from_secs(n * 86_400),
        _ => {
            return Err(format!(
                "unknown unit {unit:?} in {text:?}: use ms, s, m, h or d"
            ));
        }
    })
}

/// `every`: a [`parse_duration`] of whole seconds, at least one.
pub fn parse_every(text: &str) -> std::result::Result<Duration, String> {
    let every = parse_duration(text)?;
    if every < Duration::from_secs(1) {
        return Err("must be at least 1s".into());
    }
    if every.subsec_nanos() != 0 {
        return Err(format!("{text:?} is not whole seconds"));
    }
    Ok(every)
}

impl Config {
    /// Parse a config from TOML text; `origin` (the file) is named in every error, with
    /// the line and the key.
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, key) = locate(text, e.span(), e.message());
            MonitorError::Config {
                origin: origin.to_owned(),
                line,
                key,
                message: e.message().trim_end().to_owned(),
            }
        })?;
        let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        config.check_channels(text, origin)?;
        config.check_accounts(text, origin)?;
        let channels: Vec<Channel> = config
            .channels
            .iter()
            .map(|c| c.get_ref().clone())
            .collect();
        for rule in &config.rules {
            let one = Rules {
                rules: vec![rule.get_ref().clone()],
                channels: channels.clone(),
            };
            if let Err(MonitorError::Rules { message, .. }) = one.validate(origin) {
                return Err(MonitorError::Config {
                    origin: origin.to_owned(),
                    line: line(rule.span().start),
                    key: "rule".into(),
                    message,
                });
            }
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for rule in &config.rules {
            let here = line(rule.span().start);
            if let Some(first) = seen.insert(&rule.get_ref().name, here) {
                return Err(MonitorError::Config {
                    origin: origin.to_owned(),
                    line: here,
                    key: "rule.name".into(),
                    message: format!(
                        "a rule named {:?} is already on line {first}; rule names must be unique",
                        rule.get_ref().name
                    ),
                });
            }
        }
        if let Some(score_drop) = config.score_drop.filter(|n| *n < 1) {
            let at = text.find("score_drop").unwrap_or(0);
            return Err(MonitorError::Config {
                origin: origin.to_owned(),
                line: line(at),
                key: "score_drop".into(),
                message: format!("must be at least 1, not {score_drop}"),
            });
        }
        Ok(config)
    }

    /// Each `[[account]]` table sane (an environment variable name, not a key; a unique
    /// name), and no top-level `enterprises` beside them; errors name the line of the key.
    fn check_accounts(&mut self, text: &str, origin: &str) -> Result<()> {
        if self.accounts.is_empty() {
            return Ok(());
        }
        // The `[[account]]` headers, in order: the tables deserialized in the same order.
        let headers: Vec<usize> = text
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .chain([0])
            .filter(|&i| {
                text[i..]
                    .trim_start_matches([' ', '\t'])
                    .starts_with("[[account]]")
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let line_at = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let error = |line: usize, key: &str, message: String| MonitorError::Config {
            origin: origin.to_owned(),
            line,
            key: key.to_owned(),
            message,
        };
        if self.enterprises.is_some() {
            let at = text
                .lines()
                .position(|l| l.trim_start().starts_with("enterprises"))
                .map_or(1, |i| i + 1);
            return Err(error(
                at,
                "enterprises",
                "with [[account]] tables, list each account's enterprises in its table".into(),
            ));
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, account) in self.accounts.iter_mut().enumerate() {
            let start = headers.get(i).copied().unwrap_or(0);
            // The table: from its header to the next header.
            let rest = &text[start..];
            let table = rest
                .get(1..)
                .and_then(|r| r.find("\n["))
                .map_or(rest, |end| &rest[..end + 1]);
            let line_of = |key: &str| {
                let within = table
                    .lines()
                    .scan(0, |offset, l| {
                        let here = *offset;
                        *offset += l.len() + 1;
                        Some((here, l))
                    })
                    .find(|(_, l)| {
                        l.trim_start()
                            .strip_prefix(key)
                            .is_some_and(|rest| rest.trim_start().starts_with('='))
                    })
                    .map_or(0, |(offset, _)| offset);
                line_at(start + within)
            };
            account.line = line_at(start);
            if account.name.trim().is_empty() {
                return Err(error(
                    line_of("name"),
                    "account.name",
                    "an account needs a name".into(),
                ));
            }
            if !is_env_name(&account.api_key_env) {
                return Err(error(
                    line_of("api_key_env"),
                    "account.api_key_env",
                    format!(
                        "account {:?}: api_key_env names the environment variable that holds \
                         the API key (e.g. TELNYX_API_KEY_EAST), never the key itself",
                        account.name
                    ),
                ));
            }
            if account.enterprises.as_ref().is_some_and(Vec::is_empty) {
                return Err(error(
                    line_of("enterprises"),
                    "account.enterprises",
                    format!(
                        "account {:?}: enterprises is empty (leave it out to watch every \
                         approved enterprise of the account)",
                        account.name
                    ),
                ));
            }
            let here = line_of("name");
            if let Some(first) = seen.insert(account.name.clone(), here) {
                return Err(error(
                    here,
                    "account.name",
                    format!(
                        "an account named {:?} is already on line {first}; account names must \
                         be unique",
                        account.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Each `[[channel]]` table sane and its name unique; errors name the line of the key.
    fn check_channels(&self, text: &str, origin: &str) -> Result<()> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for channel in &self.channels {
            // The table: from its header to the next header (its span is the header only).
            let start = channel.span().start.min(text.len());
            let rest = &text[start..];
            let table = rest[1..].find("\n[").map_or(rest, |end| &rest[..end + 1]);
            // The line of `key` inside this table (the table's first line when absent).
            let line_of = |key: &str| {
                let within = table
                    .match_indices(key)
                    .find(|(i, _)| {
                        let rest = table[i + key.len()..].trim_start();
                        rest.starts_with('=')
                            && table[..*i].ends_with(|c: char| c.is_whitespace() || c == '{')
                    })
                    .map_or(0, |(i, _)| i);
                text[..start + within].matches('\n').count() + 1
            };
            let c = channel.get_ref();
            if let Some((key, message)) = c.check() {
                return Err(MonitorError::Config {
                    origin: origin.to_owned(),
                    line: line_of(key),
                    key: format!("channel.{key}"),
                    message: format!("channel {:?}: {message}", c.name),
                });
            }
            let here = line_of("name");
            if let Some(first) = seen.insert(&c.name, here) {
                return Err(MonitorError::Config {
                    origin: origin.to_owned(),
                    line: here,
                    key: "channel.name".into(),
                    message: format!(
                        "a channel named {:?} is already on line {first}; channel names must be unique",
                        c.name
                    ),
                });
            }
        }
        Ok(())
    }

    /// Read and parse a config file.
    pub fn load(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| MonitorError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The rules of the `[[rule]]` tables.
    pub fn rules(&self) -> Rules {
        Rules {
            rules: self.rules.iter().map(|r| r.get_ref().clone()).collect(),
            channels: self.channels.iter().map(|c| c.get_ref().clone()).collect(),
        }
    }

    /// What is accepted but worth a word: a schedule under a minute against an API that is
    /// not on this machine (the emulator's tests use seconds; Telnyx's cache changes far
    /// more slowly), and the rules' own warnings.
    pub fn warnings(&self, base_url: &str) -> Vec<String> {
        let mut out = Vec::new();
        let loopback = url::Url::parse(base_url).is_ok_and(|u| match u.host() {
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        });
        if self.every < MIN_REAL_EVERY && !loopback {
            out.push(format!(
                "every = {} s syncs {base_url} more than once a minute; cached readings change \
                 far less often (15m is a good schedule)",
                self.every.as_secs()
            ));
        }
        let rules = self.rules();
        match (&self.remediation, rules.remediates()) {
            (None, true) => out.push(
                "a rule has a remediate action but there is no [remediation] table: the service \
                 only reports what it would submit (add [remediation] monthly_budget_usd to \
                 submit)"
                    .into(),
            ),
            (Some(_), false) => out.push(
                "[remediation] is set but no rule has a remediate action: nothing is submitted"
                    .into(),
            ),
            _ => {}
        }
        out.extend(rules.warnings());
        out
    }
}

/// The line and key of a TOML error: the key named in the message (`unknown field
/// `x``, `missing field `x``), else the key whose value the span points at.
fn locate(text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> (usize, String) {
    let start = span.map_or(0, |s| s.start.min(text.len()));
    let line = text[..start].matches('\n').count() + 1;
    let named = message
        .split_once("field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(key, _)| key.to_owned());
    if let Some(key) = named {
        return (line, key);
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start].trim_end();
    let before = before.strip_suffix('=').unwrap_or(before).trim_end();
    let key: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let key = if key.is_empty() {
        // The span is the key itself, or a table header.
        text[start..]
            .split(['=', '\n'])
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['[', ']'])
            .to_owned()
    } else {
        key.trim_matches('"').to_owned()
    };
    (line, if key.is_empty() { "(file)".into() } else { key })
}

/// What the service reports as it runs (the CLI prints each on stderr).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ServiceEvent {
    /// The HTTP server is bound.
    Listening(SocketAddr),
    /// An enterprise was synced.
    Synced(SyncReport),
    /// A rule's action was delivered or failed (see `state`).
    Delivered(OutboxItem),
    /// An enterprise's sync failed (it is tried again next turn).
    SyncFailed {
        /// The enterprise.
        enterprise_id: String,
        /// Why.
        message: String,
    },
    /// An enterprise's sync was skipped: another sync holds its lock.
    Locked {
        /// The enterprise.
        enterprise_id: String,
        /// The holder.
        holder: String,
    },
    /// A webhook delivery was recorded.
    Webhook {
        /// `data.id`.
        event_id: String,
        /// `data.event_type`.
        event_type: String,
    },
    /// This replica became the leader or a standby (also reported once at start).
    Role {
        /// What it does now.
        role: Role,
        /// The replica (`HOST:PID`).
        replica: String,
    },
    /// Stopping: the sync in flight did not finish within the grace and was abandoned.
    Abandoned {
        /// The enterprise.
        enterprise_id: String,
    },
    /// Followed remediations finished, or their numbers were re-checked (or a read failed).
    Remediations(crate::remediations::FollowReport),
    /// The daily prune of history past `retention` ran.
    Pruned(crate::retention::PruneReport),
    /// Following remediations or pruning failed (tried again next round, or next day).
    HousekeepingFailed {
        /// What failed and why.
        message: String,
    },
}

type OnEvent = Arc<dyn Fn(&ServiceEvent) + Send + Sync>;

/// Where the service reads the time (see [`Service::clock`]).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How often the scheduler looks at a clock set by [`Service::clock`] (which may jump).
const CLOCK_LOOK: Duration = Duration::from_millis(250);
/// One account the service syncs: its monitor (its client) and the enterprises to watch.
#[derive(Debug, Clone)]
struct Watch {
    /// The `[[account]]` name; `None` for the one account of [`Service::new`].
    account: Option<String>,
    monitor: Monitor,
    /// The listed enterprises; `None`: every approved one.
    enterprises: Option<Vec<String>>,
}

/// The service: see the module docs.
#[derive(Clone)]
pub struct Service {
    config: Config,
    /// The store's monitor (the first account's).
    monitor: Monitor,
    /// Every account synced.
    watches: Vec<Watch>,
    rules: Rules,
    grace: Duration,
    on_event: OnEvent,
    lease: Arc<Mutex<Option<Lease>>>,
    clock: Option<Clock>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("config", &self.config)
            .field("monitor", &self.monitor)
            .finish_non_exhaustive()
    }
}

/// What `/readyz` reads: the enterprises the scheduler watches (of every account).
#[derive(Default)]
struct Health {
    watched: Vec<String>,
    /// Set once the enterprises were listed.
    listed: bool,
}

impl Service {
    /// A service syncing one account through `client` into `store` as `config` says
    /// (its `enterprises`, or every approved one).
    pub fn new(config: Config, client: Client, store: Store) -> Self {
        let monitor = Monitor::new(client, store);
        let watches = vec![Watch {
            account: None,
            monitor: monitor.clone(),
            enterprises: config.enterprises.clone(),
        }];
        Self::with_watches(config, monitor, watches)
    }

    /// A service syncing every `[[account]]` of `config`, each through its client in
    /// `clients` (by account name, e.g. built with the key [`Account::api_key`] read), into
    /// `store`. An account without a client is an error naming its table.
    pub fn for_accounts(
        config: Config,
        mut clients: HashMap<String, Client>,
        store: Store,
        origin: &str,
    ) -> Result<Self> {
        let mut watches = Vec::new();
        for account in &config.accounts {
            let client = clients
                .remove(&account.name)
                .ok_or_else(|| MonitorError::Config {
                    origin: origin.to_owned(),
                    line: account.line,
                    key: "account".into(),
                    message: format!("no client for account {:?}", account.name),
                })?;
            watches.push(Watch {
                account: Some(account.name.clone()),
                monitor: Monitor::new(client, store.clone()),
                enterprises: account.enterprises.clone(),
            });
        }
        let Some(first) = watches.first() else {
            return Err(MonitorError::Config {
                origin: origin.to_owned(),
                line: 1,
                key: "account".into(),
                message: "no [[account]] table".into(),
            });
        };
        let monitor = first.monitor.clone();
        Ok(Self::with_watches(config, monitor, watches))
    }

    fn with_watches(config: Config, monitor: Monitor, watches: Vec<Watch>) -> Self {
        let rules = config.rules();
        Self {
            config,
            monitor,
            watches,
            rules,
            grace: Duration::from_secs(10),
            on_event: Arc::new(|_| {}),
            lease: Arc::default(),
            clock: None,
        }
    }

    /// Run on another clock than the host's: the schedule, each sweep's time, the alerts'
    /// reminders and the remediation follow-up read `now` (e.g. the emulator's virtual
    /// clock, which an admin call moves days ahead). The scheduler looks at it at least
    /// every quarter of a second. Retries of the outbox keep the host's clock.
    pub fn clock(mut self, now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(now));
        self
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.as_ref().map_or_else(Utc::now, |now| now())
    }

    /// Run under `lease` (from [`Store::serve_lease`], taken before listening so that a
    /// refused SQLite store fails first); without it, [`Service::run`] takes one itself.
    pub fn lease(self, lease: Lease) -> Self {
        *self.lease.lock().expect("lease") = Some(lease);
        self
    }

    /// How long a sync in flight at shutdown may take to finish (default 10 s).
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Call `f` for everything the service does (e.g. to log it).
    pub fn on_event(mut self, f: impl Fn(&ServiceEvent) + Send + Sync + 'static) -> Self {
        self.on_event = Arc::new(f);
        self
    }

    /// Run until `shutdown` resolves: the scheduler and the HTTP server on `listener`.
    /// Await it where it is (`block_on`, or inside a task's own future): like
    /// [`Monitor::sync_with_rules`], whose sync it runs, the future is not `Send`, so it
    /// cannot be handed to `tokio::spawn` as is.
    pub async fn run(
        mut self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let store = self.monitor.store().clone();
        let lease = self.lease.lock().expect("lease").take();
        let lease = match lease {
            Some(lease) => lease,
            None => store.serve_lease(crate::lease::replica_id()).await?,
        };
        let leadership = Arc::new(Leadership::new(lease, self.on_event.clone()));
        self.monitor = self.monitor.replica(leadership.replica());
        for watch in &mut self.watches {
            watch.monitor = watch.monitor.clone().replica(leadership.replica());
        }
        leadership.check(true).await;
        let keeper = tokio::spawn(leadership.clone().keep());
        let health = Arc::new(Mutex::new(Health::default()));
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut app = axum::Router::new()
            .route("/healthz", get(|| async { "ok\n" }))
            .route("/readyz", get(readyz))
            .with_state(ReadyState {
                store: store.clone(),
                every: self.config.every,
                health: health.clone(),
                leadership: leadership.clone(),
                clock: self.clock.clone(),
            });
        let mut worker = None;
        let public_key = self.config.public_key.clone();
        match public_key {
            Some(key) => {
                let on_event = self.on_event.clone();
                let receiver = Receiver::new(store.clone(), key)?.on_event(move |received| {
                    if received.new {
                        on_event(&ServiceEvent::Webhook {
                            event_id: received.event.event_id.clone(),
                            event_type: received.event.event_type.clone(),
                        });
                    }
                });
                worker = Some(tokio::spawn(forward_while_leading(
                    receiver.clone(),
                    leadership.subscribe(),
                )));
                // The receiver answers any POST; here it is mounted on its one path.
                let inner = receiver.router();
                app = app.route_service(
                    "/webhooks/telnyx",
                    tower::service_fn(move |request: axum::extract::Request| {
                        use tower::ServiceExt;
                        inner.clone().oneshot(request)
                    }),
                );
            }
            None => {
                app = app.route(
                    "/webhooks/telnyx",
                    axum::routing::post(|| async {
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            "no webhook public key configured (public_key or TELNYX_PUBLIC_KEY)\n",
                        )
                    }),
                );
            }
        }
        // The dashboard's pages, API and metrics (not on a public address without a token).
        app = app.merge(crate::dashboard::for_service(
            &store,
            self.config.listen,
            self.config.policy.as_ref().map(|p| p.monthly_budget_usd),
        ));
        if let Ok(address) = listener.local_addr() {
            (self.on_event)(&ServiceEvent::Listening(address));
        }
        let mut server_stop = stop_rx.clone();
        let server = tokio::spawn(serve_router(
            app,
            listener,
            ServeOptions::default(),
            async move {
                let _ = server_stop.wait_for(|stop| *stop).await;
            },
        ));
        // The scheduler runs in this task (no spawn): it stops when told, after its sync.
        let stopper = async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        };
        tokio::join!(
            self.clone().schedule(health, leadership.clone(), stop_rx),
            stopper
        );
        if let Some(worker) = worker {
            worker.abort();
        }
        keeper.abort();
        let _ = keeper.await;
        let served = server.await;
        // The last holder now (the server's state went with it): the lease is given back.
        let released = leadership.release().await;
        served
            .map_err(std::io::Error::other)
            .and_then(|r| r)
            .map_err(|source| MonitorError::Io {
                path: format!("HTTP server on {}", self.config.listen),
                source,
            })?;
        released
    }

    /// The scheduler: sync each due enterprise, sleep until the next is due, until `stop`.
    async fn schedule(
        self,
        health: Arc<Mutex<Health>>,
        leadership: Arc<Leadership>,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let every = chrono::Duration::from_std(self.config.every).unwrap_or(chrono::Duration::MAX);
        let jitter_max = (self.config.every / 10).min(Duration::from_secs(30));
        // When each enterprise is next due, with its jitter drawn once per slot.
        let mut due: HashMap<String, DateTime<Utc>> = HashMap::new();
        let mut last_prune: Option<DateTime<Utc>> = None;
        let mut role = leadership.subscribe();
        loop {
            if *stop.borrow() {
                return;
            }
            if *role.borrow_and_update() != Role::Leader {
                // A standby: when it leads, it reads when each enterprise is due afresh.
                due.clear();
                tokio::select! {
                    _ = role.wait_for(|r| *r == Role::Leader) => {}
                    _ = stop.wait_for(|stop| *stop) => return,
                }
                continue;
            }
            let (watched, listed) = self.watched().await;
            let watched_ids: Vec<String> = watched.iter().map(|(_, e)| e.clone()).collect();
            {
                let mut health = health.lock().expect("health");
                health.listed = listed;
                health.watched = watched_ids.clone();
            }
            for (account, enterprise) in &watched {
                if *stop.borrow() {
                    return;
                }
                let next = match due.get(enterprise) {
                    Some(at) => *at,
                    None => {
                        // First look since start: due `every` after the stored last sync,
                        // or now when overdue (one catch-up, however many slots were missed).
                        let last = self.monitor.store().last_sweep(enterprise).await;
                        let at = match last {
                            Ok(Some(last)) => last + every,
                            _ => self.now(),
                        };
                        due.insert(enterprise.clone(), at);
                        at
                    }
                };
                if next > self.now() {
                    continue;
                }
                // The lease is checked right before each sync: a leader whose session was
                // lost syncs nothing more.
                if leadership.check(false).await != Role::Leader {
                    break;
                }
                // `every` from the sync's start (as from the stored last sync at start),
                // whatever the sync and its deliveries took.
                let started = self.now();
                let next = if self.sync_one(*account, enterprise, &mut stop).await {
                    started + every + jitter(jitter_max)
                } else {
                    // Its lock is held elsewhere: try again in a second.
                    self.now() + chrono::Duration::seconds(1)
                };
                due.insert(enterprise.clone(), next);
            }
            if *stop.borrow() {
                return;
            }
            self.housekeeping(&watched, &mut last_prune).await;
            let now = self.now();
            let sleep = watched_ids
                .iter()
                .filter_map(|e| due.get(e))
                .min()
                .map_or(Duration::from_secs(1), |at| {
                    (*at - now).to_std().unwrap_or(Duration::ZERO)
                })
                // Re-list the enterprises at least every minute.
                .min(Duration::from_secs(60))
                // Another clock may jump ahead: look at it often.
                .min(if self.clock.is_some() {
                    CLOCK_LOOK
                } else {
                    Duration::MAX
                })
                .max(Duration::from_millis(50));
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                // Stepped down (or up again): the top of the loop sees which.
                _ = role.changed() => {}
                _ = stop.wait_for(|stop| *stop) => return,
            }
        }
    }

    /// The enterprises to sync this round, each with its account (an index of
    /// `watches`), and whether every account's could be listed (an account whose listing
    /// failed is reported and skipped this round; the others go on).
    async fn watched(&self) -> (Vec<(usize, String)>, bool) {
        let mut out = Vec::new();
        let mut listed = true;
        for (i, watch) in self.watches.iter().enumerate() {
            if let Some(enterprises) = &watch.enterprises {
                out.extend(enterprises.iter().map(|e| (i, e.clone())));
                continue;
            }
            match watch.monitor.enterprises().await {
                Ok(all) => out.extend(all.into_iter().filter(|e| e.watchable()).map(|e| (i, e.id))),
                Err(e) => {
                    listed = false;
                    (self.on_event)(&ServiceEvent::SyncFailed {
                        enterprise_id: match &watch.account {
                            Some(name) => format!("(listing enterprises of account {name})"),
                            None => "(listing enterprises)".into(),
                        },
                        message: e.to_string(),
                    });
                }
            }
        }
        (out, listed)
    }

    /// One enterprise's sync under its lock, its rules' notifications delivered; `true`
    /// when it ran (synced or failed), `false` when another sync held the lock.
    async fn sync_one(
        &self,
        account: usize,
        enterprise: &str,
        stop: &mut tokio::sync::watch::Receiver<bool>,
    ) -> bool {
        let lock = match self.monitor.store().lock_sync(enterprise, None).await {
            Ok(lock) => lock,
            Err(MonitorError::Locked { holder, .. }) => {
                (self.on_event)(&ServiceEvent::Locked {
                    enterprise_id: enterprise.to_owned(),
                    holder,
                });
                return false;
            }
            Err(e) => {
                self.failed(enterprise, &e);
                return true;
            }
        };
        let work = self.sync_and_deliver(account, enterprise);
        let mut work = std::pin::pin!(work);
        let finished = tokio::select! {
            result = &mut work => Some(result),
            _ = stop.wait_for(|stop| *stop) => None,
        };
        let finished = match finished {
            Some(result) => Some(result),
            // Stopping: the sync in flight gets the grace to finish.
            None => tokio::time::timeout(self.grace, &mut work).await.ok(),
        };
        match finished {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                self.failed(enterprise, &e);
                self.alert_failure(account, enterprise, &e).await;
            }
            None => (self.on_event)(&ServiceEvent::Abandoned {
                enterprise_id: enterprise.to_owned(),
            }),
        }
        if let Err(e) = lock.release().await {
            self.failed(enterprise, &e);
        }
        true
    }

    async fn sync_and_deliver(&self, account: usize, enterprise: &str) -> Result<()> {
        let store = self.monitor.store();
        let monitor = &self.watches[account].monitor;
        let deliver = self.deliver_options(enterprise);
        let score_drop = self
            .rules
            .min_score_drop()
            .into_iter()
            .chain(self.config.score_drop)
            .min()
            .unwrap_or(crate::DEFAULT_SCORE_DROP);
        let options = SyncOptions {
            score_drop,
            fresh: false,
            at: self.clock.as_ref().map(|now| now()),
            policy: self.config.policy.clone(),
        };
        // Remediation is applied (queued with the sync, sent below within the budget) only
        // with a `[remediation]` table.
        let apply = self.config.remediation.is_some();
        let run = monitor
            .sync_with_rules(enterprise, &options, &self.rules, apply, |_| {})
            .await
            .map_err(|e| store.named(e))?;
        (self.on_event)(&ServiceEvent::Synced(run.report));
        // After the sync, never before it: a channel that is down or slow does not hold
        // the sync up. What earlier syncs could not deliver is due again here, oldest first.
        // Remediation goes out with the enterprise's own account's key.
        self.delivered(outbox::deliver(store, Some(monitor.client()), &deliver).await?);
        Ok(())
    }

    /// Every round: follow the remediations the store tracks; once a day, when the config
    /// sets `retention`, prune the history past it.
    async fn housekeeping(
        &self,
        watched: &[(usize, String)],
        last_prune: &mut Option<DateTime<Utc>>,
    ) {
        let now = self.now();
        for (i, watch) in self.watches.iter().enumerate() {
            // One account: every request the store follows. Several: each account's own
            // enterprises', polled with its key.
            let followed = if self.watches.len() == 1 {
                watch.monitor.follow_remediations(now).await
            } else {
                let mine: Vec<String> = watched
                    .iter()
                    .filter(|(a, _)| *a == i)
                    .map(|(_, e)| e.clone())
                    .collect();
                watch.monitor.follow_remediations_of(now, &mine).await
            };
            match followed {
                Ok(report) if !report.is_empty() => {
                    (self.on_event)(&ServiceEvent::Remediations(report));
                }
                Ok(_) => {}
                Err(e) => (self.on_event)(&ServiceEvent::HousekeepingFailed {
                    message: format!("following remediations: {e}"),
                }),
            }
        }
        let Some(retention) = self.config.retention else {
            return;
        };
        if last_prune.is_some_and(|at| now - at < chrono::Duration::days(1)) {
            return;
        }
        *last_prune = Some(now);
        let cutoff = now - chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
        let store = self.monitor.store();
        match store
            .prune(cutoff, crate::retention::DEFAULT_PRUNE_BATCH)
            .await
        {
            Ok(report) => (self.on_event)(&ServiceEvent::Pruned(report)),
            Err(e) => (self.on_event)(&ServiceEvent::HousekeepingFailed {
                message: format!("pruning history before {cutoff}: {}", store.named(e)),
            }),
        }
    }

    /// What the service delivers for `enterprise`: its rules' notifications and alerts.
    fn deliver_options(&self, enterprise: &str) -> DeliverOptions {
        let mut kinds = vec![OutboxKind::Notify, OutboxKind::Channel];
        if self.config.remediation.is_some() {
            kinds.push(OutboxKind::Remediate);
        }
        DeliverOptions {
            kinds,
            enterprise_id: Some(enterprise.to_owned()),
            channels: self.rules.channels.clone(),
            remediation_budget: self.config.remediation.clone(),
            billed_at: self.clock.as_ref().map(|now| now()),
            ..DeliverOptions::default()
        }
    }

    /// A failed sync counts toward the `sync_failing` alerts; what they queue is sent now
    /// (through the outbox: a channel that is down is retried, the sync is not held up).
    async fn alert_failure(&self, account: usize, enterprise: &str, error: &MonitorError) {
        let store = self.monitor.store();
        let queued = match store
            .record_sync_failure(&self.rules, enterprise, error)
            .await
        {
            Ok(queued) => queued,
            Err(e) => return self.failed(enterprise, &e),
        };
        if queued > 0 {
            match outbox::deliver(
                store,
                Some(self.watches[account].monitor.client()),
                &self.deliver_options(enterprise),
            )
            .await
            {
                Ok(report) => self.delivered(report),
                Err(e) => self.failed(enterprise, &e),
            }
        }
    }

    fn delivered(&self, report: outbox::DeliveryReport) {
        for item in report.delivered.into_iter().chain(report.failed) {
            (self.on_event)(&ServiceEvent::Delivered(item));
        }
    }

    fn failed(&self, enterprise: &str, error: &MonitorError) {
        (self.on_event)(&ServiceEvent::SyncFailed {
            enterprise_id: enterprise.to_owned(),
            message: error.to_string(),
        });
    }
}

/// Run the receiver's forward worker (when it forwards) only while this replica leads.
async fn forward_while_leading(receiver: Receiver, mut role: tokio::sync::watch::Receiver<Role>) {
    loop {
        if role.wait_for(|r| *r == Role::Leader).await.is_err() {
            return;
        }
        let Some(worker) = receiver.spawn_forward_worker() else {
            return;
        };
        // Stopped when this task is (the service stops) as when the replica steps down.
        let worker = AbortOnDrop(worker);
        let _ = role.wait_for(|r| *r != Role::Leader).await;
        drop(worker);
    }
}

/// A task aborted when its handle is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A random delay in `0..=max`.
fn jitter(max: Duration) -> chrono::Duration {
    let millis = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
    if millis == 0 {
        return chrono::Duration::zero();
    }
    let random = (uuid::Uuid::new_v4().as_u128() as u64) % (millis + 1);
    chrono::Duration::milliseconds(i64::try_from(random).unwrap_or(0))
}

#[derive(Clone)]
struct ReadyState {
    store: Store,
    every: Duration,
    health: Arc<Mutex<Health>>,
    leadership: Arc<Leadership>,
    clock: Option<Clock>,
}

/// 200 when the store answers and (on the leader) every watched enterprise was synced
/// within 3 intervals; 503 with the reasons otherwise. The body names this replica and its
/// role; a standby, which syncs nothing, is ready when the store answers.
async fn readyz(State(state): State<ReadyState>) -> impl IntoResponse {
    let role = state.leadership.role();
    let (watched, listed) = if role == Role::Leader {
        let health = state.health.lock().expect("health");
        (health.watched.clone(), health.listed)
    } else {
        (Vec::new(), true)
    };
    let limit = chrono::Duration::from_std(state.every * 3).unwrap_or(chrono::Duration::MAX);
    let now = state.clock.as_ref().map_or_else(Utc::now, |now| now());
    let mut reasons = Vec::new();
    let mut enterprises = serde_json::Map::new();
    if !listed {
        reasons.push("the enterprises to watch could not be listed (yet)".to_owned());
    }
    for enterprise in &watched {
        match state.store.last_sweep(enterprise).await {
            Ok(last) => {
                enterprises.insert(enterprise.clone(), serde_json::json!({ "last_sync": last }));
                match last {
                    None => reasons.push(format!("enterprise {enterprise} was never synced")),
                    Some(at) if now - at > limit => reasons.push(format!(
                        "the last sync of enterprise {enterprise} ({at}) is older than 3 intervals"
                    )),
                    Some(_) => {}
                }
            }
            Err(e) => {
                reasons.push(format!("the store does not answer: {e}"));
                break;
            }
        }
    }
    let leader = match state.store.leader_terms().await {
        Ok(terms) => terms.last().map(|t| t.replica.clone()),
        Err(e) => {
            reasons.push(format!("the store does not answer: {e}"));
            None
        }
    };
    let ready = reasons.is_empty();
    let body = serde_json::json!({
        "ready": ready,
        "replica": state.leadership.replica(),
        "role": role,
        "leader": leader,
        "reasons": reasons,
        "enterprises": enterprises,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "store = \"sqlite://m.sqlite\"\nevery = \"2s\"\nlisten = \"127.0.0.1:0\"\n";

    #[test]
    fn the_top_readme_config_parses_with_its_channel_and_alert_rule() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
                .unwrap();
        let section = &readme[readme.find("## Keep a fleet clean").unwrap()..];
        let start = section.find("```toml\n").unwrap() + "```toml\n".len();
        let block = &section[start..start + section[start..].find("```").unwrap()];
        let config = Config::parse(block, "README.md").unwrap();
        assert_eq!(config.every, Duration::from_secs(15 * 60));
        assert_eq!(config.channels.len(), 1);
        assert_eq!(config.rules.len(), 1);
        assert!(config.rules[0].get_ref().when.is_high);
        assert_eq!(
            config.rules[0].get_ref().remind_every(),
            Some(Duration::from_secs(86_400))
        );
    }

    #[test]
    fn a_good_config_parses_with_its_rules() {
        let text = format!(
            "{GOOD}enterprises = [\"e1\"]\n\n[[rule]]\nname = \"high\"\nwhen = {{ became_high = true }}\n\
             actions = [{{ type = \"notify\", url = \"http://127.0.0.1:9/h\" }}]\n"
        );
        let config = Config::parse(&text, "monitor.toml").unwrap();
        assert_eq!(config.every, Duration::from_secs(2));
        assert_eq!(config.enterprises, Some(vec!["e1".to_owned()]));
        assert_eq!(config.rules().rules.len(), 1);
        assert_eq!(
            config.warnings("http://127.0.0.1:1/v2"),
            Vec::<String>::new()
        );
        assert_eq!(config.warnings("https://api.telnyx.com/v2").len(), 1);
    }

    #[test]
    fn retention_is_days_of_history_or_unset() {
        let config = Config::parse(&format!("{GOOD}retention = \"400d\"\n"), "m.toml").unwrap();
        assert_eq!(config.retention, Some(Duration::from_secs(400 * 86_400)));
        assert_eq!(Config::parse(GOOD, "m.toml").unwrap().retention, None);
        let short = error(&format!("{GOOD}retention = \"2h\"\n"));
        assert!(
            short.starts_with("conf/monitor.toml:4: retention: ")
                && short.contains("less than a day"),
            "{short}"
        );
    }

    #[test]
    fn a_policy_table_is_the_services_re_check_policy() {
        let text = format!("{GOOD}\n[policy]\nmonthly_budget_usd = \"40.00\"\nstale_days = 14\n");
        let config = Config::parse(&text, "monitor.toml").unwrap();
        let policy = config.policy.expect("[policy] read");
        assert_eq!(policy.monthly_budget_usd.to_string(), "$40.00");
        assert_eq!(policy.stale_days, 14);
        assert!(
            Config::parse(GOOD, "monitor.toml")
                .unwrap()
                .policy
                .is_none()
        );
        let bad = error(&format!("{GOOD}\n[policy]\nmonthly_budget = 5\n"));
        assert!(bad.contains("monthly_budget"), "{bad}");
    }

    #[test]
    fn a_remediation_table_lets_the_service_submit_and_is_warned_about_when_alone() {
        let rule = "\n[[rule]]\nname = \"turned high\"\nwhen = { became_high = true }\n\
                    actions = [{ type = \"remediate\", call_purpose = \"Reminders\" }]\n";
        let budget = "\n[remediation]\nmonthly_budget_usd = \"25.00\"\n";
        let config = Config::parse(&format!("{GOOD}{budget}{rule}"), "monitor.toml").unwrap();
        let remediation = config.remediation.clone().expect("[remediation] read");
        assert_eq!(remediation.monthly_budget_usd.to_string(), "$25.00");
        assert_eq!(
            config.warnings("http://127.0.0.1:1/v2"),
            Vec::<String>::new()
        );
        let dry = Config::parse(&format!("{GOOD}{rule}"), "monitor.toml").unwrap();
        assert!(dry.remediation.is_none());
        let warned = dry.warnings("http://127.0.0.1:1/v2");
        assert!(
            warned.len() == 1 && warned[0].contains("no [remediation] table"),
            "{warned:?}"
        );
        let alone = Config::parse(&format!("{GOOD}{budget}"), "monitor.toml").unwrap();
        assert!(alone.warnings("http://127.0.0.1:1/v2")[0].contains("no rule has a remediate"));
        let bad = error(&format!("{GOOD}\n[remediation]\nmonthly_budget = \"5\"\n"));
        assert!(
            bad.starts_with("conf/monitor.toml:6: monthly_budget: unknown field"),
            "{bad}"
        );
        let bad = error(&format!(
            "{GOOD}\n[remediation]\nmonthly_budget_usd = \"five\"\n"
        ));
        assert!(
            bad.starts_with("conf/monitor.toml:6: monthly_budget_usd: "),
            "{bad}"
        );
    }

    fn error(text: &str) -> String {
        Config::parse(text, "conf/monitor.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn every_error_names_the_file_the_line_and_the_key() {
        let unknown = error(&format!("{GOOD}evry = \"5m\"\n"));
        assert!(
            unknown.starts_with("conf/monitor.toml:4: evry: unknown field"),
            "{unknown}"
        );
        let bad_every = error("store = \"x\"\nevery = \"5y\"\nlisten = \"127.0.0.1:0\"\n");
        assert!(
            bad_every.starts_with("conf/monitor.toml:2: every: unknown unit \"y\""),
            "{bad_every}"
        );
        let zero = error("store = \"x\"\nevery = \"0s\"\nlisten = \"127.0.0.1:0\"\n");
        assert!(
            zero.starts_with("conf/monitor.toml:2: every: must be at least 1s"),
            "{zero}"
        );
        let listen = error("store = \"x\"\nevery = \"5m\"\nlisten = \"nowhere\"\n");
        assert!(
            listen.starts_with("conf/monitor.toml:3: listen: "),
            "{listen}"
        );
        let missing = error("every = \"5m\"\nlisten = \"127.0.0.1:0\"\n");
        assert!(
            missing.contains(": store: missing field `store`"),
            "{missing}"
        );
        let rule = error(&format!(
            "{GOOD}\n[[rule]]\nname = \"r\"\nwhen = {{ becomes_high = true }}\nactions = []\n"
        ));
        assert!(
            rule.starts_with("conf/monitor.toml:7: becomes_high: unknown field"),
            "{rule}"
        );
        let empty = error(&format!(
            "{GOOD}\n[[rule]]\nname = \"r\"\nwhen = {{ became_high = true }}\nactions = []\n"
        ));
        assert!(
            empty.starts_with("conf/monitor.toml:5: rule: rule \"r\": `actions` is empty"),
            "{empty}"
        );
    }

    #[test]
    fn account_tables_name_their_key_variables_and_bad_ones_name_the_line_and_the_key() {
        let accounts = "\n[[account]]\nname = \"east\"\napi_key_env = \"KEY_EAST\"\n\n\
                        [[account]]\nname = \"west\"\napi_key_env = \"KEY_WEST\"\n\
                        enterprises = [\"e1\", \"e2\"]\n";
        let config = Config::parse(&format!("{GOOD}{accounts}"), "monitor.toml").unwrap();
        let names: Vec<(&str, &str, usize)> = config
            .accounts
            .iter()
            .map(|a| (a.name.as_str(), a.api_key_env.as_str(), a.line))
            .collect();
        assert_eq!(
            names,
            vec![("east", "KEY_EAST", 5), ("west", "KEY_WEST", 9)]
        );
        assert_eq!(config.accounts[0].enterprises, None);
        assert_eq!(
            config.accounts[1].enterprises,
            Some(vec!["e1".to_owned(), "e2".to_owned()])
        );
        // The key from the variable; unset or empty: the table's line, never a key.
        let env = |name: &str| (name == "KEY_EAST").then(|| "KEY_secret".to_owned());
        assert_eq!(
            config.accounts[0].api_key("monitor.toml", env).unwrap(),
            "KEY_secret"
        );
        let unset = config.accounts[1]
            .api_key("monitor.toml", env)
            .unwrap_err()
            .to_string();
        assert!(
            unset.starts_with(
                "monitor.toml:9: account.api_key_env: account \"west\": the environment variable KEY_WEST is not set"
            ),
            "{unset}"
        );
        let empty = config.accounts[0]
            .api_key("monitor.toml", |_| Some("  ".into()))
            .unwrap_err()
            .to_string();
        assert!(
            empty.starts_with("monitor.toml:5: account.api_key_env: "),
            "{empty}"
        );
        // Lines 5-7: east; 9-12: west.
        let cases = [
            (
                format!(
                    "{GOOD}{}",
                    accounts.replace("\"KEY_EAST\"", "\"KEY_live_0123abc-x\"")
                ),
                "conf/monitor.toml:7: account.api_key_env: account \"east\": api_key_env names the environment variable",
            ),
            (
                format!("{GOOD}{}", accounts.replace("\"west\"", "\"east\"")),
                "conf/monitor.toml:10: account.name: an account named \"east\" is already on line 6",
            ),
            (
                format!("{GOOD}{}", accounts.replace("[\"e1\", \"e2\"]", "[]")),
                "conf/monitor.toml:12: account.enterprises: account \"west\": enterprises is empty",
            ),
            (
                format!(
                    "{GOOD}{}",
                    accounts.replace("api_key_env = \"KEY_WEST\"", "api_key = \"KEY_WEST\"")
                ),
                "conf/monitor.toml:11: api_key: unknown field `api_key`",
            ),
            (
                format!("{GOOD}{}", accounts.replace("name = \"east\"\n", "")),
                "conf/monitor.toml:5: name: missing field `name`",
            ),
            (
                format!("{GOOD}enterprises = [\"e9\"]\n{accounts}"),
                "conf/monitor.toml:4: enterprises: with [[account]] tables, list each account's enterprises in its table",
            ),
        ];
        for (text, expected) in cases {
            let got = error(&text);
            assert!(got.starts_with(expected), "{got}\nexpected: {expected}");
        }
    }

    #[test]
    fn channels_parse_and_bad_ones_name_the_file_the_line_and_the_key() {
        let channels =
            "\n[[channel]]\nname = \"ops\"\ntype = \"slack\"\nurl = \"http://127.0.0.1:9/s\"\n";
        let rule = "\n[[rule]]\nname = \"high\"\nwhen = { is_high = true }\nremind_every = \"4h\"\n\
                    actions = [{ type = \"notify\", channel = \"ops\" }]\n";
        let config = Config::parse(&format!("{GOOD}{channels}{rule}"), "monitor.toml").unwrap();
        let rules = config.rules();
        assert_eq!(rules.channels[0].name, "ops");
        assert_eq!(
            rules.rules[0].remind_every(),
            Some(Duration::from_secs(4 * 3600))
        );
        // Lines 5-8: the channel; 10-14: the rule.
        let cases = [
            (
                format!(
                    "{GOOD}{}{rule}",
                    channels.replace("type = \"slack\"", "type = \"pager\"")
                ),
                "conf/monitor.toml:7: type: unknown variant `pager`",
            ),
            (
                format!(
                    "{GOOD}{}{rule}",
                    channels.replace("url = \"http://127.0.0.1:9/s\"", "url = \"ftp://x\"")
                ),
                "conf/monitor.toml:8: channel.url: channel \"ops\": \"ftp://x\" is not http(s)",
            ),
            (
                format!("{GOOD}{}{rule}", channels.replace("slack", "webhook")),
                "conf/monitor.toml:5: channel.secret_env: channel \"ops\": a webhook channel needs secret_env",
            ),
            (
                format!("{GOOD}{channels}{channels}{rule}"),
                "conf/monitor.toml:11: channel.name: a channel named \"ops\" is already on line 6",
            ),
            (
                format!("{GOOD}{}{rule}", channels.replace("name = ", "nme = ")),
                "conf/monitor.toml:6: nme: unknown field `nme`",
            ),
            (
                format!(
                    "{GOOD}{channels}{}",
                    rule.replace("channel = \"ops\"", "channel = \"pager\"")
                ),
                "conf/monitor.toml:10: rule: rule \"high\": notify channel \"pager\" is not a [[channel]] of this file (channels: ops)",
            ),
            (
                format!("{GOOD}{channels}{}", rule.replace("4h", "4y")),
                "conf/monitor.toml:10: rule: rule \"high\": remind_every: unknown unit \"y\"",
            ),
            (
                format!(
                    "{GOOD}{channels}{}",
                    rule.replace("channel = \"ops\"", "url = \"http://127.0.0.1:9/h\"")
                ),
                "conf/monitor.toml:10: rule: rule \"high\": is_high, no_reading_for_days and sync_failing hold",
            ),
        ];
        let mail = "\n[[channel]]\nname = \"ops\"\ntype = \"email\"\nfrom = \"a@example.test\"\nto = [\"b@example.test\"]\n";
        let cases = cases.into_iter().chain([
            (
                format!("{GOOD}{mail}{rule}"),
                "conf/monitor.toml:5: channel.smtp_host: channel \"ops\": an email channel needs smtp_host",
            ),
            (
                format!("{GOOD}{}{rule}", mail.replace("type = \"email\"", "type = \"email\"\nsmtp_host = \"h\"\nusername = \"u\"")),
                "conf/monitor.toml:5: channel.password_env: channel \"ops\": username and password_env go together",
            ),
            (
                format!("{GOOD}{}{rule}", mail.replace("type = \"email\"", "type = \"email\"\nsmtp_host = \"h\"\ntls = \"ssl\"")),
                "conf/monitor.toml:9: tls: unknown variant `ssl`",
            ),
        ]);
        for (text, expected) in cases {
            let got = error(&text);
            assert!(got.starts_with(expected), "{got}\nexpected: {expected}");
        }
    }
}
