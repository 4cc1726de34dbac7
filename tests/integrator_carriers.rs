//! An integrator's message envelope as a carrier: a queue message whose
//! headers are byte values under names kept as the producer spelled them
//! (Kafka, AMQP and NATS headers are such lists), implementing baton's
//! `Injector` and `Extractor` as their docs describe, and carried through
//! every format at once.

use baton::propagation::{Composite, Extractor, Injector, Jaeger, Problem, Propagator};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId, TraceState};

/// A message envelope: header lines in order, byte values, names as given.
#[derive(Clone, Debug, Default, PartialEq)]
struct Envelope {
    headers: Vec<(String, Vec<u8>)>,
}

impl Envelope {
    fn with(lines: &[(&str, &str)]) -> Envelope {
        Envelope {
            headers: lines
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
                .collect(),
        }
    }

    fn text(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8(v.clone()).unwrap()))
            .collect()
    }
}

/// Follows the trait docs: `set` replaces every earlier value of the field
/// whatever its case, `remove_field` and `remove_with_prefix` remove.
impl Injector for Envelope {
    fn set(&mut self, key: &str, value: String) {
        self.remove_field(key);
        self.headers.push((key.to_owned(), value.into_bytes()));
    }

    fn remove_field(&mut self, key: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
    }

    fn remove_with_prefix(&mut self, prefix: &str) {
        self.headers.retain(|(k, _)| {
            !k.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        });
    }
}

/// Follows the trait docs: "Names match case-insensitively", every value
/// of a repeated field in order; values that are not UTF-8 are skipped.
/// Only the two required methods: the others are the trait's defaults.
impl Extractor for Envelope {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        for (k, v) in &self.headers {
            if k.eq_ignore_ascii_case(key) {
                if let Ok(v) = std::str::from_utf8(v) {
                    f(v);
                }
            }
        }
    }

    fn keys(&self, f: &mut dyn FnMut(&str)) {
        self.headers.iter().for_each(|(k, _)| f(k));
    }
}

const EVERY_FORMAT: &str = "tracecontext,baggage,b3,b3multi,jaeger,session";

/// A sampled, non-debug parent with a tracestate, baggage and a session.
fn parent() -> Context {
    let state = TraceState::default().insert("vendor", "v1").unwrap();
    let sc = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::from_bits(1),
    )
    .with_trace_state(state);
    Context::default()
        .with_span_context(sc)
        .with_baggage("tenant", "acme")
        .with_baggage("session.id", "chat-42")
}

/// The envelope gets what the crate's own `Vec<(String, String)>` carrier
/// gets, field for field, and extracting from it gives the context back
/// through every format at once, without a problem.
#[test]
fn every_format_round_trips_through_the_envelope() {
    let p = Composite::from_list(EVERY_FORMAT).unwrap();
    let cx = parent();

    let mut envelope = Envelope::default();
    p.inject(&cx, &mut envelope);
    let mut lines: Vec<(String, String)> = Vec::new();
    p.inject(&cx, &mut lines);
    assert_eq!(envelope.text(), lines);
    // "Propagators always pass lowercase names."
    for (k, _) in &lines {
        assert_eq!(k, &k.to_ascii_lowercase(), "{k}");
    }

    let (got, problems) = p.extract_with_problems(&Context::default(), &envelope);
    assert!(problems.is_empty(), "{problems:?}");
    let sc = got.span_context().unwrap();
    let want = cx.span_context().unwrap();
    assert_eq!(
        (sc.trace_id(), sc.span_id()),
        (want.trace_id(), want.span_id())
    );
    assert!(sc.is_remote() && sc.flags().is_sampled());
    assert_eq!(sc.trace_state().get("vendor"), Some("v1"));
    assert_eq!(got.baggage().get("tenant"), Some("acme"));
    assert_eq!(got.session().unwrap().id(), "chat-42");
}

/// An envelope copied from the message it answers (or a retried message's)
/// holds another context's fields in other cases; inject leaves only the
/// new context's, as `Injector`'s doc promises.
#[test]
fn inject_into_a_reused_envelope_leaves_nothing_of_the_old_context() {
    let p = Composite::from_list(EVERY_FORMAT).unwrap();
    let mut envelope = Envelope::with(&[
        ("content-type", "application/json"),
        (
            "TraceParent",
            "00-11111111111111111111111111111111-2222222222222222-01",
        ),
        ("TraceState", "old=1"),
        ("Baggage", "stale=1"),
        ("B3", "11111111111111111111111111111111-2222222222222222-1"),
        ("X-B3-TraceId", "11111111111111111111111111111111"),
        ("X-B3-ParentSpanId", "3333333333333333"),
        (
            "Uber-Trace-Id",
            "11111111111111111111111111111111:2222222222222222:0:1",
        ),
        ("UberCtx-Stale", "1"),
        ("Baton-Session-Id", "old-session"),
    ]);
    // A root with no tracestate, baggage or session.
    let root = Context::default().with_span_context(SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::from_bits(1),
    ));
    p.inject(&root, &mut envelope);
    let names: Vec<String> = envelope.text().into_iter().map(|(k, _)| k).collect();
    for stale in [
        "TraceState",
        "Baggage",
        "X-B3-ParentSpanId",
        "UberCtx-Stale",
        "Baton-Session-Id",
        "TraceParent",
        "B3",
        "Uber-Trace-Id",
        "X-B3-TraceId",
    ] {
        assert!(
            !names.iter().any(|n| n == stale),
            "{stale} left in {names:?}"
        );
    }
    assert_eq!(names[0], "content-type");
    let got = p.extract(&Context::default(), &envelope);
    assert_eq!(
        got.span_context().unwrap().trace_id(),
        root.span_context().unwrap().trace_id()
    );
    assert!(got.baggage().is_empty());
    assert!(got.session().is_none());
}

/// A header that arrived twice, once as the producer spelled it and once
/// lowercased by a proxy: the trait's docs say names match
/// case-insensitively, so the envelope's `get_all` yields both lines for
/// either name, and its `keys` names both lines. The trait's default
/// `get_all_with_prefix` promises "every value of every field whose name
/// starts with prefix", once per name "however often `keys` yields it":
/// once per field, whatever the case of its name (it told names apart by
/// their exact spelling, and each of the two values came twice).
#[test]
fn default_get_all_with_prefix_yields_each_value_once_whatever_the_case() {
    let envelope = Envelope::with(&[("UberCtx-K", "1"), ("uberctx-k", "2")]);
    let mut seen = Vec::new();
    envelope.get_all_with_prefix("uberctx-", &mut |_, v| seen.push(v.to_owned()));
    assert_eq!(seen, ["1", "2"]);
}

/// The same, as Jaeger reports it: one line differs from the first (the
/// doubled values made it two).
#[test]
fn jaeger_counts_a_field_repeated_in_another_case_once() {
    let envelope = Envelope::with(&[("UberCtx-K", "1"), ("uberctx-k", "2")]);
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &envelope);
    assert_eq!(cx.baggage().get("k"), Some("1"));
    let problems: Vec<Problem> = problems.iter().copied().collect();
    assert_eq!(
        problems,
        [Problem::Repeated {
            field: "uberctx-*",
            differing: 1
        }]
    );
}

/// A header value that is not UTF-8 (a producer that wrote raw bytes) is
/// skipped by the envelope; the other formats still carry the context.
#[test]
fn a_value_that_is_not_text_is_skipped_and_the_rest_read() {
    let p = Composite::from_list(EVERY_FORMAT).unwrap();
    let mut envelope = Envelope::default();
    p.inject(&parent(), &mut envelope);
    for (k, v) in &mut envelope.headers {
        if k == "traceparent" {
            *v = vec![0xff, 0xfe];
        }
    }
    let got = p.extract(&Context::default(), &envelope);
    let sc = got.span_context().unwrap();
    assert_eq!(sc.span_id(), SpanId::from_hex("00f067aa0ba902b7").unwrap());
    assert_eq!(got.baggage().get("tenant"), Some("acme"));
}

/// A carrier that keeps only `set` (a fresh envelope per message, which
/// the doc of `remove_field`'s default says it suits) and appends, as a
/// message builder's `header(k, v)` does: one inject through every format
/// writes each field once, so nothing depends on `set` replacing.
#[test]
fn one_inject_sets_each_field_once() {
    #[derive(Default)]
    struct AppendOnly(Vec<(String, String)>);
    impl Injector for AppendOnly {
        fn set(&mut self, key: &str, value: String) {
            self.0.push((key.to_owned(), value));
        }
    }
    let p = Composite::from_list(EVERY_FORMAT).unwrap();
    let mut carrier = AppendOnly::default();
    p.inject(&parent(), &mut carrier);
    let mut names: Vec<&str> = carrier.0.iter().map(|(k, _)| k.as_str()).collect();
    let written = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), written, "{:?}", carrier.0);
    // And what it wrote reads back whole.
    let got = p.extract(&Context::default(), &carrier.0);
    assert_eq!(got.baggage().get("tenant"), Some("acme"));
    assert_eq!(got.session().unwrap().id(), "chat-42");
}
