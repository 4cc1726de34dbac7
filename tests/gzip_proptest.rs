//! Property: for random and for repetitive input, the gzip member decodes,
//! through the naive oracle, to exactly the input (issue 11, item 2).

#[path = "common/gzip_check.rs"]
mod gzip_check;
#[path = "common/inflate.rs"]
mod inflate;

use proptest::prelude::*;

/// Repetitive input: pieces from a small alphabet of words, repeated and
/// interleaved, so matches of every length and distance come up.
fn repetitive() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..8),
        proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(b'{')], 1..300),
        Just(b"\"traceId\":\"".to_vec()),
    ];
    proptest::collection::vec((piece, 1..20usize), 0..40).prop_map(|pieces| {
        let mut out = Vec::new();
        for (p, times) in pieces {
            for _ in 0..times {
                out.extend_from_slice(&p);
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_round_trip(data in proptest::collection::vec(any::<u8>(), 0..5000)) {
        let (member, _) = gzip_check::round_trip(&data);
        // Never more than the stored-block overhead.
        prop_assert!(member.len() <= 18 + data.len() + 5 * data.len().div_ceil(65_535).max(1));
    }

    #[test]
    fn repetitive_bytes_round_trip(data in repetitive()) {
        gzip_check::round_trip(&data);
    }
}
