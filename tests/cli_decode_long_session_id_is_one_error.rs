//! A session id over `MAX_SESSION_ID_LEN` is one error on its line, not also
//! a limit "the lines pass together": the session header carries one value,
//! and its problem, now returned by `extract_with_problems`, is that line's.

mod common;

use baton::propagation::MAX_SESSION_ID_LEN;
use common::cli::baton;

#[test]
fn a_too_long_session_id_is_reported_once() {
    let len = MAX_SESSION_ID_LEN + 1;
    let line = format!("baton-session-id: {}", "x".repeat(len));
    let out = baton(&["decode", &line], "");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        format!("line 1: session id is {len} bytes, over the limit of {MAX_SESSION_ID_LEN}\n")
    );

    let at_limit = format!("baton-session-id: {}", "x".repeat(MAX_SESSION_ID_LEN));
    let out = baton(&["decode", &at_limit], "");
    assert_eq!(out.code, 0, "{}", out.stdout);
}
