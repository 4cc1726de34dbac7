//! Spans begun on other threads while `init` runs: each is either the
//! API's no-op span (no pipeline yet) or the new pipeline's span, and a
//! child started inside it once the pipeline is installed is recorded
//! either way: the root of a new trace under a no-op span, whose context is
//! the invalid one, or a child of the pipeline's span. A no-op span begun
//! in the moment `init` installs its recorder must still be noted, or its
//! child would be decided as a child of a local unsampled span: invalid
//! and never recorded. Installs the global pipeline: one test.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use baton::InMemoryExporter;

const THREADS: usize = 4;

#[test]
fn a_child_of_a_span_begun_while_init_runs_is_recorded() {
    let installed = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(THREADS + 1));
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (installed, start) = (installed.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut begun = 0u64;
                loop {
                    // Begun before, while or after `init` installed the
                    // recorder; read after it, the flag says `init` has
                    // returned, so the child begins under the pipeline.
                    let outer = baton::span("outer").enter();
                    begun += 1;
                    if installed.load(Ordering::Acquire) {
                        let child = baton::span("child").enter();
                        assert!(child.span_context().is_valid(), "after {begun} spans");
                        assert!(child.span_context().is_sampled(), "after {begun} spans");
                        assert!(child.is_recording(), "after {begun} spans");
                        if outer.span_context().is_valid() {
                            assert_eq!(child.parent_span_id(), Some(outer.span_id()));
                        } else {
                            assert_eq!(child.parent_span_id(), None);
                        }
                        return begun;
                    }
                }
            })
        })
        .collect();
    let spans = InMemoryExporter::default();
    start.wait();
    let pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    installed.store(true, Ordering::Release);
    let begun: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(begun >= THREADS as u64);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let children = spans
        .finished_spans()
        .iter()
        .filter(|s| &*s.name == "child")
        .count();
    assert_eq!(children, THREADS);
}
