//! An argument of `decode` or `convert` that looks like an option and is
//! no `name: value` line is a usage error (exit 2) naming it, and so is a
//! second `--to`. Found: `convert` read them as header lines and answered
//! "invalid input" (exit 1, "expected `name: value`"), as if the headers
//! were at fault.

mod common;

use common::cli::{baton, Output};

const B3: &str = "b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1";

#[test]
fn options_among_the_header_lines_are_usage_errors() {
    for (args, first_line) in [
        (
            &["convert", "--to", "b3", B3, "-x"][..],
            "baton: convert: unknown option \"-x\"",
        ),
        (
            &["convert", "--to", "b3", "--to", "jaeger", B3],
            "baton: convert: --to given twice",
        ),
        (
            &["convert", "--to=b3", B3, "--to=jaeger"],
            "baton: convert: --to given twice",
        ),
        (
            &["decode", B3, "--verbose"],
            "baton: decode: unknown option \"--verbose\"",
        ),
    ] {
        let Output {
            code,
            stdout,
            stderr,
        } = baton(args, "");
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr.lines().next(), Some(first_line), "{args:?}");
        assert!(stderr.contains("usage:"), "{args:?}");
    }
}
