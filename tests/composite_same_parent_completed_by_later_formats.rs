//! When two formats of a composite carry the same remote parent (the same
//! ids, no other decision), the first format's context keeps what the
//! others add and it cannot carry: the tracestate, the random flag, a
//! decision it left to us, debug. Found: with `b3,tracecontext`, the B3
//! context won and the W3C tracestate and random flag were dropped without
//! a report (every list with b3, b3multi or jaeger before tracecontext
//! lost them on a round trip); a deferred `b3` first made the
//! parent-based sampler decide a child that `traceparent` said was
//! sampled; and a B3 debug trace after `tracecontext` stopped being one.

use std::collections::HashMap;

use baton::propagation::{Composite, EnvCarrier, Propagator};
use baton::sampling::{ParentBased, Sampler, SamplingParams, TraceIdRatio};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId, TraceState};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

/// What `list` extracts from `headers`, and how many problems it met.
fn extract(list: &str, headers: &[(&str, String)]) -> (SpanContext, usize) {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let composite = Composite::from_list(list).unwrap();
    let (cx, problems) = composite.extract_with_problems(&Context::default(), &headers);
    (cx.span_context().unwrap().clone(), problems.len())
}

#[test]
fn tracecontext_after_b3_adds_its_tracestate_and_random_flag() {
    let (sc, problems) = extract(
        "b3,tracecontext",
        &[
            ("b3", format!("{TRACE}-{SPAN}-1-05e3ac9a4f6e3b90")),
            ("traceparent", format!("00-{TRACE}-{SPAN}-03")),
            ("tracestate", "vendor=opaque".to_owned()),
        ],
    );
    assert_eq!(problems, 0);
    assert_eq!(sc.trace_state().get("vendor"), Some("opaque"));
    assert!(sc.flags().is_random() && sc.is_sampled());
    // What the first format carried stays.
    assert_eq!(
        sc.parent_span_id(),
        SpanId::from_hex("05e3ac9a4f6e3b90").ok()
    );
}

#[test]
fn a_decision_b3_left_to_us_is_the_one_traceparent_made() {
    let (sc, problems) = extract(
        "b3,tracecontext",
        &[
            ("b3", format!("{TRACE}-{SPAN}")),
            ("traceparent", format!("00-{TRACE}-{SPAN}-01")),
        ],
    );
    assert_eq!((sc.sampling_decision(), problems), (Some(true), 0));
    // The parent-based sampler follows it, whatever the root sampler says.
    let sampler = ParentBased::new(TraceIdRatio::new(0.0));
    let params = SamplingParams::new(Some(&sc), sc.trace_id(), "handle");
    assert!(sampler.should_sample(&params).is_sampled());
}

#[test]
fn b3_debug_after_tracecontext_stays_debug_and_is_injected_again() {
    let list = "tracecontext,b3";
    let (sc, problems) = extract(
        list,
        &[
            ("traceparent", format!("00-{TRACE}-{SPAN}-01")),
            ("b3", format!("{TRACE}-{SPAN}-d")),
        ],
    );
    assert!(sc.is_debug());
    assert_eq!(problems, 0);
    let mut out = HashMap::new();
    Composite::from_list(list)
        .unwrap()
        .inject(&Context::default().with_span_context(sc), &mut out);
    assert_eq!(out["b3"], format!("{TRACE}-{SPAN}-d"));
}

#[test]
fn another_decision_is_still_a_conflict_and_the_first_kept() {
    let (sc, problems) = extract(
        "b3,tracecontext",
        &[
            ("b3", format!("{TRACE}-{SPAN}-0")),
            ("traceparent", format!("00-{TRACE}-{SPAN}-03")),
            ("tracestate", "vendor=opaque".to_owned()),
        ],
    );
    assert_eq!(problems, 1);
    assert!(!sc.is_sampled() && !sc.flags().is_random());
    assert!(sc.trace_state().is_empty());
}

/// Every list of one to three formats, injected and extracted through a
/// header map and through the environment carrier: what the list can
/// carry comes back, with no problem.
#[test]
fn every_list_round_trips_what_it_can_carry() {
    const NAMES: [&str; 6] = [
        "tracecontext",
        "baggage",
        "b3",
        "b3multi",
        "jaeger",
        "session",
    ];
    let mut lists: Vec<Vec<&str>> = Vec::new();
    for a in NAMES {
        lists.push(vec![a]);
        for b in NAMES.into_iter().filter(|&b| b != a) {
            lists.push(vec![a, b]);
            for c in NAMES.into_iter().filter(|&c| c != a && c != b) {
                lists.push(vec![a, b, c]);
            }
        }
    }
    let mut failed = Vec::new();
    for flags in [0u8, 1, 3] {
        let sent = SpanContext::new(
            TraceId::from_hex(TRACE).unwrap(),
            SpanId::from_hex(SPAN).unwrap(),
            TraceFlags::from_bits(flags),
        )
        .with_trace_state(TraceState::EMPTY.insert("vendor", "v1").unwrap())
        .with_remote(true);
        let cx = Context::default()
            .with_span_context(sent.clone())
            .with_baggage("session.id", "chat-9")
            .with_baggage("k", "v");
        for list in &lists {
            let names = list.join(",");
            let composite = Composite::from_list(&names).unwrap();
            for env in [false, true] {
                let (got, problems) = if env {
                    let mut carrier = EnvCarrier::default();
                    composite.inject(&cx, &mut carrier);
                    composite.extract_with_problems(&Context::default(), &carrier)
                } else {
                    let mut carrier = HashMap::new();
                    composite.inject(&cx, &mut carrier);
                    composite.extract_with_problems(&Context::default(), &carrier)
                };
                let mut lost = Vec::new();
                if !problems.is_empty() {
                    lost.push(format!("{problems:?}"));
                }
                let traced = list
                    .iter()
                    .any(|n| ["tracecontext", "b3", "b3multi", "jaeger"].contains(n));
                match got.span_context() {
                    None if traced => lost.push("the span context".to_owned()),
                    None => {}
                    Some(sc) => {
                        if (sc.trace_id(), sc.span_id(), sc.is_sampled())
                            != (sent.trace_id(), sent.span_id(), sent.is_sampled())
                        {
                            lost.push("ids or decision".to_owned());
                        }
                        if list.contains(&"tracecontext")
                            && (sc.trace_state() != sent.trace_state()
                                || sc.flags().is_random() != sent.flags().is_random())
                        {
                            lost.push("tracestate or random flag".to_owned());
                        }
                    }
                }
                // Jaeger carries baggage in headers (`uberctx-`), not in
                // the environment.
                let bagged = list.contains(&"baggage") || (!env && list.contains(&"jaeger"));
                if bagged && got.baggage().get("k") != Some("v") {
                    lost.push("baggage".to_owned());
                }
                if (bagged || list.contains(&"session"))
                    && got.session().map(|s| s.id().to_owned()).as_deref() != Some("chat-9")
                {
                    lost.push("session".to_owned());
                }
                if !lost.is_empty() {
                    failed.push(format!("flags {flags:02x} {names} (env: {env}): {lost:?}"));
                }
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} lists lost something: {failed:#?}",
        failed.len()
    );
}
