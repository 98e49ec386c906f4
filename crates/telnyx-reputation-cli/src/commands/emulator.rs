//! `emulator trigger`: one admin call to a running emulator (`POST /_emulator/trigger`), the
//! account named by the API key, the emulator found from `--base-url`.

use serde_json::{Map, Value, json};

use crate::cli::{GlobalArgs, TriggerArgs};
use crate::exit::{Class, CliError, CliResult};

/// Where an emulator listens when `--base-url` is not given (its default port).
const DEFAULT_EMULATOR: &str = "http://127.0.0.1:4010";

/// The admin root (`…/_emulator`) of the emulator whose API base URL is `base`.
fn admin_root(base: Option<&str>) -> String {
    let base = base.unwrap_or(DEFAULT_EMULATOR).trim_end_matches('/');
    let root = base.strip_suffix("/v2").unwrap_or(base);
    format!("{root}/_emulator")
}

/// The trigger body: the event and its fields from the flags (`--set` last, so it can add
/// anything the named flags do not cover).
fn body(global: &GlobalArgs, args: &TriggerArgs) -> Result<Map<String, Value>, CliError> {
    let mut body = Map::new();
    body.insert("event".into(), json!(args.event));
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body.insert(key.to_string(), value);
        }
    };
    put("phone_number", args.phone_number.clone().map(Value::from));
    let scoped = matches!(
        args.event.as_str(),
        "gate.approved"
            | "gate.rejected"
            | "external_verification.status_changed"
            | "remediation.status_changed"
    );
    put(
        "enterprise_id",
        global
            .enterprise
            .clone()
            .filter(|_| scoped)
            .map(Value::from),
    );
    put("gate", args.gate.clone().map(Value::from));
    put("status", args.status.clone().map(Value::from));
    put(
        "remediation_id",
        args.remediation_id.clone().map(Value::from),
    );
    put(
        "rejection_reasons",
        (!args.rejection_reasons.is_empty()).then(|| json!(args.rejection_reasons)),
    );
    if args.spam_risk.is_some() || args.spam_category.is_some() {
        let mut data = Map::new();
        if let Some(risk) = &args.spam_risk {
            data.insert("spam_risk".into(), json!(risk));
        }
        if let Some(category) = &args.spam_category {
            data.insert("spam_category".into(), json!(category));
        }
        put("reputation_data", Some(Value::Object(data)));
    }
    for field in &args.fields {
        let (key, value) = field
            .split_once('=')
            .ok_or_else(|| CliError::usage(format!("--set {field}: expected KEY=VALUE")))?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::from(value));
        body.insert(key.to_string(), value);
    }
    Ok(body)
}

/// POST the trigger and print what changed (JSON).
pub async fn trigger(global: &GlobalArgs, args: TriggerArgs) -> CliResult {
    let key = global.api_key.clone().ok_or_else(|| {
        CliError::usage("emulator trigger: name the account with TELNYX_API_KEY (or --api-key)")
    })?;
    let body = body(global, &args)?;
    let url = format!("{}/trigger", admin_root(global.base_url.as_deref()));
    let mut request = reqwest::Client::new()
        .post(&url)
        .query(&[("api_key", key.as_str())])
        .json(&body);
    // The admin token, if the emulator needs one, from the environment only (never argv).
    if let Ok(token) = std::env::var(telnyx_reputation_emulator::ADMIN_TOKEN_ENV)
        && !token.is_empty()
    {
        request = request.header(telnyx_reputation_emulator::ADMIN_TOKEN_HEADER, token);
    }
    let response = request.send().await.map_err(|e| {
        CliError::new(
            Class::Network,
            format!("emulator trigger: cannot reach {url}: {e}"),
        )
    })?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let details: Vec<String> = answer["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        let at = e["source"]["pointer"]
                            .as_str()
                            .or(e["source"]["parameter"].as_str())
                            .unwrap_or("");
                        format!("{at}: {}", e["detail"].as_str().unwrap_or(""))
                    })
                    .collect()
            })
            .unwrap_or_default();
        return Err(CliError::new(
            Class::Api,
            format!(
                "emulator trigger {}: {} {}",
                args.event,
                status.as_u16(),
                details.join("; ")
            ),
        ));
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&answer["data"]).unwrap_or_default()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::admin_root;

    #[test]
    fn the_admin_root_comes_from_the_api_base_url() {
        assert_eq!(admin_root(None), "http://127.0.0.1:4010/_emulator");
        assert_eq!(
            admin_root(Some("http://127.0.0.1:9/v2/")),
            "http://127.0.0.1:9/_emulator"
        );
        assert_eq!(
            admin_root(Some("http://127.0.0.1:9")),
            "http://127.0.0.1:9/_emulator"
        );
    }
}
