//! The spec-update drill (`cargo xtask drill`, a step of `cargo xtask test`): a copy of the
//! tracked tree gets, in its contract only, a new optional field on the `ReputationNumber`
//! response and a new optional text field with a `maxLength` on both `EnterpriseCreate` and
//! `Enterprise`. Then, in the copy:
//!
//! 1. `cargo xtask codegen` regenerates the client, the rules tables and the binding models;
//! 2. the facade no longer compiles, and the compiler names the conversions to extend (the
//!    facade destructures every generated model exhaustively);
//! 3. the hand edits — the facade model lines those errors point to, and nothing else — are
//!    applied, and `codegen` runs again so the bindings carry the fields;
//! 4. a test written into the copy runs against the copy's emulator: the emulator accepts the
//!    new enterprise field, refuses it over its `maxLength` with a 422 whose `source.pointer`
//!    names it, returns it on the created enterprise; the facade refuses it over the limit
//!    before any I/O naming the field, returns it, and decodes the new number field; the
//!    facade's contract check passes;
//! 5. the Python stub, the Node typings and the binding models carry both fields.
//!
//! It prints the files edited by hand for each case. The copy builds in its own target
//! directory, `target/drill`: cargo hashes a workspace crate by its path relative to the
//! workspace, so the copy's crates (with the drill's fields) built into the workspace's own
//! target directory would be taken for the workspace's, and later builds there would link
//! them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::codegen::{self, Mode, SPEC};

/// The contract lines the drill adds.
const NOTE: &str = "        drill_note:\n          type: string\n          maxLength: 40\n          description: Drill field.\n";
const SCORE: &str = "        drill_score:\n          type: integer\n          nullable: true\n          description: Drill field.\n";

/// One hand edit: in `file`, inside the item starting at `within`, insert `text` after
/// (or, with `before`, before) the first `anchor`.
struct Edit {
    case: Case,
    file: &'static str,
    within: &'static str,
    anchor: &'static str,
    before: bool,
    text: &'static str,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Case {
    /// `drill_note` on the enterprise request and response.
    RequestField,
    /// `drill_score` on the number response.
    ResponseField,
}

const MODELS: &str = "crates/telnyx-reputation/src/models.rs";
const CONVERT: &str = "crates/telnyx-reputation/src/convert.rs";

/// Everything a person adds by hand once the contract changed.
const EDITS: &[Edit] = &[
    Edit {
        case: Case::RequestField,
        file: MODELS,
        within: "pub struct Enterprise {",
        anchor: "    /// When the enterprise was created.\n",
        before: true,
        text: "    /// Drill field.\n    #[serde(default)]\n    pub drill_note: Option<String>,\n",
    },
    Edit {
        case: Case::RequestField,
        file: MODELS,
        within: "pub struct NewEnterprise {",
        anchor: "    pub role_type: Option<RoleType>,\n",
        before: false,
        text: "    /// Drill field.\n    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub drill_note: Option<String>,\n",
    },
    Edit {
        case: Case::RequestField,
        file: MODELS,
        within: "new_enterprise_builder! {",
        anchor: "    optional {\n",
        before: false,
        text: "        /// Drill field.\n        drill_note: String,\n",
    },
    Edit {
        case: Case::RequestField,
        file: CONVERT,
        within: "pub(crate) fn enterprise(",
        anchor: "    let g::Enterprise {\n",
        before: false,
        text: "        drill_note,\n",
    },
    Edit {
        case: Case::RequestField,
        file: CONVERT,
        within: "pub(crate) fn enterprise(",
        anchor: "    Enterprise {\n",
        before: false,
        text: "        drill_note,\n",
    },
    Edit {
        case: Case::ResponseField,
        file: MODELS,
        within: "pub struct ReputationNumber {",
        anchor: "    /// Registration id.\n",
        before: true,
        text: "    /// Drill field.\n    #[serde(default)]\n    pub drill_score: Option<i64>,\n",
    },
    Edit {
        case: Case::ResponseField,
        file: CONVERT,
        within: "pub(crate) fn number(",
        anchor: "    let g::ReputationNumber {\n",
        before: false,
        text: "        drill_score,\n",
    },
    Edit {
        case: Case::ResponseField,
        file: CONVERT,
        within: "pub(crate) fn number(",
        anchor: "    ReputationNumber {\n",
        before: false,
        text: "        drill_score,\n",
    },
    // Pages of numbers decode straight into the facade's model through `convert::wire`
    // (serde's `remote` derive builds the model: one line there).
    Edit {
        case: Case::ResponseField,
        file: CONVERT,
        within: "    struct Number {",
        anchor: "        updated_at: DateTime<Utc>,\n",
        before: false,
        text: "        drill_score: Option<i64>,\n",
    },
];

/// The test the drill runs in the copy (a file of the facade's test suite there).
const DRILL_TEST: &str = r#"//! Written by `cargo xtask drill` into its copy of the tree; never part of the repository.

#[path = "api/common.rs"]
#[allow(dead_code)]
mod common;

use serde_json::{Value, json};
use telnyx_reputation::*;

#[tokio::test]
async fn the_drill_fields_go_through_the_emulator_the_facade_and_the_rules() {
    let h = common::start().await;
    h.client
        .terms_of_service()
        .agree_number_reputation()
        .await
        .expect("agree");
    h.clear_journal().await;

    // The facade applies the contract's new limit before any I/O, naming the field.
    let mut long = common::new_enterprise("Drill Long Inc");
    long.drill_note = Some("x".repeat(41));
    let error = h.client.enterprises().create(long).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert!(error.to_string().contains("drill_note"), "{error}");
    assert!(h.journal().await.is_empty(), "sent: {:?}", h.seen().await);

    // The emulator applies it too: a 422 whose pointer names the field.
    let mut body = serde_json::to_value(common::new_enterprise("Drill Raw Inc")).unwrap();
    body["drill_note"] = json!("y".repeat(41));
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/enterprises", h.emulator.base_url()))
        .bearer_auth(common::KEY)
        .json(&body)
        .send()
        .await
        .expect("emulator answers");
    assert_eq!(response.status().as_u16(), 422);
    let answer: Value = response.json().await.unwrap();
    let pointers: Vec<&str> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["source"]["pointer"].as_str())
        .collect();
    assert_eq!(pointers, ["/drill_note"], "{answer}");

    // Within the limit it is accepted, stored and returned, on create and on read.
    let mut note = common::new_enterprise("Drill Note Inc");
    note.drill_note = Some("forty characters at most".into());
    let created = h.client.enterprises().create(note).await.expect("create");
    assert_eq!(created.drill_note.as_deref(), Some("forty characters at most"));
    let read = h.client.enterprises().get(&created.id).await.expect("get");
    assert_eq!(read.drill_note.as_deref(), Some("forty characters at most"));
    let built = NewEnterprise::builder();
    let _ = built.drill_note("via the builder");

    // The new number field decodes (the emulator has no value for it).
    let id = h.approved_enterprise("Drill Numbers Inc").await;
    let added = h
        .client
        .reputation(&id)
        .numbers()
        .add(["+12025550123"])
        .await
        .expect("add");
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].drill_score, None);
}
"#;

/// Run the drill; the temporary copy is removed afterwards.
pub fn run(root: &Path) -> Result {
    let dir = tempfile::Builder::new()
        .prefix("telnyx-reputation-drill-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let copy = dir.path().join("tree");
    copy_tracked(root, &copy)?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("drill");

    // 1. The contract edit, and codegen.
    let spec = read(&copy, SPEC)?;
    let mut changed = add_property(&spec, "EnterpriseCreate", NOTE)?;
    changed = add_property(&changed, "Enterprise", NOTE)?;
    changed = add_property(&changed, "ReputationNumber", SCORE)?;
    write(&copy, SPEC, &changed)?;
    codegen::run(&copy, Mode::Write)?;
    println!(
        "drill: contract edited in a copy ({}), codegen ran",
        copy.display()
    );

    // 2. The facade does not compile, and the errors name the conversions.
    let check = cargo_output(
        &copy,
        &target,
        &[
            "check",
            "--locked",
            "--quiet",
            "-p",
            "telnyx-reputation",
            "--message-format",
            "short",
        ],
    )?;
    if check.0 {
        return Err(
            "drill: the facade still compiled after the contract gained fields: \
                    a conversion no longer destructures its generated model exhaustively"
                .into(),
        );
    }
    let named: Vec<&str> = check
        .1
        .lines()
        .filter(|l| l.contains("drill_note") || l.contains("drill_score"))
        .collect();
    for (field, at) in [("drill_note", CONVERT), ("drill_score", CONVERT)] {
        if !named.iter().any(|l| l.contains(field) && l.starts_with(at)) {
            return Err(format!(
                "drill: the compiler did not name `{field}` in {at}; it said:\n{}",
                check.1
            ));
        }
    }
    println!("drill: the facade stops compiling where the new fields must go:");
    for line in &named {
        println!("    {line}");
    }

    // 3. The hand edits, then codegen again for the bindings.
    for edit in EDITS {
        apply(&copy, edit)?;
    }
    codegen::run(&copy, Mode::Write)?;
    codegen::run(&copy, Mode::Check)?;

    // 4. The copy's facade and emulator, tested together.
    write(&copy, "crates/telnyx-reputation/tests/drill.rs", DRILL_TEST)?;
    let test = cargo_output(
        &copy,
        &target,
        &[
            "test",
            "--locked",
            "-p",
            "telnyx-reputation",
            "--test",
            "drill",
            "--lib",
            "--",
            "drill",
            "contract_check",
        ],
    )?;
    println!("{}", test.1);
    if !test.0 {
        return Err("drill: the tests in the copy failed (output above)".into());
    }

    // 5. The bindings carry both fields.
    for (file, wanted) in [
        (
            "bindings/python/python/telnyx_reputation/_native.pyi",
            ["drill_note", "drill_score"],
        ),
        ("bindings/node/index.d.ts", ["drillNote", "drillScore"]),
    ] {
        let text = read(&copy, file)?;
        for field in wanted {
            if !text.contains(field) {
                return Err(format!("drill: {file} lacks {field} after codegen"));
            }
        }
    }

    for case in [Case::ResponseField, Case::RequestField] {
        let mut files: Vec<&str> = EDITS
            .iter()
            .filter(|e| e.case == case)
            .map(|e| e.file)
            .collect();
        files.dedup();
        let lines: usize = EDITS
            .iter()
            .filter(|e| e.case == case)
            .map(|e| {
                e.text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .count()
            })
            .sum();
        println!(
            "drill: {case:?}: files edited by hand besides the contract: {} ({}), {lines} code lines",
            files.len(),
            files.join(", ")
        );
    }
    Ok(())
}

/// Copy every file git tracks (symlinks as symlinks) from `root` to `to`.
fn copy_tracked(root: &Path, to: &Path) -> Result {
    let out = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git ls-files: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    for name in out.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name =
            std::str::from_utf8(name).map_err(|e| format!("a tracked path is not UTF-8: {e}"))?;
        let from = root.join(name);
        let dest = to.join(name);
        std::fs::create_dir_all(dest.parent().expect("a file has a parent"))
            .map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
        let meta = std::fs::symlink_metadata(&from)
            .map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        if meta.file_type().is_symlink() {
            let link = std::fs::read_link(&from)
                .map_err(|e| format!("cannot read link {}: {e}", from.display()))?;
            std::os::unix::fs::symlink(link, &dest)
        } else {
            std::fs::copy(&from, &dest).map(|_| ())
        }
        .map_err(|e| format!("cannot copy {name}: {e}"))?;
    }
    Ok(())
}

/// Run cargo in the copy; (succeeded, stdout + stderr).
fn cargo_output(copy: &Path, target: &Path, args: &[&str]) -> Result<(bool, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(&cargo)
        .args(args)
        .current_dir(copy)
        .env("CARGO_TARGET_DIR", target)
        .env("INSTA_UPDATE", "no")
        .output()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    // Paths relative to the copy, so they read as the repository's.
    let text = text.replace(&format!("{}/", copy.display()), "");
    Ok((out.status.success(), text))
}

fn read(root: &Path, file: &str) -> Result<String> {
    std::fs::read_to_string(root.join(file)).map_err(|e| format!("cannot read {file}: {e}"))
}

fn write(root: &Path, file: &str, text: &str) -> Result {
    std::fs::write(root.join(file), text).map_err(|e| format!("cannot write {file}: {e}"))
}

/// Apply one hand edit in the copy.
fn apply(copy: &Path, edit: &Edit) -> Result {
    let text = read(copy, edit.file)?;
    let start = text
        .find(edit.within)
        .ok_or_else(|| format!("drill: {} has no `{}`", edit.file, edit.within))?;
    let at = text[start..]
        .find(edit.anchor)
        .map(|a| start + a)
        .ok_or_else(|| {
            format!(
                "drill: {} has no `{}` after `{}`",
                edit.file,
                edit.anchor.trim(),
                edit.within
            )
        })?;
    let at = if edit.before {
        at
    } else {
        at + edit.anchor.len()
    };
    write(
        copy,
        edit.file,
        &format!("{}{}{}", &text[..at], edit.text, &text[at..]),
    )
}

/// Add `property` (YAML lines at property indentation) to schema `schema` of `spec`.
fn add_property(spec: &str, schema: &str, property: &str) -> Result<String> {
    let head = format!("\n    {schema}:\n");
    let at = spec
        .find(&head)
        .ok_or_else(|| format!("drill: the contract has no schema {schema}"))?;
    let props = spec[at..]
        .find("\n      properties:\n")
        .map(|p| at + p + "\n      properties:\n".len())
        .ok_or_else(|| format!("drill: {schema} has no properties"))?;
    Ok(format!("{}{property}{}", &spec[..props], &spec[props..]))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::codegen::{self, SPEC};
    use crate::rules_codegen;

    fn add_property(spec: &str, schema: &str, property: &str) -> String {
        super::add_property(spec, schema, property).unwrap()
    }

    /// The text of struct `name` in the generated client's `types` module.
    fn generated_struct<'a>(source: &'a str, name: &str) -> &'a str {
        let head = format!("    pub struct {name} {{\n");
        let at = source
            .find(&head)
            .unwrap_or_else(|| panic!("no struct {name}"));
        let end = source[at..]
            .find("\n    }\n")
            .map_or(source.len(), |e| at + e);
        &source[at..end]
    }

    #[test]
    fn a_new_contract_field_reaches_the_client_and_the_rules_with_no_other_edit() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = tempfile::tempdir().unwrap();
        let fixture = dir.path().join(SPEC);
        std::fs::create_dir_all(fixture.parent().unwrap()).unwrap();
        let spec = std::fs::read_to_string(root.join(SPEC)).unwrap();
        let note = "        drill_note:\n          type: string\n          maxLength: 40\n          description: Drill field.\n";
        let mut changed = add_property(&spec, "EnterpriseCreate", note);
        changed = add_property(&changed, "Enterprise", note);
        changed = add_property(
            &changed,
            "ReputationNumber",
            "        drill_score:\n          type: integer\n          nullable: true\n",
        );
        std::fs::write(&fixture, &changed).unwrap();
        let text = std::fs::read_to_string(&fixture).unwrap();

        // The client: the request and response types carry the fields.
        let client = codegen::generate(&text, false).unwrap();
        for (model, field) in [
            ("EnterpriseCreate", "pub drill_note:"),
            ("Enterprise", "pub drill_note:"),
            ("ReputationNumber", "pub drill_score:"),
        ] {
            assert!(
                generated_struct(&client, model).contains(field),
                "{model} lacks {field}"
            );
        }
        let before = codegen::generate(&spec, false).unwrap();
        assert!(!generated_struct(&before, "Enterprise").contains("drill_note"));

        // The rules both the facade and the emulator walk: optional, at most 40 characters,
        // on the create body (the emulator accepts it, refuses it over 40 with a 422 at
        // `/drill_note`; the facade refuses it before I/O naming `drill_note`).
        let rules = rules_codegen::generate(&text).unwrap();
        let wanted = "Field { name: \"drill_note\", required: false, nullable: false, locked_while_enabled: false, shape: Shape::Text(Text { min_length: None, max_length: Some(40), values: &[], enum_name: None, pattern: None, format: None }) }";
        let create = section(&rules, "static ENTERPRISE_CREATE_FIELDS");
        assert!(create.contains(wanted), "{create}");
        let record = section(&rules, "static ENTERPRISE_FIELDS");
        assert!(record.contains("name: \"drill_note\""), "{record}");
        let number = section(&rules, "static REPUTATION_NUMBER_FIELDS");
        assert!(number.contains("name: \"drill_score\", required: false, nullable: true"));
        // The update schema did not get it, so a PUT refuses it as a field the record has
        // and the update lacks (`refused_fields`), until the contract adds it there too.
        let update = section(&rules, "static ENTERPRISE_REPLACE_FIELDS");
        assert!(!update.contains("drill_note"));
        assert!(
            !rules_codegen::generate(&spec)
                .unwrap()
                .contains("drill_note")
        );
    }

    /// From `head` to the end of its `];`.
    fn section<'a>(text: &'a str, head: &str) -> &'a str {
        let at = text.find(head).unwrap_or_else(|| panic!("no {head}"));
        let end = text[at..].find("\n];").map_or(text.len(), |e| at + e);
        &text[at..end]
    }
}
