//! Map and `Vec` carriers find a field under any ASCII case: every
//! differently cased name is a separate header line and is yielded, the
//! exactly named (lowercase) one first, and nothing but ASCII letters is
//! folded.

use std::collections::{BTreeMap, HashMap};

use baton::propagation::Extractor;
use proptest::prelude::*;

fn values(carrier: &dyn Extractor, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    carrier.get_all(key, &mut |v| out.push(v.to_string()));
    out
}

fn maps(pairs: &[(&str, &str)]) -> [Box<dyn Extractor>; 2] {
    let owned = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    [
        Box::new(owned.clone().collect::<HashMap<_, _>>()),
        Box::new(owned.collect::<BTreeMap<_, _>>()),
    ]
}

#[test]
fn exact_name_comes_first_then_every_other_case() {
    let pairs = [
        ("TRACESTATE", "upper"),
        ("tracestate", "exact"),
        ("TraceState", "mixed"),
        ("traceparent", "other field"),
    ];
    for carrier in maps(&pairs) {
        let mut found = values(carrier.as_ref(), "tracestate");
        assert_eq!(found[0], "exact");
        found[1..].sort();
        assert_eq!(found, ["exact", "mixed", "upper"]);
    }
}

#[test]
fn one_differently_cased_name_is_found_without_an_exact_one() {
    for carrier in maps(&[("X-B3-TraceId", "t"), ("X-B3-SpanId", "s")]) {
        assert_eq!(values(carrier.as_ref(), "x-b3-traceid"), ["t"]);
        assert_eq!(values(carrier.as_ref(), "x-b3-spanid"), ["s"]);
        assert!(values(carrier.as_ref(), "x-b3-sampled").is_empty());
    }
}

#[test]
fn only_ascii_letters_fold() {
    // Each pair differs by 0x20 in one byte that is not an ASCII letter, at
    // positions inside and past the first eight bytes.
    let pairs = [
        ("x-b3-trace@d", "at"),
        ("a[b", "bracket"),
        ("x-b3-\rraceid", "cr"),
        ("kéy", "accent"),
    ];
    for carrier in maps(&pairs) {
        assert!(values(carrier.as_ref(), "x-b3-trace`d").is_empty());
        assert!(values(carrier.as_ref(), "a{b").is_empty());
        assert!(values(carrier.as_ref(), "x-b3--raceid").is_empty());
        assert!(values(carrier.as_ref(), "kÉy").is_empty());
        assert_eq!(values(carrier.as_ref(), "KéY"), ["accent"]);
    }
}

#[test]
fn vec_carrier_yields_lines_in_order() {
    let lines: Vec<(String, String)> = [("Baggage", "a=1"), ("x", "y"), ("baggage", "b=2")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(values(&lines, "baggage"), ["a=1", "b=2"]);
}

proptest! {
    /// Against `str::eq_ignore_ascii_case` as the oracle, with names made of
    /// letters, the bytes 0x20 away from them, and a multi-byte character.
    #[test]
    fn maps_find_what_the_oracle_finds(
        names in proptest::collection::vec("[aAzZ@`\\[{é-]{0,19}", 0..8),
        key in "[az@`\\[{é-]{0,19}",
    ) {
        let pairs: Vec<(String, String)> =
            names.iter().enumerate().map(|(i, n)| (n.clone(), i.to_string())).collect();
        let map: HashMap<String, String> = pairs.iter().cloned().collect();
        let mut want: Vec<String> = map
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(&key))
            .map(|(_, v)| v.clone())
            .collect();
        let mut got = values(&map, &key);
        if let Some(exact) = map.get(&key) {
            prop_assert_eq!(&got[0], exact);
        }
        want.sort();
        got.sort();
        prop_assert_eq!(got, want);
    }
}

proptest! {
    /// Several fields at once (as B3 reads six) find what one at a time
    /// finds, key by key in order, with names of lengths that agree modulo
    /// 32 and passes of more keys than one pass takes.
    #[test]
    fn maps_find_several_keys_as_one_at_a_time(
        keys in proptest::collection::vec("[a-]{0,3}|[a-]{30,35}", 1..10),
        // Each name a key with the letters whose bit is set in upper case,
        // or a name of its own.
        picks in proptest::collection::vec(
            (any::<prop::sample::Index>(), any::<u64>(), "[aA-]{0,3}|[aA-]{30,35}"),
            0..10,
        ),
    ) {
        let names = picks.iter().enumerate().map(|(n, (index, upper, own))| {
            if n % 3 == 2 {
                return own.clone();
            }
            let key = index.get(&keys);
            key.chars()
                .enumerate()
                .map(|(i, c)| if upper >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c })
                .collect()
        });
        let map: HashMap<String, String> =
            names.enumerate().map(|(i, n)| (n, i.to_string())).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut got: Vec<(usize, String)> = Vec::new();
        map.get_all_of(&keys, &mut |i, v| got.push((i, v.to_string())));
        let mut want: Vec<(usize, String)> = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            want.extend(values(&map, key).into_iter().map(|v| (i, v)));
        }
        // Key by key: the exactly named entry first, the others in the
        // map's order.
        prop_assert!(got.is_sorted_by_key(|(i, _)| *i));
        prop_assert_eq!(got.len(), want.len());
        for (i, key) in keys.iter().enumerate() {
            let of = |found: &[(usize, String)]| -> Vec<String> {
                found.iter().filter(|(j, _)| *j == i).map(|(_, v)| v.clone()).collect()
            };
            let (mut g, mut w) = (of(&got), of(&want));
            if let Some(exact) = map.get(*key) {
                prop_assert_eq!(&g[0], exact);
            }
            g.sort();
            w.sort();
            prop_assert_eq!(g, w);
        }
    }
}
