//! External verification: submit evidence that you control numbers hosted outside Telnyx, and
//! read where its review stands.

use telnyx_reputation_api::types as g;
use uuid::Uuid;

use crate::client::{Client, send};
use crate::convert;
use crate::models::ExternalVerification;
use crate::operations::{EXTERNAL_GET as GET, EXTERNAL_SUBMIT as SUBMIT};
use crate::{Error, phone, validate};

/// Ownership evidence for external numbers (`client.reputation(id).external_verification()`).
#[derive(Debug, Clone)]
pub struct ExternalVerifications {
    client: Client,
    enterprise_id: String,
}

impl ExternalVerifications {
    pub(crate) fn new(client: Client, enterprise_id: String) -> Self {
        ExternalVerifications {
            client,
            enterprise_id,
        }
    }

    fn id(&self) -> Result<Uuid, Error> {
        validate::uuid("enterprise_id", &self.enterprise_id)
    }

    /// Submit uploaded evidence documents (at least one), optionally naming the numbers they
    /// cover. Retried only on a connect failure or 429.
    pub async fn submit<I, S>(
        &self,
        document_ids: I,
        phone_numbers: Option<Vec<String>>,
    ) -> Result<ExternalVerification, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let id = self.id()?;
        let document_ids = validate::uuids("document_ids", document_ids)?;
        let phone_numbers = match phone_numbers {
            Some(numbers) => phone::parse_batch("phone_numbers", numbers, 0, usize::MAX)?,
            None => Vec::new(),
        };
        let body = g::SubmitExternalVerificationRequest {
            document_ids,
            phone_numbers,
        };
        let api = self.client.api();
        let wrapped = self
            .client
            .run(SUBMIT, || {
                send(
                    api.submit_external_verification()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::external_verification(wrapped.data))
    }

    /// The current evidence and its review state.
    pub async fn get(&self) -> Result<ExternalVerification, Error> {
        let id = self.id()?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(GET, move || {
                send(api.get_external_verification().enterprise_id(id).send())
            })
            .await?;
        Ok(convert::external_verification(wrapped.data))
    }
}

impl ExternalVerifications {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
    }
}
