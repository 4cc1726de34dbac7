//! A small JSON writer: string escaping and the OTLP/JSON encoding of spans,
//! shared by the JSON-lines and OTLP exporters.
//!
//! The encoding follows the
//! [OTLP/JSON mapping](https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
//! lowerCamelCase field names, trace and span ids as lowercase hex, 64-bit
//! integers (times, `intValue`) as decimal strings, enums (`kind`,
//! `status.code`) as integers, attribute values as `AnyValue` objects.

use std::fmt::Write;

use crate::attribute_limits::within_max_depth;
use crate::base64::Base64;
use crate::export::otlp_model::{
    for_each_scope, kind_number, span_flags, span_type_attribute, status_parts,
};
use crate::export::resource::Resource;
use crate::instrumentation_scope::InstrumentationScope;
use crate::span_context::SpanContext;
use crate::span_data::{Event, Link, SpanData, SPAN_TYPE_ATTRIBUTE};
use crate::value::{Array, KeyValue, Value};

/// Appends `s` as a JSON string, quotes included.
///
/// Escapes `"`, `\`, every control character (U+0000–U+001F and U+007F), and
/// U+2028/U+2029, which end lines in JavaScript: any Rust string becomes a
/// valid JSON string on a single line.
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{0}'..='\u{1f}' | '\u{7f}' | '\u{2028}' | '\u{2029}' => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push_str(escape);
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// `,"key":` — every field after the first starts with a comma.
fn field(out: &mut String, key: &str) {
    out.push_str(",\"");
    out.push_str(key);
    out.push_str("\":");
}

/// A 64-bit integer as the proto3 JSON mapping writes it: a decimal string.
fn write_u64_str(out: &mut String, n: impl std::fmt::Display) {
    let _ = write!(out, "\"{n}\"");
}

fn write_f64(out: &mut String, n: f64) {
    // proto3 JSON spells the non-finite doubles as strings.
    if n.is_nan() {
        out.push_str("\"NaN\"");
    } else if n.is_infinite() {
        out.push_str(if n > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        });
    } else {
        // Debug, unlike Display, switches to exponent form for very large
        // and very small magnitudes (`1e300`, not 301 digits); both are JSON.
        let _ = write!(out, "{n:?}");
    }
}

fn write_list<T>(out: &mut String, items: &[T], mut item: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        item(out, x);
    }
    out.push(']');
}

/// A string's `AnyValue` object, without a copy of the string.
fn write_string_value(out: &mut String, s: &str) {
    out.push_str("{\"stringValue\":");
    write_str(out, s);
    out.push('}');
}

/// An `AnyValue` object, `depth` deep (see [`within_max_depth`]).
fn write_value(out: &mut String, value: &Value, depth: usize) {
    match within_max_depth(value, depth) {
        Value::String(s) => {
            write_string_value(out, s);
            return;
        }
        Value::Bool(b) => {
            let _ = write!(out, "{{\"boolValue\":{b}");
        }
        Value::I64(n) => {
            out.push_str("{\"intValue\":");
            write_u64_str(out, n);
        }
        Value::F64(n) => {
            out.push_str("{\"doubleValue\":");
            write_f64(out, *n);
        }
        Value::Array(array) => {
            out.push_str("{\"arrayValue\":{\"values\":");
            match array {
                Array::String(v) => write_list(out, v, |o, s| write_string_value(o, s)),
                Array::Bool(v) => {
                    write_list(out, v, |o, b| write_value(o, &Value::Bool(*b), depth + 1))
                }
                Array::I64(v) => {
                    write_list(out, v, |o, n| write_value(o, &Value::I64(*n), depth + 1))
                }
                Array::F64(v) => {
                    write_list(out, v, |o, n| write_value(o, &Value::F64(*n), depth + 1))
                }
                Array::Value(v) => write_list(out, v, |o, v| write_value(o, v, depth + 1)),
            }
            out.push('}');
        }
        Value::Bytes(b) => {
            let _ = write!(out, "{{\"bytesValue\":\"{}\"", Base64(b));
        }
        Value::KvList(kvs) => {
            out.push_str("{\"kvlistValue\":{\"values\":");
            write_entries(out, kvs, depth + 1);
            out.push('}');
        }
        // No field set: `{}`.
        Value::Empty => out.push('{'),
    }
    out.push('}');
}

/// A `KeyValue` object, its value `depth` deep.
fn write_key_value(out: &mut String, key: &str, value: &Value, depth: usize) {
    out.push_str("{\"key\":");
    write_str(out, key);
    out.push_str(",\"value\":");
    write_value(out, value, depth);
    out.push('}');
}

/// A list of `KeyValue` objects.
pub(crate) fn write_attributes(out: &mut String, attributes: &[KeyValue]) {
    write_entries(out, attributes, 1);
}

/// [`write_attributes`], the values `depth` deep.
fn write_entries(out: &mut String, entries: &[KeyValue], depth: usize) {
    write_list(out, entries, |o, kv| {
        write_key_value(o, &kv.key, &kv.value, depth)
    });
}

/// The ids and tracestate; the invalid span context (a link's) has
/// all-zero ids, as OpenTelemetry defines it.
fn write_ids(out: &mut String, sc: &SpanContext) {
    let (trace_id, span_id) = if sc.is_valid() {
        (sc.trace_id().to_hex(), sc.span_id().to_hex())
    } else {
        ([b'0'; 32], [b'0'; 16])
    };
    out.push_str("\"traceId\":\"");
    out.push_str(std::str::from_utf8(&trace_id).unwrap_or_default());
    out.push_str("\",\"spanId\":\"");
    out.push_str(std::str::from_utf8(&span_id).unwrap_or_default());
    out.push('"');
    let state = sc.trace_state().as_str();
    if !state.is_empty() {
        field(out, "traceState");
        write_str(out, state);
    }
}

fn write_event(out: &mut String, event: &Event) {
    out.push_str("{\"timeUnixNano\":");
    write_u64_str(out, event.time_unix_nanos);
    field(out, "name");
    write_str(out, &event.name);
    field(out, "attributes");
    write_attributes(out, &event.attributes);
    let _ = write!(
        out,
        ",\"droppedAttributesCount\":{}}}",
        event.dropped_attributes_count
    );
}

fn write_link(out: &mut String, link: &Link) {
    out.push('{');
    write_ids(out, &link.span_context);
    field(out, "attributes");
    write_attributes(out, &link.attributes);
    let _ = write!(
        out,
        ",\"droppedAttributesCount\":{},\"flags\":{}}}",
        link.dropped_attributes_count,
        span_flags(
            link.span_context.flags().bits(),
            link.span_context.is_remote()
        )
    );
}

/// One OTLP `Span` object.
fn write_span(out: &mut String, span: &SpanData) {
    write_span_fields(out, span);
    out.push('}');
}

/// One OTLP `Span` object with the fields of its `ScopeSpans` a line that
/// stands alone needs: `scope`, its `InstrumentationScope` object, and
/// `schemaUrl` when the scope has one.
pub(crate) fn write_span_line(out: &mut String, span: &SpanData) {
    write_span_fields(out, span);
    field(out, "scope");
    write_scope(out, span.scope());
    write_schema_url(out, span.scope());
    out.push('}');
}

/// The `schemaUrl` field of a scope's `ScopeSpans`, when it has one.
fn write_schema_url(out: &mut String, scope: &InstrumentationScope) {
    if let Some(url) = scope.schema_url() {
        field(out, "schemaUrl");
        write_str(out, url);
    }
}

/// An OTLP `InstrumentationScope` object. What a scope does not have (a
/// version, attributes) is left out, as proto3 JSON allows for defaults:
/// baton's own scope is written as it always was.
fn write_scope(out: &mut String, scope: &InstrumentationScope) {
    out.push_str("{\"name\":");
    write_str(out, scope.name());
    if let Some(version) = scope.version() {
        field(out, "version");
        write_str(out, version);
    }
    if !scope.attributes().is_empty() {
        field(out, "attributes");
        write_attributes(out, scope.attributes());
    }
    let dropped = scope.dropped_attributes_count();
    if dropped != 0 {
        let _ = write!(out, ",\"droppedAttributesCount\":{dropped}");
    }
    out.push('}');
}

/// The fields of one OTLP `Span` object, braces but the last written.
fn write_span_fields(out: &mut String, span: &SpanData) {
    out.push('{');
    write_ids(out, &span.span_context);
    if let Some(parent) = span.parent_span_id {
        field(out, "parentSpanId");
        out.push('"');
        out.push_str(std::str::from_utf8(&parent.to_hex()).unwrap_or_default());
        out.push('"');
    }
    let _ = write!(
        out,
        ",\"flags\":{}",
        span_flags(span.span_context.flags().bits(), span.parent_is_remote)
    );
    field(out, "name");
    write_str(out, &span.name);
    let _ = write!(out, ",\"kind\":{}", kind_number(span.kind));
    field(out, "startTimeUnixNano");
    write_u64_str(out, span.start_unix_nanos);
    field(out, "endTimeUnixNano");
    write_u64_str(out, span.end_unix_nanos);
    field(out, "attributes");
    out.push('[');
    let mut first = true;
    for kv in &span.attributes {
        if !std::mem::take(&mut first) {
            out.push(',');
        }
        write_key_value(out, &kv.key, &kv.value, 1);
    }
    if let Some(t) = span_type_attribute(span) {
        if !first {
            out.push(',');
        }
        out.push_str("{\"key\":");
        write_str(out, SPAN_TYPE_ATTRIBUTE);
        out.push_str(",\"value\":{\"stringValue\":");
        write_str(out, t);
        out.push_str("}}");
    }
    out.push(']');
    let _ = write!(
        out,
        ",\"droppedAttributesCount\":{}",
        span.dropped_attributes_count
    );
    field(out, "events");
    write_list(out, &span.events, write_event);
    let _ = write!(out, ",\"droppedEventsCount\":{}", span.dropped_events_count);
    field(out, "links");
    write_list(out, &span.links, write_link);
    let _ = write!(out, ",\"droppedLinksCount\":{}", span.dropped_links_count);
    field(out, "status");
    let (code, message) = status_parts(&span.status);
    out.push('{');
    if code == 2 {
        out.push_str("\"message\":");
        write_str(out, message);
        out.push(',');
    }
    let _ = write!(out, "\"code\":{code}}}");
}

/// A whole `ExportTraceServiceRequest`: one resource, and `spans` in one
/// `ScopeSpans` per scope.
pub(crate) fn write_request(out: &mut String, resource: &Resource, spans: &[SpanData]) {
    out.push_str("{\"resourceSpans\":[{\"resource\":{\"attributes\":");
    write_attributes(out, resource.attributes());
    out.push_str("},\"scopeSpans\":[");
    let mut first = true;
    for_each_scope(spans, |scope, spans| {
        if !std::mem::take(&mut first) {
            out.push(',');
        }
        out.push_str("{\"scope\":");
        write_scope(out, scope);
        out.push_str(",\"spans\":[");
        for (i, span) in spans.enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_span(out, span);
        }
        out.push(']');
        write_schema_url(out, scope);
        out.push('}');
    });
    out.push_str("]}]}");
}

#[cfg(test)]
mod tests {
    use super::write_str;

    #[test]
    fn escapes_what_json_and_javascript_need() {
        let mut out = String::new();
        write_str(&mut out, "a\"b\\c\n\u{1}\u{7f}\u{2028}é");
        assert_eq!(out, r#""a\"b\\c\n\u0001\u007f\u2028é""#);
    }
}
