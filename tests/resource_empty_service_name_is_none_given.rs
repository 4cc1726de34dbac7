//! `service.name=` (empty) in `OTEL_RESOURCE_ATTRIBUTES` is no name given:
//! the default `unknown_service:<executable>` stays, as the resource
//! conventions' fallback and OpenTelemetry Python read it, and
//! `OTEL_SERVICE_NAME` still wins. Found: the span's service was exported
//! as `""`.

use baton::export::Resource;

fn service_name(vars: &[(&str, &str)]) -> String {
    let resource = Resource::from_lookup(|k| {
        vars.iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| (*v).to_owned())
    })
    .unwrap();
    resource.get("service.name").unwrap().to_string()
}

#[test]
fn an_empty_service_name_keeps_the_default() {
    let default = service_name(&[]);
    assert!(default.starts_with("unknown_service"), "{default}");
    for list in [
        "service.name=",
        "service.name= ,a=1",
        "a=1,service.name=%20",
    ] {
        // Blank, as a decoded `%20` is, is empty too.
        assert_eq!(
            service_name(&[("OTEL_RESOURCE_ATTRIBUTES", list)]),
            default,
            "{list}"
        );
    }
    // A name given earlier in the list stays.
    assert_eq!(
        service_name(&[(
            "OTEL_RESOURCE_ATTRIBUTES",
            "service.name=cart,service.name="
        )]),
        "cart"
    );
    assert_eq!(
        service_name(&[
            ("OTEL_RESOURCE_ATTRIBUTES", "service.name="),
            ("OTEL_SERVICE_NAME", "checkout"),
        ]),
        "checkout"
    );
}
