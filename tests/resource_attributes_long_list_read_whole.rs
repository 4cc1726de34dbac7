//! A long `OTEL_RESOURCE_ATTRIBUTES` (Linux lets one variable hold
//! 128 KiB: some 16,000 short pairs) is read whole, each key in its order,
//! and a key given twice is the error naming the first key repeated,
//! however far down the list; `Resource::set` on a resource of 16,000 keys
//! replaces a value in place. Found: each key was looked for among all
//! those before it (for the repeat check, then again by `Resource::set`),
//! so 4,000 pairs took 33 ms, 8,000 126 ms and 16,000 536 ms (release
//! build): time growing with the square of the list.

use baton::export::Resource;
use baton::{KeyValue, Value};

const PAIRS: usize = 16_000;

fn read(list: &str) -> Result<Resource, baton::export::ConfigError> {
    Resource::from_lookup(|k| (k == "OTEL_RESOURCE_ATTRIBUTES").then(|| list.to_owned()))
}

/// `k0=v0,…` for `PAIRS` keys.
fn distinct() -> Vec<String> {
    (0..PAIRS).map(|i| format!("k{i}=v{i}")).collect()
}

#[test]
fn every_pair_of_a_long_list_is_kept_in_order() {
    let resource = read(&distinct().join(",")).unwrap();
    let defaults = Resource::default().attributes().len();
    let keys: Vec<String> = resource.attributes()[defaults..]
        .iter()
        .map(|kv| kv.key.to_string())
        .collect();
    assert_eq!(
        keys,
        (0..PAIRS).map(|i| format!("k{i}")).collect::<Vec<_>>()
    );
    assert_eq!(resource.get("k15999"), Some(&Value::from("v15999")));
}

#[test]
fn the_first_key_repeated_far_down_a_long_list_is_the_error() {
    let mut list = distinct();
    // `k7` comes back before `k9` does, and percent-encoded.
    list.extend(["k%37=again".to_owned(), "k9=again".to_owned()]);
    let err = read(&list.join(",")).unwrap_err();
    assert_eq!(err.variable(), "OTEL_RESOURCE_ATTRIBUTES");
    assert_eq!(err.value(), "k7");
    assert!(err.expected().contains("twice"), "{err}");
    // A blank `service.name` is none given: it repeats nothing.
    let mut list = distinct();
    list.extend(["service.name= ".to_owned(), "service.name=cart".to_owned()]);
    let resource = read(&list.join(",")).unwrap();
    assert_eq!(resource.get("service.name"), Some(&Value::from("cart")));
}

#[test]
fn setting_a_key_again_on_a_large_resource_replaces_it_in_place() {
    let mut resource = Resource::new("cart");
    for i in 0..PAIRS {
        resource.set(format!("k{i}"), i as i64);
    }
    let len = resource.attributes().len();
    resource.set("k5", "five");
    assert_eq!(resource.attributes().len(), len);
    let at = resource.attributes().iter().position(|kv| kv.key == "k5");
    assert_eq!(
        resource.attributes()[at.unwrap()],
        KeyValue::new("k5", "five")
    );
    assert_eq!(resource.get("k5"), Some(&Value::from("five")));
    assert_eq!(resource.get("k15999"), Some(&Value::from(15_999i64)));
    assert_eq!(resource.get("k16000"), None);
}
