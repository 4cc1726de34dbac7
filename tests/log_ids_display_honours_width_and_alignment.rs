//! `baton::log_ids()` is the value a log line formats, and `TraceId` and
//! `SpanId` honour a width and alignment "so ids line up in tables and logs
//! like any other column" (`tests/id_display_honours_format_spec.rs`). Bug:
//! `LogIds` ignored them: `{:<90}` wrote its 81 characters unpadded inside
//! a span and nothing at all outside one, so a fixed-column log layout
//! (`"{level:5} {ids:<90} {msg}"`) shifted the message column between lines
//! with and without a span. Now it pads as a `str` of its text does,
//! without allocating.

mod common;

#[test]
fn outside_a_span_the_empty_ids_fill_their_column() {
    assert!(baton::log_ids().is_empty());
    assert_eq!(format!("[{:<5}]", baton::log_ids()), "[     ]");
    assert_eq!(format!("[{:>3}]", baton::log_ids()), "[   ]");
}

#[test]
fn inside_a_span_the_ids_are_padded_to_the_width() {
    common::exporter();
    baton::in_span("step", || {
        let ids = baton::log_ids();
        let text = ids.to_string();
        assert_eq!(text.len(), 81);
        assert_eq!(format!("{ids:<90}|"), format!("{text:<90}|"));
        assert_eq!(format!("{ids:>90}"), format!("{text:>90}"));
    });
}
