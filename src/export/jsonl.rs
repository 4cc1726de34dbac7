//! The JSON-lines exporter: one span per line to any `Write`.

use std::fmt;
use std::io::{self, Write};

use crate::export::exporter::ShutDown;
use crate::export::partial_write::{left_cut, write_all};
use crate::export::{json, ExportError, SpanExporter};
use crate::span_data::SpanData;

/// The most capacity the [`JsonLinesExporter`]'s line buffer keeps from
/// one export to the next: a batch whose lines needed more (a span with a
/// huge attribute, say) has the buffer freed after it is written, so one
/// such batch does not hold that memory for the life of the process, while
/// buffers up to it are reused.
pub const MAX_KEPT_LINES_BUFFER: usize = 4 * 1024 * 1024;

/// Writes each span as one line of JSON to `W` (a file, stdout, a socket).
///
/// A batch's lines are written at once from one buffer, reused from export
/// to export up to [`MAX_KEPT_LINES_BUFFER`] bytes, then flushed: a line is
/// delivered once `W` has taken it and flushed (a `W` that buffers, such as
/// [`BufWriter`](std::io::BufWriter), may hold it until then). A write that
/// fails part-way leaves a cut line; the next batch starts on a new line,
/// so only that line is broken. The lines written in full before it and
/// flushed were delivered: the export fails with
/// [`ExportError::PartlyDelivered`] saying how many, or with
/// [`ExportError::Failed`] when none were. When the flush fails, which of
/// the lines `W` held went out is unknown, so the batch's lines count as
/// lost (a `W` that keeps them may still write them later).
///
/// # Schema
/// Each line is one OTLP `Span` object in the
/// [OTLP/JSON mapping](https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding),
/// the same object the OTLP exporter sends inside `resourceSpans[].scopeSpans[].spans[]`,
/// with the fields of its `ScopeSpans` a line that stands alone needs,
/// `scope` and `schemaUrl`:
///
/// | field | JSON type | meaning |
/// |---|---|---|
/// | `traceId`, `spanId`, `parentSpanId` | string | lowercase hex; `parentSpanId` absent for a root |
/// | `traceState` | string | W3C tracestate, absent when empty |
/// | `flags` | number | W3C trace flags in bits 0–7; bit 8 set, bit 9 = parent is remote |
/// | `name` | string | the span name |
/// | `kind` | number | 1 internal, 2 server, 3 client, 4 producer, 5 consumer |
/// | `startTimeUnixNano`, `endTimeUnixNano` | string | decimal nanoseconds since the unix epoch |
/// | `attributes` | array | `{"key": .., "value": AnyValue}`; the span type as `span.type` |
/// | `events` | array | `{"timeUnixNano", "name", "attributes", "droppedAttributesCount"}` |
/// | `links` | array | `{"traceId", "spanId", "traceState", "attributes", "droppedAttributesCount", "flags"}` |
/// | `dropped{Attributes,Events,Links}Count` | number | what the span limits discarded |
/// | `status` | object | `code` 0 unset, 1 ok, 2 error; `message` for an error |
/// | `scope` | object | the OTLP `InstrumentationScope` the span was recorded in (see [`Tracer`](crate::Tracer)): `name`; `version`, `attributes` and `droppedAttributesCount` when it has them |
/// | `schemaUrl` | string | the scope's schema URL (see [`TracerBuilder::schema_url`](crate::TracerBuilder::schema_url)), absent when it has none |
///
/// `AnyValue` is one of `{"stringValue": ".."}`, `{"boolValue": b}`,
/// `{"intValue": "decimal"}`, `{"doubleValue": n}` (or `"NaN"`,
/// `"Infinity"`, `"-Infinity"`), `{"arrayValue": {"values": [AnyValue..]}}`,
/// `{"bytesValue": "base64"}`, `{"kvlistValue": {"values": [KeyValue..]}}`,
/// or `{}`, the empty value ([`Value::Empty`](crate::Value::Empty)). An
/// array's values may be of mixed kinds and nest.
/// Strings are escaped so every line is valid JSON whatever a name or value
/// holds (control characters, quotes, U+2028).
///
/// # Example
/// ```
/// use baton::export::{JsonLinesExporter, SpanExporter};
/// let spans = baton::InMemoryExporter::default();
/// let _p = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
/// baton::in_span("say \"hi\"\n", || {});
/// let mut out = JsonLinesExporter::new(Vec::new());
/// out.export(&spans.take()).unwrap();
/// let text = String::from_utf8(out.into_inner()).unwrap();
/// assert_eq!(text.lines().count(), 1);
/// assert!(text.contains(r#""name":"say \"hi\"\n""#));
/// let scope = format!(r#","scope":{{"name":"baton","version":"{}"}}}}"#, env!("CARGO_PKG_VERSION"));
/// assert!(text.trim_end().ends_with(&scope));
/// ```
pub struct JsonLinesExporter<W> {
    out: W,
    /// The batch's lines, written at once.
    line: String,
    /// A failed write left the output in the middle of a line.
    cut: bool,
    shut_down: ShutDown,
}

impl<W: Write + Send + 'static> JsonLinesExporter<W> {
    /// An exporter writing to `out`.
    pub fn new(out: W) -> JsonLinesExporter<W> {
        JsonLinesExporter {
            out,
            line: String::new(),
            cut: false,
            shut_down: ShutDown::default(),
        }
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W> fmt::Debug for JsonLinesExporter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLinesExporter").finish_non_exhaustive()
    }
}

/// Frees `line` if it grew past [`MAX_KEPT_LINES_BUFFER`]; the next
/// export grows it again as far as its lines need.
fn trim(line: &mut String) {
    if line.capacity() > MAX_KEPT_LINES_BUFFER {
        *line = String::new();
    }
}

fn io_error(e: io::Error) -> ExportError {
    ExportError::Failed(format!("writing JSON lines: {e}"))
}

fn flush_error(e: io::Error) -> ExportError {
    ExportError::Failed(format!("flushing JSON lines: {e}"))
}

impl<W: Write + Send + 'static> SpanExporter for JsonLinesExporter<W> {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.shut_down.check()?;
        self.line.clear();
        if self.cut {
            self.line.push('\n');
        }
        for span in batch {
            json::write_span_line(&mut self.line, span);
            self.line.push('\n');
        }
        let after_cut = usize::from(self.cut);
        let (written, result) = write_all(&mut self.out, self.line.as_bytes());
        self.cut = left_cut(self.cut, written);
        // What a buffering writer took is delivered only once flushed; a
        // flush that failed leaves unknown how much of it went out.
        let flushed = self.out.flush();
        let outcome = match (result, flushed) {
            (Ok(()), Ok(())) => Ok(()),
            (Ok(()), Err(e)) => Err(flush_error(e)),
            (Err(e), Err(_)) => Err(io_error(e)),
            (Err(e), Ok(())) => {
                // A span's line holds no raw LF (JSON escapes it): each LF
                // written past the one ending an earlier cut line ends a
                // delivered span.
                let delivered = written
                    .get(after_cut..)
                    .map_or(0, |lines| lines.iter().filter(|&&b| b == b'\n').count());
                Err(match io_error(e) {
                    ExportError::Failed(reason) if delivered > 0 => ExportError::PartlyDelivered {
                        delivered: delivered as u64,
                        reason,
                    },
                    other => other,
                })
            }
        };
        trim(&mut self.line);
        outcome
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        self.out.flush().map_err(flush_error)
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.shut_down.mark()?;
        self.force_flush()
    }
}

#[cfg(test)]
mod tests {
    use super::{trim, JsonLinesExporter, MAX_KEPT_LINES_BUFFER};
    use crate::export::SpanExporter;
    use crate::span_data::SpanData;

    /// The line buffer's capacity after exporting one span whose name is
    /// `name_len` bytes.
    fn kept_after(name_len: usize) -> usize {
        let mut exporter = JsonLinesExporter::new(std::io::sink());
        let mut span = SpanData::minimal();
        span.name = "x".repeat(name_len).into();
        exporter.export(&[span]).unwrap();
        exporter.line.capacity()
    }

    #[test]
    fn a_line_buffer_past_the_kept_limit_is_freed_after_the_write() {
        // Regression: one huge span's line buffer was kept for the life of
        // the process.
        let usual = MAX_KEPT_LINES_BUFFER / 4;
        assert!(kept_after(usual) > usual, "kept for the next export");
        assert_eq!(kept_after(MAX_KEPT_LINES_BUFFER + 1), 0, "freed");
    }

    #[test]
    fn the_line_buffer_is_kept_up_to_the_limit_and_freed_past_it() {
        let mut at = String::with_capacity(MAX_KEPT_LINES_BUFFER);
        trim(&mut at);
        assert_eq!(at.capacity(), MAX_KEPT_LINES_BUFFER);
        let mut past = String::with_capacity(MAX_KEPT_LINES_BUFFER + 1);
        trim(&mut past);
        assert_eq!(past.capacity(), 0);
    }
}
