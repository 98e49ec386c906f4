//! The Rust column of `docs/parity.md`, checked against the facade's source.
//!
//! Every `Type::item`, `module::item` or `Type` cell must name a public method, variant,
//! field or function of `crates/telnyx-reputation/src`, found by parsing the source with
//! `syn` (no build of the facade), and every Node `code X` cell must be what
//! `ErrorKind::code()` returns for the row's `ErrorKind::Variant`, since the Node binding
//! passes that code through unchanged. The Python and Node columns are checked by
//! `bindings/python/tests/test_parity.py` and `bindings/node/__test__/parity.test.mjs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const TABLE: &str = "docs/parity.md";
const FACADE_SRC: &str = "crates/telnyx-reputation/src";

/// One row of a parity table: where it is and its Rust, Python and Node cells (`None` for `—`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub what: String,
    pub rust: Option<String>,
    pub python: Option<String>,
    pub node: Option<String>,
}

/// The rows of every table in `text` whose header is `call or option | Rust | Python | Node`.
pub fn rows(text: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut in_table = false;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = line.trim();
        if !trimmed.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells: Vec<&str> = trimmed
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if cells.first() == Some(&"call or option") {
            if cells.get(1..4) != Some(&["Rust", "Python", "Node"][..]) {
                return Err(format!(
                    "{TABLE}:{line_no}: header must be Rust | Python | Node"
                ));
            }
            in_table = true;
            continue;
        }
        if !in_table || cells.iter().all(|c| c.chars().all(|ch| ch == '-')) {
            continue;
        }
        if cells.len() != 5 {
            return Err(format!(
                "{TABLE}:{line_no}: expected 5 cells, found {}",
                cells.len()
            ));
        }
        let cell = |text: &str| -> Result<Option<String>, String> {
            if text == "—" {
                return Ok(None);
            }
            text.strip_prefix('`')
                .and_then(|t| t.strip_suffix('`'))
                .filter(|t| !t.contains('`'))
                .map(|t| Some(t.to_owned()))
                .ok_or_else(|| format!("{TABLE}:{line_no}: {text:?} is neither `code` nor —"))
        };
        rows.push(Row {
            line: line_no,
            what: cells[0].to_owned(),
            rust: cell(cells[1])?,
            python: cell(cells[2])?,
            node: cell(cells[3])?,
        });
    }
    Ok(rows)
}

/// What the facade's source declares publicly, by name.
#[derive(Debug, Default)]
pub struct Facade {
    /// Public structs and enums.
    types: BTreeSet<String>,
    /// Public methods of each type's inherent impls, its named fields or its variants.
    members: BTreeMap<String, BTreeSet<String>>,
    /// Public functions of each module file (`webhooks` → `verify`, ...).
    functions: BTreeMap<String, BTreeSet<String>>,
    /// `ErrorKind` variant → the code `ErrorKind::code()` returns.
    codes: BTreeMap<String, String>,
}

impl Facade {
    /// Parse every `.rs` file under the facade's `src/`.
    pub fn parse(root: &Path) -> Result<Facade, String> {
        let mut facade = Facade::default();
        let mut files = Vec::new();
        collect_rs(&root.join(FACADE_SRC), &mut files)?;
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path:?}: {e}"))?;
            let file = syn::parse_file(&text).map_err(|e| format!("{path:?}: {e}"))?;
            let module = path.file_stem().unwrap().to_string_lossy().into_owned();
            facade.add_items(&module, &file.items);
        }
        Ok(facade)
    }

    fn add_items(&mut self, module: &str, items: &[syn::Item]) {
        let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
        for item in items {
            match item {
                syn::Item::Struct(s) if public(&s.vis) => {
                    let name = s.ident.to_string();
                    let fields = self.members.entry(name.clone()).or_default();
                    if let syn::Fields::Named(named) = &s.fields {
                        fields.extend(
                            named
                                .named
                                .iter()
                                .filter(|f| public(&f.vis))
                                .filter_map(|f| f.ident.as_ref().map(ToString::to_string)),
                        );
                    }
                    self.types.insert(name);
                }
                syn::Item::Enum(e) if public(&e.vis) => {
                    let name = e.ident.to_string();
                    self.members
                        .entry(name.clone())
                        .or_default()
                        .extend(e.variants.iter().map(|v| v.ident.to_string()));
                    self.types.insert(name);
                }
                syn::Item::Impl(imp) if imp.trait_.is_none() => {
                    let syn::Type::Path(ty) = &*imp.self_ty else {
                        continue;
                    };
                    let Some(last) = ty.path.segments.last() else {
                        continue;
                    };
                    let name = last.ident.to_string();
                    for inner in &imp.items {
                        if let syn::ImplItem::Fn(f) = inner
                            && public(&f.vis)
                        {
                            self.members
                                .entry(name.clone())
                                .or_default()
                                .insert(f.sig.ident.to_string());
                            if name == "ErrorKind" && f.sig.ident == "code" {
                                self.codes = kind_codes(&f.block);
                            }
                        }
                    }
                }
                syn::Item::Fn(f) if public(&f.vis) => {
                    self.functions
                        .entry(module.to_owned())
                        .or_default()
                        .insert(f.sig.ident.to_string());
                }
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        self.add_items(&m.ident.to_string(), inner);
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether a Rust cell names something the facade declares publicly.
    pub fn has(&self, path: &str) -> bool {
        match path.split_once("::") {
            None => self.types.contains(path),
            Some((owner, item)) => {
                let in_module = self.functions.get(owner).is_some_and(|f| f.contains(item));
                let in_type = self.members.get(owner).is_some_and(|m| m.contains(item));
                in_module || in_type
            }
        }
    }

    /// The code of an `ErrorKind` variant, if `ErrorKind::code()` has an arm for it.
    pub fn code(&self, variant: &str) -> Option<&str> {
        self.codes.get(variant).map(String::as_str)
    }
}

/// `ErrorKind::Variant => "CODE"` arms of `ErrorKind::code()`.
fn kind_codes(block: &syn::Block) -> BTreeMap<String, String> {
    let mut codes = BTreeMap::new();
    for stmt in &block.stmts {
        let syn::Stmt::Expr(syn::Expr::Match(matched), _) = stmt else {
            continue;
        };
        for arm in &matched.arms {
            if let syn::Pat::Path(pat) = &arm.pat
                && let Some(variant) = pat.path.segments.last()
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(code),
                    ..
                }) = &*arm.body
            {
                codes.insert(variant.ident.to_string(), code.value());
            }
        }
    }
    codes
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{dir:?}: {e}"))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{dir:?}: {e}"))?.path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// Every problem of the Rust column (and of the Node error codes), one line each.
pub fn problems(rows: &[Row], facade: &Facade) -> Vec<String> {
    let mut problems = Vec::new();
    for row in rows {
        let at = format!("{TABLE}:{} ({})", row.line, row.what);
        if row.rust.is_none() && row.python.is_none() && row.node.is_none() {
            problems.push(format!("{at}: a row needs at least one name"));
        }
        if let Some(rust) = &row.rust
            && !facade.has(rust)
        {
            problems.push(format!("{at}: `{rust}` is not public in the facade"));
        }
        if let Some(code) = row.node.as_deref().and_then(|n| n.strip_prefix("code ")) {
            let variant = row
                .rust
                .as_deref()
                .and_then(|r| r.strip_prefix("ErrorKind::"));
            match variant.map(|v| (v, facade.code(v))) {
                Some((_, Some(found))) if found == code => {}
                Some((v, found)) => problems.push(format!(
                    "{at}: Node code {code} but ErrorKind::{v}.code() is {found:?}"
                )),
                None => problems.push(format!("{at}: `code {code}` needs an ErrorKind row")),
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn every_rust_name_of_the_parity_table_is_in_the_facade() {
        let text = std::fs::read_to_string(workspace().join(TABLE)).unwrap();
        let rows = rows(&text).unwrap();
        assert!(rows.len() > 100, "only {} rows parsed", rows.len());
        let facade = Facade::parse(&workspace()).unwrap();
        let problems = problems(&rows, &facade);
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }

    #[test]
    fn a_missing_method_variant_or_code_is_reported() {
        let facade = Facade::parse(&workspace()).unwrap();
        assert!(facade.has("Numbers::refresh_all"));
        assert!(facade.has("webhooks::sign"));
        assert!(facade.has("ErrorKind::NotFound"));
        assert!(facade.has("WaitOptions::interval"));
        let table = "\
| call or option | Rust | Python | Node | notes |
|---|---|---|---|---|
| gone | `Numbers::refresh_everything` | `x.y` | — | |
| wrong code | `ErrorKind::NotFound` | — | `code MISSING` | |
| not a module fn | `webhooks::forge` | — | — | |
";
        let problems = problems(&rows(table).unwrap(), &facade);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].contains("`Numbers::refresh_everything` is not public"));
        assert!(problems[1].contains("ErrorKind::NotFound.code() is Some(\"NOT_FOUND\")"));
        assert!(problems[2].contains("`webhooks::forge`"));
    }

    #[test]
    fn a_cell_that_is_not_code_is_an_error() {
        let table = "\
| call or option | Rust | Python | Node | notes |
|---|---|---|---|---|
| bad | Numbers::add | — | — | |
";
        let error = rows(table).unwrap_err();
        assert!(error.contains(":3: \"Numbers::add\" is neither"), "{error}");
    }
}
