//! Flag bits a span context has no place for are dropped on extract by
//! one rule for both formats that send them: a higher `traceparent`
//! version's bits but sampled and random ("Vendors MUST NOT parse or
//! assume anything about unknown fields for this version"), and Jaeger's
//! bits but sampled and debug (`08`, firehose, which jaeger-client-go
//! sets for a backend's indexing). The header is valid and its context
//! used, so neither is a [`Problem`]: a problem is a diagnostic, and a
//! client in firehose mode would raise one on every request. `baton
//! decode` and `convert` name both (`tests/cli_jaeger_flag_bits_not_
//! carried_are_named.rs`, `tests/cli_convert_names_what_extraction_
//! leaves_unread.rs`). Version 00 loses no bit: its flags are forwarded
//! bit for bit.

use baton::propagation::{Jaeger, Propagator, TraceContext};
use baton::Context;

fn extract(propagator: &dyn Propagator, name: &str, value: &str) -> (u8, bool, usize) {
    let headers = vec![(name.to_owned(), value.to_owned())];
    let (cx, problems) = propagator.extract_with_problems(&Context::default(), &headers);
    let sc = cx.span_context().expect("the header is valid");
    (sc.flags().bits(), sc.is_debug(), problems.len())
}

#[test]
fn jaeger_keeps_sampled_and_debug_and_reports_no_problem_for_the_rest() {
    let ids = "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0";
    let jaeger = |flags: &str| extract(&Jaeger, "uber-trace-id", &format!("{ids}:{flags}"));
    assert_eq!(jaeger("09"), (0x01, false, 0));
    assert_eq!(jaeger("0b"), (0x01, true, 0));
    // Not sampled: the firehose bit makes no decision.
    assert_eq!(jaeger("08"), (0x00, false, 0));
    assert_eq!(jaeger("ff"), (0x01, true, 0));
}

#[test]
fn a_higher_traceparent_version_keeps_sampled_and_random_and_reports_no_problem() {
    let tp = |version: &str, flags: &str| {
        let value = format!("{version}-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-{flags}");
        extract(&TraceContext, "traceparent", &value)
    };
    assert_eq!(tp("01", "09"), (0x01, false, 0));
    assert_eq!(tp("01", "ff"), (0x03, false, 0));
    // Version 00 drops nothing: no loss, no problem.
    assert_eq!(tp("00", "09"), (0x09, false, 0));
    assert_eq!(tp("00", "ff"), (0xff, false, 0));
}
