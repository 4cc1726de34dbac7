//! Output that cannot be written is no success. Found: every command
//! ignored its write errors (`let _ = writeln!(...)`), so
//! `baton convert --to b3 "$TP" >/dev/full` exited 0 with nothing written,
//! and so did `decode`, `explain`, `help` and `demo --help`.
//!
//! The status is 2, as for input that cannot be read: `decode`'s,
//! `explain`'s and the demo's 1 is an answer (invalid input, a trace that
//! breaks), and grep exits 2 for trouble, so a script never takes a failed
//! write for a verdict. Found: it was 1, so `baton decode "$TP" >/dev/full`
//! said "invalid input" by its status.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// `baton ARGS` with `stdin`, standard output the full device: its exit
/// code and stderr, or `None` where there is no `/dev/full` (not Linux).
fn into_a_full_device(args: &[&str], stdin: &str) -> Option<(Option<i32>, String)> {
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full here");
        return None;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env_remove("OTEL_PROPAGATORS")
        .env_remove("BATON_SESSION_HEADER")
        .stdin(Stdio::piped())
        .stdout(Stdio::from(File::create("/dev/full").unwrap()))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Some((out.status.code(), String::from_utf8(out.stderr).unwrap()))
}

#[test]
fn every_command_that_cannot_write_its_output_says_so_and_exits_2() {
    let explain_input = format!("{TP}\n---\n{TP}\n");
    let runs: [(&[&str], &str); 7] = [
        (&["convert", "--to", "b3", TP], ""),
        (&["decode", TP], ""),
        (&["decode"], "not a header line"),
        (&["explain"], &explain_input),
        (&["help"], ""),
        (&["demo", "--help"], ""),
        (&["demo", "--export", "none"], ""),
    ];
    for (args, stdin) in runs {
        let Some((code, stderr)) = into_a_full_device(args, stdin) else {
            return;
        };
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("baton: cannot write the output: "),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
