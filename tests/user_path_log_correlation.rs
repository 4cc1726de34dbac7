//! Log correlation as OpenTelemetry Python's logging instrumentation gives
//! it (`otelTraceID`, `otelSpanID`, `otelTraceSampled` on every record), in
//! a service whose logger writes `baton::log_ids()` at the end of each line
//! as the README shows: lines written by a handler, by its pool jobs and in
//! a request the caller chose not to sample all carry the ids the exported
//! spans (or the caller's headers) have.

mod common;

use std::sync::{Arc, Mutex};

use baton::SpanKind;

/// A logger as the README's `log::Log` recipe writes it.
#[derive(Clone, Default)]
struct Logger(Arc<Mutex<Vec<String>>>);

impl Logger {
    fn info(&self, message: &str) {
        self.0
            .lock()
            .unwrap()
            .push(format!("INFO {message} {}", baton::log_ids()));
    }

    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

fn incoming(flags: &str) -> Vec<(String, String)> {
    vec![(
        "traceparent".to_owned(),
        format!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-{flags}"),
    )]
}

fn handle(log: &Logger, headers: &[(String, String)]) {
    let headers = headers.to_vec();
    let _cx = baton::propagated_context(&headers);
    log.info("received");
    let _server = baton::span("GET /report").kind(SpanKind::Server).enter();
    log.info("handling");
    let job_log = log.clone();
    let job = baton::copy_context_to_thread(move || {
        baton::in_span("render", || job_log.info("rendering"));
    });
    std::thread::spawn(job).join().unwrap();
}

#[test]
fn every_line_of_a_sampled_request_names_the_span_it_was_written_in() {
    let log = Logger::default();
    let spans = common::record(|| handle(&log, &incoming("01")));
    let server = common::named(&spans, "GET /report");
    let render = common::named(&spans, "render");
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    assert_eq!(
        log.lines(),
        [
            format!("INFO received trace_id={trace} span_id=00f067aa0ba902b7 trace_flags=01"),
            format!(
                "INFO handling trace_id={trace} span_id={} trace_flags=01",
                server.span_id()
            ),
            format!(
                "INFO rendering trace_id={trace} span_id={} trace_flags=01",
                render.span_id()
            ),
        ]
    );
}

/// A request the caller did not sample: nothing is exported, but every line
/// still carries the trace id and the span ids its spans propagate, with
/// flags `00` (OpenTelemetry Python logs a non-recording span's ids too,
/// with `otelTraceSampled=False`).
#[test]
fn lines_of_a_request_not_sampled_still_carry_its_ids() {
    let log = Logger::default();
    let spans = common::record(|| handle(&log, &incoming("00")));
    assert!(spans.is_empty(), "{spans:?}");
    let lines = log.lines();
    assert_eq!(lines.len(), 3);
    let trace = "trace_id=4bf92f3577b34da6a3ce929d0e0e4736";
    let mut span_ids = Vec::new();
    for line in &lines {
        assert!(line.contains(trace), "{line}");
        assert!(line.ends_with(" trace_flags=00"), "{line}");
        let span_id = line
            .split(' ')
            .find_map(|f| f.strip_prefix("span_id="))
            .unwrap();
        span_ids.push(span_id.to_owned());
    }
    // The caller's span, then two spans of this service's own.
    assert_eq!(span_ids[0], "00f067aa0ba902b7");
    assert_ne!(span_ids[1], span_ids[0]);
    assert_ne!(span_ids[2], span_ids[1]);
}
