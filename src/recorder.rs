//! Where spans go: what the span path reads on every span (the sampler, the
//! limits, whether this thread runs pipeline code) and the sink a finished
//! record is handed to.
//!
//! The export floor installs a recorder ([`export::init`](crate::export::init));
//! spans read it here, so the span path never imports the export floor, and
//! the export floor imports the span path only for the types it receives.
//!
//! Reading it is one atomic load while the first recorder is in force (the
//! usual case). A recorder is replaced only after the one in force is shut
//! down; a replacement is read through a thread-cached generation counter,
//! taking a lock only when it changed.

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{OnceLock, PoisonError, RwLock};

use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::ended_span::{EndedSpan, PlainParts};
use crate::id_generator::IdGenerator;
use crate::sampling::Sampler;
use crate::span_context::{decision_key_parts, SpanContext, DECISION_KEYS};
use crate::span_limits::SpanLimits;

/// What receives spans: the export floor's processor.
pub(crate) trait Sink: Send + Sync + 'static {
    /// A recording span started in `parent`; `span` is the
    /// [`Span`](crate::Span).
    fn on_start(&self, span: &dyn Any, parent: &Context);
    /// A recording span ended.
    fn on_end(&self, span: EndedSpan);
    /// A recording span that is plain ended: taken as its parts, if the
    /// sink can keep them so (a batch processor that is not shut down);
    /// whether it did. Called outside [`while_suppressed`]: what may run a
    /// caller's code (a diagnostic handler) must run inside it.
    fn on_end_plain(&self, span: &PlainParts<'_>) -> bool;
    /// Spans ended on one thread, in the order they ended, gathered there
    /// (see [`LocalBatch`](crate::local_batch::LocalBatch)); takes them all.
    /// `exiting`: the thread is exiting, and nothing will follow them soon.
    fn on_end_batch(&self, spans: &mut Vec<EndedSpan>, exiting: bool);
    /// Whether a processor is registered: without one no span reaches an
    /// exporter, and [`Tracer::enabled`](crate::Tracer::enabled) says so.
    fn has_processor(&self) -> bool;
    /// The sink itself, for its installer.
    fn as_any(&self) -> &dyn Any;
}

/// An installed recorder.
pub(crate) struct Recorder {
    pub(crate) sampler: Box<dyn Sampler>,
    pub(crate) limits: SpanLimits,
    /// Whether spans start the general way (`SpanBuilder::start_general`):
    /// the sink's `on_start` does something (the processor's
    /// `observes_start`), or the SDK is disabled. If not, spans skip
    /// building what `on_start` is handed, and the span path never asks
    /// whether the SDK is disabled.
    pub(crate) general_start: bool,
    /// What the sampler decides for a child of a span context, by the
    /// context's [`decision_key`](SpanContext::decision_key), when that is
    /// known without calling it (see
    /// [`known_decision`](crate::sampling::known_decision)). One load:
    /// worked out from the context's marks on each span, it was 17
    /// instructions of an unsampled one (callgrind, LTO).
    pub(crate) children: [Option<bool>; DECISION_KEYS],
    /// Whether a child of a local span starts the general way: the
    /// sampler's decision for it is not known beforehand (never, with ids
    /// of the application's), a processor observes starts, or the SDK is
    /// disabled. Read once on the way in of every child span, for those
    /// three.
    pub(crate) general_children: bool,
    /// What the sampler decides for a root span without a sampling hint,
    /// when that is known without calling it.
    pub(crate) known_root: Option<bool>,
    /// How many spans ended inside an open span a thread gathers before it
    /// hands them to the sink in one batch; 0 when the sink must see each
    /// span as it ends (see [`LocalBatch`](crate::local_batch::LocalBatch)).
    pub(crate) local_batch: usize,
    pub(crate) sink: Box<dyn Sink>,
    pub(crate) shut_down: AtomicBool,
    /// `OTEL_SDK_DISABLED`: a no-op tracer, whose spans are their parent's context.
    pub(crate) disabled: bool,
    /// Where ids come from, when not from this thread's random generator.
    /// With one, no sampling decision is known beforehand (the fields
    /// above are `None`), so that only the span path's general way, which
    /// calls the sampler, reads it.
    pub(crate) ids: Option<Box<dyn IdGenerator>>,
    /// Threads whose batch waits for a span still open there, with spans
    /// for this pipeline.
    pub(crate) waiting: Box<Waiting>,
}

/// How many threads hold spans for one pipeline in their batch that wait
/// for a span still open there: spans its shutdown cannot reach. Counted
/// per batch, not per span, and per pipeline: a batch still waiting for a
/// pipeline shut down counts for that one until it is handed over (and
/// dropped), not for the next. Alone on its cache lines (two, as adjacent
/// lines are fetched together): the threads that gather write it. Inline
/// in the recorder, whose fields every span reads, its alignment padded
/// the recorder, and a thread handoff took 31 ns where it took 12
/// (`../shared/peers/compare`, the same instructions): the recorder holds
/// it boxed.
#[repr(align(128))]
#[derive(Default)]
pub(crate) struct Waiting(AtomicUsize);

impl Waiting {
    /// How many threads hold spans that wait for a span still open there.
    pub(crate) fn threads(&self) -> usize {
        self.0.load(Ordering::Acquire)
    }

    /// Counts a thread whose batch began waiting.
    pub(crate) fn begin(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }

    /// Uncounts a thread whose batch no longer waits.
    pub(crate) fn end(&self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The first recorder installed.
static FIRST: OnceLock<Recorder> = OnceLock::new();
/// Set once a recorder replaced the first: from then on [`LATER`] says which
/// is in force.
static REPLACED: AtomicBool = AtomicBool::new(false);
/// The recorder in force after a replacement, and the lock that serialises
/// [`install`]. Each replacement is leaked (a few hundred bytes: the
/// sampler and the sink handle; shutdown releases what the sink holds), so
/// that the span path can hold it as `&'static` without a reference count.
static LATER: RwLock<Option<&'static Recorder>> = RwLock::new(None);
/// Bumped by each replacement, so a thread re-reads [`LATER`] only when it
/// changed.
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// Spans lost because the pipeline could not take them.
static DROPPED: AtomicU64 = AtomicU64::new(0);
/// Set once a no-op span was begun with no pipeline, or a disabled one
/// (`OTEL_SDK_DISABLED`) was installed: a no-op span may still be open,
/// carrying the invalid span context, under which a later recorder must
/// not decide a child as it would a local span's (see [`install`]).
static NO_OP_SPANS: AtomicBool = AtomicBool::new(false);

thread_local! {
    static SUPPRESSED: Cell<bool> = const { Cell::new(false) };
    /// The recorder this thread last read, with the generation it read.
    static SEEN: Cell<(u64, Option<&'static Recorder>)> = const { Cell::new((0, None)) };
}

/// The installed recorder, if any (also one that is shut down, until it is
/// replaced: its spans are counted as dropped).
#[inline]
pub(crate) fn installed() -> Option<&'static Recorder> {
    if !REPLACED.load(Ordering::Acquire) {
        return FIRST.get();
    }
    replacement()
}

#[inline(never)]
fn replacement() -> Option<&'static Recorder> {
    let generation = GENERATION.load(Ordering::Acquire);
    SEEN.try_with(|seen| match seen.get() {
        (g, r) if g == generation => r,
        _ => {
            let r = read_later();
            seen.set((generation, r));
            r
        }
    })
    .unwrap_or_else(|_| read_later())
}

#[cold]
fn read_later() -> Option<&'static Recorder> {
    *LATER.read().unwrap_or_else(PoisonError::into_inner)
}

/// Whether `r` is a recorder not shut down.
pub(crate) fn live(r: Option<&Recorder>) -> bool {
    r.is_some_and(|r| !r.shut_down.load(Ordering::Acquire))
}

/// Installs `recorder` unless a live one is in force; hands it back then
/// (boxed: that is the rare way, and the recorder is large).
///
/// After a no-op span (begun with no pipeline, or under a disabled one), a
/// child of a local span that is not sampled is no longer decided
/// beforehand: such a parent may be a no-op root span, still open, whose
/// context is the invalid one. Its child then takes the general way, which
/// starts it as a root, as a span under the invalid context is, for the
/// new sampler to decide (made a child of the placeholder ids, it was
/// invalid and recorded nothing, nor did anything below it). Only a
/// process that began a span before its pipeline, or under a disabled
/// one, pays for it.
pub(crate) fn install(mut recorder: Recorder) -> Result<&'static Recorder, Box<Recorder>> {
    if live(installed()) {
        return Err(Box::new(recorder));
    }
    let mut later = LATER.write().unwrap_or_else(PoisonError::into_inner);
    if live(installed()) {
        // Another thread installed one meanwhile.
        return Err(Box::new(recorder));
    }
    if recorder.disabled {
        NO_OP_SPANS.store(true, Ordering::Relaxed);
    } else if NO_OP_SPANS.load(Ordering::Relaxed) {
        for (key, known) in recorder.children.iter_mut().enumerate() {
            let [sampled, remote, ..] = decision_key_parts(key);
            if !sampled && !remote {
                *known = None;
            }
        }
    }
    Ok(match FIRST.get() {
        None => FIRST.get_or_init(|| recorder),
        Some(_) => {
            let recorder: &'static Recorder = Box::leak(Box::new(recorder));
            *later = Some(recorder);
            GENERATION.fetch_add(1, Ordering::AcqRel);
            REPLACED.store(true, Ordering::Release);
            recorder
        }
    })
}

/// The recorder a span begins under, asked again by a span that found
/// none; if there is still none, notes that the span is a no-op (see
/// [`install`]). Under [`LATER`]'s lock, which `install` holds while it
/// reads the note, so that a recorder installed meanwhile either sees the
/// note or is seen here.
///
/// Once noted, the note stays and no span takes the lock again: it was
/// set under the lock, by a span before the first recorder or by the
/// install of a disabled one, so every later `install` reads it.
pub(crate) fn begin_without_pipeline() -> Option<&'static Recorder> {
    if !NO_OP_SPANS.load(Ordering::Relaxed) {
        let _serialised = LATER.read().unwrap_or_else(PoisonError::into_inner);
        // None only before the first recorder: one installed stays until
        // another replaces it, shut down or not.
        if FIRST.get().is_none() {
            NO_OP_SPANS.store(true, Ordering::Relaxed);
            return None;
        }
    }
    installed()
}

/// The limits in force: the recorder's, or the defaults.
pub(crate) fn limits() -> SpanLimits {
    installed().map_or_else(SpanLimits::default, |r| r.limits)
}

/// Whether this thread is running pipeline code (a processor or exporter);
/// spans started there are not recorded.
pub fn suppressed() -> bool {
    SUPPRESSED.try_with(Cell::get).unwrap_or(true)
}

/// Runs `f` as pipeline code: spans it starts are not recorded, and waiting
/// calls into the pipeline return an error instead of deadlocking.
pub(crate) fn while_suppressed<R>(f: impl FnOnce() -> R) -> R {
    let _suppressed = Suppressed::enter();
    f()
}

/// Marks this thread as running pipeline code until dropped; a guard rather
/// than a closure, so a span record is not moved into one on its way out.
struct Suppressed(bool);

impl Suppressed {
    fn enter() -> Suppressed {
        Suppressed(SUPPRESSED.try_with(|s| s.replace(true)).unwrap_or(true))
    }
}

impl Drop for Suppressed {
    fn drop(&mut self) {
        let _ = SUPPRESSED.try_with(|s| s.set(self.0));
    }
}

impl Recorder {
    /// The table of [`children`](Self::children): `local` and `remote`
    /// give the sampler's known decision for a child of a local and a
    /// remote span context that is not sampled (`[0]`) and one that is
    /// (`[1]`). A deferred parent, and a debug one with its sampled flag
    /// clear, leave the sampler to decide on terms of its own, which no
    /// known decision covers.
    pub(crate) fn children_table(
        local: [Option<bool>; 2],
        remote: [Option<bool>; 2],
    ) -> [Option<bool>; DECISION_KEYS] {
        core::array::from_fn(|key| {
            let [sampled, is_remote, debug, deferred] = decision_key_parts(key);
            let by_sampled = if is_remote { remote } else { local };
            (!deferred && (sampled || !debug))
                .then(|| by_sampled[usize::from(sampled)])
                .flatten()
        })
    }

    /// The sampler's decision for a child of `parent`, when it is known
    /// without calling the sampler (see [`known_decision`]).
    ///
    /// [`known_decision`]: crate::sampling::known_decision
    #[inline(always)]
    pub(crate) fn known_for_child(&self, parent: &SpanContext) -> Option<bool> {
        self.children[parent.decision_key()]
    }

    /// The same for a root span, whose context may carry a decision
    /// received without ids (`remote_decision`), which the sampler weighs.
    #[inline(always)]
    pub(crate) fn known_for_root(&self, remote_decision: bool) -> Option<bool> {
        if remote_decision {
            None
        } else {
            self.known_root
        }
    }

    /// Tells the sink a recording span started, unless the pipeline is
    /// shut down: the SDK spec's processor `Shutdown` says "subsequent
    /// calls to `OnStart`, `OnEnd`, or `ForceFlush` are not allowed" (the
    /// span's end is counted as dropped then, by [`on_end`]).
    pub(crate) fn on_start(&self, span: &dyn Any, parent: &Context) {
        if self.shut_down.load(Ordering::Acquire) {
            return;
        }
        // The call written twice, not bound to a closure first: bound, it
        // changed inlining in `begin` and cost a future with a span 6
        // instructions (callgrind, default profile).
        if std::thread::panicking() {
            caught_where_panics_abort("on_start", || {
                while_suppressed(|| self.sink.on_start(span, parent));
            });
        } else {
            while_suppressed(|| self.sink.on_start(span, parent));
        }
    }
}

/// Hands a finished span to the installed sink.
///
/// Inlined so that the record goes from the span's drop to the sink without
/// another copy on the way.
#[inline]
pub(crate) fn on_end(span: EndedSpan) {
    let Some(r) = installed() else { return };
    if r.shut_down.load(Ordering::Acquire) {
        drop_after_shutdown(span);
        return;
    }
    let _suppressed = Suppressed::enter();
    r.sink.on_end(span);
}

/// Offers a plain span to the installed sink as its parts; whether it took
/// them (see [`Sink::on_end_plain`]). Not taken, the caller hands the span
/// to [`on_end`].
#[inline]
pub(crate) fn on_end_plain(span: &PlainParts<'_>) -> bool {
    let Some(r) = installed() else { return false };
    // Only a batch processor takes spans as parts.
    if r.local_batch == 0 || r.shut_down.load(Ordering::Acquire) {
        return false;
    }
    // Not marked as pipeline code here: writing the span runs none; the
    // sink marks the hand-over that may (see `Sink::on_end_plain`).
    r.sink.on_end_plain(span)
}

/// [`on_end`] for a span that ends where a panic cannot unwind: while this
/// thread unwinds another (the span's owner dropped on the way), or in a
/// thread-local's destructor (the thread's stack ending its open spans).
/// See [`caught_where_panics_abort`].
#[cold]
pub(crate) fn on_end_caught(span: EndedSpan) {
    caught_where_panics_abort("on_end", || on_end(span));
}

/// Runs `f`, which calls the processor, where a panic escaping it would
/// abort the process (a second panic escaping a drop during unwinding, or
/// one escaping a thread-local's destructor): it is caught here and
/// reported instead.
#[cold]
fn caught_where_panics_abort(call: &str, f: impl FnOnce()) {
    if crate::panic_hook::catch_callback(f).is_err() {
        report(
            DiagnosticKind::ExportFailed,
            &format_args!(
                "the span processor panicked in {call} where a panic would abort the process (unwinding another panic, or a thread exiting); caught"
            ),
            None,
        );
    }
}

#[cold]
fn drop_after_shutdown(span: EndedSpan) {
    drop(span);
    report_dropped(1, &"the pipeline is shut down");
}

/// Hands spans that one thread gathered for `r` to its sink, emptying
/// `spans` (see [`Sink::on_end_batch`]).
pub(crate) fn on_end_batch(r: &Recorder, spans: &mut Vec<EndedSpan>, exiting: bool) {
    if r.shut_down.load(Ordering::Acquire) {
        let count = spans.len() as u64;
        spans.clear();
        report_dropped(count, &"the pipeline is shut down");
        return;
    }
    let _suppressed = Suppressed::enter();
    r.sink.on_end_batch(spans, exiting);
}

/// Counts spans the pipeline lost, without a report (the caller reports
/// once, or in total, itself).
pub(crate) fn count_dropped(count: u64) {
    DROPPED.fetch_add(count, Ordering::Relaxed);
}

/// Counts spans the pipeline lost and reports them.
pub(crate) fn report_dropped(count: u64, why: &dyn fmt::Display) {
    count_dropped(count);
    report(
        DiagnosticKind::SpanDropped,
        &format_args!("{count} span(s) dropped: {why}"),
        None,
    );
}

/// How many finished spans this process lost (full queue, failed export,
/// ended after shutdown).
pub fn dropped_spans() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}
