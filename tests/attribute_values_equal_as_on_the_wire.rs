//! Two attribute values are equal when they are the same OTLP `AnyValue`:
//! an array of any values equals the homogeneous array of the same
//! elements (both are one `arrayValue`), element by element and kind by
//! kind; the empty value equals only itself.

use baton::{Array, KeyValue, Value};

#[test]
fn arrays_of_values_equal_homogeneous_arrays_of_the_same_elements() {
    let values = |items: Vec<Value>| Value::Array(Array::Value(items));
    assert_eq!(values(vec![1.into(), 2.into()]), Value::from(vec![1i64, 2]));
    assert_eq!(
        Value::from(vec!["a", "b"]),
        values(vec!["a".into(), "b".into()])
    );
    assert_eq!(Value::from(vec![true]), values(vec![true.into()]));
    assert_eq!(Value::from(vec![0.5]), values(vec![0.5.into()]));
    assert_eq!(values(vec![]), Value::from(Vec::<bool>::new()));
    // Nested: the inner arrays compare the same way.
    assert_eq!(
        values(vec![values(vec![1.into()]), "x".into()]),
        values(vec![Value::from(vec![1i64]), "x".into()]),
    );

    // Another kind, length, order or element is another value.
    assert_ne!(
        values(vec![1.into(), 2.into()]),
        Value::from(vec![1.0, 2.0])
    );
    assert_ne!(values(vec!["1".into()]), Value::from(vec![1i64]));
    assert_ne!(values(vec![1.into()]), Value::from(vec![1i64, 1]));
    assert_ne!(values(vec![2.into(), 1.into()]), Value::from(vec![1i64, 2]));
    assert_ne!(
        values(vec![1.into(), Value::Empty]),
        Value::from(vec![1i64, 0])
    );
    // A NaN equals nothing, in any array, as `f64` has it.
    assert_ne!(values(vec![f64::NAN.into()]), Value::from(vec![f64::NAN]));
    assert_ne!(Value::from(vec![f64::NAN]), Value::from(vec![f64::NAN]));
}

#[test]
fn the_empty_value_equals_only_itself() {
    assert_eq!(Value::Empty, Value::Empty);
    assert_eq!(Value::from(None::<bool>), Value::Empty);
    for other in [
        Value::from(""),
        Value::from(0),
        Value::from(false),
        Value::from(Vec::<Value>::new()),
        Value::from(Vec::<KeyValue>::new()),
        Value::from(Vec::<u8>::new()),
    ] {
        assert_ne!(Value::Empty, other);
        assert_ne!(other, Value::Empty);
    }
    assert_eq!(
        Value::from(vec![Some(1), None]),
        Value::Array(Array::Value(vec![Value::I64(1), Value::Empty])),
    );
}
