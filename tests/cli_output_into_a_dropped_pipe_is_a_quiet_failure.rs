//! Audit: a command whose reader is gone (`baton decode < big | head -c0`)
//! ends quietly with exit 2 (as output that cannot be written: see
//! `tests/cli_output_write_failure_exits_nonzero.rs`), as the README says, for every command and
//! however much it still had to write: no panic (exit 101, `failed
//! printing to stdout`), no message on stderr. Standard output here is a
//! pipe whose read end is dropped before the command writes, and standard
//! input of `decode` several MiB, more than any pipe buffers.

use std::io::Write;
use std::process::{Command, Stdio};
use std::thread;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// Runs `baton ARGS` with `stdin`, its stdout's read end dropped at once:
/// the exit code and stderr.
fn into_a_dropped_pipe(args: &[&str], stdin: String) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env_remove("OTEL_PROPAGATORS")
        .env_remove("BATON_SESSION_HEADER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    // The command may stop reading once it cannot write: that is its
    // choice, and the writer only finds the pipe closed.
    let writer = thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_command_ends_quietly_when_its_reader_is_gone() {
    let lines = |line: &str, n: usize| format!("{line}\n").repeat(n);
    // Each but the second is valid input, which exits 0 when written.
    let cases = [
        (&["decode"][..], lines("b3: 0", 500_000)),
        (&["decode"], lines("\u{1b}[31mNAME=x", 200_000)),
        (
            &["convert", "--to", "jaeger"],
            format!("{TP}\n{}", lines("uberctx-k: v", 60)),
        ),
        (&["explain"], format!("{TP}\n---\n{TP}\n")),
    ];
    for (args, stdin) in cases {
        let (code, stderr) = into_a_dropped_pipe(args, stdin);
        assert_eq!((code, stderr.as_str()), (Some(2), ""), "{args:?}");
    }
}
