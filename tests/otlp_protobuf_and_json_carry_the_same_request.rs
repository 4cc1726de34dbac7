//! The two OTLP encodings of one batch say the same thing: the protobuf
//! body, read by the small reader of `common/protobuf.rs` and turned into
//! the OTLP/JSON form by the field numbers of opentelemetry-proto v1, is
//! the JSON body (`common/json.rs`) once both leave out what proto3 lets a
//! writer leave out (fields at their default). Checked over generated
//! batches: several scopes, every `AnyValue` variant nested, empty keys
//! and strings, text and bodies at the varint length edges (127/128 and
//! 16383/16384 bytes), links to no span, every status. Without
//! `BATON_OTLP_PYTHON`, `otlp_decoded_by_opentelemetry_proto.rs` does not
//! decode the bodies; this holds in every `cargo test`. Installs the
//! global pipeline (to make span records, whose public fields are then
//! set by hand).

#[path = "common/json.rs"]
mod json;
#[path = "common/protobuf.rs"]
mod protobuf;

use std::collections::BTreeMap;

use baton::export::{OtlpConfig, OtlpExporter, Protocol, Resource};
use baton::{
    Event, KeyValue, Link, SpanContext, SpanData, SpanId, SpanKind, Status, TraceFlags, TraceId,
    TraceState, Value,
};
use json::Json;
use protobuf::{fields, Field};

/// How a field of an OTLP message is shown in OTLP/JSON.
#[derive(Clone, Copy)]
enum Kind {
    /// A message, by its schema (behind a function: the schemas nest
    /// recursively).
    Message(fn() -> Schema),
    Str,
    /// `bytes` holding a trace or span id: hex.
    Id,
    /// Other `bytes`: base64.
    Bytes,
    /// `uint32`, `fixed32`, enums and `bool`: a JSON number (or boolean).
    Number,
    Bool,
    /// `fixed64` or `int64`: a decimal string.
    Int64,
    Double,
}

/// (field number, JSON name, kind, repeated), as opentelemetry-proto
/// numbers them.
type Schema = &'static [(u32, &'static str, Kind, bool)];

use Kind::{Bool, Bytes, Double, Id, Int64, Message, Number, Str};

const ANY_VALUE: Schema = &[
    (1, "stringValue", Str, false),
    (2, "boolValue", Bool, false),
    (3, "intValue", Int64, false),
    (4, "doubleValue", Double, false),
    (5, "arrayValue", Message(|| ARRAY_VALUE), false),
    (6, "kvlistValue", Message(|| KEY_VALUE_LIST), false),
    (7, "bytesValue", Bytes, false),
];
const ARRAY_VALUE: Schema = &[(1, "values", Message(|| ANY_VALUE), true)];
const KEY_VALUE_LIST: Schema = &[(1, "values", Message(|| KEY_VALUE), true)];
const KEY_VALUE: Schema = &[
    (1, "key", Str, false),
    (2, "value", Message(|| ANY_VALUE), false),
];
const RESOURCE: Schema = &[
    (1, "attributes", Message(|| KEY_VALUE), true),
    (2, "droppedAttributesCount", Number, false),
];
const SCOPE: Schema = &[
    (1, "name", Str, false),
    (2, "version", Str, false),
    (3, "attributes", Message(|| KEY_VALUE), true),
    (4, "droppedAttributesCount", Number, false),
];
const EVENT: Schema = &[
    (1, "timeUnixNano", Int64, false),
    (2, "name", Str, false),
    (3, "attributes", Message(|| KEY_VALUE), true),
    (4, "droppedAttributesCount", Number, false),
];
const LINK: Schema = &[
    (1, "traceId", Id, false),
    (2, "spanId", Id, false),
    (3, "traceState", Str, false),
    (4, "attributes", Message(|| KEY_VALUE), true),
    (5, "droppedAttributesCount", Number, false),
    (6, "flags", Number, false),
];
const STATUS: Schema = &[(2, "message", Str, false), (3, "code", Number, false)];
const SPAN: Schema = &[
    (1, "traceId", Id, false),
    (2, "spanId", Id, false),
    (3, "traceState", Str, false),
    (4, "parentSpanId", Id, false),
    (5, "name", Str, false),
    (6, "kind", Number, false),
    (7, "startTimeUnixNano", Int64, false),
    (8, "endTimeUnixNano", Int64, false),
    (9, "attributes", Message(|| KEY_VALUE), true),
    (10, "droppedAttributesCount", Number, false),
    (11, "events", Message(|| EVENT), true),
    (12, "droppedEventsCount", Number, false),
    (13, "links", Message(|| LINK), true),
    (14, "droppedLinksCount", Number, false),
    (15, "status", Message(|| STATUS), false),
    (16, "flags", Number, false),
];
const SCOPE_SPANS: Schema = &[
    (1, "scope", Message(|| SCOPE), false),
    (2, "spans", Message(|| SPAN), true),
    (3, "schemaUrl", Str, false),
];
const RESOURCE_SPANS: Schema = &[
    (1, "resource", Message(|| RESOURCE), false),
    (2, "scopeSpans", Message(|| SCOPE_SPANS), true),
    (3, "schemaUrl", Str, false),
];
const REQUEST: Schema = &[(1, "resourceSpans", Message(|| RESOURCE_SPANS), true)];

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// A protobuf message as its OTLP/JSON object, by `schema`; every field
/// must be one the schema has, with its wire type.
fn to_json(message: &[u8], schema: Schema) -> Json {
    let mut out = BTreeMap::new();
    for (number, field) in fields(message).unwrap() {
        let &(_, name, kind, repeated) = schema
            .iter()
            .find(|(n, ..)| *n == number)
            .unwrap_or_else(|| panic!("no field {number} in this message"));
        let value = match (kind, field) {
            (Message(inner), Field::Bytes(b)) => to_json(b, inner()),
            (Str, Field::Bytes(b)) => Json::String(String::from_utf8(b.to_vec()).unwrap()),
            (Id, Field::Bytes(b)) => Json::String(protobuf::hex(b)),
            (Bytes, Field::Bytes(b)) => Json::String(base64(b)),
            (Number, Field::Varint(n)) => Json::Number(n as f64),
            (Number, Field::Fixed32(n)) => Json::Number(f64::from(n)),
            (Bool, Field::Varint(n)) => Json::Bool(n != 0),
            (Int64, Field::Varint(n)) => Json::String((n as i64).to_string()),
            (Int64, Field::Fixed64(n)) => Json::String(n.to_string()),
            (Double, Field::Fixed64(bits)) => {
                let d = f64::from_bits(bits);
                match d {
                    d if d.is_nan() => Json::String("NaN".into()),
                    f64::INFINITY => Json::String("Infinity".into()),
                    f64::NEG_INFINITY => Json::String("-Infinity".into()),
                    d => Json::Number(d),
                }
            }
            (_, field) => panic!("{name}: wrong wire type {field:?}"),
        };
        if repeated {
            match out
                .entry(name.to_owned())
                .or_insert(Json::Array(Vec::new()))
            {
                Json::Array(items) => items.push(value),
                _ => unreachable!(),
            }
        } else {
            assert!(
                out.insert(name.to_owned(), value).is_none(),
                "{name} written twice"
            );
        }
    }
    Json::Object(out)
}

/// `node` without the fields proto3 lets a writer leave out: scalars at
/// their default and empty lists, outside an `AnyValue` (whose set field
/// says which variant it is), and a `status` left empty (an unset status:
/// the protobuf body leaves the message out, the JSON body writes its
/// code, 0). An empty `AnyValue`, the empty value, is kept.
fn without_defaults(node: &Json) -> Json {
    match node {
        Json::Array(items) => Json::Array(items.iter().map(without_defaults).collect()),
        Json::Object(members) => {
            let any_value = members
                .keys()
                .all(|k| ANY_VALUE.iter().any(|(_, name, ..)| name == k));
            let mut out = BTreeMap::new();
            for (key, value) in members {
                let value = without_defaults(value);
                let default = match &value {
                    Json::Number(n) => *n == 0.0,
                    Json::String(s) => s.is_empty() || (key.ends_with("UnixNano") && s == "0"),
                    Json::Bool(b) => !b,
                    Json::Array(items) => items.is_empty(),
                    Json::Object(m) => m.is_empty() && key == "status",
                    Json::Null => true,
                };
                if any_value || !default {
                    out.insert(key.clone(), value);
                }
            }
            Json::Object(out)
        }
        other => other.clone(),
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
}

fn text(r: &mut Rng) -> String {
    let len = r.pick(&[0usize, 1, 5, 127, 128, 16_383, 16_384]);
    let chars = [
        'a', 'é', '"', '\\', '\n', '\u{1}', '\u{2028}', '😀', '\u{7f}',
    ];
    (0..len).map(|_| r.pick(&chars)).collect()
}

fn value(r: &mut Rng, depth: usize) -> Value {
    let leaf = depth > 4;
    match r.below(if leaf { 7 } else { 11 }) {
        0 => Value::from(text(r)),
        1 => Value::from(r.below(2) == 1),
        2 => Value::from(r.next() as i64),
        3 => Value::from(r.pick(&[0.0, -0.0, 0.1, 1e300, 5e-324, f64::NAN, f64::INFINITY])),
        4 => Value::from(
            (0..r.below(200))
                .map(|_| r.next() as u8)
                .collect::<Vec<u8>>(),
        ),
        5 => Value::Empty,
        6 => Value::from(
            (0..r.below(4))
                .map(|_| r.next() as i64)
                .collect::<Vec<i64>>(),
        ),
        7 | 8 => Value::from(
            (0..r.below(4))
                .map(|_| value(r, depth + 1))
                .collect::<Vec<_>>(),
        ),
        _ => Value::from(
            (0..r.below(4))
                .map(|i| KeyValue::new(format!("k{i}"), value(r, depth + 1)))
                .collect::<Vec<_>>(),
        ),
    }
}

fn attributes(r: &mut Rng) -> Vec<KeyValue> {
    (0..r.below(5))
        .map(|i| {
            let key = if r.below(8) == 0 {
                String::new()
            } else {
                format!("a{i}")
            };
            KeyValue::new(key, value(r, 1))
        })
        .collect()
}

fn context(r: &mut Rng) -> SpanContext {
    let sc = if r.below(5) == 0 {
        SpanContext::INVALID
    } else {
        SpanContext::new(
            TraceId::from_u128(u128::from(r.next()) << 64 | 1).unwrap(),
            SpanId::from_u64(r.next() | 1).unwrap(),
            TraceFlags::from_bits(r.next() as u8),
        )
    };
    let sc = sc.with_remote(r.below(2) == 0);
    if r.below(2) == 0 {
        sc.with_trace_state(TraceState::default().insert("k", "v").unwrap())
    } else {
        sc
    }
}

fn span(r: &mut Rng, template: &SpanData) -> SpanData {
    let mut s = template.clone();
    s.name = text(r).into();
    s.span_context = context(r);
    s.parent_span_id = (r.below(2) == 0).then(|| SpanId::from_u64(r.next() | 1).unwrap());
    s.parent_is_remote = r.below(2) == 0;
    s.kind = r.pick(&[
        SpanKind::Internal,
        SpanKind::Server,
        SpanKind::Client,
        SpanKind::Producer,
        SpanKind::Consumer,
    ]);
    s.start_unix_nanos = r.next() >> r.below(64);
    s.end_unix_nanos = r.next();
    s.attributes = attributes(r);
    s.dropped_attributes_count = r.below(3) as u32;
    s.events = (0..r.below(3))
        .map(|_| {
            let mut e = Event::new(text(r), r.next(), attributes(r));
            e.dropped_attributes_count = r.below(2) as u32;
            e
        })
        .collect();
    s.dropped_events_count = r.below(3) as u32;
    s.links = (0..r.below(3))
        .map(|_| {
            let mut l = Link::new(context(r), attributes(r));
            l.dropped_attributes_count = r.below(2) as u32;
            l
        })
        .collect();
    s.dropped_links_count = r.below(3) as u32;
    s.status = match r.below(4) {
        0 => Status::Unset,
        1 => Status::Ok,
        2 => Status::Error {
            description: text(r).into(),
        },
        _ => Status::Error {
            description: "".into(),
        },
    };
    s
}

/// Spans of baton's scope and three tracers' (one with every part, one
/// with an empty name and nothing else, one with a NaN attribute).
fn templates() -> Vec<SpanData> {
    let memory = baton::InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    let tracers = [
        baton::tracer("one")
            .version("1")
            .schema_url("https://opentelemetry.io/schemas/1.26.0")
            .attr("z", 1)
            .build(),
        baton::tracer("").build(),
        baton::tracer("three")
            .attr("f", vec![1.5, f64::NAN])
            .build(),
    ];
    baton::span("baton").start().end();
    for t in &tracers {
        t.span("t").start().end();
    }
    drop(guard);
    let spans = memory.take();
    assert_eq!(spans.len(), 4);
    spans
}

#[test]
fn both_encodings_of_generated_batches_carry_the_same_request() {
    let templates = templates();
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..150 {
        let one_scope = r.below(2) == 0;
        let spans: Vec<SpanData> = (0..1 + r.below(5))
            .map(|_| {
                let template = if one_scope {
                    &templates[0]
                } else {
                    &templates[r.below(4) as usize]
                };
                span(&mut r, template)
            })
            .collect();
        let mut resource = Resource::new(text(&mut r));
        for kv in attributes(&mut r) {
            if !kv.key.is_empty() {
                resource.set(kv.key.to_string(), kv.value);
            }
        }
        let config = OtlpConfig::new("http://localhost:4318/v1/traces")
            .unwrap()
            .resource(resource);
        let body = OtlpExporter::new(config.clone()).encode(&spans).to_vec();
        let mut exporter = OtlpExporter::new(config.protocol(Protocol::HttpJson));
        let text = String::from_utf8(exporter.encode(&spans).to_vec()).unwrap();
        let from_json = json::parse(&text).unwrap_or_else(|e| panic!("case {case}: {e}"));
        let from_protobuf = to_json(&body, REQUEST);
        assert!(
            without_defaults(&from_protobuf) == without_defaults(&from_json),
            "case {case}: the protobuf body says\n{from_protobuf:?}\nthe JSON body\n{from_json:?}"
        );
    }
}
