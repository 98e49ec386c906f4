//! `external-verification`: submit evidence documents for an enterprise, and read the review.

use clap::Subcommand;
use telnyx_reputation::ExternalVerification;

use super::Context;
use crate::exit::CliResult;
use crate::output::{View, opt, opt_time};

/// External verification operations.
#[derive(Subcommand, Debug)]
pub enum ExternalVerificationCommand {
    /// Submit uploaded evidence documents.
    Submit {
        /// Document ids (from `documents upload`).
        #[arg(required = true)]
        document_ids: Vec<String>,
        /// Numbers the evidence covers.
        #[arg(long = "phone-number", value_name = "E164")]
        phone_numbers: Vec<String>,
    },
    /// Show the current verification.
    Get,
}

/// Run an `external-verification` subcommand.
pub async fn run(ctx: &Context, command: ExternalVerificationCommand) -> CliResult {
    let verification = ctx.reputation()?.external_verification();
    let result = match command {
        ExternalVerificationCommand::Submit {
            document_ids,
            phone_numbers,
        } => {
            let numbers = (!phone_numbers.is_empty()).then_some(phone_numbers);
            verification.submit(document_ids, numbers).await?
        }
        ExternalVerificationCommand::Get => verification.get().await?,
    };
    Ok(view(&result).print(ctx.format())?)
}

fn view(v: &ExternalVerification) -> View {
    View::record(
        vec![
            "enterprise_id",
            "status",
            "document_ids",
            "phone_numbers",
            "rejection_reason",
            "submitted_at",
            "reviewed_at",
        ],
        vec![
            opt(v.enterprise_id.as_ref()),
            opt(v.status.as_ref()),
            Some(v.document_ids.join(" ")),
            Some(v.phone_numbers.join(" ")),
            opt(v.rejection_reason.as_ref()),
            opt_time(v.submitted_at),
            opt_time(v.reviewed_at),
        ],
        View::json_of(v),
    )
}
