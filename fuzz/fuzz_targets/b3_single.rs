//! `b3_single::parse_single` never panics and accepts exactly what the
//! oracle (`tests/oracle/b3.rs`) accepts, with the same state; what it
//! accepts formats back to the input without the spaces and tabs around it
//! (a 32-digit trace id with a zero high half comes back as its 16-digit
//! form) and parses back to the same header; the propagator extracts the
//! same state. An error's offset is within the input.
#![no_main]

use baton::propagation::{Propagator, B3};
use baton::wire::b3_single;
use baton::Context;
use libfuzzer_sys::fuzz_target;

// The target uses part of the oracle file it shares with tests/.
#[allow(dead_code)]
#[path = "../../tests/oracle/from_baton.rs"]
mod from_baton;
#[allow(dead_code)]
#[path = "../../tests/oracle/b3.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = b3_single::parse_single(input);
    assert_eq!(
        parsed.ok().map(from_baton::b3_state),
        oracle::parse_single(input),
        "input {input:?}"
    );
    let carrier = vec![("b3".to_string(), input.to_string())];
    let cx = B3::single().extract(&Context::default(), &carrier);
    let h = match parsed {
        Ok(h) => h,
        Err(e) => {
            // An error points into the value (or just past its end).
            assert!(e.offset() <= input.len(), "input {input:?}: {e}");
            assert!(cx.is_empty());
            return;
        }
    };
    let formatted = b3_single::format_single(&h);
    // Spaces and tabs around the value are no part of it.
    let value = input.trim_matches([' ', '\t']);
    let trace_field = value.split('-').next().unwrap_or("");
    if trace_field.len() == 32 && trace_field.starts_with("0000000000000000") {
        assert_eq!(formatted, value[16..]);
    } else {
        assert_eq!(formatted, value);
    }
    assert_eq!(b3_single::parse_single(&formatted), Ok(h));
    match h.to_span_context() {
        Some(sc) => assert_eq!(cx.span_context(), Some(&sc)),
        None => assert!(cx.remote_sampling().is_some()),
    }
});
