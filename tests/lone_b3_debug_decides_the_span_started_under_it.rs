//! A B3 debug decision received without ids (`b3: d`, or `X-B3-Flags: 1`
//! alone) reaches the sampler of a span started under it, and the span's
//! trace is a debug trace the next hop is told about. Found: the span path
//! gave the sampler only "accept", so under
//! `ParentBased::new(AlwaysOn).remote_parent_sampled(AlwaysOff)` a `b3: d`
//! request was not recorded and went on as `b3: {ids}-0`, and under the
//! default sampler it went on as `-1`, losing the debug.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use baton::propagation::{Propagator, B3};
use baton::sampling::{AlwaysOff, AlwaysOn, ParentBased};
use baton::{Context, InMemoryExporter, SpanData};

fn exporter() -> &'static InMemoryExporter {
    static EXPORTER: OnceLock<InMemoryExporter> = OnceLock::new();
    EXPORTER.get_or_init(|| {
        let exporter = InMemoryExporter::default();
        let config = baton::Config::new()
            .sampler(ParentBased::new(AlwaysOn).remote_parent_sampled(AlwaysOff))
            .exporter(exporter.clone());
        std::mem::forget(baton::init(config).unwrap());
        exporter
    })
}

/// Starts a span and a child under what `headers` carry; what each
/// injects as B3 (`b3` single, or the multi headers), and what was recorded.
fn under(headers: &[(&str, &str)], b3: &B3) -> (Vec<HashMap<String, String>>, Vec<SpanData>) {
    static SERIAL: Mutex<()> = Mutex::new(());
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let memory = exporter();
    memory.take();
    let carrier: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let cx = b3.extract(&Context::default(), &carrier);
    let _attached = cx.attach();
    let mut sent = Vec::new();
    baton::in_span("server", || {
        let mut out = HashMap::new();
        b3.inject(&Context::current(), &mut out);
        sent.push(out);
        baton::in_span("child", || {
            let mut out = HashMap::new();
            b3.inject(&Context::current(), &mut out);
            sent.push(out);
        });
    });
    (sent, memory.take())
}

#[test]
fn a_lone_single_debug_is_recorded_and_sent_on_as_debug() {
    let (sent, recorded) = under(&[("b3", "d")], &B3::single());
    assert_eq!(recorded.len(), 2, "both spans recorded");
    for out in &sent {
        assert!(out["b3"].ends_with("-d"), "{out:?}");
    }
}

#[test]
fn a_lone_multi_debug_is_recorded_and_sent_on_as_debug() {
    let (sent, recorded) = under(&[("X-B3-Flags", "1")], &B3::multi());
    assert_eq!(recorded.len(), 2, "both spans recorded");
    for out in &sent {
        assert_eq!(
            out.get("x-b3-flags").map(String::as_str),
            Some("1"),
            "{out:?}"
        );
        assert!(
            !out.contains_key("x-b3-sampled"),
            "debug implies accept: {out:?}"
        );
    }
}

#[test]
fn a_lone_accept_goes_to_the_remote_sampled_delegate_and_is_not_debug() {
    // The delegate for a sampled remote parent is AlwaysOff here.
    let (sent, recorded) = under(&[("b3", "1")], &B3::single());
    assert!(recorded.is_empty());
    for out in &sent {
        assert!(out["b3"].ends_with("-0"), "{out:?}");
    }
}

#[test]
fn no_decision_is_a_root_the_root_sampler_decides() {
    let (sent, recorded) = under(&[], &B3::single());
    assert_eq!(recorded.len(), 2);
    for out in &sent {
        assert!(out["b3"].ends_with("-1"), "{out:?}");
    }
}
