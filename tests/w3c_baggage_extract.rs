//! `W3cBaggage` extraction applies one budget over every `baggage` line,
//! keeps the valid members, and reports what it left out in one diagnostic.
//! Reads the process-wide diagnostic counters, so it has its own file and its
//! tests take a lock.

use std::sync::{Mutex, MutexGuard};

use baton::propagation::{Propagator, W3cBaggage};
use baton::{diagnostic_count, Baggage, Context, DiagnosticKind};

const MAX_BYTES: usize = Baggage::MAX_BYTES;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn lines(values: &[String]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ("baggage".to_string(), v.clone()))
        .collect()
}

/// Extracts into `cx`; returns the result and the (InvalidHeader,
/// LimitExceeded) diagnostics the call reported.
fn extract(cx: &Context, values: &[String]) -> (Context, (u64, u64)) {
    let invalid = diagnostic_count(DiagnosticKind::InvalidHeader);
    let limit = diagnostic_count(DiagnosticKind::LimitExceeded);
    let out = W3cBaggage.extract(cx, &lines(values));
    (
        out,
        (
            diagnostic_count(DiagnosticKind::InvalidHeader) - invalid,
            diagnostic_count(DiagnosticKind::LimitExceeded) - limit,
        ),
    )
}

#[test]
fn lines_combine_and_values_are_decoded() {
    let _s = serial();
    let (cx, diagnostics) = extract(
        &Context::default(),
        &[
            "userId=alice".into(),
            "serverNode=DF%2028,isProduction=false".into(),
        ],
    );
    let keys: Vec<&str> = cx.baggage().iter().map(|(k, _, _)| k).collect();
    assert_eq!(keys, ["userId", "serverNode", "isProduction"]);
    assert_eq!(cx.baggage().get("serverNode"), Some("DF 28"));
    assert_eq!(diagnostics, (0, 0));
}

#[test]
fn invalid_members_are_skipped_with_one_diagnostic() {
    let _s = serial();
    let (cx, diagnostics) = extract(
        &Context::default(),
        &["a=1,bad key=2,c=%zz".into(), "d=4,e=\"x\"".into()],
    );
    let keys: Vec<&str> = cx.baggage().iter().map(|(k, _, _)| k).collect();
    assert_eq!(keys, ["a", "d"]);
    assert_eq!(diagnostics, (1, 0));
}

/// Line `l` of about 8 KiB: 16 members `l{l}k{i}` of 500 bytes.
fn big_line(l: usize) -> String {
    (0..16)
        .map(|i| {
            let key = format!("l{l}k{i}");
            format!("{key}={}", "v".repeat(500 - key.len() - 1))
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn a_thousand_lines_of_8_kib_share_one_budget() {
    let _s = serial();
    let values: Vec<String> = (0..1000).map(big_line).collect();
    assert!(values[0].len() <= MAX_BYTES && values[0].len() > MAX_BYTES - 500);
    let (cx, diagnostics) = extract(&Context::default(), &values);
    let b = cx.baggage();
    // The first line fills the budget; nothing of the other 999 fits.
    assert_eq!(b.len(), 16);
    assert!(b.iter().all(|(k, _, _)| k.starts_with("l0k")));
    assert_eq!(baton::wire::baggage::format(b).header, values[0]);
    assert_eq!(diagnostics, (0, 1));
}

#[test]
fn carrier_members_are_set_on_top_of_the_existing_baggage() {
    let _s = serial();
    let cx = Context::default()
        .with_baggage("session.id", "s-1")
        .with_baggage("user", "old");
    let (out, diagnostics) = extract(&cx, &["user=new,extra=1".into()]);
    let entries: Vec<(&str, &str)> = out.baggage().iter().map(|(k, v, _)| (k, v)).collect();
    assert_eq!(
        entries,
        [("session.id", "s-1"), ("user", "new"), ("extra", "1")]
    );
    assert_eq!(diagnostics, (0, 0));
}

#[test]
fn merging_past_64_members_is_reported() {
    let _s = serial();
    let mut local = Baggage::default();
    for i in 0..60 {
        local = local.try_insert(&format!("local{i}"), "v", "").unwrap();
    }
    let cx = Context::default().with_baggage_replaced(local);
    let header = (0..10)
        .map(|i| format!("remote{i}=v"))
        .collect::<Vec<_>>()
        .join(",");
    let (out, diagnostics) = extract(&cx, &[header]);
    assert_eq!(out.baggage().len(), 64);
    assert_eq!(out.baggage().get("remote3"), Some("v"));
    assert_eq!(out.baggage().get("remote4"), None);
    assert_eq!(diagnostics, (0, 1));
}

#[test]
fn no_baggage_header_leaves_the_context_alone() {
    let _s = serial();
    let cx = Context::default().with_baggage("k", "v");
    let (out, diagnostics) = extract(&cx, &[]);
    assert!(out.ptr_eq(&cx));
    assert_eq!(diagnostics, (0, 0));
}

#[test]
fn inject_writes_one_lowercase_line() {
    let _s = serial();
    let cx = Context::default()
        .with_baggage("k", "a b")
        .with_baggage("plus", "+");
    let mut out: Vec<(String, String)> = vec![("Baggage".into(), "stale=1".into())];
    W3cBaggage.inject(&cx, &mut out);
    assert_eq!(
        out,
        [("baggage".to_string(), "k=a%20b,plus=%2B".to_string())]
    );
    let mut empty: Vec<(String, String)> = Vec::new();
    W3cBaggage.inject(&Context::default(), &mut empty);
    assert!(empty.is_empty());
    assert_eq!(W3cBaggage.fields(), ["baggage"]);
}

#[test]
fn inject_reports_members_past_the_byte_limit() {
    let _s = serial();
    let cx = Context::default()
        .with_baggage("big", &"x".repeat(MAX_BYTES))
        .with_baggage("small", "1");
    let limit = diagnostic_count(DiagnosticKind::LimitExceeded);
    let mut out: Vec<(String, String)> = Vec::new();
    W3cBaggage.inject(&cx, &mut out);
    assert_eq!(out, [("baggage".to_string(), "small=1".to_string())]);
    assert_eq!(diagnostic_count(DiagnosticKind::LimitExceeded) - limit, 1);
}
