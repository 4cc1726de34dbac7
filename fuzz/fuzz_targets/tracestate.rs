//! `tracestate::parse_lines` (input split into header lines at `\n`) never
//! panics and accepts exactly what the ABNF oracle
//! (`tests/oracle/tracestate.rs`) accepts, with the same members; what it
//! accepts formats to a value that parses back to the same list. An
//! error's offset is within the input.
#![no_main]

use baton::wire::tracestate;
use libfuzzer_sys::fuzz_target;

// The target uses part of the oracle file it shares with tests/.
#[allow(dead_code)]
#[path = "../../tests/oracle/tracestate.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let lines: Vec<&str> = input.split('\n').collect();
    let parsed = tracestate::parse_lines(lines.iter().copied());
    let got = parsed.as_ref().ok().map(|ts| {
        ts.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    });
    assert_eq!(got, oracle::parse(&lines), "input {input:?}");
    let ts = match parsed {
        Ok(ts) => ts,
        Err(e) => {
            // Offsets count into the lines joined by `,`, as long as the
            // input.
            assert!(e.offset() <= input.len(), "input {input:?}: {e}");
            return;
        }
    };
    let header = tracestate::format(&ts);
    assert_eq!(tracestate::parse(&header), Ok(ts));
});
