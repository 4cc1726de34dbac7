//! A sampled span that ends inside an unsampled span of its trace waits in
//! its thread's batch until that span ends, as it does inside a sampled
//! one, and no longer. Found: when a root the sampler dropped (a health
//! check, by a sampler that decides by name) ended inside a worker's
//! long-lived span of another trace, nothing handed the batch over, and
//! its sampled child waited for the worker's span to end: for a worker
//! that lives as long as the process, until shutdown. Installs the global
//! pipeline, one case at a time.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use flushed_pipeline::exported_while_a_worker_span_is_open_with;

/// Drops spans named "quiet", samples every other span.
struct DropQuiet;

impl Sampler for DropQuiet {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        if params.name == "quiet" {
            SamplingDecision::Drop.into()
        } else {
            SamplingDecision::RecordAndSample.into()
        }
    }

    fn description(&self) -> String {
        "DropQuiet".into()
    }
}

/// Runs a request rooted at a span named `root`, with a child, inside a
/// worker's long-lived span; returns what a flush from another thread
/// exported before the worker's span ended, and the final counts.
fn exported_while_the_worker_is_open(root: &'static str) -> (Vec<String>, (u64, u64, u64)) {
    let config = baton::Config::new().sampler(DropQuiet);
    exported_while_a_worker_span_is_open_with(config, || {
        let _root = baton::span(root).root().enter();
        baton::in_span("child", || {});
    })
}

#[test]
fn a_child_of_a_dropped_root_is_handed_over_when_the_root_ends() {
    // As with a sampled root: the child is complete when its root ends.
    assert_eq!(
        exported_while_the_worker_is_open("loud"),
        (vec!["child".to_owned(), "loud".to_owned()], (3, 3, 0))
    );
    assert_eq!(
        exported_while_the_worker_is_open("quiet"),
        (vec!["child".to_owned()], (2, 2, 0))
    );
}
