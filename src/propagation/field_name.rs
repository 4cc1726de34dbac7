//! Field names as `'static` strings, for propagators whose header names are
//! chosen at run time.

use std::sync::{Mutex, PoisonError};

/// Names copied once each and kept for the process's life, so that a
/// propagator can hand out its fields as `'static` names and a composite
/// the union of its members' as one slice.
pub(crate) struct Names(Mutex<Vec<&'static str>>);

impl Names {
    pub(crate) const fn new() -> Names {
        Names(Mutex::new(Vec::new()))
    }

    /// `name`'s copy, made if the table holds fewer than `most` names;
    /// `None` past that.
    pub(crate) fn intern(&self, name: &str, most: usize) -> Option<&'static str> {
        let mut names = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = names.iter().find(|n| **n == name) {
            return Some(n);
        }
        if names.len() >= most {
            return None;
        }
        let n: &'static str = Box::leak(name.into());
        names.push(n);
        Some(n)
    }
}

/// A `'static` copy of a field name of a propagator's code: these come
/// from code, not from input, so the table stays as small as the set of
/// formats in the program. (Session header names, which a program may
/// build at run time, have a bounded table of their own.)
pub(crate) fn intern(name: &str) -> &'static str {
    static NAMES: Names = Names::new();
    NAMES
        .intern(name, usize::MAX)
        .expect("a table without a bound takes every name")
}
