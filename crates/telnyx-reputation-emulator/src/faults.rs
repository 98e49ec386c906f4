//! Fault injection: "answer the next N matching requests with this instead".
//!
//! Rules are added through `POST /_emulator/faults`, matched on method, path prefix and the
//! caller's API key (so parallel tests with different keys never see each other's faults),
//! and consumed one per matching request. A rule keeps only the key's fingerprint
//! (`crate::journal::fingerprint`), which is what the fault list shows as `account`. A rule
//! can answer with any status, extra headers (`Retry-After`, `retry-after-ms`,
//! `x-ratelimit-reset`, ...), a custom or default Telnyx-shaped body, a delay, or by
//! dropping the connection without an answer: either before the API sees the request
//! (`drop_connection`), or after the API has processed it (`drop_after_processing`: state
//! changes and the ledger bills, but the client never hears the answer). Applying a fault
//! to a request is the gateway middleware's job.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::time::Duration;

use crate::error::{ApiError, default_fault_body};

/// What a matched fault does to the request.
#[derive(Debug, Clone)]
pub struct FaultAction {
    /// The rule that fired.
    pub rule_id: u64,
    /// Status to answer with.
    pub status: StatusCode,
    /// Extra response headers.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// JSON body.
    pub body: Value,
    /// Close the connection without answering, before the API sees the request.
    pub drop_connection: bool,
    /// Let the API process the request (state changes, the ledger bills), then close the
    /// connection before any byte of its answer: "processed, but the answer was lost".
    pub drop_after_processing: bool,
    /// Wait this long first.
    pub delay: Duration,
}

#[derive(Debug, Clone)]
struct Rule {
    action: FaultAction,
    /// Fingerprint of the API key the rule is scoped to.
    account: Option<String>,
    method: Option<String>,
    path_prefix: String,
    remaining: u32,
}

impl Rule {
    fn matches(&self, account: Option<&str>, method: &str, path: &str) -> bool {
        self.remaining > 0
            && self.account.as_deref().is_none_or(|k| Some(k) == account)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
    }

    fn to_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .action
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    json!(v.to_str().unwrap_or_default()),
                )
            })
            .collect();
        json!({
            "id": self.action.rule_id,
            "account": self.account,
            "method": self.method,
            "path_prefix": self.path_prefix,
            "remaining": self.remaining,
            "status": self.action.status.as_u16(),
            "headers": headers,
            "body": self.action.body,
            "drop_connection": self.action.drop_connection,
            "drop_after_processing": self.action.drop_after_processing,
            "delay_ms": self.action.delay.as_millis(),
        })
    }
}

/// The active fault rules.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Faults {
    next_id: u64,
    #[serde(with = "stored_rules")]
    rules: Vec<Rule>,
}

/// Rules in the state file: plain strings and numbers instead of `http` types.
mod stored_rules {
    use super::{FaultAction, Rule};
    use axum::http::{HeaderName, HeaderValue, StatusCode};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;
    use std::time::Duration;

    #[derive(Serialize, Deserialize)]
    struct Stored {
        id: u64,
        /// Fingerprint of the scoping key.
        #[serde(default)]
        account: Option<String>,
        /// The raw key, as files written before fingerprints kept it (read, never written).
        #[serde(default, skip_serializing)]
        api_key: Option<String>,
        method: Option<String>,
        path_prefix: String,
        remaining: u32,
        status: u16,
        headers: Vec<(String, String)>,
        body: Value,
        drop_connection: bool,
        // Absent from state files written before this fault existed.
        #[serde(default)]
        drop_after_processing: bool,
        delay_ms: u64,
    }

    pub fn serialize<S: Serializer>(rules: &[Rule], s: S) -> Result<S::Ok, S::Error> {
        let stored: Vec<Stored> = rules
            .iter()
            .map(|r| Stored {
                id: r.action.rule_id,
                account: r.account.clone(),
                api_key: None,
                method: r.method.clone(),
                path_prefix: r.path_prefix.clone(),
                remaining: r.remaining,
                status: r.action.status.as_u16(),
                headers: r
                    .action
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
                    .collect(),
                body: r.action.body.clone(),
                drop_connection: r.action.drop_connection,
                drop_after_processing: r.action.drop_after_processing,
                delay_ms: u64::try_from(r.action.delay.as_millis()).unwrap_or(u64::MAX),
            })
            .collect();
        stored.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Rule>, D::Error> {
        use serde::de::Error;
        Vec::<Stored>::deserialize(d)?
            .into_iter()
            .map(|r| {
                let status = StatusCode::from_u16(r.status).map_err(D::Error::custom)?;
                let headers = r
                    .headers
                    .into_iter()
                    .map(|(k, v)| {
                        Ok((
                            HeaderName::try_from(k).map_err(D::Error::custom)?,
                            HeaderValue::try_from(v).map_err(D::Error::custom)?,
                        ))
                    })
                    .collect::<Result<_, D::Error>>()?;
                Ok(Rule {
                    action: FaultAction {
                        rule_id: r.id,
                        status,
                        headers,
                        body: r.body,
                        drop_connection: r.drop_connection,
                        drop_after_processing: r.drop_after_processing,
                        delay: Duration::from_millis(r.delay_ms),
                    },
                    account: r
                        .account
                        .or_else(|| r.api_key.as_deref().map(crate::journal::fingerprint)),
                    method: r.method,
                    path_prefix: r.path_prefix,
                    remaining: r.remaining,
                })
            })
            .collect()
    }
}

impl Faults {
    /// Add a rule from its admin JSON; returns the rule as stored.
    pub fn add(&mut self, spec: &Value, api_key: Option<String>) -> Result<Value, ApiError> {
        let spec = spec
            .as_object()
            .ok_or_else(|| ApiError::invalid("/", "The fault must be a JSON object."))?;
        let status = match spec.get("status") {
            None => StatusCode::INTERNAL_SERVER_ERROR,
            Some(v) => v
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .and_then(|s| StatusCode::from_u16(s).ok())
                .filter(|s| (200..=599).contains(&s.as_u16()))
                .ok_or_else(|| {
                    ApiError::invalid(
                        "/status",
                        format!(
                            "status must be an HTTP status code from 200 to 599, got {v}: a 1xx answer (100 Continue, 101 Switching Protocols) is not a final response and would break the connection."
                        ),
                    )
                })?,
        };
        let bodyless = is_bodyless(status);
        if bodyless && spec.get("body").is_some_and(|b| !b.is_null()) {
            return Err(ApiError::invalid(
                "/body",
                format!(
                    "A {} answer cannot carry a body in HTTP; remove body (the answer is sent empty).",
                    status.as_u16()
                ),
            ));
        }
        let count = match spec.get("count") {
            None => 1,
            Some(v) => v
                .as_u64()
                .and_then(|c| u32::try_from(c).ok())
                .filter(|c| *c >= 1)
                .ok_or_else(|| ApiError::invalid("/count", "count must be a positive integer."))?,
        };
        let method = optional_string(spec, "method")?.map(|m| m.to_ascii_uppercase());
        let path_prefix = optional_string(spec, "path_prefix")?.unwrap_or_else(|| "/".to_string());
        if !path_prefix.starts_with('/') {
            return Err(ApiError::invalid(
                "/path_prefix",
                "path_prefix must start with '/', e.g. /v2/enterprises.",
            ));
        }
        let mut headers = Vec::new();
        for (name, key) in [
            ("retry-after", "retry_after"),
            ("retry-after-ms", "retry_after_ms"),
            ("x-ratelimit-reset", "x_ratelimit_reset"),
        ] {
            if let Some(v) = spec.get(key) {
                headers.push(header(name, &scalar_text(v, key)?, key)?);
            }
        }
        if let Some(extra) = spec.get("headers") {
            let extra = extra.as_object().ok_or_else(|| {
                ApiError::invalid("/headers", "headers must be an object of name: value.")
            })?;
            for (name, value) in extra {
                let pointer = format!("headers/{name}");
                headers.push(header(name, &scalar_text(value, &pointer)?, &pointer)?);
            }
        }
        let delay_ms = match spec.get("delay_ms") {
            None => 0,
            Some(v) => v.as_u64().filter(|ms| *ms <= 60_000).ok_or_else(|| {
                ApiError::invalid("/delay_ms", "delay_ms must be an integer from 0 to 60000.")
            })?,
        };
        let drop_connection = optional_bool(spec, "drop_connection")?;
        let drop_after_processing = optional_bool(spec, "drop_after_processing")?;
        if drop_connection && drop_after_processing {
            return Err(ApiError::invalid(
                "/drop_after_processing",
                "drop_connection drops before the API sees the request and \
                 drop_after_processing after it processed it: set one of them, not both.",
            ));
        }
        self.next_id += 1;
        let rule = Rule {
            action: FaultAction {
                rule_id: self.next_id,
                status,
                headers,
                body: match spec.get("body") {
                    _ if bodyless => Value::Null,
                    Some(body) => body.clone(),
                    None => default_fault_body(status),
                },
                drop_connection,
                drop_after_processing,
                delay: Duration::from_millis(delay_ms),
            },
            account: api_key.as_deref().map(crate::journal::fingerprint),
            method,
            path_prefix,
            remaining: count,
        };
        let stored = rule.to_json();
        self.rules.push(rule);
        Ok(stored)
    }

    /// Consume the first rule matching this request (`account`: the fingerprint of its key).
    pub fn take(&mut self, account: Option<&str>, method: &str, path: &str) -> Option<FaultAction> {
        let index = self
            .rules
            .iter()
            .position(|r| r.matches(account, method, path))?;
        let rule = &mut self.rules[index];
        rule.remaining -= 1;
        let action = rule.action.clone();
        if rule.remaining == 0 {
            self.rules.remove(index);
        }
        Some(action)
    }

    /// Remove the rules scoped to `api_key`, or every rule when `None`.
    pub fn clear(&mut self, api_key: Option<&str>) {
        match api_key.map(crate::journal::fingerprint) {
            None => self.rules.clear(),
            Some(fp) => self.rules.retain(|r| r.account.as_ref() != Some(&fp)),
        }
    }

    /// The active rules visible to `api_key` (all when `None`).
    pub fn to_json(&self, api_key: Option<&str>) -> Value {
        let fp = api_key.map(crate::journal::fingerprint);
        let rules: Vec<Value> = self
            .rules
            .iter()
            .filter(|r| fp.is_none() || r.account == fp)
            .map(Rule::to_json)
            .collect();
        json!({ "data": rules })
    }
}

/// Statuses whose answers never have a body (RFC 9110: 204 No Content, 304 Not Modified).
pub fn is_bodyless(status: StatusCode) -> bool {
    matches!(status.as_u16(), 204 | 304)
}

fn optional_string(spec: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match spec.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid(
            &format!("/{key}"),
            format!("{key} must be a string."),
        )),
    }
}

fn optional_bool(spec: &Map<String, Value>, key: &str) -> Result<bool, ApiError> {
    match spec.get(key) {
        None => Ok(false),
        Some(v) => v.as_bool().ok_or_else(|| {
            ApiError::invalid(&format!("/{key}"), format!("{key} must be a boolean."))
        }),
    }
}

fn scalar_text(value: &Value, pointer: &str) -> Result<String, ApiError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(ApiError::invalid(
            &format!("/{pointer}"),
            "Header values must be strings or numbers.",
        )),
    }
}

fn header(name: &str, value: &str, pointer: &str) -> Result<(HeaderName, HeaderValue), ApiError> {
    let bad = || ApiError::invalid(&format!("/{pointer}"), "Not a valid HTTP header.");
    Ok((
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?,
        HeaderValue::from_str(value).map_err(|_| bad())?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::fingerprint;

    #[test]
    fn rules_are_consumed_and_scoped() {
        let mut faults = Faults::default();
        let added = faults.add(
            &json!({"status": 429, "count": 2, "method": "get", "path_prefix": "/v2/enterprises", "retry_after": 1}),
            Some("k1".into()),
        );
        assert!(added.is_ok_and(|r| !r.to_string().contains("\"k1\"")));
        let (k1, k2) = (fingerprint("k1"), fingerprint("k2"));
        let (k1, k2) = (Some(k1.as_str()), Some(k2.as_str()));
        assert!(faults.take(k2, "GET", "/v2/enterprises").is_none());
        assert!(faults.take(k1, "POST", "/v2/enterprises").is_none());
        let first = faults.take(k1, "GET", "/v2/enterprises/x");
        assert_eq!(first.map(|a| a.status.as_u16()), Some(429));
        assert!(faults.take(k1, "GET", "/v2/enterprises").is_some());
        assert!(faults.take(k1, "GET", "/v2/enterprises").is_none());
    }

    #[test]
    fn rejects_bad_specs() {
        let mut faults = Faults::default();
        assert!(faults.add(&json!({"status": 42}), None).is_err());
        for status in [100, 101, 103, 199, 600, 999] {
            let error = faults.add(&json!({ "status": status }), None).err();
            assert_eq!(error.map(|e| e.status.as_u16()), Some(422), "{status}");
        }
        for status in [204, 304] {
            let error = faults.add(&json!({ "status": status, "body": {"a": 1} }), None);
            let item = error.err().map(|e| e.items[0].clone());
            assert_eq!(
                item.and_then(|i| i.source),
                Some(crate::error::Source::Pointer("/body".into()))
            );
            let added = faults.add(&json!({ "status": status }), None);
            assert!(added.is_ok_and(|r| r["body"].is_null()), "{status}");
        }
        assert!(faults.add(&json!({"count": 0}), None).is_err());
        assert!(faults.add(&json!({"path_prefix": "v2"}), None).is_err());
        assert!(
            faults
                .add(&json!({"drop_after_processing": "yes"}), None)
                .is_err()
        );
        let both = faults
            .add(
                &json!({"drop_connection": true, "drop_after_processing": true}),
                None,
            )
            .unwrap_err();
        assert!(format!("{both:?}").contains("not both"), "{both:?}");
    }

    #[test]
    fn drop_after_processing_is_kept_in_the_rule_and_its_listing() {
        let mut faults = Faults::default();
        let stored = faults
            .add(&json!({"drop_after_processing": true}), Some("k".into()))
            .unwrap();
        assert_eq!(stored["drop_after_processing"], json!(true));
        assert_eq!(stored["drop_connection"], json!(false));
        let action = faults
            .take(Some(&fingerprint("k")), "POST", "/v2/x")
            .unwrap();
        assert!(action.drop_after_processing && !action.drop_connection);
    }
}
