//! A collector's answer body, as the exporter reads it: neither reader
//! panics on any bytes, as JSON or protobuf; an error points within the
//! body; a message kept is at most `MAX_ERROR_MESSAGE` bytes. And a
//! `partial_success` or a `google.rpc.Status` written from the input's
//! count and message, in either encoding (JSON with the input choosing
//! each character's escape), reads back as written.
#![no_main]

use baton::export::__private_api::{failure_message, partial_success, PartialSuccess};
use baton::export::MAX_ERROR_MESSAGE;
use libfuzzer_sys::fuzz_target;

/// The message as kept: at most `MAX_ERROR_MESSAGE` bytes, cut at a
/// character boundary.
fn bounded(text: &str) -> &str {
    let mut end = text.len().min(MAX_ERROR_MESSAGE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn bytes_field(number: u64, bytes: &[u8], out: &mut Vec<u8>) {
    varint(number << 3 | 2, out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// `text` as a JSON string, each character escaped or not as `choice`
/// says.
fn json_string(text: &str, choice: &[u8]) -> String {
    let mut out = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        let escape = choice.get(i % choice.len().max(1)).copied().unwrap_or(0) % 3;
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if escape == 1 => out.push_str("\\n"),
            c if (c as u32) < 0x20 || escape == 2 => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The error's offset, from its text (`… at byte N`).
fn offset(error: &impl std::fmt::Display) -> usize {
    let text = error.to_string();
    let (_, n) = text.rsplit_once(" at byte ").expect("an offset");
    n.parse().expect("a number")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let json = mode & 1 == 1;

    // Any body, read both ways.
    match partial_success(body, json) {
        Ok(Some(partial)) => assert!(partial.message.len() <= MAX_ERROR_MESSAGE),
        Ok(None) => {}
        Err(e) => assert!(offset(&e) <= body.len(), "{e}"),
    }
    if let Some(message) = failure_message(body, json) {
        assert!(!message.is_empty() && message.len() <= MAX_ERROR_MESSAGE);
    }

    // A count and a message from the input, written and read back.
    let split = body.len().min(8);
    let mut count = [0u8; 8];
    count[..split].copy_from_slice(&body[..split]);
    let rejected = u64::from_le_bytes(count) >> 1; // an int64 of 0 or more
    let text = String::from_utf8_lossy(&body[split..]).into_owned();
    let expected = PartialSuccess {
        rejected,
        message: bounded(&text).to_owned(),
    };
    let (written, status) = if json {
        let string = json_string(&text, body);
        let count = if mode & 2 == 0 {
            format!("\"{rejected}\"")
        } else {
            rejected.to_string()
        };
        (
            format!(
                "{{\"partialSuccess\":{{\"rejectedSpans\":{count},\"errorMessage\":{string}}}}}"
            )
            .into_bytes(),
            format!("{{\"code\":3,\"message\":{string},\"details\":[]}}").into_bytes(),
        )
    } else {
        let mut partial = Vec::new();
        varint(1 << 3, &mut partial);
        varint(rejected, &mut partial);
        bytes_field(2, text.as_bytes(), &mut partial);
        let mut response = Vec::new();
        bytes_field(1, &partial, &mut response);
        let mut status = Vec::new();
        varint(1 << 3, &mut status);
        varint(3, &mut status);
        bytes_field(2, text.as_bytes(), &mut status);
        (response, status)
    };
    assert_eq!(partial_success(&written, json), Ok(Some(expected.clone())));
    let message = (!expected.message.is_empty()).then(|| expected.message.clone());
    assert_eq!(failure_message(&status, json), message);
});
