//! The spec-update drill: a new optional field on the `ReputationNumber` response, and a new
//! optional text field with a `maxLength` on both `EnterpriseCreate` and `Enterprise`, made
//! in a copy of the contract, go through `cargo xtask codegen` into the generated client and
//! the generated rules (which the facade's pre-I/O checks and the emulator's 422s walk) with
//! no other edit. A full rebuild of the workspace per drill is too slow for the pipeline, so
//! the drill checks the generated artifacts and the derived rules; the crates' own tests
//! check that the walker applies every rule of the tables.

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::codegen::{self, SPEC};
    use crate::rules_codegen;

    /// Add `property` (YAML lines at property indentation) to schema `schema` of `spec`.
    fn add_property(spec: &str, schema: &str, property: &str) -> String {
        let head = format!("\n    {schema}:\n");
        let at = spec
            .find(&head)
            .unwrap_or_else(|| panic!("no schema {schema}"));
        let props = spec[at..]
            .find("\n      properties:\n")
            .map(|p| at + p + "\n      properties:\n".len())
            .unwrap_or_else(|| panic!("{schema} has no properties"));
        format!("{}{property}{}", &spec[..props], &spec[props..])
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
