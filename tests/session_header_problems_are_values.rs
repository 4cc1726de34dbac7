//! `SessionHeader::extract_with_problems` returns what it could not use (a
//! malformed, too long or repeated session id) as `Problems`, reporting
//! nothing itself, as the other propagators do; `extract` reports each
//! problem once, and so does a `Composite` holding it. Found: the session
//! header reported its problems as diagnostics from inside every extract, so
//! callers of `extract_with_problems` (`baton decode`, a `Composite`) never
//! saw them as values. Reads the process-wide diagnostic counters, so it has
//! its own file and one test.

use baton::propagation::{
    Composite, Problem, Propagator, SessionHeader, DEFAULT_SESSION_HEADER, MAX_SESSION_ID_LEN,
};
use baton::wire::{Field, Reason, WireError};
use baton::{diagnostic_count, Context, DiagnosticKind};

/// Runs `f` and returns how many InvalidHeader and LimitExceeded
/// diagnostics it reported.
fn counted<T>(f: impl FnOnce() -> T) -> (T, [u64; 2]) {
    let kinds = [DiagnosticKind::InvalidHeader, DiagnosticKind::LimitExceeded];
    let before = kinds.map(diagnostic_count);
    let result = f();
    let after = kinds.map(diagnostic_count);
    (result, [after[0] - before[0], after[1] - before[1]])
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The one problem `(invalid, dropped, (offset, reason))` the session
/// header met.
fn partial(problem: Option<&Problem>) -> (usize, usize, (usize, Reason)) {
    match problem {
        Some(Problem::Partial {
            field,
            invalid,
            dropped,
            first: Some(first),
        }) if *field == DEFAULT_SESSION_HEADER && first.field() == Field::SessionId => {
            (*invalid, *dropped, (first.offset(), first.reason()))
        }
        other => panic!("expected the session header's problem, got {other:?}"),
    }
}

#[test]
fn session_problems_are_returned_once_and_reported_only_by_extract() {
    let session = SessionHeader::default();
    let too_long = "x".repeat(MAX_SESSION_ID_LEN + 1);
    let at_limit = "x".repeat(MAX_SESSION_ID_LEN);
    let max = MAX_SESSION_ID_LEN;
    for (value, expected, kinds) in [
        ("chat 42", (1, 0, (4, Reason::InvalidByte)), [1, 0]),
        ("\u{7f}", (1, 0, (0, Reason::InvalidByte)), [1, 0]),
        (
            too_long.as_str(),
            (0, 1, (max, Reason::TooLong { max })),
            [0, 1],
        ),
    ] {
        let carrier = headers(&[(DEFAULT_SESSION_HEADER, value)]);

        let ((cx, problems), reported) =
            counted(|| session.extract_with_problems(&Context::default(), &carrier));
        assert_eq!(reported, [0, 0], "{value:?}: reported by itself");
        assert!(cx.session().is_none(), "{value:?}");
        assert_eq!(problems.len(), 1, "{value:?}");
        assert_eq!(partial(problems.iter().next()), expected, "{value:?}");

        let (cx, reported) = counted(|| session.extract(&Context::default(), &carrier));
        assert!(cx.session().is_none(), "{value:?}");
        assert_eq!(reported, kinds, "{value:?}: extract reports it once");

        // A composite sees the problem as a value, once, and its extract
        // reports it once.
        let composite = Composite::new(vec![Box::new(session)]);
        let ((_, problems), reported) =
            counted(|| composite.extract_with_problems(&Context::default(), &carrier));
        assert_eq!(reported, [0, 0], "{value:?}");
        assert_eq!(partial(problems.iter().next()), expected, "{value:?}");
        assert_eq!(problems.len(), 1, "{value:?}");
        let (_, reported) = counted(|| composite.extract(&Context::default(), &carrier));
        assert_eq!(reported, kinds, "{value:?}");
    }

    // Repeated: every value is ignored.
    let carrier = headers(&[(DEFAULT_SESSION_HEADER, "a"), ("Baton-Session-Id", "b")]);
    let ((cx, problems), reported) =
        counted(|| session.extract_with_problems(&Context::default(), &carrier));
    assert_eq!(reported, [0, 0]);
    assert!(cx.session().is_none());
    assert_eq!(
        partial(problems.iter().next()),
        (2, 0, (0, Reason::Repeated))
    );
    // The diagnostic says why.
    let why = problems.iter().next().unwrap().to_string();
    let repeated = WireError::new(Field::SessionId, 0, Reason::Repeated);
    assert!(why.ends_with(&format!("(first: {repeated})")), "{why}");
    assert_eq!(
        repeated.to_string(),
        "session id at byte 0 appears more than once"
    );

    // At the limit, and valid: the session, and no problem.
    let carrier = headers(&[(DEFAULT_SESSION_HEADER, &at_limit)]);
    let ((cx, problems), reported) =
        counted(|| session.extract_with_problems(&Context::default(), &carrier));
    assert_eq!(reported, [0, 0]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(cx.session().unwrap().id(), at_limit);
}
