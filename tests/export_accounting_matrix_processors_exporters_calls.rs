//! Every processor (simple, batch with the default and a tiny config, a
//! fan-out of a simple and a tiny batch one, an application's wrapper
//! that forwards its counters) × every exporter behaviour (delivers,
//! hangs until released, panics, fails every call, fails every other
//! call, is slow, holds spans until its flush and delivers them, holds
//! spans and loses them at its flush) × every ending (`force_flush` or
//! `shutdown` with `Duration::ZERO`, a short timeout and `Duration::MAX`,
//! the guard dropped) × spans from one thread or from threads that exit.
//!
//! Checks what the export path promises, whatever the outcome: `produced
//! == exported + dropped + failed + in_flight`; a call that returns `Ok`
//! lost nothing since it began and holds nothing (a shutdown) or
//! delivered everything (a flush); once every export has returned,
//! nothing is in flight, each span ended was produced once by each
//! processor, `dropped_spans()` counts every span dropped or failed, and
//! a loss was said (an error returned, or a diagnostic reported); after
//! the shutdown a flush is `AlreadyShutDown` and a span that ends is
//! counted dropped and reported.
//!
//! Found sound: no combination broke the promise (the audit's findings
//! are in files of their own). Installs the global pipeline again and
//! again, and a diagnostic handler: one test alone in its file.

#[path = "common/shared_processor.rs"]
mod shared_processor;

#[path = "common/gate.rs"]
mod gate;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, BatchStats, ExportError, FanOut, SimpleProcessor, SpanExporter,
};
use baton::{diagnostic_count, DiagnosticKind, SpanData};
use gate::Gate;
use shared_processor::Wrapper;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Behaviour {
    Delivers,
    /// Blocks every export until the case's gate opens (soon after the
    /// case starts, whatever the test waits for).
    Hangs,
    Panics,
    FailsAll,
    FailsEveryOther,
    Slow,
    /// Holds every span until its flush or shutdown, which deliver them.
    Holds,
    /// Holds every span until its flush or shutdown, which lose them.
    HoldsThenLoses,
}

const BEHAVIOURS: [Behaviour; 8] = [
    Behaviour::Delivers,
    Behaviour::Hangs,
    Behaviour::Panics,
    Behaviour::FailsAll,
    Behaviour::FailsEveryOther,
    Behaviour::Slow,
    Behaviour::Holds,
    Behaviour::HoldsThenLoses,
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Simple,
    BatchDefault,
    BatchTiny,
    FanOutOfTwo,
    ApplicationWrapper,
}

const KINDS: [Kind; 5] = [
    Kind::Simple,
    Kind::BatchDefault,
    Kind::BatchTiny,
    Kind::FanOutOfTwo,
    Kind::ApplicationWrapper,
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ending {
    Flush(Duration),
    Shutdown(Duration),
    GuardDropped,
}

const SHORT: Duration = Duration::from_millis(5);

const ENDINGS: [Ending; 7] = [
    Ending::Flush(Duration::ZERO),
    Ending::Flush(SHORT),
    Ending::Flush(Duration::MAX),
    Ending::Shutdown(Duration::ZERO),
    Ending::Shutdown(SHORT),
    Ending::Shutdown(Duration::MAX),
    Ending::GuardDropped,
];

struct Faulty {
    behaviour: Behaviour,
    calls: u64,
    held: u64,
    gate: Arc<Gate>,
}

impl SpanExporter for Faulty {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.calls += 1;
        match self.behaviour {
            Behaviour::Delivers => Ok(()),
            Behaviour::Hangs => {
                self.gate.wait();
                Ok(())
            }
            Behaviour::Panics => panic!("exporter bug"),
            Behaviour::FailsAll => Err(ExportError::Failed("refused".into())),
            Behaviour::FailsEveryOther if self.calls % 2 == 0 => {
                Err(ExportError::Failed("flaky".into()))
            }
            Behaviour::FailsEveryOther => Ok(()),
            Behaviour::Slow => {
                thread::sleep(Duration::from_millis(1));
                Ok(())
            }
            Behaviour::Holds | Behaviour::HoldsThenLoses => {
                self.held += batch.len() as u64;
                Ok(())
            }
        }
    }

    fn held_spans(&self) -> u64 {
        self.held
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        self.held = 0;
        match self.behaviour {
            Behaviour::HoldsThenLoses => Err(ExportError::Failed("lost what it held".into())),
            _ => Ok(()),
        }
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.force_flush()
    }
}

fn tiny() -> BatchConfig {
    let mut config = BatchConfig::default();
    config.max_queue_size = 4;
    config.max_export_batch_size = 2;
    config.scheduled_delay = Duration::from_millis(1);
    config
}

/// A pipeline with the processor of `kind` (installed as it is, so that
/// a batch processor takes each thread's spans its own way), and how many
/// processors count each span.
fn config(kind: Kind, behaviour: Behaviour, gate: &Arc<Gate>) -> (baton::Config, u64) {
    let exporter = || Faulty {
        behaviour,
        calls: 0,
        held: 0,
        gate: Arc::clone(gate),
    };
    let config = baton::Config::new();
    match kind {
        Kind::Simple => (config.processor(SimpleProcessor::new(exporter())), 1),
        Kind::BatchDefault => (
            config.processor(BatchProcessor::new(exporter(), BatchConfig::default())),
            1,
        ),
        Kind::BatchTiny => (config.processor(BatchProcessor::new(exporter(), tiny())), 1),
        Kind::FanOutOfTwo => (
            config.processor(FanOut::new(vec![
                Box::new(SimpleProcessor::new(exporter())),
                Box::new(BatchProcessor::new(exporter(), tiny())),
            ])),
            2,
        ),
        Kind::ApplicationWrapper => (
            config.processor(Wrapper(SimpleProcessor::new(exporter()))),
            1,
        ),
    }
}

/// Ends `rounds` rounds of spans of each kind the pipeline takes its own
/// way (a plain root, a root with an attribute, a parent with two
/// children); how many spans.
fn produce(rounds: u64) -> u64 {
    let mut ended = 0;
    for round in 0..rounds {
        match round % 3 {
            0 => baton::in_span("plain root", || {}),
            1 => drop(baton::span("root").attr("round", round as i64).start()),
            _ => baton::in_span("parent", || {
                baton::in_span("child", || {});
                baton::in_span("child", || {});
            }),
        }
        ended += if round % 3 == 2 { 3 } else { 1 };
    }
    ended
}

fn stats() -> BatchStats {
    baton::export::stats().expect("every processor here keeps counters")
}

fn lost(s: &BatchStats) -> u64 {
    s.dropped + s.failed
}

/// Asserts the identity, which the counters cannot show broken as
/// `in_flight` saturates: what is accounted never exceeds `produced`.
fn assert_adds_up(s: &BatchStats, case: &str) {
    assert_eq!(
        s.produced,
        s.exported + s.dropped + s.failed + s.in_flight,
        "{case}: {s:?}"
    );
}

/// Asserts what `result`, of a call that began with `lost_before` spans
/// lost, says against the counts `s` read when it returned.
fn check_call(
    result: &Result<(), ExportError>,
    shutdown: bool,
    lost_before: u64,
    s: &BatchStats,
    case: &str,
) {
    assert_adds_up(s, case);
    if result.is_ok() {
        assert_eq!(lost(s), lost_before, "{case}: Ok with a span lost: {s:?}");
        assert_eq!(s.in_flight, 0, "{case}: Ok with a span held: {s:?}");
    }
    if let Err(ExportError::Undelivered { stats, .. }) = result {
        assert_adds_up(stats, case);
    }
    if !shutdown {
        assert!(
            !matches!(result, Err(ExportError::AlreadyShutDown)),
            "{case}: {result:?}"
        );
    }
}

/// Waits until nothing is in flight: every abandoned export has returned
/// (the gate is open) and been counted.
fn settled(case: &str) -> BatchStats {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s = stats();
        if s.in_flight == 0 {
            return s;
        }
        assert!(Instant::now() < deadline, "{case}: still in flight: {s:?}");
        thread::sleep(Duration::from_millis(2));
    }
}

struct Diagnostics {
    dropped_spans: u64,
    span_dropped: u64,
    export_failed: u64,
}

impl Diagnostics {
    fn now() -> Diagnostics {
        Diagnostics {
            dropped_spans: baton::export::dropped_spans(),
            span_dropped: diagnostic_count(DiagnosticKind::SpanDropped),
            export_failed: diagnostic_count(DiagnosticKind::ExportFailed),
        }
    }
}

fn case(kind: Kind, behaviour: Behaviour, ending: Ending, threads: usize) {
    let case = format!("{kind:?} × {behaviour:?} × {ending:?} × {threads} thread(s)");
    let gate = Arc::new(Gate::default());
    let before = Diagnostics::now();
    let (config, copies) = config(kind, behaviour, &gate);
    let guard = baton::init(config).unwrap();
    let releaser = {
        let gate = Arc::clone(&gate);
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(10));
            gate.open();
        })
    };
    let ended = match threads {
        1 => produce(12),
        n => (0..n)
            .map(|_| thread::spawn(|| produce(6)))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .sum(),
    };
    let mut errors = 0;
    let mut count = |result: &Result<(), ExportError>| errors += u64::from(result.is_err());
    match ending {
        Ending::Flush(timeout) => {
            let flushed = guard.force_flush(timeout);
            let s = stats();
            check_call(&flushed, false, 0, &s, &case);
            count(&flushed);
            let shut = guard.shutdown(Duration::MAX);
            let after = stats();
            check_call(&shut, true, lost(&s), &after, &case);
            count(&shut);
        }
        Ending::Shutdown(timeout) => {
            let shut = guard.shutdown(timeout);
            check_call(&shut, true, 0, &stats(), &case);
            count(&shut);
        }
        Ending::GuardDropped => drop(guard),
    }
    releaser.join().unwrap();
    let s = settled(&case);
    assert_adds_up(&s, &case);
    assert_eq!(s.produced, ended * copies, "{case}: {s:?}");
    let after = Diagnostics::now();
    assert_eq!(
        after.dropped_spans - before.dropped_spans,
        lost(&s),
        "{case}: dropped_spans() counts every span dropped or failed: {s:?}"
    );
    if lost(&s) > 0 {
        let said = errors
            + (after.span_dropped - before.span_dropped)
            + (after.export_failed - before.export_failed);
        assert!(said > 0, "{case}: a loss nobody was told of: {s:?}");
    }
    if s.failed > 0 {
        assert!(
            after.export_failed > before.export_failed,
            "{case}: a failed export is reported: {s:?}"
        );
    }

    // After the shutdown: a flush says so, and a span ending is dropped,
    // counted and reported, not handed to the processor.
    assert_eq!(
        baton::export::force_flush(Duration::MAX),
        Err(ExportError::AlreadyShutDown),
        "{case}"
    );
    let late = Diagnostics::now();
    baton::in_span("late", || {});
    let later = Diagnostics::now();
    assert_eq!(later.dropped_spans - late.dropped_spans, 1, "{case}");
    assert!(later.span_dropped > late.span_dropped, "{case}");
    assert_eq!(stats().produced, s.produced, "{case}");
}

#[test]
fn every_processor_exporter_and_ending_keeps_the_promise() {
    baton::set_diagnostic_handler(Box::new(|_| {})).unwrap();
    std::panic::set_hook(Box::new(|info| {
        // Quiet for the exporter's panics; loud for the test's own.
        if !info.to_string().contains("exporter bug") {
            eprintln!("{info}");
        }
    }));
    static CASES: AtomicU64 = AtomicU64::new(0);
    for kind in KINDS {
        for behaviour in BEHAVIOURS {
            for ending in ENDINGS {
                for threads in [1, 4] {
                    case(kind, behaviour, ending, threads);
                    CASES.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    assert_eq!(CASES.load(Ordering::Relaxed), 5 * 8 * 7 * 2);
}
