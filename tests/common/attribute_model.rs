//! The attributes the OpenTelemetry common spec's sentences alone say a
//! list set in order leaves: keys are unique ("setting an attribute with
//! the same key as an existing attribute SHOULD overwrite the existing
//! attribute's value"), the empty key is invalid and discarded, a new key
//! past the count limit is discarded and counted, and a kept string is cut
//! to the value length in characters.

use baton::KeyValue;

/// What `given`, set in order under a count limit of `max` and a value
/// length of `max_chars` characters, leaves: the attributes kept, and how
/// many were dropped.
pub fn model(given: &[(String, String)], max: usize, max_chars: usize) -> (Vec<KeyValue>, u32) {
    let mut kept: Vec<(String, String)> = Vec::new();
    let mut dropped = 0;
    for (key, value) in given {
        if key.is_empty() {
            dropped += 1;
        } else if let Some(slot) = kept.iter_mut().find(|(k, _)| k == key) {
            slot.1 = value.clone();
        } else if kept.len() < max {
            kept.push((key.clone(), value.clone()));
        } else {
            dropped += 1;
        }
    }
    let kept = kept
        .into_iter()
        .map(|(k, v)| KeyValue::new(k, v.chars().take(max_chars).collect::<String>()))
        .collect();
    (kept, dropped)
}
