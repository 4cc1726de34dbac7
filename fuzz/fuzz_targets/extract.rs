//! An arbitrary header map (`name: value` lines) through a composite of
//! every format: never panics, stays within the limits, and re-injecting
//! then re-extracting gives the same span context.
#![no_main]

use baton::propagation::{Composite, Propagator};
use baton::wire::baggage;
use baton::Context;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let headers: Vec<(String, String)> = text
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            (name.trim().to_owned(), value.trim().to_owned())
        })
        .collect();
    let all = Composite::from_list("tracecontext,baggage,b3,b3multi,jaeger").unwrap();

    let cx = all.extract(&Context::default(), &headers);
    if let Some(sc) = cx.span_context() {
        let ts = sc.trace_state();
        assert!(ts.len() <= baton::TraceState::MAX_MEMBERS);
        assert!(ts.iter().all(|(k, v)| k.len() <= 256 && v.len() <= 256));
    }
    assert!(cx.baggage().len() <= baton::Baggage::MAX_MEMBERS);
    assert!(baggage::format(cx.baggage()).is_complete());

    let mut out: Vec<(String, String)> = Vec::new();
    all.inject(&cx, &mut out);
    let again = all.extract(&Context::default(), &out);
    let ids = |c: &Context| {
        c.span_context().map(|s| {
            (
                s.trace_id(),
                s.span_id(),
                s.is_sampled(),
                s.trace_state().clone(),
            )
        })
    };
    assert_eq!(ids(&again), ids(&cx));
});
