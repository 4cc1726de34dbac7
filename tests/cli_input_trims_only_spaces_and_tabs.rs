//! The commands take only OWS (space and tab, RFC 9110 §5.6.3) from around
//! a header's name and value, as a receiver does. Found: they trimmed all
//! Unicode white space, so `decode` called a `traceparent` ending in a
//! no-break space valid and `explain` called the hop intact, while
//! baton's own extract (and every receiver) rejects that value. Other
//! white space is echoed escaped, as it is no space to a receiver.

mod common;

use common::cli::baton;

const VALUE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn decode_refuses_a_value_ending_in_other_white_space_and_points_at_it() {
    for (line, shown) in [
        (
            format!("traceparent: {VALUE}\u{a0}"),
            format!("  {VALUE}\\u{{a0}}"),
        ),
        (
            format!("traceparent:\u{3000}{VALUE}"),
            format!("  \\u{{3000}}{VALUE}"),
        ),
        (
            format!("traceparent: {VALUE}\u{c}"),
            format!("  {VALUE}\\x0c"),
        ),
    ] {
        let out = baton(&["decode", &line], "");
        assert_eq!(out.code, 1, "{line:?}: {}", out.stdout);
        assert!(out.stdout.contains(&shown), "{line:?}: {}", out.stdout);
    }
    // Spaces and tabs around it are OWS, and the value is valid.
    let out = baton(&["decode", &format!("traceparent: \t{VALUE} \t")], "");
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn a_header_name_after_a_no_break_space_is_no_token() {
    let out = baton(&["decode", &format!("\u{a0}traceparent: {VALUE}")], "");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("a header name is a token"),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_finds_the_hop_broken_by_a_no_break_space() {
    let out = baton(
        &["explain"],
        &format!("traceparent: {VALUE}\n---\ntraceparent: {VALUE}\u{a0}\n"),
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("the trace breaks at this hop"),
        "{}",
        out.stdout
    );
}
