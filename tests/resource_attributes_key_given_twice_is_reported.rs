//! `OTEL_RESOURCE_ATTRIBUTES` naming one key twice (`a=1,a=2`, or the same
//! key once percent-encoded) is ignored and reported, as a header named
//! twice in `OTEL_EXPORTER_OTLP_HEADERS` is: which value was meant cannot
//! be told. Found: the last value won and the first was lost without a
//! report, against the rule that nothing is dropped silently.

use baton::export::{OtlpConfig, Resource};
use baton::Config;

#[test]
fn a_key_given_twice_ignores_the_variable_with_a_report() {
    for list in ["a=1,a=2", "a=1,b=2,%61=3", "service.name=x,service.name=y"] {
        let lookup = |k: &str| (k == "OTEL_RESOURCE_ATTRIBUTES").then(|| list.to_owned());
        let err = Resource::from_lookup(lookup).unwrap_err();
        assert_eq!(err.variable(), "OTEL_RESOURCE_ATTRIBUTES", "{list}");
        assert!(err.expected().contains("twice"), "{list}: {err}");

        let config = Config::from_lookup(lookup).unwrap();
        let ignored: Vec<&str> = config.ignored().iter().map(|e| e.variable()).collect();
        assert_eq!(ignored, ["OTEL_RESOURCE_ATTRIBUTES"], "{list}");
        // As if unset: the default resource.
        let shown = format!("{config:?}");
        assert!(!shown.contains("key: \"a\""), "{list}: {shown}");
    }
    // Distinct keys, and the same key in other cases, are kept.
    let lookup = |k: &str| (k == "OTEL_RESOURCE_ATTRIBUTES").then(|| "a=1,A=2".to_owned());
    let resource = Resource::from_lookup(lookup).unwrap();
    assert_eq!(resource.get("a").unwrap().to_string(), "1");
    assert_eq!(resource.get("A").unwrap().to_string(), "2");
    assert!(OtlpConfig::from_lookup(lookup).is_ok());
}
