//! A processor's shutdown includes the effects of its flush, the exporter's
//! own `force_flush` among them, before the exporter's `shutdown`: the SDK
//! spec says "`Shutdown` MUST include the effects of `ForceFlush`", and of
//! `ForceFlush` that the built-in processors "MUST" invoke the exporter's.
//! Found: both processors went straight to the exporter's `shutdown`, so
//! an exporter that writes what it holds only when flushed (its shutdown
//! only letting go of its connection) lost those spans at every shutdown,
//! reported as failed. Installs the global pipeline (to make the spans).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, SimpleProcessor, SpanExporter, SpanProcessor,
};
use baton::{InMemoryExporter, SpanData};

/// Holds each exported span until its `force_flush` writes it to `written`;
/// its shutdown lets go of nothing but itself, and records the calls.
#[derive(Default)]
struct WritesWhenFlushed {
    held: Vec<String>,
    written: Arc<Mutex<Vec<String>>>,
    calls: Arc<Mutex<Vec<&'static str>>>,
}

impl SpanExporter for WritesWhenFlushed {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.calls.lock().unwrap().push("export");
        self.held.extend(batch.iter().map(|s| s.name.to_string()));
        Ok(())
    }

    fn held_spans(&self) -> u64 {
        self.held.len() as u64
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        self.calls.lock().unwrap().push("force_flush");
        self.written.lock().unwrap().append(&mut self.held);
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.calls.lock().unwrap().push("shutdown");
        Ok(())
    }
}

/// Two finished spans, recorded through an in-memory pipeline.
fn two_spans() -> Vec<SpanData> {
    static MEMORY: Mutex<Option<InMemoryExporter>> = Mutex::new(None);
    let mut memory = MEMORY.lock().unwrap();
    let memory = memory.get_or_insert_with(|| {
        let memory = InMemoryExporter::default();
        std::mem::forget(baton::init(baton::Config::new().exporter(memory.clone())).unwrap());
        memory
    });
    baton::span("first").start().end();
    baton::span("second").start().end();
    memory.take()
}

fn check(name: &str, make: impl FnOnce(WritesWhenFlushed) -> Box<dyn SpanProcessor>) {
    let exporter = WritesWhenFlushed::default();
    let (written, calls) = (exporter.written.clone(), exporter.calls.clone());
    let processor = make(exporter);
    for span in two_spans() {
        processor.on_end(span);
    }
    let result = processor.shutdown(Instant::now() + Duration::from_secs(10));
    assert_eq!(result, Ok(()), "{name}");
    assert_eq!(*written.lock().unwrap(), ["first", "second"], "{name}");
    let calls = calls.lock().unwrap();
    assert_eq!(
        calls[calls.len() - 2..],
        ["force_flush", "shutdown"],
        "{name}: {calls:?}"
    );
    let stats = processor.counters().unwrap();
    assert_eq!((stats.exported, stats.failed), (2, 0), "{name}: {stats:?}");
}

#[test]
fn the_simple_processor_flushes_its_exporter_before_shutting_it_down() {
    check("simple", |x| Box::new(SimpleProcessor::new(x)));
}

#[test]
fn the_batch_processor_flushes_its_exporter_before_shutting_it_down() {
    check("batch", |x| {
        Box::new(BatchProcessor::new(x, BatchConfig::default()))
    });
}
