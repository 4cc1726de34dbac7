//! W3C Trace Context Level 2, §3.2.2 `traceparent`:
//! `version "-" trace-id "-" parent-id "-" trace-flags`, each field a fixed
//! number of `HEXDIGLC`; version `ff` forbidden; all-zero ids forbidden; a
//! version-00 value is exactly 55 characters, a higher version may go on
//! after a `-`. Surrounding OWS is not part of the value.

/// `(version, trace-id, parent-id, trace-flags)`, or `None` if invalid.
pub fn parse(s: &str) -> Option<(u8, u128, u64, u8)> {
    let s = s.trim_matches([' ', '\t']);
    let head = s.get(..55)?;
    let rest = &s[55..];
    let fields: Vec<&str> = head.split('-').collect();
    if fields.len() != 4 {
        return None;
    }
    let lengths = [2, 32, 16, 2];
    for (field, len) in fields.iter().zip(lengths) {
        let hexdiglc = field
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if field.len() != len || !hexdiglc {
            return None;
        }
    }
    let version = u8::from_str_radix(fields[0], 16).ok()?;
    let trace_id = u128::from_str_radix(fields[1], 16).ok()?;
    let parent_id = u64::from_str_radix(fields[2], 16).ok()?;
    let flags = u8::from_str_radix(fields[3], 16).ok()?;
    if version == 0xff || trace_id == 0 || parent_id == 0 {
        return None;
    }
    if version == 0 && !rest.is_empty() {
        return None;
    }
    if !rest.is_empty() && !rest.starts_with('-') {
        return None;
    }
    Some((version, trace_id, parent_id, flags))
}
