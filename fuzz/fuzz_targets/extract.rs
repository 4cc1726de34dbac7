//! An arbitrary header map (`name: value` lines) through a composite of
//! every format: never panics, stays within the limits, and re-injecting
//! then re-extracting gives the same span context and baggage. What it
//! injects, each parser accepts, within the limits.
#![no_main]

use baton::propagation::{Composite, Propagator};
use baton::wire::b3_multi::MultiParser;
use baton::wire::{b3_single, baggage, traceparent, tracestate, uber_trace_id, uberctx};
use baton::{Baggage, Context};
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
    // Every header written is one the parsers accept, within the limits.
    let mut multi = MultiParser::default();
    for (name, value) in &out {
        let ok = match name.as_str() {
            "traceparent" => traceparent::parse(value).is_ok(),
            "tracestate" => tracestate::parse(value).is_ok(),
            "baggage" => value.len() <= Baggage::MAX_BYTES && baggage::parse(value).is_ok(),
            b3_single::SINGLE_HEADER => b3_single::parse_single(value).is_ok(),
            uber_trace_id::HEADER => {
                value.len() <= uber_trace_id::MAX_HEADER_LEN && uber_trace_id::parse(value).is_ok()
            }
            n if MultiParser::HEADERS.contains(&n) => {
                multi.push(n, value);
                true
            }
            n if uberctx::has_prefix(n) => {
                uberctx::parse_baggage_name(n).is_ok()
                    && value.len() <= Baggage::MAX_BYTES
                    && uberctx::parse_baggage_value(value).is_ok()
            }
            _ => true,
        };
        assert!(ok, "injected {name}: {value:?}");
    }
    if !multi.is_empty() {
        assert!(multi.finish().is_ok(), "injected X-B3-*: {out:?}");
    }
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
    // Baggage within the limits is carried whole.
    assert_eq!(again.baggage(), cx.baggage());
});
