//! Jaeger extract counts the `uberctx-*` baggage it keeps as the `baggage`
//! header writes it, as every other extract does: Jaeger alone keeps what
//! a `Composite` of Jaeger alone keeps, and what it keeps a W3C inject
//! sends whole. Found: extracting onto an empty context, Jaeger counted
//! keys and raw values without the `=` and `,` the header adds, so 64
//! fields of 128 bytes were all kept without a problem (8319 header
//! bytes), while `Composite::from_list("jaeger")` kept 63 and reported
//! one dropped, and a `baggage` inject of Jaeger's result then left one
//! out.

use baton::propagation::{Composite, Jaeger, Problem, Propagator, W3cBaggage};
use baton::{diagnostic_count, Baggage, Context, DiagnosticKind};

/// `uberctx-kNN` fields with `sizes[NN]`-byte values.
fn uberctx(sizes: &[usize]) -> Vec<(String, String)> {
    sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| (format!("uberctx-k{i:02}"), "v".repeat(n)))
        .collect()
}

/// What Jaeger alone and a Composite of Jaeger alone keep, which must be
/// the same baggage; and how many fields each says it dropped.
fn kept(carrier: Vec<(String, String)>) -> (Baggage, usize) {
    let (alone, problems) = Jaeger.extract_with_problems(&Context::default(), &carrier);
    let composite = Composite::from_list("jaeger").unwrap();
    let (both, composite_problems) = composite.extract_with_problems(&Context::default(), &carrier);
    assert!(
        alone.baggage() == both.baggage(),
        "alone and in a composite differ"
    );
    let dropped = |problems: &baton::propagation::Problems| {
        problems
            .iter()
            .map(|p| match p {
                Problem::Partial { dropped, .. } => *dropped,
                other => panic!("{other:?}"),
            })
            .sum::<usize>()
    };
    assert_eq!(dropped(&problems), dropped(&composite_problems));
    (alone.baggage().clone(), dropped(&problems))
}

/// The `baggage` header a W3C inject writes for `baggage`, which must
/// leave nothing out.
fn sent_whole(baggage: &Baggage) -> String {
    let left_out = || diagnostic_count(DiagnosticKind::LimitExceeded);
    let before = left_out();
    let mut out = Vec::new();
    W3cBaggage.inject(
        &Context::default().with_baggage_replaced(baggage.clone()),
        &mut out,
    );
    assert_eq!(left_out(), before, "the inject left members out");
    out.pop().map(|(_, header)| header).unwrap_or_default()
}

#[test]
fn jaeger_alone_keeps_the_baggage_header_limit_at_and_past_its_edge() {
    // 63 entries `kNN=` + 120 bytes, then one that makes the header
    // exactly MAX_BYTES long: 63 * 124 + 62 commas + `,k63=` + 313.
    let mut sizes = vec![120; 63];
    sizes.push(Baggage::MAX_BYTES - (63 * 124 + 62) - 5);
    let (at_edge, dropped) = kept(uberctx(&sizes));
    assert_eq!((at_edge.len(), dropped), (64, 0));
    assert_eq!(sent_whole(&at_edge).len(), Baggage::MAX_BYTES);

    *sizes.last_mut().unwrap() += 1;
    let (past_edge, dropped) = kept(uberctx(&sizes));
    assert_eq!((past_edge.len(), dropped), (63, 1));
    assert_eq!(past_edge.get("k63"), None);
    sent_whole(&past_edge);
}

#[test]
fn sixty_four_fields_of_128_bytes_lose_one_at_extract_not_at_inject() {
    let carrier = uberctx(&[125; 64]);
    let (baggage, dropped) = kept(carrier.clone());
    assert_eq!((baggage.len(), dropped), (63, 1));
    let header = sent_whole(&baggage);
    assert!(header.len() <= Baggage::MAX_BYTES);
    let (_, problems) = Jaeger.extract_with_problems(&Context::default(), &carrier);
    assert!(matches!(
        problems.iter().next(),
        Some(Problem::Partial {
            field: "uberctx-*",
            invalid: 0,
            dropped: 1,
            ..
        })
    ));
}

/// A value counts as the header encodes it: escaped bytes the header
/// writes as they are count once, bytes the header escapes three times.
#[test]
fn values_count_as_the_header_encodes_them() {
    // 100 `A`s sent as `%41`: 300 bytes on the wire, 100 in the header.
    let escaped: Vec<(String, String)> = (0..64)
        .map(|i| (format!("uberctx-k{i:02}"), "%41".repeat(100)))
        .collect();
    let (baggage, dropped) = kept(escaped);
    assert_eq!((baggage.len(), dropped), (64, 0));
    sent_whole(&baggage);
    // Commas sent as `%2C` are `%2C` in the header too.
    let commas: Vec<(String, String)> = (0..64)
        .map(|i| (format!("uberctx-k{i:02}"), "%2C".repeat(45)))
        .collect();
    // 45 commas: `kNN=` and 135 bytes, 140 with the `,`: 58 fit.
    let (baggage, dropped) = kept(commas);
    assert_eq!((baggage.len(), dropped), (58, 6));
    sent_whole(&baggage);
}
