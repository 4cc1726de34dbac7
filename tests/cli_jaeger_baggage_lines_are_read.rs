//! The command reads `jaeger-baggage` lines as the Jaeger propagator does:
//! `decode` lists their entries (and points at a bad one), `convert` takes
//! their baggage along, and a key they give another value than a
//! `uberctx-*` line is a conflict. Found: `baton decode 'jaeger-baggage:
//! k=v'` said it was not a propagation header, and `convert` refused it.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn decode_lists_the_entries() {
    let out = baton(&["decode", "Jaeger-Baggage: k1=v1, k2 = caf%C3%A9"], "");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("k1 = \"v1\""), "{}", out.stdout);
    assert!(out.stdout.contains("k2 = \"café\""), "{}", out.stdout);
}

#[test]
fn decode_points_at_a_bad_entry() {
    let out = baton(&["decode", "jaeger-baggage: k1=v1, k2"], "");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("jaeger-baggage entry at byte 9 has no '='"),
        "{}",
        out.stdout
    );
}

#[test]
fn convert_takes_the_baggage_along() {
    let out = baton(
        &[
            "convert",
            "--to",
            "jaeger",
            TP,
            "jaeger-baggage: tenant=acme",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("uberctx-tenant: acme\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_key_given_another_value_by_uberctx_is_a_conflict() {
    let out = baton(
        &["decode", "uberctx-tenant: a", "jaeger-baggage: tenant=b"],
        "",
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("baggage key tenant repeated with two values, \"a\" and \"b\""),
        "{}",
        out.stdout
    );
    let same = baton(
        &["decode", "uberctx-tenant: a", "jaeger-baggage: tenant=a"],
        "",
    );
    assert_eq!(same.code, 0, "{}", same.stdout);
}
