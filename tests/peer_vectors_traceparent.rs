//! `traceparent` and `tracestate` as the peer SDKs' own propagator tests
//! send and expect them, fed through `TraceContext` with a carrier that keeps
//! repeated lines: the vectors `tests/w3c_traceparent.rs`,
//! `tests/w3c_tracestate.rs` (the W3C suite's) and
//! `tests/interop_traceparent_vectors_from_peer_sdks.rs` (Java's) do not
//! already send.
//!
//! Sources (each vector names its own):
//! - Go: open-telemetry/opentelemetry-go `propagation/trace_context_test.go`
//!   (ids `4bf92f3577b34da6a3ce929d0e0e4736`, `00f067aa0ba902b7`).
//! - JS: open-telemetry/opentelemetry-js
//!   `packages/opentelemetry-core/test/common/trace/W3CTraceContextPropagator.test.ts`
//!   and `.../trace/tracestate.test.ts`.
//! - Python: open-telemetry/opentelemetry-python
//!   `opentelemetry-api/tests/trace/propagation/test_tracecontexthttptextformat.py`.
//! - .NET: open-telemetry/opentelemetry-dotnet
//!   `test/OpenTelemetry.Tests/Trace/Propagation/TraceContextPropagatorTests.cs`
//!   (ids `0af7651916cd43dd8448eb211c80319c`, `b9c7c989f97918e1`).
//!
//! Where a peer disagrees with baton, the vector asserts baton's behaviour
//! and its comment quotes the sentence of W3C Trace Context Level 2 (or the
//! W3C test suite, `test/test.py`) that decides it.

use baton::propagation::{Propagator, TraceContext};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId, TraceState};

const GO_T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const GO_S: &str = "00f067aa0ba902b7";
const JS_T: &str = "0af7651916cd43dd8448eb211c80319c";
const JS_S: &str = "b7ad6b7169203331";
const PY_T: &str = "12345678901234567890123456789012";
const PY_S: &str = "1234567890123456";
const NET_T: &str = "0af7651916cd43dd8448eb211c80319c";
const NET_S: &str = "b9c7c989f97918e1";

/// Trace id, span id, flags byte and tracestate of what came out; `None`
/// without a span context.
type Seen = Option<(String, String, u8, String)>;

fn extract(traceparents: &[&str], tracestates: &[&str]) -> Seen {
    let mut carrier: Vec<(String, String)> = Vec::new();
    for tp in traceparents {
        carrier.push(("traceparent".to_string(), tp.to_string()));
    }
    for ts in tracestates {
        carrier.push(("tracestate".to_string(), ts.to_string()));
    }
    let cx = TraceContext.extract(&Context::default(), &carrier);
    cx.span_context().map(|sc| {
        assert!(sc.is_remote(), "an extracted context is remote");
        (
            sc.trace_id().to_string(),
            sc.span_id().to_string(),
            sc.flags().bits(),
            sc.trace_state().as_str().to_string(),
        )
    })
}

fn seen(trace: &str, span: &str, flags: u8, tracestate: &str) -> Seen {
    Some((
        trace.to_string(),
        span.to_string(),
        flags,
        tracestate.to_string(),
    ))
}

/// `name: [traceparent lines], [tracestate lines] => expected;`, one test
/// each.
macro_rules! extract_vectors {
    ($($name:ident: [$($tp:expr),* $(,)?], [$($ts:expr),* $(,)?] => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            let tp: &[&str] = &[$($tp),*];
            let ts: &[&str] = &[$($ts),*];
            assert_eq!(extract(tp, ts), $expected, "traceparent {tp:?} tracestate {ts:?}");
        }
    )*};
}

extract_vectors! {
    // Go `TestExtractValidTraceContext`.
    go_not_sampled: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], [] => seen(GO_T, GO_S, 0, "");
    go_sampled: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"], [] => seen(GO_T, GO_S, 1, "");
    go_random: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02"], [] => seen(GO_T, GO_S, 2, "");
    go_sampled_and_random: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"], [] => seen(GO_T, GO_S, 3, "");
    go_valid_tracestate:
        ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], ["key1=value1,key2=value2"]
        => seen(GO_T, GO_S, 0, "key1=value1,key2=value2");
    go_invalid_tracestate_preserves_traceparent:
        ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], ["invalid$@#=invalid"]
        => seen(GO_T, GO_S, 0, "");
    // Go `TestTraceStatePropagation` (older Go): one bad member drops the
    // whole list, as the W3C suite expects.
    go_valid_parent_malformed_state:
        ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], ["key1=value1,invalid"]
        => seen(GO_T, GO_S, 0, "");
    go_valid_parent_invalid_state:
        ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], ["key1=value1,invalid$@#=invalid"]
        => seen(GO_T, GO_S, 0, "");
    // A future version: "Vendors MUST NOT parse or assume anything about
    // unknown fields for this version", so only the sampled and random
    // bits are kept (Go keeps the sampled bit alone).
    go_future_version_not_sampled: ["02-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], [] => seen(GO_T, GO_S, 0, "");
    go_future_version_sampled: ["02-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"], [] => seen(GO_T, GO_S, 1, "");
    go_future_version_sample_bit_set_reserved_bits_zeroed:
        ["02-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09"], [] => seen(GO_T, GO_S, 1, "");
    go_future_version_reserved_bits_zeroed:
        ["02-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-08"], [] => seen(GO_T, GO_S, 0, "");
    go_future_version_additional_data:
        ["02-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-XYZxsf09"], [] => seen(GO_T, GO_S, 0, "");
    go_future_version_b3_format_ending_in_dash:
        ["03-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-"], [] => seen(GO_T, GO_S, 0, "");
    // Go DISAGREES: it reads a version-00 value ending in `-` ("B3 format
    // ending in dash") as valid, yet rejects `-01-extra`. Version 00 is
    // `version "-" trace-id "-" parent-id "-" trace-flags` with nothing
    // after; the W3C suite (`test_traceparent_version_0x00`) expects
    // `00-...-01-what-the-future-will-be-like` to restart the trace, and
    // the Python and JS peers reject any trailing data on version 00.
    go_accepts_but_spec_rejects_version_00_ending_in_dash:
        ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-"], [] => None;

    // Go `TestExtractInvalidTraceContextFromHTTPReq`.
    go_wrong_version_length: ["0000-00000000000000000000000000000000-0000000000000000-01"], [] => None;
    go_wrong_trace_id_length: ["00-ab00000000000000000000000000000000-cd00000000000000-01"], [] => None;
    go_wrong_span_id_length: ["00-ab000000000000000000000000000000-cd0000000000000000-01"], [] => None;
    go_wrong_trace_flag_length: ["00-ab000000000000000000000000000000-cd00000000000000-0100"], [] => None;
    go_bogus_version: ["qw-00000000000000000000000000000000-0000000000000000-01"], [] => None;
    go_bogus_trace_id: ["00-qw000000000000000000000000000000-cd00000000000000-01"], [] => None;
    go_bogus_span_id: ["00-ab000000000000000000000000000000-qw00000000000000-01"], [] => None;
    go_bogus_trace_flag: ["00-ab000000000000000000000000000000-cd00000000000000-qw"], [] => None;
    go_upper_case_version: ["A0-00000000000000000000000000000000-0000000000000000-01"], [] => None;
    go_upper_case_trace_id: ["00-AB000000000000000000000000000000-cd00000000000000-01"], [] => None;
    go_upper_case_span_id: ["00-ab000000000000000000000000000000-CD00000000000000-01"], [] => None;
    go_upper_case_trace_flag: ["00-ab000000000000000000000000000000-cd00000000000000-A1"], [] => None;
    go_zero_trace_id_and_span_id: ["00-00000000000000000000000000000000-0000000000000000-01"], [] => None;
    go_missing_options: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"], [] => None;
    go_empty_options: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-"], [] => None;
    go_version_0_with_extra_content: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"], [] => None;
    // Go DISAGREES: it rejects version 00 with a reserved flag bit set.
    // The grammar is `trace-flags = 2HEXDIGLC ; 8 bit flags`, and "Vendors
    // MUST set those to zero" binds what a vendor writes, not what it
    // reads; the flags "are recommendations given by the caller rather
    // than strict rules". The byte is kept bit for bit: forwarding a bit
    // it does not understand unchanged is no mutation ("Vendors MUST NOT
    // make any other mutations"). Java, JS, Python and .NET accept it.
    go_rejects_but_spec_allows_version_0_reserved_flag_bits:
        ["00-ab000000000000000000000000000000-cd00000000000000-09"], []
        => seen("ab000000000000000000000000000000", "cd00000000000000", 9, "");

    // JS `W3CTraceContextPropagator.test.ts` `.extract()`.
    js_sampled: ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], [] => seen(JS_T, JS_S, 1, "");
    js_future_version: ["cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], [] => seen(JS_T, JS_S, 1, "");
    js_future_version_and_future_fields:
        ["cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-the-future-will-be-like"], []
        => seen(JS_T, JS_S, 1, "");
    js_invalid: ["invalid!"], [] => None;
    js_matching_version_but_extra_fields: ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra"], [] => None;
    js_tracestate_from_header:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], ["foo=bar,baz=qux"]
        => seen(JS_T, JS_S, 1, "foo=bar,baz=qux");
    js_combines_multiple_tracestate_lines:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], ["foo=bar,baz=qux", "quux=quuz"]
        => seen(JS_T, JS_S, 1, "foo=bar,baz=qux,quux=quuz");
    js_ows_in_tracestate_list_members:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], ["foo=1 \t , \t bar=2, \t baz=3 "]
        => seen(JS_T, JS_S, 1, "foo=1,bar=2,baz=3");
    // JS "should gracefully handle an invalid traceparent header".
    js_invalid_parts_too_short: ["00-ffffffffffffffffffffffffffffffff"], [] => None;
    js_invalid_version_not_hex: ["0x-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00"], [] => None;
    js_invalid_version_too_short: ["0-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00"], [] => None;
    js_invalid_version_too_long: ["000-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00"], [] => None;
    js_invalid_trace_id_empty: ["00--ffffffffffffffff-01"], [] => None;
    js_invalid_trace_id_not_hex: ["00-fffffffffffffffffffffffffffffffx-ffffffffffffffff-01"], [] => None;
    js_invalid_trace_id_all_zeros: ["00-00000000000000000000000000000000-ffffffffffffffff-01"], [] => None;
    js_invalid_trace_id_too_short: ["00-ffffffff-ffffffffffffffff-01"], [] => None;
    js_invalid_trace_id_too_long: ["00-ffffffffffffffffffffffffffffffff00-ffffffffffffffff-01"], [] => None;
    js_invalid_span_id_empty: ["00-ffffffffffffffffffffffffffffffff--01"], [] => None;
    js_invalid_span_id_not_hex: ["00-ffffffffffffffffffffffffffffffff-fffffffffffffffx-01"], [] => None;
    js_invalid_span_id_all_zeros: ["00-ffffffffffffffffffffffffffffffff-0000000000000000-01"], [] => None;
    js_invalid_span_id_too_short: ["00-ffffffffffffffffffffffffffffffff-ffffffff-01"], [] => None;
    js_invalid_span_id_too_long: ["00-ffffffffffffffffffffffffffffffff-ffffffffffffffff0000-01"], [] => None;
    js_invalid_future_version: ["ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], [] => None;
    js_invalid_future_field_after_flag:
        ["cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01.what-the-future-will-not-be-like"], [] => None;

    // JS `tracestate.test.ts` `.parse()`.
    js_tracestate_valid_state_value:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], ["vendorname2=opaqueValue2,vendorname1=opaqueValue1"]
        => seen(JS_T, JS_S, 1, "vendorname2=opaqueValue2,vendorname1=opaqueValue1");
    js_tracestate_valid_keys:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], ["a-b=1,c/d=2,p*q=3,x_y=4"]
        => seen(JS_T, JS_S, 1, "a-b=1,c/d=2,p*q=3,x_y=4");
    // `value = 0*255(chr) nblk-chr`, `chr = %x20 / nblk-chr`: a space
    // inside a value is part of it.
    js_tracestate_value_with_spaces_in_between:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], ["a=1,foo=bar baz"]
        => seen(JS_T, JS_S, 1, "a=1,foo=bar baz");
    // JS DISAGREES on each of these: it skips the bad member (or the
    // members past 32) and keeps the rest. The W3C suite, which decides
    // here, discards the whole tracestate: `test_tracestate_key_illegal_characters`,
    // `test_tracestate_value_illegal_characters` and
    // `test_tracestate_member_count_limit` ("harness sends a request with
    // an invalid tracestate header with 33 list members / expects the
    // tracestate to be discarded"). .NET and Go agree with the suite.
    js_keeps_the_rest_but_suite_discards_a_list_with_an_overlong_value:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], [&format!("a={},c=d", "b".repeat(512))]
        => seen(JS_T, JS_S, 1, "");
    js_keeps_the_rest_but_suite_discards_a_list_with_a_member_without_equals:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], ["a=1,b,c=3"]
        => seen(JS_T, JS_S, 1, "");
    js_keeps_the_rest_but_suite_discards_a_list_with_a_value_ending_in_equals:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"], ["a=1=,b=2"]
        => seen(JS_T, JS_S, 1, "");
    js_truncates_but_suite_discards_a_list_of_33_members:
        ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"],
        [&(0..33).map(|i| format!("a{i}={i}")).collect::<Vec<_>>().join(",")]
        => seen(JS_T, JS_S, 1, "");

    // Python `test_tracecontexthttptextformat.py`.
    py_headers_with_tracestate:
        ["00-12345678901234567890123456789012-1234567890123456-00"], ["foo=1,bar=2,baz=3"]
        => seen(PY_T, PY_S, 0, "foo=1,bar=2,baz=3");
    py_invalid_trace_id:
        ["00-00000000000000000000000000000000-1234567890123456-00"], ["foo=1,bar=2,foo=3"] => None;
    py_invalid_parent_id:
        ["00-00000000000000000000000000000000-0000000000000000-00"], ["foo=1,bar=2,foo=3"] => None;
    py_format_not_supported:
        ["00-12345678901234567890123456789012-1234567890123456-00-residue"], ["foo=1,bar=2,foo=3"] => None;
    py_tracestate_empty_header:
        ["00-12345678901234567890123456789012-1234567890123456-00"], ["foo=1", ""]
        => seen(PY_T, PY_S, 0, "foo=1");
    py_tracestate_header_with_trailing_comma:
        ["00-12345678901234567890123456789012-1234567890123456-00"], ["foo=1,"]
        => seen(PY_T, PY_S, 0, "foo=1");
    py_tracestate_keys:
        ["00-12345678901234567890123456789012-1234567890123456-00"],
        ["1a-2f@foo=bar1,1a-_*/2b@foo=bar2,foo=bar3,foo-_*/bar=bar4"]
        => seen(PY_T, PY_S, 0, "1a-2f@foo=bar1,1a-_*/2b@foo=bar2,foo=bar3,foo-_*/bar=bar4");

    // .NET `TraceContextPropagatorTests`.
    net_can_parse_example_from_spec:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"],
        ["congo=lZWRzIHRoNhcm5hbCBwbGVhc3VyZS4,rojo=00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"]
        => seen(NET_T, NET_S, 1, "congo=lZWRzIHRoNhcm5hbCBwbGVhc3VyZS4,rojo=00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01");
    net_random_trace_id: ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-02"], [] => seen(NET_T, NET_S, 2, "");
    net_random_trace_id_and_recorded: ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-03"], [] => seen(NET_T, NET_S, 3, "");
    net_ignores_multiple_traceparent_values:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01", "00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], []
        => None;
    net_combines_multiple_tracestate_values:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["k1=v1", "k2=v2", "k3=v3"]
        => seen(NET_T, NET_S, 1, "k1=v1,k2=v2,k3=v3");
    net_tracestate_empty_header_value: ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], [""] => seen(NET_T, NET_S, 1, "");
    net_tracestate_blank_header_value: ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], [" "] => seen(NET_T, NET_S, 1, "");
    net_tracestate_only_empty_members: ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], [" ,  "] => seen(NET_T, NET_S, 1, "");
    // .NET `IsBlankIfInvalid`.
    net_invalid_trace_id_sampled: ["00-xyz7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], [] => None;
    net_invalid_trace_id_random: ["00-xyz7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-02"], [] => None;
    net_invalid_trace_id_both: ["00-xyz7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-03"], [] => None;
    net_invalid_span_id: ["00-0af7651916cd43dd8448eb211c80319c-xyz7c989f97918e1-01"], [] => None;
    net_invalid_flags_low: ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-x1"], [] => None;
    net_invalid_flags_high: ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-1x"], [] => None;
    net_invalid_version_high: ["x0-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], [] => None;
    net_invalid_version_low: ["0x-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], [] => None;
    net_upper_case_trace_id: ["00-0AF7651916CD43DD8448EB211C80319C-b9c7c989f97918e1-01"], [] => None;
    net_upper_case_span_id: ["00-0af7651916cd43dd8448eb211c80319c-B9C7C989F97918E1-01"], [] => None;
    net_zero_trace_id: ["00-00000000000000000000000000000000-b9c7c989f97918e1-01"], [] => None;
    net_zero_span_id: ["00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"], [] => None;
    net_flags_too_short: ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-0"], [] => None;
    net_delimiter_after_version: ["00x0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], [] => None;
    net_delimiter_after_trace_id: ["00-0af7651916cd43dd8448eb211c80319cxb9c7c989f97918e1-01"], [] => None;
    net_delimiter_after_span_id: ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1x01"], [] => None;
    // .NET `NoDuplicateKeys`, `Key_AtSignGrammar`.
    net_value_equal_to_a_key:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["foo=1,bar=foo,baz=2"]
        => seen(NET_T, NET_S, 1, "foo=1,bar=foo,baz=2");
    net_tenant_keys_are_other_keys:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["foo=1,foo@tenant=2,tenant@foo=3"]
        => seen(NET_T, NET_S, 1, "foo=1,foo@tenant=2,tenant@foo=3");
    // A Level 2 key is `( lcalpha / DIGIT ) 0*255 ( keychar )`, `keychar`
    // taking `@` anywhere: `foo@=1` and `foo@@bar=1` are keys, `@foo` is
    // not (its first character is no `lcalpha / DIGIT`).
    net_key_ending_in_at_sign:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["foo@=1,bar=2"]
        => seen(NET_T, NET_S, 1, "foo@=1,bar=2");
    net_key_starting_with_at_sign:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["@foo=1,bar=2"]
        => seen(NET_T, NET_S, 1, "");
    net_key_with_two_at_signs:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["foo@@bar=1,bar=2", "foo@bar@baz=1"]
        => seen(NET_T, NET_S, 1, "foo@@bar=1,bar=2,foo@bar@baz=1");
    // .NET `Key_IllegalCharacters`, `Member_MissingKeyOrValue`,
    // `Value_IllegalCharacters`, also spread over lines.
    net_key_with_space_before_equals:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["bar=1", "foo =1"] => seen(NET_T, NET_S, 1, "");
    net_key_upper_case:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["bar=1", "FOO =1"] => seen(NET_T, NET_S, 1, "");
    net_key_with_dot:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["bar=1", "foo.bar=1"] => seen(NET_T, NET_S, 1, "");
    net_member_without_value:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["bar=1", "novalue"] => seen(NET_T, NET_S, 1, "");
    net_value_with_equals:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["bar=1", "foo=bar=baz"] => seen(NET_T, NET_S, 1, "");
    net_empty_value:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["foo=,bar=3"] => seen(NET_T, NET_S, 1, "");
    net_key_of_257_characters:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], [&format!("{}=1", "z".repeat(257))]
        => seen(NET_T, NET_S, 1, "");
    // .NET DISAGREES on repeated keys: it keeps the first of each
    // (`DuplicateKeys`: `foo=1,bar=2,baz=3,foo=4` becomes
    // `foo=1,bar=2,baz=3`). Level 2 §3.5 lets a vendor pass them on:
    // "Vendors MAY discard duplicate keys", and the W3C suite's
    // `test_tracestate_duplicated_keys` expects "the duplicated keys to be
    // either kept as-is or one of them to be discarded". baton keeps the
    // list as it came.
    net_drops_but_spec_lets_pass_a_repeated_key:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["foo=1,bar=2,baz=3,foo=4"]
        => seen(NET_T, NET_S, 1, "foo=1,bar=2,baz=3,foo=4");
    net_drops_but_spec_lets_pass_a_repeated_key_over_lines:
        ["00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"], ["foo=1", "foo=2"]
        => seen(NET_T, NET_S, 1, "foo=1,foo=2");
}

/// What `TraceContext` writes for `sc`, as `(name, value)` pairs.
fn injected(sc: SpanContext) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    TraceContext.inject(&Context::default().with_span_context(sc), &mut out);
    out
}

fn sc(trace: &str, span: &str, flags: u8) -> SpanContext {
    SpanContext::new(
        TraceId::from_hex(trace).unwrap(),
        SpanId::from_hex(span).unwrap(),
        TraceFlags::from_bits(flags),
    )
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Go `TestInjectValidTraceContext`, Python `test_no_send_empty_tracestate`
/// and .NET `Inject_NoTracestate`, `Inject_WithTracestate`,
/// `Inject_WithRandomTraceId`.
#[test]
fn inject_vectors_of_go_python_and_dotnet() {
    let go = |flags| sc(GO_T, GO_S, flags).with_remote(true);
    assert_eq!(
        injected(go(0)),
        pairs(&[(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
        )])
    );
    assert_eq!(
        injected(go(1)),
        pairs(&[(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        )])
    );
    assert_eq!(
        injected(go(2)),
        pairs(&[(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02"
        )])
    );
    assert_eq!(
        injected(go(3)),
        pairs(&[(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"
        )])
    );
    let state = TraceState::default()
        .insert("key2", "value2")
        .unwrap()
        .insert("key1", "value1")
        .unwrap();
    assert_eq!(
        injected(go(0).with_trace_state(state)),
        pairs(&[
            (
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
            ),
            ("tracestate", "key1=value1,key2=value2"),
        ])
    );
    // Python: a local span without tracestate sends no `tracestate`.
    let local = injected(sc(PY_T, PY_S, 0));
    assert_eq!(
        local,
        pairs(&[(
            "traceparent",
            "00-12345678901234567890123456789012-1234567890123456-00"
        )])
    );
    // .NET: the tracestate goes on as it came, the random flag too.
    let spec_state = "congo=lZWRzIHRoNhcm5hbCBwbGVhc3VyZS4,rojo=00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-02";
    let net = sc(NET_T, NET_S, 2)
        .with_remote(true)
        .with_trace_state(baton::wire::tracestate::parse(spec_state).unwrap());
    assert_eq!(
        injected(net),
        pairs(&[
            (
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-02"
            ),
            ("tracestate", spec_state),
        ])
    );
    // Go `TestInvalidSpanContextDropped`, Python
    // `test_propagate_invalid_context`: nothing for an invalid context.
    assert_eq!(injected(SpanContext::INVALID), []);
}

/// Unknown flag bits on inject. The peers split: Go drops them from a
/// remote context it injects ("reserved trace flag bits dropped on
/// inject": `ff` is written `03`), .NET keeps them on a local activity
/// (`Inject_WithUnknownTraceFlags`: `04`, `10`, `ff`). Neither is baton's
/// rule, which follows the spec for each case: a local span's flags are
/// this vendor's to write, and "The behavior of other flags ... is reserved
/// for future use. Vendors MUST set those to zero"; a remote context
/// injected unchanged is passed through, and "Vendors MUST NOT make any
/// other mutations to the traceparent header" than those §3.4 lists.
#[test]
fn unknown_flag_bits_are_zeroed_for_a_local_span_and_kept_when_passed_through() {
    for (bits, local, remote) in [(0x04, "00", "04"), (0x10, "00", "10"), (0xff, "03", "ff")] {
        let local_sc = sc(NET_T, NET_S, bits);
        assert_eq!(
            injected(local_sc.clone())[0].1,
            format!("00-{NET_T}-{NET_S}-{local}"),
            "local flags {bits:#04x}"
        );
        assert_eq!(
            injected(local_sc.with_remote(true))[0].1,
            format!("00-{NET_T}-{NET_S}-{remote}"),
            "remote flags {bits:#04x}"
        );
    }
}
