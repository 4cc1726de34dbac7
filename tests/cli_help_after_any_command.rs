//! `-h` and `--help` after any command print the usage on stdout and exit
//! 0, as `baton demo --help` does. Found: `baton decode --help`, `baton
//! convert --help` and `baton explain --help` were usage errors (exit 2,
//! "unknown option").

use std::process::{Command, Stdio};

#[test]
fn every_command_takes_help() {
    let cases: [&[&str]; 6] = [
        &["decode", "--help"],
        &["decode", "traceparent: x", "-h"],
        &["convert", "--help"],
        &["convert", "--to", "b3", "-h"],
        &["explain", "--help"],
        &["explain", "--receiver-propagators", "b3", "-h"],
    ];
    for args in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_baton"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}");
        assert!(stdout.starts_with("usage:\n"), "{args:?}: {stdout}");
        assert!(
            stdout.contains(&format!("  baton {} ", args[0])),
            "{stdout}"
        );
        assert!(out.stderr.is_empty(), "{args:?}");
    }
}
