//! Whenever `force_flush` or `shutdown` returns — on time, at its deadline,
//! with `Duration::ZERO` or `Duration::MAX` — against an exporter that
//! hangs, panics, is slow, is flaky or refuses everything: `produced ==
//! exported + dropped + failed + in_flight`, and a call that did not deliver
//! every span says so with those counts instead of `Ok`.
//!
//! Regression: `shutdown(1 s)` against a hung exporter returned `Timeout`
//! with spans counted nowhere; `force_flush(Duration::MAX)` and
//! `shutdown(Duration::MAX)` panicked (an `Instant` overflow); a shutdown
//! that lost every span returned `Ok`. Installs the global pipeline, again
//! and again.

use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, BatchStats, ExportError, SpanExporter};
use baton::SpanData;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    /// Blocks every export until the gate opens.
    Hanging,
    Panicking,
    /// Sleeps on every export.
    Slow,
    /// Fails every other export.
    Flaky,
    Refusing,
}

/// Holds a hanging exporter until opened; says when an export is held.
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
    entered: Mutex<mpsc::Sender<()>>,
}

impl Gate {
    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

struct Faulty {
    fault: Fault,
    calls: u64,
    gate: Arc<Gate>,
}

impl SpanExporter for Faulty {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        self.calls += 1;
        match self.fault {
            Fault::Hanging => {
                let _ = self.gate.entered.lock().unwrap().send(());
                let mut open = self.gate.open.lock().unwrap();
                while !*open {
                    open = self.gate.opened.wait(open).unwrap();
                }
                Ok(())
            }
            Fault::Panicking => panic!("exporter bug"),
            Fault::Slow => {
                std::thread::sleep(Duration::from_millis(2));
                Ok(())
            }
            Fault::Flaky if self.calls % 2 == 0 => Err(ExportError::Failed("flaky".into())),
            Fault::Flaky => Ok(()),
            Fault::Refusing => Err(ExportError::Failed("refused".into())),
        }
    }
}

const PRODUCED: u64 = 100;

#[derive(Clone, Copy, Debug)]
enum Call {
    Flush,
    Shutdown,
}

/// One round: a fresh pipeline, `PRODUCED` spans, then `call` with
/// `timeout`; checks what it returned and the counts, then shuts down with
/// no deadline and checks the counts again.
fn round(fault: Fault, call: Call, timeout: Duration) {
    let case = format!("{fault:?} {call:?} {timeout:?}");
    let (entered, held) = mpsc::channel();
    let gate = Arc::new(Gate {
        open: Mutex::new(false),
        opened: Condvar::new(),
        entered: Mutex::new(entered),
    });
    let mut config = BatchConfig::default();
    config.max_queue_size = 40;
    config.max_export_batch_size = 10;
    config.scheduled_delay = Duration::from_secs(600);
    let processor = BatchProcessor::new(
        Faulty {
            fault,
            calls: 0,
            gate: Arc::clone(&gate),
        },
        config,
    );
    let stats = processor.stats_handle();
    let guard = baton::init(baton::Config::new().processor(processor)).unwrap();
    // With no deadline, a hung export must end for the call to return: the
    // gate opens once an export is held (not after any delay).
    let releaser = (fault == Fault::Hanging && timeout == Duration::MAX).then(|| {
        let gate = Arc::clone(&gate);
        std::thread::spawn(move || {
            let _ = held.recv();
            gate.open();
        })
    });
    for _ in 0..PRODUCED {
        baton::in_span("work", || {});
    }
    let (result, guard) = match call {
        Call::Flush => (guard.force_flush(timeout), Some(guard)),
        Call::Shutdown => (guard.shutdown(timeout), None),
    };
    let s = stats.get();
    assert_eq!(
        (s.produced, accounted(&s)),
        (PRODUCED, PRODUCED),
        "{case}: {s:?}"
    );
    check(fault, timeout, &result, &s, &case);

    gate.open();
    if let Some(releaser) = releaser {
        releaser.join().unwrap();
    }
    if let Some(guard) = guard {
        let _ = guard.shutdown(Duration::MAX);
    }
    // An export abandoned at a deadline is counted when it returns (it
    // does, the gate being open); until then it is in flight, one batch.
    let mut last = stats.get();
    assert!(last.in_flight <= 10, "{case}: {last:?}");
    for _ in 0..6000 {
        if last.in_flight == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
        last = stats.get();
    }
    assert_eq!(
        (last.produced, accounted(&last), last.in_flight),
        (PRODUCED, PRODUCED, 0),
        "{case}: after shutting down, nothing is held: {last:?}"
    );
}

fn accounted(s: &BatchStats) -> u64 {
    s.exported + s.dropped + s.failed + s.in_flight
}

fn check(
    fault: Fault,
    timeout: Duration,
    result: &Result<(), ExportError>,
    s: &BatchStats,
    case: &str,
) {
    match result {
        Ok(()) => {
            // Only an exporter that works in the end delivers everything.
            assert!(
                matches!(fault, Fault::Slow | Fault::Hanging),
                "{case}: Ok despite {s:?}"
            );
            assert_eq!(s.exported, PRODUCED, "{case}: {s:?}");
        }
        Err(ExportError::Undelivered {
            stats,
            deadline_passed,
        }) => {
            assert_eq!(accounted(stats), stats.produced, "{case}: {stats:?}");
            assert!(stats.exported < PRODUCED, "{case}: {stats:?}");
            // A loss, or spans still held at the deadline: never for nothing.
            assert!(
                stats.dropped + stats.failed > 0 || (*deadline_passed && stats.in_flight > 0),
                "{case}: {stats:?}"
            );
            if timeout == Duration::MAX {
                assert!(!deadline_passed, "{case}: no deadline");
                assert_eq!(stats.in_flight, 0, "{case}: waited for everything");
            }
            if matches!(fault, Fault::Panicking | Fault::Refusing) && !deadline_passed {
                assert_eq!(stats.failed + stats.dropped, PRODUCED, "{case}: {stats:?}");
            }
        }
        Err(ExportError::Timeout(_)) => {
            assert_eq!(timeout, Duration::ZERO, "{case}");
            assert_eq!(s.exported, PRODUCED, "{case}: a bare timeout lost nothing");
        }
        Err(e) => panic!("{case}: {e}"),
    }
}

#[test]
fn every_faulty_exporter_with_zero_and_max_deadlines_keeps_the_counts() {
    for fault in [
        Fault::Hanging,
        Fault::Panicking,
        Fault::Slow,
        Fault::Flaky,
        Fault::Refusing,
    ] {
        for call in [Call::Flush, Call::Shutdown] {
            for timeout in [Duration::ZERO, Duration::MAX] {
                round(fault, call, timeout);
            }
        }
    }
}
