//! `decode`, `convert` and `explain` read the `NAME=VALUE` lines baton's
//! environment carrier writes for a child process (`TRACEPARENT=00-...`),
//! as the header each name stands for, and `decode` says which. Found: a
//! user pasting `env | grep -i trace` from a child got "expected `name:
//! value`" for every line.

mod common;

use baton::propagation::{Composite, EnvCarrier, Propagator};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};
use common::cli::{baton, baton_env};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID: &str = "00f067aa0ba902b7";
const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// What the environment carrier writes for `list` into a child's
/// environment, as `env` prints it: one `NAME=VALUE` line each.
fn env_lines(list: &str) -> String {
    let sc = SpanContext::new(
        TraceId::from_hex(TRACE_ID).unwrap(),
        SpanId::from_hex(SPAN_ID).unwrap(),
        TraceFlags::from_bits(1),
    );
    let cx = Context::default()
        .with_span_context(sc)
        .with_baggage("user", "u:1=x");
    let cx = cx.with_baggage("session.id", "chat-42");
    let mut env = EnvCarrier::default();
    Composite::from_list(list).unwrap().inject(&cx, &mut env);
    env.vars().map(|(k, v)| format!("{k}={v}\n")).collect()
}

#[test]
fn decode_reads_every_variable_the_carrier_writes_and_names_its_header() {
    for (list, headers) in [
        (
            "tracecontext,baggage,session",
            &["traceparent", "baggage", "baton-session-id"][..],
        ),
        ("b3", &["b3"][..]),
        (
            "b3multi",
            &["x-b3-traceid", "x-b3-spanid", "x-b3-sampled"][..],
        ),
        // Jaeger writes no baggage there: see
        // tests/jaeger_baggage_is_not_written_into_the_environment.rs.
        ("jaeger", &["uber-trace-id"][..]),
    ] {
        let input = env_lines(list);
        let out = baton(&["decode"], &input);
        assert_eq!(out.code, 0, "{list}: {input}{}", out.stdout);
        for header in headers {
            assert!(
                out.stdout.contains(&format!("  read as    {header}\n")),
                "{list}: {header} in\n{}",
                out.stdout
            );
        }
        assert!(out.stdout.contains(TRACE_ID), "{list}: {}", out.stdout);
    }
}

#[test]
fn decode_shows_the_variable_line_and_its_fields() {
    let out = baton(
        &["decode"],
        &format!("TRACEPARENT={TP}\nBAGGAGE=k=v,u=a:b\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        out.stdout,
        format!(
            "TRACEPARENT={TP}\n  read as    traceparent\n  version    00\n  \
             trace id   {TRACE_ID}\n  span id    {SPAN_ID}\n  flags      01 (sampled)\n\
             BAGGAGE=k=v,u=a:b\n  read as    baggage\n  entry      k = \"v\"\n  \
             entry      u = \"a:b\"\n"
        )
    );
}

#[test]
fn jaeger_baggage_variables_are_named_as_unreadable() {
    // What the carrier wrote for Jaeger before it left baggage out (and
    // what another writer may still put there): one variable per baggage
    // entry, whose key the name mapping has lost.
    let input = env_lines("jaeger") + "UBERCTX_USER=u%3A1%3Dx\n";
    assert!(input.starts_with("UBER_TRACE_ID="), "{input}");
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 1, "{input}{}", out.stdout);
    assert!(
        out.stdout.starts_with(
            "line 2: \"UBERCTX_USER\" is Jaeger baggage (uberctx-*) in the environment: \
             its key cannot be read back"
        ),
        "{}",
        out.stdout
    );
    let out = baton(&["decode"], input.lines().next().unwrap());
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("  read as    uber-trace-id\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn header_lines_with_equals_in_the_value_stay_header_lines() {
    let out = baton(
        &["decode", "baggage: k=v", &format!("traceparent: {TP}")],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out
        .stdout
        .starts_with("baggage: k=v\n  entry      k = \"v\"\n"));
    assert!(!out.stdout.contains("read as"));
}

#[test]
fn a_session_header_named_in_the_environment_is_read_by_its_variable() {
    let out = baton_env(
        &["decode", "MIRASCOPE_SESSION_ID=chat-42"],
        b"",
        &[("BATON_SESSION_HEADER", Some("Mirascope-Session-Id"))],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("  read as    mirascope-session-id\n"));
    assert!(out.stdout.contains("  session    chat-42\n"));
}

/// A name the carrier spells otherwise is no variable a child reads, nor
/// one of no context to skip: a header typed with `=`, most likely.
/// (`PATH=...` is skipped: see cli_decode_skips_variables_that_carry_no_context.)
#[test]
fn a_variable_the_carrier_spells_otherwise_is_an_error_that_says_so() {
    for (line, writes) in [
        (format!("traceparent={TP}"), "TRACEPARENT"),
        (format!("X-B3-TraceId={TRACE_ID}"), "X_B3_TRACEID"),
    ] {
        let line = line.as_str();
        let out = baton(&["decode", "PATH=/usr/bin", line], "");
        assert_eq!(out.code, 1, "{line}: {}", out.stdout);
        let name = line.split('=').next().unwrap();
        assert!(
            out.stdout.starts_with(&format!(
                "line 2: {name:?} is no variable baton's environment carrier writes for a \
                 child process: it writes {writes}, and a child reads names exactly; a header line \
                 is `name: value`\n"
            )),
            "{line}: {}",
            out.stdout
        );
        assert!(out.stdout.contains(&format!("  {line}\n  ^\n")));
    }
}

#[test]
fn a_line_that_is_neither_points_at_its_end() {
    let out = baton(&["decode", "hello"], "");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "line 1: expected `name: value` or `NAME=VALUE`, found no `:` or `=`\n  hello\n       ^\n"
    );
}

#[test]
fn a_bad_value_in_a_variable_points_at_its_byte() {
    let out = baton(&["decode", "TRACEPARENT=00-xyz"], "");
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.starts_with("line 1: traceparent"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("  00-xyz\n"), "{}", out.stdout);
}

#[test]
fn convert_and_explain_read_variable_lines() {
    let out = baton(&["convert", "--to", "b3", &format!("TRACEPARENT={TP}")], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("b3: {TRACE_ID}-{SPAN_ID}-1\n"));

    let out = baton(
        &["explain"],
        &format!("TRACEPARENT={TP}\n---\ntraceparent: {TP}\n"),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("the trace continues intact"));
}
