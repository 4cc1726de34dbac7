//! `convert` names what of its input extraction leaves unread, as it names
//! what the target format cannot carry. Found: a `tracestate` that came
//! without a `traceparent` (W3C reads it only with one) was dropped
//! without a word, though `decode` listed its members; so were a
//! higher-version `traceparent`'s flag bits other than sampled and random,
//! and what followed its flags.

mod common;

use common::cli::baton;

const IDS: &str = "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7";
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn a_tracestate_without_a_traceparent_is_named_dropped() {
    for target in ["tracecontext", "b3"] {
        let out = baton(
            &[
                "convert",
                "--to",
                target,
                &format!("b3: {IDS}-1"),
                "tracestate: a=1,b=2",
            ],
            "",
        );
        assert!(
            out.stderr
                .contains("tracestate dropped: a=1,b=2: no traceparent came with it"),
            "{target}: {}",
            out.stderr
        );
    }
    // With its traceparent it is carried to W3C, and nothing is said.
    let out = baton(
        &[
            "convert",
            "--to",
            "tracecontext",
            &format!("traceparent: {TRACEPARENT}"),
            "tracestate: a=1",
        ],
        "",
    );
    assert_eq!(out.stderr, "");
    assert!(out.stdout.contains("tracestate: a=1"), "{}", out.stdout);
}

#[test]
fn a_higher_versions_unknown_flags_and_fields_are_named() {
    let value = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-future";
    let out = baton(
        &["convert", "--to", "b3", &format!("traceparent: {value}")],
        "",
    );
    assert_eq!(out.stdout, format!("b3: {IDS}-1\n"));
    assert!(
        out.stderr
            .contains("traceparent version cc: flag bits 08 are not carried on"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("traceparent version cc: \"-future\" after the flags is not read"),
        "{}",
        out.stderr
    );
    // A higher version with only the bits and fields version 00 has loses
    // nothing but its version byte, which a sender writes as its own.
    let plain = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let out = baton(
        &["convert", "--to", "b3", &format!("traceparent: {plain}")],
        "",
    );
    assert_eq!(out.stderr, "");
}
