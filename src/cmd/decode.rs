//! `baton decode [HEADER-LINE...]`: recognises each header line's format by
//! its name and prints its fields, or an error with a `^` under the
//! offending byte of the value.

use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;

use baton::propagation::b3::{B3Error, B3Header, MultiFields, Sampling};
use baton::propagation::jaeger::{JaegerError, UberctxError};
use baton::propagation::{b3, baggage, jaeger, traceparent, tracestate};
use baton::{SpanId, TraceFlags, TraceId};

use super::{caret, indent, read_lines, HeaderLine, INVALID_INPUT};

/// One decoded field: a label and its text.
type Field = (&'static str, String);

/// Why a line did not decode.
pub struct LineError {
    message: String,
    /// The byte of the value to point at, when one is to blame.
    offset: Option<usize>,
}

impl LineError {
    fn at(error: impl Display, offset: Option<usize>) -> LineError {
        LineError {
            message: error.to_string(),
            offset,
        }
    }

    /// Prints `line N: message`, then the value with a caret under the
    /// offending byte.
    pub fn report(&self, line: &HeaderLine, out: &mut dyn Write) {
        let _ = writeln!(out, "line {}: {}", line.number, self.message);
        if let Some(offset) = self.offset {
            let _ = writeln!(out, "{}", indent(&caret(&line.value, offset)));
        }
    }
}

pub fn run(args: &[String]) -> ExitCode {
    let lines = match read_lines(args) {
        Ok(lines) => lines,
        Err(e) => return e.report(&mut std::io::stdout()),
    };
    let mut out = std::io::stdout().lock();
    let mut invalid = false;
    for line in &lines {
        match decode(line, &lines) {
            Ok(fields) => {
                let _ = writeln!(out, "{}: {}", line.name, line.value);
                for (label, text) in fields {
                    let _ = writeln!(out, "  {label:<10} {text}");
                }
            }
            Err(e) => {
                invalid = true;
                e.report(line, &mut out);
            }
        }
    }
    if invalid {
        ExitCode::from(INVALID_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

/// The fields of one header line, by the format its name announces. The
/// `X-B3-*` lines are one context together, so all of `lines` are passed.
pub fn decode(line: &HeaderLine, lines: &[HeaderLine]) -> Result<Vec<Field>, LineError> {
    let name = line.name.to_ascii_lowercase();
    let value = line.value.as_str();
    match name.as_str() {
        "traceparent" => {
            let tp = traceparent::parse(value).map_err(|e| LineError::at(e, Some(e.offset())))?;
            Ok(vec![
                ("version", format!("{:02x}", tp.version)),
                ("trace id", tp.trace_id.to_string()),
                ("span id", tp.span_id.to_string()),
                ("flags", flags(tp.flags)),
            ])
        }
        "tracestate" => {
            let ts = tracestate::parse(value).map_err(|e| LineError::at(e, Some(e.offset())))?;
            Ok(ts
                .iter()
                .map(|(k, v)| ("member", format!("{k}={v}")))
                .collect())
        }
        "baggage" => {
            let b = baggage::parse(value).map_err(|e| LineError::at(e, Some(e.offset())))?;
            Ok(b.iter()
                .map(|(k, v, props)| {
                    let props = if props.is_empty() {
                        String::new()
                    } else {
                        format!(" ;{props}")
                    };
                    ("entry", format!("{k} = {v:?}{props}"))
                })
                .collect())
        }
        "b3" => {
            let h = b3::parse_single(value).map_err(|e| LineError::at(e, b3_error_offset(&e)))?;
            Ok(b3_fields(&h))
        }
        "uber-trace-id" => {
            let h = jaeger::parse(value).map_err(|e| LineError::at(e, jaeger_offset(&e)))?;
            Ok(ids(h.trace_id, h.span_id, h.parent_span_id)
                .into_iter()
                .chain([("flags", jaeger_flags(h.flags))])
                .collect())
        }
        n if n.starts_with("x-b3-") => decode_b3_multi(line, lines),
        n if n.starts_with(jaeger::BAGGAGE_PREFIX) => {
            let key = jaeger::parse_baggage_name(&line.name).map_err(|e| LineError {
                message: e.to_string(),
                offset: None,
            })?;
            let v = jaeger::parse_baggage_value(value)
                .map_err(|e| LineError::at(e, uberctx_offset(&e)))?;
            Ok(vec![("entry", format!("{key} = {v:?}"))])
        }
        _ => Err(LineError {
            message: format!(
                "{:?} is not a propagation header (traceparent, tracestate, baggage, b3, \
                 x-b3-*, uber-trace-id, uberctx-*)",
                line.name
            ),
            offset: None,
        }),
    }
}

/// The flags byte in hex with the bits it sets spelled out.
fn flags(f: TraceFlags) -> String {
    let mut bits = vec![if f.is_sampled() {
        "sampled"
    } else {
        "not sampled"
    }];
    if f.is_random() {
        bits.push("random");
    }
    format!("{:02x} ({})", f.bits(), bits.join(", "))
}

/// Jaeger flags in hex with the bits spelled out (1 sampled, 2 debug).
fn jaeger_flags(bits: u8) -> String {
    let mut names = vec![if bits & 1 != 0 {
        "sampled"
    } else {
        "not sampled"
    }];
    if bits & 2 != 0 {
        names.push("debug");
    }
    format!("{bits:02x} ({})", names.join(", "))
}

fn ids(trace_id: TraceId, span_id: SpanId, parent: Option<SpanId>) -> Vec<Field> {
    vec![
        ("trace id", trace_id.to_string()),
        ("span id", span_id.to_string()),
        (
            "parent",
            parent.map_or_else(|| "none".to_owned(), |p| p.to_string()),
        ),
    ]
}

fn sampling(s: Option<Sampling>) -> Field {
    let text = match s {
        None => "deferred (no decision)",
        Some(Sampling::Deny) => "deny",
        Some(Sampling::Accept) => "accept",
        Some(Sampling::Debug) => "debug (accept)",
    };
    ("sampling", text.to_owned())
}

fn b3_fields(h: &B3Header) -> Vec<Field> {
    match *h {
        B3Header::Context {
            trace_id,
            span_id,
            parent_span_id,
            sampling: s,
        } => {
            let mut fields = ids(trace_id, span_id, parent_span_id);
            fields.push(sampling(s));
            fields
        }
        B3Header::SamplingOnly(s) => vec![sampling(Some(s))],
    }
}

/// All `X-B3-*` lines of the input parse as one context: the first of them
/// shows it, the others point there. An error is shown on the line of the
/// field at fault (or on the first line when a field is missing).
fn decode_b3_multi(line: &HeaderLine, lines: &[HeaderLine]) -> Result<Vec<Field>, LineError> {
    let find = |name: &str| lines.iter().find(|l| l.name.eq_ignore_ascii_case(name));
    let names = [
        "x-b3-traceid",
        "x-b3-spanid",
        "x-b3-parentspanid",
        "x-b3-sampled",
        "x-b3-flags",
    ];
    if !names.iter().any(|n| line.name.eq_ignore_ascii_case(n)) {
        return Err(LineError {
            message: format!(
                "{:?} is not one of the B3 headers X-B3-TraceId, X-B3-SpanId, \
                 X-B3-ParentSpanId, X-B3-Sampled, X-B3-Flags",
                line.name
            ),
            offset: None,
        });
    }
    let value = |name: &str| find(name).map(|l| l.value.as_str());
    let fields = MultiFields {
        trace_id: value(names[0]),
        span_id: value(names[1]),
        parent_span_id: value(names[2]),
        sampled: value(names[3]),
        flags: value(names[4]),
    };
    let first = lines
        .iter()
        .find(|l| names.iter().any(|n| l.name.eq_ignore_ascii_case(n)))
        .map(|l| l.number);
    match b3::parse_multi(&fields) {
        Ok(h) if first == Some(line.number) => Ok(b3_fields(&h)),
        Ok(_) => Ok(vec![("context", "with the X-B3 lines above".to_owned())]),
        Err(e) => {
            let at_fault = b3_field(&e)
                .and_then(|f| names.iter().zip(B3_FIELDS).find(|(_, bf)| *bf == f))
                .and_then(|(n, _)| find(n))
                .map_or(first, |l| Some(l.number));
            if at_fault == Some(line.number) {
                Err(LineError::at(e, b3_error_offset(&e)))
            } else {
                Ok(vec![(
                    "context",
                    "invalid, see the error above or below".to_owned(),
                )])
            }
        }
    }
}

const B3_FIELDS: [b3::B3Field; 5] = [
    b3::B3Field::TraceId,
    b3::B3Field::SpanId,
    b3::B3Field::ParentSpanId,
    b3::B3Field::Sampled,
    b3::B3Field::Flags,
];

fn b3_field(e: &B3Error) -> Option<b3::B3Field> {
    match *e {
        B3Error::Length { field, .. }
        | B3Error::NotLowerHex { field, .. }
        | B3Error::AllZero { field, .. }
        | B3Error::InvalidSampling { field, .. } => Some(field),
        _ => None,
    }
}

fn b3_error_offset(e: &B3Error) -> Option<usize> {
    match *e {
        B3Error::Length { offset, .. }
        | B3Error::NotLowerHex { offset, .. }
        | B3Error::AllZero { offset, .. }
        | B3Error::InvalidSampling { offset, .. }
        | B3Error::UnexpectedByte { offset } => Some(offset),
        _ => None,
    }
}

fn jaeger_offset(e: &JaegerError) -> Option<usize> {
    match *e {
        JaegerError::Length { offset, .. }
        | JaegerError::NotHex { offset, .. }
        | JaegerError::AllZero { offset, .. }
        | JaegerError::TrailingData { offset } => Some(offset),
        _ => None,
    }
}

fn uberctx_offset(e: &UberctxError) -> Option<usize> {
    match *e {
        UberctxError::InvalidEscape { offset } | UberctxError::InvalidUtf8 { offset } => {
            Some(offset)
        }
        _ => None,
    }
}
