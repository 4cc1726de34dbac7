//! Attribute collections as the OpenTelemetry
//! [common spec](https://opentelemetry.io/docs/specs/otel/common/#attribute-collections)
//! has them (unique, non-empty keys), and the attribute limits of the
//! [span limits](https://opentelemetry.io/docs/specs/otel/trace/sdk/#span-limits)
//! applied to a finished record: string values cut to a length, event and
//! link attribute lists cut to a count, with the dropped counts kept.

use std::borrow::Cow;

use crate::span_data::{Event, Link};
use crate::span_limits::SpanLimits;
use crate::value::{Array, KeyValue, Str, Value};

/// Cuts `s` to at most `max_chars` characters (each character counts as
/// one, as the specification says), on a character boundary. A borrowed
/// `'static` string stays borrowed.
fn truncate_str(s: &mut Str, max_chars: usize) {
    // At most `max_chars` bytes is at most `max_chars` characters.
    if s.len() <= max_chars {
        return;
    }
    let Some((cut, _)) = s.char_indices().nth(max_chars) else {
        return;
    };
    match s {
        Cow::Borrowed(b) => *s = Cow::Borrowed(&b[..cut]),
        Cow::Owned(o) => o.truncate(cut),
    }
}

/// Cuts a string value, or each string of an array, to `max_chars`
/// characters, a byte array to `max_chars` bytes, and the values of a
/// key-value list each the same way; numbers and booleans are never cut.
pub(crate) fn truncate_value(value: &mut Value, max_chars: usize) {
    match value {
        Value::String(s) => truncate_str(s, max_chars),
        Value::Array(Array::String(items)) => {
            for s in items {
                truncate_str(s, max_chars);
            }
        }
        Value::Bytes(bytes) => bytes.truncate(max_chars),
        Value::KvList(kvs) => {
            for kv in kvs {
                truncate_value(&mut kv.value, max_chars);
            }
        }
        _ => {}
    }
}

/// Sets `kv` in the attribute collection `attributes` as the OpenTelemetry
/// [common spec](https://opentelemetry.io/docs/specs/otel/common/#attribute-collections)
/// says: keys are unique, so a key set before keeps its place and takes the
/// new value (nothing is dropped); a new key past `max`, or an empty key
/// ("The attribute key MUST be a non-null and non-empty string"), is
/// discarded and counted in `dropped`.
pub(crate) fn set_attribute(
    attributes: &mut Vec<KeyValue>,
    dropped: &mut u32,
    max: usize,
    kv: KeyValue,
) {
    if let Some(slot) = attributes.iter_mut().find(|a| a.key == kv.key) {
        slot.value = kv.value;
    } else if kv.key.is_empty() || attributes.len() >= max {
        *dropped = dropped.saturating_add(1);
    } else {
        attributes.push(kv);
    }
}

/// Whether `attributes`, given whole (an event's or a link's), is already
/// what setting them one by one with [`set_attribute`] would leave.
fn is_settled(attributes: &[KeyValue], max: usize) -> bool {
    attributes.len() <= max
        && attributes
            .iter()
            .enumerate()
            .all(|(i, kv)| !kv.key.is_empty() && attributes[..i].iter().all(|a| a.key != kv.key))
}

/// Makes a list given whole an attribute collection, as if each attribute
/// had been set in turn (see [`set_attribute`]), and cuts the values of
/// those kept.
fn limit_list(
    attributes: &mut Vec<KeyValue>,
    dropped: &mut u32,
    max: usize,
    max_chars: Option<usize>,
) {
    if !is_settled(attributes, max) {
        let given = std::mem::take(attributes);
        for kv in given {
            set_attribute(attributes, dropped, max, kv);
        }
    }
    if let Some(max_chars) = max_chars {
        for kv in attributes {
            truncate_value(&mut kv.value, max_chars);
        }
    }
}

/// Applies the value length limit to every attribute of a record, its
/// events and its links, and the per-event and per-link attribute count
/// limits. (The span's own attribute count is limited as attributes are
/// set.)
pub(crate) fn limit_record(
    attributes: &mut [KeyValue],
    events: &mut [Event],
    links: &mut [Link],
    limits: &SpanLimits,
) {
    let max_chars = limits.max_attribute_value_length;
    if let Some(max_chars) = max_chars {
        for kv in attributes {
            truncate_value(&mut kv.value, max_chars);
        }
    }
    for event in events {
        limit_list(
            &mut event.attributes,
            &mut event.dropped_attributes_count,
            limits.max_attributes_per_event,
            max_chars,
        );
    }
    for link in links {
        limit_list(
            &mut link.attributes,
            &mut link.dropped_attributes_count,
            limits.max_attributes_per_link,
            max_chars,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::truncate_value;
    use crate::value::{KeyValue, Value};

    #[test]
    fn strings_are_cut_by_characters_at_and_past_the_limit() {
        let cases: [(&str, usize, &str); 5] = [
            ("héllo", 5, "héllo"),
            ("héllo", 2, "hé"),
            ("héllo", 0, ""),
            ("日本語", 1, "日"),
            ("abc", 3, "abc"),
        ];
        for (input, max, want) in cases {
            let mut v = Value::from(input);
            truncate_value(&mut v, max);
            assert_eq!(v, Value::from(want), "{input:?} cut to {max}");
        }
        let mut array = Value::from(vec!["abcdef", "xy"]);
        truncate_value(&mut array, 3);
        assert_eq!(array, Value::from(vec!["abc", "xy"]));
        let mut bytes = Value::from(&b"abcdef"[..]);
        truncate_value(&mut bytes, 4);
        assert_eq!(bytes, Value::from(&b"abcd"[..]));
        let mut list = Value::from(vec![KeyValue::new("k", "abcdef"), KeyValue::new("n", 7)]);
        truncate_value(&mut list, 2);
        assert_eq!(
            list,
            Value::from(vec![KeyValue::new("k", "ab"), KeyValue::new("n", 7)])
        );
        let mut n = Value::I64(123_456);
        truncate_value(&mut n, 1);
        assert_eq!(n, Value::I64(123_456));
    }
}
