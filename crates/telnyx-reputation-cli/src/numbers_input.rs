//! Reading phone numbers from arguments, a file or stdin, and cutting them into batches.
//!
//! Input is one number per line or a CSV column (`--column NAME|INDEX`; without it a
//! header named `phone_number`, `number` or `phone` is used, else the first column).
//! Lines end with LF, CRLF or a bare CR (old Mac exports); a leading UTF-8 byte order mark
//! is skipped. Every entry is validated by the
//! caller's parser (the facade's `PhoneNumber`) before any request, and every rejected
//! entry is kept with its line number: nothing is silently dropped. A number given twice
//! is kept once and the repeat is recorded as a [`Duplicate`]. Sending is the commands'
//! job, not this module's.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use clap::Args;

/// Largest batch the API accepts in one atomic `add` or `refresh` request.
pub const BATCH_SIZE: usize = 100;

/// Where numbers come from: positional arguments and/or `--file`.
#[derive(Args, Debug, Clone, Default)]
pub struct NumberSource {
    /// Phone numbers in E.164 (`+12025551234`).
    #[arg(value_name = "PHONE_NUMBER")]
    pub numbers: Vec<String>,
    /// Read numbers from a file (`-` for stdin): one per line, or a CSV column.
    #[arg(long, value_name = "PATH|-")]
    pub file: Option<PathBuf>,
    /// CSV column holding the numbers, by header name or 0-based index.
    #[arg(long, value_name = "NAME|INDEX", requires = "file")]
    pub column: Option<String>,
    /// Send the valid numbers even when some entries are invalid (they are listed and
    /// counted); without it any invalid entry means nothing is sent (exit 2).
    #[arg(long)]
    pub skip_invalid: bool,
}

/// Where an entry was read: a file line or a positional argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// 1-based line of the input file.
    Line(u64),
    /// 1-based position among the positional arguments.
    Argument(usize),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Line(n) => write!(f, "line {n}"),
            Origin::Argument(n) => write!(f, "argument {n}"),
        }
    }
}

/// An entry the parser rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Where it was read.
    pub origin: Origin,
    /// The text as read, cut to [`ECHO_LIMIT`] characters (with its length) when longer.
    pub text: String,
    /// Why it was rejected.
    pub reason: String,
}

/// A valid entry that repeats an earlier one (kept once, at its first occurrence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Where the repeat was read.
    pub origin: Origin,
    /// Where the number first appeared.
    pub first: Origin,
    /// The number.
    pub number: String,
}

/// Valid numbers (with their origin), rejected entries and repeats, in input order.
#[derive(Debug)]
pub struct Numbers<T> {
    /// Entries the parser accepted, each number once.
    pub valid: Vec<(Origin, T)>,
    /// Entries the parser rejected.
    pub rejected: Vec<Rejected>,
    /// Valid entries that repeated an earlier number (not in `valid`).
    pub duplicates: Vec<Duplicate>,
}

impl<T> Numbers<T> {
    /// The valid numbers cut into batches of at most [`BATCH_SIZE`].
    pub fn batches(&self) -> impl Iterator<Item = &[(Origin, T)]> {
        self.valid.chunks(BATCH_SIZE)
    }
}

/// Errors reading the input itself (not invalid numbers).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Neither arguments nor `--file` gave any entry.
    #[error("no phone numbers given: pass them as arguments or with --file PATH|-")]
    Empty,
    /// The file or stdin could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path given (`-` for stdin).
        path: String,
        /// The I/O error.
        source: io::Error,
    },
    /// The CSV was malformed or `--column` named a missing column.
    #[error("{0}")]
    Csv(String),
}

impl NumberSource {
    /// Read every entry, validate it with `parse`, and keep each number once (compared by
    /// the parsed value's text).
    pub fn read<T: AsRef<str>, E: std::fmt::Display>(
        &self,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Numbers<T>, InputError> {
        let mut entries: Vec<(Origin, String)> = self
            .numbers
            .iter()
            .enumerate()
            .map(|(i, n)| (Origin::Argument(i + 1), n.trim().to_owned()))
            .collect();
        if let Some(path) = &self.file {
            let text = read_source(path)?;
            entries.extend(column_entries(&text, self.column.as_deref())?);
        }
        if entries.is_empty() {
            return Err(InputError::Empty);
        }
        let mut numbers = Numbers {
            valid: Vec::new(),
            rejected: Vec::new(),
            duplicates: Vec::new(),
        };
        let mut seen: std::collections::HashMap<String, Origin> = std::collections::HashMap::new();
        for (origin, text) in entries {
            if text.chars().count() > ECHO_LIMIT {
                // Never parsed, copied or echoed whole: no number is that long.
                numbers.rejected.push(Rejected {
                    origin,
                    reason: format!("{} is too long to be a phone number", shown(&text)),
                    text: shown(&text),
                });
                continue;
            }
            match parse(&text) {
                Ok(n) => match seen.get(n.as_ref()) {
                    Some(first) => numbers.duplicates.push(Duplicate {
                        origin,
                        first: *first,
                        number: n.as_ref().to_owned(),
                    }),
                    None => {
                        seen.insert(n.as_ref().to_owned(), origin);
                        numbers.valid.push((origin, n));
                    }
                },
                Err(e) => numbers.rejected.push(Rejected {
                    origin,
                    text,
                    reason: e.to_string(),
                }),
            }
        }
        Ok(numbers)
    }
}

/// Longest input entry echoed back whole (in characters).
pub const ECHO_LIMIT: usize = 200;

/// `text` as echoed in messages: whole up to [`ECHO_LIMIT`] characters, else its first
/// [`ECHO_LIMIT`] characters, an ellipsis and its length, so a stray 50 MB line is never
/// printed (nor copied) whole.
pub fn shown(text: &str) -> String {
    match text.char_indices().nth(ECHO_LIMIT) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}… ({} characters)", &text[..cut], text.chars().count()),
    }
}

fn read_source(path: &std::path::Path) -> Result<String, InputError> {
    let shown = path.display().to_string();
    let mut text = String::new();
    let result = if shown == "-" {
        io::stdin().read_to_string(&mut text)
    } else {
        File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    result.map_err(|source| InputError::Read {
        path: shown,
        source,
    })?;
    Ok(text)
}

const HEADER_NAMES: [&str; 3] = ["phone_number", "number", "phone"];

/// The lines of `text`, ending at LF, CRLF or a bare CR (a final terminator adds no line).
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                out.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The chosen column of every non-empty, non-comment line, with its 1-based line number.
/// Lines are split one by one (quoted fields may not span lines), so the numbers reported
/// are the file's own line numbers.
fn column_entries(text: &str, column: Option<&str>) -> Result<Vec<(Origin, String)>, InputError> {
    // Spreadsheet exports often start with a UTF-8 byte order mark; it is not part of line 1.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    for (index, line) in lines(text).into_iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        records.push((index as u64 + 1, split_line(trimmed, index + 1)?));
    }
    let (index, skip_header) = pick_column(records.first().map(|(_, r)| r), column)?;
    Ok(records
        .into_iter()
        .skip(usize::from(skip_header))
        .map(|(line, r)| (Origin::Line(line), r.get(index).unwrap_or("").to_owned()))
        .collect())
}

/// One line as CSV fields.
fn split_line(line: &str, number: usize) -> Result<csv::StringRecord, InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(line.as_bytes());
    let mut records = reader.records();
    match records.next() {
        Some(Ok(_)) if records.next().is_some() => Err(InputError::Csv(format!(
            "line {number}: more than one CSV record on one line"
        ))),
        Some(Ok(record)) => Ok(record),
        Some(Err(e)) => Err(InputError::Csv(format!(
            "line {number}: malformed CSV: {e}"
        ))),
        None => Ok(csv::StringRecord::new()),
    }
}

/// Which column to read, and whether the first record is a header.
fn pick_column(
    first: Option<&csv::StringRecord>,
    column: Option<&str>,
) -> Result<(usize, bool), InputError> {
    let header_index =
        |name: &str| first.and_then(|h| h.iter().position(|f| f.eq_ignore_ascii_case(name)));
    match column {
        Some(c) => match c.parse::<usize>() {
            Ok(i) => Ok((i, false)),
            Err(_) => header_index(c)
                .map(|i| (i, true))
                .ok_or_else(|| InputError::Csv(format!("no column named {c:?} in the header row"))),
        },
        None => Ok(HEADER_NAMES
            .iter()
            .find_map(|n| header_index(n))
            .map_or((0, false), |i| (i, true))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(text: &str) -> Result<String, String> {
        if text.len() == 12 && text.starts_with("+1") {
            Ok(text.to_owned())
        } else {
            Err(format!("{text:?} is not a US E.164 number"))
        }
    }

    fn from_file(text: &str, column: Option<&str>) -> Numbers<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("numbers.txt");
        std::fs::write(&path, text).unwrap();
        let source = NumberSource {
            numbers: vec![],
            file: Some(path),
            column: column.map(Into::into),
            skip_invalid: false,
        };
        source.read(us).unwrap()
    }

    #[test]
    fn one_per_line_with_blank_and_comment_lines() {
        let n = from_file("+12025551234\n\n# a comment\n12345\n+12025555678\n", None);
        assert_eq!(n.valid.len(), 2);
        assert_eq!(n.valid[1].0, Origin::Line(5));
        assert_eq!(n.rejected.len(), 1);
        assert_eq!(n.rejected[0].origin, Origin::Line(4));
        assert_eq!(n.rejected[0].text, "12345");
    }

    #[test]
    fn csv_header_named_phone_number_is_found() {
        let n = from_file(
            "name,phone_number\nclinic,+12025551234\nshop,+12025555678\n",
            None,
        );
        let got: Vec<_> = n.valid.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(got, ["+12025551234", "+12025555678"]);
        assert_eq!(n.valid[0].0, Origin::Line(2));
    }

    #[test]
    fn column_by_index_and_by_name() {
        assert_eq!(from_file("a,+12025551234\n", Some("1")).valid.len(), 1);
        assert_eq!(
            from_file("x,tel\na,+12025551234\n", Some("TEL"))
                .valid
                .len(),
            1
        );
    }

    #[test]
    fn missing_named_column_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.csv");
        std::fs::write(&path, "a,b\n").unwrap();
        let source = NumberSource {
            numbers: vec![],
            file: Some(path),
            column: Some("tel".into()),
            skip_invalid: false,
        };
        assert!(matches!(source.read(us), Err(InputError::Csv(_))));
    }

    #[test]
    fn arguments_are_numbered_and_nothing_given_is_an_error() {
        let source = NumberSource {
            numbers: vec!["+12025551234".into(), "bad".into()],
            ..Default::default()
        };
        let n = source.read(us).unwrap();
        assert_eq!(n.rejected[0].origin, Origin::Argument(2));
        assert!(matches!(
            NumberSource::default().read(us),
            Err(InputError::Empty)
        ));
    }

    #[test]
    fn cr_lf_and_crlf_all_end_lines() {
        for sep in ["\r", "\n", "\r\n"] {
            let text: String = (0..5).map(|i| format!("+1202555060{i}{sep}")).collect();
            let n = from_file(&text, None);
            assert_eq!(n.valid.len(), 5, "{sep:?}");
            assert!(n.rejected.is_empty(), "{sep:?}");
            assert_eq!(n.valid[4].0, Origin::Line(5), "{sep:?}");
        }
        let n = from_file("+12025550601\r\n\r\n+12025550602\rbad\n+12025550603", None);
        assert_eq!(n.valid.len(), 3);
        assert_eq!(n.rejected[0].origin, Origin::Line(4));
        assert_eq!(n.valid[2].0, Origin::Line(5));
    }

    #[test]
    fn repeats_are_kept_once_and_recorded() {
        let mut text: String = (0..250).map(|i| format!("+1202555{i:04}\n")).collect();
        text.push_str("+12025550003\n");
        let n = from_file(&text, None);
        assert_eq!(n.valid.len(), 250);
        assert_eq!(
            n.duplicates,
            [Duplicate {
                origin: Origin::Line(251),
                first: Origin::Line(4),
                number: "+12025550003".into()
            }]
        );
    }

    #[test]
    fn a_long_line_is_echoed_cut_with_its_length() {
        let long = "9".repeat(1_000_000);
        let n = from_file(&format!("+12025551234\n{long}\n"), None);
        assert_eq!(n.valid.len(), 1);
        let rejected = &n.rejected[0];
        assert_eq!(rejected.origin, Origin::Line(2));
        let cut = format!("{}… (1000000 characters)", "9".repeat(200));
        assert_eq!(rejected.text, cut);
        assert!(
            rejected.reason.starts_with(&cut),
            "{}",
            &rejected.reason[..300]
        );
        assert!(rejected.reason.len() < 300, "{}", rejected.reason.len());
        // Up to the limit, entries are shown whole.
        assert_eq!(shown(&"é".repeat(200)), "é".repeat(200));
        assert_eq!(
            shown(&"é".repeat(201)),
            format!("{}… (201 characters)", "é".repeat(200))
        );
    }

    #[test]
    fn batches_hold_at_most_one_hundred() {
        let text: String = (0..250).map(|i| format!("+1202555{i:04}\n")).collect();
        let sizes: Vec<_> = from_file(&text, None).batches().map(<[_]>::len).collect();
        assert_eq!(sizes, [100, 100, 50]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use proptest::test_runner::{Config, RngSeed};

        fn config() -> Config {
            Config {
                cases: 500,
                rng_seed: RngSeed::Fixed(0x04e0_be25),
                failure_persistence: None,
                ..Config::default()
            }
        }

        fn quoted(field: &str, quote: bool) -> String {
            if quote {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field.to_owned()
            }
        }

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn every_number_is_read_once_with_its_own_line_number(
                numbers in prop::collection::btree_set(2_000_000_000u64..9_999_999_999, 1..40),
                ending in prop::sample::select(vec!["\n", "\r\n", "\r"]),
                bom in any::<bool>(),
                quote in any::<bool>(),
                final_terminator in any::<bool>(),
                columns in 0usize..4,
                blank_every in 2usize..7,
            ) {
                let numbers: Vec<String> = numbers.iter().map(|n| format!("+1{n}")).collect();
                // A header when the number is not alone: `phone_number` among other columns.
                let mut lines: Vec<String> = Vec::new();
                if columns > 0 {
                    let mut header: Vec<String> = (0..columns).map(|c| format!("note {c}")).collect();
                    header.insert(columns / 2, "phone_number".to_owned());
                    lines.push(header.join(","));
                }
                let mut expected_lines = Vec::new();
                for (i, number) in numbers.iter().enumerate() {
                    if i % blank_every == blank_every - 1 {
                        lines.push(String::new());
                        lines.push("# a comment".to_owned());
                    }
                    let mut fields: Vec<String> =
                        (0..columns).map(|c| quoted(&format!("x, {c} \"y\""), true)).collect();
                    fields.insert(columns / 2, quoted(number, quote));
                    lines.push(fields.join(","));
                    expected_lines.push(lines.len() as u64);
                }
                let mut text = lines.join(ending);
                if final_terminator {
                    text.push_str(ending);
                }
                if bom {
                    text.insert(0, '\u{feff}');
                }
                let entries = column_entries(&text, None).expect("well-formed input");
                let read: Vec<&str> = entries.iter().map(|(_, n)| n.as_str()).collect();
                prop_assert_eq!(read, numbers.iter().map(String::as_str).collect::<Vec<_>>());
                let origins: Vec<Origin> = entries.iter().map(|(o, _)| *o).collect();
                prop_assert_eq!(origins, expected_lines.into_iter().map(Origin::Line).collect::<Vec<_>>());
            }

            #[test]
            fn arbitrary_text_never_panics(text in "\\PC{0,200}|[\",\r\n#a+0-9\u{feff}]{0,80}", column in prop::option::of("[0-9]|phone|nope")) {
                if let Ok(entries) = column_entries(&text, column.as_deref()) {
                    for (origin, _) in entries {
                        let Origin::Line(line) = origin else { panic!("a file entry has a line") };
                        prop_assert!(line >= 1 && line as usize <= text.len());
                    }
                }
            }
        }
    }
}
