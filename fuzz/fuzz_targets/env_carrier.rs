//! Arbitrary `NAME=VALUE` lines as a child's environment: extraction never
//! panics, stays within the limits, keeps the ids and sampling across hops,
//! and baggage across hops, and inject∘extract is stable after one
//! normalising hop.
#![no_main]

use baton::propagation::{Composite, EnvCarrier, Propagator};
use baton::wire::baggage;
use baton::Context;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let vars = text
        .lines()
        .map(|line| line.split_once('=').unwrap_or((line, "")));
    let env = EnvCarrier::from_vars(vars);
    let all = Composite::from_list("tracecontext,baggage,b3,b3multi,jaeger").unwrap();

    let cx = all.extract(&Context::default(), &env);
    if let Some(sc) = cx.span_context() {
        assert!(sc.trace_state().len() <= baton::TraceState::MAX_MEMBERS);
    }
    assert!(cx.baggage().len() <= baton::Baggage::MAX_MEMBERS);
    assert!(baggage::format(cx.baggage()).is_complete());

    // One hop normalises (the first format in the composite wins, so a
    // detail only a later format carries, like B3 debug, may not survive);
    // from then on inject∘extract is the identity.
    let hop = |from: &EnvCarrier| {
        let cx = all.extract(&Context::default(), from);
        let mut out = EnvCarrier::default();
        all.inject(&cx, &mut out);
        (cx, out)
    };
    let mut first = EnvCarrier::default();
    all.inject(&cx, &mut first);
    let (again, second) = hop(&first);
    let (_, third) = hop(&second);
    assert_eq!(second, third, "inject∘extract is not stable");
    assert_eq!(
        again
            .span_context()
            .map(|s| (s.trace_id(), s.span_id(), s.is_sampled())),
        cx.span_context()
            .map(|s| (s.trace_id(), s.span_id(), s.is_sampled())),
    );
    // Baggage within the limits crosses a hop whole.
    assert_eq!(again.baggage(), cx.baggage());
});
