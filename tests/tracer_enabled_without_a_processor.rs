//! `Tracer::enabled` is `false` while the installed pipeline has no
//! processor (`Config::new()` without an exporter,
//! `OTEL_TRACES_EXPORTER=none`, or a `FanOut` of none): no span started then can reach an
//! exporter, and the OpenTelemetry SDK spec's Tracer `Enabled` "MUST
//! return `false` when ... there are no registered `SpanProcessors`".
//! Found: it said `true`, so instrumentation built costly attributes for
//! spans that go nowhere. Installs the global pipeline, one after the
//! other, in one test.

use std::time::Duration;

#[test]
fn enabled_is_false_without_a_processor() {
    let tracer = baton::tracer("my.library").build();

    let pipeline = baton::init(baton::Config::new()).unwrap();
    assert!(!tracer.enabled(), "Config::new() without an exporter");
    pipeline.shutdown(Duration::from_secs(30)).unwrap();

    let none =
        baton::Config::from_lookup(|name| (name == "OTEL_TRACES_EXPORTER").then(|| "none".into()))
            .unwrap();
    let pipeline = baton::init(none).unwrap();
    assert!(!tracer.enabled(), "OTEL_TRACES_EXPORTER=none");
    pipeline.shutdown(Duration::from_secs(30)).unwrap();

    // A fan-out of no processor (or of such fan-outs only) hands spans to
    // none. Found (audit): it said `true`.
    use baton::export::FanOut;
    let empty = FanOut::new(vec![Box::new(FanOut::new(Vec::new()))]);
    let pipeline = baton::init(baton::Config::new().processor(empty)).unwrap();
    assert!(!tracer.enabled(), "a fan-out of none");
    pipeline.shutdown(Duration::from_secs(30)).unwrap();
    let spans = baton::InMemoryExporter::default();
    let one = FanOut::new(vec![
        Box::new(FanOut::new(Vec::new())),
        Box::new(baton::export::SimpleProcessor::new(spans)),
    ]);
    let pipeline = baton::init(baton::Config::new().processor(one)).unwrap();
    assert!(tracer.enabled(), "a fan-out with one processor");
    pipeline.shutdown(Duration::from_secs(30)).unwrap();

    // With a processor it says `true` again: the check is on the processor,
    // not on the pipeline being installed a third time.
    let spans = baton::InMemoryExporter::default();
    let pipeline = baton::init(baton::Config::new().exporter(spans)).unwrap();
    assert!(tracer.enabled(), "an exporter installed");
    pipeline.shutdown(Duration::from_secs(30)).unwrap();
}
