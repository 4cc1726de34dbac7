//! `traceparent` parsing and formatting against the W3C Trace Context Level 2
//! grammar and the W3C test suite's cases (`test/test.py`).

use baton::propagation::traceparent::TraceparentField::{
    Flags, ParentId, TraceId as TraceIdField, Version,
};
use baton::propagation::traceparent::{self, parse, Traceparent, TraceparentError};
use baton::{SpanContext, SpanId, TraceFlags, TraceId};

const TRACE: &str = "12345678901234567890123456789012";
const SPAN: &str = "1234567890123456";

fn valid(version: u8, flags: u8) -> Traceparent {
    Traceparent {
        version,
        trace_id: TraceId::from_hex(TRACE).unwrap(),
        span_id: SpanId::from_hex(SPAN).unwrap(),
        flags: TraceFlags::from_bits(flags),
    }
}

/// `name: input => expected` rows; each becomes its own test.
macro_rules! vectors {
    ($($name:ident: $input:expr => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            let input: &str = &$input;
            assert_eq!(parse(input), $expected, "input {input:?}");
        }
    )*};
}

vectors! {
    // Valid values.
    sampled: "00-12345678901234567890123456789012-1234567890123456-01" => Ok(valid(0, 1));
    not_sampled: "00-12345678901234567890123456789012-1234567890123456-00" => Ok(valid(0, 0));
    random_flag: "00-12345678901234567890123456789012-1234567890123456-03" => Ok(valid(0, 3));
    unknown_flags_kept: "00-12345678901234567890123456789012-1234567890123456-ff" => Ok(valid(0, 0xff));
    ows_around: " \t00-12345678901234567890123456789012-1234567890123456-01 \t" => Ok(valid(0, 1));
    // Future versions: parsed by the version-00 prefix.
    future_exact: "cc-12345678901234567890123456789012-1234567890123456-01" => Ok(valid(0xcc, 1));
    future_with_extra_data: "cc-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like" => Ok(valid(0xcc, 1));
    future_fe: "fe-12345678901234567890123456789012-1234567890123456-00-" => Ok(valid(0xfe, 0));
    future_bad_delimiter: "cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like"
        => Err(TraceparentError::NotLowerHex { field: Flags, offset: 55 });
    // Version.
    version_ff: "ff-12345678901234567890123456789012-1234567890123456-01" => Err(TraceparentError::ForbiddenVersion { offset: 0 });
    version_illegal_first: ".0-12345678901234567890123456789012-1234567890123456-01" => Err(TraceparentError::NotLowerHex { field: Version, offset: 0 });
    version_illegal_second: "0.-12345678901234567890123456789012-1234567890123456-01" => Err(TraceparentError::NotLowerHex { field: Version, offset: 1 });
    version_uppercase: "CC-12345678901234567890123456789012-1234567890123456-01" => Err(TraceparentError::NotLowerHex { field: Version, offset: 0 });
    version_too_long: "000-12345678901234567890123456789012-1234567890123456-01" => Err(TraceparentError::Length { field: Version, offset: 0, found: 3 });
    version_too_short: "0-12345678901234567890123456789012-1234567890123456-01" => Err(TraceparentError::Length { field: Version, offset: 0, found: 1 });
    empty: "" => Err(TraceparentError::Missing { field: Version, offset: 0 });
    only_ows: "  " => Err(TraceparentError::Missing { field: Version, offset: 2 });
    // Trace id.
    trace_id_zero: "00-00000000000000000000000000000000-1234567890123456-01" => Err(TraceparentError::AllZero { field: TraceIdField, offset: 3 });
    trace_id_illegal_first: "00-.2345678901234567890123456789012-1234567890123456-01" => Err(TraceparentError::NotLowerHex { field: TraceIdField, offset: 3 });
    trace_id_illegal_last: "00-1234567890123456789012345678901.-1234567890123456-01" => Err(TraceparentError::NotLowerHex { field: TraceIdField, offset: 34 });
    trace_id_uppercase: "00-1234567890123456789012345678901A-1234567890123456-01" => Err(TraceparentError::NotLowerHex { field: TraceIdField, offset: 34 });
    trace_id_too_long: "00-123456789012345678901234567890123-1234567890123456-01" => Err(TraceparentError::Length { field: TraceIdField, offset: 3, found: 33 });
    trace_id_too_short: "00-1234567890123456789012345678901-1234567890123456-01" => Err(TraceparentError::Length { field: TraceIdField, offset: 3, found: 31 });
    // fastrace's decoder accepts this (from_str_radix takes a sign, upper case and short fields).
    fastrace_sign_and_short_fields: "00-+1-ABC-01" => Err(TraceparentError::NotLowerHex { field: TraceIdField, offset: 3 });
    sign_in_trace_id: "00-+2345678901234567890123456789012-1234567890123456-01" => Err(TraceparentError::NotLowerHex { field: TraceIdField, offset: 3 });
    missing_trace_id: "00-" => Err(TraceparentError::Missing { field: TraceIdField, offset: 3 });
    only_version: "00" => Err(TraceparentError::Missing { field: TraceIdField, offset: 2 });
    // Parent id.
    parent_id_zero: "00-12345678901234567890123456789012-0000000000000000-01" => Err(TraceparentError::AllZero { field: ParentId, offset: 36 });
    parent_id_illegal_first: "00-12345678901234567890123456789012-.234567890123456-01" => Err(TraceparentError::NotLowerHex { field: ParentId, offset: 36 });
    parent_id_illegal_last: "00-12345678901234567890123456789012-123456789012345.-01" => Err(TraceparentError::NotLowerHex { field: ParentId, offset: 51 });
    parent_id_too_long: "00-12345678901234567890123456789012-12345678901234567-01" => Err(TraceparentError::Length { field: ParentId, offset: 36, found: 17 });
    parent_id_too_short: "00-12345678901234567890123456789012-123456789012345-01" => Err(TraceparentError::Length { field: ParentId, offset: 36, found: 15 });
    parent_id_sign: "00-12345678901234567890123456789012--234567890123456-01" => Err(TraceparentError::Length { field: ParentId, offset: 36, found: 0 });
    // Flags.
    flags_illegal_first: "00-12345678901234567890123456789012-1234567890123456-.0" => Err(TraceparentError::NotLowerHex { field: Flags, offset: 53 });
    flags_illegal_second: "00-12345678901234567890123456789012-1234567890123456-0." => Err(TraceparentError::NotLowerHex { field: Flags, offset: 54 });
    flags_uppercase: "00-12345678901234567890123456789012-1234567890123456-0A" => Err(TraceparentError::NotLowerHex { field: Flags, offset: 54 });
    flags_too_long: "00-12345678901234567890123456789012-1234567890123456-001" => Err(TraceparentError::Length { field: Flags, offset: 53, found: 3 });
    flags_too_short: "00-12345678901234567890123456789012-1234567890123456-1" => Err(TraceparentError::Length { field: Flags, offset: 53, found: 1 });
    flags_missing: "00-12345678901234567890123456789012-1234567890123456" => Err(TraceparentError::Missing { field: Flags, offset: 52 });
    flags_missing_after_dash: "00-12345678901234567890123456789012-1234567890123456-" => Err(TraceparentError::Missing { field: Flags, offset: 53 });
    // Version 00 is exactly 55 characters.
    // opentelemetry-rust accepts the trailing dash.
    v00_trailing_dash: "00-12345678901234567890123456789012-1234567890123456-01-" => Err(TraceparentError::TrailingData { offset: 55 });
    v00_extra_field: "00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like" => Err(TraceparentError::TrailingData { offset: 55 });
    v00_extra_char: "00-12345678901234567890123456789012-1234567890123456-01." => Err(TraceparentError::NotLowerHex { field: Flags, offset: 55 });
    v00_inner_space: "00-12345678901234567890123456789012-1234567890123456-01 x" => Err(TraceparentError::NotLowerHex { field: Flags, offset: 55 });
    // Offsets count from the start of the input, OWS included.
    offset_after_ows: "  00-00000000000000000000000000000000-1234567890123456-01" => Err(TraceparentError::AllZero { field: TraceIdField, offset: 5 });
}

#[test]
fn errors_name_field_and_offset() {
    let e = parse("00-12345678901234567890123456789012-123456789012345.-01").unwrap_err();
    assert_eq!((e.field(), e.offset()), (ParentId, 51));
    assert_eq!(
        e.to_string(),
        "traceparent parent-id: byte 51 is not a lowercase hex digit"
    );
    let e = parse("ff-12345678901234567890123456789012-1234567890123456-01").unwrap_err();
    assert_eq!((e.field(), e.offset()), (Version, 0));
}

#[test]
fn format_writes_version_00_lowercase() {
    let sc = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::from_bits(0x01),
    );
    let s = traceparent::format(&sc);
    assert_eq!(s, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert_eq!(s.len(), traceparent::VERSION_00_LEN);
}

#[test]
fn version_00_flags_survive_a_hop_bit_for_bit() {
    for bits in [0x00, 0x01, 0x02, 0x03, 0x80, 0xfd, 0xff] {
        let input = format!("00-{TRACE}-{SPAN}-{bits:02x}");
        let sc = parse(&input).unwrap().to_span_context();
        assert_eq!(sc.flags().bits(), bits);
        assert_eq!(traceparent::format(&sc), input);
    }
}

#[test]
fn future_version_keeps_only_the_flags_version_00_defines() {
    let tp = parse(&format!("01-{TRACE}-{SPAN}-ff-more")).unwrap();
    assert_eq!(tp.version, 1);
    assert_eq!(tp.flags.bits(), 0xff, "the parsed header is faithful");
    let sc = tp.to_span_context();
    assert_eq!(sc.flags().bits(), 0x03);
    // Re-injected as the highest version we know.
    assert_eq!(traceparent::format(&sc), format!("00-{TRACE}-{SPAN}-03"));
}

#[test]
fn to_span_context_is_remote_with_empty_tracestate() {
    let sc = valid(0, 1).to_span_context();
    assert!(sc.is_remote());
    assert!(sc.is_sampled());
    assert!(sc.trace_state().is_empty());
    assert_eq!(sc.trace_id().to_string(), TRACE);
    assert_eq!(sc.span_id().to_string(), SPAN);
    assert_eq!(sc.parent_span_id(), None);
}

#[test]
fn every_single_byte_change_of_a_valid_value_is_checked() {
    // Changing any one byte to an upper-case letter, a sign or a space makes
    // version 00 invalid: nothing is parsed loosely.
    let good = format!("00-{TRACE}-{SPAN}-01");
    for i in 1..good.len() - 1 {
        for b in [b'A', b'+', b'g', b' '] {
            let mut bad = good.clone().into_bytes();
            bad[i] = b;
            let bad = String::from_utf8(bad).unwrap();
            assert!(parse(&bad).is_err(), "accepted {bad:?}");
        }
    }
}
