//! A collector may answer before it has read the whole request, as an
//! OpenTelemetry Collector does with `413 Content Too Large` past its
//! `max_request_body_size`, and close the connection, which resets the
//! exporter's write. baton took the reset for a dropped connection: it
//! retried the same body until the timeout, and the error said "connection
//! reset", never 413. Now the answer that came is read and reported, and a
//! 413 is not retried. Installs the global pipeline (to make the spans).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{ExportError, OtlpConfig, OtlpExporter, SpanExporter};

#[test]
fn a_413_sent_before_the_body_is_read_is_the_error_and_not_retried() {
    // A batch of about 16 MiB: far more than the socket buffers hold.
    let memory = baton::InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    for i in 0..16 {
        baton::span(format!("big {i}"))
            .attr("payload", "x".repeat(1 << 20))
            .start();
    }
    drop(guard);
    let batch = memory.take();
    assert_eq!(batch.len(), 16);

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let Ok(mut stream) = stream else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            // Reads a little of the request, answers, and closes with the
            // rest unread.
            let mut some = [0u8; 4096];
            let _ = stream.read(&mut some);
            let _ = stream.write_all(
                b"HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\n\
                  Content-Length: 46\r\nConnection: close\r\n\r\n\
                  {\"code\":8,\"message\":\"request body too large\"}",
            );
        }
    });
    let timeout = Duration::from_secs(5);
    let mut exporter = OtlpExporter::new(OtlpConfig::new(&url).unwrap().timeout(timeout));
    let started = Instant::now();
    let result = exporter.export(&batch);
    let Err(ExportError::Failed(why)) = &result else {
        panic!("{result:?}")
    };
    assert!(
        why.ends_with("answered 413: request body too large"),
        "{why}"
    );
    assert_eq!(seen.load(Ordering::SeqCst), 1, "a 413 is not retried");
    assert!(started.elapsed() < timeout, "waited out the timeout");
}
