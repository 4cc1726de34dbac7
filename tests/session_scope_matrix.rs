//! An audit of session scopes, as tables: the `session.id` attribute of
//! spans started with an explicit parent from another scope, in every
//! carrier of a scope, and a session id of every shape through every set of
//! propagators that can carry it (or cannot, and say so).
//!
//! Sessions nested in sessions, in baggage, around baggage and under
//! `new_trace_context`, dropped in every order, are in
//! `tests/baggage_scope_matrix.rs`, whose model gives each exported span's
//! `session.id`.

mod common;
#[path = "common/thread_reports.rs"]
mod thread_reports;

use std::collections::HashMap;

use baton::propagation::{Composite, Propagator, SessionHeader, TraceContext, W3cBaggage};
use baton::{Baggage, Context, DiagnosticKind, FutureExt, SpanData, Value};
use thread_reports::reported;

fn session_attribute(span: &SpanData) -> Option<String> {
    match span.attribute("session.id") {
        Some(Value::String(s)) => Some(s.to_string()),
        None => None,
        Some(other) => panic!("session.id is not a string: {other:?}"),
    }
}

fn current_session() -> Option<String> {
    baton::current_session().map(|s| s.id().to_owned())
}

fn sessions_by_name(spans: &[SpanData]) -> HashMap<String, Option<String>> {
    spans
        .iter()
        .map(|s| (s.name.to_string(), session_attribute(s)))
        .collect()
}

// ---------------------------------------------------------------------------
// A span started with `.parent(&cx)`, `cx` captured in another scope.

/// The parent a case gives the span started inside session `s2`.
enum Parent {
    /// `cx` captured inside session `s1` (under a span, if `true`).
    InS1(bool),
    /// `cx` captured before any session.
    Outside,
    /// `Context::default()`.
    Empty,
    /// `.root()` rather than `.parent(..)`.
    Root,
    /// No parent given: the current context.
    Current,
}

/// Invariant 3, relaxed for an explicit parent: a span carries the baggage
/// of its *parent context*, which `.parent(&cx)` gives ("Uses `parent`'s
/// active span as the parent instead of the current context";
/// `tests/sampler_sees_the_parent_contexts_baggage.rs`: "the baggage of the
/// parent context, which the span will carry (a session's `session.id`
/// included)"), so its `session.id` is `cx`'s session, not the session
/// current where it starts; entered, that session is current inside it,
/// and the one around it comes back when its guard drops. `.root()` keeps
/// the current baggage and session (documented on `SpanBuilder::root`).
/// OpenTelemetry Python differs here (the entered span's context is built
/// on the *current* context, so its baggage stays current): see the report.
const EXPLICIT_PARENTS: &[(&str, Parent, Option<&str>)] = &[
    ("cx captured in s1", Parent::InS1(false), Some("s1")),
    (
        "cx captured in s1 under a span",
        Parent::InS1(true),
        Some("s1"),
    ),
    ("cx captured outside any session", Parent::Outside, None),
    ("Context::default()", Parent::Empty, None),
    (".root()", Parent::Root, Some("s2")),
    ("the current context", Parent::Current, Some("s2")),
];

#[test]
fn a_span_given_a_parent_from_another_scope_carries_that_scopes_session() {
    let mut expected = Vec::new();
    let spans = common::record(|| {
        for (i, (what, parent, session)) in EXPLICIT_PARENTS.iter().enumerate() {
            let outside = Context::current();
            let in_s1 = |under_span: bool| {
                let _s = baton::session("s1");
                let _g = under_span.then(|| baton::span(format!("{i} s1 parent")).enter());
                Context::current()
            };
            let cx = match parent {
                Parent::InS1(under_span) => Some(in_s1(*under_span)),
                Parent::Outside => Some(outside),
                Parent::Empty => Some(Context::default()),
                Parent::Root | Parent::Current => None,
            };
            let _s2 = baton::session("s2");
            let builder = baton::span(format!("{i} span"));
            let builder = match (parent, &cx) {
                (Parent::Root, _) => builder.root(),
                (_, Some(cx)) => builder.parent(cx),
                (_, None) => builder,
            };
            {
                let _g = builder.enter();
                assert_eq!(current_session().as_deref(), *session, "{what}: inside");
                baton::span(format!("{i} child")).start().end();
            }
            assert_eq!(current_session().as_deref(), Some("s2"), "{what}: after");
            baton::span(format!("{i} after")).start().end();
            expected.push((format!("{i} span"), *session, *what));
            expected.push((format!("{i} child"), *session, *what));
            expected.push((format!("{i} after"), Some("s2"), *what));
        }
    });
    let got = sessions_by_name(&spans);
    for (name, session, what) in expected {
        assert_eq!(got[&name].as_deref(), session, "{what}: {name}");
    }
}

// ---------------------------------------------------------------------------
// Invariant 3 in every carrier: spans started there carry the session the
// carrier was captured in, however late they start; none captured after.

/// Captures the current scope; the run starts a span named by its argument.
type Capture = fn() -> Box<dyn FnOnce(String)>;

const CARRIERS: &[(&str, Capture)] = &[
    ("copy_context_to_thread on another thread", || {
        let (send, recv) = std::sync::mpsc::channel::<String>();
        let job =
            baton::copy_context_to_thread(move || baton::in_span(recv.recv().unwrap(), || {}));
        Box::new(move |name| {
            send.send(name).unwrap();
            std::thread::spawn(job).join().unwrap();
        })
    }),
    ("copy_context_to_fn run twice on one worker", || {
        let job = baton::copy_context_to_fn(|name: String| baton::in_span(name, || {}));
        Box::new(move |name| {
            std::thread::spawn(move || {
                job(format!("{name} 1"));
                job(format!("{name} 2"));
            })
            .join()
            .unwrap()
        })
    }),
    ("baton::thread::spawn", || {
        let (send, recv) = std::sync::mpsc::channel::<String>();
        let handle = baton::thread::spawn(move || baton::in_span(recv.recv().unwrap(), || {}));
        Box::new(move |name| {
            send.send(name).unwrap();
            handle.join().unwrap();
        })
    }),
    ("in_current_context polled on this thread", || {
        let (send, recv) = std::sync::mpsc::channel::<String>();
        let fut = async move { baton::in_span(recv.recv().unwrap(), || {}) }.in_current_context();
        Box::new(move |name| {
            send.send(name).unwrap();
            common::block_on(fut);
        })
    }),
    ("in_current_context polled on another thread", || {
        let (send, recv) = std::sync::mpsc::channel::<String>();
        let fut = async move { baton::in_span(recv.recv().unwrap(), || {}) }.in_current_context();
        Box::new(move |name| {
            send.send(name).unwrap();
            std::thread::spawn(move || common::block_on(fut))
                .join()
                .unwrap();
        })
    }),
    ("in_span's child polled on another thread", || {
        let (send, recv) = std::sync::mpsc::channel::<String>();
        let fut = async move { baton::in_span(recv.recv().unwrap(), || {}) }
            .in_span(baton::span("carrier span"));
        Box::new(move |name| {
            send.send(name).unwrap();
            std::thread::spawn(move || common::block_on(fut))
                .join()
                .unwrap();
        })
    }),
    ("inject_context, then propagated_context elsewhere", || {
        let mut headers = HashMap::new();
        baton::inject_context(&mut headers);
        Box::new(move |name| {
            std::thread::spawn(move || {
                let _g = baton::propagated_context(&headers);
                baton::in_span(name, || {});
            })
            .join()
            .unwrap()
        })
    }),
];

#[test]
fn spans_started_in_every_carrier_carry_the_session_it_was_captured_in() {
    let mut expected = Vec::new();
    let spans = common::record(|| {
        for (i, (what, capture)) in CARRIERS.iter().enumerate() {
            let (in_outer, in_inner) = {
                let _outer = baton::session("outer");
                let in_outer = capture();
                let _b = baton::set_baggage("k", "v");
                let _inner = baton::session("inner");
                (in_outer, capture())
            };
            let after = capture();
            // Run in the reverse order of capture, after every scope ended.
            in_inner(format!("{i} inner"));
            in_outer(format!("{i} outer"));
            after(format!("{i} after"));
            assert_eq!(current_session(), None, "{what}: this thread");
            for (run, session) in [
                ("inner", Some("inner")),
                ("outer", Some("outer")),
                ("after", None),
            ] {
                expected.push((format!("{i} {run}"), session, *what));
            }
        }
    });
    let got = sessions_by_name(&spans);
    for (name, session, what) in expected {
        let names: Vec<_> = [name.clone(), format!("{name} 1"), format!("{name} 2")]
            .into_iter()
            .filter(|n| got.contains_key(n))
            .collect();
        assert!(!names.is_empty(), "{what}: {name} not exported");
        for n in names {
            assert_eq!(got[&n].as_deref(), session, "{what}: {n}");
        }
    }
    // The future's own span, too, was in the session it was wrapped in.
    let carrier_spans: Vec<_> = spans.iter().filter(|s| s.name == "carrier span").collect();
    let carried: Vec<_> = carrier_spans.iter().map(|s| session_attribute(s)).collect();
    assert_eq!(
        carried,
        [Some("inner".to_owned()), Some("outer".to_owned()), None],
        "in_span's own span"
    );
}

// ---------------------------------------------------------------------------
// Invariant 4 for the session: every shape of id through every set of
// propagators; carried whole by each format that can carry it, and a format
// that cannot says so at inject.

/// Session ids: what the session header takes is 1 to 256 bytes of visible
/// ASCII; what the baggage header takes is any text, percent-encoded, whose
/// member fits 8192 bytes (`session.id=` is 11 of them).
fn ids() -> Vec<(&'static str, String)> {
    vec![
        ("plain", "user-session-123".into()),
        ("plus", "a+b".into()),
        ("percent", "100%".into()),
        ("delimiters", "a,b;c=d".into()),
        ("space", "a b".into()),
        ("non-ASCII", "Zoë".into()),
        ("256 bytes", "x".repeat(256)),
        ("257 bytes", "x".repeat(257)),
        ("8181 bytes", "x".repeat(Baggage::MAX_BYTES - 11)),
        ("8182 bytes", "x".repeat(Baggage::MAX_BYTES - 10)),
    ]
}

fn header_carries(id: &str) -> bool {
    id.len() <= 256 && id.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

fn baggage_carries(id: &str) -> bool {
    baton::wire::baggage::entry_size("session.id", id, "") <= Baggage::MAX_BYTES
}

struct Formats {
    name: &'static str,
    baggage: bool,
    /// The session header's name, if the list has one.
    header: Option<&'static str>,
}

const FORMATS: &[Formats] = &[
    Formats {
        name: "tracecontext,baggage",
        baggage: true,
        header: None,
    },
    Formats {
        name: "tracecontext,session",
        baggage: false,
        header: Some("baton-session-id"),
    },
    Formats {
        name: "tracecontext,baggage,session",
        baggage: true,
        header: Some("baton-session-id"),
    },
    Formats {
        name: "session,baggage",
        baggage: true,
        header: Some("baton-session-id"),
    },
    Formats {
        name: "tracecontext,Mirascope-Session-Id",
        baggage: false,
        header: Some("Mirascope-Session-Id"),
    },
];

fn composite(f: &Formats) -> Composite {
    let mut list: Vec<Box<dyn Propagator>> = Vec::new();
    let session = f.header.map(|h| SessionHeader::new(h).unwrap());
    if f.name.starts_with("session") {
        list.push(Box::new(session.unwrap()));
    } else {
        list.push(Box::new(TraceContext));
    }
    if f.baggage {
        list.push(Box::new(W3cBaggage));
    }
    if let (Some(s), false) = (session, f.name.starts_with("session")) {
        list.push(Box::new(s));
    }
    Composite::new(list)
}

#[test]
fn every_session_id_round_trips_through_every_format_that_can_carry_it() {
    common::exporter();
    for f in FORMATS {
        let p = composite(f);
        for (shape, id) in ids() {
            let what = format!("{} × {shape}", f.name);
            let _span = baton::span("sender").enter();
            let (_s, at_start) = reported(|| baton::session(&id));
            assert_eq!(at_start, [], "{what}: session() alone");
            assert_eq!(current_session().as_deref(), Some(id.as_str()), "{what}");
            let (headers, at_inject) = reported(|| {
                let mut headers = HashMap::new();
                p.inject(&Context::current(), &mut headers);
                headers
            });
            let by_baggage = f.baggage && baggage_carries(&id);
            let by_header = f.header.is_some() && header_carries(&id);
            // What a format cannot carry is reported, never silently lost.
            let cannot = usize::from(f.baggage && !by_baggage)
                + usize::from(f.header.is_some() && !by_header);
            assert_eq!(at_inject.len(), cannot, "{what}: {at_inject:?}");
            if let Some(h) = f.header {
                let sent = headers.get(&h.to_ascii_lowercase());
                assert_eq!(sent, by_header.then_some(&id), "{what}: the session header");
            }
            if f.baggage {
                assert_eq!(headers.contains_key("baggage"), by_baggage, "{what}");
            }
            let (back, at_extract) = reported(|| p.extract(&Context::default(), &headers));
            assert_eq!(at_extract, [], "{what}: extract");
            let want = (by_baggage || by_header).then_some(id.as_str());
            assert_eq!(
                back.session().as_ref().map(|s| s.id()),
                want,
                "{what}: extracted"
            );
            // And a span started in what was extracted carries it.
            let _in = back.attach();
            let child = baton::span("receiver").start();
            assert_eq!(
                child.context().session().as_ref().map(|s| s.id()),
                want,
                "{what}: receiver span"
            );
        }
    }
}

/// A session header and a `baggage` header in one carrier: when they agree
/// nothing is reported; when they disagree the first format listed wins
/// and it is a conflict. Extracted inside a session, the carrier's session
/// wins over the current one, and a carrier without one keeps it.
#[test]
fn a_session_extracted_inside_a_session() {
    common::exporter();
    let both = |baggage: &str, header: &str| {
        HashMap::from([
            ("baggage".to_string(), format!("session.id={baggage}")),
            ("baton-session-id".to_string(), header.to_string()),
        ])
    };
    // (case, carrier, the session extracted, conflicts reported)
    type Case = (
        &'static str,
        HashMap<String, String>,
        Option<&'static str>,
        usize,
    );
    let cases: [Case; 4] = [
        ("agree", both("s1", "s1"), Some("s1"), 0),
        ("disagree", both("s1", "s2"), Some("s1"), 1),
        (
            "baggage alone",
            HashMap::from([("baggage".into(), "session.id=s3".into())]),
            Some("s3"),
            0,
        ),
        (
            "neither",
            HashMap::from([("baggage".into(), "k=v".into())]),
            Some("current"),
            0,
        ),
    ];
    let p = composite(&FORMATS[2]);
    let _current = baton::session("current");
    for (what, carrier, want, conflicts) in cases {
        let (cx, reports) = reported(|| p.extract(&Context::current(), &carrier));
        assert_eq!(cx.session().as_ref().map(|s| s.id()), want, "{what}");
        assert_eq!(
            reports
                .iter()
                .filter(|k| **k == DiagnosticKind::ConflictingContext)
                .count(),
            conflicts,
            "{what}: {reports:?}"
        );
        assert_eq!(reports.len(), conflicts, "{what}: {reports:?}");
    }
    assert_eq!(current_session().as_deref(), Some("current"));
}

/// A `session.id` entry with properties (set from a received header, or
/// with `Baggage::try_insert`) comes back whole, properties included,
/// through every list that has `baggage`, whatever its place in the list,
/// and nothing is reported. Found: with `session,baggage` the session
/// header, which has no place for properties, won and the `baggage`
/// header's were lost, reported as a conflict
/// (`tests/composite_baggage_properties_complete_the_entry_a_format_without_them_gave.rs`).
#[test]
fn a_session_with_properties_round_trips_through_every_list_with_baggage() {
    common::exporter();
    for f in FORMATS.iter().filter(|f| f.baggage) {
        let p = composite(f);
        let sent = Baggage::default()
            .try_insert("k", "v", "")
            .unwrap()
            .try_insert("session.id", "s1", "ttl=60;private")
            .unwrap();
        let (back, reports) = reported(|| {
            let mut headers = HashMap::new();
            p.inject(
                &Context::default().with_baggage_replaced(sent.clone()),
                &mut headers,
            );
            p.extract(&Context::default(), &headers)
        });
        // Invariant 5, relaxed: an extract inserts entries format by
        // format in the list's order (a composite's formats each add to
        // what the earlier ones gave), so with `session` first
        // `session.id` comes first: insertion order, as documented, of the
        // extract's own insertions. Nothing documents an order across
        // formats.
        let mut want: Vec<_> = sent.iter().collect();
        if f.name.starts_with("session") {
            want.sort_by_key(|(k, _, _)| *k != "session.id");
        }
        assert_eq!(
            back.baggage().iter().collect::<Vec<_>>(),
            want,
            "{}",
            f.name
        );
        assert_eq!(reports, [], "{}", f.name);
    }
}

/// A session a wrapped future starts and holds across `.await` (reported:
/// `guard-held-across-await`; the guard is `!Send`, so such a future stays
/// on its thread) is its own: neither the thread that polled it nor another
/// future polled between sees it, and it sees it again on its next poll;
/// spans it starts carry it.
#[test]
fn a_session_held_across_await_stays_with_its_future() {
    let spans = common::record(|| {
        let _outer = baton::session("outer");
        let future = |id: &'static str| {
            Box::pin(
                async move {
                    let _s = baton::session(id);
                    common::YieldN(1).await;
                    baton::in_span(format!("{id} after await"), || {});
                    current_session()
                }
                .in_current_context(),
            )
        };
        let (mut a, mut b) = (future("a"), future("b"));
        let ((), reports) = reported(|| {
            assert!(common::poll_once(a.as_mut()).is_pending());
            assert!(common::poll_once(b.as_mut()).is_pending());
        });
        assert_eq!(
            reports,
            [DiagnosticKind::GuardHeldAcrossAwait; 2],
            "{reports:?}"
        );
        assert_eq!(current_session().as_deref(), Some("outer"), "between polls");
        baton::span("between polls").start().end();
        assert_eq!(common::block_on(b).as_deref(), Some("b"));
        assert_eq!(common::block_on(a).as_deref(), Some("a"));
        assert_eq!(current_session().as_deref(), Some("outer"), "after");
    });
    let got = sessions_by_name(&spans);
    for (name, session) in [
        ("a after await", "a"),
        ("b after await", "b"),
        ("between polls", "outer"),
    ] {
        assert_eq!(got[name].as_deref(), Some(session), "{name}");
    }
}
