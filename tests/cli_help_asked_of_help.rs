//! `-h` or `--help` after any command prints the usage, and `help` is one
//! of the commands. Found: `baton help --help`, `baton help -h`, `baton
//! --help -h` and `baton help help` were usage errors (exit 2, `no help on
//! "--help"`), and `baton help demo --help` too (`help takes one command`).

mod common;

use common::cli::baton;

#[test]
fn help_about_help_is_the_usage() {
    let usage = baton(&["help"], "").stdout;
    assert!(usage.starts_with("usage:\n"), "{usage}");
    for args in [
        &["help", "--help"][..],
        &["help", "-h"],
        &["--help", "-h"],
        &["-h", "--help"],
        &["help", "help"],
        &["help", "decode", "--help"],
        &["--help", "explain", "-h"],
    ] {
        let out = baton(args, "");
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{args:?}");
        assert_eq!(out.stdout, usage, "{args:?}");
    }
}

#[test]
fn help_about_the_demo_with_a_help_flag_is_the_demos_help() {
    let demo = baton(&["demo", "--help"], "").stdout;
    assert!(demo.starts_with("usage: baton demo "), "{demo}");
    for args in [&["help", "demo", "-h"][..], &["--help", "demo", "--help"]] {
        let out = baton(args, "");
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{args:?}");
        assert_eq!(out.stdout, demo, "{args:?}");
    }
}

#[test]
fn help_still_takes_one_command_at_most() {
    for args in [&["help", "decode", "explain"][..], &["help", "-h", "nope"]] {
        let out = baton(args, "");
        assert_eq!(out.code, 2, "{args:?}: {}", out.stdout);
        assert!(
            out.stderr.starts_with("baton: "),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
