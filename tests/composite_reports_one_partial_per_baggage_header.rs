//! A `Composite` reports what one format's baggage lost as one problem,
//! as the format extracting alone does: the members the format itself
//! left out (past 64 in its header) and those its baggage lost when added
//! to the context's (past the limits for the sum) are one
//! `Problem::Partial`, one diagnostic. Found: the Composite pushed a
//! second `Partial` for the same header, so one extract onto baggage
//! reported `baggage` twice, with the count split between them.

use baton::propagation::{Composite, Jaeger, Problems, Propagator, W3cBaggage};
use baton::Context;

/// 70 entries `kNN` of 100 bytes, carried by `format`.
fn seventy(format: &str) -> Vec<(String, String)> {
    let value = "v".repeat(100);
    match format {
        "baggage" => {
            let line = (0..70).map(|i| format!("k{i:02}={value}"));
            vec![("baggage".into(), line.collect::<Vec<_>>().join(","))]
        }
        _ => (0..70)
            .map(|i| (format!("uberctx-k{i:02}"), value.clone()))
            .collect(),
    }
}

#[test]
fn a_format_losing_baggage_twice_is_one_problem_alone_and_in_a_composite() {
    // `base=` and 4000 bytes already: 39 of the incoming (105 bytes each
    // with the `,`) fit beside them.
    let base = Context::default().with_baggage("base", &"b".repeat(4000));
    let alone: [(&str, &dyn Propagator); 2] = [("baggage", &W3cBaggage), ("jaeger", &Jaeger)];
    for (name, format) in alone {
        let carrier = seventy(name);
        let (by_itself, problems_alone) = format.extract_with_problems(&base, &carrier);
        let composite = Composite::from_list(name).unwrap();
        let (in_composite, problems) = composite.extract_with_problems(&base, &carrier);
        assert_eq!(by_itself.baggage().len(), 40, "{name}");
        assert!(by_itself.baggage() == in_composite.baggage(), "{name}");
        let dropped = |p: &Problems| -> Vec<usize> {
            p.iter()
                .map(|p| match p {
                    baton::propagation::Problem::Partial { dropped, .. } => *dropped,
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        assert_eq!(dropped(&problems_alone), [31], "{name}");
        assert_eq!(problems, problems_alone, "{name}");
    }
}
