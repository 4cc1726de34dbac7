//! The console and JSON-lines exporters behind each processor (simple,
//! batch, a fan-out of both) writing to a writer that fails every write,
//! fails every other write, takes half of each write and then fails,
//! blocks until released, or fails its flush: once the pipeline is shut
//! down with no deadline and every export has returned, `produced ==
//! exported + dropped + failed` with nothing in flight, no span counts as
//! exported that the writer did not take (each one exported is a span
//! line in the output), `dropped_spans()` counts every span lost, and a
//! loss was said (an error returned or a diagnostic reported).
//!
//! Found sound (export audit, h-expaudit). Installs the global pipeline
//! again and again, and a diagnostic handler: one test alone in its file.

#[path = "common/gate.rs"]
mod gate;

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, BatchStats, ConsoleExporter, ExportError, FanOut,
    JsonLinesExporter, SimpleProcessor, SpanExporter, SpanProcessor,
};
use baton::{diagnostic_count, DiagnosticKind};
use gate::Gate;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    FailsAll,
    FailsEveryOther,
    HalfThenFails,
    BlocksUntilReleased,
    FlushFails,
}

/// A writer with `fault`, keeping what it took.
struct Faulty {
    fault: Fault,
    writes: u64,
    took: Arc<Mutex<Vec<u8>>>,
    gate: Arc<Gate>,
}

impl Write for Faulty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes += 1;
        let broken = || Err(io::Error::other("broken pipe"));
        let n = match self.fault {
            Fault::FailsAll => return broken(),
            Fault::FailsEveryOther | Fault::HalfThenFails if self.writes % 2 == 0 => {
                return broken()
            }
            Fault::HalfThenFails => buf.len().div_ceil(2),
            Fault::BlocksUntilReleased => {
                self.gate.wait();
                buf.len()
            }
            Fault::FailsEveryOther | Fault::FlushFails => buf.len(),
        };
        self.took.lock().unwrap().extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.fault {
            Fault::FlushFails => Err(io::Error::other("disk full")),
            _ => Ok(()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Console,
    JsonLines,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Simple,
    Batch,
    FanOut,
}

/// An exporter of `format` over a new faulty writer, and what it took.
fn exporter(
    format: Format,
    fault: Fault,
    gate: &Arc<Gate>,
) -> (Box<dyn SpanExporter>, Arc<Mutex<Vec<u8>>>) {
    let took = Arc::new(Mutex::new(Vec::new()));
    let writer = Faulty {
        fault,
        writes: 0,
        took: Arc::clone(&took),
        gate: Arc::clone(gate),
    };
    let exporter: Box<dyn SpanExporter> = match format {
        Format::Console => Box::new(ConsoleExporter::new(writer)),
        Format::JsonLines => Box::new(JsonLinesExporter::new(writer)),
    };
    (exporter, took)
}

/// Forwards to a boxed exporter, which the processors take by value.
struct Boxed(Box<dyn SpanExporter>);

impl SpanExporter for Boxed {
    fn export(&mut self, batch: &[baton::SpanData]) -> Result<(), ExportError> {
        self.0.export(batch)
    }
    fn held_spans(&self) -> u64 {
        self.0.held_spans()
    }
    fn force_flush(&mut self) -> Result<(), ExportError> {
        self.0.force_flush()
    }
    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.0.shutdown()
    }
}

fn batch_config() -> BatchConfig {
    let mut config = BatchConfig::default();
    config.max_export_batch_size = 3;
    config.scheduled_delay = Duration::from_millis(1);
    config
}

/// How many spans `took` holds in full: a console span line (indented
/// under its trace's header), or a JSON line ended by its LF. Lenient: a
/// line cut at its very end counts.
fn spans_written(format: Format, took: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(took);
    let lines = text.split_inclusive('\n').filter(|l| l.ends_with('\n'));
    match format {
        Format::Console => lines.filter(|l| l.starts_with("  ")).count() as u64,
        Format::JsonLines => lines
            .map(|l| l.trim_start_matches('\n').trim_end())
            .filter(|l| l.starts_with('{') && l.ends_with('}') && l.contains("\"spanId\""))
            .count() as u64,
    }
}

fn produce() -> u64 {
    let mut ended = 0;
    for round in 0..9 {
        if round % 3 == 2 {
            baton::in_span("parent", || {
                baton::in_span("child", || {});
                baton::in_span("child", || {});
            });
            ended += 3;
        } else {
            baton::in_span("root", || {});
            ended += 1;
        }
    }
    ended
}

fn case(format: Format, fault: Fault, kind: Kind) {
    let case = format!("{format:?} × {fault:?} × {kind:?}");
    let gate = Arc::new(Gate::default());
    let (first, took_first) = exporter(format, fault, &gate);
    let (second, took_second) = exporter(format, fault, &gate);
    let config = baton::Config::new();
    let (config, copies) = match kind {
        Kind::Simple => (config.processor(SimpleProcessor::new(Boxed(first))), 1),
        Kind::Batch => (
            config.processor(BatchProcessor::new(Boxed(first), batch_config())),
            1,
        ),
        Kind::FanOut => {
            let both: Vec<Box<dyn SpanProcessor>> = vec![
                Box::new(SimpleProcessor::new(Boxed(first))),
                Box::new(BatchProcessor::new(Boxed(second), batch_config())),
            ];
            (config.processor(FanOut::new(both)), 2)
        }
    };
    let dropped = baton::export::dropped_spans();
    let reports = diagnostic_count(DiagnosticKind::ExportFailed)
        + diagnostic_count(DiagnosticKind::SpanDropped);
    let pipeline = baton::init(config).unwrap();
    let releaser = {
        let gate = Arc::clone(&gate);
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(5));
            gate.open();
        })
    };
    let ended = produce();
    let flushed = pipeline.force_flush(Duration::from_millis(1));
    let shut = pipeline.shutdown(Duration::MAX);
    releaser.join().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let s: BatchStats = loop {
        let s = baton::export::stats().unwrap();
        if s.in_flight == 0 {
            break s;
        }
        assert!(Instant::now() < deadline, "{case}: in flight: {s:?}");
        thread::sleep(Duration::from_millis(2));
    };
    assert_eq!(s.produced, ended * copies, "{case}: {s:?}");
    assert_eq!(
        s.produced,
        s.exported + s.dropped + s.failed,
        "{case}: {s:?}"
    );
    let written = spans_written(format, &took_first.lock().unwrap())
        + spans_written(format, &took_second.lock().unwrap());
    assert!(
        s.exported <= written,
        "{case}: {} exported, {written} in the output: {s:?}",
        s.exported
    );
    let lost = s.dropped + s.failed;
    assert_eq!(
        baton::export::dropped_spans() - dropped,
        lost,
        "{case}: {s:?}"
    );
    if lost > 0 {
        let said = flushed.is_err()
            || shut.is_err()
            || diagnostic_count(DiagnosticKind::ExportFailed)
                + diagnostic_count(DiagnosticKind::SpanDropped)
                > reports;
        assert!(said, "{case}: a loss nobody was told of: {s:?}");
    }
    if fault == Fault::BlocksUntilReleased {
        assert_eq!(lost, 0, "{case}: a writer that only blocks loses nothing");
        assert_eq!(shut, Ok(()), "{case}");
    }
}

#[test]
fn every_exporter_writer_and_processor_counts_only_what_was_written() {
    baton::set_diagnostic_handler(Box::new(|_| {})).unwrap();
    for format in [Format::Console, Format::JsonLines] {
        for fault in [
            Fault::FailsAll,
            Fault::FailsEveryOther,
            Fault::HalfThenFails,
            Fault::BlocksUntilReleased,
            Fault::FlushFails,
        ] {
            for kind in [Kind::Simple, Kind::Batch, Kind::FanOut] {
                case(format, fault, kind);
            }
        }
    }
}
