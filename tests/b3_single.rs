//! The single `b3` header: spec vectors, edges, and the propagator.
//! Spec: https://github.com/openzipkin/b3-propagation#single-header

use baton::propagation::{Propagator, B3};
use baton::wire::b3::{B3Header, Sampling};
use baton::wire::b3_single::{format_single, parse_single, MAX_SINGLE_LEN};
use baton::wire::{Field, Reason, WireError};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};
use std::collections::HashMap;

fn ids(trace: u128, span: u64, parent: Option<u64>, sampling: Option<Sampling>) -> B3Header {
    B3Header::Context {
        trace_id: TraceId::from_u128(trace).unwrap(),
        span_id: SpanId::from_u64(span).unwrap(),
        parent_span_id: parent.map(|p| SpanId::from_u64(p).unwrap()),
        sampling,
    }
}

const T128: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const T128_N: u128 = 0x80f1_98ee_5634_3ba8_64fe_8b2a_57d3_eff7;
const S: &str = "e457b5a2e4d86bd1";
const S_N: u64 = 0xe457_b5a2_e4d8_6bd1;
const P: &str = "05e3ac9a4f6e3b90";
const P_N: u64 = 0x05e3_ac9a_4f6e_3b90;

/// `name: input => expected parse result;`
macro_rules! vectors {
    ($($name:ident: $input:expr => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(parse_single(&$input), $expected, "input {:?}", $input);
        }
    )*};
}

use Sampling::*;

vectors! {
    // The README's own examples.
    readme_accept_with_parent: format!("{T128}-{S}-1-{P}") => Ok(ids(T128_N, S_N, Some(P_N), Some(Accept)));
    readme_accept: format!("{T128}-{S}-1") => Ok(ids(T128_N, S_N, None, Some(Accept)));
    readme_debug: format!("{T128}-{S}-d") => Ok(ids(T128_N, S_N, None, Some(Debug)));
    readme_deny_alone: "0" => Ok(B3Header::SamplingOnly(Deny));
    deny: format!("{T128}-{S}-0") => Ok(ids(T128_N, S_N, None, Some(Deny)));
    debug_with_parent: format!("{T128}-{S}-d-{P}") => Ok(ids(T128_N, S_N, Some(P_N), Some(Debug)));
    // "Sampling State can also be sent on its own (with no identifiers)."
    accept_alone: "1" => Ok(B3Header::SamplingOnly(Accept));
    debug_alone: "d" => Ok(B3Header::SamplingOnly(Debug));
    // Absent sampling state = defer.
    deferred: format!("{T128}-{S}") => Ok(ids(T128_N, S_N, None, None));
    deferred_with_parent: format!("{T128}-{S}-{P}") => Ok(ids(T128_N, S_N, Some(P_N), None));
    // 64-bit trace ids are left-padded with zeros to 128 bits.
    trace_id_16: format!("64fe8b2a57d3eff7-{S}-1") => Ok(ids(0x64fe_8b2a_57d3_eff7, S_N, None, Some(Accept)));
    trace_id_16_padded_zeros: format!("0000000000000001-{S}") => Ok(ids(1, S_N, None, None));

    empty: "" => Err(WireError::new(Field::B3, 0, Reason::Empty));
    bad_lone_state: "2" => Err(WireError::new(Field::B3Sampled, 0, Reason::UnknownValue));
    lone_uppercase_debug: "D" => Err(WireError::new(Field::B3Sampled, 0, Reason::UnknownValue));
    bad_state: format!("{T128}-{S}-x") => Err(WireError::new(Field::B3Sampled, 50, Reason::UnknownValue));
    legacy_true_is_not_single: format!("{T128}-{S}-true") => Err(WireError::new(Field::B3Sampled, 50, Reason::UnknownValue));
    trace_id_15: format!("{}-{S}", &T128[..15]) => Err(WireError::new(Field::B3TraceId, 0, Reason::Length { found: 15 }));
    trace_id_17: format!("{}-{S}", &T128[..17]) => Err(WireError::new(Field::B3TraceId, 0, Reason::Length { found: 17 }));
    trace_id_31: format!("{}-{S}", &T128[..31]) => Err(WireError::new(Field::B3TraceId, 0, Reason::Length { found: 31 }));
    trace_id_33: format!("{T128}0-{S}") => Err(WireError::new(Field::B3TraceId, 0, Reason::Length { found: 33 }));
    span_id_15: format!("{T128}-{}", &S[..15]) => Err(WireError::new(Field::B3SpanId, 33, Reason::Length { found: 15 }));
    span_id_17: format!("{T128}-{S}0") => Err(WireError::new(Field::B3SpanId, 33, Reason::Length { found: 17 }));
    parent_15: format!("{T128}-{S}-1-{}", &P[..15]) => Err(WireError::new(Field::B3ParentSpanId, 52, Reason::Length { found: 15 }));
    parent_empty: format!("{T128}-{S}-1-") => Err(WireError::new(Field::B3ParentSpanId, 52, Reason::Length { found: 0 }));
    state_empty: format!("{T128}-{S}-") => Err(WireError::new(Field::B3Sampled, 50, Reason::UnknownValue));
    uppercase_trace: format!("80F198ee56343ba864fe8b2a57d3eff7-{S}") => Err(WireError::new(Field::B3TraceId, 2, Reason::NotLowerHex));
    uppercase_span: format!("{T128}-E457b5a2e4d86bd1") => Err(WireError::new(Field::B3SpanId, 33, Reason::NotLowerHex));
    uppercase_parent: format!("{T128}-{S}-1-05E3ac9a4f6e3b90") => Err(WireError::new(Field::B3ParentSpanId, 54, Reason::NotLowerHex));
    zero_trace_32: format!("{}-{S}", "0".repeat(32)) => Err(WireError::new(Field::B3TraceId, 0, Reason::AllZero));
    zero_trace_16: format!("{}-{S}", "0".repeat(16)) => Err(WireError::new(Field::B3TraceId, 0, Reason::AllZero));
    zero_span: format!("{T128}-{}", "0".repeat(16)) => Err(WireError::new(Field::B3SpanId, 33, Reason::AllZero));
    zero_parent: format!("{T128}-{S}-1-{}", "0".repeat(16)) => Err(WireError::new(Field::B3ParentSpanId, 52, Reason::AllZero));
    trace_only: T128 => Err(WireError::new(Field::B3SpanId, 32, Reason::Missing));
    extra_field: format!("{T128}-{S}-1-{P}-1") => Err(WireError::new(Field::B3, 68, Reason::TooLong { max: 68 }));
    extra_field_short_trace: format!("64fe8b2a57d3eff7-{S}-1-{P}-1") => Err(WireError::new(Field::B3, 52, Reason::TrailingData));
    two_states: format!("{T128}-{S}-1-1") => Err(WireError::new(Field::B3ParentSpanId, 52, Reason::Length { found: 1 }));
    // Bug: a field of the wrong length was said to have that many hex
    // digits (" {T128}" 33, "true" 4); the byte that is not one is named.
    // Spaces and tabs around the value are no part of it (RFC 9110 §5.5);
    // an error in a padded value points into it as received.
    leading_space: format!(" {T128}-{S}") => Ok(ids(T128_N, S_N, None, None));
    padded_both_ends: format!("\t {T128}-{S}-1  ") => Ok(ids(T128_N, S_N, None, Some(Sampling::Accept)));
    padded_bad_span: format!("  {T128}-{S}x") => Err(WireError::new(Field::B3SpanId, 51, Reason::NotLowerHex));
    inner_space: format!("{T128} -{S}") => Err(WireError::new(Field::B3TraceId, 32, Reason::NotLowerHex));
    legacy_true_alone: "true" => Err(WireError::new(Field::B3TraceId, 0, Reason::NotLowerHex));
    short_uppercase_trace: format!("{}-{S}", &T128[..15].to_uppercase()) => Err(WireError::new(Field::B3TraceId, 2, Reason::NotLowerHex));
    bad_byte_in_long_span: format!("{T128}-{}x0-1", &S[..15]) => Err(WireError::new(Field::B3SpanId, 48, Reason::NotLowerHex));
    sign_is_not_hex: format!("+0f198ee56343ba864fe8b2a57d3eff7-{S}") => Err(WireError::new(Field::B3TraceId, 0, Reason::NotLowerHex));
}

#[test]
fn length_68_is_accepted_and_69_rejected() {
    let at_limit = format!("{T128}-{S}-1-{P}");
    assert_eq!(at_limit.len(), MAX_SINGLE_LEN);
    assert!(parse_single(&at_limit).is_ok());
    let past = format!("{at_limit}0");
    assert_eq!(
        parse_single(&past),
        Err(WireError::new(Field::B3, 68, Reason::TooLong { max: 68 }))
    );
}

#[test]
fn long_input_is_rejected_by_length_before_its_content() {
    // Garbage at byte 0 would give NotLowerHex if the bytes were read.
    let huge = "Z".repeat(1 << 20);
    assert_eq!(
        parse_single(&huge),
        Err(WireError::new(Field::B3, 68, Reason::TooLong { max: 68 }))
    );
}

#[test]
fn format_writes_the_spec_order_and_64_bit_ids_short() {
    assert_eq!(
        format_single(&ids(T128_N, S_N, Some(P_N), Some(Accept))),
        format!("{T128}-{S}-1-{P}")
    );
    assert_eq!(
        format_single(&ids(0x64fe_8b2a_57d3_eff7, S_N, None, None)),
        format!("64fe8b2a57d3eff7-{S}")
    );
    assert_eq!(format_single(&B3Header::SamplingOnly(Debug)), "d");
    assert_eq!(format_single(&B3Header::SamplingOnly(Accept)), "1");
}

fn extract(headers: &[(&str, &str)]) -> Context {
    let carrier: HashMap<String, String> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    B3::single().extract(&Context::default(), &carrier)
}

fn inject(cx: &Context) -> HashMap<String, String> {
    let mut out = HashMap::new();
    B3::single().inject(cx, &mut out);
    out
}

#[test]
fn extracted_context_is_remote_with_parent_and_flags() {
    let cx = extract(&[("b3", &format!("{T128}-{S}-1-{P}"))]);
    let sc = cx.span_context().unwrap();
    assert!(sc.is_remote());
    assert_eq!(sc.trace_id().to_u128(), T128_N);
    assert_eq!(sc.span_id().to_u64(), S_N);
    assert_eq!(sc.parent_span_id().map(SpanId::to_u64), Some(P_N));
    assert!(sc.is_sampled() && !sc.is_debug() && !sc.is_deferred());
}

#[test]
fn header_name_matches_case_insensitively() {
    let cx = extract(&[("B3", &format!("{T128}-{S}-0"))]);
    let sc = cx.span_context().unwrap();
    assert!(!sc.is_sampled() && !sc.is_deferred());
}

/// OpenTelemetry Python drops B3 debug between extract and inject. The
/// parent span id is not sent on (OpenTelemetry "MUST NOT propagate" it).
#[test]
fn debug_survives_extract_then_inject() {
    let cx = extract(&[("b3", &format!("{T128}-{S}-d-{P}"))]);
    assert!(cx.span_context().unwrap().is_debug());
    assert!(cx.span_context().unwrap().is_sampled());
    assert_eq!(inject(&cx)["b3"], format!("{T128}-{S}-d"));
}

#[test]
fn debug_survives_into_a_child_span() {
    let cx = extract(&[("b3", &format!("{T128}-{S}-d"))]);
    let _g = cx.attach();
    let child = baton::span("child").start();
    let out = inject(&child.context());
    let wire = &out["b3"];
    assert_eq!(*wire, format!("{T128}-{}-d", child.span_id()));
}

/// No sampling state defers the decision: not the same as "not sampled".
#[test]
fn deferred_is_distinct_from_deny() {
    let deferred = extract(&[("b3", &format!("{T128}-{S}"))]);
    let denied = extract(&[("b3", &format!("{T128}-{S}-0"))]);
    let (d, n) = (
        deferred.span_context().unwrap(),
        denied.span_context().unwrap(),
    );
    assert!(d.is_deferred() && !d.is_sampled());
    assert!(!n.is_deferred() && !n.is_sampled());
    assert_eq!(inject(&deferred)["b3"], format!("{T128}-{S}"));
    assert_eq!(inject(&denied)["b3"], format!("{T128}-{S}-0"));
}

/// opentelemetry-rust rejects a lone `b3: 0`; it is a valid deny.
#[test]
fn lone_zero_is_a_deny_without_ids() {
    let cx = extract(&[("b3", "0")]);
    assert!(cx.span_context().is_none());
    assert_eq!(cx.remote_sampling(), Some(false));
    assert_eq!(inject(&cx)["b3"], "0");
}

#[test]
fn lone_one_and_d_are_accepts_without_ids() {
    for v in ["1", "d"] {
        let cx = extract(&[("b3", v)]);
        assert!(cx.span_context().is_none());
        assert_eq!(cx.remote_sampling(), Some(true), "{v}");
    }
}

#[test]
fn lone_zero_drops_the_next_root_span() {
    // No pipeline installed: the default parent-based sampler decides.
    let cx = extract(&[("b3", "0")]);
    let _g = cx.attach();
    let root = baton::span("denied").start();
    assert!(!root.span_context().is_sampled());
}

#[test]
fn invalid_header_keeps_the_previous_context() {
    let prev = Context::default().with_span_context(SpanContext::new(
        TraceId::from_u128(7).unwrap(),
        SpanId::from_u64(8).unwrap(),
        TraceFlags::from_bits(1),
    ));
    let carrier = vec![("b3".to_string(), format!("{T128}-{S}-x"))];
    let cx = B3::single().extract(&prev, &carrier);
    assert_eq!(cx.span_context(), prev.span_context());
}

#[test]
fn first_of_repeated_values_wins() {
    let carrier = vec![
        ("b3".to_string(), format!("{T128}-{S}-1")),
        ("b3".to_string(), format!("{T128}-{P}-0")),
    ];
    let cx = B3::single().extract(&Context::default(), &carrier);
    assert_eq!(cx.span_context().unwrap().span_id().to_u64(), S_N);
}

#[test]
fn nothing_to_inject_writes_nothing() {
    assert!(inject(&Context::default()).is_empty());
    assert_eq!(B3::single().fields(), ["b3"]);
}
