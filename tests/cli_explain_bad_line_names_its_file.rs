//! `baton explain SENT RECEIVED`: a line that is not `name: value` is a
//! usage error (exit 2) that names the file it is in, as both files number
//! their lines from 1. Found: `line 2: expected ...` did not say whether
//! the sent or the received file was meant.

use std::process::{Command, Stdio};

#[test]
fn the_error_names_the_file_of_the_bad_line() {
    let dir = std::env::temp_dir().join(format!("baton-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tp = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n";
    let (sent, received) = (dir.join("sent.txt"), dir.join("received.txt"));
    for (bad, good) in [(&sent, &received), (&received, &sent)] {
        std::fs::write(good, tp).unwrap();
        std::fs::write(bad, format!("{tp}broken line\n")).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_baton"))
            .arg("explain")
            .args([&sent, &received])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(
            stderr,
            format!(
                "{}: line 2: expected `name: value`, found no `:`\n  broken line\n             ^\n",
                bad.display()
            )
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
