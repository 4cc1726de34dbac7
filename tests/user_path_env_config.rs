//! Configuration from `OTEL_*` variables, given through a lookup closure as
//! `Config::from_lookup` and `Composite::from_lookup` say tests should, then
//! used the way a service uses it: `init`, spans, `inject_context`.
//!
//! A pipeline is process-wide, so the tests that install one take turns.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use baton::propagation::{Composite, Propagator};
use baton::{Config, Context, InMemoryExporter};

static PIPELINE: Mutex<()> = Mutex::new(());

fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        vars.iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn headers(traceparent: &str) -> HashMap<String, String> {
    HashMap::from([("traceparent".to_owned(), traceparent.to_owned())])
}

/// `OTEL_TRACES_SAMPLER=parentbased_traceidratio` with a ratio of 0, read
/// from the lookup and installed with an in-memory exporter: new traces
/// are not sampled (but still propagate ids, flags `00`), and a remote
/// parent's decision is followed either way.
#[test]
fn a_parent_based_ratio_sampler_from_the_environment_follows_the_caller() {
    let _turn = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let spans = InMemoryExporter::default();
    let config = Config::from_lookup(env(&[
        ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
        ("OTEL_TRACES_SAMPLER_ARG", "0"),
        ("OTEL_SERVICE_NAME", "checkout"),
    ]))
    .unwrap();
    assert!(config.ignored().is_empty(), "{:?}", config.ignored());
    let pipeline = baton::init(config.exporter(spans.clone())).unwrap();

    let mut out = HashMap::new();
    {
        let root = baton::span("new trace").enter();
        baton::inject_context(&mut out);
        assert!(!root.span_context().flags().is_sampled());
    }
    let unsampled_root = out["traceparent"].clone();
    assert!(unsampled_root.ends_with("-00") || unsampled_root.ends_with("-02"));

    let sampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    {
        let _cx = baton::propagated_context(&headers(sampled));
        drop(baton::span("sampled by the caller").enter());
    }
    let not_sampled = "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    {
        let _cx = baton::propagated_context(&headers(not_sampled));
        drop(baton::span("not sampled by the caller").enter());
    }
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let names: Vec<String> = spans
        .finished_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["sampled by the caller"]);
}

/// README, "Sessions across services": `BATON_SESSION_HEADER=Mirascope-Session-Id
/// OTEL_PROPAGATORS=tracecontext,session` "does the same from the
/// environment". `Composite::from_lookup` reads `OTEL_PROPAGATORS` "as
/// lookup returns it (tests pass a closure instead of touching the
/// environment)"; the session header named in the same lookup is read from
/// it too (before the fix, from the process environment).
#[test]
fn the_session_header_named_in_the_lookup_is_the_one_the_composite_uses() {
    let p = Composite::from_lookup(env(&[
        ("OTEL_PROPAGATORS", "tracecontext,session"),
        ("BATON_SESSION_HEADER", "Mirascope-Session-Id"),
    ]))
    .unwrap();
    let cx = Context::default().with_baggage("session.id", "user-123");
    let mut out = HashMap::new();
    p.inject(&cx, &mut out);
    assert_eq!(
        out.get("mirascope-session-id").map(String::as_str),
        Some("user-123"),
        "{out:?}"
    );
}

/// OpenTelemetry Python's `BatchSpanProcessor(exporter)` takes its defaults
/// from `OTEL_BSP_*`. `Config::from_lookup` reads them (and reports a bad
/// one), and `.batch_exporter(e)` builds its processor from them: a 20 ms
/// schedule delay from the environment is not the default 5 s (before the
/// fix, it was, without a word).
#[test]
fn batch_settings_read_from_the_environment_apply_to_a_batch_exporter_set_in_code() {
    let _turn = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let spans = InMemoryExporter::default();
    let config = Config::from_lookup(env(&[("OTEL_BSP_SCHEDULE_DELAY", "20")])).unwrap();
    assert!(config.ignored().is_empty(), "{:?}", config.ignored());
    let pipeline = baton::init(config.batch_exporter(spans.clone())).unwrap();
    // Ended on this thread, which goes on living: the worker collects it
    // at its next scheduled export.
    drop(baton::span("job").attr("n", 1).enter());
    let start = Instant::now();
    while spans.finished_spans().is_empty() && start.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let waited = start.elapsed();
    let exported = spans.finished_spans().len();
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    assert_eq!(
        exported, 1,
        "no export within {waited:?} with OTEL_BSP_SCHEDULE_DELAY=20"
    );
}

/// The same span through a `BatchProcessor` given the `BatchConfig` read
/// from the same lookup (what `batch_exporter` could do): exported at the
/// 20 ms schedule, long before the default 5 s.
#[test]
fn a_batch_processor_built_from_the_lookup_exports_on_its_schedule() {
    use baton::export::{BatchConfig, BatchProcessor};
    let _turn = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let spans = InMemoryExporter::default();
    let lookup = env(&[("OTEL_BSP_SCHEDULE_DELAY", "20")]);
    let batch = BatchConfig::from_lookup(&lookup).unwrap();
    let config = Config::from_lookup(&lookup).unwrap();
    let pipeline =
        baton::init(config.processor(BatchProcessor::new(spans.clone(), batch))).unwrap();
    drop(baton::span("job").attr("n", 1).enter());
    let start = Instant::now();
    while spans.finished_spans().is_empty() && start.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let exported = spans.finished_spans().len();
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    assert_eq!(exported, 1, "no export within {:?}", start.elapsed());
}
