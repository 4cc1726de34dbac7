//! `update_name` (the OpenTelemetry `UpdateName`, a MUST of the trace API):
//! a span is exported with the last name given while it recorded, through
//! every handle and on every path a span takes to the exporter (alone, in
//! a thread's batch, shared with another thread); the sampler saw the
//! first name; after the end, and on a span that does not record, it does
//! nothing. Found: there was no way to rename a span. Installs the global
//! pipeline.

use std::sync::Mutex;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor};
use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::SpanData;
use baton::{InMemoryExporter, SpanId};

/// Records every span but those named "quiet", and notes each name it saw.
struct NotingNames;

static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

impl Sampler for NotingNames {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        SEEN.lock().unwrap().push(params.name.to_owned());
        if params.name == "quiet" {
            SamplingDecision::Drop.into()
        } else {
            SamplingDecision::RecordAndSample.into()
        }
    }

    fn description(&self) -> String {
        "NotingNames".to_owned()
    }
}

fn exported_name(spans: &[SpanData], id: SpanId) -> &str {
    spans
        .iter()
        .find(|s| s.span_context.span_id() == id)
        .unwrap_or_else(|| panic!("span {id} not exported: {spans:?}"))
        .name
        .as_ref()
}

#[test]
fn spans_are_exported_with_the_last_name_given_while_they_recorded() {
    let exporter = InMemoryExporter::default();
    let mut batch = BatchConfig::default();
    batch.scheduled_delay = Duration::from_secs(3600);
    let pipeline = baton::init(
        baton::Config::new()
            .sampler(NotingNames)
            .processor(BatchProcessor::new(exporter.clone(), batch)),
    )
    .unwrap();

    // A span alone, renamed twice, then once more after its end.
    let request = baton::span("GET").start();
    request.update_name("GET /users");
    request.update_name(format!("GET /users/{{{}}}", "id"));
    assert_eq!(request.name(), "GET /users/{id}");
    request.end();
    request.update_name("after the end");
    let request_id = request.span_id();
    drop(request);

    // An entered span and its child, renamed through the guard and through
    // `current_span`; the child ends inside its parent, in the thread's batch.
    let (handler_id, child_id) = {
        let handler = baton::span("handler").enter();
        handler.update_name("by the guard");
        let child_id = {
            let child = baton::span("child").enter();
            baton::current_span().unwrap().update_name("child renamed");
            assert_eq!(child.name(), "child renamed");
            child.span_id()
        };
        baton::current_span()
            .unwrap()
            .update_name("by current_span");
        assert_eq!(handler.name(), "by current_span");
        assert_eq!(baton::current_span().unwrap().name(), "by current_span");
        (handler.span_id(), child_id)
    };

    // A span whose context crossed to another thread, renamed there.
    let shared = baton::span("shared").start();
    let _in_shared = shared.context().attach();
    std::thread::spawn(baton::copy_context_to_thread(|| {
        baton::current_span()
            .unwrap()
            .update_name("renamed on a worker")
    }))
    .join()
    .unwrap();
    assert_eq!(shared.name(), "renamed on a worker");
    drop(_in_shared);
    let shared_id = shared.span_id();
    drop(shared);

    // A span that records nothing keeps its name.
    let quiet = baton::span("quiet").start();
    quiet.update_name("not recorded");
    assert_eq!(quiet.name(), "quiet");
    drop(quiet);

    // And one never renamed keeps the name it started with.
    let plain_id = baton::span("plain").start().span_id();

    pipeline.force_flush(Duration::from_secs(10)).unwrap();
    let spans = exporter.take();
    assert_eq!(spans.len(), 5, "{spans:?}");
    assert_eq!(exported_name(&spans, request_id), "GET /users/{id}");
    assert_eq!(exported_name(&spans, handler_id), "by current_span");
    assert_eq!(exported_name(&spans, child_id), "child renamed");
    assert_eq!(exported_name(&spans, shared_id), "renamed on a worker");
    assert_eq!(exported_name(&spans, plain_id), "plain");
    assert_eq!(
        *SEEN.lock().unwrap(),
        ["GET", "handler", "child", "shared", "quiet", "plain"]
    );
}
