//! Log correlation: the current trace and span ids in a log line, with no
//! logging dependency and no allocation.
//!
//! [`log_ids`] reads the ids of the current context (local span or remote
//! parent) once, into a small `Copy` value whose `Display` writes
//! `trace_id=… span_id=… trace_flags=01`, or nothing outside a span. The
//! field names and formats are those of OpenTelemetry's
//! [Trace Context in non-OTLP Log Formats](https://opentelemetry.io/docs/specs/otel/compatibility/logging_trace_context/)
//! (ids in lowercase hex, the flags in the W3C `trace-flags` form), so a log
//! backend can link the line to its trace.
//!
//! # Example: `println!`-style logging
//! ```
//! let _pipeline = baton::init(baton::Config::new()).unwrap(); // without one, spans have no ids
//! let _span = baton::span("checkout").enter();
//! let line = format!("INFO order placed {}", baton::log_ids());
//! let trace_id = baton::current_trace_id().unwrap();
//! let span_id = baton::current_span_id().unwrap();
//! let flags = baton::log_ids().trace_flags().unwrap().bits();
//! assert_eq!(
//!     line,
//!     format!("INFO order placed trace_id={trace_id} span_id={span_id} trace_flags={flags:02x}")
//! );
//! ```
//!
//! # Example: a recipe for the `log` facade
//! A `log::Log` implementation adds the ids to every record in its `log`
//! method; the format string is the whole recipe, so here it is with a
//! stand-in for the record (`record.level()` and `record.args()` in `log`):
//! ```
//! # let _pipeline = baton::init(baton::Config::new()).unwrap();
//! use std::fmt::Write;
//! // impl log::Log for MyLogger {
//! //     fn log(&self, record: &log::Record<'_>) {
//! //         eprintln!("{} {} {}", record.level(), record.args(), baton::log_ids());
//! //     }
//! //     ...
//! // }
//! fn log(out: &mut String, level: &str, args: std::fmt::Arguments<'_>) {
//!     let _ = writeln!(out, "{level} {args} {}", baton::log_ids());
//! }
//! let mut out = String::new();
//! log(&mut out, "INFO", format_args!("no span yet"));
//! baton::in_span("work", || log(&mut out, "WARN", format_args!("retrying")));
//! let lines: Vec<&str> = out.lines().collect();
//! assert_eq!(lines[0], "INFO no span yet "); // empty outside a span
//! assert!(lines[1].starts_with("WARN retrying trace_id="));
//! ```

use core::fmt;

use crate::id::{write_lower_hex, SpanId, TraceId};
use crate::span_context::{SpanContext, TraceFlags};
use crate::stack;

/// The span id of the current context (its local span, or the remote parent
/// when only an extracted context is attached), for log correlation; see
/// also [`current_trace_id`](crate::current_trace_id).
///
/// ```
/// # let _pipeline = baton::init(baton::Config::new()).unwrap();
/// assert_eq!(baton::current_span_id(), None);
/// let _span = baton::span("step").enter();
/// assert_eq!(baton::current_span_id(), Some(baton::current_span().unwrap().span_id()));
/// ```
pub fn current_span_id() -> Option<SpanId> {
    stack::with_current(|cx| {
        cx.span_context()
            .filter(|sc| sc.is_valid())
            .map(SpanContext::span_id)
    })
}

/// The ids of the current context, captured now, for a log line; see
/// [`LogIds`].
///
/// ```
/// assert_eq!(baton::log_ids().to_string(), "");
/// let _g = baton::propagated_context(&std::collections::HashMap::from([(
///     "traceparent".to_string(),
///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00".to_string(),
/// )]));
/// assert_eq!(
///     baton::log_ids().to_string(),
///     "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 trace_flags=00"
/// );
/// ```
pub fn log_ids() -> LogIds {
    LogIds(stack::with_current(|cx| {
        cx.span_context()
            .filter(|sc| sc.is_valid())
            .map(|sc| (sc.trace_id(), sc.span_id(), sc.flags()))
    }))
}

/// The trace id, span id and trace flags of one context, or none.
///
/// `Display` writes `trace_id=<32 hex> span_id=<16 hex> trace_flags=<2 hex>`
/// (the flags byte as the W3C `traceparent` carries it: `01` sampled, `00`
/// not, `03` sampled with a random trace id), or nothing when there was no
/// span, without allocating. The value is `Copy`
/// and holds no reference to the context, so it can be captured once and
/// used in several lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogIds(Option<(TraceId, SpanId, TraceFlags)>);

impl LogIds {
    /// The trace id, if there was a span.
    pub fn trace_id(&self) -> Option<TraceId> {
        self.0.map(|(t, _, _)| t)
    }

    /// The span id, if there was a span.
    pub fn span_id(&self) -> Option<SpanId> {
        self.0.map(|(_, s, _)| s)
    }

    /// The trace flags, if there was a span.
    pub fn trace_flags(&self) -> Option<TraceFlags> {
        self.0.map(|(_, _, flags)| flags)
    }

    /// Whether the span was sampled (`false` without a span).
    pub fn is_sampled(&self) -> bool {
        self.0.is_some_and(|(_, _, flags)| flags.is_sampled())
    }

    /// Whether there was no span: `Display` writes nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl fmt::Display for LogIds {
    /// Written as a `str` is, so a width, fill or alignment in the format
    /// string is honoured (a fixed log column stays fixed, with or without
    /// a span), still without allocating.
    ///
    /// ```
    /// # let _pipeline = baton::init(baton::Config::new()).unwrap(); // without one, spans have no ids
    /// let line = baton::in_span("step", || format!("{:<85}|", baton::log_ids()));
    /// assert!(line.starts_with("trace_id="));
    /// assert_eq!(line.len(), 86);
    /// assert_eq!(format!("{:<5}|", baton::log_ids()), "     |");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((trace_id, span_id, flags)) = self.0 else {
            return f.pad("");
        };
        let mut text =
            *b"trace_id=________________________________ span_id=________________ trace_flags=__";
        write_lower_hex(&mut text[9..41], trace_id.to_u128());
        write_lower_hex(&mut text[50..66], span_id.to_u64().into());
        write_lower_hex(&mut text[79..], flags.bits().into());
        // The text is ASCII.
        f.pad(core::str::from_utf8(&text).unwrap_or_default())
    }
}
