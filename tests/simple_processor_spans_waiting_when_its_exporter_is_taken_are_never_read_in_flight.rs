//! Spans a simple processor admitted (counted produced) while another
//! thread's export held its exporter, and that find the exporter taken by
//! a shutdown when they get to it, are lost: from the moment it is taken,
//! its counters say them dropped, never in flight (nothing holds them
//! then). Rounds of a held export, spans waiting behind it and a shutdown
//! that could not wait, finished by the exporting thread; the exporter's
//! own shutdown, which runs once it is taken, and the test thread read the
//! counters meanwhile.
//!
//! Bug (tally audit, session 38): each such span counted itself dropped
//! once it found the exporter gone, so between the exporter's taking and
//! that count it was read in flight, also by the shutdown's answer.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/gate.rs"]
mod gate;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{ExportError, SimpleProcessor, SpanExporter, SpanProcessor};
use baton::SpanData;
use gate::Gate;

/// Threads whose spans wait behind the held export, each round.
const WAITING: u64 = 3;
const ROUNDS: usize = 100;

#[derive(Default)]
struct Round {
    gate: Gate,
    entered: AtomicBool,
    exports: AtomicU64,
    /// Set once the exporter was taken (its shutdown runs after).
    taken: AtomicBool,
    /// Spans read in flight once the exporter was taken, most at once.
    in_flight_after: AtomicU64,
    processor: OnceLock<Weak<SimpleProcessor>>,
}

impl Round {
    fn saw(&self, processor: &SimpleProcessor) {
        if self.taken.load(Ordering::SeqCst) {
            let s = processor.stats();
            self.in_flight_after
                .fetch_max(s.in_flight, Ordering::SeqCst);
        }
    }
}

/// Holds the round's first export at the gate.
struct Held(Arc<Round>);

impl SpanExporter for Held {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        if self.0.exports.fetch_add(1, Ordering::SeqCst) == 0 {
            self.0.entered.store(true, Ordering::SeqCst);
            self.0.gate.wait();
        }
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.0.taken.store(true, Ordering::SeqCst);
        if let Some(processor) = self.0.processor.get().and_then(Weak::upgrade) {
            self.0.saw(&processor);
        }
        Ok(())
    }
}

/// Polls `done` until it holds, for a few seconds at most.
fn until(what: &str, mut done: impl FnMut() -> bool) {
    let give_up = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < give_up, "stuck waiting for {what}");
        thread::yield_now();
    }
}

#[test]
fn a_span_waiting_for_an_exporter_that_a_shutdown_takes_is_dropped_as_it_is_taken() {
    let span = batch_fixture::span();
    for round in 0..ROUNDS {
        let state = Arc::new(Round::default());
        let processor = Arc::new(SimpleProcessor::new(Held(Arc::clone(&state))));
        state.processor.set(Arc::downgrade(&processor)).unwrap();
        let end = |processor: &Arc<SimpleProcessor>| {
            let (processor, span) = (Arc::clone(processor), span.clone());
            thread::spawn(move || processor.on_end(span))
        };
        let mut threads = vec![end(&processor)];
        until("the held export", || state.entered.load(Ordering::SeqCst));
        threads.extend((0..WAITING).map(|_| end(&processor)));
        until("the spans admitted", || {
            processor.stats().produced == 1 + WAITING
        });
        // Cannot take the exporter the held export has: asks that export's
        // thread to shut it down once the export returns.
        assert!(processor.shutdown(Instant::now()).is_err());
        state.gate.open();
        until("the spans' threads", || {
            state.saw(&processor);
            threads.iter().all(thread::JoinHandle::is_finished)
        });
        threads.into_iter().for_each(|t| t.join().unwrap());

        let s = processor.stats();
        assert_eq!(
            (s.produced, s.exported + s.dropped, s.in_flight),
            (1 + WAITING, 1 + WAITING, 0),
            "round {round}: {s:?}"
        );
        assert!(state.taken.load(Ordering::SeqCst), "round {round}");
        assert_eq!(
            state.in_flight_after.load(Ordering::SeqCst),
            0,
            "round {round}: spans read in flight after the exporter was taken: {s:?}"
        );
    }
}
