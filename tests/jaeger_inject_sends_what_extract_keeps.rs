//! Jaeger inject counts the baggage it sends by the measure Jaeger extract
//! keeps it by (the size the `baggage` header gives it: `key=value` with
//! the value as that header encodes it, and a `,` between entries), so a
//! baton service's `uberctx-*` fields reach the next baton service whole,
//! and what does not fit is reported where it was left out. Found: inject
//! counted keys and `uberctx` encoded values only, so 64 entries of 125
//! bytes went out as fitting with no report, and the receiving extract
//! dropped one (`Problem::Partial` for `uberctx-*`); a value of 600 `/`s
//! (1800 bytes as `uberctx` encodes it, 600 in the `baggage` header) was
//! left out of the fields though the receiver keeps it.

use std::sync::{Mutex, PoisonError};

use baton::propagation::{Jaeger, Propagator};
use baton::wire::baggage::entry_size;
use baton::{diagnostic_count, Baggage, Context, DiagnosticKind};

/// A context with entries `kNN` = `value(NN)`.
fn context(n: usize, value: impl Fn(usize) -> String) -> Context {
    let mut b = Baggage::default();
    for i in 0..n {
        b = b.try_insert(&format!("k{i:02}"), &value(i), "").unwrap();
    }
    Context::default().with_baggage_replaced(b)
}

/// Jaeger inject, then Jaeger extract of what it wrote: the fields
/// written, what extract kept, whether extract met a problem, and how many
/// `limit-exceeded` reports the inject made.
fn hop(cx: &Context) -> (usize, Baggage, bool, u64) {
    // The count is the process's: one inject counts at a time.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let left_out = || diagnostic_count(DiagnosticKind::LimitExceeded);
    let before = left_out();
    let mut out: Vec<(String, String)> = Vec::new();
    Jaeger.inject(cx, &mut out);
    let reported = left_out() - before;
    let (got, problems) = Jaeger.extract_with_problems(&Context::default(), &out);
    (
        out.len(),
        got.baggage().clone(),
        !problems.is_empty(),
        reported,
    )
}

#[test]
fn what_inject_sends_extract_keeps_whole() {
    // 64 * `kNN=` + 125, and 63 commas: 8255 bytes, past the limit.
    let cx = context(64, |_| "v".repeat(125));
    let (sent, kept, problem, reported) = hop(&cx);
    assert_eq!(sent, 63, "one entry does not fit");
    assert_eq!(kept.len(), 63);
    assert!(!problem, "the receiver dropped what the sender sent");
    assert_eq!(reported, 1, "the entry left out is reported at inject");
}

#[test]
fn at_the_edge_everything_is_sent_and_kept() {
    // 63 entries of `kNN=` + 120 and commas, and a last one that makes the
    // `baggage` header exactly MAX_BYTES long.
    let last = Baggage::MAX_BYTES - (63 * 124 + 63) - entry_size("k63", "", "");
    let cx = context(64, |i| "v".repeat(if i == 63 { last } else { 120 }));
    let (sent, kept, problem, reported) = hop(&cx);
    assert_eq!((sent, kept.len(), problem, reported), (64, 64, false, 0));
    assert_eq!(&kept, cx.baggage());
}

#[test]
fn a_value_counts_as_the_receiver_keeps_it() {
    // 600 `/`s: 1800 bytes as `uberctx` percent-encodes them, 600 as the
    // `baggage` header writes them, which is what the receiver keeps.
    let cx = context(13, |_| "/".repeat(600));
    let (sent, kept, problem, reported) = hop(&cx);
    assert_eq!((sent, kept.len(), problem, reported), (13, 13, false, 0));
    assert_eq!(&kept, cx.baggage());
}

#[test]
fn a_value_whose_fields_the_receiver_drops_unread_is_not_sent() {
    // 3000 `/`s fit the `baggage` header (3004 bytes), but their `uberctx`
    // encoding (9000 bytes) is longer than any value the receiver reads.
    let cx = context(2, |i| if i == 0 { "/".repeat(3000) } else { "v".into() });
    let (sent, kept, problem, reported) = hop(&cx);
    assert_eq!((sent, kept.len(), problem, reported), (1, 1, false, 1));
    assert_eq!(kept.get("k01"), Some("v"));
}
