//! The OTLP protobuf encoding of spans: an `ExportTraceServiceRequest` of
//! [opentelemetry-proto](https://github.com/open-telemetry/opentelemetry-proto)
//! v1, written by hand into a reused buffer.
//!
//! The messages and field numbers, from `collector/trace/v1/trace_service.proto`,
//! `trace/v1/trace.proto`, `resource/v1/resource.proto` and
//! `common/v1/common.proto`:
//!
//! ```text
//! ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
//! ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
//! Resource      { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
//! ScopeSpans    { InstrumentationScope scope = 1; repeated Span spans = 2;
//!                 string schema_url = 3; }
//! InstrumentationScope { string name = 1; string version = 2;
//!                        repeated KeyValue attributes = 3;
//!                        uint32 dropped_attributes_count = 4; }
//! Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3;
//!        bytes parent_span_id = 4; fixed32 flags = 16; string name = 5;
//!        SpanKind kind = 6; fixed64 start_time_unix_nano = 7;
//!        fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9;
//!        uint32 dropped_attributes_count = 10; repeated Event events = 11;
//!        uint32 dropped_events_count = 12; repeated Link links = 13;
//!        uint32 dropped_links_count = 14; Status status = 15; }
//! Span.Event { fixed64 time_unix_nano = 1; string name = 2;
//!              repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
//! Span.Link  { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3;
//!              repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5;
//!              fixed32 flags = 6; }
//! Status   { string message = 2; StatusCode code = 3; }
//! KeyValue { string key = 1; AnyValue value = 2; }
//! AnyValue { oneof value { string string_value = 1; bool bool_value = 2;
//!            int64 int_value = 3; double double_value = 4;
//!            ArrayValue array_value = 5; KeyValueList kvlist_value = 6;
//!            bytes bytes_value = 7; } }
//! ArrayValue   { repeated AnyValue values = 1; }
//! KeyValueList { repeated KeyValue values = 1; }
//! ```
//!
//! As proto3 allows, fields holding their default (zero, empty) are left
//! out, except inside the `AnyValue` oneof, where the field says which
//! variant it is.

use crate::attribute_limits::within_max_depth;
use crate::export::otlp_model::{
    for_each_scope, kind_number, span_flags, span_type_attribute, status_parts,
};
use crate::export::resource::Resource;
use crate::instrumentation_scope::InstrumentationScope;
use crate::span_context::SpanContext;
use crate::span_data::{Event, Link, SpanData, SPAN_TYPE_ATTRIBUTE};
use crate::value::{Array, KeyValue, Value};

/// Wire types (protobuf encoding, "Message Structure").
const VARINT: u8 = 0;
const I64: u8 = 1;
const LEN: u8 = 2;
const I32: u8 = 5;

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn varint_len(n: u64) -> usize {
    // 1 byte per 7 significant bits, and 1 for zero.
    (64 - (n | 1).leading_zeros() as usize).div_ceil(7)
}

/// Writes `n` as a varint at the start of `slot`; returns its length.
fn put_varint(slot: &mut [u8], mut n: u64) -> usize {
    let mut i = 0;
    while n >= 0x80 {
        slot[i] = n as u8 | 0x80;
        n >>= 7;
        i += 1;
    }
    slot[i] = n as u8;
    i + 1
}

fn tag(out: &mut Vec<u8>, field: u32, wire: u8) {
    varint(out, u64::from(field << 3 | u32::from(wire)));
}

fn bytes_always(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    tag(out, field, LEN);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// A string or bytes field, left out when empty.
fn bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    if !bytes.is_empty() {
        bytes_always(out, field, bytes);
    }
}

/// A `uint32`, `uint64` or enum field, left out when zero.
fn uint_field(out: &mut Vec<u8>, field: u32, n: u64) {
    if n != 0 {
        tag(out, field, VARINT);
        varint(out, n);
    }
}

fn fixed64(out: &mut Vec<u8>, field: u32, n: u64) {
    tag(out, field, I64);
    out.extend_from_slice(&n.to_le_bytes());
}

fn fixed32(out: &mut Vec<u8>, field: u32, n: u32) {
    tag(out, field, I32);
    out.extend_from_slice(&n.to_le_bytes());
}

/// A request being written into `out`, each embedded message framed as it
/// ends. A message gets one byte for its length, which a length under 128
/// fills; a longer one is only noted, and [`finish`](Nested::finish) puts
/// them all in, moving each byte once. Made room for as each message ended,
/// a message's bytes would move once per level around them, and attribute
/// values nest [`SpanLimits::MAX_DEPTH`](crate::SpanLimits::MAX_DEPTH)
/// deep: a megabyte 1000 levels down took a gigabyte of copying.
struct Nested<'a> {
    out: &'a mut Vec<u8>,
    /// Where each length of two or more bytes goes (its one byte), and the
    /// length.
    long: Vec<(usize, u64)>,
    /// The bytes the lengths in `long` take past their first.
    extra: usize,
}

impl<'a> Nested<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        Nested {
            out,
            long: Vec::new(),
            extra: 0,
        }
    }

    /// An embedded message: `body` writes its fields.
    fn message(&mut self, field: u32, body: impl FnOnce(&mut Self)) {
        tag(self.out, field, LEN);
        let at = self.out.len();
        self.out.push(0);
        let extra_before = self.extra;
        body(self);
        // The lengths of messages inside it, put in later, count in it.
        let len = (self.out.len() - at - 1 + self.extra - extra_before) as u64;
        if len < 0x80 {
            self.out[at] = len as u8;
        } else {
            self.long.push((at, len));
            self.extra += varint_len(len) - 1;
        }
    }

    /// Puts in the noted lengths, from the last back, each moving the
    /// bytes after it to their place in one copy.
    fn finish(mut self) {
        // Noted as messages ended, inner ones before those around them:
        // runs in order of place (the spans, then their scope and
        // resource; a deep value's levels, innermost first), which a
        // stable sort merges in linear time. The unstable sort, which
        // does not look for runs, was 4% of encoding a typical batch.
        self.long.sort_by_key(|&(at, _)| at);
        let mut end = self.out.len();
        let mut shift = self.extra;
        self.out.resize(end + shift, 0);
        for &(at, len) in self.long.iter().rev() {
            self.out.copy_within(at + 1..end, at + 1 + shift);
            shift -= varint_len(len) - 1;
            put_varint(&mut self.out[at + shift..], len);
            end = at;
        }
    }
}

/// An `AnyValue`, `depth` deep (see [`within_max_depth`]).
fn any_value(n: &mut Nested<'_>, value: &Value, depth: usize) {
    match within_max_depth(value, depth) {
        Value::String(s) => bytes_always(n.out, 1, s.as_bytes()),
        Value::Bool(b) => {
            tag(n.out, 2, VARINT);
            n.out.push(u8::from(*b));
        }
        Value::I64(i) => {
            tag(n.out, 3, VARINT);
            // int64: two's complement, so a negative number takes 10 bytes.
            varint(n.out, *i as u64);
        }
        Value::F64(x) => {
            tag(n.out, 4, I64);
            n.out.extend_from_slice(&x.to_le_bytes());
        }
        Value::Array(array) => n.message(5, |n| array_value(n, array, depth + 1)),
        Value::KvList(kvs) => n.message(6, |n| entries(n, 1, kvs, depth + 1)),
        Value::Bytes(bytes) => bytes_always(n.out, 7, bytes),
        // An `AnyValue` with no field set.
        Value::Empty => {}
    }
}

/// The `values` of an `ArrayValue`, each an `AnyValue` message `depth`
/// deep.
fn array_value(n: &mut Nested<'_>, array: &Array, depth: usize) {
    fn each<T>(n: &mut Nested<'_>, items: &[T], mut item: impl FnMut(&mut Nested<'_>, &T)) {
        for x in items {
            n.message(1, |n| item(n, x));
        }
    }
    match array {
        Array::String(v) => each(n, v, |n, s| bytes_always(n.out, 1, s.as_bytes())),
        Array::Bool(v) => each(n, v, |n, b| any_value(n, &Value::Bool(*b), depth)),
        Array::I64(v) => each(n, v, |n, i| any_value(n, &Value::I64(*i), depth)),
        Array::F64(v) => each(n, v, |n, x| any_value(n, &Value::F64(*x), depth)),
        Array::Value(v) => each(n, v, |n, v| any_value(n, v, depth)),
    }
}

/// Attributes: `KeyValue` messages, the values at the top level.
fn attributes(n: &mut Nested<'_>, field: u32, attributes: &[KeyValue]) {
    entries(n, field, attributes, 1);
}

/// `KeyValue` messages, the values `depth` deep.
fn entries(n: &mut Nested<'_>, field: u32, entries: &[KeyValue], depth: usize) {
    for kv in entries {
        n.message(field, |n| {
            bytes_field(n.out, 1, kv.key.as_bytes());
            n.message(2, |n| any_value(n, &kv.value, depth));
        });
    }
}

/// Trace id (1), span id (2) and trace state (3): the same numbers in
/// `Span` and `Span.Link`. The invalid span context (a link's) has
/// all-zero ids, as OpenTelemetry defines it.
fn ids(out: &mut Vec<u8>, sc: &SpanContext) {
    let (trace_id, span_id) = if sc.is_valid() {
        (sc.trace_id().to_bytes(), sc.span_id().to_bytes())
    } else {
        ([0; 16], [0; 8])
    };
    bytes_always(out, 1, &trace_id);
    bytes_always(out, 2, &span_id);
    bytes_field(out, 3, sc.trace_state().as_str().as_bytes());
}

fn event(n: &mut Nested<'_>, event: &Event) {
    fixed64(n.out, 1, event.time_unix_nanos);
    bytes_field(n.out, 2, event.name.as_bytes());
    attributes(n, 3, &event.attributes);
    uint_field(n.out, 4, event.dropped_attributes_count.into());
}

fn link(n: &mut Nested<'_>, link: &Link) {
    ids(n.out, &link.span_context);
    attributes(n, 4, &link.attributes);
    uint_field(n.out, 5, link.dropped_attributes_count.into());
    let sc = &link.span_context;
    fixed32(n.out, 6, span_flags(sc.flags().bits(), sc.is_remote()));
}

/// The fields of one `Span` message.
fn write_span(n: &mut Nested<'_>, span: &SpanData) {
    ids(n.out, &span.span_context);
    if let Some(parent) = span.parent_span_id {
        bytes_always(n.out, 4, &parent.to_bytes());
    }
    bytes_field(n.out, 5, span.name.as_bytes());
    uint_field(n.out, 6, kind_number(span.kind).into());
    fixed64(n.out, 7, span.start_unix_nanos);
    fixed64(n.out, 8, span.end_unix_nanos);
    attributes(n, 9, &span.attributes);
    if let Some(t) = span_type_attribute(span) {
        n.message(9, |n| {
            bytes_always(n.out, 1, SPAN_TYPE_ATTRIBUTE.as_bytes());
            n.message(2, |n| bytes_always(n.out, 1, t.as_bytes()));
        });
    }
    uint_field(n.out, 10, span.dropped_attributes_count.into());
    for e in &span.events {
        n.message(11, |n| event(n, e));
    }
    uint_field(n.out, 12, span.dropped_events_count.into());
    for l in &span.links {
        n.message(13, |n| link(n, l));
    }
    uint_field(n.out, 14, span.dropped_links_count.into());
    let (code, text) = status_parts(&span.status);
    if code != 0 {
        n.message(15, |n| {
            bytes_field(n.out, 2, text.as_bytes());
            uint_field(n.out, 3, code.into());
        });
    }
    fixed32(
        n.out,
        16,
        span_flags(span.span_context.flags().bits(), span.parent_is_remote),
    );
}

/// The fields of a `ScopeSpans`: the scope, the schema URL, the spans
/// (fields may come in any order).
fn scope_spans(
    n: &mut Nested<'_>,
    scope: &InstrumentationScope,
    spans: &mut dyn Iterator<Item = &SpanData>,
) {
    n.message(1, |n| {
        bytes_field(n.out, 1, scope.name().as_bytes());
        bytes_field(n.out, 2, scope.version().unwrap_or_default().as_bytes());
        attributes(n, 3, scope.attributes());
        uint_field(n.out, 4, scope.dropped_attributes_count().into());
    });
    bytes_field(n.out, 3, scope.schema_url().unwrap_or_default().as_bytes());
    for s in spans {
        n.message(2, |n| write_span(n, s));
    }
}

/// Encodes a whole `ExportTraceServiceRequest` (one resource, and `spans`
/// in one `ScopeSpans` per scope) into `out`, which is cleared first: the
/// body to send. Besides `out`'s growth, it allocates only for the
/// lengths of 128 bytes or more (see [`Nested`]).
pub(crate) fn write_request(out: &mut Vec<u8>, resource: &Resource, spans: &[SpanData]) {
    out.clear();
    let mut n = Nested::new(out);
    n.message(1, |n| {
        n.message(1, |n| attributes(n, 1, resource.attributes()));
        for_each_scope(spans, |scope, spans| {
            n.message(2, |n| scope_spans(n, scope, spans));
        });
    });
    n.finish();
}

#[cfg(test)]
mod tests {
    use super::{attributes, varint, varint_len, write_request, Nested};
    use crate::export::otlp_model::{
        for_each_scope, kind_number, span_flags, span_type_attribute, status_parts,
    };
    use crate::export::resource::Resource;
    use crate::id::{SpanId, TraceId};
    use crate::instrumentation_scope::InstrumentationScope;
    use crate::span_context::{SpanContext, TraceFlags};
    use crate::span_data::{
        Event, Link, SpanData, SpanKind, SpanType, Status, SPAN_TYPE_ATTRIBUTE,
    };
    use crate::span_limits::SpanLimits;
    use crate::trace_state::TraceState;
    use crate::value::{Array, KeyValue, Value};

    /// A field of wire type LEN holding `body`, as the protobuf encoding
    /// guide lays it out: the tag, the length, the bytes.
    fn len_field(out: &mut Vec<u8>, field: u32, body: &[u8]) {
        varint(out, u64::from(field << 3 | 2));
        varint(out, body.len() as u64);
        out.extend_from_slice(body);
    }

    /// The reference encoding of a `KeyValue`'s fields: each message built
    /// alone, then put in its parent, so nothing is moved or noted.
    fn reference_key_value(kv: &KeyValue, depth: usize) -> Vec<u8> {
        let mut out = Vec::new();
        if !kv.key.is_empty() {
            len_field(&mut out, 1, kv.key.as_bytes());
        }
        len_field(&mut out, 2, &reference_any_value(&kv.value, depth));
        out
    }

    /// The reference encoding of an `AnyValue`'s fields, cut past the
    /// maximum depth as the encoder cuts it.
    fn reference_any_value(value: &Value, depth: usize) -> Vec<u8> {
        let mut out = Vec::new();
        match value {
            Value::Array(_) | Value::KvList(_) if depth > SpanLimits::MAX_DEPTH => {}
            Value::String(s) => len_field(&mut out, 1, s.as_bytes()),
            Value::Bool(b) => out.extend([2 << 3, u8::from(*b)]),
            Value::I64(i) => {
                out.push(3 << 3);
                varint(&mut out, *i as u64);
            }
            Value::F64(x) => {
                out.push(4 << 3 | 1);
                out.extend(x.to_le_bytes());
            }
            Value::Array(array) => {
                let items: Vec<Value> = match array {
                    Array::String(v) => v.iter().map(|s| Value::String(s.clone())).collect(),
                    Array::Bool(v) => v.iter().map(|&b| Value::Bool(b)).collect(),
                    Array::I64(v) => v.iter().map(|&i| Value::I64(i)).collect(),
                    Array::F64(v) => v.iter().map(|&x| Value::F64(x)).collect(),
                    Array::Value(v) => v.clone(),
                };
                let mut body = Vec::new();
                for item in &items {
                    len_field(&mut body, 1, &reference_any_value(item, depth + 1));
                }
                len_field(&mut out, 5, &body);
            }
            Value::KvList(kvs) => {
                let mut body = Vec::new();
                for kv in kvs {
                    len_field(&mut body, 1, &reference_key_value(kv, depth + 1));
                }
                len_field(&mut out, 6, &body);
            }
            Value::Bytes(bytes) => len_field(&mut out, 7, bytes),
            Value::Empty => {}
        }
        out
    }

    /// `depth` levels around `inner`, lists and arrays in turn, each with
    /// siblings of some size beside the level below, so that lengths of
    /// one, two and three bytes mix.
    fn nested(depth: usize, inner: Value) -> Value {
        (0..depth).fold(inner, |inner, level| {
            let pad = Value::from("p".repeat(level % 150));
            if level % 2 == 0 {
                Value::from(vec![
                    KeyValue::new(format!("k{level}"), inner),
                    KeyValue::new("", pad),
                ])
            } else {
                Value::from(vec![Value::from(level as i64), pad, inner])
            }
        })
    }

    /// Each level of a value made room for its length by moving all it
    /// held, so 1 MB nested 1000 deep took 54 ms (release build), twice
    /// 500 deep's; the lengths are now put in at the end of the attribute
    /// list (`Nested`), which must write the reference's very bytes.
    #[test]
    fn values_nested_to_the_maximum_depth_encode_as_the_reference_does() {
        let big = Value::from("b".repeat(20_000));
        let max = SpanLimits::MAX_DEPTH;
        let kvs = [
            KeyValue::new("deepest", nested(max, big.clone())),
            KeyValue::new("short", 1i64),
            KeyValue::new("cut", nested(max + 3, big)),
            KeyValue::new("mid", nested(40, Value::from(-1.5))),
            KeyValue::new(
                "arrays",
                vec![
                    Value::Array(Array::String(vec!["s".into(); 200])),
                    Value::Array(Array::Bool(vec![true, false])),
                    Value::Array(Array::I64(vec![-1; 20])),
                    Value::Array(Array::F64(vec![0.5; 20])),
                    Value::Bytes(vec![9; 300]),
                    Value::Empty,
                ],
            ),
        ];
        for at in 0..kvs.len() {
            for list in [&kvs[at..=at], &kvs[at..]] {
                let mut expected = vec![0xaa];
                for kv in list {
                    len_field(&mut expected, 9, &reference_key_value(kv, 1));
                }
                let mut out = vec![0xaa];
                let mut n = Nested::new(&mut out);
                attributes(&mut n, 9, list);
                n.finish();
                assert!(out == expected, "attributes {at}.. of {}", list.len());
                if list.len() == 1 {
                    // Kept to the innermost string, or cut above it.
                    let whole = out.iter().filter(|&&b| b == b'b').count() >= 20_000;
                    assert_eq!(whole, list[0].key == "deepest", "{}", list[0].key);
                }
            }
        }
    }

    #[test]
    fn varints_match_the_protobuf_examples() {
        // "Base 128 Varints": 1 is 01, 150 is 96 01.
        for (n, bytes) in [
            (0u64, &[0u8][..]),
            (1, &[1]),
            (150, &[0x96, 0x01]),
            (
                u64::MAX,
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            ),
        ] {
            let mut out = Vec::new();
            varint(&mut out, n);
            assert_eq!(out, bytes);
            assert_eq!(varint_len(n), bytes.len());
        }
    }

    #[test]
    fn a_message_length_at_each_varint_edge_is_put_in_front() {
        for len in [0usize, 127, 128, 16383, 16384] {
            let mut out = vec![0xaa];
            let mut n = Nested::new(&mut out);
            n.message(2, |n| n.out.extend(std::iter::repeat_n(7u8, len)));
            n.finish();
            let mut expected = vec![0xaa, 0x12];
            varint(&mut expected, len as u64);
            expected.extend(std::iter::repeat_n(7u8, len));
            assert_eq!(out, expected, "length {len}");
        }
    }

    /// A string or bytes field as the reference writes it: left out when
    /// empty.
    fn reference_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
        if !bytes.is_empty() {
            len_field(out, field, bytes);
        }
    }

    /// A varint field as the reference writes it: left out when zero.
    fn reference_uint(out: &mut Vec<u8>, field: u32, n: u64) {
        if n != 0 {
            varint(out, u64::from(field << 3));
            varint(out, n);
        }
    }

    fn reference_fixed(out: &mut Vec<u8>, field: u32, le_bytes: &[u8]) {
        let wire = if le_bytes.len() == 8 { 1 } else { 5 };
        varint(out, u64::from(field << 3 | wire));
        out.extend_from_slice(le_bytes);
    }

    fn reference_ids(out: &mut Vec<u8>, sc: &SpanContext) {
        let (trace_id, span_id) = if sc.is_valid() {
            (sc.trace_id().to_bytes(), sc.span_id().to_bytes())
        } else {
            ([0; 16], [0; 8])
        };
        len_field(out, 1, &trace_id);
        len_field(out, 2, &span_id);
        reference_bytes(out, 3, sc.trace_state().as_str().as_bytes());
    }

    fn reference_attributes(out: &mut Vec<u8>, field: u32, kvs: &[KeyValue]) {
        for kv in kvs {
            len_field(out, field, &reference_key_value(kv, 1));
        }
    }

    /// The reference encoding of a `Span`'s fields, each message built
    /// alone like [`reference_key_value`]'s.
    fn reference_span(span: &SpanData) -> Vec<u8> {
        let mut out = Vec::new();
        reference_ids(&mut out, &span.span_context);
        if let Some(parent) = span.parent_span_id {
            len_field(&mut out, 4, &parent.to_bytes());
        }
        reference_bytes(&mut out, 5, span.name.as_bytes());
        reference_uint(&mut out, 6, kind_number(span.kind).into());
        reference_fixed(&mut out, 7, &span.start_unix_nanos.to_le_bytes());
        reference_fixed(&mut out, 8, &span.end_unix_nanos.to_le_bytes());
        reference_attributes(&mut out, 9, &span.attributes);
        if let Some(t) = span_type_attribute(span) {
            let kv = KeyValue::new(SPAN_TYPE_ATTRIBUTE, t.to_owned());
            len_field(&mut out, 9, &reference_key_value(&kv, 1));
        }
        reference_uint(&mut out, 10, span.dropped_attributes_count.into());
        for e in &span.events {
            let mut event = Vec::new();
            reference_fixed(&mut event, 1, &e.time_unix_nanos.to_le_bytes());
            reference_bytes(&mut event, 2, e.name.as_bytes());
            reference_attributes(&mut event, 3, &e.attributes);
            reference_uint(&mut event, 4, e.dropped_attributes_count.into());
            len_field(&mut out, 11, &event);
        }
        reference_uint(&mut out, 12, span.dropped_events_count.into());
        for l in &span.links {
            let mut link = Vec::new();
            reference_ids(&mut link, &l.span_context);
            reference_attributes(&mut link, 4, &l.attributes);
            reference_uint(&mut link, 5, l.dropped_attributes_count.into());
            let sc = &l.span_context;
            let flags = span_flags(sc.flags().bits(), sc.is_remote());
            reference_fixed(&mut link, 6, &flags.to_le_bytes());
            len_field(&mut out, 13, &link);
        }
        reference_uint(&mut out, 14, span.dropped_links_count.into());
        let (code, text) = status_parts(&span.status);
        if code != 0 {
            let mut status = Vec::new();
            reference_bytes(&mut status, 2, text.as_bytes());
            reference_uint(&mut status, 3, code.into());
            len_field(&mut out, 15, &status);
        }
        let flags = span_flags(span.span_context.flags().bits(), span.parent_is_remote);
        reference_fixed(&mut out, 16, &flags.to_le_bytes());
        out
    }

    /// The reference encoding of a whole `ExportTraceServiceRequest`.
    fn reference_request(resource: &Resource, spans: &[SpanData]) -> Vec<u8> {
        let mut resource_spans = Vec::new();
        let mut r = Vec::new();
        reference_attributes(&mut r, 1, resource.attributes());
        len_field(&mut resource_spans, 1, &r);
        for_each_scope(spans, |scope, spans| {
            let mut scope_spans = Vec::new();
            let mut s = Vec::new();
            reference_bytes(&mut s, 1, scope.name().as_bytes());
            reference_bytes(&mut s, 2, scope.version().unwrap_or("").as_bytes());
            reference_attributes(&mut s, 3, scope.attributes());
            reference_uint(&mut s, 4, scope.dropped_attributes_count().into());
            len_field(&mut scope_spans, 1, &s);
            reference_bytes(
                &mut scope_spans,
                3,
                scope.schema_url().unwrap_or("").as_bytes(),
            );
            for span in spans {
                len_field(&mut scope_spans, 2, &reference_span(span));
            }
            len_field(&mut resource_spans, 2, &scope_spans);
        });
        let mut out = Vec::new();
        len_field(&mut out, 1, &resource_spans);
        out
    }

    /// A span using every field, `pad` long in its strings, so that its
    /// messages have lengths of one, two or three bytes.
    fn rich_span(pad: usize, scope: &'static InstrumentationScope) -> SpanData {
        let id = |n| {
            SpanContext::new(
                TraceId::from_u128(n).unwrap(),
                SpanId::from_u64(n as u64).unwrap(),
                TraceFlags::default().with_sampled(true),
            )
        };
        let state = TraceState::EMPTY.insert("vendor", "v").unwrap();
        let mut span = SpanData::minimal();
        span.scope = Some(scope);
        span.span_context = id(3).with_trace_state(state.clone());
        span.parent_span_id = SpanId::from_u64(9);
        span.parent_is_remote = true;
        span.kind = SpanKind::Server;
        span.span_type = Some(SpanType::Tool);
        span.name = "n".repeat(pad).into();
        span.attributes = vec![
            KeyValue::new("pad", "a".repeat(pad)),
            KeyValue::new("deep", nested(40, Value::from("d".repeat(pad)))),
        ];
        span.dropped_attributes_count = 2;
        span.events = vec![
            Event::new("e", 5, Vec::new()),
            Event::new(
                "pad",
                6,
                vec![KeyValue::new("e", nested(7, Value::from("e".repeat(pad))))],
            ),
        ];
        span.events[1].dropped_attributes_count = 1;
        span.dropped_events_count = 3;
        let mut link = Link::new(
            id(4).with_remote(true),
            vec![KeyValue::new("l", "l".repeat(pad))],
        );
        link.dropped_attributes_count = 4;
        span.links = vec![
            link,
            Link::new(SpanContext::INVALID.with_trace_state(state), Vec::new()),
        ];
        span.dropped_links_count = 5;
        span.status = Status::Error {
            description: "s".repeat(pad).into(),
        };
        span
    }

    #[test]
    fn a_request_encodes_as_the_reference_does() {
        let mut scope = InstrumentationScope::baton().clone();
        scope.name = "lib".into();
        scope.schema_url = Some("https://opentelemetry.io/schemas/1.21.0".into());
        scope.attributes = vec![KeyValue::new(
            "tier",
            nested(3, Value::from("t".repeat(200))),
        )];
        scope.dropped_attributes_count = 1;
        let other: &'static InstrumentationScope = Box::leak(Box::new(scope));
        let baton = InstrumentationScope::baton();
        let mut resource = Resource::new("s");
        resource.set(
            "deep",
            nested(SpanLimits::DEFAULT_MAX_DEPTH - 1, Value::from("r")),
        );
        for pad in [0usize, 1, 60, 130, 16_400] {
            let mut typed = rich_span(pad, baton);
            // A type the span set as an attribute is not sent twice.
            typed
                .attributes
                .push(KeyValue::new(SPAN_TYPE_ATTRIBUTE, "own"));
            let spans = [
                rich_span(pad, baton),
                rich_span(pad, other),
                typed,
                SpanData::minimal(),
            ];
            for batch in [&spans[..0], &spans[..1], &spans[..], &spans[1..2]] {
                let mut out = Vec::new();
                write_request(&mut out, &resource, batch);
                assert!(
                    out == reference_request(&resource, batch),
                    "pad {pad}, {} spans",
                    batch.len()
                );
            }
        }
        // Values to the maximum depth, and past it (cut), in a span among
        // others: built once, as each is a thousand messages deep.
        let mut deepest = rich_span(130, baton);
        deepest.attributes = vec![
            KeyValue::new("deepest", nested(SpanLimits::MAX_DEPTH, Value::from("d"))),
            KeyValue::new("cut", nested(SpanLimits::MAX_DEPTH + 2, Value::from(1i64))),
        ];
        let batch = [rich_span(1, baton), deepest, rich_span(1, other)];
        let mut out = Vec::new();
        write_request(&mut out, &resource, &batch);
        assert!(out == reference_request(&resource, &batch));
    }

    #[test]
    fn request_lengths_at_each_varint_edge_encode_as_the_reference_does() {
        // The lengths of the resource, scope and span messages at their
        // varint edges (127/128 bytes, 16383/16384), alone and around each
        // other.
        for resource_pad in [0usize, 1, 20, 60, 100, 16_300, 16_400] {
            let mut resource = Resource::new("s");
            resource.set("pad", "p".repeat(resource_pad));
            for span_pad in [0usize, 1, 50, 100, 16_280, 16_400] {
                for count in [1usize, 3] {
                    let spans: Vec<SpanData> = (0..count)
                        .map(|_| {
                            let mut span = SpanData::minimal();
                            span.name = "n".repeat(span_pad).into();
                            span
                        })
                        .collect();
                    let mut out = Vec::new();
                    write_request(&mut out, &resource, &spans);
                    assert!(
                        out == reference_request(&resource, &spans),
                        "resource pad {resource_pad}, span pad {span_pad}, {count} spans"
                    );
                }
            }
        }
    }
}
