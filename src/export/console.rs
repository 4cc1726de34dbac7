//! The console exporter: each finished trace as an indented tree.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::attribute_limits::within_max_depth;
use crate::diagnostic::DiagnosticKind;
use crate::export::exporter::ShutDown;
use crate::export::partial_write::{left_cut, write_all};
use crate::export::{ExportError, SpanExporter};
use crate::id::{SpanId, TraceId};
use crate::instrumentation_scope::InstrumentationScope;
use crate::line_escape::breaks_a_line;
use crate::span_data::{drop_parts, SpanData, Status};
use crate::value::{Array, Value};

/// Spans held while waiting for their local root to end; past this, what is
/// held is printed as partial trees, so memory stays bounded.
pub const MAX_PENDING_SPANS: usize = 4096;

/// Follows the trace id in the header of a tree printed before its local
/// root ended (at a flush, at shutdown, past [`MAX_PENDING_SPANS`], or when
/// the exporter is dropped or taken apart with
/// [`ConsoleExporter::into_inner`]).
pub const ROOT_NOT_ENDED: &str = "  (root not ended)";

/// Follows the trace id in the header of a tree whose top span ended after
/// its parent was printed (a span started with
/// [`start`](crate::SpanBuilder::start) that outlived its parent, say): it
/// is printed at once, with the spans under it, rather than held for a
/// root that has been printed already.
pub const AFTER_PARENT: &str = "  (ended after its parent was printed)";

/// Printed spans whose ids the exporter remembers, the latest ones, to
/// print a span ending after its parent at once under [`AFTER_PARENT`]. A
/// span whose parent is forgotten by then waits like one whose root has
/// not ended.
pub const MAX_REMEMBERED_SPANS: usize = 4096;

/// Attributes shown per span, and event names; the rest are counted as
/// `(+N more)`.
pub const MAX_SHOWN_ATTRIBUTES: usize = 8;

/// Levels of a tree shown by indentation, two spaces each: a span deeper
/// than this below its tree's top span is indented as one this deep, and
/// its line begins with its depth (`depth=40`, the top span being 0), so a
/// tree's text grows with its number of spans, not with the square of its
/// depth. 32 levels are 66 columns of indentation, about as far as an eye
/// follows a tree on a terminal's line; past them, counting spaces tells
/// no one a depth. A span name that begins as that depth does (`depth=`)
/// is quoted.
pub const MAX_SHOWN_DEPTH: usize = 32;

/// Prints each trace as an indented tree when its local root ends (a span
/// without a parent, or whose parent is in another process; each local root
/// with its own spans, so two requests of one trace, or a queue consumer in
/// its producer's trace, print as trees of their own): name, kind and
/// span type, the scope of a [`Tracer`](crate::Tracer)'s span (`scope=`
/// its name), duration, status, the first attributes, the names of the
/// first events and the number of links. Control characters,
/// line separators and bidi overrides in names and values are escaped as
/// `\u{..}`, so one span is always one line. A span is indented two
/// spaces a level, up to [`MAX_SHOWN_DEPTH`] levels; a deeper one's line
/// begins with its depth (`depth=40`) instead. A string is quoted wherever it
/// is (alone, in an array, in a key-value list), so `["1", "2"]` never reads
/// as `[1, 2]`, and so is a span name, a span type, a scope name, an
/// attribute key, a key in a key-value list, an event name or an error
/// description that could read as more than one
/// (one holding two spaces, `"` or what separates it from the next there:
/// `=`; `:`, `,` or a bracket; `,` or `(`; a span name beginning as a
/// depth does, `depth=`), or as none; a float keeps its
/// point or exponent (`1.0`, `1e300`), so it never reads as an integer,
/// nor as 301 digits; bytes are base64 marked `base64:`.
///
/// A span whose parent was printed already (one of the last
/// [`MAX_REMEMBERED_SPANS`] printed) is printed at once with the spans under
/// it, headed [`AFTER_PARENT`].
///
/// Spans still waiting for their root are never discarded: a flush, a
/// shutdown, [`into_inner`](ConsoleExporter::into_inner) and dropping the
/// exporter print them, as trees headed [`ROOT_NOT_ENDED`], in the order
/// their first spans started (then by trace id). Those that
/// cannot be written (the writer failed) are reported as
/// [`SpanDropped`](crate::DiagnosticKind::SpanDropped), or, from a flush or
/// shutdown, as its error.
///
/// A span held for its root is not delivered yet: the exporter says how
/// many it holds ([`held_spans`](SpanExporter::held_spans)), so a processor
/// counts them in flight, and a call whose write fails loses the spans of
/// that tree, held ones included, and only those (its error is
/// [`ExportError::PartlyDelivered`] when other trees were written); a
/// write that fails part-way leaves a cut line, and the next tree starts
/// on a line of its own. A call
/// that printed flushes the writer: a tree is delivered once flushed (a
/// writer that buffers, such as [`BufWriter`](std::io::BufWriter), may
/// hold it until then), so a failed flush loses every tree the call wrote.
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
    printed: PrintedSpans,
    /// A failed write left the output in the middle of a line.
    cut: bool,
    shut_down: ShutDown,
}

/// The ids of the latest [`MAX_REMEMBERED_SPANS`] spans printed, each with
/// its trace's: a span id need only be unique within its trace.
#[derive(Default)]
struct PrintedSpans {
    order: VecDeque<(TraceId, SpanId)>,
    set: HashSet<(TraceId, SpanId)>,
}

impl PrintedSpans {
    fn remember(&mut self, span: (TraceId, SpanId)) {
        if self.set.insert(span) {
            self.order.push_back(span);
            if self.order.len() > MAX_REMEMBERED_SPANS {
                if let Some(oldest) = self.order.pop_front() {
                    self.set.remove(&oldest);
                }
            }
        }
    }
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
            printed: PrintedSpans::default(),
            cut: false,
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
    /// Prints `spans` as the tree of `trace`, its header followed by
    /// `marker` (empty, [`ROOT_NOT_ENDED`] or [`AFTER_PARENT`]), and counts
    /// them in `printing`.
    fn print(
        &mut self,
        printing: &mut Printing,
        trace: TraceId,
        spans: Vec<SpanData>,
        marker: &str,
    ) {
        let count = spans.len() as u64;
        for span in &spans {
            self.printed.remember((trace, span.span_id()));
        }
        let mut text = String::new();
        // A tree after a cut line starts on its own: glued to the
        // fragment, its header would be lost and its spans would read as
        // the cut tree's.
        if self.cut {
            text.push('\n');
        }
        render_trace(&mut text, trace, spans, marker);
        let written = match self.out.as_mut() {
            Some(out) => {
                let (written, result) = write_all(out, text.as_bytes());
                self.cut = left_cut(self.cut, written);
                result
            }
            // Only `into_inner` takes it, past every print.
            None => Err(io::Error::other("the writer was taken")),
        };
        printing.count(count, written);
    }

    /// Takes the tree of each of `tops` (a trace and a span of it) as
    /// [`take_subtrees`](Self::take_subtrees) does, one pass per trace
    /// however many tops it has, and gives them back in the order of `tops`.
    fn take_trees(&mut self, tops: &[(TraceId, SpanId)]) -> Vec<Option<Vec<SpanData>>> {
        let mut by_trace: HashMap<TraceId, Vec<SpanId>> = HashMap::new();
        for &(trace, top) in tops {
            by_trace.entry(trace).or_default().push(top);
        }
        let mut trees: HashMap<TraceId, VecDeque<Option<Vec<SpanData>>>> = by_trace
            .into_iter()
            .map(|(trace, tops)| (trace, self.take_subtrees(trace, &tops).into()))
            .collect();
        tops.iter()
            .map(|(trace, _)| trees.get_mut(trace).and_then(VecDeque::pop_front).flatten())
            .collect()
    }

    /// Takes, for each of `tops` in turn, its held span of `trace` and the
    /// held spans under it that an earlier top did not take; `None` for a
    /// top not held (printed already, or taken under an earlier top).
    fn take_subtrees(&mut self, trace: TraceId, tops: &[SpanId]) -> Vec<Option<Vec<SpanData>>> {
        let mut trees: Vec<Option<Vec<SpanData>>> = tops.iter().map(|_| None).collect();
        let Some(held) = self.pending.get_mut(&trace) else {
            return trees;
        };
        // Ids repeat within a trace only when misused: each copy is a top
        // of its own, as it would be taken alone. Owned copies leave the
        // front for good, so a thousand tops of one id are not a thousand
        // passes over its copies.
        let mut copies: HashMap<SpanId, VecDeque<usize>> = HashMap::new();
        let mut children: HashMap<SpanId, Vec<usize>> = HashMap::new();
        for (i, span) in held.iter().enumerate() {
            copies.entry(span.span_id()).or_default().push_back(i);
            if let Some(parent) = span.parent_span_id {
                children.entry(parent).or_default().push(i);
            }
        }
        let mut owner: Vec<Option<usize>> = vec![None; held.len()];
        for (t, top) in tops.iter().enumerate() {
            let free = copies.get_mut(top).and_then(|c| {
                while c.front().is_some_and(|&i| owner[i].is_some()) {
                    c.pop_front();
                }
                c.front().copied()
            });
            let mut stack: Vec<usize> = free.into_iter().collect();
            while let Some(i) = stack.pop() {
                if owner[i].is_none() {
                    owner[i] = Some(t);
                    // Once per id: the spans under it are owned by the end
                    // of this walk, so another copy of the id would push
                    // them again for nothing, as often as it has copies.
                    stack.extend(children.remove(&held[i].span_id()).into_iter().flatten());
                }
            }
        }
        let mut rest = Vec::new();
        for (span, owner) in std::mem::take(held).into_iter().zip(owner) {
            match owner {
                Some(t) => {
                    self.pending_count -= 1;
                    trees[t].get_or_insert_with(Vec::new).push(span);
                }
                None => rest.push(span),
            }
        }
        if rest.is_empty() {
            self.pending.remove(&trace);
        } else {
            *held = rest;
        }
        trees
    }

    /// Prints every held trace, by when its first span started, then by
    /// trace id: the same spans print the same text every time, whatever
    /// order the map holds them in.
    fn print_all_pending(&mut self, printing: &mut Printing) {
        self.pending_count = 0;
        let mut held: Vec<_> = std::mem::take(&mut self.pending).into_iter().collect();
        held.sort_by_cached_key(|(trace, spans)| {
            let start = spans.iter().map(|s| s.start_unix_nanos).min();
            (start, *trace)
        });
        for (trace, spans) in held {
            self.print(printing, trace, spans, ROOT_NOT_ENDED);
        }
    }

    /// Prints every held trace where no caller can take an error: the spans
    /// that cannot be written are reported as dropped.
    fn release_pending(&mut self) {
        let mut printing = Printing::default();
        self.print_all_pending(&mut printing);
        printing.flush(self.out.as_mut());
        if let Printing {
            lost: lost @ 1..,
            failure: Some(e),
            ..
        } = printing
        {
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

/// What the trees printed in one call came to: spans written (and flushed,
/// once [`flush`](Printing::flush) has run), spans whose write or flush
/// failed, and the first failure.
#[derive(Default)]
struct Printing {
    written: u64,
    lost: u64,
    failure: Option<String>,
}

impl Printing {
    fn count(&mut self, spans: u64, written: io::Result<()>) {
        match written {
            Ok(()) => self.written += spans,
            Err(e) => {
                self.lost += spans;
                self.failure
                    .get_or_insert_with(|| format!("writing to the console: {e}"));
            }
        }
    }

    /// Flushes `out` if this call wrote to it: a writer that buffers
    /// (`BufWriter`) has delivered nothing until then, so a failed flush
    /// loses the spans written (how much of them went out is unknown).
    fn flush(&mut self, out: Option<&mut impl Write>) {
        let Some(out) = out.filter(|_| self.written > 0) else {
            return;
        };
        if let Err(e) = out.flush() {
            self.lost += std::mem::take(&mut self.written);
            self.failure
                .get_or_insert_with(|| format!("flushing the console: {e}"));
        }
    }

    /// The call's result: a failure names how many of the spans it let go
    /// of were written, so that only the rest count as lost.
    fn result(self) -> Result<(), ExportError> {
        let Some(reason) = self.failure else {
            return Ok(());
        };
        Err(match self.written {
            0 => ExportError::Failed(reason),
            delivered => ExportError::PartlyDelivered { delivered, reason },
        })
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
        for span in batch {
            self.pending
                .entry(span.trace_id())
                .or_default()
                .push(span.clone());
            self.pending_count += 1;
        }
        // The tops of trees, in batch order: a trace's root (`None`) takes
        // whatever of the trace is held, spans whose parent never came
        // (dropped) included; a local root (a server span, a queue
        // consumer) only its own tree, as the trace may have other local
        // roots here (a consumer in its producer's trace, two requests of
        // one trace) whose spans are still open. One after its trace's
        // root would find nothing left.
        let mut rooted = HashSet::new();
        let mut tops = Vec::new();
        for span in batch {
            let trace = span.trace_id();
            if span.parent_span_id.is_none() {
                rooted.insert(trace);
                tops.push((trace, None));
            } else if span.parent_is_remote && !rooted.contains(&trace) {
                tops.push((trace, Some(span.span_id())));
            }
        }
        // Taken before any root takes the rest of its trace, all in one
        // pass per trace: a batch of a thousand consumers is not a thousand
        // passes over the spans held.
        let local: Vec<_> = tops
            .iter()
            .filter_map(|&(trace, top)| Some((trace, top?)))
            .collect();
        let mut local_trees = self.take_trees(&local).into_iter();
        let mut printing = Printing::default();
        for (trace, top) in tops {
            let tree = match top {
                None => self.pending.remove(&trace).inspect(|spans| {
                    self.pending_count -= spans.len();
                }),
                Some(_) => local_trees.next().flatten(),
            };
            // None when a root before it in the batch took it already.
            if let Some(tree) = tree {
                self.print(&mut printing, trace, tree, "");
            }
        }
        // A span that ended after its parent was printed has no root left
        // to wait for: held, it would be printed at the next flush, under a
        // header saying its root has not ended.
        let late: Vec<_> = batch
            .iter()
            .filter(|span| {
                span.parent_span_id
                    .is_some_and(|p| self.printed.set.contains(&(span.trace_id(), p)))
            })
            .map(|span| (span.trace_id(), span.span_id()))
            .collect();
        let late_trees = self.take_trees(&late);
        for ((trace, _), tree) in late.into_iter().zip(late_trees) {
            if let Some(tree) = tree {
                self.print(&mut printing, trace, tree, AFTER_PARENT);
            }
        }
        if self.pending_count > MAX_PENDING_SPANS {
            self.print_all_pending(&mut printing);
        }
        printing.flush(self.out.as_mut());
        printing.result()
    }

    /// The spans waiting for their local root to end: a processor counts
    /// them in flight until they are printed (or their write fails).
    fn held_spans(&self) -> u64 {
        self.pending_count as u64
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        let mut printing = Printing::default();
        self.print_all_pending(&mut printing);
        printing.flush(self.out.as_mut());
        printing.result()?;
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
            c if breaks_a_line(c) => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
}

/// Begins a span's line past [`MAX_SHOWN_DEPTH`], in place of further
/// indentation: `depth=40`, then two spaces and the name.
const DEPTH_FIELD: &str = "depth=";

/// Where a label is written, for [`write_label`]: the characters that would
/// end it there (besides the two spaces that separate a line's fields), and
/// how the fields that can come right before it begin, which it must not
/// begin as.
struct Field {
    ends: &'static [char],
    begins: &'static [&'static str],
}

/// A span's name: nothing ends it, and past [`MAX_SHOWN_DEPTH`] its depth
/// comes before it.
const SPAN_NAME: Field = Field {
    ends: &[],
    begins: &[DEPTH_FIELD],
};
/// A span's type or its scope's name: nothing ends it.
const SPAN_FIELD: Field = Field {
    ends: &[],
    begins: &[],
};
/// An attribute's key or an error description.
const FIELD: Field = Field {
    ends: &['='],
    begins: &[],
};
/// A key in a key-value list: what ends it, or the list or an item of it.
const LIST_KEY: Field = Field {
    ends: &[':', ',', '{', '}', '[', ']'],
    begins: &[],
};
/// An event's name in the list of them: what ends it, or the list (`, `
/// separates them, ` (+N more)` follows the last shown).
const EVENT_NAME: Field = Field {
    ends: &[',', '('],
    begins: &[],
};

/// A name or key: as it is, unless it could read as more than one or as
/// none, when it is quoted. That is one holding two spaces (which separate
/// a line's fields), a `"`, or a character of `field.ends` (what ends it
/// where it is written), one beginning as the field before it may
/// (`field.begins`), or an empty one, or one with a space at either end.
fn write_label(out: &mut String, s: &str, field: Field) {
    let ambiguous = s.is_empty()
        || s.contains("  ")
        || s.contains('"')
        || s.contains(field.ends)
        || field.begins.iter().any(|b| s.starts_with(b))
        || s.starts_with(' ')
        || s.ends_with(' ');
    if ambiguous {
        write_str_value(out, s);
    } else {
        write_escaped(out, s);
    }
}

fn write_str_value(out: &mut String, s: &str) {
    out.push('"');
    for (i, part) in s.split('"').enumerate() {
        if i > 0 {
            out.push_str("\\\"");
        }
        write_escaped(out, part);
    }
    out.push('"');
}

/// A float with its point or exponent: `1.0` is no integer, and `1e300`
/// is not written out in 301 digits.
fn write_f64(out: &mut String, n: f64) {
    let _ = write!(out, "{n:?}");
}

fn write_list<T>(out: &mut String, items: &[T], mut item: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item(out, x);
    }
    out.push(']');
}

/// `value`, `depth` deep (see [`within_max_depth`]), with every string in
/// it quoted, so that the kinds of value cannot be mistaken for each other.
fn write_value(out: &mut String, value: &Value, depth: usize) {
    match within_max_depth(value, depth) {
        Value::String(s) => write_str_value(out, s),
        Value::F64(n) => write_f64(out, *n),
        Value::Array(Array::String(v)) => write_list(out, v, |o, s| write_str_value(o, s)),
        Value::Array(Array::F64(v)) => write_list(out, v, |o, n| write_f64(o, *n)),
        Value::Array(Array::Value(v)) => write_list(out, v, |o, v| write_value(o, v, depth + 1)),
        Value::KvList(kvs) => {
            out.push('{');
            for (i, kv) in kvs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_label(out, &kv.key, LIST_KEY);
                out.push_str(": ");
                write_value(out, &kv.value, depth + 1);
            }
            out.push('}');
        }
        // Bare base64 can read as a boolean, a number or `null` (`true` is
        // the bytes b6 bb 9e).
        Value::Bytes(_) => {
            out.push_str("base64:");
            write_escaped(out, &value.to_string());
        }
        // Booleans, integers and their arrays and the empty value (`null`):
        // nothing to quote; escaped all the same, as any text printed here
        // is.
        other => write_escaped(out, &other.to_string()),
    }
}

/// Writes `nanos` in the unit it reads best in. A unit holds what rounds
/// below 1000 of it at the digits printed: 999,999 ns is `1.000ms`, not
/// `1000.0µs`.
fn write_duration(out: &mut String, nanos: u64) {
    let _ = match nanos {
        n if n < 999_950 => write!(out, "{:.1}µs", n as f64 / 1e3),
        n if n < 999_999_500 => write!(out, "{:.3}ms", n as f64 / 1e6),
        n => write!(out, "{:.3}s", n as f64 / 1e9),
    };
}

/// The line of `span`, `depth` levels under its tree's top.
fn write_span_line(out: &mut String, span: &SpanData, depth: usize) {
    for _ in 0..=depth.min(MAX_SHOWN_DEPTH) {
        out.push_str("  ");
    }
    if depth > MAX_SHOWN_DEPTH {
        let _ = write!(out, "{DEPTH_FIELD}{depth}  ");
    }
    write_label(out, &span.name, SPAN_NAME);
    out.push_str("  ");
    out.push_str(span.kind.as_str());
    if let Some(t) = &span.span_type {
        out.push('/');
        write_label(out, t.as_str(), SPAN_FIELD);
    }
    let scope = span.scope();
    if scope != InstrumentationScope::baton() {
        out.push_str("  scope=");
        write_label(out, scope.name(), SPAN_FIELD);
    }
    out.push_str("  ");
    write_duration(out, span.duration_nanos());
    match &span.status {
        Status::Unset => {}
        Status::Ok => out.push_str("  ok"),
        Status::Error { description } => {
            out.push_str("  error: ");
            write_label(out, description, FIELD);
        }
    }
    for kv in span.attributes.iter().take(MAX_SHOWN_ATTRIBUTES) {
        out.push_str("  ");
        write_label(out, &kv.key, FIELD);
        out.push('=');
        write_value(out, &kv.value, 1);
    }
    let hidden = span.attributes.len().saturating_sub(MAX_SHOWN_ATTRIBUTES);
    if hidden > 0 {
        let _ = write!(out, "  (+{hidden} more)");
    }
    // What the span recorded besides attributes is named, never left out
    // without a word: an `exception` event says more than the status.
    if !span.events.is_empty() {
        out.push_str("  events: ");
        for (i, event) in span.events.iter().take(MAX_SHOWN_ATTRIBUTES).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_label(out, &event.name, EVENT_NAME);
        }
        let hidden = span.events.len().saturating_sub(MAX_SHOWN_ATTRIBUTES);
        if hidden > 0 {
            let _ = write!(out, " (+{hidden} more)");
        }
    }
    if !span.links.is_empty() {
        let _ = write!(out, "  links: {}", span.links.len());
    }
    out.push('\n');
}

/// A header line (`marker` after the trace id), then each span under its
/// parent, siblings by start time. Spans whose parent is not among `spans`
/// start their own tree.
fn render_trace(out: &mut String, trace: TraceId, mut spans: Vec<SpanData>, marker: &str) {
    let _ = writeln!(out, "trace {trace}{marker}");
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
    // Every span before it is printed.
    let mut unprinted = 0;
    // Depth-first with an explicit stack: a long chain cannot overflow it.
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&i| (i, 0)).collect();
    loop {
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut printed[i], true) {
                continue;
            }
            write_span_line(out, &spans[i], depth);
            // The spans under an id go under its first copy printed (ids
            // repeat only when misused), taken once: pushed again for each
            // copy, they would cost the copies times the children.
            if let Some(kids) = children.remove(&spans[i].span_id()) {
                stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
            }
        }
        // Only a parent cycle leaves spans unreached.
        match printed[unprinted..].iter().position(|p| !p) {
            Some(skipped) => {
                unprinted += skipped;
                stack.push((unprinted, 0));
            }
            None => break,
        }
    }
    // Copies of what `export` was given, which the application may have
    // built with values nested past the depth limit.
    for span in spans {
        drop_parts(span.attributes, span.events, span.links);
    }
}

#[cfg(test)]
mod tests {
    use super::{write_duration, write_label, EVENT_NAME, FIELD, LIST_KEY, SPAN_FIELD, SPAN_NAME};

    #[test]
    fn a_label_that_could_read_as_another_field_is_quoted() {
        for (label, shown) in [
            ("http.method", "http.method"),
            ("rate limited", "rate limited"),
            ("", "\"\""),
            ("x  k", "\"x  k\""),
            ("a=b", "\"a=b\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            (" padded", "\" padded\""),
            ("padded ", "\"padded \""),
            ("tab\tin", "tab\\tin"),
        ] {
            let mut out = String::new();
            write_label(&mut out, label, FIELD);
            assert_eq!(out, shown, "{label:?}");
        }
    }

    #[test]
    fn a_label_is_quoted_where_what_ends_it_there_is_in_it() {
        for (label, ends, shown) in [
            ("a: 1, b", LIST_KEY, "\"a: 1, b\""),
            ("a}", LIST_KEY, "\"a}\""),
            ("a=b", LIST_KEY, "a=b"),
            ("a, b", EVENT_NAME, "\"a, b\""),
            ("x (+3 more)", EVENT_NAME, "\"x (+3 more)\""),
            ("a: b", EVENT_NAME, "a: b"),
            ("a: b", FIELD, "a: b"),
            ("depth=40", SPAN_NAME, "\"depth=40\""),
            ("depth=", SPAN_NAME, "\"depth=\""),
            ("depth", SPAN_NAME, "depth"),
            ("a depth=4", SPAN_NAME, "a depth=4"),
            ("depth=40", SPAN_FIELD, "depth=40"),
        ] {
            let mut out = String::new();
            write_label(&mut out, label, ends);
            assert_eq!(out, shown, "{label:?}");
        }
    }

    #[test]
    fn a_duration_rounds_into_the_next_unit_at_its_edge() {
        for (nanos, shown) in [
            (0, "0.0µs"),
            (999_949, "999.9µs"),
            (999_950, "1.000ms"),
            (999_999, "1.000ms"),
            (999_999_499, "999.999ms"),
            (999_999_500, "1.000s"),
            (999_999_999, "1.000s"),
            (u64::MAX, "18446744073.710s"),
        ] {
            let mut out = String::new();
            write_duration(&mut out, nanos);
            assert_eq!(out, shown, "{nanos}");
        }
    }
}
