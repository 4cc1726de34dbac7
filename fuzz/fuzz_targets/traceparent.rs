//! `traceparent::parse` never panics and accepts exactly what the ABNF
//! oracle (`tests/oracle/traceparent.rs`) accepts, with the same fields;
//! what it accepts formats to a version-00 value that parses back to the
//! same span context (and, for version 00, to the input itself). An
//! error's offset is within the input.
#![no_main]

use baton::wire::traceparent;
use libfuzzer_sys::fuzz_target;

// The target uses part of the oracle file it shares with tests/.
#[allow(dead_code)]
#[path = "../../tests/oracle/traceparent.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = traceparent::parse(input);
    let got = parsed.as_ref().ok().map(|t| {
        (
            t.version,
            t.trace_id.to_u128(),
            t.span_id.to_u64(),
            t.flags.bits(),
        )
    });
    assert_eq!(got, oracle::parse(input), "input {input:?}");
    let tp = match parsed {
        Ok(tp) => tp,
        Err(e) => {
            assert!(e.offset() <= input.len(), "input {input:?}: {e}");
            return;
        }
    };
    let sc = tp.to_span_context();
    assert!(sc.is_remote());
    let header = traceparent::format(&sc);
    assert_eq!(header.len(), traceparent::VERSION_00_LEN);
    let again = traceparent::parse(&header).expect("a formatted traceparent parses");
    assert_eq!(again.to_span_context(), sc);
    if tp.version == 0 {
        assert_eq!(again, tp);
        assert_eq!(header, input.trim_matches([' ', '\t']));
    }
});
