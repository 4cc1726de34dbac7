//! Both OTLP encodings follow opentelemetry-proto v1 rule by rule, read
//! back without baton's encoders: the protobuf body by the small reader of
//! `common/protobuf.rs` (field numbers and wire types of
//! `trace/v1/trace.proto`, `common/v1/common.proto`,
//! `resource/v1/resource.proto`), the JSON body by `common/json.rs` (the
//! "JSON Protobuf Encoding" of the OTLP specification: lowerCamelCase
//! keys, ids as lowercase hex, enums as integers, 64-bit integers as
//! decimal strings, bytes as base64). `otlp_decoded_by_opentelemetry_proto.rs`
//! checks the same bodies with the OpenTelemetry packages, but only where
//! `BATON_OTLP_PYTHON` names a Python that has them; these rules hold in
//! every `cargo test`. Installs the global pipeline (to make span records,
//! whose public fields are then set by hand).

use std::sync::OnceLock;

#[path = "common/json.rs"]
mod json;
#[path = "common/protobuf.rs"]
mod protobuf;

use baton::export::{OtlpConfig, OtlpExporter, Protocol, Resource};
use baton::{
    Event, KeyValue, Link, SpanContext, SpanData, SpanId, SpanKind, Status, TraceFlags, TraceId,
    TraceState, Value,
};
use json::Json;
use protobuf::{fields, message, messages, Field};

/// A root span of baton's scope and one of the tracer `db.driver`, as
/// recorded: templates whose public fields each test sets. Made once: the
/// tests run side by side and share the global pipeline.
fn templates() -> (SpanData, SpanData) {
    static TEMPLATES: OnceLock<(SpanData, SpanData)> = OnceLock::new();
    TEMPLATES
        .get_or_init(|| {
            let memory = baton::InMemoryExporter::default();
            let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
            let db = baton::tracer("db.driver")
                .version("2.1.0")
                .schema_url("https://opentelemetry.io/schemas/1.26.0")
                .attr("db.system", "postgresql")
                .build();
            baton::span("plain").start().end();
            db.span("query").start().end();
            drop(guard);
            let mut spans = memory.take();
            assert_eq!(spans.len(), 2);
            let query = spans.pop().unwrap();
            (spans.pop().unwrap(), query)
        })
        .clone()
}

fn config() -> OtlpConfig {
    OtlpConfig::new("http://localhost:4318/v1/traces")
        .unwrap()
        .resource(Resource::new("cart"))
}

fn protobuf_body(spans: &[SpanData]) -> Vec<u8> {
    OtlpExporter::new(config()).encode(spans).to_vec()
}

fn json_body(spans: &[SpanData]) -> Json {
    let mut exporter = OtlpExporter::new(config().protocol(Protocol::HttpJson));
    let text = String::from_utf8(exporter.encode(spans).to_vec()).unwrap();
    json::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Every `Span` message of a protobuf body, in order.
fn protobuf_spans(body: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for resource_spans in messages(body, 1) {
        for scope_spans in messages(resource_spans, 2) {
            out.extend(messages(scope_spans, 2).into_iter().map(<[u8]>::to_vec));
        }
    }
    out
}

/// Every `Span` object of a JSON body, in order.
fn json_spans(body: &Json) -> Vec<Json> {
    let mut out = Vec::new();
    let Json::Array(resource_spans) = body.get("resourceSpans") else {
        panic!("resourceSpans is not an array");
    };
    for rs in resource_spans {
        let Json::Array(scope_spans) = rs.get("scopeSpans") else {
            panic!("scopeSpans is not an array");
        };
        for ss in scope_spans {
            let Json::Array(spans) = ss.get("spans") else {
                panic!("spans is not an array");
            };
            out.extend(spans.iter().cloned());
        }
    }
    out
}

/// The fields of `msg` with number `number`, every one of them.
fn all(msg: &[u8], number: u32) -> Vec<Field<'_>> {
    fields(msg)
        .unwrap()
        .into_iter()
        .filter(|(n, _)| *n == number)
        .map(|(_, f)| f)
        .collect()
}

/// The one field `number` of `msg`; panics if it is missing or repeated.
fn one(msg: &[u8], number: u32) -> Field<'_> {
    let found = all(msg, number);
    assert_eq!(found.len(), 1, "field {number} once in {msg:?}");
    found.into_iter().next().unwrap()
}

fn remote_parent() -> SpanContext {
    SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::from_bits(0x01),
    )
    .with_remote(true)
}

fn state() -> TraceState {
    TraceState::default()
        .insert("rojo", "00f067aa0ba902b7")
        .unwrap()
        .insert("congo", "t61rcWkgMzE")
        .unwrap()
}

#[test]
fn every_span_field_has_its_number_and_wire_type_and_json_name() {
    let (mut span, _) = templates();
    span.span_context = SpanContext::new(
        TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap(),
        SpanId::from_hex("b7ad6b7169203331").unwrap(),
        TraceFlags::from_bits(0x03),
    )
    .with_trace_state(state());
    span.parent_span_id = Some(remote_parent().span_id());
    span.parent_is_remote = true;
    span.kind = SpanKind::Server;
    span.name = "GET /cart".into();
    span.start_unix_nanos = u64::MAX - 1;
    span.end_unix_nanos = u64::MAX;
    span.attributes = vec![KeyValue::new("a", 1)];
    span.dropped_attributes_count = 300;
    span.events = vec![Event::new("e", 7, vec![])];
    span.dropped_events_count = 2;
    span.links = vec![Link::new(remote_parent(), vec![])];
    span.dropped_links_count = 3;
    span.status = Status::Error {
        description: "boom".into(),
    };

    let body = protobuf_body(std::slice::from_ref(&span));
    let spans = protobuf_spans(&body);
    let s = &spans[0];
    let numbers: Vec<u32> = fields(s).unwrap().into_iter().map(|(n, _)| n).collect();
    for n in &numbers {
        assert!((1..=16).contains(n), "Span has no field {n}");
    }
    let bytes = |n| match one(s, n) {
        Field::Bytes(b) => b.to_vec(),
        other => panic!("field {n}: {other:?}, not length-delimited"),
    };
    assert_eq!(
        protobuf::hex(&bytes(1)),
        "0af7651916cd43dd8448eb211c80319c",
        "trace_id: 16 raw bytes"
    );
    assert_eq!(protobuf::hex(&bytes(2)), "b7ad6b7169203331", "span_id");
    assert_eq!(bytes(3), state().as_str().as_bytes(), "trace_state");
    assert_eq!(
        protobuf::hex(&bytes(4)),
        "00f067aa0ba902b7",
        "parent_span_id"
    );
    assert_eq!(bytes(5), b"GET /cart", "name");
    assert_eq!(one(s, 6), Field::Varint(2), "kind: SPAN_KIND_SERVER");
    assert_eq!(
        one(s, 7),
        Field::Fixed64(u64::MAX - 1),
        "start_time_unix_nano"
    );
    assert_eq!(one(s, 8), Field::Fixed64(u64::MAX), "end_time_unix_nano");
    assert_eq!(all(s, 9).len(), 1, "attributes");
    assert_eq!(one(s, 10), Field::Varint(300), "dropped_attributes_count");
    assert_eq!(all(s, 11).len(), 1, "events");
    assert_eq!(one(s, 12), Field::Varint(2), "dropped_events_count");
    assert_eq!(all(s, 13).len(), 1, "links");
    assert_eq!(one(s, 14), Field::Varint(3), "dropped_links_count");
    let status = bytes(15);
    assert_eq!(one(&status, 2), Field::Bytes(b"boom"), "status.message");
    assert_eq!(one(&status, 3), Field::Varint(2), "STATUS_CODE_ERROR");
    assert_eq!(
        fields(&status).unwrap().len(),
        2,
        "Status field 1 is reserved"
    );
    assert_eq!(
        one(s, 16),
        Field::Fixed32(0x300 | 0x03),
        "flags: W3C sampled and random, parent known remote"
    );

    let event = match one(s, 11) {
        Field::Bytes(b) => b.to_vec(),
        other => panic!("{other:?}"),
    };
    assert_eq!(one(&event, 1), Field::Fixed64(7), "event time_unix_nano");
    assert_eq!(one(&event, 2), Field::Bytes(b"e"), "event name");

    let json = &json_spans(&json_body(&[span]))[0];
    assert_eq!(
        json.get("traceId").str(),
        "0af7651916cd43dd8448eb211c80319c"
    );
    assert_eq!(json.get("spanId").str(), "b7ad6b7169203331");
    assert_eq!(json.get("traceState").str(), state().as_str());
    assert_eq!(json.get("parentSpanId").str(), "00f067aa0ba902b7");
    assert_eq!(json.get("name").str(), "GET /cart");
    assert_eq!(json.get("kind").num(), 2.0, "an integer, not a name");
    assert_eq!(json.get("startTimeUnixNano").str(), "18446744073709551614");
    assert_eq!(json.get("endTimeUnixNano").str(), "18446744073709551615");
    assert_eq!(json.get("droppedAttributesCount").num(), 300.0);
    assert_eq!(json.get("droppedEventsCount").num(), 2.0);
    assert_eq!(json.get("droppedLinksCount").num(), 3.0);
    assert_eq!(json.get("status").get("code").num(), 2.0);
    assert_eq!(json.get("status").get("message").str(), "boom");
    assert_eq!(json.get("flags").num(), f64::from(0x303));
    assert_eq!(json.get("events").at(0).get("timeUnixNano").str(), "7");
}

#[test]
fn span_kinds_are_the_proto_enum_numbers() {
    let (template, _) = templates();
    let kinds = [
        (SpanKind::Internal, 1),
        (SpanKind::Server, 2),
        (SpanKind::Client, 3),
        (SpanKind::Producer, 4),
        (SpanKind::Consumer, 5),
    ];
    let spans: Vec<SpanData> = kinds
        .iter()
        .map(|(kind, _)| {
            let mut span = template.clone();
            span.kind = *kind;
            span
        })
        .collect();
    let want: Vec<u64> = kinds.iter().map(|(_, n)| *n).collect();
    let protobuf: Vec<u64> = protobuf_spans(&protobuf_body(&spans))
        .iter()
        .map(|s| match one(s, 6) {
            Field::Varint(n) => n,
            other => panic!("kind {other:?}"),
        })
        .collect();
    assert_eq!(protobuf, want);
    let json: Vec<u64> = json_spans(&json_body(&spans))
        .iter()
        .map(|s| s.get("kind").num() as u64)
        .collect();
    assert_eq!(json, want);
}

#[test]
fn span_and_link_flags_carry_the_w3c_byte_and_the_remote_bits() {
    let (template, _) = templates();
    let context = |flags: u8| {
        SpanContext::new(
            TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap(),
            SpanId::from_hex("b7ad6b7169203331").unwrap(),
            TraceFlags::from_bits(flags),
        )
    };
    // (W3C byte, remote) -> OTLP flags: bits 0-7 the W3C flags as kept,
    // 8 (HAS_IS_REMOTE) always, 9 (IS_REMOTE) when remote, 10-31 zero.
    let cases = [
        (0x00, false, 0x100),
        (0x01, false, 0x101),
        (0x01, true, 0x301),
        (0x02, true, 0x302),
        (0xff, true, 0x3ff),
    ];
    let spans: Vec<SpanData> = cases
        .iter()
        .map(|&(w3c, remote, _)| {
            let mut span = template.clone();
            span.span_context = context(w3c);
            span.parent_span_id = Some(SpanId::from_hex("00f067aa0ba902b7").unwrap());
            span.parent_is_remote = remote;
            span.links = vec![Link::new(context(w3c).with_remote(remote), vec![])];
            span
        })
        .collect();
    let want: Vec<u32> = cases.iter().map(|&(_, _, flags)| flags).collect();

    let body = protobuf_body(&spans);
    let (mut span_flags, mut link_flags) = (Vec::new(), Vec::new());
    for s in protobuf_spans(&body) {
        let Field::Fixed32(f) = one(&s, 16) else {
            panic!("span flags are fixed32");
        };
        span_flags.push(f);
        let link = message(&s, 13).unwrap();
        let Field::Fixed32(f) = one(link, 6) else {
            panic!("link flags are fixed32");
        };
        link_flags.push(f);
    }
    assert_eq!(span_flags, want, "span flags (16)");
    assert_eq!(link_flags, want, "link flags (6)");

    let json = json_spans(&json_body(&spans));
    let span_flags: Vec<u32> = json.iter().map(|s| s.get("flags").num() as u32).collect();
    let link_flags: Vec<u32> = json
        .iter()
        .map(|s| s.get("links").at(0).get("flags").num() as u32)
        .collect();
    assert_eq!(span_flags, want, "span flags");
    assert_eq!(link_flags, want, "link flags");
}

#[test]
fn status_code_and_message_follow_the_proto() {
    let (template, _) = templates();
    let statuses = [
        Status::Unset,
        Status::Ok,
        Status::Error {
            description: "boom".into(),
        },
        Status::Error {
            description: "".into(),
        },
    ];
    let spans: Vec<SpanData> = statuses
        .iter()
        .map(|status| {
            let mut span = template.clone();
            span.status = status.clone();
            span
        })
        .collect();
    let bodies = protobuf_spans(&protobuf_body(&spans));
    let protobuf: Vec<Option<Vec<(u32, Field<'_>)>>> = bodies
        .iter()
        .map(|s| message(s, 15).map(|status| fields(status).unwrap()))
        .collect();
    assert_eq!(
        protobuf,
        vec![
            None,
            Some(vec![(3, Field::Varint(1))]),
            Some(vec![(2, Field::Bytes(b"boom")), (3, Field::Varint(2))]),
            Some(vec![(3, Field::Varint(2))]),
        ],
        "Unset is the default status, left out; only an error has a message"
    );
    let json: Vec<String> = json_spans(&json_body(&spans))
        .iter()
        .map(|s| {
            let status = s.get("status");
            let message = status.has("message").then(|| status.get("message").str());
            format!("{} {message:?}", status.get("code").num())
        })
        .collect();
    assert_eq!(
        json,
        ["0 None", "1 None", "2 Some(\"boom\")", "2 Some(\"\")"],
        "codes as integers"
    );
}

#[test]
fn every_any_value_variant_has_its_oneof_field_and_json_form() {
    let (mut span, _) = templates();
    let nan = f64::from_bits(0x7ff8_0000_0000_0001);
    span.attributes = vec![
        KeyValue::new("string", "s"),
        KeyValue::new("empty string", ""),
        KeyValue::new("true", true),
        KeyValue::new("false", false),
        KeyValue::new("int", -1i64),
        KeyValue::new("zero", 0i64),
        KeyValue::new("double", 0.5),
        KeyValue::new("zero double", 0.0),
        KeyValue::new("nan", nan),
        KeyValue::new("inf", f64::INFINITY),
        KeyValue::new("-inf", f64::NEG_INFINITY),
        KeyValue::new("bytes", &b"\x00\xff"[..]),
        KeyValue::new("no bytes", &b""[..]),
        KeyValue::new("ints", vec![3i64, -3]),
        KeyValue::new("no ints", Vec::<i64>::new()),
        KeyValue::new(
            "list",
            vec![KeyValue::new("k", Value::Empty), KeyValue::new("", 1)],
        ),
        KeyValue::new("none", Value::Empty),
    ];
    let body = protobuf_body(std::slice::from_ref(&span));
    let s = &protobuf_spans(&body)[0];
    let values: Vec<(String, Vec<u8>)> = messages(s, 9)
        .into_iter()
        .map(|kv| {
            let Field::Bytes(key) = one(kv, 1) else {
                panic!("KeyValue.key is length-delimited");
            };
            let Field::Bytes(value) = one(kv, 2) else {
                panic!("KeyValue.value is length-delimited");
            };
            (String::from_utf8(key.to_vec()).unwrap(), value.to_vec())
        })
        .collect();
    let value = |key: &str| {
        let (_, v) = values.iter().find(|(k, _)| k == key).unwrap();
        fields(v).unwrap()
    };
    assert_eq!(value("string"), [(1, Field::Bytes(b"s"))]);
    assert_eq!(
        value("empty string"),
        [(1, Field::Bytes(b""))],
        "a oneof member is written even when it holds its default"
    );
    assert_eq!(value("true"), [(2, Field::Varint(1))]);
    assert_eq!(value("false"), [(2, Field::Varint(0))]);
    assert_eq!(
        value("int"),
        [(3, Field::Varint(u64::MAX))],
        "int64 -1: two's complement, ten bytes, not zigzag"
    );
    assert_eq!(value("zero"), [(3, Field::Varint(0))]);
    assert_eq!(value("double"), [(4, Field::Fixed64(0.5f64.to_bits()))]);
    assert_eq!(value("zero double"), [(4, Field::Fixed64(0))]);
    assert_eq!(
        value("nan"),
        [(4, Field::Fixed64(nan.to_bits()))],
        "every bit kept"
    );
    assert_eq!(value("inf"), [(4, Field::Fixed64(f64::INFINITY.to_bits()))]);
    assert_eq!(value("bytes"), [(7, Field::Bytes(b"\x00\xff"))]);
    assert_eq!(value("no bytes"), [(7, Field::Bytes(b""))]);
    let ints = value("ints");
    let [(5, Field::Bytes(array))] = ints.as_slice() else {
        panic!("ints: {ints:?}");
    };
    let elements: Vec<Vec<(u32, Field<'_>)>> = messages(array, 1)
        .into_iter()
        .map(|v| fields(v).unwrap())
        .collect();
    assert_eq!(
        elements,
        [
            vec![(3, Field::Varint(3))],
            vec![(3, Field::Varint((-3i64) as u64))]
        ],
        "ArrayValue.values (1), each an AnyValue"
    );
    assert_eq!(
        value("no ints"),
        [(5, Field::Bytes(b""))],
        "an empty array is an ArrayValue, not the empty value"
    );
    let list = value("list");
    let [(6, Field::Bytes(list))] = list.as_slice() else {
        panic!("list: {list:?}");
    };
    let entries = messages(list, 1);
    assert_eq!(entries.len(), 2, "KeyValueList.values (1)");
    assert_eq!(one(entries[0], 1), Field::Bytes(b"k"));
    assert_eq!(one(entries[0], 2), Field::Bytes(b""), "the empty value");
    assert_eq!(
        all(entries[1], 1),
        [],
        "an empty key is the default, left out"
    );
    assert_eq!(
        value("none"),
        [],
        "the empty value: an AnyValue with no field set"
    );

    let json = &json_spans(&json_body(&[span]))[0];
    let attribute = |key: &str| json.get("attributes").attribute(key).unwrap().clone();
    let object = |pairs: &[(&str, Json)]| {
        Json::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    };
    let string = |s: &str| Json::String(s.into());
    assert_eq!(attribute("string"), object(&[("stringValue", string("s"))]));
    assert_eq!(
        attribute("empty string"),
        object(&[("stringValue", string(""))])
    );
    assert_eq!(
        attribute("false"),
        object(&[("boolValue", Json::Bool(false))])
    );
    assert_eq!(
        attribute("int"),
        object(&[("intValue", string("-1"))]),
        "int64 as a decimal string"
    );
    assert_eq!(attribute("zero"), object(&[("intValue", string("0"))]));
    assert_eq!(
        attribute("double"),
        object(&[("doubleValue", Json::Number(0.5))])
    );
    assert_eq!(attribute("nan"), object(&[("doubleValue", string("NaN"))]));
    assert_eq!(
        attribute("inf"),
        object(&[("doubleValue", string("Infinity"))])
    );
    assert_eq!(
        attribute("-inf"),
        object(&[("doubleValue", string("-Infinity"))])
    );
    assert_eq!(
        attribute("bytes"),
        object(&[("bytesValue", string("AP8="))]),
        "bytes as padded standard base64, unlike the ids"
    );
    assert_eq!(attribute("no bytes"), object(&[("bytesValue", string(""))]));
    let int = |s: &str| object(&[("intValue", string(s))]);
    assert_eq!(
        attribute("ints"),
        object(&[(
            "arrayValue",
            object(&[("values", Json::Array(vec![int("3"), int("-3")]))])
        )])
    );
    assert_eq!(
        attribute("no ints"),
        object(&[("arrayValue", object(&[("values", Json::Array(vec![]))]))])
    );
    let entry = |k: &str, v: Json| object(&[("key", string(k)), ("value", v)]);
    assert_eq!(
        attribute("list"),
        object(&[(
            "kvlistValue",
            object(&[(
                "values",
                Json::Array(vec![entry("k", object(&[])), entry("", int("1"))])
            )])
        )])
    );
    assert_eq!(attribute("none"), object(&[]));
}

#[test]
fn defaults_are_left_out_of_the_protobuf_and_the_ids_and_times_never_are() {
    let (mut span, _) = templates();
    span.name = "".into();
    span.parent_span_id = None;
    span.span_context = SpanContext::new(
        TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap(),
        SpanId::from_hex("b7ad6b7169203331").unwrap(),
        TraceFlags::from_bits(0),
    );
    span.start_unix_nanos = 0;
    span.end_unix_nanos = 0;
    span.attributes.clear();
    span.events = vec![Event::new("", 0, vec![])];
    span.links = vec![Link::new(SpanContext::INVALID, vec![])];
    let body = protobuf_body(std::slice::from_ref(&span));
    let s = &protobuf_spans(&body)[0];
    let numbers: Vec<u32> = fields(s).unwrap().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        numbers,
        [1, 2, 6, 7, 8, 11, 13, 16],
        "no trace_state (3), parent (4), name (5), attributes (9), counts \
         (10, 12, 14) or status (15); kind and times are always there"
    );
    assert_eq!(one(s, 7), Field::Fixed64(0), "a zero time is still written");
    let event = message(s, 11).unwrap();
    assert_eq!(fields(event).unwrap(), [(1, Field::Fixed64(0))]);
    let link = message(s, 13).unwrap();
    assert_eq!(
        fields(link).unwrap(),
        [
            (1, Field::Bytes(&[0; 16])),
            (2, Field::Bytes(&[0; 8])),
            (6, Field::Fixed32(0x100)),
        ],
        "a link to no span: all-zero ids, its flags"
    );

    let json = &json_spans(&json_body(&[span]))[0];
    assert!(!json.has("parentSpanId"), "a root has no parentSpanId");
    assert!(!json.has("traceState"));
    let link = json.get("links").at(0);
    assert_eq!(link.get("traceId").str(), "0".repeat(32));
    assert_eq!(link.get("spanId").str(), "0".repeat(16));
}

#[test]
fn events_and_links_keep_their_order_with_their_own_fields() {
    let (mut span, _) = templates();
    span.events = (0..3)
        .map(|i| {
            let mut e = Event::new(format!("e{i}"), 10 - i, vec![KeyValue::new("i", i)]);
            e.dropped_attributes_count = i as u32;
            e
        })
        .collect();
    span.links = (1..=3u64)
        .map(|i| {
            let sc = SpanContext::new(
                TraceId::from_u128(u128::from(i)).unwrap(),
                SpanId::from_u64(i).unwrap(),
                TraceFlags::default(),
            )
            .with_trace_state(TraceState::default().insert("k", &i.to_string()).unwrap());
            let mut l = Link::new(sc, vec![KeyValue::new("i", i as i64)]);
            l.dropped_attributes_count = i as u32;
            l
        })
        .collect();
    let body = protobuf_body(std::slice::from_ref(&span));
    let s = &protobuf_spans(&body)[0];
    let events: Vec<String> = messages(s, 11)
        .into_iter()
        .map(|e| {
            format!(
                "{} {:?} {:?} {:?}",
                protobuf::string(e, 2).unwrap(),
                one(e, 1),
                protobuf::attributes(e, 3),
                all(e, 4)
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            "e0 Fixed64(10) [(\"i\", \"0\")] []",
            "e1 Fixed64(9) [(\"i\", \"1\")] [Varint(1)]",
            "e2 Fixed64(8) [(\"i\", \"2\")] [Varint(2)]",
        ]
    );
    let links: Vec<String> = messages(s, 13)
        .into_iter()
        .map(|l| {
            format!(
                "{} {} {} {:?} {:?}",
                protobuf::hex(message(l, 1).unwrap()),
                protobuf::hex(message(l, 2).unwrap()),
                protobuf::string(l, 3).unwrap(),
                protobuf::attributes(l, 4),
                one(l, 5)
            )
        })
        .collect();
    assert_eq!(
        links,
        (1..=3)
            .map(|i| format!("{i:032x} {i:016x} k={i} [(\"i\", \"{i}\")] Varint({i})"))
            .collect::<Vec<_>>()
    );

    let json = &json_spans(&json_body(&[span]))[0];
    let names: Vec<&str> = (0..3)
        .map(|i| json.get("events").at(i).get("name").str())
        .collect();
    assert_eq!(names, ["e0", "e1", "e2"]);
    let states: Vec<&str> = (0..3)
        .map(|i| json.get("links").at(i).get("traceState").str())
        .collect();
    assert_eq!(states, ["k=1", "k=2", "k=3"]);
}

#[test]
fn one_resource_holds_a_scope_spans_per_scope_with_the_scope_fields() {
    let (plain, query) = templates();
    let spans = [plain.clone(), query.clone(), plain.clone(), query.clone()];
    let body = protobuf_body(&spans);
    assert_eq!(fields(&body).unwrap().len(), 1, "one ResourceSpans");
    let resource_spans = message(&body, 1).unwrap();
    let numbers: Vec<u32> = fields(resource_spans)
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        numbers,
        [1, 2, 2],
        "resource, then a ScopeSpans per scope; no schema_url (3): the resource has none"
    );
    let resource = message(resource_spans, 1).unwrap();
    assert_eq!(
        protobuf::attributes(resource, 1)[0],
        ("service.name".to_owned(), "cart".to_owned())
    );
    let scope_spans = messages(resource_spans, 2);
    let baton_scope = message(scope_spans[0], 1).unwrap();
    assert_eq!(protobuf::string(baton_scope, 1).unwrap(), "baton");
    assert_eq!(
        protobuf::string(baton_scope, 2).unwrap(),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        all(scope_spans[0], 3),
        [],
        "baton's scope has no schema URL"
    );
    let db = message(scope_spans[1], 1).unwrap();
    assert_eq!(protobuf::string(db, 1).unwrap(), "db.driver");
    assert_eq!(protobuf::string(db, 2).unwrap(), "2.1.0");
    assert_eq!(
        protobuf::attributes(db, 3),
        [("db.system".to_owned(), "postgresql".to_owned())]
    );
    assert_eq!(
        protobuf::string(scope_spans[1], 3).unwrap(),
        "https://opentelemetry.io/schemas/1.26.0",
        "ScopeSpans.schema_url"
    );
    for (ss, span) in scope_spans.iter().zip([&plain, &query]) {
        let ids: Vec<String> = messages(ss, 2)
            .into_iter()
            .map(|s| protobuf::hex(message(s, 2).unwrap()))
            .collect();
        let want = String::from_utf8(span.span_id().to_hex().to_vec()).unwrap();
        assert_eq!(
            ids,
            [want.clone(), want],
            "both spans of the scope, in order"
        );
    }

    let json = json_body(&spans);
    assert_eq!(json.get("resourceSpans").len(), 1);
    let rs = json.get("resourceSpans").at(0);
    let scope_spans = rs.get("scopeSpans");
    assert_eq!(scope_spans.len(), 2);
    assert_eq!(scope_spans.at(0).get("scope").get("name").str(), "baton");
    assert!(!scope_spans.at(0).has("schemaUrl"));
    let db = scope_spans.at(1);
    assert_eq!(db.get("scope").get("name").str(), "db.driver");
    assert_eq!(db.get("scope").get("version").str(), "2.1.0");
    assert_eq!(
        db.get("schemaUrl").str(),
        "https://opentelemetry.io/schemas/1.26.0"
    );
    assert_eq!(db.get("spans").len(), 2);
}

/// The JSON names of every OTLP trace field (the proto field names in
/// lowerCamelCase), for the messages an `ExportTraceServiceRequest` holds.
const OTLP_JSON_NAMES: &[&str] = &[
    "resourceSpans",
    "resource",
    "scopeSpans",
    "schemaUrl",
    "attributes",
    "droppedAttributesCount",
    "scope",
    "spans",
    "name",
    "version",
    "traceId",
    "spanId",
    "traceState",
    "parentSpanId",
    "flags",
    "kind",
    "startTimeUnixNano",
    "endTimeUnixNano",
    "events",
    "droppedEventsCount",
    "links",
    "droppedLinksCount",
    "status",
    "message",
    "code",
    "timeUnixNano",
    "key",
    "value",
    "stringValue",
    "boolValue",
    "intValue",
    "doubleValue",
    "arrayValue",
    "kvlistValue",
    "bytesValue",
    "values",
];

/// Checks every object key under `node` and the form of the ids and
/// 64-bit times; returns how many keys it saw.
fn check_json_tree(node: &Json, path: &str) -> usize {
    match node {
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| check_json_tree(item, &format!("{path}[{i}]")))
            .sum(),
        Json::Object(members) => {
            let mut seen = 0;
            for (key, value) in members {
                let at = format!("{path}.{key}");
                assert!(
                    OTLP_JSON_NAMES.contains(&key.as_str()),
                    "{at}: not an OTLP name"
                );
                let hex_len = match key.as_str() {
                    "traceId" => Some(32),
                    "spanId" | "parentSpanId" => Some(16),
                    _ => None,
                };
                if let Some(len) = hex_len {
                    let id = value.str();
                    assert!(
                        id.len() == len
                            && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
                        "{at}: {id:?} is not {len} lowercase hex digits"
                    );
                }
                if key.ends_with("UnixNano") || key == "intValue" {
                    let n = value.str();
                    assert!(
                        n.trim_start_matches('-')
                            .bytes()
                            .all(|b| b.is_ascii_digit()),
                        "{at}: {n:?} is not a decimal string"
                    );
                }
                if matches!(key.as_str(), "kind" | "code" | "flags") || key.starts_with("dropped") {
                    let n = value.num();
                    assert_eq!(n, n.trunc(), "{at}: an integer");
                }
                seen += 1 + check_json_tree(value, &at);
            }
            seen
        }
        _ => 0,
    }
}

#[test]
fn json_keys_are_otlp_lower_camel_case_names_and_ids_hex() {
    let (mut plain, query) = templates();
    plain.parent_span_id = Some(SpanId::from_hex("00f067aa0ba902b7").unwrap());
    plain.span_context = plain.span_context.clone().with_trace_state(state());
    plain.attributes = vec![
        KeyValue::new("snake_case_key", vec![KeyValue::new("inner_key", 1)]),
        KeyValue::new("arr", vec![Value::from(-5), Value::from(&b"x"[..])]),
    ];
    let mut event = Event::new("e", 1, vec![KeyValue::new("a", true)]);
    event.dropped_attributes_count = 1;
    plain.events = vec![event];
    plain.links = vec![Link::new(remote_parent().with_trace_state(state()), vec![])];
    plain.status = Status::Error {
        description: "x".into(),
    };
    plain.dropped_attributes_count = 1;
    let json = json_body(&[plain, query]);
    let keys = check_json_tree(&json, "");
    assert!(keys > 60, "the walk saw the whole request: {keys} keys");
}
