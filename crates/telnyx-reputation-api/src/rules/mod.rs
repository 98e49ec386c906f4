//! The contract's validation rules, generated from `openapi/number-reputation.yaml` by
//! `cargo xtask codegen` into [`tables`] (one [`Schema`] static per object schema), and one
//! walker, [`check`], that tests a JSON body against them.
//!
//! The facade's pre-I/O checks and the emulator's 422s both come from here, so a
//! `maxLength`, `pattern`, `enum`, `required`, `nullable`, `minItems`/`maxItems` or
//! `minimum`/`maximum` changed in the contract changes both with no hand edit. Two vendor
//! extensions carry what OpenAPI has no keyword for: `x-not-allowed` (a schema's fields
//! refused with 400, see [`refused_fields`]) and `x-locked-while-enabled` (a property frozen
//! while Number Reputation is enabled). Formats other than `email` (`uri`, `uuid`,
//! `date-time`) are not checked here.

use std::sync::OnceLock;

use serde_json::Value;

#[rustfmt::skip]
mod tables;

pub use tables::*;

/// An object schema of the contract.
#[derive(Debug)]
pub struct Schema {
    /// The schema's name in `components.schemas`.
    pub name: &'static str,
    /// `additionalProperties: false`.
    pub closed: bool,
    /// `x-not-allowed`: fields refused with 400 although no property names them.
    pub not_allowed: &'static [&'static str],
    /// The properties, in the contract's order.
    pub fields: &'static [Field],
}

/// One property of a [`Schema`].
#[derive(Debug)]
pub struct Field {
    /// Property name.
    pub name: &'static str,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true` (on the property or the schema it refers to).
    pub nullable: bool,
    /// `x-locked-while-enabled: true`.
    pub locked_while_enabled: bool,
    /// What the value must look like.
    pub shape: Shape,
}

/// The shape of a value.
#[derive(Debug)]
pub enum Shape {
    /// A string.
    Text(Text),
    /// An object of another schema.
    Object(&'static Schema),
    /// An array.
    Array {
        /// `minItems`.
        min_items: Option<u64>,
        /// `maxItems`.
        max_items: Option<u64>,
        /// The items' shape.
        items: &'static Shape,
    },
    /// An integer or number.
    Number {
        /// `minimum`.
        minimum: Option<f64>,
        /// `maximum`.
        maximum: Option<f64>,
    },
    /// A boolean.
    Boolean,
    /// Anything (no rule the walker checks).
    Any,
}

/// The keywords of a string.
#[derive(Debug)]
pub struct Text {
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
    /// `enum` values; empty when any value is allowed.
    pub values: &'static [&'static str],
    /// The named enum schema the values come from (e.g. `Industry`), when there is one.
    pub enum_name: Option<&'static str>,
    /// `pattern`.
    pub pattern: Option<&'static Pattern>,
    /// `format`.
    pub format: Option<&'static str>,
}

/// A `pattern`, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    /// The regular expression as the contract writes it.
    pub source: &'static str,
    compiled: OnceLock<regex::Regex>,
}

impl Pattern {
    /// A pattern of the contract (compiled on first use).
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// Whether `text` matches. A pattern that does not compile matches nothing (the tables'
    /// own test compiles every one).
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                regex::Regex::new(self.source).unwrap_or_else(|_| {
                    regex::Regex::new("[^\\s\\S]").expect("an empty class compiles")
                })
            })
            .is_match(text)
    }
}

impl Schema {
    /// The property called `name`.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// `maxItems` of `schema`'s array property `field` (e.g. the batch limit of
/// `PhoneNumbersRequest.phone_numbers`); `None` when it has none.
pub fn max_items(schema: &Schema, field: &str) -> Option<usize> {
    match schema.field(field).map(|f| &f.shape) {
        Some(Shape::Array {
            max_items: Some(max),
            ..
        }) => usize::try_from(*max).ok(),
        _ => None,
    }
}

/// Fields a body for `update` may not carry although `record` has them (immutable or server
/// fields), plus `update`'s `x-not-allowed`: the fields an update refuses with 400.
pub fn refused_fields(update: &Schema, record: &'static Schema) -> Vec<&'static str> {
    let mut refused: Vec<&'static str> = record
        .fields
        .iter()
        .map(|f| f.name)
        .filter(|name| update.field(name).is_none())
        .collect();
    refused.extend(update.not_allowed);
    refused
}

/// What is wrong with one value.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A required field is absent or null.
    Missing,
    /// The value is not of the expected JSON type (`"a string"`, `"an object"`, ...).
    WrongType(&'static str),
    /// An empty or blank string (reported only with [`Options::refuse_blank`]).
    Blank,
    /// Outside `minLength`/`maxLength`.
    Length {
        /// `minLength`.
        min: Option<u64>,
        /// `maxLength`.
        max: Option<u64>,
        /// Characters given.
        got: usize,
    },
    /// Not one of the `enum` values.
    NotOneOf(&'static [&'static str]),
    /// Does not match the `pattern`.
    Pattern(&'static str),
    /// Not of the `format` (only `email` is checked).
    Format(&'static str),
    /// Outside `minItems`/`maxItems`.
    Items {
        /// `minItems`.
        min: Option<u64>,
        /// `maxItems`.
        max: Option<u64>,
        /// Items given.
        got: usize,
    },
    /// Outside `minimum`/`maximum`.
    Range {
        /// `minimum`.
        min: Option<f64>,
        /// `maximum`.
        max: Option<f64>,
    },
    /// A field the schema does not have.
    Unknown,
}

/// One failed rule: where (a JSON pointer, e.g. `/agent/city`) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// JSON pointer of the value.
    pub pointer: String,
    /// The string given, for the messages that quote it.
    pub value: Option<String>,
    /// The rule it breaks.
    pub problem: Problem,
}

impl Violation {
    /// The last segment of the pointer (`city` for `/agent/city`).
    pub fn name(&self) -> &str {
        self.pointer.rsplit('/').next().unwrap_or(&self.pointer)
    }

    /// The pointer as a field path: `agent.city`, `phone_numbers[2]`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.pointer.split('/').skip(1) {
            if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
                out.push('[');
                out.push_str(segment);
                out.push(']');
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(segment);
            }
        }
        out
    }
}

/// Which enums [`check`] tests.
#[derive(Debug, Clone, Copy)]
pub enum Enums {
    /// Every `enum`.
    All,
    /// Inline enums and those of these named enum schemas only (e.g. the facade, whose typed
    /// enums pass values it does not know yet on to the server).
    Only(&'static [&'static str]),
}

/// How [`check`] walks.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Report fields outside the schema even when it is not closed (`additionalProperties`
    /// unset): what the server does.
    pub unknown_fields: bool,
    /// Report empty or blank strings (the server refuses them everywhere).
    pub refuse_blank: bool,
    /// Which enums are tested.
    pub enums: Enums,
}

/// Every rule of `schema` that `body` breaks: unknown fields first, then the properties in
/// the contract's order, at most one problem per value. `base` is the pointer of `body`
/// (`""` for a whole request body).
pub fn check(schema: &Schema, body: &Value, base: &str, options: Options) -> Vec<Violation> {
    let mut out = Vec::new();
    object(schema, body, base, options, &mut out);
    out
}

fn object(schema: &Schema, body: &Value, base: &str, options: Options, out: &mut Vec<Violation>) {
    let Some(map) = body.as_object() else {
        out.push(Violation {
            pointer: base.to_owned(),
            value: None,
            problem: Problem::WrongType("an object"),
        });
        return;
    };
    if schema.closed || options.unknown_fields {
        for key in map.keys().filter(|k| schema.field(k).is_none()) {
            out.push(Violation {
                pointer: format!("{base}/{key}"),
                value: None,
                problem: Problem::Unknown,
            });
        }
    }
    for field in schema.fields {
        let pointer = format!("{base}/{}", field.name);
        match map.get(field.name) {
            None if field.required => out.push(Violation {
                pointer,
                value: None,
                problem: Problem::Missing,
            }),
            None => {}
            Some(Value::Null) if field.required => out.push(Violation {
                pointer,
                value: None,
                problem: Problem::Missing,
            }),
            Some(Value::Null) if field.nullable => {}
            Some(value) => shape(&field.shape, value, pointer, options, out),
        }
    }
}

fn shape(
    shape: &Shape,
    value: &Value,
    pointer: String,
    options: Options,
    out: &mut Vec<Violation>,
) {
    let wrong = |expected| Violation {
        pointer: pointer.clone(),
        value: None,
        problem: Problem::WrongType(expected),
    };
    match shape {
        Shape::Text(text) => match value.as_str() {
            Some(s) => {
                if let Some(problem) = text_problem(text, s, options) {
                    out.push(Violation {
                        pointer,
                        value: Some(s.to_owned()),
                        problem,
                    });
                }
            }
            None => out.push(wrong("a string")),
        },
        Shape::Object(schema) => match value {
            Value::Object(_) => object(schema, value, &pointer, options, out),
            _ => out.push(wrong("an object")),
        },
        Shape::Array {
            min_items,
            max_items,
            items,
        } => match value.as_array() {
            Some(list) => {
                let got = list.len();
                if min_items.is_some_and(|m| (got as u64) < m)
                    || max_items.is_some_and(|m| (got as u64) > m)
                {
                    out.push(Violation {
                        pointer,
                        value: None,
                        problem: Problem::Items {
                            min: *min_items,
                            max: *max_items,
                            got,
                        },
                    });
                    return;
                }
                for (i, item) in list.iter().enumerate() {
                    self::shape(items, item, format!("{pointer}/{i}"), options, out);
                }
            }
            None => out.push(wrong("an array")),
        },
        Shape::Number { minimum, maximum } => match value.as_f64() {
            Some(n) => {
                if minimum.is_some_and(|m| n < m) || maximum.is_some_and(|m| n > m) {
                    out.push(Violation {
                        pointer,
                        value: None,
                        problem: Problem::Range {
                            min: *minimum,
                            max: *maximum,
                        },
                    });
                }
            }
            None => out.push(wrong("a number")),
        },
        Shape::Boolean => {
            if !value.is_boolean() {
                out.push(wrong("a boolean"));
            }
        }
        Shape::Any => {}
    }
}

/// The first rule of `text` that `s` breaks.
pub fn text_problem(text: &Text, s: &str, options: Options) -> Option<Problem> {
    if options.refuse_blank && s.trim().is_empty() {
        return Some(Problem::Blank);
    }
    let got = s.chars().count();
    if text.min_length.is_some_and(|m| (got as u64) < m)
        || text.max_length.is_some_and(|m| (got as u64) > m)
    {
        return Some(Problem::Length {
            min: text.min_length,
            max: text.max_length,
            got,
        });
    }
    let enum_checked = match options.enums {
        Enums::All => true,
        Enums::Only(names) => text.enum_name.is_none_or(|n| names.contains(&n)),
    };
    if enum_checked && !text.values.is_empty() && !text.values.contains(&s) {
        return Some(Problem::NotOneOf(text.values));
    }
    if let Some(pattern) = text.pattern
        && !pattern.is_match(s)
    {
        return Some(Problem::Pattern(pattern.source));
    }
    if text.format == Some("email") && !is_email(s) {
        return Some(Problem::Format("email"));
    }
    None
}

/// A plausible e-mail address (what `format: email` is checked as): `local@domain.tld`, no
/// spaces.
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SERVER: Options = Options {
        unknown_fields: true,
        refuse_blank: true,
        enums: Enums::All,
    };

    fn all_schemas() -> Vec<&'static Schema> {
        let mut seen: Vec<&'static Schema> = vec![
            &ENTERPRISE_CREATE,
            &ENTERPRISE_REPLACE,
            &ENTERPRISE,
            &LOA_RENDER_REQUEST,
            &PHONE_NUMBERS_REQUEST,
        ];
        let mut i = 0;
        while i < seen.len() {
            for field in seen[i].fields {
                if let Shape::Object(s) = field.shape
                    && !seen.iter().any(|x| std::ptr::eq(*x, s))
                {
                    seen.push(s);
                }
            }
            i += 1;
        }
        seen
    }

    #[test]
    fn every_pattern_of_the_contract_compiles() {
        fn text_patterns(shape: &Shape, out: &mut Vec<&'static Pattern>) {
            match shape {
                Shape::Text(Text {
                    pattern: Some(p), ..
                }) => out.push(p),
                Shape::Array { items, .. } => text_patterns(items, out),
                _ => {}
            }
        }
        let mut patterns = Vec::new();
        for schema in all_schemas() {
            for field in schema.fields {
                text_patterns(&field.shape, &mut patterns);
            }
        }
        assert!(patterns.len() >= 4, "{patterns:?}");
        for p in patterns {
            assert!(regex::Regex::new(p.source).is_ok(), "{}", p.source);
        }
    }

    #[test]
    fn fein_and_lengths_come_from_the_contract() {
        let fein = ENTERPRISE_CREATE.field("fein").map(|f| &f.shape);
        let Some(Shape::Text(fein)) = fein else {
            panic!("fein is text")
        };
        for ok in ["12-3456789", "123456789", "123456789RT0001"] {
            assert_eq!(text_problem(fein, ok, SERVER), None, "{ok}");
        }
        for bad in ["123-456789", "12-345678", "123456789rt0001"] {
            assert!(
                matches!(text_problem(fein, bad, SERVER), Some(Problem::Pattern(_))),
                "{bad}"
            );
        }
        let body = json!({"agent": {"city": "c".repeat(121), "country": "us", "extra": 1}});
        let found = check(&LOA_RENDER_REQUEST, &body, "", SERVER);
        let pointers: Vec<String> = found.iter().map(|v| v.pointer.clone()).collect();
        assert!(pointers.contains(&"/agent/extra".to_string()), "{found:?}");
        assert!(
            pointers.contains(&"/agent/legal_name".to_string()),
            "{found:?}"
        );
        let city = found.iter().find(|v| v.pointer == "/agent/city");
        assert_eq!(
            city.map(|v| (&v.problem, v.path())),
            Some((
                &Problem::Length {
                    min: None,
                    max: Some(120),
                    got: 121
                },
                "agent.city".to_string()
            ))
        );
        let country = found.iter().find(|v| v.pointer == "/agent/country");
        assert!(matches!(
            country.map(|v| &v.problem),
            Some(Problem::Pattern(_))
        ));
    }

    #[test]
    fn enums_nulls_items_and_refused_fields() {
        let body =
            json!({"industry": "nope", "customer_reference": null, "dun_bradstreet_number": null});
        let found = check(&ENTERPRISE_REPLACE, &body, "", SERVER);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(matches!(found[0].problem, Problem::NotOneOf(v) if v.contains(&"healthcare")));
        assert_eq!(found[1].problem, Problem::WrongType("a string"));
        let facade = Options {
            unknown_fields: false,
            refuse_blank: false,
            enums: Enums::Only(&["CountryCode"]),
        };
        assert_eq!(check(&ENTERPRISE_REPLACE, &body, "", facade).len(), 1);
        let many: Vec<String> = (0..101).map(|i| format!("+1202555{i:04}")).collect();
        let found = check(
            &PHONE_NUMBERS_REQUEST,
            &json!({"phone_numbers": many}),
            "",
            SERVER,
        );
        assert!(matches!(
            found[0].problem,
            Problem::Items {
                max: Some(100),
                got: 101,
                ..
            }
        ));
        assert_eq!(
            max_items(&PHONE_NUMBERS_REQUEST, "phone_numbers"),
            Some(100)
        );
        let refused = refused_fields(&ENTERPRISE_REPLACE, &ENTERPRISE);
        for name in [
            "id",
            "organization_type",
            "country_code",
            "role_type",
            "record_type",
        ] {
            assert!(refused.contains(&name), "{name}: {refused:?}");
        }
        assert!(!refused.contains(&"legal_name"));
        let locked: Vec<&str> = ENTERPRISE_REPLACE
            .fields
            .iter()
            .filter(|f| f.locked_while_enabled)
            .map(|f| f.name)
            .collect();
        assert!(locked.contains(&"fein") && !locked.contains(&"billing_address"));
    }
}
