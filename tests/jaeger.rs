//! Jaeger `uber-trace-id` and `uberctx-{key}`: spec vectors and the propagator.
//! Spec: https://www.jaegertracing.io/docs/1.52/client-libraries/#propagation-format

use baton::propagation::{Jaeger, Propagator};
use baton::wire::uber_trace_id::{format, parse, JaegerHeader, MAX_HEADER_LEN};
use baton::wire::uberctx::{
    format_baggage_name, format_baggage_value, parse_baggage_name, parse_baggage_value,
};
use baton::wire::{Field, Reason, WireError};
use baton::{Baggage, Context, SpanContext, SpanId, TraceFlags, TraceId};

const MAX_BAGGAGE_BYTES: usize = Baggage::MAX_BYTES;
const MAX_BAGGAGE_MEMBERS: usize = Baggage::MAX_MEMBERS;

fn header(trace: u128, span: u64, parent: Option<u64>, flags: u8) -> JaegerHeader {
    JaegerHeader {
        trace_id: TraceId::from_u128(trace).unwrap(),
        span_id: SpanId::from_u64(span).unwrap(),
        parent_span_id: parent.map(|p| SpanId::from_u64(p).unwrap()),
        flags,
    }
}

const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const T_N: u128 = 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736;
const S: &str = "00f067aa0ba902b7";
const S_N: u64 = 0x00f0_67aa_0ba9_02b7;

/// `name: input => expected;`
macro_rules! vectors {
    ($($name:ident: $input:expr => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(parse(&$input), $expected, "input {:?}", $input);
        }
    )*};
}

vectors! {
    full_width: format!("{T}:{S}:0:01") => Ok(header(T_N, S_N, None, 1));
    with_parent: format!("{T}:{S}:53995c3f42cd8ad8:01") => Ok(header(T_N, S_N, Some(0x5399_5c3f_42cd_8ad8), 1));
    // "Can be variable length, shorter values are 0-padded on the left".
    short_ids: "abc:de:f:1" => Ok(header(0xabc, 0xde, Some(0xf), 1));
    one_digit_each: "1:2:0:0" => Ok(header(1, 2, None, 0));
    trace_id_16: format!("a3ce929d0e0e4736:{S}:0:1") => Ok(header(0xa3ce_929d_0e0e_4736, S_N, None, 1));
    trace_id_17: format!("1a3ce929d0e0e4736:{S}:0:1") => Ok(header(0x1_a3ce_929d_0e0e_4736, S_N, None, 1));
    parent_zero_padded: format!("{T}:{S}:0000000000000000:1") => Ok(header(T_N, S_N, None, 1));
    debug_flags: format!("{T}:{S}:0:03") => Ok(header(T_N, S_N, None, 3));
    firehose_kept_in_header: format!("{T}:{S}:0:09") => Ok(header(T_N, S_N, None, 9));
    // The URL-encoded form; opentelemetry-rust rejects lowercase `%3a`.
    encoded_upper: format!("{T}%3A{S}%3A0%3A1") => Ok(header(T_N, S_N, None, 1));
    encoded_lower: format!("{T}%3a{S}%3a0%3a1") => Ok(header(T_N, S_N, None, 1));
    // Jaeger clients parse base16 in either case (Go ParseUint, Java parseUnsignedLong).
    uppercase_hex: "ABC:DEF:A:1" => Ok(header(0xabc, 0xdef, Some(0xa), 1));

    empty: "" => Err(WireError::new(Field::UberTraceId, 0, Reason::Empty));
    zero_trace: format!("{}:{S}:0:1", "0".repeat(32)) => Err(WireError::new(Field::JaegerTraceId, 0, Reason::AllZero));
    zero_trace_short: format!("0:{S}:0:1") => Err(WireError::new(Field::JaegerTraceId, 0, Reason::AllZero));
    zero_span: format!("{T}:0:0:1") => Err(WireError::new(Field::JaegerSpanId, 33, Reason::AllZero));
    trace_33: format!("0{T}:{S}:0:1") => Err(WireError::new(Field::JaegerTraceId, 0, Reason::Length { found: 33 }));
    span_17: format!("{T}:0{S}:0:1") => Err(WireError::new(Field::JaegerSpanId, 33, Reason::Length { found: 17 }));
    parent_17: format!("{T}:{S}:0{S}:1") => Err(WireError::new(Field::JaegerParentSpanId, 50, Reason::Length { found: 17 }));
    flags_3_digits: format!("{T}:{S}:0:001") => Err(WireError::new(Field::JaegerFlags, 52, Reason::Length { found: 3 }));
    empty_span: format!("{T}::0:1") => Err(WireError::new(Field::JaegerSpanId, 33, Reason::Length { found: 0 }));
    empty_flags: format!("{T}:{S}:0:") => Err(WireError::new(Field::JaegerFlags, 52, Reason::Length { found: 0 }));
    three_fields: format!("{T}:{S}:0") => Err(WireError::new(Field::JaegerFlags, 51, Reason::Missing));
    trace_only: T => Err(WireError::new(Field::JaegerSpanId, 32, Reason::Missing));
    five_fields: format!("{T}:{S}:0:1:1") => Err(WireError::new(Field::JaegerFlags, 53, Reason::TrailingData));
    bad_escape: format!("{T}%3B{S}:0:1") => Err(WireError::new(Field::JaegerTraceId, 32, Reason::NotHex));
    // Bug: a field starting with a byte that is neither a digit nor a
    // separator was said to have 0 hex digits; the byte is named.
    not_hex: format!("{T}:{S}:0:x1") => Err(WireError::new(Field::JaegerFlags, 52, Reason::NotHex));
    space_in_span: format!("{T}: {S}:0:1") => Err(WireError::new(Field::JaegerSpanId, 33, Reason::NotHex));
    plus_sign: format!("+1:{S}:0:1") => Err(WireError::new(Field::JaegerTraceId, 0, Reason::NotHex));
    bad_escape_first: format!("%zz:{S}:0:1") => Err(WireError::new(Field::JaegerTraceId, 0, Reason::NotHex));
    empty_span_encoded: format!("{T}%3A%3A0%3A1") => Err(WireError::new(Field::JaegerSpanId, 35, Reason::Length { found: 0 }));
    dash_separator: format!("{T}-{S}-0-1") => Err(WireError::new(Field::JaegerTraceId, 32, Reason::NotHex));
    // All separators encoded, or all plain: a mix was not written by one encoder.
    mixed_encoded_then_plain: "abc%3a1:0:3" => Err(WireError::new(Field::UberTraceId, 7, Reason::MixedSeparators));
    mixed_plain_then_encoded: format!("{T}:{S}%3A0%3A1") => Err(WireError::new(Field::UberTraceId, 49, Reason::MixedSeparators));
    encoded_either_case: format!("{T}%3A{S}%3a0%3A1") => Ok(header(T_N, S_N, None, 1));
}

#[test]
fn length_limit_counts_encoded_separators() {
    let widest = format!("{T}%3A{S}%3A{S}%3A01");
    assert_eq!(widest.len(), MAX_HEADER_LEN);
    assert!(parse(&widest).is_ok());
    let past = format!("{widest}0");
    assert_eq!(
        parse(&past),
        Err(WireError::new(
            Field::UberTraceId,
            MAX_HEADER_LEN,
            Reason::TooLong {
                max: MAX_HEADER_LEN
            }
        ))
    );
}

#[test]
fn format_writes_full_width_lowercase() {
    assert_eq!(
        format(&header(0xabc, 0xde, None, 1)),
        "00000000000000000000000000000abc:00000000000000de:0:01"
    );
    assert_eq!(
        format(&header(T_N, S_N, Some(0xf), 3)),
        format!("{T}:{S}:000000000000000f:03")
    );
}

#[test]
fn header_to_span_context_maps_flags() {
    let sc = header(T_N, S_N, Some(5), 0).to_span_context();
    assert!(sc.is_remote() && !sc.is_sampled() && !sc.is_debug() && !sc.is_deferred());
    assert_eq!(sc.parent_span_id().map(SpanId::to_u64), Some(5));
    let sc = header(T_N, S_N, None, 3).to_span_context();
    assert!(sc.is_debug() && sc.is_sampled());
}

#[test]
fn baggage_value_vectors() {
    let value = |offset, reason| Err(WireError::new(Field::UberctxValue, offset, reason));
    let cases: [(&str, Result<&str, WireError>); 8] = [
        ("plain", Ok("plain")),
        ("a%20b", Ok("a b")),
        ("a+b", Ok("a b")),
        ("%2B%2b", Ok("++")),
        ("caf%C3%A9", Ok("café")),
        ("%", value(0, Reason::BadEscape)),
        ("ab%4", value(2, Reason::BadEscape)),
        ("ok%C3", value(2, Reason::NotUtf8)),
    ];
    for (input, expected) in cases {
        assert_eq!(
            parse_baggage_value(input).as_deref().map_err(|e| *e),
            expected,
            "input {input:?}"
        );
    }
    assert_eq!(format_baggage_value("a b+c/é~"), "a%20b%2Bc%2F%C3%A9~");
}

#[test]
fn baggage_value_length_edge() {
    assert!(parse_baggage_value(&"v".repeat(MAX_BAGGAGE_BYTES)).is_ok());
    assert_eq!(
        parse_baggage_value(&"v".repeat(MAX_BAGGAGE_BYTES + 1)),
        Err(WireError::new(
            Field::UberctxValue,
            MAX_BAGGAGE_BYTES,
            Reason::TooLong {
                max: MAX_BAGGAGE_BYTES
            }
        ))
    );
}

#[test]
fn baggage_name_vectors() {
    assert_eq!(parse_baggage_name("uberctx-user_id").unwrap(), "user_id");
    assert_eq!(parse_baggage_name("UBERCTX-User_ID").unwrap(), "user_id");
    assert_eq!(
        parse_baggage_name("uberctx-"),
        Err(WireError::new(Field::UberctxName, 8, Reason::Empty))
    );
    assert_eq!(
        parse_baggage_name("uber-trace-id"),
        Err(WireError::new(Field::UberctxName, 0, Reason::MissingPrefix))
    );
    assert_eq!(
        parse_baggage_name("uberctx-a:b"),
        Err(WireError::new(Field::UberctxName, 9, Reason::InvalidByte))
    );
    assert_eq!(
        format_baggage_name("Tenant"),
        Err(WireError::new(Field::UberctxName, 8, Reason::InvalidByte))
    );
    assert_eq!(
        format_baggage_name(""),
        Err(WireError::new(Field::UberctxName, 8, Reason::Empty))
    );
}

fn carrier(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn extract(pairs: &[(&str, &str)]) -> Context {
    Jaeger.extract(&Context::default(), &carrier(pairs))
}

#[test]
fn extract_gives_a_remote_context_with_parent_and_debug() {
    let cx = extract(&[("Uber-Trace-Id", &format!("{T}:{S}:a:3"))]);
    let sc = cx.span_context().unwrap();
    assert_eq!((sc.trace_id().to_u128(), sc.span_id().to_u64()), (T_N, S_N));
    assert_eq!(sc.parent_span_id().map(SpanId::to_u64), Some(0xa));
    assert!(sc.is_remote() && sc.is_debug() && sc.is_sampled());
}

#[test]
fn debug_and_parent_survive_extract_then_inject() {
    let cx = extract(&[("uber-trace-id", &format!("{T}:{S}:000000000000000a:03"))]);
    let mut out = Vec::new();
    Jaeger.inject(&cx, &mut out);
    assert_eq!(
        out,
        carrier(&[("uber-trace-id", &format!("{T}:{S}:000000000000000a:03"))])
    );
}

/// opentelemetry-rust lets one bad uberctx entry void the whole context.
#[test]
fn one_bad_uberctx_entry_voids_nothing_else() {
    let cx = extract(&[
        ("uber-trace-id", &format!("{T}:{S}:0:1")),
        ("uberctx-a", "1"),
        ("uberctx-bad", "%E2%82"),
        ("uberctx-bad key", "x"),
        ("uberctx-b", "2"),
    ]);
    assert!(cx.span_context().unwrap().is_sampled());
    let entries: Vec<_> = cx.baggage().iter().map(|(k, v, _)| (k, v)).collect();
    assert_eq!(entries, [("a", "1"), ("b", "2")]);
}

#[test]
fn invalid_trace_header_keeps_previous_context_and_still_reads_baggage() {
    let prev_sc = SpanContext::new(
        TraceId::from_u128(1).unwrap(),
        SpanId::from_u64(2).unwrap(),
        TraceFlags::from_bits(1),
    );
    let prev = Context::default()
        .with_span_context(prev_sc.clone())
        .with_baggage("keep", "me");
    let incoming = carrier(&[("uber-trace-id", "0:1:0:1"), ("uberctx-k", "v")]);
    let cx = Jaeger.extract(&prev, &incoming);
    assert_eq!(cx.span_context(), Some(&prev_sc));
    assert_eq!(cx.baggage().get("keep"), Some("me"));
    assert_eq!(cx.baggage().get("k"), Some("v"));
}

#[test]
fn extracted_entries_replace_existing_keys_in_place() {
    let prev = Context::default()
        .with_baggage("a", "old")
        .with_baggage("z", "kept");
    let cx = Jaeger.extract(&prev, &carrier(&[("uberctx-a", "new")]));
    let entries: Vec<_> = cx.baggage().iter().map(|(k, v, _)| (k, v)).collect();
    assert_eq!(entries, [("a", "new"), ("z", "kept")]);
}

#[test]
fn session_crosses_as_uberctx_session_id() {
    let cx = Context::default().with_baggage("session.id", "user session/1");
    let mut out = Vec::new();
    Jaeger.inject(&cx, &mut out);
    assert_eq!(
        out,
        carrier(&[("uberctx-session.id", "user%20session%2F1")])
    );
    let back = Jaeger.extract(&Context::default(), &out);
    assert_eq!(back.session().unwrap().id(), "user session/1");
}

#[test]
fn inject_skips_keys_that_cannot_be_lowercase_header_names() {
    let baggage = Baggage::default()
        .try_insert("userId", "1", "")
        .unwrap()
        .try_insert("tenant", "acme", "p=1")
        .unwrap();
    let cx = Context::default().with_baggage_replaced(baggage);
    let mut out = Vec::new();
    Jaeger.inject(&cx, &mut out);
    assert_eq!(out, carrier(&[("uberctx-tenant", "acme")]));
}

#[test]
fn extract_caps_entries_at_max_baggage_members() {
    let pairs: Vec<(String, String)> = (0..MAX_BAGGAGE_MEMBERS + 1)
        .map(|i| (format!("uberctx-k{i}"), "v".to_string()))
        .collect();
    let cx = Jaeger.extract(&Context::default(), &pairs);
    assert_eq!(cx.baggage().len(), MAX_BAGGAGE_MEMBERS);
    assert_eq!(cx.baggage().get("k63"), Some("v"));
    assert_eq!(cx.baggage().get("k64"), None);
}

#[test]
fn extract_caps_total_bytes() {
    // Counted as the `baggage` header writes them: `a=` + value, then
    // `,b=x` (4 bytes).
    let first = "v".repeat(MAX_BAGGAGE_BYTES - 6);
    let cx = extract(&[("uberctx-a", &first), ("uberctx-b", "x")]);
    assert_eq!(cx.baggage().get("b"), Some("x"), "exactly at the budget");
    let first = "v".repeat(MAX_BAGGAGE_BYTES - 5);
    let cx = extract(&[("uberctx-a", &first), ("uberctx-b", "x")]);
    assert_eq!(
        cx.baggage().get("a").map(str::len),
        Some(MAX_BAGGAGE_BYTES - 5)
    );
    assert_eq!(cx.baggage().get("b"), None, "one byte past the budget");
}

#[test]
fn repeated_uberctx_field_keeps_the_first_value() {
    let cx = extract(&[("uberctx-a", "1"), ("UBERCTX-A", "2"), ("uberctx-a", "3")]);
    let entries: Vec<_> = cx.baggage().iter().map(|(k, v, _)| (k, v)).collect();
    assert_eq!(entries, [("a", "1")]);
}

#[test]
fn fields_name_only_the_trace_header() {
    assert_eq!(Jaeger.fields(), ["uber-trace-id"]);
}

/// "The first value wins" for `uber-trace-id` too: of repeated lines, the
/// first in the carrier's order; of a map's names in two cases, the one
/// spelled as propagators ask for it (what `Extractor::get_all` yields first).
#[test]
fn repeated_trace_header_keeps_the_first_value() {
    let first = format!("{T}:{S}:0:1");
    let second = format!("{T}:0000000000000abc:0:1");
    let cx = extract(&[("Uber-Trace-Id", &first), ("uber-trace-id", &second)]);
    assert_eq!(cx.span_context().unwrap().span_id().to_u64(), S_N);

    let mut map = std::collections::BTreeMap::new();
    map.insert("Uber-Trace-Id".to_string(), second.clone());
    map.insert("uber-trace-id".to_string(), first.clone());
    map.insert("uberctx-k".to_string(), "v".to_string());
    let cx = Jaeger.extract(&Context::default(), &map);
    assert_eq!(cx.span_context().unwrap().span_id().to_u64(), S_N);
    assert_eq!(cx.baggage().get("k"), Some("v"));
}

/// A carrier whose field names are not the header names (say, environment
/// variables) finds `uber-trace-id` only when asked for it by name.
#[test]
fn a_carrier_that_renames_fields_is_asked_for_the_trace_header_by_name() {
    struct Renamed(Vec<(String, String)>);
    impl baton::propagation::Extractor for Renamed {
        fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
            let name = key.to_ascii_uppercase().replace('-', "_");
            self.0
                .iter()
                .filter(|(k, _)| *k == name)
                .for_each(|(_, v)| f(v));
        }
        fn keys(&self, f: &mut dyn FnMut(&str)) {
            self.0.iter().for_each(|(k, _)| f(k));
        }
    }
    let carrier = Renamed(vec![("UBER_TRACE_ID".into(), format!("{T}:{S}:0:1"))]);
    let cx = Jaeger.extract(&Context::default(), &carrier);
    assert_eq!(cx.span_context().unwrap().trace_id().to_u128(), T_N);
}
