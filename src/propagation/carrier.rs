//! Carriers: where propagators read and write fields.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::baggage::unpadded;

/// Somewhere a propagator can write fields (a request's headers, a message's
/// metadata). Propagators always pass lowercase names.
///
/// A propagator leaves its own fields holding the context it injects and
/// nothing else: a field it does not write this time (`tracestate` for a
/// context without one, `x-b3-parentspanid` for a root, an `uberctx-*`
/// entry no longer in the baggage) is removed, so a carrier used before (a
/// retried request's headers, a message's metadata copied from the one it
/// answers) keeps no value from another context.
pub trait Injector {
    /// Sets `key` to `value`, replacing any earlier value of that field
    /// (whatever its case).
    fn set(&mut self, key: &str, value: String);

    /// Removes every value of field `key` (whatever its case). The default
    /// does nothing, which suits a carrier that starts empty for each
    /// inject; the carriers of this crate remove. (Not named `remove`: the
    /// maps' and `Vec`'s own `remove` would be called instead, and the
    /// maps' matches case.)
    ///
    /// ```
    /// use baton::propagation::Injector;
    /// let mut headers = vec![
    ///     ("TraceState".to_string(), "old=1".to_string()),
    ///     ("accept".to_string(), "*/*".to_string()),
    /// ];
    /// headers.remove_field("tracestate");
    /// assert_eq!(headers, [("accept".to_string(), "*/*".to_string())]);
    /// ```
    fn remove_field(&mut self, key: &str) {
        let _ = key;
    }

    /// Removes every field whose name starts with `prefix` (ASCII
    /// case-insensitively), such as Jaeger's `uberctx-*`. The default does
    /// nothing, as [`Injector::remove_field`]'s.
    fn remove_with_prefix(&mut self, prefix: &str) {
        let _ = prefix;
    }

    /// Whether this carrier stores a field under a name that a receiver
    /// cannot turn back into the field's: the environment carrier does
    /// (`uberctx-session.id`, `uberctx-Session-ID` and `uberctx-session_id`
    /// all become `UBERCTX_SESSION_ID`). A format that finds its fields by
    /// a name prefix and reads the rest of the name as data (Jaeger's
    /// `uberctx-{key}`) writes none of those into such a carrier, and
    /// reports them. The default is `false`: the name set is the name read.
    ///
    /// ```
    /// use baton::propagation::{EnvCarrier, Injector};
    /// assert!(EnvCarrier::default().normalizes_names());
    /// assert!(!Vec::<(String, String)>::new().normalizes_names());
    /// ```
    fn normalizes_names(&self) -> bool {
        false
    }
}

/// Somewhere a propagator can read fields. Names match case-insensitively.
pub trait Extractor {
    /// Calls `f` with every value of field `key`, in order. A carrier that
    /// keeps repeated header lines yields each of them.
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str));

    /// Calls `f(i, value)` with every value of each field `keys[i]`: what
    /// [`Extractor::get_all`] yields for `keys[0]`, then for `keys[1]`, and
    /// so on. A propagator that reads several fields asks for them at once,
    /// so a carrier that has to look at every entry to find one field (the
    /// maps, whose names match case-insensitively) looks once for all.
    ///
    /// ```
    /// use baton::propagation::Extractor;
    /// let headers = vec![
    ///     ("X-B3-SpanId".to_string(), "s".to_string()),
    ///     ("x-b3-traceid".to_string(), "t".to_string()),
    /// ];
    /// let mut seen = Vec::new();
    /// headers.get_all_of(&["x-b3-traceid", "x-b3-spanid"], &mut |i, v| seen.push((i, v.to_string())));
    /// assert_eq!(seen, [(0, "t".to_string()), (1, "s".to_string())]);
    /// ```
    fn get_all_of(&self, keys: &[&str], f: &mut dyn FnMut(usize, &str)) {
        for (i, key) in keys.iter().enumerate() {
            self.get_all(key, &mut |v| f(i, v));
        }
    }

    /// Calls `f` with every field name, e.g. to find `uberctx-*` fields.
    fn keys(&self, f: &mut dyn FnMut(&str));

    /// Calls `f(name, value)` with every value of every field whose name
    /// starts with `prefix` (ASCII case-insensitively): how a propagator
    /// reads a family of fields such as Jaeger's `uberctx-*` in one look at
    /// the carrier, however many there are.
    ///
    /// The default asks [`Extractor::keys`] for the names and
    /// [`Extractor::get_all`] for the values of each name it yields, once
    /// per name however often `keys` yields it. A carrier whose `get_all`
    /// looks at every entry should override this with one pass over its
    /// entries, as the carriers in this crate do: the default then looks
    /// at every entry once per matching name.
    ///
    /// ```
    /// use baton::propagation::Extractor;
    /// let headers = vec![
    ///     ("uberctx-a".to_string(), "1".to_string()),
    ///     ("traceparent".to_string(), "t".to_string()),
    ///     ("UberCtx-B".to_string(), "2".to_string()),
    /// ];
    /// let mut seen = Vec::new();
    /// headers.get_all_with_prefix("uberctx-", &mut |k, v| seen.push(format!("{k}={v}")));
    /// assert_eq!(seen, ["uberctx-a=1", "UberCtx-B=2"]);
    /// ```
    fn get_all_with_prefix(&self, prefix: &str, f: &mut dyn FnMut(&str, &str)) {
        // A name `keys` yields r times (a repeated line, or one field
        // spelled in r cases, which `get_all` matches alike) would give its
        // values r times each.
        let mut asked = HashSet::new();
        self.keys(&mut |name| {
            if starts_with_ignore_case(name, prefix) && asked.insert(name.to_ascii_lowercase()) {
                self.get_all(name, &mut |value| f(name, value));
            }
        });
    }

    /// The first value of field `key`.
    fn get(&self, key: &str) -> Option<String> {
        let mut first = None;
        self.get_all(key, &mut |v| {
            if first.is_none() {
                first = Some(v.to_owned());
            }
        });
        first
    }
}

/// The first value of `key` in `carrier`, parsed, and how many later
/// values differ from it (OWS around a value aside): the formats that read
/// one value of a field (B3: "when extracting state headers, the first
/// value wins"; Jaeger's `uber-trace-id`) read it so, and report the
/// values they pass over ([`Problem::Repeated`](super::Problem::Repeated)).
pub(crate) fn first_value<T>(
    carrier: &dyn Extractor,
    key: &str,
    parse: impl Fn(&str) -> T,
) -> Option<(T, usize)> {
    let mut first = FirstValue::default();
    carrier.get_all(key, &mut |v| first.push(v, &parse));
    first.finish()
}

/// [`first_value`] for values met one at a time, such as one field's
/// among those of a [`Extractor::get_all_of`].
pub(crate) struct FirstValue<T> {
    first: Option<(T, String)>,
    differing: usize,
}

impl<T> Default for FirstValue<T> {
    fn default() -> Self {
        FirstValue {
            first: None,
            differing: 0,
        }
    }
}

impl<T> FirstValue<T> {
    /// Parses `v` if it is the first value, else counts it if it differs.
    pub(crate) fn push(&mut self, v: &str, parse: impl Fn(&str) -> T) {
        match &self.first {
            None => self.first = Some((parse(v), unpadded(v).to_owned())),
            Some((_, text)) => self.differing += usize::from(unpadded(v) != text),
        }
    }

    /// The first value parsed, and how many later values differ from it.
    pub(crate) fn finish(self) -> Option<(T, usize)> {
        self.first.map(|(parsed, _)| (parsed, self.differing))
    }
}

/// Whether `name` starts with `prefix`, ASCII case-insensitively.
#[inline]
pub(crate) fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    name.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| bytes_match(head, prefix.as_bytes()) != NameMatch::Different)
}

/// [`Extractor::get_all_with_prefix`] over a carrier's entries in one pass.
fn with_prefix<'a>(
    entries: impl Iterator<Item = (&'a String, &'a String)>,
    prefix: &str,
    f: &mut dyn FnMut(&str, &str),
) {
    for (k, v) in entries {
        if starts_with_ignore_case(k, prefix) {
            f(k, v);
        }
    }
}

/// The most fields [`map_get_all_of`] looks for in one pass over a map for
/// [`Extractor::get_all_of`]: as many as any built-in propagator reads at
/// once (B3's `b3` and the five `x-b3-*`).
const KEYS_PER_PASS: usize = 6;

/// [`map_get_all_of`] with tables no bigger than the fields asked for: two
/// for W3C's pair, [`KEYS_PER_PASS`] for more.
#[inline(always)]
fn map_lookup<'a, I>(entries: I, keys: &[&str], f: &mut dyn FnMut(usize, &str))
where
    I: Iterator<Item = (&'a String, &'a String)> + Clone,
{
    match keys.len() {
        0..=2 => map_get_all_of::<_, 2>(entries, keys, f),
        _ => map_get_all_of::<_, KEYS_PER_PASS>(entries, keys, f),
    }
}

/// Yields the values of every entry whose name matches `keys[i]`
/// case-insensitively, as `f(i, value)`, key by key: an entry named exactly
/// `keys[i]` first, as most carriers store a field (propagators pass
/// lowercase names), and a repeated field's first value wins.
///
/// One pass over the entries finds up to `N` fields, so no key is hashed:
/// every entry has to be looked at anyway, because names that differ only
/// in case are separate header lines. Another pass runs only for a field
/// that more than one differently cased name matches.
fn map_get_all_of<'a, I, const N: usize>(entries: I, keys: &[&str], f: &mut dyn FnMut(usize, &str))
where
    I: Iterator<Item = (&'a String, &'a String)> + Clone,
{
    const { assert!(N <= 8, "a pass's keys are the bits of a byte") };
    for (pass, keys) in keys.chunks(N).enumerate() {
        // Bit `i` of `by_length[n % 32]`: `keys[i]` may be `n` bytes long.
        // An entry is compared only with the keys of its name's length:
        // compared with every key, B3's four headers took 760 of an
        // extract's 1687 instructions (callgrind, peer benchmark). For
        // one or two keys, the table costs more than it saves.
        let mut by_length = [0u8; 32];
        if N > 2 {
            for (i, key) in keys.iter().enumerate() {
                by_length[key.len() % 32] |= 1 << i;
            }
        }
        // For `keys[i]`: the entry named exactly so, the first entry named
        // in another case, and (bit `i`) whether there are more of those.
        let mut exact: [Option<&String>; N] = [None; N];
        let mut other: [Option<&String>; N] = [None; N];
        let mut more = 0u32;
        // Bit `i`: `keys[i]` matched some entry.
        let mut matched = 0u32;
        let mut compare = |i: usize, k: &str, v: &'a String| {
            match name_match(k, keys[i]) {
                NameMatch::Different => return,
                NameMatch::Exact => exact[i] = Some(v),
                NameMatch::Folded if other[i].is_none() => other[i] = Some(v),
                NameMatch::Folded => more |= 1 << i,
            }
            matched |= 1 << i;
        };
        for (k, v) in entries.clone() {
            if N > 2 {
                let mut candidates = by_length[k.len() % 32];
                while candidates != 0 {
                    compare(candidates.trailing_zeros() as usize, k, v);
                    candidates &= candidates - 1;
                }
            } else {
                for i in 0..keys.len() {
                    compare(i, k, v);
                }
            }
        }
        while matched != 0 {
            let i = matched.trailing_zeros() as usize;
            matched &= matched - 1;
            if let Some(v) = exact[i] {
                f(pass * N + i, v);
            }
            if more & 1 << i != 0 {
                for (k, v) in entries.clone() {
                    if name_match(k, keys[i]) == NameMatch::Folded {
                        f(pass * N + i, v);
                    }
                }
            } else if let Some(v) = other[i] {
                f(pass * N + i, v);
            }
        }
    }
}

/// How a carrier's field name compares with the name asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameMatch {
    /// Another field.
    Different,
    /// The field, spelled the same.
    Exact,
    /// The field, with some ASCII letters in the other case.
    Folded,
}

/// Compares `name` with `key` as [`str::eq_ignore_ascii_case`] does, eight
/// bytes at a time (every entry of a carrier is compared with every field
/// name a propagator reads), and says whether they are spelled the same.
/// Case is folded only where the bytes differ.
#[inline]
pub(crate) fn name_match(name: &str, key: &str) -> NameMatch {
    bytes_match(name.as_bytes(), key.as_bytes())
}

/// [`name_match`] of byte strings.
#[inline]
fn bytes_match(a: &[u8], b: &[u8]) -> NameMatch {
    if a.len() != b.len() {
        return NameMatch::Different;
    }
    let mut exact = true;
    if a.len() < 8 {
        for (x, y) in a.iter().zip(b) {
            if x != y {
                if !x.eq_ignore_ascii_case(y) {
                    return NameMatch::Different;
                }
                exact = false;
            }
        }
    } else {
        // Words at 0, 8, 16, ... and a last one that ends with the name
        // (overlapping the one before it): a byte compared twice compares
        // the same.
        let last = a.len() - 8;
        let mut at = 0;
        loop {
            match word_match(word(&a[at..]), word(&b[at..])) {
                NameMatch::Different => return NameMatch::Different,
                NameMatch::Exact => {}
                NameMatch::Folded => exact = false,
            }
            if at == last {
                break;
            }
            at = (at + 8).min(last);
        }
    }
    if exact {
        NameMatch::Exact
    } else {
        NameMatch::Folded
    }
}

/// The first eight bytes as one number.
#[inline(always)]
fn word(bytes: &[u8]) -> u64 {
    let mut eight = [0u8; 8];
    eight.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(eight)
}

/// Compares two words of eight bytes as [`name_match`] compares names.
#[inline(always)]
fn word_match(x: u64, y: u64) -> NameMatch {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    const CASE: u64 = ONES * 0x20;
    let differ = x ^ y;
    if differ == 0 {
        return NameMatch::Exact;
    }
    // Most names that differ differ in more than the case bit.
    if differ & !CASE != 0 {
        return NameMatch::Different;
    }
    // The bytes that differ differ only in the case bit: each must be a
    // letter, i.e. in `a-z` with that bit set. On the low seven bits of
    // each byte no carry crosses bytes: adding `0x80 - lo` sets a byte's
    // top bit iff it is >= lo, adding `0x7f - hi` iff it is > hi; bytes with
    // the top bit set are not ASCII.
    let lower = x | CASE;
    let low = lower & !HIGH;
    let letters = (low + ONES * u64::from(0x80 - b'a'))
        & !(low + ONES * u64::from(0x7f - b'z'))
        & !lower
        & HIGH;
    // The top bit moved down to the case bit.
    if differ & !(letters >> 2) != 0 {
        NameMatch::Different
    } else {
        NameMatch::Folded
    }
}

/// The carrier impls of a map from field names to values: the same for
/// every map type that std offers, written once.
macro_rules! map_carrier {
    ($(impl[$($generics:tt)*] for $map:ty;)*) => {$(
        impl<$($generics)*> Injector for $map {
            fn set(&mut self, key: &str, value: String) {
                self.remove_field(key);
                self.insert(key.to_owned(), value);
            }

            fn remove_field(&mut self, key: &str) {
                // A retain over an empty map still walked the table (38
                // instructions of an inject into a new map, callgrind).
                if !self.is_empty() {
                    self.retain(|k, _| !k.eq_ignore_ascii_case(key));
                }
            }

            fn remove_with_prefix(&mut self, prefix: &str) {
                self.retain(|k, _| !starts_with_ignore_case(k, prefix));
            }
        }

        impl<$($generics)*> Extractor for $map {
            fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
                map_get_all_of::<_, 1>(self.iter(), &[key], &mut |_, v| f(v));
            }

            fn get_all_of(&self, keys: &[&str], f: &mut dyn FnMut(usize, &str)) {
                map_lookup(self.iter(), keys, f);
            }

            fn keys(&self, f: &mut dyn FnMut(&str)) {
                self.keys().for_each(|k| f(k));
            }

            fn get_all_with_prefix(&self, prefix: &str, f: &mut dyn FnMut(&str, &str)) {
                with_prefix(self.iter(), prefix, f);
            }
        }
    )*};
}

map_carrier! {
    impl[S: std::hash::BuildHasher] for HashMap<String, String, S>;
    impl[] for BTreeMap<String, String>;
}

/// Header lines in order; repeated names are kept as separate lines.
impl Injector for Vec<(String, String)> {
    fn set(&mut self, key: &str, value: String) {
        self.remove_field(key);
        self.push((key.to_owned(), value));
    }

    fn remove_field(&mut self, key: &str) {
        self.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
    }

    fn remove_with_prefix(&mut self, prefix: &str) {
        self.retain(|(k, _)| !starts_with_ignore_case(k, prefix));
    }
}

impl Extractor for Vec<(String, String)> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        for (k, v) in self {
            if name_match(k, key) != NameMatch::Different {
                f(v);
            }
        }
    }

    fn keys(&self, f: &mut dyn FnMut(&str)) {
        self.iter().for_each(|(k, _)| f(k));
    }

    fn get_all_with_prefix(&self, prefix: &str, f: &mut dyn FnMut(&str, &str)) {
        with_prefix(self.iter().map(|(k, v)| (k, v)), prefix, f);
    }
}
