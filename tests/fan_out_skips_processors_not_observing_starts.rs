//! Inside a `FanOut`, a processor whose `observes_start` says `false` is
//! never called at span start, as the README promises for any processor
//! ("a processor whose `observes_start` says `false` is never called
//! there"). Found: once one processor of the fan-out observed starts, every
//! one of them had `on_start` called. Installs the global pipeline.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{ExportError, FanOut, SpanProcessor};
use baton::{Span, SpanData};

/// Counts the starts it is handed; `observes` is what it says of itself.
struct Starts {
    seen: Arc<AtomicU64>,
    observes: bool,
}

impl SpanProcessor for Starts {
    fn on_start(&self, _: &Span, _: &baton::Context) {
        self.seen.fetch_add(1, Ordering::SeqCst);
    }

    fn observes_start(&self) -> bool {
        self.observes
    }

    fn on_end(&self, _: SpanData) {}

    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }

    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

#[test]
fn only_the_processors_observing_starts_are_called() {
    let observing = Arc::new(AtomicU64::new(0));
    let quiet = Arc::new(AtomicU64::new(0));
    let both = FanOut::new(vec![
        Box::new(Starts {
            seen: Arc::clone(&quiet),
            observes: false,
        }),
        Box::new(Starts {
            seen: Arc::clone(&observing),
            observes: true,
        }),
    ]);
    let pipeline = baton::init(baton::Config::new().processor(both)).unwrap();
    baton::in_span("request", || drop(baton::span("child").start()));
    pipeline.shutdown(Duration::from_secs(30)).unwrap();
    assert_eq!(observing.load(Ordering::SeqCst), 2);
    assert_eq!(
        quiet.load(Ordering::SeqCst),
        0,
        "called though it said false"
    );
}
