//! Hostile input through the whole extraction path: a 1 MiB header of each
//! kind, adversarial shapes, and 1000 baggage lines. Extraction never fails,
//! reports each problem once (however many lines repeat it), stays within
//! the documented limits, and allocates a bounded amount whatever the input
//! size.

use std::cell::Cell;
use std::sync::Once;

use baton::propagation::{global_propagator, set_global_propagator, Composite, Propagator};
use baton::wire::baggage;
use baton::Context;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocated_by;

thread_local! {
    static REPORTS: Cell<u64> = const { Cell::new(0) };
}

/// What one extraction may allocate, whatever the carrier holds: room for
/// the limits (32 tracestate members of 256 + 256 bytes, 8192 bytes of
/// baggage in 64 entries) and the context around them, far below the 1 MiB
/// inputs.
const MAX_EXTRACT_ALLOC: usize = 64 * 1024;

const MIB: usize = 1 << 20;
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn setup() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        set_global_propagator(
            Composite::from_list("tracecontext,baggage,b3,b3multi,jaeger").unwrap(),
        )
        .unwrap();
        baton::set_diagnostic_handler(Box::new(|_| REPORTS.with(|c| c.set(c.get() + 1)))).unwrap();
    });
}

/// Extracts `headers` through the global propagator and checks the
/// properties every extraction has; returns the context.
fn extract(headers: &Vec<(String, String)>) -> Context {
    setup();
    let reports = REPORTS.with(Cell::get);
    let (cx, used) = allocated_by(|| baton::extract_context(headers));
    let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).take(12).collect();
    assert!(
        used <= MAX_EXTRACT_ALLOC,
        "{names:?}: allocated {used} bytes"
    );
    let reported = REPORTS.with(Cell::get) - reports;
    let (_, problems) = global_propagator().extract_with_problems(&Context::current(), headers);
    assert_eq!(reported, problems.len() as u64, "{names:?}");
    let all: Vec<_> = problems.iter().collect();
    for (i, p) in all.iter().enumerate() {
        assert!(!all[..i].contains(p), "{names:?}: {p} reported twice");
    }
    // At most one problem per header kind of the five formats, one
    // conflict per later format, and one report of other values for each
    // field read once (`b3`, the five `x-b3-*`, `uber-trace-id`).
    assert!(problems.len() <= 11 + 7, "{names:?}: {problems:?}");
    check_limits(&cx);
    cx
}

fn check_limits(cx: &Context) {
    if let Some(sc) = cx.span_context() {
        let ts = sc.trace_state();
        assert!(ts.len() <= baton::TraceState::MAX_MEMBERS);
        assert!(ts.iter().all(|(k, v)| k.len() <= 256 && v.len() <= 256));
    }
    assert!(cx.baggage().len() <= baton::Baggage::MAX_MEMBERS);
    assert!(baggage::format(cx.baggage()).is_complete());
}

fn header(name: &str, value: String) -> Vec<(String, String)> {
    vec![(name.to_owned(), value)]
}

/// 1 MiB built by repeating `unit` after `prefix`.
fn mib(prefix: &str, unit: &str) -> String {
    let mut s = String::with_capacity(MIB + unit.len());
    s.push_str(prefix);
    while s.len() < MIB {
        s.push_str(unit);
    }
    s
}

const NAMES: [&str; 10] = [
    "traceparent",
    "tracestate",
    "baggage",
    "b3",
    "x-b3-traceid",
    "x-b3-spanid",
    "x-b3-sampled",
    "x-b3-flags",
    "uber-trace-id",
    "uberctx-user",
];

const SHAPES: [(&str, &str); 8] = [
    ("", "a"),
    ("", ","),
    ("", ";"),
    ("", "%"),
    ("", "k=v,"),
    ("k=", "%20"),
    ("4bf92f3577b34da6a3ce929d0e0e4736", "-"),
    ("4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1", "0"),
];

#[test]
fn a_one_mib_header_of_each_kind_is_survived_with_bounded_allocation() {
    for name in NAMES {
        for (prefix, unit) in SHAPES {
            let cx = extract(&header(name, mib(prefix, unit)));
            // No format accepts a 1 MiB id header.
            if !matches!(name, "tracestate" | "baggage" | "uberctx-user") {
                assert!(cx.span_context().is_none(), "{name} {prefix:?}+{unit:?}");
            }
        }
    }
}

#[test]
fn a_one_mib_tracestate_or_baggage_keeps_the_valid_traceparent() {
    for (name, unit) in [
        ("tracestate", "k=v,"),
        ("tracestate", "a"),
        ("baggage", "k=v,"),
    ] {
        let mut headers = header("traceparent", TRACEPARENT.to_owned());
        headers.extend(header(name, mib("", unit)));
        let cx = extract(&headers);
        assert_eq!(
            cx.span_context()
                .map(|sc| sc.span_id().to_string())
                .as_deref(),
            Some("00f067aa0ba902b7"),
            "{name} {unit:?}"
        );
    }
}

#[test]
fn a_thousand_baggage_lines_share_one_budget() {
    let line = mib("", "k=v,")[..8 * 1024].to_owned();
    let headers: Vec<(String, String)> = (0..1000)
        .map(|_| ("baggage".to_owned(), line.clone()))
        .collect();
    let cx = extract(&headers);
    assert!(!cx.baggage().is_empty());
}

#[test]
fn a_key_repeated_inside_earlier_values_and_duplicate_keys_stay_bounded() {
    let mut value = String::new();
    for i in 0..20_000 {
        value.push_str(&format!("k{}=k{}=v;k=,", i % 7, i));
    }
    let cx = extract(&header("baggage", value));
    let mut keys: Vec<&str> = cx.baggage().iter().map(|(k, _, _)| k).collect();
    let total = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), total);
}

#[test]
fn a_thousand_of_every_header_at_once_is_survived() {
    let headers: Vec<(String, String)> = (0..1000)
        .flat_map(|i| NAMES.map(|n| (n.to_owned(), format!("{i}-{TRACEPARENT}"))))
        .collect();
    let _ = extract(&headers);
}
