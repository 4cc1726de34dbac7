//! `X-B3-*` headers that came again with another value are one
//! `Problem::Repeated` each also beside a valid `b3`, wherever they are
//! read there (beside a `b3` when they carry a trace id, or beside a `b3`
//! decision without ids), as they are alone: the first value is used ("when
//! extracting state headers, the first value wins") and the rest reported.
//! Found: beside a valid `b3` the later values were dropped without a word,
//! so `x-b3-traceid` of two traces, or `x-b3-sampled` of two decisions,
//! said nothing.

use baton::propagation::{Problem, Propagator, B3};
use baton::Context;

const T: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const T2: &str = "463ac35c9f6413ad48485a3953bb6124";
const S: &str = "e457b5a2e4d86bd1";

fn repeated(pairs: &[(&str, &str)]) -> Vec<(&'static str, usize)> {
    let headers: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let [single, multi] = [B3::single(), B3::multi()].map(|b3| {
        let (_, problems) = b3.extract_with_problems(&Context::default(), &headers);
        problems
            .iter()
            .filter_map(|p| match *p {
                Problem::Repeated { field, differing } => Some((field, differing)),
                _ => None,
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(single, multi, "{pairs:?}");
    single
}

#[test]
fn repeated_multi_headers_beside_a_valid_b3_are_reported() {
    let b3 = format!("{T}-{S}-1");
    for (pairs, want) in [
        (
            vec![
                ("b3", b3.as_str()),
                ("x-b3-traceid", T),
                ("X-B3-TraceId", T2),
                ("x-b3-spanid", S),
            ],
            vec![("x-b3-traceid", 1)],
        ),
        (
            vec![
                ("b3", b3.as_str()),
                ("x-b3-traceid", T),
                ("x-b3-spanid", S),
                ("x-b3-sampled", "1"),
                ("x-b3-sampled", "0"),
            ],
            vec![("x-b3-sampled", 1)],
        ),
        (
            vec![("b3", "0"), ("x-b3-sampled", "0"), ("x-b3-sampled", "1")],
            vec![("x-b3-sampled", 1)],
        ),
        // The same value again, padding aside, is no problem.
        (
            vec![
                ("b3", b3.as_str()),
                ("x-b3-traceid", T),
                ("x-b3-traceid", &format!(" {T}")),
                ("x-b3-spanid", S),
            ],
            vec![],
        ),
    ] {
        assert_eq!(repeated(&pairs), want, "{pairs:?}");
    }
}
