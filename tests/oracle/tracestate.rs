//! W3C Trace Context Level 2, §3.3.1 `tracestate`:
//!
//! ```abnf
//! list        = list-member 0*31( OWS "," OWS list-member )
//! list-member = (key "=" value) / OWS
//! key         = ( lcalpha / DIGIT ) 0*255 ( keychar )
//! keychar     = lcalpha / DIGIT / "_" / "-"/ "*" / "/" / "@"
//! value       = 0*255(chr) nblk-chr
//! nblk-chr    = %x21-2B / %x2D-3C / %x3E-7E
//! chr         = %x20 / nblk-chr
//! ```
//!
//! Several header lines are one list joined by `,`.

/// The members in order, or `None` if the list is invalid.
pub fn parse(lines: &[&str]) -> Option<Vec<(String, String)>> {
    let joined = lines.join(",");
    let mut members = Vec::new();
    for member in joined.split(',') {
        let member = member.trim_matches([' ', '\t']);
        if member.is_empty() {
            continue;
        }
        let (key, value) = member.split_once('=')?;
        if !is_key(key) || !is_value(value) {
            return None;
        }
        members.push((key.to_string(), value.to_string()));
    }
    if members.len() > 32 {
        return None;
    }
    Some(members)
}

fn is_key(key: &str) -> bool {
    let b = key.as_bytes();
    let lcalpha = |c: u8| c.is_ascii_lowercase();
    let keychar = |c: u8| lcalpha(c) || c.is_ascii_digit() || b"_-*/@".contains(&c);
    !b.is_empty()
        && b.len() <= 256
        && (lcalpha(b[0]) || b[0].is_ascii_digit())
        && b.iter().all(|&c| keychar(c))
}

fn is_value(value: &str) -> bool {
    let b = value.as_bytes();
    let nblk = |c: u8| matches!(c, 0x21..=0x2b | 0x2d..=0x3c | 0x3e..=0x7e);
    let chr = |c: u8| c == 0x20 || nblk(c);
    !b.is_empty() && b.len() <= 256 && b.iter().all(|&c| chr(c)) && nblk(b[b.len() - 1])
}
