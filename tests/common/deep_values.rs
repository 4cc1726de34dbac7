//! Values nested deeper than a thread's stack could follow by recursion,
//! for the tests that baton drops them without it.
//!
//! Include it with `#[path = "common/deep_values.rs"] mod deep_values;`.
#![allow(dead_code)] // each test crate uses a different part of this module

use baton::{KeyValue, Value};

/// How deep: far past the depth limit, and past what a recursive drop
/// survives on a test thread's stack.
pub const DEPTH: usize = 20_000;

/// `DEPTH` key-value lists nested around the integer 7.
pub fn nested_lists() -> Value {
    lists(DEPTH, Value::from(7))
}

/// `DEPTH` arrays of values nested around the integer 7.
pub fn nested_arrays() -> Value {
    arrays(DEPTH, Value::from(7))
}

/// `depth` key-value lists nested around `inner`, each holding the next
/// as its one value, under the key `k`.
pub fn lists(depth: usize, inner: Value) -> Value {
    (0..depth).fold(inner, |inner, _| {
        Value::from(vec![KeyValue::new("k", inner)])
    })
}

/// `depth` arrays of values nested around `inner`.
pub fn arrays(depth: usize, inner: Value) -> Value {
    (0..depth).fold(inner, |inner, _| Value::from(vec![inner]))
}

/// Drops `value` through baton, which drops a value it does not record
/// without recursion (here, given to a span builder dropped unstarted):
/// dropped by the test, as the compiler's drop glue recurses, it would
/// overflow the stack.
pub fn let_go(value: Value) {
    drop(baton::span("let go").attr("value", value));
}
