//! A collector's answer, as the exporter reads it: the head's end is found
//! the same however the bytes arrive; a head never panics the parser, and
//! one it reads it reads the same with bare-LF line endings; a chunked body
//! decodes the same however it is split, within its limits; and any bytes,
//! chunked in sizes the input picks (with extensions and trailer fields),
//! decode back to themselves.
#![no_main]

use baton::export::__private_api::{find_head_end, parse_head, Dechunker};
use libfuzzer_sys::fuzz_target;

/// Small limits, so that inputs reach them.
const MAX_BODY: usize = 512;
const MAX_FRAMING: usize = 256;

/// What decoding `input` fed in pieces of `piece` bytes gives: the body,
/// how much was taken, the error's text, and whether it ended or was
/// refused as too long.
fn dechunk(input: &[u8], piece: usize) -> (Vec<u8>, usize, Option<String>, bool, bool) {
    let mut decoder = Dechunker::new(MAX_BODY, MAX_FRAMING);
    let mut body = Vec::new();
    let mut taken = 0;
    let mut error = None;
    for part in input.chunks(piece.max(1)) {
        match decoder.feed(part, &mut body) {
            Ok(n) => {
                assert!(n <= part.len());
                taken += n;
                if n < part.len() {
                    // Only the end of the body leaves bytes untaken.
                    assert!(decoder.done());
                    break;
                }
            }
            Err(e) => {
                // How much was taken before is then no matter.
                error = Some(e.to_string());
                taken = 0;
                break;
            }
        }
        if decoder.done() {
            break;
        }
    }
    assert!(body.len() <= MAX_BODY);
    (body, taken, error, decoder.done(), decoder.too_long())
}

fuzz_target!(|data: &[u8]| {
    let Some((&piece, data)) = data.split_first() else {
        return;
    };
    let piece = usize::from(piece % 16) + 1;

    // The head's end, searched as the bytes arrive (only what is new, as
    // the reader does), is where one search over them all finds it.
    let whole = find_head_end(data, 0);
    let mut arrived = 0;
    let mut incremental = None;
    while arrived < data.len() {
        let next = (arrived + piece).min(data.len());
        if let Some(end) = find_head_end(&data[..next], arrived) {
            incremental = Some(end);
            break;
        }
        arrived = next;
    }
    assert_eq!(incremental, whole, "piece {piece}");

    let (head_bytes, rest) = match whole {
        Some(end) => {
            assert!(end <= data.len());
            data.split_at(end)
        }
        None => (data, &[][..]),
    };
    if let Ok(mut head) = parse_head(head_bytes) {
        assert!((100..=999).contains(&head.status));
        assert!(!(head.chunked && head.content_length.is_some()));
        // RFC 9112 §2.2: a bare LF ends a line as CRLF does.
        let lf = String::from_utf8_lossy(head_bytes).replace("\r\n", "\n");
        let mut again = parse_head(lf.as_bytes()).expect("the head with LF line endings");
        // An HTTP-date's wait is counted from the time of reading.
        assert_eq!(again.retry_after.is_some(), head.retry_after.is_some());
        (again.retry_after, head.retry_after) = (None, None);
        assert_eq!(again, head);
    }

    // The rest as a chunked body: split anywhere, it decodes the same.
    let one = dechunk(rest, rest.len());
    let split = dechunk(rest, piece);
    assert_eq!(one, split, "piece {piece}");

    // The rest as chunk data, framed in chunks of up to `piece` squared
    // bytes, with an extension and a trailer field when `piece` is odd.
    let mut framed = Vec::new();
    let mut sizes = data.iter().cycle();
    let mut left = rest;
    while !left.is_empty() {
        let size = (usize::from(*sizes.next().unwrap_or(&1)) % (piece * piece)).max(1);
        let (chunk, after) = left.split_at(size.min(left.len()));
        if piece % 2 == 1 {
            framed.extend_from_slice(format!("{:X} ;name=\"v\"\r\n", chunk.len()).as_bytes());
        } else {
            framed.extend_from_slice(format!("0{:x}\n", chunk.len()).as_bytes());
        }
        framed.extend_from_slice(chunk);
        framed.extend_from_slice(b"\r\n");
        left = after;
    }
    framed.extend_from_slice(b"0\r\n");
    if piece % 2 == 1 {
        framed.extend_from_slice(b"Trailer-Field: x\r\n");
    }
    framed.extend_from_slice(b"\r\n");
    let (body, taken, error, done, too_long) = dechunk(&framed, piece);
    if error.is_none() && rest.len() > MAX_BODY {
        assert!(too_long, "{} bytes", rest.len());
    } else if error.is_none() {
        assert_eq!(
            (&body[..], taken, done, too_long),
            (rest, framed.len(), true, false)
        );
    } else {
        // Only the framing's limit refuses a body within the data's.
        let error = error.unwrap_or_default();
        assert!(error.contains("past the limit"), "{error}");
    }
});
