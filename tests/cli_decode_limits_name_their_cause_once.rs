//! A limit is named once, by its cause. Found: one `baggage` line of 70
//! members was reported as its own error and again as "together, the
//! lines pass a limit" (a message meant for limits no line passes alone);
//! and `uberctx-foo: 1` with `uberctx-Foo: 2`, one key twice, was reported
//! as "dropped 1 members past a limit", as was the same key with the same
//! value, which loses nothing.

mod common;

use common::cli::baton;

const TOGETHER: &str = "together, the lines pass a limit";

#[test]
fn one_line_past_the_member_limit_is_that_lines_error_alone() {
    let members: Vec<String> = (1..=70).map(|i| format!("k{i}=1")).collect();
    let line = format!("baggage: {}", members.join(","));
    let decoded = baton(&["decode", &line], "");
    assert_eq!(decoded.code, 1, "{}", decoded.stdout);
    assert_eq!(
        decoded.stdout.matches("more than 64 members").count(),
        1,
        "{}",
        decoded.stdout
    );
    assert!(!decoded.stdout.contains(TOGETHER), "{}", decoded.stdout);
    let converted = baton(&["convert", "--to", "b3", &line], "");
    assert_eq!(converted.code, 1, "{}", converted.stderr);
    assert!(!converted.stderr.contains(TOGETHER), "{}", converted.stderr);
    // Over two lines, no line passes the limit alone: then it is said.
    let (first, second) = members.split_at(35);
    let decoded = baton(
        &[
            "decode",
            &format!("baggage: {}", first.join(",")),
            &format!("baggage: {}", second.join(",")),
        ],
        "",
    );
    assert_eq!(decoded.code, 1, "{}", decoded.stdout);
    assert!(decoded.stdout.contains(TOGETHER), "{}", decoded.stdout);
}

#[test]
fn a_repeated_jaeger_baggage_key_is_named_as_repeated_not_as_a_limit() {
    let decoded = baton(&["decode", "uberctx-foo: 1", "uberctx-Foo: 2"], "");
    assert_eq!(decoded.code, 1, "{}", decoded.stdout);
    assert!(
        decoded
            .stdout
            .contains("lines 1 and 2 disagree: baggage key foo repeated with two values"),
        "{}",
        decoded.stdout
    );
    assert!(
        !decoded.stdout.contains("past a limit"),
        "{}",
        decoded.stdout
    );
    let same = baton(&["decode", "uberctx-foo: 1", "uberctx-Foo: 1"], "");
    assert_eq!(same.code, 0, "{}", same.stdout);
    // 65 keys are past the limit of 64 still.
    let lines: Vec<String> = (1..=65).map(|i| format!("uberctx-k{i}: 1")).collect();
    let args: Vec<&str> = std::iter::once("decode")
        .chain(lines.iter().map(String::as_str))
        .collect();
    let many = baton(&args, "");
    assert_eq!(many.code, 1, "{}", many.stdout);
    assert!(
        many.stdout.contains(&format!(
            "{TOGETHER}: uberctx-*: skipped 0 invalid and dropped 1 members past a limit"
        )),
        "{}",
        many.stdout
    );
}
