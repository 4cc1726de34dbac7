//! With no pipeline installed, every way of starting a span passes the
//! received context on unchanged, in every format: W3C (with tracestate),
//! B3 single and multi (sampled, debug, deferred), Jaeger (with `uberctx-*`
//! baggage), a B3 decision that came without ids (`b3: 0`, `b3: d`,
//! `X-B3-Sampled: 1`, `X-B3-Flags: 1`), baggage and a session, over headers
//! and over the environment carrier of a child process. The OpenTelemetry
//! Trace API, "Behavior of the API in the absence of an installed SDK"
//! (https://opentelemetry.io/docs/specs/otel/trace/api/#behavior-of-the-api-in-the-absence-of-an-installed-sdk):
//! "The API MUST create a non-recording Span with the `SpanContext` that is
//! in the `Span` in the parent `Context` (whether explicitly given or
//! implicit current) [...] This means that a `SpanContext` that has been
//! provided by a configured `Propagator` will be propagated through to any
//! child span and ultimately also `Inject`, but that no new `SpanContext`s
//! will be created." And the Baggage API "MUST be fully functional in the
//! absence of an installed SDK". Never installs a pipeline: the whole
//! binary runs without one.

use std::collections::HashMap;

use baton::propagation::{EnvCarrier, Propagator};
use baton::{Context, FutureExt};
use common::block_on;
use common::injected::{every_format, injected};

mod common;

/// Every header set a caller may send, as `every_format` reads it.
const INCOMING: &[&[(&str, &str)]] = &[
    &[
        (
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        ),
        ("tracestate", "vendor=v1,other=o2"),
    ],
    &[(
        "traceparent",
        "00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-00",
    )],
    &[("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")],
    &[("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d")],
    &[("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1")],
    &[
        ("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"),
        ("x-b3-spanid", "a2fb4a1d1a96d312"),
        ("x-b3-parentspanid", "0020000000000001"),
        ("x-b3-sampled", "0"),
    ],
    &[
        ("uber-trace-id", "3ce929d0e0e4736:a2fb4a1d1a96d312:0:1"),
        ("uberctx-user", "u1"),
    ],
    &[("uber-trace-id", "3ce929d0e0e4736:a2fb4a1d1a96d312:0:3")],
    &[("b3", "0")],
    &[("b3", "d")],
    &[("x-b3-sampled", "1")],
    &[("x-b3-flags", "1")],
    &[("b3", "0"), ("baggage", "k=v;p=1,session.id=s-1")],
    &[("baggage", "k=v,session.id=s-1")],
];

fn received(headers: &[(&str, &str)]) -> Context {
    let carrier: HashMap<String, String> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    every_format().extract(&Context::default(), &carrier)
}

/// What `every_format` writes for `cx` into a child process's environment.
fn env_of(cx: &Context) -> Vec<(String, String)> {
    let mut env = EnvCarrier::default();
    every_format().inject(cx, &mut env);
    let mut vars: Vec<(String, String)> = env
        .vars()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    vars.sort();
    vars
}

#[test]
fn every_span_start_passes_the_received_context_on() {
    let tracer = baton::tracer("my.library").build();
    assert!(!tracer.enabled());
    for headers in INCOMING {
        let received = received(headers);
        let expected = injected(&received);
        assert!(!expected.is_empty(), "{headers:?}");
        let expected_env = env_of(&received);
        let ids = received.span_context().filter(|sc| sc.is_valid()).cloned();

        let _cx = received.clone().attach();
        let entered = baton::span("entered").enter();
        assert!(!entered.is_recording(), "{headers:?}");
        assert_eq!(entered.span_context().is_valid(), ids.is_some());
        assert_eq!(injected(&Context::current()), expected, "{headers:?}");
        assert_eq!(injected(&entered.context()), expected, "{headers:?}");
        assert_eq!(env_of(&Context::current()), expected_env, "{headers:?}");
        assert_eq!(
            baton::current_trace_id(),
            ids.as_ref().map(|sc| sc.trace_id()),
            "{headers:?}"
        );
        assert_eq!(
            baton::log_ids().span_id(),
            ids.as_ref().map(|sc| sc.span_id())
        );
        assert_eq!(
            baton::baggage("k"),
            received.baggage().get("k").map(Into::into)
        );
        assert_eq!(
            baton::current_session().map(|s| s.id().to_owned()),
            received.session().map(|s| s.id().to_owned())
        );

        // Nested, through every way of starting a span.
        baton::in_span("in_span", || {
            assert_eq!(injected(&Context::current()), expected, "{headers:?}");
            tracer.in_span("tracer in_span", || {
                assert_eq!(injected(&Context::current()), expected, "{headers:?}");
            });
            let started = tracer.span("tracer start").start();
            assert!(!started.is_recording());
            assert_eq!(injected(&started.context()), expected, "{headers:?}");
            let explicit = baton::span("explicit").parent(&started.context()).start();
            assert_eq!(injected(&explicit.context()), expected, "{headers:?}");
        });
        let in_future =
            block_on(async { injected(&Context::current()) }.in_span(tracer.span("future")));
        assert_eq!(in_future, expected, "{headers:?}");
        let job = baton::copy_context_to_thread(|| {
            baton::in_span("pool job", || injected(&Context::current()))
        });
        assert_eq!(std::thread::spawn(job).join().unwrap(), expected);
        let each = baton::copy_context_to_fn(|_: u8| {
            baton::in_span("each", || injected(&Context::current()))
        });
        assert_eq!(
            std::thread::spawn(move || each(1)).join().unwrap(),
            expected
        );
        let spawned =
            baton::thread::spawn(|| baton::in_span("spawned", || env_of(&Context::current())));
        assert_eq!(spawned.join().unwrap(), expected_env, "{headers:?}");
        drop(entered);

        // A session and baggage set inside a no-op span go on with it.
        {
            let _span = baton::span("request").enter();
            let _session = baton::session("s-2");
            let _baggage = baton::set_baggage("added", "1");
            let inner = baton::span("inner").start();
            let carried = inner.context();
            assert_eq!(
                carried.session().map(|s| s.id().to_owned()).as_deref(),
                Some("s-2")
            );
            assert_eq!(carried.baggage().get("added"), Some("1"));
            assert_eq!(
                carried.span_context().filter(|sc| sc.is_valid()),
                ids.as_ref(),
                "{headers:?}"
            );
            assert_eq!(carried.remote_decision(), received.remote_decision());
        }

        // A root takes no ids and no decision, only the baggage.
        let root = baton::span("root").root().start();
        assert!(!root.span_context().is_valid());
        let baggage_only =
            injected(&Context::default().with_baggage_replaced(received.baggage().clone()));
        assert_eq!(injected(&root.context()), baggage_only, "{headers:?}");
    }
}
