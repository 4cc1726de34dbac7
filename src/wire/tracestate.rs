//! The W3C `tracestate` header: parse and format.
//!
//! # Background
//! [W3C Trace Context Level 2, §3.3 "Tracestate Header"](https://www.w3.org/TR/trace-context-2/#tracestate-header):
//!
//! ```abnf
//! list        = list-member 0*31( OWS "," OWS list-member )
//! list-member = (key "=" value) / OWS
//! ```
//!
//! What a key and a value are is [`TraceState`]'s grammar (see
//! [`crate::TraceState`]); this module reads the list around them. Spaces and
//! tabs around members are ignored, and so are empty members (they do not
//! count toward the 32). Several `tracestate` header lines combine in order
//! as if joined by `,` ([RFC 9110 §5.3](https://www.rfc-editor.org/rfc/rfc9110#section-5.3)).
//! Any invalid member makes the whole list invalid, as the W3C test suite
//! expects; the caller then drops the tracestate but keeps the traceparent.
//! A key that appears twice is passed on as it came: vendors "MAY discard
//! duplicate keys" they did not generate (Level 2, §3.5), and need not.

use alloc::string::String;
use alloc::sync::Arc;

use crate::trace_state::{scan_key, scan_value, TraceState, TraceStateError};
use crate::wire::error::{Field, Reason, WireError};
use crate::wire::lexical::is_ows;

/// The longest canonical text: every member at its longest, and the `,`s.
const MAX_TEXT_LEN: usize =
    TraceState::MAX_MEMBERS * (TraceState::MAX_KEY_LEN + 1 + TraceState::MAX_VALUE_LEN + 1);

/// A model error about the key or value starting at `at`, as a wire error.
fn member_error(e: TraceStateError, at: usize) -> WireError {
    let (field, reason) = match e {
        TraceStateError::InvalidKey { .. } => (Field::TracestateKey, Reason::InvalidByte),
        TraceStateError::KeyTooLong { .. } => (
            Field::TracestateKey,
            Reason::TooLong {
                max: TraceState::MAX_KEY_LEN,
            },
        ),
        TraceStateError::EmptyValue { .. } => (Field::TracestateValue, Reason::Empty),
        TraceStateError::ValueTooLong { .. } => (
            Field::TracestateValue,
            Reason::TooLong {
                max: TraceState::MAX_VALUE_LEN,
            },
        ),
        _ => (Field::TracestateValue, Reason::InvalidByte),
    };
    WireError::new(field, at + e.offset(), reason)
}

/// Combines `tracestate` header lines one at a time, so a carrier that can
/// only lend each line briefly needs no copy of it.
///
/// The members are kept as canonical text (see [`TraceState`]). A line that
/// is already canonical, as almost every sender writes it, becomes the
/// tracestate in one allocation; otherwise only its members are copied.
#[derive(Debug, Default)]
pub struct Lines {
    text: Text,
    /// How many members `text` holds.
    members: usize,
    /// The offset of the next line in the joined value.
    offset: usize,
    started: bool,
}

#[derive(Debug, Default)]
enum Text {
    #[default]
    Empty,
    /// A first line that was canonical as received.
    Shared(Arc<str>),
    /// Members gathered from several lines, or from a line with spaces or
    /// empty members.
    Owned(String),
}

impl Lines {
    /// Adds the members of one header line; on an error nothing of the line
    /// is added (and the caller drops the whole list). Error offsets are
    /// into the lines as if joined by `,`.
    pub fn push(&mut self, line: &str) -> Result<(), WireError> {
        if self.started {
            // The ',' that joins this line to the previous one.
            self.offset += 1;
        }
        self.started = true;
        let base = self.offset;
        self.offset += line.len();

        let (members, canonical) = scan(line.as_bytes(), base, self.members, |_, _| {})?;
        if members == 0 {
            return Ok(());
        }
        self.members += members;
        let mut text = match core::mem::take(&mut self.text) {
            Text::Empty if canonical => {
                self.text = Text::Shared(line.into());
                return Ok(());
            }
            Text::Empty => String::with_capacity(line.len().min(MAX_TEXT_LEN)),
            Text::Shared(text) => String::from(&*text),
            Text::Owned(text) => text,
        };
        if canonical {
            if !text.is_empty() {
                text.push(',');
            }
            text.push_str(line);
        } else {
            // Checked above; a second reading copies the members out.
            let _ = scan(line.as_bytes(), base, 0, |start, end| {
                if !text.is_empty() {
                    text.push(',');
                }
                text.push_str(&line[start..end]);
            });
        }
        self.text = Text::Owned(text);
        Ok(())
    }

    /// The combined tracestate.
    pub fn finish(self) -> TraceState {
        match self.text {
            Text::Empty => TraceState::EMPTY,
            Text::Shared(text) => TraceState::from_canonical(text),
            Text::Owned(text) => TraceState::from_canonical(text.into()),
        }
    }
}

/// Reads the members of one line `b`, which starts at `base` in the joined
/// value, after `before` members of earlier lines: calls `member` with the
/// range of each and returns how many there are and whether the line is
/// canonical (its members joined by `,`, nothing else).
#[inline(always)]
fn scan(
    b: &[u8],
    base: usize,
    before: usize,
    mut member: impl FnMut(usize, usize),
) -> Result<(usize, bool), WireError> {
    let mut found = 0;
    let mut canonical = true;
    let mut i = 0;
    loop {
        let member_start = i;
        while i < b.len() && is_ows(b[i]) {
            i += 1;
        }
        if i == b.len() || b[i] == b',' {
            // An empty member.
            canonical = false;
            if i == b.len() {
                return Ok((found, canonical));
            }
            i += 1;
            continue;
        }
        let key_start = i;
        i += scan_key(&b[i..]).map_err(|e| member_error(e, base + i))?;
        if b.get(i) != Some(&b'=') {
            return Err(missing_equals(b, i, base));
        }
        i += 1;
        let (value_len, chr) = match scan_value(&b[i..]) {
            Ok(value) => value,
            Err(e) => return Err(value_error(b, i, e, base)),
        };
        let end = i + value_len;
        i += chr;
        let stop = i;
        while i < b.len() && is_ows(b[i]) {
            i += 1;
        }
        if i < b.len() && b[i] != b',' {
            // The byte that ended the value is neither OWS before a `,`
            // nor the end.
            return Err(WireError::new(
                Field::TracestateValue,
                base + stop,
                Reason::InvalidByte,
            ));
        }
        if before + found == TraceState::MAX_MEMBERS {
            return Err(WireError::new(
                Field::TracestateMember,
                base + key_start,
                Reason::TooManyMembers {
                    max: TraceState::MAX_MEMBERS,
                },
            ));
        }
        canonical &= key_start == member_start && end == i;
        member(key_start, end);
        found += 1;
        if i == b.len() {
            return Ok((found, canonical));
        }
        i += 1;
    }
}

/// The error for a key that ends at `at` without an `=` after it: a member
/// that ends there has no `=`; anything else is a byte a key cannot hold.
#[cold]
fn missing_equals(b: &[u8], at: usize, base: usize) -> WireError {
    let after = at + b[at..].iter().take_while(|&&c| is_ows(c)).count();
    match b.get(after) {
        None | Some(b',') => {
            WireError::new(Field::TracestateMember, base + at, Reason::MissingEquals)
        }
        Some(_) => WireError::new(Field::TracestateKey, base + at, Reason::InvalidByte),
    }
}

/// The error for the value at `at` that `scan_value` refused: an empty
/// value ended by a byte that cannot end a member is that byte's fault.
#[cold]
fn value_error(b: &[u8], at: usize, e: TraceStateError, base: usize) -> WireError {
    let after_spaces = at + b[at..].iter().take_while(|&&c| c == b' ').count();
    match (e, b.get(after_spaces)) {
        (TraceStateError::EmptyValue { .. }, Some(&c)) if c != b',' && !is_ows(c) => {
            WireError::new(
                Field::TracestateValue,
                base + after_spaces,
                Reason::InvalidByte,
            )
        }
        _ => member_error(e, base + at),
    }
}

/// Parses one `tracestate` value.
///
/// Linear time; allocates only the members it returns.
///
/// # Example
/// ```
/// use baton::wire::{tracestate::parse, Field, Reason, WireError};
/// let ts = parse("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE,,").unwrap();
/// assert_eq!(ts.iter().collect::<Vec<_>>(), [("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")]);
/// assert_eq!(parse("foo=1,foo=2").unwrap().len(), 2);
/// assert_eq!(parse("foo@@bar=1").unwrap().get("foo@@bar"), Some("1"));
/// assert_eq!(parse("FOO=1"), Err(WireError::new(Field::TracestateKey, 0, Reason::InvalidByte)));
/// ```
pub fn parse(s: &str) -> Result<TraceState, WireError> {
    parse_lines([s])
}

/// Parses several `tracestate` header lines as one list, in order, as if
/// joined by `,`. Error offsets are into that joined value.
///
/// # Example
/// ```
/// use baton::wire::{tracestate::parse_lines, Field, Reason, WireError};
/// let ts = parse_lines(["foo=1,bar=2", "", "baz=3"]).unwrap();
/// assert_eq!(ts.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["foo", "bar", "baz"]);
/// assert_eq!(
///     parse_lines(["foo=1", "bar"]),
///     Err(WireError::new(Field::TracestateMember, 9, Reason::MissingEquals))
/// );
/// ```
pub fn parse_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<TraceState, WireError> {
    let mut combined = Lines::default();
    for line in lines {
        combined.push(line)?;
    }
    Ok(combined.finish())
}

/// Formats a tracestate as `key=value` members joined by `,`, without
/// optional whitespace. Every [`TraceState`] holds valid members, so the
/// result always parses back to the same list.
///
/// # Example
/// ```
/// use baton::TraceState;
/// let ts = TraceState::default().insert("congo", "t61rcWkgMzE").unwrap()
///     .insert("rojo", "00f067aa0ba902b7").unwrap();
/// assert_eq!(baton::wire::tracestate::format(&ts), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
/// ```
pub fn format(ts: &TraceState) -> String {
    String::from(ts.as_str())
}
