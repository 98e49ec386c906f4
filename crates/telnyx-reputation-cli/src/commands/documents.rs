//! `documents upload`: send a file (the signed LOA, evidence) to the Documents API.

use std::path::PathBuf;

use clap::Subcommand;
use telnyx_reputation::Document;

use super::Context;
use crate::exit::{CliError, CliResult};
use crate::output::{View, cell, opt, opt_time};

/// Documents operations.
#[derive(Subcommand, Debug)]
pub enum DocumentsCommand {
    /// Upload a file; prints the document id (use it as `loa_document_id`).
    Upload {
        /// The file to upload, e.g. the signed `loa.pdf`.
        path: PathBuf,
    },
}

/// Run a `documents` subcommand.
pub async fn run(ctx: &Context, command: DocumentsCommand) -> CliResult {
    let DocumentsCommand::Upload { path } = command;
    let document = upload(&ctx.client()?, &path).await?;
    Ok(document_view(&document).print(ctx.format())?)
}

/// Upload the file at `path` under its own file name.
pub async fn upload(
    client: &telnyx_reputation::Client,
    path: &std::path::Path,
) -> CliResult<Document> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::other(format!("cannot read {}: {e}", path.display())))?;
    let name = path
        .file_name()
        .map_or_else(|| "document".into(), |n| n.to_string_lossy().into_owned());
    Ok(client.documents().upload(name, bytes).await?)
}

/// One document.
pub fn document_view(d: &Document) -> View {
    View::record(
        vec![
            "id",
            "filename",
            "content_type",
            "size",
            "status",
            "created_at",
        ],
        vec![
            cell(&d.id),
            opt(d.filename.as_ref()),
            opt(d.content_type.as_ref()),
            d.size.as_ref().and_then(|s| {
                s.amount.map(|a| {
                    format!("{a} {}", s.unit.as_deref().unwrap_or(""))
                        .trim()
                        .to_owned()
                })
            }),
            opt(d.status.as_ref()),
            opt_time(d.created_at),
        ],
        View::json_of(d),
    )
}
