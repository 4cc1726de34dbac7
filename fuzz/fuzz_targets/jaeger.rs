//! `uber_trace_id::parse` never panics and accepts exactly what the oracle
//! (`tests/oracle/jaeger.rs`) accepts, with the same fields; what it accepts
//! formats to at most `MAX_HEADER_LEN` bytes and parses back to the same
//! header. An error's offset is within the input.
#![no_main]

use baton::wire::uber_trace_id;
use libfuzzer_sys::fuzz_target;

// The target uses part of the oracle files it shares with tests/.
#[allow(dead_code)]
#[path = "../../tests/oracle/from_baton.rs"]
mod from_baton;
#[allow(dead_code)]
#[path = "../../tests/oracle/jaeger.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = uber_trace_id::parse(input);
    let got = parsed.as_ref().ok().map(from_baton::jaeger_fields);
    assert_eq!(got, oracle::parse(input), "input {input:?}");
    if let Err(e) = parsed {
        assert!(e.offset() <= input.len(), "input {input:?}: {e}");
    }
    if let Ok(h) = parsed {
        let formatted = uber_trace_id::format(&h);
        assert!(formatted.len() <= uber_trace_id::MAX_HEADER_LEN);
        assert_eq!(uber_trace_id::parse(&formatted), Ok(h));
    }
});
