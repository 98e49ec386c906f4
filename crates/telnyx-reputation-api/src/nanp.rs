//! Which NANP region a `+1` area code belongs to, from a table built from libphonenumber's
//! metadata when the crate is compiled (`build.rs`): the US-only rule of the contract's
//! `add_reputation_numbers`, shared by the facade's pre-I/O check and the emulator's add
//! path, at the cost of a binary search instead of loading the metadata in the process.

include!(concat!(env!("OUT_DIR"), "/nanp_regions.rs"));

/// The region of an area code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// The United States.
    Us,
    /// Another NANP region, e.g. `CA`, `JM`, `PR`.
    Other(&'static str),
    /// No region's numbering plan covers it.
    Unassigned,
    /// Its exchanges fall in different regions: only the full metadata can tell.
    Split,
}

/// The region of area code `npa` (e.g. `202`).
pub fn region(npa: u16) -> Region {
    if let Ok(at) = NON_US_AREA_CODES.binary_search_by_key(&npa, |&(code, _)| code) {
        return Region::Other(NON_US_AREA_CODES[at].1);
    }
    if UNASSIGNED_AREA_CODES.binary_search(&npa).is_ok() {
        return Region::Unassigned;
    }
    if SPLIT_AREA_CODES.binary_search(&npa).is_ok() {
        return Region::Split;
    }
    Region::Us
}

/// The area code of a `+1NPA…` number.
pub fn area_code(number: &str) -> Option<u16> {
    let npa = number.strip_prefix("+1")?.get(..3)?;
    if !npa.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    npa.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_regions_come_from_the_metadata() {
        assert!(NON_US_AREA_CODES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(UNASSIGNED_AREA_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(SPLIT_AREA_CODES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(region(202), Region::Us);
        assert_eq!(region(312), Region::Us);
        assert_eq!(region(416), Region::Other("CA"));
        assert_eq!(region(876), Region::Other("JM"));
        assert_eq!(region(787), Region::Other("PR"));
        assert_eq!(area_code("+14165550123"), Some(416));
        assert_eq!(area_code("+4420"), None);
    }
}
