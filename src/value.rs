//! Attribute values: the typed data a span, event or link carries.

use std::borrow::Cow;
use std::fmt;

/// Text that is borrowed for `'static` literals and owned otherwise, so the
/// common `span("name")` and `.attr("key", ..)` calls never allocate for it.
pub type Str = Cow<'static, str>;

/// An attribute value, as in the OpenTelemetry common data model.
///
/// # Example
/// ```
/// use baton::Value;
/// assert_eq!(Value::from(3), Value::I64(3));
/// assert_eq!(Value::from("x").to_string(), "x");
/// assert_eq!(Value::from(vec![1.5, 2.0]).to_string(), "[1.5, 2]");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// A string.
    String(Str),
    /// A boolean.
    Bool(bool),
    /// A signed 64-bit integer.
    I64(i64),
    /// A 64-bit float.
    F64(f64),
    /// A homogeneous array.
    Array(Array),
}

/// A homogeneous array value.
#[derive(Clone, Debug, PartialEq)]
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

/// Copies the text: a value outlives the borrowed string it came from. Pass
/// a `String` to move it in, or a `Str` (`Cow::Borrowed`) to keep a
/// `'static` literal without copying.
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(Cow::Owned(s.to_owned()))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Cow::Owned(s))
    }
}

impl From<Str> for Value {
    fn from(s: Str) -> Value {
        Value::String(s)
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

macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::I64(n.into())
            }
        }
    )*};
}
int_value!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! array_value {
    ($($t:ty => $variant:ident),*) => {$(
        impl From<Vec<$t>> for Value {
            fn from(v: Vec<$t>) -> Value {
                Value::Array(Array::$variant(v.into_iter().map(Into::into).collect()))
            }
        }
    )*};
}
array_value!(bool => Bool, i64 => I64, f64 => F64, Str => String, String => String);

impl From<Vec<&str>> for Value {
    fn from(v: Vec<&str>) -> Value {
        Value::Array(Array::String(
            v.into_iter().map(|s| Cow::Owned(s.to_owned())).collect(),
        ))
    }
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    f.write_str("[")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        item.fmt(f)?;
    }
    f.write_str("]")
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => f.write_str(s),
            Value::Bool(b) => b.fmt(f),
            Value::I64(n) => n.fmt(f),
            Value::F64(n) => n.fmt(f),
            Value::Array(Array::String(v)) => write_list(f, v),
            Value::Array(Array::Bool(v)) => write_list(f, v),
            Value::Array(Array::I64(v)) => write_list(f, v),
            Value::Array(Array::F64(v)) => write_list(f, v),
        }
    }
}
