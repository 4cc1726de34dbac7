//! `tracestate::parse_lines` (input split into header lines at `\n`) never
//! panics; what it accepts is within the W3C limits and formats to a value
//! that parses back to the same list.
#![no_main]

use baton::propagation::tracestate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ts) = tracestate::parse_lines(input.split('\n')) else {
        return;
    };
    assert!(ts.len() <= tracestate::MAX_MEMBERS);
    for (i, (key, value)) in ts.iter().enumerate() {
        assert!(!key.is_empty() && key.len() <= tracestate::MAX_KEY_LEN);
        assert!(!value.is_empty() && value.len() <= tracestate::MAX_VALUE_LEN);
        assert!(
            ts.iter().skip(i + 1).all(|(k, _)| k != key),
            "duplicate key {key}"
        );
    }
    let header = tracestate::format(&ts);
    assert_eq!(tracestate::parse(&header), Ok(ts));
});
