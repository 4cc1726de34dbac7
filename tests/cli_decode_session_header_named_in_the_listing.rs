//! `decode` and `convert` read the session header an `env` listing's
//! process uses: its `BATON_SESSION_HEADER`, when the listing holds one,
//! wins over the one of the process running baton, since the listing
//! describes the other process (whose child would read the session from
//! that header's variable). Found: `MIRASCOPE_SESSION_ID=chat-42` in a
//! listing that also held `BATON_SESSION_HEADER=Mirascope-Session-Id` was
//! skipped as a variable that carries no context, and the session lost.

mod common;

use common::cli::{baton_env, Output};

const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn baton(args: &[&str], stdin: &str, own: Option<&str>) -> Output {
    baton_env(args, stdin.as_bytes(), &[("BATON_SESSION_HEADER", own)])
}

const LISTING: &str = "BATON_SESSION_HEADER=Mirascope-Session-Id\n\
                       MIRASCOPE_SESSION_ID=chat-42\nHOME=/root\n";

#[test]
fn the_listing_names_the_session_header() {
    for own in [None, Some("Other-Session")] {
        let out = baton(&["decode"], &format!("TRACEPARENT={TP}\n{LISTING}"), own);
        assert_eq!(out.code, 0, "{own:?}: {}", out.stdout);
        assert!(
            out.stdout.contains(
                "MIRASCOPE_SESSION_ID=chat-42\n  read as    mirascope-session-id\n  \
                 session    chat-42\n"
            ),
            "{own:?}: {}",
            out.stdout
        );
        // Used, so not skipped; said once, where it came from.
        assert!(
            out.stdout.ends_with(
                "session header: mirascope-session-id, named by BATON_SESSION_HEADER on line 2\n\
                 skipped 1 variable that carries no context: HOME\n"
            ),
            "{own:?}: {}",
            out.stdout
        );
    }
}

#[test]
fn it_names_the_header_of_header_lines_too() {
    let out = baton(
        &["decode"],
        "BATON_SESSION_HEADER=X-Sess\nx-sess: s1\nx-sess: s2\n",
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "lines 2 and 3: two x-sess lines; a request carries one, so extraction ignores both\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn without_it_the_own_header_is_used() {
    let out = baton(
        &["decode"],
        "MIRASCOPE_SESSION_ID=chat-42\n",
        Some("Mirascope-Session-Id"),
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("  session    chat-42\n"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("named by"), "{}", out.stdout);
}

#[test]
fn an_invalid_name_in_the_listing_is_invalid_input_pointed_at() {
    let out = baton(
        &["decode"],
        &format!("TRACEPARENT={TP}\nBATON_SESSION_HEADER= bad name\n"),
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.stdout,
        "line 2: BATON_SESSION_HEADER: session header name byte 3 is not a token character\n  \
         BATON_SESSION_HEADER= bad name\n                           ^\n"
    );
    let out = baton(&["decode"], "BATON_SESSION_HEADER=traceparent\n", None);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.starts_with(
            "line 1: BATON_SESSION_HEADER: session header name is traceparent, a field \
             another propagator reads or writes\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn convert_carries_the_session_read_from_the_named_header() {
    let out = baton(
        &["convert", "--to", "b3"],
        &format!("TRACEPARENT={TP}\n{LISTING}"),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1\nbaggage: session.id=chat-42\n"
    );
    assert_eq!(
        out.stderr,
        "baton: convert: session header: mirascope-session-id, named by BATON_SESSION_HEADER \
         on line 2\nbaton: convert: skipped 1 variable that carries no context: HOME\n"
    );
}
