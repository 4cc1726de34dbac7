//! Differential properties: each wire parser accepts exactly what a naive
//! oracle written straight from its spec's grammar accepts (see
//! `tests/oracle/`), with the same values. Inputs are drawn near each
//! grammar, valid values with one or two bytes changed among them, so both
//! sides of every rule are exercised.

mod oracle;

use baton::wire::b3_multi::{parse_multi, MultiFields};
use baton::wire::{b3_single, baggage, traceparent, tracestate, uber_trace_id, uberctx};
use proptest::prelude::*;

/// `valid` with up to two bytes replaced by bytes from `alphabet`, or cut.
fn mutated(valid: BoxedStrategy<String>, alphabet: &'static str) -> BoxedStrategy<String> {
    let bytes: Vec<char> = alphabet.chars().collect();
    (
        valid,
        proptest::collection::vec(
            (any::<prop::sample::Index>(), prop::sample::select(bytes)),
            0..3,
        ),
        proptest::option::of(any::<prop::sample::Index>()),
    )
        .prop_map(|(v, edits, cut)| {
            let mut chars: Vec<char> = v.chars().collect();
            for (at, c) in edits {
                if !chars.is_empty() {
                    let i = at.index(chars.len());
                    chars[i] = c;
                }
            }
            if let Some(cut) = cut.filter(|_| chars.len() > 1) {
                chars.truncate(cut.index(chars.len()));
            }
            chars.into_iter().collect()
        })
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn traceparent_matches_the_oracle(s in mutated(
        "[ \t]?(00|01|cc|fe|ff)-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-[a-z]{0,3})?[ \t]?".boxed(),
        "0af-F+. \t-g",
    )) {
        let got = traceparent::parse(&s)
            .ok()
            .map(|t| (t.version, t.trace_id.to_u128(), t.span_id.to_u64(), t.flags.bits()));
        prop_assert_eq!(got, oracle::traceparent::parse(&s), "{:?}", s);
    }

    #[test]
    fn tracestate_matches_the_oracle(lines in proptest::collection::vec(mutated(
        "([ \t]?[a-z0-9][a-z0-9_*/@-]{0,4}=[ -+--<>-~]{0,4}[!-+--<>-~][ \t]?,?){0,5}".boxed(),
        "a0@=, \t.A~é",
    ), 1..4)) {
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let got = tracestate::parse_lines(lines.iter().copied()).ok().map(|ts| {
            ts.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>()
        });
        prop_assert_eq!(got, oracle::tracestate::parse(&lines), "{:?}", lines);
    }

    /// Values long enough to be read eight bytes at a time, with a byte that
    /// ends or spoils them at any position of a word.
    #[test]
    fn tracestate_long_values_match_the_oracle(line in mutated(
        "([a-z0-9]{1,3}=[ -+--<>-~]{6,30}[!-+--<>-~] ?,?){1,3}".boxed(),
        "a,= \t\u{7f}\u{1f}\u{80}é~!",
    )) {
        let got = tracestate::parse(&line).ok().map(|ts| {
            ts.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>()
        });
        prop_assert_eq!(got, oracle::tracestate::parse(&[&line]), "{:?}", line);
    }

    #[test]
    fn baggage_matches_the_oracle(s in mutated(
        "([ \t]?[a-zA-Z0-9!#*.]{1,4}[ \t]?=[ \t]?[a-z0-9%=+A-F]{0,6}(;[ \t]?[a-z]{1,3}(=[a-z0-9]{0,2})?)?[ \t]?,?){0,6}".boxed(),
        "a=;,% \t\"\\é2F",
    )) {
        let got = baggage::parse(&s).ok().map(|b| {
            b.iter().map(|(k, v, p)| (k.to_string(), v.to_string(), p.to_string())).collect::<Vec<_>>()
        });
        prop_assert_eq!(got, oracle::baggage::parse(&s), "{:?}", s);
    }

    #[test]
    fn b3_single_matches_the_oracle(s in mutated(
        "([0-9a-f]{16}|[0-9a-f]{32})-[0-9a-f]{16}(-[01d])?(-[0-9a-f]{16})?|[01d]".boxed(),
        "0af-dD1 +",
    )) {
        let got = b3_single::parse_single(&s).ok().map(oracle::from_baton::b3_state);
        prop_assert_eq!(got, oracle::b3::parse_single(&s), "{:?}", s);
    }

    #[test]
    fn b3_multi_matches_the_oracle(
        trace in proptest::option::of(mutated("[0-9a-f]{16}|[0-9a-f]{32}".boxed(), "0aF-")),
        span in proptest::option::of(mutated("[0-9a-f]{16}".boxed(), "0aF-")),
        parent in proptest::option::of(mutated("[0-9a-f]{16}".boxed(), "0aF-")),
        sampled in proptest::option::of("0|1|true|FALSE|True|d|2|"),
        flags in proptest::option::of("0|1|2|d|"),
    ) {
        let fields = [trace.as_deref(), span.as_deref(), parent.as_deref(), sampled.as_deref(), flags.as_deref()];
        let got = parse_multi(&MultiFields {
            trace_id: fields[0],
            span_id: fields[1],
            parent_span_id: fields[2],
            sampled: fields[3],
            flags: fields[4],
        });
        prop_assert_eq!(got.ok().map(oracle::from_baton::b3_state), oracle::b3::parse_multi(fields), "{:?}", fields);
    }

    /// The layout Jaeger's clients write (read at fixed offsets), near
    /// misses of it included.
    #[test]
    fn usual_uber_trace_id_matches_the_oracle(s in mutated(
        "[0-9a-f]{32}:[0-9a-f]{16}:(0|[0-9a-f]{16}):[0-9a-f]{1,2}".boxed(),
        "0aF:%3g-",
    )) {
        let got = uber_trace_id::parse(&s).ok().map(|h| oracle::from_baton::jaeger_fields(&h));
        prop_assert_eq!(got, oracle::jaeger::parse(&s), "{:?}", s);
    }

    #[test]
    fn uber_trace_id_matches_the_oracle(s in mutated(
        "[0-9a-fA-F]{1,33}(:|%3A|%3a)[0-9a-fA-F]{1,17}(:|%3A|%3a)[0-9a-fA-F]{1,17}(:|%3A|%3a)[0-9a-fA-F]{1,3}".boxed(),
        "0aF:%3g-",
    )) {
        let got = uber_trace_id::parse(&s).ok().map(|h| oracle::from_baton::jaeger_fields(&h));
        prop_assert_eq!(got, oracle::jaeger::parse(&s), "{:?}", s);
    }

    #[test]
    fn uberctx_value_matches_the_oracle(s in mutated(
        "([a-z +~]|%[0-9A-Fa-f]{2}|%C3%A9){0,8}".boxed(),
        "%+aFz9",
    )) {
        prop_assert_eq!(uberctx::parse_baggage_value(&s).ok(), oracle::jaeger::parse_baggage_value(&s), "{:?}", s);
    }
}

proptest! {
    // Inputs of several kilobytes, for the limits; fewer of them.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn tracestate_limits_match_the_oracle(keys in 30usize..35, key_len in 250usize..260, value_len in 250usize..260) {
        let member = |i: usize| format!("{}{i:02}={}", "k".repeat(key_len - 2), "v".repeat(value_len));
        let list: Vec<String> = (0..keys).map(member).collect();
        let line = list.join(",");
        let got = tracestate::parse(&line).ok().map(|ts| ts.len());
        prop_assert_eq!(got, oracle::tracestate::parse(&[&line]).map(|m| m.len()));
    }

    #[test]
    fn baggage_limits_match_the_oracle(members in 60usize..70, len in 100usize..140, dup in any::<bool>()) {
        let line: Vec<String> = (0..members)
            .map(|i| format!("k{}={}", if dup { i % 40 } else { i }, "v".repeat(len)))
            .collect();
        let line = line.join(",");
        let got = baggage::parse(&line).ok().map(|b| b.len());
        prop_assert_eq!(got, oracle::baggage::parse(&line).map(|m| m.len()));
    }
}
