//! Issue 12 item 7: `baton explain`, run as the built binary, one case per
//! verdict: intact (exit 0); no context injected, a format the receiver
//! does not read, headers that disappeared, conflicting contexts, the
//! sampled flag flipped, baggage and session members dropped (with the
//! limit), tracestate truncated (exit 1); usage errors (exit 2).

mod common;

use common::cli::{baton, Output};

const TRACEPARENT: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const B3: &str = "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1";

fn explain(args: &[&str], stdin: &str) -> Output {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    baton(&all, stdin)
}

/// The verdict line and the findings (`- ` and `  fix:` lines).
fn verdict(out: &Output) -> Vec<&str> {
    out.stdout
        .lines()
        .skip_while(|l| !l.starts_with("verdict:"))
        .collect()
}

#[test]
fn an_intact_hop_exits_0() {
    let block = format!(
        "{TRACEPARENT}\ntracestate: congo=t61rcWkgMzE\nbaggage: user_id=u1, session.id=s-1\n"
    );
    let out = explain(&[], &format!("{block}\n{block}"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(verdict(&out), ["verdict:  the trace continues intact"]);
    assert!(out.stdout.starts_with(
        "sent:     trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7 sampled \
         (as tracecontext), tracestate of 1 members, 1 baggage members, session s-1\n"
    ));
}

#[test]
fn no_context_injected() {
    let out = explain(
        &[],
        "content-type: text/plain\n---\ncontent-type: text/plain\n",
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        verdict(&out),
        [
            "verdict:  the trace breaks at this hop",
            "- no context injected: the caller's request carries no trace header \
             (traceparent, b3, x-b3-traceid or uber-trace-id)",
            "  fix: call baton::inject_context(&mut headers) on the outgoing request, inside the span",
        ]
    );
    // With the caller's propagators, it names what the caller should have written.
    let out = explain(
        &["--sender-propagators", "b3multi"],
        "accept: */*\n---\naccept: */*\n",
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains(
        "no context injected: the caller's OTEL_PROPAGATORS=b3multi would write x-b3-traceid, \
         x-b3-spanid, x-b3-sampled, x-b3-flags, but its request carries none"
    ));
}

#[test]
fn a_format_the_receiver_does_not_read_names_the_fix() {
    let out = explain(&[], &format!("{B3}\n---\n{B3}\n"));
    assert_eq!(out.code, 1);
    assert_eq!(
        verdict(&out),
        [
            "verdict:  the trace breaks at this hop",
            "- a format the receiver does not read: the context arrived as b3, but the \
             receiver reads OTEL_PROPAGATORS=tracecontext,baggage",
            "  fix: OTEL_PROPAGATORS=tracecontext,baggage,b3 on the receiver",
        ]
    );
    // The same hop with the fix applied is intact.
    let fixed = explain(
        &["--receiver-propagators=tracecontext,baggage,b3"],
        &format!("{B3}\n---\n{B3}\n"),
    );
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
}

#[test]
fn headers_that_disappeared_on_the_way() {
    let out = explain(
        &[],
        &format!("{TRACEPARENT}\ntracestate: a=1\nbaggage: k=v\n---\nbaggage: k=v\n"),
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        verdict(&out),
        [
            "verdict:  the trace breaks at this hop",
            "- headers that disappeared on the way: traceparent, tracestate. Something between \
             the two services (a proxy, a gateway, an HTTP client that copies only some headers) \
             dropped them",
            "  fix: let traceparent, tracestate through that hop",
        ]
    );
}

#[test]
fn conflicting_contexts() {
    let input = format!(
        "{TRACEPARENT}\n---\n{TRACEPARENT}\nb3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1\n"
    );
    let out = explain(&["--receiver-propagators", "tracecontext,b3"], &input);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains(
        "- conflicting contexts: tracecontext carries 4bf92f3577b34da6a3ce929d0e0e4736, b3 \
         carries 80f198ee56343ba864fe8b2a57d3eff7; the receiver keeps \
         4bf92f3577b34da6a3ce929d0e0e4736"
    ));
    // A replaced traceparent: the receiver continues another trace.
    let replaced = format!(
        "{TRACEPARENT}\n---\ntraceparent: 00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01\n"
    );
    let out = explain(&[], &replaced);
    assert_eq!(out.code, 1);
    assert_eq!(verdict(&out)[0], "verdict:  the trace breaks at this hop");
    assert!(out.stdout.contains(
        "- conflicting contexts: the receiver continues trace 80f198ee56343ba864fe8b2a57d3eff7, \
         not the caller's 4bf92f3577b34da6a3ce929d0e0e4736"
    ));
}

#[test]
fn the_sampled_flag_flipped() {
    let input = format!(
        "{TRACEPARENT}\n---\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00\n"
    );
    let out = explain(&[], &input);
    assert_eq!(out.code, 1);
    assert_eq!(
        verdict(&out)[..2],
        [
            "verdict:  the trace continues, but loses something on the way",
            "- the sampled flag flipped: the caller sent sampled=1, the receiver reads \
             sampled=0; the receiver will not record its spans: the trace has a hole from here on",
        ]
    );
}

#[test]
fn baggage_members_dropped_by_the_member_limit() {
    let members: Vec<String> = (0..70).map(|i| format!("k{i}=v")).collect();
    let baggage = format!("baggage: {}", members.join(","));
    let out = explain(
        &[],
        &format!("{TRACEPARENT}\n{baggage}\n---\n{TRACEPARENT}\n{baggage}\n"),
    );
    assert_eq!(out.code, 1);
    let lines = verdict(&out);
    assert_eq!(
        lines[0],
        "verdict:  the trace continues, but loses something on the way"
    );
    assert!(
        lines[1].starts_with(
            "- baggage members dropped: k64, k65, k66, k67, k68, k69 (6 of 70): dropped by the \
             W3C limit of 64 members (70 sent)"
        ),
        "{}",
        lines[1]
    );
}

#[test]
fn baggage_members_dropped_by_the_byte_limit() {
    let big = "x".repeat(5000);
    let baggage = format!("baggage: a={big},b={big}");
    let out = explain(
        &[],
        &format!("{TRACEPARENT}\n{baggage}\n---\n{TRACEPARENT}\n{baggage}\n"),
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains(
            "- baggage members dropped: b (1 of 2): dropped by the W3C limit of 8192 bytes"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn a_session_the_receiver_does_not_read() {
    let input = format!(
        "{TRACEPARENT}\nbaton-session-id: chat-42\n---\n{TRACEPARENT}\nbaton-session-id: chat-42\n"
    );
    let out = explain(&[], &input);
    assert_eq!(out.code, 1);
    assert_eq!(
        verdict(&out),
        [
            "verdict:  the trace continues, but loses something on the way",
            "- session dropped: the caller's session chat-42 does not reach the receiver: it \
             arrived in baton-session-id, which the receiver does not read (fix: \
             OTEL_PROPAGATORS=tracecontext,baggage,session)",
        ]
    );
    let fixed = explain(
        &["--receiver-propagators", "tracecontext,baggage,session"],
        &input,
    );
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
}

#[test]
fn tracestate_truncated() {
    let input =
        format!("{TRACEPARENT}\ntracestate: a=1,b=2,c=3\n---\n{TRACEPARENT}\ntracestate: a=1\n");
    let out = explain(&[], &input);
    assert_eq!(out.code, 1);
    assert_eq!(
        verdict(&out)[1],
        "- tracestate truncated: the caller sent 3 members, the receiver keeps 1: the header \
         was cut on the way: 1 members arrived"
    );
    // Past the W3C limit the receiver drops it, and says which limit.
    let members: Vec<String> = (0..33).map(|i| format!("k{i}=v")).collect();
    let ts = format!("tracestate: {}", members.join(","));
    let out = explain(
        &[],
        &format!("{TRACEPARENT}\n{ts}\n---\n{TRACEPARENT}\n{ts}\n"),
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("- tracestate truncated: the caller sent 33 members, the receiver keeps 0")
            && out.stdout.contains("more than 32 members"),
        "{}",
        out.stdout
    );
}

#[test]
fn two_files_work_like_standard_input() {
    let dir = std::env::temp_dir().join(format!("baton-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (sent, received) = (dir.join("sent"), dir.join("received"));
    std::fs::write(&sent, format!("{B3}\n")).unwrap();
    std::fs::write(&received, format!("{B3}\n")).unwrap();
    let args = [sent.to_str().unwrap(), received.to_str().unwrap()];
    let out = explain(&args, "");
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("a format the receiver does not read"));
    let out = explain(&[&["--receiver-propagators", "b3"][..], &args].concat(), "");
    assert_eq!(out.code, 0, "{}", out.stdout);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    for (args, stdin, message) in [
        (&["--bogus"][..], "", "unknown option \"--bogus\""),
        (
            &["/nonexistent/sent", "/nonexistent/received"][..],
            "",
            "cannot read /nonexistent/sent",
        ),
        (&["only-one-file"][..], "", "two files"),
        (
            &["--sender-propagators"][..],
            "",
            "explain: --sender-propagators needs a list",
        ),
        (&[][..], "traceparent: x\n", "two header blocks"),
        (&[][..], "a: 1\n---\nb: 2\n---\n", "more than one ---"),
        (
            &[][..],
            "GET / HTTP/1.1\n---\n",
            "line 1: expected `name: value`",
        ),
    ] {
        let out = explain(args, stdin);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn jaeger_baggage_and_session_the_receiver_does_not_read() {
    let block = "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1\n\
                 uberctx-user: u1\nuberctx-session.id: s9\n";
    let out = explain(
        &["--receiver-propagators", "tracecontext,baggage"],
        &format!("{block}---\n{block}"),
    );
    assert_eq!(out.code, 1);
    let lines = verdict(&out);
    assert_eq!(lines[0], "verdict:  the trace breaks at this hop");
    assert!(lines.contains(
        &"- baggage members dropped: user (1 of 2): they arrived as uberctx-* headers, which \
          only the jaeger propagator reads (fix: OTEL_PROPAGATORS=tracecontext,baggage,jaeger)"
    ));
    assert!(lines.iter().any(|l| l.starts_with(
        "- session dropped: the caller's session s9 does not reach the receiver: they arrived \
         as uberctx-* headers"
    )));
}

#[test]
fn a_session_id_past_the_length_limit() {
    let block = format!("{TRACEPARENT}\nbaton-session-id: {}\n", "s".repeat(257));
    let out = explain(
        &["--receiver-propagators", "tracecontext,session"],
        &format!("{block}---\n{block}"),
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        verdict(&out),
        [
            "verdict:  the trace continues, but loses something on the way",
            "- session dropped: the caller's baton-session-id header is invalid: \
             session id is 257 bytes, over the limit of 256",
        ]
    );
}
