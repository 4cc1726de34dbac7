//! What a service given new values without end keeps of them, through the
//! batch processor: a session id per request (100,000 of them, each with
//! a span) keeps nothing once the spans are exported; a tracer per request
//! (a misuse: tracers are made once per library) keeps one scope each up
//! to `MAX_SCOPES` and nothing past it, and its spans still export.
//!
//! Measured in a debug build: sessions within 1 KiB of the warm-up's live
//! bytes; the first `MAX_SCOPES` tracers about 126 bytes each (the scope
//! and the `Tracer` itself); 20,000 more, nothing.
//!
//! Installs the global pipeline and the counting allocator (one test: the
//! scopes and live bytes are the process's).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor};
use baton::{InstrumentationScope, MAX_SCOPES};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::{accounted, Counting};
use counting_alloc::live_bytes;

#[test]
fn sessions_and_tracers_without_end_keep_memory_bounded() {
    const SESSIONS: usize = 100_000;
    const PAST_THE_LIMIT: usize = 20_000;
    let exported = Arc::new(AtomicU64::new(0));
    let processor = BatchProcessor::new(Counting(Arc::clone(&exported)), BatchConfig::default());
    let stats = processor.stats_handle();
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let flush = || pipeline.force_flush(Duration::from_secs(10)).unwrap();

    // Requests `from..to`, flushed every 500, so that the queue never
    // fills, however far behind a loaded machine leaves its worker.
    let serve = |from: usize, to: usize, request: &dyn Fn(usize)| {
        for i in from..to {
            request(i);
            if i % 500 == 499 {
                flush();
            }
        }
        flush();
    };
    let requests = |from: usize, to: usize| {
        serve(from, to, &|i| {
            let _session = baton::session(&format!("chat-{i}"));
            baton::in_span("request", || {});
        });
    };
    requests(0, 1_000);
    let baseline = live_bytes();
    requests(1_000, 1_000 + SESSIONS);
    let sessions = live_bytes() - baseline;

    let before_scopes = live_bytes();
    let tracers: Vec<baton::Tracer> = (0..MAX_SCOPES)
        .map(|i| baton::tracer(format!("lib{i}")).build())
        .collect();
    let scopes = live_bytes() - before_scopes;
    drop(tracers);
    // A tracer's span holds its scope out of line, in extras that are
    // kept for later spans once exported (`spare_boxes`, bounded): the
    // first thousand fill them, as the first requests did the rest.
    let past_the_limit = |from: usize, to: usize| {
        serve(from, to, &|i| {
            let tracer = baton::tracer(format!("per-request-{i}")).build();
            assert!(std::ptr::eq(tracer.scope(), InstrumentationScope::baton()));
            tracer.in_span("query", || {});
        });
    };
    past_the_limit(0, 1_000);
    let before_past = live_bytes();
    past_the_limit(1_000, 1_000 + PAST_THE_LIMIT);
    let past = live_bytes() - before_past;
    eprintln!(
        "{SESSIONS} sessions: + {sessions} live bytes; {MAX_SCOPES} scopes: + {scopes}; \
         {PAST_THE_LIMIT} tracers past the limit: + {past}; {:?}",
        stats.get()
    );

    // A leak of 3 bytes a session, or 7 bytes a tracer past the limit,
    // passes these bounds (they leave room for the queue's spare chunks,
    // which a worker running late fills); a scope may keep up to 512
    // bytes.
    assert!(sessions < 256 * 1024, "{sessions}");
    assert!(scopes < (MAX_SCOPES * 512) as isize, "{scopes}");
    assert!(past < 128 * 1024, "{past}");
    let s = stats.get();
    let produced = (2_000 + SESSIONS + PAST_THE_LIMIT) as u64;
    assert_eq!((s.produced, accounted(&s)), (produced, produced), "{s:?}");
    assert_eq!(
        (s.exported, exported.load(Ordering::SeqCst)),
        (produced, produced),
        "{s:?}"
    );
    pipeline.shutdown(Duration::from_secs(10)).unwrap();
}
