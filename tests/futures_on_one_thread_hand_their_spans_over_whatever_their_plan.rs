//! The plans of `futures_on_one_thread_keep_their_own_context_whatever_their_plan`
//! with the batch processor, run inside a long-lived span "top": a flush
//! from another thread while "top" is open exports every span that ended
//! and is not a descendant of "top"; after the shutdown every span is
//! exported once with its parent, and nothing is dropped. Installs the
//! global pipeline, one case at a time.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;
#[path = "common/future_model.rs"]
mod future_model;

use std::time::Duration;

use baton::SpanId;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn model_batch((plans, cancel) in future_model::plans()) {
        let expected: future_model::Expected = Default::default();
        let installed = flushed_pipeline::install();
        let mut top_id = None;
        let early: Vec<SpanId> = flushed_pipeline::flushed_while_kept_read(
            &installed,
            || {
                let top = future_model::run(&plans, &cancel, &expected);
                top_id = top.as_ref().map(|t| t.span_context().span_id());
                top
            },
            |exporter| exporter.finished_spans().iter().map(|s| s.span_id()).collect(),
        );
        installed.pipeline.shutdown(Duration::MAX).unwrap();
        let stats = installed.stats.get();
        let all = installed.exporter.finished_spans();
        let exp = expected.lock().unwrap().clone();
        // Spans whose ancestors lead to "top" may wait for it; all others
        // ended and must have reached the flush.
        let parent_of = |id: SpanId| -> Option<SpanId> {
            exp.iter().find(|e| e.0 == id).and_then(|e| e.1)
                .or_else(|| all.iter().find(|s| s.span_id() == id).and_then(|s| s.parent_span_id))
        };
        let under_top = |mut id: SpanId| loop {
            if Some(id) == top_id { return true; }
            match parent_of(id) { Some(p) => id = p, None => return false }
        };
        for s in &all {
            if s.name == "top" || under_top(s.span_id()) { continue; }
            prop_assert!(early.contains(&s.span_id()), "{} not flushed while top open; flushed {:?}", s.name, early);
        }
        for (id, parent) in &exp {
            let found: Vec<_> = all.iter().filter(|s| s.span_id() == *id).collect();
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].parent_span_id, *parent);
        }
        prop_assert_eq!(stats.dropped, 0);
        prop_assert_eq!(stats.produced, stats.exported);
    }
}
