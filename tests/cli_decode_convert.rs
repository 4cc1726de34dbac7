//! `baton decode` and `baton convert`, run as the built binary: what they
//! print, where the caret points, and the exit codes (0 valid, 1 invalid
//! input, 2 usage error).

mod common;

use common::cli::baton;

const TRACEPARENT: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn decode_prints_traceparent_fields() {
    let out = baton(&["decode", TRACEPARENT], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
  version    00
  trace id   4bf92f3577b34da6a3ce929d0e0e4736
  span id    00f067aa0ba902b7
  flags      01 (sampled)
"
    );
}

#[test]
fn decode_reads_standard_input_and_recognises_each_line() {
    let input = "Tracestate: congo=t61rcWkgMzE, rojo=00f067aa0ba902b7\n\n\
                 baggage: user_id=u1;ttl=60, session.id=s%201\n";
    let out = baton(&["decode"], input);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        out.stdout,
        "Tracestate: congo=t61rcWkgMzE, rojo=00f067aa0ba902b7
  member     congo=t61rcWkgMzE
  member     rojo=00f067aa0ba902b7
baggage: user_id=u1;ttl=60, session.id=s%201
  entry      user_id = \"u1\" ;ttl=60
  entry      session.id = \"s 1\"
"
    );
}

#[test]
fn decode_points_at_the_offending_byte() {
    let out = baton(
        &[
            "decode",
            "traceparent: 00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        ],
        "",
    );
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("line 1: "), "{}", out.stdout);
    assert_eq!(
        lines[1],
        "  00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"
    );
    assert_eq!(lines[2], "      ^");
}

#[test]
fn decode_reports_every_bad_line_and_still_decodes_the_good_ones() {
    let out = baton(
        &["decode"],
        &format!("baggage: a=1,b c=2\n{TRACEPARENT}\nhost: example.com\n"),
    );
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("line 1: baggage"), "{}", out.stdout);
    assert_eq!(lines[1], "  a=1,b c=2");
    assert_eq!(lines[2], "        ^");
    assert!(out.stdout.contains("  span id    00f067aa0ba902b7\n"));
    assert!(out
        .stdout
        .contains("line 3: \"host\" is not a propagation header"));
}

#[test]
fn decode_rejects_a_line_without_a_colon() {
    let out = baton(&["decode", "traceparent 00-01"], "");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "line 1: expected `name: value` or `NAME=VALUE`, found no `:` or `=`\n  traceparent 00-01\n                   ^\n"
    );
}

#[test]
fn convert_traceparent_to_b3_single() {
    let out = baton(&["convert", "--to", "b3", TRACEPARENT], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1\n"
    );
}

#[test]
fn convert_b3_to_tracecontext_reads_standard_input() {
    let out = baton(
        &["convert", "--to=tracecontext"],
        "b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "traceparent: 00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01\n"
    );
}

#[test]
fn convert_to_jaeger_carries_the_session_as_uberctx() {
    let out = baton(
        &[
            "convert",
            "--to",
            "jaeger",
            TRACEPARENT,
            "baggage: session.id=s%201",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:01\n\
         uberctx-session.id: s%201\n"
    );
}

/// Debug crosses; the parent span id does not (OpenTelemetry "MUST NOT
/// propagate `X-B3-ParentSpanId`"), and convert says so.
#[test]
fn convert_jaeger_to_b3multi_keeps_debug_and_names_the_parent_dropped() {
    let out = baton(
        &["convert", "--to", "b3multi"],
        "uber-trace-id: 463ac35c9f6413ad:a2fb4a1d1a96d312:5e3ac9a4f6e3b90:3\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("x-b3-traceid: 0000000000000000463ac35c9f6413ad\n")
            || out.stdout.contains("x-b3-traceid: 463ac35c9f6413ad\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("x-b3-spanid: a2fb4a1d1a96d312\n"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("x-b3-parentspanid"), "{}", out.stdout);
    assert!(out.stdout.contains("x-b3-flags: 1\n"), "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "baton: convert --to b3multi: parent span id 05e3ac9a4f6e3b90 dropped\n"
    );
}

#[test]
fn convert_refuses_invalid_input_with_the_caret() {
    let out = baton(&["convert", "--to", "b3", "traceparent: 00-xyz"], "");
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(lines[0].starts_with("line 1: "), "{}", out.stderr);
    assert_eq!(lines[1], "  00-xyz");
    assert_eq!(lines[2], "     ^");
}

#[test]
fn convert_needs_trace_ids() {
    let out = baton(&["convert", "--to", "b3", "baggage: k=v"], "");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("no trace and span ids"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_errors_exit_with_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["convert"],
        &["convert", "--to"],
        &["convert", "--to", "zipkin", TRACEPARENT],
        &["convert", TRACEPARENT],
        // decode has no options; README: "2 usage error".
        &["decode", "--no-such-flag"],
        &["decode", TRACEPARENT, "-v"],
    ] {
        let out = baton(args, "");
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains("usage:"), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn an_option_without_its_value_is_named_with_its_command() {
    let out = baton(&["convert", "--to"], "");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("convert: --to needs a format"),
        "{}",
        out.stderr
    );
}

#[test]
fn decode_reads_b3_multi_lines_as_one_context_and_jaeger_baggage() {
    let input = "X-B3-TraceId: 463ac35c9f6413ad\nX-B3-SpanId: a2fb4a1d1a96d312\n\
                 X-B3-Sampled: true\nuberctx-Session.Id: s%201\nb3: 0\n";
    let out = baton(&["decode"], input);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        out.stdout,
        "X-B3-TraceId: 463ac35c9f6413ad
  trace id   0000000000000000463ac35c9f6413ad
  span id    a2fb4a1d1a96d312
  parent     none
  sampling   accept
X-B3-SpanId: a2fb4a1d1a96d312
  context    with the X-B3 lines above
X-B3-Sampled: true
  context    with the X-B3 lines above
uberctx-Session.Id: s%201
  entry      session.id = \"s 1\"
b3: 0
  sampling   deny
"
    );
}

#[test]
fn decode_blames_the_x_b3_line_at_fault() {
    let out = baton(
        &[
            "decode",
            "X-B3-TraceId: 463ac35c9f6413ad",
            "X-B3-SpanId: a2fb4a1d1A96d312",
        ],
        "",
    );
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[2].starts_with("line 2: "), "{}", out.stdout);
    assert_eq!(lines[3], "  a2fb4a1d1A96d312");
    assert_eq!(lines[4], "           ^");
}

#[test]
fn decode_points_into_jaeger_values() {
    let out = baton(
        &[
            "decode",
            "uber-trace-id: 463ac35c9f6413ad:a2fb4a1d1a96d312:0:1:9",
        ],
        "",
    );
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[1], "  463ac35c9f6413ad:a2fb4a1d1a96d312:0:1:9");
    assert_eq!(lines[2], "                                       ^");
}

/// Issue 10: decode printed three different trace ids from one input with
/// exit 0, while extraction of the same lines reports a conflict. Each line
/// still decodes; the disagreement is named with its lines, and exits 1.
#[test]
fn decode_names_the_lines_whose_trace_ids_disagree() {
    let input = format!(
        "{TRACEPARENT}\nb3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1\n\
         uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1\n"
    );
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out
        .stdout
        .contains("  trace id   80f198ee56343ba864fe8b2a57d3eff7\n"));
    let last = out.stdout.lines().last().unwrap();
    assert_eq!(
        last,
        "lines 1 and 2 disagree: traceparent carries trace id 4bf92f3577b34da6a3ce929d0e0e4736, \
         b3 carries 80f198ee56343ba864fe8b2a57d3eff7; extraction keeps the first"
    );
    // The same trace id in every format is one context.
    let same = format!(
        "{TRACEPARENT}\nuber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1\n\
         X-B3-TraceId: 4bf92f3577b34da6a3ce929d0e0e4736\nX-B3-SpanId: 00f067aa0ba902b7\n"
    );
    assert_eq!(baton(&["decode"], &same).code, 0);
}

/// W3C Trace Context: a request carries one `traceparent`; with two,
/// extraction ignores both, so decode says so.
#[test]
fn decode_rejects_two_traceparent_lines() {
    let out = baton(&["decode", TRACEPARENT, TRACEPARENT], "");
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("lines 1 and 2: two traceparent lines"),
        "{}",
        out.stdout
    );
}

/// X-B3 lines of another trace than the traceparent are named by the first
/// X-B3 line.
#[test]
fn decode_names_the_first_x_b3_line_in_a_conflict() {
    let input =
        format!("{TRACEPARENT}\nX-B3-TraceId: 463ac35c9f6413ad\nX-B3-SpanId: a2fb4a1d1a96d312\n");
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("lines 1 and 2 disagree") && out.stdout.contains("X-B3-* carries"),
        "{}",
        out.stdout
    );
}

#[test]
fn lines_that_pass_a_baggage_limit_together_are_refused_by_decode_and_convert() {
    let lines = |fields: usize| -> Vec<String> {
        std::iter::once(
            "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_owned(),
        )
        .chain((0..fields).map(|i| format!("uberctx-k{i}: v")))
        .collect()
    };
    let at_limit = lines(64);
    let past = lines(65);
    let args = |lines: &[String], lead: &[&'static str]| -> Vec<String> {
        lead.iter()
            .map(|s| s.to_string())
            .chain(lines.iter().cloned())
            .collect()
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        baton(&args, "")
    };
    assert_eq!(run(args(&at_limit, &["decode"])).code, 0);
    let converted = run(args(&at_limit, &["convert", "--to", "tracecontext"]));
    assert_eq!(converted.code, 0);
    assert!(converted.stdout.contains("k63=v"));

    let decoded = run(args(&past, &["decode"]));
    assert_eq!(decoded.code, 1);
    let stdout = &decoded.stdout;
    assert!(stdout.contains("together, the lines pass a limit: uberctx-*: skipped 0 invalid and dropped 1 members past a limit"), "{stdout}");
    // convert refuses what decode refuses, rather than drop a member.
    let refused = run(args(&past, &["convert", "--to", "tracecontext"]));
    assert_eq!(refused.code, 1);
    assert!(refused.stdout.is_empty());
    assert!(refused.stderr.contains("dropped 1 members past a limit"));
}
