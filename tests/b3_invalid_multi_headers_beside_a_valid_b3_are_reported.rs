//! `x-b3-*` headers that do not parse, beside a valid `b3`, are one
//! `Problem::Invalid`, as they are alone and as B3's docs say ("each
//! invalid encoding is one problem, reported once"); the `b3` header's
//! context is kept. Found by the composite-matrix audit: they were passed
//! over without a word (the multi headers are read beside a valid `b3`
//! only when `x-b3-traceid` is there, and their error was dropped), for
//! `b3`, `b3multi` and every composite listing either.

use baton::propagation::{Composite, Problem, Propagator, B3};
use baton::Context;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

fn carrier(trace_id: &str) -> Vec<(String, String)> {
    vec![
        ("b3".into(), format!("{TRACE}-{SPAN}-1")),
        ("X-B3-TraceId".into(), trace_id.into()),
        ("X-B3-SpanId".into(), SPAN.into()),
    ]
}

#[test]
fn invalid_multi_headers_beside_a_valid_b3_are_one_problem() {
    let propagators: [(&str, Box<dyn Propagator>); 4] = [
        ("b3", Box::new(B3::single())),
        ("b3multi", Box::new(B3::multi())),
        (
            "b3,b3multi",
            Box::new(Composite::from_list("b3,b3multi").unwrap()),
        ),
        (
            "tracecontext,b3",
            Box::new(Composite::from_list("tracecontext,b3").unwrap()),
        ),
    ];
    for bad in [
        "4bf92f3577b34da6a3ce929d0e0e47zz",
        "0".repeat(32).as_str(),
        "4bf9",
    ] {
        for (name, p) in &propagators {
            let (cx, problems) = p.extract_with_problems(&Context::default(), &carrier(bad));
            let sc = cx.span_context().expect("the b3 header's context");
            assert_eq!(sc.trace_id().to_string(), TRACE, "{name}");
            assert!(sc.is_sampled(), "{name}");
            let invalid: Vec<_> = problems
                .iter()
                .filter(|p| matches!(p, Problem::Invalid(_)))
                .collect();
            assert_eq!(
                (invalid.len(), problems.len()),
                (1, 1),
                "{name}, x-b3-traceid {bad}: {problems:?}"
            );
        }
    }
}

#[test]
fn valid_multi_headers_of_the_same_parent_are_no_problem() {
    let (cx, problems) = B3::single().extract_with_problems(&Context::default(), &carrier(TRACE));
    assert!(problems.is_empty(), "{problems:?}");
    assert!(cx.span_context().unwrap().is_sampled());
}
