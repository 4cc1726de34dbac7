//! `record_error` writes the error's `Display` (and, for a `dyn Error`,
//! its `Debug`) into the span. Bug: an error whose `Display` returned
//! `Err` made baton panic ("a Display implementation returned an error
//! unexpectedly", from `to_string`), and recorded from a drop while the
//! thread unwound (cleanup noting what failed), that second panic aborted
//! the process. Now the error is recorded with what its formatting wrote.
//! The unwinding case runs in a child process, so that an abort is seen
//! as its exit status.

use std::fmt;
use std::panic::catch_unwind;

use baton::{span, Config, InMemoryExporter, Status};
use child_process::run_alone;

#[path = "common/child_process.rs"]
mod child_process;

/// Writes "partly" then fails, as a `Display` passing on a failure of a
/// part it formats does.
#[derive(Debug)]
struct FailsToFormat;

impl fmt::Display for FailsToFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("partly")?;
        Err(fmt::Error)
    }
}

impl std::error::Error for FailsToFormat {}

/// Records [`FailsToFormat`] on the current span when dropped.
struct RecordsInDrop;

impl Drop for RecordsInDrop {
    fn drop(&mut self) {
        baton::current_span().unwrap().record_error(&FailsToFormat);
    }
}

fn partly() -> Status {
    Status::Error {
        description: "partly".into(),
    }
}

#[test]
fn an_error_whose_display_fails_is_recorded_without_a_panic() {
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(Config::new().exporter(spans.clone())).unwrap();
    let recorded = span("call").start();
    recorded.record_error(&FailsToFormat);
    let as_dyn: &dyn std::error::Error = &FailsToFormat;
    recorded.record_error(as_dyn);
    drop(recorded);
    let ended = spans.take();
    assert_eq!(ended[0].status, partly());
    assert_eq!(ended[0].events.len(), 2);
}

#[test]
fn an_error_whose_display_fails_recorded_while_unwinding_does_not_abort() {
    run_alone::<&str>(
        "child_error_whose_display_fails_recorded_while_unwinding",
        &[],
    );
}

#[test]
#[ignore = "run in a child process by an_error_whose_display_fails_recorded_while_unwinding_does_not_abort"]
fn child_error_whose_display_fails_recorded_while_unwinding() {
    std::panic::set_hook(Box::new(|_| {}));
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(Config::new().exporter(spans.clone())).unwrap();
    let caught = catch_unwind(|| {
        let _cleanup = span("cleanup").enter();
        let _records = RecordsInDrop;
        panic!("the application's panic");
    });
    assert!(caught.is_err());
    let ended = spans.take();
    assert_eq!(ended.len(), 1);
    let messages: Vec<_> = ended[0]
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .filter(|kv| kv.key == "exception.message")
        .map(|kv| kv.value.to_string())
        .collect();
    assert_eq!(messages, ["partly", "the application's panic"]);
}
