//! JSON:API-style paging shared by every list: `page[number]` (1-based) and `page[size]`
//! (per-endpoint default, clamped to 250), and the `{data, meta}` envelope whose
//! `meta.page_size` is the number of items actually returned.

use serde_json::{Value, json};
use std::num::NonZeroU64;
use telnyx_reputation_api::types;

use crate::error::ApiError;
use crate::extract::Query;

/// Largest page the API serves; larger requests are clamped.
pub const MAX_PAGE_SIZE: usize = 250;

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub number: usize,
    /// Items per page, 1..=250.
    pub size: usize,
}

impl Page {
    /// Read `page[number]` and `page[size]`; zero, negative or non-integer values are a 400
    /// naming the parameter.
    pub fn from_query(query: &Query, default_size: usize) -> Result<Self, ApiError> {
        let number = positive(query, "page[number]")?.unwrap_or(1);
        let size = positive(query, "page[size]")?
            .unwrap_or(default_size)
            .min(MAX_PAGE_SIZE);
        Ok(Self { number, size })
    }

    /// Cut one page out of `items`, render only that page, and wrap it in `{data, meta}`.
    pub fn envelope<T>(self, items: Vec<T>, render: impl Fn(T) -> Value) -> Value {
        match self.try_envelope(items, |item| {
            Ok::<_, std::convert::Infallible>(render(item))
        }) {
            Ok(envelope) => envelope,
            Err(never) => match never {},
        }
    }

    /// [`Page::envelope`] with a fallible `render` (a view that goes through the contract's
    /// types); the first failure is the answer.
    pub fn try_envelope<T, E>(
        self,
        items: Vec<T>,
        render: impl Fn(T) -> Result<Value, E>,
    ) -> Result<Value, E> {
        let total = items.len();
        let start = (self.number - 1).saturating_mul(self.size);
        let data: Vec<Value> = items
            .into_iter()
            .skip(start)
            .take(self.size)
            .map(render)
            .collect::<Result<_, E>>()?;
        let meta = self.meta(data.len(), total);
        Ok(json!({ "data": data, "meta": meta }))
    }

    /// The contract's `PaginationMeta` of this page: `returned` items of `total`.
    fn meta(self, returned: usize, total: usize) -> types::PaginationMeta {
        types::PaginationMeta {
            // `from_query` admits only page numbers from 1.
            page_number: NonZeroU64::new(self.number as u64).unwrap_or(NonZeroU64::MIN),
            page_size: returned as u64,
            total_pages: total.div_ceil(self.size) as u64,
            total_results: total as u64,
        }
    }
}

/// The `{data, meta}` envelope, serialised straight from borrowed views.
#[derive(serde::Serialize)]
pub struct Envelope<T> {
    data: Vec<T>,
    meta: types::PaginationMeta,
}

impl Page {
    /// [`Page::envelope`] without a `Value` tree: `total` items, of which `items` yields the
    /// ones from the start (only this page's are rendered).
    pub fn envelope_of<I, T, V>(
        self,
        total: usize,
        items: I,
        render: impl Fn(T) -> V,
    ) -> Envelope<V>
    where
        I: IntoIterator<Item = T>,
    {
        let start = (self.number - 1).saturating_mul(self.size);
        let data: Vec<V> = items
            .into_iter()
            .skip(start)
            .take(self.size)
            .map(render)
            .collect();
        Envelope {
            meta: self.meta(data.len(), total),
            data,
        }
    }
}

impl Page {
    /// The one page holding all of `count` items (a batch's answer); `count` is at least 1.
    pub fn first(count: usize) -> Page {
        Page {
            number: 1,
            size: count.max(1),
        }
    }

    /// [`Page::envelope_of`] for items already rendered as JSON: `total` items, of which
    /// `items` yields the ones from the start; the page is copied into one buffer sized to
    /// fit, the same bytes the derived [`Envelope`] would serialise to.
    pub fn envelope_bytes<'a>(
        self,
        total: usize,
        items: impl IntoIterator<Item = &'a [u8]>,
    ) -> Vec<u8> {
        use std::io::Write;
        let start = (self.number - 1).saturating_mul(self.size);
        let page: Vec<&[u8]> = items.into_iter().skip(start).take(self.size).collect();
        let items_len: usize = page.iter().map(|item| item.len() + 1).sum();
        let mut out = Vec::with_capacity(items_len + 128);
        out.extend_from_slice(b"{\"data\":[");
        for (i, item) in page.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(item);
        }
        // Writing to a Vec cannot fail.
        let _ = write!(
            out,
            "],\"meta\":{{\"page_number\":{},\"page_size\":{},\"total_pages\":{},\"total_results\":{total}}}}}",
            self.number,
            page.len(),
            total.div_ceil(self.size),
        );
        out
    }
}

fn positive(query: &Query, name: &str) -> Result<Option<usize>, ApiError> {
    let Some(raw) = query.get(name) else {
        return Ok(None);
    };
    match raw.trim().parse::<i64>() {
        Ok(n) if n >= 1 => Ok(Some(usize::try_from(n).unwrap_or(usize::MAX))),
        _ => Err(ApiError::bad_parameter(
            name,
            format!("{name} must be a positive integer, got '{raw}'."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(q: &str, default: usize) -> Result<Page, ApiError> {
        Page::from_query(&Query::parse(Some(q)), default)
    }

    #[test]
    fn defaults_and_clamping() {
        assert_eq!(
            page("", 10),
            Ok(Page {
                number: 1,
                size: 10
            })
        );
        assert_eq!(page("page[size]=1000", 10).map(|p| p.size), Ok(250));
        assert!(page("page[size]=0", 10).is_err());
        assert!(page("page[number]=-1", 10).is_err());
        assert!(page("page[number]=1.5", 10).is_err());
    }

    #[test]
    fn rendered_pages_match_the_derived_envelope() {
        let items: Vec<Vec<u8>> = (0..25)
            .map(|i| serde_json::to_vec(&json!({ "n": i, "s": "x" })).unwrap())
            .collect();
        for (number, size) in [(1, 10), (3, 10), (9, 10), (1, 250)] {
            let page = Page { number, size };
            let bytes = page.envelope_bytes(items.len(), items.iter().map(Vec::as_slice));
            let values: Vec<Value> = items
                .iter()
                .map(|b| serde_json::from_slice(b).unwrap())
                .collect();
            let derived =
                serde_json::to_vec(&page.envelope_of(items.len(), values, |v| v)).unwrap();
            assert_eq!(
                String::from_utf8(bytes).unwrap(),
                String::from_utf8(derived).unwrap(),
                "page {number} of size {size}"
            );
        }
    }

    #[test]
    fn meta_counts_returned_items() {
        let items: Vec<Value> = (0..25).map(|i| json!(i)).collect();
        let last = Page {
            number: 3,
            size: 10,
        }
        .envelope(items.clone(), |v| v);
        assert_eq!(last["meta"]["page_size"], 5);
        assert_eq!(last["meta"]["total_pages"], 3);
        let beyond = Page {
            number: 9,
            size: 10,
        }
        .envelope(items, |v| v);
        assert_eq!(beyond["data"], json!([]));
        assert_eq!(beyond["meta"]["total_results"], 25);
    }
}
