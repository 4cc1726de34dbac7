//! Jaeger headers as the peer SDKs' own propagator tests send and expect
//! them, fed through `Jaeger` with a map carrier: the vectors
//! `tests/interop_jaeger_vectors_from_peer_sdks.rs` (Go's, Java's and
//! Python's) does not already send.
//!
//! Sources (each vector names its own):
//! - JS: open-telemetry/opentelemetry-js
//!   `packages/opentelemetry-propagator-jaeger/test/JaegerPropagator.test.ts`.
//! - .NET: open-telemetry/opentelemetry-dotnet
//!   `test/OpenTelemetry.Extensions.Propagators.Tests/JaegerPropagatorTests.cs`
//!   (ids `0007651916cd43dd8448eb211c803177`, `0007c989f9791877`).
//!
//! Where a peer disagrees with baton, the vector asserts baton's behaviour
//! and its comment quotes Jaeger's "Propagation Format"
//! (`{trace-id}:{span-id}:{parent-span-id}:{flags}`), which decides it.

use std::collections::HashMap;

use baton::propagation::{Jaeger, Propagator};
use baton::{Baggage, Context, SpanContext, SpanId, TraceFlags, TraceId};

fn carrier(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Trace id, span id, parent span id, sampled, debug; `None` without a
/// span context.
type Seen = Option<(String, String, Option<String>, bool, bool)>;

fn extract(value: &str) -> Seen {
    let cx = Jaeger.extract(&Context::default(), &carrier(&[("uber-trace-id", value)]));
    cx.span_context().map(|sc| {
        assert!(sc.is_remote());
        (
            sc.trace_id().to_string(),
            sc.span_id().to_string(),
            sc.parent_span_id().map(|p| p.to_string()),
            sc.is_sampled(),
            sc.is_debug(),
        )
    })
}

fn seen(trace: &str, span: &str, parent: Option<&str>, sampled: bool) -> Seen {
    Some((
        trace.to_string(),
        span.to_string(),
        parent.map(str::to_string),
        sampled,
        false,
    ))
}

macro_rules! extract_vectors {
    ($($name:ident: $value:expr => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            let value: &str = &$value;
            assert_eq!(extract(value), $expected, "uber-trace-id {value:?}");
        }
    )*};
}

const JS_T: &str = "d4cda95b652f4a1592b449d5929fda1b";
const JS_S: &str = "6e0c63257de34c92";
const NET_T: &str = "0007651916cd43dd8448eb211c803177";
const NET_S: &str = "0007c989f9791877";

extract_vectors! {
    // JS `JaegerPropagator.test.ts` `.extract()`.
    js_sampled: "d4cda95b652f4a1592b449d5929fda1b:6e0c63257de34c92:0:01" => seen(JS_T, JS_S, None, true);
    js_one_digit_flag_1:
        "9c41e35aeb6d1272:45fd2a9709dadcf1:a13699e3fb724f40:1"
        => seen("00000000000000009c41e35aeb6d1272", "45fd2a9709dadcf1", Some("a13699e3fb724f40"), true);
    js_one_digit_flag_0:
        "9c41e35aeb6d1272:45fd2a9709dadcf1:a13699e3fb724f40:0"
        => seen("00000000000000009c41e35aeb6d1272", "45fd2a9709dadcf1", Some("a13699e3fb724f40"), false);
    js_url_encoded:
        "ac1f3dc3c2c0b06e%3A5ac292c4a11a163e%3Ac086aaa825821068%3A1"
        => seen("0000000000000000ac1f3dc3c2c0b06e", "5ac292c4a11a163e", Some("c086aaa825821068"), true);
    js_invalid: "invalid!" => None;
    js_malformed_percent_encoding: "%ZZ" => None;
    js_malformed_percent_encoding_in_an_id: "abc%G:123:0:01" => None;
    js_lone_percent: "%" => None;
    js_zero_pads_span_and_trace_id:
        "4cda95b652f4a1592b449d5929fda1b:e0c63257de34c92:0:01"
        => seen("04cda95b652f4a1592b449d5929fda1b", "0e0c63257de34c92", None, true);

    // .NET `ExtractReturnsNewContextIfHeaderIsValid`.
    net_valid: "0007651916cd43dd8448eb211c803177:0007c989f9791877:0:1" => seen(NET_T, NET_S, None, true);
    net_short_ids_encoded_delimiters:
        "7651916cd43dd8448eb211c803177%3A7c989f9791877%3A0%3A0" => seen(NET_T, NET_S, None, false);
    // .NET `ExtractReturnsOriginalContextIfHeaderIsNotValid`.
    net_empty_trace_id: ":0007c989f9791877:0:1" => None;
    net_empty_span_id: "0007651916cd43dd8448eb211c803177::0:1" => None;
    net_empty_parent: "0007651916cd43dd8448eb211c803177:0007c989f9791877::1" => None;
    net_empty_flags: "0007651916cd43dd8448eb211c803177:0007c989f9791877:0:" => None;
    net_no_delimiters: "0007651916cd43dd8448eb211c8031770007c989f979187701" => None;
    net_invalid_trace_id: "invalid trace id:0007c989f9791877:0:1" => None;
    net_invalid_span_id: "0007651916cd43dd8448eb211c803177:invalid span id:0:1" => None;
    net_too_many_records: "0007651916cd43dd8448eb211c803177:0007c989f9791877:too many : records:1" => None;
    // .NET `TryExtractTraceContextReturnsFalseIfTraceIdIsMalformed`,
    // `...SpanIdIsMalformed`.
    net_trace_id_not_hex: "zzz7651916cd43dd8448eb211c803177:0007c989f9791877:0:1" => None;
    net_trace_id_padded_to_zero: "0:0007c989f9791877:0:1" => None;
    net_trace_id_all_zero: "00000000000000000000000000000000:0007c989f9791877:0:1" => None;
    net_span_id_not_hex: "0007651916cd43dd8448eb211c803177:zzzc989f9791877:0:1" => None;
    net_span_id_padded_to_zero: "0007651916cd43dd8448eb211c803177:0:0:1" => None;
    net_span_id_all_zero: "0007651916cd43dd8448eb211c803177:0000000000000000:0:1" => None;
    // .NET DISAGREES (`...IfTraceIdIsMalformed("0007651916CD43DD...")`,
    // `...IfSpanIdIsMalformed("0007C989F9791877")`): it rejects upper-case
    // ids. The format says "base16" without a case, and Jaeger's own
    // clients parse both (Go `strconv.ParseUint(s, 16, 64)`, Java
    // `Long.parseUnsignedLong(s, 16)`), so baton reads what they write.
    net_rejects_but_jaeger_reads_an_upper_case_trace_id:
        "0007651916CD43DD8448EB211C803177:0007c989f9791877:0:1" => seen(NET_T, NET_S, None, true);
    net_rejects_but_jaeger_reads_an_upper_case_span_id:
        "0007651916cd43dd8448eb211c803177:0007C989F9791877:0:1" => seen(NET_T, NET_S, None, true);
    // .NET DISAGREES (`ExtractReturnsNewContextIfHeaderContainsEmptyComponent`):
    // it skips an empty part and reads `{trace}::{span}:0:1` as four. The
    // format is exactly `{trace-id}:{span-id}:{parent-span-id}:{flags}`, so
    // the span id here is empty, and JS and Go refuse the value too.
    net_skips_but_format_rejects_an_empty_part:
        "0007651916cd43dd8448eb211c803177::0007c989f9791877:0:1" => None;
    net_unexpected_percent: "%0007651916cd43dd8448eb211c803177:0007c989f9791877:0:1" => None;
}

/// .NET `ExtractHeaderWithManyDelimitersReturnsDefault` and
/// `ExtractHeaderOfOnlyDelimitersReturnsDefault`: refused from their length
/// (`MAX_HEADER_LEN`).
#[test]
fn net_values_of_many_delimiters() {
    let parts = vec!["part"; 50_000].join(":");
    assert_eq!(extract(&parts), None);
    assert_eq!(extract(&":".repeat(50_000)), None);
    assert_eq!(extract(&"%3A".repeat(50_000)), None);
}

/// JS baggage vectors: `should extract baggage from carrier`, `skips a
/// baggage entry with malformed percent-encoding and keeps valid entries`,
/// `ignores a malformed UBER_TRACE_ID_HEADER but still extracts valid
/// baggage`.
#[test]
fn js_baggage_vectors() {
    let cx = Jaeger.extract(
        &Context::default(),
        &carrier(&[("uberctx-test", "value"), ("uberctx-myuser", "%25id%25")]),
    );
    assert_eq!(cx.baggage().get("test"), Some("value"));
    assert_eq!(cx.baggage().get("myuser"), Some("%id%"));

    let cx = Jaeger.extract(
        &Context::default(),
        &carrier(&[("uberctx-bad", "%ZZ"), ("uberctx-test", "value")]),
    );
    assert_eq!(cx.baggage().get("bad"), None);
    assert_eq!(cx.baggage().get("test"), Some("value"));

    let cx = Jaeger.extract(
        &Context::default(),
        &carrier(&[("uber-trace-id", "%ZZ"), ("uberctx-test", "value")]),
    );
    assert!(cx.span_context().is_none());
    assert_eq!(cx.baggage().get("test"), Some("value"));

    // `should extract baggage from carrier and not override current one`.
    let existing = Context::default().with_baggage("one", "two");
    let cx = Jaeger.extract(&existing, &carrier(&[("uberctx-test", "value")]));
    assert_eq!(cx.baggage().get("one"), Some("two"));
    assert_eq!(cx.baggage().get("test"), Some("value"));
}

/// JS `should set uber trace id header` and `should propagate baggage with
/// url encoded values`; .NET `InjectWillAddJaegerFormattedTraceToCarrier`.
///
/// .NET writes the flags as one digit (`...:0:1`), JS and baton as two
/// (`...:0:01`): the format's flags are "one byte bitmap, as two hex
/// digits", and every peer reads either.
#[test]
fn inject_vectors() {
    let sc = |trace: &str, span: &str, sampled: bool| {
        SpanContext::new(
            TraceId::from_hex(trace).unwrap(),
            SpanId::from_hex(span).unwrap(),
            TraceFlags::default().with_sampled(sampled),
        )
        .with_remote(true)
    };
    let mut out = HashMap::new();
    Jaeger.inject(
        &Context::default().with_span_context(sc(JS_T, JS_S, true)),
        &mut out,
    );
    assert_eq!(
        out,
        carrier(&[(
            "uber-trace-id",
            "d4cda95b652f4a1592b449d5929fda1b:6e0c63257de34c92:0:01"
        )])
    );
    for (sampled, flags) in [(true, "01"), (false, "00")] {
        let mut out = HashMap::new();
        Jaeger.inject(
            &Context::default().with_span_context(sc(NET_T, NET_S, sampled)),
            &mut out,
        );
        assert_eq!(out["uber-trace-id"], format!("{NET_T}:{NET_S}:0:{flags}"));
    }

    let baggage = Baggage::default()
        .try_insert("test", "1", "")
        .unwrap()
        .try_insert("myuser", "%id%", "")
        .unwrap();
    let mut out = HashMap::new();
    Jaeger.inject(&Context::default().with_baggage_replaced(baggage), &mut out);
    // JS: `encodeURIComponent('%id%')`.
    assert_eq!(
        out,
        carrier(&[("uberctx-test", "1"), ("uberctx-myuser", "%25id%25")])
    );
}
