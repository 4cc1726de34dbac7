//! A `UBERCTX_*` variable is Jaeger baggage that the environment carrier
//! wrote but no child process reads (the key is lost in the normalized
//! name). `decode` and `convert` say so and name `BAGGAGE`, the variable
//! that does carry baggage to a child, rather than skipping it as a
//! variable of no context (found: once other variables were skipped, this
//! one would have been skipped too) or calling it unknown.

mod common;

use common::cli::baton;

const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

const SAYS: &str = "\"UBERCTX_FOO\" is Jaeger baggage (uberctx-*) in the environment: its key \
                    cannot be read back from the variable name (the carrier's names lose case \
                    and punctuation), so the environment carrier never carries it and no child \
                    process reads it; baggage reaches a child process in BAGGAGE \
                    (OTEL_PROPAGATORS with baggage)";

#[test]
fn decode_says_uberctx_is_never_read_and_names_baggage() {
    let out = baton(&["decode", "UBERCTX_FOO=bar"], "");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.stdout,
        format!("line 1: {SAYS}\n  UBERCTX_FOO=bar\n  ^\n")
    );
}

#[test]
fn among_skipped_variables_uberctx_is_still_named() {
    let input = format!("PATH=/bin\nTRACEPARENT={TP}\nUBERCTX_FOO=bar\nHOME=/root\n");
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.starts_with(&format!("line 3: {SAYS}\n")),
        "{}",
        out.stdout
    );
    let out = baton(&["convert", "--to", "b3"], &input);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with(&format!("line 3: {SAYS}\n")),
        "{}",
        out.stderr
    );
}
