//! A lone `X-B3-Flags` that is not `1` carries nothing: "Debug is encoded
//! as `X-B3-Flags: 1`" and no other value is defined
//! (https://github.com/openzipkin/b3-propagation#debug-flag), so `X-B3-Flags:
//! 0` alone is read as no B3 header at all. Found: it was reported as an
//! invalid header, "trace id missing", once per request from any client that
//! always sends the flags header. Counts diagnostics, so it has its own
//! process.

use std::collections::HashMap;

use baton::propagation::{Composite, Propagator, B3};
use baton::wire::b3_multi::MultiParser;
use baton::{diagnostic_count, Context, DiagnosticKind};

fn lone(name: &str, value: &str) -> HashMap<String, String> {
    HashMap::from([(name.to_string(), value.to_string())])
}

#[test]
fn a_lone_flags_header_without_debug_is_no_header() {
    let before = Context::default().with_baggage("tenant", "acme");
    let b3_both = Composite::from_list("b3,b3multi").unwrap();
    let propagators: [(&str, &dyn Propagator); 3] = [
        ("b3", &B3::single()),
        ("b3multi", &B3::multi()),
        ("b3,b3multi", &b3_both),
    ];
    for value in ["0", "2", "", "true"] {
        for name in ["X-B3-Flags", "x-b3-flags"] {
            let carrier = lone(name, value);
            for (label, p) in propagators {
                let (cx, problems) = p.extract_with_problems(&before, &carrier);
                assert!(
                    problems.is_empty(),
                    "{label} {name}: {value:?}: {problems:?}"
                );
                assert!(cx.span_context().is_none());
                assert_eq!(cx.remote_sampling(), None, "{label} {name}: {value:?}");
                assert_eq!(cx.baggage().get("tenant"), Some("acme"));

                let invalid = diagnostic_count(DiagnosticKind::InvalidHeader);
                let _ = p.extract(&before, &carrier);
                assert_eq!(diagnostic_count(DiagnosticKind::InvalidHeader), invalid);
            }
        }
    }
}

#[test]
fn the_parser_counts_a_flags_header_without_debug_as_absent() {
    let mut parser = MultiParser::default();
    parser.push("X-B3-Flags", "0");
    assert!(parser.is_empty());
    parser.push("X-B3-Flags", "1");
    assert!(!parser.is_empty());
}

/// What did count still counts: debug alone is a decision, and the flags
/// header beside a bad trace id does not hide the bad trace id.
#[test]
fn debug_alone_and_bad_ids_beside_flags_are_still_read() {
    let (cx, problems) =
        B3::multi().extract_with_problems(&Context::default(), &lone("X-B3-Flags", "1"));
    assert!(problems.is_empty());
    assert_eq!(cx.remote_sampling(), Some(true));

    let carrier = HashMap::from([
        ("x-b3-flags".to_string(), "0".to_string()),
        ("x-b3-spanid".to_string(), "a2fb4a1d1a96d312".to_string()),
    ]);
    let (cx, problems) = B3::multi().extract_with_problems(&Context::default(), &carrier);
    assert!(cx.span_context().is_none());
    assert_eq!(problems.len(), 1, "{problems:?}");
}
