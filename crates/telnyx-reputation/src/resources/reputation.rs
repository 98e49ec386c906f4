//! Number Reputation of one enterprise: read the settings, enable, disable, change the
//! refresh frequency and webhook, wait for both approval gates, and reach the enterprise's
//! LOA, numbers, remediation and external-verification sub-resources.

use std::time::{Duration, Instant};

use telnyx_reputation_api::types as g;
use uuid::Uuid;

use super::{ExternalVerifications, Loa, Numbers, Remediations};
use crate::client::{Client, send, send_any_2xx};
use crate::convert;
use crate::enums::{CheckFrequency, GateStatus, ReputationStatus};
use crate::error::Gate;
use crate::models::{ReputationSettings, WaitOptions};
use crate::retry::Op;
use crate::retry::RetryClass::{Idempotent, NotIdempotent};
use crate::{Error, validate};

const SETTINGS: Op = Op::new("GET", "/enterprises/{enterprise_id}/reputation", Idempotent);
const ENABLE: Op = Op::new(
    "POST",
    "/enterprises/{enterprise_id}/reputation",
    NotIdempotent,
);
const DISABLE: Op = Op::new(
    "DELETE",
    "/enterprises/{enterprise_id}/reputation",
    Idempotent,
);
const FREQUENCY: Op = Op::new(
    "PATCH",
    "/enterprises/{enterprise_id}/reputation/frequency",
    Idempotent,
);
const WEBHOOK: Op = Op::new(
    "PATCH",
    "/enterprises/{enterprise_id}/reputation/webhook",
    Idempotent,
);

/// Number Reputation of one enterprise (`client.reputation(enterprise_id)`).
#[derive(Debug, Clone)]
pub struct Reputation {
    client: Client,
    enterprise_id: String,
}

impl Reputation {
    pub(crate) fn new(client: Client, enterprise_id: String) -> Self {
        Reputation {
            client,
            enterprise_id,
        }
    }

    /// The enterprise id this handle was made for.
    pub fn enterprise_id(&self) -> &str {
        &self.enterprise_id
    }

    /// The enterprise id as a UUID, or `InvalidInput`.
    fn id(&self) -> Result<Uuid, Error> {
        validate::uuid("enterprise_id", &self.enterprise_id)
    }

    /// The reputation settings and both approval gates.
    pub async fn settings(&self) -> Result<ReputationSettings, Error> {
        let id = self.id()?;
        let api = self.client.api();
        let wrapped = self
            .client
            .run(SETTINGS, move || {
                send(api.get_reputation_settings().enterprise_id(id).send())
            })
            .await?;
        Ok(convert::settings(wrapped.data))
    }

    /// Enable Number Reputation with the signed LOA's document id (billable; retried only on
    /// a connect failure or 429).
    pub async fn enable(
        &self,
        loa_document_id: impl Into<String>,
        frequency: CheckFrequency,
    ) -> Result<ReputationSettings, Error> {
        let id = self.id()?;
        let body = g::EnableReputationRequest {
            loa_document_id: validate::document_id("loa_document_id", &loa_document_id.into())?
                .try_into()
                .map_err(|e| Error::invalid(format!("loa_document_id: {e}")))?,
            check_frequency: convert::frequency(&frequency),
        };
        let api = self.client.api();
        let wrapped = self
            .client
            .run(ENABLE, || {
                send_any_2xx(
                    api.enable_reputation()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::settings(wrapped.data))
    }

    /// Disable Number Reputation; every registered number is de-registered.
    pub async fn disable(&self) -> Result<(), Error> {
        let id = self.id()?;
        let api = self.client.api();
        self.client
            .run(DISABLE, move || {
                send(api.disable_reputation().enterprise_id(id).send())
            })
            .await
    }

    /// Change how often numbers are re-checked (the reputation `status` must be approved).
    pub async fn set_frequency(
        &self,
        frequency: CheckFrequency,
    ) -> Result<ReputationSettings, Error> {
        let id = self.id()?;
        let body = g::UpdateFrequencyRequest {
            check_frequency: convert::frequency(&frequency),
        };
        let api = self.client.api();
        let wrapped = self
            .client
            .run(FREQUENCY, || {
                send(
                    api.update_reputation_frequency()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::settings(wrapped.data))
    }

    /// Set the `https://` URL reputation events are delivered to, or stop delivery with `None`.
    pub async fn set_webhook(&self, url: Option<&str>) -> Result<ReputationSettings, Error> {
        let id = self.id()?;
        if let Some(url) = url {
            validate::https_url("webhook_url", url)?;
        }
        let body = g::UpdateWebhookRequest {
            webhook_url: url.map(str::to_owned),
        };
        let api = self.client.api();
        let wrapped = self
            .client
            .run(WEBHOOK, || {
                send(
                    api.update_reputation_webhook()
                        .enterprise_id(id)
                        .body(body.clone())
                        .send(),
                )
            })
            .await?;
        Ok(convert::settings(wrapped.data))
    }

    /// Poll the settings every `interval` until both gates are approved. A rejected gate
    /// gives [`Error::GateRejected`] with the reasons; running out of time gives
    /// [`Error::Timeout`].
    pub async fn wait_until_approved(
        &self,
        options: WaitOptions,
    ) -> Result<ReputationSettings, Error> {
        if options.interval.is_zero() {
            return Err(Error::invalid("interval: must be greater than zero"));
        }
        let started = Instant::now();
        let mut waited = Duration::ZERO;
        loop {
            let settings = self.settings().await?;
            if let Some(rejected) = rejection(&settings) {
                return Err(rejected);
            }
            if settings.ready_for_numbers() {
                return Ok(settings);
            }
            waited += options.interval;
            if waited > options.timeout || started.elapsed() >= options.timeout {
                return Err(Error::Timeout {
                    message: format!(
                        "approval gates not both approved after {:?} (status {}, loa_status {})",
                        options.timeout, settings.status, settings.loa_status
                    ),
                });
            }
            self.client.sleeper().sleep(options.interval).await;
        }
    }

    /// The Letter of Authorization.
    pub fn loa(&self) -> Loa {
        Loa::new(self.client.clone(), self.enterprise_id.clone())
    }

    /// The enterprise's monitored numbers.
    pub fn numbers(&self) -> Numbers {
        Numbers::new(self.client.clone(), self.enterprise_id.clone())
    }

    /// Remediation requests.
    pub fn remediation(&self) -> Remediations {
        Remediations::new(self.client.clone(), self.enterprise_id.clone())
    }

    /// Ownership evidence for externally hosted numbers.
    pub fn external_verification(&self) -> ExternalVerifications {
        ExternalVerifications::new(self.client.clone(), self.enterprise_id.clone())
    }
}

/// The error for a rejected gate, if either is rejected.
fn rejection(settings: &ReputationSettings) -> Option<Error> {
    if settings.status == ReputationStatus::Rejected {
        return Some(Error::GateRejected {
            gate: Gate::Status,
            reasons: settings.rejection_reasons.clone(),
        });
    }
    if settings.loa_status == GateStatus::Rejected {
        return Some(Error::GateRejected {
            gate: Gate::LoaStatus,
            reasons: settings.rejection_reasons.clone(),
        });
    }
    None
}
