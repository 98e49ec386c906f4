//! Request hooks that fix what the generated client sends, once, for every operation.
//!
//! - progenitor leaves `+` unescaped in path segments; the API wants `%2B` (a literal `+`
//!   may be read as a space), and pre-encoding is impossible because `%` gets escaped.
//! - progenitor always adds `api-version: <info.version>`, which the API does not define.
//! - progenitor sends `Accept: */*` for non-JSON responses; the LOA render wants
//!   `application/pdf`.
//!
//! This impl for `Client` wins over the generated blanket `impl ClientHooks for &Client` by
//! auto-ref method resolution.

use progenitor_client::{ClientHooks, Error, OperationInfo};
use reqwest::header::{ACCEPT, HeaderValue};

use crate::Client;

/// The operation whose response is a PDF rather than JSON.
const PDF_OPERATION: &str = "render_loa";

impl ClientHooks<()> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        encode_plus_in_path(request);
        request.headers_mut().remove("api-version");
        if info.operation_id == PDF_OPERATION {
            request
                .headers_mut()
                .insert(ACCEPT, HeaderValue::from_static("application/pdf"));
        }
        Ok(())
    }
}

/// Rewrite every `+` in the URL path as `%2B` (query strings are already encoded).
fn encode_plus_in_path(request: &mut reqwest::Request) {
    if request.url().path().contains('+') {
        let path = request.url().path().replace('+', "%2B");
        request.url_mut().set_path(&path);
    }
}
