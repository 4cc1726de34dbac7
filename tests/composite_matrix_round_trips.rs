//! Audit of what a composite injects, as a matrix: every composite of
//! `tests/common/composite_matrix.rs` (each single format, each ordered
//! pair, the default, `tracecontext,b3,jaeger`) injects contexts with a
//! span context of every decision, with and without a parent span id, a
//! tracestate, baggage and a session, into a fresh carrier and into one
//! holding stale headers of every format (in mixed case); then extracts
//! again with the same composite.
//!
//! - Round trip: the same trace id, span id and sampled flag, and debug
//!   where a B3 or Jaeger format is in the composite; remote; baggage kept
//!   where W3C baggage or Jaeger is in the composite (Jaeger: no
//!   properties), the session where any of those or the session header is.
//! - A reused carrier holds, in every field the composite reads, what a
//!   fresh one holds (`Injector`'s docs: "a propagator leaves its own
//!   fields holding the context it injects and nothing else"), so its
//!   extract is the same.
//! - A context with nothing valid injects only what the formats define
//!   for it: baggage, the session header, B3's lone decision.

#[path = "common/composite_matrix.rs"]
mod matrix;

use baton::propagation::{Extractor, Propagator};
use baton::wire::b3::Sampling;
use baton::{Baggage, Context, SpanContext, SpanId, TraceFlags, TraceId, TraceState};
use matrix::*;

/// The baggage of the contexts injected: an entry with properties, and a
/// session.
fn baggage() -> Baggage {
    Baggage::EMPTY
        .try_insert("tenant", "acme", "")
        .unwrap()
        .try_insert("user", "u 1", "")
        .unwrap()
        .try_insert("session.id", "s-1", "")
        .unwrap()
}

/// The same with W3C properties on one entry.
fn baggage_with_properties() -> Baggage {
    baggage().try_insert("tenant", "acme", "prop=1").unwrap()
}

/// Contexts with a valid span context: every decision, with and without
/// a parent span id, a tracestate, baggage; local and remote.
fn contexts() -> Vec<(String, Context)> {
    let mut out = Vec::new();
    for d in Decision::ALL {
        for parent in [None, Some(P1)] {
            for state in [false, true] {
                for bag in [0, 1, 2] {
                    for remote in [false, true] {
                        let flags = TraceFlags::from_bits(u8::from(d.sampled() == Some(true)));
                        let mut sc = SpanContext::new(
                            TraceId::from_hex(T1).unwrap(),
                            SpanId::from_hex(S1).unwrap(),
                            flags,
                        )
                        .with_debug(d == Decision::Debug)
                        .with_deferred(d == Decision::Deferred)
                        .with_parent_span_id(parent.map(|p| SpanId::from_hex(p).unwrap()))
                        .with_remote(remote);
                        if state {
                            sc = sc.with_trace_state(
                                TraceState::EMPTY.insert("vendor", "v1").unwrap(),
                            );
                        }
                        let mut cx = Context::default().with_span_context(sc);
                        match bag {
                            1 => cx = cx.with_baggage_replaced(baggage()),
                            2 => cx = cx.with_baggage_replaced(baggage_with_properties()),
                            _ => {}
                        }
                        out.push((
                            format!("{d:?} parent {parent:?} tracestate {state} baggage {bag} remote {remote}"),
                            cx,
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Contexts with nothing valid: what each may still inject.
fn nothing_valid() -> Vec<(&'static str, Context)> {
    vec![
        ("empty", Context::default()),
        (
            "the invalid span context",
            Context::default().with_span_context(SpanContext::INVALID),
        ),
        (
            "baggage",
            Context::default().with_baggage_replaced(baggage()),
        ),
        (
            "session",
            Context::default().with_baggage("session.id", "s-1"),
        ),
        (
            "lone accept",
            Context::default().with_remote_decision(Some(Sampling::Accept)),
        ),
        (
            "lone deny",
            Context::default().with_remote_decision(Some(Sampling::Deny)),
        ),
        (
            "lone debug",
            Context::default().with_remote_decision(Some(Sampling::Debug)),
        ),
        (
            "lone debug and baggage",
            Context::default()
                .with_baggage_replaced(baggage())
                .with_remote_decision(Some(Sampling::Debug)),
        ),
    ]
}

/// A carrier holding another context in every format, names in mixed
/// case, and the fields no format writes but some read.
fn stale() -> Carrier {
    let old = SpanContext::new(
        TraceId::from_hex(T2).unwrap(),
        SpanId::from_hex(S2).unwrap(),
        TraceFlags::from_bits(1),
    )
    .with_debug(true)
    .with_trace_state(TraceState::EMPTY.insert("old", "1").unwrap());
    let cx = Context::default()
        .with_span_context(old)
        .with_baggage("stale", "yes")
        .with_baggage("session.id", "old-session");
    let mut carrier = Carrier::new();
    composite(&[TraceContext, Baggage, B3, B3Multi, Jaeger, Session]).inject(&cx, &mut carrier);
    let h = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    carrier.extend([
        h("X-B3-Sampled", "1"),
        h("X-B3-ParentSpanId", P1),
        h("Jaeger-Baggage", "old=1"),
        h("UberCtx-Other", "x"),
    ]);
    mixed_case(&carrier)
}

/// What `carrier` holds in each field `formats` reads (and `uberctx-*`
/// where Jaeger is listed), names lowercased and sorted.
fn read_fields(formats: &[Format], carrier: &Carrier) -> Vec<(String, String)> {
    let c = composite(formats);
    let mut out = Vec::new();
    for field in c.extract_fields() {
        carrier.get_all(field, &mut |v| {
            out.push(((*field).to_owned(), v.to_owned()))
        });
    }
    if formats.contains(&Jaeger) {
        carrier.get_all_with_prefix("uberctx-", &mut |k, v| {
            out.push((k.to_ascii_lowercase(), v.to_owned()))
        });
    }
    out.sort();
    out
}

fn entries(b: &Baggage) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = b
        .iter()
        .map(|(k, v, p)| (k.to_owned(), v.to_owned(), p.to_owned()))
        .collect();
    out.sort();
    out
}

/// The baggage `formats` carries of `b` across one hop.
fn carried(formats: &[Format], b: &Baggage) -> Vec<(String, String, String)> {
    if formats.contains(&Baggage) {
        return entries(b);
    }
    let mut out: Vec<_> = b
        .iter()
        .filter(|(k, _, _)| {
            formats.contains(&Jaeger) || (formats.contains(&Session) && *k == "session.id")
        })
        .map(|(k, v, _)| (k.to_owned(), v.to_owned(), String::new()))
        .collect();
    out.sort();
    out
}

/// The differences between `cx`, injected and extracted again by
/// `formats` from `carrier`, and what the formats promise to carry.
fn round_trip_errors(formats: &[Format], cx: &Context, carrier: &Carrier) -> Vec<String> {
    let c = composite(formats);
    let (back, problems) = c.extract_with_problems(&Context::default(), carrier);
    let mut wrong = Vec::new();
    if !problems.is_empty() {
        wrong.push(format!("problems {problems:?}"));
    }
    let sent = cx.span_context().filter(|sc| sc.is_valid());
    let carries_parent = formats.iter().any(|f| f.carries_parent());
    match (sent, back.span_context()) {
        (Some(s), Some(b)) if carries_parent => {
            let debug = formats.iter().any(|f| f.carries_debug()) && s.is_debug();
            let want = (s.trace_id(), s.span_id(), s.is_sampled(), debug, true);
            let got = (
                b.trace_id(),
                b.span_id(),
                b.is_sampled(),
                b.is_debug(),
                b.is_remote(),
            );
            if want != got {
                wrong.push(format!("parent {got:?}, expected {want:?}"));
            }
        }
        (Some(_), None) if !carries_parent => {}
        (None, None) => {}
        (s, b) => wrong.push(format!("sent {s:?}, got {b:?}")),
    }
    if entries(back.baggage()) != carried(formats, cx.baggage()) {
        wrong.push(format!(
            "baggage {:?}, expected {:?}",
            entries(back.baggage()),
            carried(formats, cx.baggage())
        ));
    }
    let lone = match formats.iter().any(|f| matches!(f, B3 | B3Multi)) {
        true => cx.remote_decision(),
        false => None,
    };
    if back.remote_decision() != lone {
        wrong.push(format!(
            "remote decision {:?}, expected {lone:?}",
            back.remote_decision()
        ));
    }
    wrong
}

/// Walks every composite over `contexts`, injecting into a fresh and a
/// stale carrier, and returns the cells that broke the model.
fn walk(
    contexts: &[(String, Context)],
    extra: impl Fn(&[Format], &Context, &Carrier) -> Vec<String>,
) -> Vec<String> {
    let mut failures = Vec::new();
    let stale = stale();
    for formats in composites() {
        let c = composite(&formats);
        let list = list_name(&formats);
        for (name, cx) in contexts {
            let mut fresh = Carrier::new();
            c.inject(cx, &mut fresh);
            let mut reused = stale.clone();
            c.inject(cx, &mut reused);
            let mut wrong = round_trip_errors(&formats, cx, &fresh);
            wrong.extend(extra(&formats, cx, &fresh));
            if read_fields(&formats, &reused) != read_fields(&formats, &fresh) {
                wrong.push(format!(
                    "reused carrier holds {:?}, a fresh one {:?}",
                    read_fields(&formats, &reused),
                    read_fields(&formats, &fresh)
                ));
            }
            for (into, carrier) in [("fresh", &fresh), ("reused", &reused)] {
                // Extracted onto a context that has its own parent and
                // baggage: the carrier's parent replaces the context's.
                let base = Context::default()
                    .with_span_context(SpanContext::new(
                        TraceId::from_hex(T2).unwrap(),
                        SpanId::from_hex(S2).unwrap(),
                        TraceFlags::from_bits(1),
                    ))
                    .with_baggage("base", "1");
                let onto = c.extract(&base, carrier);
                let want = match formats.iter().any(|f| f.carries_parent()) {
                    true => cx.span_context().map(|s| (s.trace_id(), s.span_id())),
                    false => None,
                }
                .or(base.span_context().map(|s| (s.trace_id(), s.span_id())));
                let got = onto.span_context().map(|s| (s.trace_id(), s.span_id()));
                if got != want {
                    wrong.push(format!(
                        "onto a parent from the {into} carrier: {got:?}, expected {want:?}"
                    ));
                }
                if onto.baggage().get("base") != Some("1") {
                    wrong.push(format!(
                        "onto baggage from the {into} carrier: the context's own lost"
                    ));
                }
            }
            if !wrong.is_empty() {
                failures.push(format!("{list} × {name}: {}", wrong.join("; ")));
            }
        }
    }
    failures
}

#[test]
fn a_valid_context_goes_and_comes_back() {
    let contexts: Vec<_> = contexts()
        .into_iter()
        .filter(|(name, _)| !name.contains("baggage 2"))
        .collect();
    assert_none(walk(&contexts, |_, _, _| vec![]));
}

#[test]
fn baggage_properties_go_and_come_back() {
    let contexts: Vec<_> = contexts()
        .into_iter()
        .filter(|(name, _)| name.contains("baggage 2"))
        .collect();
    assert_none(walk(&contexts, |_, _, _| vec![]));
}

/// The fields a context with nothing valid may write under `formats`.
fn allowed(formats: &[Format], cx: &Context, field: &str, value: &str) -> bool {
    let has = |f| formats.contains(&f);
    let lone = cx.remote_decision();
    match field {
        "b3" => {
            has(B3)
                && matches!(
                    (lone, value),
                    (Some(Sampling::Accept), "1")
                        | (Some(Sampling::Deny), "0")
                        | (Some(Sampling::Debug), "d")
                )
        }
        "x-b3-sampled" => {
            has(B3Multi)
                && matches!(
                    (lone, value),
                    (Some(Sampling::Accept), "1") | (Some(Sampling::Deny), "0")
                )
        }
        "x-b3-flags" => has(B3Multi) && lone == Some(Sampling::Debug) && value == "1",
        "baggage" => has(Baggage) && !cx.baggage().is_empty(),
        "baton-session-id" => has(Session) && cx.baggage().get("session.id") == Some(value),
        f if f.starts_with("uberctx-") => {
            has(Jaeger) && cx.baggage().get(&f["uberctx-".len()..]).is_some()
        }
        _ => false,
    }
}

#[test]
fn nothing_valid_injects_only_what_its_formats_define() {
    let contexts: Vec<_> = nothing_valid()
        .into_iter()
        .map(|(n, cx)| (n.to_owned(), cx))
        .collect();
    assert_none(walk(&contexts, |formats, cx, fresh| {
        fresh
            .iter()
            .filter(|(k, v)| !allowed(formats, cx, k, v))
            .map(|(k, v)| format!("wrote {k}: {v}"))
            .collect()
    }));
}
