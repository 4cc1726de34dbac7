//! `jaeger::parse` never panics and agrees with a simple oracle (separators
//! normalised to `:`, four hex fields of bounded length, non-zero ids);
//! what it accepts formats to at most `MAX_HEADER_LEN` bytes and parses back
//! to the same header.
#![no_main]

use baton::propagation::jaeger;
use libfuzzer_sys::fuzz_target;

/// The header as plain numbers, by the most direct reading of the spec.
fn oracle(input: &str) -> Option<(u128, u64, u64, u8)> {
    if input.len() > jaeger::MAX_HEADER_LEN {
        return None;
    }
    let normalised = input.replace("%3A", ":").replace("%3a", ":");
    let fields: Vec<&str> = normalised.split(':').collect();
    let [t, s, p, f] = fields[..] else {
        return None;
    };
    let hex = |v: &str, max: usize| {
        let ok = !v.is_empty() && v.len() <= max && v.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| u128::from_str_radix(v, 16).ok()).flatten()
    };
    let (t, s, p, f) = (hex(t, 32)?, hex(s, 16)?, hex(p, 16)?, hex(f, 2)?);
    (t != 0 && s != 0).then_some((t, s as u64, p as u64, f as u8))
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = jaeger::parse(input);
    let got = parsed.as_ref().ok().map(|h| {
        let parent = h.parent_span_id.map_or(0, |p| p.to_u64());
        (h.trace_id.to_u128(), h.span_id.to_u64(), parent, h.flags)
    });
    assert_eq!(got, oracle(input), "input {input:?}");
    if let Ok(h) = parsed {
        let formatted = jaeger::format(&h);
        assert!(formatted.len() <= jaeger::MAX_HEADER_LEN);
        assert_eq!(jaeger::parse(&formatted), Ok(h));
    }
});
