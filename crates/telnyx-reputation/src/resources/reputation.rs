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
use crate::operations::{
    REPUTATION_DISABLE as DISABLE, REPUTATION_ENABLE as ENABLE, REPUTATION_FREQUENCY as FREQUENCY,
    REPUTATION_SETTINGS as SETTINGS, REPUTATION_WEBHOOK as WEBHOOK,
};
use crate::{Error, validate};

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
    /// a connect failure or 429). `frequency` is optional: `None` means the documented
    /// default, `business_daily`.
    pub async fn enable(
        &self,
        loa_document_id: impl Into<String>,
        frequency: impl Into<Option<CheckFrequency>>,
    ) -> Result<ReputationSettings, Error> {
        let id = self.id()?;
        let frequency = frequency.into().unwrap_or(CheckFrequency::BusinessDaily);
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
            .run_delete(DISABLE, move || {
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

    /// Set the URL reputation events are delivered to, or stop delivery with `None`: an
    /// `https://` URL, or plain `http://` to a loopback host (a local receiver, the emulator)
    /// or to any host on a client built with `allow_insecure_http(true)`.
    pub async fn set_webhook(&self, url: Option<&str>) -> Result<ReputationSettings, Error> {
        let id = self.id()?;
        if let Some(url) = url {
            self.client.check_webhook_url("webhook_url", url)?;
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
    /// gives [`Error::GateRejected`] with the reasons, and so does `status: deleted` (the
    /// enterprise's reputation was disabled: it can never be approved without a new
    /// `enable`); running out of time gives [`Error::Timeout`].
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
                    outcome_unknown: false,
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
    if settings.status == ReputationStatus::Deleted {
        return Some(Error::GateRejected {
            gate: Gate::Status,
            reasons: vec![
                "status is deleted: Number Reputation was disabled for this enterprise; \
                 enable it again before waiting"
                    .to_owned(),
            ],
        });
    }
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

impl Reputation {
    /// This handle sending `options`' extra headers, query parameters and body fields with
    /// each request of its calls (and of the handles made from it); see
    /// [`crate::RequestOptions`] for what is refused. `self` is unchanged.
    pub fn with_request_options(&self, options: crate::RequestOptions) -> Self {
        let mut handle = self.clone();
        handle.client = self.client.with_request_options(options);
        handle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(status: &str, loa_status: &str) -> ReputationSettings {
        serde_json::from_value(serde_json::json!({
            "enterprise_id": "6a09cdc3-8948-47f0-aa62-74ac943d6c58",
            "status": status,
            "loa_status": loa_status,
            "check_frequency": "business_daily",
            "rejection_reasons": [],
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }))
        .expect("settings parse")
    }

    #[test]
    fn deleted_ends_the_wait_with_a_clear_error() {
        let e = rejection(&settings("deleted", "approved")).expect("deleted ends the wait");
        assert_eq!(e.kind(), crate::ErrorKind::GateRejected);
        assert!(e.to_string().contains("status is deleted"), "{e}");
        assert!(rejection(&settings("pending", "pending")).is_none());
        assert!(rejection(&settings("approved", "rejected")).is_some());
    }
}
