//! A minimal protobuf reader for checking OTLP/HTTP protobuf bodies without
//! trusting baton's own encoder: a message is read into its fields (number,
//! wire type, payload), and the OTLP trace messages are walked by field
//! number as `opentelemetry/proto/trace/v1/trace.proto` numbers them.
//!
//! Include it with `#[path = "common/protobuf.rs"] mod protobuf;`.
#![allow(dead_code)] // each test crate uses a different part of this module

/// One field of a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Field<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

fn varint(data: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *data.get(*at).ok_or("input ends inside a varint")?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("varint longer than 10 bytes".into())
}

/// The fields of one message, in order; an error says where it breaks.
pub fn fields(data: &[u8]) -> Result<Vec<(u32, Field<'_>)>, String> {
    let mut at = 0;
    let mut out = Vec::new();
    while at < data.len() {
        let start = at;
        let key = varint(data, &mut at)?;
        let number = u32::try_from(key >> 3).map_err(|_| format!("field number at {start}"))?;
        if number == 0 {
            return Err(format!("field number 0 at byte {start}"));
        }
        let field = match key & 7 {
            0 => Field::Varint(varint(data, &mut at)?),
            1 => {
                let bytes = data
                    .get(at..at + 8)
                    .ok_or_else(|| format!("fixed64 cut at byte {at}"))?;
                at += 8;
                Field::Fixed64(u64::from_le_bytes(bytes.try_into().unwrap()))
            }
            2 => {
                let len = usize::try_from(varint(data, &mut at)?).unwrap();
                let bytes = data
                    .get(at..at.checked_add(len).ok_or("length overflows")?)
                    .ok_or_else(|| format!("field {number} of {len} bytes cut at byte {at}"))?;
                at += len;
                Field::Bytes(bytes)
            }
            5 => {
                let bytes = data
                    .get(at..at + 4)
                    .ok_or_else(|| format!("fixed32 cut at byte {at}"))?;
                at += 4;
                Field::Fixed32(u32::from_le_bytes(bytes.try_into().unwrap()))
            }
            other => return Err(format!("wire type {other} at byte {start}")),
        };
        out.push((number, field));
    }
    Ok(out)
}

/// Every length-delimited field `number` of `message`.
pub fn messages(message: &[u8], number: u32) -> Vec<&[u8]> {
    fields(message)
        .unwrap()
        .into_iter()
        .filter_map(|(n, f)| match (n == number, f) {
            (true, Field::Bytes(b)) => Some(b),
            _ => None,
        })
        .collect()
}

/// The one length-delimited field `number` of `message`, if any.
pub fn message(message: &[u8], number: u32) -> Option<&[u8]> {
    messages(message, number).into_iter().next()
}

/// Field `number` as text.
pub fn string(msg: &[u8], number: u32) -> Option<String> {
    message(msg, number).map(|b| String::from_utf8(b.to_vec()).unwrap())
}

/// The varint field `number`, if any.
pub fn varint_field(msg: &[u8], number: u32) -> Option<u64> {
    fields(msg).unwrap().into_iter().find_map(|(n, f)| match f {
        Field::Varint(v) if n == number => Some(v),
        _ => None,
    })
}

/// The fixed64 field `number`, if any.
pub fn fixed64_field(msg: &[u8], number: u32) -> Option<u64> {
    fields(msg).unwrap().into_iter().find_map(|(n, f)| match f {
        Field::Fixed64(v) if n == number => Some(v),
        _ => None,
    })
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An OTLP `AnyValue` as text: a string as it is, an int or bool as its
/// digits or word, anything else described.
pub fn any_value(value: &[u8]) -> String {
    match fields(value).unwrap().first() {
        Some((1, Field::Bytes(b))) => String::from_utf8(b.to_vec()).unwrap(),
        Some((2, Field::Varint(v))) => (*v != 0).to_string(),
        Some((3, Field::Varint(v))) => (*v as i64).to_string(),
        Some((4, Field::Fixed64(v))) => f64::from_bits(*v).to_string(),
        other => format!("{other:?}"),
    }
}

/// The `KeyValue` list in field `number` of `msg`, as (key, value as text).
pub fn attributes(msg: &[u8], number: u32) -> Vec<(String, String)> {
    messages(msg, number)
        .into_iter()
        .map(|kv| {
            (
                string(kv, 1).unwrap_or_default(),
                message(kv, 2).map(any_value).unwrap_or_default(),
            )
        })
        .collect()
}

/// One span of an `ExportTraceServiceRequest`, flattened.
#[derive(Clone, Debug)]
pub struct Span {
    pub resource: Vec<(String, String)>,
    pub scope_name: String,
    pub scope_version: String,
    pub trace_id: String,
    pub span_id: String,
    pub trace_state: String,
    pub parent_span_id: String,
    pub name: String,
    pub kind: u64,
    pub start: u64,
    pub end: u64,
    pub attributes: Vec<(String, String)>,
    pub events: Vec<String>,
    /// `Status.code` (0 unset, 1 ok, 2 error) and its message.
    pub status: (u64, String),
}

impl Span {
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Every span of an `ExportTraceServiceRequest` body.
pub fn spans(body: &[u8]) -> Vec<Span> {
    fields(body).expect("the body is a protobuf message");
    let mut out = Vec::new();
    for resource_spans in messages(body, 1) {
        let resource = message(resource_spans, 1)
            .map(|r| attributes(r, 1))
            .unwrap_or_default();
        for scope_spans in messages(resource_spans, 2) {
            let scope = message(scope_spans, 1).unwrap_or_default();
            for span in messages(scope_spans, 2) {
                out.push(Span {
                    resource: resource.clone(),
                    scope_name: string(scope, 1).unwrap_or_default(),
                    scope_version: string(scope, 2).unwrap_or_default(),
                    trace_id: message(span, 1).map(hex).unwrap_or_default(),
                    span_id: message(span, 2).map(hex).unwrap_or_default(),
                    trace_state: string(span, 3).unwrap_or_default(),
                    parent_span_id: message(span, 4).map(hex).unwrap_or_default(),
                    name: string(span, 5).unwrap_or_default(),
                    kind: varint_field(span, 6).unwrap_or(0),
                    start: fixed64_field(span, 7).unwrap_or(0),
                    end: fixed64_field(span, 8).unwrap_or(0),
                    attributes: attributes(span, 9),
                    events: messages(span, 11)
                        .into_iter()
                        .map(|e| string(e, 2).unwrap_or_default())
                        .collect(),
                    status: message(span, 15)
                        .map(|s| {
                            (
                                varint_field(s, 3).unwrap_or(0),
                                string(s, 2).unwrap_or_default(),
                            )
                        })
                        .unwrap_or((0, String::new())),
                });
            }
        }
    }
    out
}
