//! `TraceId` and `SpanId` print as their hex digits do as a `str`: a width,
//! fill, alignment or precision in the format string is honoured, so ids
//! line up in tables and logs like any other column.

use baton::{SpanId, TraceId};

#[test]
fn trace_id_pads_aligns_and_shortens() {
    let id = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
    assert_eq!(
        format!("[{id:>34}]"),
        "[  4bf92f3577b34da6a3ce929d0e0e4736]"
    );
    assert_eq!(format!("[{id:<33}]"), "[4bf92f3577b34da6a3ce929d0e0e4736 ]");
    assert_eq!(
        format!("[{id:*^36}]"),
        "[**4bf92f3577b34da6a3ce929d0e0e4736**]"
    );
    assert_eq!(format!("{id:.8}"), "4bf92f35");
    // A width below the length cuts nothing.
    assert_eq!(format!("{id:4}"), "4bf92f3577b34da6a3ce929d0e0e4736");
}

#[test]
fn span_id_pads_aligns_and_shortens() {
    let id = SpanId::from_hex("00f067aa0ba902b7").unwrap();
    assert_eq!(format!("[{id:>18}]"), "[  00f067aa0ba902b7]");
    assert_eq!(format!("[{id:-<17}]"), "[00f067aa0ba902b7-]");
    assert_eq!(format!("{id:.4}"), "00f0");
    assert_eq!(format!("{id:?}"), "SpanId(00f067aa0ba902b7)");
}
