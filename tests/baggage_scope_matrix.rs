//! An audit of baggage scopes, as a state matrix: every sequence of scopes
//! (`set_baggage`, `session`, `Context::with_baggage(..).attach()`, an
//! entered span, `new_trace_context`) dropped in every order; every carrier
//! of a scope (the thread, `copy_context_to_thread`, `copy_context_to_fn`
//! run twice, `thread::spawn`, futures polled here and elsewhere,
//! inject/extract) captured inside and after it; and the W3C limits and
//! values at and past each edge.
//!
//! Invariants checked (each can fail):
//! 1. no panic;
//! 2. a guard dropped in order gives back what was there before; a carrier
//!    captured inside a scope sees it after the scope ended, one captured
//!    after does not;
//! 3. every span started in a session has `session.id` = the innermost
//!    session's id, and none outside;
//! 4. inject then extract gives every entry back byte for byte within the
//!    limits, and past a limit what is left out is reported;
//! 5. baggage iterates in insertion order, a replaced key in its place.

mod common;
#[path = "common/thread_reports.rs"]
mod thread_reports;

use std::collections::HashMap;

use baton::propagation::{Composite, Propagator, TraceContext, W3cBaggage};
use baton::{Baggage, Context, DiagnosticKind, FutureExt, SpanData, Value};
use thread_reports::reported;

// ---------------------------------------------------------------------------
// Diagnostics, counted on the thread that raised them (tests run in
// parallel in this process).

fn count(reports: &[DiagnosticKind], kind: DiagnosticKind) -> usize {
    reports.iter().filter(|k| **k == kind).count()
}

/// The current baggage as owned (key, value, properties), in order.
fn current_entries() -> Vec<(String, String, String)> {
    entries(Context::current().baggage())
}

fn entries(b: &Baggage) -> Vec<(String, String, String)> {
    b.iter()
        .map(|(k, v, p)| (k.to_owned(), v.to_owned(), p.to_owned()))
        .collect()
}

fn session_attribute(span: &SpanData) -> Option<String> {
    match span.attribute("session.id") {
        Some(Value::String(s)) => Some(s.to_string()),
        None => None,
        Some(other) => panic!("session.id is not a string: {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Invariants 2, 3, 5 on one thread: every sequence of three scopes, dropped
// in every order, against a model.

/// One scope opened on the current thread.
#[derive(Clone, Copy, Debug)]
enum Scope {
    /// `baton::set_baggage(key, value)`.
    Set(&'static str, &'static str),
    /// `baton::session(id)`.
    Session(&'static str),
    /// `Context::current().with_baggage(key, value).attach()`.
    Attach(&'static str, &'static str),
    /// `baton::span(..).enter()`: the baggage is unchanged.
    Span,
    /// `baton::new_trace_context()`: no baggage, no session, documented
    /// ("there is no current span, baggage or session").
    NewTrace,
}

const SCOPES: [Scope; 8] = [
    Scope::Set("k", "1"),
    // An empty `session.id` is no session (`Session`: "an empty
    // `session.id` entry ... is no session"): it hides the one around it.
    Scope::Set("session.id", ""),
    Scope::Set("j", "2"),
    Scope::Session("s1"),
    Scope::Session("s2"),
    Scope::Attach("k", "3"),
    Scope::Span,
    Scope::NewTrace,
];

type Entries = Vec<(String, String, String)>;

/// What the model says `scope` makes of `before`: set keys keep their
/// place (invariant 5), new ones go last.
fn model(before: &Entries, scope: Scope) -> Entries {
    let set = |key: &str, value: &str| {
        let mut out = before.clone();
        match out.iter_mut().find(|(k, _, _)| k == key) {
            Some(e) => e.1 = value.to_owned(),
            None => out.push((key.to_owned(), value.to_owned(), String::new())),
        }
        out
    };
    match scope {
        Scope::Set(k, v) | Scope::Attach(k, v) => set(k, v),
        Scope::Session(id) => set("session.id", id),
        Scope::Span => before.clone(),
        Scope::NewTrace => Vec::new(),
    }
}

/// A scope's guard, held only to be dropped.
enum Guard {
    Context(#[allow(dead_code)] baton::ContextGuard),
    Span(#[allow(dead_code)] baton::SpanGuard),
}

fn open(scope: Scope, name: &str) -> Guard {
    match scope {
        Scope::Set(k, v) => Guard::Context(baton::set_baggage(k, v)),
        Scope::Session(id) => Guard::Context(baton::session(id)),
        Scope::Attach(k, v) => Guard::Context(Context::current().with_baggage(k, v).attach()),
        Scope::Span => Guard::Span(baton::span(name.to_owned()).enter()),
        Scope::NewTrace => Guard::Context(baton::new_trace_context()),
    }
}

/// Checks the current scope against `expected` and starts a span named
/// `probe`, whose `session.id` is checked once exported.
fn check_here(expected: &Entries, probe: String, probes: &mut Vec<(String, Option<String>)>) {
    let what = &probe;
    assert_eq!(&current_entries(), expected, "{what}: baggage");
    let session = expected
        .iter()
        .find(|(k, v, _)| k == "session.id" && !v.is_empty())
        .map(|(_, v, _)| v.clone());
    assert_eq!(
        baton::current_session().map(|s| s.id().to_owned()),
        session,
        "{what}: current_session"
    );
    for (k, v, _) in expected {
        assert_eq!(
            baton::baggage(k).as_deref(),
            Some(v.as_str()),
            "{what}: {k}"
        );
    }
    baton::span(probe.clone()).start().end();
    probes.push((probe, session));
}

/// All permutations of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for at in 0..=p.len() {
            let mut q = p.clone();
            q.insert(at, n - 1);
            out.push(q);
        }
    }
    out
}

#[test]
fn every_sequence_of_three_scopes_dropped_in_every_order_matches_the_model() {
    let mut probes = Vec::new();
    let spans = common::record(|| {
        let base = baton::set_baggage("base", "b");
        let base_entries = current_entries();
        let mut case = 0;
        for a in SCOPES {
            for b in SCOPES {
                for c in SCOPES {
                    let seq = [a, b, c];
                    for order in permutations(3) {
                        case += 1;
                        // The model: frame i holds what scopes 0..=i made;
                        // the current context is the top live frame
                        // (README: "the stack stays consistent"; DESIGN:
                        // "the current context is the top *live* frame").
                        let mut frames = vec![base_entries.clone()];
                        for s in seq {
                            let next = model(frames.last().unwrap(), s);
                            frames.push(next);
                        }
                        let mut guards: Vec<Option<Guard>> = Vec::new();
                        for (i, s) in seq.iter().enumerate() {
                            guards.push(Some(open(*s, &format!("scope{case}.{i}"))));
                            check_here(
                                &frames[i + 1],
                                format!("c{case} {seq:?} open {i}"),
                                &mut probes,
                            );
                        }
                        let mut live = [true; 3];
                        for (step, &i) in order.iter().enumerate() {
                            let out_of_order = live[i + 1..].iter().any(|l| *l);
                            let ((), reports) = reported(|| drop(guards[i].take()));
                            live[i] = false;
                            assert_eq!(
                                count(&reports, DiagnosticKind::GuardDroppedOutOfOrder),
                                usize::from(out_of_order),
                                "c{case} {seq:?} drop order {order:?} step {step}: {reports:?}"
                            );
                            let top = live.iter().rposition(|l| *l).map_or(0, |t| t + 1);
                            check_here(
                                &frames[top],
                                format!("c{case} {seq:?} order {order:?} after drop {step}"),
                                &mut probes,
                            );
                        }
                    }
                }
            }
        }
        drop(base);
        assert!(current_entries().is_empty());
    });
    let cases = SCOPES.len().pow(3) * permutations(3).len();
    assert_eq!(
        probes.len(),
        cases * 6,
        "every case opened and dropped 3 scopes"
    );
    // Invariant 3 on the exported spans: each probe carries the session of
    // the scope it was started in, and no other span carries another.
    let by_name: HashMap<&str, &SpanData> = spans.iter().map(|s| (&*s.name, s)).collect();
    for (probe, session) in &probes {
        let span = by_name
            .get(probe.as_str())
            .unwrap_or_else(|| panic!("{probe}: not exported"));
        assert_eq!(
            &session_attribute(span),
            session,
            "{probe}: exported session.id"
        );
    }
}

// ---------------------------------------------------------------------------
// Invariant 2 across carriers: captured inside a scope, run after it ended.

/// A way to carry the current scope somewhere: `capture` runs in the scope
/// (or after it), and gives a run that reports the baggage `k` seen there
/// and the session.
struct Carrier {
    name: &'static str,
    capture: fn() -> Box<dyn FnOnce() -> Vec<Seen>>,
}

/// What a run saw: `baggage("k")` and `current_session()`.
type Seen = (Option<String>, Option<String>);

fn seen() -> Seen {
    (
        baton::baggage("k"),
        baton::current_session().map(|s| s.id().to_owned()),
    )
}

fn default_propagators() -> Composite {
    Composite::new(vec![Box::new(TraceContext), Box::new(W3cBaggage)])
}

const CARRIERS: &[Carrier] = &[
    Carrier {
        name: "a snapshot attached on this thread",
        capture: || {
            let cx = Context::current();
            Box::new(move || {
                let _g = cx.attach();
                vec![seen()]
            })
        },
    },
    Carrier {
        name: "copy_context_to_thread run on another thread",
        capture: || {
            let job = baton::copy_context_to_thread(seen);
            Box::new(move || vec![std::thread::spawn(job).join().unwrap()])
        },
    },
    Carrier {
        name: "copy_context_to_thread run on this thread",
        capture: || {
            let job = baton::copy_context_to_thread(seen);
            Box::new(move || vec![job()])
        },
    },
    Carrier {
        name: "copy_context_to_fn run twice on one worker",
        capture: || {
            let job = baton::copy_context_to_fn(|()| seen());
            Box::new(move || {
                std::thread::spawn(move || vec![job(()), job(())])
                    .join()
                    .unwrap()
            })
        },
    },
    Carrier {
        name: "baton::thread::spawn, read once the scope ended",
        capture: || {
            let (go, wait) = std::sync::mpsc::channel::<()>();
            let handle = baton::thread::spawn(move || {
                wait.recv().unwrap();
                seen()
            });
            Box::new(move || {
                go.send(()).unwrap();
                vec![handle.join().unwrap()]
            })
        },
    },
    Carrier {
        name: "in_current_context polled on this thread",
        capture: || {
            let fut = async { seen() }.in_current_context();
            Box::new(move || vec![common::block_on(fut)])
        },
    },
    Carrier {
        name: "in_current_context polled on another thread",
        capture: || {
            let fut = async { seen() }.in_current_context();
            Box::new(move || {
                vec![std::thread::spawn(move || common::block_on(fut))
                    .join()
                    .unwrap()]
            })
        },
    },
    Carrier {
        name: "in_span polled on this thread, first poll before the scope ended",
        capture: || {
            let mut fut = Box::pin(
                async {
                    let first = seen();
                    common::YieldN(1).await;
                    (first, seen())
                }
                .in_span(baton::span("carried")),
            );
            assert!(common::poll_once(fut.as_mut()).is_pending());
            Box::new(move || {
                let (first, second) = common::block_on(fut);
                vec![first, second]
            })
        },
    },
    Carrier {
        name: "in_span polled on another thread",
        capture: || {
            let fut = async { seen() }.in_span(baton::span("carried"));
            Box::new(move || {
                vec![std::thread::spawn(move || common::block_on(fut))
                    .join()
                    .unwrap()]
            })
        },
    },
    Carrier {
        name: "inject_context then extract_context",
        capture: || {
            let mut headers = HashMap::new();
            baton::inject_context(&mut headers);
            Box::new(move || {
                let cx = baton::extract_context(&headers);
                let _g = cx.attach();
                vec![seen()]
            })
        },
    },
    Carrier {
        name: "tracecontext,baggage inject then propagated_context",
        capture: || {
            let mut headers = HashMap::new();
            default_propagators().inject(&Context::current(), &mut headers);
            Box::new(move || {
                let cx = default_propagators().extract(&Context::current(), &headers);
                let _g = cx.attach();
                vec![seen()]
            })
        },
    },
];

#[test]
fn every_carrier_keeps_the_scope_it_was_captured_in_and_only_that() {
    common::exporter();
    for carrier in CARRIERS {
        let name = carrier.name;
        // Scopes: baggage then a session, nested in an outer baggage.
        let _outer = baton::set_baggage("outer", "o");
        let (inside, in_inner_session) = {
            let _k = baton::set_baggage("k", "v");
            let inside = (carrier.capture)();
            let in_inner_session = {
                let _s = baton::session("s-inner");
                let _k2 = baton::set_baggage("k", "v2");
                (carrier.capture)()
            };
            (inside, in_inner_session)
        };
        let after = (carrier.capture)();
        // Every run happens after the scopes it was captured in ended.
        assert_eq!(baton::baggage("k"), None, "{name}: scope ended");
        let want = |n: usize, s: Seen| vec![s; n];
        let got = inside();
        assert_eq!(
            got,
            want(got.len(), (Some("v".into()), None)),
            "{name}: captured inside"
        );
        let got = in_inner_session();
        assert_eq!(
            got,
            want(got.len(), (Some("v2".into()), Some("s-inner".into()))),
            "{name}: captured inside the session"
        );
        let got = after();
        assert_eq!(got, want(got.len(), (None, None)), "{name}: captured after");
        // Running a carrier leaves this thread's scope as it was.
        assert_eq!(
            current_entries(),
            [("outer".into(), "o".into(), String::new())],
            "{name}: this thread after the runs"
        );
    }
}

// ---------------------------------------------------------------------------
// Invariant 4 and 5: values and properties round-trip, in order.

/// Values to round-trip. W3C Baggage percent-encodes what is not a
/// `baggage-octet`; a space must be `%20`, never `+` (OpenTelemetry
/// Python's `quote_plus`/`unquote_plus` bug), and `+` must come back `+`.
const VALUES: &[&str] = &[
    "plain",
    "a b",
    "100%",
    "%20",
    "a,b",
    "a;b",
    "a=b",
    "a+b",
    "+ +",
    "Zoë ☃ 日本",
    "",
    " lead and trail ",
    "tab\there",
    "quote\"back\\slash",
    "%zz%",
    "\u{7f}\u{1}",
];

#[test]
fn every_value_round_trips_byte_for_byte_in_order_through_the_default_propagators() {
    common::exporter();
    for via_global in [false, true] {
        let mut b = Baggage::default();
        for (i, v) in VALUES.iter().enumerate() {
            b = b.try_insert(&format!("k{i}"), v, "").unwrap();
        }
        // With properties, W3C grammar: kept as their raw text.
        b = b.try_insert("p", "x y", "p1;p2=x").unwrap();
        // A replaced key keeps its place (Baggage: "replaces its value in
        // place").
        b = b.try_insert("k0", "replaced", "q=1").unwrap();
        let _g = Context::current().with_baggage_replaced(b.clone()).attach();
        let ((headers, back), reports) = reported(|| {
            let mut headers = HashMap::new();
            if via_global {
                baton::inject_context(&mut headers);
            } else {
                default_propagators().inject(&Context::current(), &mut headers);
            }
            let back = if via_global {
                let _empty = baton::new_trace_context();
                baton::extract_context(&headers)
            } else {
                default_propagators().extract(&Context::default(), &headers)
            };
            (headers, back)
        });
        assert_eq!(reports, [], "via_global {via_global}: {headers:?}");
        let header = &headers["baggage"];
        assert!(!header.contains('+'), "a `+` on the wire: {header}");
        assert!(!header.contains(' '), "a space on the wire: {header}");
        assert!(header.contains("k1=a%20b"), "{header}");
        assert_eq!(entries(back.baggage()), entries(&b), "{header}");
        assert_eq!(
            entries(&b)[0],
            ("k0".into(), "replaced".into(), "q=1".into())
        );
    }
}

/// Invalid keys through every way of setting one: refused, reported, and
/// nothing else changes.
#[test]
fn invalid_keys_are_reported_and_change_nothing() {
    let _g = baton::set_baggage("kept", "1");
    for key in [
        "", "a b", "a,b", "a=b", "a;b", "ключ", "a\"b", "(x)", "a\tb",
    ] {
        let before = current_entries();
        let (guards, reports) = reported(|| {
            (
                baton::set_baggage(key, "v"),
                Context::current().with_baggage(key, "v").attach(),
            )
        });
        assert_eq!(
            count(&reports, DiagnosticKind::InvalidArgument),
            2,
            "{key:?}: {reports:?}"
        );
        assert_eq!(current_entries(), before, "{key:?}");
        drop(guards);
    }
}

// ---------------------------------------------------------------------------
// Invariant 4 at the edges: 64 members and 8192 bytes, through
// `set_baggage` and through extract, at and one past each.

fn member_header(n: usize) -> String {
    (0..n)
        .map(|i| format!("m{i}=v"))
        .collect::<Vec<_>>()
        .join(",")
}

/// One member of `bytes` bytes as the header writes it: `k=xxx…`.
fn sized_member(bytes: usize) -> String {
    format!("k={}", "x".repeat(bytes - 2))
}

#[test]
fn members_at_and_past_the_limit_through_set_baggage() {
    common::exporter();
    for n in [Baggage::MAX_MEMBERS, Baggage::MAX_MEMBERS + 1] {
        let ((guards, headers), reports) = reported(|| {
            let guards: Vec<_> = (0..n)
                .map(|i| baton::set_baggage(&format!("m{i}"), "v"))
                .collect();
            let mut headers = HashMap::new();
            default_propagators().inject(&Context::current(), &mut headers);
            (guards, headers)
        });
        let kept = n.min(Baggage::MAX_MEMBERS);
        assert_eq!(Context::current().baggage().len(), kept, "{n}");
        assert_eq!(headers["baggage"], member_header(kept), "{n}");
        // The one past the limit is refused when set, and said so.
        assert_eq!(
            count(&reports, DiagnosticKind::InvalidArgument),
            n - kept,
            "{n}: {reports:?}"
        );
        // A full baggage still takes a new value for a key it has, in place.
        let _replace = baton::set_baggage("m0", "w");
        assert_eq!(baton::baggage("m0").as_deref(), Some("w"));
        drop(_replace);
        for g in guards.into_iter().rev() {
            drop(g);
        }
        assert!(current_entries().is_empty());
    }
}

#[test]
fn bytes_at_and_past_the_limit_through_set_baggage_and_inject() {
    common::exporter();
    for size in [Baggage::MAX_BYTES, Baggage::MAX_BYTES + 1] {
        let value = sized_member(size)[2..].to_owned();
        let _small = baton::set_baggage("a", "1");
        let _big = baton::set_baggage("k", &value);
        // Setting is not limited by bytes (only the header is): the value
        // is current here whole.
        assert_eq!(baton::baggage("k").as_deref(), Some(value.as_str()));
        let (headers, reports) = reported(|| {
            let mut headers = HashMap::new();
            default_propagators().inject(&Context::current(), &mut headers);
            headers
        });
        // Together with `a=1,` the big member is past the limit either way:
        // left out of the header, and reported; `a` still goes.
        assert_eq!(headers["baggage"], "a=1", "{size}");
        assert_eq!(count(&reports, DiagnosticKind::LimitExceeded), 1, "{size}");
        drop(_big);
        // Alone, it fits exactly at the limit, and one byte past it does not.
        let _alone = baton::new_trace_context();
        let _big = baton::set_baggage("k", &value);
        let (headers, reports) = reported(|| {
            let mut headers = HashMap::new();
            default_propagators().inject(&Context::current(), &mut headers);
            headers
        });
        if size <= Baggage::MAX_BYTES {
            assert_eq!(headers["baggage"].len(), Baggage::MAX_BYTES);
            assert_eq!(reports, []);
        } else {
            assert_eq!(headers.get("baggage"), None);
            assert_eq!(count(&reports, DiagnosticKind::LimitExceeded), 1);
        }
    }
}

#[test]
fn members_and_bytes_at_and_past_the_limits_through_extract() {
    common::exporter();
    // Sizes count values as the header writes them at their smallest: a
    // `+` is one byte (written back as it came where `%2B` would not fit),
    // an escape three.
    let escaped = |unit: &str, n: usize, extra: &str| format!("k={}{extra}", unit.repeat(n));
    let cases: [(&str, String, usize); 8] = [
        ("64 members", member_header(64), 64),
        ("65 members", member_header(65), 64),
        ("8192 bytes", sized_member(Baggage::MAX_BYTES), 1),
        ("8193 bytes", sized_member(Baggage::MAX_BYTES + 1), 0),
        ("8192 bytes of +", escaped("+", 8190, ""), 1),
        ("8193 bytes of +", escaped("+", 8191, ""), 0),
        ("8192 bytes of %20", escaped("%20", 2730, ""), 1),
        ("8193 bytes of %20", escaped("%20", 2730, "x"), 0),
    ];
    for (what, header, kept) in cases {
        let headers = HashMap::from([("baggage".to_string(), header.clone())]);
        let (cx, reports) = reported(|| {
            let _empty = baton::new_trace_context();
            baton::extract_context(&headers)
        });
        let got = cx.baggage();
        assert_eq!(got.len(), kept, "{what}");
        let sent: Vec<_> = baton::wire::baggage::parse_lines([header.as_str()])
            .baggage
            .iter()
            .map(|e| e.0.to_owned())
            .collect();
        let lost = header.split(',').count() - kept;
        assert_eq!(
            count(&reports, DiagnosticKind::LimitExceeded),
            usize::from(lost > 0),
            "{what}: {reports:?}"
        );
        // What is kept is the first members, in order.
        assert!(
            got.iter()
                .map(|e| e.0)
                .eq(sent.iter().map(|s| s.as_str()).take(kept)),
            "{what}"
        );
        // And what is kept goes on whole.
        let mut again = HashMap::new();
        default_propagators().inject(&cx, &mut again);
        if kept > 0 {
            assert_eq!(
                again["baggage"],
                header.split(',').take(kept).collect::<Vec<_>>().join(",")
            );
        }
    }
}

/// Extracting inside a scope adds to its baggage within the limits for the
/// sum; the scope's own entries are kept first.
#[test]
fn extract_inside_a_full_scope_keeps_the_scope_and_reports_the_rest() {
    common::exporter();
    let _g = baton::set_baggage("mine", "1");
    let headers = HashMap::from([("baggage".to_string(), member_header(64))]);
    let (guard, reports) = reported(|| baton::propagated_context(&headers));
    assert_eq!(Context::current().baggage().len(), 64);
    assert_eq!(baton::baggage("mine").as_deref(), Some("1"));
    assert_eq!(baton::baggage("m62").as_deref(), Some("v"));
    assert_eq!(baton::baggage("m63"), None);
    assert_eq!(
        count(&reports, DiagnosticKind::LimitExceeded),
        1,
        "{reports:?}"
    );
    drop(guard);
    assert_eq!(
        current_entries(),
        [("mine".into(), "1".into(), String::new())]
    );
}
