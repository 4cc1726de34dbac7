//! `baggage::parse_lines` (input split into header lines at `\n`) never
//! panics; what it keeps is within the W3C limits, formats without loss, and
//! parses back to the same baggage. On a single line the strict parser agrees.
#![no_main]

use baton::propagation::baggage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = baggage::parse_lines(input.split('\n'));
    let b = &parsed.baggage;
    assert!(b.len() <= baggage::MAX_MEMBERS);
    let out = baggage::format_within_limits(b);
    assert!(out.header.len() <= baggage::MAX_BYTES);
    assert_eq!((out.dropped, out.stripped_properties), (0, 0));
    assert_eq!(baggage::parse(&out.header).as_ref(), Ok(b));
    if !input.contains('\n') {
        match baggage::parse(input) {
            Ok(strict) => {
                assert!(parsed.is_complete());
                assert_eq!(&strict, b);
            }
            Err(_) => assert!(!parsed.is_complete()),
        }
    }
});
