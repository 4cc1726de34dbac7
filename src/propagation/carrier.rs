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

/// Looks a field up in a map by its exact (lowercase) name first, which is
/// how most carriers store it, then by a case-insensitive scan.
fn map_get_all<'a>(
    exact: Option<&'a String>,
    entries: impl Iterator<Item = (&'a String, &'a String)>,
    key: &str,
    f: &mut dyn FnMut(&str),
) {
    if let Some(v) = exact {
        f(v);
    }
    for (k, v) in entries {
        if k != key && k.eq_ignore_ascii_case(key) {
            f(v);
        }
    }
}

impl<S: std::hash::BuildHasher> Injector for HashMap<String, String, S> {
    fn set(&mut self, key: &str, value: String) {
        self.retain(|k, _| !k.eq_ignore_ascii_case(key));
        self.insert(key.to_owned(), value);
    }
}

impl<S: std::hash::BuildHasher> Extractor for HashMap<String, String, S> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        map_get_all(self.get(key), self.iter(), key, f);
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
        map_get_all(self.get(key), self.iter(), key, f);
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
            if k.eq_ignore_ascii_case(key) {
                f(v);
            }
        }
    }

    fn keys(&self, f: &mut dyn FnMut(&str)) {
        self.iter().for_each(|(k, _)| f(k));
    }
}
