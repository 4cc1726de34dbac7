//! `baton explain SENT RECEIVED`: a line that is not `name: value` is a
//! usage error (exit 2) that names the file it is in, as both files number
//! their lines from 1. Found: `line 2: expected ...` did not say whether
//! the sent or the received file was meant.

mod common;

use common::cli::baton;

#[test]
fn the_error_names_the_file_of_the_bad_line() {
    let dir = std::env::temp_dir().join(format!("baton-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tp = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n";
    let (sent, received) = (dir.join("sent.txt"), dir.join("received.txt"));
    for (bad, good) in [(&sent, &received), (&received, &sent)] {
        std::fs::write(good, tp).unwrap();
        std::fs::write(bad, format!("{tp}broken line\n")).unwrap();
        let paths = [sent.to_str().unwrap(), received.to_str().unwrap()];
        let out = baton(&["explain", paths[0], paths[1]], "");
        let stderr = out.stderr;
        assert_eq!(out.code, 2, "{stderr}");
        assert_eq!(
            stderr,
            format!(
                "{}: line 2: expected `name: value` or `NAME=VALUE`, found no `:` or `=`\n  broken line\n             ^\n",
                bad.display()
            )
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
