//! `loa`: render the Letter of Authorization PDF, and point the settings at a new signed one.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use telnyx_reputation::{LoaAgent, LoaRenderOptions, LoaSignature};

use super::{Context, read_json};
use crate::exit::{CliError, CliResult};
use crate::output::{View, cell};

/// LOA operations.
#[derive(Subcommand, Debug)]
pub enum LoaCommand {
    /// Render the pre-filled LOA as a PDF file (not billable).
    Render {
        /// Where to write the PDF.
        #[arg(long, short, default_value = "loa.pdf")]
        out: PathBuf,
        /// JSON file with a reseller `agent` block (the API's field names).
        #[arg(long, value_name = "PATH")]
        agent: Option<PathBuf>,
        /// Signature image (PNG) to embed; without it the PDF comes back unsigned.
        #[arg(long, value_name = "PATH", requires = "signer_name")]
        signature_image: Option<PathBuf>,
        /// Name printed under the embedded signature.
        #[arg(long)]
        signer_name: Option<String>,
    },
    /// Replace a pending or rejected LOA with a new uploaded document (resets loa_status).
    Replace {
        /// The new document id.
        document_id: String,
    },
}

/// Run a `loa` subcommand.
pub async fn run(ctx: &Context, command: LoaCommand) -> CliResult {
    let loa = ctx.reputation()?.loa();
    match command {
        LoaCommand::Render {
            out,
            agent,
            signature_image,
            signer_name,
        } => {
            let agent: Option<LoaAgent> = agent.as_deref().map(read_json).transpose()?;
            let signature = signature_image
                .as_deref()
                .map(|path| signature(path, signer_name))
                .transpose()?;
            let pdf = loa.render(LoaRenderOptions { agent, signature }).await?;
            write_file(&out, &pdf)?;
            let path = out.display().to_string();
            let view = View::record(
                vec!["file", "bytes"],
                vec![cell(&path), cell(pdf.len())],
                serde_json::json!({"file": path, "bytes": pdf.len()}),
            );
            Ok(view.print(ctx.format())?)
        }
        LoaCommand::Replace { document_id } => {
            let settings = loa.replace(document_id).await?;
            Ok(super::reputation::settings_view(&settings).print(ctx.format())?)
        }
    }
}

fn signature(path: &Path, signer_name: Option<String>) -> CliResult<LoaSignature> {
    use base64::Engine as _;
    let image = std::fs::read(path)
        .map_err(|e| CliError::other(format!("cannot read {}: {e}", path.display())))?;
    Ok(LoaSignature {
        image_base64: base64::engine::general_purpose::STANDARD.encode(image),
        signer_name,
    })
}

/// Write `bytes` to `path`, naming the path on failure.
pub fn write_file(path: &Path, bytes: &[u8]) -> CliResult {
    std::fs::write(path, bytes)
        .map_err(|e| CliError::other(format!("cannot write {}: {e}", path.display())))
}
