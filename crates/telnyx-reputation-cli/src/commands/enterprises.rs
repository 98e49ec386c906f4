//! `enterprises`: create, list, get, replace and delete the business records.

use clap::Subcommand;
use telnyx_reputation::{Enterprise, EnterpriseUpdate, NewEnterprise};

use super::{Context, fetch, read_json};
use crate::cli::{JsonBody, PageArgs};
use crate::exit::{CliError, CliResult};
use crate::output::{View, cell, opt, time};

/// Enterprise operations.
#[derive(Subcommand, Debug)]
pub enum EnterprisesCommand {
    /// Create an enterprise from a JSON body (the API's field names).
    Create(JsonBody),
    /// List the account's enterprises.
    List {
        /// Only enterprises whose legal name contains this text.
        #[arg(long)]
        legal_name_contains: Option<String>,
        #[command(flatten)]
        paging: PageArgs,
    },
    /// Show one enterprise (default: --enterprise).
    Get {
        /// Enterprise id.
        id: Option<String>,
    },
    /// Replace an enterprise's mutable fields from a JSON body.
    Replace {
        /// Enterprise id (default: --enterprise).
        id: Option<String>,
        #[command(flatten)]
        body: JsonBody,
    },
    /// Delete an enterprise. Without an explicit id it deletes the one of
    /// --enterprise/TELNYX_ENTERPRISE_ID only once confirmed: asked on a terminal, or
    /// `--yes`.
    Delete {
        /// Enterprise id (default: --enterprise, after confirmation).
        id: Option<String>,
        /// Delete the --enterprise/TELNYX_ENTERPRISE_ID enterprise without asking.
        #[arg(long)]
        yes: bool,
    },
}

/// Run an `enterprises` subcommand.
pub async fn run(ctx: &Context, command: EnterprisesCommand) -> CliResult {
    let enterprises = ctx.client()?.enterprises();
    let id_or_default = |id: Option<String>| id.map_or_else(|| ctx.enterprise_id(), Ok);
    let view = match command {
        EnterprisesCommand::Create(body) => {
            let new: NewEnterprise = read_json(&body.path)?;
            enterprise_view(&enterprises.create(new).await?)
        }
        EnterprisesCommand::List {
            legal_name_contains,
            paging,
        } => {
            let mut pager = enterprises.list();
            if let Some(text) = legal_name_contains {
                pager = pager.legal_name_contains(text);
            }
            enterprises_view(&fetch(pager, paging).await?)
        }
        EnterprisesCommand::Get { id } => {
            enterprise_view(&enterprises.get(id_or_default(id)?).await?)
        }
        EnterprisesCommand::Replace { id, body } => {
            let update: EnterpriseUpdate = read_json(&body.path)?;
            enterprise_view(&enterprises.replace(id_or_default(id)?, update).await?)
        }
        EnterprisesCommand::Delete { id, yes } => {
            let id = match id {
                Some(id) => id,
                None => {
                    let id = ctx.enterprise_id()?;
                    confirm_default_delete(&id, yes)?;
                    id
                }
            };
            enterprises.delete(id.clone()).await?;
            View::record(
                vec!["id", "deleted"],
                vec![cell(id.clone()), cell(true)],
                serde_json::json!({"id": id, "deleted": true}),
            )
        }
    };
    Ok(view.print(ctx.format())?)
}

/// A delete of the enterprise named only by --enterprise/TELNYX_ENTERPRISE_ID (an
/// environment variable left set is easy to forget): `--yes`, or a `y` typed on a terminal;
/// without a terminal and `--yes` it is refused, nothing sent.
fn confirm_default_delete(id: &str, yes: bool) -> CliResult<()> {
    use std::io::{BufRead, IsTerminal, Write};
    if yes {
        return Ok(());
    }
    let refused = || {
        CliError::usage(format!(
            "refused: `enterprises delete` without an id would delete {id} (from --enterprise or \
             TELNYX_ENTERPRISE_ID); pass the id explicitly or add --yes; nothing was deleted"
        ))
    };
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(refused());
    }
    eprint!("delete enterprise {id} (from --enterprise or TELNYX_ENTERPRISE_ID)? [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(refused())
    }
}

const COLUMNS: [&str; 7] = [
    "id",
    "legal_name",
    "doing_business_as",
    "organization_type",
    "country_code",
    "number_reputation_enabled",
    "created_at",
];

fn row(e: &Enterprise) -> Vec<Option<String>> {
    vec![
        cell(&e.id),
        cell(&e.legal_name),
        cell(&e.doing_business_as),
        cell(&e.organization_type),
        cell(&e.country_code),
        opt(e.number_reputation_enabled),
        time(e.created_at),
    ]
}

/// One enterprise.
pub fn enterprise_view(e: &Enterprise) -> View {
    View::record(COLUMNS.to_vec(), row(e), View::json_of(e))
}

fn enterprises_view(items: &[Enterprise]) -> View {
    View::list(
        COLUMNS.to_vec(),
        items.iter().map(row).collect(),
        View::json_of(&items),
    )
}
