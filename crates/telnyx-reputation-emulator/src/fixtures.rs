//! Fixture scenarios: a JSON or YAML document of API and admin requests run as one account,
//! in order, every step or none (`POST /_emulator/fixtures`, `--fixtures FILE` at start).
//!
//! ```json
//! { "api_key": "KEY_demo",
//!   "fixtures": [
//!     { "path": "/v2/terms_of_service/number_reputation/agree" },
//!     { "name": "acme", "path": "/v2/enterprises", "params": { "legal_name": "Acme LLC", ... } },
//!     { "path": "/_emulator/gates",
//!       "params": { "enterprise_id": "${acme:data.id}", "status": "approved" } } ] }
//! ```
//!
//! The same scenario in YAML (a file ending `.yaml`/`.yml`, or a body sent as
//! `application/yaml`) reads into the same document, so it is checked and run the same way.
//!
//! A step is `name` (optional; how later steps refer to its response), `method` (default
//! `post`), `path` (under `/v2/` or `/_emulator/`) and `params` (the JSON body). A string
//! `${NAME:PATH}` anywhere in a later step's path or params is replaced by the value at the
//! dotted `PATH` (`data.id`, `data.0.id`) of step NAME's response body: the value itself when
//! the string is only the reference, its text when the reference is part of a longer string.
//!
//! Nothing is applied unless every step succeeds: the whole file is checked first (shape,
//! names, references to earlier steps only), then run against a scratch copy of the account
//! with no webhook delivery, and only then for real (and should a real step still fail, the
//! account is put back as it was). A refusal is a 422 naming the step and the field:
//! `/fixtures/2/params/legal_name`.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use tower::ServiceExt;

use crate::error::{ApiError, ErrorItem, invalid_item, missing_item};
use crate::state::{AppState, World};

/// The notation a scenario is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// A file's notation by its name: `.yaml` and `.yml` are YAML, anything else JSON.
    pub fn of_path(path: &std::path::Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") => {
                Self::Yaml
            }
            _ => Self::Json,
        }
    }

    /// A request body's notation by its `Content-Type`: `application/yaml` (and the older
    /// `application/x-yaml`, `text/yaml`, `text/x-yaml`) is YAML, anything else JSON.
    pub fn of_content_type(content_type: Option<&str>) -> Self {
        let essence = content_type
            .and_then(|t| t.split(';').next())
            .map(|t| t.trim().to_ascii_lowercase());
        match essence.as_deref() {
            Some("application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml") => {
                Self::Yaml
            }
            _ => Self::Json,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Json => "JSON",
            Self::Yaml => "YAML",
        }
    }
}

/// Why a scenario's text could not be read: the line (1-based) when known, and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub line: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Read a scenario's text into the document `parse` checks. YAML is read with
/// serde-saphyr's default budgets (bounded aliases, depth and size), one document only.
pub fn read(text: &str, format: Format) -> Result<Value, Unreadable> {
    match format {
        Format::Json => serde_json::from_str(text).map_err(|e| Unreadable {
            line: Some(e.line() as u64).filter(|l| *l > 0),
            message: format!("not JSON: {e}"),
        }),
        Format::Yaml => serde_saphyr::from_str::<Value>(text).map_err(|e| Unreadable {
            line: e.location().map(|l| l.line()).filter(|l| *l > 0),
            message: format!("not {}: {}", format.name(), e.without_snippet()),
        }),
    }
}

/// One checked step.
#[derive(Debug, Clone)]
struct Step {
    name: Option<String>,
    method: Method,
    path: String,
    params: Option<Value>,
}

/// A checked scenario: its steps and the account it names, if it names one.
#[derive(Debug, Clone)]
pub struct Scenario {
    steps: Vec<Step>,
    /// The `api_key` the file names (needed when it is loaded at start).
    pub api_key: Option<String>,
}

/// What a loaded scenario made: each named step's response body.
pub type Made = Map<String, Value>;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
/// Admin endpoints a step may not call: loading fixtures from fixtures, or a reset.
const REFUSED_PATHS: [&str; 2] = ["/_emulator/fixtures", "/_emulator/reset"];

fn references(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let inner = &rest[start + 2..start + len];
        let (name, path) = inner.split_once(':').unwrap_or((inner, ""));
        out.push((name.to_string(), path.to_string()));
        rest = &rest[start + len + 1..];
    }
    out
}

fn check_references(
    value: &Value,
    pointer: &str,
    known: &HashSet<String>,
    errors: &mut Vec<ErrorItem>,
) {
    match value {
        Value::String(text) => {
            for (name, path) in references(text) {
                if !known.contains(&name) {
                    errors.push(invalid_item(
                        pointer,
                        format!(
                            "${{{name}:{path}}} refers to no earlier step named '{name}' (a step can refer only to the named steps before it)."
                        ),
                    ));
                } else if path.is_empty() {
                    errors.push(invalid_item(
                        pointer,
                        format!(
                            "${{{name}}} needs a path into the response, e.g. ${{{name}:data.id}}."
                        ),
                    ));
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_references(item, &format!("{pointer}/{i}"), known, errors);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                check_references(v, &format!("{pointer}/{k}"), known, errors);
            }
        }
        _ => {}
    }
}

/// Check a scenario's shape, names and references; every problem is reported, at its pointer.
pub fn parse(body: &Value) -> Result<Scenario, ApiError> {
    let mut errors = Vec::new();
    let Some(top) = body.as_object() else {
        return Err(ApiError::unprocessable(vec![invalid_item(
            "",
            "A fixture scenario is an object (JSON or YAML) with a fixtures array.",
        )]));
    };
    for key in top.keys() {
        if key != "fixtures" && key != "api_key" {
            errors.push(invalid_item(
                &format!("/{key}"),
                format!("Unknown field '{key}': a scenario has fixtures and, optionally, api_key."),
            ));
        }
    }
    let api_key = match top.get("api_key") {
        None | Some(Value::Null) => None,
        Some(Value::String(k)) if !k.is_empty() => Some(k.clone()),
        Some(_) => {
            errors.push(invalid_item(
                "/api_key",
                "api_key must be a non-empty string.",
            ));
            None
        }
    };
    let items = match top.get("fixtures") {
        Some(Value::Array(items)) if !items.is_empty() => items.as_slice(),
        Some(_) => {
            errors.push(invalid_item(
                "/fixtures",
                "fixtures must be a non-empty array of steps.",
            ));
            &[]
        }
        None => {
            errors.push(missing_item("/fixtures"));
            &[]
        }
    };
    let mut known = HashSet::new();
    let mut steps = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("/fixtures/{i}");
        let Some(step) = item.as_object() else {
            errors.push(invalid_item(
                &at,
                format!("Step {i} must be an object with a path."),
            ));
            continue;
        };
        for key in step.keys() {
            if !["name", "method", "path", "params"].contains(&key.as_str()) {
                errors.push(invalid_item(
                    &format!("{at}/{key}"),
                    format!("Unknown field '{key}' in step {i}: a step has name, method, path and params."),
                ));
            }
        }
        let name = match step.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(n))
                if !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                if known.contains(n) {
                    errors.push(invalid_item(
                        &format!("{at}/name"),
                        format!("Step {i}: the name '{n}' is already used by an earlier step."),
                    ));
                }
                Some(n.clone())
            }
            Some(_) => {
                errors.push(invalid_item(
                    &format!("{at}/name"),
                    format!("Step {i}: name must be letters, digits, '_' or '-'."),
                ));
                None
            }
        };
        let method = match step.get("method") {
            None => Some(Method::POST),
            Some(Value::String(m)) if METHODS.contains(&m.to_ascii_lowercase().as_str()) => {
                Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok()
            }
            Some(other) => {
                errors.push(invalid_item(
                    &format!("{at}/method"),
                    format!(
                        "Step {i}: method must be one of {}, got {other}.",
                        METHODS.join(", ")
                    ),
                ));
                None
            }
        };
        let path = match step.get("path") {
            Some(Value::String(p))
                if (p.starts_with("/v2/") || p.starts_with("/_emulator/"))
                    && !REFUSED_PATHS.iter().any(|r| p.starts_with(r)) =>
            {
                Some(p.clone())
            }
            Some(other) => {
                errors.push(invalid_item(
                    &format!("{at}/path"),
                    format!(
                        "Step {i}: path must start with /v2/ or /_emulator/ (not fixtures or reset), got {other}."
                    ),
                ));
                None
            }
            None => {
                errors.push(missing_item(&format!("{at}/path")));
                None
            }
        };
        let params = step.get("params").filter(|p| !p.is_null()).cloned();
        if let Some(path) = &path {
            check_references(
                &Value::String(path.clone()),
                &format!("{at}/path"),
                &known,
                &mut errors,
            );
        }
        if let Some(params) = &params {
            if !params.is_object() {
                errors.push(invalid_item(
                    &format!("{at}/params"),
                    format!("Step {i}: params must be an object (the request body)."),
                ));
            }
            check_references(params, &format!("{at}/params"), &known, &mut errors);
        }
        if let (Some(method), Some(path)) = (method, path) {
            steps.push(Step {
                name: name.clone(),
                method,
                path,
                params,
            });
        }
        if let Some(name) = name {
            known.insert(name);
        }
    }
    if errors.is_empty() {
        Ok(Scenario { steps, api_key })
    } else {
        Err(ApiError::unprocessable(errors))
    }
}

/// The value at dotted `path` of `value` (`data.0.id`).
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, part| match v {
        Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
        Value::Object(map) => map.get(part),
        _ => None,
    })
}

/// `value` with every `${NAME:PATH}` replaced from `made`; `Err((pointer, message))` when a
/// path is not in the response.
fn substitute(value: &Value, pointer: &str, made: &Made) -> Result<Value, (String, String)> {
    match value {
        Value::String(text) => {
            let refs = references(text);
            if refs.is_empty() {
                return Ok(value.clone());
            }
            let resolve = |name: &str, path: &str| {
                made.get(name)
                    .and_then(|body| lookup(body, path))
                    .cloned()
                    .ok_or_else(|| {
                        (
                            pointer.to_string(),
                            format!("${{{name}:{path}}}: step '{name}' answered without {path}."),
                        )
                    })
            };
            if let [(name, path)] = refs.as_slice()
                && text == &format!("${{{name}:{path}}}")
            {
                return resolve(name, path);
            }
            let mut out = text.clone();
            for (name, path) in refs {
                let found = resolve(&name, &path)?;
                let plain = match found {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                out = out.replace(&format!("${{{name}:{path}}}"), &plain);
            }
            Ok(Value::String(out))
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| substitute(v, &format!("{pointer}/{i}"), made))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| substitute(v, &format!("{pointer}/{k}"), made).map(|v| (k.clone(), v)))
            .collect::<Result<Map<_, _>, _>>()
            .map(Value::Object),
        other => Ok(other.clone()),
    }
}

/// Run every step against `app` as account `key`; the first failure is returned as a 422
/// naming the step (and, where the answer named one, the field).
async fn run(app: &AppState, key: &str, scenario: &Scenario) -> Result<Made, ApiError> {
    let router = crate::routes::router(app.clone());
    let mut made = Made::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        let at = format!("/fixtures/{i}");
        let refuse = |pointer: String, detail: String| {
            ApiError::unprocessable(vec![invalid_item(&pointer, detail)])
        };
        let path = substitute(
            &Value::String(step.path.clone()),
            &format!("{at}/path"),
            &made,
        )
        .map_err(|(p, m)| refuse(p, format!("Step {i}: {m}")))?;
        let path = path.as_str().unwrap_or_default().to_string();
        let params = match &step.params {
            Some(p) => Some(
                substitute(p, &format!("{at}/params"), &made)
                    .map_err(|(p, m)| refuse(p, format!("Step {i}: {m}")))?,
            ),
            None => None,
        };
        let admin = path.starts_with("/_emulator/");
        let uri = if admin {
            let joiner = if path.contains('?') { '&' } else { '?' };
            let encoded: String = form_urlencoded::byte_serialize(key.as_bytes()).collect();
            format!("{path}{joiner}api_key={encoded}")
        } else {
            path.clone()
        };
        let mut request = Request::builder()
            .method(step.method.clone())
            .uri(&uri)
            .header(header::AUTHORIZATION, format!("Bearer {key}"));
        let body = match (
            &params,
            step.method == Method::GET || step.method == Method::DELETE,
        ) {
            (Some(p), _) => Body::from(p.to_string()),
            (None, false) => Body::from("{}"),
            (None, true) => Body::empty(),
        };
        if !(step.method == Method::GET || step.method == Method::DELETE) || params.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request.body(body).map_err(|e| {
            refuse(
                format!("{at}/path"),
                format!("Step {i}: '{path}' is not a request path ({e})."),
            )
        })?;
        let response = router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), crate::gateway::BODY_LIMIT)
            .await
            .unwrap_or_default();
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !status.is_success() {
            let what = format!(
                "Step {i}{}: {} {path} answered {}",
                step.name
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default(),
                step.method,
                status.as_u16()
            );
            let items: Vec<ErrorItem> = answer["errors"]
                .as_array()
                .map(|errors| {
                    errors
                        .iter()
                        .map(|e| {
                            let field = e["source"]["pointer"].as_str().unwrap_or("");
                            let pointer = if field.is_empty() {
                                at.clone()
                            } else {
                                format!("{at}/params{field}")
                            };
                            invalid_item(
                                &pointer,
                                format!(
                                    "{what}: {}",
                                    e["detail"]
                                        .as_str()
                                        .or(e["title"].as_str())
                                        .unwrap_or("refused")
                                ),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            return Err(ApiError::unprocessable(if items.is_empty() {
                vec![invalid_item(&at, what)]
            } else {
                items
            }));
        }
        if let Some(name) = &step.name {
            made.insert(name.clone(), answer);
        }
    }
    Ok(made)
}

/// Load `scenario` as account `key`: a dry run on a scratch copy of the account first, then
/// for real; on any failure the account is left (or put back) as it was.
pub async fn load(app: &AppState, key: &str, scenario: &Scenario) -> Result<Made, ApiError> {
    let snapshot = {
        let mut world = app.world();
        let account = world.account(key).clone();
        if account.is_pristine() {
            world.accounts.remove(key);
        }
        account
    };
    let scratch = {
        let mut world = World::default();
        world.accounts.insert(key.to_string(), snapshot.clone());
        app.scratch(world)
    };
    run(&scratch, key, scenario).await?;
    let queued_before: HashSet<String> = app
        .world()
        .deliveries
        .queue
        .iter()
        .filter(|e| e.account == key)
        .map(|e| e.id.clone())
        .collect();
    match run(app, key, scenario).await {
        Ok(made) => {
            app.mark_dirty();
            Ok(made)
        }
        Err(refused) => {
            let mut world = app.world();
            world.accounts.insert(key.to_string(), snapshot);
            world
                .deliveries
                .queue
                .retain(|e| e.account != key || queued_before.contains(&e.id));
            Err(refused)
        }
    }
}

/// The JSON answer of a load: the named steps' responses.
pub fn answer(made: Made) -> Value {
    json!({ "data": { "steps": made } })
}
