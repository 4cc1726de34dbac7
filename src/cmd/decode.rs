//! `baton decode [HEADER-LINE...]`: recognises each header line's format by
//! its name and prints its fields, or an error with a `^` under the
//! offending byte of the value.

use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;

use baton::propagation::{b3, baggage, jaeger, traceparent, tracestate};
use baton::{SpanContext, TraceFlags};

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
    fn at(error: impl Display, offset: usize) -> LineError {
        LineError {
            message: error.to_string(),
            offset: Some(offset),
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
        match decode(line) {
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

/// The fields of one header line, by the format its name announces.
pub fn decode(line: &HeaderLine) -> Result<Vec<Field>, LineError> {
    let name = line.name.to_ascii_lowercase();
    let value = line.value.as_str();
    match name.as_str() {
        "traceparent" => {
            let tp = traceparent::parse(value).map_err(|e| LineError::at(e, e.offset()))?;
            Ok(vec![
                ("version", format!("{:02x}", tp.version)),
                ("trace id", tp.trace_id.to_string()),
                ("span id", tp.span_id.to_string()),
                ("flags", flags(tp.flags)),
            ])
        }
        "tracestate" => {
            let ts = tracestate::parse(value).map_err(|e| LineError::at(e, e.offset()))?;
            Ok(ts
                .iter()
                .map(|(k, v)| ("member", format!("{k}={v}")))
                .collect())
        }
        "baggage" => {
            let b = baggage::parse(value).map_err(|e| LineError::at(e, e.offset()))?;
            Ok(b.iter()
                .map(|(k, v, props)| {
                    let props = if props.is_empty() { String::new() } else { format!(" ;{props}") };
                    ("entry", format!("{k} = {v:?}{props}"))
                })
                .collect())
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
    let mut bits = vec![if f.is_sampled() { "sampled" } else { "not sampled" }];
    if f.is_random() {
        bits.push("random");
    }
    format!("{:02x} ({})", f.bits(), bits.join(", "))
}

/// The ids, parent and sampling state of a B3 or Jaeger span context.
fn span_context_fields(sc: &SpanContext) -> Vec<Field> {
    let sampling = if sc.is_debug() {
        "debug (sampled)"
    } else if sc.is_deferred() {
        "deferred (no decision)"
    } else if sc.is_sampled() {
        "sampled"
    } else {
        "not sampled"
    };
    vec![
        ("trace id", sc.trace_id().to_string()),
        ("span id", sc.span_id().to_string()),
        (
            "parent",
            sc.parent_span_id()
                .map_or_else(|| "none".to_owned(), |p| p.to_string()),
        ),
        ("sampling", sampling.to_owned()),
    ]
}
