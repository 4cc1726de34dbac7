//! An audit of what log correlation (`log_ids()`, `current_span_id()`,
//! `current_session()`) and `Tracer::enabled()` give to code baton calls
//! back, and after a panic a pool catches: a sampler, a processor's
//! `on_start` and `on_end`, a simple processor's exporter, a diagnostic
//! handler, a `Drop` run while a panic unwinds through a span, and a
//! worker after a wrapped job or a future panicked and was caught. Each
//! sees the context current on its thread at that moment (the parent while
//! a span starts, the parent again once it ended; the ids are never read
//! from a stack that is borrowed, which would give none), and a caught
//! panic leaves nothing of the job's context on the worker. Found sound.
//! Installs the global pipeline and the diagnostic handler: one test.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::Instant;

use baton::export::{ExportError, SimpleProcessor, SpanExporter, SpanProcessor};
use baton::sampling::{AlwaysOn, Sampler, SamplingParams, SamplingResult};
use baton::{Context, FutureExt, Span, SpanData};

/// What one callback saw: who, the `log_ids` text, the session, and
/// whether a tracer was enabled.
type Seen = (String, String, Option<String>, bool);

static SEEN: Mutex<Vec<Seen>> = Mutex::new(Vec::new());

fn note(who: String) {
    let ids = baton::log_ids();
    assert_eq!(ids.span_id(), baton::current_span_id(), "{who}");
    assert_eq!(ids.trace_id(), baton::current_trace_id(), "{who}");
    let enabled = baton::tracer("audit").build().enabled();
    let session = baton::current_session().map(|s| s.id().to_owned());
    SEEN.lock()
        .unwrap()
        .push((who, ids.to_string(), session, enabled));
}

fn take() -> Vec<Seen> {
    std::mem::take(&mut *SEEN.lock().unwrap())
}

struct Noting(SimpleProcessor);

impl SpanProcessor for Noting {
    fn on_start(&self, span: &Span, _parent: &Context) {
        note(format!("on_start {}", span.name()));
    }
    fn on_end(&self, span: SpanData) {
        note(format!("on_end {}", span.name));
        self.0.on_end(span)
    }
    fn force_flush(&self, d: Instant) -> Result<(), ExportError> {
        self.0.force_flush(d)
    }
    fn shutdown(&self, d: Instant) -> Result<(), ExportError> {
        self.0.shutdown(d)
    }
}

struct NotingExporter;

impl SpanExporter for NotingExporter {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        note(format!("export {}", batch[0].name));
        Ok(())
    }
}

struct NotingSampler;

impl Sampler for NotingSampler {
    fn should_sample(&self, p: &SamplingParams<'_>) -> SamplingResult {
        note(format!("sampler {}", p.name));
        AlwaysOn.should_sample(p)
    }
    fn description(&self) -> String {
        "NotingSampler".into()
    }
}

fn ids(span: &impl Fn() -> baton::SpanContext) -> String {
    let sc = span();
    format!(
        "trace_id={} span_id={} trace_flags={:02x}",
        sc.trace_id(),
        sc.span_id(),
        sc.flags().bits()
    )
}

#[test]
fn callbacks_and_caught_panics_see_the_context_current_on_their_thread() {
    baton::set_diagnostic_handler(Box::new(|d| {
        note(format!("diagnostic {}", d.kind.as_str()))
    }))
    .unwrap();
    let _pipeline = baton::init(
        baton::Config::new()
            .processor(Noting(SimpleProcessor::new(NotingExporter)))
            .sampler(NotingSampler),
    )
    .unwrap();
    let chat = Some("chat".to_owned());
    let s = |who: &str, ids: &str, session: &Option<String>, enabled| {
        (who.to_owned(), ids.to_owned(), session.clone(), enabled)
    };

    let session = baton::session("chat");
    let outer = baton::span("outer").enter();
    let outer_sc = outer.span_context().clone();
    let outer_ids = ids(&|| outer_sc.clone());
    {
        let inner = baton::span("inner").enter();
        let inner_sc = inner.span_context().clone();
        let _ = baton::session(""); // a diagnostic, raised inside `inner`
        drop(inner);
        let inner_ids = ids(&|| inner_sc.clone());
        assert_eq!(
            take(),
            [
                s("sampler outer", "", &chat, true),
                s("on_start outer", "", &chat, false),
                s("sampler inner", &outer_ids, &chat, true),
                s("on_start inner", &outer_ids, &chat, false),
                s("diagnostic invalid-argument", &inner_ids, &chat, true),
                s("on_end inner", &outer_ids, &chat, false),
                s("export inner", &outer_ids, &chat, false),
            ]
        );
    }
    // Guards dropped out of order: the handler and the processor see the
    // span still current (`b`), not an empty context.
    let a = baton::span("a").enter();
    let b = baton::span("b").enter();
    let b_ids = ids(&|| b.span_context().clone());
    drop(a);
    let seen = take();
    assert_eq!(
        &seen[4..],
        [
            s("diagnostic guard-dropped-out-of-order", &b_ids, &chat, true),
            s("on_end a", &b_ids, &chat, false),
            s("export a", &b_ids, &chat, false),
        ]
    );
    drop(b);
    drop(outer);
    drop(session);
    let seen = take();
    assert_eq!(
        &seen[seen.len() - 2..],
        [
            s("on_end outer", "", &chat, false),
            s("export outer", "", &chat, false),
        ]
    );

    // A drop run while a panic unwinds through a span still sees that span.
    std::panic::set_hook(Box::new(|_| {}));
    struct NoteOnDrop;
    impl Drop for NoteOnDrop {
        fn drop(&mut self) {
            note("unwinding".to_owned());
        }
    }
    let mut unwound = String::new();
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let g = baton::span("panicking").enter();
        unwound = ids(&|| g.span_context().clone());
        let _d = NoteOnDrop;
        panic!("boom");
    }));
    let seen = take();
    assert!(
        seen.contains(&s("unwinding", &unwound, &None, true)),
        "{seen:?}"
    );

    // A worker that catches a job's or a future's panic keeps its own context.
    let (job, job_fn, fut) = {
        let _s = baton::session("chat");
        let _g = baton::span("request").enter();
        (
            baton::copy_context_to_thread(|| panic!("job")),
            baton::copy_context_to_fn(|_: ()| {
                let _g = baton::span("inner").enter();
                panic!("fn")
            }),
            async {
                let _held = baton::span("inner").enter();
                panic!("future")
            }
            .in_span(baton::span("future")),
        )
    };
    let _worker = baton::span("worker").enter();
    let worker = baton::log_ids();
    let depth = baton::__stack_depth();
    let _ = catch_unwind(AssertUnwindSafe(job));
    let _ = catch_unwind(AssertUnwindSafe(|| job_fn(())));
    let _ = catch_unwind(AssertUnwindSafe(|| common::block_on(fut)));
    assert_eq!(baton::log_ids(), worker);
    assert_eq!(baton::current_session(), None);
    assert_eq!(baton::__stack_depth(), depth);
}
