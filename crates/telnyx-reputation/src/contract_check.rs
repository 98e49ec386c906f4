//! The facade follows the contract (`openapi/number-reputation.yaml`), checked by
//! `cargo test` (and so by `cargo xtask test`):
//!
//! - every schema of the contract is either the shape of a facade model ([`MODELS`]), nested
//!   in one, or declared as having no facade model ([`NO_MODEL`]) with the reason;
//! - each facade model carries every property of its schema, nested objects included, under
//!   the same name, and no property the schema lacks; a deliberate omission is declared with
//!   its reason in the model's row;
//! - optionality agrees: a property the schema may leave out (or null) decodes when absent
//!   (or null), and one the schema requires is required by the facade model too;
//! - the operations table ([`crate::OPERATIONS`]) has exactly the contract's methods and paths.
//!
//! How: an example object is built from the schema (every property, then only the required
//! ones, then each required one removed), decoded with the model's `Deserialize` and encoded
//! back with its `Serialize`: what comes back names the model's fields. A new upstream field
//! thus fails the build naming the model and the field.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::models::*;

/// Decode a contract example into a model and encode it back.
type RoundTrip = fn(&Value) -> Result<Value, String>;

fn round_trip<T: DeserializeOwned + Serialize>(example: &Value) -> Result<Value, String> {
    let model: T = serde_json::from_value(example.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&model).map_err(|e| e.to_string())
}

/// One facade model and the contract schema it follows.
struct Model {
    /// The facade type, as users see it.
    rust: &'static str,
    /// The contract schema (`#/components/schemas/<schema>`).
    schema: &'static str,
    round_trip: RoundTrip,
    /// Properties the model leaves out on purpose (dotted for nested ones), with the reason.
    omitted: &'static [(&'static str, &'static str)],
}

const fn model<T: DeserializeOwned + Serialize>(
    rust: &'static str,
    schema: &'static str,
    omitted: &'static [(&'static str, &'static str)],
) -> Model {
    Model {
        rust,
        schema,
        round_trip: round_trip::<T>,
        omitted,
    }
}

/// Every facade model that has a contract schema.
const MODELS: &[Model] = &[
    model::<Enterprise>("Enterprise", "Enterprise", &[]),
    model::<NewEnterprise>("NewEnterprise", "EnterpriseCreate", &[]),
    model::<EnterpriseUpdate>("EnterpriseUpdate", "EnterpriseReplace", &[]),
    model::<ReputationSettings>("ReputationSettings", "ReputationSettings", &[]),
    model::<ReputationNumber>("ReputationNumber", "ReputationNumber", &[]),
    model::<RefreshOutcome>("RefreshOutcome", "RefreshResult", &[]),
    model::<NumberOwnership>("NumberOwnership", "NumberOwnership", &[]),
    model::<Remediation>("Remediation", "Remediation", &[]),
    model::<RemediationSummary>("RemediationSummary", "RemediationSummary", &[]),
    model::<RemediationRequest>("RemediationRequest", "CreateRemediationRequest", &[]),
    model::<ExternalVerification>("ExternalVerification", "ExternalVerification", &[]),
    model::<TosAgreement>("TosAgreement", "TosAgreement", &[]),
    model::<TosStatus>("TosStatus", "TosStatus", &[]),
    model::<TermsInfo>("TermsInfo", "TosTermsInfo", &[]),
    model::<Document>(
        "Document",
        "Document",
        &[(
            "record_type",
            "always \"document\": the facade's type already says what it is",
        )],
    ),
    model::<PageMeta>("PageMeta", "PaginationMeta", &[]),
    model::<LoaRenderOptions>("LoaRenderOptions", "LoaRenderRequest", &[]),
];

/// Contract schemas with no facade model of their own, and why.
const NO_MODEL: &[(&str, &str)] = &[
    (
        "Errors",
        "the error envelope: read into `Error` and `ApiError` (error.rs)",
    ),
    (
        "Error",
        "one entry of the error envelope: `ErrorEntry` (error.rs)",
    ),
    ("ErrorSource", "inside `ErrorEntry` (error.rs)"),
    ("OrganizationType", "a string enum: `OrganizationType`"),
    (
        "OrganizationLegalType",
        "a string enum: `OrganizationLegalType`",
    ),
    ("NumberOfEmployees", "a string enum: `NumberOfEmployees`"),
    ("Industry", "an opaque string: `Enterprise::industry`"),
    ("RoleType", "a string enum: `RoleType`"),
    (
        "EnterpriseWrapped",
        "the `data` envelope: methods return the model",
    ),
    ("EnterpriseList", "a page: `Page<Enterprise>`"),
    ("CheckFrequency", "a string enum: `CheckFrequency`"),
    ("ReputationStatus", "a string enum: `ReputationStatus`"),
    ("GateStatus", "a string enum: `GateStatus`"),
    ("ReputationSettingsWrapped", "the `data` envelope"),
    (
        "EnableReputationRequest",
        "arguments of `Reputation::enable`",
    ),
    (
        "UpdateFrequencyRequest",
        "the argument of `Reputation::set_frequency`",
    ),
    (
        "UpdateWebhookRequest",
        "the argument of `Reputation::set_webhook`",
    ),
    ("SpamRisk", "a string enum: `SpamRisk`"),
    ("OwnershipStatus", "a string enum: `OwnershipStatus`"),
    ("NumberSource", "a string enum: `NumberSource`"),
    ("RemovalReason", "a string enum: `RemovalReason`"),
    ("ReputationNumberWrapped", "the `data` envelope"),
    ("ReputationNumberList", "a page: `Page<ReputationNumber>`"),
    (
        "PhoneNumbersRequest",
        "the numbers argument of `Numbers::add`/`refresh`",
    ),
    ("RefreshResultWrapped", "the `data` envelope"),
    ("NumberOwnershipWrapped", "the `data` envelope"),
    (
        "OwnershipConfirmRequest",
        "arguments of `Numbers::confirm_ownership`",
    ),
    ("ReplaceLoaRequest", "the argument of `Loa::replace`"),
    ("RemediationStatus", "a string enum: `RemediationStatus`"),
    ("RemediationWrapped", "the `data` envelope"),
    ("RemediationList", "a page: `Page<RemediationSummary>`"),
    (
        "SubmitExternalVerificationRequest",
        "arguments of `ExternalVerifications::submit`",
    ),
    ("ExternalVerificationWrapped", "the `data` envelope"),
    ("TosProductType", "a string enum: `ProductType`"),
    ("TosInfo", "the `data` envelope of the terms info"),
    ("TosStatusWrapped", "the `data` envelope"),
    ("TosAgreementWrapped", "the `data` envelope"),
    ("TosAgreementList", "a page: `Page<TosAgreement>`"),
    (
        "DocumentAvScanStatus",
        "an opaque string: `Document::av_scan_status`",
    ),
    ("DocumentStatus", "an opaque string: `Document::status`"),
    ("DocumentWrapped", "the `data` envelope"),
    (
        "DocumentUploadJson",
        "arguments of `Documents::upload_json`",
    ),
    (
        "DocumentUploadMultipart",
        "arguments of `Documents::upload`",
    ),
    (
        "WebhookMeta",
        "webhook events are verified and parsed by `webhooks` (its own tests)",
    ),
    (
        "NumberFlaggedPayload",
        "parsed by `webhooks` into `NumberFlagged`",
    ),
    (
        "NumberRemovedPayload",
        "parsed by `webhooks` into `NumberRemoved`",
    ),
    (
        "ExternalVerificationStatusChangedPayload",
        "parsed by `webhooks` into `ExternalVerificationStatusChanged`",
    ),
    ("NumberFlaggedEvent", "parsed by `webhooks`"),
    ("NumberRemovedEvent", "parsed by `webhooks`"),
    (
        "ExternalVerificationStatusChangedEvent",
        "parsed by `webhooks`",
    ),
    (
        "RemediationStatusChangedPayload",
        "parsed by `webhooks` into `RemediationStatusChanged`",
    ),
    ("RemediationStatusChangedEvent", "parsed by `webhooks`"),
    ("WebhookEvent", "parsed by `webhooks` into `WebhookEvent`"),
];

/// The contract, read from the workspace's `openapi/`.
pub(crate) fn contract() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../openapi/number-reputation.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every disagreement between the facade and `spec`, one line each (empty: they agree).
pub(crate) fn problems(spec: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let schemas = spec["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let resolver = Resolver { schemas: &schemas };
    let mut covered: BTreeSet<String> = NO_MODEL.iter().map(|(s, _)| s.to_string()).collect();
    for model in MODELS {
        let Some(schema) = schemas.get(model.schema) else {
            problems.push(format!(
                "{}: the contract has no schema {} any more",
                model.rust, model.schema
            ));
            continue;
        };
        covered.insert(model.schema.to_string());
        resolver.nested_refs(schema, &mut covered);
        check_model(model, schema, &resolver, &mut problems);
    }
    for name in schemas.keys() {
        if !covered.contains(name) {
            problems.push(format!(
                "schema {name}: no facade model follows it; add one to contract_check::MODELS \
                 or declare why not in NO_MODEL"
            ));
        }
    }
    for (name, _) in NO_MODEL {
        if !schemas.contains_key(*name) {
            problems.push(format!(
                "NO_MODEL lists {name}, which the contract no longer has"
            ));
        }
    }
    check_operations(spec, &mut problems);
    problems
}

fn check_model(model: &Model, schema: &Value, resolver: &Resolver, problems: &mut Vec<String>) {
    let omitted: BTreeSet<&str> = model.omitted.iter().map(|(name, _)| *name).collect();
    // Names: everything filled in, decoded and encoded back.
    let full = resolver.example(schema, Fill::All);
    match (model.round_trip)(&full) {
        Ok(back) => compare_names(model.rust, "", schema, &back, resolver, &omitted, problems),
        Err(e) => problems.push(format!(
            "{}: cannot decode a complete {} example: {e}",
            model.rust, model.schema
        )),
    }
    // Optionality: only the required properties (nulls where nullable) must decode...
    for fill in [Fill::Required, Fill::RequiredNullsAsNull] {
        let minimal = resolver.example(schema, fill);
        if let Err(e) = (model.round_trip)(&minimal) {
            problems.push(format!(
                "{}: requires a property {} leaves optional or nullable ({fill:?}): {e}",
                model.rust, model.schema
            ));
        }
    }
    // ...and without any one required (non-null) property it must not.
    let schema = resolver.resolve(schema);
    let minimal = resolver.example(schema, Fill::Required);
    for name in required(schema) {
        // Required yet nullable: a facade `Option` reads absent and null alike.
        let nullable = schema["properties"][&name]["nullable"] == json!(true);
        if omitted.contains(name.as_str()) || nullable {
            continue;
        }
        let mut without = minimal.clone();
        without.as_object_mut().map(|o| o.remove(&name));
        if (model.round_trip)(&without).is_ok() {
            problems.push(format!(
                "{}.{name}: required by {} but optional in the facade model",
                model.rust, model.schema
            ));
        }
    }
}

/// Compare the keys of an encoded model with the schema's properties, recursing into nested
/// objects and arrays of objects.
fn compare_names(
    rust: &str,
    prefix: &str,
    schema: &Value,
    encoded: &Value,
    resolver: &Resolver,
    omitted: &BTreeSet<&str>,
    problems: &mut Vec<String>,
) {
    let schema = resolver.resolve(schema);
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    let Some(fields) = encoded.as_object() else {
        problems.push(format!(
            "{rust}{prefix}: encodes as {encoded}, not an object"
        ));
        return;
    };
    for (name, property) in properties {
        let path = format!("{prefix}.{name}");
        if omitted.contains(&path[1..]) {
            if fields.contains_key(name) {
                problems.push(format!(
                    "{rust}{path}: declared omitted, yet the model has it"
                ));
            }
            continue;
        }
        match fields.get(name) {
            None => problems.push(format!(
                "{rust}{path}: the contract has this property; the facade model lacks it"
            )),
            Some(Value::Array(items)) => {
                if let Some(first) = items.first() {
                    let item_schema = &resolver.resolve(property)["items"];
                    compare_names(rust, &path, item_schema, first, resolver, omitted, problems);
                }
            }
            Some(value @ Value::Object(_)) => {
                compare_names(rust, &path, property, value, resolver, omitted, problems);
            }
            Some(_) => {}
        }
    }
    for name in fields.keys() {
        if !properties.contains_key(name) {
            problems.push(format!(
                "{rust}{prefix}.{name}: the facade model has it; the contract does not"
            ));
        }
    }
}

/// The operations table against the contract's paths and methods.
fn check_operations(spec: &Value, problems: &mut Vec<String>) {
    let mut contract = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                contract.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let table: BTreeSet<(String, String)> = crate::OPERATIONS
        .iter()
        .map(|op| (op.method().to_string(), op.path().to_string()))
        .collect();
    for (method, path) in contract.difference(&table) {
        problems.push(format!(
            "operation {method} {path}: in the contract, not in the operations table"
        ));
    }
    for (method, path) in table.difference(&contract) {
        problems.push(format!(
            "operation {method} {path}: in the operations table, not in the contract"
        ));
    }
}

fn required(schema: &Value) -> Vec<String> {
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Which properties an example carries.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fill {
    /// Every property, each with a value.
    All,
    /// Only the required properties, each with a value.
    Required,
    /// Only the required properties; the nullable ones as `null`.
    RequiredNullsAsNull,
}

struct Resolver<'a> {
    schemas: &'a Map<String, Value>,
}

impl<'a> Resolver<'a> {
    /// Follow `$ref` and single-entry `allOf` (the contract's nullable-reference idiom).
    fn resolve<'b>(&'b self, mut schema: &'b Value) -> &'b Value
    where
        'a: 'b,
    {
        loop {
            if let Some(reference) = schema["$ref"].as_str() {
                let name = reference.trim_start_matches("#/components/schemas/");
                schema = self.schemas.get(name).unwrap_or(&Value::Null);
            } else if let Some([only]) = schema["allOf"].as_array().map(Vec::as_slice) {
                schema = only;
            } else {
                return schema;
            }
        }
    }

    /// The schemas `schema` refers to, directly or through its properties.
    fn nested_refs(&self, schema: &Value, seen: &mut BTreeSet<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    let name = reference.trim_start_matches("#/components/schemas/");
                    if seen.insert(name.to_string())
                        && let Some(target) = self.schemas.get(name)
                    {
                        self.nested_refs(target, seen);
                    }
                }
                for value in map.values() {
                    self.nested_refs(value, seen);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.nested_refs(v, seen)),
            _ => {}
        }
    }

    /// A value `schema` accepts.
    fn example(&self, schema: &Value, fill: Fill) -> Value {
        let nullable = schema["nullable"] == json!(true);
        let schema = self.resolve(schema);
        if nullable && fill == Fill::RequiredNullsAsNull {
            return Value::Null;
        }
        if let Some(first) = schema["enum"].as_array().and_then(|v| v.first()) {
            return first.clone();
        }
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        match schema["type"].as_str() {
            Some("object") | None if schema.get("properties").is_some() => {
                let wanted: BTreeSet<String> = required(schema).into_iter().collect();
                let mut object = BTreeMap::new();
                for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                    if fill == Fill::All || wanted.contains(name) {
                        object.insert(name.clone(), self.example(property, fill));
                    }
                }
                Value::Object(object.into_iter().collect())
            }
            Some("array") => {
                let count = schema["minItems"].as_u64().unwrap_or(1).max(1);
                let item = self.example(&schema["items"], fill);
                Value::Array(vec![item; count as usize])
            }
            Some("integer") => json!(schema["minimum"].as_i64().unwrap_or(0).max(1)),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("string") => match schema["format"].as_str() {
                Some("uuid") => json!("4a6192a4-573d-446d-b3ce-aff9117272a6"),
                Some("date-time") => json!("2026-04-26T18:06:51.940749Z"),
                Some("date") => json!("2026-04-26"),
                _ => {
                    let len = schema["minLength"].as_u64().unwrap_or(1).max(1);
                    json!("x".repeat(len as usize))
                }
            },
            _ => json!({}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facade_models_and_operations_follow_the_contract() {
        let problems = problems(&contract());
        assert!(
            problems.is_empty(),
            "the facade does not follow openapi/number-reputation.yaml:\n  {}",
            problems.join("\n  ")
        );
    }

    fn mutated(change: impl FnOnce(&mut Value)) -> Vec<String> {
        let mut spec = contract();
        change(&mut spec);
        problems(&spec)
    }

    fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
        &mut spec["components"]["schemas"][name]
    }

    #[test]
    fn a_new_response_field_is_named_with_its_model() {
        let problems = mutated(|spec| {
            schema(spec, "Enterprise")["properties"]["loyalty_tier"] =
                json!({"type": "string", "maxLength": 32});
            schema(spec, "ReputationData")["properties"]["robocall_score"] =
                json!({"type": "integer", "nullable": true});
        });
        assert!(
            problems.contains(&"Enterprise.loyalty_tier: the contract has this property; the facade model lacks it".to_string()),
            "{problems:#?}"
        );
        assert!(
            problems.iter().any(|p| p.starts_with(
                "ReputationNumber.reputation_data.robocall_score: the contract has this property"
            )),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_new_request_field_and_a_new_required_field_are_named() {
        let problems = mutated(|spec| {
            let create = schema(spec, "EnterpriseCreate");
            create["properties"]["loyalty_tier"] = json!({"type": "string", "maxLength": 32});
            // A response property turning required: the facade model must require it too.
            let number = schema(spec, "ReputationNumber");
            number["required"]
                .as_array_mut()
                .unwrap()
                .push(json!("source"));
        });
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("NewEnterprise.loyalty_tier:")),
            "{problems:#?}"
        );
        assert!(
            problems.contains(&"ReputationNumber.source: required by ReputationNumber but optional in the facade model".to_string()),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_required_field_made_optional_is_named() {
        let problems = mutated(|spec| {
            let enterprise = schema(spec, "Enterprise");
            let required = enterprise["required"].as_array_mut().unwrap();
            required.retain(|name| name != "website");
        });
        assert!(
            problems.iter().any(|p| p
                .starts_with("Enterprise: requires a property Enterprise leaves optional")
                && p.contains("website")),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_renamed_field_a_new_schema_and_a_new_operation_are_named() {
        let problems = mutated(|spec| {
            let settings = schema(spec, "ReputationSettings");
            let old = settings["properties"]
                .as_object_mut()
                .unwrap()
                .remove("webhook_url")
                .unwrap();
            settings["properties"]["webhook"] = old;
            spec["components"]["schemas"]["Campaign"] = json!({"type": "object"});
            spec["paths"]["/campaigns"] = json!({"get": {"operationId": "list_campaigns"}});
            spec["paths"]
                .as_object_mut()
                .unwrap()
                .remove("/terms_of_service/info");
        });
        for expected in [
            "ReputationSettings.webhook: the contract has this property; the facade model lacks it",
            "ReputationSettings.webhook_url: the facade model has it; the contract does not",
            "operation GET /campaigns: in the contract, not in the operations table",
            "operation GET /terms_of_service/info: in the operations table, not in the contract",
        ] {
            assert!(
                problems.contains(&expected.to_string()),
                "{expected}\n{problems:#?}"
            );
        }
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("schema Campaign: no facade model")),
            "{problems:#?}"
        );
    }
}
