//! `OTEL_SDK_DISABLED=true` leaves `OTEL_PROPAGATORS` in force, as the
//! environment spec says ("This setting has no effect on propagators
//! configured through the `OTEL_PROPAGATORS` variable"): the list read by
//! `Config::from_lookup` is the one `init` installs, and an unknown name in
//! it is reported. Found: a disabled configuration read no other variable,
//! so the lookup's list was dropped without a word (the global propagator
//! fell back to the process environment's, W3C by default, and a received
//! B3 context was not passed on) and its unknown `xray` was never reported.
//! Installs the global pipeline and propagator: one test alone in its file.

use std::collections::HashMap;

use baton::Config;

#[test]
fn a_disabled_sdk_installs_and_checks_the_lookups_propagators() {
    let vars = [
        ("OTEL_SDK_DISABLED", "TRUE"),
        ("OTEL_PROPAGATORS", "b3multi,xray"),
    ];
    let lookup = |k: &str| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    };
    let config = Config::from_lookup(lookup).unwrap();
    assert!(config.is_disabled());
    let ignored: Vec<(&str, &str)> = config
        .ignored()
        .iter()
        .map(|e| (e.variable(), e.value()))
        .collect();
    assert_eq!(ignored, [("OTEL_PROPAGATORS", "xray")]);
    let pipeline = baton::init(config).unwrap();

    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let received: HashMap<String, String> = [
        ("x-b3-traceid", trace),
        ("x-b3-spanid", "00f067aa0ba902b7"),
        ("x-b3-sampled", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let _cx = baton::extract_context(&received).attach();
    let mut sent = HashMap::new();
    baton::in_span("request", || baton::inject_context(&mut sent));
    assert_eq!(
        sent.get("x-b3-traceid").map(String::as_str),
        Some(trace),
        "{sent:?}"
    );
    assert!(!sent.contains_key("traceparent"), "{sent:?}");
    drop(pipeline);
}
