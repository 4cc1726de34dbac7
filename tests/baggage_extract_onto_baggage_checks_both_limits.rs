//! A standalone `W3cBaggage` or `Jaeger` extract onto a context that has
//! baggage already keeps the sum within both W3C limits
//! ([`Baggage::MAX_MEMBERS`] and [`Baggage::MAX_BYTES`], counted as the
//! `baggage` header counts them) and reports what it left out, as the
//! `Composite` does. Found: only the member limit was checked at extract, so
//! the context held more than 8192 bytes of baggage, which inject then cut
//! (a `limit-exceeded` at every inject instead of one `Partial` at extract).

use std::collections::BTreeMap;

use baton::propagation::{Composite, Jaeger, Problem, Propagator, W3cBaggage};
use baton::wire::baggage::entry_size;
use baton::wire::{Field, Reason, WireError};
use baton::{Baggage, Context};

/// A context with one entry `base=...` of `size` bytes as the header counts it.
fn base_of(size: usize) -> Context {
    let value = "b".repeat(size - entry_size("base", "", ""));
    let cx = Context::default().with_baggage("base", &value);
    assert_eq!(entry_size("base", &value, ""), size);
    cx
}

/// Incoming entries `key=...`, each of `size` bytes as the `baggage`
/// header counts it, in `format`'s carrier.
fn incoming(format: &str, entries: &[(&str, usize)]) -> BTreeMap<String, String> {
    let value = |key: &str, size: usize| "v".repeat(size - entry_size(key, "", ""));
    match format {
        "baggage" => {
            let members: Vec<String> = entries
                .iter()
                .map(|(k, size)| format!("{k}={}", value(k, *size)))
                .collect();
            BTreeMap::from([("baggage".to_string(), members.join(","))])
        }
        _ => entries
            .iter()
            .map(|(k, size)| (format!("uberctx-{k}"), value(k, *size)))
            .collect(),
    }
}

/// The keys and the `baggage` header size of `cx`'s baggage: what is
/// compared, rather than the long values themselves.
fn shape(cx: &Context) -> (Vec<String>, usize) {
    let keys = cx.baggage().iter().map(|(k, _, _)| k.to_string()).collect();
    (
        keys,
        baton::wire::baggage::format(cx.baggage()).header.len(),
    )
}

/// A format's name, its propagator alone, and a composite of it alone.
type Format = (&'static str, Box<dyn Propagator>, Box<dyn Propagator>);

fn formats() -> [Format; 2] {
    [
        (
            "baggage",
            Box::new(W3cBaggage),
            Box::new(Composite::from_list("baggage").unwrap()),
        ),
        (
            "jaeger",
            Box::new(Jaeger),
            Box::new(Composite::from_list("jaeger").unwrap()),
        ),
    ]
}

/// The drops a result reports: (dropped, first).
fn drops(problems: &baton::propagation::Problems) -> Vec<(usize, Option<WireError>)> {
    problems
        .iter()
        .filter_map(|p| match *p {
            Problem::Partial { dropped, first, .. } => Some((dropped, first)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_byte_limit_holds_for_the_sum_at_the_edge_and_past_it() {
    let too_long = WireError::new(
        Field::BaggageMember,
        0,
        Reason::ListTooLong {
            max: Baggage::MAX_BYTES,
        },
    );
    for (format, standalone, composite) in formats() {
        let base = base_of(4000);
        // 4000 + `,` + 4191 = 8192: fits exactly.
        let fits = incoming(format, &[("k", Baggage::MAX_BYTES - 4000 - 1)]);
        let (cx, problems) = standalone.extract_with_problems(&base, &fits);
        assert!(problems.is_empty(), "{format}: {problems:?}");
        assert_eq!(
            shape(&cx),
            (vec!["base".into(), "k".into()], Baggage::MAX_BYTES),
            "{format}"
        );

        // One byte more: left out and reported, the base kept.
        let past = incoming(format, &[("k", Baggage::MAX_BYTES - 4000)]);
        let (cx, problems) = standalone.extract_with_problems(&base, &past);
        assert_eq!(shape(&cx), shape(&base), "{format}");
        assert_eq!(drops(&problems), [(1, Some(too_long))], "{format}");

        // As the composite of the one format does.
        for carrier in [&fits, &past] {
            let (alone, alone_problems) = standalone.extract_with_problems(&base, carrier);
            let (both, both_problems) = composite.extract_with_problems(&base, carrier);
            assert_eq!(shape(&alone), shape(&both), "{format}");
            assert_eq!(drops(&alone_problems), drops(&both_problems), "{format}");
        }
    }
}

/// A replaced entry counts at its new size, not in addition to its old one.
#[test]
fn a_replaced_entry_counts_once() {
    for (format, standalone, _) in formats() {
        let base = base_of(Baggage::MAX_BYTES);
        let replacing = incoming(format, &[("base", Baggage::MAX_BYTES)]);
        let (cx, problems) = standalone.extract_with_problems(&base, &replacing);
        assert!(problems.is_empty(), "{format}: {problems:?}");
        assert_eq!(shape(&cx), shape(&base), "{format}");
        assert!(
            cx.baggage().get("base").unwrap().starts_with('v'),
            "{format}: replaced"
        );
    }
}

/// The member limit, at the edge and past it, as before.
#[test]
fn the_member_limit_holds_for_the_sum() {
    for (format, standalone, composite) in formats() {
        let mut base = Context::default();
        for i in 0..Baggage::MAX_MEMBERS - 1 {
            base = base.with_baggage(&format!("m{i}"), "x");
        }
        let two = incoming(format, &[("k1", 10), ("k2", 10)]);
        let (cx, problems) = standalone.extract_with_problems(&base, &two);
        assert_eq!(cx.baggage().len(), Baggage::MAX_MEMBERS, "{format}");
        let first = Some(WireError::new(
            Field::BaggageMember,
            0,
            Reason::TooManyMembers {
                max: Baggage::MAX_MEMBERS,
            },
        ));
        assert_eq!(drops(&problems), [(1, first)], "{format}");
        let (both, both_problems) = composite.extract_with_problems(&base, &two);
        assert_eq!(shape(&cx), shape(&both), "{format}");
        assert_eq!(drops(&problems), drops(&both_problems), "{format}");
    }
}
