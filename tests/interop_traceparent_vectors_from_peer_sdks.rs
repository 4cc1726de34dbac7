//! `traceparent` and `tracestate` as OpenTelemetry Java's own propagator
//! test sends them, fed through `TraceContext` with a map carrier: the
//! vectors the W3C suite (`tests/w3c_conformance_suite.rs`) does not send.
//!
//! Source: open-telemetry/opentelemetry-java
//! `api/all/src/test/java/io/opentelemetry/api/trace/propagation/W3CTraceContextPropagatorTest.java`
//! (`TRACE_ID_BASE16` `ff000000000000000000000000000041`, `SPAN_ID_BASE16`
//! `ff00000000000041`).

use std::collections::HashMap;

use baton::propagation::{Propagator, TraceContext};
use baton::Context;

const T: &str = "ff000000000000000000000000000041";
const S: &str = "ff00000000000041";

/// Trace id, span id, sampled and tracestate; `None` without a span context.
fn extract(traceparent: &str, tracestate: Option<&str>) -> Option<(String, String, bool, String)> {
    let mut carrier = HashMap::new();
    carrier.insert("traceparent".to_string(), traceparent.to_string());
    if let Some(ts) = tracestate {
        carrier.insert("tracestate".to_string(), ts.to_string());
    }
    let cx = TraceContext.extract(&Context::default(), &carrier);
    cx.span_context().map(|sc| {
        (
            sc.trace_id().to_string(),
            sc.span_id().to_string(),
            sc.is_sampled(),
            sc.trace_state().as_str().to_string(),
        )
    })
}

fn seen(sampled: bool, tracestate: &str) -> Option<(String, String, bool, String)> {
    Some((
        T.to_string(),
        S.to_string(),
        sampled,
        tracestate.to_string(),
    ))
}

macro_rules! vectors {
    ($($name:ident: ($tp:expr, $ts:expr) => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            let tp = $tp.replace("{T}", T).replace("{S}", S);
            let ts: Option<&str> = $ts;
            assert_eq!(extract(&tp, ts), $expected, "traceparent {tp:?} tracestate {ts:?}");
        }
    )*};
}

vectors! {
    // A future version is read by its version-00 prefix, whatever follows a `-`.
    java_extract_not_sampled_context_next_version: ("01-{T}-{S}-00-02", None) => seen(false, "");
    java_extract_valid_traceparent_next_version_extra_trailing: ("01-{T}-{S}-00-01", None) => seen(false, "");
    // Version 00 must be exactly 55 characters.
    java_extract_invalid_traceparent_extra_trailing: ("00-{T}-{S}-00-01", None) => None;
    java_extract_invalid_delimiter_after_version: ("01+{T}-{S}-00-02", None) => None;
    java_extract_invalid_delimiter_after_trace_id: ("01-{T}+{S}-00-02", None) => None;
    java_extract_invalid_delimiter_after_span_id: ("01-{T}-{S}+00-02", None) => None;
    java_extract_invalid_delimiter_after_flags: ("01-{T}-{S}-00+02", None) => None;
    java_extract_invalid_trace_id: ("00-abcdefghijklmnopabcdefghijklmnop-{S}-01", None) => None;
    java_extract_invalid_trace_id_size: ("00-{T}00-{S}-01", None) => None;
    java_extract_invalid_span_id: ("00-{T}-abcdefghijklmnop-01", None) => None;
    java_extract_invalid_span_id_size: ("00-{T}-{S}00-01", None) => None;
    java_extract_invalid_trace_flags: ("00-{T}-{S}-gh", None) => None;
    java_extract_invalid_trace_flags_size: ("00-{T}-{S}-0100", None) => None;
    java_extract_invalid_version_ff: ("ff-{T}-{S}-01", None) => None;
    java_extract_empty_header: ("", None) => None;
    // An invalid tracestate is dropped; the traceparent is kept.
    java_extract_empty_tracestate: ("00-{T}-{S}-00", Some("")) => seen(false, "");
    java_extract_invalid_tracestate_entries_delimiter: ("00-{T}-{S}-01", Some("foo=bar;test=test")) => seen(true, "");
    java_extract_invalid_tracestate_key_value_delimiter: ("00-{T}-{S}-01", Some("foo=bar,test-test")) => seen(true, "");
    java_extract_invalid_tracestate_one_string: ("00-{T}-{S}-01", Some("test-test")) => seen(true, "");
    // `TRACESTATE_NOT_DEFAULT_ENCODING_WITH_SPACES`: OWS around members
    // is not part of them.
    java_extract_tracestate_with_spaces: ("00-{T}-{S}-00", Some("bar=baz   ,    foo=bar")) => seen(false, "bar=baz,foo=bar");
}
