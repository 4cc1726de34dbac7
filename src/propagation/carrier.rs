//! Carriers: where propagators read and write fields.

use std::collections::{BTreeMap, HashMap};

/// Somewhere a propagator can write fields (a request's headers, a message's
/// metadata). Propagators always pass lowercase names.
pub trait Injector {
    /// Sets `key` to `value`, replacing any earlier value of that field
    /// (whatever its case).
    fn set(&mut self, key: &str, value: String);
}

/// Somewhere a propagator can read fields. Names match case-insensitively.
pub trait Extractor {
    /// Calls `f` with every value of field `key`, in order. A carrier that
    /// keeps repeated header lines yields each of them.
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str));

    /// Calls `f` with every field name, e.g. to find `uberctx-*` fields.
    fn keys(&self, f: &mut dyn FnMut(&str));

    /// The first value of field `key`.
    fn get(&self, key: &str) -> Option<String> {
        let mut first = None;
        self.get_all(key, &mut |v| {
            if first.is_none() {
                first = Some(v.to_owned());
            }
        });
        first
    }
}

/// The first value of `key` in `carrier`, parsed in place without a copy:
/// the formats that read one value of a field (B3: "when extracting state
/// headers, the first value wins"; Jaeger's `uber-trace-id`) read it so.
pub(crate) fn first_value<T>(
    carrier: &dyn Extractor,
    key: &str,
    parse: impl Fn(&str) -> T,
) -> Option<T> {
    let mut out = None;
    carrier.get_all(key, &mut |v| {
        if out.is_none() {
            out = Some(parse(v));
        }
    });
    out
}

/// Yields the values of every entry whose name matches `key`
/// case-insensitively, an entry named exactly `key` first: it is how most
/// carriers store a field (propagators pass lowercase names), and a repeated
/// field's first value wins.
///
/// One pass over the entries finds them, so no key is hashed: every entry
/// has to be looked at anyway, because names that differ only in case are
/// separate header lines. A second pass runs only when more than one
/// differently cased name matches.
fn map_get_all<'a, I>(entries: I, key: &str, f: &mut dyn FnMut(&str))
where
    I: Iterator<Item = (&'a String, &'a String)> + Clone,
{
    let mut exact = None;
    let mut other = None;
    let mut more = false;
    for (k, v) in entries.clone() {
        match name_match(k, key) {
            NameMatch::Different => {}
            NameMatch::Exact => exact = Some(v),
            NameMatch::Folded if other.is_none() => other = Some(v),
            NameMatch::Folded => more = true,
        }
    }
    if let Some(v) = exact {
        f(v);
    }
    if more {
        for (k, v) in entries {
            if name_match(k, key) == NameMatch::Folded {
                f(v);
            }
        }
    } else if let Some(v) = other {
        f(v);
    }
}

/// How a carrier's field name compares with the name asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameMatch {
    /// Another field.
    Different,
    /// The field, spelled the same.
    Exact,
    /// The field, with some ASCII letters in the other case.
    Folded,
}

/// Compares `name` with `key` as [`str::eq_ignore_ascii_case`] does, eight
/// bytes at a time (every entry of a carrier is compared with every field
/// name a propagator reads), and says whether they are spelled the same.
/// Case is folded only where the bytes differ.
fn name_match(name: &str, key: &str) -> NameMatch {
    if name.len() != key.len() {
        return NameMatch::Different;
    }
    let (a, b) = (name.as_bytes(), key.as_bytes());
    let mut exact = true;
    let mut a8 = a.chunks_exact(8);
    let mut b8 = b.chunks_exact(8);
    for (x, y) in (&mut a8).zip(&mut b8) {
        let (x, y) = (word(x), word(y));
        if x != y {
            if lowercase(x) != lowercase(y) {
                return NameMatch::Different;
            }
            exact = false;
        }
    }
    for (x, y) in a8.remainder().iter().zip(b8.remainder()) {
        if x != y {
            if !x.eq_ignore_ascii_case(y) {
                return NameMatch::Different;
            }
            exact = false;
        }
    }
    if exact {
        NameMatch::Exact
    } else {
        NameMatch::Folded
    }
}

/// Eight bytes as one number.
fn word(bytes: &[u8]) -> u64 {
    let mut eight = [0u8; 8];
    eight.copy_from_slice(bytes);
    u64::from_le_bytes(eight)
}

/// Eight bytes in a number with `A-Z` lowercased and every other byte
/// (non-ASCII included) kept.
fn lowercase(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    // On the low seven bits of each byte no carry crosses bytes: adding
    // `0x80 - lo` sets a byte's top bit iff it is >= lo, adding `0x7f - hi`
    // iff it is > hi. Bytes with the top bit set are not ASCII letters.
    let low = x & !HIGH;
    let upper =
        (low + ONES * u64::from(0x80 - b'A')) & !(low + ONES * u64::from(0x7f - b'Z')) & !x & HIGH;
    // The top bit moved down to 0x20 turns `A-Z` into `a-z`.
    x | upper >> 2
}

impl<S: std::hash::BuildHasher> Injector for HashMap<String, String, S> {
    fn set(&mut self, key: &str, value: String) {
        self.retain(|k, _| !k.eq_ignore_ascii_case(key));
        self.insert(key.to_owned(), value);
    }
}

impl<S: std::hash::BuildHasher> Extractor for HashMap<String, String, S> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        map_get_all(self.iter(), key, f);
    }

    fn keys(&self, f: &mut dyn FnMut(&str)) {
        self.keys().for_each(|k| f(k));
    }
}

impl Injector for BTreeMap<String, String> {
    fn set(&mut self, key: &str, value: String) {
        self.retain(|k, _| !k.eq_ignore_ascii_case(key));
        self.insert(key.to_owned(), value);
    }
}

impl Extractor for BTreeMap<String, String> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        map_get_all(self.iter(), key, f);
    }

    fn keys(&self, f: &mut dyn FnMut(&str)) {
        self.keys().for_each(|k| f(k));
    }
}

/// Header lines in order; repeated names are kept as separate lines.
impl Injector for Vec<(String, String)> {
    fn set(&mut self, key: &str, value: String) {
        self.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        self.push((key.to_owned(), value));
    }
}

impl Extractor for Vec<(String, String)> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        for (k, v) in self {
            if name_match(k, key) != NameMatch::Different {
                f(v);
            }
        }
    }

    fn keys(&self, f: &mut dyn FnMut(&str)) {
        self.iter().for_each(|(k, _)| f(k));
    }
}
