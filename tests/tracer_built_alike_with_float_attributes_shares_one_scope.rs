//! Tracers built alike share one kept scope, also when an attribute is a
//! float that is not equal to itself. Bug: scopes were compared with `==`,
//! a NaN attribute never matched, and every `build()` kept a new scope:
//! after `MAX_SCOPES` of them, the tracers of every library built later
//! recorded in baton's scope. Its own process: the kept scopes are the
//! process's.

use baton::{Array, Value};

#[test]
fn tracers_built_alike_share_one_scope_whatever_their_floats() {
    let nan_tracer = || {
        baton::tracer("lib")
            .attr("ratio", f64::NAN)
            .attr("weights", vec![1.5, f64::NAN])
            .attr(
                "mixed",
                Value::Array(Array::Value(vec![f64::NAN.into(), "a".into()])),
            )
            .attr("nested", vec![baton::KeyValue::new("inner", f64::NAN)])
            .build()
    };
    let first = nan_tracer();
    for _ in 0..baton::MAX_SCOPES + 1 {
        assert!(std::ptr::eq(nan_tracer().scope(), first.scope()));
    }
    // Still room for a library of its own.
    let other = baton::tracer("other").build();
    assert_eq!(other.scope().name(), "other");

    // Floats that `==` calls equal but that differ on the wire are two scopes.
    let zero = baton::tracer("signed").attr("z", 0.0).build();
    let negative_zero = baton::tracer("signed").attr("z", -0.0).build();
    assert!(!std::ptr::eq(zero.scope(), negative_zero.scope()));
    assert!(std::ptr::eq(
        zero.scope(),
        baton::tracer("signed").attr("z", 0.0).build().scope()
    ));
}
