//! Field names as `'static` strings, for propagators whose header names are
//! chosen at run time.

use std::sync::{Mutex, PoisonError};

/// A `'static` copy of a field name, made once per distinct name, so a
/// composite can hand out the union of its members' fields as one slice.
/// Field names come from propagator code, not from input, so the table stays
/// as small as the set of formats in the program.
pub(crate) fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    match names.iter().find(|n| **n == name) {
        Some(n) => n,
        None => {
            let n: &'static str = Box::leak(name.into());
            names.push(n);
            n
        }
    }
}
