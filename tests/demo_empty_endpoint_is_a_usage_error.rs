//! An empty `--endpoint` names no collector. Found: `baton demo
//! --endpoint=` (or `--endpoint ''`) ran the demo exporting to the default
//! endpoint, `http://localhost:4318`, as if the option were unset (as an
//! empty `OTEL_EXPORTER_OTLP_ENDPOINT` is): the value typed was dropped
//! without a word. It is a usage error, as any other bad `--endpoint` is.

mod common;

use common::cli::baton_env;

#[test]
fn an_empty_endpoint_is_refused_before_the_demo_runs() {
    for args in [
        &["demo", "--endpoint="][..],
        &["demo", "--endpoint", ""],
        &["demo", "--endpoint", "  "],
        &["demo", "--export", "otlp", "--endpoint="],
    ] {
        let out = baton_env(
            args,
            b"",
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", None),
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", None),
            ],
        );
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: ran: {}", out.stdout);
        let first = out.stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("baton: --endpoint \"") && first.contains("URL"),
            "{args:?}: {first}"
        );
    }
}
