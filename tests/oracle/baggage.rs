//! W3C Baggage, §3.3 "Header Content":
//!
//! ```abnf
//! baggage-string = list-member 0*179( OWS "," OWS list-member )
//! list-member    = key OWS "=" OWS value *( OWS ";" OWS property )
//! property       = key OWS "=" OWS value / key OWS
//! key            = token
//! value          = *baggage-octet
//! baggage-octet  = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
//! ```
//!
//! Values are percent-decoded (`%XX`, either case; `+` stays `+`), and a
//! property value's every `%` begins such an escape; bytes
//! that are not UTF-8 become U+FFFD. Empty list-members are skipped. A
//! repeated key replaces the earlier value in its place. "Limits": at most
//! 64 members and 8192 bytes, counted as the members are written back
//! (`key=value;properties` with the value percent-encoded, joined by `,`).

/// `(key, decoded value, properties as written)`, in order, or `None` if a
/// member is invalid or the list goes past a limit at any point.
pub fn parse(s: &str) -> Option<Vec<(String, String, String)>> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for member in s.split(',') {
        let member = trim(member);
        if member.is_empty() {
            continue;
        }
        let (kv, properties) = match member.split_once(';') {
            Some((kv, props)) => (kv, Some(trim_start(props))),
            None => (member, None),
        };
        let (key, value) = kv.split_once('=')?;
        let key = trim_end(key);
        let value = trim(value);
        if !is_token(key) || !value.bytes().all(is_baggage_octet) {
            return None;
        }
        if let Some(props) = properties {
            if !props.split(';').all(is_property) {
                return None;
            }
        }
        let value = decode(value)?;
        let entry = (key.to_string(), value, properties.unwrap_or("").to_string());
        match out.iter().position(|(k, _, _)| *k == entry.0) {
            Some(i) => out[i] = entry,
            None => out.push(entry),
        }
        if out.len() > 64 || size(&out) > 8192 {
            return None;
        }
    }
    Some(out)
}

fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

fn trim_start(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

fn trim_end(s: &str) -> &str {
    s.trim_end_matches([' ', '\t'])
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn is_baggage_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2b | 0x2d..=0x3a | 0x3c..=0x5b | 0x5d..=0x7e)
}

fn is_property(p: &str) -> bool {
    let p = trim(p);
    match p.split_once('=') {
        // A `%` in a property value "MUST be percent-encoded": each one
        // begins an escape.
        Some((k, v)) => {
            is_token(trim_end(k))
                && trim(v).bytes().all(is_baggage_octet)
                && decode(trim(v)).is_some()
        }
        None => is_token(p),
    }
}

fn decode(value: &str) -> Option<String> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The size of the members written as one header.
fn size(members: &[(String, String, String)]) -> usize {
    let encoded = |v: &str| -> usize {
        v.bytes()
            .map(|b| {
                if is_baggage_octet(b) && b != b'%' {
                    1
                } else {
                    3
                }
            })
            .sum()
    };
    let each: usize = members
        .iter()
        .map(|(k, v, p)| k.len() + 1 + encoded(v) + if p.is_empty() { 0 } else { 1 + p.len() })
        .sum();
    each + members.len().saturating_sub(1)
}
