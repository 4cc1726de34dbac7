//! `baton help | true`: the usage written to a pipe whose reader is gone is
//! no panic. Found: `println!` panicked ("failed printing to stdout: Broken
//! pipe"), exit 101, for `baton help`, `-h`, `--help` and (since they take
//! it) `decode --help` and the others. Then the write error was ignored and
//! the exit status was 0, as if the usage had been read: it is 2 now (as
//! for any output that cannot be written), and quiet, as for a command
//! that SIGPIPE ends (the reader left on purpose).

#![cfg(unix)]

use std::process::{Command, Stdio};

#[test]
fn help_into_a_closed_pipe_is_a_quiet_failure() {
    for args in [&["help"][..], &["--help"], &["explain", "-h"]] {
        // The reader is gone before baton starts: a reader closed after the
        // spawn may be too late, the usage already in the pipe's buffer.
        let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
        let pipe = reader.stdin.take().unwrap();
        reader.wait().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_baton"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(pipe))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr, "", "{args:?}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
