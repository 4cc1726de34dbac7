//! A processor that panics in `on_end` unwinds through the drop of the
//! span's owner, and the span lets go of everything all the same. A share
//! of the parent's baggage kept by the unwound span would keep that whole
//! baggage alive: here 4000 bytes per span, so 2000 spans would leak about
//! 8 MiB.
//!
//! Installs the global pipeline, and a panic hook that keeps the
//! processor's panics quiet.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use baton::export::{ExportError, SpanProcessor};
use baton::{Config, Context, SpanData};

struct Panicking;

impl SpanProcessor for Panicking {
    fn on_end(&self, _: SpanData) {
        panic!("processor bug");
    }

    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }

    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

/// The process's resident memory now, from `/proc/self/status`.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Ends `spans` spans, each the child of a context with its own 4000-byte
/// baggage that only the span still shares when it ends; each end panics.
fn end_panicking(spans: usize, entered: bool) {
    let value = "v".repeat(4000);
    for _ in 0..spans {
        let cx = Context::default().with_baggage("big", &value);
        let builder = baton::span("s").parent(&cx);
        drop(cx);
        let ended = if entered {
            let guard = builder.enter();
            catch_unwind(AssertUnwindSafe(|| drop(guard)))
        } else {
            let span = builder.start();
            catch_unwind(AssertUnwindSafe(|| drop(span)))
        };
        assert!(ended.is_err(), "the processor's panic reaches the owner");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_span_whose_processor_panics_keeps_nothing_of_its_parent() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload().downcast_ref::<&str>() != Some(&"processor bug") {
            report(info);
        }
    }));
    let _pipeline = baton::init(Config::new().processor(Panicking)).unwrap();
    for entered in [false, true] {
        end_panicking(200, entered);
        let before = rss_kib();
        end_panicking(2000, entered);
        let grew = rss_kib().saturating_sub(before);
        assert!(
            grew < 2048,
            "RSS grew by {grew} KiB over 2000 spans (entered: {entered})"
        );
    }
}
