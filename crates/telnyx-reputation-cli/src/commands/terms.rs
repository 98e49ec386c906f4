//! `terms`: the Number Reputation terms of service (agree, status, info, agreements).

use clap::Subcommand;
use telnyx_reputation::{ProductType, TermsInfo, TosAgreement, TosStatus};

use super::{Context, fetch};
use crate::cli::PageArgs;
use crate::exit::CliResult;
use crate::output::{View, cell, opt, opt_time, time};

/// Terms of service operations.
#[derive(Subcommand, Debug)]
pub enum TermsCommand {
    /// Agree to the Number Reputation terms (one-time, idempotent).
    Agree,
    /// Whether the account has agreed.
    Status {
        /// Product: number_reputation or branded_calling.
        #[arg(long, default_value = "number_reputation")]
        product: ProductType,
    },
    /// The current terms versions.
    Info {
        /// Only this product (number_reputation or branded_calling).
        #[arg(long)]
        product: Option<ProductType>,
    },
    /// List the account's agreements.
    Agreements {
        /// Product: number_reputation or branded_calling.
        #[arg(long, default_value = "number_reputation")]
        product: ProductType,
        #[command(flatten)]
        paging: PageArgs,
    },
    /// Show one agreement.
    Agreement {
        /// The agreement id.
        id: String,
    },
}

/// Run a `terms` subcommand.
pub async fn run(ctx: &Context, command: TermsCommand) -> CliResult {
    let terms = ctx.client()?.terms_of_service();
    let view = match command {
        TermsCommand::Agree => agreement_view(&terms.agree_number_reputation().await?),
        TermsCommand::Status { product } => status_view(&terms.status(product).await?),
        TermsCommand::Info { product } => info_view(&terms.info(product).await?),
        TermsCommand::Agreements { product, paging } => {
            agreements_view(&fetch(terms.agreements().list().product_type(product), paging).await?)
        }
        TermsCommand::Agreement { id } => agreement_view(&terms.agreements().get(id).await?),
    };
    Ok(view.print(ctx.format())?)
}

const AGREEMENT: [&str; 5] = [
    "id",
    "product_type",
    "version",
    "terms_version",
    "agreed_at",
];

fn agreement_row(a: &TosAgreement) -> Vec<Option<String>> {
    vec![
        cell(&a.id),
        cell(&a.product_type),
        cell(&a.version),
        cell(&a.terms_version),
        time(a.agreed_at),
    ]
}

/// One agreement.
pub fn agreement_view(a: &TosAgreement) -> View {
    View::record(AGREEMENT.to_vec(), agreement_row(a), View::json_of(a))
}

fn agreements_view(items: &[TosAgreement]) -> View {
    View::list(
        AGREEMENT.to_vec(),
        items.iter().map(agreement_row).collect(),
        View::json_of(&items),
    )
}

fn status_view(s: &TosStatus) -> View {
    View::record(
        vec![
            "product_type",
            "has_agreed",
            "agreement_required",
            "current_terms_version",
            "agreed_version",
            "agreed_at",
        ],
        vec![
            cell(&s.product_type),
            cell(s.has_agreed),
            cell(s.agreement_required),
            cell(&s.current_terms_version),
            opt(s.agreed_version.as_ref()),
            opt_time(s.agreed_at),
        ],
        View::json_of(s),
    )
}

fn info_view(items: &[TermsInfo]) -> View {
    View::list(
        vec![
            "product_type",
            "current_version",
            "effective_date",
            "terms_url",
        ],
        items
            .iter()
            .map(|i| {
                vec![
                    opt(i.product_type.as_ref()),
                    opt(i.current_version.as_ref()),
                    opt(i.effective_date),
                    opt(i.terms_url.as_ref()),
                ]
            })
            .collect(),
        View::json_of(&items),
    )
}
