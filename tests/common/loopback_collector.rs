//! A loopback OTLP collector for tests: accepts requests on a free port,
//! answers each with 200 (or what the test says), and hands over what was
//! posted.
//!
//! Include it with `#[path = "common/loopback_collector.rs"] mod loopback_collector;`.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// One captured request.
pub struct Request {
    /// `POST /v1/traces HTTP/1.1`, line break removed.
    pub request_line: String,
    /// The headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body, `Content-Length` bytes of it.
    pub body: Vec<u8>,
}

impl Request {
    /// The value of header `name`, matched without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The body as text.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }
}

/// Reads a request's header lines, up to the blank line that ends them:
/// each as (name as sent, value trimmed).
pub fn read_headers(reader: &mut impl BufRead) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let Some((name, value)) = line.trim_end().split_once(':') else {
            return headers;
        };
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
}

/// The value of header `name` in `headers`, matched without regard to case.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The `Content-Length` of a request with `headers`, 0 without one.
pub fn content_length(headers: &[(String, String)]) -> usize {
    header(headers, "content-length").map_or(0, |v| v.parse().unwrap())
}

/// Accepts up to `count` requests; returns the base URL
/// (`http://127.0.0.1:<port>`, no path) and the requests as they arrive.
pub fn collector(count: usize) -> (String, mpsc::Receiver<Request>) {
    answering(count, |_| {
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec()
    })
}

/// A `200 OK` answer of `content_type` carrying `body`.
pub fn ok_with_body(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    answer
}

/// Like [`collector`], but answers the `n`th request (from 0) with the
/// bytes `answer(n)` gives.
pub fn answering(
    count: usize,
    answer: impl Fn(usize) -> Vec<u8> + Send + 'static,
) -> (String, mpsc::Receiver<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for n in 0..count {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let headers = read_headers(&mut reader);
            let mut body = vec![0; content_length(&headers)];
            reader.read_exact(&mut body).unwrap();
            let mut stream = reader.into_inner();
            stream.write_all(&answer(n)).unwrap();
            let request = Request {
                request_line: request_line.trim_end().to_owned(),
                headers,
                body,
            };
            if tx.send(request).is_err() {
                return;
            }
        }
    });
    (format!("http://{addr}"), rx)
}

/// A server keeping its connections open: each request is answered with
/// `answer(n)` (`n` counting every request, from 0), and the connection
/// then serves the next one, until the client closes it. Returns the base
/// URL, the count of connections accepted, and the requests, each handed
/// over before its answer is sent.
pub fn keeping_connections(
    answer: impl Fn(usize) -> Vec<u8> + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>, mpsc::Receiver<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    let served = Arc::new(AtomicUsize::new(0));
    let answer = Arc::new(answer);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            counted.fetch_add(1, Ordering::SeqCst);
            let (answer, served, tx) = (Arc::clone(&answer), Arc::clone(&served), tx.clone());
            std::thread::spawn(move || serve_requests(stream, &*answer, &served, &tx));
        }
    });
    (url, connections, rx)
}

/// Answers the requests of one connection until it ends.
fn serve_requests(
    stream: TcpStream,
    answer: &dyn Fn(usize) -> Vec<u8>,
    served: &AtomicUsize,
    tx: &mpsc::Sender<Request>,
) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let headers = read_headers(&mut reader);
        let mut body = vec![0; content_length(&headers)];
        reader.read_exact(&mut body).unwrap();
        let n = served.fetch_add(1, Ordering::SeqCst);
        // Handed over before the answer: once the client has it, the
        // request is there to see.
        let _ = tx.send(Request {
            request_line: request_line.trim_end().to_owned(),
            headers,
            body,
        });
        if reader.get_mut().write_all(&answer(n)).is_err() {
            return;
        }
    }
}

/// A lookup closure over `vars`, as `Config::from_lookup` takes.
pub fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |key| {
        vars.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_owned())
    }
}
