//! `init(Config::from_lookup(..).service_name(..))` installs a batch
//! processor and OTLP exporter from the environment variables; the service
//! name set in code wins; shutdown delivers everything; a second init is an
//! error; spans after shutdown are counted as dropped. Installs the global
//! pipeline.

#[path = "common/json.rs"]
mod json;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use loopback_collector::{collector, lookup};

#[test]
fn a_pipeline_from_the_environment_exports_to_the_collector() {
    let (endpoint, requests) = collector(10);
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
        ("OTEL_SERVICE_NAME", "from-env"),
        ("OTEL_RESOURCE_ATTRIBUTES", "team=core"),
        ("OTEL_BSP_SCHEDULE_DELAY", "600000"),
        // No deadline, as the spec reads a timeout of 0: still delivered.
        ("OTEL_BSP_EXPORT_TIMEOUT", "0"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "0"),
    ];
    let config = baton::Config::from_lookup(lookup(&vars))
        .unwrap()
        .service_name("checkout");
    let pipeline = baton::init(config).unwrap();
    assert_eq!(
        baton::init(baton::Config::new()).err(),
        Some(baton::InitError::AlreadyInstalled)
    );

    baton::in_span("request", || baton::in_span("db", || {}));
    pipeline.shutdown(Duration::from_secs(20)).unwrap();

    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    let body = json::parse(request.text()).unwrap();
    let resource_spans = body.get("resourceSpans").at(0);
    let attrs = resource_spans.get("resource").get("attributes");
    assert_eq!(
        attrs
            .attribute("service.name")
            .unwrap()
            .get("stringValue")
            .str(),
        "checkout"
    );
    assert_eq!(
        attrs.attribute("team").unwrap().get("stringValue").str(),
        "core"
    );
    let spans = resource_spans.get("scopeSpans").at(0).get("spans");
    let names: Vec<&str> = (0..spans.len())
        .map(|i| spans.at(i).get("name").str())
        .collect();
    assert_eq!(names, ["db", "request"]);

    let dropped = baton::export::dropped_spans();
    baton::in_span("after shutdown", || {});
    assert_eq!(baton::export::dropped_spans(), dropped + 1);
}
