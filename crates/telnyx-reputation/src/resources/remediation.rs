//! Remediation requests: ask the call-analytics networks to re-evaluate flagged numbers, then
//! follow each request to its outcome.

use futures::FutureExt;
use telnyx_reputation_api::types as g;
use uuid::Uuid;

use super::non_zero;
use crate::client::{Client, send};
use crate::convert;
use crate::models::{Page, Remediation, RemediationRequest, RemediationSummary};
use crate::pager::{ListQuery, Pager};
use crate::retry::Op;
use crate::retry::RetryClass::{Idempotent, NotIdempotent};
use crate::{Error, phone, validate};

const REMEDIATIONS: &str = "/enterprises/{enterprise_id}/reputation/remediation";
const SUBMIT: Op = Op::new("POST", REMEDIATIONS, NotIdempotent);
const LIST: Op = Op::new("GET", REMEDIATIONS, Idempotent);
const GET: Op = Op::new(
    "GET",
    "/enterprises/{enterprise_id}/reputation/remediation/{remediation_id}",
    Idempotent,
);

/// Numbers per remediation request.
const MAX_NUMBERS: usize = 2000;

/// An enterprise's remediation requests (`client.reputation(id).remediation()`).
#[derive(Debug, Clone)]
pub struct Remediations {
    client: Client,
    enterprise_id: String,
}

impl Remediations {
    pub(crate) fn new(client: Client, enterprise_id: String) -> Self {
        Remediations {
            client,
            enterprise_id,
        }
    }

    fn id(&self) -> Result<Uuid, Error> {
        validate::uuid("enterprise_id", &self.enterprise_id)
    }

    /// Submit 1 to 2,000 numbers for re-evaluation (retried only on a connect failure or
    /// 429; a number with an in-flight request gives [`Error::Conflict`]).
    pub async fn submit(&self, request: RemediationRequest) -> Result<Remediation, Error> {
        let id = self.id()?;
        let body: g::CreateRemediationRequest =
            convert::request_body("remediation", &checked(request)?)?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(SUBMIT, || {
                send(
                    api.create_remediation()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::remediation(wrapped.data))
    }

    /// One request with its per-number results.
    pub async fn get(&self, remediation_id: impl Into<String>) -> Result<Remediation, Error> {
        let id = self.id()?;
        let remediation_id = validate::uuid("remediation_id", &remediation_id.into())?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(GET, move || {
                send(
                    api.get_remediation()
                        .enterprise_id(id)
                        .remediation_id(remediation_id)
                        .send(),
                )
            })
            .await?;
        Ok(convert::remediation(wrapped.data))
    }

    /// Requests (slim shape), paged; filter with [`Pager::status`],
    /// [`Pager::created_at_gte`] and [`Pager::created_at_lte`].
    pub fn list(&self) -> Pager<RemediationSummary> {
        let client = self.client.clone();
        let enterprise_id = self.enterprise_id.clone();
        Pager::new(move |query| list_page(client.clone(), enterprise_id.clone(), query).boxed())
    }
}

/// Validate every field of a request; numbers are normalised to their checked form.
fn checked(request: RemediationRequest) -> Result<RemediationRequest, Error> {
    let phone_numbers =
        phone::parse_batch("phone_numbers", &request.phone_numbers, 1, MAX_NUMBERS)?;
    validate::length("call_purpose", &request.call_purpose, 1, 2000)?;
    if let Some(email) = &request.contact_email {
        validate::length("contact_email", email, 1, 255)?;
    }
    if let Some(url) = &request.webhook_url {
        validate::https_url("webhook_url", url)?;
    }
    Ok(RemediationRequest {
        phone_numbers,
        ..request
    })
}

async fn list_page(
    client: Client,
    enterprise_id: String,
    query: ListQuery,
) -> Result<Page<RemediationSummary>, Error> {
    let id = validate::uuid("enterprise_id", &enterprise_id)?;
    let api = client.api();
    let list = client
        .run(LIST, || {
            let mut call = api
                .list_remediations()
                .enterprise_id(id)
                .page_number(non_zero(query.page_number));
            if let Some(size) = query.page_size {
                call = call.page_size(non_zero(size.into()));
            }
            if let Some(status) = &query.status {
                call = call.filter_status(g::RemediationStatus(status.as_str().to_owned()));
            }
            if let Some(when) = query.created_at_gte {
                call = call.filter_created_at_gte(when);
            }
            if let Some(when) = query.created_at_lte {
                call = call.filter_created_at_lte(when);
            }
            send(call.send())
        })
        .await?;
    Ok(Page {
        items: list
            .data
            .into_iter()
            .map(convert::remediation_summary)
            .collect(),
        meta: convert::meta(list.meta),
    })
}
