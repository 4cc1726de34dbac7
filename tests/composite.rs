//! `Composite`: which format wins on extract, what later formats add, what
//! inject writes, and how `OTEL_PROPAGATORS` picks the formats.

mod common;

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Once;

use baton::propagation::{
    Composite, Extractor, Injector, Problem, Propagator, PropagatorsError, W3cBaggage,
};
use baton::{Context, DiagnosticKind, SpanContext, SpanId, TraceFlags, TraceId};

thread_local! {
    static CONFLICTS: Cell<u64> = const { Cell::new(0) };
}

/// Counts `ConflictingContext` reports per thread, so parallel tests in this
/// file each see only their own.
fn conflicts() -> u64 {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        baton::set_diagnostic_handler(Box::new(|d| {
            if d.kind == DiagnosticKind::ConflictingContext {
                CONFLICTS.with(|c| c.set(c.get() + 1));
            }
        }))
        .unwrap();
    });
    CONFLICTS.with(Cell::get)
}

/// A toy format: field `{name}` holds `{trace}:{span}`, field `{name}-bag`
/// holds one `key=value` baggage entry.
struct Toy {
    fields: [&'static str; 2],
}

fn toy(name: &'static str, bag: &'static str) -> Box<dyn Propagator> {
    Box::new(Toy {
        fields: [name, bag],
    })
}

impl Propagator for Toy {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        if let Some(sc) = cx.span_context() {
            carrier.set(
                self.fields[0],
                format!("{}:{}", sc.trace_id(), sc.span_id()),
            );
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        let mut out = cx.clone();
        let ids = carrier.get(self.fields[0]);
        if let Some((t, s)) = ids.as_deref().and_then(|v| v.split_once(':')) {
            if let (Ok(t), Ok(s)) = (TraceId::from_hex(t), SpanId::from_hex(s)) {
                let sc = SpanContext::new(t, s, TraceFlags::from_bits(1)).with_remote(true);
                out = out.with_span_context(sc);
            }
        }
        if let Some((k, v)) = carrier
            .get(self.fields[1])
            .as_deref()
            .and_then(|b| b.split_once('='))
        {
            out = out.with_baggage(k, v);
        }
        out
    }

    fn fields(&self) -> &[&str] {
        &self.fields
    }
}

const T1: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const T2: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const S1: &str = "00f067aa0ba902b7";
const S2: &str = "e457b5a2e4d86bd1";

fn carrier(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn two_toys() -> Composite {
    Composite::new(vec![toy("a", "a-bag"), toy("b", "b-bag")])
}

#[test]
fn first_format_with_a_span_context_sets_it() {
    let c = two_toys();
    let headers = carrier(&[("a", &format!("{T1}:{S1}")), ("b", &format!("{T1}:{S2}"))]);
    let cx = c.extract(&Context::default(), &headers);
    let sc = cx.span_context().unwrap();
    assert_eq!(sc.span_id().to_string(), S1);
    assert!(sc.is_remote());
}

#[test]
fn a_later_format_sets_the_span_context_when_earlier_ones_find_none() {
    let c = two_toys();
    let headers = carrier(&[("a", "not ids"), ("b", &format!("{T2}:{S2}"))]);
    let cx = c.extract(&Context::default(), &headers);
    assert_eq!(cx.span_context().unwrap().trace_id().to_string(), T2);
}

#[test]
fn different_trace_ids_report_each_conflict_once_and_keep_the_first() {
    let c = Composite::new(vec![
        toy("a", "a-bag"),
        toy("b", "b-bag"),
        toy("c", "c-bag"),
    ]);
    let headers = carrier(&[
        ("a", &format!("{T1}:{S1}")),
        ("b", &format!("{T2}:{S2}")),
        ("c", &format!("{T2}:{S1}")),
    ]);
    let before = conflicts();
    let cx = c.extract(&Context::default(), &headers);
    // Two later formats disagree with the first: two problems, each once.
    assert_eq!(conflicts() - before, 2);
    assert_eq!(cx.span_context().unwrap().trace_id().to_string(), T1);
    let (_, problems) = c.extract_with_problems(&Context::default(), &headers);
    let ignored: Vec<&str> = problems
        .iter()
        .map(|p| match p {
            Problem::Conflict { kept, ignored, .. } => {
                assert_eq!(*kept, "a");
                *ignored
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ignored, ["b", "c"]);
}

#[test]
fn the_same_context_in_two_formats_is_no_conflict() {
    let c = two_toys();
    let headers = carrier(&[("a", &format!("{T1}:{S1}")), ("b", &format!("{T1}:{S1}"))]);
    let before = conflicts();
    let _ = c.extract(&Context::default(), &headers);
    assert_eq!(conflicts(), before);
}

/// The same trace with another parent span is a conflict too (see
/// tests/composite_same_trace_other_parent_is_a_conflict.rs): this test
/// asserted it was none.
#[test]
fn the_same_trace_id_with_another_span_id_is_one_conflict() {
    let c = two_toys();
    let headers = carrier(&[("a", &format!("{T1}:{S1}")), ("b", &format!("{T1}:{S2}"))]);
    let before = conflicts();
    let cx = c.extract(&Context::default(), &headers);
    assert_eq!(conflicts() - before, 1);
    assert_eq!(cx.span_context().unwrap().span_id().to_string(), S1);
}

#[test]
fn later_formats_add_baggage_to_the_base_context() {
    let c = two_toys();
    let base = Context::default().with_baggage("tenant", "acme");
    let headers = carrier(&[
        ("a", &format!("{T1}:{S1}")),
        ("a-bag", "user=u1"),
        ("b", &format!("{T2}:{S2}")),
        ("b-bag", "session.id=s-9"),
    ]);
    let cx = c.extract(&base, &headers);
    let entries: Vec<_> = cx.baggage().iter().map(|(k, v, _)| (k, v)).collect();
    assert_eq!(
        entries,
        [("tenant", "acme"), ("user", "u1"), ("session.id", "s-9")]
    );
    assert_eq!(cx.session().unwrap().id(), "s-9");
    assert_eq!(cx.span_context().unwrap().trace_id().to_string(), T1);
}

#[test]
fn a_carrier_without_ids_keeps_the_base_span() {
    common::exporter();
    let c = two_toys();
    let _span = baton::span("local").enter();
    let base = Context::current();
    let cx = c.extract(&base, &carrier(&[("b-bag", "k=v")]));
    assert_eq!(cx.span_context(), base.span_context());
    assert_eq!(cx.baggage().get("k"), Some("v"));
    // The live span is still reachable: a child started under it is its child.
    let _g = cx.attach();
    let child = baton::span("child").start();
    assert_eq!(
        child.parent_span_id(),
        Some(base.span_context().unwrap().span_id())
    );
}

#[test]
fn an_empty_carrier_returns_the_base_unchanged() {
    let c = two_toys();
    let base = Context::default().with_baggage("k", "v");
    let cx = c.extract(&base, &HashMap::<String, String>::new());
    assert!(cx.ptr_eq(&base));
}

#[test]
fn inject_runs_every_format() {
    let c = two_toys();
    let sc = SpanContext::new(
        TraceId::from_hex(T1).unwrap(),
        SpanId::from_hex(S1).unwrap(),
        TraceFlags::from_bits(1),
    );
    let mut out: Vec<(String, String)> = Vec::new();
    c.inject(&Context::default().with_span_context(sc), &mut out);
    let expected = format!("{T1}:{S1}");
    assert_eq!(
        out,
        [
            ("a".to_string(), expected.clone()),
            ("b".to_string(), expected)
        ]
    );
}

#[test]
fn fields_are_the_union_in_order() {
    let c = Composite::new(vec![toy("a", "bag"), toy("b", "bag"), toy("a", "c")]);
    assert_eq!(c.fields(), ["a", "bag", "b", "c"]);
}

/// `inject_into_command` clears what a composite reads, so `b3multi` must
/// list the single `b3` header its extract prefers (and `b3` the `x-b3-*`),
/// while `fields` stays what inject writes.
#[test]
fn extract_fields_are_the_union_of_what_each_format_reads() {
    let c = Composite::from_list("b3multi,tracecontext,b3").unwrap();
    assert_eq!(
        c.fields(),
        [
            "x-b3-traceid",
            "x-b3-spanid",
            "x-b3-sampled",
            "x-b3-flags",
            "traceparent",
            "tracestate",
            "b3",
        ]
    );
    assert_eq!(
        c.extract_fields(),
        [
            "b3",
            "x-b3-traceid",
            "x-b3-spanid",
            "x-b3-parentspanid",
            "x-b3-sampled",
            "x-b3-flags",
            "traceparent",
            "tracestate",
        ]
    );
    // A format that reads only what it writes needs no override.
    let toys = Composite::new(vec![toy("a", "bag"), toy("b", "bag")]);
    assert_eq!(toys.extract_fields(), toys.fields());
}

#[test]
fn otel_propagators_default_is_tracecontext_then_baggage() {
    for unset in [None, Some(""), Some("  ")] {
        let c = Composite::from_lookup(|_| unset.map(str::to_owned)).unwrap();
        assert_eq!(c.fields(), ["traceparent", "tracestate", "baggage"]);
    }
}

#[test]
fn otel_propagators_reads_only_its_own_variable() {
    let c = Composite::from_lookup(|name| (name == "OTEL_PROPAGATORS").then(|| "jaeger".into()))
        .unwrap();
    assert_eq!(c.fields(), ["uber-trace-id"]);
}

#[test]
fn otel_propagators_names_every_format() {
    let c = Composite::from_lookup(|_| Some("tracecontext, baggage ,b3,\tb3multi , jaeger".into()))
        .unwrap();
    assert_eq!(c.len(), 5);
    for field in [
        "traceparent",
        "tracestate",
        "baggage",
        "b3",
        "x-b3-traceid",
        "uber-trace-id",
    ] {
        assert!(
            c.fields().contains(&field),
            "{field} missing from {:?}",
            c.fields()
        );
    }
}

#[test]
fn otel_propagators_ignores_case_empty_items_and_repeats() {
    let c = Composite::from_lookup(|_| Some("B3,, b3 ,TraceContext".into())).unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c.fields(), ["b3", "traceparent", "tracestate"]);
}

#[test]
fn otel_propagators_none_alone_propagates_nothing() {
    let c = Composite::from_lookup(|_| Some(" none ".into())).unwrap();
    assert!(c.is_empty());
    assert!(c.fields().is_empty());
    let headers = carrier(&[(
        "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )]);
    assert!(c.extract(&Context::default(), &headers).is_empty());
    let mut out = HashMap::new();
    let _span = baton::span("s").enter();
    c.inject(&Context::current(), &mut out);
    assert!(out.is_empty());
}

#[test]
fn otel_propagators_unknown_name_is_an_error_naming_it() {
    let err = Composite::from_lookup(|_| Some("tracecontext, xray ".into())).unwrap_err();
    assert_eq!(
        err,
        PropagatorsError::UnknownPropagator {
            name: "xray".into()
        }
    );
    assert!(err.to_string().contains("\"xray\""), "{err}");
}

#[test]
fn otel_propagators_none_with_others_is_an_error() {
    let err = Composite::from_lookup(|_| Some("none,b3".into())).unwrap_err();
    assert_eq!(err, PropagatorsError::NoneWithOthers);
}

#[test]
fn otel_propagators_none_with_unknown_names_is_ignored_as_none_with_others() {
    // Found: the unknown name was left out first, and the `none` left
    // alone turned propagation off, where `none,b3` is ignored whole.
    for list in ["none,xray", "xray,none", "none, ottrace ,xray"] {
        let (usable, problems) = Composite::usable_list(list);
        assert_eq!(usable, "", "{list}");
        assert_eq!(problems, [PropagatorsError::NoneWithOthers], "{list}");
    }
    // `none` alone, and with only empty items, stays `none`.
    for list in ["none", "none,", " none "] {
        let (usable, problems) = Composite::usable_list(list);
        assert_eq!(problems, [], "{list}");
        assert_eq!(Composite::names_in(&usable), Ok(vec!["none"]), "{list}");
    }
}

#[test]
fn a_later_format_does_not_replace_baggage_an_earlier_one_set() {
    let c = two_toys();
    let base = Context::default().with_baggage("k", "from the caller");
    let cx = c.extract(
        &base,
        &carrier(&[("a-bag", "k=first"), ("b-bag", "k=second")]),
    );
    assert_eq!(cx.baggage().get("k"), Some("first"));
    assert_eq!(cx.baggage().len(), 1);
}

/// Bug: a later format's value for a key an earlier one set was dropped
/// without a word (`baggage: k=w3c` under `jaeger,baggage` with
/// `uberctx-k: jaeger`). It is now one `Problem::BaggageConflict` for the
/// format, counting its entries lost; an entry that says the same, or
/// lacks only the properties its format cannot carry, is no conflict, and
/// one that adds properties to the value a format without them gave
/// completes it
/// (`tests/composite_baggage_properties_complete_the_entry_a_format_without_them_gave.rs`).
#[test]
fn a_later_formats_other_value_for_a_key_is_a_conflict() {
    let c = Composite::from_list("jaeger,baggage").unwrap();
    let headers = carrier(&[
        ("uberctx-k", "jaeger"),
        ("uberctx-same", "1"),
        ("uberctx-props", "1"),
        ("baggage", "k=w3c,same=1,props=1;p,new=2"),
    ]);
    let (cx, problems) = c.extract_with_problems(&Context::default(), &headers);
    assert_eq!(cx.baggage().get("k"), Some("jaeger"));
    assert_eq!(cx.baggage().get("new"), Some("2"));
    assert!(cx.baggage().iter().any(|e| e == ("props", "1", "p")));
    let expected = Problem::BaggageConflict {
        ignored: "baggage",
        entries: 1,
    };
    assert_eq!(problems.iter().collect::<Vec<_>>(), [&expected]);
    assert_eq!(expected.kind(), DiagnosticKind::ConflictingContext);
    assert_eq!(
        expected.to_string(),
        "baggage carries 1 baggage entries whose keys an earlier format or field set to other values; \
         kept the first"
    );

    let c = Composite::from_list("baggage,jaeger").unwrap();
    let headers = carrier(&[("baggage", "k=v;p"), ("uberctx-k", "v")]);
    let (cx, problems) = c.extract_with_problems(&Context::default(), &headers);
    assert_eq!(cx.baggage().iter().next(), Some(("k", "v", "p")));
    assert!(problems.is_empty(), "{problems:?}");
}

/// W3C Baggage, "Limits": "A platform MUST propagate all list-members
/// including any list-member properties if both of the following conditions
/// are met: The total number of list-members is less than or equal to 64.
/// The total size of baggage-string is less than or equal to 8192 bytes."
/// The default composite keeps exactly what `W3cBaggage` alone keeps: a
/// header of exactly 8192 bytes, but not 8193 (issue 10: the composite
/// re-measured with its own copy of the limit, off by one, and blamed "a
/// later format" that was not there).
#[test]
fn the_composite_keeps_a_baggage_header_of_exactly_8192_bytes() {
    let exactly = format!("k={}", "v".repeat(8190));
    assert_eq!(exactly.len(), 8192);
    let headers = vec![("baggage".to_string(), exactly)];
    let alone = W3cBaggage.extract(&Context::default(), &headers);
    let (cx, problems) = Composite::default().extract_with_problems(&Context::default(), &headers);
    assert_eq!(cx.baggage().get("k").map(str::len), Some(8190));
    assert_eq!(cx.baggage(), alone.baggage());
    assert!(problems.is_empty(), "{problems:?}");

    let over = vec![("baggage".to_string(), format!("k={}", "v".repeat(8191)))];
    let (cx, problems) = Composite::default().extract_with_problems(&Context::default(), &over);
    assert!(cx.baggage().is_empty());
    assert!(matches!(
        problems.iter().collect::<Vec<_>>()[..],
        [Problem::Partial {
            field: "baggage",
            invalid: 0,
            dropped: 1,
            ..
        }]
    ));
}

/// The sum of two formats' baggage keeps the same limit: a Jaeger entry
/// that would take the `baggage` header past 8192 bytes is left out, one
/// that lands exactly on it is kept.
#[test]
fn a_later_format_fills_the_baggage_budget_to_the_byte() {
    let c = Composite::from_list("baggage,jaeger").unwrap();
    // "a=" + 8000 + "," + "b=" + 187 = 8192 once written as one header.
    let w3c = format!("a={}", "x".repeat(8000));
    let fits = carrier(&[("baggage", &w3c), ("uberctx-b", &"y".repeat(187))]);
    let (cx, problems) = c.extract_with_problems(&Context::default(), &fits);
    assert_eq!(cx.baggage().len(), 2, "{problems:?}");
    assert!(problems.is_empty());
    let over = carrier(&[("baggage", &w3c), ("uberctx-b", &"y".repeat(188))]);
    let (cx, problems) = c.extract_with_problems(&Context::default(), &over);
    assert_eq!(cx.baggage().len(), 1);
    assert_eq!(problems.len(), 1);
}

#[test]
fn a_list_that_names_nothing_is_the_default_not_none() {
    let default = Composite::default();
    for list in ["", " ", ",", " , ", ",,\t,"] {
        let c = Composite::from_list(list).unwrap();
        assert_eq!(c.fields(), default.fields(), "{list:?}");
        assert_eq!(c.len(), 2, "{list:?}");
    }
    assert!(Composite::from_list("none").unwrap().is_empty());
}
