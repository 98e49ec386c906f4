//! The top-level README shows one snippet per language; each is a copy of a package README's
//! snippet that the pipeline runs (Python and Node as tests, Rust as a compiled doctest). The
//! test here keeps the copies identical, so the front page cannot drift from tested code.

#[cfg(test)]
mod tests {
    /// The body of the first fenced block whose info string starts with `lang`.
    fn first_block(text: &str, lang: &str) -> String {
        let mut lines = text
            .lines()
            .skip_while(|l| !l.starts_with(&format!("```{lang}")));
        lines.next().unwrap_or_else(|| panic!("no ```{lang} block"));
        lines
            .take_while(|l| !l.starts_with("```"))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    /// A rustdoc block as a reader sees it: `# ` lines are hidden.
    fn visible_rust(block: &str) -> String {
        block
            .lines()
            .filter(|l| !(l.starts_with("# ") || *l == "#"))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    fn read(path: &str) -> String {
        std::fs::read_to_string(crate::workspace_root().join(path)).expect(path)
    }

    #[test]
    fn front_page_snippets_are_the_tested_ones() {
        let front = read("README.md");
        let cases = [
            ("rust", "crates/telnyx-reputation/README.md"),
            ("python", "bindings/python/README.md"),
            ("js", "bindings/node/README.md"),
        ];
        for (lang, source) in cases {
            let mut tested = first_block(&read(source), lang);
            if lang == "rust" {
                tested = visible_rust(&tested);
            }
            assert_eq!(
                first_block(&front, lang),
                tested,
                "README.md's {lang} snippet differs from {source}"
            );
        }
    }
}
