//! A telemetry backend's own exporter and processor, written as the trait
//! docs say, behind the simple and batch processors and a `FanOut`: every
//! span arrives once, `BatchStats` adds up, the exporter hears of the export
//! timeout, flushes and its shutdown as documented, and a processor that
//! adds attributes at `on_start` (the trait's doc example) does so behind
//! every processor.

#[path = "common/shared_processor.rs"]
mod shared_processor;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, FanOut, SimpleProcessor, SpanExporter, SpanProcessor,
};
use baton::{Context, InMemoryExporter, Span, SpanData, SpanId};
use shared_processor::Shared;

/// One pipeline at a time in this process.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the backend's exporter was told, in order.
#[derive(Clone, Debug, PartialEq)]
enum Call {
    Timeout(Duration),
    Export(usize),
    Flush,
    Shutdown,
}

/// A backend's exporter: records every call and the spans it was given;
/// with `hold`, it keeps spans until its `force_flush` (a backend that
/// sends in its own bigger batches), and says so in `held_spans`.
#[derive(Clone, Default)]
struct Backend {
    calls: Arc<Mutex<Vec<Call>>>,
    delivered: Arc<Mutex<Vec<SpanData>>>,
    held: Arc<Mutex<Vec<SpanData>>>,
    hold: bool,
    /// Its flush and its shutdown fail, the shutdown losing whatever it
    /// still holds.
    failing_shutdown: bool,
}

impl Backend {
    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    fn count(&self, call: &Call) -> usize {
        self.calls().iter().filter(|c| *c == call).count()
    }

    fn delivered_ids(&self) -> Vec<SpanId> {
        self.delivered
            .lock()
            .unwrap()
            .iter()
            .map(SpanData::span_id)
            .collect()
    }
}

impl SpanExporter for Backend {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.calls.lock().unwrap().push(Call::Export(batch.len()));
        let into = if self.hold {
            &self.held
        } else {
            &self.delivered
        };
        into.lock().unwrap().extend_from_slice(batch);
        Ok(())
    }

    fn set_export_timeout(&mut self, timeout: Duration) {
        self.calls.lock().unwrap().push(Call::Timeout(timeout));
    }

    fn held_spans(&self) -> u64 {
        self.held.lock().unwrap().len() as u64
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        self.calls.lock().unwrap().push(Call::Flush);
        if self.failing_shutdown {
            return Err(ExportError::Failed("backend closing".into()));
        }
        let held = std::mem::take(&mut *self.held.lock().unwrap());
        self.delivered.lock().unwrap().extend(held);
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.calls.lock().unwrap().push(Call::Shutdown);
        if self.failing_shutdown {
            self.held.lock().unwrap().clear();
            return Err(ExportError::Failed("backend closed".into()));
        }
        self.force_flush()
    }
}

fn batch_config() -> BatchConfig {
    let mut config = BatchConfig::default();
    config.scheduled_delay = Duration::from_secs(3600);
    config.export_timeout = Duration::from_millis(1500);
    config
}

/// Spans from several threads, nested and not, each reach the backend
/// once through a batch processor; the exporter was told the export
/// timeout once, before its first export; a flush reaches its own
/// `force_flush`; a shutdown reaches its `shutdown` once, also after the
/// pipeline guard and the processor are gone.
#[test]
fn batch_processor_delivers_each_span_once_and_tells_the_exporter_everything() {
    let _serial = serial();
    let backend = Backend::default();
    let processor = BatchProcessor::new(backend.clone(), batch_config());
    let stats = processor.stats_handle();
    assert_eq!(
        backend.calls(),
        [Call::Timeout(Duration::from_millis(1500))]
    );
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();

    let workers: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..50 {
                    baton::in_span("request", || {
                        baton::in_span("child", || {});
                        if i % 2 == 0 {
                            baton::span("detached").attr("t", t as i64).start().end();
                        }
                    });
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    pipeline.force_flush(Duration::from_secs(10)).unwrap();
    assert!(backend.count(&Call::Flush) >= 1, "{:?}", backend.calls());
    let ids = backend.delivered_ids();
    assert_eq!(ids.len(), 4 * (50 * 2 + 25));
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
    let s = stats.get();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.failed, s.in_flight),
        (500, 500, 0, 0, 0)
    );

    pipeline.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(backend.count(&Call::Shutdown), 1);
    // Only once, and the timeout before everything else.
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(backend.count(&Call::Shutdown), 1);
    assert_eq!(
        backend.count(&Call::Timeout(Duration::from_millis(1500))),
        1
    );
    assert!(matches!(backend.calls()[0], Call::Timeout(_)));
}

/// An exporter that holds spans until its own flush: the processor counts
/// them in flight, not exported ("A processor counts held spans in flight,
/// not exported"), and a flush that lets go of them counts them exported;
/// behind the simple processor and the batch processor alike.
#[test]
fn held_spans_are_in_flight_until_the_exporter_lets_go() {
    let _serial = serial();
    for batch in [false, true] {
        let backend = Backend {
            hold: true,
            ..Backend::default()
        };
        let (pipeline, stats): (_, Box<dyn Fn() -> baton::export::BatchStats>) = if batch {
            // Exports on its own schedule, not on a flush.
            let mut config = batch_config();
            config.scheduled_delay = Duration::from_millis(10);
            let p = BatchProcessor::new(backend.clone(), config);
            let h = p.stats_handle();
            (
                baton::init(baton::Config::new().processor(p)).unwrap(),
                Box::new(move || h.get()),
            )
        } else {
            let p = Arc::new(SimpleProcessor::new(backend.clone()));
            let shared = Arc::clone(&p);
            (
                baton::init(baton::Config::new().processor(Shared(p))).unwrap(),
                Box::new(move || shared.stats()),
            )
        };
        for _ in 0..3 {
            baton::in_span("job", || {});
        }
        // Into the exporter, which keeps them.
        let deadline = Instant::now() + Duration::from_secs(10);
        while backend.held_spans() < 3 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(backend.count(&Call::Flush), 0);
        let s = stats();
        assert_eq!(
            (s.produced, s.exported, s.in_flight),
            (3, 0, 3),
            "batch: {batch}"
        );
        assert_eq!(s.produced, s.exported + s.dropped + s.failed + s.in_flight);

        pipeline.force_flush(Duration::from_secs(5)).unwrap();
        let s = stats();
        assert_eq!(
            (s.produced, s.exported, s.in_flight),
            (3, 3, 0),
            "batch: {batch}"
        );
        assert_eq!(backend.delivered_ids().len(), 3);
        pipeline.shutdown(Duration::from_secs(5)).unwrap();
    }
}

/// An exporter whose flush fails, and then its shutdown, losing the spans
/// it held (the processor's shutdown flushes it first): the
/// shutdown says so (`Undelivered`), the lost spans count failed, never
/// exported.
#[test]
fn held_spans_lost_at_shutdown_are_failed_and_reported() {
    let _serial = serial();
    let backend = Backend {
        hold: true,
        failing_shutdown: true,
        ..Backend::default()
    };
    let processor = Arc::new(SimpleProcessor::new(backend.clone()));
    let pipeline =
        baton::init(baton::Config::new().processor(Shared(Arc::clone(&processor)))).unwrap();
    baton::in_span("a", || {});
    baton::in_span("b", || {});
    let result = pipeline.shutdown(Duration::from_secs(5));
    assert!(
        matches!(result, Err(ExportError::Undelivered { .. })),
        "{result:?}"
    );
    let s = processor.stats();
    assert_eq!(
        (s.produced, s.exported, s.failed, s.in_flight),
        (2, 0, 2, 0)
    );
}

/// The trait's doc example: copies the parent context's baggage onto each
/// span at `on_start`, wrapping another processor.
struct BaggageToAttributes<P>(P);

impl<P: SpanProcessor> SpanProcessor for BaggageToAttributes<P> {
    fn on_start(&self, span: &Span, parent: &Context) {
        for (key, value, _) in parent.baggage().iter() {
            span.set_attribute(format!("baggage.{key}"), value.to_owned());
        }
    }
    fn on_end(&self, span: SpanData) {
        self.0.on_end(span)
    }
    fn force_flush(&self, d: Instant) -> Result<(), ExportError> {
        self.0.force_flush(d)
    }
    fn shutdown(&self, d: Instant) -> Result<(), ExportError> {
        self.0.shutdown(d)
    }
}

/// The doc example's processor around a batch processor (the one a real
/// backend runs) and inside a `FanOut` beside a simple one: every span,
/// nested in other spans and on other threads, reaches both exporters once
/// with the attribute, and the counts add up.
#[test]
fn an_on_start_processor_around_a_batch_processor_and_in_a_fan_out() {
    let _serial = serial();
    let kept = InMemoryExporter::default();
    let shipped = Backend::default();
    let batch = BatchProcessor::new(shipped.clone(), batch_config());
    let stats = batch.stats_handle();
    let fan_out = FanOut::new(vec![
        Box::new(SimpleProcessor::new(kept.clone())),
        Box::new(BaggageToAttributes(batch)),
    ]);
    let pipeline = baton::init(baton::Config::new().processor(fan_out)).unwrap();
    {
        let _tenant = baton::set_baggage("tenant", "acme");
        baton::in_span("request", || {
            baton::in_span("child", || {});
            baton::thread::spawn(|| baton::in_span("on a thread", || {}))
                .join()
                .unwrap();
        });
    }
    pipeline.shutdown(Duration::from_secs(10)).unwrap();

    let shipped_spans = shipped.delivered.lock().unwrap().clone();
    let kept_spans = kept.finished_spans();
    for spans in [&shipped_spans, &kept_spans] {
        let mut names: Vec<&str> = spans.iter().map(|s| s.name.as_ref()).collect();
        names.sort_unstable();
        assert_eq!(names, ["child", "on a thread", "request"]);
        for s in spans.iter() {
            assert_eq!(
                s.attribute("baggage.tenant")
                    .map(|v| v.to_string())
                    .as_deref(),
                Some("acme"),
                "{}",
                s.name
            );
        }
    }
    let s = stats.get();
    assert_eq!((s.produced, s.exported, s.in_flight), (3, 3, 0));
    assert_eq!(shipped.count(&Call::Shutdown), 1);
}

/// `force_flush` and `shutdown` take the deadline the caller's timeout
/// gives, and `Duration::MAX` gives "the latest instant the clock can
/// hold".
#[test]
fn a_processor_is_given_the_callers_deadline() {
    let _serial = serial();
    #[derive(Clone, Default)]
    struct Deadlines(Arc<Mutex<Vec<Instant>>>);
    impl SpanProcessor for Deadlines {
        fn observes_start(&self) -> bool {
            false
        }
        fn on_end(&self, _: SpanData) {}
        fn force_flush(&self, d: Instant) -> Result<(), ExportError> {
            self.0.lock().unwrap().push(d);
            Ok(())
        }
        fn shutdown(&self, d: Instant) -> Result<(), ExportError> {
            self.0.lock().unwrap().push(d);
            Ok(())
        }
    }
    let seen = Deadlines::default();
    let pipeline = baton::init(baton::Config::new().processor(seen.clone())).unwrap();
    let before = Instant::now();
    pipeline.force_flush(Duration::from_secs(2)).unwrap();
    pipeline.force_flush(Duration::MAX).unwrap();
    pipeline.shutdown(Duration::from_secs(3)).unwrap();
    let after = Instant::now();
    let d = seen.0.lock().unwrap().clone();
    assert_eq!(d.len(), 3);
    assert!(d[0] >= before + Duration::from_secs(2) && d[0] <= after + Duration::from_secs(2));
    assert!(d[1] > after + Duration::from_secs(100 * 365 * 24 * 3600));
    assert!(d[2] >= before + Duration::from_secs(3) && d[2] <= after + Duration::from_secs(3));
}
