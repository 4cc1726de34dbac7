//! `Display` and `Debug` of a [`Value`], written from a walk with a stack
//! on the heap rather than by recursion: an application may build a value
//! nested deeper than its thread's stack could follow, and formatting it
//! must not overflow the stack and abort the process.

use std::fmt;
use std::slice;

use crate::base64::Base64;
use crate::value::{Array, KeyValue, Str, Value};

/// Where a value of a walk sits.
#[derive(Clone, Copy)]
struct Place<'a> {
    /// How many lists and arrays of values hold it: 0 for the one walked.
    depth: usize,
    /// Its index in the list or array holding it; 0 for the one walked.
    index: usize,
    /// Its key, in a key-value list.
    key: Option<&'a Str>,
}

/// One step of a [`Walk`].
enum Step<'a> {
    /// The value starts: those it holds follow, if it nests.
    Enter(Place<'a>, &'a Value),
    /// The value ends, after those it holds.
    Leave(Place<'a>, &'a Value),
}

/// A key-value list or array of values entered and not yet left.
struct Open<'a> {
    place: Place<'a>,
    value: &'a Value,
    /// The index of the next value it holds.
    index: usize,
    held: Held<'a>,
}

/// The values a list or array holds that are not yet entered.
enum Held<'a> {
    Entries(slice::Iter<'a, KeyValue>),
    Items(slice::Iter<'a, Value>),
}

/// A depth-first walk of a value and every value it holds, in order.
/// Only a list or array held by another is put on the heap: a scalar or a
/// flat list is walked without allocating.
struct Walk<'a> {
    /// The value walked, until it is entered.
    root: Option<&'a Value>,
    /// A value entered that holds none, to leave next.
    entered: Option<(Place<'a>, &'a Value)>,
    /// The innermost list or array entered and not left.
    inner: Option<Open<'a>>,
    /// The lists and arrays holding it, outermost first.
    outer: Vec<Open<'a>>,
}

impl<'a> Walk<'a> {
    fn new(value: &'a Value) -> Walk<'a> {
        Walk {
            root: Some(value),
            entered: None,
            inner: None,
            outer: Vec::new(),
        }
    }

    fn enter(&mut self, place: Place<'a>, value: &'a Value) -> Step<'a> {
        let held = match value {
            Value::KvList(kvs) => Some(Held::Entries(kvs.iter())),
            Value::Array(Array::Value(items)) => Some(Held::Items(items.iter())),
            _ => None,
        };
        match held {
            Some(held) => {
                let open = Open {
                    place,
                    value,
                    index: 0,
                    held,
                };
                if let Some(holder) = self.inner.replace(open) {
                    self.outer.push(holder);
                }
            }
            None => self.entered = Some((place, value)),
        }
        Step::Enter(place, value)
    }
}

impl<'a> Iterator for Walk<'a> {
    type Item = Step<'a>;

    fn next(&mut self) -> Option<Step<'a>> {
        if let Some(root) = self.root.take() {
            let place = Place {
                depth: 0,
                index: 0,
                key: None,
            };
            return Some(self.enter(place, root));
        }
        if let Some((place, value)) = self.entered.take() {
            return Some(Step::Leave(place, value));
        }
        let open = self.inner.as_mut()?;
        let next = match &mut open.held {
            Held::Entries(kvs) => kvs.next().map(|kv| (Some(&kv.key), &kv.value)),
            Held::Items(items) => items.next().map(|item| (None, item)),
        };
        let Some((key, value)) = next else {
            let done = self.inner.take()?;
            self.inner = self.outer.pop();
            return Some(Step::Leave(done.place, done.value));
        };
        let place = Place {
            depth: open.place.depth + 1,
            index: open.index,
            key,
        };
        open.index += 1;
        Some(self.enter(place, value))
    }
}

/// `{k: v, ..}` for a key-value list, `[a, ..]` for an array, bytes in
/// base64, the empty value as `null`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A list's values are written without the caller's flags (width,
        // precision) and an array's with them, as they always were.
        let mut in_lists = 0;
        Walk::new(self).try_for_each(|step| match step {
            Step::Enter(place, value) => {
                if place.index > 0 {
                    f.write_str(", ")?;
                }
                if let Some(key) = place.key {
                    in_lists += 1;
                    write!(f, "{key}: ")?;
                }
                match value {
                    Value::KvList(_) => f.write_str("{"),
                    Value::Array(Array::Value(_)) => f.write_str("["),
                    // A walk of only the scalar, without the flags.
                    scalar if in_lists > 0 => write!(f, "{scalar}"),
                    Value::String(s) => f.write_str(s),
                    Value::Bool(b) => fmt::Display::fmt(b, f),
                    Value::I64(n) => fmt::Display::fmt(n, f),
                    Value::F64(n) => fmt::Display::fmt(n, f),
                    Value::Array(Array::String(v)) => write_list(f, v),
                    Value::Array(Array::Bool(v)) => write_list(f, v),
                    Value::Array(Array::I64(v)) => write_list(f, v),
                    Value::Array(Array::F64(v)) => write_list(f, v),
                    Value::Bytes(b) => fmt::Display::fmt(&Base64(b), f),
                    Value::Empty => f.write_str("null"),
                }
            }
            Step::Leave(place, value) => {
                in_lists -= usize::from(place.key.is_some());
                match value {
                    Value::KvList(_) => f.write_str("}"),
                    Value::Array(Array::Value(_)) => f.write_str("]"),
                    _ => Ok(()),
                }
            }
        })
    }
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    f.write_str("[")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        fmt::Display::fmt(item, f)?;
    }
    f.write_str("]")
}

/// What `#[derive(Debug)]` wrote, `{:#?}` and the caller's flags included:
/// derived, it recursed, and `{:#?}` also wrapped the writer once per
/// level, so that each character written went through every level.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = DebugOut {
            pretty: f.alternate(),
            f,
        };
        // In `{:#?}`, a value `depth` deep has its closing line at
        // `3 * depth` indents: inside the `KvList(`, `[` and `KeyValue {`,
        // or `Array(`, `Value(` and `[`, of each list or array holding it.
        Walk::new(self).try_for_each(|step| match step {
            Step::Enter(place, value) => {
                let level = 3 * place.depth;
                if place.depth > 0 {
                    out.enter_held(place, level - 3)?;
                }
                out.enter(value, level)
            }
            Step::Leave(place, value) => {
                let level = 3 * place.depth;
                out.leave(value, level)?;
                if place.depth > 0 {
                    out.leave_held(place, level - 3)?;
                }
                Ok(())
            }
        })
    }
}

/// A bracketed group `#[derive(Debug)]` writes.
#[derive(Clone, Copy)]
enum Group {
    /// `Name(..)`
    Tuple,
    /// `Name { .. }`
    Struct,
    /// `[..]`
    List,
}

/// Writes what `Formatter::debug_tuple`, `debug_struct` and `debug_list`
/// write, with the indents of `{:#?}` written out rather than by wrapping
/// the writer. A group's `level` is the indent of its closing line; its
/// entries are one deeper.
struct DebugOut<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    pretty: bool,
}

impl DebugOut<'_, '_> {
    fn text(&mut self, s: &str) -> fmt::Result {
        self.f.write_str(s)
    }

    /// Starts an entry of a group at `level`, the first or not.
    fn entry(&mut self, group: Group, level: usize, first: bool) -> fmt::Result {
        if self.pretty {
            self.text("\n")?;
            (0..=level).try_for_each(|_| self.text("    "))
        } else if !first {
            self.text(", ")
        } else if let Group::Struct = group {
            self.text(" ")
        } else {
            Ok(())
        }
    }

    fn end_entry(&mut self) -> fmt::Result {
        if self.pretty {
            self.text(",")?;
        }
        Ok(())
    }

    /// Ends a group at `level`, which had entries or not (only a list may
    /// have none).
    fn close(&mut self, group: Group, level: usize, had_entries: bool) -> fmt::Result {
        if self.pretty && had_entries {
            self.text("\n")?;
            (0..level).try_for_each(|_| self.text("    "))?;
        }
        self.text(match (group, self.pretty) {
            (Group::Tuple, _) => ")",
            (Group::Struct, true) => "}",
            (Group::Struct, false) => " }",
            (Group::List, _) => "]",
        })
    }

    /// `name(` and the start of its one field.
    fn open_tuple(&mut self, name: &str, level: usize) -> fmt::Result {
        self.text(name)?;
        self.text("(")?;
        self.entry(Group::Tuple, level, true)
    }

    fn close_tuple(&mut self, level: usize) -> fmt::Result {
        self.end_entry()?;
        self.close(Group::Tuple, level, true)
    }

    fn tuple(
        &mut self,
        name: &str,
        level: usize,
        field: impl FnOnce(&mut Self) -> fmt::Result,
    ) -> fmt::Result {
        self.open_tuple(name, level)?;
        field(self)?;
        self.close_tuple(level)
    }

    /// A list of scalars, each written with the caller's flags.
    fn list<T: fmt::Debug>(&mut self, items: &[T], level: usize) -> fmt::Result {
        self.text("[")?;
        for (i, item) in items.iter().enumerate() {
            self.entry(Group::List, level, i == 0)?;
            fmt::Debug::fmt(item, self.f)?;
            self.end_entry()?;
        }
        self.close(Group::List, level, !items.is_empty())
    }

    /// All of a value that does not nest; the opening of a list or array
    /// of values, up to its first entry.
    fn enter(&mut self, value: &Value, level: usize) -> fmt::Result {
        match value {
            Value::String(s) => self.tuple("String", level, |o| fmt::Debug::fmt(&**s, o.f)),
            Value::Bool(b) => self.tuple("Bool", level, |o| fmt::Debug::fmt(b, o.f)),
            Value::I64(n) => self.tuple("I64", level, |o| fmt::Debug::fmt(n, o.f)),
            Value::F64(n) => self.tuple("F64", level, |o| fmt::Debug::fmt(n, o.f)),
            Value::Array(array) => {
                self.open_tuple("Array", level)?;
                let level = level + 1;
                match array {
                    Array::String(v) => self.tuple("String", level, |o| o.list(v, level + 1)),
                    Array::Bool(v) => self.tuple("Bool", level, |o| o.list(v, level + 1)),
                    Array::I64(v) => self.tuple("I64", level, |o| o.list(v, level + 1)),
                    Array::F64(v) => self.tuple("F64", level, |o| o.list(v, level + 1)),
                    Array::Value(_) => {
                        self.open_tuple("Value", level)?;
                        return self.text("[");
                    }
                }?;
                self.close_tuple(level - 1)
            }
            Value::Bytes(b) => self.tuple("Bytes", level, |o| o.list(b, level + 1)),
            Value::KvList(_) => {
                self.open_tuple("KvList", level)?;
                self.text("[")
            }
            Value::Empty => self.text("Empty"),
        }
    }

    /// The end of a list or array of values, after its entries.
    fn leave(&mut self, value: &Value, level: usize) -> fmt::Result {
        match value {
            Value::KvList(kvs) => {
                self.close(Group::List, level + 1, !kvs.is_empty())?;
                self.close_tuple(level)
            }
            Value::Array(Array::Value(items)) => {
                self.close(Group::List, level + 2, !items.is_empty())?;
                self.close_tuple(level + 1)?;
                self.close_tuple(level)
            }
            _ => Ok(()),
        }
    }

    /// Starts the entry of a value held by a list or array at `level`: a
    /// list's is `KeyValue { key: .., value: ` and then the value.
    fn enter_held(&mut self, place: Place<'_>, level: usize) -> fmt::Result {
        let first = place.index == 0;
        let Some(key) = place.key else {
            return self.entry(Group::List, level + 2, first);
        };
        self.entry(Group::List, level + 1, first)?;
        self.text("KeyValue {")?;
        self.entry(Group::Struct, level + 2, true)?;
        self.text("key: ")?;
        fmt::Debug::fmt(&**key, self.f)?;
        self.end_entry()?;
        self.entry(Group::Struct, level + 2, false)?;
        self.text("value: ")
    }

    /// Ends what [`enter_held`](Self::enter_held) started.
    fn leave_held(&mut self, place: Place<'_>, level: usize) -> fmt::Result {
        if place.key.is_some() {
            self.end_entry()?;
            self.close(Group::Struct, level + 2, true)?;
        }
        self.end_entry()
    }
}

#[cfg(test)]
mod tests {
    use crate::value::{KeyValue, Value};

    /// `{:#?}` and the caller's flags, which the integration tests of deep
    /// values leave out: the text is what `#[derive(Debug)]` wrote.
    #[test]
    fn debug_writes_what_derive_wrote() {
        let value = Value::from(vec![
            KeyValue::new(
                "a",
                vec![
                    Value::from(vec![KeyValue::new("k", Value::Empty)]),
                    Value::from(Vec::<Value>::new()),
                ],
            ),
            KeyValue::new("n", vec![1, 2]),
        ]);
        assert_eq!(
            format!("{value:?}"),
            "KvList([KeyValue { key: \"a\", value: Array(Value([KvList([KeyValue { key: \"k\", value: Empty }]), Array(Value([]))])) }, KeyValue { key: \"n\", value: Array(I64([1, 2])) }])"
        );
        let pretty = concat!(
            "KvList(\n",
            "    [\n",
            "        KeyValue {\n",
            "            key: \"a\",\n",
            "            value: Array(\n",
            "                Value(\n",
            "                    [\n",
            "                        KvList(\n",
            "                            [\n",
            "                                KeyValue {\n",
            "                                    key: \"k\",\n",
            "                                    value: Empty,\n",
            "                                },\n",
            "                            ],\n",
            "                        ),\n",
            "                        Array(\n",
            "                            Value(\n",
            "                                [],\n",
            "                            ),\n",
            "                        ),\n",
            "                    ],\n",
            "                ),\n",
            "            ),\n",
            "        },\n",
            "        KeyValue {\n",
            "            key: \"n\",\n",
            "            value: Array(\n",
            "                I64(\n",
            "                    [\n",
            "                        1,\n",
            "                        2,\n",
            "                    ],\n",
            "                ),\n",
            "            ),\n",
            "        },\n",
            "    ],\n",
            ")",
        );
        assert_eq!(format!("{value:#?}"), pretty);
        assert_eq!(
            format!("{:5?}", Value::from(vec![1, 2])),
            "Array(I64([    1,     2]))"
        );
    }
}
