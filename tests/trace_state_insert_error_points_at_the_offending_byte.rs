//! `TraceStateError::InvalidValue`'s offset is "The offending byte" (a
//! control character, `,`, `=`, non-ASCII, or a trailing space). A value
//! whose bad byte follows a space pointed at the space, which a value may
//! hold, rather than at the byte that is not allowed.

use baton::{TraceState, TraceStateError};

#[test]
fn a_bad_byte_after_a_space_is_the_one_named() {
    let ts = TraceState::default();
    assert_eq!(
        ts.insert("k", "a ,b"),
        Err(TraceStateError::InvalidValue { offset: 2 })
    );
    assert_eq!(
        ts.insert("k", "a  =b"),
        Err(TraceStateError::InvalidValue { offset: 3 })
    );
    assert_eq!(
        ts.insert("k", "a \tb"),
        Err(TraceStateError::InvalidValue { offset: 2 })
    );
    assert_eq!(
        ts.insert("k", "a é"),
        Err(TraceStateError::InvalidValue { offset: 2 })
    );
}

#[test]
fn a_trailing_space_is_still_named_where_it_starts() {
    let ts = TraceState::default();
    assert_eq!(
        ts.insert("k", "v "),
        Err(TraceStateError::InvalidValue { offset: 1 })
    );
    assert_eq!(
        ts.insert("k", "a b  "),
        Err(TraceStateError::InvalidValue { offset: 3 })
    );
    assert_eq!(
        ts.insert("k", "a,b"),
        Err(TraceStateError::InvalidValue { offset: 1 })
    );
}
