//! Attribute collections as the OpenTelemetry
//! [common spec](https://opentelemetry.io/docs/specs/otel/common/#attribute-collections)
//! has them (unique, non-empty keys), and the attribute limits of the
//! [span limits](https://opentelemetry.io/docs/specs/otel/trace/sdk/#span-limits)
//! applied to a finished record: string values cut to a length, nesting to
//! a depth, event and link attribute lists cut to a count, with the dropped
//! counts kept, and what was dropped or cut reported once per span.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::diagnostic::{report, DiagnosticKind};
use crate::span_data::{Event, Link, SpanData, SpanType, SPAN_TYPE_ATTRIBUTE};
use crate::span_limits::SpanLimits;
use crate::value::{drop_list, drop_value, Array, KeyValue, Str, Value};

/// Cuts `s` to at most `max_chars` characters (each character counts as
/// one, as the specification says), on a character boundary; whether it
/// was cut. A borrowed `'static` string stays borrowed.
fn truncate_str(s: &mut Str, max_chars: usize) -> bool {
    // At most `max_chars` bytes is at most `max_chars` characters.
    if s.len() <= max_chars {
        return false;
    }
    let Some((cut, _)) = s.char_indices().nth(max_chars) else {
        return false;
    };
    match s {
        Cow::Borrowed(b) => *s = Cow::Borrowed(&b[..cut]),
        Cow::Owned(o) => o.truncate(cut),
    }
    true
}

/// Cuts `value` to `limits`: a string value, or each string of an array,
/// to [`max_attribute_value_length`](SpanLimits::max_attribute_value_length)
/// characters, a byte array to as many bytes, and the values of a key-value
/// list or of an array of any values each the same way (numbers, booleans
/// and the empty value are never cut); a list's keys made unique (see
/// [`unique_keys`]); and a list or array nested deeper than
/// [`max_attribute_value_depth`](SpanLimits::max_attribute_value_depth),
/// even an empty one, is replaced with [`Value::Empty`], as the common spec
/// says ("arrays or map at a depth greater than the limit MUST be replaced
/// with an empty value"). Returns how many values (strings, byte arrays,
/// lists and arrays) were cut or replaced.
///
/// Walked with a work list, not by recursion: the value may nest deeper
/// than a thread's stack could follow.
pub(crate) fn limit_value(value: &mut Value, limits: &SpanLimits) -> u64 {
    let max_chars = limits.max_attribute_value_length;
    let mut cut = 0;
    let mut pending: Vec<(&mut Value, usize)> = Vec::new();
    let mut next = Some((value, 1));
    while let Some((value, depth)) = next.take().or_else(|| pending.pop()) {
        let was_cut = match value {
            Value::KvList(_) | Value::Array(_) if depth > limits.max_attribute_value_depth => {
                drop_value(std::mem::replace(value, Value::Empty));
                true
            }
            Value::KvList(kvs) => {
                unique_keys(kvs);
                pending.extend(kvs.iter_mut().map(|kv| (&mut kv.value, depth + 1)));
                false
            }
            Value::Array(Array::Value(items)) => {
                pending.extend(items.iter_mut().map(|item| (item, depth + 1)));
                false
            }
            Value::String(s) => max_chars.is_some_and(|max| truncate_str(s, max)),
            Value::Array(Array::String(items)) => max_chars.is_some_and(|max| {
                // Every string is cut, not only up to the first.
                items
                    .iter_mut()
                    .fold(false, |cut, s| truncate_str(s, max) | cut)
            }),
            Value::Bytes(bytes) => max_chars.is_some_and(|max| {
                let longer = bytes.len() > max;
                bytes.truncate(max);
                longer
            }),
            _ => false,
        };
        cut += u64::from(was_cut);
    }
    cut
}

/// `value`, or the empty value if it is a list or array `depth` deep,
/// past [`SpanLimits::MAX_DEPTH`], as [`limit_value`] would leave it at
/// that limit. The exporters walk a value by recursion and stop there: a
/// span's values are cut when it ends, but a [`SpanData`] the application
/// builds or changes reaches an exporter uncut, through
/// [`SpanExporter::export`](crate::export::SpanExporter::export) or
/// [`SpanProcessor::on_end`](crate::export::SpanProcessor::on_end), and
/// may nest deeper than the stack could follow.
pub(crate) fn within_max_depth(value: &Value, depth: usize) -> &Value {
    match value {
        Value::KvList(_) | Value::Array(_) if depth > SpanLimits::MAX_DEPTH => &Value::Empty,
        _ => value,
    }
}

/// Sets `kv` in the attribute collection `attributes` as the OpenTelemetry
/// [common spec](https://opentelemetry.io/docs/specs/otel/common/#attribute-collections)
/// says: keys are unique, so a key set before keeps its place and takes the
/// new value (nothing is dropped); a new key past `max`, or an empty key
/// ("The attribute key MUST be a non-null and non-empty string"), is
/// discarded and counted in `dropped`. Values are dropped without
/// recursion: one discarded or replaced may nest deeper than the stack
/// could follow, as the depth limit applies only to those kept.
pub(crate) fn set_attribute(
    attributes: &mut Vec<KeyValue>,
    dropped: &mut u32,
    max: usize,
    kv: KeyValue,
) {
    let Some(kv) = overwrite(attributes, kv) else {
        return;
    };
    if kv.key.is_empty() || attributes.len() >= max {
        *dropped = dropped.saturating_add(1);
        drop_value(kv.value);
    } else {
        attributes.push(kv);
    }
}

/// Where each key of a span's attribute collection lies, once it holds
/// more than [`PAIRWISE_MAX`]: [`set_attribute`] compares a key with every
/// key kept, so N keys set one at a time under a raised count limit cost
/// N² (16,000 took 0.14 s). Kept beside the collection, which only
/// [`set`](Self::set) and [`set_all`](Self::set_all) may change while it
/// takes attributes.
#[derive(Default)]
pub(crate) struct KeyPlaces(Option<HashMap<Str, usize>>);

impl KeyPlaces {
    /// Sets `kv` in `attributes` as [`set_attribute`] does.
    pub(crate) fn set(
        &mut self,
        attributes: &mut Vec<KeyValue>,
        dropped: &mut u32,
        max: usize,
        kv: KeyValue,
    ) {
        if self.0.is_none() && attributes.len() <= PAIRWISE_MAX {
            set_attribute(attributes, dropped, max, kv);
            return;
        }
        // Keys kept are unique: each has one place.
        let places = self.0.get_or_insert_with(|| {
            let keys = attributes.iter().enumerate();
            keys.map(|(i, kv)| (kv.key.clone(), i)).collect()
        });
        if let Some(&at) = places.get(&*kv.key) {
            drop_value(std::mem::replace(&mut attributes[at].value, kv.value));
        } else if kv.key.is_empty() || attributes.len() >= max {
            *dropped = dropped.saturating_add(1);
            drop_value(kv.value);
        } else {
            places.insert(kv.key.clone(), attributes.len());
            attributes.push(kv);
        }
    }

    /// Sets each of `given` in `attributes` as [`set_all`] does; the
    /// places are found again when next needed.
    pub(crate) fn set_all(
        &mut self,
        attributes: &mut Vec<KeyValue>,
        dropped: &mut u32,
        max: usize,
        given: Vec<KeyValue>,
    ) {
        self.0 = None;
        set_all(attributes, dropped, max, given);
    }
}

/// Sets each of `given` in turn in the attribute collection `attributes`,
/// as [`set_attribute`] would, in time linear in both lists: one at a time,
/// each key is compared with every key kept, so a long list under a raised
/// count limit (`OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`) cost the square of its
/// length (16,000 attributes on a span's builder: 0.15 s at its start).
pub(crate) fn set_all(
    attributes: &mut Vec<KeyValue>,
    dropped: &mut u32,
    max: usize,
    given: Vec<KeyValue>,
) {
    // Into an empty collection, a list that setting one by one would leave
    // as it is becomes the collection: copied entry by entry, a builder's
    // attributes took a new list and freed theirs, and a root span with
    // one attribute spent a third of its start there.
    if attributes.is_empty() && is_settled(&given, max) {
        drop_list(std::mem::replace(attributes, given));
        return;
    }
    if given.len() <= PAIRWISE_MAX {
        for kv in given {
            set_attribute(attributes, dropped, max, kv);
        }
        return;
    }
    set_all_hashed(attributes, dropped, max, given);
}

/// [`set_all`] past [`PAIRWISE_MAX`] entries, each key placed through a
/// hash map. Out of line: a span's start takes the short way.
#[inline(never)]
fn set_all_hashed(
    attributes: &mut Vec<KeyValue>,
    dropped: &mut u32,
    max: usize,
    given: Vec<KeyValue>,
) {
    // Each given entry's place in `attributes`, `None` when discarded.
    let places: Vec<Option<usize>> = {
        let mut place: HashMap<&str, usize> =
            HashMap::with_capacity(attributes.len() + given.len());
        place.extend(attributes.iter().enumerate().map(|(i, kv)| (&*kv.key, i)));
        let mut len = attributes.len();
        given
            .iter()
            .map(|kv| {
                if let Some(&at) = place.get(&*kv.key) {
                    return Some(at);
                }
                if kv.key.is_empty() || len >= max {
                    return None;
                }
                place.insert(&kv.key, len);
                len += 1;
                Some(len - 1)
            })
            .collect()
    };
    for (kv, place) in given.into_iter().zip(places) {
        match place {
            Some(at) if at < attributes.len() => {
                drop_value(std::mem::replace(&mut attributes[at].value, kv.value));
            }
            Some(_) => attributes.push(kv),
            None => {
                *dropped = dropped.saturating_add(1);
                drop_value(kv.value);
            }
        }
    }
}

/// Gives `kv`'s value to the entry of `list` with its key, which keeps its
/// place; `kv` back if there is none.
fn overwrite(list: &mut [KeyValue], kv: KeyValue) -> Option<KeyValue> {
    #[cfg(test)]
    tests::COMPARED.with(|c| c.set(c.get() + list.len()));
    match list.iter_mut().find(|a| a.key == kv.key) {
        Some(slot) => {
            drop_value(std::mem::replace(&mut slot.value, kv.value));
            None
        }
        None => Some(kv),
    }
}

/// Lists longer than this are checked with a hash set: comparing every
/// pair of keys costs `n² / 2`.
const PAIRWISE_MAX: usize = 16;

/// Whether no key of `list` appears twice.
fn has_unique_keys(list: &[KeyValue]) -> bool {
    if list.len() <= PAIRWISE_MAX {
        return list
            .iter()
            .enumerate()
            .all(|(i, kv)| list[..i].iter().all(|a| a.key != kv.key));
    }
    let mut seen = HashSet::with_capacity(list.len());
    list.iter().all(|kv| seen.insert(&*kv.key))
}

/// Whether `attributes`, given whole (an event's or a link's), is already
/// what setting them one by one with [`set_attribute`] would leave.
fn is_settled(attributes: &[KeyValue], max: usize) -> bool {
    attributes.len() <= max
        && attributes.iter().all(|kv| !kv.key.is_empty())
        && has_unique_keys(attributes)
}

/// Makes the entries of a key-value list value unique by key, as the
/// common spec requires of an exported map: a key given again keeps its
/// first place and its last value. (A map key may be empty.) Linear in the
/// list's length, however long.
fn unique_keys(list: &mut Vec<KeyValue>) {
    if has_unique_keys(list) {
        return;
    }
    // Each entry's place: that of its key's first entry.
    let places: Vec<usize> = {
        let mut first = HashMap::with_capacity(list.len());
        list.iter()
            .map(|kv| {
                let next = first.len();
                *first.entry(&*kv.key).or_insert(next)
            })
            .collect()
    };
    let mut unique: Vec<KeyValue> = Vec::with_capacity(list.len());
    for (kv, place) in std::mem::take(list).into_iter().zip(places) {
        match unique.get_mut(place) {
            Some(slot) => drop_value(std::mem::replace(&mut slot.value, kv.value)),
            None => unique.push(kv),
        }
    }
    *list = unique;
}

/// Cuts the values of `attributes` (see [`limit_value`]); how many were cut.
fn limit_values(attributes: &mut [KeyValue], limits: &SpanLimits) -> u64 {
    attributes
        .iter_mut()
        .map(|kv| limit_value(&mut kv.value, limits))
        .sum()
}

/// Makes a list given whole an attribute collection, as if each attribute
/// had been set in turn (see [`set_attribute`]), and cuts the values of
/// those kept (see [`limit_value`]); how many were cut.
fn limit_list(
    attributes: &mut Vec<KeyValue>,
    dropped: &mut u32,
    max: usize,
    limits: &SpanLimits,
) -> u64 {
    if !is_settled(attributes, max) {
        let given = std::mem::take(attributes);
        set_all(attributes, dropped, max, given);
    }
    limit_values(attributes, limits)
}

/// Applies the value limits (see [`limit_value`]) to every attribute of a
/// record, its events and its links, and the per-event and per-link
/// attribute count limits. (The span's own attribute count is limited as
/// attributes are set.) Returns how many values were cut, which
/// [`report_discarded`] reports with what was dropped.
pub(crate) fn limit_record(
    attributes: &mut [KeyValue],
    events: &mut [Event],
    links: &mut [Link],
    limits: &SpanLimits,
) -> u64 {
    let mut cut = limit_values(attributes, limits);
    for event in events {
        cut += limit_list(
            &mut event.attributes,
            &mut event.dropped_attributes_count,
            limits.max_attributes_per_event,
            limits,
        );
    }
    for link in links {
        cut += limit_list(
            &mut link.attributes,
            &mut link.dropped_attributes_count,
            limits.max_attributes_per_link,
            limits,
        );
    }
    cut
}

/// Holds a span's type to `limits` as the [`SPAN_TYPE_ATTRIBUTE`]
/// attribute the exporters send after the span's own `attributes` (unless
/// one of them is that attribute): with no room left under the count
/// limit, it is dropped and counted in `dropped`, as an attribute set then
/// would be; a custom name is cut to the value length. Returns how many
/// values were cut (0 or 1), for [`report_discarded`].
pub(crate) fn limit_span_type(
    span_type: &mut Option<SpanType>,
    attributes: &[KeyValue],
    dropped: &mut u32,
    limits: &SpanLimits,
) -> u64 {
    if span_type.is_none() || attributes.iter().any(|kv| kv.key == SPAN_TYPE_ATTRIBUTE) {
        return 0;
    }
    if attributes.len() >= limits.max_attributes {
        *span_type = None;
        *dropped = dropped.saturating_add(1);
        return 0;
    }
    match (span_type, limits.max_attribute_value_length) {
        (Some(SpanType::Custom(name)), Some(max_chars)) => u64::from(truncate_str(name, max_chars)),
        _ => 0,
    }
}

/// Reports what the limits discarded from `span`, and the `cut` values
/// they shortened, once for the span (the OpenTelemetry SDK spec asks for
/// a message "at most once per span"); a span that lost nothing is not
/// reported.
pub(crate) fn report_discarded(span: &SpanData, cut: u64) {
    let in_events: u64 = span
        .events
        .iter()
        .map(|e| u64::from(e.dropped_attributes_count))
        .sum();
    let in_links: u64 = span
        .links
        .iter()
        .map(|l| u64::from(l.dropped_attributes_count))
        .sum();
    let (attributes, events, links) = (
        span.dropped_attributes_count,
        span.dropped_events_count,
        span.dropped_links_count,
    );
    if attributes == 0 && events == 0 && links == 0 && in_events == 0 && in_links == 0 && cut == 0 {
        return;
    }
    report(
        DiagnosticKind::LimitExceeded,
        &format_args!(
            "span {:?} reached its limits: discarded {attributes} attribute(s), {events} event(s), \
             {links} link(s), {in_events} event attribute(s) and {in_links} link attribute(s), \
             and cut {cut} attribute value(s) to the length or depth limit",
            span.name
        ),
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::{limit_record, limit_value, set_all, KeyPlaces, PAIRWISE_MAX};
    use crate::span_data::{Event, Link};
    use crate::span_limits::SpanLimits;
    use crate::value::{Array, KeyValue, Value};
    use std::cell::Cell;

    thread_local! {
        /// Keys [`super::overwrite`] compared on this thread, at most.
        pub(super) static COMPARED: Cell<usize> = const { Cell::new(0) };
    }

    /// Keys compared while `f` runs, and what it returns.
    fn compared<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let before = COMPARED.with(Cell::get);
        let out = f();
        (out, COMPARED.with(Cell::get) - before)
    }

    /// `n` attributes `k0..`, then `k0` again with the value -1.
    fn with_a_repeat(n: usize) -> Vec<KeyValue> {
        let mut list: Vec<KeyValue> = (0..n).map(|i| KeyValue::new(format!("k{i}"), i)).collect();
        list.push(KeyValue::new("k0", -1));
        list
    }

    #[test]
    fn long_attribute_lists_are_settled_in_linear_work() {
        // Regression: an event's or a link's list given whole with a key
        // twice, or a builder's attributes, were set one at a time, each
        // key compared with every key kept: 16,000 took 0.15 s under a
        // raised count limit, the square of the list's length.
        let limits = SpanLimits {
            max_attributes_per_event: usize::MAX,
            max_attributes_per_link: usize::MAX,
            ..SpanLimits::default()
        };
        for n in [2_000, 4_000] {
            let mut events = [Event::new("e", 0, with_a_repeat(n))];
            let mut links = [Link::new(crate::SpanContext::INVALID, with_a_repeat(n))];
            let (_, keys) = compared(|| limit_record(&mut [], &mut events, &mut links, &limits));
            assert!(
                keys <= 2 * PAIRWISE_MAX * n,
                "{n} attributes: {keys} keys compared"
            );
            for list in [&events[0].attributes, &links[0].attributes] {
                assert_eq!(list.len(), n);
                assert_eq!(list[0], KeyValue::new("k0", -1), "first place, last value");
                assert_eq!(list[n - 1], KeyValue::new(format!("k{}", n - 1), n - 1));
            }
        }
    }

    #[test]
    fn keys_set_one_at_a_time_are_found_in_linear_work() {
        // Regression: each key set on a span was compared with every key
        // kept: 16,000 under a raised count limit took 0.14 s.
        for n in [2_000, 4_000] {
            let (mut kept, mut dropped, mut places) = (Vec::new(), 0, KeyPlaces::default());
            let (_, keys) = compared(|| {
                for kv in with_a_repeat(n) {
                    places.set(&mut kept, &mut dropped, usize::MAX, kv);
                }
            });
            assert!(
                keys <= PAIRWISE_MAX * PAIRWISE_MAX,
                "{n} keys: {keys} compared"
            );
            assert_eq!((kept.len(), dropped), (n, 0));
            assert_eq!(kept[0], KeyValue::new("k0", -1), "first place, last value");
        }
    }

    #[test]
    fn keys_placed_by_hash_keep_what_comparing_every_key_keeps() {
        let given: Vec<KeyValue> = (0..200)
            .map(|i| KeyValue::new(["", "a", "b", "c"][i % 4].repeat(1 + i % 37), i))
            .collect();
        for max in [0, 1, PAIRWISE_MAX, PAIRWISE_MAX + 1, 20, 1000] {
            let (mut want, mut want_dropped) = (Vec::new(), 0);
            let (mut got, mut got_dropped, mut places) = (Vec::new(), 0, KeyPlaces::default());
            for (i, chunk) in given.chunks(25).enumerate() {
                // Lists given whole between single keys, as a span's start
                // gives its builder's before `set_attribute` calls.
                if i % 3 == 1 {
                    set_all(&mut want, &mut want_dropped, max, chunk.to_vec());
                    places.set_all(&mut got, &mut got_dropped, max, chunk.to_vec());
                    continue;
                }
                for kv in chunk {
                    super::set_attribute(&mut want, &mut want_dropped, max, kv.clone());
                    places.set(&mut got, &mut got_dropped, max, kv.clone());
                }
            }
            assert_eq!((&got, got_dropped), (&want, want_dropped), "max {max}");
        }
    }

    #[test]
    fn a_long_list_set_at_once_keeps_what_setting_one_at_a_time_keeps() {
        let oracle = |mut kept: Vec<KeyValue>, max: usize, given: Vec<KeyValue>| {
            let mut dropped = 0;
            for kv in given {
                super::set_attribute(&mut kept, &mut dropped, max, kv);
            }
            (kept, dropped)
        };
        let given: Vec<KeyValue> = (0..60)
            .map(|i| KeyValue::new(["", "a", "b", "c"][i % 4].repeat(1 + i % 7), i))
            .collect();
        for max in [0, 1, 5, 12, 100] {
            for kept in [
                vec![],
                vec![KeyValue::new("bb", -1), KeyValue::new("z", -2)],
            ] {
                let want = oracle(kept.clone(), max.max(kept.len()), given.clone());
                let (mut got, mut dropped) = (kept.clone(), 0);
                set_all(&mut got, &mut dropped, max.max(kept.len()), given.clone());
                assert_eq!((got, dropped), want, "max {max}, kept {kept:?}");
            }
        }
    }

    #[test]
    fn a_settled_list_into_an_empty_collection_is_kept_as_it_is() {
        let settled = || vec![KeyValue::new("a", 1), KeyValue::new("b", 2)];
        let given = settled();
        let buffer = given.as_ptr();
        let (mut kept, mut dropped) = (Vec::new(), 0);
        set_all(&mut kept, &mut dropped, 2, given);
        assert_eq!((&kept, dropped), (&settled(), 0));
        assert_eq!(kept.as_ptr(), buffer, "the given list, not a copy");
        // At the edges the list is not settled: each is set in turn.
        for (given, max, want, want_dropped) in [
            (settled(), 1, vec![KeyValue::new("a", 1)], 1),
            (
                vec![KeyValue::new("a", 1), KeyValue::new("a", 3)],
                2,
                vec![KeyValue::new("a", 3)],
                0,
            ),
            (vec![KeyValue::new("", 1)], 2, vec![], 1),
        ] {
            let (mut kept, mut dropped) = (Vec::new(), 0);
            set_all(&mut kept, &mut dropped, max, given);
            assert_eq!((kept, dropped), (want, want_dropped));
        }
    }

    fn truncate_value(value: &mut Value, max_chars: usize) {
        let limits = SpanLimits {
            max_attribute_value_length: Some(max_chars),
            ..SpanLimits::default()
        };
        limit_value(value, &limits);
    }

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

    #[test]
    fn strings_in_arrays_of_any_values_are_cut_and_counted() {
        let limits = SpanLimits {
            max_attribute_value_length: Some(2),
            ..SpanLimits::default()
        };
        let mixed = |text: &str, bytes: &[u8], nested: Vec<&str>| {
            Value::from(vec![
                Value::from(text),
                Value::Empty,
                Value::from(7),
                Value::from(bytes),
                Value::from(vec![Value::from(nested), Value::Empty]),
                Value::from(vec![KeyValue::new("k", text)]),
            ])
        };
        let mut value = mixed("abc", b"xyz", vec!["abc", "ab"]);
        // The string, the bytes, the nested array of strings, the list's string.
        assert_eq!(limit_value(&mut value, &limits), 4);
        assert_eq!(value, mixed("ab", b"xy", vec!["ab", "ab"]));
        // At the limit nothing is cut, and nothing is counted.
        let mut value = mixed("ab", b"xy", vec!["ab", "a"]);
        assert_eq!(limit_value(&mut value, &limits), 0);
        assert_eq!(value, mixed("ab", b"xy", vec!["ab", "a"]));
        let mut empty = Value::Empty;
        assert_eq!(limit_value(&mut empty, &limits), 0);
        assert_eq!(empty, Value::Empty);
    }

    #[test]
    fn arrays_of_any_values_past_the_depth_become_the_empty_value_and_are_counted() {
        // `levels` arrays, each holding the next and a string; 1 at the bottom.
        let nested = |levels: usize| {
            (0..levels).fold(Value::from(1), |inner, _| {
                Value::from(vec![inner, Value::from("s")])
            })
        };
        // `levels` such arrays, the empty value in the innermost's place.
        let replaced = |levels: usize| {
            (1..levels).fold(
                Value::from(vec![Value::Empty, Value::from("s")]),
                |inner, _| Value::from(vec![inner, Value::from("s")]),
            )
        };
        let limits = |max_depth: usize| SpanLimits {
            max_attribute_value_depth: max_depth,
            ..SpanLimits::default()
        };
        for depth in [1, 2, 5] {
            let mut at = nested(depth);
            assert_eq!(limit_value(&mut at, &limits(depth)), 0, "at {depth}");
            assert_eq!(at, nested(depth));
            // One deeper: the innermost array is replaced, and that is one cut.
            let mut past = nested(depth + 1);
            assert_eq!(limit_value(&mut past, &limits(depth)), 1, "past {depth}");
            assert_eq!(past, replaced(depth));
            let Value::Array(Array::Value(top)) = &past else {
                panic!("{past:?}")
            };
            assert_eq!(top.len(), 2);
        }
        // An empty array past the depth is replaced too (the spec makes no
        // exception for it), and counted: `[]` and null differ.
        let mut empty = Value::from(vec![Value::from(Vec::<Value>::new())]);
        assert_eq!(limit_value(&mut empty, &limits(1)), 1);
        assert_eq!(empty, Value::from(vec![Value::Empty]));
        // Mixed with lists: a list inside an array inside a list, each a level.
        let mut value = Value::from(vec![KeyValue::new(
            "a",
            vec![Value::from(vec![KeyValue::new("k", Value::Empty)])],
        )]);
        assert_eq!(limit_value(&mut value, &limits(2)), 1);
        assert_eq!(
            value,
            Value::from(vec![KeyValue::new("a", vec![Value::Empty])])
        );
        // Far past any stack: replaced and dropped without recursion.
        let mut deep = nested(200_000);
        assert_eq!(limit_value(&mut deep, &limits(3)), 1);
        assert_eq!(deep, replaced(3));
    }

    #[test]
    fn long_lists_are_made_unique_in_linear_time() {
        let limits = SpanLimits::default();
        // Past the pairwise check: keys k0..k19 twice, then once more k3.
        let mut given: Vec<KeyValue> = (0..40)
            .map(|i| KeyValue::new(format!("k{}", i % 20), i))
            .collect();
        given.push(KeyValue::new("k3", -1));
        let mut value = Value::KvList(given);
        limit_value(&mut value, &limits);
        let want: Vec<KeyValue> = (0..20)
            .map(|i| KeyValue::new(format!("k{i}"), if i == 3 { -1 } else { i + 20 }))
            .collect();
        assert_eq!(value, Value::KvList(want));
        // Pairwise, this many keys would take hours; hashed, a moment.
        let many = 300_000;
        let mut value = Value::KvList(
            (0..=many)
                .map(|i| KeyValue::new(format!("k{}", i % many), i))
                .collect(),
        );
        limit_value(&mut value, &limits);
        let Value::KvList(kept) = value else {
            panic!("still a list")
        };
        assert_eq!(kept.len(), many);
        assert_eq!(kept[0].value, Value::I64(many as i64));
    }

    #[test]
    fn arrays_and_lists_past_the_depth_become_the_empty_value_and_nothing_else() {
        let at_depth = |max_depth: usize, mut value: Value| {
            let limits = SpanLimits {
                max_attribute_value_depth: max_depth,
                ..SpanLimits::default()
            };
            limit_value(&mut value, &limits);
            value
        };
        let inner = || {
            Value::from(vec![
                KeyValue::new("array", vec![1, 2]),
                KeyValue::new("list", Value::from(vec![KeyValue::new("x", 1)])),
                KeyValue::new("text", "t"),
            ])
        };
        // Depth 1 is the top-level value: its array and list (depth 2) go.
        assert_eq!(
            at_depth(1, inner()),
            Value::from(vec![
                KeyValue::new("array", Value::Empty),
                KeyValue::new("list", Value::Empty),
                KeyValue::new("text", "t"),
            ])
        );
        assert_eq!(at_depth(2, inner()), inner());
        // 0: even a top-level array or list is replaced; a string is not.
        assert_eq!(at_depth(0, Value::from(vec!["a"])), Value::Empty);
        assert_eq!(at_depth(0, inner()), Value::Empty);
        assert_eq!(at_depth(0, Value::from("s")), Value::from("s"));
    }
}
