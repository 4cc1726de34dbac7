//! A disabled SDK (`OTEL_SDK_DISABLED=true`) passes a sampling decision that
//! arrived without ids (`b3: 0`, `b3: d`, `X-B3-Sampled: 1`) on as it came:
//! a no-op span is its parent's context. Found: the span under it carried
//! the invalid span context alone, so the next hop got no decision and
//! sampled on its own what the caller had denied (or lost a debug
//! request). Installs the global pipeline.

use std::collections::HashMap;
use std::time::Duration;

use baton::propagation::Propagator;
use baton::{Context, FutureExt};
use common::block_on;
use common::injected::{every_format, injected};

mod common;

#[test]
fn a_disabled_sdk_passes_a_decision_without_ids_on() {
    let config =
        baton::Config::from_lookup(|k| (k == "OTEL_SDK_DISABLED").then(|| "true".into())).unwrap();
    let pipeline = baton::init(config).unwrap();

    let incoming = [
        vec![("b3", "0")],
        vec![("b3", "1")],
        vec![("b3", "d")],
        vec![("X-B3-Sampled", "1")],
        vec![("X-B3-Flags", "1")],
        vec![("b3", "0"), ("baggage", "k=v")],
    ];
    for headers in incoming {
        let carrier: HashMap<String, String> = headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect();
        let received = every_format().extract(&Context::default(), &carrier);
        assert!(received.remote_decision().is_some(), "{headers:?}");
        let expected = injected(&received);
        assert!(expected.iter().any(|(k, _)| k == "b3"), "{expected:?}");

        // Entered under the received context, and its children.
        let _cx = received.clone().attach();
        {
            let span = baton::span("request").enter();
            assert!(!span.span_context().is_valid());
            assert!(!span.is_recording());
            assert_eq!(injected(&Context::current()), expected, "{headers:?}");
            assert_eq!(injected(&span.context()), expected, "{headers:?}");
            let mut global = HashMap::new();
            baton::inject_context(&mut global);
            assert!(!global.contains_key("traceparent"), "{global:?}");
            assert_eq!(
                Context::current().remote_decision(),
                received.remote_decision()
            );
            baton::in_span("child", || {
                assert_eq!(injected(&Context::current()), expected, "{headers:?}");
                let grandchild = baton::span("grandchild").start();
                assert_eq!(injected(&grandchild.context()), expected, "{headers:?}");
            });
            let in_future =
                block_on(async { injected(&Context::current()) }.in_span(baton::span("f")));
            assert_eq!(in_future, expected, "{headers:?}");
        }
        // Started, not entered; and with the received context as an explicit
        // parent, wherever it is started.
        let started = baton::span("started").start();
        assert_eq!(injected(&started.context()), expected, "{headers:?}");
        drop(_cx);
        let explicit = baton::span("explicit").parent(&received).start();
        assert_eq!(injected(&explicit.context()), expected, "{headers:?}");
        let under_explicit = baton::span("under").parent(&explicit.context()).start();
        assert_eq!(injected(&under_explicit.context()), expected, "{headers:?}");

        // A root takes no decision from what is current, only its baggage.
        let baggage_only =
            injected(&Context::default().with_baggage_replaced(received.baggage().clone()));
        let _cx = received.attach();
        let root = baton::span("root").root().start();
        assert_eq!(injected(&root.context()), baggage_only, "{headers:?}");
        assert_eq!(root.context().remote_decision(), None);
    }
    pipeline.shutdown(Duration::from_secs(10)).unwrap();
}
