//! Spans on several threads at once, each with attributes of its own (one
//! to six, past the room a spare list keeps), some with an event, exported
//! by the batch processor, whose export thread hands their extras back
//! to whichever thread takes them next (see `spare_boxes`): every span is
//! exported once, with exactly its own attributes and events. Installs
//! the global pipeline.

use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor};
use baton::{InMemoryExporter, KeyValue, Value};

const THREADS: i64 = 4;
const SPANS: i64 = 3_000;

fn attributes(thread: i64, i: i64) -> Vec<KeyValue> {
    (0..1 + i % 6)
        .map(|k| KeyValue::new(format!("k{k}"), thread * SPANS + i))
        .collect()
}

#[test]
fn each_span_exports_its_own_attributes_and_events() {
    let memory = InMemoryExporter::default();
    let processor = BatchProcessor::new(memory.clone(), BatchConfig::default());
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            std::thread::spawn(move || {
                for i in 0..SPANS {
                    let mut builder = baton::span("s");
                    for kv in attributes(thread, i) {
                        builder = builder.attr(kv.key, kv.value);
                    }
                    let span = builder.start();
                    if i % 3 == 0 {
                        span.add_event("e", vec![KeyValue::new("n", i)]);
                    }
                    span.end();
                    // Now and then the export thread catches up, and hands
                    // back what it exported while this thread goes on.
                    if i % 500 == 499 {
                        baton::export::force_flush(Duration::from_secs(30)).unwrap();
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    pipeline.force_flush(Duration::from_secs(30)).unwrap();

    let spans = memory.take();
    assert_eq!(spans.len(), (THREADS * SPANS) as usize);
    let mut seen = vec![false; (THREADS * SPANS) as usize];
    for span in &spans {
        let Value::I64(n) = span.attributes[0].value else {
            panic!("{:?}", span.attributes);
        };
        let (thread, i) = (n / SPANS, n % SPANS);
        assert!(!std::mem::replace(&mut seen[n as usize], true), "{n} twice");
        assert_eq!(span.attributes, attributes(thread, i));
        let events: Vec<_> = span.events.iter().map(|e| e.attributes.clone()).collect();
        let expected = if i % 3 == 0 {
            vec![vec![KeyValue::new("n", i)]]
        } else {
            Vec::new()
        };
        assert_eq!(events, expected);
        assert_eq!(span.dropped_attributes_count, 0);
    }
    pipeline.shutdown(Duration::from_secs(10)).unwrap();
}
