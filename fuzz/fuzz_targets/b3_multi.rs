//! `b3_multi::parse_multi` never panics and accepts exactly what the oracle
//! (`tests/oracle/b3.rs`) accepts. The input is split at `\n` into the
//! X-B3-TraceId, SpanId, ParentSpanId, Sampled and Flags values (an empty
//! line is an absent header). What it accepts formats to lowercase headers
//! that parse back to the same state, and the propagator agrees with it.
//! An error's offset is within the value of the field it names.
#![no_main]

use baton::propagation::{Propagator, B3};
use baton::wire::b3_multi::{self, MultiFields, MultiParser};
use baton::wire::Field;
use baton::Context;
use libfuzzer_sys::fuzz_target;

// The target uses part of the oracle file it shares with tests/.
#[allow(dead_code)]
#[path = "../../tests/oracle/from_baton.rs"]
mod from_baton;
#[allow(dead_code)]
#[path = "../../tests/oracle/b3.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = input.split('\n').map(|l| Some(l).filter(|l| !l.is_empty()));
    let values: [Option<&str>; 5] = std::array::from_fn(|_| lines.next().flatten());
    let fields = MultiFields {
        trace_id: values[0],
        span_id: values[1],
        parent_span_id: values[2],
        sampled: values[3],
        flags: values[4],
    };
    let parsed = b3_multi::parse_multi(&fields);
    assert_eq!(
        parsed.ok().map(from_baton::b3_state),
        oracle::parse_multi(values),
        "input {input:?}"
    );

    let carrier: Vec<(String, String)> = MultiParser::HEADERS
        .iter()
        .zip(values)
        .filter_map(|(n, v)| Some((n.to_ascii_uppercase(), v?.to_string())))
        .collect();
    let cx = B3::multi().extract(&Context::default(), &carrier);
    let h = match parsed {
        Ok(h) => h,
        Err(e) => {
            // An error points into the value of its field (or just past
            // its end); the sampling state may come from X-B3-Flags too.
            let len = |i: usize| values[i].map_or(0, str::len);
            let max = match e.field() {
                Field::B3TraceId => len(0),
                Field::B3SpanId => len(1),
                Field::B3ParentSpanId => len(2),
                Field::B3Sampled => len(3).max(len(4)),
                _ => values.iter().flatten().map(|v| v.len()).max().unwrap_or(0),
            };
            assert!(e.offset() <= max, "input {input:?}: {e}");
            assert!(cx.is_empty());
            return;
        }
    };
    let pairs = b3_multi::format_multi(&h);
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
        trace_id: get(b3_multi::TRACE_ID_HEADER),
        span_id: get(b3_multi::SPAN_ID_HEADER),
        parent_span_id: get(b3_multi::PARENT_SPAN_ID_HEADER),
        sampled: get(b3_multi::SAMPLED_HEADER),
        flags: get(b3_multi::FLAGS_HEADER),
    };
    assert_eq!(b3_multi::parse_multi(&again), Ok(h));
    match h.to_span_context() {
        Some(sc) => assert_eq!(cx.span_context(), Some(&sc)),
        None => assert!(cx.remote_sampling().is_some()),
    }
});
