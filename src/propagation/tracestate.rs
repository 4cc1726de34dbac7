//! The W3C `tracestate` header: strict parse and format.
//!
//! # Background
//! [W3C Trace Context Level 2, §3.3 "Tracestate Header"](https://www.w3.org/TR/trace-context-2/#tracestate-header):
//!
//! ```abnf
//! list             = list-member 0*31( OWS "," OWS list-member )
//! list-member      = (key "=" value) / OWS
//!
//! key              = simple-key / multi-tenant-key
//! simple-key       = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//! multi-tenant-key = tenant-id "@" system-id
//! tenant-id        = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//! system-id        = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//! lcalpha          = %x61-7A ; a-z
//!
//! value            = 0*255(chr) nblk-chr
//! nblk-chr         = %x21-2B / %x2D-3C / %x3E-7E
//! chr              = %x20 / nblk-chr
//! ```
//!
//! Spaces and tabs around members are ignored, and so are empty members
//! (they do not count toward the 32). Leading spaces of a value are part of
//! it. A key may appear once ("Combined Header Value"). Several `tracestate`
//! header lines combine in order as if joined by `,`
//! ([RFC 7230 §3.2.2](https://www.rfc-editor.org/rfc/rfc7230#section-3.2.2)).
//! Any invalid member makes the whole list invalid, as the W3C test suite
//! expects; the caller then drops the tracestate but keeps the traceparent.
//!
//! The W3C editor's draft relaxes the key to `( lcalpha / DIGIT ) 0*255(
//! keychar )` with `@` allowed anywhere after the first character; the
//! published recommendation and its test suite (`foo@@bar`, a 15-character
//! system id) use the stricter grammar above, which is what is checked here.

use core::fmt;
use std::sync::Arc;

use crate::TraceState;

/// At most this many members (W3C Trace Context, "list").
pub const MAX_MEMBERS: usize = 32;
/// A key has at most this many characters.
pub const MAX_KEY_LEN: usize = 256;
/// A value has at most this many characters.
pub const MAX_VALUE_LEN: usize = 256;
/// The tenant id of a multi-tenant key has at most this many characters.
pub const MAX_TENANT_ID_LEN: usize = 241;
/// The system id of a multi-tenant key has at most this many characters.
pub const MAX_SYSTEM_ID_LEN: usize = 14;

/// Why a `tracestate` value (or a key or value given to
/// [`TraceState::insert`]) was rejected. Offsets are byte offsets into the
/// value, or into the lines as if joined by `,` for [`parse_lines`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceStateError {
    /// The key's byte at `offset` is not allowed there (or the key is empty).
    InvalidKey {
        /// The offending byte.
        offset: usize,
    },
    /// The key, or its tenant id or system id, is too long; `offset` is the
    /// first byte past the limit.
    KeyTooLong {
        /// The first byte past the limit.
        offset: usize,
    },
    /// The member has no `=`; `offset` is where it ends.
    MissingEquals {
        /// The end of the member.
        offset: usize,
    },
    /// The value's byte at `offset` is not allowed (a control character,
    /// `,`, `=`, non-ASCII, or a trailing space).
    InvalidValue {
        /// The offending byte.
        offset: usize,
    },
    /// The value is empty.
    EmptyValue {
        /// Where the value would start.
        offset: usize,
    },
    /// The value is longer than [`MAX_VALUE_LEN`]; `offset` is the first byte past it.
    ValueTooLong {
        /// The first byte past the limit.
        offset: usize,
    },
    /// The key at `offset` already appeared.
    DuplicateKey {
        /// Where the repeated key starts.
        offset: usize,
    },
    /// The member at `offset` is the 33rd.
    TooManyMembers {
        /// Where the member past the limit starts.
        offset: usize,
    },
}

impl TraceStateError {
    /// The byte offset that failed.
    pub const fn offset(&self) -> usize {
        match *self {
            TraceStateError::InvalidKey { offset }
            | TraceStateError::KeyTooLong { offset }
            | TraceStateError::MissingEquals { offset }
            | TraceStateError::InvalidValue { offset }
            | TraceStateError::EmptyValue { offset }
            | TraceStateError::ValueTooLong { offset }
            | TraceStateError::DuplicateKey { offset }
            | TraceStateError::TooManyMembers { offset } => offset,
        }
    }

    fn shifted(self, by: usize) -> TraceStateError {
        use TraceStateError::*;
        match self {
            InvalidKey { offset } => InvalidKey {
                offset: offset + by,
            },
            KeyTooLong { offset } => KeyTooLong {
                offset: offset + by,
            },
            MissingEquals { offset } => MissingEquals {
                offset: offset + by,
            },
            InvalidValue { offset } => InvalidValue {
                offset: offset + by,
            },
            EmptyValue { offset } => EmptyValue {
                offset: offset + by,
            },
            ValueTooLong { offset } => ValueTooLong {
                offset: offset + by,
            },
            DuplicateKey { offset } => DuplicateKey {
                offset: offset + by,
            },
            TooManyMembers { offset } => TooManyMembers {
                offset: offset + by,
            },
        }
    }
}

impl fmt::Display for TraceStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            TraceStateError::InvalidKey { .. } => "key byte is not allowed",
            TraceStateError::KeyTooLong { .. } => "key is too long",
            TraceStateError::MissingEquals { .. } => "member has no '='",
            TraceStateError::InvalidValue { .. } => "value byte is not allowed",
            TraceStateError::EmptyValue { .. } => "value is empty",
            TraceStateError::ValueTooLong { .. } => "value is longer than 256 characters",
            TraceStateError::DuplicateKey { .. } => "key is repeated",
            TraceStateError::TooManyMembers { .. } => "more than 32 members",
        };
        write!(f, "tracestate: {what} (byte {})", self.offset())
    }
}

impl core::error::Error for TraceStateError {}

const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

const fn is_keychar(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'*' | b'/')
}

/// The longest canonical text: every member at its longest, and the `,`s.
const MAX_TEXT_LEN: usize = MAX_MEMBERS * (MAX_KEY_LEN + 1 + MAX_VALUE_LEN + 1);

/// `chr`: a byte a value may hold (it may not end in a space).
const fn is_value_char(b: u8) -> bool {
    matches!(b, 0x20..=0x7e) && b != b',' && b != b'='
}

/// [`CLASS`] bit: the byte is a `keychar` (after a key's first byte).
const KEYCHAR: u8 = 1;
/// [`CLASS`] bit: the byte is a `chr`.
const CHR: u8 = 2;

/// The classes of every byte, so the one-pass path tests a byte with one load.
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        // `b` < 256.
        let byte = b as u8;
        table[b] =
            if is_keychar(byte) { KEYCHAR } else { 0 } | if is_value_char(byte) { CHR } else { 0 };
        b += 1;
    }
    table
};

/// The index of the first byte at or after `i` that is not in `class`.
fn skip(bytes: &[u8], mut i: usize, class: u8) -> usize {
    while i < bytes.len() && CLASS[usize::from(bytes[i])] & class != 0 {
        i += 1;
    }
    i
}

/// Checks `rest` (a key part after its first character, which starts at
/// `offset`) against `keychar` and the part's length limit `max`.
fn check_key_tail(rest: &[u8], offset: usize, max: usize) -> Result<(), TraceStateError> {
    for (i, &b) in rest.iter().enumerate() {
        // `rest` follows one already-checked character.
        if i + 1 >= max {
            return Err(TraceStateError::KeyTooLong { offset: offset + i });
        }
        if !is_keychar(b) {
            return Err(TraceStateError::InvalidKey { offset: offset + i });
        }
    }
    Ok(())
}

/// Checks a key against `simple-key / multi-tenant-key`; offsets are into `key`.
pub(crate) fn check_key(key: &str) -> Result<(), TraceStateError> {
    let bytes = key.as_bytes();
    let invalid = |offset| Err(TraceStateError::InvalidKey { offset });
    let Some(&first) = bytes.first() else {
        return invalid(0);
    };
    match bytes.iter().position(|&b| b == b'@') {
        None => {
            if !first.is_ascii_lowercase() {
                return invalid(0);
            }
            check_key_tail(&bytes[1..], 1, MAX_KEY_LEN)
        }
        Some(at) => {
            if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
                return invalid(0);
            }
            check_key_tail(&bytes[1..at], 1, MAX_TENANT_ID_LEN)?;
            match bytes.get(at + 1) {
                Some(b) if b.is_ascii_lowercase() => {}
                _ => return invalid(at + 1),
            }
            check_key_tail(&bytes[at + 2..], at + 2, MAX_SYSTEM_ID_LEN)
        }
    }
}

/// Checks a value against `0*255(chr) nblk-chr`; offsets are into `value`.
pub(crate) fn check_value(value: &str) -> Result<(), TraceStateError> {
    let bytes = value.as_bytes();
    let Some(&last) = bytes.last() else {
        return Err(TraceStateError::EmptyValue { offset: 0 });
    };
    for (i, &b) in bytes.iter().enumerate() {
        if i >= MAX_VALUE_LEN {
            return Err(TraceStateError::ValueTooLong { offset: i });
        }
        if !is_value_char(b) {
            return Err(TraceStateError::InvalidValue { offset: i });
        }
    }
    if last == b' ' {
        return Err(TraceStateError::InvalidValue {
            offset: bytes.len() - 1,
        });
    }
    Ok(())
}

/// Combines `tracestate` header lines one at a time, so a carrier that can
/// only lend each line briefly needs no copy of it.
///
/// The members are kept as canonical text (see [`TraceState`]). A line that
/// is already canonical, as almost every sender writes it, becomes the
/// tracestate in one allocation; otherwise only its valid members are
/// copied, and at most [`MAX_MEMBERS`] of them.
#[derive(Debug, Default)]
pub(crate) struct Lines {
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

impl Text {
    fn as_str(&self) -> &str {
        match self {
            Text::Empty => "",
            Text::Shared(text) => text,
            Text::Owned(text) => text,
        }
    }

    /// Whether a member taken so far has this key.
    fn has_key(&self, key: &[u8]) -> bool {
        let text = self.as_str();
        !text.is_empty()
            && text
                .split(',')
                .any(|m| m.split_once('=').map_or(m, |(k, _)| k).as_bytes() == key)
    }
}

/// Where one valid member of a line is: its key is `line[start..eq]`, its
/// value `line[eq + 1..end]`.
#[derive(Clone, Copy, Default)]
struct Span {
    start: usize,
    eq: usize,
    end: usize,
}

impl Lines {
    /// Adds the members of one header line; on an error nothing of the line
    /// is added (and the caller drops the whole list).
    pub(crate) fn push(&mut self, line: &str) -> Result<(), TraceStateError> {
        if self.started {
            // The ',' that joins this line to the previous one.
            self.offset += 1;
        }
        self.started = true;
        let base = self.offset;
        self.offset += line.len();

        if let Some(members) = self.simple_canonical(line.as_bytes()) {
            self.take_line(line, members);
            return Ok(());
        }
        let mut spans = [Span::default(); MAX_MEMBERS];
        let mut found = 0;
        // Whether the line is its members joined by `,`, nothing else.
        let mut canonical = true;
        let mut start = 0;
        for raw in line.split(',') {
            let member = self.member(line, start, start + raw.len(), &spans[..found], base)?;
            match member {
                Some(span) => {
                    canonical &= span.start == start && span.end == start + raw.len();
                    spans[found] = span;
                    found += 1;
                }
                None => canonical = false,
            }
            start += raw.len() + 1;
        }
        self.take(line, &spans[..found], canonical);
        Ok(())
    }

    /// Adds the checked members `spans` of `line`; `canonical` says whether
    /// they are all the line holds, joined by `,`.
    fn take(&mut self, line: &str, spans: &[Span], canonical: bool) {
        if spans.is_empty() {
            return;
        }
        if canonical {
            return self.take_line(line, spans.len());
        }
        let text = match std::mem::take(&mut self.text) {
            Text::Empty => String::with_capacity(line.len().min(MAX_TEXT_LEN)),
            Text::Shared(text) => text.to_string(),
            Text::Owned(text) => text,
        };
        let text = spans.iter().fold(text, |mut text, span| {
            if !text.is_empty() {
                text.push(',');
            }
            text.push_str(&line[span.start..span.end]);
            text
        });
        self.text = Text::Owned(text);
        self.members += spans.len();
    }

    /// Adds a canonical line of `members` checked members as it is.
    fn take_line(&mut self, line: &str, members: usize) {
        self.text = match std::mem::take(&mut self.text) {
            Text::Empty => Text::Shared(line.into()),
            Text::Shared(text) => Text::Owned([&*text, line].join(",")),
            Text::Owned(mut text) => {
                text.push(',');
                text.push_str(line);
                Text::Owned(text)
            }
        };
        self.members += members;
    }

    /// The number of members of a line that is canonical, has only simple
    /// keys (no `@`), no repeated key and room for all its members, as
    /// almost every line is, checked in one pass. `None` for any other line,
    /// which the member-by-member path then takes (and explains if it is
    /// invalid).
    fn simple_canonical(&self, line: &[u8]) -> Option<usize> {
        // Where each key is. Such a line is at most 32 members of at most
        // 256 + 1 + 256 bytes and their `,`s, so offsets fit in 16 bits.
        let mut keys = [(0u16, 0u16); MAX_MEMBERS];
        let room = MAX_MEMBERS - self.members;
        let first_line = matches!(self.text, Text::Empty);
        let mut found = 0;
        let mut i = 0;
        loop {
            let start = i;
            if found == room || !line.get(i)?.is_ascii_lowercase() {
                return None;
            }
            i = skip(line, i + 1, KEYCHAR);
            if i - start > MAX_KEY_LEN || line.get(i) != Some(&b'=') {
                return None;
            }
            let eq = i;
            i = skip(line, i + 1, CHR);
            let value = &line[eq + 1..i];
            if value.is_empty() || value.len() > MAX_VALUE_LEN || value.ends_with(b" ") {
                return None;
            }
            let key = &line[start..eq];
            let repeated = keys[..found]
                .iter()
                .any(|&(s, e)| &line[usize::from(s)..usize::from(e)] == key)
                || (!first_line && self.text.has_key(key));
            if repeated {
                return None;
            }
            // Both fit, as said above.
            keys[found] = (start as u16, eq as u16);
            found += 1;
            match line.get(i) {
                None => return Some(found),
                Some(b',') => i += 1,
                Some(_) => return None,
            }
        }
    }

    /// Checks the member `line[from..to]`, which starts at `base + from` in
    /// the joined value, against the grammar and against the members already
    /// taken: those of earlier lines and `earlier` of this one. `None` for
    /// an empty member.
    fn member(
        &self,
        line: &str,
        from: usize,
        to: usize,
        earlier: &[Span],
        base: usize,
    ) -> Result<Option<Span>, TraceStateError> {
        let bytes = &line.as_bytes()[from..to];
        let Some(lead) = bytes.iter().position(|&b| !is_ows(b)) else {
            return Ok(None);
        };
        let trail = bytes
            .iter()
            .rposition(|&b| !is_ows(b))
            .map_or(lead, |i| i + 1);
        let (start, end) = (from + lead, from + trail);
        let member = &line[start..end];
        let at = base + start;
        let eq = member.find('=');
        let key = &member[..eq.unwrap_or(member.len())];
        check_key(key).map_err(|e| e.shifted(at))?;
        let Some(eq) = eq else {
            return Err(TraceStateError::MissingEquals { offset: base + end });
        };
        check_value(&member[eq + 1..]).map_err(|e| e.shifted(at + eq + 1))?;
        let repeated = earlier.iter().any(|s| &line[s.start..s.eq] == key)
            || self.text.has_key(key.as_bytes());
        if repeated {
            return Err(TraceStateError::DuplicateKey { offset: at });
        }
        if self.members + earlier.len() == MAX_MEMBERS {
            return Err(TraceStateError::TooManyMembers { offset: at });
        }
        Ok(Some(Span {
            start,
            eq: start + eq,
            end,
        }))
    }

    /// The combined tracestate.
    pub(crate) fn finish(self) -> TraceState {
        match self.text {
            Text::Empty => TraceState::EMPTY,
            Text::Shared(text) => TraceState::from_canonical(text),
            Text::Owned(text) => TraceState::from_canonical(text.into()),
        }
    }
}

/// Parses one `tracestate` value.
///
/// Linear time; allocates only the members it returns.
///
/// # Example
/// ```
/// use baton::propagation::tracestate::{parse, TraceStateError};
/// let ts = parse("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE,,").unwrap();
/// assert_eq!(ts.iter().collect::<Vec<_>>(), [("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")]);
/// assert_eq!(parse("foo=1,foo=2"), Err(TraceStateError::DuplicateKey { offset: 6 }));
/// assert_eq!(parse("FOO=1"), Err(TraceStateError::InvalidKey { offset: 0 }));
/// ```
pub fn parse(s: &str) -> Result<TraceState, TraceStateError> {
    parse_lines([s])
}

/// Parses several `tracestate` header lines as one list, in order, as if
/// joined by `,`. Error offsets are into that joined value.
///
/// # Example
/// ```
/// use baton::propagation::tracestate::{parse_lines, TraceStateError};
/// let ts = parse_lines(["foo=1,bar=2", "", "baz=3"]).unwrap();
/// assert_eq!(ts.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["foo", "bar", "baz"]);
/// assert_eq!(parse_lines(["foo=1", "foo=1"]), Err(TraceStateError::DuplicateKey { offset: 6 }));
/// ```
pub fn parse_lines<'a>(
    lines: impl IntoIterator<Item = &'a str>,
) -> Result<TraceState, TraceStateError> {
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
/// assert_eq!(baton::propagation::tracestate::format(&ts), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
/// ```
pub fn format(ts: &TraceState) -> String {
    ts.as_str().to_owned()
}
