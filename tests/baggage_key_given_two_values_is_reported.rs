//! A `baggage` key given two values, in one line or across lines, keeps
//! its last value (OpenTelemetry's Baggage API: "the new pair MUST take
//! precedence"; W3C Baggage allows any deduplication) and is reported
//! once per extract as a conflict, as `baton decode` already refuses it
//! and as two formats that give one key two values are reported. The same
//! entry twice loses nothing and is not reported. Found: `baggage:
//! k=1,k=2` extracted k = 2 without a word, and the 1 was lost. Reads the
//! process-wide diagnostic counters, so it has its own file.

use baton::propagation::{Composite, Problem, Propagator, W3cBaggage};
use baton::{diagnostic_count, Context, DiagnosticKind};

fn carrier(lines: &[&str]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|v| ("baggage".to_string(), v.to_string()))
        .collect()
}

/// The entry of `k` W3C Baggage extracts from `lines`, and its problems.
fn extracted(lines: &[&str]) -> (Option<(String, String)>, Vec<Problem>) {
    let (cx, problems) = W3cBaggage.extract_with_problems(&Context::default(), &carrier(lines));
    let k = cx
        .baggage()
        .iter()
        .find(|(k, _, _)| *k == "k")
        .map(|(_, v, p)| (v.to_owned(), p.to_owned()));
    (k, problems.iter().copied().collect())
}

fn entry(value: &str, properties: &str) -> Option<(String, String)> {
    Some((value.to_owned(), properties.to_owned()))
}

#[test]
fn another_value_is_reported_and_the_last_kept() {
    for (lines, entries) in [
        (&["k=1,k=2"][..], 1),
        (&["k=1", "j=0, k = 2"], 1),
        (&["k=0,k=1", "k=2"], 2),
    ] {
        let (k, problems) = extracted(lines);
        assert_eq!(k, entry("2", ""), "{lines:?}");
        assert_eq!(
            problems,
            [Problem::BaggageRepeated {
                field: "baggage",
                entries,
            }],
            "{lines:?}"
        );
        assert_eq!(problems[0].kind(), DiagnosticKind::ConflictingContext);
    }
    assert_eq!(
        extracted(&["k=1,k=2"]).1[0].to_string(),
        "baggage gave 1 baggage entries whose keys it gave again with another value or other \
         properties; kept the last"
    );
}

/// Properties are part of what a repeat can lose: the last entry's replace
/// the earlier's, so an earlier entry's properties are lost unless the
/// last says them too.
#[test]
fn lost_properties_are_reported() {
    let (k, problems) = extracted(&["k=1;ttl=60,k=1"]);
    assert_eq!(k, entry("1", ""));
    assert_eq!(
        problems,
        [Problem::BaggageRepeated {
            field: "baggage",
            entries: 1,
        }]
    );
}

/// Nothing is lost where the entry kept says all the other said.
#[test]
fn the_same_entry_twice_is_not_reported() {
    for (lines, kept) in [
        (&["k=1,k=1"][..], entry("1", "")),
        (&["k=1;p", "k=1;p"], entry("1", "p")),
        (&["k=1,k=1;p"], entry("1", "p")),
        (&["k=%41,k=A"], entry("A", "")),
        // Properties spaced otherwise around `;` and `=` say the same.
        (&["k=1;p=a;b", "k=1;p = a; b"], entry("1", "p = a; b")),
    ] {
        assert_eq!(extracted(lines), (kept, vec![]), "{lines:?}");
    }
}

#[test]
fn reported_once_per_extract() {
    let headers = carrier(&["k=1,k=2,j=1,j=2", "k=3"]);
    let composite = Composite::from_list("tracecontext,baggage").unwrap();
    let propagators: [&dyn Propagator; 2] = [&W3cBaggage, &composite];
    for p in propagators {
        let before = diagnostic_count(DiagnosticKind::ConflictingContext);
        let cx = p.extract(&Context::default(), &headers);
        assert_eq!(cx.baggage().get("k"), Some("3"));
        assert_eq!(cx.baggage().get("j"), Some("2"));
        assert_eq!(
            diagnostic_count(DiagnosticKind::ConflictingContext) - before,
            1
        );
    }
}
