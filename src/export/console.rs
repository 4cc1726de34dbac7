//! The console exporter: each finished trace as an indented tree.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::diagnostic::DiagnosticKind;
use crate::export::exporter::ShutDown;
use crate::export::{ExportError, SpanExporter};
use crate::id::{SpanId, TraceId};
use crate::instrumentation_scope::InstrumentationScope;
use crate::span_data::{SpanData, Status};
use crate::value::Value;

/// Spans held while waiting for their local root to end; past this, what is
/// held is printed as partial trees, so memory stays bounded.
pub const MAX_PENDING_SPANS: usize = 4096;

/// Follows the trace id in the header of a tree printed before its local
/// root ended (at a flush, at shutdown, past [`MAX_PENDING_SPANS`], or when
/// the exporter is dropped or taken apart with
/// [`ConsoleExporter::into_inner`]).
pub const ROOT_NOT_ENDED: &str = "  (root not ended)";

/// Attributes shown per span; the rest are counted as `(+N more)`.
pub const MAX_SHOWN_ATTRIBUTES: usize = 8;

/// Prints each trace as an indented tree when its local root ends (a span
/// without a parent, or whose parent is in another process): name, kind and
/// span type, the scope of a [`Tracer`](crate::Tracer)'s span (`scope=`
/// its name), duration, status and the first attributes. Control characters,
/// line separators and bidi overrides in names and values are escaped as
/// `\u{..}`, so one span is always one line.
///
/// Spans still waiting for their root are never discarded: a flush, a
/// shutdown, [`into_inner`](ConsoleExporter::into_inner) and dropping the
/// exporter print them, as trees headed [`ROOT_NOT_ENDED`]. Those that
/// cannot be written (the writer failed) are reported as
/// [`SpanDropped`](crate::DiagnosticKind::SpanDropped), or, from a flush or
/// shutdown, as its error.
///
/// # Example
/// ```
/// use baton::export::{ConsoleExporter, SpanExporter};
/// let spans = baton::InMemoryExporter::default();
/// let _p = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
/// let tracer = baton::tracer("db.driver").build();
/// baton::in_span("request", || tracer.in_span("db\x1b[31m", || {}));
/// let mut console = ConsoleExporter::new(Vec::new());
/// console.export(&spans.take()).unwrap();
/// let text = String::from_utf8(console.into_inner()).unwrap();
/// let lines: Vec<&str> = text.lines().collect();
/// assert!(lines[0].starts_with("trace "));
/// assert!(lines[1].starts_with("  request  internal  "));
/// assert!(lines[2].starts_with("    db\\u{1b}[31m  internal  scope=db.driver  "));
/// ```
pub struct ConsoleExporter<W: Write> {
    /// Always `Some` but in `into_inner`, which takes it past `Drop`.
    out: Option<W>,
    pending: HashMap<TraceId, Vec<SpanData>>,
    pending_count: usize,
    shut_down: ShutDown,
}

impl ConsoleExporter<io::Stdout> {
    /// An exporter printing to standard output.
    pub fn stdout() -> Self {
        ConsoleExporter::new(io::stdout())
    }
}

impl<W: Write + Send + 'static> ConsoleExporter<W> {
    /// An exporter printing to `out`.
    pub fn new(out: W) -> Self {
        ConsoleExporter {
            out: Some(out),
            pending: HashMap::new(),
            pending_count: 0,
            shut_down: ShutDown::default(),
        }
    }

    /// How many spans wait for their local root to end.
    ///
    /// # Example
    /// ```
    /// use baton::export::{ConsoleExporter, SpanExporter};
    /// let spans = baton::InMemoryExporter::default();
    /// let _p = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// let root = baton::span("request").start();
    /// drop(baton::span("db").parent(&root.context()).start());
    /// let mut console = ConsoleExporter::new(Vec::new());
    /// console.export(&spans.take()).unwrap();
    /// assert_eq!(console.pending_spans(), 1);
    /// ```
    pub fn pending_spans(&self) -> usize {
        self.pending_count
    }

    /// The writer back, after the spans still waiting for their root are
    /// printed to it (headed [`ROOT_NOT_ENDED`]); those it fails to take
    /// are reported as [`SpanDropped`](crate::DiagnosticKind::SpanDropped).
    ///
    /// # Example: a child whose root has not ended is printed, not lost
    /// ```
    /// use baton::export::{ConsoleExporter, SpanExporter, ROOT_NOT_ENDED};
    /// let spans = baton::InMemoryExporter::default();
    /// let _p = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// let root = baton::span("request").start();
    /// drop(baton::span("db").parent(&root.context()).start());
    /// let mut console = ConsoleExporter::new(Vec::new());
    /// console.export(&spans.take()).unwrap();
    /// let text = String::from_utf8(console.into_inner()).unwrap();
    /// assert!(text.lines().next().unwrap().ends_with(ROOT_NOT_ENDED));
    /// assert!(text.lines().nth(1).unwrap().starts_with("  db  internal  "));
    /// ```
    pub fn into_inner(mut self) -> W {
        self.release_pending();
        // `Some` until here: only this takes it.
        self.out.take().expect("the writer is taken only once")
    }
}

impl<W: Write> ConsoleExporter<W> {
    fn print(
        &mut self,
        trace: TraceId,
        spans: Vec<SpanData>,
        rooted: bool,
    ) -> Result<(), ExportError> {
        let mut text = String::new();
        render_trace(&mut text, trace, spans, rooted);
        let Some(out) = self.out.as_mut() else {
            return Err(ExportError::AlreadyShutDown);
        };
        out.write_all(text.as_bytes())
            .map_err(|e| ExportError::Failed(format!("writing to the console: {e}")))
    }

    /// Prints every held trace; returns how many spans were not written and
    /// the first error.
    fn print_all_pending(&mut self) -> (usize, Result<(), ExportError>) {
        self.pending_count = 0;
        let mut lost = 0;
        let mut result = Ok(());
        for (trace, spans) in std::mem::take(&mut self.pending) {
            let count = spans.len();
            if let Err(e) = self.print(trace, spans, false) {
                lost += count;
                result = result.and(Err(e));
            }
        }
        (lost, result)
    }

    /// Prints every held trace where no caller can take an error: the spans
    /// that cannot be written are reported as dropped.
    fn release_pending(&mut self) {
        if let (lost @ 1.., Err(e)) = self.print_all_pending() {
            crate::diagnostic::report(
                DiagnosticKind::SpanDropped,
                &format_args!(
                    "console exporter: {lost} span(s) waiting for their root were lost: {e}"
                ),
                None,
            );
        }
    }
}

impl<W: Write> Drop for ConsoleExporter<W> {
    fn drop(&mut self) {
        self.release_pending();
    }
}

impl<W: Write> std::fmt::Debug for ConsoleExporter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleExporter")
            .field("pending_count", &self.pending_count)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Send + 'static> SpanExporter for ConsoleExporter<W> {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.shut_down.check()?;
        // The whole batch is held first: a root may come before children
        // that other threads ended, and its tree is printed with them.
        let mut rooted = Vec::new();
        for span in batch {
            let trace = span.trace_id();
            if span.parent_span_id.is_none() || span.parent_is_remote {
                rooted.push(trace);
            }
            self.pending.entry(trace).or_default().push(span.clone());
            self.pending_count += 1;
        }
        let mut result = Ok(());
        for trace in rooted {
            // Absent when another root of the trace printed it already.
            if let Some(spans) = self.pending.remove(&trace) {
                self.pending_count -= spans.len();
                result = result.and(self.print(trace, spans, true));
            }
        }
        if self.pending_count > MAX_PENDING_SPANS {
            result = result.and(self.print_all_pending().1);
        }
        result
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        self.print_all_pending().1?;
        let Some(out) = self.out.as_mut() else {
            return Err(ExportError::AlreadyShutDown);
        };
        out.flush()
            .map_err(|e| ExportError::Failed(format!("flushing the console: {e}")))
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.shut_down.mark()?;
        self.force_flush()
    }
}

/// Writes `s` with every character that could break or disguise a line
/// escaped: controls (C0, DEL, C1), U+2028/U+2029, bidi overrides; and `\`
/// itself, so an escape in the output is always one of ours.
fn write_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::String(s) => {
            out.push('"');
            for part in s.split('"').enumerate() {
                if part.0 > 0 {
                    out.push_str("\\\"");
                }
                write_escaped(out, part.1);
            }
            out.push('"');
        }
        other => write_escaped(out, &other.to_string()),
    }
}

fn write_duration(out: &mut String, nanos: u64) {
    let _ = match nanos {
        n if n < 1_000_000 => write!(out, "{:.1}µs", n as f64 / 1e3),
        n if n < 1_000_000_000 => write!(out, "{:.3}ms", n as f64 / 1e6),
        n => write!(out, "{:.3}s", n as f64 / 1e9),
    };
}

fn write_span_line(out: &mut String, span: &SpanData, depth: usize) {
    for _ in 0..=depth {
        out.push_str("  ");
    }
    write_escaped(out, &span.name);
    out.push_str("  ");
    out.push_str(span.kind.as_str());
    if let Some(t) = &span.span_type {
        out.push('/');
        write_escaped(out, t.as_str());
    }
    let scope = span.scope();
    if scope != InstrumentationScope::baton() {
        out.push_str("  scope=");
        write_escaped(out, scope.name());
    }
    out.push_str("  ");
    write_duration(out, span.duration_nanos());
    match &span.status {
        Status::Unset => {}
        Status::Ok => out.push_str("  ok"),
        Status::Error { description } => {
            out.push_str("  error: ");
            write_escaped(out, description);
        }
    }
    for kv in span.attributes.iter().take(MAX_SHOWN_ATTRIBUTES) {
        out.push_str("  ");
        write_escaped(out, &kv.key);
        out.push('=');
        write_value(out, &kv.value);
    }
    let hidden = span.attributes.len().saturating_sub(MAX_SHOWN_ATTRIBUTES);
    if hidden > 0 {
        let _ = write!(out, "  (+{hidden} more)");
    }
    out.push('\n');
}

/// A header line (marked [`ROOT_NOT_ENDED`] unless `rooted`), then each span
/// under its parent, siblings by start time. Spans whose parent is not among
/// `spans` start their own tree.
fn render_trace(out: &mut String, trace: TraceId, mut spans: Vec<SpanData>, rooted: bool) {
    let _ = write!(out, "trace {trace}");
    if !rooted {
        out.push_str(ROOT_NOT_ENDED);
    }
    out.push('\n');
    spans.sort_by_key(|s| s.start_unix_nanos);
    let present: HashSet<SpanId> = spans.iter().map(SpanData::span_id).collect();
    let mut children: HashMap<SpanId, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        match span.parent_span_id.filter(|p| present.contains(p)) {
            Some(parent) => children.entry(parent).or_default().push(i),
            None => roots.push(i),
        }
    }
    let mut printed = vec![false; spans.len()];
    // Depth-first with an explicit stack: a long chain cannot overflow it.
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&i| (i, 0)).collect();
    loop {
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut printed[i], true) {
                continue;
            }
            write_span_line(out, &spans[i], depth);
            if let Some(kids) = children.get(&spans[i].span_id()) {
                stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
            }
        }
        // Only a parent cycle (duplicate ids) leaves spans unreached.
        match printed.iter().position(|p| !p) {
            Some(i) => stack.push((i, 0)),
            None => break,
        }
    }
}
