//! An `OTEL_RESOURCE_ATTRIBUTES` that cannot be decoded is discarded whole
//! and reported, as the resource SDK spec asks ("the entire environment
//! variable value SHOULD be discarded and an error SHOULD be reported"):
//! none of its valid members reach the resource, while `OTEL_SERVICE_NAME`
//! still names the service and `telemetry.sdk.*` stay.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;
use loopback_collector::lookup;

#[test]
fn a_list_with_a_bad_escape_is_discarded_whole_and_the_service_name_kept() {
    let env = lookup(&[
        ("OTEL_RESOURCE_ATTRIBUTES", "team=core,region=eu%2"),
        ("OTEL_SERVICE_NAME", "cart"),
    ]);
    let config = baton::Config::from_lookup(&env).unwrap();
    let ignored: Vec<_> = config
        .ignored()
        .iter()
        .map(|e| (e.variable(), e.value()))
        .collect();
    assert_eq!(ignored, [("OTEL_RESOURCE_ATTRIBUTES", "region=eu%2")]);
    let shown = format!("{config:?}");
    assert!(!shown.contains("\"team\""), "{shown}");
    assert!(shown.contains("\"service.name\""), "{shown}");
    assert!(shown.contains("\"cart\""), "{shown}");
    assert!(shown.contains("\"telemetry.sdk.language\""), "{shown}");
    assert!(baton::Config::from_lookup_strict(&env).is_err());
}

#[test]
fn equals_signs_after_the_first_belong_to_the_value() {
    let resource = baton::export::Resource::from_lookup(lookup(&[(
        "OTEL_RESOURCE_ATTRIBUTES",
        "url=a=b%3Dc,,  ,empty=",
    )]))
    .unwrap();
    assert_eq!(resource.get("url").unwrap().to_string(), "a=b=c");
    assert_eq!(resource.get("empty").unwrap().to_string(), "");
    let sdk: Vec<String> = ["name", "language", "version"]
        .iter()
        .map(|k| {
            resource
                .get(&format!("telemetry.sdk.{k}"))
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(sdk, ["baton", "rust", env!("CARGO_PKG_VERSION")]);
}
