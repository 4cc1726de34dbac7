//! B3 headers as the peer SDKs' own propagator tests send and expect them,
//! fed through `B3::single()` / `B3::multi()` with a map carrier.
//!
//! Sources (each vector names its own):
//! - Go: open-telemetry/opentelemetry-go-contrib
//!   `propagators/b3/b3_data_test.go` (`extractHeaders`,
//!   `extractInvalidHeaders`, `injectHeader`), ids `4bf92f35…4736` and
//!   `00f067aa0ba902b7`.
//! - Java: open-telemetry/opentelemetry-java
//!   `extensions/trace-propagators/src/test/java/io/opentelemetry/extension/trace/propagation/B3PropagatorTest.java`.
//! - Spec: openzipkin/b3-propagation README.
//!
//! Where the peers disagree the README decides, and the test says which side
//! baton takes. The README's own examples are in `tests/b3_single.rs` and
//! `tests/b3_multi.rs`; lone decisions (`b3: 0`, `X-B3-Sampled` alone) in
//! `tests/b3_decision_without_ids_is_honoured.rs`.

use std::collections::HashMap;

use baton::propagation::{Propagator, B3};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};

const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const S: &str = "00f067aa0ba902b7";

fn carrier(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What a peer test checks of an extract: trace id, span id, sampled,
/// debug, deferred; `None` when no span context came out.
type Seen = Option<(String, String, bool, bool, bool)>;

fn extract(pairs: &[(&str, &str)]) -> Seen {
    let cx = B3::single().extract(&Context::default(), &carrier(pairs));
    cx.span_context().map(|sc| {
        (
            sc.trace_id().to_string(),
            sc.span_id().to_string(),
            sc.is_sampled(),
            sc.is_debug(),
            sc.is_deferred(),
        )
    })
}

fn seen(trace: &str, sampled: bool, debug: bool, deferred: bool) -> Seen {
    Some((trace.to_string(), S.to_string(), sampled, debug, deferred))
}

/// `name: [headers] => expected;`, one test each.
macro_rules! extract_vectors {
    ($($name:ident: [$(($k:expr, $v:expr)),* $(,)?] => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            let pairs: &[(&str, &str)] = &[$(($k, $v)),*];
            assert_eq!(extract(pairs), $expected, "headers {pairs:?}");
        }
    )*};
}

const PADDED_64: &str = "0000000000000000a3ce929d0e0e4736";

extract_vectors! {
    // Go `extractHeaders`: each is a valid context.
    go_multiple_sampling_state_defer:
        [("x-b3-traceid", T), ("x-b3-spanid", S)] => seen(T, false, false, true);
    go_multiple_sampling_state_deny:
        [("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "0")] => seen(T, false, false, false);
    go_multiple_sampling_state_accept:
        [("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "1")] => seen(T, true, false, false);
    // README: "a lenient implementation may accept" `true`/`false`.
    go_multiple_sampling_state_as_a_boolean_true:
        [("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "true")] => seen(T, true, false, false);
    go_multiple_sampling_state_as_a_boolean_false:
        [("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "false")] => seen(T, false, false, false);
    go_multiple_debug_flag_set:
        [("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-flags", "1")] => seen(T, true, true, false);
    go_multiple_debug_flag_set_to_not_1_is_ignored:
        [("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "1"), ("x-b3-flags", "2")] => seen(T, true, false, false);
    // README: "Debug implies an accept decision".
    go_multiple_debug_flag_set_and_sampling_state_is_deny:
        [("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "0"), ("x-b3-flags", "1")] => seen(T, true, true, false);
    go_multiple_with_parent_span_id:
        [("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "1"), ("x-b3-parentspanid", "00f067aa0ba90200")] => seen(T, true, false, false);
    go_multiple_left_padding_64_bit_trace_id:
        [("x-b3-traceid", "a3ce929d0e0e4736"), ("x-b3-spanid", S)] => seen(PADDED_64, false, false, true);
    go_single_sampling_state_defer:
        [("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")] => seen(T, false, false, true);
    go_single_sampling_state_deny:
        [("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0")] => seen(T, false, false, false);
    go_single_sampling_state_accept:
        [("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1")] => seen(T, true, false, false);
    go_single_sampling_state_debug:
        [("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-d")] => seen(T, true, true, false);
    go_single_with_parent_span_id:
        [("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1-00000000000000cd")] => seen(T, true, false, false);
    go_single_left_padding_64_bit_trace_id:
        [("b3", "a3ce929d0e0e4736-00f067aa0ba902b7")] => seen(PADDED_64, false, false, true);
    // "The single-header variant takes precedence" (OpenTelemetry B3
    // Extract), so an invalid multi header beside it is not looked at...
    go_both_single_and_multiple_single_priority:
        [("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"), ("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "0")] => seen(T, true, false, false);
    go_both_single_and_multiple_invalid_multiple:
        [("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"), ("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "invalid")] => seen(T, true, false, false);
    // ...and an invalid single header falls back to the multi headers.
    go_both_single_and_multiple_invalid_single:
        [("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-"), ("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-sampled", "0")] => seen(T, false, false, false);

    // Go `extractInvalidHeaders`: no span context comes out.
    go_invalid_multiple_trace_id_length_over_32:
        [("x-b3-traceid", "ab00000000000000000000000000000000"), ("x-b3-spanid", "cd00000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_trace_id_length_between_16_and_32:
        [("x-b3-traceid", "ab0000000000000000000000000000"), ("x-b3-spanid", "cd00000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_trace_id_length_under_16:
        [("x-b3-traceid", "ab0000000000"), ("x-b3-spanid", "cd00000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_wrong_span_id_length:
        [("x-b3-traceid", "ab000000000000000000000000000000"), ("x-b3-spanid", "cd0000000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_wrong_sampled_flag_length:
        [("x-b3-traceid", "ab000000000000000000000000000000"), ("x-b3-spanid", "cd00000000000000"), ("x-b3-sampled", "10")] => None;
    go_invalid_multiple_bogus_trace_id:
        [("x-b3-traceid", "qw000000000000000000000000000000"), ("x-b3-spanid", "cd00000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_bogus_span_id:
        [("x-b3-traceid", "ab000000000000000000000000000000"), ("x-b3-spanid", "qw00000000000000"), ("x-b3-sampled", "1")] => None;
    // `d` is the single header's debug; `X-B3-Sampled` is "1" or "0"
    // (README). Go and baton refuse the headers.
    go_invalid_multiple_bogus_sampled_flag:
        [("x-b3-traceid", "ab000000000000000000000000000000"), ("x-b3-spanid", "cd00000000000000"), ("x-b3-sampled", "d")] => None;
    go_invalid_multiple_upper_case_trace_id:
        [("x-b3-traceid", "AB000000000000000000000000000000"), ("x-b3-spanid", "cd00000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_upper_case_span_id:
        [("x-b3-traceid", "ab000000000000000000000000000000"), ("x-b3-spanid", "CD00000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_zero_trace_id:
        [("x-b3-traceid", "00000000000000000000000000000000"), ("x-b3-spanid", "cd00000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_zero_span_id:
        [("x-b3-traceid", "ab000000000000000000000000000000"), ("x-b3-spanid", "0000000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_missing_span_id:
        [("x-b3-traceid", "ab000000000000000000000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_multiple_missing_trace_id:
        [("x-b3-spanid", "cd00000000000000"), ("x-b3-sampled", "1")] => None;
    go_invalid_single_wrong_trace_id_length:
        [("b3", "ab00000000000000000000000000000000-cd00000000000000-1")] => None;
    go_invalid_single_wrong_span_id_length:
        [("b3", "ab000000000000000000000000000000-cd0000000000000000-1")] => None;
    go_invalid_single_wrong_sampled_state_length:
        [("b3", "00-ab000000000000000000000000000000-cd00000000000000-01")] => None;
    go_invalid_single_wrong_parent_span_id_length:
        [("b3", "ab000000000000000000000000000000-cd00000000000000-1-cd0000000000000000")] => None;
    go_invalid_single_bogus_trace_id:
        [("b3", "qw000000000000000000000000000000-cd00000000000000-1")] => None;
    go_invalid_single_bogus_span_id:
        [("b3", "ab000000000000000000000000000000-qw00000000000000-1")] => None;
    go_invalid_single_bogus_sampled_flag:
        [("b3", "ab000000000000000000000000000000-cd00000000000000-q")] => None;
    go_invalid_single_bogus_parent_span_id:
        [("b3", "ab000000000000000000000000000000-cd00000000000000-1-qw00000000000000")] => None;
    go_invalid_single_upper_case_trace_id:
        [("b3", "AB000000000000000000000000000000-cd00000000000000-1")] => None;
    go_invalid_single_upper_case_span_id:
        [("b3", "ab000000000000000000000000000000-CD00000000000000-1")] => None;
    go_invalid_single_upper_case_parent_span_id:
        [("b3", "ab000000000000000000000000000000-cd00000000000000-1-EF00000000000000")] => None;
    go_invalid_single_zero_trace_id_and_span_id:
        [("b3", "00000000000000000000000000000000-0000000000000000-1")] => None;
    // Peers disagree: Java's B3PropagatorTest
    // (`extract_SampledContext_Bool_SingleHeader`) reads `-true` as sampled,
    // Go lists it as invalid. The README's single header has
    // "SamplingState ... 1 ... 0 ... d" only; the `true`/`false` leniency is
    // said of `X-B3-Sampled`. baton takes Go's side.
    go_invalid_single_with_sampling_set_to_true:
        [("b3", "ab000000000000000000000000000000-cd00000000000000-true")] => None;
    // Peers disagree: Java (`extract_SampledContext_DebugFlag_SingleHeader`,
    // `{trace}-{span}-1-0`) never looks at the fourth field; Go checks it is 16 hex digits. The README:
    // "ParentSpanId ... encoded as 16 lower-hex characters". baton takes
    // Go's side: `0` is no parent span id, and the header is invalid.
    java_single_with_a_one_digit_parent_span_id:
        [("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1-0")] => None;
}

fn context(sampled: bool, debug: bool, deferred: bool) -> Context {
    let sc = SpanContext::new(
        TraceId::from_hex(T).unwrap(),
        SpanId::from_hex(S).unwrap(),
        TraceFlags::default().with_sampled(sampled),
    )
    .with_debug(debug)
    .with_deferred(deferred);
    Context::default().with_span_context(sc)
}

fn injected(b3: B3, cx: &Context) -> Vec<(String, String)> {
    let mut out = HashMap::new();
    b3.inject(cx, &mut out);
    let mut out: Vec<_> = out.into_iter().collect();
    out.sort();
    out
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<_> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    out.sort();
    out
}

/// A name, the propagator, the context, and the headers it must write.
type InjectCase = (
    &'static str,
    B3,
    Context,
    &'static [(&'static str, &'static str)],
);

/// Go `injectHeader`: what inject writes, and nothing else (no parent span
/// id, no `x-b3-sampled` beside debug, no decision when deferred).
#[test]
fn go_inject_vectors() {
    let sampled_only = Context::default().with_remote_sampling(Some(true));
    let cases: [InjectCase; 10] = [
        (
            "none: sampled",
            B3::single(),
            context(true, false, false),
            &[("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1")],
        ),
        (
            "none: not sampled",
            B3::single(),
            context(false, false, false),
            &[("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0")],
        ),
        (
            "none: unset sampled",
            B3::single(),
            context(false, false, true),
            &[("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")],
        ),
        (
            "none: sampled only",
            B3::single(),
            sampled_only.clone(),
            &[("b3", "1")],
        ),
        // Go's "none: debug" injects `-d` for a debug context whose sampled
        // flag is clear; baton's debug counts only with the sampled flag
        // (`B3Header::from_span_context`: debug "implies an accept
        // decision"), so its debug contexts are always sampled.
        (
            "none: debug omitting sample",
            B3::single(),
            context(true, true, false),
            &[("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-d")],
        ),
        (
            "multiple: sampled",
            B3::multi(),
            context(true, false, false),
            &[
                ("x-b3-traceid", T),
                ("x-b3-spanid", S),
                ("x-b3-sampled", "1"),
            ],
        ),
        (
            "multiple: not sampled",
            B3::multi(),
            context(false, false, false),
            &[
                ("x-b3-traceid", T),
                ("x-b3-spanid", S),
                ("x-b3-sampled", "0"),
            ],
        ),
        (
            "multiple: unset sampled",
            B3::multi(),
            context(false, false, true),
            &[("x-b3-traceid", T), ("x-b3-spanid", S)],
        ),
        (
            "multiple: sampled only",
            B3::multi(),
            sampled_only,
            &[("x-b3-sampled", "1")],
        ),
        (
            "multiple: debug",
            B3::multi(),
            context(true, true, false),
            &[("x-b3-traceid", T), ("x-b3-spanid", S), ("x-b3-flags", "1")],
        ),
    ];
    for (name, b3, cx, expected) in cases {
        assert_eq!(injected(b3, &cx), pairs(expected), "{name}");
    }
}

/// Peers disagree on a 64-bit trace id sent on: Go writes the 32-digit
/// padded form. The B3 README allows both ("The TraceId is 64 or 128-bit
/// ... 16 or 32 lower-hex characters"); baton keeps the received width,
/// and Go's extract reads either.
#[test]
fn a_64_bit_trace_id_is_sent_on_as_16_digits() {
    let cx = B3::single().extract(
        &Context::default(),
        &carrier(&[("b3", "a3ce929d0e0e4736-00f067aa0ba902b7-1")]),
    );
    assert_eq!(
        injected(B3::single(), &cx),
        pairs(&[("b3", "a3ce929d0e0e4736-00f067aa0ba902b7-1")])
    );
    assert_eq!(
        injected(B3::multi(), &cx),
        pairs(&[
            ("x-b3-traceid", "a3ce929d0e0e4736"),
            ("x-b3-spanid", S),
            ("x-b3-sampled", "1")
        ])
    );
}
