//! Hostile W3C headers: huge values and adversarial shapes parse in linear
//! time with bounded results, and allocate only for what they return. A
//! counting global allocator (per thread, so parallel tests do not mix)
//! measures every allocation a parse makes.
use baton::wire::{baggage, traceparent, tracestate};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocated_by;

const MIB: usize = 1 << 20;

/// What the text of a full baggage may take: 8192 bytes of text in at most
/// 64 members of three strings, each allocation rounded up, the entry
/// vector's growth and the final shared list. Independent of input size.
const BAGGAGE_ALLOC_BOUND: usize = 64 * 1024;
/// 32 members of key and value at most 256 bytes each, plus the vector.
const TRACESTATE_ALLOC_BOUND: usize = 32 * 512 + 8 * 1024;

fn repeat_to_mib(unit: &str) -> String {
    unit.repeat(MIB / unit.len())
}

#[test]
fn counter_sees_allocations() {
    let (_v, n) = allocated_by(|| vec![0u8; 1000]);
    assert!(n >= 1000);
}

#[test]
fn traceparent_of_1_mib_allocates_nothing() {
    let tp = "00-12345678901234567890123456789012-1234567890123456-01";
    let cases = [
        format!("{tp}{}", "-".repeat(MIB)),
        format!("cc{}{}", &tp[2..], repeat_to_mib("-abc")),
        repeat_to_mib("a"),
        repeat_to_mib("-"),
        format!("{}{tp}{}", " ".repeat(MIB / 2), "\t".repeat(MIB / 2)),
    ];
    for (i, input) in cases.iter().enumerate() {
        let (result, bytes) = allocated_by(|| traceparent::parse(input));
        assert_eq!(bytes, 0, "case {i}");
        // Only a future version may carry extra data; OWS is trimmed.
        assert_eq!(result.is_ok(), i == 1 || i == 4, "case {i}: {result:?}");
    }
}

#[test]
fn tracestate_of_1_mib_is_rejected_with_bounded_allocation() {
    let distinct: String = (0..)
        .map(|i| format!("k{i}=v,"))
        .scan(0, |len, m| {
            *len += m.len();
            (*len <= MIB).then_some(m)
        })
        .collect();
    let cases = [
        format!("k={}", "v".repeat(MIB)),
        format!("{}=v", "k".repeat(MIB)),
        repeat_to_mib("a=1,"),
        distinct,
    ];
    for (i, input) in cases.iter().enumerate() {
        let (result, bytes) = allocated_by(|| tracestate::parse(input));
        assert!(result.is_err(), "case {i}");
        assert!(bytes <= TRACESTATE_ALLOC_BOUND, "case {i}: {bytes} bytes");
    }
    // Only separators and whitespace: valid, empty, nothing allocated.
    for input in [repeat_to_mib(","), repeat_to_mib(" , \t")] {
        let (result, bytes) = allocated_by(|| tracestate::parse(&input));
        assert!(result.unwrap().is_empty());
        assert_eq!(bytes, 0);
    }
}

#[test]
fn baggage_of_1_mib_is_truncated_with_bounded_allocation() {
    let distinct: String = (0..)
        .map(|i| format!("key{i}=value{i},"))
        .scan(0, |len, m| {
            *len += m.len();
            (*len <= MIB).then_some(m)
        })
        .collect();
    let cases = [
        format!("k={}", "v".repeat(MIB)),
        format!("k={}", "%41".repeat(MIB / 3)),
        format!("k={}", "%FF".repeat(MIB / 3)),
        format!("k=v{}", ";p".repeat(MIB / 2)),
        distinct,
    ];
    for (i, input) in cases.iter().enumerate() {
        let (parsed, bytes) = allocated_by(|| baggage::parse_lines([input.as_str()]));
        assert!(bytes <= BAGGAGE_ALLOC_BOUND, "case {i}: {bytes} bytes");
        assert!(parsed.baggage.len() <= baton::Baggage::MAX_MEMBERS);
        assert!(baggage::format(&parsed.baggage).header.len() <= baton::Baggage::MAX_BYTES);
        assert!(parsed.dropped > 0, "case {i}");
    }
}

#[test]
fn thousand_baggage_lines_of_8_kib_share_one_8192_byte_budget() {
    let lines: Vec<String> = (0..1000)
        .map(|l| {
            (0..8)
                .map(|i| format!("l{l}m{i}={}", "x".repeat(1000)))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    assert!(lines[0].len() > 8000 && lines[0].len() <= baton::Baggage::MAX_BYTES);
    let (parsed, bytes) = allocated_by(|| baggage::parse_lines(lines.iter().map(String::as_str)));
    assert!(bytes <= BAGGAGE_ALLOC_BOUND, "{bytes} bytes");
    // The first line fits whole; every member of the other 999 is dropped.
    assert_eq!(parsed.baggage.len(), 8);
    assert_eq!(parsed.dropped, 999 * 8);
    assert_eq!(baggage::format(&parsed.baggage).header, lines[0]);
}

#[test]
fn adversarial_shapes_parse_with_bounded_results() {
    let n = 100_000;
    // A key repeated inside an earlier value must not be mistaken for a member.
    let parsed = baggage::parse_lines(["a=b=1;c=2,b=3"]);
    assert_eq!(parsed.baggage.get("a"), Some("b=1"));
    assert_eq!(parsed.baggage.get("b"), Some("3"));
    assert_eq!(parsed.baggage.get("c"), None);
    let nested = format!("a={},b=1", "b=".repeat(n));
    let (parsed, bytes) = allocated_by(|| baggage::parse_lines([nested.as_str()]));
    assert_eq!(parsed.baggage.get("b"), Some("1"));
    assert!(bytes <= BAGGAGE_ALLOC_BOUND);
    assert_eq!(
        tracestate::parse("a=x,b=y").unwrap().get("b"),
        Some("y"),
        "tracestate values cannot hold '=' at all"
    );

    let commas = ",".repeat(n);
    let semicolons = format!("k=v{}", ";".repeat(n));
    let percents = format!("k={}", "%".repeat(n));
    let duplicates = "k=1,".repeat(n);
    let growing: String = (0..2000).map(|i| format!("k={},", "v".repeat(i))).collect();
    // A member that takes almost the whole budget, then small duplicates,
    // which the parser has to squeeze out again and again.
    let full = format!("a={},{}", "x".repeat(8180), "b=1,".repeat(n));
    for (name, input, kept) in [
        ("commas", &commas, 0),
        ("semicolons", &semicolons, 0),
        ("percents", &percents, 0),
        ("duplicates", &duplicates, 1),
        ("growing duplicates", &growing, 1),
        ("full, then duplicates", &full, 2),
    ] {
        let (parsed, bytes) = allocated_by(|| baggage::parse_lines([input.as_str()]));
        assert_eq!(parsed.baggage.len(), kept, "{name}");
        assert!(bytes <= BAGGAGE_ALLOC_BOUND, "{name}: {bytes} bytes");
    }
    assert_eq!(
        baggage::parse_lines([growing.as_str()])
            .baggage
            .get("k")
            .map(str::len),
        Some(1999)
    );

    for (name, input) in [("commas", &commas), ("duplicates", &duplicates)] {
        let (result, bytes) = allocated_by(|| tracestate::parse(input));
        assert!(bytes <= TRACESTATE_ALLOC_BOUND, "{name}: {bytes} bytes");
        assert_eq!(result.is_ok(), name == "commas", "{name}");
    }
}
