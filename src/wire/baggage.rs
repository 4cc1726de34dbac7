//! The W3C `baggage` header: parse and format.
//!
//! # Background
//! [W3C Baggage, §3.3 "Header Content"](https://www.w3.org/TR/baggage/#header-content):
//!
//! ```abnf
//! baggage-string  =  list-member 0*179( OWS "," OWS list-member )
//! list-member     =  key OWS "=" OWS value *( OWS ";" OWS property )
//! property        =  key OWS "=" OWS value
//! property        =/ key OWS
//! key             =  token ; as defined in RFC 7230, Section 3.2.6
//! value           =  *baggage-octet
//! baggage-octet   =  %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
//!                    ; US-ASCII characters excluding CTLs,
//!                    ; whitespace, DQUOTE, comma, semicolon,
//!                    ; and backslash
//! OWS             =  *( SP / HTAB )
//! ```
//!
//! Values are percent-encoded UTF-8 ([RFC 3986 §2.1](https://www.rfc-editor.org/rfc/rfc3986#section-2.1)):
//! `%20` decodes to a space and `+` stays `+`; decoded bytes that are not
//! UTF-8 become U+FFFD, as the spec requires. [`format`](fn@format) encodes only what it
//! must (bytes outside `baggage-octet`, `%`, and `+`, which form decoders
//! read as a space), with upper-case hex, so a space is written `%20`,
//! never `+`. Properties are kept as their raw text.
//!
//! # Limits
//! "Limits": a platform must propagate up to [`Baggage::MAX_MEMBERS`] members
//! and [`Baggage::MAX_BYTES`] bytes, and may drop members past either. Both limits apply to
//! all `baggage` header lines together, never per line, and a member's size
//! is the size [`format`](fn@format) gives it (`key=value;properties`, plus one `,`
//! between members), so what is parsed can always be written back.
//!
//! Empty members (a blank line, a trailing comma) carry nothing and are
//! skipped without counting as invalid. When a key repeats, the last value
//! wins and keeps the first position, as a sequence of
//! [`Baggage::try_insert`] calls would do (the spec allows any
//! deduplication, "Mutating baggage"; OpenTelemetry's Baggage API says "the
//! new pair MUST take precedence"). A repeat that loses an entry's value or
//! properties ([`repeat_loses`]) is counted, so the caller can say so.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::baggage::{
    check_properties, escape_at, is_baggage_octet, is_tchar, skip_ows, Baggage, Builder, Parts,
};
use crate::wire::error::{Field, Reason, WireError};
use crate::wire::lexical::{
    find_byte, percent_decode_into, percent_encode_into, percent_encoded_len, trim_ows,
};

/// What [`parse_lines`] kept and what it had to leave out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedBaggage {
    /// The members kept, within the limits.
    pub baggage: Baggage,
    /// Members skipped because they did not match the grammar.
    pub invalid: usize,
    /// Well-formed members dropped because of [`Baggage::MAX_MEMBERS`] or
    /// [`Baggage::MAX_BYTES`].
    pub dropped: usize,
    /// Members whose key repeated an earlier one (the later value won).
    pub replaced: usize,
    /// Of those, the members that lost something of the entry they
    /// replaced ([`repeat_loses`]): another value, or its properties. A key
    /// given the same entry twice loses nothing and is not counted.
    pub conflicting: usize,
    /// The first member skipped or dropped, and why.
    pub first_error: Option<WireError>,
}

impl ParsedBaggage {
    /// Whether every member of the input was kept.
    pub fn is_complete(&self) -> bool {
        self.invalid == 0 && self.dropped == 0
    }
}

impl fmt::Display for ParsedBaggage {
    /// A one-line summary of what was left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "baggage: kept {} members, skipped {} invalid, dropped {} over the limits of \
             {} members and {} bytes",
            self.baggage.len(),
            self.invalid,
            self.dropped,
            Baggage::MAX_MEMBERS,
            Baggage::MAX_BYTES,
        )?;
        if let Some(e) = self.first_error {
            write!(f, "; first: {e}")?;
        }
        Ok(())
    }
}

/// Whether byte `b` of a value can be written as it is: a baggage-octet
/// other than the `%` that begins an escape (every other byte becomes
/// `%XX`). Sizes are counted so, at their smallest, against
/// [`Baggage::MAX_BYTES`]: a header the W3C limits let through is kept
/// whole, as the spec says it MUST be propagated.
fn kept_as_is(b: u8) -> bool {
    is_baggage_octet(b) && b != b'%'
}

/// [`kept_as_is`], but for `+`: a baggage-octet, which receivers that
/// decode values as HTML form data (OpenTelemetry Python's
/// `unquote_plus`) read as a space, so [`format`](fn@format) writes it
/// `%2B`, which every decoder reads back as `+`, wherever the header still
/// fits [`Baggage::MAX_BYTES`] so.
fn kept_by_form_decoders(b: u8) -> bool {
    kept_as_is(b) && b != b'+'
}

/// One well-formed member, still borrowed from its line.
struct Member<'a> {
    key: &'a str,
    /// The value as on the wire (valid baggage-octets and escapes).
    raw_value: &'a [u8],
    properties: &'a str,
    /// The size of the value as [`format`](fn@format) writes it if it decodes to UTF-8;
    /// otherwise a lower bound (a byte that is not UTF-8 grows into U+FFFD).
    value_size: usize,
}

/// The size of `key=value;properties` as [`format`](fn@format) writes it.
fn member_size(key: &str, value_size: usize, properties: &str) -> usize {
    let properties = if properties.is_empty() {
        0
    } else {
        1 + properties.len()
    };
    key.len() + 1 + value_size + properties
}

/// Parses one member (already trimmed of OWS); offsets are into `member`.
fn member(member: &str) -> Result<Member<'_>, WireError> {
    let bytes = member.as_bytes();
    let key_end = bytes
        .iter()
        .position(|&b| !is_tchar(b))
        .unwrap_or(bytes.len());
    if key_end == 0 {
        return Err(WireError::new(Field::BaggageKey, 0, Reason::InvalidByte));
    }
    let eq = skip_ows(bytes, key_end);
    match bytes.get(eq) {
        Some(b'=') => {}
        Some(_) if eq == key_end => {
            return Err(WireError::new(Field::BaggageKey, eq, Reason::InvalidByte))
        }
        _ => {
            return Err(WireError::new(
                Field::BaggageMember,
                eq,
                Reason::MissingEquals,
            ))
        }
    }
    let value_start = skip_ows(bytes, eq + 1);
    let mut i = value_start;
    let mut value_size = 0;
    while i < bytes.len() && is_baggage_octet(bytes[i]) {
        if bytes[i] == b'%' {
            let Some(decoded) = escape_at(bytes, i) else {
                return Err(WireError::new(Field::BaggageValue, i, Reason::BadEscape));
            };
            value_size += if kept_as_is(decoded) { 1 } else { 3 };
            i += 3;
        } else {
            value_size += if kept_as_is(bytes[i]) { 1 } else { 3 };
            i += 1;
        }
    }
    let raw_value = &bytes[value_start..i];
    let after = skip_ows(bytes, i);
    let properties = match bytes.get(after) {
        None => "",
        Some(b';') => {
            let props_start = skip_ows(bytes, after + 1);
            let props = &member[props_start..];
            check_properties(props).map_err(|offset| {
                WireError::new(
                    Field::BaggageProperty,
                    props_start + offset,
                    Reason::InvalidByte,
                )
            })?;
            props
        }
        Some(_) => return Err(WireError::new(Field::BaggageValue, i, Reason::InvalidByte)),
    };
    Ok(Member {
        key: &member[..key_end],
        raw_value,
        properties,
        value_size,
    })
}

/// Appends the percent-decoded bytes of a validated raw value to `out`, as
/// UTF-8 with each invalid sequence replaced by U+FFFD as the spec
/// requires. Returns the size of what was appended once percent-encoded, or
/// `encoded` (which `member` computed from the raw value) when the decoded
/// bytes were UTF-8 as they were.
fn append_decoded(raw: &[u8], encoded: usize, out: &mut Vec<u8>) -> usize {
    if !raw.contains(&b'%') {
        // Unescaped baggage-octets are ASCII, and the value is as it came.
        out.extend_from_slice(raw);
        return encoded;
    }
    let start = out.len();
    // `member` checked every escape.
    let _ = percent_decode_into(raw, false, out);
    if core::str::from_utf8(&out[start..]).is_ok() {
        return encoded;
    }
    let decoded = out.split_off(start);
    let mut fixed = String::with_capacity(decoded.len());
    for chunk in decoded.utf8_chunks() {
        fixed.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            fixed.push(char::REPLACEMENT_CHARACTER);
        }
    }
    out.extend_from_slice(fixed.as_bytes());
    percent_encoded_len(fixed.as_bytes(), kept_as_is)
}

/// Combines `baggage` header lines one at a time under one budget, so a
/// carrier that can only lend each line briefly needs no copy of it.
///
/// Kept members are decoded straight into one buffer, which becomes the
/// baggage's own. A repeated key appends its new member and points its entry
/// there. What it leaves behind is squeezed out in place before the buffer
/// would pass twice [`Baggage::MAX_BYTES`]: the kept members never take more
/// than that, so a squeeze moves at most that, and a squeeze comes only
/// after appends of about as much. The work stays linear in the input
/// however many duplicates it holds: each member is decoded once, measured
/// again at most once (when it is replaced), and moved a bounded number of
/// times per byte appended.
#[derive(Default)]
pub struct Lines {
    /// Keys, decoded values and properties of the kept members; always
    /// UTF-8.
    text: Vec<u8>,
    parts: Vec<Parts>,
    /// Whether a repeated key left an unused member in `text`.
    moved: bool,
    /// The size of the kept members joined by `,`, as [`format`](fn@format)
    /// writes them.
    used: usize,
    /// The offset of the next line in the joined value.
    offset: usize,
    started: bool,
    report: ParsedBaggage,
}

impl Lines {
    /// Adds the members of one header line. In `strict` mode the first
    /// member that is invalid or does not fit is returned as an error;
    /// otherwise it is counted and skipped (and [`Lines::finish`] says so).
    pub fn push(&mut self, line: &str, strict: bool) -> Result<(), WireError> {
        if self.started {
            self.offset += 1;
        }
        self.started = true;
        if self.parts.is_empty() {
            // Decoding never makes a value longer, so a line's members fit.
            self.text.reserve(line.len().min(Baggage::MAX_BYTES));
        }
        let base = self.offset;
        self.offset += line.len();
        // Split over bytes: `str::split` sets up a substring search for each
        // member.
        let line_bytes = line.as_bytes();
        let mut at = 0;
        loop {
            let stop = find_byte(&line_bytes[at..], b',').map_or(line_bytes.len(), |i| at + i);
            let bytes = &line_bytes[at..stop];
            let (start, end) = trim_ows(bytes);
            if start < end {
                // Between `,`s and spaces, so on character boundaries.
                let member = &line[at + start..at + end];
                if let Err(e) = self.member(member, base + at + start) {
                    if strict {
                        return Err(e);
                    }
                    if e.is_limit() {
                        self.report.dropped += 1;
                    } else {
                        self.report.invalid += 1;
                    }
                    self.report.first_error.get_or_insert(e);
                }
            }
            if stop == line_bytes.len() {
                return Ok(());
            }
            at = stop + 1;
        }
    }

    /// The size of a kept member as [`format`](fn@format) writes it.
    fn size(&self, p: &Parts) -> usize {
        let value = percent_encoded_len(&self.text[p.key_end..p.value_end], kept_as_is);
        let properties = p.end - p.value_end;
        p.key_end - p.start + 1 + value + if properties == 0 { 0 } else { 1 + properties }
    }

    fn member(&mut self, text: &str, at: usize) -> Result<(), WireError> {
        let m = member(text).map_err(|e| e.shifted(at))?;
        let existing = self
            .parts
            .iter()
            .position(|p| &self.text[p.start..p.key_end] == m.key.as_bytes());
        let too_long = WireError::new(
            Field::BaggageMember,
            at,
            Reason::ListTooLong {
                max: Baggage::MAX_BYTES,
            },
        );
        // The budget left for this member: what is used, minus the entry it
        // replaces, or plus the ',' that will precede it.
        let room = match existing {
            Some(i) => Baggage::MAX_BYTES - (self.used - self.size(&self.parts[i])),
            None if self.parts.len() == Baggage::MAX_MEMBERS => {
                return Err(WireError::new(
                    Field::BaggageMember,
                    at,
                    Reason::TooManyMembers {
                        max: Baggage::MAX_MEMBERS,
                    },
                ))
            }
            None if self.parts.is_empty() => Baggage::MAX_BYTES,
            None => Baggage::MAX_BYTES.saturating_sub(self.used + 1),
        };
        // A lower bound first, so nothing is decoded for a member that
        // cannot fit; then the exact size of the decoded value.
        if member_size(m.key, m.value_size, m.properties) > room {
            return Err(too_long);
        }
        // Decoding never makes a member longer than its size.
        if self.moved
            && self.text.len() + member_size(m.key, m.value_size, m.properties)
                > 2 * Baggage::MAX_BYTES
        {
            self.squeeze();
        }
        let start = self.text.len();
        self.text.extend_from_slice(m.key.as_bytes());
        let key_end = self.text.len();
        let value_size = append_decoded(m.raw_value, m.value_size, &mut self.text);
        let size = member_size(m.key, value_size, m.properties);
        if size > room {
            self.text.truncate(start);
            return Err(too_long);
        }
        let value_end = self.text.len();
        self.text.extend_from_slice(m.properties.as_bytes());
        let parts = Parts {
            start,
            key_end,
            value_end,
            end: self.text.len(),
        };
        self.used = Baggage::MAX_BYTES - room + size;
        match existing {
            Some(i) => {
                self.replace(i, parts);
                self.moved = true;
            }
            None => self.parts.push(parts),
        }
        Ok(())
    }

    /// Puts member `parts` in place of member `i`, whose key it repeats,
    /// and counts it if that loses something. Out of line, as a repeated
    /// key is rare: the comparison stays out of every member's path.
    #[cold]
    #[inline(never)]
    fn replace(&mut self, i: usize, parts: Parts) {
        self.report.replaced += 1;
        let (old, text) = (&self.parts[i], &self.text);
        let kept = (
            &text[parts.key_end..parts.value_end],
            &text[parts.value_end..parts.end],
        );
        let lost = (
            &text[old.key_end..old.value_end],
            &text[old.value_end..old.end],
        );
        self.report.conflicting += usize::from(repeat_loses(kept, lost));
        self.parts[i] = parts;
    }

    /// Moves the kept members to the front of `text`, in place, dropping
    /// the ones repeated keys replaced.
    fn squeeze(&mut self) {
        let mut order = [0u8; Baggage::MAX_MEMBERS];
        let order = &mut order[..self.parts.len()];
        for (i, slot) in order.iter_mut().enumerate() {
            // At most MAX_MEMBERS (64) entries.
            *slot = i as u8;
        }
        // In text order, each member moves toward the front and never over
        // one not yet moved.
        order.sort_unstable_by_key(|&i| self.parts[usize::from(i)].start);
        let mut to = 0;
        for &i in order.iter() {
            let p = &mut self.parts[usize::from(i)];
            self.text.copy_within(p.start..p.end, to);
            let shift = p.start - to;
            *p = Parts {
                start: to,
                key_end: p.key_end - shift,
                value_end: p.value_end - shift,
                end: p.end - shift,
            };
            to = p.end;
        }
        self.text.truncate(to);
    }

    /// The baggage and the report of what was left out.
    pub fn finish(mut self) -> ParsedBaggage {
        // Only whole UTF-8 pieces were appended, so this never fails.
        let text = String::from_utf8(self.text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        self.report.baggage = if self.moved {
            // Copied without the members that repeated keys replaced.
            let mut out = Builder::default();
            for p in &self.parts {
                out.push(
                    &text[p.start..p.key_end],
                    &text[p.key_end..p.value_end],
                    &text[p.value_end..p.end],
                );
            }
            out.build()
        } else {
            Baggage::from_parts(text, self.parts)
        };
        self.report
    }
}

/// Whether keeping `kept` and not `lost`, two entries given for one key
/// (each its decoded value and its properties), loses something: another
/// value, or properties other than `kept`'s. An entry without properties
/// loses none, so a format that cannot carry them (Jaeger's `uberctx-*`)
/// loses nothing by repeating an entry that has some. Extraction keeps one
/// entry per key; the one it does not keep, where this says it loses
/// something, is a conflict to report.
///
/// ```
/// use baton::wire::baggage::repeat_loses;
/// assert!(!repeat_loses((b"1", b"p"), (b"1", b"p")));
/// assert!(repeat_loses((b"2", b""), (b"1", b"")));
/// assert!(repeat_loses((b"1", b""), (b"1", b"ttl=60")));
/// assert!(!repeat_loses((b"1", b"ttl=60"), (b"1", b"")));
/// // Properties are compared as the grammar reads them.
/// assert!(!repeat_loses((b"1", b"p = a;b"), (b"1", b"p=a; b")));
/// assert!(repeat_loses((b"1", b"p=a;b"), (b"1", b"b;p=a")));
/// ```
pub fn repeat_loses(kept: (&[u8], &[u8]), lost: (&[u8], &[u8])) -> bool {
    kept.0 != lost.0 || (!lost.1.is_empty() && !same_properties(kept.1, lost.1))
}

/// Whether two property lists say the same: the same properties in the
/// same order, each read without the OWS the grammar allows around `;`
/// and `=` (`p = a` is `p=a`).
fn same_properties(a: &[u8], b: &[u8]) -> bool {
    let unpadded = |bytes: &[u8]| {
        let (start, end) = trim_ows(bytes);
        bytes[start..end].to_vec()
    };
    let properties = |list: &[u8]| -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
        list.split(|&b| b == b';')
            .map(|p| match find_byte(p, b'=') {
                Some(at) => (unpadded(&p[..at]), Some(unpadded(&p[at + 1..]))),
                None => (unpadded(p), None),
            })
            .collect()
    };
    a == b || properties(a) == properties(b)
}

/// Parses one `baggage` value strictly: the first member that is invalid or
/// past a limit is an error.
///
/// Linear time; allocates only what it returns (at most
/// [`Baggage::MAX_BYTES`] of text).
///
/// # Example
/// ```
/// use baton::wire::{baggage::parse, Field, Reason, WireError};
/// let b = parse("userId=alice, serverNode = DF%2028;shard=3, plus=a+b").unwrap();
/// assert_eq!(b.get("serverNode"), Some("DF 28"));
/// assert_eq!(b.get("plus"), Some("a+b"));
/// assert_eq!(b.iter().nth(1), Some(("serverNode", "DF 28", "shard=3")));
/// assert_eq!(parse("k=%zz"), Err(WireError::new(Field::BaggageValue, 2, Reason::BadEscape)));
/// ```
pub fn parse(s: &str) -> Result<Baggage, WireError> {
    let mut lines = Lines::default();
    lines.push(s, true)?;
    Ok(lines.finish().baggage)
}

/// Parses every `baggage` header line of a request as one list: invalid
/// members are skipped, and the limits ([`Baggage::MAX_MEMBERS`],
/// [`Baggage::MAX_BYTES`]) apply to all lines together. The result says what
/// was left out, so a caller can report it once.
///
/// # Example: one budget for every line
/// ```
/// use baton::Baggage;
/// use baton::wire::baggage::parse_lines;
/// let big = format!("k={}", "v".repeat(Baggage::MAX_BYTES - 2)); // exactly 8192 bytes
/// let parsed = parse_lines([big.as_str(), "other=1", "bad key=1"]);
/// assert_eq!(parsed.baggage.len(), 1);
/// assert_eq!((parsed.dropped, parsed.invalid), (1, 1));
/// assert!(!parsed.is_complete());
/// ```
pub fn parse_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> ParsedBaggage {
    let mut combined = Lines::default();
    for line in lines {
        // Lenient mode never fails.
        let _ = combined.push(line, false);
    }
    combined.finish()
}

/// What [`format`](fn@format) wrote and what it left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormattedBaggage {
    /// The header value.
    pub header: String,
    /// Members left out because they did not fit [`Baggage::MAX_MEMBERS`] or
    /// [`Baggage::MAX_BYTES`].
    pub dropped: usize,
}

impl FormattedBaggage {
    /// Whether every member was written whole.
    pub fn is_complete(&self) -> bool {
        self.dropped == 0
    }
}

/// Formats baggage as a header value within the limits, and says what it
/// left out: keys as they are, values percent-encoded (only what must be,
/// upper-case hex, and `+` as `%2B` while the header fits so: see
/// [`entry_size`]), properties raw. Members are written in order; one that
/// does not fit is skipped and later, smaller ones may still be written.
///
/// # Example
/// ```
/// use baton::Baggage;
/// use baton::wire::baggage::format;
/// let b = Baggage::default().try_insert("serverNode", "DF 28", "").unwrap()
///     .try_insert("name", "Zoë", "p1;p2=x").unwrap();
/// let out = format(&b);
/// assert_eq!(out.header, "serverNode=DF%2028,name=Zo%C3%AB;p1;p2=x");
/// assert_eq!(baton::wire::baggage::parse(&out.header).unwrap(), b);
///
/// let big = Baggage::default()
///     .try_insert("big", &"x".repeat(9000), "").unwrap()
///     .try_insert("user", "a b,c", "").unwrap();
/// let out = format(&big);
/// assert_eq!((out.header.as_str(), out.dropped), ("user=a%20b%2Cc", 1));
/// ```
pub fn format(b: &Baggage) -> FormattedBaggage {
    // Writes the entries that fit into `header`, each value's bytes kept
    // as they are where `keep` says so; how many it wrote.
    let write = |keep: fn(u8) -> bool, header: &mut String| {
        let mut written = 0;
        for (k, v, p) in fitting(b) {
            if written > 0 {
                header.push(',');
            }
            header.push_str(k);
            header.push('=');
            percent_encode_into(v, keep, header);
            if !p.is_empty() {
                header.push(';');
                header.push_str(p);
            }
            written += 1;
        }
        written
    };
    let capacity: usize = b.iter().map(|(k, v, p)| entry_size(k, v, p) + 1).sum();
    let mut header = String::with_capacity(capacity.min(Baggage::MAX_BYTES));
    let mut written = write(kept_by_form_decoders, &mut header);
    if header.len() > Baggage::MAX_BYTES {
        // Past the limit only for its `%2B`s: written as they came, as the
        // spec allows, rather than dropping members it says to propagate.
        header.clear();
        written = write(kept_as_is, &mut header);
    }
    FormattedBaggage {
        header,
        dropped: b.len() - written,
    }
}

/// The entries of `b` that [`format`](fn@format) writes, in order: each
/// that fits [`Baggage::MAX_MEMBERS`] and [`Baggage::MAX_BYTES`], counted
/// at its smallest ([`entry_size`]) with those before it; one that does not
/// fit is skipped, and later, smaller ones may still fit.
fn fitting(b: &Baggage) -> impl Iterator<Item = (&str, &str, &str)> {
    let (mut members, mut bytes) = (0, 0);
    b.iter().filter(move |&(k, v, p)| {
        let size = entry_size(k, v, p) + usize::from(members > 0);
        let fits = members < Baggage::MAX_MEMBERS && bytes + size <= Baggage::MAX_BYTES;
        if fits {
            members += 1;
            bytes += size;
        }
        fits
    })
}

/// The size [`format`](fn@format) gives an entry of a [`Baggage`] at its
/// smallest (without the `,` before it; a `+` counted as one byte, though
/// `format` writes it `%2B` where the header fits so). The limits of
/// [`Baggage::MAX_BYTES`] are counted with it.
///
/// ```
/// assert_eq!(baton::wire::baggage::entry_size("k", "a b+", "p"), "k=a%20b+;p".len());
/// ```
pub fn entry_size(key: &str, value: &str, properties: &str) -> usize {
    member_size(
        key,
        percent_encoded_len(value.as_bytes(), kept_as_is),
        properties,
    )
}
