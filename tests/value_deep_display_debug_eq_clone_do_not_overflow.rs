//! `Display`, `Debug`, `==` and `clone` of a value nested 20000 deep, as
//! an application may build one, on an ordinary test thread. Bug: each was
//! derived or written by recursion, one call per level, and overflowed the
//! thread's stack, which aborted the process.

#[path = "common/deep_values.rs"]
mod deep_values;

use baton::Value;
use deep_values::{arrays, let_go, lists, nested_arrays, nested_lists, DEPTH};

/// `open` `DEPTH` times, `inner`, then `close` `DEPTH` times.
fn nested_text(open: &str, inner: &str, close: &str) -> String {
    [open.repeat(DEPTH), inner.to_owned(), close.repeat(DEPTH)].concat()
}

#[test]
fn deep_lists_and_arrays_are_displayed_whole() {
    let (lists, arrays) = (nested_lists(), nested_arrays());
    let shown = lists.to_string();
    assert!(shown.starts_with("{k: {k: "), "{}", &shown[..40]);
    assert_eq!(shown.len(), DEPTH * "{k: }".len() + 1);
    assert_eq!(shown, nested_text("{k: ", "7", "}"));
    assert_eq!(arrays.to_string(), nested_text("[", "7", "]"));
    let_go(lists);
    let_go(arrays);
}

#[test]
fn deep_lists_and_arrays_are_debug_formatted_as_derived() {
    let (lists, arrays) = (nested_lists(), nested_arrays());
    assert_eq!(
        format!("{lists:?}"),
        nested_text("KvList([KeyValue { key: \"k\", value: ", "I64(7)", " }])")
    );
    assert_eq!(
        format!("{arrays:?}"),
        nested_text("Array(Value([", "I64(7)", "]))")
    );
    let_go(lists);
    let_go(arrays);
}

#[test]
fn deep_values_compare_equal_or_unequal_at_the_innermost_level() {
    for nest in [lists, arrays] {
        let (a, same, other) = (
            nest(DEPTH, Value::from(7)),
            nest(DEPTH, Value::from(7)),
            nest(DEPTH, Value::from(8)),
        );
        assert!(a == same);
        assert!(a != other);
        for value in [a, same, other] {
            let_go(value);
        }
    }
    // Alike but for the kind of the outermost level.
    let (lists, arrays) = (nested_lists(), nested_arrays());
    assert!(lists != arrays);
    let_go(lists);
    let_go(arrays);
}

#[test]
fn deep_values_clone_to_an_equal_value() {
    for value in [nested_lists(), nested_arrays()] {
        let copy = value.clone();
        assert!(copy == value);
        assert_eq!(copy.to_string().len(), value.to_string().len());
        let_go(copy);
        let_go(value);
    }
}
