//! A propagator list that names nothing runs the default
//! (`tracecontext,baggage`), but `baton demo --propagator ''` printed
//! "propagated with " and `explain --receiver-propagators=` printed
//! "read with OTEL_PROPAGATORS=". The commands print the lists that run.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn explain_quotes_the_receivers_list_as_it_runs() {
    let hop = format!("{TP}\n---\n{TP}\n");
    for (typed, runs) in [
        ("", "tracecontext,baggage"),
        (" , ", "tracecontext,baggage"),
        (" TraceContext, b3 ,tracecontext", "tracecontext,b3"),
    ] {
        let out = baton(
            &["explain", &format!("--receiver-propagators={typed}")],
            &hop,
        );
        assert_eq!(out.code, 0, "{typed:?}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stdout
                .contains(&format!(", read with OTEL_PROPAGATORS={runs}\n")),
            "{typed:?}: {}",
            out.stdout
        );
    }
}

#[test]
fn explain_quotes_the_callers_list_as_it_runs() {
    let out = baton(
        &["explain", "--sender-propagators", ""],
        "accept: */*\n---\naccept: */*\n",
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains(
            "no context injected: the caller's OTEL_PROPAGATORS=tracecontext,baggage would \
             write traceparent, tracestate, baggage"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn demo_names_the_propagators_that_ran() {
    let out = baton(&["demo", "--propagator", "", "--export", "none"], "");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let header = out.stdout.lines().next().unwrap_or_default();
    assert!(
        header.ends_with(", propagated with tracecontext,baggage"),
        "{header}"
    );
}
