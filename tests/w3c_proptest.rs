//! Properties of the W3C parsers: `parse(format(x)) == x` for valid values,
//! arbitrary input never panics, and whatever parses stays within the limits
//! and formats back to itself.

use baton::wire::{baggage, traceparent, tracestate};
use baton::{Baggage, SpanContext, SpanId, TraceFlags, TraceId, TraceState};
use proptest::prelude::*;

// ---- traceparent -------------------------------------------------------

/// A received span context: every flag bit is forwarded as it came.
fn span_context() -> impl Strategy<Value = SpanContext> {
    (1..=u128::MAX, 1..=u64::MAX, any::<u8>()).prop_map(|(t, s, f)| {
        SpanContext::new(
            TraceId::from_u128(t).unwrap(),
            SpanId::from_u64(s).unwrap(),
            TraceFlags::from_bits(f),
        )
        .with_remote(true)
    })
}

/// Text near the traceparent grammar, so the checks past the first byte run.
fn traceparent_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-fA-F\\- +.\t]{0,70}",
        "(00|cc|ff|0g)-[0-9a-f]{30,34}-[0-9a-f]{14,18}-[0-9a-f]{1,3}(-[ -~]{0,5})?",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn traceparent_round_trips(sc in span_context()) {
        let header = traceparent::format(&sc);
        let tp = traceparent::parse(&header).unwrap();
        prop_assert_eq!(tp.version, 0);
        prop_assert_eq!(tp.to_span_context(), sc);
    }

    #[test]
    fn traceparent_never_panics_and_what_parses_reformats(s in traceparent_like()) {
        if let Ok(tp) = traceparent::parse(&s) {
            prop_assert_ne!(tp.version, 0xff);
            let again = traceparent::parse(&traceparent::format(&tp.to_span_context())).unwrap();
            prop_assert_eq!((again.trace_id, again.span_id), (tp.trace_id, tp.span_id));
            if tp.version == 0 {
                prop_assert_eq!(again, tp);
                prop_assert_eq!(traceparent::format(&tp.to_span_context()), s.trim_matches([' ', '\t']));
            }
        }
    }
}

// ---- tracestate --------------------------------------------------------

fn tracestate_key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_\\-*/]{0,12}",
        "[a-z][a-z0-9_\\-*/]{255}",
        "[a-z0-9][a-z0-9_\\-*/]{0,12}@[a-z][a-z0-9_\\-*/]{0,13}",
    ]
}

fn tracestate_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\x20-\\x2B\\x2D-\\x3C\\x3E-\\x7E]{0,20}[\\x21-\\x2B\\x2D-\\x3C\\x3E-\\x7E]",
        "[\\x21-\\x2B\\x2D-\\x3C\\x3E-\\x7E]{256}",
    ]
}

fn trace_state() -> impl Strategy<Value = TraceState> {
    proptest::collection::vec((tracestate_key(), tracestate_value()), 0..40).prop_map(|members| {
        members
            .iter()
            .fold(TraceState::default(), |ts, (k, v)| ts.insert(k, v).unwrap())
    })
}

fn tracestate_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9@=, \t_*/\\-A]{0,60}",
        proptest::collection::vec("[a-z]{1,3}(@[a-z]{1,3})?=[ -~]{0,4}", 0..40)
            .prop_map(|v| v.join(",")),
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn tracestate_round_trips(ts in trace_state()) {
        prop_assert!(ts.len() <= baton::TraceState::MAX_MEMBERS);
        let header = tracestate::format(&ts);
        prop_assert_eq!(tracestate::parse(&header).unwrap(), ts);
    }

    #[test]
    fn tracestate_never_panics_and_what_parses_is_within_limits(
        lines in proptest::collection::vec(tracestate_like(), 0..4)
    ) {
        if let Ok(ts) = tracestate::parse_lines(lines.iter().map(String::as_str)) {
            prop_assert!(ts.len() <= baton::TraceState::MAX_MEMBERS);
            for (k, v) in ts.iter() {
                prop_assert!(!k.is_empty() && k.len() <= baton::TraceState::MAX_KEY_LEN);
                prop_assert!(!v.is_empty() && v.len() <= baton::TraceState::MAX_VALUE_LEN);
            }
            prop_assert_eq!(tracestate::parse(&tracestate::format(&ts)).unwrap(), ts);
        }
    }
}

// ---- baggage -----------------------------------------------------------

fn baggage_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,20}",
        "\\PC{0,12}",
        proptest::collection::vec(any::<char>(), 0..8).prop_map(|c| c.into_iter().collect()),
    ]
}

fn properties() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        // A `%` in a property value begins an escape.
        "[a-zA-Z0-9!#$&'*+.^_`|~\\-]{1,5}(=([!#-$&-+\\--:<-\\[\\]-~]|%[0-9a-fA-F]{2}){0,6})?(;[a-z]{1,4}(=([a-z0-9]|%[0-9a-f]{2}){0,4})?){0,3}",
    ]
}

fn baggage_value_set() -> impl Strategy<Value = Baggage> {
    let member = (
        "[!#$%&'*+\\-.^_`|~0-9a-zA-Z]{1,16}",
        baggage_value(),
        properties(),
    );
    proptest::collection::vec(member, 0..20).prop_map(|members| {
        members.iter().fold(Baggage::default(), |b, (k, v, p)| {
            b.try_insert(k, v, p).unwrap()
        })
    })
}

fn baggage_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z%0-9FA=;, \t\"\\\\]{0,60}",
        proptest::collection::vec(
            "[a-z]{1,3} ?= ?[a-z%0-9Ff+]{0,6}(;[a-z]{1,2}(=[a-z])?)?",
            0..80
        )
        .prop_map(|v| v.join(",")),
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn baggage_round_trips(b in baggage_value_set()) {
        let out = baggage::format(&b);
        prop_assert_eq!(out.dropped, 0);
        prop_assert_eq!(baggage::parse(&out.header).unwrap(), b);
    }

    #[test]
    fn baggage_never_panics_and_what_parses_is_within_limits(
        lines in proptest::collection::vec(baggage_like(), 0..4)
    ) {
        let parsed = baggage::parse_lines(lines.iter().map(String::as_str));
        let b = &parsed.baggage;
        prop_assert!(b.len() <= baton::Baggage::MAX_MEMBERS);
        let out = baggage::format(b);
        prop_assert!(out.header.len() <= baton::Baggage::MAX_BYTES);
        prop_assert_eq!(out.dropped, 0, "what was parsed fits when written back");
        prop_assert_eq!(&baggage::parse(&out.header).unwrap(), b);
        if lines.len() == 1 {
            // The strict parser agrees with the lenient one on clean input.
            if let Ok(strict) = baggage::parse(&lines[0]) {
                prop_assert!(parsed.is_complete());
                prop_assert_eq!(&strict, b);
            } else {
                prop_assert!(!parsed.is_complete());
            }
        }
    }
}

// ---- fast paths and compaction against simple oracles ------------------

/// Tracestate lines near the grammar: canonical ones (which take the
/// one-pass path) and ones with spaces, empty members, `@` keys, repeats.
fn tracestate_lines() -> impl Strategy<Value = String> {
    let member = prop_oneof![
        "[a-c][a-z0-9_*/-]{0,3}=[ -~]{0,4}",
        "[a-c0-9]{1,3}@[a-z]{1,3}=[!-~]{1,3}",
        "[ \t]{0,2}[a-c]=[a-z]{1,2}[ \t]{0,2}",
    ];
    proptest::collection::vec(member, 0..6).prop_map(|m| m.join(","))
}

/// Keys from a small set, so keys repeat, and values long enough that the
/// replaced members pass `MAX_BYTES` and get squeezed out.
fn repeated_members() -> impl Strategy<Value = Vec<(String, String)>> {
    // Four keys of at most 600 * 3 bytes fit the 8192-byte budget.
    proptest::collection::vec(("[a-d]", "[a-z%]{0,600}"), 0..80)
}

proptest! {
    /// A leading space is ignored but takes a value off the no-search
    /// version-00 path, so both paths must accept the same values alike.
    #[test]
    fn traceparent_no_search_path_agrees_with_the_field_path(s in traceparent_like()) {
        prop_assert_eq!(traceparent::parse(&s).ok(), traceparent::parse(&format!(" {s}")).ok());
    }

    /// A trailing `,` adds an empty member, which changes nothing but takes
    /// the line off the one-pass path, so both paths must agree.
    #[test]
    fn tracestate_one_pass_path_agrees_with_the_member_path(s in prop_oneof![tracestate_lines(), tracestate_like()]) {
        prop_assert_eq!(tracestate::parse(&s), tracestate::parse(&format!("{s},")));
    }

    /// Last value wins in the first position, as repeated `try_insert`
    /// calls do, while everything fits the budget.
    #[test]
    fn repeated_baggage_keys_keep_the_last_value_in_the_first_place(
        members in repeated_members()
    ) {
        // '%' alone is invalid; as "%25" it decodes to '%'.
        let line: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace('%', "%25")))
            .collect();
        let mut want = Baggage::default();
        for (k, v) in &members {
            want = want.try_insert(k, v, "").unwrap();
        }
        let parsed = baggage::parse_lines([line.join(",").as_str()]);
        prop_assert!(parsed.is_complete());
        prop_assert_eq!(parsed.baggage, want);
    }
}
