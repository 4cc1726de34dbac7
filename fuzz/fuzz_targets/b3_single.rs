//! `b3::parse_single` never panics; what it accepts is at most
//! `MAX_SINGLE_LEN` bytes, formats back to the input (a 32-digit trace id
//! with a zero high half comes back as its 16-digit form) and parses back to
//! the same header; the propagator extracts the same state.
#![no_main]

use baton::propagation::b3::{self, B3Header, B3};
use baton::propagation::Propagator;
use baton::Context;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = b3::parse_single(input);
    if input.len() > b3::MAX_SINGLE_LEN {
        assert_eq!(parsed, Err(b3::B3Error::TooLong { len: input.len() }));
    }
    let carrier = vec![("b3".to_string(), input.to_string())];
    let cx = B3::single().extract(&Context::default(), &carrier);
    let Ok(h) = parsed else {
        assert!(cx.is_empty());
        return;
    };
    let formatted = b3::format_single(&h);
    let trace_field = input.split('-').next().unwrap_or("");
    if trace_field.len() == 32 && trace_field.starts_with("0000000000000000") {
        assert_eq!(formatted, input[16..]);
    } else {
        assert_eq!(formatted, input);
    }
    assert_eq!(b3::parse_single(&formatted), Ok(h));
    assert_eq!(
        B3Header::from_context(&cx),
        Some(h).map(|h| match h {
            // A lone debug decision is carried as an accept: a context has no
            // place for debug without ids.
            B3Header::SamplingOnly(b3::Sampling::Debug) =>
                B3Header::SamplingOnly(b3::Sampling::Accept),
            h => h,
        })
    );
});
