//! `account-numbers`: monitored numbers across every enterprise of the account (the API's
//! "simplified" endpoints, no enterprise id).

use clap::Subcommand;

use super::{Context, fetch};
use crate::cli::PageArgs;
use crate::commands::numbers::{number_view, numbers_view, removed_view, single_dry_run};
use crate::exit::CliResult;

/// Account-wide number operations.
#[derive(Subcommand, Debug)]
pub enum AccountNumbersCommand {
    /// List monitored numbers across all enterprises.
    List {
        /// Only numbers of this enterprise.
        #[arg(long = "of-enterprise", value_name = "ID")]
        enterprise_id: Option<String>,
        #[command(flatten)]
        paging: PageArgs,
    },
    /// Show one number's reputation (cached; --fresh for a live, billed lookup).
    Get {
        /// The number, E.164.
        number: String,
        /// Live lookup (billed).
        #[arg(long)]
        fresh: bool,
        /// With --fresh: print the billable request instead of sending it.
        #[arg(long, requires = "fresh")]
        dry_run: bool,
    },
    /// Stop monitoring a number.
    Remove {
        /// The number, E.164.
        number: String,
    },
}

/// Run an `account-numbers` subcommand.
pub async fn run(ctx: &Context, command: AccountNumbersCommand) -> CliResult {
    let numbers = ctx.client()?.numbers();
    let view = match command {
        AccountNumbersCommand::List {
            enterprise_id,
            paging,
        } => {
            let mut pager = numbers.list();
            if let Some(id) = enterprise_id {
                pager = pager.enterprise_id(id);
            }
            numbers_view(&fetch(pager, paging).await?)
        }
        AccountNumbersCommand::Get {
            number,
            fresh,
            dry_run,
        } => {
            if dry_run {
                telnyx_reputation::PhoneNumber::parse(&number)?;
                return single_dry_run(ctx, "account_numbers.get_fresh", &number);
            }
            let n = if fresh {
                numbers.get_fresh(&number).await?
            } else {
                numbers.get(&number).await?
            };
            number_view(&n)
        }
        AccountNumbersCommand::Remove { number } => {
            numbers.remove(&number).await?;
            removed_view(&number)
        }
    };
    Ok(view.print(ctx.format())?)
}
