//! `baton demo` takes `--name=value` as well as `--name value`, as
//! `explain --receiver-propagators=LIST` and `convert --to=FORMAT` do.
//! Found: `baton demo --export=jsonl` was a usage error ("unknown demo
//! option").

use std::process::{Command, Stdio};

/// Runs `baton demo ARGS`: exit code, stdout, stderr.
fn demo(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .arg("demo")
        .args(args)
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_SERVICE_NAME")
        .env_remove("OTEL_RESOURCE_ATTRIBUTES")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn an_inline_value_is_read_as_the_value() {
    let (code, stdout, stderr) = demo(&["--export=none", "--propagator=b3multi,baggage"]);
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
    let (code, _, stderr) = demo(&["--export=bogus"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("baton: --export \"bogus\": expected none, console, jsonl or otlp\n"),
        "{stderr}"
    );
    let (code, _, stderr) = demo(&["--child=yes"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("baton: --child takes no value: \"--child=yes\"\n"),
        "{stderr}"
    );
}
