//! An answer that arrives one byte per TCP segment (an interim `100
//! Continue`, a head, a chunked or sized body, every line end and chunk
//! boundary split) is read exactly as if it came at once: its partial
//! success counted, and, being framed and read to its end, its connection
//! kept for the next export. Audit: pins the readers' state across reads
//! end to end.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::io::{BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use baton::export::{ExportError, OtlpConfig, OtlpExporter, Protocol, SpanExporter};
use loopback_collector::{content_length, read_headers};

const BODY: &str = r#"{"partialSuccess":{"rejectedSpans":"1","errorMessage":"slow"}}"#;

/// A collector keeping its connections, answering each request with
/// `answer`, one byte per write, a millisecond apart; returns the URL and the connections
/// accepted.
fn trickling(answer: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            counted.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            std::thread::spawn(move || {
                stream.set_nodelay(true).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let mut reader = BufReader::new(stream);
                loop {
                    let mut line = String::new();
                    if std::io::BufRead::read_line(&mut reader, &mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let headers = read_headers(&mut reader);
                    let mut body = vec![0; content_length(&headers)];
                    reader.read_exact(&mut body).unwrap();
                    for byte in &answer {
                        if reader.get_mut().write_all(&[*byte]).is_err() {
                            return;
                        }
                        // Pacing, not synchronisation: without it the
                        // bytes pile up and arrive in one read.
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
            });
        }
    });
    (url, connections)
}

#[test]
fn an_answer_trickling_in_byte_by_byte_is_read_whole_and_its_connection_kept() {
    let chunked = format!(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n5;x=y\r\n{}\r\n{:x}\r\n{}\r\n0\r\nTrailer: t\r\n\r\n",
        &BODY[..5],
        BODY.len() - 5,
        &BODY[5..]
    );
    let sized = format!(
        "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: {}\n\n{BODY}",
        BODY.len()
    );
    for answer in [chunked, sized] {
        let (url, connections) = trickling(answer.clone().into_bytes());
        let config = OtlpConfig::new(&url)
            .unwrap()
            .protocol(Protocol::HttpJson)
            .timeout(Duration::from_secs(30));
        let mut exporter = OtlpExporter::new(config);
        for _ in 0..2 {
            assert_eq!(
                exporter.export(&[batch_fixture::span()]),
                Err(ExportError::Rejected {
                    rejected: 1,
                    message: "slow".into()
                }),
                "{answer:?}"
            );
        }
        assert_eq!(connections.load(Ordering::SeqCst), 1, "{answer:?}");
    }
}
