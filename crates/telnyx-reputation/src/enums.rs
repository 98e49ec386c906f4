//! The API's string enums. Each keeps values this version does not know in an `Unknown(String)`
//! arm (so a new server value never breaks decoding), serialises as a plain string, and has
//! `Display` and a strict `FromStr` for user input (unknown text is an `InvalidInput`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Error;

/// Declare a string enum with an `Unknown(String)` arm and its conversions.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the library does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// Every value this version knows, as sent on the wire.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Map a wire value, keeping unknown ones in `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                match $name::from_wire(s) {
                    $name::Unknown(_) => Err(Error::invalid(format!(
                        "{s:?} is not a valid {}: expected one of {}",
                        stringify!($name),
                        $name::KNOWN.join(", ")
                    ))),
                    known => Ok(known),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Read the text in place: a known value allocates nothing.
                struct Wire;
                impl serde::de::Visitor<'_> for Wire {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        Ok($name::from_wire(text))
                    }
                }
                d.deserialize_str(Wire)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::from_wire(value)
            }
        }
    };
}

string_enum! {
    /// Overall spam likelihood of a number.
    SpamRisk {
        /// Unlikely to be labelled spam.
        Low => "low",
        /// Some risk.
        Medium => "medium",
        /// Likely flagged as spam by carriers.
        High => "high",
    }
}

string_enum! {
    /// How often Telnyx re-checks an enterprise's numbers.
    CheckFrequency {
        /// Every business day (the server's default).
        BusinessDaily => "business_daily",
        /// Every day.
        Daily => "daily",
        /// Every week.
        Weekly => "weekly",
        /// Every two weeks.
        Biweekly => "biweekly",
        /// Every month.
        Monthly => "monthly",
        /// No automatic re-checks.
        Never => "never",
    }
}

string_enum! {
    /// State of an approval gate (`loa_status`, external verification, BPO verification).
    GateStatus {
        /// Under review.
        Pending => "pending",
        /// Approved.
        Approved => "approved",
        /// Rejected.
        Rejected => "rejected",
    }
}

string_enum! {
    /// The reputation activation lifecycle (`status` of the settings).
    ReputationStatus {
        /// Being vetted.
        Pending => "pending",
        /// Active.
        Approved => "approved",
        /// Disabled.
        Deleted => "deleted",
        /// Vetting failed; see `rejection_reasons`.
        Rejected => "rejected",
    }
}

string_enum! {
    /// Customer-facing status of a remediation request.
    RemediationStatus {
        /// Accepted and queued.
        Pending => "pending",
        /// Under review by the call-analytics networks.
        InProgress => "in_progress",
        /// Finished; see `results`.
        Completed => "completed",
        /// Could not be processed.
        Failed => "failed",
        /// Cancelled.
        Cancelled => "cancelled",
    }
}

impl RemediationStatus {
    /// True for `completed`, `failed` and `cancelled`.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            RemediationStatus::Completed | RemediationStatus::Failed | RemediationStatus::Cancelled
        )
    }
}

string_enum! {
    /// Ownership tracking state of a monitored number.
    OwnershipStatus {
        /// Ownership confirmed.
        Verified => "verified",
        /// Ownership in doubt (e.g. the carrier changed).
        Flagged => "flagged",
        /// Awaiting the customer's confirmation before `confirm_by`.
        PendingConfirmation => "pending_confirmation",
        /// Removed from monitoring.
        Removed => "removed",
    }
}

string_enum! {
    /// Where a monitored number is hosted.
    NumberSource {
        /// In the Telnyx inventory.
        Telnyx => "telnyx",
        /// Hosted elsewhere (requires external verification).
        External => "external",
    }
}

string_enum! {
    /// Why a number left monitoring.
    RemovalReason {
        /// Ported to another carrier.
        PortedAway => "ported_away",
        /// Ownership was not confirmed in time.
        UnconfirmedOwnership => "unconfirmed_ownership",
        /// Reassigned to another subscriber.
        Reassigned => "reassigned",
        /// Reported by the customer.
        CustomerReported => "customer_reported",
        /// Removed by the customer.
        CustomerRemoved => "customer_removed",
    }
}

string_enum! {
    /// A Telnyx product with its own terms of service.
    ProductType {
        /// Branded Calling (the server's default for the terms endpoints).
        BrandedCalling => "branded_calling",
        /// Number Reputation.
        NumberReputation => "number_reputation",
    }
}

string_enum! {
    /// Kind of organisation an enterprise is.
    OrganizationType {
        /// A business.
        Commercial => "commercial",
        /// A government body.
        Government => "government",
        /// A non-profit.
        NonProfit => "non_profit",
    }
}

string_enum! {
    /// Legal form of an enterprise.
    OrganizationLegalType {
        /// Corporation.
        Corporation => "corporation",
        /// Limited liability company.
        Llc => "llc",
        /// Partnership.
        Partnership => "partnership",
        /// Non-profit organisation.
        Nonprofit => "nonprofit",
        /// Anything else.
        Other => "other",
    }
}

string_enum! {
    /// Head-count band of an enterprise.
    NumberOfEmployees {
        /// 1 to 10.
        From1To10 => "1-10",
        /// 11 to 50.
        From11To50 => "11-50",
        /// 51 to 200.
        From51To200 => "51-200",
        /// 201 to 500.
        From201To500 => "201-500",
        /// 501 to 2,000.
        From501To2000 => "501-2000",
        /// 2,001 to 10,000.
        From2001To10000 => "2001-10000",
        /// More than 10,000.
        Over10000 => "10001+",
    }
}

string_enum! {
    /// Role of an enterprise, fixed at creation.
    RoleType {
        /// A business placing its own calls (the default).
        Enterprise => "enterprise",
        /// A business process outsourcer calling on behalf of others.
        Bpo => "bpo",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for wire in CheckFrequency::KNOWN {
            let value: CheckFrequency = serde_json::from_str(&format!("\"{wire}\"")).unwrap();
            assert!(!matches!(value, CheckFrequency::Unknown(_)));
            assert_eq!(
                serde_json::to_string(&value).unwrap(),
                format!("\"{wire}\"")
            );
            assert_eq!(wire.parse::<CheckFrequency>().unwrap(), value);
        }
        assert_eq!(
            NumberOfEmployees::from_wire("10001+"),
            NumberOfEmployees::Over10000
        );
    }

    #[test]
    fn unknown_values_are_kept() {
        let value: SpamRisk = serde_json::from_str("\"critical\"").unwrap();
        assert_eq!(value, SpamRisk::Unknown("critical".into()));
        assert_eq!(value.to_string(), "critical");
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"critical\"");
    }

    #[test]
    fn from_str_is_strict() {
        let e = "dayly".parse::<CheckFrequency>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid input: \"dayly\" is not a valid CheckFrequency: expected one of \
             business_daily, daily, weekly, biweekly, monthly, never"
        );
    }

    #[test]
    fn remediation_final_states() {
        assert!(RemediationStatus::Completed.is_final());
        assert!(!RemediationStatus::InProgress.is_final());
    }
}
