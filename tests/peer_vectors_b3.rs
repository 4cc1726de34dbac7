//! B3 headers as the peer SDKs' own propagator tests send and expect them,
//! fed through `B3::single()` and `B3::multi()` with a map carrier: the
//! vectors `tests/interop_b3_vectors_from_peer_sdks.rs` (Go's and Java's)
//! does not already send.
//!
//! Sources (each vector names its own):
//! - JS: open-telemetry/opentelemetry-js
//!   `packages/opentelemetry-propagator-b3/test/B3SinglePropagator.test.ts`
//!   and `.../B3MultiPropagator.test.ts`.
//! - Python: open-telemetry/opentelemetry-python
//!   `propagator/opentelemetry-propagator-b3/tests/test_b3_format.py`.
//! - .NET: open-telemetry/opentelemetry-dotnet
//!   `test/OpenTelemetry.Extensions.Propagators.Tests/B3PropagatorTests.cs`
//!   (ids `ff000000000000000000000000000041`, `ff00000000000041`).
//!
//! Where a peer disagrees with baton, the vector asserts baton's behaviour
//! and its comment quotes the sentence of the openzipkin/b3-propagation
//! README that decides it.

use std::collections::HashMap;

use baton::propagation::{Propagator, B3};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};

fn carrier(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Trace id, span id, parent span id, sampled, debug, deferred; `None`
/// when no span context came out.
type Seen = Option<(String, String, Option<String>, bool, bool, bool)>;

fn extract(pairs: &[(&str, &str)]) -> Seen {
    let carrier = carrier(pairs);
    let single = B3::single().extract(&Context::default(), &carrier);
    let multi = B3::multi().extract(&Context::default(), &carrier);
    assert_eq!(
        single.span_context(),
        multi.span_context(),
        "both encodings read the same"
    );
    single.span_context().map(|sc| {
        assert!(sc.is_remote());
        (
            sc.trace_id().to_string(),
            sc.span_id().to_string(),
            sc.parent_span_id().map(|p| p.to_string()),
            sc.is_sampled(),
            sc.is_debug(),
            sc.is_deferred(),
        )
    })
}

#[derive(Clone, Copy)]
enum S {
    Deny,
    Accept,
    Debug,
    Defer,
}

fn seen(trace: &str, span: &str, parent: Option<&str>, sampling: S) -> Seen {
    let (sampled, debug, deferred) = match sampling {
        S::Deny => (false, false, false),
        S::Accept => (true, false, false),
        S::Debug => (true, true, false),
        S::Defer => (false, false, true),
    };
    Some((
        trace.to_string(),
        span.to_string(),
        parent.map(str::to_string),
        sampled,
        debug,
        deferred,
    ))
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

const JS_T: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const JS_S: &str = "e457b5a2e4d86bd1";
const JSM_T: &str = "0af7651916cd43dd8448eb211c80319c";
const JSM_S: &str = "b7ad6b7169203331";
const NET_T: &str = "ff000000000000000000000000000041";
const NET_S: &str = "ff00000000000041";
const NET_T64: &str = "00000000000000000000000000000041";

extract_vectors! {
    // JS `B3SinglePropagator.test.ts`.
    js_single_with_parent:
        [("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90")]
        => seen(JS_T, JS_S, Some("05e3ac9a4f6e3b90"), S::Accept);
    js_single_sampled: [("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")] => seen(JS_T, JS_S, None, S::Accept);
    js_single_ids_only: [("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1")] => seen(JS_T, JS_S, None, S::Defer);
    js_single_8_byte_trace_id:
        [("b3", "4aaba1a52cf8ee09-e457b5a2e4d86bd1")] => seen("00000000000000004aaba1a52cf8ee09", JS_S, None, S::Defer);
    js_single_debug_is_sampled: [("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d")] => seen(JS_T, JS_S, None, S::Debug);
    js_single_malformed_trace_id: [("b3", "abc123-e457b5a2e4d86bd1")] => None;
    js_single_malformed_span_id: [("b3", "80f198ee56343ba864fe8b2a57d3eff7-abc123")] => None;
    js_single_invalid_trace_id: [("b3", "00000000000000000000000000000000-e457b5a2e4d86bd1")] => None;
    js_single_invalid_span_id: [("b3", "80f198ee56343ba864fe8b2a57d3eff7-0000000000000000")] => None;

    // JS `B3MultiPropagator.test.ts` `.extract()`.
    js_multi_deferred:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331")]
        => seen(JSM_T, JSM_S, None, S::Defer);
    js_multi_sampled:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-sampled", "1")]
        => seen(JSM_T, JSM_S, None, S::Accept);
    // README: "a lenient implementation may accept" `true`/`false`.
    js_multi_sampled_true:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-sampled", "true")]
        => seen(JSM_T, JSM_S, None, S::Accept);
    js_multi_sampled_false:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-sampled", "false")]
        => seen(JSM_T, JSM_S, None, S::Deny);
    js_multi_debug:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-flags", "1")]
        => seen(JSM_T, JSM_S, None, S::Debug);
    // "Debug is encoded as `X-B3-Flags: 1`. Absent or any other value can
    // be ignored": `0`, `false`, `true`, `3` are no debug, and the decision
    // is `X-B3-Sampled`'s.
    js_multi_flags_0_sampled_1:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-flags", "0"), ("x-b3-sampled", "1")]
        => seen(JSM_T, JSM_S, None, S::Accept);
    js_multi_flags_false_sampled_0:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-flags", "false"), ("x-b3-sampled", "0")]
        => seen(JSM_T, JSM_S, None, S::Deny);
    js_multi_flags_true_sampled_0:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-flags", "true"), ("x-b3-sampled", "0")]
        => seen(JSM_T, JSM_S, None, S::Deny);
    js_multi_flags_3_sampled_0:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-flags", "3"), ("x-b3-sampled", "0")]
        => seen(JSM_T, JSM_S, None, S::Deny);
    js_multi_missing_trace_id: [("x-b3-spanid", "b7ad6b7169203331")] => None;
    js_multi_missing_span_id: [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c")] => None;
    js_multi_sampled_2:
        [("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-sampled", "2")] => None;
    js_multi_invalid_trace_id: [("x-b3-traceid", "invalid!"), ("x-b3-spanid", "b7ad6b7169203331")] => None;
    js_multi_left_pads_64_bit_trace_ids:
        [("x-b3-traceid", "8448eb211c80319c"), ("x-b3-spanid", "b7ad6b7169203331"), ("x-b3-sampled", "1")]
        => seen("00000000000000008448eb211c80319c", JSM_S, None, S::Accept);
    // JS "should gracefully handle an invalid b3 header": traceparent-shaped
    // trace ids.
    js_multi_traceparent_as_trace_id:
        [("x-b3-traceid", "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00-01"), ("x-b3-spanid", "b7ad6b7169203331")] => None;
    js_multi_trace_id_too_short: [("x-b3-traceid", "00-ffffffff-ffffffffffffffff-01"), ("x-b3-spanid", "b7ad6b7169203331")] => None;

    // Python `test_b3_format.py`.
    py_extract_header_precedence:
        [("b3", "80f198ee56343ba864fe8b2a57d3e123-e457b5a2e4d86bd1"), ("x-b3-traceid", JS_T), ("x-b3-spanid", JS_S), ("x-b3-sampled", "1")]
        => seen("80f198ee56343ba864fe8b2a57d3e123", JS_S, None, S::Defer);
    py_sampled_capitalised_true:
        [("x-b3-traceid", JS_T), ("x-b3-spanid", JS_S), ("x-b3-sampled", "True")] => seen(JS_T, JS_S, None, S::Accept);
    py_sampled_capitalised_false:
        [("x-b3-traceid", JS_T), ("x-b3-spanid", JS_S), ("x-b3-sampled", "False")] => seen(JS_T, JS_S, None, S::Deny);
    py_flags_and_sampling:
        [("x-b3-traceid", JS_T), ("x-b3-spanid", JS_S), ("x-b3-sampled", "1"), ("x-b3-flags", "1")] => seen(JS_T, JS_S, None, S::Debug);
    // Python DISAGREES (`test_enabled_sampling`): it reads `X-B3-Sampled: d`
    // as sampled. "An accept sampling decision is encoded as
    // `X-B3-Sampled: 1` and a deny as `X-B3-Sampled: 0`", and "Debug is
    // encoded as `X-B3-Flags: 1`"; `d` is the single header's debug only.
    // An unknown value is "malformed data", as Go and JS read it.
    py_accepts_but_readme_rejects_sampled_d:
        [("x-b3-traceid", JS_T), ("x-b3-spanid", JS_S), ("x-b3-sampled", "d")] => None;
    py_invalid_single_header: [("b3", "0-1-2-3-4-5-6-7")] => None;
    py_missing_trace_id: [("x-b3-spanid", JS_S), ("x-b3-flags", "1")] => None;
    py_invalid_trace_id: [("x-b3-traceid", "abc123"), ("x-b3-spanid", JS_S), ("x-b3-flags", "1")] => None;
    py_invalid_span_id: [("x-b3-traceid", JS_T), ("x-b3-spanid", "abc123"), ("x-b3-flags", "1")] => None;
    py_missing_span_id: [("x-b3-traceid", JS_T), ("x-b3-flags", "1")] => None;
    py_64_bit_trace_id:
        [("x-b3-traceid", "64fe8b2a57d3eff7"), ("x-b3-spanid", JS_S), ("x-b3-flags", "1")]
        => seen("000000000000000064fe8b2a57d3eff7", JS_S, None, S::Debug);

    // .NET `B3PropagatorTests`.
    net_missing_sampled_and_flag: [("x-b3-traceid", NET_T), ("x-b3-spanid", NET_S)] => seen(NET_T, NET_S, None, S::Defer);
    net_sampled_1: [("x-b3-traceid", NET_T), ("x-b3-spanid", NET_S), ("x-b3-sampled", "1")] => seen(NET_T, NET_S, None, S::Accept);
    net_sampled_true: [("x-b3-traceid", NET_T), ("x-b3-spanid", NET_S), ("x-b3-sampled", "true")] => seen(NET_T, NET_S, None, S::Accept);
    net_not_sampled_0: [("x-b3-traceid", NET_T), ("x-b3-spanid", NET_S), ("x-b3-sampled", "0")] => seen(NET_T, NET_S, None, S::Deny);
    net_not_sampled_false: [("x-b3-traceid", NET_T), ("x-b3-spanid", NET_S), ("x-b3-sampled", "false")] => seen(NET_T, NET_S, None, S::Deny);
    // .NET DISAGREES (`ParseNotSampled("something_else")`): it reads any
    // other value as a deny. The README: "An empty header (ex.
    // `X-B3-Sampled: `) or an arbitrary nonsense value (ex
    // `X-B3-ParentSpanId: -`) are examples of malformed data", as Go and
    // JS read them.
    net_reads_as_deny_but_readme_calls_malformed_sampled_something_else:
        [("x-b3-traceid", NET_T), ("x-b3-spanid", NET_S), ("x-b3-sampled", "something_else")] => None;
    net_flag: [("x-b3-traceid", NET_T), ("x-b3-spanid", NET_S), ("x-b3-flags", "1")] => seen(NET_T, NET_S, None, S::Debug);
    // `X-B3-Flags: 0` is no debug and no decision: deferred.
    net_zero_flag: [("x-b3-traceid", NET_T), ("x-b3-spanid", NET_S), ("x-b3-flags", "0")] => seen(NET_T, NET_S, None, S::Defer);
    net_eight_bytes_trace_id:
        [("x-b3-traceid", "0000000000000041"), ("x-b3-spanid", NET_S), ("x-b3-sampled", "1")] => seen(NET_T64, NET_S, None, S::Accept);
    net_eight_bytes_trace_id_not_sampled:
        [("x-b3-traceid", "0000000000000041"), ("x-b3-spanid", NET_S)] => seen(NET_T64, NET_S, None, S::Defer);
    net_invalid_trace_id: [("x-b3-traceid", "abcdefghijklmnop"), ("x-b3-spanid", NET_S)] => None;
    net_invalid_trace_id_size: [("x-b3-traceid", "0123456789abcdef00"), ("x-b3-spanid", NET_S)] => None;
    net_missing_trace_id: [("x-b3-spanid", NET_S)] => None;
    net_invalid_span_id: [("x-b3-traceid", NET_T), ("x-b3-spanid", "abcdefghijklmnop")] => None;
    net_invalid_span_id_size: [("x-b3-traceid", NET_T), ("x-b3-spanid", "0123456789abcdef00")] => None;
    net_missing_span_id: [("x-b3-traceid", NET_T)] => None;
    net_single_deferred: [("b3", "ff000000000000000000000000000041-ff00000000000041")] => seen(NET_T, NET_S, None, S::Defer);
    net_single_sampled: [("b3", "ff000000000000000000000000000041-ff00000000000041-1")] => seen(NET_T, NET_S, None, S::Accept);
    net_single_zero_sampled: [("b3", "ff000000000000000000000000000041-ff00000000000041-0")] => seen(NET_T, NET_S, None, S::Deny);
    // .NET DISAGREES (`ParseLegacySampled_SingleHeader`): it reads `-true`
    // in `b3`. The README's leniency is for `X-B3-Sampled` alone; the
    // single header's states are "`0`", "`1`" and "`d`" (Go agrees).
    net_reads_but_readme_rejects_single_true:
        [("b3", "ff000000000000000000000000000041-ff00000000000041-true")] => None;
    net_single_eight_bytes_trace_id:
        [("b3", "0000000000000041-ff00000000000041-1")] => seen(NET_T64, NET_S, None, S::Accept);
    net_single_eight_bytes_trace_id_deferred:
        [("b3", "0000000000000041-ff00000000000041")] => seen(NET_T64, NET_S, None, S::Defer);
    net_single_invalid_trace_id: [("b3", "abcdefghijklmnop-ff00000000000041")] => None;
    net_single_invalid_trace_id_size: [("b3", "0123456789abcdef00-ff00000000000041")] => None;
    net_single_missing_trace_id: [("b3", "-ff00000000000041")] => None;
    net_single_without_delimiter: [("b3", "ff000000000000000000000000000041")] => None;
    net_single_invalid_span_id: [("b3", "ff000000000000000000000000000041-abcdefghijklmnop")] => None;
    net_single_invalid_span_id_size: [("b3", "ff000000000000000000000000000041-0123456789abcdef00")] => None;
    net_single_missing_span_id: [("b3", "ff000000000000000000000000000041-")] => None;
    // .NET DISAGREES (`ParseSingleHeaderWithFourthPartReturnsContext`): it
    // ignores a fourth part that is no id. "When present, ParentSpanId is
    // the 16 lower-hex characters in the final position of `b3`"; Go
    // rejects the header too.
    net_ignores_but_readme_rejects_a_parent_that_is_no_id:
        [("b3", "ff000000000000000000000000000041-ff00000000000041-1-parent")] => None;
    net_single_too_many_parts: [("b3", "ff000000000000000000000000000041-ff00000000000041-1-parent-extra")] => None;
}

/// .NET `ParseSingleHeaderWithManyDelimitersReturnsDefault`: a value of
/// 50,000 `-` is refused from its length (`MAX_SINGLE_LEN`).
#[test]
fn net_single_header_of_many_delimiters() {
    let dashes = "-".repeat(50_000);
    assert_eq!(extract(&[("b3", &dashes)]), None);
}

fn context(trace: &str, span: &str, sampling: S) -> Context {
    let sc = SpanContext::new(
        TraceId::from_hex(trace).unwrap(),
        SpanId::from_hex(span).unwrap(),
        TraceFlags::default(),
    )
    .with_remote(true);
    let sc = match sampling {
        S::Deny => sc,
        S::Accept => sc.with_flags(TraceFlags::default().with_sampled(true)),
        S::Debug => sc
            .with_flags(TraceFlags::default().with_sampled(true))
            .with_debug(true),
        S::Defer => sc.with_deferred(true),
    };
    Context::default().with_span_context(sc)
}

fn injected(b3: B3, cx: &Context) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    b3.inject(cx, &mut out);
    out.sort();
    out
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    v.sort();
    v
}

/// JS (`injects context with sampled trace flags`, `... unspecified trace
/// flags`, `injects debug flag when present`, `should set b3 traceId and
/// spanId headers`, `should set flags headers`) and .NET
/// (`Serialize_SampledContext`, `..._SingleHeader`).
#[test]
fn inject_vectors() {
    assert_eq!(
        injected(B3::single(), &context(JS_T, JS_S, S::Accept)),
        pairs(&[("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")])
    );
    assert_eq!(
        injected(B3::single(), &context(JS_T, JS_S, S::Deny)),
        pairs(&[("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0")])
    );
    assert_eq!(
        injected(B3::single(), &context(JS_T, JS_S, S::Debug)),
        pairs(&[("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d")])
    );
    assert_eq!(
        injected(B3::multi(), &context(JSM_T, "6e0c63257de34c92", S::Accept)),
        pairs(&[
            ("x-b3-traceid", JSM_T),
            ("x-b3-spanid", "6e0c63257de34c92"),
            ("x-b3-sampled", "1")
        ])
    );
    assert_eq!(
        injected(B3::multi(), &context(JSM_T, "6e0c63257de34c92", S::Debug)),
        pairs(&[
            ("x-b3-traceid", JSM_T),
            ("x-b3-spanid", "6e0c63257de34c92"),
            ("x-b3-flags", "1")
        ])
    );
    assert_eq!(
        injected(B3::multi(), &context(NET_T, NET_S, S::Accept)),
        pairs(&[
            ("x-b3-traceid", NET_T),
            ("x-b3-spanid", NET_S),
            ("x-b3-sampled", "1")
        ])
    );
    assert_eq!(
        injected(B3::single(), &context(NET_T, NET_S, S::Accept)),
        pairs(&[("b3", "ff000000000000000000000000000041-ff00000000000041-1")])
    );
    // Python `test_inject_empty_context`, JS `should not inject empty
    // spancontext`: nothing.
    assert_eq!(injected(B3::multi(), &Context::default()), []);
    assert_eq!(injected(B3::single(), &Context::default()), []);
}

/// .NET DISAGREES (`Serialize_NotSampledContext`,
/// `Serialize_NotSampledContext_SingleHeader`): a context not sampled is
/// written without a decision, which a receiver reads as "defer". "Absent
/// means defer the decision to the receiver of this header"; a deny
/// received is a decision made, so baton sends it on as `0`, as JS does
/// (`injects context with unspecified trace flags`: `-0`). A deferred
/// context is written without one.
#[test]
fn a_deny_is_sent_as_a_deny_and_only_a_deferred_decision_is_left_out() {
    assert_eq!(
        injected(B3::multi(), &context(NET_T, NET_S, S::Deny)),
        pairs(&[
            ("x-b3-traceid", NET_T),
            ("x-b3-spanid", NET_S),
            ("x-b3-sampled", "0")
        ])
    );
    assert_eq!(
        injected(B3::single(), &context(NET_T, NET_S, S::Deny)),
        pairs(&[("b3", "ff000000000000000000000000000041-ff00000000000041-0")])
    );
    assert_eq!(
        injected(B3::single(), &context(NET_T, NET_S, S::Defer)),
        pairs(&[("b3", "ff000000000000000000000000000041-ff00000000000041")])
    );
}
