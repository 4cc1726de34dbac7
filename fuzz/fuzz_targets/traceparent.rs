//! `traceparent::parse` never panics, rejects version `ff`, and whatever it
//! accepts formats to a version-00 value that parses back to the same span
//! context (and, for version 00, to the input itself).
#![no_main]

use baton::propagation::traceparent;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tp) = traceparent::parse(input) else {
        return;
    };
    assert_ne!(tp.version, 0xff);
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
