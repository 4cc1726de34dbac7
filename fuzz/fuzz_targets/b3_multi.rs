//! `b3::parse_multi` never panics. The input is split at `\n` into the
//! X-B3-TraceId, SpanId, ParentSpanId, Sampled and Flags values (an empty
//! line is an absent header). What it accepts formats to lowercase headers
//! that parse back to the same header, and the propagator agrees with it.
#![no_main]

use baton::propagation::b3::{self, MultiFields, B3};
use baton::propagation::Propagator;
use baton::Context;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = input.split('\n').map(|l| Some(l).filter(|l| !l.is_empty()));
    let mut next = || lines.next().flatten();
    let fields = MultiFields {
        trace_id: next(),
        span_id: next(),
        parent_span_id: next(),
        sampled: next(),
        flags: next(),
    };
    let parsed = b3::parse_multi(&fields);

    let names = [
        b3::TRACE_ID_HEADER,
        b3::SPAN_ID_HEADER,
        b3::PARENT_SPAN_ID_HEADER,
        b3::SAMPLED_HEADER,
        b3::FLAGS_HEADER,
    ];
    let values = [
        fields.trace_id,
        fields.span_id,
        fields.parent_span_id,
        fields.sampled,
        fields.flags,
    ];
    let carrier: Vec<(String, String)> = names
        .iter()
        .zip(values)
        .filter_map(|(n, v)| Some((n.to_ascii_uppercase(), v?.to_string())))
        .collect();
    let cx = B3::multi().extract(&Context::default(), &carrier);

    let Ok(h) = parsed else {
        assert!(cx.is_empty());
        return;
    };
    if let Some(t) = fields.trace_id {
        assert!(t.len() == 16 || t.len() == 32);
    }
    let pairs = b3::format_multi(&h);
    assert!(pairs
        .iter()
        .all(|(k, _)| !k.bytes().any(|b| b.is_ascii_uppercase())));
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    };
    let again = MultiFields {
        trace_id: get(b3::TRACE_ID_HEADER),
        span_id: get(b3::SPAN_ID_HEADER),
        parent_span_id: get(b3::PARENT_SPAN_ID_HEADER),
        sampled: get(b3::SAMPLED_HEADER),
        flags: get(b3::FLAGS_HEADER),
    };
    assert_eq!(b3::parse_multi(&again), Ok(h));
    let expected = h.apply_to(&Context::default());
    assert_eq!(cx.span_context(), expected.span_context());
    assert_eq!(cx.remote_sampling(), expected.remote_sampling());
});
