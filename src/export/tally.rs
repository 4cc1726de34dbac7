//! The counters behind [`BatchStats`], the rule that settles an exporter
//! call (what it lost, and whether that is reported), and the rule that
//! turns a loss into an error.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::diagnostic::{report, DiagnosticKind};
use crate::export::exporter::{ExportError, SpanExporter};
use crate::export::stats::BatchStats;
use crate::panic_hook::catch_callback;
use crate::recorder;

/// The counters a processor keeps, and the losses already reported.
#[derive(Default)]
pub(crate) struct Tally {
    exported: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
    /// Spans a processor would not take (shut down, or handed over from
    /// inside its own exporter): produced and dropped in one count.
    /// Counted apart, a span between the two counts was read as in flight,
    /// also by the shutdown that had waited for every span.
    refused: AtomicU64,
    /// `dropped + failed` as last reported by a flush or shutdown, so each
    /// loss makes the calls running when it is reported fail, not every
    /// later one.
    reported: AtomicU64,
    /// Of `dropped + failed + refused`, the spans said in a diagnostic as
    /// they were lost ([`BatchStats::reported`]): the summary of a
    /// shutdown whose answer nobody receives says only the others, or it
    /// said a failed export twice. Counted after the loss, read before it.
    said: AtomicU64,
}

/// The losses a flush or shutdown found reported when it began: it reports
/// any other, also one a call running beside it reports first.
#[derive(Clone, Copy)]
pub(crate) struct Reported(u64);

impl Tally {
    pub(crate) fn exported(&self, count: u64) {
        self.exported.fetch_add(count, Ordering::SeqCst);
    }

    /// Counts spans never offered to the exporter (also in
    /// [`recorder::dropped_spans`]).
    pub(crate) fn dropped(&self, count: u64) {
        self.dropped.fetch_add(count, Ordering::SeqCst);
        recorder::count_dropped(count);
    }

    /// Counts spans a processor would not take (shut down, or handed over
    /// from inside its own exporter) as produced and dropped at once (also
    /// in [`recorder::dropped_spans`]), and as [`said`](Tally::said): the
    /// caller counts them produced nowhere else, and reports each time, as
    /// no later call answers for them.
    pub(crate) fn refused(&self, count: u64) {
        self.refused.fetch_add(count, Ordering::SeqCst);
        recorder::count_dropped(count);
        self.said(count);
    }

    /// Counts `count` spans, counted lost already, as said in the
    /// diagnostic the caller is about to report ([`BatchStats::reported`]).
    pub(crate) fn said(&self, count: u64) {
        self.said.fetch_add(count, Ordering::SeqCst);
    }

    /// Counts spans in an export that failed (also in
    /// [`recorder::dropped_spans`]).
    pub(crate) fn failed(&self, count: u64) {
        self.failed.fetch_add(count, Ordering::SeqCst);
        recorder::count_dropped(count);
    }

    /// Runs `call` on `exporter` for a batch of `batch` spans (0 for a
    /// flush or a shutdown), a panic caught, and counts what it let go of
    /// (see [`call_settling`]): those its error lost failed, the rest
    /// exported. The one rule of both processors for what is reported: a
    /// failure that lost spans is reported here, once, as
    /// [`DiagnosticKind::ExportFailed`]; one that lost nothing is the
    /// caller's to report (a flush's or shutdown's result). Returns the
    /// call's result and how many spans it lost (reported already). A
    /// failure reported here comes back as `Ok`, unless it is a
    /// [`Timeout`](ExportError::Timeout), which a caller weighs against its
    /// deadline: the flush or shutdown that made the call answers for the
    /// spans it lost ([`outcome`](Tally::outcome)), and must not say it
    /// again.
    pub(crate) fn settle(
        &self,
        exporter: &mut dyn SpanExporter,
        batch: u64,
        call: impl FnOnce(&mut dyn SpanExporter) -> Result<(), ExportError>,
    ) -> (Result<(), ExportError>, u64) {
        let (result, settled) = call_settling(exporter, batch, call);
        let lost = result.as_ref().err().map_or(0, |e| e.spans_lost(settled));
        self.failed(lost);
        self.exported(settled - lost);
        if let (Err(e), 1..) = (&result, lost) {
            self.said(lost);
            report(
                DiagnosticKind::ExportFailed,
                &format_args!("{lost} of {settled} span(s) lost: {e}"),
                None,
            );
            if !matches!(e, ExportError::Timeout(_)) {
                return (Ok(()), lost);
            }
        }
        (result, lost)
    }

    /// [`settle`](Tally::settle) for the exporter's flush and then its
    /// shutdown, after which it is dropped: the spans it still holds then
    /// (its shutdown failed or panicked before letting go of them) are
    /// lost with it, counted failed and reported, not left in flight for
    /// ever. Both processors shut their exporter down through here.
    pub(crate) fn settle_shutdown(
        &self,
        exporter: &mut dyn SpanExporter,
    ) -> (Result<(), ExportError>, u64) {
        // The SDK spec: a processor's "`Shutdown` MUST include the effects
        // of `ForceFlush`", which for the built-in processors invokes the
        // exporter's; an exporter that writes what it holds only when
        // flushed would otherwise lose it at every shutdown. Shut down
        // whatever the flush did, and its failure answers when the
        // shutdown's does not.
        let (flushed, flush_lost) = self.settle(exporter, 0, |x| x.force_flush());
        let (result, lost) = self.settle(exporter, 0, |x| x.shutdown());
        let result = result.and(flushed);
        let lost = lost + flush_lost;
        let held = held_spans(exporter);
        if held > 0 {
            self.failed(held);
            self.said(held);
            report(
                DiagnosticKind::ExportFailed,
                &format_args!(
                    "{held} span(s) the exporter still held when it was shut down were lost with it"
                ),
                None,
            );
        }
        (result, lost + held)
    }

    /// The counters, with `produced` read by `produced` *after* the others:
    /// every span they count was produced before, so `in_flight` (the rest)
    /// is never negative; and the spans said read *before* them, so that
    /// `reported` never counts a loss the others do not. The spans
    /// [`refused`](Tally::refused) are read once, for both.
    pub(crate) fn stats(&self, produced: impl FnOnce() -> u64) -> BatchStats {
        let reported = self.said.load(Ordering::SeqCst);
        let refused = self.refused.load(Ordering::SeqCst);
        let exported = self.exported.load(Ordering::SeqCst);
        let dropped = self.dropped.load(Ordering::SeqCst) + refused;
        let failed = self.failed.load(Ordering::SeqCst);
        let produced = produced() + refused;
        BatchStats {
            produced,
            exported,
            dropped,
            failed,
            in_flight: produced.saturating_sub(exported + dropped + failed),
            reported,
        }
    }

    /// What a flush or shutdown begins with, for its
    /// [`outcome`](Tally::outcome).
    pub(crate) fn reported(&self) -> Reported {
        Reported(self.reported.load(Ordering::SeqCst))
    }

    /// What a flush or shutdown that began with `since` returns:
    /// [`ExportError::Undelivered`] when a span was lost that no call had
    /// reported when it began, when the deadline passed with spans still
    /// held, or (`last`, for a shutdown) when any span is still held;
    /// otherwise the exporter's own `result`. An error of the exporter's
    /// that the counts replace is reported, as
    /// [`DiagnosticKind::ExportFailed`], unless it is a timeout (the
    /// deadline's part of the answer). A deadline that passed with
    /// every span delivered is no failure: the spans are what the caller
    /// waits for.
    pub(crate) fn outcome(
        &self,
        since: Reported,
        stats: BatchStats,
        result: Result<(), ExportError>,
        deadline_passed: bool,
        last: bool,
    ) -> Result<(), ExportError> {
        let lost = stats.dropped + stats.failed;
        self.reported.fetch_max(lost, Ordering::SeqCst);
        let held = stats.in_flight > 0 && (deadline_passed || last);
        if lost > since.0 || held {
            // The exporter's own failure, which lost nothing (see `settle`),
            // is said, not replaced without a word by the spans' counts. A
            // timeout is what `deadline_passed` says.
            if let Err(e) = &result {
                if !matches!(e, ExportError::Timeout(_) | ExportError::AlreadyShutDown) {
                    report(
                        DiagnosticKind::ExportFailed,
                        &format_args!("{e}; the call answers with the spans not delivered"),
                        None,
                    );
                }
            }
            return Err(ExportError::Undelivered {
                stats,
                deadline_passed,
            });
        }
        result
    }
}

/// What the shutdown of a dropped [`PipelineGuard`](crate::PipelineGuard)
/// reports of its answer, `error`, which no caller receives: of
/// [`ExportError::Undelivered`], the spans lost and not
/// [reported](BatchStats::reported) as they were, and the spans still in
/// flight, or nothing when there are none (every loss was said once
/// already); any other error as it is.
pub(crate) fn unreported(error: &ExportError) -> Option<String> {
    let ExportError::Undelivered {
        stats,
        deadline_passed,
    } = error
    else {
        return Some(error.to_string());
    };
    let lost = (stats.dropped + stats.failed).saturating_sub(stats.reported);
    let parts: Vec<String> = [
        (lost, "lost and not reported before"),
        (stats.in_flight, "still in flight"),
    ]
    .into_iter()
    .filter(|&(count, _)| count > 0)
    .map(|(count, what)| format!("{count} span(s) {what}"))
    .collect();
    if parts.is_empty() {
        return None;
    }
    let when = if *deadline_passed {
        " when the deadline passed"
    } else {
        ""
    };
    Some(format!(
        "{}{when}, of {} produced and {} exported",
        parts.join(", "),
        stats.produced,
        stats.exported
    ))
}

/// Runs `call` on `exporter`, a panic caught as [`ExportError::Panicked`];
/// returns its result and how many spans it let go of: its `batch` and the
/// ones the exporter held before ([`SpanExporter::held_spans`]) and holds
/// no more.
fn call_settling(
    exporter: &mut dyn SpanExporter,
    batch: u64,
    call: impl FnOnce(&mut dyn SpanExporter) -> Result<(), ExportError>,
) -> (Result<(), ExportError>, u64) {
    let before = held_spans(exporter);
    let result = catch_callback(|| call(exporter)).unwrap_or(Err(ExportError::Panicked));
    let settled = (batch + before).saturating_sub(held_spans(exporter));
    (result, settled)
}

/// [`SpanExporter::held_spans`]; a panicking count holds nothing: what a
/// call let go of is lost rather than left in flight for ever.
fn held_spans(exporter: &dyn SpanExporter) -> u64 {
    catch_callback(|| exporter.held_spans()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{unreported, Tally};
    use crate::export::exporter::ExportError;

    #[test]
    fn a_shutdowns_unanswered_summary_says_only_what_was_not_reported() {
        let tally = Tally::default();
        tally.failed(2);
        tally.said(2);
        tally.refused(1);
        tally.exported(3);
        let said = |produced, deadline_passed| {
            unreported(&ExportError::Undelivered {
                stats: tally.stats(|| produced),
                deadline_passed,
            })
        };
        assert_eq!(tally.stats(|| 5).reported, 3);
        assert_eq!(said(5, false), None, "every loss was said");
        assert_eq!(
            said(6, true).as_deref(),
            Some(
                "1 span(s) still in flight when the deadline passed, of 7 produced and 3 exported"
            )
        );
        tally.dropped(4);
        assert_eq!(
            said(9, false).as_deref(),
            Some("4 span(s) lost and not reported before, of 10 produced and 3 exported")
        );
        assert_eq!(
            unreported(&ExportError::AlreadyShutDown).as_deref(),
            Some("already shut down")
        );
    }
}
