//! `baggage::parse` never panics and accepts exactly what the ABNF oracle
//! (`tests/oracle/baggage.rs`) accepts, with the same entries.
//! `baggage::parse_lines` (input split into header lines at `\n`) keeps
//! what is within the W3C limits, formats it without loss, and parses back
//! to the same baggage; on a single line it agrees with the strict parser.
//! Errors point within the input, and one is given whenever a member is
//! left out.
#![no_main]

use baton::wire::baggage;
use baton::Baggage;
use libfuzzer_sys::fuzz_target;

// The target uses part of the oracle file it shares with tests/.
#[allow(dead_code)]
#[path = "../../tests/oracle/baggage.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    if !input.contains('\n') {
        let strict = baggage::parse(input);
        let got = strict.as_ref().ok().map(|b| {
            b.iter()
                .map(|(k, v, p)| (k.to_string(), v.to_string(), p.to_string()))
                .collect::<Vec<_>>()
        });
        assert_eq!(got, oracle::parse(input), "input {input:?}");
        if let Err(e) = strict {
            assert!(e.offset() <= input.len(), "input {input:?}: {e}");
        }
    }
    let parsed = baggage::parse_lines(input.split('\n'));
    let b = &parsed.baggage;
    // What was left out is said, at an offset into the lines joined by `,`.
    assert_eq!(parsed.first_error.is_some(), !parsed.is_complete());
    if let Some(e) = parsed.first_error {
        assert!(e.offset() <= input.len(), "input {input:?}: {e}");
    }
    assert!(b.len() <= Baggage::MAX_MEMBERS);
    let out = baggage::format(b);
    assert!(out.header.len() <= Baggage::MAX_BYTES);
    assert!(out.is_complete());
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
