//! Guards dropped in any order leave the stack consistent: the current context
//! is always the newest live frame, nothing panics, and each misuse is
//! reported once with the place the guard was created.
//!
//! opentelemetry-rust silently tolerates out-of-order guard drops; baton
//! reports them and still restores the right context.

use baton::{diagnostic_count, Context, DiagnosticKind};
use proptest::prelude::*;

fn marked(i: usize) -> Context {
    Context::default().with_baggage("frame", &i.to_string())
}

fn current_mark() -> Option<String> {
    baton::baggage("frame")
}

proptest! {
    #[test]
    fn any_drop_order_keeps_the_newest_live_frame_current(order in Just((0..6).collect::<Vec<usize>>()).prop_shuffle()) {
        let before = diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
        let mut guards: Vec<Option<baton::ContextGuard>> = (0..6).map(|i| Some(marked(i).attach())).collect();
        let mut live: Vec<usize> = (0..6).collect();
        let mut expected_misuse = 0;
        for &i in &order {
            if live.last() != Some(&i) {
                expected_misuse += 1;
            }
            guards[i].take();
            live.retain(|&x| x != i);
            prop_assert_eq!(current_mark(), live.last().map(|i| i.to_string()));
        }
        prop_assert_eq!(baton::__stack_depth(), 0, "every frame is gone once every guard is");
        prop_assert_eq!(diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - before, expected_misuse);
    }
}
