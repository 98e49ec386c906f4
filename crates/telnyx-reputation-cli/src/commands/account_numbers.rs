//! `account-numbers`: monitored numbers across every enterprise of the account (the API's
//! "simplified" endpoints, no enterprise id).

use clap::Subcommand;

use super::{Context, fetch};
use crate::cli::PageArgs;
use crate::commands::numbers::{number_view, numbers_view, removed_view};
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
    /// Show one number's cached reputation.
    Get {
        /// The number, E.164.
        number: String,
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
        AccountNumbersCommand::Get { number } => number_view(&numbers.get(&number).await?),
        AccountNumbersCommand::Remove { number } => {
            numbers.remove(&number).await?;
            removed_view(&number)
        }
    };
    Ok(view.print(ctx.format())?)
}
