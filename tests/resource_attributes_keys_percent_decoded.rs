//! `OTEL_RESOURCE_ATTRIBUTES` percent-decodes keys as well as values: the
//! resource SDK spec says "The `,` and `=` characters in keys and values
//! MUST be percent encoded", so a key holding them can only arrive encoded.
//! baton decoded only the values, and sent the key `a%3Db` as written.
//! Header names (the same list syntax in `OTEL_EXPORTER_OTLP_HEADERS`) are
//! HTTP tokens and stay as written.

use baton::export::{OtlpConfig, Resource};

#[path = "common/loopback_collector.rs"]
mod loopback_collector;
use loopback_collector::lookup;

fn keys(resource: &Resource) -> Vec<&str> {
    resource.attributes().iter().map(|kv| &*kv.key).collect()
}

#[test]
fn keys_are_percent_decoded_like_values() {
    let resource = Resource::from_lookup(lookup(&[(
        "OTEL_RESOURCE_ATTRIBUTES",
        "a%3Db%2Cc=d%2Ce, caf%C3%A9=%E2%9C%93,service%2Ename=cart",
    )]))
    .unwrap();
    assert_eq!(resource.get("a=b,c").unwrap().to_string(), "d,e");
    assert_eq!(resource.get("café").unwrap().to_string(), "✓");
    // A decoded key is the same key as one written plainly.
    assert_eq!(resource.get("service.name").unwrap().to_string(), "cart");
    assert!(
        !keys(&resource).iter().any(|k| k.contains('%')),
        "{:?}",
        keys(&resource)
    );
}

#[test]
fn a_bad_escape_in_a_key_is_an_error_naming_the_variable() {
    for list in ["a%3=b", "a%zz=b", "%ff=b"] {
        let err = Resource::from_lookup(lookup(&[("OTEL_RESOURCE_ATTRIBUTES", list)])).unwrap_err();
        assert_eq!(err.variable(), "OTEL_RESOURCE_ATTRIBUTES", "{list}");
        assert_eq!(err.value(), list);
    }
}

#[test]
fn header_names_stay_as_written() {
    let otlp = OtlpConfig::from_lookup(lookup(&[("OTEL_EXPORTER_OTLP_HEADERS", "x-key%41=v%41")]))
        .unwrap();
    assert_eq!(otlp.headers(), [("x-key%41".to_owned(), "vA".to_owned())]);
}
