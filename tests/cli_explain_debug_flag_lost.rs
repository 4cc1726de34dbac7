//! `baton explain` shows a B3 or Jaeger debug decision as `sampled (debug)`
//! and reports a debug flag lost on the way (exit 1): the receiver then
//! reads a plain sampled=1, which samplers and collectors after it may drop.
//! Found: `b3: …-d` sent and `b3: …-1` received was "the trace continues
//! intact".

mod common;

use common::cli::baton;

/// Runs `baton explain --receiver-propagators b3` on `sent` and `received`.
fn explain(sent: &str, received: &str) -> (i32, String) {
    let input = format!("{sent}\n---\n{received}\n");
    let out = baton(&["explain", "--receiver-propagators", "b3"], &input);
    (out.code, out.stdout)
}

const IDS: &str = "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7";

#[test]
fn a_lost_debug_flag_is_reported() {
    let (code, out) = explain(&format!("b3: {IDS}-d"), &format!("b3: {IDS}-1"));
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains(" sampled (debug) (as b3)"), "{out}");
    assert!(lines[1].contains(" sampled (as b3)"), "{out}");
    assert_eq!(
        lines[2],
        "verdict:  the trace continues, but loses something on the way"
    );
    assert!(
        lines[3].starts_with("- the debug flag was lost on the way: "),
        "{out}"
    );
}

#[test]
fn a_debug_flag_that_arrives_is_intact() {
    let (code, out) = explain(&format!("b3: {IDS}-d"), &format!("b3: {IDS}-d"));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("verdict:  the trace continues intact\n"),
        "{out}"
    );
}

/// Found: `b3: …-d` sent and `b3: …-0` received was reported as "the
/// debug flag was lost on the way: … the receiver reads a plain
/// sampled=1", though the receiver reads a deny and records nothing.
#[test]
fn debug_read_as_a_deny_is_a_flipped_sampled_flag() {
    let (code, out) = explain(&format!("b3: {IDS}-d"), &format!("b3: {IDS}-0"));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "- the sampled flag flipped: the caller sent sampled=1, the receiver reads sampled=0; "
        ),
        "{out}"
    );
    assert!(!out.contains("plain sampled=1"), "{out}");
}
