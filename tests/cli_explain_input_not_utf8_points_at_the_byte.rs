//! `baton explain`: input that is not UTF-8 (on standard input or in a
//! file) is a usage error (exit 2, as any unreadable line) that names the
//! line and points at its first bad byte, as `decode` does. Found: "cannot
//! read standard input: stream did not contain valid UTF-8", with no line.

mod common;

use common::cli::baton_bytes;

fn explain(args: &[&std::path::Path], input: &[u8]) -> (i32, String) {
    let args: Vec<&str> = std::iter::once("explain")
        .chain(args.iter().map(|path| path.to_str().unwrap()))
        .collect();
    let out = baton_bytes(&args, input);
    (out.code, out.stderr)
}

#[test]
fn standard_input_not_utf8_points_at_the_byte() {
    let (code, stderr) = explain(&[], b"a: b\r\n---\r\nbaggage: k=v\xffw\r\n");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        "line 3: not valid UTF-8\n  baggage: k=v\u{FFFD}w\n              ^\n"
    );
}

#[test]
fn a_file_not_utf8_is_named_and_pointed_at() {
    let dir = std::env::temp_dir().join(format!("baton-explain-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (sent, received) = (dir.join("sent.txt"), dir.join("received.txt"));
    std::fs::write(&sent, "a: b\n").unwrap();
    std::fs::write(&received, b"a: b\nc: \xfe\n").unwrap();
    let (code, stderr) = explain(&[&sent, &received], b"");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "{}: line 2: not valid UTF-8\n  c: \u{FFFD}\n     ^\n",
            received.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
