//! The `chunked` transfer coding of a response body
//! ([RFC 9112 §7.1](https://www.rfc-editor.org/rfc/rfc9112#section-7.1)),
//! decoded as the bytes arrive:
//!
//! ```text
//! chunked-body    = *chunk last-chunk trailer-section CRLF
//! chunk           = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! chunk-size      = 1*HEXDIG
//! last-chunk      = 1*("0") [ chunk-ext ] CRLF
//! chunk-data      = 1*OCTET ; a sequence of chunk-size octets
//! chunk-ext       = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//! trailer-section = *( field-line CRLF )
//! ```
//!
//! Extensions and trailer fields are skipped unread: nothing here needs
//! them (§7.1.1: a recipient must ignore extensions it does not
//! understand). A line ends in CRLF or, as RFC 9112 §2.2 lets a recipient
//! read it, a bare LF, as in the response head; a bare CR is an error. Each
//! byte is looked at once, however the body arrives.

use std::fmt;

use crate::export::body_buffer::reserve_within;

/// Why a chunked body is malformed: what was wrong, and at which byte of
/// the body as sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadChunk {
    what: &'static str,
    offset: u64,
}

impl fmt::Display for BadChunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed chunked body: {} at byte {}",
            self.what, self.offset
        )
    }
}

impl std::error::Error for BadChunk {}

/// Where the decoder is in the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// In a chunk-size; `digits`: whether a hex digit was seen.
    Size {
        size: u64,
        digits: bool,
    },
    /// Past a chunk-size's digits: whitespace before a `;`, or the line end.
    AfterSize {
        size: u64,
    },
    /// In a chunk extension, skipped up to its line end.
    Extension {
        size: u64,
    },
    /// After the CR of a chunk-size line.
    SizeLf {
        size: u64,
    },
    /// In chunk-data, `left` bytes of it to come.
    Data {
        left: u64,
    },
    /// After chunk-data: its CR, then its LF.
    DataCr,
    DataLf,
    /// At the start of a trailer field line, or of the final CRLF.
    TrailerStart,
    /// In a trailer field line, then after its CR.
    TrailerLine,
    TrailerLf,
    /// After the final CR.
    FinalLf,
    Done,
    /// A chunk-size asked for more data than `max_body` leaves room for:
    /// the body is refused, and its data is never read.
    TooLong,
}

/// Decodes a chunked body fed in pieces, refusing more than `max_body`
/// bytes of data (a chunk-size past what is left stops the decoder, see
/// [`Dechunker::too_long`]) and more than `max_framing` bytes of the rest
/// (chunk-size lines, extensions, CRLFs and trailer fields), so neither a
/// long body nor endless framing can hold the reader.
pub struct Dechunker {
    state: State,
    /// Bytes of the body as sent taken so far, for error offsets.
    offset: u64,
    framing: usize,
    max_framing: usize,
    decoded: usize,
    max_body: usize,
}

impl Dechunker {
    /// A decoder at the start of a body, with the two limits.
    pub fn new(max_body: usize, max_framing: usize) -> Dechunker {
        Dechunker {
            state: State::Size {
                size: 0,
                digits: false,
            },
            offset: 0,
            framing: 0,
            max_framing,
            decoded: 0,
            max_body,
        }
    }

    /// Whether the body ended, or was found [`too_long`](Dechunker::too_long):
    /// then the rest is never read.
    pub fn done(&self) -> bool {
        matches!(self.state, State::Done | State::TooLong)
    }

    /// Whether a chunk-size asked for more than `max_body` bytes of data in
    /// all: the body is refused, not cut (what was decoded before it stays
    /// in `body`, short of the limit).
    pub fn too_long(&self) -> bool {
        self.state == State::TooLong
    }

    /// Whether the framing passed `max_framing` bytes (`feed` then failed):
    /// the answer is past a limit, not merely malformed.
    pub fn framing_too_long(&self) -> bool {
        self.framing > self.max_framing
    }

    /// Decodes `input`, appending its chunk data to `body`; returns how many
    /// bytes of it were taken: what comes after the end of the body (or
    /// after a chunk-size past the limit) is left.
    pub fn feed(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<usize, BadChunk> {
        let mut at = 0;
        while at < input.len() && !self.done() {
            if let State::Data { left } = self.state {
                let available = input.len() - at;
                // At most the room left: a longer chunk never got here.
                let n = usize::try_from(left).unwrap_or(usize::MAX).min(available);
                reserve_within(body, n, self.max_body);
                body.extend_from_slice(&input[at..at + n]);
                at += n;
                self.decoded += n;
                self.offset += n as u64;
                let left = left - n as u64;
                self.state = if left == 0 {
                    State::DataCr
                } else {
                    State::Data { left }
                };
                continue;
            }
            self.framing += 1;
            if self.framing > self.max_framing {
                return Err(self.bad("chunk sizes, extensions and trailers past the limit"));
            }
            self.state = self.step(input[at])?;
            self.offset += 1;
            at += 1;
        }
        Ok(at)
    }

    fn bad(&self, what: &'static str) -> BadChunk {
        BadChunk {
            what,
            offset: self.offset,
        }
    }

    /// The state after the line ending of a chunk-size line of `size`.
    fn after_size_line(&self, size: u64) -> State {
        if size == 0 {
            State::TrailerStart
        } else if size > (self.max_body - self.decoded) as u64 {
            State::TooLong
        } else {
            State::Data { left: size }
        }
    }

    /// The state after one byte of framing.
    fn step(&self, b: u8) -> Result<State, BadChunk> {
        Ok(match (self.state, b) {
            (State::Size { size, .. }, b) if b.is_ascii_hexdigit() => {
                // Checked: `from_str_radix` would also take a `+` sign.
                let digit = u64::from((b as char).to_digit(16).unwrap_or_default());
                match size.checked_mul(16).and_then(|s| s.checked_add(digit)) {
                    Some(size) => State::Size { size, digits: true },
                    None => return Err(self.bad("a chunk size past 64 bits")),
                }
            }
            (State::Size { digits: false, .. }, _) => return Err(self.bad("no chunk size")),
            (State::Size { size, .. } | State::AfterSize { size }, b' ' | b'\t') => {
                State::AfterSize { size }
            }
            (State::Size { size, .. } | State::AfterSize { size }, b';') => {
                State::Extension { size }
            }
            (
                State::Size { size, .. } | State::AfterSize { size } | State::Extension { size },
                b'\r',
            ) => State::SizeLf { size },
            (
                State::Size { size, .. }
                | State::AfterSize { size }
                | State::Extension { size }
                | State::SizeLf { size },
                b'\n',
            ) => self.after_size_line(size),
            (State::Size { .. } | State::AfterSize { .. }, _) => {
                return Err(self.bad("an unexpected byte after a chunk size"))
            }
            (State::DataCr, b'\r') => State::DataLf,
            (State::DataCr | State::DataLf, b'\n') => State::Size {
                size: 0,
                digits: false,
            },
            (State::DataCr, _) => return Err(self.bad("chunk data longer than its size")),
            (State::TrailerStart, b'\r') => State::FinalLf,
            (State::TrailerLine, b'\r') => State::TrailerLf,
            (State::TrailerLine | State::TrailerLf, b'\n') => State::TrailerStart,
            (State::TrailerStart | State::FinalLf, b'\n') => State::Done,
            (State::SizeLf { .. } | State::DataLf | State::TrailerLf | State::FinalLf, _) => {
                return Err(self.bad("a CR without LF"))
            }
            (State::Extension { size }, _) => State::Extension { size },
            (State::TrailerStart | State::TrailerLine, _) => State::TrailerLine,
            // `feed` copies data and stops when done: none reaches here.
            (State::Data { .. } | State::Done | State::TooLong, _) => self.state,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Dechunker;

    /// Decodes `input` fed in pieces of `piece` bytes, with a 10-byte body
    /// cap and 40 bytes of framing: the data, or the error's text.
    fn decoded(input: &[u8], piece: usize) -> Result<(Vec<u8>, bool), String> {
        let mut decoder = Dechunker::new(10, 40);
        let mut body = Vec::new();
        for part in input.chunks(piece) {
            decoder.feed(part, &mut body).map_err(|e| e.to_string())?;
        }
        Ok((body, decoder.done()))
    }

    /// `input => Ok(data, done)` or `input => Err(what)`.
    macro_rules! chunked {
        ($($input:literal => $expected:expr;)*) => {
            $(
                let input: &[u8] = $input;
                let expected: Result<(&[u8], bool), &str> = $expected;
                let whole = decoded(input, input.len().max(1));
                match expected {
                    Ok((data, done)) => assert_eq!(whole, Ok((data.to_vec(), done)), "{:?}", $input),
                    Err(what) => {
                        let err = whole.clone().expect_err(what);
                        assert!(err.contains(what), "{:?}: {err}", $input);
                    }
                }
                // However the bytes arrive, the outcome is the same.
                for piece in 1..input.len() {
                    assert_eq!(decoded(input, piece), whole, "{:?} in pieces of {piece}", $input);
                }
            )*
        };
    }

    #[test]
    fn rfc_9112_chunked_bodies_decode() {
        chunked! {
            b"0\r\n\r\n" => Ok((b"", true));
            b"5\r\nhello\r\n0\r\n\r\n" => Ok((b"hello", true));
            b"2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n" => Ok((b"hello", true));
            // Upper and lower case hex, leading zeros, a run of zeros last.
            b"0A\r\n0123456789\r\n0000\r\n\r\n" => Ok((b"0123456789", true));
            b"a\r\n0123456789\r\n0\r\n\r\n" => Ok((b"0123456789", true));
            // Extensions, with whitespace before the `;`, are skipped.
            b"5 ;a=1;b=\"x;y\"\r\nhello\r\n0;last\r\n\r\n" => Ok((b"hello", true));
            // Trailer fields are skipped.
            b"5\r\nhello\r\n0\r\nA: 1\r\nB: 2\r\n\r\n" => Ok((b"hello", true));
            // Data may hold CR and LF.
            b"4\r\n\r\n\r\n\r\n0\r\n\r\n" => Ok((b"\r\n\r\n", true));
            // A bare LF ends a line, as RFC 9112 §2.2 allows (bug: it was
            // refused, and the answer with it).
            b"5\nhello\n0\n\n" => Ok((b"hello", true));
            b"5;x\nhello\r\n0;y\nA: 1\nB: 2\r\n\n" => Ok((b"hello", true));
            b"0\r\nA: 1\n\r\n" => Ok((b"", true));
            b"5 \nhel" => Ok((b"hel", false));
            b"\n" => Err("no chunk size at byte 0");
            b"5\nhello\rx" => Err("a CR without LF at byte 8");
            // What follows the end is not read.
            b"0\r\n\r\ngarbage" => Ok((b"", true));
            // Cut short: what arrived is kept, and the body is not done.
            b"5\r\nhel" => Ok((b"hel", false));
            b"5\r\nhello\r\n" => Ok((b"hello", false));
            b"" => Ok((b"", false));
            b"\r\n" => Err("no chunk size at byte 0");
            b"x\r\n" => Err("no chunk size at byte 0");
            b"+5\r\nhello\r\n0\r\n\r\n" => Err("no chunk size");
            b"5x\r\nhello\r\n" => Err("an unexpected byte after a chunk size at byte 1");
            b"5 x\r\nhello\r\n" => Err("an unexpected byte after a chunk size at byte 2");
            b"10000000000000000\r\n" => Err("a chunk size past 64 bits at byte 16");
            b"5\r\nhello world" => Err("chunk data longer than its size at byte 8");
            b"5\r\nhello\rx" => Err("a CR without LF at byte 9");
            b"0\r\n\rx" => Err("a CR without LF");
        }
    }

    #[test]
    fn a_body_past_its_cap_is_refused_and_its_data_never_read() {
        chunked! {
            // Exactly the 10-byte cap, in one chunk or two: accepted.
            b"a\r\n0123456789\r\n0\r\n\r\n" => Ok((b"0123456789", true));
            b"5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n" => Ok((b"0123456789", true));
        }
        // One byte past, in the first chunk or a later one: refused at the
        // chunk-size, before its data; what follows (bad as it is) unread.
        for input in [
            &b"b\r\n0123456789A\r\nnot read"[..],
            b"5\r\n01234\r\n6\r\n56789A\r\n",
            b"a\r\n0123456789\r\n1\r\nA\r\n0\r\n\r\n",
            b"ffffffffffffffff\r\n",
        ] {
            for piece in 1..=input.len() {
                let mut decoder = Dechunker::new(10, 40);
                let mut body = Vec::new();
                for part in input.chunks(piece) {
                    decoder.feed(part, &mut body).unwrap();
                }
                assert!(decoder.done() && decoder.too_long(), "{input:?}");
                assert!(body.len() <= 10 && body.capacity() <= 10, "{input:?}");
            }
        }
    }

    #[test]
    fn framing_is_bounded_at_its_limit() {
        // 40 bytes of framing: the size line (`5;`, 29 bytes of extension,
        // CRLF), the data's CRLF, and `0\r\n\r\n`.
        let at = format!("5;{}\r\nhello\r\n0\r\n\r\n", "x".repeat(29));
        assert_eq!(at.len() - 5, 40);
        assert_eq!(decoded(at.as_bytes(), 7), Ok((b"hello".to_vec(), true)));
        let past = format!("5;{}\r\nhello\r\n0\r\n\r\n", "x".repeat(30));
        let err = decoded(past.as_bytes(), 7).unwrap_err();
        assert!(err.contains("past the limit at byte 45"), "{err}");
        // Endless empty trailers stop there too.
        let trailers = format!("0\r\n{}", "A: 1\r\n".repeat(10));
        assert!(decoded(trailers.as_bytes(), 3).is_err());
    }
}
