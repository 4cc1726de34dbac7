//! The operator's path through the `baton` command with headers pasted as
//! they come out of real tools: CRLF line ends (a Windows terminal, a raw
//! HTTP capture), header names in any case, no space or a tab after the
//! `:`, several formats at once (a mesh adding B3 beside W3C), and what
//! `decode`, `convert` and `explain` make of them, with the exit statuses
//! `baton <cmd> --help` documents (0 valid or intact, 1 invalid or broken,
//! 2 usage error).

#[path = "common/cli.rs"]
mod cli;

use cli::baton;

const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const S: &str = "00f067aa0ba902b7";

/// An outgoing request of a Python service (requests + OpenTelemetry),
/// copied from a proxy's log: CRLF, title-case names, a tab after one `:`,
/// no space after another, trailing spaces.
fn python_client_capture() -> String {
    format!(
        "Traceparent:\t00-{T}-{S}-01  \r\n\
         TraceState:rojo=00f067aa0ba902b7,congo=t61rcWkgMzE\r\n\
         Baggage: userId=alice, serverNode=DF%2028;ttl=60 ,isProduction=false\r\n\
         BATON-SESSION-ID: chat-42\r\n"
    )
}

#[test]
fn decode_reads_a_crlf_capture_in_any_case_and_spacing() {
    let out = baton(&["decode"], &python_client_capture());
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for expected in [
        format!("  trace id   {T}\n"),
        format!("  span id    {S}\n"),
        "  flags      01 (sampled)\n".to_owned(),
        "  member     rojo=00f067aa0ba902b7\n".to_owned(),
        "  member     congo=t61rcWkgMzE\n".to_owned(),
        "  entry      userId = \"alice\"\n".to_owned(),
        "  entry      serverNode = \"DF 28\"".to_owned(),
        "  entry      isProduction = \"false\"\n".to_owned(),
    ] {
        assert!(
            out.stdout.contains(&expected),
            "{expected:?} in\n{}",
            out.stdout
        );
    }
    assert!(out.stdout.contains("chat-42"), "{}", out.stdout);
    assert!(
        !out.stdout.contains('\r'),
        "no carriage return echoed: {:?}",
        out.stdout
    );
}

/// The same capture converted for a Zipkin-instrumented service: the ids
/// and decision go on in `b3`, the baggage (session included) in a
/// `baggage` line; what B3 cannot carry (tracestate) is named on stderr.
#[test]
fn convert_a_crlf_capture_to_b3_and_back() {
    let out = baton(&["convert", "--to", "b3"], &python_client_capture());
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], format!("b3: {T}-{S}-1"));
    let baggage = lines
        .iter()
        .find_map(|l| l.strip_prefix("baggage: "))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    for member in [
        "userId=alice",
        "serverNode=DF%2028;ttl=60",
        "isProduction=false",
        "session.id=chat-42",
    ] {
        assert!(
            baggage.split(',').any(|m| m == member),
            "{member} in {baggage}"
        );
    }
    assert!(out.stderr.contains("tracestate"), "{}", out.stderr);

    // And back: what convert wrote, pasted into convert again.
    let back = baton(&["convert", "--to", "tracecontext"], &out.stdout);
    assert_eq!(back.code, 0, "{}\n{}", back.stdout, back.stderr);
    assert!(
        back.stdout
            .starts_with(&format!("traceparent: 00-{T}-{S}-01\n")),
        "{}",
        back.stdout
    );
}

/// A Jaeger client's headers (its debug bit, `uberctx-*` baggage in mixed
/// case) converted to W3C for an OpenTelemetry service.
#[test]
fn convert_a_jaeger_capture_to_tracecontext() {
    let input = format!(
        "Uber-Trace-Id: {T}:{S}:0:3\r\nUberctx-Tenant: acme%20corp\r\nuberctx-user: alice\r\n"
    );
    let out = baton(&["convert", "--to", "tracecontext"], &input);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout,
        format!("traceparent: 00-{T}-{S}-01\nbaggage: tenant=acme%20corp,user=alice\n")
    );
    assert!(out.stderr.contains("debug flag"), "{}", out.stderr);
}

/// Header captures of one hop, sender's then receiver's, CRLF and a blank
/// line between (as two request dumps pasted one after the other), other
/// headers of the requests included: the trace continues.
#[test]
fn explain_an_intact_hop_from_two_full_request_dumps() {
    let input = format!(
        "Host: orders.internal\r\nUser-Agent: python-requests/2.31.0\r\n\
         traceparent: 00-{T}-{S}-01\r\nbaggage: session.id=chat-42,user=alice\r\n\
         \r\n\
         host: orders.internal\r\nX-Forwarded-For: 10.0.0.7\r\nX-Request-Id: 3f2a\r\n\
         Traceparent: 00-{T}-{S}-01\r\nBaggage: session.id=chat-42,user=alice\r\n"
    );
    let out = baton(&["explain"], &input);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("verdict:  the trace continues intact"),
        "{}",
        out.stdout
    );
}

/// A mesh sidecar on the receiving side added `b3` of the same trace but
/// another parent span (its own span), or the opposite decision, beside
/// the caller's `traceparent`. The receiver (`tracecontext,b3`) keeps the
/// `traceparent` and its propagators report the disagreement as a
/// `conflicting-context` (`Problem::SpanConflict`; README: "the same
/// trace with another parent span id or sampling decision"); `decode`
/// names it too ("lines 1 and 2 disagree"). `explain` should say so, not
/// call the hop intact.
#[test]
fn explain_names_two_contexts_of_the_same_trace_that_disagree() {
    for b3 in [format!("{T}-2222222222222222-1"), format!("{T}-{S}-0")] {
        let input = format!(
            "traceparent: 00-{T}-{S}-01\r\n---\r\ntraceparent: 00-{T}-{S}-01\r\nb3: {b3}\r\n"
        );
        let out = baton(
            &["explain", "--receiver-propagators", "tracecontext,b3"],
            &input,
        );
        assert_eq!(out.code, 1, "b3: {b3}\n{}", out.stdout);
        assert!(
            out.stdout.contains("conflicting contexts"),
            "b3: {b3}\n{}",
            out.stdout
        );
        assert!(!out.stdout.contains("intact"), "{}", out.stdout);
    }
    // The same within B3: an `x-b3-*` set of another parent beside `b3`.
    let input = format!(
        "b3: {T}-{S}-1\r\n---\r\nb3: {T}-{S}-1\r\nX-B3-TraceId: {T}\r\n\
         X-B3-SpanId: 1111111111111111\r\nX-B3-ParentSpanId: {S}\r\nX-B3-Sampled: 1\r\n"
    );
    let out = baton(
        &[
            "explain",
            "--sender-propagators",
            "b3",
            "--receiver-propagators",
            "b3",
        ],
        &input,
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("conflicting contexts"),
        "{}",
        out.stdout
    );
}

/// Exit statuses as `--help` documents them, on pasted input.
#[test]
fn exit_statuses_on_pasted_input() {
    // A header cut short when pasted: invalid input, saying where.
    let out = baton(&["decode"], &format!("traceparent: 00-{T}-{S}-1\r\n"));
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("line 1"), "says where: {}", out.stdout);
    // An unknown option: usage error.
    let out = baton(&["convert", "--to", "zipkin"], &python_client_capture());
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    // explain of a hop where a gateway dropped traceparent: breaks, 1.
    let input = format!("traceparent: 00-{T}-{S}-01\r\n\r\nx-request-id: 3f2a\r\n");
    let out = baton(&["explain"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("headers that disappeared on the way: traceparent"),
        "{}",
        out.stdout
    );
}
