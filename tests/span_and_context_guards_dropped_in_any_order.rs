//! Six guards, each an entered span or an attached context (the current
//! one with a baggage entry), dropped in any order: after each drop the
//! current span and baggage are the newest live frame's, a span started
//! then has that frame's span as its parent, every span is exported once
//! with the parent it was started under, nothing is left on the stack, and
//! each drop of a guard that was not the newest live one is reported once.
//! Its own process: it counts diagnostics.

mod common;

use baton::{diagnostic_count, span, Context, DiagnosticKind, SpanId};
use proptest::prelude::*;

/// A guard held until the test drops it.
enum Held {
    Span(#[allow(dead_code)] baton::SpanGuard),
    Context(#[allow(dead_code)] baton::ContextGuard),
}

/// The current span and the baggage entry naming the frame.
fn now() -> (Option<SpanId>, Option<String>) {
    (
        baton::current_span().map(|s| s.span_context().span_id()),
        baton::baggage("frame"),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn any_drop_order_keeps_the_newest_live_frame_current_and_every_parent(order in Just((0..6).collect::<Vec<usize>>()).prop_shuffle(), kinds in proptest::collection::vec(any::<bool>(), 6)) {
        let before = diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
        let mut expected_misuse = 0;
        let mut probes = Vec::new();
        let mut snaps = Vec::new();
        let spans = common::record(|| {
            let mut guards: Vec<Option<Held>> = Vec::new();
            for (i, &is_span) in kinds.iter().enumerate() {
                let g = if is_span {
                    Held::Span(span(format!("s{i}")).enter())
                } else {
                    Held::Context(Context::current().with_baggage("frame", &i.to_string()).attach())
                };
                guards.push(Some(g));
                snaps.push(now());
            }
            let mut live: Vec<usize> = (0..6).collect();
            for &i in &order {
                if live.last() != Some(&i) {
                    expected_misuse += 1;
                }
                drop(guards[i].take());
                live.retain(|&x| x != i);
                let want = live.last().map_or((None, None), |&k| snaps[k].clone());
                assert_eq!(now(), want, "after dropping {i}, live {live:?}");
                let p = span("probe").start();
                assert_eq!(p.parent_span_id(), want.0);
                probes.push((p.span_id(), want.0));
            }
            assert_eq!(baton::__stack_depth(), 0);
        });
        prop_assert_eq!(diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - before, expected_misuse);
        // Every span is exported once, with the parent it was started under.
        for (i, &is_span) in kinds.iter().enumerate() {
            if !is_span { continue; }
            let n = format!("s{i}");
            let found: Vec<_> = spans.iter().filter(|s| s.name == n).collect();
            prop_assert_eq!(found.len(), 1, "{} {:?}", n, spans);
            let parent = (0..i).rev().find(|&k| kinds[k]).map(|k| snaps[k].0.unwrap());
            prop_assert_eq!(found[0].parent_span_id, parent);
            prop_assert_eq!(Some(found[0].span_id()), snaps[i].0);
        }
        for (id, parent) in probes {
            let found: Vec<_> = spans.iter().filter(|s| s.span_id() == id).collect();
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].parent_span_id, parent);
        }
        prop_assert_eq!(spans.len(), 6 + kinds.iter().filter(|k| **k).count());
    }
}
