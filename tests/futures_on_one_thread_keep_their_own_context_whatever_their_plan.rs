//! Futures on one thread, each running a generated plan (see
//! `common/future_model.rs`): guards held across `.await`, dropped in and
//! out of order, forgotten; spans ended through `current_span()`; the
//! thread's own span dropped inside a poll; wrapped jobs run here and on
//! another thread; futures polled from inside another's poll; planned
//! panics; cancellations. After every step a future sees the span its own
//! model says, between polls the thread sees its own, and every span is
//! exported once with the parent it was started under.

mod common;
#[path = "common/future_model.rs"]
mod future_model;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn model((plans, cancel) in future_model::plans()) {
        let expected: future_model::Expected = Default::default();
        let mut top_id = None;
        let spans = common::record(|| {
            let top = future_model::run(&plans, &cancel, &expected);
            top_id = top.as_ref().map(|t| t.span_context().span_id());
            drop(top);
            assert_eq!(baton::__stack_depth(), 0);
        });
        let exp = expected.lock().unwrap().clone();
        for (id, parent) in &exp {
            let found: Vec<_> = spans.iter().filter(|s| s.span_id() == *id).collect();
            prop_assert_eq!(found.len(), 1, "span {:?} exported {} times", id, found.len());
            prop_assert_eq!(found[0].parent_span_id, *parent, "{}", found[0].name);
        }
        for (j, (w, _)) in plans.iter().enumerate() {
            let n = format!("f{j}");
            let found: Vec<_> = spans.iter().filter(|s| s.name == n).collect();
            match w {
                future_model::Wrap::ChildSpan | future_model::Wrap::RootSpan => prop_assert_eq!(found.len(), 1),
                _ => prop_assert_eq!(found.len(), 0),
            }
        }
        prop_assert_eq!(spans.iter().filter(|s| s.name == "top").count(), 1);
    }
}
