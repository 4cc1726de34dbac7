//! Futures moved between executor threads keep their own context, and no
//! worker thread is left with a task's context.

mod common;

use baton::FutureExt;

#[test]
fn tasks_keep_their_context_across_executor_threads() {
    common::exporter();
    let mut executor = common::Executor::new(2);
    let results = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut traces = Vec::new();
    for task in 0..8 {
        let root = baton::span("task").root().start();
        traces.push(root.trace_id());
        let results = results.clone();
        let cx = root.context().with_baggage("task", &task.to_string());
        let fut = async move {
            for step in 0..20 {
                let seen = baton::baggage("task");
                let trace = baton::current_trace_id();
                common::YieldN(1).in_span(baton::span("step")).await;
                results.lock().unwrap().push((task, step, seen, trace));
            }
            drop(root);
        }
        .in_context(cx);
        executor.spawn(fut);
    }
    let polled_on = executor.join();
    assert!(
        polled_on
            .iter()
            .all(|workers| workers.len() > 20 && workers.windows(2).all(|w| w[0] != w[1])),
        "every poll of a task ran on another thread than the one before: {polled_on:?}"
    );
    let results = results.lock().unwrap();
    assert_eq!(results.len(), 8 * 20);
    for (task, _, seen, trace) in results.iter() {
        assert_eq!(seen.as_deref(), Some(task.to_string().as_str()));
        assert_eq!(*trace, Some(traces[*task]));
    }
    for trace in traces {
        let spans = common::spans_of(trace);
        assert_eq!(spans.len(), 21);
        let root = spans.iter().find(|s| s.name == "task").unwrap();
        assert!(spans
            .iter()
            .filter(|s| s.name == "step")
            .all(|s| s.parent_span_id == Some(root.span_id())));
    }
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn wrapped_futures_are_send_when_the_inner_future_is() {
    let fut = async {}.in_current_context();
    assert_send(&fut);
    let fut = async {}.in_span(baton::span("s"));
    assert_send(&fut);
}
