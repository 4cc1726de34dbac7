//! Jaeger `uber-trace-id` flags: `0x01` is sampled, `0x02` debug, and "Debug
//! flag should only be set when the sampled flag is set" (Jaeger propagation
//! format). jaeger-client-go and OpenTelemetry Go, Python and JS take the
//! decision from bit `0x01` alone; OpenTelemetry Go keeps debug only with
//! it. baton reads them so: flags `02` are neither sampled nor debug.
//!
//! Bug: flags `02` were read as "debug, not sampled". The same request then
//! crossed as not sampled when the service only passed the context on
//! (`traceparent ...-00`, `b3 ...-0`, `uber-trace-id ...:02`) but as sampled
//! from any span the service started under it (the parent-based sampler
//! samples a debug parent's children: `-01`, `-d`, `:03`). And a context
//! that was debug but not sampled was injected as `02`.

mod common;

use baton::propagation::{Composite, Jaeger, Propagator, TraceContext, B3};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};
use common::cli::baton;

const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const S: &str = "00f067aa0ba902b7";

fn extract(flags: &str) -> Context {
    let carrier = vec![("uber-trace-id".to_owned(), format!("{T}:{S}:0:{flags}"))];
    Jaeger.extract(&Context::default(), &carrier)
}

/// What the next hop gets in every format.
fn sent(cx: &Context) -> Vec<(String, String)> {
    let all = Composite::new(vec![
        Box::new(TraceContext),
        Box::new(B3::single()),
        Box::new(B3::multi()),
        Box::new(Jaeger),
    ]);
    let mut out = Vec::new();
    all.inject(cx, &mut out);
    out
}

#[test]
fn debug_counts_only_with_sampled() {
    // `a` and `b` carry the unused firehose bit (0x08) too.
    for flags in ["3", "03", "b"] {
        let sc = extract(flags).span_context().cloned().unwrap();
        assert!(sc.is_debug() && sc.is_sampled(), "flags {flags}");
    }
    for flags in ["2", "02", "a", "0", "00", "8"] {
        let sc = extract(flags).span_context().cloned().unwrap();
        assert!(!sc.is_debug() && !sc.is_sampled(), "flags {flags}");
    }
}

#[test]
fn every_format_sends_one_decision_with_or_without_a_local_span() {
    common::exporter();
    let cx = extract("02");
    assert_eq!(
        sent(&cx),
        [
            ("traceparent".to_owned(), format!("00-{T}-{S}-00")),
            ("b3".to_owned(), format!("{T}-{S}-0")),
            ("x-b3-traceid".to_owned(), T.to_owned()),
            ("x-b3-spanid".to_owned(), S.to_owned()),
            ("x-b3-sampled".to_owned(), "0".to_owned()),
            ("uber-trace-id".to_owned(), format!("{T}:{S}:0:00")),
        ]
    );
    let _g = cx.attach();
    let child = baton::span("child").start();
    let child_sc = child.context().span_context().cloned().unwrap();
    assert!(!child_sc.is_sampled() && !child_sc.is_debug());
}

/// baton never writes `02`, which no peer reads as a decision to keep.
#[test]
fn debug_without_sampled_is_injected_as_not_sampled() {
    let sc = SpanContext::new(
        TraceId::from_hex(T).unwrap(),
        SpanId::from_hex(S).unwrap(),
        TraceFlags::default(),
    )
    .with_debug(true);
    let cx = Context::default().with_span_context(sc);
    let mut out = Vec::new();
    Jaeger.inject(&cx, &mut out);
    assert_eq!(out, [("uber-trace-id".to_owned(), format!("{T}:{S}:0:00"))]);
}

/// `baton decode` spells the flags out as extraction reads them, and says
/// when a debug bit was ignored.
#[test]
fn decode_prints_debug_alone_as_ignored() {
    let out = baton(&["decode", &format!("uber-trace-id: {T}:{S}:0:02")], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("  flags      02 (not sampled, debug ignored without sampled)\n"),
        "{}",
        out.stdout
    );
}
