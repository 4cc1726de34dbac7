//! A process keeps at most `MAX_SCOPES` distinct instrumentation scopes
//! (each kept for its life, as the OpenTelemetry SDKs keep their tracers):
//! tracers built alike share one and do not count again; past the limit a
//! new scope is not kept, its tracer records in baton's own scope, and
//! that is reported (`limit-exceeded`). Its own process: the kept scopes
//! are process-wide.

use baton::{DiagnosticKind, InstrumentationScope, MAX_SCOPES};

#[test]
fn scopes_past_the_limit_are_reported_and_fall_back_to_baton_s() {
    let reported = || baton::diagnostic_count(DiagnosticKind::LimitExceeded);
    let before = reported();
    let tracers: Vec<baton::Tracer> = (0..MAX_SCOPES)
        .map(|i| baton::tracer(format!("lib{i}")).build())
        .collect();
    // At the limit: every one kept with its own name.
    for (i, t) in tracers.iter().enumerate() {
        assert_eq!(t.scope().name(), format!("lib{i}"));
    }
    assert_eq!(reported(), before);
    // Alike to a kept one: shares it, no new scope, no report.
    let again = baton::tracer("lib7").build();
    assert!(std::ptr::eq(again.scope(), tracers[7].scope()));
    assert_eq!(reported(), before);
    // Past it: not kept, baton's scope, reported once per build.
    let past = baton::tracer("one too many").build();
    assert!(std::ptr::eq(past.scope(), InstrumentationScope::baton()));
    assert_eq!(reported(), before + 1);
    // Kept ones still work past the limit.
    assert_eq!(baton::tracer("lib0").build().scope().name(), "lib0");
    assert_eq!(reported(), before + 1);
}
