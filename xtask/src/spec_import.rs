//! `cargo xtask spec import PATH/spec3.yml`: the Number Reputation subset of the upstream
//! Telnyx OpenAPI document.
//!
//! Telnyx publishes its whole API as one OpenAPI 3.1 document (team-telnyx/openapi,
//! `openapi/spec3.yml`). The import keeps the operations of our contract (matched by method
//! and path), every other upstream operation tagged `Reputation` (so a new reputation
//! endpoint shows up in `spec diff`), and every component they reference, transitively. It
//! then rewrites the OpenAPI 3.1 constructs our 3.0 tooling cannot read (see [`downgrade`])
//! and writes [`SUBSET`], headed with the upstream commit and date. The output is
//! deterministic: every map is written in key order and nothing depends on the clock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::{Map, Value, json};

use crate::Result;
use crate::codegen::SPEC;

/// The generated, committed upstream subset.
pub const SUBSET: &str = "openapi/upstream/number-reputation.upstream.yaml";
/// The upstream-shaped test fixture built from verbatim excerpts of spec3.yml.
pub const FIXTURE: &str = "xtask/fixtures/upstream-spec3.yml";
/// Upstream operations with this tag are imported even when our contract lacks them.
const REPUTATION_TAG: &str = "Reputation";
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const REPOSITORY: &str = "team-telnyx/openapi";
const UPSTREAM_PATH: &str = "openapi/spec3.yml";

/// Where an upstream document came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub commit: String,
    pub date: String,
    /// The file read, relative to the workspace root when inside it.
    pub read_from: String,
}

/// What the import kept and rewrote, for the log and the file header.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    /// Our (method, path) pairs found upstream.
    pub matched: Vec<String>,
    /// Our (method, path) pairs the upstream document lacks.
    pub missing: Vec<String>,
    /// Upstream-only operations kept because they are tagged `Reputation`.
    pub extra: Vec<String>,
    /// How many components were copied.
    pub components: usize,
    /// Each 3.1 rewrite and how often it applied.
    pub rewrites: BTreeMap<&'static str, usize>,
}

/// `cargo xtask spec import PATH [--commit SHA --date YYYY-MM-DD]`.
pub fn run(root: &Path, args: &[&str]) -> Result {
    let usage = "usage: cargo xtask spec import PATH/spec3.yml [--commit SHA --date YYYY-MM-DD]";
    let mut path = None;
    let mut commit = None;
    let mut date = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--commit" => commit = Some(rest.next().ok_or(usage)?.to_string()),
            "--date" => date = Some(rest.next().ok_or(usage)?.to_string()),
            other if path.is_none() && !other.starts_with("--") => path = Some(other),
            _ => return Err(usage.into()),
        }
    }
    let path = Path::new(path.ok_or(usage)?);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("no current directory: {e}"))?
            .join(path)
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let read_from = path
        .strip_prefix(root)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.display().to_string());
    let origin = origin(&path, &text, read_from, commit, date)?;
    let ours = load_yaml(&root.join(SPEC), SPEC)?;
    let (subset, report) = import(&text, &ours, &origin)?;
    let out = root.join(SUBSET);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir:?}: {e}"))?;
    }
    std::fs::write(&out, render(&subset, &origin, &report)?)
        .map_err(|e| format!("cannot write {SUBSET}: {e}"))?;
    println!(
        "wrote {SUBSET}: {} of our operations found upstream, {} missing {:?}, {} upstream-only {:?}, {} components; 3.1 rewrites {:?}",
        report.matched.len(),
        report.missing.len(),
        report.missing,
        report.extra.len(),
        report.extra,
        report.components,
        report.rewrites
    );
    Ok(())
}

/// Re-import the committed subset's source when that source is the fixture in this
/// repository, and fail when the committed subset differs. A subset imported from a real
/// upstream checkout cannot be re-derived here and is left as committed.
pub fn check(root: &Path) -> Result {
    let committed = std::fs::read_to_string(root.join(SUBSET))
        .map_err(|e| format!("cannot read {SUBSET}: {e} (run `cargo xtask spec import`)"))?;
    let subset: Value = serde_norway::from_str(&committed)
        .map_err(|e| format!("{SUBSET} is not valid YAML: {e}"))?;
    let origin = origin_of_subset(&subset)?;
    if origin.read_from != FIXTURE {
        println!(
            "{SUBSET} was imported from {} ({}); not re-derivable here",
            origin.read_from, origin.commit
        );
        return Ok(());
    }
    let text = std::fs::read_to_string(root.join(FIXTURE))
        .map_err(|e| format!("cannot read {FIXTURE}: {e}"))?;
    let ours = load_yaml(&root.join(SPEC), SPEC)?;
    let (fresh, report) = import(&text, &ours, &origin)?;
    let fresh = render(&fresh, &origin, &report)?;
    if fresh == committed {
        println!("{SUBSET} is up to date with {FIXTURE}");
        Ok(())
    } else {
        eprintln!("{}", crate::codegen::unified_diff(&committed, &fresh));
        Err(format!(
            "{SUBSET} is stale: run `cargo xtask spec import {FIXTURE} --commit {} --date {}` and commit the result",
            origin.commit, origin.date
        ))
    }
}

/// The origin recorded in a subset's `info.x-upstream`.
pub fn origin_of_subset(subset: &Value) -> Result<Origin> {
    let field = |name: &str| {
        subset
            .pointer(&format!("/info/x-upstream/{name}"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("{SUBSET}: info.x-upstream.{name} is missing"))
    };
    Ok(Origin {
        commit: field("commit")?,
        date: field("date")?,
        read_from: field("read_from")?,
    })
}

/// The commit and date: given on the command line, else a fixture's `info.x-fixture`, else
/// asked of git (the file's last commit, when it is in a checkout of team-telnyx/openapi).
fn origin(
    path: &Path,
    text: &str,
    read_from: String,
    commit: Option<String>,
    date: Option<String>,
) -> Result<Origin> {
    if let (Some(commit), Some(date)) = (commit.clone(), date.clone()) {
        return Ok(Origin {
            commit,
            date,
            read_from,
        });
    }
    if commit.is_some() || date.is_some() {
        return Err("give both --commit and --date, or neither".into());
    }
    // A fixture names the upstream commit it was cut from; git would name ours.
    let doc: Value =
        serde_norway::from_str(text).map_err(|e| format!("{read_from} is not valid YAML: {e}"))?;
    if let (Some(commit), Some(date)) = (
        doc.pointer("/info/x-fixture/commit")
            .and_then(Value::as_str),
        doc.pointer("/info/x-fixture/date").and_then(Value::as_str),
    ) {
        return Ok(Origin {
            commit: commit.to_owned(),
            date: date.to_owned(),
            read_from,
        });
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let git = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["log", "-1", "--format=%H %cs", "--"])
        .arg(path)
        .output();
    if let Ok(out) = git
        && out.status.success()
        && let Some((commit, date)) = String::from_utf8_lossy(&out.stdout).trim().split_once(' ')
    {
        return Ok(Origin {
            commit: commit.to_owned(),
            date: date.to_owned(),
            read_from,
        });
    }
    Err(format!(
        "{read_from}: no upstream commit known (not in a git checkout): give --commit SHA --date YYYY-MM-DD"
    ))
}

/// Read and parse a YAML file into JSON values.
pub fn load_yaml(path: &Path, shown: &str) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    serde_norway::from_str(&text).map_err(|e| format!("{shown} is not valid YAML: {e}"))
}

/// The (method, path) pairs of a document, in path then method order.
pub fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(method).is_some() {
                    ops.push((method.to_owned(), path.clone()));
                }
            }
        }
    }
    ops
}

/// Extract the subset of `upstream_text` for the operations of `ours`.
pub fn import(upstream_text: &str, ours: &Value, origin: &Origin) -> Result<(Value, Report)> {
    let upstream: Value = serde_norway::from_str(upstream_text)
        .map_err(|e| format!("{} is not valid YAML: {e}", origin.read_from))?;
    let version = upstream
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{} has no `openapi` version", origin.read_from))?;
    if !version.starts_with("3.") {
        return Err(format!(
            "{}: expected an OpenAPI 3.x document, found openapi {version}",
            origin.read_from
        ));
    }
    let up_paths = upstream
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{} has no `paths`", origin.read_from))?;

    let mut report = Report::default();
    let mut wanted: BTreeSet<(String, String)> = BTreeSet::new();
    for (method, path) in operations(ours) {
        let shown = format!("{} {path}", method.to_uppercase());
        if up_paths
            .get(&path)
            .and_then(|item| item.get(&method))
            .is_some()
        {
            report.matched.push(shown);
            wanted.insert((path, method));
        } else {
            report.missing.push(shown);
        }
    }
    for (path, item) in up_paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let tagged = op
                .get("tags")
                .and_then(Value::as_array)
                .is_some_and(|tags| tags.iter().any(|t| t == REPUTATION_TAG));
            if tagged && wanted.insert((path.clone(), method.to_owned())) {
                report
                    .extra
                    .push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }

    let mut paths = Map::new();
    for (path, method) in &wanted {
        let item = &up_paths[path];
        let entry = paths
            .entry(path.clone())
            .or_insert_with(|| {
                // Path-level fields (shared parameters, summary) come along once.
                let shared: Map<String, Value> = item
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .filter(|(k, _)| !METHODS.contains(&k.as_str()))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                Value::Object(shared)
            })
            .as_object_mut()
            .expect("path items are objects");
        entry.insert(method.clone(), item[method.as_str()].clone());
    }
    let paths = Value::Object(paths);

    // Every component referenced from the kept paths, transitively.
    let mut components: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut queue: Vec<(String, String)> = Vec::new();
    collect_refs(&paths, &mut queue);
    while let Some((section, name)) = queue.pop() {
        if components
            .get(&section)
            .is_some_and(|s| s.contains_key(&name))
        {
            continue;
        }
        let found = upstream
            .get("components")
            .and_then(|c| c.get(&section))
            .and_then(|s| s.get(&name))
            .ok_or_else(|| {
                format!(
                    "{}: `#/components/{section}/{name}` is referenced but not defined",
                    origin.read_from
                )
            })?
            .clone();
        collect_refs(&found, &mut queue);
        components.entry(section).or_default().insert(name, found);
    }
    report.components = components.values().map(BTreeMap::len).sum();

    let title = upstream
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("Telnyx API");
    let up_version = upstream
        .pointer("/info/version")
        .cloned()
        .unwrap_or(Value::Null);
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": format!("{title}: Number Reputation subset"),
            "version": up_version,
            "x-upstream": {
                "repository": REPOSITORY,
                "path": UPSTREAM_PATH,
                "commit": origin.commit,
                "date": origin.date,
                "read_from": origin.read_from,
                "openapi": version,
            }
        },
        "paths": paths,
        "components": components,
    });
    if version.starts_with("3.1") {
        report.rewrites = downgrade(&mut doc);
    }
    Ok((doc, report))
}

/// Push the (section, name) of every `#/components/...` reference under `value`.
fn collect_refs(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str)
                && let Some(rest) = target.strip_prefix("#/components/")
                && let Some((section, name)) = rest.split_once('/')
            {
                out.push((unescape(section), unescape(name)));
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// JSON-pointer unescaping of one reference token.
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Rewrite the OpenAPI 3.1 / JSON Schema 2020-12 constructs into their 3.0 equivalents:
///
/// - `type: [T, "null"]` → `type: T` + `nullable: true`;
/// - `anyOf`/`oneOf` with a `{type: "null"}` branch → that branch removed + `nullable: true`
///   (a single remaining branch becomes `allOf: [it]`);
/// - `const: X` → `enum: [X]`;
/// - numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` + `true`;
/// - a schema's `examples: [..]` → `example` (the first);
/// - `contentEncoding: base64` → `format: byte`; `contentMediaType` dropped;
/// - `$schema`, `$id`, `$comment` dropped.
///
/// Keys of maps whose keys are names (`properties`, components, `content`, ...) are never
/// read as keywords, and example values are left alone.
pub fn downgrade(doc: &mut Value) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    walk(doc, &mut counts);
    counts
}

/// Keys whose values are maps of names to schemas (or other objects), not keywords.
const NAMED_MAPS: [&str; 12] = [
    "properties",
    "patternProperties",
    "schemas",
    "parameters",
    "responses",
    "headers",
    "content",
    "paths",
    "requestBodies",
    "securitySchemes",
    "links",
    "callbacks",
];
/// Keys whose values are data, never schemas.
const DATA: [&str; 5] = ["example", "examples", "default", "enum", "const"];

fn walk(value: &mut Value, counts: &mut BTreeMap<&'static str, usize>) {
    match value {
        Value::Object(map) => {
            rewrite(map, counts);
            for (key, child) in map.iter_mut() {
                if DATA.contains(&key.as_str()) {
                    continue;
                }
                match child {
                    Value::Object(named) if NAMED_MAPS.contains(&key.as_str()) => {
                        named.values_mut().for_each(|v| walk(v, counts));
                    }
                    _ => walk(child, counts),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, counts)),
        _ => {}
    }
}

fn bump(counts: &mut BTreeMap<&'static str, usize>, rule: &'static str) {
    *counts.entry(rule).or_default() += 1;
}

/// The 3.1 → 3.0 rewrites of one object (see [`downgrade`]).
fn rewrite(map: &mut Map<String, Value>, counts: &mut BTreeMap<&'static str, usize>) {
    if let Some(Value::Array(types)) = map.get("type") {
        let non_null: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let nullable = non_null.len() < types.len();
        match non_null.as_slice() {
            [single] => {
                map.insert("type".into(), single.clone());
            }
            [] => {
                map.remove("type");
            }
            several => {
                map.remove("type");
                let branches = several.iter().map(|t| json!({ "type": t })).collect();
                map.insert("anyOf".into(), Value::Array(branches));
            }
        }
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
        bump(counts, "type array");
    }
    for combinator in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get_mut(combinator) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|b| b.get("type") != Some(&json!("null")));
        if branches.len() == before {
            continue;
        }
        if let [single] = branches.as_slice() {
            let single = single.clone();
            map.remove(combinator);
            map.insert("allOf".into(), json!([single]));
        }
        map.insert("nullable".into(), Value::Bool(true));
        bump(counts, "null branch");
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), json!([value]));
        bump(counts, "const");
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(bound.into(), n);
            map.insert(exclusive.into(), Value::Bool(true));
            bump(counts, "numeric exclusive bound");
        }
    }
    if let Some(Value::Array(examples)) = map.get("examples") {
        let first = examples.first().cloned();
        map.remove("examples");
        if let Some(first) = first {
            map.entry("example").or_insert(first);
        }
        bump(counts, "examples array");
    }
    if map.remove("contentEncoding").is_some_and(|e| e == "base64") {
        map.entry("format").or_insert_with(|| json!("byte"));
        bump(counts, "contentEncoding");
    }
    if map.remove("contentMediaType").is_some() {
        bump(counts, "contentMediaType");
    }
    for keyword in ["$schema", "$id", "$comment"] {
        if map.remove(keyword).is_some() {
            bump(counts, "JSON Schema keyword");
        }
    }
}

/// The subset as committed: a comment header, then the document in key order.
pub fn render(subset: &Value, origin: &Origin, report: &Report) -> Result<String> {
    let body =
        serde_norway::to_string(subset).map_err(|e| format!("cannot write the subset: {e}"))?;
    let mut header = String::new();
    header.push_str("# @generated by `cargo xtask spec import`; do not edit.\n");
    header.push_str(&format!(
        "# Upstream: {REPOSITORY} {UPSTREAM_PATH} @ {} ({})\n",
        origin.commit, origin.date
    ));
    if origin.read_from == FIXTURE {
        header.push_str(&format!(
            "# Read from {FIXTURE}: the verbatim Number Reputation excerpts of that commit,\n\
             # re-nested into one document (the full 4.6 MB file was not available when this was\n\
             # generated). Its `x-fixture-placeholder` components were not read upstream.\n"
        ));
    } else {
        header.push_str(&format!("# Read from {}.\n", origin.read_from));
    }
    header.push_str(&format!(
        "# {} of our operations found upstream by method and path; {} upstream-only operation(s)\n\
         # tagged Reputation; {} component(s) they reference; compared with {SPEC} by\n\
         # `cargo xtask spec diff` against openapi/divergences.yaml.\n",
        report.matched.len(),
        report.extra.len(),
        report.components
    ));
    if !report.rewrites.is_empty() {
        let rewrites: Vec<String> = report
            .rewrites
            .iter()
            .map(|(rule, n)| format!("{rule} x{n}"))
            .collect();
        header.push_str(&format!(
            "# OpenAPI 3.1 constructs rewritten for 3.0: {}.\n",
            rewrites.join(", ")
        ));
    }
    Ok(format!("{header}{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        crate::workspace_root()
    }

    fn fixture_origin() -> Origin {
        Origin {
            commit: "14f079eb0d8bd5ca515d8583049900de56482187".into(),
            date: "2026-08-04".into(),
            read_from: FIXTURE.into(),
        }
    }

    fn import_fixture() -> (Value, Report) {
        let text = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
        let ours = load_yaml(&root().join(SPEC), SPEC).unwrap();
        import(&text, &ours, &fixture_origin()).unwrap()
    }

    #[test]
    fn fixture_import_keeps_our_operations_and_their_components() {
        let (doc, report) = import_fixture();
        assert_eq!(report.matched.len(), 28, "{:?}", report.matched);
        assert!(report.extra.is_empty(), "{:?}", report.extra);
        let mut missing = report.missing.clone();
        missing.sort();
        assert_eq!(
            missing,
            [
                "GET /enterprises/{enterprise_id}/reputation/external_verification",
                "GET /enterprises/{enterprise_id}/reputation/numbers/{phone_number}/ownership",
                "PATCH /enterprises/{enterprise_id}/reputation/webhook",
                "POST /documents?content-type=multipart",
                "POST /enterprises/{enterprise_id}/reputation/external_verification",
                "POST /enterprises/{enterprise_id}/reputation/numbers/{phone_number}/ownership_confirm",
            ]
        );
        // Not ours and not tagged Reputation: left out, with what only it references.
        assert!(doc.pointer("/paths/~1documents/get").is_none());
        assert!(
            doc.pointer("/paths/~1enterprises~1{enterprise_id}~1dir")
                .is_none()
        );
        assert!(
            doc.pointer("/components/parameters/FilterDocumentsConsolidated")
                .is_none()
        );
        // Reached only through another schema: copied transitively.
        assert!(
            doc.pointer("/components/schemas/ReputationCheckFrequency")
                .is_some()
        );
        assert!(doc.pointer("/components/schemas/PhysicalAddress").is_some());
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("webhooks").is_none());
        assert_eq!(doc["info"]["x-upstream"]["openapi"], "3.1.0");
    }

    #[test]
    fn a_new_upstream_reputation_operation_is_imported() {
        let text = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
        let mut upstream: Value = serde_norway::from_str(&text).unwrap();
        upstream["paths"]["/enterprises/{enterprise_id}/reputation/pause"] = json!({
            "post": { "operationId": "pauseReputation", "tags": ["Reputation"],
                      "responses": { "204": { "description": "paused" } } }
        });
        let ours = load_yaml(&root().join(SPEC), SPEC).unwrap();
        let text = serde_norway::to_string(&upstream).unwrap();
        let (doc, report) = import(&text, &ours, &fixture_origin()).unwrap();
        assert_eq!(
            report.extra,
            ["POST /enterprises/{enterprise_id}/reputation/pause"]
        );
        assert!(
            doc.pointer("/paths/~1enterprises~1{enterprise_id}~1reputation~1pause/post")
                .is_some()
        );
    }

    #[test]
    fn an_undefined_reference_is_an_error_naming_it() {
        let text = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
        let mut upstream: Value = serde_norway::from_str(&text).unwrap();
        let schemas = upstream["components"]["schemas"].as_object_mut().unwrap();
        schemas.remove("ReputationCheckFrequency");
        let ours = load_yaml(&root().join(SPEC), SPEC).unwrap();
        let text = serde_norway::to_string(&upstream).unwrap();
        let e = import(&text, &ours, &fixture_origin()).unwrap_err();
        assert!(
            e.contains(
                "`#/components/schemas/ReputationCheckFrequency` is referenced but not defined"
            ),
            "{e}"
        );
    }

    #[test]
    fn downgrades_openapi_3_1_constructs() {
        let mut doc = json!({ "components": { "schemas": { "S": {
            "type": "object",
            "$comment": "x",
            "properties": {
                "const": { "type": ["string", "null"], "maxLength": 3 },
                "kind": { "const": "event" },
                "n": { "type": "integer", "exclusiveMinimum": 0 },
                "both": { "type": ["string", "integer"] },
                "ref": { "anyOf": [ { "$ref": "#/components/schemas/T" }, { "type": "null" } ] },
                "blob": { "type": "string", "contentEncoding": "base64", "contentMediaType": "application/pdf" },
                "tagged": { "type": "string", "examples": ["a", "b"] }
            },
            "example": { "type": ["kept", "null"] }
        }}}});
        let counts = downgrade(&mut doc);
        let s = &doc["components"]["schemas"]["S"];
        let p = &s["properties"];
        assert_eq!(
            p["const"],
            json!({ "type": "string", "nullable": true, "maxLength": 3 })
        );
        assert_eq!(p["kind"], json!({ "enum": ["event"] }));
        assert_eq!(
            p["n"],
            json!({ "type": "integer", "minimum": 0, "exclusiveMinimum": true })
        );
        assert_eq!(
            p["both"],
            json!({ "anyOf": [ { "type": "string" }, { "type": "integer" } ] })
        );
        assert_eq!(
            p["ref"],
            json!({ "allOf": [ { "$ref": "#/components/schemas/T" } ], "nullable": true })
        );
        assert_eq!(p["blob"], json!({ "type": "string", "format": "byte" }));
        assert_eq!(p["tagged"], json!({ "type": "string", "example": "a" }));
        assert!(s.get("$comment").is_none());
        // Example data is not a schema.
        assert_eq!(s["example"], json!({ "type": ["kept", "null"] }));
        assert_eq!(counts["type array"], 2);
        assert_eq!(counts["const"], 1);
    }

    #[test]
    fn a_fixture_names_its_upstream_commit_not_ours() {
        let path = root().join(FIXTURE);
        let text = std::fs::read_to_string(&path).unwrap();
        // The fixture lives in our git checkout; its origin is still the upstream commit.
        let origin = origin(&path, &text, FIXTURE.into(), None, None).unwrap();
        assert_eq!(origin, fixture_origin());
        let given = origin_with_flags(&path, &text);
        assert_eq!(given.commit, "abc");
        assert!(
            super::origin(&path, &text, FIXTURE.into(), Some("abc".into()), None)
                .unwrap_err()
                .contains("both --commit and --date")
        );
    }

    fn origin_with_flags(path: &Path, text: &str) -> Origin {
        super::origin(
            path,
            text,
            FIXTURE.into(),
            Some("abc".into()),
            Some("2026-01-01".into()),
        )
        .unwrap()
    }

    #[test]
    fn committed_subset_is_current_with_the_fixture() {
        check(&root()).unwrap();
    }
}
