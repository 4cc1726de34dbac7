//! `SessionHeader::new` keeps each distinct name for the process's life (a
//! propagator hands out its fields as `'static` names). Found by an audit:
//! names of any length were kept, as many as a program made (20,000
//! distinct names kept 953 KB; one name of 1 MiB kept 1 MiB). A name is now
//! at most `MAX_SESSION_HEADER_LEN` bytes, and a process names at most
//! `MAX_SESSION_HEADERS` distinct ones; each past a limit is an error
//! naming it. One test: the count is the process's.

use baton::propagation::{
    SessionError, SessionHeader, MAX_SESSION_HEADERS, MAX_SESSION_HEADER_LEN,
};

#[test]
fn names_are_bounded_in_length_and_in_number() {
    // At the length limit, taken whole; one past it, refused.
    let longest = format!("x-{}", "s".repeat(MAX_SESSION_HEADER_LEN - 2));
    assert_eq!(SessionHeader::new(&longest).unwrap().header(), longest);
    let over = format!("{longest}s");
    let error = SessionHeader::new(&over).unwrap_err();
    assert_eq!(
        error,
        SessionError::HeaderNameTooLong {
            len: MAX_SESSION_HEADER_LEN + 1
        }
    );
    assert!(
        error
            .to_string()
            .ends_with(&format!("over the limit of {MAX_SESSION_HEADER_LEN}")),
        "{error}"
    );

    // `longest` is the first name kept; the rest fill the table.
    for i in 1..MAX_SESSION_HEADERS {
        let name = format!("x-session-{i}");
        assert_eq!(SessionHeader::new(&name).unwrap().header(), name);
    }
    let error = SessionHeader::new("x-one-too-many").unwrap_err();
    assert_eq!(error, SessionError::TooManyHeaderNames);
    assert!(
        error.to_string().contains(&MAX_SESSION_HEADERS.to_string()),
        "{error}"
    );
    // A name named before is taken again, in any case; so is the default,
    // which the table does not hold.
    assert_eq!(
        SessionHeader::new("X-Session-1").unwrap().header(),
        "x-session-1"
    );
    assert_eq!(
        SessionHeader::new(baton::propagation::DEFAULT_SESSION_HEADER)
            .unwrap()
            .header(),
        baton::propagation::DEFAULT_SESSION_HEADER
    );
    // Refused names took no room: the table is still exactly full.
    assert_eq!(
        SessionHeader::new("x-still-too-many").unwrap_err(),
        SessionError::TooManyHeaderNames
    );
}
