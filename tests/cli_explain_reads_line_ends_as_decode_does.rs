//! `explain` reads each block's lines as `decode` reads its input: a line
//! ends at `\n`, and one `\r` before it is no part of the line, also on the
//! last line when the input stops right after that `\r` (a CRLF capture cut
//! before its final `\n`). Found: `decode` read such a last line, but
//! `explain` (`str::lines`, which strips only a whole `\r\n`) kept the `\r`
//! in the value and reported an intact hop as broken: `traceparent
//! trace-flags at byte 55 is not a lowercase hex digit`.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn decode_reads_a_last_line_ending_in_a_carriage_return() {
    let out = baton(&["decode"], &format!("{TP}\r"));
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn explain_on_standard_input_reads_it_as_decode_does() {
    for input in [
        format!("{TP}\r\n---\r\n{TP}\r"),
        format!("{TP}\r\n\r\n{TP}\r"),
        format!("{TP}\r\n---\r\n{TP}\r\n"),
    ] {
        let out = baton(&["explain"], &input);
        assert_eq!(out.code, 0, "{input:?}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stdout
                .contains("verdict:  the trace continues intact\n"),
            "{input:?}: {}",
            out.stdout
        );
    }
}

#[test]
fn explain_on_two_files_reads_them_as_decode_does() {
    let dir = std::env::temp_dir().join(format!("baton-explain-cr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (sent, received) = (dir.join("sent.txt"), dir.join("received.txt"));
    std::fs::write(&sent, format!("{TP}\r\nbaggage: k=v\r")).unwrap();
    std::fs::write(&received, format!("{TP}\r\nbaggage: k=v\r")).unwrap();
    let out = baton(
        &[
            "explain",
            sent.to_str().unwrap(),
            received.to_str().unwrap(),
        ],
        "",
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("verdict:  the trace continues intact\n"),
        "{}",
        out.stdout
    );
}
