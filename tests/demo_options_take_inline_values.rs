//! `baton demo` takes `--name=value` as well as `--name value`, as
//! `explain --receiver-propagators=LIST` and `convert --to=FORMAT` do.
//! Found: `baton demo --export=jsonl` was a usage error ("unknown demo
//! option").

mod common;

use common::cli::{baton_env, Output};

/// Runs `baton demo ARGS`.
fn demo(args: &[&str]) -> Output {
    baton_env(
        &[&["demo"], args].concat(),
        b"",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", None),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", None),
            ("OTEL_SERVICE_NAME", None),
            ("OTEL_RESOURCE_ATTRIBUTES", None),
        ],
    )
}

#[test]
fn an_inline_value_is_read_as_the_value() {
    let Output {
        code,
        stdout,
        stderr,
    } = demo(&["--export=none", "--propagator=b3multi,baggage"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout
            .lines()
            .next()
            .unwrap()
            .ends_with("propagated with b3multi,baggage"),
        "{stdout}"
    );
    assert_eq!(stderr, "");
}

#[test]
fn an_inline_value_is_checked_as_a_separate_one_is() {
    let Output { code, stderr, .. } = demo(&["--export=bogus"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("baton: --export \"bogus\": expected none, console, jsonl or otlp\n"),
        "{stderr}"
    );
    let Output { code, stderr, .. } = demo(&["--child=yes"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("baton: --child takes no value: \"--child=yes\"\n"),
        "{stderr}"
    );
}
