//! The `Debug` output of every span handle names the span and shows its
//! span context as `SpanRef` does, with nothing of how the handle stores it.

mod common;

/// `{:?}` of a `SpanGuard` printed `span_context: ManuallyDrop { value:
/// MaybeDangling(SpanContext { .. }) }`, the guard's storage rather than the
/// span, and neither it nor `Span` showed the name that `SpanRef` shows.
#[test]
fn each_handle_shows_its_name_and_span_context() {
    common::exporter();
    let guard = baton::span("entered").enter();
    let expected = format!(
        "SpanGuard {{ name: \"entered\", span_context: {:?}, created_at: ",
        guard.span_context()
    );
    let shown = format!("{guard:?}");
    assert!(shown.starts_with(&expected), "{shown}");

    let current = baton::current_span().unwrap();
    assert_eq!(
        format!("{current:?}"),
        format!(
            "SpanRef {{ name: \"entered\", span_context: {:?} }}",
            guard.span_context()
        )
    );

    let started = baton::span(String::from("started")).start();
    assert_eq!(
        format!("{started:?}"),
        format!(
            "Span {{ name: \"started\", span_context: {:?} }}",
            started.span_context()
        )
    );
}
