//! `baton decode` reads a lone `X-B3-Flags` other than `1` as extraction
//! does (`MultiParser::is_empty`): no B3 header at all, said as such, not
//! an invalid context. Found: it printed "B3 TraceId at byte 0 is missing"
//! and exited 1, taking `MultiParser::finish` without asking `is_empty`.

mod common;

use common::cli::baton;

#[test]
fn a_lone_flags_header_other_than_1_means_nothing() {
    let out = baton(&["decode", "X-B3-Flags: 0"], "");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (
            0,
            "X-B3-Flags: 0\n  flags      \"0\" means nothing alone: only 1 (debug) is \
             defined, and without the other X-B3 headers extraction finds no B3 header\n"
        )
    );
}

#[test]
fn beside_a_valid_context_it_is_no_error_either() {
    let tp = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let out = baton(&["decode", tp, "X-B3-Flags: 2"], "");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("\"2\" means nothing alone"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("missing"), "{}", out.stdout);
}

#[test]
fn flags_1_alone_is_still_debug() {
    let out = baton(&["decode", "X-B3-Flags: 1"], "");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "X-B3-Flags: 1\n  sampling   debug (accept)\n")
    );
}
