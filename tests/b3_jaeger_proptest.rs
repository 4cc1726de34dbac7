//! Properties of the B3 and Jaeger formats: `parse(format(x)) == x` for every
//! format, arbitrary input never panics, and whatever parses is within limits.

use baton::propagation::{Jaeger, Propagator, B3};
use baton::wire::b3::{B3Header, Sampling};
use baton::wire::b3_multi::{self, MultiFields};
use baton::wire::b3_single::{self, MAX_SINGLE_LEN};
use baton::wire::uber_trace_id::{self, JaegerHeader, MAX_HEADER_LEN};
use baton::wire::{jaeger_baggage, uberctx};
use baton::{Baggage, Context, SpanId, TraceId};

const MAX_BAGGAGE_BYTES: usize = Baggage::MAX_BYTES;
const MAX_BAGGAGE_MEMBERS: usize = Baggage::MAX_MEMBERS;
use proptest::prelude::*;

fn trace_id() -> impl Strategy<Value = TraceId> {
    // Both 64-bit (high half zero) and 128-bit ids.
    prop_oneof![1..=u128::from(u64::MAX), 1..=u128::MAX]
        .prop_map(|n| TraceId::from_u128(n).unwrap())
}

fn span_id() -> impl Strategy<Value = SpanId> {
    (1..=u64::MAX).prop_map(|n| SpanId::from_u64(n).unwrap())
}

fn sampling() -> impl Strategy<Value = Sampling> {
    prop_oneof![
        Just(Sampling::Deny),
        Just(Sampling::Accept),
        Just(Sampling::Debug)
    ]
}

fn b3_header() -> impl Strategy<Value = B3Header> {
    prop_oneof![
        sampling().prop_map(B3Header::SamplingOnly),
        (
            trace_id(),
            span_id(),
            proptest::option::of(span_id()),
            proptest::option::of(sampling())
        )
            .prop_map(|(trace_id, span_id, parent_span_id, sampling)| {
                B3Header::Context {
                    trace_id,
                    span_id,
                    parent_span_id,
                    sampling,
                }
            }),
    ]
}

fn jaeger_header() -> impl Strategy<Value = JaegerHeader> {
    (
        trace_id(),
        span_id(),
        proptest::option::of(span_id()),
        any::<u8>(),
    )
        .prop_map(|(trace_id, span_id, parent_span_id, flags)| JaegerHeader {
            trace_id,
            span_id,
            parent_span_id,
            flags,
        })
}

/// Text made mostly of the bytes these formats use, so that arbitrary input
/// often gets deep into the parsers.
fn wire_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just('0'),
                Just('1'),
                Just('d'),
                Just('f'),
                Just('A'),
                Just('-'),
                Just(':'),
                Just('%'),
                Just('3'),
                Just('a'),
                Just('+'),
                any::<char>()
            ],
            0..90
        )
        .prop_map(|v| v.into_iter().collect()),
    ]
}

fn multi_fields<'a>(pairs: &'a [(&'static str, String)]) -> MultiFields<'a> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    };
    MultiFields {
        trace_id: get(b3_multi::TRACE_ID_HEADER),
        span_id: get(b3_multi::SPAN_ID_HEADER),
        parent_span_id: get(b3_multi::PARENT_SPAN_ID_HEADER),
        sampled: get(b3_multi::SAMPLED_HEADER),
        flags: get(b3_multi::FLAGS_HEADER),
    }
}

proptest! {
    #[test]
    fn b3_single_round_trips(h in b3_header()) {
        let s = b3_single::format_single(&h);
        prop_assert!(s.len() <= MAX_SINGLE_LEN);
        prop_assert_eq!(b3_single::parse_single(&s), Ok(h));
    }

    #[test]
    fn b3_multi_round_trips(h in b3_header()) {
        let pairs = b3_multi::format_multi(&h);
        prop_assert!(pairs.iter().all(|(k, _)| k.bytes().all(|b| !b.is_ascii_uppercase())));
        prop_assert_eq!(b3_multi::parse_multi(&multi_fields(&pairs)), Ok(h));
    }

    #[test]
    fn b3_propagator_round_trips_both_forms(h in b3_header(), multi in any::<bool>()) {
        let p = if multi { B3::multi() } else { B3::single() };
        let cx = match (h.to_span_context(), h) {
            (Some(sc), _) => Context::default().with_span_context(sc),
            (None, B3Header::SamplingOnly(s)) => {
                Context::default().with_remote_sampling(Some(s != Sampling::Deny))
            }
            (None, B3Header::Context { .. }) => unreachable!("ids give a span context"),
        };
        let mut carrier = Vec::new();
        p.inject(&cx, &mut carrier);
        let back = p.extract(&Context::default(), &carrier);
        // Everything but the parent span id, which inject never sends.
        let sent = cx.span_context().map(|sc| sc.clone().with_parent_span_id(None));
        prop_assert_eq!(back.span_context(), sent.as_ref());
        prop_assert_eq!(back.remote_sampling(), cx.remote_sampling());
    }

    #[test]
    fn b3_single_never_panics_and_respects_limits(s in wire_text()) {
        if let Ok(h) = b3_single::parse_single(&s) {
            prop_assert!(s.len() <= MAX_SINGLE_LEN);
            prop_assert!(s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f' | b'-')));
            prop_assert_eq!(b3_single::parse_single(&b3_single::format_single(&h)), Ok(h));
        }
    }

    #[test]
    fn b3_multi_never_panics(
        t in proptest::option::of(wire_text()),
        s in proptest::option::of(wire_text()),
        p in proptest::option::of(wire_text()),
        smp in proptest::option::of(wire_text()),
        f in proptest::option::of(wire_text()),
    ) {
        let fields = MultiFields {
            trace_id: t.as_deref(),
            span_id: s.as_deref(),
            parent_span_id: p.as_deref(),
            sampled: smp.as_deref(),
            flags: f.as_deref(),
        };
        if let Ok(h) = b3_multi::parse_multi(&fields) {
            prop_assert!(t.is_none_or(|t| t.len() == 16 || t.len() == 32));
            prop_assert_eq!(b3_multi::parse_multi(&multi_fields(&b3_multi::format_multi(&h))), Ok(h));
        }
    }

    #[test]
    fn jaeger_round_trips(h in jaeger_header()) {
        let s = uber_trace_id::format(&h);
        prop_assert!(s.len() <= MAX_HEADER_LEN);
        prop_assert_eq!(uber_trace_id::parse(&s), Ok(h));
    }

    #[test]
    fn jaeger_encoded_short_and_uppercase_forms_parse_the_same(
        h in jaeger_header(),
        upper_sep in any::<bool>(),
        upper_hex in any::<bool>(),
    ) {
        let canonical = uber_trace_id::format(&h);
        // Left padding is optional: drop each field's leading zeros.
        let short: Vec<String> = canonical
            .split(':')
            .map(|f| match f.trim_start_matches('0') { "" => "0".to_string(), t => t.to_string() })
            .collect();
        let sep = if upper_sep { "%3A" } else { "%3a" };
        let mut s = short.join(sep);
        if upper_hex {
            // `%3a` must stay a separator: uppercase only the fields.
            s = short.iter().map(|f| f.to_ascii_uppercase()).collect::<Vec<_>>().join(sep);
        }
        prop_assert_eq!(uber_trace_id::parse(&s), Ok(h));
    }

    #[test]
    fn jaeger_never_panics_and_respects_limits(s in wire_text()) {
        if let Ok(h) = uber_trace_id::parse(&s) {
            prop_assert!(s.len() <= MAX_HEADER_LEN);
            prop_assert_eq!(uber_trace_id::parse(&uber_trace_id::format(&h)), Ok(h));
        }
    }

    #[test]
    fn uberctx_value_round_trips(v in any::<String>()) {
        let encoded = uberctx::format_baggage_value(&v);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        if encoded.len() <= MAX_BAGGAGE_BYTES {
            prop_assert_eq!(uberctx::parse_baggage_value(&encoded), Ok(v));
        }
    }

    #[test]
    fn uberctx_value_never_panics_and_respects_limits(s in wire_text()) {
        if let Ok(v) = uberctx::parse_baggage_value(&s) {
            prop_assert!(s.len() <= MAX_BAGGAGE_BYTES);
            prop_assert!(v.len() <= s.len());
        }
    }

    #[test]
    fn uberctx_name_round_trips(key in "[a-z0-9._~!#$&'*+^`|-]{1,40}") {
        let name = uberctx::format_baggage_name(&key).unwrap();
        prop_assert_eq!(uberctx::parse_baggage_name(&name), Ok(key));
    }

    #[test]
    fn jaeger_baggage_header_round_trips(
        entries in proptest::collection::vec(("[A-Za-z0-9._~!#$&'*+^`|-]{1,12}", any::<String>()), 1..8),
        pad in "[ \t]{0,2}",
    ) {
        // Written as a sender would: values encoded as uberctx- values are.
        let header = entries
            .iter()
            .map(|(k, v)| format!("{k}{pad}={pad}{}", uberctx::format_baggage_value(v)))
            .collect::<Vec<_>>()
            .join(&format!("{pad},{pad}"));
        let parsed = jaeger_baggage::parse(&header);
        if entries.iter().all(|(_, v)| uberctx::format_baggage_value(v).len() <= MAX_BAGGAGE_BYTES) {
            let expected: Vec<(&str, String)> = entries.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            prop_assert_eq!(parsed, Ok(expected));
        }
    }

    #[test]
    fn jaeger_baggage_header_never_panics_and_points_inside_the_value(s in wire_text()) {
        for entry in jaeger_baggage::entries(&s) {
            match entry {
                Ok(e) => {
                    prop_assert!(s.contains(e.key) && !e.key.is_empty());
                    prop_assert_eq!(&s[e.value_at..e.value_at + e.raw_value.len()], e.raw_value);
                    if let Err(err) = e.value() {
                        prop_assert!(err.offset() <= s.len());
                    }
                }
                Err(err) => prop_assert!(err.offset() <= s.len()),
            }
        }
        if let Ok(entries) = jaeger_baggage::parse(&s) {
            prop_assert!(entries.iter().all(|(_, v)| v.len() <= MAX_BAGGAGE_BYTES));
        }
    }

    #[test]
    fn jaeger_propagator_round_trips(
        h in jaeger_header(),
        entries in proptest::collection::vec(("[a-z][a-z0-9._-]{0,10}", any::<String>()), 0..8),
    ) {
        let mut cx = Context::default().with_span_context(h.to_span_context());
        for (k, v) in &entries {
            cx = cx.with_baggage(k, v);
        }
        let mut carrier = Vec::new();
        Jaeger.inject(&cx, &mut carrier);
        let back = Jaeger.extract(&Context::default(), &carrier);
        prop_assert_eq!(back.span_context(), cx.span_context());
        let sent: usize = cx.baggage().iter().map(|(k, v, _)| k.len() + uberctx::format_baggage_value(v).len()).sum();
        if sent <= MAX_BAGGAGE_BYTES {
            let a: Vec<_> = back.baggage().iter().map(|(k, v, _)| (k, v)).collect();
            let b: Vec<_> = cx.baggage().iter().map(|(k, v, _)| (k, v)).collect();
            prop_assert_eq!(a, b);
        }
    }

}

proptest! {
    // Each case builds a carrier of up to 100 fields; fewer cases keep it quick.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn jaeger_extract_never_panics_and_bounds_baggage(
        pairs in proptest::collection::vec(
            (0..3u8, "[a-zA-Z0-9 %:._-]{0,8}", "[ -~]{0,300}"),
            0..100,
        ),
    ) {
        let carrier: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(p, k, v)| match p {
                0 => (format!("uberctx-{k}"), v),
                1 => ("jaeger-baggage".to_string(), format!("{k}={v},{v}")),
                _ => (k, v),
            })
            .collect();
        let cx = Jaeger.extract(&Context::default(), &carrier);
        prop_assert!(cx.baggage().len() <= MAX_BAGGAGE_MEMBERS);
        let decoded: usize = cx.baggage().iter().map(|(k, v, _)| k.len() + v.len()).sum();
        prop_assert!(decoded <= MAX_BAGGAGE_BYTES);
    }
}
