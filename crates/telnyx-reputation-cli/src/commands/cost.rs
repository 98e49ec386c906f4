//! `cost forecast` and `cost prices`: what the account costs a month, read with free calls
//! only (enterprises, their settings, one page of one number each for the count), priced
//! with the price table (the published one, or `--prices FILE`).
//!
//! The forecast is the monitoring fee of every enterprise with Number Reputation enabled
//! plus its scheduled re-checks: numbers × checks a month of its `check_frequency` × the
//! price of a check. A month is the average Gregorian month, 365.25 / 12 = 30.4375 days;
//! `business_daily` checks Monday to Friday (5 of 7 days, 21.74 a month), `daily` 30.44,
//! `weekly` 4.35, `biweekly` 2.17, `monthly` 1, `never` 0. Fresh reads, refreshes, adds and
//! remediations are on demand and not forecast (`usage()` and the ledger count them).

use clap::{Args, Subcommand};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use telnyx_reputation::{
    Amount, CheckFrequency, Client, ErrorKind, PriceItem, PriceTable, ReputationStatus, Usd,
};

use crate::commands::Context;
use crate::exit::{CliError, CliResult};
use crate::output::{Format, View, cell};

/// The cost commands.
#[derive(Subcommand, Debug)]
pub enum CostCommand {
    /// Monthly cost per enterprise and in total: the monitoring fee plus the scheduled
    /// re-checks of its `check_frequency`. Reads the account with free calls only.
    Forecast(ForecastArgs),
    /// The price table in use (published prices with `--prices FILE` applied).
    Prices,
}

/// What-ifs of `cost forecast`; `--enterprise` forecasts that enterprise only.
#[derive(Args, Debug)]
pub struct ForecastArgs {
    /// What if every forecast enterprise re-checked at this frequency (business_daily,
    /// daily, weekly, biweekly, monthly, never).
    #[arg(long, value_name = "FREQUENCY")]
    pub frequency: Option<CheckFrequency>,
    /// What if each forecast enterprise had N more (`+500`), fewer (`-100`) or exactly
    /// (`2000`) numbers.
    #[arg(long, value_name = "+N|-N|N", allow_hyphen_values = true)]
    pub numbers: Option<NumbersChange>,
    /// What if each enabled enterprise also ran this budgeted re-check policy (a
    /// `monitor sync --policy` file): its monthly budget is added as the most it spends.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<std::path::PathBuf>,
}

/// `--numbers`: a change or a new count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumbersChange {
    /// `+N` / `-N`.
    By(i64),
    /// `N`.
    To(u64),
}

impl std::str::FromStr for NumbersChange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?}: expected +N, -N or N (a count of numbers)");
        if let Some(rest) = text.strip_prefix('+') {
            rest.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(NumbersChange::By)
                .ok_or_else(bad)
        } else if text.starts_with('-') {
            text.parse::<i64>()
                .map(NumbersChange::By)
                .map_err(|_| bad())
        } else {
            text.parse::<u64>()
                .map(NumbersChange::To)
                .map_err(|_| bad())
        }
    }
}

impl NumbersChange {
    fn apply(self, count: u64) -> u64 {
        match self {
            NumbersChange::To(n) => n,
            NumbersChange::By(delta) if delta >= 0 => count.saturating_add(delta.unsigned_abs()),
            NumbersChange::By(delta) => count.saturating_sub(delta.unsigned_abs()),
        }
    }
}

/// Days in the average month (365.25 / 12), as a fraction: 1461 / 48.
const MONTH_DAYS: (u128, u128) = (1461, 48);

/// Scheduled checks of one number in an average month, as a fraction; `None` for a
/// frequency this version does not know.
pub fn checks_per_month(frequency: &CheckFrequency) -> Option<(u128, u128)> {
    let (days, per) = MONTH_DAYS;
    Some(match frequency {
        CheckFrequency::BusinessDaily => (days * 5, per * 7),
        CheckFrequency::Daily => (days, per),
        CheckFrequency::Weekly => (days, per * 7),
        CheckFrequency::Biweekly => (days, per * 14),
        CheckFrequency::Monthly => (1, 1),
        CheckFrequency::Never => (0, 1),
        _ => return None,
    })
}

/// `(num / den)` with two decimals, for printing.
fn fraction(num: u128, den: u128) -> String {
    let hundredths = (num * 100 + den / 2) / den;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The monthly cost of one enterprise: its fee, its scheduled re-checks and the most a
/// budgeted re-check policy spends.
struct Forecast {
    fee: Amount,
    rechecks: Amount,
    policy: Usd,
}

impl Forecast {
    fn total(&self) -> Amount {
        let mut total = self.fee.clone();
        total.add_amount(&self.rechecks);
        total.known = total.known.saturating_add(self.policy);
        total
    }
}

/// The monthly cost of an enabled enterprise with `numbers` at `frequency`. Re-checks are
/// rounded to the micro-dollar; with an unknown check price, the checks are counted as
/// unknown units (rounded to whole checks) instead of a figure.
fn forecast(prices: &PriceTable, frequency: &CheckFrequency, numbers: u64) -> Option<Forecast> {
    let (num, den) = checks_per_month(frequency)?;
    let fee = prices.cost(PriceItem::Monitoring, 1);
    let checks = u128::from(numbers) * num;
    let mut rechecks = Amount::default();
    if checks > 0 {
        match prices.usd(PriceItem::ScheduledRefresh) {
            Some(price) => {
                let micros = (checks * u128::from(price.micros()) + den / 2) / den;
                rechecks.known = Usd::from_micros(u64::try_from(micros).unwrap_or(u64::MAX));
            }
            None => {
                let units = u64::try_from((checks + den / 2) / den).unwrap_or(u64::MAX);
                rechecks.unknown.insert(PriceItem::ScheduledRefresh, units);
            }
        }
    }
    Some(Forecast {
        fee,
        rechecks,
        policy: Usd::ZERO,
    })
}

/// A unit price as a decimal, or `unknown`.
fn price_text(prices: &PriceTable, item: PriceItem) -> String {
    prices
        .usd(item)
        .map_or_else(|| "unknown".to_owned(), Usd::to_decimal)
}

/// What one enterprise is, read from the account.
struct Account {
    id: String,
    name: String,
    /// `None`: Number Reputation is not enabled (no fee, no re-checks).
    settings: Option<(ReputationStatus, CheckFrequency)>,
    numbers: u64,
}

/// Read one enterprise: its settings (404: not enabled) and its numbers' count (the
/// `total_results` of a one-item page). Both are free calls.
async fn read_enterprise(client: Client, id: String, name: String) -> CliResult<Account> {
    let rep = client.reputation(&id);
    let settings = match rep.settings().await {
        Ok(s) => Some((s.status, s.check_frequency)),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let numbers = match settings {
        Some(_) => {
            rep.numbers()
                .list()
                .page_size(1)
                .fetch_page(1)
                .await?
                .meta
                .total_results
        }
        None => 0,
    };
    Ok(Account {
        id,
        name,
        settings,
        numbers,
    })
}

/// Run a cost command.
pub async fn run(ctx: &Context, command: CostCommand) -> CliResult {
    match command {
        CostCommand::Prices => prices(ctx),
        CostCommand::Forecast(args) => forecast_command(ctx, args).await,
    }
}

fn prices(ctx: &Context) -> CliResult {
    let table = ctx.prices()?;
    let rows = table
        .rows()
        .iter()
        .map(|p| {
            vec![
                cell(p.item),
                cell(p.unit),
                cell(
                    p.usd
                        .map_or_else(|| "unknown".to_owned(), |u| u.to_string()),
                ),
                cell(&p.source),
                cell(&p.read),
            ]
        })
        .collect();
    View::list(
        vec!["item", "unit", "usd", "source", "read"],
        rows,
        View::json_of(&table),
    )
    .print(ctx.format())?;
    Ok(())
}

async fn forecast_command(ctx: &Context, args: ForecastArgs) -> CliResult {
    if let Some(f) = &args.frequency
        && checks_per_month(f).is_none()
    {
        return Err(CliError::usage(format!(
            "--frequency {f}: expected business_daily, daily, weekly, biweekly, monthly or never"
        )));
    }
    let policy = args
        .policy
        .as_deref()
        .map(telnyx_reputation_monitor::Policy::load)
        .transpose()
        .map_err(|e| CliError::usage(e.to_string()))?;
    let policy_budget = policy.as_ref().map(|p| p.monthly_budget_usd);
    let prices = ctx.prices()?;
    let client = ctx.client()?;
    let enterprises = client.enterprises().list().collect_all().await?;
    let only = ctx.enterprise_filter();
    if let Some(id) = &only
        && !enterprises.iter().any(|e| &e.id == id)
    {
        return Err(CliError::usage(format!(
            "no enterprise {id} in this account"
        )));
    }
    let reads = enterprises
        .into_iter()
        .filter(|e| only.as_ref().is_none_or(|id| &e.id == id))
        .map(|e| read_enterprise(client.clone(), e.id, e.legal_name));
    // A few reads at a time, in the account's order.
    let accounts: Vec<Account> = futures::stream::iter(reads)
        .buffered(8)
        .try_collect()
        .await?;

    let mut total_now = Amount::default();
    let mut total = Amount::default();
    let mut total_numbers = 0u64;
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    for account in &accounts {
        let Some((status, frequency_now)) = &account.settings else {
            rows.push(vec![
                cell(&account.id),
                cell(&account.name),
                cell("not enabled"),
                None,
                cell(0),
                None,
                cell(Usd::ZERO),
                cell(Usd::ZERO),
                cell(Usd::ZERO),
                cell(Usd::ZERO),
            ]);
            json_rows.push(json!({
                "enterprise_id": account.id, "legal_name": account.name, "status": "not_enabled",
                "check_frequency": null, "numbers": 0, "checks_per_month": "0.00",
                "monitoring": Amount::default(), "rechecks": Amount::default(),
                "total": Amount::default(), "current_total": Amount::default(),
            }));
            continue;
        };
        let frequency = args
            .frequency
            .clone()
            .unwrap_or_else(|| frequency_now.clone());
        let numbers = args
            .numbers
            .map_or(account.numbers, |c| c.apply(account.numbers));
        let unknown_frequency = || {
            CliError::other(format!(
                "enterprise {}: check_frequency {frequency_now} is not known to this version; \
                 forecast it with --frequency",
                account.id
            ))
        };
        let now =
            forecast(&prices, frequency_now, account.numbers).ok_or_else(unknown_frequency)?;
        let mut then = forecast(&prices, &frequency, numbers).ok_or_else(unknown_frequency)?;
        then.policy = policy_budget.unwrap_or(Usd::ZERO);
        let (num, den) = checks_per_month(&frequency).expect("forecast checked the frequency");
        let checks = fraction(num, den);
        total_now.add_amount(&now.total());
        total.add_amount(&then.total());
        total_numbers += numbers;
        rows.push(vec![
            cell(&account.id),
            cell(&account.name),
            cell(status),
            cell(&frequency),
            cell(numbers),
            cell(&checks),
            cell(&then.fee),
            cell(&then.rechecks),
            cell(then.total()),
            cell(now.total()),
        ]);
        json_rows.push(json!({
            "enterprise_id": account.id, "legal_name": account.name, "status": status,
            "check_frequency": frequency, "numbers": numbers, "checks_per_month": checks,
            "monitoring": then.fee, "rechecks": then.rechecks, "policy": then.policy.to_decimal(),
            "total": then.total(), "current_total": now.total(),
        }));
    }
    rows.push(vec![
        cell("total"),
        None,
        None,
        None,
        cell(total_numbers),
        None,
        None,
        None,
        cell(&total),
        cell(&total_now),
    ]);
    let what_if = json!({
        "frequency": args.frequency,
        "numbers": args.numbers.map(|c| match c {
            NumbersChange::By(n) => format!("{n:+}"),
            NumbersChange::To(n) => n.to_string(),
        }),
        "policy_monthly_budget": policy_budget.map(|b| b.to_decimal()),
    });
    let assumptions = ASSUMPTIONS.map(str::to_owned);
    let view = View::list(
        vec![
            "enterprise_id",
            "legal_name",
            "status",
            "check_frequency",
            "numbers",
            "checks_per_month",
            "monitoring",
            "rechecks",
            "total",
            "current_total",
        ],
        rows,
        json!({
            "enterprises": json_rows, "numbers": total_numbers, "total": total,
            "current_total": total_now, "what_if": what_if, "assumptions": assumptions,
            "prices": {
                "monitoring": price_text(&prices, PriceItem::Monitoring),
                "scheduled_refresh": price_text(&prices, PriceItem::ScheduledRefresh),
            },
        }),
    );
    view.print(ctx.format())?;
    if ctx.format() == Format::Table {
        eprintln!("monthly forecast: {total} ({total_numbers} numbers)");
        if let Some(budget) = policy_budget {
            eprintln!(
                "includes a re-check policy of at most {budget} a month per enabled enterprise"
            );
        }
        for line in ASSUMPTIONS {
            eprintln!("assumes: {line}");
        }
    }
    Ok(())
}

/// What the forecast assumes, printed with it.
const ASSUMPTIONS: [&str; 4] = [
    "a month of 30.4375 days (365.25 / 12); business_daily checks 5 days in 7 (21.74 a month), \
     daily 30.44, weekly 4.35, biweekly 2.17, monthly 1, never 0",
    "the monitoring fee is charged for every enterprise with Number Reputation enabled, \
     whatever its status; re-checks cover every number it monitors",
    "fresh reads, refreshes, adds and remediations are on demand and not included",
    "the numbers are counted now; numbers added or removed during the month change the cost",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousand_numbers_cost_what_the_pricing_notes_say_a_month() {
        // Published rough figures per 1,000 numbers: business_daily ≈ $2,200, daily ≈ $3,000,
        // weekly ≈ $430, biweekly ≈ $215, monthly ≈ $100.
        let prices = PriceTable::default();
        for (frequency, dollars) in [
            (CheckFrequency::BusinessDaily, "2174.107143"),
            (CheckFrequency::Daily, "3043.75"),
            (CheckFrequency::Weekly, "434.821429"),
            (CheckFrequency::Biweekly, "217.410714"),
            (CheckFrequency::Monthly, "100.00"),
            (CheckFrequency::Never, "0.00"),
        ] {
            let f = forecast(&prices, &frequency, 1000).unwrap();
            assert_eq!(f.rechecks.known.to_decimal(), dollars, "{frequency}");
            assert_eq!(f.fee.known, Usd::from_cents(10_000));
        }
    }

    #[test]
    fn numbers_what_ifs_add_remove_or_set() {
        let parse = |t: &str| t.parse::<NumbersChange>();
        assert_eq!(parse("+500").unwrap().apply(1000), 1500);
        assert_eq!(parse("-100").unwrap().apply(1000), 900);
        assert_eq!(parse("-5000").unwrap().apply(1000), 0);
        assert_eq!(parse("2000").unwrap().apply(1000), 2000);
        for bad in ["", "+", "+-1", "many", "1.5"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
