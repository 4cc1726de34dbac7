//! An export whose thread is interrupted by a signal while it waits for
//! the collector carries on.
//!
//! Bug: every socket call of the OTLP client has a timeout set
//! (`SO_RCVTIMEO`, `SO_SNDTIMEO`), and Linux then fails such a call with
//! `EINTR` when a signal handler runs on that thread, even one installed
//! with `SA_RESTART` (a sampling profiler's `SIGPROF`), and when the
//! process is stopped and continued (`Ctrl-Z` and `fg`, a debugger
//! attaching) without any handler (signal(7), "Interruption of system
//! calls and library functions by stop signals"). The client took
//! `Interrupted` for a failed connection: the export failed ("Interrupted
//! system call"), not retried, and its spans were counted lost although
//! the collector took them. `std`'s `read` and `write` leave `EINTR` to
//! the caller; its `read_exact` and `write_all` retry it, as the client
//! now does. Stops its own process, so it has its own file.
#![cfg(unix)]

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, SpanExporter};

/// Stops this process and continues it, from a child process (a stopped
/// process cannot continue itself); returns once both signals are sent.
fn stop_and_continue() {
    let pid = std::process::id().to_string();
    let status = Command::new("sh")
        .args([
            "-c",
            "kill -STOP \"$1\"; sleep 0.2; kill -CONT \"$1\"",
            "sh",
            &pid,
        ])
        .status()
        .expect("sh runs");
    assert!(status.success());
}

#[test]
fn an_export_interrupted_while_waiting_for_the_answer_is_delivered() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    let collector = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        reader.read_exact(&mut vec![0; length]).unwrap();
        // The exporter has sent the whole request and waits for the
        // answer in a socket call with a timeout.
        stop_and_continue();
        let mut stream = reader.into_inner();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .unwrap();
    });
    let config = OtlpConfig::new(&url)
        .unwrap()
        .timeout(Duration::from_secs(30));
    let result = OtlpExporter::new(config).export(&[batch_fixture::span()]);
    collector.join().unwrap();
    assert_eq!(result, Ok(()), "the collector took the span");
}
