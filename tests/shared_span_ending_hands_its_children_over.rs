//! A job's root span that something asked for (`current_span`, or a
//! capture of the current context for a thread or a future), run on a
//! worker inside its long-lived span of another trace: when the root
//! ends, the spans that ended inside it are handed to the batch processor
//! with it, as they are for a root nothing asked for, so a flush from
//! another thread exports them. Installs the global pipeline.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use flushed_pipeline::exported_while_a_worker_span_is_open;

#[test]
fn a_shared_roots_children_are_handed_over_when_it_ends() {
    let (exported, counts) = exported_while_a_worker_span_is_open(|| {
        let job = baton::span("job").root().enter();
        baton::current_span().unwrap().set_attribute("asked", true);
        drop(baton::span("job's child").enter());
        drop(job);
    });
    assert_eq!(exported, ["job", "job's child"]);
    assert_eq!(counts, (3, 3, 0));
}
