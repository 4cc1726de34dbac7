//! `init(Config::from_lookup(..).service_name(..))` installs a batch
//! processor and OTLP exporter from the environment variables; the service
//! name set in code wins; shutdown delivers everything; a second init is an
//! error; spans after shutdown are counted as dropped. Installs the global
//! pipeline.

#[path = "common/json.rs"]
mod json;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

/// Answers 200 to every request (at most 10), forwarding each body.
fn receiver() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..10 {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream);
            let mut len = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim_end().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let mut stream = reader.into_inner();
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            let _ = tx.send(String::from_utf8(body).unwrap());
        }
    });
    (format!("http://{addr}"), rx)
}

#[test]
fn a_pipeline_from_the_environment_exports_to_the_collector() {
    let (endpoint, bodies) = receiver();
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
        ("OTEL_SERVICE_NAME", "from-env"),
        ("OTEL_RESOURCE_ATTRIBUTES", "team=core"),
        ("OTEL_BSP_SCHEDULE_DELAY", "600000"),
    ];
    let lookup = |k: &str| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    };
    let config = baton::Config::from_lookup(lookup)
        .unwrap()
        .service_name("checkout");
    let pipeline = baton::init(config).unwrap();
    assert_eq!(
        baton::init(baton::Config::new()).err(),
        Some(baton::InitError::AlreadyInstalled)
    );

    baton::in_span("request", || baton::in_span("db", || {}));
    pipeline.shutdown(Duration::from_secs(20)).unwrap();

    let body = json::parse(&bodies.recv_timeout(Duration::from_secs(10)).unwrap()).unwrap();
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
