//! Helpers shared by the API routes (`routes/`) and the admin API (`admin.rs`): the
//! `{"data": …}` envelope and the lookups of an account's enterprise and its reputation
//! settings that fail with Telnyx-shaped 404/400 errors. Both sides import them from here, so
//! neither imports the other.

use serde_json::{Value, json};

use crate::accounts::Account;
use crate::error::ApiError;
use crate::model::{Enterprise, Reputation};

/// `{"data": value}`.
pub fn data(value: Value) -> Value {
    json!({ "data": value })
}

fn enterprise_missing(id: &str) -> ApiError {
    ApiError::not_found(format!("Enterprise '{id}' was not found."))
}

/// A live enterprise of the account, or 404.
pub fn enterprise_ref<'a>(acct: &'a Account, id: &str) -> Result<&'a Enterprise, ApiError> {
    acct.enterprise(id).ok_or_else(|| enterprise_missing(id))
}

/// A live enterprise of the account, mutably, or 404.
pub fn enterprise_mut<'a>(acct: &'a mut Account, id: &str) -> Result<&'a mut Enterprise, ApiError> {
    acct.enterprise_mut(id)
        .ok_or_else(|| enterprise_missing(id))
}

/// 404 for an enterprise whose Number Reputation is not enabled.
pub fn not_enabled(enterprise_id: &str) -> ApiError {
    ApiError::not_found(format!(
        "Number Reputation is not enabled for enterprise '{enterprise_id}'."
    ))
}

/// The reputation settings of an enterprise, or 404 when not enabled.
pub fn reputation_ref(enterprise: &Enterprise) -> Result<&Reputation, ApiError> {
    enterprise
        .reputation
        .as_ref()
        .ok_or_else(|| not_enabled(&enterprise.id))
}

/// 400 unless both approval gates read `approved`, naming the gate(s) still closed.
pub fn require_gates(enterprise: &Enterprise, action: &str) -> Result<(), ApiError> {
    let Some(rep) = &enterprise.reputation else {
        return Err(ApiError::bad_request(format!(
            "Number Reputation is not enabled for enterprise '{}'; enable it before you {action}.",
            enterprise.id
        )));
    };
    if rep.both_gates_approved() {
        return Ok(());
    }
    let mut closed = Vec::new();
    if rep.status.gate != crate::model::Gate::Approved {
        closed.push(format!(
            "reputation status is '{}'",
            rep.status.gate.as_str()
        ));
    }
    if rep.loa.gate != crate::model::Gate::Approved {
        closed.push(format!("loa_status is '{}'", rep.loa.gate.as_str()));
    }
    Err(ApiError::bad_request(format!(
        "Both approval gates must be approved before you {action}: {}.",
        closed.join(" and ")
    )))
}
