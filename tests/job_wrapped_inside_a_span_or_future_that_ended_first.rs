//! A job wrapped by `copy_context_to_thread` inside a span, or inside a
//! future's poll, and run on another thread after that span or future
//! ended: it still runs inside the context it captured, and what it starts
//! is a child of the span current when it was wrapped.

mod common;

use baton::{span, FutureExt};

fn name() -> Option<String> {
    baton::current_span().map(|s| s.name())
}

#[test]
fn a_job_run_after_its_span_ended_is_still_its_child() {
    let spans = common::record(|| {
        let (job, request) = {
            let request = span("request").enter();
            let job = baton::copy_context_to_thread(|| {
                let child = span("job").start();
                (child.parent_span_id(), name())
            });
            (job, request.span_context().span_id())
        };
        assert_eq!(name(), None);
        let (parent, seen) = std::thread::spawn(job).join().unwrap();
        assert_eq!(parent, Some(request));
        assert_eq!(seen.as_deref(), Some("request"));
    });
    assert_eq!(spans.len(), 2);
}

#[test]
fn a_job_wrapped_in_a_poll_and_run_after_the_future_is_a_child_of_its_step() {
    let spans = common::record(|| {
        let job = common::block_on(
            async {
                common::YieldN(1).await;
                let _step = span("step").enter();
                baton::copy_context_to_thread(|| baton::in_span("job", name))
            }
            .in_span(span("task")),
        );
        assert_eq!(baton::__stack_depth(), 0);
        let seen = std::thread::spawn(job).join().unwrap();
        assert_eq!(seen.as_deref(), Some("job"));
    });
    let find = |n: &str| common::named(&spans, n);
    assert_eq!(spans.len(), 3);
    assert_eq!(find("job").parent_span_id, Some(find("step").span_id()));
}
