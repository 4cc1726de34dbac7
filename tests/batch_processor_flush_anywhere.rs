//! force_flush works from inside a single-threaded executor, from a `Drop`
//! and from an exporter callback, without deadlock, and exports the spans
//! queued just before it.
//!
//! Regression for opentelemetry-rust, whose batch processor deadlocked when
//! flushed from a current-thread runtime and lost spans queued just before a
//! flush. Installs the global pipeline (with a batch processor).

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

/// A minimal single-threaded executor: polls on the calling thread, parks
/// between wake-ups.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park_timeout(Duration::from_millis(10));
    }
}

/// Yields once, so the flush happens on a later poll of the same task.
async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if std::mem::replace(&mut yielded, true) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

/// Counts spans; on its first export, flushes the global pipeline from
/// inside the exporter and records what that returned.
struct CallsBack {
    received: Arc<AtomicU64>,
    callback_result: Arc<Mutex<Option<Result<(), ExportError>>>>,
}

impl SpanExporter for CallsBack {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        let mut slot = self.callback_result.lock().unwrap();
        if slot.is_none() {
            *slot = Some(baton::export::force_flush(Duration::from_secs(5)));
        }
        self.received
            .fetch_add(batch.len() as u64, Ordering::SeqCst);
        Ok(())
    }
}

struct Setup {
    received: Arc<AtomicU64>,
    callback_result: Arc<Mutex<Option<Result<(), ExportError>>>>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let setup = Setup {
            received: Arc::default(),
            callback_result: Arc::default(),
        };
        let mut config = BatchConfig::default();
        // Only a flush exports: nothing is sent behind the test's back.
        config.scheduled_delay = Duration::from_secs(600);
        let exporter = CallsBack {
            received: Arc::clone(&setup.received),
            callback_result: Arc::clone(&setup.callback_result),
        };
        let guard =
            baton::init(baton::Config::new().processor(BatchProcessor::new(exporter, config)));
        std::mem::forget(guard.unwrap());
        setup
    })
}

static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn flush_inside_a_single_threaded_executor_exports_spans_queued_just_before() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let setup = setup();
    let before = setup.received.load(Ordering::SeqCst);
    let flushed = block_on(async {
        for _ in 0..3 {
            baton::in_span("step", || {});
            yield_now().await;
        }
        baton::in_span("just before the flush", || {});
        baton::export::force_flush(Duration::from_secs(10))
    });
    assert_eq!(flushed, Ok(()));
    assert_eq!(setup.received.load(Ordering::SeqCst) - before, 4);
}

#[test]
fn flush_from_an_exporter_callback_returns_at_once_instead_of_deadlocking() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let setup = setup();
    baton::in_span("trigger", || {});
    baton::export::force_flush(Duration::from_secs(10)).unwrap();
    let result = setup.callback_result.lock().unwrap().clone();
    assert_eq!(result, Some(Err(ExportError::Reentrant)));
}

#[test]
fn flush_from_a_drop_exports_the_span_ended_in_that_drop() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let setup = setup();
    let before = setup.received.load(Ordering::SeqCst);
    struct FlushOnDrop(Arc<Mutex<Option<Result<(), ExportError>>>>);
    impl Drop for FlushOnDrop {
        fn drop(&mut self) {
            baton::in_span("in drop", || {});
            *self.0.lock().unwrap() = Some(baton::export::force_flush(Duration::from_secs(10)));
        }
    }
    let result = Arc::new(Mutex::new(None));
    drop(FlushOnDrop(Arc::clone(&result)));
    assert_eq!(*result.lock().unwrap(), Some(Ok(())));
    assert_eq!(setup.received.load(Ordering::SeqCst) - before, 1);
}

#[test]
fn a_processor_flushed_from_many_threads_at_once_answers_each() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let received = Arc::new(AtomicU64::new(0));
    struct Count(Arc<AtomicU64>);
    impl SpanExporter for Count {
        fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
            self.0.fetch_add(batch.len() as u64, Ordering::SeqCst);
            Ok(())
        }
    }
    let processor = Arc::new(BatchProcessor::new(
        Count(Arc::clone(&received)),
        BatchConfig::default(),
    ));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let processor = Arc::clone(&processor);
            std::thread::spawn(move || {
                processor.force_flush(Instant::now() + Duration::from_secs(10))
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), Ok(()));
    }
    processor
        .shutdown(Instant::now() + Duration::from_secs(10))
        .unwrap();
    assert_eq!(received.load(Ordering::SeqCst), 0, "nothing was produced");
}
