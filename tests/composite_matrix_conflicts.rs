//! Audit of what a composite extracts, as a matrix: every composite of
//! `tests/common/composite_matrix.rs` (each single format, each ordered
//! pair, the default, `tracecontext,b3,jaeger`) over carriers where the
//! trace formats agree, disagree, are partial or invalid, beside lone B3
//! decisions, baggage in both W3C `baggage` and `uberctx-*`, a session
//! header, names in mixed case and repeated lines; onto an empty context
//! and onto one that already has a span context and baggage.
//!
//! Checked against what the README ("Sessions across services") and
//! `Composite`'s docs say: the first format with a valid parent sets it
//! (an invalid one before it loses nothing); a later one of another trace
//! is one `Problem::Conflict`, of the same trace with another span or
//! decision one `Problem::SpanConflict`, naming the kept and the ignored
//! format; one of the same parent adds a decision the first left to us and
//! debug; each invalid header is one `Problem::Invalid`; a baggage key a
//! later format gives another value is one `Problem::BaggageConflict` per
//! format; a lone B3 decision beside the parent that won, which does not
//! carry it, is one `Problem::DecisionBesideParent`; `extract` reports exactly the problems `extract_with_problems`
//! returns, one diagnostic each, of the problem's kind.

#[path = "common/composite_matrix.rs"]
mod matrix;
#[path = "common/thread_reports.rs"]
mod thread_reports;

use baton::propagation::{Problem, Propagator};
use baton::wire::b3::Sampling;
use baton::{Context, DiagnosticKind, SpanContext, SpanId, TraceFlags, TraceId};
use matrix::*;
use thread_reports::reported;

/// One carrier of the matrix: what it holds in each trace source (for
/// the model) and the headers themselves.
struct Case {
    name: String,
    held: Vec<(Source, Held)>,
    carrier: Carrier,
    /// The fields a `Problem::Repeated` is expected for, when a format of
    /// the composite reads them.
    repeated: Option<(Source, &'static [&'static str])>,
    /// A lone B3 decision the carrier holds beside (or instead of) a parent.
    lone: Option<Sampling>,
}

impl Case {
    fn new(name: String, held: Vec<(Source, Held)>) -> Case {
        let carrier = carrier_of(&held);
        Case {
            name,
            held,
            carrier,
            repeated: None,
            lone: None,
        }
    }
}

fn valid(source: Source, p: Parent) -> (Source, Held) {
    (source, Held::Valid(p))
}

fn cases() -> Vec<Case> {
    let mut out = vec![Case::new("empty".into(), vec![])];
    // Each source alone, each decision it can carry, with and without the
    // parent's parent span id; and the same in mixed-case names.
    for s in Source::ALL {
        for d in Decision::ALL.into_iter().filter(|d| s.can_carry(*d)) {
            let mut parents = vec![parent(T1, S1, d)];
            if s.carries_parent_span_id() && d != Decision::Deferred {
                parents.push(Parent {
                    parent: Some(P1),
                    ..parent(T1, S1, d)
                });
            }
            for p in parents {
                let case = Case::new(format!("{s:?} {p:?}"), vec![valid(s, p)]);
                let mut mixed = Case::new(format!("{s:?} {p:?} in mixed case"), case.held.clone());
                mixed.carrier = mixed_case(&case.carrier);
                out.push(case);
                out.push(mixed);
            }
        }
    }
    // Two sources: the same parent, another trace, another span of the
    // trace, another decision; one valid beside one broken, either order.
    for a in Source::ALL {
        for b in Source::ALL.into_iter().filter(|b| *b != a) {
            let first = parent(T1, S1, Decision::Sampled);
            let mut seconds = vec![
                ("the same parent", first),
                ("another trace", parent(T2, S2, Decision::Sampled)),
                ("another span", parent(T1, S2, Decision::Sampled)),
                ("another decision", parent(T1, S1, Decision::NotSampled)),
            ];
            if b.can_carry(Decision::Debug) {
                seconds.push(("the same parent, debug", parent(T1, S1, Decision::Debug)));
            }
            for (what, second) in seconds {
                out.push(Case::new(
                    format!("{a:?} then {b:?} of {what}"),
                    vec![valid(a, first), valid(b, second)],
                ));
            }
            for broken in Broken::ALL {
                out.push(Case::new(
                    format!("{a:?} valid, {b:?} {broken:?}"),
                    vec![valid(a, first), (b, Held::Invalid(broken))],
                ));
                out.push(Case::new(
                    format!("{b:?} {broken:?}, {a:?} valid"),
                    vec![(b, Held::Invalid(broken)), valid(a, first)],
                ));
            }
        }
    }
    // A lone B3 decision beside a valid traceparent, and alone.
    let lone: [(&str, &str, Sampling); 6] = [
        ("b3", "1", Sampling::Accept),
        ("b3", "0", Sampling::Deny),
        ("b3", "d", Sampling::Debug),
        ("X-B3-Sampled", "1", Sampling::Accept),
        ("X-B3-Sampled", "0", Sampling::Deny),
        ("X-B3-Flags", "1", Sampling::Debug),
    ];
    for (name, value, decision) in lone {
        for d in [Decision::Sampled, Decision::NotSampled] {
            let tp = valid(Source::Traceparent, parent(T1, S1, d));
            for before in [true, false] {
                let mut case = Case::new(
                    format!(
                        "{name}: {value} {} traceparent {d:?}",
                        ["after", "before"][usize::from(before)]
                    ),
                    vec![tp],
                );
                let header = (name.to_owned(), value.to_owned());
                if before {
                    case.carrier.insert(0, header);
                } else {
                    case.carrier.push(header);
                }
                case.lone = Some(decision);
                out.push(case);
            }
        }
        let mut alone = Case::new(format!("{name}: {value} alone"), vec![]);
        alone.carrier.push((name.to_owned(), value.to_owned()));
        alone.lone = Some(decision);
        out.push(alone);
    }
    // Repeated lines: a second traceparent makes it invalid (W3C); a
    // second value of a B3 or Jaeger field is passed over, and reported
    // when it differs.
    for s in Source::ALL {
        let p = parent(T1, S1, Decision::Sampled);
        for differing in [false, true] {
            let again = if differing {
                headers(s, &parent(T2, S2, Decision::Sampled))
            } else {
                headers(s, &p)
            };
            let held = if s == Source::Traceparent {
                // Any broken kind: the model counts one invalid header.
                vec![(s, Held::Invalid(Broken::BadHex))]
            } else {
                vec![valid(s, p)]
            };
            let mut case = Case::new(format!("{s:?} repeated, differing: {differing}"), held);
            case.carrier = headers(s, &p);
            case.carrier.extend(again);
            if differing && s != Source::Traceparent {
                case.repeated = Some(match s {
                    Source::B3Single => (s, &["b3"][..]),
                    // Both ids came again with other values.
                    Source::B3Multi => (s, &["x-b3-traceid", "x-b3-spanid"][..]),
                    _ => (s, &["uber-trace-id"][..]),
                });
            }
            out.push(case);
        }
    }
    out
}

/// A baggage entry of the model: key and value.
type Entry = (&'static str, &'static str);

/// The baggage the model extracts (sorted) and its conflicts (ignored
/// field, entries).
type BaggageModel = (Vec<(String, String)>, Vec<(&'static str, usize)>);

/// Baggage beside each case: none; W3C and Jaeger with one key of two
/// values; and the session header.
fn baggage_headers() -> Vec<(&'static str, Carrier)> {
    let h = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    vec![
        ("no baggage", vec![]),
        (
            "baggage and uberctx",
            vec![
                h("uberctx-k", "jaeger"),
                h("baggage", "k=w3c,only=w"),
                h("UberCtx-J", "1"),
            ],
        ),
        ("session header", vec![h("Baton-Session-Id", "s-1")]),
    ]
}

/// The baggage entries `format` finds in the baggage headers.
fn baggage_of(format: Format, extra: &Carrier) -> Vec<(&'static str, &'static str)> {
    let has = |name: &str| extra.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    match format {
        Baggage if has("baggage") => vec![("k", "w3c"), ("only", "w")],
        Jaeger if has("uberctx-k") => vec![("k", "jaeger"), ("j", "1")],
        Session if has("baton-session-id") => vec![("session.id", "s-1")],
        _ => vec![],
    }
}

/// The baggage `formats` extracts onto `base`, and the conflicts met:
/// (ignored field, entries).
fn baggage_model(formats: &[Format], base: &[Entry], extra: &Carrier) -> BaggageModel {
    let mut out: Vec<(&str, &str)> = base.to_vec();
    let mut from_carrier: Vec<&str> = Vec::new();
    let mut conflicts = Vec::new();
    for f in formats {
        let mut conflicting = 0;
        for (k, v) in baggage_of(*f, extra) {
            if from_carrier.contains(&k) {
                let same = out.contains(&(k, v));
                conflicting += usize::from(!same);
                continue;
            }
            from_carrier.push(k);
            out.retain(|(old, _)| *old != k);
            out.push((k, v));
        }
        if conflicting > 0 {
            let field = if *f == Jaeger { "uberctx-*" } else { f.field() };
            conflicts.push((field, conflicting));
        }
    }
    let mut out: Vec<(String, String)> = out
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    out.sort();
    (out, conflicts)
}

fn sorted_baggage(cx: &Context) -> Vec<(String, String)> {
    let mut b: Vec<(String, String)> = cx
        .baggage()
        .iter()
        .map(|(k, v, _)| (k.to_owned(), v.to_owned()))
        .collect();
    b.sort();
    b
}

/// The context extracted onto: empty, or a remote parent of its own with
/// baggage (`k` among its keys).
fn bases() -> Vec<(&'static str, Context, Vec<Entry>)> {
    let own = SpanContext::new(
        TraceId::from_hex("11111111111111111111111111111111").unwrap(),
        SpanId::from_hex("2222222222222222").unwrap(),
        TraceFlags::from_bits(1),
    )
    .with_remote(true);
    let existing = Context::default()
        .with_span_context(own)
        .with_baggage("base", "1")
        .with_baggage("k", "base");
    vec![
        ("an empty context", Context::default(), vec![]),
        (
            "a context with a parent and baggage",
            existing,
            vec![("base", "1"), ("k", "base")],
        ),
    ]
}

/// The invalid headers `formats` is expected to report, one each.
fn expected_invalid(formats: &[Format], held: &[(Source, Held)]) -> usize {
    sources_read(formats)
        .into_iter()
        .filter(|s| {
            held.iter()
                .any(|(hs, h)| hs == s && matches!(h, Held::Invalid(_)))
        })
        .count()
}

/// Walks every composite over every case, baggage and base, and returns
/// the cells that broke the model.
fn walk(filter: impl Fn(&[Format], &Case) -> bool) -> Vec<String> {
    let mut failures = Vec::new();
    for formats in composites() {
        let composite = composite(&formats);
        let list = list_name(&formats);
        for case in cases().iter().filter(|c| filter(&formats, c)) {
            for (bag_name, extra) in baggage_headers() {
                let mut carrier = case.carrier.clone();
                carrier.extend(extra.iter().cloned());
                for (base_name, base, base_bag) in bases() {
                    let cell = format!("{list} × {} + {bag_name} onto {base_name}", case.name);
                    let (got, problems) = composite.extract_with_problems(&base, &carrier);
                    let mut wrong = Vec::new();
                    // The parent.
                    let (expected, conflicts) = model(&formats, &case.held);
                    match (&expected, got.span_context()) {
                        (Some(e), Some(sc)) => {
                            let seen = (
                                sc.trace_id().to_string(),
                                sc.span_id().to_string(),
                                sc.is_sampled(),
                                sc.is_debug(),
                                sc.is_remote(),
                            );
                            let want = (
                                e.trace.to_owned(),
                                e.span.to_owned(),
                                e.sampled,
                                e.debug,
                                true,
                            );
                            if seen != want {
                                wrong.push(format!("parent {seen:?}, expected {want:?}"));
                            }
                        }
                        (None, sc) => {
                            if sc != base.span_context() {
                                wrong.push(format!("parent {sc:?}, expected the base's"));
                            }
                        }
                        (Some(e), None) => wrong.push(format!("no parent, expected {e:?}")),
                    }
                    // A lone decision counts only where no parent is.
                    let lone = match (
                        expected.is_some() || base.span_context().is_some(),
                        case.lone,
                    ) {
                        (false, Some(d)) if formats.iter().any(|f| matches!(f, B3 | B3Multi)) => {
                            Some(d)
                        }
                        _ => None,
                    };
                    if got.remote_decision() != lone {
                        wrong.push(format!(
                            "remote decision {:?}, expected {lone:?}",
                            got.remote_decision()
                        ));
                    }
                    // The conflicts, naming the kept and the ignored format.
                    let mut seen_conflicts: Vec<Conflict> = problems
                        .iter()
                        .filter_map(|p| match p {
                            Problem::Conflict { kept, ignored, .. } => {
                                Some((true, *kept, *ignored))
                            }
                            Problem::SpanConflict { kept, ignored, .. } => {
                                Some((false, *kept, *ignored))
                            }
                            _ => None,
                        })
                        .collect();
                    let mut conflicts = conflicts;
                    seen_conflicts.sort();
                    conflicts.sort();
                    if seen_conflicts != conflicts {
                        wrong.push(format!(
                            "conflicts {seen_conflicts:?}, expected {conflicts:?}"
                        ));
                    }
                    // Invalid headers, one problem each.
                    let invalid = problems
                        .iter()
                        .filter(|p| matches!(p, Problem::Invalid(_)))
                        .count();
                    let want_invalid = expected_invalid(&formats, &case.held);
                    if invalid != want_invalid {
                        wrong.push(format!("{invalid} invalid, expected {want_invalid}"));
                    }
                    // Repeated fields.
                    let repeated: Vec<&str> = problems
                        .iter()
                        .filter_map(|p| match p {
                            Problem::Repeated { field, .. } => Some(*field),
                            _ => None,
                        })
                        .collect();
                    let want_repeated: Vec<&str> = case
                        .repeated
                        .filter(|(s, _)| formats.iter().any(|f| f.reads(*s)))
                        .map_or(vec![], |(_, f)| f.to_vec());
                    if repeated != want_repeated {
                        wrong.push(format!("repeated {repeated:?}, expected {want_repeated:?}"));
                    }
                    // Baggage, and its conflicts.
                    let (want_bag, bag_conflicts) = baggage_model(&formats, &base_bag, &extra);
                    if sorted_baggage(&got) != want_bag {
                        wrong.push(format!(
                            "baggage {:?}, expected {want_bag:?}",
                            sorted_baggage(&got)
                        ));
                    }
                    let seen_bag: Vec<(&str, usize)> = problems
                        .iter()
                        .filter_map(|p| match p {
                            Problem::BaggageConflict { ignored, entries } => {
                                Some((*ignored, *entries))
                            }
                            _ => None,
                        })
                        .collect();
                    if seen_bag != bag_conflicts {
                        wrong.push(format!(
                            "baggage conflicts {seen_bag:?}, expected {bag_conflicts:?}"
                        ));
                    }
                    // A lone decision beside the parent that won and says
                    // otherwise, named by the first B3 format.
                    let seen_beside: Vec<(&str, &str, Sampling)> = problems
                        .iter()
                        .filter_map(|p| match p {
                            Problem::DecisionBesideParent {
                                parent,
                                ignored,
                                ignored_decision,
                                ..
                            } => Some((*parent, *ignored, *ignored_decision)),
                            _ => None,
                        })
                        .collect();
                    let first_b3 = formats.iter().find(|f| matches!(f, B3 | B3Multi));
                    let want_beside: Vec<(&str, &str, Sampling)> =
                        match (&expected, case.lone, first_b3) {
                            (Some(e), Some(d), Some(b3)) => {
                                let same = match d {
                                    Sampling::Deny => !e.sampled,
                                    Sampling::Accept => e.sampled,
                                    Sampling::Debug => e.sampled && e.debug,
                                };
                                if same {
                                    vec![]
                                } else {
                                    vec![(e.kept_by.field(), b3.field(), d)]
                                }
                            }
                            _ => vec![],
                        };
                    if seen_beside != want_beside {
                        wrong.push(format!(
                            "decisions beside the parent {seen_beside:?}, expected {want_beside:?}"
                        ));
                    }
                    // Nothing else.
                    let accounted = seen_conflicts.len()
                        + invalid
                        + repeated.len()
                        + seen_bag.len()
                        + seen_beside.len();
                    if problems.len() != accounted {
                        wrong.push(format!("other problems: {problems:?}"));
                    }
                    // `extract` gives the same and reports each problem once.
                    let (reporting, kinds) = reported(|| composite.extract(&base, &carrier));
                    let want_kinds: Vec<DiagnosticKind> =
                        problems.iter().map(Problem::kind).collect();
                    if kinds != want_kinds {
                        wrong.push(format!("diagnostics {kinds:?}, expected {want_kinds:?}"));
                    }
                    if reporting.span_context() != got.span_context()
                        || sorted_baggage(&reporting) != sorted_baggage(&got)
                    {
                        wrong.push("extract and extract_with_problems differ".into());
                    }
                    if !wrong.is_empty() {
                        failures.push(format!("{cell}: {}", wrong.join("; ")));
                    }
                }
            }
        }
    }
    failures
}

#[test]
fn the_composites_are_the_lists_they_name() {
    for formats in composites() {
        from_list_agrees(&formats);
    }
}

#[test]
fn one_format_or_none_carrying_a_parent() {
    assert_none(walk(|_, c| c.held.len() <= 1 && c.lone.is_none()));
}

#[test]
fn two_formats_agreeing_or_not() {
    assert_none(walk(|_, c| c.held.len() == 2));
}

#[test]
fn lone_b3_decisions_beside_a_traceparent_or_alone() {
    assert_none(walk(|_, c| c.lone.is_some()));
}
