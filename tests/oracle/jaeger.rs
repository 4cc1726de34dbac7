//! Jaeger propagation format
//! (jaegertracing.io/docs/1.52/client-libraries/#propagation-format).
//!
//! `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}`: hex of
//! either case, "variable length, shorter values are 0-padded on the left"
//! (at most 32, 16, 16 and 2 digits); trace and span id non-zero; parent `0`
//! means none; the separators all `:` or all URL-encoded (`%3A`, either
//! case); at most 75 characters, surrounding OWS (spaces, tabs) not
//! counted, as it is no part of a value (RFC 9110 §5.5).
//!
//! `uberctx-{key}: value`: percent-decoded (`%XX`, `+` a space) to UTF-8, at
//! most 8192 bytes as received.

/// `(trace, span, parent, flags)`, or `None` if invalid.
pub fn parse(s: &str) -> Option<(u128, u64, Option<u64>, u8)> {
    let s = s.trim_matches([' ', '\t']);
    if s.len() > 75 {
        return None;
    }
    let encoded = s.contains("%3A") || s.contains("%3a");
    if encoded && s.contains(':') {
        return None;
    }
    let plain = s.replace("%3A", ":").replace("%3a", ":");
    let fields: Vec<&str> = plain.split(':').collect();
    if fields.len() != 4 {
        return None;
    }
    let mut numbers = [0u128; 4];
    for ((field, max), n) in fields.iter().zip([32, 16, 16, 2]).zip(&mut numbers) {
        if field.is_empty() || field.len() > max || !field.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        *n = u128::from_str_radix(field, 16).ok()?;
    }
    let [trace, span, parent, flags] = numbers;
    if trace == 0 || span == 0 {
        return None;
    }
    Some((
        trace,
        span as u64,
        (parent != 0).then_some(parent as u64),
        flags as u8,
    ))
}

/// A `uberctx-*` value decoded, or `None` if invalid.
pub fn parse_baggage_value(s: &str) -> Option<String> {
    if s.len() > 8192 {
        return None;
    }
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}
