//! A request that runs out of time after a followed 307 names where it was
//! redirected to, the step and the time allowed: that is the collector that
//! did not answer, not the configured one. Issue: a timeout said only
//! "deadline exceeded".

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use baton::export::{ExportError, OtlpConfig, OtlpExporter, SpanExporter, TimedOut, TimeoutStep};

#[test]
fn a_silent_redirect_target_is_the_one_named() {
    // Accepts and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let target = format!("http://{}/v2/spans", silent.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream);
        }
    });
    let location = target.clone();
    let (from, _) = loopback_collector::answering(1, move |_| {
        format!("HTTP/1.1 307 Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
            .into_bytes()
    });
    let timeout = Duration::from_millis(500);
    let config = OtlpConfig::new(&format!("{from}/v1/traces"))
        .unwrap()
        .timeout(timeout);
    let result = OtlpExporter::new(config).export(&[batch_fixture::span()]);
    let expected = TimedOut::request(TimeoutStep::Waiting, &*target, timeout);
    assert_eq!(result, Err(ExportError::Timeout(expected)));
    assert_eq!(
        result.unwrap_err().to_string(),
        format!("timed out after 500 ms waiting for the answer from {target}")
    );
}
