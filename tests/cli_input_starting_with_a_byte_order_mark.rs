//! Header lines saved by an editor that starts files with a UTF-8 byte
//! order mark (Notepad) read as without it, on standard input (`decode`,
//! `convert`, `explain`) and in `explain`'s files. Found: the invisible
//! U+FEFF was taken as part of the first header name: "a header name is a
//! token: no spaces or separators", with a caret under nothing visible.

mod common;

use common::cli::{baton, Output};

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const BOM: &str = "\u{feff}";

#[test]
fn a_byte_order_mark_on_standard_input_is_dropped() {
    let Output {
        code,
        stdout,
        stderr,
    } = baton(&["decode"], &format!("{BOM}{TP}\r\n"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with(&format!("{TP}\n")), "{stdout}");

    let Output {
        code,
        stdout,
        stderr,
    } = baton(&["convert", "--to", "b3"], &format!("{BOM}{TP}\n"));
    assert_eq!(code, 0, "{stdout}{stderr}");

    let Output {
        code,
        stdout,
        stderr,
    } = baton(&["explain"], &format!("{BOM}{TP}\n---\n{TP}\n"));
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn a_byte_order_mark_in_a_file_is_dropped() {
    let dir = std::env::temp_dir().join(format!("baton-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (sent, received) = (dir.join("sent.txt"), dir.join("received.txt"));
    std::fs::write(&sent, format!("{BOM}{TP}\r\n")).unwrap();
    std::fs::write(&received, format!("{BOM}{TP}\r\n")).unwrap();
    let paths = [sent.to_str().unwrap(), received.to_str().unwrap()];
    let Output {
        code,
        stdout,
        stderr,
    } = baton(&["explain", paths[0], paths[1]], "");
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn only_a_mark_that_starts_the_input_is_dropped() {
    let Output { code, stdout, .. } = baton(&["decode"], &format!("b3: 0\n{BOM}b3: 0\n"));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("line 2: a header name is a token"),
        "{stdout}"
    );
}
