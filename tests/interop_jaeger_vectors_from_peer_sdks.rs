//! Jaeger headers as the peer SDKs' own propagator tests send and expect
//! them, fed through `Jaeger` with a map carrier.
//!
//! Sources (each vector names its own):
//! - Go: open-telemetry/opentelemetry-go-contrib
//!   `propagators/jaeger/jaeger_data_test.go` (`extractHeaders`,
//!   `invalidExtractHeaders`, `injectHeaders`).
//! - Java: open-telemetry/opentelemetry-java
//!   `extensions/trace-propagators/src/test/java/io/opentelemetry/extension/trace/propagation/JaegerPropagatorTest.java`,
//!   whose extract cases are written by jaeger-client-java's
//!   `TextMapCodec.contextAsString` (ids as `Long.toHexString`, unpadded).
//! - Python: open-telemetry/opentelemetry-python
//!   `propagator/opentelemetry-propagator-jaeger/tests/test_jaeger_propagator.py`.
//! - JavaScript: open-telemetry/opentelemetry-js
//!   `packages/opentelemetry-propagator-jaeger/test/JaegerPropagator.test.ts`.
//! - Spec: Jaeger's "Propagation Format" (jaegertracing/documentation,
//!   `client-libraries.md`).
//!
//! Where the peers disagree the Jaeger doc decides, and the test says which
//! side baton takes. Debug without sampled is in
//! `tests/jaeger_debug_counts_only_with_sampled.rs`.

use std::collections::HashMap;

use baton::propagation::{Jaeger, Propagator};
use baton::wire::uberctx::format_baggage_value;
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};

fn carrier(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Trace id, span id, sampled, debug; `None` without a span context.
type Seen = Option<(String, String, bool, bool)>;

fn extract(value: &str) -> Seen {
    let cx = Jaeger.extract(&Context::default(), &carrier(&[("uber-trace-id", value)]));
    cx.span_context().map(|sc| {
        (
            sc.trace_id().to_string(),
            sc.span_id().to_string(),
            sc.is_sampled(),
            sc.is_debug(),
        )
    })
}

fn seen(trace: &str, span: &str, sampled: bool, debug: bool) -> Seen {
    Some((trace.to_string(), span.to_string(), sampled, debug))
}

macro_rules! extract_vectors {
    ($($name:ident: $value:expr => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(extract($value), $expected, "uber-trace-id {:?}", $value);
        }
    )*};
}

const T32: &str = "a1ce929d0e0e4736a3ce929d0e0e4736";
const T16_PADDED: &str = "0000000000000000a3ce929d0e0e4736";
const S: &str = "00f067aa0ba902b7";
/// Java's `TRACE_ID` (high 77, low 22) and `SPAN_ID` (97321).
const JAVA_T: &str = "000000000000004d0000000000000016";
const JAVA_S: &str = "0000000000017c29";

extract_vectors! {
    // Go `extractHeaders`.
    go_sampling_state_not_sample:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:0" => seen(T32, S, false, false);
    go_sampling_state_sampled:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:1" => seen(T32, S, true, false);
    go_sampling_state_debug:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:3" => seen(T32, S, true, true);
    go_sampling_state_debug_without_sampled_bit_is_not_sampled:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:2" => seen(T32, S, false, false);
    go_flag_can_be_hex_numbers:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:ff" => seen(T32, S, true, true);
    go_left_padding_64_bit_trace_id:
        "a3ce929d0e0e4736:00f067aa0ba902b7:0:1" => seen(T16_PADDED, S, true, false);
    go_128_bit_trace_id:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:1" => seen(T32, S, true, false);
    // Peers disagree: Go reads five flag digits (`:0:00001`, "flag can be
    // various length"), Java refuses them (`extract_InvalidFlags_Size`,
    // `10220`). The doc: flags are "One byte bitmap, as one or two hex
    // digits (leading zero may be omitted)". baton takes Java's side.
    go_flag_of_five_digits_is_refused:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:00001" => None;
    // Peers disagree: Go ignores the parent span id whatever it holds
    // ("ignore parent span id", `:whatever:`). The doc defines it as a "64-bit value in
    // base16 format" ("0 value is valid and means root span"), and baton
    // keeps it as the parent span id, so it parses it: a field that is not
    // base16 makes the header invalid. (Every peer writes `0` or hex.)
    go_parent_span_id_that_is_not_hex_is_refused:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:whatever:1" => None;
    // Peers disagree: Go refuses a trace id of 19 digits ("trace ID length
    // is not 32 or 16"); the doc says "Receivers MUST accept hex-strings
    // shorter than 32 characters and 0-pad them on the left". baton takes
    // the doc's side.
    go_trace_id_of_19_digits_is_padded:
        "1234567890abcd01234:00f067aa0ba902b7:0:1" => seen("00000000000001234567890abcd01234", S, true, false);

    // Go `invalidExtractHeaders`.
    go_invalid_trace_id_length_over_32:
        "a1ce929d0e0e4736a3ce929d0e0e47360000:00f067aa0ba902b7:0:1" => None;
    go_invalid_span_id_length_over_16:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b70000:0:1" => None;
    go_invalid_trace_id:
        "zcd00v0000000000a3ce929d0e0e4736:00f067aa0ba902b7:0:1" => None;
    go_invalid_span_id:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f0wiredba902b7:0:1" => None;
    go_invalid_flags:
        "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:wired" => None;
    go_invalid_separator:
        "a1ce929d0e0e4736a3ce929d0e0e4736-00f067aa0ba902b7-0-1" => None;
    go_empty_header_value:
        "" => None;

    // Java: what jaeger-client-java writes (`contextAsString`: ids
    // unpadded, flags `5` = sampled and the unused bit 0x04).
    java_sampled_context_from_jaeger_client:
        "4d0000000000000016:17c29:0:5" => seen(JAVA_T, JAVA_S, true, false);
    java_not_sampled_context_from_jaeger_client:
        "4d0000000000000016:17c29:0:0" => seen(JAVA_T, JAVA_S, false, false);
    java_sampled_context_short_trace_id:
        "236f2e:17c29:0:1" => seen("00000000000000000000000000236f2e", JAVA_S, true, false);
    // `URLEncoder.encode` of the whole value (`extract_UrlEncodedContext`).
    java_url_encoded_context:
        "4d0000000000000016%3A17c29%3A0%3A5" => seen(JAVA_T, JAVA_S, true, false);
    java_not_enough_parts:
        "aa:bb:cc" => None;
    java_too_many_parts:
        "aa:bb:cc:dd:ee" => None;
    java_invalid_trace_id:
        "abcdefghijklmnopabcdefghijklmnop:0000000000017c29:0:0" => None;
    java_invalid_trace_id_size:
        "000000000000004d000000000000001600:0000000000017c29:0:0" => None;
    java_invalid_span_id:
        "000000000000004d0000000000000016:abcdefghijklmnop:0:0" => None;
    java_invalid_span_id_size:
        "000000000000004d0000000000000016:0000000000017c2900:0:0" => None;
    java_invalid_flags_empty:
        "000000000000004d0000000000000016:0000000000017c29:0:" => None;
    java_invalid_flags_size:
        "000000000000004d0000000000000016:0000000000017c29:0:10220" => None;
    java_invalid_flags_non_numeric:
        "000000000000004d0000000000000016:0000000000017c29:0:abcdefr" => None;

    // JavaScript `.extract()`.
    js_sampled: "d4cda95b652f4a1592b449d5929fda1b:6e0c63257de34c92:0:01"
        => seen("d4cda95b652f4a1592b449d5929fda1b", "6e0c63257de34c92", true, false);
    js_one_digit_flag_sampled: "9c41e35aeb6d1272:45fd2a9709dadcf1:a13699e3fb724f40:1"
        => seen("00000000000000009c41e35aeb6d1272", "45fd2a9709dadcf1", true, false);
    js_one_digit_flag_not_sampled: "9c41e35aeb6d1272:45fd2a9709dadcf1:a13699e3fb724f40:0"
        => seen("00000000000000009c41e35aeb6d1272", "45fd2a9709dadcf1", false, false);
    js_url_encoded: "ac1f3dc3c2c0b06e%3A5ac292c4a11a163e%3Ac086aaa825821068%3A1"
        => seen("0000000000000000ac1f3dc3c2c0b06e", "5ac292c4a11a163e", true, false);
    js_zero_pads_span_and_trace_id: "4cda95b652f4a1592b449d5929fda1b:e0c63257de34c92:0:01"
        => seen("04cda95b652f4a1592b449d5929fda1b", "0e0c63257de34c92", true, false);
    js_invalid: "invalid!" => None;
    js_malformed_percent_encoding: "%ZZ" => None;
    js_malformed_percent_encoding_in_the_trace_id: "abc%G:123:0:01" => None;
    js_lone_percent: "%" => None;

    // Python's `_format_uber_trace_id` pads the parent to 16 digits; its
    // docs' example pads it to 8.
    python_parent_of_eight_zeros:
        "000000000000000000000000deadbeef:00000000deadbef0:00000000:01" => seen("000000000000000000000000deadbeef", "00000000deadbef0", true, false);
}

/// Python `test_extract_invalid_uber_trace_id`, `test_extract_invalid_trace_id`,
/// `test_extract_invalid_span_id`: an invalid `uber-trace-id` loses the
/// span context, not the `uberctx-*` baggage beside it.
#[test]
fn python_invalid_trace_header_keeps_the_baggage() {
    for value in [
        "000000000000000000000000deadbeef:00000000deadbef0:00",
        "00000000000000000000000000000000:00000000deadbef0:00:00",
        "000000000000000000000000deadbeef:0000000000000000:00:00",
    ] {
        let cx = Jaeger.extract(
            &Context::default(),
            &carrier(&[("uber-trace-id", value), ("uberctx-key1", "value1")]),
        );
        assert!(cx.span_context().is_none(), "{value}");
        assert_eq!(cx.baggage().get("key1"), Some("value1"), "{value}");
    }
}

/// Header (or baggage) pairs.
type Headers = &'static [(&'static str, &'static str)];

/// Java `extract_baggageOnly_withPrefix`, `extract_baggageOnly_withPrefix_emptyKey`,
/// `extract_baggageOnly_withHeader`, `..._andSpaces`, `..._invalid`.
#[test]
fn java_baggage_only_vectors() {
    let cases: [(Headers, Headers); 5] = [
        (
            &[
                ("uberctx-nometa", "nometa-value"),
                ("uberctx-meta", "meta-value"),
                ("another", "value"),
            ],
            &[("meta", "meta-value"), ("nometa", "nometa-value")],
        ),
        (&[("uberctx-", "value")], &[]),
        (
            &[("jaeger-baggage", "nometa=nometa-value,meta=meta-value")],
            &[("meta", "meta-value"), ("nometa", "nometa-value")],
        ),
        (
            &[(
                "jaeger-baggage",
                "nometa = nometa-value , meta = meta-value",
            )],
            &[("meta", "meta-value"), ("nometa", "nometa-value")],
        ),
        (&[("jaeger-baggage", "nometa+novalue")], &[]),
    ];
    for (headers, expected) in cases {
        let cx = Jaeger.extract(&Context::default(), &carrier(headers));
        let mut got: Vec<(&str, &str)> = cx.baggage().iter().map(|(k, v, _)| (k, v)).collect();
        got.sort();
        assert_eq!(got, expected, "{headers:?}");
    }
}

/// The Jaeger doc's "Value Encoding" example: `SetBaggageItem("key1",
/// "value 1 / blah")` "will result in the following HTTP header:
/// `uberctx-key1: value%201%20%2F%20blah`". baton writes exactly that and
/// reads it back.
#[test]
fn jaeger_doc_value_encoding_example() {
    assert_eq!(
        format_baggage_value("value 1 / blah"),
        "value%201%20%2F%20blah"
    );
    let cx = Context::default().with_baggage("key1", "value 1 / blah");
    let mut out = HashMap::new();
    Jaeger.inject(&cx, &mut out);
    assert_eq!(
        out.get("uberctx-key1").map(String::as_str),
        Some("value%201%20%2F%20blah")
    );
    let back = Jaeger.extract(&Context::default(), &out);
    assert_eq!(back.baggage().get("key1"), Some("value 1 / blah"));
}

/// Go `injectHeaders` and Java `inject_SampledContext`/`inject_NotSampledContext`:
/// `{trace}:{span}:0:{flags}` for a span without a parent. Go writes the
/// flags as one digit (`1`, `3`), Java as `Integer.toHexString` too; baton
/// writes two (`01`, `03`): the doc's "one or two hex digits", and every
/// peer reads both.
#[test]
fn go_and_java_inject_vectors() {
    let sc = |sampled: bool, debug: bool| {
        SpanContext::new(
            TraceId::from_hex(T32).unwrap(),
            SpanId::from_hex(S).unwrap(),
            TraceFlags::default().with_sampled(sampled),
        )
        .with_debug(debug)
    };
    for (name, sc, expected) in [
        (
            "sampled",
            sc(true, false),
            "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:01",
        ),
        (
            "debug",
            sc(true, true),
            "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:03",
        ),
        (
            "not sampled",
            sc(false, false),
            "a1ce929d0e0e4736a3ce929d0e0e4736:00f067aa0ba902b7:0:00",
        ),
    ] {
        let mut out = HashMap::new();
        Jaeger.inject(&Context::default().with_span_context(sc), &mut out);
        assert_eq!(
            out.get("uber-trace-id").map(String::as_str),
            Some(expected),
            "{name}"
        );
        // What baton writes, baton and the peers read back the same.
        assert_eq!(extract(expected).map(|s| s.2), Some(name != "not sampled"));
    }
    // Go `invalidInjectHeaders` "empty": nothing to write.
    let mut out: HashMap<String, String> = HashMap::new();
    Jaeger.inject(&Context::default(), &mut out);
    assert!(out.is_empty());
}

/// JavaScript: a malformed `uber-trace-id` loses the span context, not the
/// `uberctx-*` baggage beside it; a `uberctx-*` value that does not decode
/// is skipped, the others kept; `%25` decodes to `%`, and inject encodes
/// it again.
#[test]
fn js_baggage_vectors() {
    let headers = carrier(&[
        ("uber-trace-id", "%ZZ"),
        ("uberctx-bad", "%ZZ"),
        ("uberctx-test", "value"),
        ("uberctx-myuser", "%25id%25"),
    ]);
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &headers);
    assert!(cx.span_context().is_none());
    assert_eq!(cx.baggage().get("test"), Some("value"));
    assert_eq!(cx.baggage().get("myuser"), Some("%id%"));
    assert_eq!(cx.baggage().get("bad"), None);
    // The trace header and the bad field: each one problem.
    assert_eq!(problems.len(), 2, "{problems:?}");
    let mut out = HashMap::new();
    Jaeger.inject(&cx, &mut out);
    assert_eq!(out["uberctx-test"], "value");
    assert_eq!(out["uberctx-myuser"], "%25id%25");
}
