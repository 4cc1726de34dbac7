//! `baton explain` models each side as a baton process started with its
//! `OTEL_PROPAGATORS` runs (`Composite::usable_list`): an unknown name is
//! left out and the rest run, `none` with others ignores the whole list,
//! each named in a note. And each block's `BATON_SESSION_HEADER` line names
//! that side's session header: the sender's for what was sent, the
//! receiver's for what it reads. Found: `--receiver-propagators b3,xray`
//! was a usage error, though a receiver started with it runs `b3`; and
//! both blocks were read with this process's session header.

mod common;

use common::cli::{baton, baton_env};

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const B3: &str = "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1";

#[test]
fn an_unknown_receiver_propagator_is_left_out_with_a_note() {
    let out = baton(
        &["explain", "--receiver-propagators", "b3,xray"],
        &format!("{B3}\n---\n{B3}\n"),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout,
        "sent:     trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7 sampled (as b3)\n\
         received: trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7 sampled (as b3), \
         read with OTEL_PROPAGATORS=b3\n\
         note:     receiver: OTEL_PROPAGATORS: unknown propagator \"xray\" (known: tracecontext, \
         baggage, b3, b3multi, jaeger, session, none); left out: the receiver runs b3 and warns \
         (invalid-config)\n\
         verdict:  the trace continues intact\n"
    );
}

#[test]
fn none_with_others_runs_the_default() {
    // The receiver runs tracecontext,baggage, not b3: the b3 context is
    // not read.
    let out = baton(
        &["explain", "--receiver-propagators", "none,b3"],
        &format!("{B3}\n---\n{B3}\n"),
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains(", read with OTEL_PROPAGATORS=tracecontext,baggage\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "note:     receiver: OTEL_PROPAGATORS: \"none\" cannot be combined with other \
             propagators; the whole setting is ignored: the receiver runs the default, \
             tracecontext,baggage, and warns (invalid-config)\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("- a format the receiver does not read"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_unknown_sender_propagator_is_left_out_too() {
    let out = baton(
        &["explain", "--sender-propagators", "jaeger,xray"],
        "accept: */*\n---\naccept: */*\n",
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains(
            "no context injected: the caller's OTEL_PROPAGATORS=jaeger would write \
             uber-trace-id, but its request carries none of them"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("note:     sender: OTEL_PROPAGATORS: unknown propagator \"xray\""),
        "{}",
        out.stdout
    );
}

#[test]
fn each_block_names_its_own_session_header() {
    let receiver = ["explain", "--receiver-propagators", "tracecontext,session"];
    // The same header named on both sides: the session continues, though
    // this process's BATON_SESSION_HEADER names another.
    let hop = format!(
        "BATON_SESSION_HEADER=X-Chat\n{TP}\nx-chat: s1\n---\n\
         BATON_SESSION_HEADER=X-Chat\n{TP}\nx-chat: s1\n"
    );
    let out = baton_env(
        &receiver,
        hop.as_bytes(),
        &[("BATON_SESSION_HEADER", Some("Other-Session"))],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "sampled (as tracecontext), session s1, read with \
             OTEL_PROPAGATORS=tracecontext,session\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "note:     received: session header: x-chat, named by BATON_SESSION_HEADER on line 5\n"
        ),
        "{}",
        out.stdout
    );

    // The receiver reads another header than the caller writes.
    let hop = format!(
        "BATON_SESSION_HEADER=X-Chat\n{TP}\nx-chat: s1\n---\n\
         BATON_SESSION_HEADER=X-Talk\n{TP}\nx-chat: s1\n"
    );
    let out = baton(&receiver, &hop);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "- session dropped: the caller's session s1 does not reach the receiver: it \
             arrived in x-chat, but the receiver reads its session from x-talk (fix: the same \
             BATON_SESSION_HEADER on both sides)\n"
        ),
        "{}",
        out.stdout
    );
}
