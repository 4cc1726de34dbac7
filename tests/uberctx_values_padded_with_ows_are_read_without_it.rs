//! A `uberctx-*` value with spaces or tabs around it gives the baggage
//! value without them, as the `jaeger-baggage` entries, `baggage`, the
//! session header and every trace field already do: HTTP strips them from
//! field values (RFC 9110 §5.5), so a padded value has them only in a
//! carrier that is no HTTP stack (a map filled by hand, a queue message's
//! headers), and Jaeger senders percent-encode a space that belongs to the
//! value (`%20` or `+`).
//!
//! Found by the carrier audit: `uberctx-tenant: " acme\t"` gave the
//! baggage value `" acme\t"`, so the same context sent through an HTTP hop
//! (`acme`) and through a message (`" acme\t"`) gave two baggage values,
//! and a `jaeger,baggage` composite reported the two carriers of one value
//! as a conflict.

use baton::propagation::{Composite, Jaeger, Problem, Propagator};
use baton::Context;

fn lines(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn padded_uberctx_values_lose_the_padding_not_the_encoded_spaces() {
    for pad in [" ", "\t", " \t "] {
        let carrier = lines(&[
            ("uberctx-tenant", &format!("{pad}acme{pad}")),
            (
                "uberctx-name",
                &format!("{pad}%20caf%C3%A9+au+lait%20{pad}"),
            ),
        ]);
        let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &carrier);
        assert!(problems.is_empty(), "{pad:?}: {problems:?}");
        assert_eq!(cx.baggage().get("tenant"), Some("acme"), "{pad:?}");
        assert_eq!(cx.baggage().get("name"), Some(" café au lait "), "{pad:?}");
    }
}

#[test]
fn a_padded_repeat_of_a_uberctx_field_is_the_same_value() {
    let carrier = lines(&[("uberctx-tenant", "acme"), ("UberCtx-Tenant", " acme ")]);
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &carrier);
    assert_eq!(cx.baggage().get("tenant"), Some("acme"));
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn jaeger_and_baggage_agree_on_a_padded_value() {
    let both = Composite::from_list("jaeger,baggage").unwrap();
    let carrier = lines(&[("uberctx-tenant", " acme"), ("baggage", "tenant= acme")]);
    let (cx, problems) = both.extract_with_problems(&Context::default(), &carrier);
    assert_eq!(cx.baggage().get("tenant"), Some("acme"));
    assert!(
        !problems
            .iter()
            .any(|p| matches!(p, Problem::BaggageConflict { .. })),
        "{problems:?}"
    );
}

#[test]
fn an_error_in_a_padded_value_points_into_the_value_as_received() {
    use baton::wire::{Field, Reason, WireError};
    // The bad escape `%zz` is at byte 3 of `  a%zz`, byte 1 unpadded.
    for carrier in [
        lines(&[("uberctx-bad", "  a%zz ")]),
        lines(&[("uberctx-bad", "ok"), ("UberCtx-Bad", "  a%zz ")]),
    ] {
        let (_, problems) = Jaeger.extract_with_problems(&Context::default(), &carrier);
        let first = problems.iter().find_map(|p| match p {
            Problem::Partial { first, .. } => *first,
            _ => None,
        });
        assert_eq!(
            first,
            Some(WireError::new(Field::UberctxValue, 3, Reason::BadEscape)),
            "{carrier:?}: {problems:?}"
        );
    }
}
