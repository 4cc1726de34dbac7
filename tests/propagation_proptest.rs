//! Properties of full propagation: arbitrary header maps never panic through
//! a composite of every format and always yield values within the limits;
//! a context injected in one format and extracted in it keeps its ids and
//! sampling; and converting between formats keeps them too.

use std::collections::HashMap;

use baton::propagation::{Composite, Propagator};
use baton::wire::baggage;
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};
use proptest::prelude::*;

const FORMATS: [&str; 4] = ["tracecontext", "b3", "b3multi", "jaeger"];

fn all_formats() -> Composite {
    Composite::from_list("tracecontext,baggage,b3,b3multi,jaeger").unwrap()
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "traceparent",
            "TraceParent",
            "tracestate",
            "baggage",
            "b3",
            "X-B3-TraceId",
            "x-b3-spanid",
            "x-b3-parentspanid",
            "x-b3-sampled",
            "x-b3-flags",
            "uber-trace-id",
            "uberctx-user",
            "uberctx-session.id",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z0-9-]{0,12}",
    ]
}

/// Values near the grammars (ids, separators, escapes) as well as any text.
fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{0,34}",
        "(00|01|ff|[0-9a-f]{2})-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.{0,8})?",
        "[0-9a-f]{16,32}-[0-9a-f]{16}(-[01d])?(-[0-9a-f]{16})?",
        "[0-9a-f]{1,32}(:|%3A|%3a)[0-9a-f]{1,16}(:|%3A)[0-9a-f]{1,16}(:|%3A)[0-9a-f]{1,2}",
        "([a-z0-9@*/_-]{1,8}=[ -~]{0,8}[,;]? ?){0,40}",
        "([!-~]{1,8}(=[ -~%]{0,8})?(;[ -~]{0,6})*,){0,10}",
        any::<String>(),
    ]
}

fn span_context() -> impl Strategy<Value = SpanContext> {
    (1..=u128::MAX, 1..=u64::MAX, any::<bool>()).prop_map(|(t, s, sampled)| {
        SpanContext::new(
            TraceId::from_u128(t).unwrap(),
            SpanId::from_u64(s).unwrap(),
            TraceFlags::default().with_sampled(sampled),
        )
    })
}

fn hop(format: &str, cx: &Context) -> Context {
    let p = Composite::from_list(format).unwrap();
    let mut headers = HashMap::new();
    p.inject(cx, &mut headers);
    p.extract(&Context::default(), &headers)
}

fn assert_same_ids(a: &SpanContext, b: &SpanContext) {
    assert_eq!(a.trace_id(), b.trace_id());
    assert_eq!(a.span_id(), b.span_id());
    assert_eq!(a.is_sampled(), b.is_sampled());
}

proptest! {
    #[test]
    fn arbitrary_header_maps_never_panic_and_respect_the_limits(
        headers in prop::collection::vec((header_name(), header_value()), 0..12)
    ) {
        let composite = all_formats();
        let cx = composite.extract(&Context::default(), &headers);
        if let Some(sc) = cx.span_context() {
            prop_assert!(sc.trace_state().len() <= baton::TraceState::MAX_MEMBERS);
            prop_assert!(sc.is_remote());
        }
        prop_assert!(cx.baggage().len() <= baton::Baggage::MAX_MEMBERS);
        prop_assert!(baggage::format(cx.baggage()).is_complete());

        // Whatever was extracted survives a second hop unchanged.
        let mut out = Vec::new();
        composite.inject(&cx, &mut out);
        let again = composite.extract(&Context::default(), &out);
        prop_assert_eq!(
            again.span_context().map(|s| (s.trace_id(), s.span_id(), s.is_sampled())),
            cx.span_context().map(|s| (s.trace_id(), s.span_id(), s.is_sampled()))
        );
        prop_assert_eq!(again.baggage(), cx.baggage());
    }

    #[test]
    fn every_format_round_trips_ids_and_sampling(sc in span_context()) {
        let cx = Context::default().with_span_context(sc.clone());
        for format in FORMATS {
            let got = hop(format, &cx);
            let got = got.span_context().unwrap_or_else(|| panic!("{format} lost the context"));
            assert_same_ids(got, &sc);
            prop_assert!(got.is_remote());
        }
    }

    #[test]
    fn trace_context_forwards_every_flag_bit_of_a_remote_parent(
        sc in span_context(),
        bits in any::<u8>(),
    ) {
        let flags = TraceFlags::from_bits(bits);
        let remote = Context::default().with_span_context(sc.clone().with_flags(flags).with_remote(true));
        let got = hop("tracecontext", &remote);
        prop_assert_eq!(got.span_context().unwrap().flags().bits(), bits);
        // A span of this process writes only the bits the spec defines.
        let local = Context::default().with_span_context(sc.with_flags(flags));
        let got = hop("tracecontext", &local);
        prop_assert_eq!(got.span_context().unwrap().flags().bits(), bits & 0x03);
    }

    #[test]
    fn converting_between_formats_keeps_ids_and_sampling(
        sc in span_context(),
        path in prop::collection::vec(prop::sample::select(FORMATS.to_vec()), 1..5),
    ) {
        let mut cx = Context::default().with_span_context(sc.clone());
        for format in &path {
            cx = hop(format, &cx);
        }
        assert_same_ids(cx.span_context().unwrap(), &sc);
    }

    #[test]
    fn baggage_and_session_cross_with_w3c_and_jaeger(
        entries in prop::collection::btree_map("[a-z][a-z0-9_.-]{0,10}", ".{0,12}", 0..8),
        session in "[ -~]{1,20}",
    ) {
        let mut cx = Context::default()
            .with_span_context(SpanContext::new(
                TraceId::from_u128(1).unwrap(),
                SpanId::from_u64(1).unwrap(),
                TraceFlags::from_bits(1),
            ))
            .with_baggage("session.id", &session);
        for (k, v) in &entries {
            cx = cx.with_baggage(k, v);
        }
        for format in ["tracecontext,baggage", "jaeger"] {
            let got = hop(format, &cx);
            prop_assert_eq!(got.session().map(|s| s.id().to_owned()), Some(session.clone()));
            prop_assert_eq!(got.baggage().len(), cx.baggage().len());
            for (k, v, _) in cx.baggage().iter() {
                prop_assert_eq!(got.baggage().get(k), Some(v), "{} lost {}", format, k);
            }
        }
    }
}
