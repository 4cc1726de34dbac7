//! `baton explain` reports a `random-trace-id` flag lost or set between the
//! caller and the receiver (exit 1): W3C Trace Context level 2 says a
//! participant continuing a trace keeps the flag as it came ("If the flag
//! is set in the incoming traceparent header, it MUST also be set in all
//! outgoing traceparent headers which use the same trace-id", and unset
//! likewise). Found: `03` sent and `01` received was "the trace continues
//! intact".

mod common;

use common::cli::baton;

fn explain(sent_flags: &str, received_flags: &str) -> (i32, String) {
    let tp = |flags: &str| {
        format!("traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-{flags}")
    };
    let input = format!("{}\n---\n{}\n", tp(sent_flags), tp(received_flags));
    let out = baton(&["explain"], &input);
    (out.code, out.stdout)
}

#[test]
fn a_random_flag_lost_or_set_on_the_way_is_reported() {
    for (sent, received, what) in [
        (
            "03",
            "01",
            "- the random-trace-id flag was lost on the way: ",
        ),
        (
            "01",
            "03",
            "- the random-trace-id flag was set on the way: ",
        ),
    ] {
        let (code, out) = explain(sent, received);
        assert_eq!(code, 1, "{sent} -> {received}: {out}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[2],
            "verdict:  the trace continues, but loses something on the way"
        );
        assert!(lines[3].starts_with(what), "{out}");
        assert!(lines[3].ends_with("(W3C Trace Context level 2: a participant continuing a trace keeps the flag as it came)"), "{out}");
    }
}

#[test]
fn a_random_flag_kept_is_intact() {
    let (code, out) = explain("03", "03");
    assert_eq!(code, 0, "{out}");
}
