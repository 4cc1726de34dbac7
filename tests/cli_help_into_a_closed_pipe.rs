//! `baton help | true`: the usage written to a pipe whose reader is gone is
//! no panic. Found: `println!` panicked ("failed printing to stdout: Broken
//! pipe"), exit 101, for `baton help`, `-h`, `--help` and (since they take
//! it) `decode --help` and the others.

use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn help_into_a_closed_pipe_is_not_a_panic() {
    for args in [&["help"][..], &["--help"], &["explain", "-h"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Closed before the child writes: it has to start first.
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
    }
}
