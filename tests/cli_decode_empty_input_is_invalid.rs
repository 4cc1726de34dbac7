//! `decode` and `convert` of input with no lines at all (`env | grep
//! TRACE | baton decode` when grep matched nothing, or only blank lines)
//! are invalid input that says so. Found: `decode` printed nothing and
//! exited 0, as if the input had decoded.

mod common;

use common::cli::baton;

#[test]
fn decode_of_no_lines_is_invalid_input() {
    for input in ["", "\n  \n\r\n"] {
        let out = baton(&["decode"], input);
        assert_eq!(out.code, 1, "{input:?}: {}", out.stdout);
        assert_eq!(out.stdout, "no header lines in the input\n", "{input:?}");
    }
}

#[test]
fn convert_of_no_lines_says_so() {
    let out = baton(&["convert", "--to", "b3"], "");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "baton: no header lines in the input\n");
}
