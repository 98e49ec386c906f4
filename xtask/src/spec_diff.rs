//! `cargo xtask spec diff`: our contract against the imported upstream subset, operation by
//! operation and field by field, under the ledger of declared divergences.
//!
//! Every difference is one line, `<operation> <where>: <what>`, e.g.
//! `enable_reputation request body.loa_document_id: format ours uuid, upstream none`.
//! Compared: the operations (by method and path), their parameters, request media types and
//! body fields, success and error status codes, and the body fields of the success
//! responses: type, format, pattern, enum values, required, nullable, read-only, limits
//! (`minLength`/`maxLength`, `minimum`/`maximum`, `minItems`/`maxItems`), defaults and
//! `additionalProperties`. `$ref`s are followed and `allOf` is merged on both sides, so
//! the component names may differ.
//!
//! `openapi/divergences.yaml` declares each difference we keep, with its reason and its
//! source (`docs`, `official SDK` or `upstream`); a `*` in a declaration matches any text.
//! The step fails on a difference no entry declares, and on an entry that matches no
//! difference any more (the divergence was fixed, so the ledger must say so).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

use crate::Result;
use crate::codegen::SPEC;
use crate::spec_import::{SUBSET, load_yaml, operations};

/// The ledger of declared divergences.
pub const LEDGER: &str = "openapi/divergences.yaml";
/// The sources a divergence may cite.
pub const SOURCES: [&str; 3] = ["docs", "official SDK", "upstream"];
/// Deeper than any schema of the contract; stops a recursive schema.
const MAX_DEPTH: usize = 16;

/// What the comparison found.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Every difference, sorted.
    pub differences: Vec<String>,
    /// Upstream components whose content is unknown (fixture placeholders).
    pub not_compared: BTreeSet<String>,
}

/// `cargo xtask spec diff [--list]`.
pub fn run(root: &Path, args: &[&str]) -> Result {
    let list = match args {
        [] => false,
        ["--list"] => true,
        _ => return Err("usage: cargo xtask spec diff [--list]".into()),
    };
    let ours = load_yaml(&root.join(SPEC), SPEC)?;
    let upstream = load_yaml(&root.join(SUBSET), SUBSET)?;
    let ledger = load_yaml(&root.join(LEDGER), LEDGER)?;
    let comparison = compare(&ours, &upstream);
    let entries = parse_ledger(&ledger)?;
    let matched = reconcile(&comparison.differences, &entries);
    if list {
        for (difference, entry) in &matched.declared {
            println!(
                "{difference}\n    -> [{}] {}",
                entries[*entry].source, entries[*entry].reason
            );
        }
    }
    if !comparison.not_compared.is_empty() {
        println!(
            "not compared (upstream content not available): {}",
            comparison
                .not_compared
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    matched.into_result(comparison.differences.len(), entries.len())
}

/// One declared divergence.
#[derive(Debug, Clone)]
pub struct Entry {
    pub difference: String,
    pub source: String,
    pub reason: String,
}

/// Read and check the ledger: every entry has a difference, a known source and a reason.
pub fn parse_ledger(ledger: &Value) -> Result<Vec<Entry>> {
    let items = ledger
        .get("divergences")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{LEDGER}: expected a top-level `divergences:` list"))?;
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let field = |name: &str| {
            item.get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (Some(difference), Some(source), Some(reason)) =
            (field("difference"), field("source"), field("reason"))
        else {
            problems.push(format!(
                "{LEDGER}: divergences[{index}] needs a non-empty `difference`, `source` and `reason`"
            ));
            continue;
        };
        if !SOURCES.contains(&source.as_str()) {
            problems.push(format!(
                "{LEDGER}: divergences[{index}] ({difference}): source {source:?} is not one of {SOURCES:?}"
            ));
        }
        entries.push(Entry {
            difference,
            source,
            reason,
        });
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems.join("\n"))
    }
}

/// Differences matched to ledger entries.
#[derive(Debug, Default)]
pub struct Reconciled {
    /// Each declared difference and the index of the first entry declaring it.
    pub declared: Vec<(String, usize)>,
    /// Differences no entry declares.
    pub undeclared: Vec<String>,
    /// Entries (index, text) that match no difference.
    pub stale: Vec<(usize, String)>,
}

impl Reconciled {
    /// Ok when every difference is declared and every entry still matches one.
    pub fn into_result(self, differences: usize, entries: usize) -> Result {
        if self.undeclared.is_empty() && self.stale.is_empty() {
            println!(
                "spec diff: {differences} differences between {SPEC} and {SUBSET}, all declared by the {entries} entries of {LEDGER}"
            );
            return Ok(());
        }
        let mut message = Vec::new();
        for d in &self.undeclared {
            message.push(format!("undeclared difference: {d}"));
        }
        for (index, text) in &self.stale {
            message.push(format!(
                "declared in {LEDGER} divergences[{index}] but no longer a difference (fixed? remove the entry): {text}"
            ));
        }
        Err(format!(
            "{} undeclared, {} stale:\n{}\nfix the contract, or declare the difference in {LEDGER} with its reason and source",
            self.undeclared.len(),
            self.stale.len(),
            message.join("\n")
        ))
    }
}

/// Match each difference to the ledger.
pub fn reconcile(differences: &[String], entries: &[Entry]) -> Reconciled {
    let mut out = Reconciled::default();
    let mut used = vec![false; entries.len()];
    for difference in differences {
        let mut first = None;
        for (index, entry) in entries.iter().enumerate() {
            if glob(&entry.difference, difference) {
                used[index] = true;
                first.get_or_insert(index);
            }
        }
        match first {
            Some(index) => out.declared.push((difference.clone(), index)),
            None => out.undeclared.push(difference.clone()),
        }
    }
    for (index, entry) in entries.iter().enumerate() {
        if !used[index] {
            out.stale.push((index, entry.difference.clone()));
        }
    }
    out
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Compare two parsed documents.
pub fn compare(ours: &Value, upstream: &Value) -> Comparison {
    let mut cmp = Cmp {
        ours,
        upstream,
        out: Comparison::default(),
    };
    let mut all: BTreeSet<(String, String)> = BTreeSet::new();
    all.extend(operations(ours));
    all.extend(operations(upstream));
    for (method, path) in all {
        let o = ours.pointer(&pointer(&["paths", &path, &method]));
        let u = upstream.pointer(&pointer(&["paths", &path, &method]));
        let shown = format!("{} {path}", method.to_uppercase());
        match (o, u) {
            (Some(o), Some(u)) => {
                let id = op_id(o, &shown);
                let o_item = &ours["paths"][&path];
                let u_item = &upstream["paths"][&path];
                cmp.operation(&id, (o_item, o), (u_item, u));
            }
            (Some(o), None) => cmp.push(format!(
                "{}: operation only ours ({shown})",
                op_id(o, &shown)
            )),
            (None, Some(u)) => cmp.push(format!(
                "{}: operation only upstream ({shown})",
                op_id(u, &shown)
            )),
            (None, None) => {}
        }
    }
    let mut out = cmp.out;
    out.differences.sort();
    out.differences.dedup();
    out
}

fn op_id(op: &Value, fallback: &str) -> String {
    op.get("operationId")
        .and_then(Value::as_str)
        .unwrap_or(fallback)
        .to_owned()
}

/// A JSON pointer from raw tokens.
fn pointer(tokens: &[&str]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// A value for a difference line: strings bare, others as compact JSON, absent as `none`.
fn show(value: Option<&Value>) -> String {
    match value {
        None => "none".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

struct Cmp<'a> {
    ours: &'a Value,
    upstream: &'a Value,
    out: Comparison,
}

/// Which document a schema belongs to.
#[derive(Clone, Copy)]
enum Side {
    Ours,
    Upstream,
}

impl<'a> Cmp<'a> {
    fn push(&mut self, difference: String) {
        self.out.differences.push(difference);
    }

    fn doc(&self, side: Side) -> &'a Value {
        match side {
            Side::Ours => self.ours,
            Side::Upstream => self.upstream,
        }
    }

    /// Follow `$ref`s; returns (a copy of) the target and the last component name followed.
    /// Keywords written beside a `$ref` (OpenAPI 3.1 allows `nullable`, `description`, ...
    /// there) apply on top of the target, the outermost winning.
    fn resolve(&self, side: Side, value: &Value) -> (Value, Option<String>) {
        let mut value = value;
        let mut name = None;
        let mut siblings: Vec<&Map<String, Value>> = Vec::new();
        for _ in 0..32 {
            let Some(target) = value.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(found) = target
                .strip_prefix('#')
                .and_then(|p| self.doc(side).pointer(p))
            else {
                break;
            };
            if let Some(map) = value.as_object()
                && map.len() > 1
            {
                siblings.push(map);
            }
            name = target.rsplit('/').next().map(|n| n.replace("~1", "/"));
            value = found;
        }
        let mut out = value.clone();
        if let Value::Object(target) = &mut out {
            for map in siblings.iter().rev() {
                for (key, v) in map.iter().filter(|(k, _)| *k != "$ref") {
                    target.insert(key.clone(), v.clone());
                }
            }
        }
        (out, name)
    }

    /// Whether an upstream object is a fixture placeholder; records it as not compared.
    fn placeholder(&mut self, value: &Value, name: Option<String>, at: &str) -> bool {
        if value.get("x-fixture-placeholder") == Some(&Value::Bool(true)) {
            self.out
                .not_compared
                .insert(name.unwrap_or_else(|| at.to_owned()));
            return true;
        }
        false
    }

    fn operation(&mut self, id: &str, ours: (&Value, &Value), up: (&Value, &Value)) {
        let o_params = self.parameters(Side::Ours, ours);
        let u_params = self.parameters(Side::Upstream, up);
        let keys: BTreeSet<&(String, String)> = o_params.keys().chain(u_params.keys()).collect();
        for key @ (location, name) in keys {
            let at = format!("{id} parameter {location} {name}");
            match (o_params.get(key), u_params.get(key)) {
                (Some(o), Some(u)) => {
                    let required = |p: &Value| p.get("required") == Some(&Value::Bool(true));
                    if required(o) != required(u) {
                        self.push(format!(
                            "{at}: required ours {}, upstream {}",
                            yes(required(o)),
                            yes(required(u))
                        ));
                    }
                    if let (Some(os), Some(us)) = (o.get("schema"), u.get("schema")) {
                        self.schema(&at, "schema", os, us, 0);
                    }
                }
                (Some(_), None) => self.push(format!("{at}: only ours")),
                (None, Some(_)) => self.push(format!("{at}: only upstream")),
                (None, None) => {}
            }
        }
        self.request(id, ours.1, up.1);
        self.responses(id, ours.1, up.1);
    }

    /// Path-level then operation-level parameters, keyed by (in, name), resolved.
    fn parameters(
        &self,
        side: Side,
        (item, op): (&Value, &Value),
    ) -> BTreeMap<(String, String), Value> {
        let mut out = BTreeMap::new();
        for list in [item.get("parameters"), op.get("parameters")]
            .into_iter()
            .flatten()
        {
            for param in list.as_array().into_iter().flatten() {
                let (param, _) = self.resolve(side, param);
                let field = |k: &str| {
                    param
                        .get(k)
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                        .to_owned()
                };
                let key = (field("in"), field("name"));
                out.insert(key, param);
            }
        }
        out
    }

    fn request(&mut self, id: &str, o: &Value, u: &Value) {
        let o = o.get("requestBody").map(|b| self.resolve(Side::Ours, b).0);
        let u = u
            .get("requestBody")
            .map(|b| self.resolve(Side::Upstream, b).0);
        let at = format!("{id} request");
        let (o, u) = match (&o, &u) {
            (Some(o), Some(u)) => (o, u),
            (Some(_), None) => return self.push(format!("{at}: body only ours")),
            (None, Some(_)) => return self.push(format!("{at}: body only upstream")),
            (None, None) => return,
        };
        let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
        if required(o) != required(u) {
            self.push(format!(
                "{at}: body required ours {}, upstream {}",
                yes(required(o)),
                yes(required(u))
            ));
        }
        self.content(&at, o.get("content"), u.get("content"));
    }

    /// Compare the media types of two `content` maps and the schema of each common one.
    fn content(&mut self, at: &str, o: Option<&Value>, u: Option<&Value>) {
        let empty = Map::new();
        let o = o.and_then(Value::as_object).unwrap_or(&empty);
        let u = u.and_then(Value::as_object).unwrap_or(&empty);
        let media: BTreeSet<&String> = o.keys().chain(u.keys()).collect();
        for m in media {
            let here = if m == "application/json" {
                at.to_owned()
            } else {
                format!("{at} ({m})")
            };
            match (o.get(m), u.get(m)) {
                (Some(om), Some(um)) => {
                    if let (Some(os), Some(us)) = (om.get("schema"), um.get("schema")) {
                        self.schema(&here, "body", os, us, 0);
                    }
                }
                (Some(_), None) => self.push(format!("{at}: media type {m} only ours")),
                (None, Some(_)) => self.push(format!("{at}: media type {m} only upstream")),
                (None, None) => {}
            }
        }
    }

    fn responses(&mut self, id: &str, o: &Value, u: &Value) {
        let empty = Map::new();
        let o = o
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let u = u
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let codes: BTreeSet<&String> = o.keys().chain(u.keys()).collect();
        for code in codes {
            match (o.get(code), u.get(code)) {
                (Some(or), Some(ur)) if code.starts_with('2') => {
                    let (or, _) = self.resolve(Side::Ours, or);
                    let (ur, name) = self.resolve(Side::Upstream, ur);
                    let at = format!("{id} response {code}");
                    if !self.placeholder(&ur, name, &at) {
                        self.content(&at, or.get("content"), ur.get("content"));
                    }
                }
                (Some(_), Some(_)) => {}
                (Some(_), None) => self.push(format!("{id} responses: {code} only ours")),
                (None, Some(_)) => self.push(format!("{id} responses: {code} only upstream")),
                (None, None) => {}
            }
        }
    }

    /// `schema` with every `allOf` merged into one object (properties and required joined).
    fn flatten(&self, side: Side, schema: &Value, depth: usize) -> Map<String, Value> {
        let mut out = schema.as_object().cloned().unwrap_or_default();
        out.remove("$ref");
        let Some(Value::Array(parts)) = out.remove("allOf") else {
            return out;
        };
        if depth > MAX_DEPTH {
            return out;
        }
        for part in &parts {
            let (part, _) = self.resolve(side, part);
            let part = self.flatten(side, &part, depth + 1);
            for (key, value) in part {
                match (key.as_str(), out.get_mut(&key)) {
                    ("properties", Some(Value::Object(props))) => {
                        if let Value::Object(more) = value {
                            props.extend(more);
                        }
                    }
                    ("required", Some(Value::Array(names))) => {
                        if let Value::Array(more) = value {
                            for name in more {
                                if !names.contains(&name) {
                                    names.push(name);
                                }
                            }
                        }
                    }
                    (_, None) => {
                        out.insert(key, value);
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// Field-by-field comparison of two schemas at `at` / `path`.
    fn schema(&mut self, at: &str, path: &str, o: &Value, u: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let (o, _) = self.resolve(Side::Ours, o);
        let (u, name) = self.resolve(Side::Upstream, u);
        if self.placeholder(&u, name, &format!("{at} {path}")) {
            return;
        }
        let o = self.flatten(Side::Ours, &o, 0);
        let u = self.flatten(Side::Upstream, &u, 0);
        let here = format!("{at} {path}");

        const SCALARS: [&str; 14] = [
            "type",
            "format",
            "pattern",
            "default",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "uniqueItems",
            "readOnly",
        ];
        for key in SCALARS {
            let (ov, uv) = (o.get(key), u.get(key));
            let falsy = |v: Option<&Value>| v.is_none() || v == Some(&Value::Bool(false));
            if key == "readOnly" || key == "uniqueItems" {
                if falsy(ov) != falsy(uv) {
                    self.push(format!(
                        "{here}: {key} ours {}, upstream {}",
                        show(ov),
                        show(uv)
                    ));
                }
            } else if ov != uv {
                self.push(format!(
                    "{here}: {key} ours {}, upstream {}",
                    show(ov),
                    show(uv)
                ));
            }
        }
        let nullable = |m: &Map<String, Value>| m.get("nullable") == Some(&Value::Bool(true));
        if nullable(&o) != nullable(&u) {
            self.push(format!(
                "{here}: nullable ours {}, upstream {}",
                yes(nullable(&o)),
                yes(nullable(&u))
            ));
        }

        match (o.get("enum"), u.get("enum")) {
            (Some(Value::Array(ov)), Some(Value::Array(uv))) => {
                for v in ov.iter().filter(|v| !uv.contains(v)) {
                    self.push(format!("{here}: enum value {} only ours", show(Some(v))));
                }
                for v in uv.iter().filter(|v| !ov.contains(v)) {
                    self.push(format!(
                        "{here}: enum value {} only upstream",
                        show(Some(v))
                    ));
                }
            }
            (Some(_), None) => self.push(format!("{here}: enum only ours")),
            (None, Some(_)) => self.push(format!("{here}: enum only upstream")),
            _ => {}
        }

        // additionalProperties: absent and `true` mean the same.
        match (o.get("additionalProperties"), u.get("additionalProperties")) {
            (Some(os @ Value::Object(_)), Some(us @ Value::Object(_))) => {
                self.schema(at, &format!("{path}.*"), os, us, depth + 1);
            }
            (ov, uv) => {
                let closed = |v: Option<&Value>| v == Some(&Value::Bool(false));
                let typed = |v: Option<&Value>| v.is_some_and(Value::is_object);
                if closed(ov) != closed(uv) || typed(ov) != typed(uv) {
                    let describe = |v: Option<&Value>| match v {
                        Some(Value::Bool(false)) => "false",
                        Some(Value::Object(_)) => "a schema",
                        _ => "allowed",
                    };
                    self.push(format!(
                        "{here}: additionalProperties ours {}, upstream {}",
                        describe(ov),
                        describe(uv)
                    ));
                }
            }
        }

        let empty = Map::new();
        let o_props = o
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let u_props = u
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let names = |m: &Map<String, Value>| -> BTreeSet<String> {
            m.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        let (o_req, u_req) = (names(&o), names(&u));
        let all: BTreeSet<&String> = o_props.keys().chain(u_props.keys()).collect();
        for field in all {
            let at_field = format!("{here}.{field}");
            match (o_props.get(field), u_props.get(field)) {
                (Some(of), Some(uf)) => {
                    let (or, ur) = (o_req.contains(field), u_req.contains(field));
                    if or != ur {
                        self.push(format!(
                            "{at_field}: required ours {}, upstream {}",
                            yes(or),
                            yes(ur)
                        ));
                    }
                    let (of, uf) = (of.clone(), uf.clone());
                    self.schema(at, &format!("{path}.{field}"), &of, &uf, depth + 1);
                }
                (Some(_), None) => self.push(format!("{at_field}: field only ours")),
                (None, Some(_)) => self.push(format!("{at_field}: field only upstream")),
                (None, None) => {}
            }
        }

        match (o.get("items"), u.get("items")) {
            (Some(oi), Some(ui)) => {
                let (oi, ui) = (oi.clone(), ui.clone());
                self.schema(at, &format!("{path}[]"), &oi, &ui, depth + 1);
            }
            (Some(_), None) => self.push(format!("{here}: items only ours")),
            (None, Some(_)) => self.push(format!("{here}: items only upstream")),
            (None, None) => {}
        }

        for combinator in ["anyOf", "oneOf"] {
            let count =
                |m: &Map<String, Value>| m.get(combinator).and_then(Value::as_array).map(Vec::len);
            match (o.get(combinator), u.get(combinator)) {
                (Some(Value::Array(ob)), Some(Value::Array(ub))) if ob.len() == ub.len() => {
                    for (i, (ob, ub)) in ob.iter().zip(ub).enumerate() {
                        let (ob, ub) = (ob.clone(), ub.clone());
                        self.schema(
                            at,
                            &format!("{path}{{{combinator}#{i}}}"),
                            &ob,
                            &ub,
                            depth + 1,
                        );
                    }
                }
                (None, None) => {}
                _ => self.push(format!(
                    "{here}: {combinator} branches ours {}, upstream {}",
                    show(count(&o).map(Value::from).as_ref()),
                    show(count(&u).map(Value::from).as_ref())
                )),
            }
        }
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec_import::{FIXTURE, Origin, import};
    use serde_json::json;

    fn root() -> std::path::PathBuf {
        crate::workspace_root()
    }

    fn ledger() -> Vec<Entry> {
        parse_ledger(&load_yaml(&root().join(LEDGER), LEDGER).unwrap()).unwrap()
    }

    fn ours() -> Value {
        load_yaml(&root().join(SPEC), SPEC).unwrap()
    }

    /// Import a (modified) fixture and compare it with our contract.
    fn diff_fixture(edit: impl FnOnce(&mut Value)) -> Comparison {
        let text = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
        let mut upstream: Value = serde_norway::from_str(&text).unwrap();
        edit(&mut upstream);
        let text = serde_norway::to_string(&upstream).unwrap();
        let origin = Origin {
            commit: "test".into(),
            date: "test".into(),
            read_from: FIXTURE.into(),
        };
        let (subset, _) = import(&text, &ours(), &origin).unwrap();
        compare(&ours(), &subset)
    }

    #[test]
    fn the_contract_matches_upstream_except_for_declared_divergences() {
        let comparison = diff_fixture(|_| {});
        let reconciled = reconcile(&comparison.differences, &ledger());
        assert!(
            reconciled.undeclared.is_empty(),
            "{:#?}",
            reconciled.undeclared
        );
        assert!(reconciled.stale.is_empty(), "{:#?}", reconciled.stale);
        assert!(comparison.not_compared.contains("OrganizationContact"));
    }

    #[test]
    fn a_field_added_upstream_fails_naming_it() {
        let comparison = diff_fixture(|up| {
            up["components"]["schemas"]["EnterpriseReputationCreate"]["properties"]["pause_reason"] =
                json!({ "type": "string", "maxLength": 64 });
        });
        let reconciled = reconcile(&comparison.differences, &ledger());
        assert_eq!(
            reconciled.undeclared,
            ["enable_reputation request body.pause_reason: field only upstream"]
        );
        let e = reconciled.into_result(0, 0).unwrap_err();
        assert!(e.contains("undeclared difference: enable_reputation request body.pause_reason: field only upstream"), "{e}");
    }

    #[test]
    fn changed_limits_types_enums_and_codes_are_named() {
        let comparison = diff_fixture(|up| {
            let s = &mut up["components"]["schemas"];
            s["EnterpriseReputationLoaUpdate"]["properties"]["loa_document_id"]["maxLength"] =
                json!(128);
            s["ReputationCheckFrequency"]["enum"]
                .as_array_mut()
                .unwrap()
                .push(json!("hourly"));
            s["RefreshReputationResponse"]["properties"]["data"]["properties"]["total_failed"]["type"] =
                json!("string");
            let responses = &mut up["paths"]["/enterprises/{enterprise_id}/reputation/numbers"]["post"]
                ["responses"];
            let created = responses.as_object_mut().unwrap().remove("201").unwrap();
            responses["202"] = created;
        });
        let reconciled = reconcile(&comparison.differences, &ledger());
        let undeclared = reconciled.undeclared.join("\n");
        for expected in [
            "replace_loa request body.loa_document_id: maxLength ours 255, upstream 128",
            "enable_reputation request body.check_frequency: enum value hourly only upstream",
            "refresh_reputation_numbers response 200 body.data.total_failed: type ours integer, upstream string",
            "add_reputation_numbers responses: 201 only ours",
            "add_reputation_numbers responses: 202 only upstream",
        ] {
            assert!(
                undeclared.contains(expected),
                "missing {expected:?} in\n{undeclared}"
            );
        }
    }

    #[test]
    fn a_fixed_divergence_still_declared_is_stale() {
        let mut entries = ledger();
        entries.push(Entry {
            difference:
                "enable_reputation request body.loa_document_id: format ours uuid, upstream none"
                    .into(),
            source: "docs".into(),
            reason: "fixed long ago".into(),
        });
        let comparison = diff_fixture(|_| {});
        let reconciled = reconcile(&comparison.differences, &entries);
        assert_eq!(reconciled.stale.len(), 1);
        let e = reconciled.into_result(0, 0).unwrap_err();
        assert!(e.contains("no longer a difference"), "{e}");
        assert!(e.contains("loa_document_id: format ours uuid"), "{e}");
    }

    #[test]
    fn ledger_entries_need_a_known_source_and_a_reason() {
        let e = parse_ledger(&json!({ "divergences": [
            { "difference": "x", "source": "blog", "reason": "because" },
            { "difference": "y", "source": "docs" }
        ]}))
        .unwrap_err();
        assert!(e.contains("divergences[0] (x): source \"blog\""), "{e}");
        assert!(e.contains("divergences[1] needs"), "{e}");
    }

    #[test]
    fn globs() {
        assert!(glob("a*c", "abc") && glob("a*c", "ac") && glob("*", "") && glob("x", "x"));
        assert!(glob(
            "* responses: 429 only ours",
            "get_x responses: 429 only ours"
        ));
        assert!(!glob("a*c", "abd") && !glob("a*b*c", "acb") && !glob("x", "xy"));
    }
}
