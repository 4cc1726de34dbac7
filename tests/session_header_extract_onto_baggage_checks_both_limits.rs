//! A standalone `SessionHeader` extract onto a context that has baggage
//! already keeps the sum within both W3C limits, as `W3cBaggage` and
//! `Jaeger` alone and the `Composite` do, and reports the session it left
//! out as a `Problem::Partial` of the header ("no room left in the
//! baggage"). Found: only the member limit was checked, so a session of
//! 200 bytes onto 8184 bytes of baggage was extracted with no problem,
//! and every W3C inject afterwards dropped it (a `limit-exceeded` at each
//! inject instead of one problem at extract).

use baton::propagation::{Problem, Propagator, SessionHeader, W3cBaggage};
use baton::wire::baggage::{entry_size, format};
use baton::wire::{Field, Reason, WireError};
use baton::{Baggage, Context};

/// A context with one entry `base=...` of `size` bytes as the header counts it.
fn base_of(size: usize) -> Context {
    let value = "b".repeat(size - entry_size("base", "", ""));
    Context::default().with_baggage("base", &value)
}

fn session(id: &str) -> Vec<(String, String)> {
    vec![("baton-session-id".to_string(), id.to_string())]
}

#[test]
fn a_session_that_fits_beside_the_baggage_is_kept() {
    let id = "s".repeat(20);
    // The base, a `,` and `session.id=sss...`: exactly the limit.
    let base = Baggage::MAX_BYTES - 1 - entry_size("session.id", &id, "");
    let (cx, problems) =
        SessionHeader::default().extract_with_problems(&base_of(base), &session(&id));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(cx.session().unwrap().id(), id);
    let written = format(cx.baggage());
    assert!(written.is_complete());
    assert_eq!(written.header.len(), Baggage::MAX_BYTES);
}

#[test]
fn a_session_past_the_byte_limit_is_left_out_and_said() {
    let id = "s".repeat(20);
    let base = Baggage::MAX_BYTES - entry_size("session.id", &id, "");
    let before = base_of(base);
    let (cx, problems) = SessionHeader::default().extract_with_problems(&before, &session(&id));
    assert_eq!(cx.baggage(), before.baggage());
    assert!(cx.session().is_none());
    let problems: Vec<&Problem> = problems.iter().collect();
    assert_eq!(
        problems,
        [&Problem::Partial {
            field: "baton-session-id",
            invalid: 0,
            dropped: 1,
            first: Some(WireError::new(
                Field::SessionId,
                0,
                Reason::ListTooLong {
                    max: Baggage::MAX_BYTES
                }
            )),
        }]
    );
    // As the baggage header itself is extracted onto the same context.
    let header = vec![("baggage".to_string(), format!("session.id={id}"))];
    let (_, w3c) = W3cBaggage.extract_with_problems(&before, &header);
    assert_eq!(w3c.len(), 1);
}

#[test]
fn a_session_replacing_one_is_measured_without_the_old_one() {
    let old = "o".repeat(100);
    let new = "n".repeat(100);
    let base = Baggage::MAX_BYTES - 1 - entry_size("session.id", &old, "");
    let cx = base_of(base).with_baggage("session.id", &old);
    let (cx, problems) = SessionHeader::default().extract_with_problems(&cx, &session(&new));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(cx.session().unwrap().id(), new);
    assert!(format(cx.baggage()).is_complete());
}
