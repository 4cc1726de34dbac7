//! `-h` and `--help` after any command print the usage on stdout and exit
//! 0, as `baton demo --help` does. Found: `baton decode --help`, `baton
//! convert --help` and `baton explain --help` were usage errors (exit 2,
//! "unknown option").

mod common;

use common::cli::baton;

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
        let out = baton(args, "");
        let stdout = out.stdout;
        assert_eq!(out.code, 0, "{args:?}: {stdout}");
        assert!(stdout.starts_with("usage:\n"), "{args:?}: {stdout}");
        assert!(
            stdout.contains(&format!("  baton {} ", args[0])),
            "{stdout}"
        );
        assert!(out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn help_names_a_command_or_nothing() {
    // Found: `baton help extra` ignored the argument and exited 0.
    for (args, code) in [
        (&["help"][..], 0),
        (&["help", "decode"], 0),
        (&["help", "explain"], 0),
        (&["help", "extra"], 2),
        (&["help", "decode", "x"], 2),
    ] {
        let out = baton(args, "");
        assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
        if code == 0 {
            assert!(out.stdout.starts_with("usage:\n"), "{args:?}");
        } else {
            assert!(
                out.stderr.starts_with("baton: "),
                "{args:?}: {}",
                out.stderr
            );
        }
    }
    // The demo's own help, as `baton demo --help` prints it.
    let demo = baton(&["help", "demo"], "");
    assert_eq!(demo.code, 0);
    assert_eq!(demo.stdout, baton(&["demo", "--help"], "").stdout);
}
