//! The deterministic normalisation pass applied to the spec before progenitor sees it.
//!
//! progenitor 0.15 cannot take every valid OpenAPI document (see openapi/README.md). The
//! rules here rewrite the in-memory document only; the contract on disk stays the API as
//! it is. Rule order matters and is fixed; every map iterated is ordered, so the output
//! is identical across runs.

use serde_json::{Map, Value, json};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";

/// What the pass changed, for the codegen log.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    /// operationIds dropped because their only request media type was multipart.
    pub dropped_multipart: Vec<String>,
    /// operationIds whose request body lost media types other than JSON.
    pub json_only_bodies: Vec<String>,
    /// operationIds whose `default` response became `4XX` + `5XX`.
    pub split_defaults: Vec<String>,
    /// operationIds that had several 2xx responses and kept the lowest.
    pub single_success: Vec<String>,
    /// How many `enum` and `pattern` keywords were removed.
    pub constraints_removed: usize,
    /// How many `minLength`/`maxLength` keywords were removed from schemas no request
    /// body uses.
    pub lengths_removed: usize,
}

/// Apply every rule, in order, to a parsed OpenAPI document.
pub fn normalize(spec: &mut Value) -> Report {
    let mut report = Report::default();
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for method in METHODS {
                let drop = match item.get_mut(method) {
                    Some(op) => normalize_operation(op, &mut report),
                    None => false,
                };
                if drop {
                    item.remove(method);
                }
            }
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|item| METHODS.iter().any(|m| item.contains_key(*m)))
        });
    }
    report.constraints_removed = strip_constraints(spec);
    report.lengths_removed = strip_response_lengths(spec);
    report
}

/// Rules 1-4 for one operation; returns true when the operation must be dropped.
fn normalize_operation(op: &mut Value, report: &mut Report) -> bool {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or("<unnamed>")
        .to_string();

    // Rules 1 and 2: one request media type, JSON; multipart-only operations go.
    if let Some(content) = op
        .pointer_mut("/requestBody/content")
        .and_then(Value::as_object_mut)
    {
        if content.len() == 1 && content.contains_key(MULTIPART) {
            report.dropped_multipart.push(id);
            return true;
        }
        if content.len() > 1 && content.contains_key(JSON) {
            content.retain(|media, _| media == JSON);
            report.json_only_bodies.push(id.clone());
        }
    }

    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return false;
    };

    // Rule 3: `default` counts as success and error at once for progenitor.
    if let Some(default) = responses.remove("default") {
        let errors = error_response(&default);
        responses.entry("4XX").or_insert_with(|| errors.clone());
        responses.entry("5XX").or_insert(errors);
        report.split_defaults.push(id.clone());
    }

    // Rule 4: keep the lowest 2xx response only.
    let mut success: Vec<String> = responses
        .keys()
        .filter(|code| code.starts_with('2'))
        .cloned()
        .collect();
    success.sort();
    if success.len() > 1 {
        for code in &success[1..] {
            responses.remove(code);
        }
        report.single_success.push(id);
    }
    false
}

/// The shared Errors response used in place of `default`, keeping its description.
fn error_response(default: &Value) -> Value {
    let description = default
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("An error, described by the Telnyx error list.");
    json!({
        "description": description,
        "content": { JSON: { "schema": { "$ref": "#/components/schemas/Errors" } } }
    })
}

/// Rule 5: remove `enum` and `pattern` from every schema so an unknown or unusual server
/// value still decodes. Typed enums and input validation live in the facade.
fn strip_constraints(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => strip_constraints_in_object(map),
        Value::Array(items) => items.iter_mut().map(strip_constraints).sum(),
        _ => 0,
    }
}

fn strip_constraints_in_object(map: &mut Map<String, Value>) -> usize {
    let mut removed = 0;
    if map.get("enum").is_some_and(Value::is_array) {
        map.remove("enum");
        removed += 1;
    }
    if map.get("pattern").is_some_and(Value::is_string) {
        map.remove("pattern");
        removed += 1;
    }
    for (key, child) in map.iter_mut() {
        removed += if key == "properties" {
            // A property map's keys are field names, never keywords.
            child
                .as_object_mut()
                .map(|props| props.values_mut().map(strip_constraints).sum())
                .unwrap_or(0)
        } else {
            strip_constraints(child)
        };
    }
    removed
}

/// Rule 6: remove `minLength` and `maxLength` from the component schemas no request body
/// reaches (through `$ref`s), so a server's longer or shorter string still decodes instead
/// of failing a generated newtype's check. Request schemas keep them: their generated types
/// enforce the contract's limits on what we send (as do the rules tables, which read the
/// contract itself).
fn strip_response_lengths(spec: &mut Value) -> usize {
    let mut request = std::collections::BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            for method in METHODS {
                if let Some(body) = item.get(method).and_then(|op| op.get("requestBody")) {
                    collect_refs(body, &mut pending);
                }
            }
        }
    }
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    while let Some(name) = pending.pop() {
        if request.insert(name.clone())
            && let Some(schema) = schemas.get(&name)
        {
            collect_refs(schema, &mut pending);
        }
    }
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return 0;
    };
    schemas
        .iter_mut()
        .filter(|(name, _)| !request.contains(*name))
        .map(|(_, schema)| strip_lengths(schema))
        .sum()
}

/// The schema names `value` refers to (`#/components/schemas/NAME`), appended to `into`.
fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                into.push(name.to_string());
            }
            map.values().for_each(|child| collect_refs(child, into));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, into)),
        _ => {}
    }
}

fn strip_lengths(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            let mut removed = 0;
            for keyword in ["minLength", "maxLength"] {
                if map.get(keyword).is_some_and(Value::is_number) {
                    map.remove(keyword);
                    removed += 1;
                }
            }
            for (key, child) in map.iter_mut() {
                removed += if key == "properties" {
                    child
                        .as_object_mut()
                        .map(|props| props.values_mut().map(strip_lengths).sum())
                        .unwrap_or(0)
                } else {
                    strip_lengths(child)
                };
            }
            removed
        }
        Value::Array(items) => items.iter_mut().map(strip_lengths).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(paths: Value) -> Value {
        json!({ "openapi": "3.0.3", "paths": paths })
    }

    #[test]
    fn drops_multipart_only_operations_and_empty_paths() {
        let mut doc = spec(json!({
            "/upload": { "post": {
                "operationId": "up",
                "requestBody": { "content": { MULTIPART: {} } },
                "responses": { "201": { "description": "ok" } }
            }}
        }));
        let report = normalize(&mut doc);
        assert_eq!(report.dropped_multipart, vec!["up"]);
        assert_eq!(doc["paths"], json!({}));
    }

    #[test]
    fn keeps_only_json_when_several_media_types() {
        let mut doc = spec(json!({
            "/documents": { "post": {
                "operationId": "upload",
                "requestBody": { "content": { MULTIPART: {}, JSON: { "schema": {} } } },
                "responses": { "201": { "description": "ok" } }
            }}
        }));
        let report = normalize(&mut doc);
        assert_eq!(report.json_only_bodies, vec!["upload"]);
        let content = &doc["paths"]["/documents"]["post"]["requestBody"]["content"];
        assert_eq!(
            content.as_object().unwrap().keys().collect::<Vec<_>>(),
            [JSON]
        );
    }

    #[test]
    fn splits_default_and_keeps_lowest_success() {
        let mut doc = spec(json!({
            "/x": { "get": {
                "operationId": "x",
                "responses": {
                    "204": { "description": "none" },
                    "200": { "description": "body" },
                    "default": { "description": "oops" }
                }
            }}
        }));
        let report = normalize(&mut doc);
        let responses = doc["paths"]["/x"]["get"]["responses"].as_object().unwrap();
        let mut codes: Vec<_> = responses.keys().cloned().collect();
        codes.sort();
        assert_eq!(codes, ["200", "4XX", "5XX"]);
        assert_eq!(report.split_defaults, vec!["x"]);
        assert_eq!(report.single_success, vec!["x"]);
        assert_eq!(
            responses["5XX"]["content"][JSON]["schema"]["$ref"],
            "#/components/schemas/Errors"
        );
    }

    #[test]
    fn strips_enum_and_pattern_keywords_but_not_fields_named_so() {
        let mut doc = json!({ "components": { "schemas": { "S": {
            "type": "object",
            "properties": {
                "enum": { "type": "string", "enum": ["a"] },
                "pattern": { "type": "string", "pattern": "^x$" },
                "risk": { "type": "string", "enum": ["low", "high"], "nullable": true }
            }
        }}}});
        assert_eq!(normalize(&mut doc).constraints_removed, 3);
        let props = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(props["enum"], json!({ "type": "string" }));
        assert_eq!(props["pattern"], json!({ "type": "string" }));
        assert_eq!(props["risk"], json!({ "type": "string", "nullable": true }));
    }

    #[test]
    fn strips_lengths_only_from_schemas_no_request_body_reaches() {
        let mut doc = json!({
            "paths": { "/things": { "post": {
                "operationId": "createThing",
                "requestBody": { "content": { "application/json": { "schema": {
                    "$ref": "#/components/schemas/ThingCreate"
                }}}},
                "responses": { "201": { "description": "ok", "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Thing" }
                }}}}
            }}},
            "components": { "schemas": {
                "ThingCreate": { "type": "object", "properties": {
                    "note": { "type": "string", "maxLength": 40 },
                    "owner": { "$ref": "#/components/schemas/Owner" }
                }},
                "Owner": { "type": "object", "properties": {
                    "name": { "type": "string", "minLength": 1, "maxLength": 20 }
                }},
                "Thing": { "type": "object", "properties": {
                    "note": { "type": "string", "maxLength": 40 },
                    "maxLength": { "type": "string", "minLength": 2 }
                }}
            }}
        });
        assert_eq!(normalize(&mut doc).lengths_removed, 2);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Thing"]["properties"]["note"],
            json!({ "type": "string" })
        );
        assert_eq!(
            schemas["Thing"]["properties"]["maxLength"],
            json!({ "type": "string" })
        );
        assert_eq!(
            schemas["ThingCreate"]["properties"]["note"]["maxLength"],
            40
        );
        assert_eq!(schemas["Owner"]["properties"]["name"]["minLength"], 1);
    }
}
