//! `FanOut`: one processor that hands every span to several, for
//! `OTEL_TRACES_EXPORTER=otlp,console` and for code that installs more than
//! one processor.

use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::Instant;

use crate::context::Context;
use crate::export::{BatchStats, ExportError, SpanProcessor};
use crate::span::Span;
use crate::span_data::SpanData;

/// Hands every span to each processor in order, as the OpenTelemetry
/// SDK's tracer provider does with the processors added to it; a flush or
/// shutdown reaches every one even after one fails, and the first error is
/// the answer. A processor that panics (one of the application's) does
/// not keep the span, flush or shutdown from the ones after it: the panic
/// goes on to the caller once they were called
/// (`tests/fan_out_reaches_every_processor_past_one_that_panics.rs`).
///
/// Its [`counters`](SpanProcessor::counters), which
/// [`export::stats`](crate::export::stats) reads, are the sum of its
/// processors', field by field: each processor counts every span it was
/// handed, so a span handed to two is produced twice, and
/// `produced == exported + dropped + failed + in_flight` holds for the sum
/// as for each. They are `None` when any of its processors keeps none,
/// whose lost spans a sum would hide; [`counters_each`](FanOut::counters_each)
/// tells the processors apart.
///
/// # Example: keep the spans in memory as well as ship them
/// ```
/// use baton::export::{BatchConfig, BatchProcessor, FanOut, SimpleProcessor};
/// let kept = baton::InMemoryExporter::default();
/// let shipped = baton::InMemoryExporter::default();
/// let both = FanOut::new(vec![
///     Box::new(SimpleProcessor::new(kept.clone())),
///     Box::new(BatchProcessor::new(shipped.clone(), BatchConfig::default())),
/// ]);
/// let pipeline = baton::init(baton::Config::new().processor(both)).unwrap();
/// drop(baton::span("job").start());
/// pipeline.shutdown(std::time::Duration::from_secs(5)).unwrap();
/// assert_eq!(kept.finished_spans().len(), 1);
/// assert_eq!(shipped.finished_spans().len(), 1);
/// // One span, counted by each of the two processors.
/// let s = baton::export::stats().unwrap();
/// assert_eq!((s.produced, s.exported, s.in_flight), (2, 2, 0));
/// ```
pub struct FanOut {
    processors: Vec<Box<dyn SpanProcessor>>,
    /// Each processor's `observes_start`, read once, as the pipeline reads
    /// its processor's: one that says `false` is never called at a start.
    observes: Vec<bool>,
}

impl FanOut {
    /// Hands each span to `processors`, in order.
    pub fn new(processors: Vec<Box<dyn SpanProcessor>>) -> FanOut {
        let observes = processors.iter().map(|p| p.observes_start()).collect();
        FanOut {
            processors,
            observes,
        }
    }

    /// Each processor's [`counters`](SpanProcessor::counters), in order:
    /// which of them lost spans, or keeps no counters.
    pub fn counters_each(&self) -> Vec<Option<BatchStats>> {
        self.processors.iter().map(|p| p.counters()).collect()
    }

    /// Whether `processor` hands spans to no processor at all: a fan-out
    /// of none, or of such fan-outs only. A pipeline with it has no
    /// processor, as [`Tracer::enabled`](crate::Tracer::enabled) says.
    pub(crate) fn reaches_none(processor: &dyn SpanProcessor) -> bool {
        (processor as &dyn Any)
            .downcast_ref::<FanOut>()
            .is_some_and(|f| f.processors.iter().all(|p| FanOut::reaches_none(&**p)))
    }

    /// Runs `f` on every processor, even after one fails; the first error
    /// is the answer.
    fn each(
        &self,
        f: impl Fn(&dyn SpanProcessor) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let mut result = Ok(());
        self.every(|p, _| {
            let r = f(p);
            if result.is_ok() {
                result = r;
            }
        });
        result
    }

    /// Runs `f` on every processor in order (with whether it is the
    /// last), even past one that panics: the first panic is resumed once
    /// every processor was called, so that one processor's bug loses no
    /// span, flush or shutdown of the others.
    fn every(&self, mut f: impl FnMut(&dyn SpanProcessor, bool)) {
        let mut panicked: Option<Box<dyn Any + Send>> = None;
        let last = self.processors.len().saturating_sub(1);
        for (i, p) in self.processors.iter().enumerate() {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| f(&**p, i == last))) {
                panicked.get_or_insert(panic);
            }
        }
        if let Some(panic) = panicked {
            resume_unwind(panic);
        }
    }
}

impl SpanProcessor for FanOut {
    fn observes_start(&self) -> bool {
        self.observes.contains(&true)
    }

    fn on_start(&self, span: &Span, parent: &Context) {
        let mut observes = self.observes.iter();
        self.every(|p, _| {
            if observes.next() == Some(&true) {
                p.on_start(span, parent);
            }
        });
    }

    fn on_end(&self, span: SpanData) {
        // Every processor but the last gets a copy; the last takes the record.
        let mut span = Some(span);
        self.every(|p, last| {
            let copy = if last { span.take() } else { span.clone() };
            if let Some(copy) = copy {
                p.on_end(copy);
            }
        });
    }

    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        self.each(|p| p.force_flush(deadline))
    }

    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        self.each(|p| p.shutdown(deadline))
    }

    /// The sum of the processors' counters; `None` when any keeps none.
    fn counters(&self) -> Option<BatchStats> {
        self.processors
            .iter()
            .try_fold(BatchStats::default(), |sum, p| {
                Some(sum.saturating_add(p.counters()?))
            })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Instant;

    use super::FanOut;
    use crate::export::{ExportError, SpanProcessor};
    use crate::span_data::SpanData;

    /// Counts the spans it gets; fails its flush when told to.
    struct Counting(Arc<AtomicUsize>, bool);

    impl SpanProcessor for Counting {
        fn on_end(&self, _span: SpanData) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        fn force_flush(&self, _deadline: Instant) -> Result<(), ExportError> {
            self.0.fetch_add(100, Ordering::SeqCst);
            if self.1 {
                Err(ExportError::deadline_exceeded())
            } else {
                Ok(())
            }
        }
        fn shutdown(&self, _deadline: Instant) -> Result<(), ExportError> {
            Ok(())
        }
    }

    #[test]
    fn every_processor_gets_every_span_and_a_failed_flush_is_reported() {
        let counts = [Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0))];
        let fan_out = FanOut::new(vec![
            Box::new(Counting(Arc::clone(&counts[0]), true)),
            Box::new(Counting(Arc::clone(&counts[1]), false)),
        ]);
        fan_out.on_end(SpanData::minimal());
        fan_out.on_end(SpanData::minimal());
        // The first one fails; the second is still flushed.
        assert_eq!(
            fan_out.force_flush(Instant::now()),
            Err(ExportError::deadline_exceeded())
        );
        assert_eq!(counts[0].load(Ordering::SeqCst), 102);
        assert_eq!(counts[1].load(Ordering::SeqCst), 102);
    }

    #[test]
    fn observes_starts_when_any_processor_does() {
        let count = || Arc::new(AtomicUsize::new(0));
        let quiet = || -> Box<dyn SpanProcessor> {
            Box::new(crate::export::SimpleProcessor::new(
                crate::export::memory::InMemoryExporter::default(),
            ))
        };
        let observing = || -> Box<dyn SpanProcessor> { Box::new(Counting(count(), false)) };
        assert!(!FanOut::new(vec![quiet(), quiet()]).observes_start());
        assert!(FanOut::new(vec![quiet(), observing()]).observes_start());
        assert!(!FanOut::new(Vec::new()).observes_start());
    }
}
