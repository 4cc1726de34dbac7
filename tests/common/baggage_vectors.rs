//! W3C baggage extracted as peer SDKs' tests do, and the table their
//! vectors are written in: `name: [lines] => [(key, value, properties)];`,
//! one test each.
//!
//! Include it with `#[macro_use] #[path = "common/baggage_vectors.rs"] mod
//! baggage_vectors;` and `use baggage_vectors::{extract, members};`.
#![allow(dead_code)] // each test crate uses a different part of this module

use baton::propagation::{Propagator, W3cBaggage};
use baton::Context;

/// `(key, value, properties)` of each member, in order.
pub type Members = Vec<(String, String, String)>;

/// The members `W3cBaggage` extracts from `lines`, each a `baggage`
/// header line.
pub fn extract<S: AsRef<str>>(lines: &[S]) -> Members {
    let carrier: Vec<(String, String)> = lines
        .iter()
        .map(|v| ("baggage".to_string(), v.as_ref().to_string()))
        .collect();
    let cx = W3cBaggage.extract(&Context::default(), &carrier);
    cx.baggage()
        .iter()
        .map(|(k, v, p)| (k.to_string(), v.to_string(), p.to_string()))
        .collect()
}

/// `expected` as [`extract`] gives it.
pub fn members(expected: &[(&str, &str, &str)]) -> Members {
    expected
        .iter()
        .map(|(k, v, p)| (k.to_string(), v.to_string(), p.to_string()))
        .collect()
}

macro_rules! extract_vectors {
    ($($name:ident: [$($line:expr),* $(,)?] => [$(($k:expr, $v:expr, $p:expr)),* $(,)?];)*) => {$(
        #[test]
        fn $name() {
            let lines: Vec<String> = vec![$(String::from($line)),*];
            assert_eq!(extract(&lines), members(&[$(($k, $v, $p)),*]), "baggage {lines:?}");
        }
    )*};
}
