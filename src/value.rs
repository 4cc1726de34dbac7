//! Attribute values: the typed data a span, event or link carries.
//!
//! Every Rust integer width and float converts with `.into()`, so
//! `.attr("len", v.len())` compiles. Integers become [`Value::I64`], the
//! OTLP `intValue`; a `u64`, `usize` (or `Vec` of them) above `i64::MAX`,
//! which `intValue` cannot hold, becomes its exact decimal text instead of
//! wrapping or saturating. `f32` becomes the `f64` with the same shortest
//! decimal text (`0.1f32` is `0.1`, not `0.10000000149011612`).

use std::borrow::Cow;
use std::fmt;

/// Text that is borrowed for `'static` literals and owned otherwise, so the
/// common `span("name")` and `.attr("key", ..)` calls never allocate for it.
pub type Str = Cow<'static, str>;

/// An attribute value, as in the OpenTelemetry common data model (the OTLP
/// `AnyValue`). Arrays and key-value lists cost more to record, limit and
/// export than a single value: each element is allocated, walked and
/// encoded in turn.
///
/// Arrays and lists nest: [`Array::Value`] holds values of any kind, and a
/// [`KvList`](Value::KvList) any values, as deep as
/// [`SpanLimits::max_attribute_value_depth`](crate::SpanLimits) lets a span
/// keep (a list or array deeper than that becomes [`Value::Empty`], as the
/// spec says). [`Value::Empty`] is the spec's empty value (`null`, `None`):
/// set it to say that a key has no value, rather than leaving the key out.
///
/// # Example: one conversion per Rust type
/// ```
/// use baton::{KeyValue, Value};
/// assert_eq!(Value::from(3u8), Value::I64(3));
/// assert_eq!(Value::from(vec![1usize, 2].len()), Value::I64(2));
/// assert_eq!(Value::from(0.1f32), Value::F64(0.1));
/// // Past i64::MAX, OTLP's intValue cannot hold it: the exact digits are kept.
/// assert_eq!(Value::from(u64::MAX).to_string(), "18446744073709551615");
/// assert_eq!(Value::from(&String::from("x")).to_string(), "x");
/// assert_eq!(Value::from(String::from_utf8_lossy(b"ok")).to_string(), "ok");
/// assert_eq!(Value::from(vec![1.5, 2.0]).to_string(), "[1.5, 2]");
/// assert_eq!(Value::from(&b"hi!?"[..]).to_string(), "aGkhPw=="); // base64
/// let headers = Value::from(vec![KeyValue::new("status", 200), KeyValue::new("ok", true)]);
/// assert_eq!(headers.to_string(), "{status: 200, ok: true}");
/// // Mixed and nested arrays, and the empty value (`None` converts to it).
/// let row = Value::from(vec![Value::from(1), Value::from("a"), Value::from(vec![true])]);
/// assert_eq!(row.to_string(), "[1, a, [true]]");
/// assert_eq!(Value::from(None::<i64>), Value::Empty);
/// assert_eq!(Value::from(Some(7)), Value::I64(7));
/// ```
///
/// `Display`, `Debug`, `PartialEq` and `Clone` walk a value with a stack
/// on the heap, not by recursion: the depth limit applies only to what a
/// span keeps, and an application may build a value nested deeper than
/// its thread's stack could follow. (Its drop is the compiler's, which
/// recurses; a value baton is given, it drops without recursion.)
#[non_exhaustive]
pub enum Value {
    /// A string: OTLP `stringValue`.
    String(Str),
    /// A boolean: OTLP `boolValue`.
    Bool(bool),
    /// A signed 64-bit integer: OTLP `intValue`.
    I64(i64),
    /// A 64-bit float: OTLP `doubleValue`.
    F64(f64),
    /// An array, homogeneous or of any values: OTLP `arrayValue`.
    Array(Array),
    /// Raw bytes: OTLP `bytesValue` (base64 text in OTLP/JSON and in
    /// `Display`).
    Bytes(Vec<u8>),
    /// An ordered list of key-value pairs: OTLP `kvlistValue`. The whole
    /// list is one attribute for the span limits. A span exports it with
    /// unique keys, as a map: a key given twice keeps its first place and
    /// its last value.
    KvList(Vec<KeyValue>),
    /// The empty value: an OTLP `AnyValue` with no field set (`{}` in
    /// OTLP/JSON), what the spec's "empty value" (`null`, `None`) is on the
    /// wire. The spec counts it as meaningful: it is kept and exported like
    /// any other value. `Display` and the console exporter show it as
    /// `null`.
    ///
    /// ```
    /// use baton::Value;
    /// assert_eq!(Value::Empty.to_string(), "null");
    /// assert_eq!(Value::from(None::<&str>), Value::Empty);
    /// ```
    Empty,
}

/// An array value: OTLP `arrayValue`, whose elements are each an
/// `AnyValue`. The homogeneous kinds store their elements unboxed; an
/// array of mixed kinds, of nested arrays or lists, or holding the empty
/// value, is an [`Array::Value`].
///
/// Two arrays are equal when their elements are, one by one, as values:
/// an [`Array::Value`] of integers equals the [`Array::I64`] of the same
/// integers, as the two are the same `arrayValue` on the wire.
///
/// ```
/// use baton::{Array, Value};
/// let mixed = Array::Value(vec![Value::from(1), Value::from(2)]);
/// assert_eq!(mixed, Array::I64(vec![1, 2]));
/// assert_ne!(mixed, Array::F64(vec![1.0, 2.0]));
/// assert_eq!(Array::Value(Vec::new()), Array::String(Vec::new()));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Array {
    /// Strings.
    String(Vec<Str>),
    /// Booleans.
    Bool(Vec<bool>),
    /// Integers.
    I64(Vec<i64>),
    /// Floats.
    F64(Vec<f64>),
    /// Values of any kinds, nested arrays and lists among them: the spec's
    /// "array of `AnyValue`".
    Value(Vec<Value>),
}

/// One element of an [`Array`], borrowed, for comparing arrays of
/// different kinds element by element.
#[derive(PartialEq)]
enum Element<'a> {
    Str(&'a str),
    Bool(bool),
    I64(i64),
    F64(f64),
    /// Any other value (never a string, boolean, integer or float).
    Other(&'a Value),
}

impl<'a> Element<'a> {
    fn of(value: &'a Value) -> Element<'a> {
        match value {
            Value::String(s) => Element::Str(s),
            Value::Bool(b) => Element::Bool(*b),
            Value::I64(n) => Element::I64(*n),
            Value::F64(n) => Element::F64(*n),
            other => Element::Other(other),
        }
    }
}

impl Array {
    /// How many elements the array holds.
    ///
    /// ```
    /// use baton::{Array, Value};
    /// assert_eq!(Array::Value(vec![Value::Empty, Value::from("x")]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            Array::String(v) => v.len(),
            Array::Bool(v) => v.len(),
            Array::I64(v) => v.len(),
            Array::F64(v) => v.len(),
            Array::Value(v) => v.len(),
        }
    }

    /// Whether the array holds no element.
    ///
    /// ```
    /// assert!(baton::Array::Value(Vec::new()).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn elements(&self) -> Box<dyn Iterator<Item = Element<'_>> + '_> {
        match self {
            Array::String(v) => Box::new(v.iter().map(|s| Element::Str(s))),
            Array::Bool(v) => Box::new(v.iter().map(|&b| Element::Bool(b))),
            Array::I64(v) => Box::new(v.iter().map(|&n| Element::I64(n))),
            Array::F64(v) => Box::new(v.iter().map(|&n| Element::F64(n))),
            Array::Value(v) => Box::new(v.iter().map(Element::of)),
        }
    }
}

impl PartialEq for Array {
    fn eq(&self, other: &Array) -> bool {
        match (self, other) {
            (Array::String(a), Array::String(b)) => a == b,
            (Array::Bool(a), Array::Bool(b)) => a == b,
            (Array::I64(a), Array::I64(b)) => a == b,
            (Array::F64(a), Array::F64(b)) => a == b,
            (Array::Value(a), Array::Value(b)) => a == b,
            _ => self.len() == other.len() && self.elements().eq(other.elements()),
        }
    }
}

/// A key and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyValue {
    /// The attribute key.
    pub key: Str,
    /// The attribute value.
    pub value: Value,
}

impl KeyValue {
    /// A key/value pair.
    pub fn new(key: impl Into<Str>, value: impl Into<Value>) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// Drops `list`, each value as [`drop_value`] does. One that owns no
/// memory (a sampler's usual empty list) is forgotten instead: that skips
/// the out-of-line drop of an empty list, about 25 instructions on the
/// span path.
#[inline]
pub(crate) fn drop_list(list: Vec<KeyValue>) {
    if list.capacity() == 0 {
        std::mem::forget(list);
    } else {
        drop_values(list);
    }
}

/// [`drop_list`] for a list that owns memory. A value that nests nothing
/// is dropped as the list's own drop would, after one comparison.
fn drop_values(list: Vec<KeyValue>) {
    for kv in list {
        drop_value(kv.value);
    }
}

/// Drops `value` one level at a time, with a work list rather than by
/// recursion: dropped whole, a key-value list or array of values nested
/// deeper than a thread's stack could follow would overflow it and abort
/// the process. The depth limit bounds only what a span keeps; this is for
/// what baton lets go of without recording it.
pub(crate) fn drop_value(value: Value) {
    // Holding neither, it nests nothing: dropped whole, with no work list
    // to allocate.
    if !nests(&value) {
        return;
    }
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::KvList(kvs) => pending.extend(kvs.into_iter().map(|kv| kv.value).filter(nests)),
            Value::Array(Array::Value(items)) => pending.extend(items.into_iter().filter(nests)),
            _ => {}
        }
    }
}

/// Whether `value` may hold values of its own, and so nest without bound.
fn nests(value: &Value) -> bool {
    matches!(value, Value::KvList(_) | Value::Array(Array::Value(_)))
}

/// Walks the two values side by side with a work list, as `drop_value`
/// walks one: only a pair of values that nest is put on it, so comparing a
/// scalar or a flat list allocates nothing.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        /// Compares `a` and `b` at once, by a call that walks only them,
        /// unless `a` nests: then they wait on the work list.
        fn held_eq<'a>(
            a: &'a Value,
            b: &'a Value,
            pending: &mut Vec<(&'a Value, &'a Value)>,
        ) -> bool {
            if nests(a) {
                pending.push((a, b));
                true
            } else {
                a == b
            }
        }
        let mut pending = Vec::new();
        let mut next = Some((self, other));
        while let Some((a, b)) = next.take().or_else(|| pending.pop()) {
            let same = match (a, b) {
                (Value::KvList(a), Value::KvList(b)) => {
                    a.len() == b.len()
                        && a.iter().zip(b).all(|(a, b)| {
                            a.key == b.key && held_eq(&a.value, &b.value, &mut pending)
                        })
                }
                (Value::Array(Array::Value(a)), Value::Array(Array::Value(b))) => {
                    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| held_eq(a, b, &mut pending))
                }
                (Value::String(a), Value::String(b)) => a == b,
                (Value::Bool(a), Value::Bool(b)) => a == b,
                (Value::I64(a), Value::I64(b)) => a == b,
                (Value::F64(a), Value::F64(b)) => a == b,
                // At most one of them is an array of values, whose elements
                // are then compared with scalars, never with each other.
                (Value::Array(a), Value::Array(b)) => a == b,
                (Value::Bytes(a), Value::Bytes(b)) => a == b,
                (Value::Empty, Value::Empty) => true,
                _ => false,
            };
            if !same {
                return false;
            }
        }
        true
    }
}

/// Copies level by level, as `drop_value` drops: each list or array of
/// values is copied with the values it holds that nest left empty, and
/// those are filled in from the work list, so copying a scalar or a flat
/// list allocates nothing beyond the copy.
impl Clone for Value {
    fn clone(&self) -> Value {
        if !nests(self) {
            return copy_unnested(self);
        }
        let mut copy = Value::Empty;
        let mut pending = Vec::new();
        let mut next = Some((self, &mut copy));
        while let Some((from, to)) = next.take().or_else(|| pending.pop()) {
            *to = match from {
                Value::KvList(kvs) => Value::KvList(
                    kvs.iter()
                        .map(|kv| KeyValue {
                            key: kv.key.clone(),
                            value: copy_unnested(&kv.value),
                        })
                        .collect(),
                ),
                Value::Array(Array::Value(items)) => {
                    Value::Array(Array::Value(items.iter().map(copy_unnested).collect()))
                }
                other => copy_unnested(other),
            };
            match (from, to) {
                (Value::KvList(from), Value::KvList(to)) => pending.extend(
                    from.iter()
                        .zip(to)
                        .map(|(from, to)| (&from.value, &mut to.value))
                        .filter(|(from, _)| nests(from)),
                ),
                (Value::Array(Array::Value(from)), Value::Array(Array::Value(to))) => {
                    pending.extend(from.iter().zip(to).filter(|(from, _)| nests(from)));
                }
                _ => {}
            }
        }
        copy
    }
}

/// A copy of `value` if it does not [nest](nests); the empty value, for
/// [`Value::clone`] to fill in, if it does.
fn copy_unnested(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(s.clone()),
        Value::Bool(b) => Value::Bool(*b),
        Value::I64(n) => Value::I64(*n),
        Value::F64(n) => Value::F64(*n),
        Value::KvList(_) | Value::Array(Array::Value(_)) | Value::Empty => Value::Empty,
        Value::Array(scalars) => Value::Array(scalars.clone()),
        Value::Bytes(b) => Value::Bytes(b.clone()),
    }
}

/// Drops the text `s` owns, if it owns any, leaving a borrowed empty
/// string, which its owner may then forget. Most names are borrowed, and
/// their drop glue was a call.
#[inline(always)]
pub(crate) fn release_str(s: &mut Str) {
    if matches!(s, Str::Owned(_)) {
        *s = Str::Borrowed("");
    }
}

/// Copies the text: a value outlives the borrowed string it came from. Pass
/// a `String` to move it in, or `Value::String(Cow::Borrowed(..))` to keep a
/// `'static` literal without copying.
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(Cow::Owned(s.to_owned()))
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::from(s.as_str())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Cow::Owned(s))
    }
}

/// Moves owned text in and copies borrowed text (its lifetime may be short,
/// as for [`String::from_utf8_lossy`]).
impl From<Cow<'_, str>> for Value {
    fn from(s: Cow<'_, str>) -> Value {
        Value::String(Cow::Owned(s.into_owned()))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::F64(f)
    }
}

impl From<f32> for Value {
    fn from(f: f32) -> Value {
        Value::F64(f32_to_f64(f))
    }
}

/// The `f64` nearest to the shortest decimal that reads back as `f` — what a
/// person wrote as `0.1f32` — rather than the binary widening
/// `0.10000000149011612`. Formats on the stack: no allocation.
fn f32_to_f64(f: f32) -> f64 {
    struct Buf([u8; 32], usize);
    impl fmt::Write for Buf {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.1 + s.len();
            self.0
                .get_mut(self.1..end)
                .ok_or(fmt::Error)?
                .copy_from_slice(s.as_bytes());
            self.1 = end;
            Ok(())
        }
    }
    let mut buf = Buf([0; 32], 0);
    // `{:e}` is the shortest round-trip form, at most 15 bytes ("-1.1754942e-38").
    if !f.is_finite() || fmt::write(&mut buf, format_args!("{f:e}")).is_err() {
        return f64::from(f);
    }
    std::str::from_utf8(&buf.0[..buf.1])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::from(f))
}

macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::I64(n.into())
            }
        }

        impl From<Vec<$t>> for Value {
            fn from(v: Vec<$t>) -> Value {
                Value::Array(Array::I64(v.into_iter().map(Into::into).collect()))
            }
        }
    )*};
}
int_value!(i8, i16, i32, i64, u16, u32);

impl From<u8> for Value {
    fn from(n: u8) -> Value {
        Value::I64(n.into())
    }
}

/// Integer types wider than `intValue` can be: a value that does not fit in
/// an `i64` keeps its exact decimal digits as a string, and so does every
/// element of an array holding one (arrays are homogeneous).
macro_rules! wide_int_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                i64::try_from(n).map_or_else(|_| Value::String(n.to_string().into()), Value::I64)
            }
        }

        impl From<Vec<$t>> for Value {
            fn from(v: Vec<$t>) -> Value {
                match v.iter().map(|&n| i64::try_from(n)).collect() {
                    Ok(ints) => Value::Array(Array::I64(ints)),
                    Err(_) => Value::Array(Array::String(
                        v.iter().map(|n| n.to_string().into()).collect(),
                    )),
                }
            }
        }
    )*};
}
wide_int_value!(u64, usize, isize);

impl From<Vec<f32>> for Value {
    fn from(v: Vec<f32>) -> Value {
        Value::Array(Array::F64(v.into_iter().map(f32_to_f64).collect()))
    }
}

macro_rules! array_value {
    ($($t:ty => $variant:ident),*) => {$(
        impl From<Vec<$t>> for Value {
            fn from(v: Vec<$t>) -> Value {
                Value::Array(Array::$variant(v.into_iter().map(Into::into).collect()))
            }
        }
    )*};
}
array_value!(bool => Bool, f64 => F64, Str => String, String => String);

impl From<Vec<&str>> for Value {
    fn from(v: Vec<&str>) -> Value {
        Value::Array(Array::String(
            v.into_iter().map(|s| Cow::Owned(s.to_owned())).collect(),
        ))
    }
}

/// Bytes, not an array of integers: OTLP `bytesValue`.
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Bytes(v)
    }
}

/// Copies the bytes: OTLP `bytesValue`.
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

/// Copies the bytes: OTLP `bytesValue`.
impl<const N: usize> From<[u8; N]> for Value {
    fn from(v: [u8; N]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

impl From<Vec<KeyValue>> for Value {
    fn from(v: Vec<KeyValue>) -> Value {
        Value::KvList(v)
    }
}

/// An array of any values: [`Array::Value`], kept as given even when every
/// element is of one kind.
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::Array(Array::Value(v))
    }
}

impl From<Array> for Value {
    fn from(a: Array) -> Value {
        Value::Array(a)
    }
}

/// `None` is the empty value, [`Value::Empty`]; `Some(x)` is `x`'s value.
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Empty, Into::into)
    }
}

/// An array of any values, each `None` kept in its place as the empty
/// value: the spec asks that a null inside an array be passed on as-is,
/// so that arrays kept in step (keys in one, values in another) stay so.
///
/// ```
/// use baton::Value;
/// let v = Value::from(vec![Some(1), None, Some(3)]);
/// assert_eq!(v.to_string(), "[1, null, 3]");
/// ```
impl<T: Into<Value>> From<Vec<Option<T>>> for Value {
    fn from(v: Vec<Option<T>>) -> Value {
        Value::Array(Array::Value(v.into_iter().map(Value::from).collect()))
    }
}
