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
    (0..DEPTH).fold(Value::from(7), |inner, _| {
        Value::from(vec![KeyValue::new("k", inner)])
    })
}

/// `DEPTH` arrays of values nested around the integer 7.
pub fn nested_arrays() -> Value {
    (0..DEPTH).fold(Value::from(7), |inner, _| Value::from(vec![inner]))
}
