//! The README quotes each limit's value beside its constant's name
//! (`` `MAX_SCOPES` (1024) ``, `` `MAX_REQUEST_BODY` (64 MiB ``,
//! `` `MAX_RETRY_AFTER` (60 s ``) and each variable's default in its table:
//! a second copy of the number, which this checks against the constant, so
//! a limit changed in the code cannot leave the README quoting the old one.
//! A constant quoted with a number but missing from the table below fails,
//! so a new one is checked too. Found: every value as the code has it.

use std::time::Duration;

use baton::export::{
    DEFAULT_EXPORT_TIMEOUT, DEFAULT_MAX_EXPORT_BATCH_SIZE, DEFAULT_MAX_QUEUE_SIZE,
    DEFAULT_OTLP_TIMEOUT, DEFAULT_SCHEDULE_DELAY, MAX_CONNECTION_IDLE, MAX_EXPORT_ATTEMPTS,
    MAX_KEPT_LINES_BUFFER, MAX_LANE_NAMES, MAX_PENDING_LOOKUPS, MAX_PENDING_LOOKUPS_PER_HOST,
    MAX_PENDING_SPANS, MAX_QUEUE_SIZE_LIMIT, MAX_REDIRECTS, MAX_REMEMBERED_SPANS, MAX_REQUEST_BODY,
    MAX_RESPONSE_BODY, MAX_RESPONSE_HEAD, MAX_RETRY_AFTER, MAX_SHOWN_ATTRIBUTES, MAX_SHOWN_DEPTH,
    MIN_CONNECT_ATTEMPT, MIN_EXPORT_TIMEOUT, THREAD_CHUNK_SIZE,
};
use baton::export::{INITIAL_BACKOFF, MAX_BACKOFF, MAX_KEPT_REQUEST_BUFFER, MIN_SCHEDULE_DELAY};
use baton::propagation::{MAX_SESSION_HEADERS, MAX_SESSION_HEADER_LEN, MAX_SESSION_ID_LEN};
use baton::{
    Baggage, SpanLimits, TraceState, MAX_CONTEXT_DEPTH, MAX_ERROR_SOURCES, MAX_LEFT_BEHIND,
    MAX_SCOPES,
};

const README: &str = include_str!("../README.md");

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// Each constant the README quotes, by the name it gives, and its value:
/// a count, bytes, or milliseconds for a duration.
fn constants() -> Vec<(&'static str, u128)> {
    vec![
        ("MAX_CONTEXT_DEPTH", MAX_CONTEXT_DEPTH as u128),
        ("MAX_LEFT_BEHIND", MAX_LEFT_BEHIND as u128),
        ("MAX_SCOPES", MAX_SCOPES as u128),
        ("MAX_ERROR_SOURCES", MAX_ERROR_SOURCES as u128),
        ("MAX_SESSION_ID_LEN", MAX_SESSION_ID_LEN as u128),
        ("MAX_SESSION_HEADER_LEN", MAX_SESSION_HEADER_LEN as u128),
        ("MAX_SESSION_HEADERS", MAX_SESSION_HEADERS as u128),
        ("Baggage::MAX_MEMBERS", Baggage::MAX_MEMBERS as u128),
        ("Baggage::MAX_BYTES", Baggage::MAX_BYTES as u128),
        ("TraceState::MAX_MEMBERS", TraceState::MAX_MEMBERS as u128),
        ("SpanLimits::DEFAULT_MAX", SpanLimits::DEFAULT_MAX as u128),
        (
            "SpanLimits::DEFAULT_MAX_DEPTH",
            SpanLimits::DEFAULT_MAX_DEPTH as u128,
        ),
        ("MAX_REDIRECTS", MAX_REDIRECTS as u128),
        ("MIN_CONNECT_ATTEMPT", ms(MIN_CONNECT_ATTEMPT)),
        ("MIN_EXPORT_TIMEOUT", ms(MIN_EXPORT_TIMEOUT)),
        ("MAX_KEPT_LINES_BUFFER", MAX_KEPT_LINES_BUFFER as u128),
        (
            "MAX_PENDING_LOOKUPS_PER_HOST",
            MAX_PENDING_LOOKUPS_PER_HOST as u128,
        ),
        ("MAX_PENDING_LOOKUPS", MAX_PENDING_LOOKUPS as u128),
        ("export::MAX_LANE_NAMES", MAX_LANE_NAMES as u128),
        ("MAX_REQUEST_BODY", MAX_REQUEST_BODY as u128),
        ("MAX_RESPONSE_BODY", MAX_RESPONSE_BODY as u128),
        ("MAX_RESPONSE_HEAD", MAX_RESPONSE_HEAD as u128),
        ("MAX_QUEUE_SIZE_LIMIT", MAX_QUEUE_SIZE_LIMIT as u128),
        ("MAX_REMEMBERED_SPANS", MAX_REMEMBERED_SPANS as u128),
        ("MAX_SHOWN_ATTRIBUTES", MAX_SHOWN_ATTRIBUTES as u128),
        ("MAX_SHOWN_DEPTH", MAX_SHOWN_DEPTH as u128),
        ("MAX_EXPORT_ATTEMPTS", MAX_EXPORT_ATTEMPTS as u128),
        ("MAX_RETRY_AFTER", ms(MAX_RETRY_AFTER)),
        ("THREAD_CHUNK_SIZE", THREAD_CHUNK_SIZE as u128),
    ]
}

/// The number `text` starts with, with its unit: `64`, `2^20`, `4 MiB`,
/// `64 KiB`, `60 s`, `1 ms`; `None` when it starts with no number.
fn quoted_number(text: &str) -> Option<u128> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let mut n: u128 = text[..digits].parse().ok()?;
    let mut rest = &text[digits..];
    if let Some(power) = rest.strip_prefix('^') {
        let digits = power.bytes().take_while(u8::is_ascii_digit).count();
        n = n.pow(power[..digits].parse().ok()?);
        rest = &power[digits..];
    }
    let unit = rest
        .strip_prefix(' ')
        .map_or("", |r| r.split([' ', ',', ';', ')']).next().unwrap_or(""));
    Some(match unit {
        "MiB" => n << 20,
        "KiB" => n << 10,
        "s" => n * 1000,
        // Milliseconds, a count or bytes: as written.
        _ => n,
    })
}

/// Every `` `NAME` (N… `` in the README, whitespace folded: the name and
/// the number quoted after it.
fn quoted_constants(text: &str) -> Vec<(String, u128)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("` (") {
        let Some(open) = text[..at].rfind('`') else {
            continue;
        };
        let name = &text[open + 1..at];
        // `MAX_SCOPES`, `Baggage::MAX_BYTES`: a constant's name last.
        let last = name.rsplit("::").next().unwrap_or_default();
        let constant_like = last.len() > 2
            && last
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if !constant_like || name.starts_with("OTEL_") {
            continue;
        }
        if let Some(n) = quoted_number(&text[at + 3..]) {
            found.push((name.to_owned(), n));
        }
    }
    found
}

#[test]
fn each_limit_quoted_beside_its_name_is_the_constants_value() {
    let text = README.split_whitespace().collect::<Vec<_>>().join(" ");
    let constants = constants();
    let quoted = quoted_constants(&text);
    assert!(quoted.len() >= constants.len(), "{quoted:?}");
    for (name, n) in &quoted {
        let Some((_, value)) = constants.iter().find(|(c, _)| c == name) else {
            panic!("the README quotes {name} as {n}: add it to this test's table");
        };
        assert_eq!(n, value, "the README quotes {name} as {n}");
    }
    // Each constant of the table is quoted so (`MAX_PENDING_SPANS` shares
    // the quote of the next one: see below).
    for (name, _) in &constants {
        assert!(
            quoted.iter().any(|(q, _)| q == name),
            "{name} is not quoted"
        );
    }
}

#[test]
fn the_quotes_beside_no_name_and_the_variable_table_are_the_constants() {
    let text = README.split_whitespace().collect::<Vec<_>>().join(" ");
    let phrases = [
        format!(
            "`MAX_PENDING_SPANS`, `MAX_REMEMBERED_SPANS` ({} each)",
            MAX_PENDING_SPANS
        ),
        format!(
            "`TraceState::MAX_MEMBERS` ({}, keys and values of {})",
            TraceState::MAX_MEMBERS,
            TraceState::MAX_KEY_LEN
        ),
        format!(
            "for at most {} s idle (`MAX_CONNECTION_IDLE`",
            MAX_CONNECTION_IDLE.as_secs()
        ),
        format!(
            "| `OTEL_BSP_SCHEDULE_DELAY` | `{}` |",
            ms(DEFAULT_SCHEDULE_DELAY)
        ),
        format!(
            "| `OTEL_BSP_EXPORT_TIMEOUT` | `{}` |",
            ms(DEFAULT_EXPORT_TIMEOUT)
        ),
        format!(
            "| `OTEL_BSP_MAX_QUEUE_SIZE` | `{DEFAULT_MAX_QUEUE_SIZE}` | spans queued before new ones \
             are dropped and counted (1 to {MAX_QUEUE_SIZE_LIMIT}) |"
        ),
        format!("| `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` | `{DEFAULT_MAX_EXPORT_BATCH_SIZE}` |"),
        format!(
            "| `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT` | `{}` |",
            ms(DEFAULT_OTLP_TIMEOUT)
        ),
        format!("MIN_EXPORT_TIMEOUT` ({} ms", ms(MIN_EXPORT_TIMEOUT)),
        // Quoted before the name, which the pattern above does not read.
        format!(
            "at least {} ms (`MIN_SCHEDULE_DELAY`",
            ms(MIN_SCHEDULE_DELAY)
        ),
        format!(
            "past {} MiB (`MAX_KEPT_REQUEST_BUFFER`)",
            MAX_KEPT_REQUEST_BUFFER >> 20
        ),
        format!(
            "the same {} MiB limit (`MAX_RESPONSE_BODY`)",
            MAX_RESPONSE_BODY >> 20
        ),
        format!(
            "pass {} MiB before compression (`MAX_REQUEST_BODY`",
            MAX_REQUEST_BODY >> 20
        ),
        // The retry schedule, quoted with no constant's name.
        format!(
            "exponential backoff ({} s doubling to {} s)",
            INITIAL_BACKOFF.as_secs_f64(),
            MAX_BACKOFF.as_secs_f64()
        ),
        format!(
            "The limits take whole numbers from 0 to {} (OTLP counts what was dropped in 32 bits)",
            u32::MAX
        ),
    ];
    for phrase in &phrases {
        assert!(
            text.contains(phrase.as_str()),
            "not in the README: {phrase}"
        );
    }
    for variable in [
        "OTEL_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_SPAN_EVENT_COUNT_LIMIT",
        "OTEL_SPAN_LINK_COUNT_LIMIT",
        "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
    ] {
        let row = format!("| `{variable}` | `{}` |", SpanLimits::DEFAULT_MAX);
        assert!(text.contains(&row), "not in the README: {row}");
    }
}
