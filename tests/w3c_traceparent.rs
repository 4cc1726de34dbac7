//! `traceparent` parsing and formatting against the W3C Trace Context Level 2
//! grammar and the W3C test suite's cases (`test/test.py`).

mod common;

use baton::wire::traceparent::{self, parse, Traceparent};
use baton::wire::Field::{
    TraceparentFlags as Flags, TraceparentParentId as ParentId, TraceparentTraceId as TraceIdField,
    TraceparentVersion as Version,
};
use baton::wire::{Field, Reason, WireError};
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

fn err(field: Field, offset: usize, reason: Reason) -> Result<Traceparent, WireError> {
    Err(WireError::new(field, offset, reason))
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
        => err(Flags, 55, Reason::NotLowerHex);
    // Version.
    version_ff: "ff-12345678901234567890123456789012-1234567890123456-01" => err(Version, 0, Reason::ForbiddenVersion);
    version_illegal_first: ".0-12345678901234567890123456789012-1234567890123456-01" => err(Version, 0, Reason::NotLowerHex);
    version_illegal_second: "0.-12345678901234567890123456789012-1234567890123456-01" => err(Version, 1, Reason::NotLowerHex);
    version_uppercase: "CC-12345678901234567890123456789012-1234567890123456-01" => err(Version, 0, Reason::NotLowerHex);
    version_too_long: "000-12345678901234567890123456789012-1234567890123456-01" => err(Version, 0, Reason::Length { found: 3 });
    version_too_short: "0-12345678901234567890123456789012-1234567890123456-01" => err(Version, 0, Reason::Length { found: 1 });
    empty: "" => err(Version, 0, Reason::Missing);
    only_ows: "  " => err(Version, 2, Reason::Missing);
    // Trace id.
    trace_id_zero: "00-00000000000000000000000000000000-1234567890123456-01" => err(TraceIdField, 3, Reason::AllZero);
    trace_id_illegal_first: "00-.2345678901234567890123456789012-1234567890123456-01" => err(TraceIdField, 3, Reason::NotLowerHex);
    trace_id_illegal_last: "00-1234567890123456789012345678901.-1234567890123456-01" => err(TraceIdField, 34, Reason::NotLowerHex);
    trace_id_uppercase: "00-1234567890123456789012345678901A-1234567890123456-01" => err(TraceIdField, 34, Reason::NotLowerHex);
    trace_id_too_long: "00-123456789012345678901234567890123-1234567890123456-01" => err(TraceIdField, 3, Reason::Length { found: 33 });
    trace_id_too_short: "00-1234567890123456789012345678901-1234567890123456-01" => err(TraceIdField, 3, Reason::Length { found: 31 });
    // fastrace's decoder accepts this (from_str_radix takes a sign, upper case and short fields).
    fastrace_sign_and_short_fields: "00-+1-ABC-01" => err(TraceIdField, 3, Reason::NotLowerHex);
    sign_in_trace_id: "00-+2345678901234567890123456789012-1234567890123456-01" => err(TraceIdField, 3, Reason::NotLowerHex);
    missing_trace_id: "00-" => err(TraceIdField, 3, Reason::Missing);
    only_version: "00" => err(TraceIdField, 2, Reason::Missing);
    // Parent id.
    parent_id_zero: "00-12345678901234567890123456789012-0000000000000000-01" => err(ParentId, 36, Reason::AllZero);
    parent_id_illegal_first: "00-12345678901234567890123456789012-.234567890123456-01" => err(ParentId, 36, Reason::NotLowerHex);
    parent_id_illegal_last: "00-12345678901234567890123456789012-123456789012345.-01" => err(ParentId, 51, Reason::NotLowerHex);
    parent_id_too_long: "00-12345678901234567890123456789012-12345678901234567-01" => err(ParentId, 36, Reason::Length { found: 17 });
    parent_id_too_short: "00-12345678901234567890123456789012-123456789012345-01" => err(ParentId, 36, Reason::Length { found: 15 });
    parent_id_sign: "00-12345678901234567890123456789012--234567890123456-01" => err(ParentId, 36, Reason::Length { found: 0 });
    // Flags.
    flags_illegal_first: "00-12345678901234567890123456789012-1234567890123456-.0" => err(Flags, 53, Reason::NotLowerHex);
    flags_illegal_second: "00-12345678901234567890123456789012-1234567890123456-0." => err(Flags, 54, Reason::NotLowerHex);
    flags_uppercase: "00-12345678901234567890123456789012-1234567890123456-0A" => err(Flags, 54, Reason::NotLowerHex);
    flags_too_long: "00-12345678901234567890123456789012-1234567890123456-001" => err(Flags, 53, Reason::Length { found: 3 });
    flags_too_short: "00-12345678901234567890123456789012-1234567890123456-1" => err(Flags, 53, Reason::Length { found: 1 });
    flags_missing: "00-12345678901234567890123456789012-1234567890123456" => err(Flags, 52, Reason::Missing);
    flags_missing_after_dash: "00-12345678901234567890123456789012-1234567890123456-" => err(Flags, 53, Reason::Missing);
    // Version 00 is exactly 55 characters.
    // opentelemetry-rust accepts the trailing dash.
    v00_trailing_dash: "00-12345678901234567890123456789012-1234567890123456-01-" => err(Flags, 55, Reason::TrailingData);
    v00_extra_field: "00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like" => err(Flags, 55, Reason::TrailingData);
    v00_extra_char: "00-12345678901234567890123456789012-1234567890123456-01." => err(Flags, 55, Reason::NotLowerHex);
    v00_inner_space: "00-12345678901234567890123456789012-1234567890123456-01 x" => err(Flags, 55, Reason::NotLowerHex);
    // Offsets count from the start of the input, OWS included.
    offset_after_ows: "  00-00000000000000000000000000000000-1234567890123456-01" => err(TraceIdField, 5, Reason::AllZero);
}

#[test]
fn errors_name_field_and_offset() {
    let e = parse("00-12345678901234567890123456789012-123456789012345.-01").unwrap_err();
    assert_eq!((e.field(), e.offset()), (ParentId, 51));
    assert_eq!(
        e.to_string(),
        "traceparent parent-id at byte 51 is not a lowercase hex digit"
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
        for b in *b"A+g " {
            let mut bad = good.clone().into_bytes();
            bad[i] = b;
            let bad = String::from_utf8(bad).unwrap();
            assert!(parse(&bad).is_err(), "accepted {bad:?}");
        }
    }
}

/// W3C Trace Context Level 2, §3.2.2.5 "trace-flags": "The behavior of other
/// flags, such as (00000100) is not defined and is reserved for future use.
/// Vendors MUST set those to zero." A parent's `-09` (sampled plus the
/// reserved bit 3) must not leak into the traceparent of a span this service
/// creates; forwarding the parent's own context unchanged keeps the byte.
#[test]
fn reserved_flag_bits_are_zero_in_a_span_we_create() {
    common::exporter();
    use baton::propagation::{Propagator, TraceContext};
    let incoming = vec![("traceparent".to_string(), format!("00-{TRACE}-{SPAN}-09"))];
    let parent = TraceContext.extract(&baton::Context::default(), &incoming);
    assert_eq!(parent.span_context().unwrap().flags().bits(), 0x09);

    let mut forwarded = Vec::new();
    TraceContext.inject(&parent, &mut forwarded);
    assert_eq!(forwarded[0].1, format!("00-{TRACE}-{SPAN}-09"));

    let _parent = parent.attach();
    let _child = baton::span("handler").enter();
    let mut outgoing = Vec::new();
    TraceContext.inject(&baton::Context::current(), &mut outgoing);
    let child = parse(&outgoing[0].1).unwrap();
    assert_eq!(child.trace_id.to_string(), TRACE);
    assert_ne!(child.span_id.to_string(), SPAN);
    assert_eq!(
        child.flags.bits() & !0x03,
        0,
        "reserved bits set: {}",
        outgoing[0].1
    );
}
