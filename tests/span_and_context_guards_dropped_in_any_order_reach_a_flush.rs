//! With the batch processor, on a thread inside a long-lived span
//! "worker": six guards, entered spans of a trace of their own (some ended
//! early through the guard) or attached contexts, dropped in any order,
//! with a span started after some drops. A flush from another thread while
//! "worker" is open exports every one of them except a span started after
//! the last drop (a child of "worker"); nothing is dropped. Installs the
//! global pipeline, one case at a time.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use baton::{span, Context};
use flushed_pipeline::exported_while_a_worker_span_is_open;
use proptest::prelude::*;

/// A guard held until the test drops it.
enum Held {
    Span(#[allow(dead_code)] baton::SpanGuard),
    Context(#[allow(dead_code)] baton::ContextGuard),
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn spans_of_guards_dropped_in_any_order_reach_a_flush(order in Just((0..6).collect::<Vec<usize>>()).prop_shuffle(), kinds in proptest::collection::vec(any::<bool>(), 6), probe_after in proptest::collection::vec(any::<bool>(), 6), end_early in proptest::collection::vec(any::<bool>(), 6)) {
        let mut expect = Vec::new();
        let (exported, counts) = exported_while_a_worker_span_is_open(|| {
            let mut guards: Vec<Option<Held>> = Vec::new();
            let mut first = true;
            for (i, &is_span) in kinds.iter().enumerate() {
                let g = if is_span {
                    let b = span(format!("s{i}"));
                    let b = if first { first = false; b.root() } else { b };
                    let g = b.enter();
                    if end_early[i] { g.end(); }
                    Held::Span(g)
                } else if first {
                    Held::Context(baton::new_trace_context())
                } else {
                    Held::Context(Context::current().with_baggage("frame", &i.to_string()).attach())
                };
                guards.push(Some(g));
            }
            for &i in &order {
                drop(guards[i].take());
                if probe_after[i] {
                    drop(span(format!("p{i}")).enter());
                }
            }
        });
        for (i, &is_span) in kinds.iter().enumerate() {
            if is_span { expect.push(format!("s{i}")); }
        }
        // A span started after the last drop is a child of "worker": it
        // waits for it.
        let last = *order.last().unwrap();
        for (i, &p) in probe_after.iter().enumerate() {
            if p && i != last { expect.push(format!("p{i}")); }
        }
        expect.sort();
        let mut exported = exported;
        exported.retain(|n| !(n.starts_with('p') && *n == format!("p{last}")));
        prop_assert_eq!(exported, expect, "order {:?} kinds {:?}", order, kinds);
        prop_assert_eq!(counts.2, 0);
    }
}
